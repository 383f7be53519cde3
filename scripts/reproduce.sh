#!/usr/bin/env bash
# Run one scenario with one seed RUNS times on the same kernel and modules,
# and say how often the finding comes back. Like syzkaller's repro, only
# the same title counts: the title of the newest earlier run of this
# scenario and seed on this kernel, or TITLE= if given, or else the first
# finding of the first run here.
#
#   scripts/reproduce.sh SCENARIO SEED [RUNS] [DURATION]
#
# A boot that ended in an emulator event is booted again by run.sh (the
# run is its last boot); the report says how many there were.
#
# Exit: 0 the title came back at least once, 1 it never did, 2 usage or
# infrastructure error.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/emulator.sh"

scenario=${1:-} seed=${2:-} runs=${3:-10} duration=${4:-}
[ -n "$scenario" ] && [ -n "$seed" ] ||
	die "usage: make reproduce SCENARIO=name SEED=number [RUNS=10] [DURATION=s]"
scenario_exists "$scenario" || die "unknown scenario '$scenario'"
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] || die "bad RUNS '$runs': a positive number"

art=$("$TOP/scripts/build-kernel.sh" | tail -1)
export KERNEL_ART=$art
target=${TITLE:-}
if [ -z "$target" ]; then
	for d in $(ls -dt "$RESULTS"/*-"$scenario"-s"$seed"* 2>/dev/null); do
		[ "$(cat "$d/kernel" 2>/dev/null)" = "$art" ] && [ -n "$(run_first_title "$d")" ] || continue
		target=$(run_first_title "$d")
		log "target title from $(basename "$d"): $target"
		break
	done
fi

hits=0 emu=0 seen=$(tmp_file)
for i in $(seq 1 "$runs"); do
	rc=0
	# a known target: the run goes on to it past other findings
	dir=$(STOP_ON=${target:+title:$target} "$TOP/scripts/run.sh" "$scenario" "$seed" "$duration" | tail -1) || rc=$?
	[ "$rc" = 130 ] && exit 130
	[ "$rc" = 2 ] && exit 2
	run_titles "$dir" >>"$seen"
	emu=$((emu + $(emulator_boots "$dir" | grep -c . || true)))
	TARGET=$target
	! same_title_again "$dir" || hits=$((hits + 1))
	if [ -z "$target" ] && [ -n "$TARGET" ]; then
		target=$TARGET
		log "target title from this first run: $target"
	fi
	log "run $i/$runs: $(run_first_title "$dir") ($(basename "$dir"))"
done

echo
echo "scenario $scenario, seed $seed, kernel $(cat "$art/id")"
echo "target:   ${target:-none (no run found anything)}"
echo "hit rate: $hits/$runs"
echo "emulator events: $emu (boots re-run with the same seed, not counted as runs)"
echo "titles seen (count):"
sort "$seen" | uniq -c | sort -rn | sed 's/^/  /'

[ "$hits" -gt 0 ]
