#!/usr/bin/env bash
# Prove the oracles: build every broken variant of the series in
# patches/$BASE/mutants/ (each applied after the series with EXTRA_PATCHES), run
# the scenario its record in patches/mutants.catalogue names ("caught by:
# scenario NAME"), and print a table: variant, caught or missed, first
# finding, time to detect. An "also caught by: scenario NAME: TITLE" line
# of the record adds a row VARIANT@NAME that
# is caught only when that exact title comes out (a second oracle). The
# corrupt provider mode, a negative control on the correct series, is a row
# of the same table.
#
# The Coccinelle catalogue (patches/cocci/*.cocci: the same bug classes
# written against the API's names, for any version of the series) makes
# rows the same way: each rule is applied with spatch to the files of the
# tree under test that mention the API, and its diff (kept in
# $RESULTS/mutants-cocci-<time>/RULE.patch) is the row's EXTRA_PATCHES. A
# rule that matches nothing, or whose diff does not build (its first
# error), is "n/a" with that reason. It is the default on a tree the user
# brings (KERNEL_SRC=DIR SERIES=none), where the diffs do not apply.
#
#   scripts/mutants.sh [NAME...]      (default: every mutant; with
#                                     SERIES=none, every Coccinelle rule)
#                                     NAME: a diff mutant, cocci/RULE, or
#                                     cocci for every rule
#   scripts/mutants.sh --tier check   the mutants whose record says
#                                     "tier: check" (make check's subset:
#                                     one per oracle), without the control
#                                     and without the "Also" rows
#   scripts/mutants.sh --list         the catalogue for this BASE, a line
#                                     each: variant, tier, caught by, also
#                                     caught by (nothing is built)
#   scripts/mutants.sh --build-only ...  build the kernels and modules of
#                                     the rows, run nothing (make check
#                                     builds them on one core while the
#                                     other boots its campaign)
#   UNDER=SCENARIO scripts/mutants.sh [NAME...]
#                                     each variant under SCENARIO instead of
#                                     its own, no "Also" rows: which other
#                                     oracles see it. Under a selftests-MODE
#                                     scenario (SELFTESTS= some entries) a
#                                     variant is caught only by a finding of
#                                     the family's differential ("KTAP: not ok
#                                     selftest-..."): the mm selftests alone
#
# Writes build/mutants-<time>.tsv. Exit 1 when any variant is missed. A row
# whose oracle needs one of the suite's own patches that the tree (SERIES=none
# KERNEL_SRC=DIR) lacks, or whose mutant does not apply to that tree, is
# "n/a" with its reason, neither caught nor missed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MUTANTS=$(base_dir)/mutants
# COCCI_RULES=DIR: rules from another folder (a rule made to fail, to
# see a row that does not build)
COCCI=${COCCI_RULES:-$TOP/patches/cocci}
user_tree=0
[ "${SERIES:-base}" = none ] && [ -n "${KERNEL_SRC:-}" ] && user_tree=1
# UNDER: every row under this scenario; under_match: the titles that
# count there (under the selftests, a selftest's own: SELFTEST_TITLE_ERE)
under=${UNDER:-} under_match=""
if [ -n "$under" ]; then
	scenario_exists "$under" || die "UNDER: no scenario '$under' (make list)"
	! scenario_in_group "$under" selftests || under_match=$SELFTEST_TITLE_ERE
fi
if [ -n "${SELFTESTS:-}" ]; then
	[ -n "$under" ] || die "SELFTESTS: give UNDER=selftests-MODE, the scenario that runs them"
	selftests_override_check "$under" "$SELFTESTS"
fi

# list_catalogue: --list, the catalogue for this BASE, a line a variant
list_catalogue() {
	local v by
	printf '%-28s %-6s %s\n' VARIANT TIER 'CAUGHT BY; ALSO CAUGHT BY'
	for v in $(mutant_names); do
		[ -f "$MUTANTS/$v.patch" ] || die "the catalogue names $v for BASE=$BASE, which has no $MUTANTS/$v.patch"
		by=$({ mutant_field "$v" 'caught by'; mutant_field "$v" 'also caught by' | sed 's/^/also /'; } | paste -sd';')
		printf '%-28s %-6s %s\n' "$v" "$(mutant_field "$v" tier)" "$by"
	done
}

# parse_args ARGS...: build_only, tier and names (cocci: every rule);
# given, how many names were asked for
parse_args() {
	local a r
	names=() tier="" build_only=0
	if [ "${1:-}" = --build-only ]; then
		build_only=1
		shift
	fi
	if [ "${1:-}" = --tier ]; then
		tier=${2:?--tier needs a name}
		shift 2
	fi
	given=$#
	for a in "$@"; do
		if [ "$a" = cocci ]; then
			for r in "$COCCI"/*.cocci; do names+=("cocci/$(basename "$r" .cocci)"); done
		else
			names+=("$a")
		fi
	done
}

# header FILE KEY: the values of KEY for a diff mutant (its record in
# patches/mutants.catalogue, keys in lower case there) or of the
# "// KEY: value" lines of a Coccinelle rule
header() {
	case $1 in
	*.patch) mutant_field "$(basename "$1" .patch)" "${2,,}" ;;
	*) sed -n "s@^// $2: @@p" "$1" ;;
	esac
}
# source_of NAME: the file of a diff mutant or of a rule (cocci/RULE)
source_of() {
	case $1 in
	cocci/*) echo "$COCCI/${1#cocci/}.cocci" ;;
	*) echo "$MUTANTS/$1.patch" ;;
	esac
}

# check_names: with no name asked for, every mutant (with SERIES=none,
# every rule) of the tier; then each name checked
check_names() {
	local all kind p n v
	if [ ${#names[@]} -eq 0 ]; then
		if [ "$user_tree" = 1 ]; then
			all=("$COCCI"/*.cocci) kind=cocci/
		else
			all=("$MUTANTS"/*.patch) kind=""
		fi
		for p in "${all[@]}"; do
			[ -z "$tier" ] || header "$p" Tier | grep -qx "$tier" || continue
			n=$(basename "$p")
			names+=("$kind${n%.*}")
		done
		[ ${#names[@]} -gt 0 ] || die "no mutant has the line 'tier: $tier'"
	fi
	for v in "${names[@]}"; do
		case $v in
		cocci/*) [ -f "$(source_of "$v")" ] || die "no Coccinelle rule named '${v#cocci/}' in $COCCI/" ;;
		*) [ -f "$(source_of "$v")" ] || die "no mutant named '$v' in patches/$BASE/mutants/" ;;
		esac
	done
}

# find_tree_extras: tree_extras, what the tree under test has of the suite's own patches:
# a row whose oracle needs one it lacks (KUnit, the reasons knob) is
# "n/a", as is a mutant that does not apply to a tree the user brought
# (their code differs from ours): neither caught nor missed, with the
# reason
find_tree_extras() {
	if [ "$user_tree" = 1 ]; then
		read -r _ _ tree_extras < <("$TOP/scripts/detect-api.sh" "$KERNEL_SRC")
	else
		tree_extras=stats,kunit
	fi
}
# caught_by VARIANT_PATCH: the scenario of its "Caught by:" line
caught_by() {
	header "$1" 'Caught by' | sed -n 's/^scenarios\{0,1\} \([a-z0-9-]*\).*/\1/p' | head -1
}
# row_needs SOURCE SCENARIO [ALSO]: the extras a row's oracle needs
row_needs() {
	local n
	n=$(scenario_field "$2" needs)
	[ -n "$1" ] && [ -z "${3:-}" ] && [ -z "$under" ] && header "$1" 'Caught by' | grep -q '(KUnit' && n="$n kunit"
	echo $n
}
# row_na SOURCE PATCH SCENARIO [ALSO]: why the row cannot run here, if so
# (SOURCE: the mutant's file, whose header names the oracle; PATCH: what
# is applied, the mutant itself or a rule's diff)
row_na() {
	local e
	for e in $(row_needs "$1" "$3" "${4:-}"); do
		case ",$tree_extras," in
		*",$e,"*) ;;
		*) echo "its oracle needs the suite's $e patch, which the tree does not have"; return ;;
		esac
	done
	if [ "$user_tree" = 1 ] && [ -n "$2" ] &&
		! patch -p1 --dry-run -s -f -d "$KERNEL_SRC" <"$2" >/dev/null 2>&1; then
		echo "does not apply to $KERNEL_SRC"
	fi
}

# variant_kernel PATCH: the kernel artifact of the series with PATCH on top
# (none: the series alone), built when it is not there yet
variant_kernel() {
	EXTRA_PATCHES=$1 SUITE_QUIET=1 "$TOP/scripts/build-kernel.sh" | tail -1
}

# build_error PATCH: the first compiler error of the failed build of the
# series with PATCH on top, or nothing when the build failed otherwise
build_error() {
	local id
	id=$(basename "$(EXTRA_PATCHES=$1 "$TOP/scripts/build-kernel.sh" --dir)") || return 0
	grep -m1 -E 'error:|Error [0-9]' "$BUILD/logs/kernel-$id.log" 2>/dev/null | sed "s@^$BUILD/src-[^/]*/@@" || true
}

# (the user's tree as it is; our series applied to the base's pieces)
cocci_setup() {
	local v
	cocci_tree="" cocci_out="" cocci_files=()
	for v in "${names[@]}"; do
		[ "${v%%/*}" = cocci ] || continue
		need_cmd spatch coccinelle
		if [ "$user_tree" = 1 ]; then
			cocci_tree=$KERNEL_SRC
		else
			cocci_tree=$("$TOP/scripts/cocci.sh" tree series) || exit "$EXIT_INFRA"
		fi
		cocci_out=$RESULTS/mutants-cocci-$(date -u +%Y%m%d-%H%M%S)
		mkdir -p "$cocci_out"
		# the files to run the rules on, found once (a few seconds in a whole tree)
		mapfile -t cocci_files < <("$TOP/scripts/cocci.sh" files "$cocci_tree")
		progress "Coccinelle rules on ${#cocci_files[@]} files of $cocci_tree; their diffs in $cocci_out"
		break
	done
}
# cocci_patch cocci/RULE: the rule's diff, kept in $cocci_out/RULE.patch;
# its path, or status 1 and the reason the rule does not apply
cocci_patch() {
	local out=$cocci_out/${1#cocci/}.patch why rc=0
	if [ ${#cocci_files[@]} -eq 0 ]; then
		echo "no file of the tree mentions the copy-offload API"
		return 1
	fi
	why=$("$TOP/scripts/cocci.sh" diff "$(source_of "$1")" "$cocci_tree" "$out" "${cocci_files[@]}") || rc=$?
	case $rc in
	0) echo "$out" ;;
	3) echo "$why"; return 1 ;;
	*) return "$EXIT_INFRA" ;;
	esac
}
# --build-only: each variant's kernel, then its modules and initramfs
# while the shared trees are at its patch set; the rows find them built
build_variants() {
	local v src rc patch art
	for v in "${names[@]}"; do
		src=$(source_of "$v") rc=0
		patch=$src
		if [ "${v%%/*}" = cocci ]; then
			patch=$(cocci_patch "$v") || rc=$?
			[ "$rc" = 1 ] && continue
			[ "$rc" = 0 ] || exit "$EXIT_INFRA"
		fi
		[ -z "$(row_na "$src" "$patch" "$(caught_by "$src")")" ] || continue
		progress "mutant $v: building"
		if ! art=$(variant_kernel "$patch"); then
			[ "${v%%/*}" = cocci ] && [ -n "$(build_error "$patch")" ] && continue
			die "building variant $v failed"
		fi
		"$TOP/scripts/build-initramfs.sh" "$art" >/dev/null || die "the initramfs of variant $v failed"
	done
}

# open_table: the table's file and header
open_table() {
	table=${MUTANTS_TABLE:-$BUILD/mutants-$(date -u +%Y%m%d-%H%M%S).tsv}
	mkdir -p "$BUILD"
	printf 'variant\tscenario\tresult\tfirst finding\tdetected at (s since boot)\twall (s)\tresults\n' >"$table"
}

# seconds since boot of console line N
stamp_of_line() {
	sed -n "${2}p" "$1" | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p'
}

# na_row VARIANT SCENARIO REASON
na_row() {
	printf '%s\t%s\tn/a\t%s\t-\t0\t-\n' "$1" "$2" "$3" >>"$table"
	progress "mutant $1: n/a ($3)"
}

# the first error of a rule's diff that did not build, per diff: its
# "Also" rows say so without building it again
declare -A no_build=()

# row VARIANT SCENARIO SOURCE EXTRA_PATCHES [TITLE [NA]]: TITLE must be
# among the findings (an "Also" row); NA: the row cannot run, why
row() {
	local v=$1 s=$2 src=$3 extra=$4 want=${5:-} na=${6:-} art dir rc=0 start wall first line at result verdict err stop
	[ -n "$na" ] || na=$(row_na "$src" "$extra" "$s" "$want")
	[ -z "$extra" ] || [ -z "${no_build[$extra]:-}" ] || na="does not build: ${no_build[$extra]}"
	if [ -n "$na" ]; then
		na_row "$v" "$s" "$na"
		return 0
	fi
	start=$(date +%s)
	progress "mutant $v: building, then scenario $s"
	if ! art=$(variant_kernel "$extra"); then
		# a rule's diff that does not compile is not a mutant of this
		# tree: n/a, with the compiler's first word on it
		err=""
		[ "${v%%/*}" = cocci ] && err=$(build_error "$extra")
		[ -n "$err" ] || die "building variant $v failed"
		no_build[$extra]=$err
		na_row "$v" "$s" "does not build: $err"
		return 0
	fi
	# a second oracle must not be hidden by the first finding: run on to it
	stop=${want:+title:$want}
	[ -z "$under_match" ] || stop=match:$under_match
	dir=$(EXTRA_PATCHES=$extra KERNEL_ART=$art RUN_PROGRESS=0 QUIET_SUMMARY=1 \
		STOP_ON=$stop "$TOP/scripts/run.sh" "$s" "$seed" | tail -1) || rc=$?
	[ "$rc" = 130 ] && exit 130
	[ "$rc" = 2 ] && die "run of $v failed (infrastructure)"
	wall=$(($(date +%s) - start))
	verdict=$(cat "$dir/verdict")
	first=$(run_first_title "$dir")
	line=$(run_title_line "$dir" "$first")
	# a variant is caught when its scenario does not pass; the corrupt
	# control is caught when its expected finding came out
	if [ "$v" = corrupt-provider ]; then
		result=$([ "$verdict" = caught ] && echo caught || echo missed)
	elif [ -n "$under_match" ]; then
		first=$(run_first_title_matching "$dir" "$under_match")
		result=$([ -n "$first" ] && echo caught || echo missed)
		line=$(run_title_line "$dir" "$first")
	elif [ -n "$want" ]; then
		# a second oracle of the same variant: its own title, wherever it is
		result=$(run_has_title "$dir" "$want" && echo caught || echo missed)
		first=$want
		line=$(run_title_line "$dir" "$want")
	else
		result=$([ "$verdict" = finding ] && [ -n "$first" ] && echo caught || echo missed)
	fi
	at=$( [ -n "$line" ] && [ "$line" != 0 ] && stamp_of_line "$dir/console.log" "$line" || echo -)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$s" "$result" "${first:--}" "${at:--}" "$wall" \
		"$(basename "$dir")" >>"$table"
	progress "mutant $v: $result by $s (${first:-no finding}), ${wall} s"
}

# run_rows: each variant's row, then its "Also" rows
run_rows() {
	local v src na rc s patch also as at_title
	for v in "${names[@]}"; do
		src=$(source_of "$v") na="" rc=0
		s=$(caught_by "$src")
		[ -n "$s" ] && scenario_exists "$s" ||
			die "$(basename "$src") names no known scenario in its 'caught by:' line"
		s=${under:-$s}
		patch=$src
		if [ "${v%%/*}" = cocci ]; then
			patch=$(cocci_patch "$v") || rc=$?
			case $rc in
			0) ;;
			1) na=$patch patch="" ;;
			*) exit "$EXIT_INFRA" ;;
			esac
		fi
		row "$v" "$s" "$src" "$patch" "" "$na"
		# "Also caught by: scenario NAME: TITLE": another oracle that must
		# fire on the same variant (one the first finding would hide); make
		# check's tier shows each variant caught once, make mutants every row
		[ "$tier" = check ] || [ -n "$under" ] && continue
		while IFS= read -r also; do
			as=${also%%:*} at_title=${also#*: }
			scenario_exists "$as" || die "$(basename "$src"): unknown scenario '$as' in 'also caught by'"
			row "$v@$as" "$as" "$src" "$patch" "$at_title" "$na" </dev/null
		done < <(header "$src" 'Also caught by' | sed -n 's/^scenario //p')
	done
}

# --- main ------------------------------------------------------------------------
if [ "${1:-}" = --list ]; then
	list_catalogue
	exit 0
fi
parse_args "$@"
check_names
find_tree_extras
cocci_setup
if [ "$build_only" = 1 ]; then
	build_variants
	exit 0
fi
seed=${SEED:-7}
open_table
run_rows
[ "$given" -eq 0 ] && [ -z "$tier" ] && [ -z "$under" ] && row corrupt-provider corrupt "" ""
echo
column -t -s $'\t' "$table"
echo
echo "table: $table"
grep -q $'\tn/a\t' "$table" && echo "n/a: $(grep -c $'\tn/a\t' "$table") rows cannot run on this tree (their reason is in the table)"
! grep -q $'\tmissed\t' "$table"
