# The settings around one mm selftest program (stress/guest/lib-selftests.sh
# runs it): the hugetlb pool, the vm sysctls it may leave changed, and a
# swap device for an entry that swaps out. Busybox sh in the guest; the
# host's tests point the paths elsewhere.

# swap: the size of the zram swap an entry that needs it runs with
SELFTEST_SWAP_SIZE=${SELFTEST_SWAP_SIZE:-256M}
SELFTEST_ZRAM_CONTROL=${SELFTEST_ZRAM_CONTROL:-/sys/class/zram-control}
SELFTEST_SYS_BLOCK=${SELFTEST_SYS_BLOCK:-/sys/block}

# the default-size hugetlb pool, and the vm sysctls (the host's tests
# point them elsewhere)
SELFTEST_HUGEPAGES=${SELFTEST_HUGEPAGES:-/proc/sys/vm/nr_hugepages}
SELFTEST_SYSCTL_VM=${SELFTEST_SYSCTL_VM:-/proc/sys/vm}

# _selftest_sysctls: the vm sysctls a program may change, "name value"
# lines (the readable and writable ones; a value on one line, blanks as
# one space). One awk reads them all: a process or three a file, for every
# file before and after every program, took as long as many a program
_selftest_sysctls() {
	local _f _files=""
	for _f in "$SELFTEST_SYSCTL_VM"/*; do
		[ -f "$_f" ] && [ -r "$_f" ] && [ -w "$_f" ] || continue
		case ${_f##*/} in drop_caches | compact_memory) continue ;; esac
		_files="$_files $_f"
	done
	[ -n "$_files" ] || return 0
	# shellcheck disable=SC2086 # the paths, one word each (no blanks in /proc/sys/vm)
	awk 'BEGIN {
		for (i = 1; i < ARGC; i++) {
			f = ARGV[i]; v = ""; first = 1
			while ((getline l <f) > 0) { v = first ? l : v " " l; first = 0 }
			close(f)
			gsub(/[ \t]+/, " ", v); sub(/ +$/, "", v)
			n = f; sub(/.*\//, "", n)
			print n " " v
		}
	}' $_files
}

# _selftest_sysctls_restore NAME SAVED: put back what the program left
# changed, one comment each. A program that changes a setting and never
# puts it back would fail the next one for a reason of its own:
# hugetlb-soft-offline leaves vm.enable_soft_offline at 0, and
# memory-failure's soft offline then fails.
_selftest_sysctls_restore() {
	# awk writes the files too: a value may be empty, which a shell
	# read of tab-separated fields would take for no field at all
	_selftest_sysctls | SELFTEST_SAVED=$2 SELFTEST_NAME=$1 SELFTEST_SYSCTL_VM=$SELFTEST_SYSCTL_VM awk '
		BEGIN {
			n = split(ENVIRON["SELFTEST_SAVED"], a, "\n")
			for (i = 1; i <= n; i++) { k = a[i]; sub(/ .*/, "", k); was[k] = substr(a[i], length(k) + 2) }
			dir = ENVIRON["SELFTEST_SYSCTL_VM"]
		}
		{ k = $1; v = substr($0, length(k) + 2) }
		(k in was) && was[k] != v {
			print "# selftest " ENVIRON["SELFTEST_NAME"] " left vm." k " at " v ": put back to " was[k]
			f = dir "/" k
			print was[k] >f
			close(f)
		}'
}

# _selftest_swap_on: a zram device of its own as swap, for an entry that
# swaps out (MADV_PAGEOUT): without swap its cases fail or skip on every
# kernel (khugepaged's swapin and max_ptes_swap). Prints the device's
# number, nothing when the guest has no zram (the entry then runs
# without, and says so).
_selftest_swap_on() {
	local _z
	_z=$(cat "$SELFTEST_ZRAM_CONTROL/hot_add" 2>/dev/null) || return 0
	if echo "$SELFTEST_SWAP_SIZE" >"$SELFTEST_SYS_BLOCK/zram$_z/disksize" &&
		mkswap "/dev/zram$_z" >/dev/null && swapon "/dev/zram$_z"; then
		echo "$_z"
	else
		echo "$_z" >"$SELFTEST_ZRAM_CONTROL/hot_remove" 2>/dev/null
	fi
}

# _selftest_swap_off N: that swap off and its device gone
_selftest_swap_off() {
	swapoff "/dev/zram$1" && echo "$1" >"$SELFTEST_ZRAM_CONTROL/hot_remove"
}
