#!/usr/bin/env bash
# Run scenarios one after the other, each in its own boot and results
# directory, and print one table. With --all, every scenario in
# stress/scenarios/ once.
#
#   scripts/campaign.sh --all | SCENARIO... [--seed N] [--duration S]
#
# Exit: 0 every scenario behaved as it must, 1 otherwise, 2 infrastructure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scenarios=() seed="" duration=""
while [ $# -gt 0 ]; do
	case $1 in
	--all) for f in "$TOP"/stress/scenarios/*.scn; do scenarios+=("$(basename "$f" .scn)"); done ;;
	--seed) seed=${2:?--seed needs a value}; shift ;;
	--duration) duration=${2:?--duration needs a value}; shift ;;
	-*) die "unknown option $1" ;;
	*) scenarios+=("$1") ;;
	esac
	shift
done
[ ${#scenarios[@]} -gt 0 ] || die "no scenario given"
for s in "${scenarios[@]}"; do
	[ -f "$TOP/stress/scenarios/$s.scn" ] || die "unknown scenario '$s'"
done

art=$("$TOP/scripts/build-kernel.sh" | tail -1)
export KERNEL_ART=$art
rows=() bad=0
for s in "${scenarios[@]}"; do
	rc=0
	# run.sh prints its progress and summary; it names its results
	# directory in RUN_DIR_FILE
	dirf=$(mktemp)
	RUN_DIR_FILE=$dirf "$TOP/scripts/run.sh" "$s" "$seed" "$duration" || rc=$?
	dir=$(cat "$dirf")
	rm -f "$dirf"
	[ "$rc" = 2 ] && exit 2
	[ "$rc" = 0 ] || bad=1
	verdict=$(sed -n 's/^verdict: *//p' "$dir/summary.txt")
	first=$(cut -f2 "$dir/findings.tsv" | head -1)
	rows+=("$(printf '%-22s %-8s %-60.60s %s' "$s" "$verdict" "${first:--}" "$(basename "$dir")")")
done

echo
printf '%-22s %-8s %-60s %s\n' SCENARIO VERDICT "FIRST FINDING" RESULTS
printf '%s\n' "${rows[@]}"

# Clean boots of this kernel so far: runs that expected no finding. A
# finding there, on the correct series, is a false finding until shown
# otherwise; the nightly campaign turns these counts into a rate.
id=$(cat "$art/id")
clean=0 dirty=0
for d in "$RESULTS"/*/; do
	[ -f "$d/summary.txt" ] && [ "$(cat "$d/kernel" 2>/dev/null)" = "$art" ] || continue
	grep -q '^expect: *pass' "$d/summary.txt" || continue
	if grep -q '^verdict: *pass' "$d/summary.txt"; then clean=$((clean + 1)); else dirty=$((dirty + 1)); fi
done
echo
echo "kernel $id: $clean clean boots with no finding, $dirty boots with a finding, in results/"
exit $bad
