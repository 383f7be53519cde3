#!/usr/bin/env bash
# Prove the oracles: build every broken variant of the series in
# patches/$BASE/mutants/ (each applied after the series with EXTRA_PATCHES), run
# the scenario its header names ("Caught by: scenario NAME"), and print a
# table: variant, caught or missed, first finding, time to detect. An
# "Also caught by: scenario NAME: TITLE" line adds a row VARIANT@NAME that
# is caught only when that exact title comes out (a second oracle). The
# corrupt provider mode, a negative control on the correct series, is a row
# of the same table.
#
#   scripts/mutants.sh [NAME...]      (default: every mutant)
#   scripts/mutants.sh --tier check   the mutants whose header says
#                                     "Tier: check" (make check's subset:
#                                     one per oracle), without the control
#                                     and without the "Also" rows
#   scripts/mutants.sh --build-only ...  build the kernels and modules of
#                                     the rows, run nothing (make check
#                                     builds them on one core while the
#                                     other boots its campaign)
#
# Writes build/mutants-<time>.tsv. Exit 1 when any variant is missed. A row
# whose oracle needs one of the suite's own patches that the tree (SERIES=none
# KERNEL_SRC=DIR) lacks, or whose mutant does not apply to that tree, is
# "n/a" with its reason, neither caught nor missed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

MUTANTS=$(base_dir)/mutants
names=() tier="" build_only=0
if [ "${1:-}" = --build-only ]; then
	build_only=1
	shift
fi
if [ "${1:-}" = --tier ]; then
	tier=${2:?--tier needs a name}
	shift 2
fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for p in "$MUTANTS"/*.patch; do
		[ -z "$tier" ] || grep -qx "Tier: $tier" "$p" || continue
		names+=("$(basename "$p" .patch)")
	done
	[ ${#names[@]} -gt 0 ] || die "no mutant has the line 'Tier: $tier'"
fi
for v in "${names[@]}"; do
	[ -f "$MUTANTS/$v.patch" ] || die "no mutant named '$v' in patches/$BASE/mutants/"
done
# What the tree under test has of the suite's own patches: a row whose
# oracle needs one it lacks (KUnit, the reasons knob) is "n/a", as is a
# mutant that does not apply to a tree the user brought (their code
# differs from ours): neither caught nor missed, with the reason
if [ "${SERIES:-base}" = none ] && [ -n "${KERNEL_SRC:-}" ]; then
	read -r _ _ tree_extras < <("$TOP/scripts/detect-api.sh" "$KERNEL_SRC")
else
	tree_extras=stats,kunit
fi
# caught_by VARIANT_PATCH: the scenario of its "Caught by:" line
caught_by() {
	sed -n 's/^Caught by: scenarios\{0,1\} \([a-z0-9-]*\).*/\1/p' "$1" | head -1
}
# row_needs VARIANT_PATCH SCENARIO [ALSO]: the extras a row's oracle needs
row_needs() {
	local n
	n=$(scenario_var "$2" NEEDS)
	[ -z "${3:-}" ] && grep -q '^Caught by: .*(KUnit' "$1" && n="$n kunit"
	echo $n
}
# row_na VARIANT_PATCH SCENARIO [ALSO]: why the row cannot run here, if so
row_na() {
	local e
	for e in $(row_needs "$@"); do
		case ",$tree_extras," in
		*",$e,"*) ;;
		*) echo "its oracle needs the suite's $e patch, which the tree does not have"; return ;;
		esac
	done
	if [ "${SERIES:-base}" = none ] && [ -n "$1" ] &&
		! patch -p1 --dry-run -s -f -d "$KERNEL_SRC" <"$1" >/dev/null 2>&1; then
		echo "does not apply to $KERNEL_SRC"
	fi
}

# variant_kernel PATCH: the kernel artifact of the series with PATCH on top
# (none: the series alone), built when it is not there yet
variant_kernel() {
	EXTRA_PATCHES=$1 SUITE_QUIET=1 "$TOP/scripts/build-kernel.sh" | tail -1
}

# --build-only: each variant's kernel, then its modules and initramfs
# while the shared trees are at its patch set; the rows find them built
if [ "$build_only" = 1 ]; then
	for v in "${names[@]}"; do
		[ -z "$(row_na "$MUTANTS/$v.patch" "$(caught_by "$MUTANTS/$v.patch")")" ] || continue
		progress "mutant $v: building"
		art=$(variant_kernel "$MUTANTS/$v.patch") || die "building variant $v failed"
		"$TOP/scripts/build-initramfs.sh" "$art" >/dev/null || die "the initramfs of variant $v failed"
	done
	exit 0
fi

seed=${SEED:-7}
table=${MUTANTS_TABLE:-$BUILD/mutants-$(date -u +%Y%m%d-%H%M%S).tsv}
mkdir -p "$BUILD"
printf 'variant\tscenario\tresult\tfirst finding\tdetected at (s since boot)\twall (s)\tresults\n' >"$table"

# seconds since boot of console line N
stamp_of_line() {
	sed -n "${2}p" "$1" | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p'
}

row() { # variant scenario extra_patches [title that must be among the findings]
	local v=$1 s=$2 extra=$3 want=${4:-} art dir rc=0 start wall first line at result verdict na
	na=$(row_na "$extra" "$s" "$want")
	if [ -n "$na" ]; then
		printf '%s\t%s\tn/a\t%s\t-\t0\t-\n' "$v" "$s" "$na" >>"$table"
		progress "mutant $v: n/a ($na)"
		return 0
	fi
	start=$(date +%s)
	progress "mutant $v: building, then scenario $s"
	art=$(variant_kernel "$extra") || die "building variant $v failed"
	# a second oracle must not be hidden by the first finding: run on to it
	dir=$(EXTRA_PATCHES=$extra KERNEL_ART=$art RUN_PROGRESS=0 QUIET_SUMMARY=1 \
		STOP_ON=${want:+title:$want} "$TOP/scripts/run.sh" "$s" "$seed" | tail -1) || rc=$?
	[ "$rc" = 130 ] && exit 130
	[ "$rc" = 2 ] && die "run of $v failed (infrastructure)"
	wall=$(($(date +%s) - start))
	verdict=$(cat "$dir/verdict")
	first=$(head -1 "$dir/findings.tsv" | cut -f2)
	line=$(head -1 "$dir/findings.tsv" | cut -f3)
	# a variant is caught when its scenario does not pass; the corrupt
	# control is caught when its expected finding came out
	if [ "$v" = corrupt-provider ]; then
		result=$([ "$verdict" = caught ] && echo caught || echo missed)
	elif [ -n "$want" ]; then
		# a second oracle of the same variant: its own title, wherever it is
		result=$(cut -f2 "$dir/findings.tsv" | grep -qxF "$want" && echo caught || echo missed)
		first=$want
		line=$(awk -F'\t' -v t="$want" '$2 == t { print $3; exit }' "$dir/findings.tsv")
	else
		result=$([ "$verdict" = finding ] && [ -n "$first" ] && echo caught || echo missed)
	fi
	at=$( [ -n "$line" ] && [ "$line" != 0 ] && stamp_of_line "$dir/console.log" "$line" || echo -)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$v" "$s" "$result" "${first:--}" "${at:--}" "$wall" \
		"$(basename "$dir")" >>"$table"
	progress "mutant $v: $result by $s (${first:-no finding}), ${wall} s"
}

for v in "${names[@]}"; do
	p=$MUTANTS/$v.patch
	[ -f "$p" ] || die "no mutant named '$v' in patches/$BASE/mutants/"
	s=$(caught_by "$p")
	[ -n "$s" ] && scenario_exists "$s" ||
		die "$v.patch names no known scenario in its 'Caught by:' line"
	row "$v" "$s" "$p"
	# "Also caught by: scenario NAME: TITLE": another oracle that must
	# fire on the same variant (one the first finding would hide); make
	# check's tier shows each variant caught once, make mutants every row
	[ "$tier" = check ] && continue
	while IFS= read -r also; do
		as=${also%%:*} at_title=${also#*: }
		scenario_exists "$as" || die "$v.patch: unknown scenario '$as' in 'Also caught by'"
		row "$v@$as" "$as" "$p" "$at_title" </dev/null
	done < <(sed -n 's/^Also caught by: scenario //p' "$p")
done
[ $# -eq 0 ] && [ -z "$tier" ] && row corrupt-provider corrupt ""

echo
column -t -s $'\t' "$table"
echo
echo "table: $table"
grep -q $'\tn/a\t' "$table" && echo "n/a: $(grep -c $'\tn/a\t' "$table") rows cannot run on this tree (their reason is in the table)"
! grep -q $'\tmissed\t' "$table"
