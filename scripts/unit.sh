#!/usr/bin/env bash
# Host-side tests: no VM, well under a minute once the kernel tree is
# extracted. The console triage on real console logs and under a fuzzer,
# checkpatch on the series and the modules, each base's series (patches/*/)
# against its pristine tree with patch -p1, the scripts' syntax, and their
# refusal of bad input.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

make -s -C "$TOP/scripts/triage" OUT="$BUILD/triage" || die "building the console triage failed"
TRIAGE=$BUILD/triage/triage

# --- console triage on real logs of this kernel: golden titles ---------------
TEST_GROUP="unit: console triage"
for log in "$TOP"/scripts/triage/tests/*.log; do
	[ -e "$log" ] || break
	name=$(basename "$log" .log)
	want=${log%.log}.expected
	# NAME.scope: the series' functions of that kernel; the reports the
	# scope leaves out follow the findings in NAME.expected, as "outside"
	if [ -f "${log%.log}.scope" ]; then
		got=$("$TRIAGE" --scope "${log%.log}.scope" --outside "$BUILD/triage/outside.tsv" "$log" | cut -f1,2
			sed 's/^/outside\t/' "$BUILD/triage/outside.tsv" | cut -f1-3)
	else
		got=$("$TRIAGE" "$log" | cut -f1,2)
	fi
	if [ "$got" = "$(cat "$want")" ]; then
		t_pass "triage/$name"
	else
		t_fail "triage/$name"
		diff <(echo "$got") "$want" | sed 's/^/    /'
	fi
done

# --- the triage cannot be crashed by garbage --------------------------------------
if command -v clang >/dev/null; then
	fuzz_check() {
		make -s -C "$TOP/scripts/triage" OUT="$BUILD/triage" "$BUILD/triage/triage-fuzz" &&
		mkdir -p "$BUILD/triage/corpus" &&
		cp "$TOP"/scripts/triage/tests/*.log "$BUILD/triage/corpus/" 2>/dev/null
		"$BUILD/triage/triage-fuzz" -max_total_time="${FUZZ_SECONDS:-20}" \
			-max_len=65536 -timeout=5 "$BUILD/triage/corpus"
	}
	t_run "triage/fuzz-${FUZZ_SECONDS:-20}s" fuzz_check
else
	t_fail "triage/fuzz: clang is missing (apt-get install clang)"
fi

# --- kernel tree pieces: checkpatch and the pristine tree, per base -----------
TEST_GROUP="unit: checkpatch, series and mutants apply"
# Extracted once per base from its Debian tarball (fetched or installed
# first if need be: every base's series is checked, not only the run's);
# only what these tests read.
base_tools() { # -> $BUILD/ktools-$BASE, or empty when the tarball cannot be had
	local kt=$BUILD/ktools-$BASE tarball
	# (.ready-kconfig: the extraction since scripts/kconfig and the Kconfig
	# of drivers/dma were added, for unit-kconfig.sh; the headers of
	# scripts/include come with '*/include/*')
	if [ ! -f "$kt/.ready-kconfig" ]; then
		tarball=$(base_tarball) && [ -f "$tarball" ] || return 0
		rm -rf "$kt" && mkdir -p "$kt"
		tar -xf "$tarball" -C "$kt" --strip-components=1 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch' '*/mm/*' '*/include/*' '*/MAINTAINERS' \
			'*/scripts/kconfig/*' '*/drivers/dma/Kconfig' &&
			touch "$kt/.ready" "$kt/.ready-kconfig"
	fi
	echo "$kt"
}

# pristine_copy: a fresh copy of the base's pristine pieces; prints its path
pristine_copy() {
	local tmp
	tmp=$(tmp_dir)
	cp -r "$ktools/mm" "$ktools/include" "$ktools/MAINTAINERS" "$tmp"/
	echo "$tmp"
}

# apply_series: the base's series onto a copy of its pristine pieces, with
# patch -p1 (as a reviewer would apply it); PATCHED is the result
apply_series() {
	local tmp p
	tmp=$(pristine_copy)
	for p in "${series[@]}"; do
		patch -p1 -s -N -d "$tmp" <"$sdir/$p" || { echo "$p does not apply"; rm -rf "$tmp"; return 1; }
	done
	PATCHED=$tmp
}

# every broken variant applies on top of the series (a change to the
# series that moves their context must rebase them, or make mutants and
# make check lose their oracles' proofs); the fixtures are checked by
# unit-kconfig.sh, on a tree that has the Kconfig files they touch
mutants_apply() {
	local m rc=0
	[ -d "${PATCHED:-}" ] || return 1
	for m in "$sdir"/mutants/*.patch; do
		[ -e "$m" ] || continue
		patch -p1 -s -N --dry-run -d "$PATCHED" <"$m" >/dev/null ||
			{ echo "$(basename "$m") does not apply on top of the series"; rc=1; }
	done
	return $rc
}

# detect_api_per_patch: scripts/detect-api.sh after each patch of the
# series, applied one by one to the pristine pieces: nothing before the
# series; the API (with no extras: a tree that carries the series alone,
# as posted) from the first patch that declares it; patches/BASE/api once
# all are in. The extras are patches on top, so a tree without them exists.
detect_api_per_patch() {
	local tmp p got first="" want
	want=$(cat "$sdir/api")
	tmp=$(pristine_copy)
	touch "$tmp/Makefile"
	got=$("$TOP/scripts/detect-api.sh" "$tmp")
	[ "$got" = "none none none" ] || { echo "pristine $BASE: '$got'"; return 1; }
	for p in "${series[@]}"; do
		patch -p1 -s -N -d "$tmp" <"$sdir/$p" || { echo "$p does not apply to the pristine $BASE pieces"; return 1; }
		got=$("$TOP/scripts/detect-api.sh" "$tmp") || { echo "detect-api.sh failed after $p"; return 1; }
		echo "after $p: $got"
		if [ -z "$first" ] && [ "${got%% *}" != none ]; then
			first=$got
			[ "${got##* }" = none ] || { echo "the API's first patch already has extras"; return 1; }
			[ "${got% *}" = "${want% *}" ] || { echo "API '${got% *}', not '${want% *}'"; return 1; }
		fi
	done
	[ "$got" = "$want" ] || { echo "whole series: '$got', not '$want'"; return 1; }
}

checkpatch() {
	"$ktools/scripts/checkpatch.pl" --strict -q --no-tree --no-signoff "$@"
}

run_base=$BASE
for BASE in $(base_names); do
	sdir=$(base_dir)
	ktools=$(base_tools)
	mapfile -t series < <(base_series)
	if [ -z "$ktools" ]; then
		t_fail "base $BASE: no $(base_source package) to check its series against"
		continue
	fi
	for p in "${series[@]}"; do
		t_run "checkpatch/$BASE/$p" checkpatch "$sdir/$p"
	done
	PATCHED=""
	t_run "series $BASE applies to $(base_source package) with patch -p1" apply_series
	t_run "every mutant of $BASE applies on top of its series" mutants_apply
	t_run "detect-api: none, then $(cut -d' ' -f1,2 "$sdir/api") without extras, then $(cat "$sdir/api") along the $BASE series" detect_api_per_patch
	[ "$BASE" = "$run_base" ] && run_patched=$PATCHED || rm -rf "${PATCHED:-/nonexistent}"
done
BASE=$run_base
sdir=$(base_dir)
ktools=$BUILD/ktools-$BASE
PATCHED=${run_patched:-}
"$TOP/scripts/unit-kconfig.sh" # kconfig-enable on synthetic Kconfig trees; its tests count here
# faultmods: with the checkpatch.pl of the run's base (a missing one fails
# each file's test)
for f in "$TOP"/faultmods/*.c "$TOP"/faultmods/*.h; do
	[ -e "$f" ] || continue
	t_run "checkpatch/faultmods/$(basename "$f")" checkpatch -f "$f"
done

# the coverage report finds each branch it names on exactly one line
coverage_anchors() {
	local name path anchor off meaning n rc=0
	[ -d "${PATCHED:-}" ] || return 1
	while IFS=$'\t' read -r name path anchor off meaning; do
		case $name in '#'* | '') continue ;; esac
		n=$(grep -cF -- "$anchor" "$PATCHED/$path" || true)
		[ "$n" = 1 ] || { echo "$name: '$anchor' on $n lines of $path"; rc=1; }
	done <"$(base_dir)/branches.tsv"
	return $rc
}
t_run "coverage: every branch anchor is on exactly one line of the patched tree" coverage_anchors
rm -rf "${PATCHED:-/nonexistent}"
"$TOP/scripts/unit-cocci.sh" # the Coccinelle catalogue on the series and the pristine base

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
	for s in $(scenario_names) $(scenario_names bench); do
		( [ -n "$(scenario_field "$s" description)" ] && [ -n "$(scenario_field "$s" expect)" ] &&
			{ sed '1,/^---$/d' "$SCENARIOS_DIR/$s.scn" | grep -q '^run() {' ||
				[ -n "$(scenario_field "$s" provider)" ]; } ) ||
			{ echo "$s: needs a description, an expect and run() or a provider"; rc=1; }
	done
	for s in unregister-race oracle-kcsan bench-latency knob-fuzz; do
		host=$(scenario_record "$s" | awk -F'\t' '{ print toupper($1) "=" $2 }' | sort)
		guest=$(scenario_loaded "$s" | sort) || { echo "$s: the guest's reader failed"; rc=1; }
		[ "$host" = "$guest" ] || { echo "$s: host and guest read the record apart:"; diff <(echo "$host") <(echo "$guest"); rc=1; }
	done
	return $rc
}
# scenario_loaded NAME: the record as the guest's scenario_load sets it,
# run under busybox sh with the program's functions and a stub for lib.sh
scenario_loaded() {
	local d keys
	d=$(tmp_dir)
	keys=$(echo "$SCENARIO_KEYS" | tr a-z A-Z)
	sed -n '/^scenario_load() {/,/^}/p' "$TOP/stress/guest/run-scenario" >"$d/load.sh"
	sed "s#/tmp/#$d/#g" -i "$d/load.sh"
	busybox sh -c '. "$1/load.sh"; scenario_load "$2" >/dev/null
		for k in $3; do eval "v=\${$k+set}"; [ -z "$v" ] || eval "echo \"$k=\$$k\""; done' _ "$d" "$SCENARIOS_DIR/$1.scn" "$keys"
}
t_run "scenarios: every record reads, with description, expect and run() or provider; the guest reads it as the host" scenarios_complete

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
# once per pass, and make check's is part of it
campaign_lists() {
	local c all nightly missing
	for c in $(campaign_names); do
		( campaign_list "$c" >/dev/null ) || { echo "campaign $c"; return 1; }
	done
	all=$(campaign_list all | sort -u)
	nightly=$(campaign_list nightly | sort -u)
	missing=$(comm -23 <(echo "$all") <(echo "$nightly"))
	[ -z "$missing" ] || { echo "not in the nightly campaign: $missing"; return 1; }
	missing=$(comm -23 <(campaign_list check | sort -u) <(echo "$nightly"))
	[ -z "$missing" ] || { echo "in make check but not nightly: $missing"; return 1; }
	# an ordered list: "N*name" is N runs, an unknown name is refused
	c=$(tmp_dir)
	printf '# x\nsmoke\n2*clean\n' >"$c/two"
	[ "$(CAMPAIGNS_DIR=$c campaign_list two | tr '\n' ' ')" = "smoke clean clean " ] || { echo "2*clean not read"; return 1; }
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
		printf '%s' "$err" | grep -q -- "$pat"; then
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
expect_refusal "unknown campaign: exit 2" 2 "unknown campaign 'nosuch'" \
	"$TOP/scripts/campaign.sh" --campaign nosuch
expect_refusal "make list: unknown group, exit 2" 2 "unknown group 'nosuch'" "$TOP/scripts/list.sh" nosuch
expect_refusal "make list: unknown scenario, exit 2" 2 "unknown scenario 'nosuch'" "$TOP/scripts/list.sh" --scenario nosuch
expect_refusal "campaign with a bad master seed: exit 2" 2 "bad seed" \
	"$TOP/scripts/campaign.sh" --campaign nightly --seed -3
expect_refusal "campaign with a bad shard: exit 2" 2 "bad SHARD '3/2'" \
	"$TOP/scripts/campaign.sh" --campaign nightly --shard 3/2
expect_refusal "campaign with a bad budget: exit 2" 2 "bad BUDGET" \
	"$TOP/scripts/campaign.sh" --campaign nightly --budget 1.5
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
	printf '%s\n' "$out" | grep -qF "finding (was pass)" || { echo "$out"; return 1; }
}
t_run "judge: a changed verdict is reported as such" rejudge_changed
# emulator events: the triage, the judge, the rerun decision, the report
. "$TOP/scripts/unit-emulator.sh"

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

# what the modules may call, and the guest's skip of a module left out
"$TOP/scripts/unit-symvers.sh"
"$TOP/scripts/unit-report.sh" # make report and make bisect's git side, on fixtures

t_summary
