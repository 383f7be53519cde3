#!/usr/bin/env bash
# Host tests of the scripts themselves (no VM): shell syntax, config
# fragments and flavours, the scenario records and campaigns, seeds,
# detect-api, and the refusal of bad input with one line and exit 2.
# Called by unit.sh; runs alone too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

# --- scripts -----------------------------------------------------------------------
TEST_GROUP="unit: scripts, lists, bad input refused"
syntax() {
	local f rc=0
	for f in "$TOP"/scripts/*.sh "$TOP"/.ci/run; do bash -n "$f" || rc=1; done
	for f in "$TOP"/stress/guest/init "$TOP"/stress/guest/run-scenario "$TOP"/stress/guest/lib*.sh; do
		busybox sh -n "$f" || rc=1
	done
	# a scenario's program is what follows its record
	for f in "$TOP"/stress/scenarios/*.scn; do
		sed '1,/^---$/d' "$f" | busybox sh -n || { echo "$(basename "$f"): its program"; rc=1; }
	done
	return $rc
}
t_run "shell syntax" syntax

# the #CHECK# lines of the config fragments: a required option missing from
# the final .config is reported (the negative control), one of the series'
# own options is not where the series is partial, and every fragment's
# requirement holds in the common config of each base's series
config_check_fires() {
	local d got
	d=$(tmp_dir)
	printf '#CHECK#CONFIG_KASAN=y\n#CHECK#CONFIG_NO_SUCH_OPTION=y\nCONFIG_LOCKDEP=y\n' >"$d/frag"
	printf 'CONFIG_KASAN=y\nCONFIG_LOCKDEP=y\n' >"$d/final"
	got=$(config_lost "$d/final" "" "$d/frag")
	[ "$got" = CONFIG_NO_SUCH_OPTION=y ] || { echo "lost: '$got'"; return 1; }
	got=$(config_lost "$d/final" "$(printf 'CONFIG_A\nCONFIG_NO_SUCH_OPTION')" "$d/frag")
	[ -z "$got" ] || { echo "exempt option still lost: '$got'"; return 1; }
	sed -i 's/^CONFIG_KASAN=y$/# CONFIG_KASAN is not set/' "$d/final"
	got=$(config_lost "$d/final" "" "$d/frag" | tr '\n' ' ')
	[ "$got" = "CONFIG_KASAN=y CONFIG_NO_SUCH_OPTION=y " ] || { echo "lost: '$got'"; return 1; }
	[ "$(grep -c '^#CHECK#' "$CONFIGS_DIR/common.config")" -gt 0 ] || { echo "common.config has no #CHECK# line"; return 1; }
}
t_run "config: a #CHECK# option missing from the final .config is reported (control)" config_check_fires

# flavours: a later fragment that sets an option drops the earlier checks
# of it (kcsan turns KASAN off), and checks its own; each flavour has both
# files, and an unknown one is refused
flavours_checked() {
	local d got f
	d=$(tmp_dir)
	printf '#CHECK#CONFIG_KASAN=y\n#CHECK#CONFIG_LOCKDEP=y\n' >"$d/debug"
	printf '# CONFIG_KASAN is not set\nCONFIG_KCSAN=y\n#CHECK#CONFIG_KCSAN=y\n' >"$d/flavour"
	printf '# CONFIG_KASAN is not set\nCONFIG_LOCKDEP=y\n' >"$d/final"
	got=$(config_lost "$d/final" "" "$d/debug" "$d/flavour" | tr '\n' ' ')
	[ "$got" = "CONFIG_KCSAN=y " ] || { echo "lost: '$got' (want the flavour's KCSAN only)"; return 1; }
	# the same fragments the other way round: the flavour's setting does not drop a later check
	got=$(config_lost "$d/final" "" "$d/flavour" "$d/debug" | tr '\n' ' ')
	[ "$got" = "CONFIG_KASAN=y CONFIG_KCSAN=y " ] || { echo "lost: '$got' (a check after the setting must stay)"; return 1; }
	for f in $(flavour_names); do
		[ -f "$FLAVOURS_DIR/$f.boot" ] || { echo "flavour $f has no .boot"; return 1; }
	done
	[ "$(flavour_names | tr '\n' ' ')" = "default kcsan many-cpus preempt-full preempt-none " ] ||
		{ echo "flavours: $(flavour_names | tr '\n' ' ')"; return 1; }
	[ "$(BASE=6.12 FLAVOUR=preempt-none flavour_boot_args)" = preempt=none ] || { echo "preempt-none boot args"; return 1; }
	[ "$(FLAVOUR=many-cpus flavour_directive VCPUS)" = 8 ] || { echo "many-cpus VCPUS"; return 1; }
	# the boot check: a guest in another preemption model is named (control)
	printf '[ 9.0][ T1] SUITE: fact preempt=lazy cpus=2 kcsan=off\n' >"$d/console"
	got=$(BASE=6.12 FLAVOUR=preempt-none flavour_mismatch "$d/console")
	[ "$got" = "the guest says 'preempt=lazy cpus=2 kcsan=off', the flavour wants preempt=none" ] ||
		{ echo "mismatch not seen: '$got'"; return 1; }
	sed -i 's/preempt=lazy/preempt=none/' "$d/console"
	got=$(BASE=6.12 FLAVOUR=preempt-none flavour_mismatch "$d/console")
	[ -z "$got" ] || { echo "false mismatch: '$got'"; return 1; }
}
t_run "flavours: fragments override earlier checks, boot files read (control: a check after the setting stays)" flavours_checked

# every record reads, with a description, an expectation and something to
# run (run() or a provider for the skeleton); the guest's reader gives the
# host's values (a scenario of each key's use is in the list)
scenarios_complete() {
	local s rc=0 host guest
	for s in $(scenario_names) $(scenario_names bench) $(scenario_names selftests) $(scenario_names family); do
		( [ -n "$(scenario_field "$s" description)" ] && [ -n "$(scenario_field "$s" expect)" ] &&
			{ sed '1,/^---$/d' "$SCENARIOS_DIR/$s.scn" | grep -q '^run() {' ||
				[ -n "$(scenario_field "$s" provider)" ] || [ -n "$(scenario_field "$s" selftests)" ]; } ) ||
			{ echo "$s: needs a description, an expect and run(), a provider or selftests"; rc=1; }
		# each mode of a modes line is a selftests-M scenario with a provider line
		[ -z "$(scenario_field "$s" modes)" ] || (selftests_modes_check "$s" "$(scenario_field "$s" modes)") || rc=1
	done
	for s in unregister-race oracle-kcsan bench-latency knob-fuzz selftests-corrupt; do
		host=$(scenario_record "$s" | awk -F'\t' '{ print toupper($1) "=" $2 }' | sort)
		guest=$(scenario_loaded "$s" | sort) || { echo "$s: the guest's reader failed"; rc=1; }
		[ "$host" = "$guest" ] || { echo "$s: host and guest read the record apart:"; diff <(echo "$host") <(echo "$guest"); rc=1; }
	done
	# the family's modes: the guest takes each one's provider line with record_field
	for s in $(scenario_names); do
		host=$(scenario_field "$s" provider)
		[ -n "$host" ] && [ "${s#selftests-}" != "$s" ] || continue
		guest=$(busybox sh -c '. "$1"; record_field "$2" provider' _ "$TOP/stress/guest/lib-record.sh" "$SCENARIOS_DIR/$s.scn")
		[ "$host" = "$guest" ] || { echo "$s: record_field reads provider \"$guest\", the host \"$host\""; rc=1; }
	done
	return $rc
}
# scenario_loaded NAME: the record as the guest's scenario_load sets it,
# under busybox sh with the guest's reader (its /tmp files in a
# directory of the test's own)
scenario_loaded() {
	local d keys
	d=$(tmp_dir)
	keys=$(echo "$SCENARIO_KEYS" | tr a-z A-Z)
	sed "s#/tmp/#$d/#g" "$TOP/stress/guest/lib-record.sh" >"$d/load.sh"
	busybox sh -c '. "$1/load.sh"; scenario_load "$2" >/dev/null
		for k in $3; do eval "v=\${$k+set}"; [ -z "$v" ] || eval "echo \"$k=\$$k\""; done' _ "$d" "$SCENARIOS_DIR/$1.scn" "$keys"
}
t_run "scenarios: every record reads, with description, expect and run() or provider; the guest reads it as the host" scenarios_complete

# the reach oracle's counts by reason, from a hist trigger's output and
# the event's format, under busybox sh: names from the format's list of
# reasons (not the mode's, printed before it), a number the list lacks
# kept as a number, nothing from the totals
reach_hist_reads() {
	local d got want
	d=$(tmp_dir)
	mkdir -p "$d/events/migrate/mm_migrate_pages"
	cat >"$d/events/migrate/mm_migrate_pages/format" <<'FMT'
name: mm_migrate_pages
format:
	field:int reason;	offset:64;	size:4;	signed:1;

print fmt: "nr_succeeded=%lu mode=%s reason=%s", REC->succeeded, __print_symbolic(REC->mode, { 0, "MIGRATE_ASYNC" }, { 1, "MIGRATE_SYNC_LIGHT" }, { 2, "MIGRATE_SYNC" }), __print_symbolic(REC->reason, { 0, "compaction" }, { 1, "memory_failure" }, { 3, "syscall_or_cpuset" }, { 5, "numa_misplaced" })
FMT
	cat >"$d/events/migrate/mm_migrate_pages/hist" <<'HIST'
# event histogram
#
# trigger info: hist:keys=reason:vals=hitcount:sort=hitcount:size=2048 [active]
#

{ reason:          1 } hitcount:          2
{ reason:          9 } hitcount:          7
{ reason:          2 } hitcount:          4
{ reason:          3 } hitcount:       2691
{ reason:          5 } hitcount:       6317

Totals:
    Hits: 9017
    Entries: 4
    Dropped: 0
HIST
	got=$(busybox sh -c '. "$1/stress/guest/lib-reach.sh"; reason_hist_end "$2" 2>/dev/null' _ "$TOP" "$d")
	want=$(printf '2 memory_failure\n7 reason_9\n4 reason_2\n2691 syscall_or_cpuset\n6317 numa_misplaced')
	[ "$got" = "$want" ] || { echo "read: $got"; return 1; }
	[ "$(cat "$d/events/migrate/mm_migrate_pages/trigger")" = '!hist:keys=reason' ] ||
		{ echo "the trigger was not removed"; return 1; }
	got=$(busybox sh -c '. "$1/stress/guest/lib-reach.sh"; reason_count "$2" syscall_or_cpuset; reason_count "$2" demotion' _ "$TOP" "$got")
	[ "$got" = "$(printf '2691\n0')" ] || { echo "counts: $got"; return 1; }
}
t_run "reach: counts by reason from the hist trigger, named from the event's format (busybox sh)" reach_hist_reads

# every reason's row in one awk: its count, and the growth of the offload
# core's stats columns since a snapshot (found by name: a column added or
# moved still reads); "na" for the columns on a tree without the stats
reach_rows_read() {
	local d got want before
	d=$(tmp_dir)
	before=$(printf 'reason considered calls folios\ncompaction 5 1 3\nsyscall_or_cpuset 10 4 40\ntotal 15 5 43')
	printf 'reason calls considered x folios\ncompaction 2 9 0 7\nsyscall_or_cpuset 14 30 0 140\ntotal 16 39 0 147\n' >"$d/stats"
	got=$(busybox sh -c 'has_extra() { [ "$SUITE_extras" = stats ]; }; OFFLOAD=$1
		. "$2/stress/guest/lib-reach.sh"
		REASONS="compaction syscall_or_cpuset demotion"
		SUITE_extras=stats reach_rows "$(printf "12 syscall_or_cpuset\n3 compaction")" "$3"
		SUITE_extras=none reach_rows "12 syscall_or_cpuset" "$3"' _ "$d" "$TOP" "$before")
	want=$(printf '%s\n' 'compaction 3 1 4 4' 'syscall_or_cpuset 12 10 100 20' 'demotion 0 0 0 0' \
		'compaction 0 na na na' 'syscall_or_cpuset 12 na na na' 'demotion 0 na na na')
	[ "$got" = "$want" ] || { echo "rows:"; echo "$got"; return 1; }
}
t_run "reach: a row per reason, stats grown since the snapshot by column name, na without stats (busybox sh)" reach_rows_read

# a page kind's window: what the run's hist and the offload stats grew by
# across the driver, not their totals (control: the driver's growth is
# what the line must show), named from the format; "na" with no run
# trigger or no stats (busybox sh)
kind_window_counts() {
	local d ev got want
	d=$(tmp_dir)
	ev="$d/trace/instances/suite/events/migrate/mm_migrate_pages"
	mkdir -p "$ev" "$d/offload"
	printf '%s\n' 'name: mm_migrate_pages' \
		'print fmt: "nr=%lu reason=%s", REC->succeeded, __print_symbolic(REC->reason, { 0, "compaction" }, { 3, "syscall_or_cpuset" })' >"$ev/format"
	printf '# event histogram\n\n{ reason:          0 } hitcount:          5\n{ reason:          3 } hitcount:        100\n\nTotals:\n    Hits: 105\n' >"$ev/hist"
	printf 'reason calls folios\nsyscall_or_cpuset 40 400\ntotal 40 400\n' >"$d/offload/stats"
	cat >"$d/driver" <<'DRIVER'
printf '# event histogram\n\n{ reason:          0 } hitcount:          5\n{ reason:          9 } hitcount:          2\n{ reason:          3 } hitcount:        130\n\nTotals:\n    Hits: 137\n' >"$1/hist"
printf 'reason calls folios\nsyscall_or_cpuset 47 470\ntotal 47 470\n' >"$2/stats"
DRIVER
	got=$(busybox sh -c 'ok() { :; }; not_ok() { echo "not ok $1"; }
		. "$1/stress/guest/lib-reach.sh"; TRACE=$2/trace; RUN_TRACE=$TRACE/instances/suite; OFFLOAD=$2/offload
		has_extra() { [ "$SUITE_extras" = stats ]; }
		SUITE_extras=stats KIND_MODE=pass kind_window anon sh "$2/driver" "$RUN_TRACE/$MIGRATE_EVENT" "$OFFLOAD"
		SUITE_extras=none kind_window thp true
		RUN_TRACE=$2/none kind_window shmem true' _ "$TOP" "$d")
	want=$(printf '%s\n' \
		'KIND: kind=anon mode=pass seconds=0.0 migrations=32 offload_calls=7 offload_folios=70 reasons=syscall_or_cpuset:30,reason_9:2' \
		'KIND: kind=thp mode=none seconds=0.0 migrations=0 offload_calls=na offload_folios=na reasons=none' \
		'KIND: kind=shmem mode=none seconds=0.0 migrations=na offload_calls=na offload_folios=na reasons=na')
	# (seconds: the fixture's windows are shorter than /proc/uptime's 10 ms)
	got=$(sed 's/seconds=[0-9.]*/seconds=0.0/' <<<"$got")
	[ "$got" = "$want" ] || { echo "got:"; echo "$got"; return 1; }
}
t_run "reach: a kind window's line is the growth of the run's hist and stats across it (busybox sh)" kind_window_counts

# a bad record is refused with its file and line (the reader's negative
# control: an unknown key, a group nobody runs, a program line before
# "---", no "---")
records_refused() {
	local d bad got
	d=$(tmp_dir)
	for bad in 'descripton: x' 'groups: check nighlty' 'run() {' 'expect: pass'; do
		printf '# x\ndescription: d\n%s\n%s\n' "$bad" "$([ "$bad" = 'expect: pass' ] || echo ---)" >"$d/bad.scn"
		got=$(SCENARIOS_DIR=$d; (scenario_record bad) 2>&1 >/dev/null) && { echo "accepted: $bad"; return 1; }
		[[ $got == *bad.scn* ]] || { echo "no file named for '$bad': $got"; return 1; }
	done
}
t_run "scenarios: a bad record is refused, naming its file (control)" records_refused

# one list of scenarios: every campaign names known scenarios only, the
# nightly one names every scenario (negative controls included) at least
# once per pass but the selftests family, which the nightly workflow runs
# in a job of its own, and make check's is part of it
campaign_lists() {
	local c all nightly missing
	for c in $(campaign_names); do
		( campaign_list "$c" >/dev/null ) || { echo "campaign $c"; return 1; }
	done
	all=$({ campaign_list all; campaign_list selftests; } | sort -u)
	grep -q 'SCENARIO="selftests-${{ matrix.scenario }}"' "$TOP/ci/workflows/nightly.yml" || { echo "the nightly workflow runs no selftests job"; return 1; }
	nightly=$({ campaign_list nightly | sed 's/@.*//'; campaign_list selftests; } | sort -u)
	missing=$(comm -23 <(echo "$all") <(echo "$nightly"))
	[ -z "$missing" ] || { echo "not in the nightly campaign: $missing"; return 1; }
	missing=$(comm -23 <(campaign_list check | sort -u) <(echo "$nightly"))
	[ -z "$missing" ] || { echo "in make check but not nightly: $missing"; return 1; }
	# an ordered list: "N*name" is N runs, an unknown name is refused
	c=$(tmp_dir)
	printf '# x\nsmoke\n2*clean\nsmoke@20\n' >"$c/two"
	[ "$(CAMPAIGNS_DIR=$c campaign_list two | tr '\n' ' ')" = "smoke clean clean smoke@20 " ] || { echo "2*clean, smoke@20 not read"; return 1; }
	printf 'smoke@2x\n' >"$c/baddur"
	! (CAMPAIGNS_DIR=$c campaign_list baddur) >/dev/null 2>&1 || { echo "a bad duration in a list passed"; return 1; }
	echo nosuch >"$c/bad"
	! (CAMPAIGNS_DIR=$c campaign_list bad) >/dev/null 2>&1 || { echo "an unknown scenario in a list passed"; return 1; }
}
t_run "campaigns: known scenarios; nightly has every scenario and control; N*name" campaign_lists

# expect_refusal NAME WANT_RC PATTERN COMMAND...: exit WANT_RC, one line
# on stderr that matches PATTERN
expect_refusal() {
	local name=$1 want=$2 pat=$3 rc=0 err
	shift 3
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = "$want" ] && [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] &&
		grep -q -- "$pat" <<<"$err"; then
		t_pass "$name"
	else
		t_fail "$name (exit $rc, stderr: $err)"
	fi
}
expect_refusal "unknown scenario: exit 2" 2 "unknown scenario 'nosuch'" "$TOP/scripts/run.sh" nosuch
expect_refusal "bad seed: exit 2" 2 "bad seed 'x1'" "$TOP/scripts/run.sh" smoke x1
expect_refusal "a scenario of another flavour: exit 2" 2 "scenario oracle-kcsan does not run on flavour default" \
	"$TOP/scripts/run.sh" oracle-kcsan 1
expect_refusal "seed too big: exit 2" 2 "bad seed" "$TOP/scripts/run.sh" smoke 99999999999999999999
expect_refusal "make fixtures on a base without fixtures: exit 2" 2 "patches/6.12 has no fixtures/" \
	env BASE=6.12 "$TOP/scripts/fixtures.sh"
expect_refusal "make fixtures on a tree you bring: exit 2" 2 "make fixtures changes our series" \
	env SERIES=none "$TOP/scripts/fixtures.sh"
# a drawn seed is always a valid one (bash arithmetic is signed)
drawn_seeds_valid() {
	local i s
	for i in $(seq 200); do
		s=$(draw_seed)
		[[ $s =~ ^[0-9]{1,19}$ ]] || { echo "drawn seed $s"; return 1; }
	done
}
t_run "drawn seeds are valid (200 draws)" drawn_seeds_valid
expect_refusal "unknown FLAVOUR: exit 2" 2 "unknown FLAVOUR 'rt' (known: default kcsan many-cpus preempt-full preempt-none)" \
	env FLAVOUR=rt "$TOP/scripts/build-kernel.sh" --dir
expect_refusal "a flavour the base lacks: exit 2" 2 "FLAVOUR=preempt-none does not exist on BASE=7.2, only on: 6.12" \
	env FLAVOUR=preempt-none BASE=7.2 "$TOP/scripts/build-kernel.sh" --dir
expect_refusal "unknown QEMU: exit 2" 2 "QEMU must be system, backports or unstable, not 'qemu9'" \
	"$TOP/scripts/fetch-qemu.sh" qemu9
expect_refusal "bad duration: exit 2" 2 "bad duration" "$TOP/scripts/run.sh" smoke 1 -5
expect_refusal "missing EXTRA_PATCHES file: exit 2" 2 "no such file" \
	env EXTRA_PATCHES=/nonexistent.patch "$TOP/scripts/build-kernel.sh" --dir
expect_refusal "unknown BASE: exit 2" 2 "unknown BASE '7.9' (known: 6.12 7.2)" \
	env BASE=7.9 "$TOP/scripts/build-kernel.sh" --dir
expect_refusal "bad SERIES: exit 2" 2 "SERIES must be 'base' or 'none'" \
	env SERIES=some "$TOP/scripts/build-kernel.sh" --dir
expect_refusal "SERIES=none without KERNEL_SRC: exit 2" 2 "SERIES=none needs KERNEL_SRC" \
	env SERIES=none "$TOP/scripts/build-kernel.sh" --dir
expect_refusal "KERNEL_SRC that is no kernel tree: exit 2" 2 "is not a kernel source tree" \
	env KERNEL_SRC=/tmp SERIES=none "$TOP/scripts/build-kernel.sh" --dir
expect_refusal "detect-api.sh on no kernel tree: exit 2" 2 "is not a kernel source tree" \
	"$TOP/scripts/detect-api.sh" /tmp

# detect-api on headers spelt as another author might: parameter names,
# spaces and line breaks of their own; a signature it does not know is an
# error, not a guess
api_tree() { # DIR HEADER_TEXT: a minimal tree whose offload header is that
	mkdir -p "$1/mm" "$1/include/linux"
	touch "$1/Makefile" "$1/include/linux/mm_types.h" "$1/include/linux/migrate.h"
	printf '%b' "$2" >"$1/include/linux/migrate_copy_offload.h"
}
detect_api_spellings() {
	local d got
	d=$(tmp_dir)
	api_tree "$d/v5" 'struct migrator;\nint migrate_offload_register( struct migrator * drv );\n'
	got=$("$TOP/scripts/detect-api.sh" "$d/v5")
	[ "$got" = "v5 none none" ] || { echo "v5 spelt apart: '$got'"; return 1; }
	api_tree "$d/v6" 'int migrate_offload_register(const struct migrator *migrator,\n\t\t\t     unsigned long mask);\n'
	got=$("$TOP/scripts/detect-api.sh" "$d/v6")
	[ "$got" = "v6 private none" ] || { echo "v6 wrapped: '$got'"; return 1; }
}
t_run "detect-api: v5 and v6 declarations spelt another way" detect_api_spellings
unknown_tree=$(tmp_dir)
api_tree "$unknown_tree" 'int migrate_offload_register(struct migrator *m, int flags);\n'
expect_refusal "detect-api.sh on a signature it does not know: exit 2" 2 "declares no migrate_offload_register() this suite knows" \
	"$TOP/scripts/detect-api.sh" "$unknown_tree"
expect_refusal "bad SERIES_UPTO: exit 2" 2 "SERIES_UPTO" \
	env SERIES_UPTO=x "$TOP/scripts/build-kernel.sh" --dir
expect_refusal "unknown campaign scenario: exit 2" 2 "unknown scenario" \
	"$TOP/scripts/campaign.sh" nosuch
expect_refusal "reproduce without a seed: exit 2" 2 "usage: make reproduce" \
	"$TOP/scripts/reproduce.sh" smoke ""
expect_refusal "reproduce with bad RUNS: exit 2" 2 "bad RUNS" \
	"$TOP/scripts/reproduce.sh" smoke 1 zero
expect_refusal "unknown mutant: exit 2" 2 "no mutant named" "$TOP/scripts/mutants.sh" nosuch
expect_refusal "mutants under an unknown scenario: exit 2" 2 "UNDER: no scenario 'nosuch'" \
	env UNDER=nosuch "$TOP/scripts/mutants.sh"
expect_refusal "mutants with SELFTESTS and no scenario for them: exit 2" 2 "give UNDER=selftests-MODE" \
	env SELFTESTS=migration "$TOP/scripts/mutants.sh"
expect_refusal "mutants with SELFTESTS under a scenario without them: exit 2" 2 "runs no mm selftests" \
	env UNDER=smoke SELFTESTS=migration "$TOP/scripts/mutants.sh"
expect_refusal "unknown campaign: exit 2" 2 "unknown campaign 'nosuch'" \
	"$TOP/scripts/campaign.sh" --campaign nosuch
# the catalogue of broken variants: one record per patch file of each base
# and no record without one, a known scenario on every caught-by line, the
# KEY@BASE of a base in place of KEY; a line that is no record is refused
catalogue_complete() {
	local b v s rc=0 d
	for b in $(ls "$TOP/patches" | grep -E '^[0-9]'); do
		for v in $(BASE=$b mutant_names); do
			[ -f "$TOP/patches/$b/mutants/$v.patch" ] || { echo "$b: $v has a record, no patch"; rc=1; }
			s=$(BASE=$b mutant_field "$v" 'caught by' | sed -n 's/^scenarios\{0,1\} \([a-z0-9-]*\).*/\1/p')
			scenario_exists "$s" || { echo "$b: $v: no known scenario in 'caught by'"; rc=1; }
		done
		for v in "$TOP/patches/$b"/mutants/*.patch; do
			BASE=$b mutant_names | grep -qx "$(basename "$v" .patch)" ||
				{ echo "$b: $(basename "$v") has no record"; rc=1; }
		done
	done
	[ "$(BASE=6.12 mutant_field reason-filter-ignored oracle)" = "KUnit migrate_copy_offload.default_reasons." ] &&
		[ "$(BASE=7.2 mutant_field reason-filter-ignored oracle)" = "KUnit migrate_copy_offload.registered_reasons." ] &&
		[ -z "$(BASE=6.12 mutant_field reason-filter-ignored 'also caught by')" ] ||
		{ echo "KEY@BASE not read per base"; rc=1; }
	d=$(tmp_dir)
	printf 'name: x\nbases: 7.2\ncaught by scenario smoke\n' >"$d/bad"
	! (CATALOGUE=$d/bad catalogue_records) >/dev/null 2>&1 || { echo "a line that is no record was read"; rc=1; }
	return $rc
}
t_run "mutants: one record per patch of each base in patches/mutants.catalogue; KEY@BASE; bad lines refused" catalogue_complete

# only deps.sh fetches: the others look up what it fetched, and say so
# in one line when it is not there
nofetch=$(tmp_dir)
expect_refusal "run-vm's QEMU not fetched: exit 2, no fetch" 2 "QEMU=backports is not fetched yet (make deps" \
	env BUILD="$nofetch" "$TOP/scripts/fetch-qemu.sh" --installed backports
expect_refusal "build-initramfs's stress-ng not fetched: exit 2, no fetch" 2 "no stress-ng fetched yet (make deps)" \
	env BUILD="$nofetch" "$TOP/scripts/fetch-stressng.sh" --installed
expect_refusal "the base tarball not fetched: exit 2, no fetch" 2 "is not here yet (make deps BASE=7.2)" \
	env BUILD="$nofetch" BASE=7.2 "$TOP/scripts/build-kernel.sh" --dir
[ -z "$(ls -A "$nofetch")" ] || t_fail "a lookup fetched into $nofetch: $(ls "$nofetch" | tr '\n' ' ')"
expect_refusal "make list: unknown group, exit 2" 2 "unknown group 'nosuch'" "$TOP/scripts/list.sh" nosuch
expect_refusal "make list: unknown scenario, exit 2" 2 "unknown scenario 'nosuch'" "$TOP/scripts/list.sh" --scenario nosuch
expect_refusal "campaign with a bad master seed: exit 2" 2 "bad seed" \
	"$TOP/scripts/campaign.sh" --campaign nightly --seed -3
expect_refusal "campaign with a bad shard: exit 2" 2 "bad SHARD '3/2'" \
	"$TOP/scripts/campaign.sh" --campaign nightly --shard 3/2
expect_refusal "campaign with a bad budget: exit 2" 2 "bad BUDGET" \
	"$TOP/scripts/campaign.sh" --campaign nightly --budget 1.5
expect_refusal "campaign with a bad UNTIL_FINDING: exit 2" 2 "bad UNTIL_FINDING 'yes'" \
	"$TOP/scripts/campaign.sh" --campaign nightly --until-finding yes
expect_refusal "bisect of a tree you bring with nothing on top: exit 2" 2 "SERIES=none: nothing to bisect" \
	env SERIES=none KERNEL_SRC=/tmp "$TOP/scripts/bisect.sh" smoke 1
expect_refusal "bisect without a seed: exit 2" 2 "usage: make bisect" \
	"$TOP/scripts/bisect.sh" unregister-race ""
expect_refusal "bisect with bad RUNS: exit 2" 2 "bad RUNS" \
	"$TOP/scripts/bisect.sh" unregister-race 7 0
expect_refusal "COVERAGE=2: exit 2" 2 "COVERAGE must be 0 or 1" \
	env COVERAGE=2 "$TOP/scripts/build-kernel.sh" --dir
expect_refusal "aggregate of a dir that is no campaign: exit 2" 2 "not a campaign" \
	"$TOP/scripts/aggregate.sh" "$TOP"

# t_suite: a file of tests that ends other than at its summary (a die, a
# crash) is a failure; one that fails its own test or passes is counted
# as it says
suite_end_checked() {
	local d got
	d=$(tmp_dir)
	printf 'exit 2\n' >"$d/dies"
	printf '. "%s/scripts/testlib.sh"\nt_fail x\nt_summary\n' "$TOP" >"$d/fails"
	printf '. "%s/scripts/testlib.sh"\nt_pass x\nt_summary\n' "$TOP" >"$d/passes"
	# (each in a shell of its own with counts of its own: these must not
	# count in this run)
	got=$(for f in dies fails passes; do
		(TEST_COUNTS=$d/counts-$f && echo "0 0" >"$TEST_COUNTS" && t_suite "$d/$f" >/dev/null
			cat "$TEST_COUNTS")
	done | paste -sd,)
	[ "$got" = "0 1,0 1,1 0" ] || { echo "counts after a die, a failure, a pass: $got (want 0 1,0 1,1 0)"; return 1; }
}
t_run "t_suite: a test file that dies is a failure, not a silent pass" suite_end_checked

t_summary
