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
	# (.ready-decode: the extraction since decode_stacktrace.sh was added,
	# for unit-judge.sh, after scripts/kconfig and drivers/dma's Kconfig,
	# for unit-kconfig.sh; .ready is cocci.sh's; the headers of
	# scripts/include come with '*/include/*')
	if [ ! -f "$kt/.ready-decode" ]; then
		tarball=$(base_tarball) && [ -f "$tarball" ] || return 0
		rm -rf "$kt" && mkdir -p "$kt"
		tar -xf "$tarball" -C "$kt" --strip-components=1 --wildcards \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch' '*/mm/*' '*/include/*' '*/MAINTAINERS' \
			'*/scripts/kconfig/*' '*/drivers/dma/Kconfig' '*/scripts/decode_stacktrace.sh' &&
			touch "$kt/.ready" "$kt/.ready-decode"
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
t_suite "$TOP/scripts/unit-kconfig.sh" # kconfig-enable on synthetic Kconfig trees; its tests count here
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
t_suite "$TOP/scripts/unit-cocci.sh" # the Coccinelle catalogue on the series and the pristine base

t_suite "$TOP/scripts/unit-scripts.sh"  # syntax, configs, scenario records, campaigns, bad input
t_suite "$TOP/scripts/unit-judge.sh"    # judge.sh on fixture results, emulator events
t_suite "$TOP/scripts/unit-campaign.sh" # seeds, the findings reader, campaign reports
t_suite "$TOP/scripts/unit-symvers.sh"
t_suite "$TOP/scripts/unit-selftests.sh" # the kernel's mm selftests: list, static build, guest runner
t_suite "$TOP/scripts/unit-selftest-family.sh" # their differential oracle, the modes in one boot
t_suite "$TOP/scripts/unit-insn.sh" # the instruction counter: ranges, windows, the plugin's build
t_suite "$TOP/scripts/unit-report.sh" # make report and make bisect's git side, on fixtures
t_suite "$TOP/scripts/unit-shape.sh"  # no file over 450 lines, no function over 100

t_summary
