#!/usr/bin/env bash
# Host tests of the mm selftests family's differential oracle
# (stress/guest/lib-selftest-family.sh, under busybox sh) on the fake
# programs of lib-unit-selftests.sh: a case failing under a provider only
# is the finding, one failing with none or on the base is expected; every
# mode in one boot; SELFTESTS= and MODES= checked. Called by unit.sh; runs
# alone too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

UT=$(tmp_dir)
TEST_GROUP="unit: mm selftests, the differential"
. "$TOP/scripts/lib-unit-selftests.sh"
# the provider's helpers as stubs, for guest_run: a load is a line of
# G/loads and G/provider-on while loaded (the fake diff fails a case then)
PROVIDER_STUBS="G=$G; export G
	provider_load() { echo \"\$*\" >>\"\$G/loads\"; touch \"\$G/provider-on\"; }; provider_stat() { echo 5; }
	provider_unload() { rm -f \"\$G/provider-on\"; }; offload_snapshot() { :; }; offload_delta() { echo na; }"

# the differential (selftest_scenario, with the provider's helpers as
# stubs): a case that fails only under the provider is a finding of the
# provider run; one that failed with none too is an XFAIL there; one the
# unpatched base fails (base.xfail) an XFAIL in both; the phases' lines
differential() {
	local got con=$UT/diff-console.log out
	printf 'diff\tbase broken\tfails on the unpatched base\n' >"$G/mm/base.xfail"
	got=$(guest_run "$PROVIDER_STUBS
		check() { shift; \"\$@\" && ok x || not_ok x; }
		SELFTESTS='diff bails skipall' PROVIDER=weights=pass:100 selftest_scenario")
	rm -f "$G/mm/base.xfail" "$G/provider-on"
	has "$got" '    # Subtest: selftest-diff' '    not ok 3 broken' '    ok 4 base broken # XFAIL fails on the unpatched base' \
		'SELFTEST: diff	base broken	xfail' 'not ok 1 selftest-diff' \
		'    # Subtest: selftest-diff-provider' '    not ok 2 moved' 'SELFTEST: diff-provider	moved	fail' 'SELFTEST-END: diff-provider	fail	exit=1 seconds=S cases=4 ok=1 fail=1 skip=0 xfail=2 migrations=3' \
		'    ok 3 broken # XFAIL fails with no provider too' 'not ok 2 selftest-diff-provider' \
		'not ok 3 selftest-bails' 'ok 4 selftest-bails-provider # XFAIL fails with no provider too (exit 1: Bail out! no huge page)' \
		'SELFTEST-END: bails-provider	xfail	exit=1 seconds=S cases=1 ok=1 fail=0 skip=0 migrations=0' \
		'ok 6 selftest-skipall-provider # SKIP skipped with no provider' 'SELFTEST-END: skipall-provider	skip	skipped with no provider' || return 1
	[ "$(grep -c '^    # Subtest: selftest-skipall-provider' <<<"$got")" = 0 ] || { echo "a provider run of an entry that skipped with none"; return 1; }
	[ "$(cat "$G/vm/drop_caches")$(cat "$G/vm/compact_memory")" = 31 ] || { echo "caches not dropped, memory not compacted"; return 1; }
	grep -qE '^SELFTEST-PHASE: none	seconds=S pgmigrate_success=3 offloaded=na provider_calls=0$' <<<"$got" &&
		grep -qE '^SELFTEST-PHASE: provider	seconds=S pgmigrate_success=3 offloaded=na provider_calls=10$' <<<"$got" ||
		{ echo "no phase lines:"; grep PHASE <<<"$got"; return 1; }
	printf '%s\n' "$got" | awk '{ t = (/^    / || /^SELFTEST/) ? 200 : 100
		printf "[   %d.000000][  T%d] %s\n", NR, t, $0 }' >"$con"
	out=$("$BUILD/triage/triage" "$con" | cut -f2 | sort | paste -sd';')
	# the host's table of the run, and its failures as a base's list
	mkdir -p "$UT/diffrun" && cp "$con" "$UT/diffrun/console.log" && echo 7.2 >"$UT/diffrun/base"
	"$TOP/scripts/selftests-table.sh" "$UT/diffrun" >"$UT/diffrun/table" || { echo "selftests-table.sh failed"; return 1; }
	has "$(cat "$UT/diffrun/table")" \
		'selftests none:    5 cases: 3 ok, 1 failed, 0 skipped, 1 expected failures; 0 s; 3 migrations (3/s), na batches offloaded, 0 provider calls (0/s)' \
		'selftests provider: 5 cases: 2 ok, 1 failed, 0 skipped, 2 expected failures; 0 s; 3 migrations (3/s), na batches offloaded, 10 provider calls (10/s)' \
		'  diff                       fail 4/2/1/0 0s 3m                       fail 4/1/1/0 0s 3m' \
		'  bails                      fail 1/1/0/0 0s 0m                       xfail 1/1/0/0 0s 0m' || return 1
	has "$("$TOP/scripts/selftests-table.sh" --xfail "$UT/diffrun")" \
		'diff	broken	fails on the unpatched 7.2 (diffrun)' 'bails	(program)	fails on the unpatched 7.2 (diffrun)	Bail out! no huge page' || return 1
	[ "$("$TOP/scripts/selftests-table.sh" --xfail "$UT/diffrun" | grep -c .)" = 2 ] || { echo "--xfail: a provider failure listed"; return 1; }
	[ "$out" = "KTAP: not ok sc.selftest-bails;KTAP: not ok selftest-diff-provider.moved;KTAP: not ok selftest-diff.broken" ] ||
		{ echo "triage: $out"; return 1; }
}
t_run "selftests: differential: fails only under the provider is its finding; with none too, or on the base: XFAIL" differential

# a program the base fails as a whole, with the text of its failure: the
# same failure is expected, another is a finding; under the provider it
# is expected once it failed with none (the text no longer asked)
base_text() {
	local got stubs=$PROVIDER_STUBS
	printf 'bails\t(program)\tbails on the base\tno huge page\n' >"$G/mm/base.xfail"
	got=$(guest_run "$stubs; SELFTESTS=bails PROVIDER=x selftest_scenario")
	has "$got" 'ok 1 selftest-bails # XFAIL bails on the base (exit 1: Bail out! no huge page)' \
		'ok 2 selftest-bails-provider # XFAIL bails on the base (exit 1: Bail out! no huge page)' || return 1
	printf 'bails\t(program)\tbails on the base\tUFFDIO_COPY error: -2\n' >"$G/mm/base.xfail"
	got=$(guest_run "$stubs; SELFTESTS=bails PROVIDER=x selftest_scenario")
	rm -f "$G/mm/base.xfail"
	has "$got" '# exit 1: Bail out! no huge page, not the failure of the base: no "UFFDIO_COPY error: -2" in its output' \
		'not ok 1 selftest-bails' 'ok 2 selftest-bails-provider # XFAIL fails with no provider too (exit 1: Bail out! no huge page)'
}
t_run "selftests: a program's failure is the base's only with the base's text; with none too, expected" base_text

# selftests-modes: one phase with none, then each mode of MODES with the
# provider line of its selftests-MODE scenario; a mode without one fails
modes_in_one_boot() {
	local got s=$UT/scn stubs=$PROVIDER_STUBS
	mkdir -p "$s" && rm -f "$G/loads" && printf 'provider: weights=fail:1\n---\n' >"$s/selftests-fail.scn"
	printf 'description: x\nprovider: weights=stall:1 stall_us_max=9\n---\n' >"$s/selftests-stall.scn"
	got=$(guest_run "$stubs; SELFTEST_SCENARIOS=$s SELFTESTS='diff skipall' MODES='fail stall' selftest_scenario")
	has "$got" 'not ok 1 selftest-diff' 'not ok 2 selftest-diff-provider-fail' 'not ok 3 selftest-diff-provider-stall' \
		'SELFTEST: diff-provider-stall	moved	fail' 'ok 6 selftest-skipall-provider-stall # SKIP skipped with no provider' \
		'SELFTEST-PHASE: provider-stall	seconds=S pgmigrate_success=3 offloaded=na provider_calls=5' \
		'ok 8 the provider was called (stall)' || return 1
	[ "$(grep -c '^SELFTEST-PHASE: ' <<<"$got")" = 3 ] || { echo "not three phase lines"; return 1; }
	[ "$(paste -sd'|' "$G/loads")" = "weights=fail:1|weights=stall:1 stall_us_max=9" ] || { echo "loads: $(cat "$G/loads")"; return 1; }
	got=$(guest_run "$stubs; SELFTEST_SCENARIOS=$s SELFTESTS=diff MODES='fail nosuch' selftest_scenario")
	has "$got" 'not ok 1 selftest-modes' || return 1
	[ "$(grep -c 'Subtest: selftest-diff' <<<"$got")" = 0 ] || { echo "ran with a mode unknown"; return 1; }
}
t_run "selftests: modes in one boot: none once, then each mode with its scenario's provider; an unknown mode fails" modes_in_one_boot

# make stress SELFTESTS=...: checked on the host (one line, exit 2) before
# anything is built; kept in the run's reproduce line
override_checked() {
	local err rc check sc names want
	(selftests_override_check selftests-pass "migration memory-failure") && (selftests_modes_check selftests-modes "fail stall") ||
		{ echo "good names or modes refused"; return 1; }
	for bad in "override|selftests-pass|migration nosuch|'nosuch' is not an \"in\" entry" "override|selftests-pass|hmm-tests|'hmm-tests' is not an \"in\" entry" \
		"override|smoke|migration|scenario smoke runs no mm selftests" "modes|selftests-modes|fail modes|'modes' is not a provider mode" \
		"modes|selftests-fail|stall|runs no provider modes"; do
		IFS='|' read -r check sc names want <<<"$bad"
		rc=0
		err=$( ("selftests_${check}_check" "$sc" "$names") 2>&1) || rc=$?
		[ "$rc" = 2 ] && [ "$(grep -c . <<<"$err")" = 1 ] && [[ $err == *"$want"* ]] ||
			{ echo "$check $sc '$names': exit $rc, '$err'"; return 1; }
	done
	[[ $(MODES='fail  stall' reproduce_line /nonexistent selftests-modes 1 30) == *" MODES='fail stall' "* ]] || { echo "no MODES in the reproduce line"; return 1; }
	[[ $(SELFTESTS='migration  rmap' reproduce_line /nonexistent selftests-pass 1 30) == *" SELFTESTS='migration rmap' "* ]] ||
		{ echo "reproduce line: $(SELFTESTS='migration rmap' reproduce_line /nonexistent selftests-pass 1 30)"; return 1; }
}
t_run "selftests: SELFTESTS= and MODES= are checked (exit 2, one line) and kept in the reproduce line" override_checked

t_summary
