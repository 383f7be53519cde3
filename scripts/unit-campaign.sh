#!/usr/bin/env bash
# Host tests of seeds and campaign reports (no VM): seed derivation, the
# one reader of a run's findings, and the campaign report's deduplication
# by title on fixture runs. Called by unit.sh; runs alone too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

# --- seeds: one master seed, sub-seeds by name ------------------------------------
TEST_GROUP="unit: seeds and campaign reports"
# the one reader of a run's findings: first title, exact match, the
# console line, and the target that reproduce and bisect chase (set by
# the first run with a finding, then matched exactly; a run with none
# never sets it)
results_reader() {
	local d e
	d=$(tmp_dir) e=$(tmp_dir)
	printf 'Bug\tWARNING in fp_a\t41\t1\nBug\tKTAP: not ok x.y\t77\t1\n' >"$d/findings.tsv"
	[ "$(run_first_title "$d")" = "WARNING in fp_a" ] || { echo "first title"; return 1; }
	[ "$(run_titles_line "$d")" = "WARNING in fp_a;KTAP: not ok x.y" ] || { echo "titles line"; return 1; }
	[ "$(run_title_line "$d" "KTAP: not ok x.y")" = 77 ] || { echo "console line"; return 1; }
	! run_has_title "$d" "WARNING in fp" || { echo "a prefix matched"; return 1; }
	[ "$(run_first_title_matching "$d" "^KTAP: not ok")" = "KTAP: not ok x.y" ] || { echo "first title matching"; return 1; }
	[ -z "$(run_first_title_matching "$d" "^not ok")" ] || { echo "a text inside a title matched an anchored ERE"; return 1; }
	# a selftest's own findings, a case or the program; not KUnit, not
	# the family scenario's other points (SELFTEST_TITLE_ERE)
	local t
	for t in "KTAP: not ok selftest-memory-failure-provider.memory_failure.madv_soft.anon" \
		"KTAP: not ok selftests-pass.selftest-split_huge_page_test" "KTAP: not ok selftest-rmap.case 3"; do
		first_matching "$SELFTEST_TITLE_ERE" <<<"$t" | grep -q . || { echo "not a selftest's own: $t"; return 1; }
	done
	for t in "KTAP: not ok selftests-pass.the provider was called" "KTAP: not ok copy_offload.selftest_like" \
		"KTAP: not ok copy_offload_kunit.register.selftest-x" "WARNING in selftest-x"; do
		[ -z "$(first_matching "$SELFTEST_TITLE_ERE" <<<"$t")" ] || { echo "counted as a selftest's own: $t"; return 1; }
	done
	TARGET=""
	! same_title_again "$e" && [ -z "$TARGET" ] || { echo "a run without findings set the target"; return 1; }
	same_title_again "$d" && [ "$TARGET" = "WARNING in fp_a" ] || { echo "first finding not made the target"; return 1; }
	TARGET="KTAP: not ok x.z"
	! same_title_again "$d" || { echo "another title counted as the target"; return 1; }
}
t_run "results: one reader of findings.tsv; the target is the first finding, then matched exactly" results_reader
make -s -C "$TOP/stress" OUT="$BUILD/guest" >/dev/null
sd=$BUILD/guest/seed-derive
seed_derivation() {
	local a b c
	a=$("$sd" 42 fault_provider) b=$("$sd" 42 fault_provider) c=$("$sd" 42 migrate-verify)
	[ "$a" = "$b" ] || { echo "same master and label, $a then $b"; return 1; }
	[ "$a" != "$c" ] || { echo "two labels, one seed $a"; return 1; }
	[ "$("$sd" 43 fault_provider)" != "$a" ] || { echo "two masters, one seed"; return 1; }
	valid_seed "$a" && valid_seed "$("$sd" 9223372036854775806 x)" || { echo "not below 2^63"; return 1; }
	[ "$("$sd" 42 x 7 10)" -lt 10 ] || { echo "BELOW not honoured"; return 1; }
	! "$sd" 42 2>/dev/null || { echo "no label accepted"; return 1; }
}
t_run "seed-derive: same name same seed, other name other seed, below 2^63" seed_derivation

# --- the campaign report: deduplication by title, on fixture runs -------------------
aggregate_dedup() {
	local r c1 c2 out
	r=$(tmp_dir)
	fixture_run() { # NAME SEED EXPECT VERDICT TITLE...
		local d=$r/$1
		mkdir -p "$d"
		echo "make reproduce SCENARIO=x SEED=$2" >"$d/reproduce"
		echo "$3" >"$d/expect"
		echo "$4" >"$d/verdict"
		: >"$d/findings.tsv"
		local t
		for t in "${@:5}"; do printf 'Bug\t%s\t10\t1\n' "$t" >>"$d/findings.tsv"; done
	}
	fixture_run run-a 100 pass finding "WARNING in f"
	fixture_run run-b 101 pass finding "WARNING in f" "KASAN: use-after-free in g"
	fixture_run run-c 102 caught caught "KTAP: not ok c"
	fixture_run run-d 103 pass pass
	mkdir -p "$r/camp1" "$r/camp2"
	printf 'k\tscenario\tseed\texpect\tverdict\twall\trun\n' | tee "$r/camp1/runs.tsv" >"$r/camp2/runs.tsv"
	# runs.tsv's verdicts are stale on purpose: the run dirs' files count
	printf '0\tx\t100\tpass\tpass\t5\trun-a\n2\tx\t102\tcaught\tmissed\t5\trun-c\n' >>"$r/camp1/runs.tsv"
	printf '1\tx\t101\tpass\tfinding\t5\trun-b\n3\tx\t103\tpass\tpass\t5\trun-d\n' >>"$r/camp2/runs.tsv"
	out=$r/merged
	! "$TOP/scripts/aggregate.sh" --out "$out" "$r/camp1" "$r/camp2" >/dev/null || { echo "findings, yet exit 0"; return 1; }
	grep -qxF "$(printf '2\tWARNING in f\t100\tx\trun-a')" "$out/findings.tsv" ||
		{ echo "WARNING in f: not counted 2 from seed 100"; cat "$out/findings.tsv"; return 1; }
	grep -qxF "$(printf '1\tKASAN: use-after-free in g\t101\tx\trun-b')" "$out/findings.tsv" ||
		{ echo "KASAN title missing"; return 1; }
	[ "$(grep -c . "$out/findings.tsv")" = 2 ] || { echo "the control's title counted as a finding"; return 1; }
	grep -q "controls: 1 caught, 0 missed" "$out/summary.txt" || { echo "control not counted"; return 1; }
	[ "$(grep -c '^ok ' "$out/ktap.txt")" = 2 ] && [ "$(grep -c '^not ok ' "$out/ktap.txt")" = 2 ] ||
		{ echo "KTAP points wrong"; return 1; }
	grep -q 'tests="4" failures="2"' "$out/junit.xml" || { echo "JUnit counts wrong"; return 1; }
	rm -rf "$r"
}
t_run "aggregate: findings deduplicated by title across shards, controls apart" aggregate_dedup

# a run with only known kernel bugs (verdict known, its titles in known.tsv
# and none in findings.tsv) meets its expectation: the campaign passes and
# lists the bug apart; the same run judged a finding fails it
aggregate_known() {
	local r out
	r=$(tmp_dir)
	mkdir -p "$r/camp" "$r/run-k" "$r/run-p"
	echo pass | tee "$r/run-k/expect" "$r/run-p/expect" "$r/run-p/verdict" >/dev/null
	echo known >"$r/run-k/verdict"
	: | tee "$r/run-k/findings.tsv" >"$r/run-p/findings.tsv"
	printf 'Bug\tOops in migrate_offload_batch_copy\t10\t1\thttps://lore.example/x\n' >"$r/run-k/known.tsv"
	printf 'k\tscenario\tseed\texpect\tverdict\twall\trun\n0\tx\t1\tpass\tknown\t5\trun-k\n1\tx\t2\tpass\tpass\t5\trun-p\n' >"$r/camp/runs.tsv"
	out=$r/agg
	"$TOP/scripts/aggregate.sh" --out "$out" "$r/camp" >/dev/null || { echo "only known bugs, yet exit $?"; return 1; }
	grep -q "runs:      2 (2 passed (1 with known kernel bugs only), 0 with a finding" "$out/summary.txt" ||
		{ echo "counts wrong:"; grep '^runs:' "$out/summary.txt"; return 1; }
	grep -qE '^  1 +Oops in migrate_offload_batch_copy$' "$out/summary.txt" || { echo "known bug not listed"; return 1; }
	grep -q '^# known kernel bug, not a finding: Oops in migrate_offload_batch_copy$' "$out/ktap.txt" &&
		[ "$(grep -c '^ok ' "$out/ktap.txt")" = 2 ] || { echo "KTAP wrong"; cat "$out/ktap.txt"; return 1; }
	# the control: the same run judged a finding fails the campaign
	echo finding >"$r/run-k/verdict"
	cut -f2- "$r/run-k/known.tsv" | sed 's/^/Bug\t/' | cut -f1-4 >"$r/run-k/findings.tsv"
	rm -rf "$out"
	! "$TOP/scripts/aggregate.sh" --out "$out" "$r/camp" >/dev/null || { echo "a finding, yet exit 0"; return 1; }
	rm -rf "$r"
}
t_run "aggregate: a run with only known kernel bugs passes, listed apart; as a finding it fails" aggregate_known

# selftests_run DIR SCENARIO BAILS_NONE_VERDICT: a run of the selftests
# family as its console shows it (the guest's lines: lib-selftests.sh):
# entry "diff" fails a case under the provider only, "bails" fails as a
# whole with no provider (or not: the verdict given) and is an expected
# failure under it
selftests_run() {
	mkdir -p "$1"
	echo "$2" >"$1/scenario"
	echo 7.2 >"$1/base"
	printf '[    1.000000][  T100] %s\n' \
		$'SELFTEST-END: diff\tfail\texit=1 seconds=0 cases=4 ok=2 fail=1 skip=0 xfail=1 migrations=3' \
		$'SELFTEST-END: diff-provider\tfail\texit=1 seconds=0 cases=4 ok=1 fail=1 skip=0 xfail=2 migrations=3' \
		"$(printf 'SELFTEST-END: bails\t%s\texit=1 seconds=0 cases=1 ok=1 fail=0 skip=0 migrations=0' "$3")" \
		$'SELFTEST-END: bails-provider\txfail\texit=1 seconds=0 cases=1 ok=1 fail=0 skip=0 migrations=0' \
		$'SELFTEST-PHASE: none\tseconds=0 pgmigrate_success=3 offloaded=na provider_calls=0' \
		$'SELFTEST-PHASE: provider\tseconds=0 pgmigrate_success=3 offloaded=na provider_calls=10' >"$1/console.log"
}

# the family side by side (selftests-table.sh --modes): a column per run's
# provider phase named after its scenario, a second run of one mode apart,
# an entry whose none phase differs between runs marked and listed, a run
# that ended before its phases did, two bases
modes_table() {
	local got r
	r=$(tmp_dir)
	selftests_run "$r/one" selftests-fail fail
	selftests_run "$r/two" selftests-fail pass
	got=$("$TOP/scripts/selftests-table.sh" --modes "$r/one" "$r/two") || { echo "selftests-table.sh --modes failed"; return 1; }
	has "$got" \
		'selftests fail/provider: 5 cases: 2 ok, 1 failed, 0 skipped, 2 expected failures; 0 s; 3 migrations (3/s), na batches offloaded, 10 provider calls (10/s)' \
		'selftests fail#2/none: 5 cases: 3 ok, 1 failed, 0 skipped, 1 expected failures; 0 s; 3 migrations (3/s), na batches offloaded, 0 provider calls (0/s)' \
		'  ENTRY                      none             fail             fail#2' \
		'  diff                       4/2/1/0 fail     4/1/1/0 fail     4/1/1/0 fail' \
		'  bails                      1/1/0/0 fail*    1/1/0/0 xfail    1/1/0/0 xfail' \
		'  * bails: 1/1/0/0 in fail#2 with no provider' || return 1
	[ "$(grep -c '^  \* ' <<<"$got")" = 1 ] || { echo "an entry marked whose none phases agree"; return 1; }
	sed -i '/SELFTEST-PHASE: /d' "$r/two/console.log"
	got=$("$TOP/scripts/selftests-table.sh" --modes "$r/one" "$r/two") || { echo "selftests-table.sh --modes failed"; return 1; }
	has "$got" '  ENTRY                      none             fail             fail#2' \
		'selftests fail#2/provider: 5 cases: 2 ok, 1 failed, 0 skipped, 2 expected failures; the run ended before the phase did' || return 1
	echo 6.12 >"$r/two/base"
	has "$("$TOP/scripts/selftests-table.sh" --modes "$r/one" "$r/two")" '  ENTRY                      none             fail@7.2         fail@6.12' || return 1
	! "$TOP/scripts/selftests-table.sh" "$r/one" "$r/two" >/dev/null 2>&1 || { echo "two runs taken without --modes"; return 1; }
	rm -rf "$r"
}
t_run "selftests table: the family's runs side by side, a column a mode, none phases that differ marked" modes_table

# a selftests-modes run (one boot: none, then a phase a mode): a column a
# mode, in the single-run table and beside a run of one of its modes
modes_run_table() {
	local got r
	r=$(tmp_dir)
	selftests_run "$r/one" selftests-fail fail
	mkdir -p "$r/modes" && echo selftests-modes >"$r/modes/scenario" && echo 7.2 >"$r/modes/base"
	printf '[    1.000000][  T100] %s\n' \
		$'SELFTEST-END: diff\tpass\texit=0 seconds=0 cases=4 ok=4 fail=0 skip=0 migrations=3' \
		$'SELFTEST: diff-provider-fail\tmoved\tfail' \
		$'SELFTEST-END: diff-provider-fail\tfail\texit=1 seconds=0 cases=4 ok=3 fail=1 skip=0 migrations=3' \
		$'SELFTEST-END: diff-provider-stall\tpass\texit=0 seconds=0 cases=4 ok=4 fail=0 skip=0 migrations=3' \
		$'SELFTEST-PHASE: none\tseconds=0 pgmigrate_success=3 offloaded=na provider_calls=0' \
		$'SELFTEST-PHASE: provider-fail\tseconds=0 pgmigrate_success=3 offloaded=na provider_calls=7' \
		$'SELFTEST-PHASE: provider-stall\tseconds=0 pgmigrate_success=3 offloaded=na provider_calls=9' >"$r/modes/console.log"
	got=$("$TOP/scripts/selftests-table.sh" "$r/modes") || { echo "selftests-table.sh failed"; return 1; }
	has "$got" 'selftests provider-stall: 4 cases: 4 ok, 0 failed, 0 skipped, 0 expected failures; 0 s; 3 migrations (3/s), na batches offloaded, 9 provider calls (9/s)' \
		'  diff                       pass 4/4/0/0 0s 3m                       fail 4/3/1/0 0s 3m                       pass 4/4/0/0 0s 3m' || return 1
	[[ $got == *"PROVIDER-FAIL"*"PROVIDER-STALL"* ]] || { echo "no column a mode: $got"; return 1; }
	got=$("$TOP/scripts/selftests-table.sh" --modes "$r/one" "$r/modes") || { echo "selftests-table.sh --modes failed"; return 1; }
	has "$got" '  ENTRY                      none             fail             fail#2           stall' \
		'  diff                       4/2/1/0 fail*    4/1/1/0 fail     4/3/1/0 fail     4/4/0/0' || return 1
	[ -z "$("$TOP/scripts/selftests-table.sh" --xfail "$r/modes")" ] || { echo "--xfail listed a mode's failure"; return 1; }
	rm -rf "$r"
}
t_run "selftests table: a run of every mode in one boot, a column a mode" modes_run_table

# runs of the mm selftests family get their side-by-side table in the
# report (a column a provider mode); a campaign without any gets none
aggregate_selftests() {
	local r out
	r=$(tmp_dir)
	mkdir -p "$r/camp" "$r/run-o"
	selftests_run "$r/run-s" selftests-stall fail
	echo pass | tee "$r/run-s/expect" "$r/run-s/verdict" "$r/run-o/expect" "$r/run-o/verdict" >/dev/null
	: | tee "$r/run-s/findings.tsv" >"$r/run-o/findings.tsv"
	echo 'a console of another scenario' >"$r/run-o/console.log"
	printf 'k\tscenario\tseed\texpect\tverdict\twall\trun\n0\tx\t1\tpass\tpass\t5\trun-o\n1\tselftests-stall\t2\tpass\tpass\t5\trun-s\n' >"$r/camp/runs.tsv"
	out=$r/agg
	"$TOP/scripts/aggregate.sh" --out "$out" "$r/camp" >/dev/null || { echo "exit $? with no finding"; return 1; }
	has "$(cat "$out/summary.txt")" \
		'the mm selftests, a column a provider mode (scripts/selftests-table.sh --modes):' \
		'  ENTRY                      none             stall' \
		'  diff                       4/2/1/0 fail     4/1/1/0 fail' || return 1
	# the control: without the family's run, no table
	printf 'k\tscenario\tseed\texpect\tverdict\twall\trun\n0\tx\t1\tpass\tpass\t5\trun-o\n' >"$r/camp/runs.tsv"
	rm -rf "$out"
	"$TOP/scripts/aggregate.sh" --out "$out" "$r/camp" >/dev/null || { echo "exit $? with no finding"; return 1; }
	! grep -q 'mm selftests' "$out/summary.txt" || { echo "a table with no run of the family"; return 1; }
	rm -rf "$r"
}
t_run "aggregate: the mm selftests' runs get their table, a column a mode; other runs none" aggregate_selftests

# what the modules may call, and the guest's skip of a module left out

# SNAPSHOT=1: which boots may start from a saved guest (run.sh), and the
# campaign's cold ones (the first, one in ten)
snapshot_choice() {
	local got="" c
	. "$TOP/scripts/lib-snapshot.sh"
	for c in "1 0 - - -" "1 1 - - -" "1 0 prev - -" "1 0 - gcov.b64 -" "0 0 - - -" "1 0 - - kprobe"; do
		read -r snap cold prev ser why <<<"$c"
		[ "$prev" != - ] || prev=""
		[ "$ser" != - ] || ser=""
		[ "$why" != - ] || why=""
		serial2=$ser
		if SNAPSHOT=$snap COLD=$cold boot_cold=$why snapshot_wanted "$prev"; then got+="y"; else got+="n"; fi
	done
	[ "$got" = ynnnnn ] || { echo "snapshot_wanted: $got, want ynnnnn"; return 1; }
	[ -n "$(scenario_field zsmalloc boot_cold)" ] || { echo "zsmalloc (a kprobe oracle) may start from a snapshot"; return 1; }
	grep -q 'done_runs" != 0 \] && \[ \$((k % 10)) != 0 \] || cold=1' "$TOP/scripts/campaign.sh" ||
		{ echo "campaign.sh no longer boots its first run and one in ten cold"; return 1; }
}
t_run "snapshots: only SNAPSHOT=1, not COLD, not an emulator re-run, not with a second serial port, not boot_cold" snapshot_choice

# SNAPSHOT=1: a boot is saved only when two runs or more of the campaign
# (of its shard) will restore it; the others boot cold
snapshot_shares() {
	local scenarios L runs sn si plain kmem own
	. "$TOP/scripts/lib-snapshot.sh"
	scenarios=(clean@10 pinned@10 clean longterm-pin@10 zsmalloc pinned oracle-warn) L=7 runs="" sn=1 si=0
	plain=$(boot_of clean) kmem=$(boot_of pinned) own=$(boot_of longterm-pin)
	[ "$plain" = "$(boot_of oracle-warn)" ] && [ "$kmem" != "$plain" ] && [ "$own" != "$kmem" ] ||
		{ echo "boot_of does not tell the boots apart: '$plain' '$kmem' '$own'"; return 1; }
	SNAPSHOT=0 count_restores
	[ "${#restores[@]}" = 0 ] || { echo "SNAPSHOT=0 counted restores"; return 1; }
	# run 0 is cold; zsmalloc boots cold (boot_cold)
	SNAPSHOT=1 count_restores
	[ "${restores[$plain]}/${restores[$kmem]}/${restores[$own]}" = 2/2/1 ] ||
		{ echo "one pass: ${restores[$plain]:-0}/${restores[$kmem]:-0}/${restores[$own]:-0}, want 2/2/1"; return 1; }
	# 11 runs: 7 clean@10, 8 pinned@10, 9 clean, and 10 longterm-pin, cold
	runs=11 SNAPSHOT=1 count_restores
	[ "${restores[$plain]}/${restores[$kmem]}/${restores[$own]}" = 4/3/1 ] ||
		{ echo "11 runs: ${restores[$plain]:-0}/${restores[$kmem]:-0}/${restores[$own]:-0}, want 4/3/1"; return 1; }
	# shard 1 of 2, 12 runs: 1 pinned (its first: cold), 3 longterm-pin, 5
	# pinned, 7 clean@10, 9 clean, 11 zsmalloc
	runs=12 sn=2 si=1 SNAPSHOT=1 count_restores
	[ "${restores[$plain]:-0}/${restores[$kmem]:-0}/${restores[$own]:-0}" = 2/1/1 ] ||
		{ echo "shard 1 of 2: ${restores[$plain]:-0}/${restores[$kmem]:-0}/${restores[$own]:-0}, want 2/1/1"; return 1; }
	grep -q 'restores\[$(boot_of "$s")\]:-0}" -ge 2 \] || new=0' "$TOP/scripts/campaign.sh" ||
		{ echo "campaign.sh no longer saves only the boots two runs share"; return 1; }
}
t_run "snapshots: saved only for a boot two runs of the campaign restore" snapshot_shares

# a campaign's speed: runs per hour, per kind of boot, the campaign time
# of the first run that did not behave as it must (a control that caught
# its bug did: it is no detection)
campaign_speed() {
	local d got
	d=$(tmp_dir)
	mkdir -p "$d/campaign-x" "$d/r0" "$d/r1" "$d/r2"
	printf 'k\tscenario\tseed\texpect\tverdict\twall\trun\n0\tsmoke\t1\tpass\tpass\t40\tr0\n1\tcorrupt\t3\tcaught\tcaught\t30\tr2\n2\tclean\t2\tpass\tfinding\t20\tr1\n' >"$d/campaign-x/runs.tsv"
	echo cold >"$d/r0/boot"; echo 25 >"$d/r0/start-seconds"; echo 31 >"$d/r0/first-migration-seconds"
	echo "from snapshot abc" >"$d/r1/boot"; echo 3 >"$d/r1/start-seconds"; echo 4 >"$d/r1/first-migration-seconds"
	printf 'Test\tKTAP: not ok clean.x\t1\t1\n' >"$d/r1/findings.tsv"
	printf 'Bug\tcorrupt'"'"'s own title\t1\t1\n' >"$d/r2/findings.tsv"
	echo "from snapshot abc" >"$d/r2/boot"; echo 5 >"$d/r2/start-seconds"
	got=$("$TOP/scripts/campaign-speed.sh" "$d/campaign-x") || return 1
	has "$got" 'campaign-x: 3 runs in 90 s, 120.0 runs per hour' \
		'  cold        1 runs, mean wall  40.0 s, mean 25.0 s to the scenario start, 31.0 s to the first migration' \
		'  snapshot    2 runs, mean wall  25.0 s, mean 4.0 s to the scenario start, 4.0 s to the first migration' \
		'  first run that did not behave as it must after 90 s of campaign (run 2, clean): KTAP: not ok clean.x' || return 1
	# the same figures as make bench reads them
	got=$("$TOP/scripts/campaign-speed.sh" --values "$d/campaign-x") || return 1
	has "$got" "$(printf 'runs_per_hour\t120.0')" "$(printf 'cold_migration\t31.0')" "$(printf 'snapshot_start\t4.0')" \
		"$(printf 'detect_s\t90')" "$(printf 'detect_k\t2')" "$(printf 'detect_title\tKTAP: not ok clean.x')" || return 1
	# control: a campaign whose every run behaved
	sed -i 's/\tfinding\t/\tpass\t/' "$d/campaign-x/runs.tsv"
	got=$("$TOP/scripts/campaign-speed.sh" "$d/campaign-x") || return 1
	has "$got" '  every run behaved as it must' || return 1
	# the most snapshots could give: only for a cold campaign (90 s, 33 of
	# them up to the scenario starts)
	has "$("$TOP/scripts/campaign-speed.sh" --values "$d/campaign-x")" "$(printf 'snapshot_ceiling\t-')" || return 1
	echo cold >"$d/r1/boot"
	echo cold >"$d/r2/boot"
	got=$("$TOP/scripts/campaign-speed.sh" "$d/campaign-x") || return 1
	has "$got" '  snapshots could at most give 1.58x: 33 of the 90 s are cold boots up to the scenario start' || return 1
	# control: not a campaign directory
	got=$("$TOP/scripts/campaign-speed.sh" "$d/r0" 2>&1) && return 1
	[ "$(grep -c . <<<"$got")" = 1 ] || { echo "not a campaign: '$got'"; return 1; }
}
t_run "campaigns: speed per kind of boot; the first run that did not behave, not a control's catch" campaign_speed

# two campaigns of the same runs (cold, from a snapshot): verdicts side by
# side, the runs per hour of each and their ratio; a verdict that differs
# is exit 1, an emulator event is not compared, other runs are exit 2
campaign_compare() {
	local d got rc
	d=$(tmp_dir)
	mkdir -p "$d/cold" "$d/snap" "$d/other"
	for r in c0 c1 c2 s0 s1 s2 o0; do mkdir -p "$d/$r"; done
	echo cold >"$d/s0/boot"; echo "from snapshot k" >"$d/s1/boot"; echo "from snapshot k" >"$d/s2/boot"
	hdr='k\tscenario\tseed\texpect\tverdict\twall\trun\n'
	printf "$hdr"'0\tsmoke\t5\tpass\tpass\t60\tc0\n1\tcorrupt\t6\tcaught\tcaught\t60\tc1\n2\tclean\t7\tpass\tpass\t60\tc2\n' >"$d/cold/runs.tsv"
	printf "$hdr"'0\tsmoke\t5\tpass\tpass\t60\ts0\n1\tcorrupt\t6\tcaught\tcaught\t30\ts1\n2\tclean\t7\tpass\temulator\t30\ts2\n' >"$d/snap/runs.tsv"
	got=$("$TOP/scripts/campaign-compare.sh" "$d/cold" "$d/snap") || { echo "exit $? on agreeing verdicts: $got"; return 1; }
	has "$got" 'A cold: 3 runs in 180 s, 60.0 runs per hour' 'B snap: 3 runs in 120 s, 90.0 runs per hour (1.50x A)' \
		'verdicts: 2 the same, 0 differ, 1 not compared (an emulator event)' || return 1
	grep -q 'corrupt .* cold *snap *same$' <<<"$got" || { echo "no boots or comparison in the rows: $got"; return 1; }
	# control: the snapshot run of clean had a finding
	sed -i 's/\temulator\t/\tfinding\t/' "$d/snap/runs.tsv"
	rc=0; got=$("$TOP/scripts/campaign-compare.sh" "$d/cold" "$d/snap") || rc=$?
	[ "$rc" = 1 ] && has "$got" 'verdicts: 2 the same, 1 differ, 0 not compared (an emulator event)' || { echo "a differing verdict: exit $rc, $got"; return 1; }
	# control: other runs (another seed at k 0)
	printf "$hdr"'0\tsmoke\t9\tpass\tpass\t60\to0\n' >"$d/other/runs.tsv"
	rc=0; got=$("$TOP/scripts/campaign-compare.sh" "$d/cold" "$d/other" 2>&1) || rc=$?
	[ "$rc" = 2 ] && [ "$(grep -c . <<<"$got")" = 1 ] || { echo "other runs: exit $rc, '$got'"; return 1; }
}
t_run "campaigns: two campaigns of the same runs compared verdict by verdict, with the runs per hour" campaign_compare

# make bench's campaign rows: snapshot over cold in runs per hour, the
# verdicts line, and each variant's time to detect with the median and
# maximum per kind of boot; a variant one pass did not see counts as the
# pass's length in the maximum and is counted apart
bench_campaign() {
	local got
	got=$(
		fake_bench "$(tmp_dir)"
		seed=7
		. "$TOP/scripts/lib-bench-campaign.sh"
		put campaign_name nightly; put campaign_runs 48
		put campaign_cold_runs_per_hour 60.0; put campaign_cold_runs 48
		put campaign_cold_cold_runs 48; put campaign_cold_cold_wall 60.0; put campaign_cold_cold_start 25.0; put campaign_cold_cold_migration 27.0
		put campaign_cold_snapshot_ceiling 1.71
		put campaign_snapshot_runs_per_hour 90.0; put campaign_snapshot_runs 48
		put campaign_snapshot_cold_runs 5; put campaign_snapshot_cold_wall 61.0
		put campaign_snapshot_snapshot_runs 43; put campaign_snapshot_snapshot_wall 37.0; put campaign_snapshot_snapshot_start 2.0
		put campaign_verdicts "verdicts: 48 the same, 0 differ, 0 not compared (an emulator event)"
		printf 'a\nb\nc\n' >"$bdir/detect-variants.txt"
		d() { put "detect_$1_$2_detect_s" "$3"; put "detect_$1_$2_detect_k" "$4"; put "detect_$1_$2_detect_scenario" "$5"; put "detect_$1_$2_seconds" "$6"; put "detect_$1_$2_runs" "$7"; }
		d a cold 90 1 unregister-race 90 2; d a snapshot 60 1 unregister-race 60 2
		d b cold 300 3 knob-fuzz 300 4; d b snapshot 200 3 knob-fuzz 200 4
		d c cold - - - 2000 48; d c snapshot 1000 20 stall 1000 21
		derive_campaign
		report_campaign
	)
	has "$got" '  snapshot over cold, runs per hour: 1.50x (at most 1.71x: a restore that cost nothing); verdicts: 48 the same, 0 differ, 0 not compared (an emulator event)' \
		'  cold: median 300 s, maximum 2000 s, not seen in one pass: 1' \
		'  snapshot: median 200 s, maximum 1000 s, not seen in one pass: 0' || return 1
	grep -q '^  c  .* not seen (48 runs) .* 1000 run 20 stall' <<<"$got" || { echo "variant c's row: $got"; return 1; }
	grep -q '^ *restored *43 *37.0 *2.0' <<<"$got" || { echo "the restored boots' row: $got"; return 1; }
}
t_run "bench: snapshot over cold, each variant's time to detect, median and maximum, the unseen apart" bench_campaign

t_summary
