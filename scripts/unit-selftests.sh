#!/usr/bin/env bash
# Host tests of the kernel's mm selftests in the guest, with no VM and no
# real selftest run (some poison or offline memory: only ever in the
# guest): the list and its reader (a malformed record is refused),
# scripts/build-selftests.sh on the base's tree (static programs, the
# cache, a program that does not build), and the guest's runner
# (stress/guest/lib-selftests.sh, under busybox sh) on fake programs that
# print KTAP, hang or crash. Called by unit.sh; runs alone too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"
. "$TOP/stress/guest/lib-selftest-env.sh"
. "$TOP/stress/guest/lib-selftests.sh"

LIST=$TOP/stress/selftests/mm.list
UT=$(tmp_dir)

# --- the list --------------------------------------------------------------------
TEST_GROUP="unit: mm selftests, list and runner"
# the entries the brief of the family asks for are in, each with a timeout
list_reads() {
	local n want
	selftest_records "$LIST" >/dev/null || return 1
	for n in migration compaction_test rmap ksm_functional_tests split_huge_page_test cow \
		gup_longterm khugepaged transhuge-stress hugetlb-soft-offline memory-failure \
		hugetlb-madvise hugetlb_dio uffd-unit-tests; do
		[ "$(selftest_field "$n" status "$LIST")" = in ] || { echo "$n is not in"; return 1; }
		[ -n "$(selftest_field "$n" timeout "$LIST")" ] || { echo "$n has no timeout"; return 1; }
	done
	want=$(selftest_records "$LIST")
	# one reader for both shells: busybox sh (the guest's) reads the same
	[ "$(busybox sh -c ". '$TOP/stress/guest/lib-selftest-env.sh'; . '$TOP/stress/guest/lib-selftests.sh'; selftest_records '$LIST'")" = "$want" ] ||
		{ echo "busybox sh reads the list otherwise"; return 1; }
	[ "$(selftest_field ksm_tests-numa prog "$LIST")" = ksm_tests ] || { echo "prog of ksm_tests-numa"; return 1; }
	[ "$(selftest_field cow prog "$LIST")" = cow ] || { echo "prog defaults to the name"; return 1; }
	[ "$(selftest_progs "$LIST" | grep -cx uffd-stress)" = 1 ] || { echo "a program of two entries is built once"; return 1; }
}
t_run "selftests: the list reads, the asked entries are in with a timeout, busybox reads the same" list_reads

# refused RECORD_TEXT WANT: the reader refuses the record, naming WANT,
# with nothing on stdout
refused() {
	local f=$UT/bad.list out err rc=0
	printf '%s\n' "$1" >"$f"
	out=$(selftest_records "$f" 2>"$UT/err") || rc=$?
	err=$(cat "$UT/err")
	[ $rc != 0 ] && [ -z "$out" ] && [[ $err == "$f:"[0-9]*": "*"$2"* ]] ||
		{ echo "record: $1"; echo "rc=$rc out='$out' err='$err' (want '$2')"; return 1; }
}
bad_records() {
	local ok='name: a
status: in
why: x
needs: none
timeout: 5'
	refused "$ok
colour: red" 'unknown key "colour"' &&
		refused "$ok
this is no key value line" 'not a "key: value" line' &&
		refused "name: a
why: x
needs: none" 'no "status"' &&
		refused "${ok/status: in/status: maybe}" 'status is "in" or "out"' &&
		refused "name: a
status: in
why: x
needs: none" 'needs a timeout' &&
		refused "${ok/timeout: 5/timeout: soon}" 'not a number of seconds' &&
		refused "${ok/needs: none/needs: thp gpu}" 'unknown need "gpu"' &&
		refused "$ok

$ok" 'the name is used twice' &&
		refused "$ok
why: again" 'key "why" twice' &&
		refused "${ok/name: a/name: a b}" 'is not [A-Za-z0-9_-]' &&
		refused "$ok
skip_on: 6.12" 'is not "VERSION why"' &&
		refused "status: in
why: x
needs: none
timeout: 5" 'a record without a name'
}
t_run "selftests: a malformed record is refused in one line naming it (12 controls)" bad_records

# --- the build, on the base's tree -------------------------------------------------
# base_selftests_tree: what build-selftests.sh reads of the base's tree
# (the kbuild files that headers_install runs, the uapi headers, the
# selftests), extracted once from its tarball into build/; empty when the
# tarball is not here
base_selftests_tree() {
	local dir=$BUILD/selftests-src-$BASE tarball top
	if [ ! -f "$dir/.ready" ]; then
		tarball=$(base_tarball) && [ -f "$tarball" ] || return 0
		top=$(tar -tf "$tarball" 2>/dev/null | head -1 | cut -d/ -f1 || true)
		rm -rf "$dir" && mkdir -p "$dir"
		progress "extracting the selftests and headers of $(basename "$tarball") (about 15 s)"
		tar -xf "$tarball" -C "$dir" --strip-components=1 "$top/Makefile" "$top/Kbuild" \
			"$top/Kconfig" "$top/scripts" "$top/include" "$top/arch/x86" "$top/tools/testing/selftests" \
			"$top/tools/include" "$top/tools/arch/x86" "$top/tools/scripts" "$top/mm/gup_test.h" ||
			return 0
		touch "$dir/.ready"
	fi
	echo "$dir"
}
STREE=$(base_selftests_tree)
SOUT=$UT/built
# every "in" program whose source the tree has is built, static; the
# tree is only read; a second call builds nothing
builds_in_programs() {
	local p want=0 got stamp t0 rc=0
	[ -n "$STREE" ] || { echo "no $(base_source package) here to take the selftests from (make deps)"; return 1; }
	stamp=$UT/stamp
	touch "$stamp"
	sleep 1
	"$TOP/scripts/build-selftests.sh" "$STREE" "$SOUT" >"$UT/build.out" 2>&1 || { tail -5 "$UT/build.out"; return 1; }
	for p in $(selftest_progs "$LIST"); do
		[ -f "$STREE/tools/testing/selftests/mm/$p.c" ] || continue
		want=$((want + 1))
		grep -qx "$p" "$SOUT/built" || { echo "$p not built: $(grep "^$p:" "$SOUT/unbuilt")"; rc=1; continue; }
		file "$SOUT/bin/$p" | grep -q 'ELF 64-bit.*statically linked' ||
			{ echo "$p: $(file -b "$SOUT/bin/$p")"; rc=1; }
	done
	got=$(wc -l <"$SOUT/built")
	[ "$got" = "$want" ] || { echo "built $got programs, the list and the tree have $want"; rc=1; }
	[ "$(ls "$SOUT/bin" | wc -l)" = "$got" ] || { echo "bin/ holds more than the programs: $(ls "$SOUT/bin")"; rc=1; }
	[ -z "$(find "$STREE" -newer "$stamp" -print -quit)" ] ||
		{ echo "the source tree was written: $(find "$STREE" -newer "$stamp" | head -3)"; rc=1; }
	t0=$(date +%s%N)
	[ "$("$TOP/scripts/build-selftests.sh" "$STREE" "$SOUT" 2>&1)" = "$SOUT" ] || { echo "the second call printed more"; rc=1; }
	[ $(($(date +%s%N) - t0)) -lt 3000000000 ] || { echo "the second call took 3 s or more"; rc=1; }
	echo "built: $(paste -sd' ' "$SOUT/built")"
	return $rc
}
t_run "selftests: build-selftests.sh builds the list's programs static from the $BASE tree, read only, cached" builds_in_programs

# a program that does not compile, and one the tree does not have, are a
# line each in unbuilt; a list of which nothing builds is exit 2, one line
unbuilt_noted() {
	local t=$UT/broken e err rc=0
	[ -n "$STREE" ] || { echo "no base tree"; return 1; }
	mkdir -p "$t"
	for e in "$STREE"/*; do ln -s "$e" "$t/$(basename "$e")"; done
	rm "$t/tools"
	mkdir -p "$t/tools/testing/selftests"
	for e in "$STREE"/tools/*; do [ "$(basename "$e")" = testing ] || ln -s "$e" "$t/tools/"; done
	for e in "$STREE"/tools/testing/selftests/*; do [ "$(basename "$e")" = mm ] || ln -s "$e" "$t/tools/testing/selftests/"; done
	cp -r "$STREE/tools/testing/selftests/mm" "$t/tools/testing/selftests/mm"
	echo 'int broken(void) { return }' >>"$t/tools/testing/selftests/mm/transhuge-stress.c"
	printf 'name: transhuge-stress\nstatus: in\nwhy: x\nneeds: thp\ntimeout: 9\n\nname: no-such-test\nstatus: in\nwhy: y\nneeds: none\ntimeout: 9\n\nname: mkdirty\nstatus: in\nwhy: z\nneeds: thp\ntimeout: 9\n' >"$UT/two.list"
	MM_LIST=$UT/two.list "$TOP/scripts/build-selftests.sh" "$t" "$UT/two" >/dev/null 2>&1 || { echo "exit $? with one program built"; return 1; }
	[ "$(cat "$UT/two/built")" = mkdirty ] || { echo "built: $(cat "$UT/two/built")"; rc=1; }
	grep -q '^transhuge-stress: .*error' "$UT/two/unbuilt" || { echo "unbuilt: $(cat "$UT/two/unbuilt")"; rc=1; }
	grep -qx 'no-such-test: not in this tree (no tools/testing/selftests/mm/no-such-test.c)' "$UT/two/unbuilt" ||
		{ echo "unbuilt: $(cat "$UT/two/unbuilt")"; rc=1; }
	sed -n '1,5p' "$UT/two.list" >"$UT/one.list"
	MM_LIST=$UT/one.list "$TOP/scripts/build-selftests.sh" "$t" "$UT/one" >/dev/null 2>"$UT/one.err"
	e=$?
	err=$(grep -v '^\[' "$UT/one.err")
	[ $e = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ $err == "error: no mm selftest built from "* ]] ||
		{ echo "nothing built: exit $e, '$err'"; rc=1; }
	return $rc
}
t_run "selftests: a program that does not build is a line in unbuilt; none built is exit 2 (controls)" unbuilt_noted

# --- the guest's runner, on fake programs --------------------------------------------
. "$TOP/scripts/lib-unit-selftests.sh"
# the program's KTAP nested under the scenario's, a line per case, its
# lines of its own as comments, the verdict from its cases
nests_ktap() {
	local got want
	got=$(guest_run "selftest_run mixed; echo rc=\$?")
	want=$(printf '%s\n' 'KTAP version 1' '# Subtest: sc' '    KTAP version 1' '    # Subtest: selftest-mixed' \
		'    1..4' '    # Starting 4 tests' '    ok 1 first case' 'SELFTEST: mixed	first case	ok' \
		'    not ok 2 second case' 'SELFTEST: mixed	second case	fail' \
		'    ok 3 no hugetlb pages # SKIP no hugetlb pages' 'SELFTEST: mixed	no hugetlb pages	skip' \
		'    ok 4 known # XFAIL old kernel' 'SELFTEST: mixed	known	ok' \
		'    # a line of its own' '    # Totals: pass:1 fail:1' '    # selftest mixed: exit 1 after S s' \
		'SELFTEST-END: mixed	fail	exit=1 seconds=S cases=4 ok=2 fail=1 skip=1 migrations=0' \
		'# selftest mixed: vmstat while it ran: none of the watched counters changed' '# 1 of 4 cases failed (exit 1)' 'not ok 1 selftest-mixed' 'rc=1' '1..1' '# totals: pass:0 fail:1')
	[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); return 1; }
}
t_run "selftests: runner: the program's KTAP is a subtest, a SELFTEST line per case" nests_ktap

# a failing program's run says which watched vmstat counters moved while
# it ran (diff adds 3 to pgmigrate_success); a passing one says nothing
vmstat_of_failure() {
	local got
	printf 'pgmigrate_success 100\nthp_split_page 7\nnr_free_pages 9\n' >"$G/vmstat"
	got=$(export G; guest_run "selftest_run diff; selftest_run allgood")
	printf 'pgmigrate_fail 5\npgmigrate_success 100\n' >"$G/vmstat"
	has "$got" '# selftest diff: vmstat while it ran: pgmigrate_success +3' 'not ok 1 selftest-diff' || return 1
	[ "$(grep -c 'vmstat while it ran' <<<"$got")" = 1 ] || { echo "a vmstat line for the passing program:"; echo "$got"; return 1; }
}
t_run "selftests: runner: a failing program names the vmstat counters that moved while it ran" vmstat_of_failure

# the verdicts: every case ok, none of its own (from the exit status: 0,
# 4 and 1), all skipped by its plan, killed past its timeout with what it
# left running, killed by a signal
verdicts() {
	local got
	got=$(guest_run "selftest_run allgood; selftest_run plain; PLAIN_RC=4 selftest_run plain; PLAIN_RC=1 selftest_run plain; selftest_run skipall")
	has "$got" 'ok 1 selftest-allgood' 'SELFTEST-END: allgood	pass	exit=0 seconds=S cases=2 ok=2 fail=0 skip=0 migrations=0' \
		'    # Testing one... done' '    1..1' '    ok 1 plain' 'SELFTEST: plain	plain	ok' 'ok 2 selftest-plain' \
		'    ok 1 plain # SKIP exit 4' 'ok 3 selftest-plain # SKIP exit 4' \
		'    not ok 1 plain' 'SELFTEST: plain	plain	fail' '# exit 1' 'not ok 4 selftest-plain' \
		'    1..0 # SKIP no NUMA' 'SELFTEST-END: skipall	skip	exit=4 seconds=S cases=0 ok=0 fail=0 skip=0 migrations=0' \
		'ok 5 selftest-skipall # SKIP no NUMA' || return 1
	got=$(guest_run "selftest_run hang; selftest_run crash")
	has "$got" '    ok 1 before' 'SELFTEST-END: hang	timeout	exit=143 seconds=S cases=1 ok=1 fail=0 skip=0 migrations=0' \
		'# still running at its timeout (2 s): killed, after S s' 'not ok 1 selftest-hang' \
		'# exit 139' 'not ok 2 selftest-crash' || return 1
	[ -s "$G/work/child" ] || { echo "the hung program wrote no child's PID"; return 1; }
	if kill -0 "$(cat "$G/work/child")" 2>/dev/null; then
		kill "$(cat "$G/work/child")"
		echo "the hung program's child outlived it"
		return 1
	fi
}
t_run "selftests: runner: pass, no KTAP of its own (exit 0/4/1), plan SKIP, timeout kills its group, a crash" verdicts

# the entry's needs and arguments: the hugetlb pool set for the run and
# put back, {dir} its working directory and its cwd; an entry that is not
# built, needs more than the guest has, is out or unknown
needs_and_args() {
	local got
	got=$(guest_run "selftest_run pool; selftest_run notbuilt; selftest_run bigguest; selftest_run gone; selftest_run nosuch")
	has "$got" "# selftest pool: hugetlb pool of 5 pages (3 asked free, 2 held, 7 before)" \
		"    ok 1 pool=5 dir=$G/work/selftest-pool cwd=$G/work/selftest-pool" 'ok 1 selftest-pool' \
		'ok 2 selftest-notbuilt # SKIP not built for this tree: needs a newer tree' \
		'SELFTEST-END: notbuilt	skip	not built for this tree: needs a newer tree' \
		"ok 3 selftest-bigguest # SKIP needs 999 vCPUs, the guest has $(grep -c '^processor' /proc/cpuinfo)" \
		'# entry gone is out: left out' 'not ok 4 selftest-gone' \
		"# no entry nosuch in $G/mm/mm.list" 'not ok 5 selftest-nosuch' || return 1
	[ "$(cat "$G/nr_hugepages")" = 7 ] || { echo "pool left at $(cat "$G/nr_hugepages")"; return 1; }
	[ ! -e "$G/work/selftest-pool" ] || { echo "its working directory is left"; return 1; }
}
t_run "selftests: runner: hugetlb pool set (N free beyond the held) and put back, {dir}, not built / too small a guest SKIP, out or unknown fail" needs_and_args

# skip_on: the entry skips on a kernel of that version (6.12, 6.12.N,
# 6.12-rc1), and runs on any other (6.120, 7.2: the control)
skips_on_version() {
	local got r
	for r in 6.12 6.12.118 6.12-rc1; do
		echo "$r" >"$G/osrelease"
		got=$(SELFTEST_OSRELEASE=$G/osrelease guest_run "selftest_run oldtree")
		has "$got" 'ok 1 selftest-oldtree # SKIP on 6.12: too slow there' || { echo "release $r"; return 1; }
	done
	for r in 6.120 7.2.13; do
		echo "$r" >"$G/osrelease"
		got=$(SELFTEST_OSRELEASE=$G/osrelease guest_run "selftest_run oldtree")
		has "$got" 'ok 1 selftest-oldtree' 'SELFTEST-END: oldtree	pass	exit=0 seconds=S cases=2 ok=2 fail=0 skip=0 migrations=0' ||
			{ echo "release $r"; return 1; }
	done
}
t_run "selftests: runner: skip_on VERSION skips on that version only (control: 6.120, 7.2)" skips_on_version

# swap: a zram device of its own made swap for the run, then off and
# removed; with no zram the entry runs without and says so
swap_need() {
	local got fakes
	mkdir -p "$G/zram-control" "$G/block/zram3"
	echo 3 >"$G/zram-control/hot_add"
	# busybox sh runs its own applets whatever PATH says: the swap
	# commands are functions here
	fakes="mkswap() { echo \"mkswap \$*\" >>'$G/swaplog'; }; swapon() { echo \"swapon \$*\" >>'$G/swaplog'; }
		swapoff() { echo \"swapoff \$*\" >>'$G/swaplog'; }"
	: >"$G/swaplog"
	got=$(guest_run "$fakes; selftest_run swapper")
	has "$got" '# selftest swapper: swap on /dev/zram3 (256M)' 'ok 1 selftest-swapper' || return 1
	[ "$(cat "$G/swaplog")" = "$(printf '%s\n' 'mkswap /dev/zram3' 'swapon /dev/zram3' 'swapoff /dev/zram3')" ] ||
		{ echo "swap commands: $(cat "$G/swaplog")"; return 1; }
	[ "$(cat "$G/block/zram3/disksize")" = 256M ] && [ "$(cat "$G/zram-control/hot_remove")" = 3 ] ||
		{ echo "device not sized or not removed"; return 1; }
	# control: no zram in the guest
	rm -rf "$G/zram-control"
	got=$(guest_run "$fakes; selftest_run swapper")
	has "$got" '# selftest swapper: swap none: no zram device could be made' 'ok 1 selftest-swapper'
}
t_run "selftests: runner: swap: a zram device made swap for the entry, then removed; none without zram" swap_need

# fs: a fresh filesystem on a loop device for the entry, which runs in it
# (its {dir} too), then unmounted and the device freed: ext4 where there
# is a mkfs.ext4, else ext2; with no loop device, or when the filesystem
# cannot be made, it runs in the working directory, saying why
fs_need() {
	local got fakes want
	: >"$G/loop-control"
	fakes="losetup() { echo \"losetup \$*\" >>'$G/fslog'; [ \"\$1\" != -f ] || echo /dev/loop5; }
		mke2fs() { echo \"mke2fs \$*\" >>'$G/fslog'; [ -z \"\${MKE2FS_FAILS:-}\" ]; }
		mount() { echo \"mount \$*\" >>'$G/fslog'; }
		umount() { echo \"umount \$*\" >>'$G/fslog'; }"
	: >"$G/fslog"
	got=$(guest_run "$fakes; selftest_run fsuser")
	has "$got" "# selftest fsuser: filesystem ext2 on /dev/loop5 at $G/fsmnt" \
		"    ok 1 pool=7 dir=$G/fsmnt/selftest-fsuser cwd=$G/fsmnt/selftest-fsuser" 'ok 1 selftest-fsuser' || return 1
	want=$(printf '%s\n' 'losetup -f' "losetup /dev/loop5 $G/fs.img" 'mke2fs -F -b 4096 /dev/loop5' \
		"mount -t ext2 /dev/loop5 $G/fsmnt" "umount $G/fsmnt" 'losetup -d /dev/loop5')
	[ "$(cat "$G/fslog")" = "$want" ] || { echo "fs commands: $(cat "$G/fslog")"; return 1; }
	[ ! -e "$G/fs.img" ] || { echo "the image was left"; return 1; }
	# with e2fsprogs' mkfs.ext4 (a program: busybox sh names no function
	# with a dot): an ext4, with its inode tables written at once
	printf '#!/bin/sh\necho "mkfs.ext4 $*" >>"%s"\n' "$G/fslog" >"$G/bin/mkfs.ext4"
	chmod +x "$G/bin/mkfs.ext4"
	: >"$G/fslog"
	got=$(guest_run "$fakes; selftest_run fsuser")
	rm -f "$G/bin/mkfs.ext4"
	has "$got" "# selftest fsuser: filesystem ext4 on /dev/loop5 at $G/fsmnt" 'ok 1 selftest-fsuser' || return 1
	[ "$(sed -n 3,4p "$G/fslog")" = "$(printf '%s\n' \
		'mkfs.ext4 -q -F -b 4096 -E nodiscard,lazy_itable_init=0,lazy_journal_init=0 /dev/loop5' \
		"mount -t ext4 /dev/loop5 $G/fsmnt")" ] || { echo "ext4 commands: $(cat "$G/fslog")"; return 1; }
	# control: the filesystem cannot be made: the device is freed, the
	# entry runs in the working directory
	: >"$G/fslog"
	got=$(MKE2FS_FAILS=1 guest_run "$fakes; selftest_run fsuser")
	has "$got" "# selftest fsuser: filesystem none: no ext2 could be made and mounted on /dev/loop5, it runs in $G/work" \
		"    ok 1 pool=7 dir=$G/work/selftest-fsuser cwd=$G/work/selftest-fsuser" || return 1
	[ "$(tail -1 "$G/fslog")" = 'losetup -d /dev/loop5' ] && [ ! -e "$G/fs.img" ] ||
		{ echo "after a failed mke2fs: $(cat "$G/fslog")"; return 1; }
	# control: no loop devices in the guest
	rm -f "$G/loop-control"
	got=$(guest_run "$fakes; selftest_run fsuser")
	has "$got" "# selftest fsuser: filesystem none: no loop devices ($G/loop-control), it runs in $G/work"
}
t_run "selftests: runner: fs: ext4 (or ext2) on a loop device for the entry, then freed; none says why" fs_need

# movable: the entry's memory from the node with the largest movable zone
# first, through the guest's own prefer-node (built here; the host has
# node 0 only, so the fake zoneinfo gives node 0 the largest); with no
# movable zone that has pages it runs under the default policy, saying so
movable_need() {
	local got
	make -s -C "$TOP/stress" OUT="$G" "$G/prefer-node" >/dev/null || { echo "prefer-node does not build"; return 1; }
	printf 'Node %s, zone %8s\n  pages free 10\n        present  %s\n' 0 Normal 4096 0 Movable 65536 \
		1 Normal 4096 1 Movable 32768 >"$G/zoneinfo"
	got=$(guest_run "selftest_run pinner")
	has "$got" '# selftest pinner: its memory from node 0 first (its ZONE_MOVABLE: 65536 pages)' \
		'    ok 1 policy=prefer:0' 'ok 1 selftest-pinner' || return 1
	# control: no movable zone with pages
	printf 'Node %s, zone %8s\n        present  %s\n' 0 Normal 4096 1 Movable 0 >"$G/zoneinfo"
	got=$(guest_run "selftest_run pinner")
	has "$got" '# selftest pinner: its memory anywhere: no node has a ZONE_MOVABLE with pages' '    ok 1 policy=default'
}
t_run "selftests: runner: movable: memory from the node with the largest movable zone; default without" movable_need

# a vm sysctl a program leaves changed is put back, with a comment; the
# one-shot ones (drop_caches, compact_memory) are written before each
sysctls_put_back() {
	local got
	got=$(guest_run "selftest_run softoff")
	has "$got" '# selftest softoff left vm.enable_soft_offline at 0: put back to 1' \
		'# selftest softoff left vm.lowmem_reserve_ratio at 1 1 1: put back to 256 32 0' || return 1
	[ "$(cat "$G/vm/enable_soft_offline")" = 1 ] || { echo "enable_soft_offline left at $(cat "$G/vm/enable_soft_offline")"; return 1; }
	[ "$(cat "$G/vm/drop_caches")$(cat "$G/vm/compact_memory")" = 31 ] || { echo "caches not dropped, memory not compacted"; return 1; }
}
t_run "selftests: runner: a vm sysctl a program leaves changed is put back; caches dropped, memory compacted before" sysctls_put_back

# the console triage names a failing case through the nesting: the
# program's subtest and cases come from one task (the filter), the
# scenario's from another; its finding is the case, not the scenario
triage_names_case() {
	local out con=$UT/console.log
	make -s -C "$TOP/scripts/triage" OUT="$BUILD/triage" || return 1
	guest_run "selftest_run mixed" | awk '{ t = (/^    / || /^SELFTEST/) ? 200 : 100
		printf "[   %d.000000][  T%d] %s\n", NR, t, $0 }' >"$con"
	out=$("$BUILD/triage/triage" "$con")
	[ "$(cut -f2 <<<"$out")" = "KTAP: not ok selftest-mixed.second case" ] || { echo "triage: $out"; return 1; }
}
t_run "selftests: the triage's finding is the failing case, selftest-NAME.CASE" triage_names_case

t_summary
