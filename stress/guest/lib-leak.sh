# Leak checks: kmemleak and the slab baseline (busybox sh).

# --- leaks: kmemleak, in scenarios that boot with kmemleak=on (BOOT_ARGS) -------
# Booted without it, kmemleak is compiled in but off, and costs nothing.
KMEMLEAK=/sys/kernel/debug/kmemleak
leak_wanted() {
	grep -qw "kmemleak=on" /proc/cmdline
}

# leak_begin: forget what boot left unreferenced (not the scenario's doing),
# and count the objects of the slab caches migration allocates from
leak_begin() {
	leak_wanted || return 0
	echo clear >$KMEMLEAK 2>/dev/null || true
	SLAB_BASE=$(slab_counts)
}

# The caches whose objects a migration allocates and must give back: the
# rmap of every moved anonymous folio. Kept apart by slab_nomerge (the
# leak scenarios' BOOT_ARGS), else a cache may be an alias of another.
SLAB_CACHES="anon_vma anon_vma_chain"
# objects that may come and go for other reasons (KASAN's quarantine, RCU)
SLAB_SLACK=256

# slab_counts: "cache active_objs" lines, per-CPU slabs flushed first
slab_counts() {
	local _c
	for _c in $SLAB_CACHES; do
		echo 1 >/sys/kernel/slab/$_c/shrink 2>/dev/null
	done
	awk -v want=" $SLAB_CACHES " 'index(want, " " $1 " ") { print $1, $2 }' /proc/slabinfo
}

# slab_end: each cache back to its baseline, give or take SLAB_SLACK
slab_end() {
	local _c _b _n _now
	sleep 1	# anon_vma is freed after an RCU grace period
	_n=$(slab_counts)
	for _c in $SLAB_CACHES; do
		_b=$(echo "$SLAB_BASE" | awk -v c=$_c '$1 == c { print $2 }')
		_now=$(echo "$_n" | awk -v c=$_c '$1 == c { print $2 }')
		if [ -z "$_b" ] || [ -z "$_now" ]; then
			not_ok "slab $_c back to its baseline" "no cache $_c in /proc/slabinfo"
		elif [ $((_now - _b)) -le $SLAB_SLACK ]; then
			ok "slab $_c back to its baseline ($_b, now $_now)"
		else
			not_ok "slab $_c back to its baseline" "$_b objects at the start, $_now at the end"
		fi
	done
}

# leak_end: two scans (an object must be unreferenced for 5 s to count),
# then any report goes to the console after "BUG: memory leak", as
# syzkaller prints it, so that the triage titles it by its allocator's caller
leak_end() {
	local _r _t0
	leak_wanted || return 0
	slab_end
	_t0=$(cut -d' ' -f1 /proc/uptime)
	if ! echo scan >$KMEMLEAK 2>/dev/null; then
		not_ok "no memory leak (kmemleak)" "booted with kmemleak=on, but kmemleak refuses to scan"
		return
	fi
	sleep 6
	echo scan >$KMEMLEAK
	_r=$(cat $KMEMLEAK)
	echo "# kmemleak: two scans in $(awk -v a="$_t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }') s"
	if [ -z "$_r" ]; then
		ok "no memory leak (kmemleak)"
		return
	fi
	# one line per write, so that every line is one console record, and
	# all from one process (the triage reads a report's stack by caller)
	printf '%s\n' "BUG: memory leak" "$_r" | while IFS= read -r _l; do echo "$_l"; done
	not_ok "no memory leak (kmemleak)"
}
