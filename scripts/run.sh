#!/usr/bin/env bash
# One run: one scenario, one seed, one boot of the test kernel. Writes a new
# results directory, results/<run-id>/, and never touches another one.
#
#   scripts/run.sh SCENARIO [SEED] [DURATION]
#
# Exit: 0 the scenario behaved as it must (no finding; or, for a negative
# control, its expected finding was caught), 1 otherwise, 2 usage or
# infrastructure error. The last line of stdout is the results directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scenario=${1:-}
seed=${2:-}
duration=${3:-}
scn=$TOP/stress/scenarios/$scenario.scn
[ -n "$scenario" ] || die "usage: run.sh SCENARIO [SEED] [DURATION]"
if [ ! -f "$scn" ]; then
	die "unknown scenario '$scenario' (known: $(cd "$TOP/stress/scenarios" && ls ./*.scn | sed 's|^\./||;s|\.scn$||' | tr '\n' ' '))"
fi
scn_var() { # the value of a variable the scenario file sets
	bash -c '. "$1" >/dev/null 2>&1; eval "printf %s \"\${$2:-}\""' _ "$scn" "$1"
}
expect=$(scn_var EXPECT)
expect=${expect:-pass}
[ -n "$seed" ] || seed=$(draw_seed)
valid_seed "$seed" || die "bad seed '$seed': a decimal number below 2^63"
silence=${SILENCE:-$(scn_var SILENCE)}
silence=${silence:-180}
duration=${duration:-$(scn_var DURATION)}
duration=${duration:-60}
[[ $duration =~ ^[0-9]+$ ]] && [ "$duration" -gt 0 ] ||
	die "bad duration '$duration': whole seconds"

# --- what to boot ------------------------------------------------------------
art=${KERNEL_ART:-$("$TOP/scripts/build-kernel.sh" | tail -1)}
[ -f "$art/bzImage" ] || die "no kernel artifact at '$art'"
mods=$("$TOP/scripts/build-modules.sh" "$art" | tail -1)
initrd=$("$TOP/scripts/build-initramfs.sh" "$art" | tail -1)
make -s -C "$TOP/scripts/triage" OUT="$BUILD/triage" >/dev/null || die "building the console triage failed"

# --- a results directory of its own ---------------------------------------------
mkdir -p "$RESULTS"
base=$(date -u +%Y%m%d-%H%M%S)-$scenario-s$seed
out=$RESULTS/$base
n=1
while ! mkdir "$out" 2>/dev/null; do
	n=$((n + 1))
	out=$RESULTS/$base-$n
done
run_id=$(basename "$out")
[ -n "${RUN_DIR_FILE:-}" ] && echo "$out" >"$RUN_DIR_FILE"
echo "$seed" >"$out/seed"
echo "$scenario" >"$out/scenario"
cp "$art/config" "$out/config"
cp "$art/patches.txt" "$out/patches.txt"
sha256sum "$out/patches.txt" | cut -c1-64 >"$out/patches.sha256"
echo "$art" >"$out/kernel"
echo "$mods" >"$out/modules"
repro="make reproduce SCENARIO=$scenario SEED=$seed DURATION=$duration"
[ -n "${EXTRA_PATCHES:-}" ] && repro+=" EXTRA_PATCHES='$EXTRA_PATCHES'"
[ -n "${KERNEL_SRC:-}" ] && repro+=" KERNEL_SRC='$KERNEL_SRC'"
echo "$repro" >"$out/reproduce"

# --- boot -------------------------------------------------------------------
# One finding per boot: a WARN, an oops, a soft lockup or a hung task
# panics, and -no-reboot turns the panic into the end of QEMU.
args="console=ttyS0,115200 nokaslr panic_on_warn=1 oops=panic panic=-1"
args+=" softlockup_panic=1 hung_task_panic=1 sysctl.kernel.hung_task_timeout_secs=30"
args+=" watchdog_thresh=20 rcupdate.rcu_cpu_stall_timeout=60 sysrq_always_enabled=1"
args+=" printk.devkmsg=on"
args+=" suite.scenario=$scenario suite.seed=$seed suite.duration=$duration"
# generous: TCG runs the guest an order of magnitude slower than native
timeout_s=${TIMEOUT:-$((duration * 3 + 240))}
log "run $run_id: scenario $scenario, seed $seed, ${duration}s (kernel $(cat "$art/id"))"
start=$(date +%s)
serial2=""
[ "$(cat "$art/coverage" 2>/dev/null)" = 1 ] && serial2=gcov.b64
vm=$(SERIAL2=$serial2 TIMEOUT=$timeout_s SILENCE=$silence "$TOP/scripts/run-vm.sh" "$out" "$art/bzImage" "$initrd" "$args" | tail -1) ||
	exit "$EXIT_INFRA"
elapsed=$(($(date +%s) - start))

# --- judge ---------------------------------------------------------------------
"$BUILD/triage/triage" --reports "$out" "$out/console.log" >"$out/findings.tsv" || true
case $vm in
hang) printf 'Hang\tguest hang: no console output for %s s\t0\t1\n' "$silence" >>"$out/findings.tsv" ;;
timeout) printf 'Hang\tguest timeout after %s s\t0\t1\n' "$timeout_s" >>"$out/findings.tsv" ;;
died) grep -q . "$out/findings.tsv" ||
	printf 'Bug\tguest died without a report\t0\t1\n' >>"$out/findings.tsv" ;;
esac
booted=0
grep -q "SUITE: seed=$seed scenario=$scenario" "$out/console.log" && booted=1
[ $booted = 1 ] || [ -s "$out/findings.tsv" ] ||
	printf 'Bug\tguest never reached the scenario\t0\t1\n' >>"$out/findings.tsv"

# migrations and offloads per reason: over the whole scenario (REACH-RUN)
# and in the windows a scenario counted itself (REACH)
grep -a -o 'REACH\(-RUN\)\{0,1\}: .*' "$out/console.log" >"$out/reach.txt" || true
[ -s "$out/reach.txt" ] || rm -f "$out/reach.txt"
# guest seconds of the scenario, from its first and last console lines
stamp() { { grep -a -m1 "$1" "$out/console.log" || true; } | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p'; }
t_begin=$(stamp "SUITE: seed=") t_end=$(stamp "SUITE-RESULT:")
reach_line=""
if [ -f "$out/reach.txt" ] && [ -n "$t_begin" ] && [ -n "$t_end" ]; then
	reach_line=$(awk -v a="$t_begin" -v b="$t_end" '/^REACH-RUN:/ {
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		line = line sprintf("%s %d migrations (%d offload calls); ", $2, v["migrations"], v["offload_calls"])
		calls += v["offload_calls"] }
		END { if (line != "") printf "%s%.0f offload calls per guest-second over %.0f s", line, (b > a ? calls / (b - a) : 0), b - a }' "$out/reach.txt")
fi

# file:line for each report's stack
src=$(cat "$art/src")
for r in "$out"/report-*.txt; do
	[ -e "$r" ] || break
	timeout 120 "$src/scripts/decode_stacktrace.sh" "$art/vmlinux" "$src" \
		"$mods" <"$r" \
		>"${r%.txt}.decoded.txt" 2>/dev/null || true
done

titles=$(cut -f2 "$out/findings.tsv")
if [ "$expect" = pass ]; then
	if [ -z "$titles" ] && [ "$vm" = pass ]; then verdict=pass; else verdict=finding; fi
else
	if printf '%s\n' "$titles" | grep -qxF "$expect"; then verdict=caught; else verdict=missed; fi
fi

# KTAP and JUnit for CI
{
	echo "KTAP version 1"
	echo "1..3"
	if [ $booted = 1 ]; then echo "ok 1 boot"; else echo "not ok 1 boot"; fi
	case $vm in
	pass) echo "ok 2 guest" ;;
	*) echo "not ok 2 guest # vm verdict: $vm" ;;
	esac
	if [ "$expect" = pass ]; then
		while IFS=$'\t' read -r type title line count; do
			echo "# finding: [$type] $title (line $line, x$count)"
		done <"$out/findings.tsv"
		[ "$verdict" = pass ] && echo "ok 3 no-finding" || echo "not ok 3 no-finding"
	else
		echo "# expected: $expect"
		[ "$verdict" = caught ] && echo "ok 3 expected-finding" || echo "not ok 3 expected-finding"
	fi
} >"$out/ktap.txt"
"$TOP/scripts/ktap-to-junit.sh" "$scenario" "$out/ktap.txt" >"$out/junit.xml"

{
	echo "run:       $run_id"
	echo "scenario:  $scenario ($(scn_var DESCRIPTION))"
	echo "seed:      $seed"
	echo "duration:  ${duration}s (wall ${elapsed}s)"
	echo "kernel:    $(cat "$art/id") ($(grep -c . "$art/patches.txt") lines in patches.txt)"
	echo "vm:        $vm"
	[ -n "$reach_line" ] && echo "reach:     $reach_line"
	echo "expect:    $expect"
	echo "verdict:   $verdict"
	if [ -s "$out/findings.tsv" ]; then
		echo "findings:"
		while IFS=$'\t' read -r type title line count; do
			echo "  [$type] $title (console line $line, x$count)"
		done <"$out/findings.tsv"
	fi
	echo "reproduce: $repro"
} >"$out/summary.txt"
cat "$out/summary.txt"
echo "$out"
case $verdict in
pass | caught) exit "$EXIT_PASS" ;;
*) exit "$EXIT_FINDING" ;;
esac
