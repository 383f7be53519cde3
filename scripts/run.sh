#!/usr/bin/env bash
# One run: one scenario, one seed, one boot of the test kernel. Writes a new
# results directory, results/<run-id>/, and never touches another one.
# A boot that ended in an emulator event (judge.sh) is booted again with
# the same seed, in a directory of its own, up to twice (see below); the
# run is the last boot.
#
#   scripts/run.sh SCENARIO [SEED] [DURATION]
#
# Exit: 0 the scenario behaved as it must (no finding; or, for a negative
# control, its expected finding was caught), 1 otherwise, 2 usage or
# infrastructure error (an emulator event that persists, too). The last
# line of stdout is the results directory.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/emulator.sh"
# snapshot_ready, snapshot_wanted: SNAPSHOT=1, boot once, run many
. "$(dirname "$0")/lib-snapshot.sh"

scenario=${1:-}
seed=${2:-}
duration=${3:-}
[ -n "$scenario" ] || die "usage: run.sh SCENARIO [SEED] [DURATION]"
scenario_exists "$scenario" ||
	die "unknown scenario '$scenario' (known: $(scenario_names | tr '\n' ' '); make list)"
# expect in the record: "pass", or the title a negative control must produce
expect_title=$(scenario_field "$scenario" expect)
expect=pass
[ -z "$expect_title" ] || [ "$expect_title" = pass ] || expect=caught
[ -n "$seed" ] || seed=$(draw_seed)
valid_seed "$seed" || die "bad seed '$seed': a decimal number below 2^63"
silence=${SILENCE:-$(scenario_field "$scenario" silence)}
silence=${silence:-180}
duration=${duration:-$(scenario_field "$scenario" duration)}
duration=${duration:-60}
[[ $duration =~ ^[0-9]+$ ]] && [ "$duration" -gt 0 ] ||
	die "bad duration '$duration': whole seconds"
# SELFTESTS: some entries of stress/selftests/mm.list in place of the
# selftests family scenario's own (one finding's entry, for make reproduce)
[ -z "${SELFTESTS:-}" ] || selftests_override_check "$scenario" "$SELFTESTS"
# MODES: some of selftests-modes' provider modes in place of its own
[ -z "${MODES:-}" ] || selftests_modes_check "$scenario" "$MODES"

# a scenario of another flavour: refused before anything is built (with
# KERNEL_ART, the artifact's flavour decides, below)
[ -n "${KERNEL_ART:-}" ] || scenario_on_flavour "$scenario" ||
	die "scenario $scenario does not run on flavour $FLAVOUR (its flavours: $(scenario_field "$scenario" flavours))"

# --- what to boot ------------------------------------------------------------
art=${KERNEL_ART:-$("$TOP/scripts/build-kernel.sh" | tail -1)}
[ -f "$art/bzImage" ] || die "no kernel artifact at '$art'"
# modules_and_initramfs: the kernel's modules (mods) and initramfs
# (initrd). A campaign names them once (CAMPAIGN_BOOT_FILES="ART MODS
# INITRD"): each of its runs boots the files the campaign started with,
# without hashing their inputs again
modules_and_initramfs() {
	local c_art c_mods c_initrd
	read -r c_art c_mods c_initrd <<<"${CAMPAIGN_BOOT_FILES:-}"
	if [ "${c_art:-}" = "$art" ] && [ -f "$c_mods/api" ] && [ -f "$c_initrd" ]; then
		mods=$c_mods initrd=$c_initrd
		return 0
	fi
	mods=$("$TOP/scripts/build-modules.sh" "$art" | tail -1)
	initrd=$("$TOP/scripts/build-initramfs.sh" "$art" | tail -1)
}
modules_and_initramfs
make -s -C "$TOP/scripts/triage" OUT="$BUILD/triage" >/dev/null || die "building the console triage failed"
# the flavour is the kernel's: its boot file goes with the artifact built
# from its fragment
FLAVOUR=$(artifact_flavour "$art")
scenario_on_flavour "$scenario" ||
	die "scenario $scenario does not run on flavour $FLAVOUR (its flavours: $(scenario_field "$scenario" flavours))"
flavour_file boot >/dev/null

# --- how to boot: the same for every boot of this run ---------------------------
# configs/common.boot, then what this run is (the suite.* parameters the
# guest's init reads), the flavour's and the scenario's own
args="$(common_boot_args)"
# the run's own words: a guest restored from a snapshot gets them on ttyS1
run_words="suite.scenario=$scenario suite.seed=$seed suite.duration=$duration"
[ -z "${SELFTESTS:-}" ] || run_words+=" suite.selftests=$(echo $SELFTESTS | tr ' ' ,)"
[ -z "${MODES:-}" ] || run_words+=" suite.modes=$(echo $MODES | tr ' ' ,)"
# which API the tree has and which of the suite's own patches: what the
# guest checks, and what it skips on a tree without them
read -r api _ extras <"$mods/api" || die "$mods has no api file (rebuild the modules)"
args+=" suite.api=$api suite.extras=$extras"
args+=" $(cat "$mods/boot-args" 2>/dev/null)" || die "$mods has no boot-args (rebuild the modules)"	# CPU copy, modules left out
# the flavour's (preempt=none)
fl_args=$(flavour_boot_args)
[ -z "$fl_args" ] || args+=" $fl_args"
# a scenario's own boot parameters (kmemleak=on for the leak oracle)
boot_args=$(scenario_field "$scenario" boot_args)
# why the scenario boots cold under SNAPSHOT=1 too (an oracle a restored
# guest does not keep), or nothing
boot_cold=$(scenario_field "$scenario" boot_cold)
[ -z "$boot_args" ] || args+=" $boot_args"
# a cold boot has the run's words on its command line; the boot a
# snapshot is saved from waits for them instead (suite.hold=1)
hold_args="$args suite.hold=1"
args+=" $run_words"
# generous: TCG runs the guest an order of magnitude slower than native.
# setup_seconds in a scenario's record: the guest time it needs whatever
# its DURATION (pagekinds: 120 windows, each with its own setup)
setup_s=$(scenario_field "$scenario" setup_seconds)
[[ ${setup_s:-0} =~ ^[0-9]+$ ]] || die "scenario $scenario: bad setup_seconds '$setup_s'"
timeout_s=${TIMEOUT:-$((duration * 3 + 240 + ${setup_s:-0}))}
# INSN_COUNT=1: guest instructions counted by a QEMU plugin of ours, in
# the kernel functions of scripts/qemu-plugin/ranges.list and between the
# marks guest programs set (stress/insn-mark.h). Multi-threaded TCG only:
# QEMU 10.0.2 with the plugin under single-threaded TCG (or -icount)
# corrupted the guest (NULL dereferences at random places during boot)
# (INSN_COUNT=profile: and where a window's instructions went, slowly:
# scripts/insn-profile.sh)
insn_plugin=""
case ${INSN_COUNT:-0} in
0 | 1 | profile) ;;
*) die "INSN_COUNT must be 0, 1 or profile, not '$INSN_COUNT'" ;;
esac
if [ "${INSN_COUNT:-0}" != 0 ]; then
	[ "$QEMU" != system ] || die "INSN_COUNT=1 needs QEMU=backports or unstable (bookworm's 7.2 has an older plugin API)"
	[ "$TCG_THREAD" = multi ] || die "INSN_COUNT=1 needs TCG_THREAD=multi (the plugin under single-threaded TCG breaks the guest)"
	insn_plugin=$("$TOP/scripts/build-plugin.sh" "$QEMU" | tail -1) || exit "$EXIT_INFRA"
	[ "$INSN_COUNT" != profile ] || insn_plugin+=",profile=on"
fi
# a negative control stops at its own title; any other run at its first finding
stop_on=${STOP_ON:-first}
[ "$expect" = pass ] || stop_on=title:$expect_title
serial2=""
[ "$(cat "$art/coverage" 2>/dev/null)" = 1 ] && serial2=gcov.b64
vcpus=$(flavour_directive VCPUS | tail -1)
# multi-threaded TCG: as many vCPUs as the host has cores (even, 2 to 8,
# half on each CPU node); single-threaded: 2, one per node. A re-run under
# single-threaded TCG after an emulator event keeps the count of the run
# it replaces: the same test, only the emulator's threading differs.
if [ -z "$vcpus" ]; then
	vcpus=2
	if [ "$TCG_THREAD" = multi ]; then
		vcpus=$(($(nproc) / 2 * 2))
		[ "$vcpus" -ge 2 ] || vcpus=2
		[ "$vcpus" -le 8 ] || vcpus=8
	fi
fi
# vcpus in a scenario's record: the fewest it needs (the migration selftest
# wants more CPUs than NUMA nodes); more from the flavour or the host stay
# node_mem in a scenario's record: MB a NUMA node (run-vm.sh's NODE_MEM,
# 512), unless NODE_MEM is set (khugepaged's collapse_compound_extreme
# takes 512 THPs, 1 GB, on one node)
rec_mem=$(scenario_field "$scenario" node_mem)
[[ ${rec_mem:-512} =~ ^[1-9][0-9]*$ ]] || die "scenario $scenario: node_mem must be MB, not '$rec_mem'"
export NODE_MEM=${NODE_MEM:-${rec_mem:-512}}
want_vcpus=$(scenario_field "$scenario" vcpus)
[[ ${want_vcpus:-2} =~ ^[0-9]+$ ]] && [ $((${want_vcpus:-2} % 2)) = 0 ] ||
	die "scenario $scenario: vcpus must be an even number, not '$want_vcpus'"
[ "${want_vcpus:-0}" -le "$vcpus" ] || vcpus=$want_vcpus

# new_run_dir [PREV]: a results directory of its own, never another run's
# (OUT); with PREV, the run it replaces, each naming the other
new_run_dir() {
	local prev=${1:-} base n=1
	mkdir -p "$RESULTS"
	base=$(date -u +%Y%m%d-%H%M%S)-$scenario-s$seed
	out=$RESULTS/$base
	while ! mkdir "$out" 2>/dev/null; do
		n=$((n + 1))
		out=$RESULTS/$base-$n
	done
	run_id=$(basename "$out")
	[ -n "${RUN_DIR_FILE:-}" ] && echo "$out" >"$RUN_DIR_FILE"
	if [ -n "$prev" ]; then
		basename "$prev" >"$out/replaces"
		echo "$run_id" >"$prev/replaced-by"
		# judged again so that its summary names the run that replaced it
		"$TOP/scripts/judge.sh" "$prev" >/dev/null || [ "$(cat "$prev/verdict")" = emulator ] ||
			die "judging $prev again failed"
	fi
	echo "$seed" >"$out/seed"
	echo "$scenario" >"$out/scenario"
	echo "$expect" >"$out/expect"
	[ "$expect" = pass ] || echo "$expect_title" >"$out/expected-title"
	echo "$duration" >"$out/duration"
	echo "$silence" >"$out/silence"
	echo "$timeout_s" >"$out/timeout"
	cp "$art/config" "$out/config"
	cp "$art/patches.txt" "$out/patches.txt"
	sha256sum "$out/patches.txt" | cut -c1-64 >"$out/patches.sha256"
	echo "$art" >"$out/kernel"
	echo "$mods" >"$out/modules"
	reproduce_line "$art" "$scenario" "$seed" "$duration" >"$out/reproduce"
	echo "$BASE" >"$out/base"
	echo "$FLAVOUR" >"$out/flavour"
	# the series' functions, kept with the run so that judging it again does
	# not need the kernel (KCSAN reports outside them are listed apart),
	# and the suite's modules, as "[name]": a frame in one of them is in scope
	if [ -s "$art/scope" ]; then
		{ cat "$art/scope"; for ko in "$mods"/*.ko; do if [ -e "$ko" ]; then echo "[$(basename "$ko" .ko)]"; fi; done; } >"$out/scope"
	fi
	# INSN_COUNT=1: the instruction counter's functions, at this kernel's
	# addresses (its counts: insn-counts.tsv)
	# and the entry stubs and __switch_to that tell a window's own task
	# from the interrupts and other tasks around it (insn-events.txt)
	[ -z "$insn_plugin" ] || "$TOP/scripts/insn-ranges.sh" "$art" >"$out/insn-ranges.txt"
	[ -z "$insn_plugin" ] || "$TOP/scripts/insn-events.sh" "$art" >"$out/insn-events.txt"
}

# boot_and_judge [PREV]: one boot in a new results directory (OUT), judged;
# JUDGE_RC is judge.sh's status
boot_and_judge() {
	local rc=0 start miss snap="" how cmdline=$args
	new_run_dir "${1:-}"
	start=$(date +%s)
	! snapshot_wanted "${1:-}" || snap=$(snapshot_ready "$hold_args")
	how=${snap:+from snapshot $(basename "$snap")}
	[ -n "$snap" ] || [ "${SNAPSHOT_NEW:-1}" != 0 ] || ! snapshot_wanted "${1:-}" || how="cold (no snapshot of this boot, and no other run of the campaign to share one)"
	[ -n "$snap" ] || [ "${SNAPSHOT:-0}" != 1 ] || [ -z "$boot_cold" ] || how="cold (boot_cold: $boot_cold)"
	[ -z "$snap" ] || cmdline=$hold_args
	echo "${how:-cold}" >"$out/boot"
	[ "${RUN_PROGRESS:-1}" = 0 ] || progress "run $run_id: booting ${how:-cold} (scenario $scenario, seed $seed, ${duration}s, kernel $(cat "$art/id"))"
	vm=$(env STOP_ON="$stop_on" SERIAL2="$serial2" TIMEOUT="$timeout_s" SILENCE="$silence" VCPUS="$vcpus" \
		INSN_PLUGIN="${insn_plugin:+$insn_plugin,ranges=$out/insn-ranges.txt,events=$out/insn-events.txt,out=$out/insn-counts.tsv}" \
		SNAPSHOT_RESTORE="$snap" SNAPSHOT_LINE="$run_words" \
		"$TOP/scripts/run-vm.sh" "$out" "$art/bzImage" "$initrd" "$cmdline" | tail -1) || rc=$?
	echo $(($(date +%s) - start)) >"$out/wall"
	if [ "$rc" = 130 ] || [ "$(cat "$out/vm-verdict" 2>/dev/null)" = interrupted ]; then
		"$TOP/scripts/judge.sh" "$out" >/dev/null 2>&1 || true
		echo "$out"
		exit 130
	fi
	[ "$rc" = 0 ] || exit "$EXIT_INFRA"
	# the flavour took: what the guest says of itself is what it wants
	miss=$(flavour_mismatch "$out/console.log")
	[ -z "$miss" ] || die "flavour $FLAVOUR did not take: $miss ($out)"

	# --- judge: a step of its own, which scripts/judge.sh can redo later --------
	JUDGE_RC=0
	verdict_line=$("$TOP/scripts/judge.sh" "$out") || JUDGE_RC=$?
	[ "${QUIET_SUMMARY:-}" = 1 ] || cat "$out/summary.txt"
	[ "${RUN_PROGRESS:-1}" = 0 ] || progress "run $run_id: ${verdict_line#*: } (wall $(cat "$out/wall") s)"
}

# --- boot, and boot again after an emulator event ---------------------------------
# A run that ended in an emulator event (judge.sh's verdict "emulator": a
# stale int3 under TCG) said nothing of the kernel: the same seed boots
# again in a new results directory, and if the event repeats, once more
# under single-threaded TCG (scripts/emulator.sh decides, from the results
# directories). Each replaced run names its replacement (replaced-by) and
# the replacement it (replaces). Here, so that make stress, reproduce,
# bisect and mutants all have it: they all boot through run.sh.
boot_and_judge
while :; do
	case $(emulator_next "$out") in
	final) break ;;
	again) how="" ;;
	single) how=" under single-threaded TCG"; TCG_THREAD=single ;;
	give-up)
		echo "$out"
		die "seed $seed ended in an emulator event in $(emulator_boots "$out" | grep -c .) boots, the last under $(run_accel "$out") ($(emulator_first "$out")): not the multi-threaded TCG artifact; judge it under KVM, ACCEL=kvm ($out)" ;;
	*) die "no rerun decision for $out" ;;
	esac
	progress "run $run_id: an emulator event ($(emulator_first "$out")), not a finding: seed $seed again$how"
	boot_and_judge "$out"
done
echo "$out"
exit "$JUDGE_RC"
