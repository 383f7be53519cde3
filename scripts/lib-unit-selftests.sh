# shellcheck shell=bash
# The fake guest of the mm selftests' host tests (unit-selftests.sh,
# unit-selftest-family.sh source it after setting UT, a scratch
# directory): fake programs of /selftests/mm that print KTAP, hang or
# crash, their list, a fake vmstat, meminfo and vm sysctls, and
# guest_run, which runs shell commands under busybox sh with the guest's
# KTAP helpers and the runner as a scenario would.

G=$UT/guest
mkdir -p "$G/mm" "$G/work" "$G/vm"
: >"$G/vm/drop_caches"
: >"$G/vm/compact_memory"
echo 1 >"$G/vm/enable_soft_offline"
printf '256\t32\t0\n' >"$G/vm/lowmem_reserve_ratio"
# fake NAME BODY: a program of the fake /selftests/mm
fake() {
	printf '#!/bin/sh\n%s\n' "$2" >"$G/mm/$1"
	chmod +x "$G/mm/$1"
}
fake mixed 'echo "TAP version 13"; echo "1..4"; echo "# Starting 4 tests"; echo "ok 1 first case"
echo "not ok 2 second case"; echo "ok 3 # SKIP no hugetlb pages"; echo "ok 4 known # XFAIL old kernel"
echo "a line of its own"; echo "# Totals: pass:1 fail:1"; exit 1'
fake allgood 'echo "TAP version 13"; echo "1..2"; echo "ok 1 a"; echo "ok 2 b"'
fake plain 'echo "Testing one... done"; exit ${PLAIN_RC:-0}'
fake skipall 'echo "TAP version 13"; echo "1..0 # SKIP no NUMA"; exit 4'
# (its child does not hold the output open: only the group's kill ends it)
fake hang 'echo "TAP version 13"; echo "1..2"; echo "ok 1 before"
sleep 300 >/dev/null 2>&1 & echo $! >"$PWD/../child"; exec sleep 300'
fake crash 'echo "TAP version 13"; echo "1..1"; kill -SEGV $$'
# diff: a case always ok, one that fails under a provider only, one that
# always fails, one that always fails and the unpatched base fails too
fake diff 'echo "TAP version 13"; echo "1..4"; echo "ok 1 steady"
if [ -e "$G/provider-on" ]; then echo "not ok 2 moved"; else echo "ok 2 moved"; fi
echo "not ok 3 broken"; echo "not ok 4 base broken"
m=$(sed -n "s/^pgmigrate_success //p" "$G/vmstat"); echo "pgmigrate_success $((m + 3))" >"$G/vmstat"; exit 1'
# bails: fails as a whole, no case of it failed
fake bails 'echo "TAP version 13"; echo "1..2"; echo "ok 1 first"; echo "Bail out! no huge page"; exit 1'
# softoff: changes two settings and puts neither back (as hugetlb-soft-offline)
fake softoff 'echo "TAP version 13"; echo "1..1"; echo 0 >"$SELFTEST_SYSCTL_VM/enable_soft_offline"
echo "1 1 1" >"$SELFTEST_SYSCTL_VM/lowmem_reserve_ratio"; echo "ok 1 x"'
fake pool 'echo "TAP version 13"; echo "1..1"; echo "ok 1 pool=$(cat "$POOL") dir=$1 cwd=$PWD"'
# policy: its memory policy as numa_maps shows it on its stack
fake policy 'echo "TAP version 13"; echo "1..1"; echo "ok 1 policy=$(awk "/ stack/ { print \$2 }" /proc/self/numa_maps)"'
printf 'notbuilt: needs a newer tree\n' >"$G/mm/unbuilt"
entry() { # NAME PROG NEEDS TIMEOUT [ARGS]
	printf 'name: %s\nprog: %s\nstatus: in\nwhy: a fake\nneeds: %s\ntimeout: %s\n' "$1" "$2" "$3" "$4"
	[ -z "${5:-}" ] || printf 'args: %s\n' "$5"
	echo
}
{
	entry mixed mixed none 20
	entry allgood allgood cpus=1 20
	entry plain plain none 20
	entry skipall skipall nodes=1 20
	entry hang hang none 2
	entry crash crash none 20
	entry pool pool hugepages=3 20 '{dir} x'
	entry swapper plain swap 20
	entry fsuser pool fs 20 '{dir}'
	entry pinner policy movable 20
	entry notbuilt notbuilt none 20
	entry bigguest allgood cpus=999 20
	entry diff diff none 20
	entry bails bails none 20
	entry softoff softoff none 20
	printf 'name: oldtree\nprog: allgood\nstatus: in\nwhy: a fake\nneeds: none\ntimeout: 20\nskip_on: 6.12 too slow there\n\n'
	printf 'name: gone\nstatus: out\nwhy: left out\nneeds: none\n'
} >"$G/mm/mm.list"
echo 7 >"$G/nr_hugepages"
printf 'pgmigrate_fail 5\npgmigrate_success 100\n' >"$G/vmstat"
# 7 huge pages, 2 of them held (in use, or poisoned by an earlier program)
printf 'HugePages_Total:       7\nHugePages_Free:        5\n' >"$G/meminfo"
# the guest's tools: busybox's applets only (its awk, sed, setsid, kill)
mkdir -p "$G/bin"
for a in $(busybox --list); do ln -sf "$(command -v busybox)" "$G/bin/$a"; done
# guest_run SHELL-COMMANDS: under busybox sh with the guest's KTAP helpers
# and the runner, as a scenario's run() would; seconds written as S
guest_run() {
	PATH=$G/bin POOL=$G/nr_hugepages SELFTEST_VMSTAT=$G/vmstat SELFTEST_MEMINFO=$G/meminfo SELFTEST_DIR=$G/mm SELFTEST_WORKDIR=$G/work SELFTEST_HUGEPAGES=$G/nr_hugepages \
		SELFTEST_SYSCTL_VM=$G/vm SELFTEST_ZRAM_CONTROL=$G/zram-control SELFTEST_SYS_BLOCK=$G/block \
		SELFTEST_LOOP_CONTROL=$G/loop-control SELFTEST_FS_MOUNT=$G/fsmnt SELFTEST_FS_IMAGE=$G/fs.img \
		SELFTEST_ZONEINFO=$G/zoneinfo SELFTEST_PREFER_NODE=$G/prefer-node \
		busybox sh -c ". '$TOP/stress/guest/lib-record.sh'; . '$TOP/stress/guest/lib-ktap.sh'; . '$TOP/stress/guest/lib-selftest-env.sh'; . '$TOP/stress/guest/lib-selftests.sh'; . '$TOP/stress/guest/lib-selftest-family.sh'
		ktap_begin sc; $1; ktap_end" 2>&1 | sed -e 's/after [0-9]* s/after S s/' -e 's/seconds=[0-9]*/seconds=S/'
}
