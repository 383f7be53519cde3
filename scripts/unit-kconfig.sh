#!/usr/bin/env bash
# make unit's tests of scripts/kconfig-enable/: the resolver on the small
# Kconfig trees of scripts/kconfig-enable/tests/ (each with its starting
# config and its expected exit and line), linked with the kconfig library
# of the base tree (build/ktools-$BASE, extracted by unit.sh), and each
# fragment it prints merged and run through that library's own
# conf --olddefconfig, as build-kernel.sh does on the real tree.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

TEST_GROUP="unit: kconfig-enable"
ktools=$BUILD/ktools-$BASE
KE=$BUILD/kconfig-enable-$BASE
TESTS=$TOP/scripts/kconfig-enable/tests
TARGET=MIGRATION_COPY_OFFLOAD

# olddefconfig TREE CONFIG FRAGMENT: CONFIG with FRAGMENT merged over it
# (the base's merge_config.sh -m), then conf --olddefconfig; prints the
# directory whose .config is the result
olddefconfig() {
	local d
	d=$(tmp_dir)
	"$ktools/scripts/kconfig/merge_config.sh" -m -O "$d" "$2" "$3" >"$d/merge.log" 2>&1 ||
		{ echo "merge_config.sh failed" >&2; cat "$d/merge.log" >&2; return 1; }
	(cd "$d" && srctree=$1 "$KE/conf" -s --olddefconfig Kconfig) >&2 || return 1
	echo "$d"
}

# target_set DIR: the oracle: the target is y in DIR/.config
target_set() {
	grep -qx "CONFIG_$TARGET=y" "$1/.config"
}

# case_tree NAME: the resolver's exit and its one line on stderr are those
# of NAME/expect; when it succeeds, its fragment makes the target y and
# switches on no COMPILE_TEST; when it fails, it prints no fragment
case_tree() {
	local t=$TESTS/$1 out err rc=0 d
	out=$(tmp_file) err=$(tmp_file)
	(cd "$t" && srctree=$t "$KE/kconfig-enable" Kconfig config "$TARGET") >"$out" 2>"$err" || rc=$?
	[ "$rc" = "$(sed -n 1p "$t/expect")" ] || { echo "exit $rc, not $(sed -n 1p "$t/expect")"; cat "$err"; return 1; }
	[ "$(cat "$err")" = "$(sed -n 2p "$t/expect")" ] ||
		{ echo "stderr:"; cat "$err"; echo "expected:"; sed -n 2p "$t/expect"; return 1; }
	if [ "$rc" != 0 ]; then
		[ ! -s "$out" ] || { echo "a fragment although it failed:"; cat "$out"; return 1; }
		return 0
	fi
	! grep -q COMPILE_TEST "$out" || { echo "COMPILE_TEST in the fragment"; return 1; }
	d=$(olddefconfig "$t" "$t/config" "$out") || return 1
	target_set "$d" || { echo "CONFIG_$TARGET is not y after olddefconfig:"; cat "$out"; return 1; }
}

# the way build-kernel.sh did it before kconfig-enable: the last symbol
# above "select MIGRATION_COPY_OFFLOAD" in a Kconfig file, set to y
old_grep_fragment() {
	grep -rh --include='Kconfig*' -B30 "select $TARGET" "$1" |
		sed -n 's/^config \([A-Z0-9_]*\)$/CONFIG_\1=y/p' | tail -1
}

# negative control: on the posted shape the old way sets only the driver,
# whose DMA_ENGINE nothing sets: the oracle must say the target is not y
old_way_fails() {
	local t=$TESTS/posted frag d
	frag=$(tmp_file)
	old_grep_fragment "$t" >"$frag"
	[ "$(cat "$frag")" = "CONFIG_DCBM_DMA=y" ] || { echo "old way's fragment: $(cat "$frag")"; return 1; }
	d=$(olddefconfig "$t" "$t/config" "$frag") || return 1
	! target_set "$d" || { echo "the oracle says y on the old way's config"; return 1; }
}

# a symbol that is y already needs nothing; an unknown one is an error
already_and_unknown() {
	local t=$TESTS/posted out rc=0
	out=$(cd "$t" && srctree=$t "$KE/kconfig-enable" Kconfig config MIGRATION 2>&1) || rc=$?
	[ "$rc" = 0 ] && [ "$out" = "kconfig-enable: MIGRATION is y already" ] || { echo "y already: $rc $out"; return 1; }
	rc=0
	out=$(cd "$t" && srctree=$t "$KE/kconfig-enable" Kconfig config NO_SUCH 2>&1) || rc=$?
	[ "$rc" = 2 ] && [ "$out" = "error: NO_SUCH: no such symbol in this tree" ] || { echo "unknown: $rc $out"; return 1; }
}

# the base's fixtures (patches/BASE/fixtures/: what EXTRA_PATCHES applies
# after the series to give the real tree such a shape) apply on top of
# its series, with patch -p1, on the pristine pieces unit.sh extracts
fixtures_apply() {
	local sdir tmp p
	sdir=$(base_dir)
	tmp=$(tmp_dir)
	mkdir -p "$tmp/drivers/dma"
	cp -r "$ktools/mm" "$ktools/include" "$ktools/MAINTAINERS" "$tmp"/
	cp "$ktools/drivers/dma/Kconfig" "$tmp/drivers/dma/"
	# the control: a fixture is written against the series, not the base
	for p in "$sdir"/fixtures/*.patch; do
		! patch -p1 -s -N --dry-run -d "$tmp" <"$p" >/dev/null 2>&1 ||
			{ echo "$(basename "$p") applies to the pristine tree too"; return 1; }
	done
	while read -r p; do
		patch -p1 -s -N -d "$tmp" <"$sdir/$p" || { echo "$p does not apply"; return 1; }
	done < <(base_series)
	for p in "$sdir"/fixtures/*.patch; do
		patch -p1 -s -N --dry-run -d "$tmp" <"$p" >/dev/null ||
			{ echo "$(basename "$p") does not apply on top of the series"; return 1; }
	done
}

if [ ! -f "$ktools/scripts/kconfig/lkc.h" ]; then
	t_fail "kconfig-enable: no kconfig library in $ktools (make unit extracts it)"
else
	build() {
		make -s -C "$TOP/scripts/kconfig-enable" KSRC="$ktools" OUT="$KE" "$KE/kconfig-enable" "$KE/conf"
	}
	t_run "kconfig-enable: builds against the $BASE kconfig library" build
	t_run "kconfig-enable: the posted shape resolves, and olddefconfig keeps $TARGET=y" case_tree posted
	t_run "kconfig-enable: depends on !X with X set: exit 2, one line naming the chain" case_tree blocked
	t_run "kconfig-enable: selectors out of reach (COMPILE_TEST, nothing sets): exit 2, one line" case_tree unreachable
	t_run "kconfig-enable: a chain the library's own values refuse: exit 2, one line" case_tree disagree
	t_run "kconfig-enable: control: the old grep way leaves $TARGET unset on the posted shape" old_way_fails
	t_run "kconfig-enable: y already needs nothing; an unknown symbol is exit 2" already_and_unknown
	if compgen -G "$TOP/patches/$BASE/fixtures/*.patch" >/dev/null; then
		t_run "fixtures of $BASE apply on top of its series, not without it" fixtures_apply
	fi
fi
t_summary
