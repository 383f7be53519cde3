#!/usr/bin/env bash
# A campaign: many runs, each its own boot and results directory, then one
# aggregate report with findings deduplicated by title.
#
#   scripts/campaign.sh [--campaign NAME | SCENARIO...] [--seed M] [--runs N]
#                       [--budget MINUTES] [--shard I/N] [--duration S]
#                       [--until-finding 0|1]
#
# Run k (k = 0, 1, ...) boots scenario k mod L of the list with seed M + k
# (M: --seed, or drawn once and printed). --runs stops after N runs (default:
# one pass over the list, or unlimited under --budget); --budget starts no
# run that would end after the budget; --shard I/N keeps the runs with
# k mod N = I. So a shard is a pure function of (kernel, list, M, N, I).
# --until-finding stops after the first run that did not behave as it
# must (the time a variant takes to be seen in the list's order).
#
# Writes results/campaign-<utc>-<name>-s<M>[-shard-I-of-N]/ with runs.tsv,
# then scripts/aggregate.sh makes summary.txt, findings.tsv, ktap.txt and
# junit.xml there. A run that ended in an emulator event is re-run with
# its seed by run.sh (scripts/emulator.sh); runs.tsv names the last boot,
# and the report counts the events ("emulator events: N"). Exit: 0 every
# run behaved as it must, 1 otherwise, 2 infrastructure (an emulator event
# that persists under single-threaded TCG too).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/emulator.sh"
# count_restores, boot_of: which boots are worth a snapshot (SNAPSHOT=1)
. "$(dirname "$0")/lib-snapshot.sh"

# parse_args ARGS...: name, scenarios, master, runs, budget, shard, duration
parse_args() {
	name="" scenarios=() master="" runs="" budget="" shard="" duration="" until_finding=0
	while [ $# -gt 0 ]; do
		case $1 in
		--campaign) name=${2:?--campaign needs a name}; shift ;;
		--all) name=all ;;
		--seed) master=${2:?--seed needs a value}; shift ;;
		--runs) runs=${2:?--runs needs a value}; shift ;;
		--budget) budget=${2:?--budget needs minutes}; shift ;;
		--shard) shard=${2:?--shard needs I/N}; shift ;;
		--duration) duration=${2:?--duration needs a value}; shift ;;
		--until-finding)
			until_finding=${2:?--until-finding needs 0 or 1}; shift
			[[ $until_finding =~ ^[01]$ ]] || die "bad UNTIL_FINDING '$until_finding': 0 or 1" ;;
		-*) die "unknown option $1" ;;
		*) scenarios+=("$1") ;;
		esac
		shift
	done
}

# scenario_list: the scenarios (L of them) of the campaign or the
# command line, and the campaign's name
scenario_list() {
	local s lst
	if [ ${#scenarios[@]} -gt 0 ]; then
		[ -z "$name" ] || die "give a campaign or scenarios, not both"
		for s in "${scenarios[@]}"; do
			scenario_exists "$s" || die "unknown scenario '$s'"
		done
		name=$(IFS=+; echo "${scenarios[*]}")
		[ ${#name} -le 40 ] || name=custom
	else
		name=${name:-all}
		lst=$(campaign_list "$name") || exit "$EXIT_INFRA"
		mapfile -t scenarios <<<"$lst"
	fi
	L=${#scenarios[@]}
	[ "$L" -gt 0 ] && [ -n "${scenarios[0]}" ] || die "campaign '$name' lists no scenario"
}

# seeds_and_limits: the master seed, runs, the shard (si of sn) and the
# number of runs this shard will make (total_label)
seeds_and_limits() {
	local drawn=0 j
	if [ -z "$master" ]; then
		master=$(draw_seed)
		drawn=1
	fi
	valid_seed "$master" ||
		die "bad seed '$master': a decimal number below 2^63"
	[ -z "$runs" ] || [[ $runs =~ ^[1-9][0-9]*$ ]] || die "bad RUNS '$runs': a positive number"
	[ -z "$budget" ] || [[ $budget =~ ^[1-9][0-9]*$ ]] || die "bad BUDGET '$budget': whole minutes"
	si=0 sn=1
	if [ -n "$shard" ]; then
		[[ $shard =~ ^([0-9]+)/([1-9][0-9]*)$ ]] || die "bad SHARD '$shard': I/N with 0 <= I < N"
		si=${BASH_REMATCH[1]} sn=${BASH_REMATCH[2]}
		[ "$si" -lt "$sn" ] || die "bad SHARD '$shard': I/N with 0 <= I < N"
	fi
	# said only once the arguments are known good: an error stays one line
	[ "$drawn" = 0 ] || progress "master seed $master (drawn; SEED=$master repeats this campaign)"
	# without a limit, one pass over the list
	[ -n "$runs" ] || [ -n "$budget" ] || runs=$L

	# how many runs this shard will make, for "run k/N" (under a budget: "?")
	total_label="?"
	if [ -n "$runs" ]; then
		total_label=0
		for ((j = 0; j < runs; j++)); do
			if [ $((j % sn)) = "$si" ]; then total_label=$((total_label + 1)); fi
		done
	fi
}

# open_campaign: the kernel (art, built if needed) and the campaign's
# directory (cdir) with campaign.txt and the header of runs.tsv
open_campaign() {
	local cbase n
	art=$("$TOP/scripts/build-kernel.sh" | tail -1)
	export KERNEL_ART=$art
	# its modules and initramfs, made or found once for every run (run.sh)
	local mods initrd
	mods=$("$TOP/scripts/build-modules.sh" "$art" | tail -1)
	initrd=$("$TOP/scripts/build-initramfs.sh" "$art" | tail -1)
	export CAMPAIGN_BOOT_FILES="$art $mods $initrd"

	mkdir -p "$RESULTS"
	cbase=campaign-$(date -u +%Y%m%d-%H%M%S)-$name-s$master
	if [ -n "$shard" ]; then cbase+=-shard-$si-of-$sn; fi
	cdir=$RESULTS/$cbase n=1
	while ! mkdir "$cdir" 2>/dev/null; do n=$((n + 1)); cdir=$RESULTS/$cbase-$n; done
	{
		echo "campaign: $name"
		echo "master:   $master"
		echo "runs:     ${runs:-until budget}"
		echo "budget:   ${budget:-none}${budget:+ min}"
		[ "$until_finding" = 0 ] || echo "until:    the first run that does not behave as it must"
		echo "shard:    $si/$sn"
		echo "kernel:   $(cat "$art/id")"
		echo "flavour:  $(artifact_flavour "$art")"
		echo "qemu:     $QEMU, tcg thread=$TCG_THREAD (accel ${ACCEL:-auto}; each run's qemu-version says what ran)"
		echo "list:     ${scenarios[*]}"
	} >"$cdir/campaign.txt"
	printf 'k\tscenario\tseed\texpect\tverdict\twall\trun\n' >"$cdir/runs.tsv"
	progress "campaign $name: $(basename "$cdir"), $total_label runs (flavour $(artifact_flavour "$art"), QEMU $QEMU, TCG thread=$TCG_THREAD)"
}

# run_one K SCENARIO SEED: one run, a line of runs.tsv, a line of
# progress; bad=1 when it did not behave as it must
run_one() {
	local k=$1 s=$2 seed=$3 rc=0 dirf t0 dir verdict first emu emu_note
	dirf=$(tmp_file) t0=$(date +%s)
	progress_live "run $((done_runs + 1))/$total_label: $s, seed $seed: running"
	# SNAPSHOT=1: the first run of the campaign (of this shard) and one in
	# ten boot cold all the same, so that a bug of the boot is not lost
	local cold=0 new=1
	[ "$done_runs" != 0 ] && [ $((k % 10)) != 0 ] || cold=1
	# a boot that no other run of the campaign restores: a snapshot of it
	# saved earlier serves, but making one costs more than the boot it spares
	[ "${restores[$(boot_of "$s")]:-0}" -ge 2 ] || new=0
	COLD=$cold SNAPSHOT_NEW=$new RUN_PROGRESS=0 QUIET_SUMMARY=1 RUN_DIR_FILE=$dirf run_child "$TOP/scripts/run.sh" "$s" "$seed" "${run_duration:-$duration}" >/dev/null || rc=$?
	progress_live_end
	dir=$(cat "$dirf")
	[ "$rc" = 130 ] && { echo "error: interrupted at run $k ($s, seed $seed); campaign stopped ($cdir)" >&2; exit 130; }
	[ "$rc" = 2 ] && die "run $k ($s, seed $seed) could not run; campaign stopped (see $cdir)"
	[ "$rc" = 0 ] || bad=1
	last_wall[$s]=$(($(date +%s) - t0))
	verdict=$(cat "$dir/verdict" 2>/dev/null || echo error)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$s" "$seed" \
		"$(cat "$dir/expect" 2>/dev/null)" "$verdict" \
		"${last_wall[$s]}" "$(basename "$dir")" >>"$cdir/runs.tsv"
	first=$(run_first_title "$dir")
	# the boots it replaced, each ended by an emulator event
	emu=$(emulator_boots "$dir" | grep -c . || true) emu_note=""
	[ "$emu" = 0 ] || emu_note=", after $emu emulator events"
	progress "run $((done_runs + 1))/$total_label: $s, seed $seed, $verdict${first:+ ($first)}, ${last_wall[$s]} s $(cat "$dir/boot" 2>/dev/null)$emu_note (total $(($(date +%s) - start)) s)"
}

# run_all: run k = scenario k mod L, seed master + k, for this shard,
# until the runs or the budget are spent
run_all() {
	local k=0 s seed d est
	start=$(date +%s) done_runs=0 bad=0
	declare -gA last_wall
	count_restores
	while [ -z "$runs" ] || [ "$k" -lt "$runs" ]; do
		if [ $((k % sn)) != "$si" ]; then k=$((k + 1)); continue; fi
		s=${scenarios[$((k % L))]}
		# "name@S" (a campaign list's line): S seconds, unless --duration
		run_duration=""
		[[ $s != *@* ]] || run_duration=${duration:-${s#*@}} s=${s%@*}
		seed=$(((master + k) & 0x7fffffffffffffff))
		if [ -n "$budget" ]; then
			d=${run_duration:-${duration:-$(scenario_field "$s" duration)}}
			est=${last_wall[$s]:-$((${d:-60} * 2 + 40))}
			if [ $(($(date +%s) - start + est)) -gt $((budget * 60)) ]; then
				progress "budget of $budget min reached after $done_runs runs"
				break
			fi
		fi
		run_one "$k" "$s" "$seed"
		done_runs=$((done_runs + 1)) k=$((k + 1))
		if [ "$until_finding" = 1 ] && [ "$bad" = 1 ]; then
			progress "stopped at the first run that did not behave as it must (--until-finding)"
			break
		fi
	done
	echo "wall:     $(($(date +%s) - start)) s" >>"$cdir/campaign.txt"
}

# report: the aggregate report (its exit status is the campaign's, a
# finding is 1, but an aggregate that could not run is an infrastructure
# error, never a pass), the coverage of a COVERAGE=1 kernel
report() {
	local arc=0
	echo
	"$TOP/scripts/aggregate.sh" "$cdir" || arc=$?
	[ "$arc" -le 1 ] || die "the campaign report failed (exit $arc) for $cdir"
	if [ "${COVERAGE:-0}" = 1 ]; then
		echo
		"$TOP/scripts/coverage.sh" "$cdir/coverage" "$cdir" || log "no coverage report (see above)"
	fi
}

# clean_boots: clean boots of this kernel so far, runs that expected no
# finding. A finding there, on the correct series, is a false finding
# until shown otherwise. A boot that ended in an emulator event is neither;
# one with only known kernel bugs (configs/known-bugs) is counted apart.
clean_boots() {
	local clean=0 dirty=0 emulated=0 known=0 d
	for d in "$RESULTS"/*/; do
		[ -f "$d/verdict" ] && [ "$(cat "$d/kernel" 2>/dev/null)" = "$art" ] || continue
		[ "$(cat "$d/expect" 2>/dev/null)" = pass ] || continue
		case $(cat "$d/verdict") in
		pass) clean=$((clean + 1)) ;;
		emulator) emulated=$((emulated + 1)) ;;
		known) known=$((known + 1)) ;;
		*) dirty=$((dirty + 1)) ;;
		esac
	done
	echo "kernel $(cat "$art/id"): $clean clean boots with no finding, $dirty boots with a finding, $known with known kernel bugs only, $emulated ended by an emulator event, in results/"
}

# --- main ------------------------------------------------------------------------
parse_args "$@"
scenario_list
seeds_and_limits
open_campaign
run_all
report
clean_boots
echo "$cdir"
exit $bad
