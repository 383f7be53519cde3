# shellcheck shell=bash
# Emulator events (scripts/emulator.sh), sourced by unit.sh after its
# judge.sh tests (it uses their fixture_results, judge_is and JT): the
# triage tells a stale int3 from a real one by the byte it trapped on, the
# judge makes it an infrastructure event under TCG only, run.sh's rerun
# decision is taken on judged fixture directories, and the campaign report
# counts the events. Every oracle here has its control.
. "$TOP/scripts/emulator.sh"

TEST_GROUP="unit: emulator events"
STALE=$TOP/scripts/triage/tests/tcg-stale-int3-partial.log
ET=$(tmp_dir)

# edited_console NAME SED_EXPR: the stale-int3 console with its Code: lines
# edited; fails unless both Code: lines of the oops changed (a control
# that edits nothing proves nothing)
edited_console() {
	sed "$2" "$STALE" >"$ET/$1.log"
	[ "$(diff "$STALE" "$ET/$1.log" | grep -c '^>.*Code: ')" = 2 ] ||
		{ echo "the edit '$2' did not change both Code: lines"; return 1; }
}
# triage_says LOG WANT [ARGS...]: the triage's type and title
triage_says() {
	local log=$1 want=$2 got
	shift 2
	got=$("$TRIAGE" "$@" "$log" | cut -f1,2)
	[ "$got" = "$want" ] || { echo "got '$got', want '$want'"; return 1; }
}

# the byte before <..> (regs->ip - 1: an int3 traps with RIP after it)
# made cc: a real int3, an oops (the negative control of the artifact)
trap_byte_cc() {
	edited_console trap-cc 's/ 53 66 <90> / 53 cc <90> /' &&
		triage_says "$ET/trap-cc.log" "$(printf 'Bug\tOops in trace_sched_wakeup')"
}
t_run "triage: the artifact with cc at the trap address (before <..>) is an oops (control)" trap_byte_cc
# cc at <..> itself (regs->ip, the byte after the int3) leaves no int3
# where it trapped: still the emulator's
ip_byte_cc() {
	edited_console ip-cc 's/ 53 66 <90> / 53 66 <cc> /' &&
		triage_says "$ET/ip-cc.log" "$(printf 'Emulator\tTCG: stale int3 in trace_sched_wakeup')"
}
t_run "triage: cc at <..> (regs->ip, after the int3) does not make it an int3" ip_byte_cc
# no code bytes to read: never hidden
no_code_bytes() {
	edited_console no-bytes 's/Code: .*/Code: Unable to access opcode bytes at 0xffffffff813f3a00./' &&
		triage_says "$ET/no-bytes.log" "$(printf 'Bug\tOops in trace_sched_wakeup')"
}
t_run "triage: an int3 oops with no code bytes is an oops" no_code_bytes
# the accelerator: TCG of either threading, or KVM where it is an oops
by_accel() {
	triage_says "$STALE" "$(printf 'Bug\tOops in trace_sched_wakeup')" --accel kvm &&
		triage_says "$STALE" "$(printf 'Emulator\tTCG: stale int3 in trace_sched_wakeup')" --accel tcg,thread=single &&
		triage_says "$STALE" "$(printf 'Bug\tOops in trace_sched_wakeup')" --accel unknown
}
t_run "triage: --accel kvm (or unknown) makes it an oops, tcg,thread=single an emulator event" by_accel
# --emulator FILE: the event there with its report, not on stdout
emulator_file() {
	local d rc=0 out
	d=$(tmp_dir)
	out=$("$TRIAGE" --reports "$d" --emulator "$d/emu.tsv" "$STALE") || rc=$?
	[ "$rc" = 0 ] && [ -z "$out" ] || { echo "exit $rc, stdout '$out'"; return 1; }
	[ "$(cut -f1,2 "$d/emu.tsv")" = "$(printf 'Emulator\tTCG: stale int3 in trace_sched_wakeup')" ] ||
		{ echo "emu.tsv: $(cat "$d/emu.tsv")"; return 1; }
	[ -s "$d/emulator-report-1.txt" ] && [ ! -e "$d/report-1.txt" ] || { ls "$d"; return 1; }
	grep -q "Oops: int3" "$d/emulator-report-1.txt"
}
t_run "triage --emulator: the event and its report apart from the findings" emulator_file

# --- judge.sh: the accelerator of the run decides ------------------------------
# emulated DIR LOG SCENARIO SEED ACCEL [VM [EXPECT [TITLE]]]: a fixture run
# with its qemu-version, as run-vm.sh writes it ("" ACCEL: no file)
emulated() {
	fixture_results "$1" "$2" "$3" "$4" "${6:-stopped}" "${7:-pass}" "${8:-}"
	[ -z "$5" ] || printf 'qemu=backports QEMU emulator version 10.0.2\naccel=%s\n' "$5" >"$1/qemu-version"
}
emulated "$JT/stale-tcg" tcg-stale-int3-partial partial 903 tcg,thread=multi
judge_is "a stale int3 under multi-threaded TCG" 2 emulator "$JT/stale-tcg"
stale_tcg_records() {
	local d=$JT/stale-tcg
	[ ! -s "$d/findings.tsv" ] || { echo "findings: $(cat "$d/findings.tsv")"; return 1; }
	grep -q "^Emulator	TCG: stale int3 in trace_sched_wakeup	" "$d/emulator.tsv" &&
		grep -qx "verdict:   emulator" "$d/summary.txt" &&
		grep -q "^emulator:  under tcg,thread=multi, an infrastructure event, not a finding" "$d/summary.txt" &&
		grep -q "^ok 3 no-finding # SKIP infrastructure: an emulator event, TCG: stale int3" "$d/ktap.txt" &&
		grep -q 'failures="0"' "$d/junit.xml" &&
		grep -q '<testcase classname="partial" name="guest"><skipped' "$d/junit.xml" &&
		grep -q '<testcase classname="partial" name="no-finding"><skipped' "$d/junit.xml" ||
		{ cat "$d/summary.txt" "$d/ktap.txt" "$d/junit.xml"; return 1; }
}
t_run "judge: the emulator event is in emulator.tsv, summary.txt and KTAP (SKIP), not a finding" stale_tcg_records
emulated "$JT/stale-kvm" tcg-stale-int3-partial partial 903 kvm
judge_is "the same console under KVM: a finding" 1 finding "$JT/stale-kvm"
grep -q "^Bug	Oops in trace_sched_wakeup	" "$JT/stale-kvm/findings.tsv" ||
	t_fail "judge: under KVM the finding is not 'Oops in trace_sched_wakeup'"
emulated "$JT/stale-unknown" tcg-stale-int3-partial partial 903 ""
judge_is "the same console with no qemu-version (accelerator unknown): a finding" 1 finding "$JT/stale-unknown"
emulated "$JT/stale-died" tcg-stale-int3-partial partial 903 tcg,thread=single died
judge_is "a stale int3 under single-threaded TCG, the guest died" 2 emulator "$JT/stale-died"
emulated "$JT/trap-cc" tcg-stale-int3-partial partial 903 tcg,thread=multi
cp "$ET/trap-cc.log" "$JT/trap-cc/console.log"
judge_is "the control: cc at the trap address under TCG is a finding" 1 finding "$JT/trap-cc"
emulated "$JT/freed" v6-init-fail-freed-text-odd-register odd-register 909 tcg,thread=multi
judge_is "freed module text (all cc) under TCG: a finding" 1 finding "$JT/freed"
emulated "$JT/hugetlb" v6-hugetlb-data-loss hugetlb 5 tcg,thread=multi
judge_is "the hugetlb data loss under TCG: a finding" 1 finding "$JT/hugetlb"
[ "$(grep -c . "$JT/hugetlb/findings.tsv")" = 8 ] || t_fail "judge: hugetlb has not its 8 findings"
emulated "$JT/ctl-emu" tcg-stale-int3-partial partial 903 tcg,thread=multi died caught "WARNING in something"
judge_is "a negative control ended by an emulator event: not missed" 2 emulator "$JT/ctl-emu"

# --- run.sh's rerun decision, on judged fixture directories -----------------------
# chain NAME ACCEL [REPLACES]: a judged stale-int3 run of partial, seed 903
chain() {
	emulated "$JT/$1" tcg-stale-int3-partial partial 903 "$2"
	[ -z "${3:-}" ] || { echo "$3" >"$JT/$1/replaces"; echo "$1" >"$JT/$3/replaced-by"; }
	"$TOP/scripts/judge.sh" "$JT/$1" >/dev/null 2>&1
	[ "$(cat "$JT/$1/verdict")" = emulator ] || t_fail "judge: $1 is not an emulator event"
}
next_is() { # NAME WANT DIR
	local got
	got=$(emulator_next "$3")
	if [ "$got" = "$2" ]; then t_pass "rerun: $1: $2"; else t_fail "rerun: $1: $got, want $2"; fi
}
chain e1 tcg,thread=multi
next_is "the first emulator event" again "$JT/e1"
chain e2 tcg,thread=multi e1
next_is "the second, under multi-threaded TCG" single "$JT/e2"
chain e3 tcg,thread=single e2
next_is "the third, under single-threaded TCG" give-up "$JT/e3"
chain s1 tcg,thread=single
next_is "the first under single-threaded TCG" again "$JT/s1"
chain s2 tcg,thread=single s1
next_is "the second under single-threaded TCG" give-up "$JT/s2"
next_is "a run that passed" final "$JT/clean"
next_is "a finding under KVM" final "$JT/stale-kvm"
# the replaced run's summary names its replacement after judging again
"$TOP/scripts/judge.sh" "$JT/e1" >/dev/null 2>&1
grep -q "^replaced:  by e2 " "$JT/e1/summary.txt" || t_fail "judge: the replaced run's summary does not name e2"
grep -q "^replaces:  e2 " "$JT/e3/summary.txt" || t_fail "judge: e3's summary does not name the run it replaces"
# a loop of "replaces" (a corrupt results tree) ends
loop_ends() {
	echo l2 >"$JT/l1/replaces" && echo l1 >"$JT/l2/replaces" &&
		[ "$(timeout 10 bash -c '. "$1/scripts/lib.sh"; . "$1/scripts/emulator.sh"; emulator_next "$2"' _ "$TOP" "$JT/l1")" = give-up ]
}
chain l1 tcg,thread=multi
chain l2 tcg,thread=multi
t_run "rerun: a loop of replaces ends (give-up)" loop_ends

# --- the campaign report counts them ------------------------------------------------
aggregate_emulator() {
	local c=$JT/camp rc=0 out
	mkdir -p "$c"
	# e3 ended in the event; as if its single-threaded re-run had passed
	fixture_results "$JT/e4" clean-boot smoke 5 pass pass
	printf 'accel=tcg,thread=single\n' >"$JT/e4/qemu-version"
	echo e3 >"$JT/e4/replaces"
	"$TOP/scripts/judge.sh" "$JT/e4" >/dev/null || return 1
	printf 'k\tscenario\tseed\texpect\tverdict\twall\trun\n0\tsmoke\t5\tpass\tpass\t5\te4\n' >"$c/runs.tsv"
	out=$("$TOP/scripts/aggregate.sh" "$c" 2>&1) || rc=$?
	[ "$rc" = 0 ] || { echo "exit $rc: $out"; return 1; }
	grep -q "^emulator events: 3 " "$c/summary.txt" || { cat "$c/summary.txt"; return 1; }
	[ "$(grep -c '^# emulator event, not a finding: TCG: stale int3 in trace_sched_wakeup' "$c/ktap.txt")" = 3 ] &&
		grep -q '^ok 1 smoke' "$c/ktap.txt" || { cat "$c/ktap.txt"; return 1; }
	# the control: the same report with a run left in the event is no pass
	printf '1\tpartial\t903\tpass\temulator\t5\te3\n' >>"$c/runs.tsv"
	rc=0
	out=$("$TOP/scripts/aggregate.sh" "$c" 2>&1 >/dev/null) || rc=$?
	[ "$rc" = 2 ] && [ "$(printf '%s\n' "$out" | grep -c .)" = 1 ] || { echo "unjudged: exit $rc: $out"; return 1; }
	grep -q '^ok 2 partial seed=903 k=1 # SKIP infrastructure' "$c/ktap.txt" || { cat "$c/ktap.txt"; return 1; }
	grep -q '^runs:      2 (1 passed, 0 with a finding; controls: 0 caught, 0 missed)' "$c/summary.txt" &&
		grep -q "^emulator events: 6 (.*; 1 runs left unjudged by one)" "$c/summary.txt" || { cat "$c/summary.txt"; return 1; }
}
t_run "aggregate: emulator events counted, never findings; a run left in one exits 2 (control)" aggregate_emulator
