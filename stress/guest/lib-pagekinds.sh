# Page kinds: every kind of page alone, each in a window (busybox sh).

# --- page kinds (scenarios pagekinds, pinned, zsmalloc) ---------------------------
# Every kind of page that migrates, each with a driver that checks every
# byte: pk_kind names them, pagekinds_run drives a list of them under a
# list of provider modes, one kind_window each.
THP_SYS=/sys/kernel/mm/transparent_hugepage

# mthp_sizes VALUE: every mTHP size below PMD to VALUE, PMD to the opposite
mthp_sizes() {
	local d
	for d in $THP_SYS/hugepages-*kB; do
		[ "$d" = $THP_SYS/hugepages-2048kB ] && continue
		echo "$1" >"$d/enabled"
	done
	if [ "$1" = never ]; then echo inherit >$THP_SYS/hugepages-2048kB/enabled; else echo never >$THP_SYS/hugepages-2048kB/enabled; fi
}

# pk_needs PATTERN...: one of the window kinds (PK_KINDS) matches a PATTERN
pk_needs() {
	local _k _p
	for _k in $PK_KINDS; do
		for _p in "$@"; do
			# shellcheck disable=SC2254 # the patterns are globs
			case $_k in $_p) return 0 ;; esac
		done
	done
	return 1
}

# pk_setup: the devices and filesystems the window kinds need, and only
# those (under TCG the f2fs alone takes seconds): swap on zram1 (the swap
# cache kind), zram0 for the zsmalloc kind, a loop device with the pin
# driver's pattern, a loop device for ext2 of 1K blocks, page-cache
# filesystems; and KSM scanning fast
pk_setup() {
	echo 0 >/proc/sys/kernel/numa_balancing
	echo all >$OFFLOAD/reasons
	pk_needs zram && check "zram0 sized" sh -c 'echo 16M >/sys/block/zram0/disksize'
	if pk_needs swapcache; then
		check "zram1 added" sh -c 'test "$(cat /sys/class/zram-control/hot_add)" = 1'
		check "zram1 is swap" sh -c 'echo 32M >/sys/block/zram1/disksize && mkswap /dev/zram1 >/dev/null && swapon /dev/zram1'
	fi
	if pk_needs 'pin*'; then
		dd if=/dev/zero of=/tmp/pin.img bs=1M count=16 2>/dev/null
		check "pin device" losetup /dev/loop1 /tmp/pin.img
		grep -q "^dma_pinner " /proc/modules || check "dma_pinner loaded" insmod /modules/dma_pinner.ko
		check "pin device holds its pattern" /guest/pin-drive -d /dev/loop1 -s "$(seed_for pin-device)" -i
	fi
	if pk_needs bh; then
		dd if=/dev/zero of=/tmp/bh.img bs=1M count=32 2>/dev/null
		mkdir -p /mnt/bh
		check "buffer-head device" losetup /dev/loop2 /tmp/bh.img
	fi
	# KSM for every kind, not only its own: its scanner is part of the
	# load these windows were measured under (without it, a writeback
	# window of 1 s once moved nothing)
	echo 2000 >/sys/kernel/mm/ksm/pages_to_scan
	echo 20 >/sys/kernel/mm/ksm/sleep_millisecs
	echo 1 >/sys/kernel/mm/ksm/run
	PK_FILE_DIR=""
	if pk_needs file writeback; then
		PK_FILE_DIR=$(pagecache_dir) || PK_FILE_DIR=""
	fi
	# f2fs: page cache without buffer heads (filemap_migrate_folio)
	if pk_needs 'f2fs*' && ! grep -q " /mnt/f2fs " /proc/mounts; then
		dd if=/dev/zero of=/tmp/f2fs.img bs=1M count=0 seek=128 2>/dev/null
		mkdir -p /mnt/f2fs
		check "f2fs on a loop device" sh -c 'losetup /dev/loop3 /tmp/f2fs.img &&
			mkfs.f2fs -q /dev/loop3 >/dev/null 2>&1 && mount -t f2fs /dev/loop3 /mnt/f2fs'
	fi
}

# kprobe_begin FUNC / kprobe_end FUNC: calls of a kernel function in
# between (a kprobe event in a trace instance of its own), e.g. how many
# zsmalloc pages migrated; kprobe_end prints the count (-1: no kprobe)
PK_TRACE=$TRACE/instances/pagekinds
kprobe_begin() {
	grep -q "^p:kprobes/pk_$1 " $TRACE/kprobe_events 2>/dev/null ||
		echo "p:pk_$1 $1" >>$TRACE/kprobe_events 2>/dev/null || return 0
	mkdir -p $PK_TRACE 2>/dev/null
	echo >$PK_TRACE/trace
	echo 1 >$PK_TRACE/events/kprobes/pk_$1/enable
}

kprobe_end() {
	if [ -f $PK_TRACE/events/kprobes/pk_$1/enable ]; then
		echo 0 >$PK_TRACE/events/kprobes/pk_$1/enable
		grep -c "pk_$1:" $PK_TRACE/trace
	else
		echo -1
	fi
}

# pk_kind KIND MODE SECONDS: the driver of one kind
pk_kind() {
	local k=$1 n="pk-$1-$2" t=$3 s mv _zs _batches
	s=$(seed_for "$n")
	# every way of moving a page that migrate-verify has: the reasons
	# syscall, mempolicy_mbind and memory_failure (soft offline)
	mv="/guest/migrate-verify -s $s -t $t -w 1 -n $n -m 0 -H 0 -S 0 -R ${PK_MOVERS:-move_pages,mbind,soft_offline}"
	case $k in
	anon) kind_window $k $mv -m 2 ;;
	thp) kind_window $k $mv -H 4 ;;
	mthp)
		mthp_sizes always
		kind_window $k $mv -T 4
		mthp_sizes never ;;
	shmem) kind_window $k $mv -S 2 ;;
	shmem-thp)
		echo always >$THP_SYS/shmem_enabled
		kind_window $k $mv -S 4
		echo never >$THP_SYS/shmem_enabled ;;
	file)
		if [ -n "$PK_FILE_DIR" ]; then
			kind_window $k $mv -f "$PK_FILE_DIR/$n" -F 2
			rm -f "$PK_FILE_DIR/$n"
		else
			not_ok "$k, provider $2" "no page-cache filesystem"
		fi ;;
	writeback)
		if [ -n "$PK_FILE_DIR" ]; then
			kind_window $k $mv -f "$PK_FILE_DIR/$n" -F 2 -y
			rm -f "$PK_FILE_DIR/$n"
		else
			not_ok "$k, provider $2" "no page-cache filesystem"
		fi ;;
	f2fs | f2fs-writeback)
		# page cache that the batch takes: its syscall batches must reach the core
		_batches=$(offload_reason syscall_or_cpuset calls)
		kind_window $k $mv -f "/mnt/f2fs/$n" -F 2 $([ $k = f2fs-writeback ] && echo -y)
		_batches=$(($(offload_reason syscall_or_cpuset calls) - _batches))
		rm -f "/mnt/f2fs/$n"
		[ "$2" = none ] || PK_F2FS_BATCHES=$((PK_F2FS_BATCHES + _batches)) ;;
	mlock) kind_window $k $mv -L 2 ;;
	ksm) kind_window $k $mv -K 2 ;;
	swapcache) kind_window $k $mv -W 2 ;;
	pin) kind_window $k /guest/pin-drive -d /dev/loop1 -s "$(seed_for pin-device)" -t $t -p 128 -n $n ;;
	pin-thp) kind_window $k /guest/pin-drive -d /dev/loop1 -s "$(seed_for pin-device)" -t $t -p 1024 -H -n $n ;;
	pin-kmod) kind_window $k /guest/pin-drive -d /dev/loop1 -s "$(seed_for pin-device)" -t $t -p 128 -k -n $n ;;
	pin-longterm | pin-longterm-shmem)
		# FOLL_LONGTERM: pages in ZONE_MOVABLE move out first (longterm_pin)
		echo 1 >/sys/module/dma_pinner/parameters/longterm
		kind_window $k /guest/pin-drive -d /dev/loop1 -s "$(seed_for pin-device)" -t $t -p 128 -k \
			$([ $k = pin-longterm-shmem ] && echo -S) -n $n
		echo 0 >/sys/module/dma_pinner/parameters/longterm ;;
	pin-kmod-shmem) kind_window $k /guest/pin-drive -d /dev/loop1 -s "$(seed_for pin-device)" -t $t -p 128 -k -S -n $n ;;
	pin-shmem) kind_window $k /guest/pin-drive -d /dev/loop1 -s "$(seed_for pin-device)" -t $t -p 128 -S -n $n ;;
	pin-shmem-thp)
		echo always >$THP_SYS/shmem_enabled
		kind_window $k /guest/pin-drive -d /dev/loop1 -s "$(seed_for pin-device)" -t $t -p 1024 -H -S -n $n
		echo never >$THP_SYS/shmem_enabled ;;
	zram)
		kprobe_begin zs_page_migrate
		kind_window $k /guest/zram-drive -d /dev/zram0 -s "$s" -t $t -n $n
		_zs=$(kprobe_end zs_page_migrate)
		echo "# $n: zsmalloc pages migrated (zs_page_migrate calls): $_zs"
		[ "$_zs" -lt 0 ] || PK_ZSMALLOC_MOVES=$((PK_ZSMALLOC_MOVES + _zs)) ;;
	bh)
		# a fresh filesystem of 1K blocks each window: four buffer heads a folio
		if mke2fs -b 1024 /dev/loop2 >/dev/null 2>&1 && mount -t ext2 /dev/loop2 /mnt/bh; then
			_batches=$(offload_reason syscall_or_cpuset calls)
			kind_window $k /guest/bh-drive -d /dev/loop2 -m /mnt/bh -s "$s" -t $t -n $n
			_batches=$(($(offload_reason syscall_or_cpuset calls) - _batches))
			check "no folio with buffer heads offloaded ($2: $_batches syscall batches)" test "$_batches" = 0
			umount /mnt/bh
		else
			not_ok "$k, provider $2" "no ext2 with 1K blocks on /dev/loop2"
		fi ;;
	esac
}

# The kinds that the batch must never take (ext2's folios have buffer
# heads; zsmalloc pages are not folios): their windows need not reach it.
PK_UNBATCHED="bh file writeback zram"

# pk_batchable KIND...: those of them that the batch may take
pk_batchable() {
	local _k
	for _k in "$@"; do
		case " $PK_UNBATCHED " in *" $_k "*) ;; *) echo $_k ;; esac
	done
}

# pagekinds_run "KINDS" "MODES": each kind's driver alone under each
# provider mode ("none": no provider), SUITE_duration shared out evenly
pagekinds_run() {
	local PK_KINDS=$1 PK_MODES=$2 mode k q nk=0 nm=0 swap0 ksm0
	for k in $PK_KINDS; do nk=$((nk + 1)); done
	for mode in $PK_MODES; do nm=$((nm + 1)); done
	q=$((SUITE_duration / (nk * nm)))
	[ "$q" -ge 1 ] || q=1
	pk_setup
	PK_ZSMALLOC_MOVES=0 PK_F2FS_BATCHES=0
	swap0=$(awk '$1 == "pswpin" { print $2 }' /proc/vmstat)
	ksm0=$(cat /sys/kernel/mm/ksm/full_scans)
	for mode in $PK_MODES; do
		KIND_MODE=$mode
		[ $mode = none ] || provider_load weights=$mode:100 stall_us_max=20000
		for k in $PK_KINDS; do
			pk_kind $k $mode $q
		done
		if [ $mode != none ]; then
			# (kinds the batch never takes alone need not reach it)
			[ -z "$(pk_batchable $PK_KINDS)" ] ||
				check "the provider was called ($mode)" test "$(provider_stat calls)" -gt 0
			provider_unload
		fi
	done
	echo "# pagekinds: swapped in $(($(awk '$1 == "pswpin" { print $2 }' /proc/vmstat) - swap0)) pages, KSM full scans $(($(cat /sys/kernel/mm/ksm/full_scans) - ksm0)), pages_sharing now $(cat /sys/kernel/mm/ksm/pages_sharing)"
	echo "# pagekinds: mTHP and THP: $(for d in $THP_SYS/hugepages-*kB; do printf '%s %s ' "${d##*-}" "$(cat $d/stats/anon_fault_alloc 2>/dev/null)"; done)"
	if pk_needs swapcache; then
		check "swap cache pages were swapped in" test "$(awk '$1 == "pswpin" { print $2 }' /proc/vmstat)" -gt "$swap0"
		swapoff /dev/zram1
	fi
	! pk_needs f2fs || check "f2fs page cache reached the batch ($PK_F2FS_BATCHES syscall batches)" test "$PK_F2FS_BATCHES" -gt 0
	! pk_needs zram || check "zsmalloc pages were migrated ($PK_ZSMALLOC_MOVES)" test "$PK_ZSMALLOC_MOVES" -gt 0
	! pk_needs mthp || check "mTHP folios below PMD size were allocated" test "$(mthp_allocs)" -gt 0
}

# mthp_allocs: anonymous mTHP folios of the sizes below PMD faulted in so far
mthp_allocs() {
	local d n=0
	for d in $THP_SYS/hugepages-*kB; do
		[ "$d" = $THP_SYS/hugepages-2048kB ] && continue
		# (an order anonymous memory cannot have, 8kB, has no such file)
		[ -r $d/stats/anon_fault_alloc ] && n=$((n + $(cat $d/stats/anon_fault_alloc)))
	done
	echo $n
}
