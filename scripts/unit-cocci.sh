#!/usr/bin/env bash
# Host tests of the Coccinelle catalogue (patches/cocci/), no VM: on the
# base's pieces with our series applied (scripts/cocci.sh tree series)
# every rule makes a diff that applies and touches only files of the
# series; on the pristine base (no series) every rule matches nothing,
# also when it is run on the base's own migrate.c and migrate.h, and is
# "n/a"; every header names a known scenario. Each check is shown to fire
# on a bad input first.
#
#   scripts/unit-cocci.sh [TREE...]   also: which rules apply to each TREE
#                                     (a kernel tree carrying some version
#                                     of the series), printed, not judged
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

TEST_GROUP="unit: Coccinelle mutants"
# The rules are written for the RFC v6 API, the one patches/7.2 carries;
# our 6.12 port has another (register(m), a helper for the mark), on which
# a rule that matches nothing is right, so the tests take 7.2's series
BASE=7.2
COCCI=$TOP/patches/cocci
if ! command -v spatch >/dev/null; then
	t_fail "cocci: spatch is missing (apt-get install coccinelle)"
	t_summary
	exit
fi
series_tree=$("$TOP/scripts/cocci.sh" tree series) || { t_fail "cocci: the series' tree could not be made"; t_summary; exit; }
base_tree=$("$TOP/scripts/cocci.sh" tree base) || { t_fail "cocci: the base's tree could not be made"; t_summary; exit; }
mapfile -t rules < <("$TOP/scripts/cocci.sh" names)
# the files our series changes: what a rule's diff may touch
series_files=$(for p in $(base_series); do sed -n 's@^+++ b/@@p' "$(base_dir)/$p"; done | sort -u)
work=$(tmp_dir)

# makes_diff RULE TREE OUT: the rule's diff is not empty
makes_diff() {
	local why rc=0
	why=$("$TOP/scripts/cocci.sh" diff "$1" "$2" "$3") || rc=$?
	[ "$rc" = 0 ] || { echo "no diff (status $rc): $why"; return 1; }
}

# matches_nothing RULE TREE [FILE...]: status 3 and an empty diff
matches_nothing() {
	local rule=$1 tree=$2 why rc=0
	shift 2
	why=$("$TOP/scripts/cocci.sh" diff "$rule" "$tree" "$work/neg.patch" "$@") || rc=$?
	[ "$rc" = 3 ] && [ ! -s "$work/neg.patch" ] || { echo "status $rc, diff:"; head -20 "$work/neg.patch"; return 1; }
	echo "n/a: $why"
}

# applies DIFF TREE: patch -p1 takes it whole
applies() {
	patch -p1 --dry-run -s -f -d "$2" <"$1" >/dev/null || { echo "does not apply to $2"; return 1; }
}

# touches_only DIFF: every file the diff changes is one the series changes
touches_only() {
	local f rc=0
	for f in $(sed -n 's@^+++ b/@@p' "$1"); do
		grep -qxF "$f" <<<"$series_files" || { echo "touches $f, which the series does not change"; rc=1; }
	done
	return $rc
}

# header_ok RULE: Class, a known scenario in Caught by (and in every Also
# caught by), and what "not applicable" means for it
header_ok() {
	local s rc=0
	grep -q '^// Class: ' "$1" || { echo "no '// Class:' line"; rc=1; }
	grep -q '^// Not applicable: ' "$1" || { echo "no '// Not applicable:' line"; rc=1; }
	s=$(sed -n 's@^// Caught by: scenarios\{0,1\} \([a-z0-9-]*\).*@\1@p' "$1" | head -1)
	[ -n "$s" ] && scenario_exists "$s" || { echo "no known scenario on its '// Caught by:' line"; rc=1; }
	for s in $(sed -n 's@^// Also caught by: scenario \([a-z0-9-]*\):.*@\1@p' "$1"); do
		scenario_exists "$s" || { echo "unknown scenario '$s' on an 'Also caught by' line"; rc=1; }
	done
	return $rc
}

# negated CHECK...: passes when the check fails
negated() {
	! "$@"
}

# --- the checks fire on bad input ------------------------------------------------
# a rule that matches nothing gives no diff; a diff outside the series'
# files is refused; a diff of another tree does not apply; a header without
# its lines is refused; a rule that matches is not "nothing"
printf '// Class: x\n@@\n@@\n- no_such_function_anywhere();\n' >"$work/none.cocci"
printf '@@\n@@\n- (((\n' >"$work/bad.cocci"
t_run "cocci/control: a rule that matches nothing makes no diff" \
	negated makes_diff "$work/none.cocci" "$series_tree" "$work/none.patch"
printf -- '--- a/mm/page_alloc.c\n+++ b/mm/page_alloc.c\n@@ -1 +1 @@\n-x\n+y\n' >"$work/out.patch"
t_run "cocci/control: a diff outside the series' files is refused" negated touches_only "$work/out.patch"
t_run "cocci/control: a diff of the context of another tree does not apply" negated applies "$work/out.patch" "$series_tree"
t_run "cocci/control: a header without Class and Caught by is refused" negated header_ok "$work/none.cocci"
t_run "cocci/control: a rule that matches is not reported n/a" \
	negated matches_nothing "$COCCI/no-ebusy.cocci" "$series_tree"

# bad input: one line and exit 2
refused() { # PATTERN COMMAND...: exit 2 and PATTERN in the message
	local pat=$1 out rc=0
	shift
	out=$("$@" 2>&1) || rc=$?
	[ "$rc" = 2 ] && grep -q "$pat" <<<"$out" || { echo "status $rc: $out"; return 1; }
}
t_run "cocci: an unknown rule is refused (exit 2)" refused "no Coccinelle rule named 'nosuch'" "$TOP/scripts/mutants.sh" cocci/nosuch
t_run "cocci: cocci.sh without its arguments is refused (exit 2)" refused "usage: cocci.sh" "$TOP/scripts/cocci.sh" diff
t_run "cocci: a rule that does not parse is an error (exit 2)" refused "spatch failed" \
	"$TOP/scripts/cocci.sh" diff "$work/bad.cocci" "$series_tree" "$work/bad.patch" mm/migrate.c

# --- every rule --------------------------------------------------------------------
# the base's own files that the series changes: a rule must not take the
# code the series builds on for the series
mapfile -t base_own < <(cd "$base_tree" && for f in $series_files; do [ -f "$f" ] && [[ $f == *.[ch] ]] && echo "$f"; done)
for r in "${rules[@]}"; do
	rule=$COCCI/$r.cocci
	t_run "cocci/$r: header (Class, Caught by, Not applicable)" header_ok "$rule"
	start=$(date +%s%N)
	if makes_diff "$rule" "$series_tree" "$work/$r.patch" >"$work/why" 2>&1; then
		t_pass "cocci/$r: a diff on the $BASE series ($(($(date +%s%N) / 1000000 - start / 1000000)) ms)"
		t_run "cocci/$r: the diff applies to the series' tree" applies "$work/$r.patch" "$series_tree"
		t_run "cocci/$r: the diff touches only the series' files" touches_only "$work/$r.patch"
	else
		t_fail "cocci/$r: a diff on the $BASE series"
		sed 's/^/    /' "$work/why"
	fi
	t_run "cocci/$r: n/a on the pristine base" matches_nothing "$rule" "$base_tree"
	t_run "cocci/$r: nothing in the base's ${base_own[*]}" matches_nothing "$rule" "$base_tree" "${base_own[@]}"
done

# make mutants on a tree without the series: every rule's row and "Also"
# row is n/a with its reason, nothing is built, the run passes
mutants_na() {
	local t=$work/na.tsv n want
	KERNEL_SRC=$base_tree SERIES=none RESULTS=$work MUTANTS_TABLE=$t \
		"$TOP/scripts/mutants.sh" cocci >/dev/null 2>&1 || { echo "exit $?"; return 1; }
	want=$((${#rules[@]} + $(cat "$COCCI"/*.cocci | grep -c '^// Also caught by: ')))
	n=$(tail -n +2 "$t" | grep -c $'\tn/a\tno file of the tree mentions the copy-offload API\t')
	[ "$n" = "$want" ] && [ "$(tail -n +2 "$t" | wc -l)" = "$want" ] || { echo "$n n/a rows of $want:"; cat "$t"; return 1; }
}
t_run "cocci: make mutants on the pristine base (SERIES=none): every row n/a, nothing built" mutants_na

# --- other trees: which rules apply (a report, not a test) --------------------
for tree in "$@"; do
	[ -d "$tree" ] || { t_fail "cocci: no tree $tree"; continue; }
	mapfile -t files < <("$TOP/scripts/cocci.sh" files "$tree")
	echo "rules on $tree ($("$TOP/scripts/detect-api.sh" "$tree" 2>&1); files: ${files[*]:-none}):"
	[ ${#files[@]} -gt 0 ] || continue
	for r in "${rules[@]}"; do
		rc=0
		why=$("$TOP/scripts/cocci.sh" diff "$COCCI/$r.cocci" "$tree" "$work/x.patch" "${files[@]}") || rc=$?
		case $rc in
		0) echo "  $r: applies ($(grep -c '^[-+][^-+]' "$work/x.patch") lines changed in $(sed -n 's@^+++ b/@@p' "$work/x.patch" | paste -sd' '))" ;;
		3) echo "  $r: n/a ($why)" ;;
		*) t_fail "cocci/$r on $tree: spatch failed" ;;
		esac
	done
done

t_summary
