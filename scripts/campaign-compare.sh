#!/usr/bin/env bash
# Two campaigns of one list and master seed, run by run: the same runs
# (scenario and seed of each k) must end with the same verdict, whatever
# else differs between them (cold boots against SNAPSHOT=1, another QEMU).
# Prints each common run's verdicts, walls and boots side by side, then the
# runs per hour of each over the common runs and their ratio (B over A).
#
#   scripts/campaign-compare.sh CAMPAIGN_A CAMPAIGN_B
#
# A run that an emulator event ended in either is listed, not compared
# (it says nothing of the kernel). Exit 0 every compared verdict agrees,
# 1 one differs, 2 not two campaigns of the same runs (one line why).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# = 2 ] || die "usage: campaign-compare.sh CAMPAIGN_A CAMPAIGN_B"
for c in "$@"; do
	[ -f "$c/runs.tsv" ] || die "$c is not a campaign directory (no runs.tsv)"
done

# runs_of DIR: k scenario seed verdict wall boot, a line per run
runs_of() {
	local results k s seed expect verdict wall run
	results=$(dirname "$1")
	tail -n +2 "$1/runs.tsv" | while IFS=$'\t' read -r k s seed expect verdict wall run; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$s" "$seed" "$verdict" "$wall" "$(run_boot "$results/$run")"
	done
}

a=$(runs_of "$1") b=$(runs_of "$2") rc=0
out=$(join -t $'\t' <(sort -k1,1 <<<"$a") <(sort -k1,1 <<<"$b") | sort -n -k1,1 |
	awk -F'\t' -v na="$(basename "$1")" -v nb="$(basename "$2")" '
	# k, then A: scenario seed verdict wall boot, then B: the same
	$2 != $7 || $3 != $8 { printf "run %s is %s seed %s in A but %s seed %s in B: not the same campaign\n", $1, $2, $3, $7, $8; other = 1; exit 2 }
	{
		n++; wa += $5; wb += $10
		cmp = $4 == "emulator" || $9 == "emulator" ? "not compared" : ($4 == $9 ? "same" : "DIFFERS")
		if (cmp == "same") same++; else if (cmp == "DIFFERS") differ++; else emu++
		rows = rows sprintf("  %4s %-26s %20s %-9s %-9s %5s %5s  %-6s %-6s %s\n", $1, $2, $3, $4, $9, $5, $10, $6 == "snapshot" ? "snap" : $6, $11 == "snapshot" ? "snap" : $11, cmp)
	}
	END {
		if (other) exit 2
		if (n == 0) { print "no run in common"; exit 2 }
		ra = wa > 0 ? n * 3600 / wa : 0; rb = wb > 0 ? n * 3600 / wb : 0
		printf "A %s: %d runs in %d s, %.1f runs per hour\n", na, n, wa, ra
		printf "B %s: %d runs in %d s, %.1f runs per hour (%.2fx A)\n", nb, n, wb, rb, (ra > 0 ? rb / ra : 0)
		printf "  %4s %-26s %20s %-9s %-9s %5s %5s  %-6s %-6s %s\n", "k", "scenario", "seed", "A", "B", "wallA", "wallB", "bootA", "bootB", "verdicts"
		printf "%s", rows
		printf "verdicts: %d the same, %d differ, %d not compared (an emulator event)\n", same, differ, emu
		exit differ > 0
	}') || rc=$?
[ "$rc" != 2 ] || die "$(basename "$1") against $(basename "$2"): $out"
printf '%s\n' "$out"
exit "$rc"
