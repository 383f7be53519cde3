#!/usr/bin/env bash
# Host tests of judging apart from running (no VM): scripts/judge.sh on
# results directories made from the triage's real consoles, the guest's
# KTAP nested in the run's, re-judging, and the emulator events
# (unit-emulator.sh). Called by unit.sh; runs alone too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

make -s -C "$TOP/scripts/triage" OUT="$BUILD/triage" || die "building the console triage failed"
TRIAGE=$BUILD/triage/triage

# --- judging apart from running: scripts/judge.sh on fixture results -----------
TEST_GROUP="unit: judge.sh on fixture results"
# fixture_results DIR LOG SCENARIO SEED VM EXPECT [TITLE]: what run.sh leaves
fixture_results() {
	mkdir -p "$1"
	cp "$TOP/scripts/triage/tests/$2.log" "$1/console.log"
	echo "$3" >"$1/scenario"
	echo "$4" >"$1/seed"
	echo "$5" >"$1/vm-verdict"
	echo "$6" >"$1/expect"
	[ -z "${7:-}" ] || echo "$7" >"$1/expected-title"
	echo "make reproduce SCENARIO=$3 SEED=$4" >"$1/reproduce"
}
JT=$(tmp_dir)
# judge_is NAME WANT_RC WANT_VERDICT DIR [ENV...]: one judge.sh call
judge_is() {
	local name=$1 want_rc=$2 want_v=$3 dir=$4 rc=0 err
	shift 4
	err=$(env "$@" "$TOP/scripts/judge.sh" "$dir" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = "$want_rc" ] && [ "$(cat "$dir/verdict" 2>/dev/null)" = "$want_v" ]; then
		t_pass "judge: $name (exit $rc, $want_v)"
	else
		t_fail "judge: $name (exit $rc, verdict $(cat "$dir/verdict" 2>/dev/null), want $want_rc/$want_v: $err)"
	fi
}
fixture_results "$JT/clean" clean-boot smoke 5 pass pass
judge_is "a clean console and a guest that passed" 0 pass "$JT/clean"
fixture_results "$JT/control" kasan-uaf oracle-kasan 1 died caught "KASAN: slab-use-after-free Read in oracle_kasan"
judge_is "a negative control's title came out" 0 caught "$JT/control"
fixture_results "$JT/kasan" kasan-uaf oracle-kasan 1 died pass
judge_is "a KASAN report where none is expected" 1 finding "$JT/kasan"
fixture_results "$JT/missed" warn oracle-warn 1 died caught "WARNING in something_else"
judge_is "a control whose title did not come out" 1 missed "$JT/missed"
# a driver's first mismatch, then a guest that hung before its KTAP result
# (run-vm.sh stops a run at it): the finding is the check, not the hang
fixture_results "$JT/sign" mismatch-then-hang mixed 1 hang pass
judge_is "a mismatch and a hung guest: a finding titled by the driver's check" 1 finding "$JT/sign"
sign_title() {
	local nested
	grep -q "KTAP: not ok migrate-verify.data-integrity" "$JT/sign/findings.tsv" || { echo "findings: $(cut -f2 "$JT/sign/findings.tsv")"; return 1; }
	# control: the same line nested as a selftest's output is no sign
	nested=$(sed 's/\] # mismatch/]     # mismatch/' "$JT/sign/console.log" | "$TRIAGE" /dev/stdin)
	[ -z "$nested" ] || { echo "a nested '# mismatch' line is a finding: $nested"; return 1; }
}
t_run "judge: the mismatch's finding is KTAP: not ok migrate-verify.data-integrity; nested deeper it is none" sign_title
# KCSAN and the series' scope (the run's scope file): a race none of whose
# frames is the series' is listed, not a finding; without a scope (an old
# run, the unpatched kernel) it is one; the control is caught in scope
fixture_results "$JT/kcsan-out" kcsan-race-outside oracle-kcsan 1 pass pass
cp "$TOP/scripts/triage/tests/kcsan-race-outside.scope" "$JT/kcsan-out/scope"
judge_is "a KCSAN race outside the series' scope" 0 pass "$JT/kcsan-out"
grep -q "^outside: *1 data races" "$JT/kcsan-out/summary.txt" ||
	t_fail "judge: the race outside the scope is not in summary.txt"
grep -q "^# outside the series, not a finding: \[KCSAN\]" "$JT/kcsan-out/ktap.txt" ||
	t_fail "judge: the race outside the scope is not in ktap.txt"
fixture_results "$JT/kcsan-noscope" kcsan-race-outside oracle-kcsan 1 pass pass
judge_is "the same race with no scope" 1 finding "$JT/kcsan-noscope"
fixture_results "$JT/kcsan-ctl" kcsan-race-control oracle-kcsan 1 fail caught "KCSAN: data-race in fp_race_control / fp_race_control"
cp "$TOP/scripts/triage/tests/kcsan-race-control.scope" "$JT/kcsan-ctl/scope"
judge_is "the kcsan flavour's control in scope" 0 caught "$JT/kcsan-ctl"
fixture_results "$JT/hang" clean-boot smoke 5 hang pass
judge_is "a silent guest on a clean console" 1 finding "$JT/hang"
grep -q "guest hang" "$JT/hang/findings.tsv" || t_fail "judge: the hang has no title"
fixture_results "$JT/intr" clean-boot smoke 5 interrupted pass
judge_is "an interrupted run is no verdict" 2 error "$JT/intr"
# the triage program fails or crashes: an infrastructure error, never a pass
crash=$JT/crashing-triage
printf '#!/bin/sh\nkill -SEGV $$\n' >"$crash" && chmod +x "$crash"
fixture_results "$JT/crash" clean-boot smoke 5 pass pass
judge_is "a triage that crashes (SIGSEGV)" 2 error "$JT/crash" TRIAGE="$crash" TRIAGE_GIVEN=1
fixture_results "$JT/fails" clean-boot smoke 5 pass pass
failing=$JT/failing-triage
printf '#!/bin/sh\necho "triage: cannot read" >&2\nexit 2\n' >"$failing" && chmod +x "$failing"
judge_is "a triage that exits 2" 2 error "$JT/fails" TRIAGE="$failing" TRIAGE_GIVEN=1
# known kernel bugs (scripts/lib-known.sh): a title known on this run is
# listed apart and the run meets "pass"; the same record where the run is
# not (another base, another tree), or an unknown title, stays a finding;
# a control's expected title is never known; a malformed list is an error
known_list() { printf 'title: %s\nwhere: %s\nreport: %s\n' "$1" "$2" "${3-the list of a test}" >"$JT/list-$4"; }
known_list "KASAN: slab-use-after-free Read in oracle_kasan" "base=7.2 tree=own" "lore: a test" here
known_list "KASAN: slab-use-after-free Read in oracle_kasan" "base=6.12 tree=own" "lore: a test" other-base
known_list "KASAN: slab-use-after-free Read in oracle_kasan" "base=7.2 tree=ours" "lore: a test" other-tree
known_list "KASAN: slab-use-after-free Read in something_else" "base=7.2" "lore: a test" other-title
known_list "KASAN: slab-use-after-free Read in oracle_kasan" "base=7.2" "" no-report
sed -i '/^report:/d' "$JT/list-no-report"
known_list "KASAN: slab-use-after-free Read in oracle_kasan" "kernel=7.2" "lore: a test" bad-where
known_fixture() {
	fixture_results "$JT/$1" kasan-uaf oracle-kasan 1 died "${2:-pass}" ${3:+"$3"}
	echo 7.2 >"$JT/$1/base"
	echo "make reproduce BASE=7.2 SCENARIO=oracle-kasan SEED=1 KERNEL_SRC=/src SERIES=none" >"$JT/$1/reproduce"
}
known_fixture known
judge_is "a known bug on the tree it is known on" 0 known "$JT/known" KNOWN_BUGS="$JT/list-here"
grep -q "^  \[KASAN\] KASAN: slab-use-after-free Read in oracle_kasan (console line [0-9]*, x1): lore: a test$" \
	"$JT/known/summary.txt" || t_fail "judge: the known bug is not in summary.txt"
grep -q "^ok 3 no-finding # SKIP only known kernel bugs: KASAN: slab-use-after-free" "$JT/known/ktap.txt" ||
	t_fail "judge: ktap.txt does not say the run found only a known bug"
[ ! -s "$JT/known/findings.tsv" ] || t_fail "judge: the known bug is still in findings.tsv"
for w in other-base other-tree other-title; do
	known_fixture "known-$w"
	judge_is "a known bug's record for $w" 1 finding "$JT/known-$w" KNOWN_BUGS="$JT/list-$w"
done
known_fixture known-control caught "KASAN: slab-use-after-free Read in oracle_kasan"
judge_is "a control's expected title is never known" 0 caught "$JT/known-control" KNOWN_BUGS="$JT/list-here"
for w in no-report bad-where; do
	known_fixture "known-$w"
	judge_is "a list of known bugs with a record of $w" 2 error "$JT/known-$w" KNOWN_BUGS="$JT/list-$w"
done
known_fixture known-none
judge_is "no list of known bugs where KNOWN_BUGS points" 2 error "$JT/known-none" KNOWN_BUGS="$JT/no-such-list"
own_known_list_parses() { (known_records); }
t_run "judge: the suite's own list of known bugs parses" own_known_list_parses

# the guest's own KTAP nested in the run's, each test point a JUnit case:
# the KUnit cases and the scenario's; in a negative control its failing
# test point is an expected failure (TODO, skipped in JUnit), in a run
# that expects none it is a failure (the control of the TODO marking)
nested_ktap() {
	local j
	grep -q '^        ok [0-9]* register_churn$' "$JT/clean/ktap.txt" || { echo "KUnit's cases not nested in ktap.txt"; return 1; }
	j=$JT/clean/junit.xml
	grep -q 'classname="smoke/guest" name="register_churn"' "$j" || { echo "a KUnit case is not a JUnit case"; return 1; }
	grep -q 'tests="[1-9][0-9]" failures="0"' "$j" || { echo "clean run's JUnit: $(grep -o 'tests=.*skipped="[0-9]*"' "$j")"; return 1; }
	fixture_results "$JT/corrupt" integrity-mismatch corrupt 1 stopped caught "KTAP: not ok migrate-verify.data-integrity"
	"$TOP/scripts/judge.sh" "$JT/corrupt" >/dev/null || { echo "the control was not caught"; return 1; }
	grep -q '^ *not ok 1 data-integrity # TODO a negative control, meant to fail: 2 mismatches$' "$JT/corrupt/ktap.txt" ||
		{ echo "the control's failing test point is not marked TODO"; return 1; }
	grep -q 'failures="0"' "$JT/corrupt/junit.xml" || { echo "a caught control fails in JUnit"; return 1; }
	fixture_results "$JT/corrupt-pass" integrity-mismatch corrupt 1 died pass
	"$TOP/scripts/judge.sh" "$JT/corrupt-pass" >/dev/null && { echo "a mismatch passed"; return 1; }
	grep -q '<testcase classname="corrupt/guest" name="data-integrity"><failure' "$JT/corrupt-pass/junit.xml" ||
		{ echo "a failing guest test point is no JUnit failure where none is expected"; return 1; }
}
t_run "judge: the guest's KTAP nested in ktap.txt, each test point a JUnit case; a control's is an expected failure" nested_ktap
# a caught control whose guest died or failed: its guest point is an
# expected failure too (no red JUnit for a control doing its job); the
# same console where none is expected is a JUnit failure
control_guest_todo() {
	grep -q '^not ok 2 guest # TODO a negative control, meant to fail: vm verdict died$' "$JT/control/ktap.txt" ||
		{ echo "the caught control's guest point: $(grep ' guest' "$JT/control/ktap.txt")"; return 1; }
	grep -q 'failures="0"' "$JT/control/junit.xml" || { echo "a caught control fails in JUnit"; return 1; }
	grep -q '^not ok 2 guest # vm verdict: died$' "$JT/kasan/ktap.txt" || { echo "the finding's guest point is not a failure"; return 1; }
	! grep -q 'failures="0"' "$JT/kasan/junit.xml" || { echo "a finding passes in JUnit"; return 1; }
}
t_run "judge: a caught control's failed guest is an expected failure; the same where none is expected is not" control_guest_todo
# judged again: the same verdicts, and no "(was ...)"
rejudge_same() {
	local out
	out=$("$TOP/scripts/judge.sh" "$JT/clean" "$JT/control" "$JT/kasan" "$JT/missed" 2>&1)
	! printf '%s' "$out" | grep -F "(was " || return 1
	[ "$(cat "$JT"/{clean,control,kasan,missed}/verdict | tr '\n' ' ')" = "pass caught finding missed " ]
}
t_run "judge: re-judging gives the same verdicts" rejudge_same
# a re-judge after a verdict changed says so
rejudge_changed() {
	local out
	echo pass >"$JT/kasan/verdict"
	out=$("$TOP/scripts/judge.sh" "$JT/kasan" 2>&1)
	grep -qF "finding (was pass)" <<<"$out" || { echo "$out"; return 1; }
}
t_run "judge: a changed verdict is reported as such" rejudge_changed

# --- decoding a report: decode-report.sh against the kernel's own script ---------
TEST_GROUP="unit: decoding a report's stack"
# decode_same: on a program with line tables standing in for a vmlinux, the
# two-pass decode prints what the kernel's decode_stacktrace.sh prints
# alone, and that is file:line for the frames in the object; a frame of a
# symbol the object lacks stays as it was in both
decode_same() {
	local kt=$BUILD/ktools-$BASE d plain fast
	[ -f "$kt/scripts/decode_stacktrace.sh" ] || { echo "no decode_stacktrace.sh in $kt (make unit extracts it)"; return 1; }
	d=$(tmp_dir)
	mkdir "$d/scripts" && cp "$kt/scripts/decode_stacktrace.sh" "$d/scripts/" || return 1
	printf '%s\n' 'int __attribute__((noinline)) inner(int x) { return x * 3 + 1; }' \
		'int __attribute__((noinline)) outer(int x) { return inner(x) + 2; }' \
		'int main(int argc, char **argv) { return outer(argc); }' >"$d/fixture.c"
	gcc -g -O1 -o "$d/vmlinux" "$d/fixture.c" || return 1
	printf '%s\n' '[    1.000000][    T1] Call Trace:' '[    1.000000][    T1]  inner+0x4/0x10' \
		'[    1.000000][    T1]  ? outer+0x9/0x20' '[    1.000000][    T1]  not_in_the_object+0x10/0x40' >"$d/report"
	plain=$("$d/scripts/decode_stacktrace.sh" "$d/vmlinux" "$d" "" <"$d/report" 2>&1) || return 1
	fast=$("$TOP/scripts/decode-report.sh" "$d/vmlinux" "$d" "" <"$d/report" 2>&1) || return 1
	[ "$plain" = "$fast" ] || { diff <(echo "$plain") <(echo "$fast"); return 1; }
	# (matched in bash: a grep -q that ends before a pipe's writer does
	# fails the pipeline under pipefail, as it did once under load)
	[[ $fast == *" inner (fixture.c:1)"* && $fast == *" outer (fixture.c:2)"* &&
		$fast == *" not_in_the_object+0x10/0x40" ]] || { echo "$fast"; return 1; }
}
t_run "decode: decode-report.sh prints what decode_stacktrace.sh prints, file:line and all" decode_same

# emulator events: the triage, the judge, the rerun decision, the report
. "$TOP/scripts/unit-emulator.sh"

t_summary
