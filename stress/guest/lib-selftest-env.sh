# The settings around one mm selftest program (stress/guest/lib-selftests.sh
# runs it): the hugetlb pool, the vm sysctls it may leave changed, a swap
# device for an entry that swaps out, a filesystem for one that needs
# page cache other than tmpfs' and memory from a node's movable zone for
# one whose pins should migrate. Busybox sh in the guest; the host's tests
# point the paths elsewhere.

# swap: the size of the zram swap an entry that needs it runs with
SELFTEST_SWAP_SIZE=${SELFTEST_SWAP_SIZE:-256M}
SELFTEST_ZRAM_CONTROL=${SELFTEST_ZRAM_CONTROL:-/sys/class/zram-control}
SELFTEST_SYS_BLOCK=${SELFTEST_SYS_BLOCK:-/sys/block}
# fs: where the filesystem an entry that needs one is mounted, the file
# under it and its size in MB, and the loop devices' control (no such
# file: no filesystem is made)
SELFTEST_FS_MOUNT=${SELFTEST_FS_MOUNT:-/mnt/selftest-fs}
SELFTEST_FS_IMAGE=${SELFTEST_FS_IMAGE:-/tmp/selftest-fs.img}
SELFTEST_FS_MB=${SELFTEST_FS_MB:-128}
SELFTEST_LOOP_CONTROL=${SELFTEST_LOOP_CONTROL:-/dev/loop-control}

# movable: the kernel's zones, and the program that runs another with its
# memory from one node first (stress/prefer-node.c)
SELFTEST_ZONEINFO=${SELFTEST_ZONEINFO:-/proc/zoneinfo}
SELFTEST_PREFER_NODE=${SELFTEST_PREFER_NODE:-/guest/prefer-node}

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

# _selftest_fs_on: a fresh filesystem (4K blocks: large folios on 7.x,
# buffer heads on every page) on a loop device over a sparse file in /tmp
# (SELFTEST_FS_IMAGE), mounted at SELFTEST_FS_MOUNT, for an entry whose
# cases skip on tmpfs (memory-failure's soft offline of page cache,
# gup_longterm's pins of a local file). ext4 where the initramfs has
# e2fsprogs' mkfs.ext4 (extents: gup_longterm's fallocate() needs them),
# else busybox's ext2. Fresh for each program: nothing one leaves (a
# poisoned page's file) meets the next. Prints "DEVICE TYPE", or
# "none: WHY" (the entry then runs in /tmp and its fs cases skip).
_selftest_fs_on() {
	local _dev _img="$SELFTEST_FS_IMAGE" _type=ext2 _mkfs="mke2fs -F -b 4096"
	if command -v mkfs.ext4 >/dev/null 2>&1; then
		_type=ext4
		_mkfs="mkfs.ext4 -q -F -b 4096 -E nodiscard,lazy_itable_init=0,lazy_journal_init=0"
	fi
	[ -e "$SELFTEST_LOOP_CONTROL" ] || { echo "none: no loop devices ($SELFTEST_LOOP_CONTROL)"; return 0; }
	_dev=$(losetup -f) || { echo "none: no free loop device"; return 0; }
	if ! dd if=/dev/zero of="$_img" bs=1M count=0 seek="$SELFTEST_FS_MB" 2>/dev/null ||
		! losetup "$_dev" "$_img"; then
		rm -f "$_img"
		echo "none: $_dev over $_img could not be set up"
		return 0
	fi
	# shellcheck disable=SC2086 # the command and its options, on blanks
	if $_mkfs "$_dev" >/dev/null 2>&1 && mkdir -p "$SELFTEST_FS_MOUNT" &&
		mount -t "$_type" "$_dev" "$SELFTEST_FS_MOUNT"; then
		echo "$_dev $_type"
	else
		losetup -d "$_dev"
		rm -f "$_img"
		echo "none: no $_type could be made and mounted on $_dev"
	fi
}

# _selftest_movable_node: "NODE PAGES" of the node with the largest
# ZONE_MOVABLE (the family boots with movablecore=: the movable zone is at
# the top of each node that has one), nothing when no node has one with
# pages. A program whose memory comes from there first (prefer-node) has
# its FOLL_LONGTERM pins migrate its pages (reason longterm_pin). Run
# anywhere, gup_longterm and cow migrated nothing (node 0 has no movable
# zone), nor on node 1's CPUs (its movable zone is 128 MB, node 2's,
# which has no CPUs, about 1 GB).
_selftest_movable_node() {
	awk '$1 == "Node" && $4 == "Movable" { n = $2; sub(",", "", n) }
		n != "" && $1 == "present" { if ($2 > best) { best = $2; pick = n }; n = "" }
		END { if (pick != "") print pick, best }' "$SELFTEST_ZONEINFO"
}

# _selftest_fs_off DEV: that filesystem unmounted, its device and file gone
_selftest_fs_off() {
	umount "$SELFTEST_FS_MOUNT" && losetup -d "$1" && rm -f "$SELFTEST_FS_IMAGE"
}
