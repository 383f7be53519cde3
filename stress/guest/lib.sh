# KTAP output and small helpers for scenario scripts (busybox sh).
# A scenario calls ok/not_ok per test point; ktap_end prints the plan and
# the totals, and its status is the scenario's.

KTAP_N=0
KTAP_FAILED=0

ktap_begin() {
	echo "KTAP version 1"
	echo "# Subtest: $1"
}

# ok DESCRIPTION
ok() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $*"
}

# not_ok DESCRIPTION [DIAGNOSTIC...]
not_ok() {
	local _desc=$1 _line
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	shift
	# every line of a diagnostic is a KTAP comment, even a multi-line one
	for _line in "$@"; do
		printf '%s\n' "$_line" | sed 's/^/# /'
	done
	echo "not ok $KTAP_N $_desc"
}

# check DESCRIPTION COMMAND...: a test point from a command's status
check() {
	local _desc=$1
	shift
	if "$@"; then ok "$_desc"; else not_ok "$_desc" "failed: $*"; fi
}

ktap_end() {
	echo "1..$KTAP_N"
	echo "# totals: pass:$((KTAP_N - KTAP_FAILED)) fail:$KTAP_FAILED"
	[ "$KTAP_FAILED" = 0 ]
}

# skip DESCRIPTION REASON: a test point this tree cannot be checked on
skip() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
}

# --- what the tree under test has -------------------------------------------------
# suite.api and suite.extras on the command line: the host's reading of the
# tree's headers (scripts/detect-api.sh). What needs one of the suite's own
# patches on top of the series is a "# SKIP" on a tree without it, never a
# pass; a tree said to have it whose files are missing fails
# (tree_extras_check).
has_extra() {
	case ",${SUITE_extras:-stats,kunit}," in
	*",$1,"*) return 0 ;;
	esac
	return 1
}

NO_STATS="the tree has no offload counters (no stats patch of the suite: suite.extras=${SUITE_extras:-})"

# check_core DESCRIPTION COMMAND...: a test point on the offload core's own
# counters (the stats patch)
check_core() {
	if has_extra stats; then check "$@"; else skip "$1" "$NO_STATS"; fi
}

tree_extras_check() {
	has_extra stats || return 0
	check "the stats patch's debugfs files are there" test -f $OFFLOAD/stats -a -f $OFFLOAD/active -a -f $OFFLOAD/reasons
}

# offload_reasons LIST: the reasons offloaded from now on ("syscall" stands
# for syscall_or_cpuset). With the stats patch, its filter; without, the
# provider's own reason mask through the API (set_reason_mask() once
# fault_provider is loaded, its reasons= parameter when provider_load
# loads it); v5 has neither, and keeps its fixed set
offload_reasons() {
	local _l="" _t
	if has_extra stats; then
		echo "$1" >$OFFLOAD/reasons
		return
	fi
	if [ "${SUITE_api:-}" != v6 ]; then
		echo "# reasons: API ${SUITE_api:-?} gives a migrator no reasons of its own: left as the tree has them" >&2
		return
	fi
	for _t in $(echo "$1" | tr ',' ' '); do
		[ "$_t" = syscall ] && _t=syscall_or_cpuset
		_l="$_l${_l:+,}$_t"
	done
	PROVIDER_REASONS=$_l
	[ -f $FP/reasons ] && echo "$_l" >$FP/reasons
}

# offload_reason_set: the reasons offloaded now, comma-separated
offload_reason_set() {
	if has_extra stats; then
		cat $OFFLOAD/reasons
	else
		cat $FP/reasons 2>/dev/null || echo "${PROVIDER_REASONS:-all}"
	fi
}

# active_is NAME|none: the migrator the core has. With the stats patch, its
# active file; without, the module reference a registration holds (the
# owner rule): NAME holds one, and for none no provider module of the
# suite does
SUITE_PROVIDERS="fault_provider mt_provider rival odd_register reg_race"
active_is() {
	if has_extra stats; then
		grep -qx "$1" $OFFLOAD/active
	elif [ "$1" = none ]; then
		! awk -v l=" $SUITE_PROVIDERS " 'index(l, " " $1 " ") && $3 > 0 { f = 1 } END { exit !f }' /proc/modules
	else
		awk -v m="$1" '$1 == m && $3 > 0 { f = 1 } END { exit !f }' /proc/modules
	fi
}

# --- the suite's modules, as this tree could build them ----------------------------
# The host leaves out a module that calls what the kernel does not export
# and names it with what it misses (suite.unbuilt=NAME:SYM+SYM,...; see
# scripts/build-modules.sh). A scenario needs a module where it loads it:
# insmod of a left-out one is a "# SKIP" that ends the scenario. A module
# missing for no such reason ends it as a failure, and one that is there
# goes to the real insmod, whose failure stays the scenario's to judge.
module_unbuilt() { # NAME: the symbols it misses; fails if it was built
	echo ",${SUITE_unbuilt:-}," | tr ',' '\n' | sed -n "s/^$1://p" | tr '+' ' ' | grep .
}

insmod_real() {
	command insmod "$@"
}

insmod() {
	local _m="" _why="" _self="" _rest=""
	case $1 in
	*.ko) [ -e "$1" ] || _m=$(basename "$1" .ko) ;;
	esac
	[ -n "$_m" ] || { insmod_real "$@"; return; }
	if ! _why=$(module_unbuilt "$_m"); then
		not_ok "$_m.ko is in the initramfs" "not built, and not named as unbuildable (suite.unbuilt=${SUITE_unbuilt:-})"
	else
		skip "$SUITE_scenario needs $_m.ko" "not built for this tree: the kernel does not export $_why"
	fi
	# the scenario ends here, but an exit from a subshell would read as a
	# module loaded: there it is a failed insmod
	read -r _self _rest </proc/self/stat
	[ "$_self" = $$ ] || return 1
	ktap_end
	exit
}

# --- seeds: everything random comes from the run's master seed --------------
# seed_for LABEL: the seed of one consumer (a driver, the provider,
# stress-ng); named, so that a new consumer does not shift the others. The
# derivation goes to the console, so a reader can rerun one driver alone.
seed_for() {
	local _s
	_s=$(/guest/seed-derive "$SUITE_seed" "$1")
	echo "# seed $1=$_s" >&2
	echo "$_s"
}

# rand_below LABEL STEP N: the STEP-th draw in [0, N) of a scenario's loop
rand_below() {
	/guest/seed-derive "$SUITE_seed" "$1" "$2" "$3"
}

# --- the offload core's counters ----------------------------------------------
OFFLOAD=/sys/kernel/debug/migrate_offload

# offload_total COLUMN: a column of the "total" row of the stats file
offload_total() {
	awk -v col="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
		$1 == "total" { print $c }' $OFFLOAD/stats
}

# offload_reason REASON COLUMN
offload_reason() {
	awk -v r="$1" -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
		$1 == r { print $c }' $OFFLOAD/stats
}

# The accounting identities of the stats file, on every row
check_offload_identity() {
	local bad
	if ! has_extra stats; then
		skip "offload accounting: calls = offloaded + declined + failed, folios = provider + cpu" "$NO_STATS"
		return
	fi
	bad=$(awk 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$(c["calls"]) != $(c["offloaded"]) + $(c["declined"]) + $(c["failed"]) ||
		$(c["folios"]) != $(c["provider"]) + $(c["cpu"]) { print }' $OFFLOAD/stats)
	if [ -z "$bad" ]; then
		ok "offload accounting: calls = offloaded + declined + failed, folios = provider + cpu"
	else
		not_ok "offload accounting: calls = offloaded + declined + failed, folios = provider + cpu" "$bad"
	fi
}

# --- the fault provider -----------------------------------------------------------
FP=/sys/kernel/debug/fault_provider

# provider_load PARAM=VALUE...: load fault_provider with the run's seed
# (and the reasons offload_reasons asked for, on a tree without the filter)
provider_load() {
	if insmod /modules/fault_provider.ko seed="$(seed_for fault_provider)" \
		${PROVIDER_REASONS:+reasons=$PROVIDER_REASONS} "$@"; then
		ok "fault_provider loaded ($*)"
	else
		not_ok "fault_provider loaded ($*)"
	fi
}

# stat_of FILE KEY: the value of KEY in a "key value" stats file
stat_of() {
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}

provider_stat() {
	stat_of $FP/stats "$1"
}

# provider_unload: unregister, then rmmod must succeed (no leaked reference)
provider_unload() {
	echo 0 >$FP/registered
	cp $FP/log /tmp/fault_provider.log 2>/dev/null
	echo "# fault_provider: $(tr '\n' ' ' <$FP/stats)"
	check "no invariant broken in the provider" test "$(provider_stat violations)" = 0
	check "rmmod fault_provider after unregister" rmmod fault_provider
}

# pagecache_dir: a real filesystem for file-backed page cache (ext2 on a
# loop device over a tmpfs file), mounted once per boot; prints its path
PAGECACHE=/mnt/pagecache
pagecache_dir() {
	if ! grep -q " $PAGECACHE " /proc/mounts; then
		mkdir -p $PAGECACHE
		dd if=/dev/zero of=/tmp/pagecache.img bs=1M count=32 2>/dev/null &&
			losetup /dev/loop0 /tmp/pagecache.img &&
			mke2fs /dev/loop0 >/dev/null 2>&1 &&
			mount -t ext2 /dev/loop0 $PAGECACHE || {
			echo "# no page-cache filesystem: file-backed pages not driven" >&2
			return 1
		}
	fi
	echo $PAGECACHE
}

# migrate_verify ARGS...: the integrity driver, as a test point of its own,
# with 4 MB of file-backed page cache besides its anonymous and shmem pages
migrate_verify() {
	local _pc _f="" _rc=0
	_pc=$(pagecache_dir) && _f=$(mktemp -p "$_pc" mv.XXXXXX)
	/guest/migrate-verify -s "$(seed_for migrate-verify)" ${_f:+-f "$_f" -F 4} "$@" || _rc=$?
	[ -n "$_f" ] && rm -f "$_f"
	if [ $_rc = 0 ]; then ok "migrate-verify"; else not_ok "migrate-verify"; fi
}

# offload_snapshot; ...; offload_delta COLUMN: growth of a "total" column
offload_snapshot() {
	OFFLOAD_SNAP=$(cat $OFFLOAD/stats 2>/dev/null)
}

# (prints "na" on a tree without the counters: check_core skips what uses it)
offload_delta() {
	local now before
	has_extra stats || { echo na; return; }
	now=$(offload_total "$1")
	before=$(echo "$OFFLOAD_SNAP" | awk -v col="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i }
		$1 == "total" { print $c }')
	echo $((now - ${before:-0}))
}

# --- reach: which migration reasons ran, and which were offloaded -------------
TRACE=/sys/kernel/tracing
REASONS="compaction memory_failure memory_hotplug syscall_or_cpuset mempolicy_mbind numa_misplaced contig_range longterm_pin demotion damon"

# migrations_trace_begin: mm_migrate_pages events from here on, in the
# top-level trace buffer (emptied)
migrations_trace_begin() {
	echo 0 >$TRACE/tracing_on
	echo 8192 >$TRACE/buffer_size_kb
	echo >$TRACE/trace
	echo 1 >$TRACE/events/migrate/mm_migrate_pages/enable
	echo 1 >$TRACE/tracing_on
}

# reach_begin: count mm_migrate_pages events and offload stats from here on
reach_begin() {
	migrations_trace_begin
	REACH_SNAP=$(cat $OFFLOAD/stats 2>/dev/null)
	REACH_VMSTAT=$(cat /proc/vmstat)
}

# reach_delta REASON COLUMN: growth of an offload stat since reach_begin
reach_delta() {
	stats_delta "$REACH_SNAP" "$1" "$2"
}

# trace_reason_counts TRACE_FILE: "count reason" lines of its mm_migrate_pages events
trace_reason_counts() {
	sed -n 's/.*mm_migrate_pages:.* reason=\([a-z_]*\)$/\1/p' "$1" | sort | uniq -c
}

# reason_count COUNTS REASON: the count of REASON in trace_reason_counts output
reason_count() {
	echo "$1" | awk -v r="$2" '$2 == r { n = $1 } END { print n + 0 }'
}

# reach_end REASON...: each REASON must have migrated since reach_begin;
# no reason outside the offloaded set (the reasons knob) may have been
# offloaded. Prints "REACH: reason migrations calls folios" lines.
reach_end() {
	local r n calls set leaked="" counts
	echo 0 >$TRACE/events/migrate/mm_migrate_pages/enable
	set=",$(offload_reason_set | tr -d '\n'),"
	# one pass over the trace buffer: "reason count" lines
	counts=$(trace_reason_counts $TRACE/trace)
	for r in $REASONS; do
		n=$(reason_count "$counts" $r)
		calls=$(reach_delta $r calls)
		echo "REACH: $r migrations=$n offload_calls=$calls offload_folios=$(reach_delta $r folios) considered=$(reach_delta $r considered)"
		case $set in
		*,$r,* | *,all,*) ;;
		*) [ "$calls" = 0 ] || [ "$calls" = na ] || leaked="$leaked $r($calls)" ;;
		esac
	done
	for r in "$@"; do
		n=$(reason_count "$counts" $r)
		if [ "$n" -gt 0 ]; then ok "reached $r ($n migrate_pages calls)"; else not_ok "reached $r"; fi
	done
	if ! has_extra stats; then
		skip "no reason outside the offloaded set was offloaded" "$NO_STATS"
	elif [ -z "$leaked" ]; then
		ok "no reason outside the offloaded set was offloaded"
	else
		not_ok "no reason outside the offloaded set was offloaded" "offloaded:$leaked; set: $set"
	fi
	echo "# vmstat: $(echo "$REACH_VMSTAT" | awk 'NR == FNR { b[$1] = $2; next }
		$1 ~ /^(pgmigrate_success|pgmigrate_fail|compact_migrate_scanned|numa_pages_migrated|pgdemote_kswapd|pgdemote_direct|thp_migration_success)$/ {
		printf "%s +%d ", $1, $2 - b[$1] }' - /proc/vmstat)"
}

# kind_window KIND COMMAND...: one page kind's driver alone, as a test
# point, with what it moved: migrate_pages calls of every reason (the
# tracepoint, top-level buffer; also per reason, "reasons=r:n,..."),
# offload calls and folios, and the guest seconds, on a "KIND:" line that
# the host gathers into kinds.txt.
# KIND_MODE names the provider mode of the window.
kind_window() {
	local _k=$1 _t0 _t1 _n
	shift
	migrations_trace_begin
	offload_snapshot
	_t0=$(cut -d' ' -f1 /proc/uptime)
	drive "$_k, provider ${KIND_MODE:-none}" "$@"
	_t1=$(cut -d' ' -f1 /proc/uptime)
	echo 0 >$TRACE/events/migrate/mm_migrate_pages/enable
	_n=$(grep -c 'mm_migrate_pages:' $TRACE/trace)
	echo "KIND: kind=$_k mode=${KIND_MODE:-none} seconds=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.1f", b - a }') migrations=$_n offload_calls=$(offload_delta calls) offload_folios=$(offload_delta folios) reasons=$(trace_reason_counts $TRACE/trace | awk '{ printf "%s%s:%d", (NR > 1 ? "," : ""), $2, $1 } END { if (!NR) printf "none" }')"
}

# drive NAME COMMAND...: a guest driver as a test point
drive() {
	local _name=$1
	shift
	if "$@"; then ok "$_name"; else not_ok "$_name"; fi
}

# migrate_verify_movers ARGS...: migrate_verify, and with MOVERS=per-cpu in
# the scenario's header one more migrate-verify per other vCPU, so that
# copies (and the provider's callback) run on every CPU at once. The extra
# movers do not check placement (-P): their memory pressure may make
# compaction move pages under the first one's feet too.
migrate_verify_movers() {
	local _n=1 _i=1 _pids=""
	[ "$MOVERS" = per-cpu ] && _n=$(grep -c '^processor' /proc/cpuinfo)
	while [ $_i -lt "$_n" ]; do
		/guest/migrate-verify -s "$(seed_for "migrate-verify-$_i")" -n "migrate-verify-$_i" -P "$@" &
		_pids="$_pids $!"
		_i=$((_i + 1))
	done
	migrate_verify "$@"
	_i=1
	for _p in $_pids; do
		waited "$_p" "migrate-verify-$_i"
		_i=$((_i + 1))
	done
}

# waited PID NAME: a job started with & as a test point, once it has ended
waited() {
	if wait "$1"; then ok "$2"; else not_ok "$2"; fi
}

# --- registration races (faultmods/reg_race.c) -----------------------------------
# reg_race_run [PARAM=V...]: reg_race.ko, one racer (its own migrator) per
# vCPU, registering and unregistering for most of the duration while
# migrate-verify moves pages with NUMA balancing off (so that the batches
# are syscall ones, which every tree offloads); then each racer's summary,
# and at least two racers registered (a race took place)
reg_race_run() {
	local secs=$((SUITE_duration - 8)) mv_pid n want i
	[ $secs -ge 5 ] || secs=5
	echo 0 >/proc/sys/kernel/numa_balancing
	/guest/migrate-verify -s "$(seed_for mv-reg-race)" -t $((secs + 8)) -w 1 -n mv-reg-race &
	mv_pid=$!
	sleep 1
	check "reg_race loaded" insmod /modules/reg_race.ko seed="$(seed_for reg-race)" seconds=$secs "$@"
	want=$(dmesg | sed -n 's/.*reg_race: \([0-9]*\) racers for.*/\1/p' | tail -1)
	# the racers stop by themselves: a last round may hold 4 s more
	i=0
	while [ $i -lt $((secs + 30)) ]; do
		n=$(dmesg | grep -c 'reg_race: reg_race_[0-9]*: [0-9]* registrations')
		[ "$n" -ge "${want:-2}" ] && break
		sleep 1
		i=$((i + 1))
	done
	dmesg | grep 'reg_race: reg_race_[0-9]*: ' | sed 's/^.*reg_race: /# /'
	check "every racer ended ($n of ${want:-?})" test "$n" -ge "${want:-2}"
	waited $mv_pid "migrate-verify during the registration race"
	n=$(dmesg | grep -c 'reg_race: reg_race_[0-9]*: [1-9][0-9]* registrations')
	check "at least two racers registered ($n)" test "$n" -ge 2
	check "reg_race unloaded" rmmod reg_race
	check "no migrator left active" active_is none
}

# --- benchmark windows (make bench) ---------------------------------------------
# bench_begin; ...; bench_end NAME: one "BENCH: window" line with the guest
# seconds and what the offload core and fault_provider counted in between
bench_begin() {
	BENCH_T0=$(cut -d' ' -f1 /proc/uptime)
	offload_snapshot
}

bench_end() {
	local t1 fp=""
	t1=$(cut -d' ' -f1 /proc/uptime)
	[ -f $FP/stats ] && fp="in_flight=$(provider_stat unregister_in_flight) partial=$(provider_stat mode_partial) stalls=$(provider_stat mode_stall)"
	echo "BENCH: window name=$1 seconds=$(awk -v a="$BENCH_T0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') calls=$(offload_delta calls) offloaded=$(offload_delta offloaded) declined=$(offload_delta declined) failed=$(offload_delta failed) folios=$(offload_delta folios) cpu=$(offload_delta cpu) $fp"
}

# --- reach over the whole scenario (run-scenario calls these) ----------------------
# A trace instance of its own, so that a scenario's reach_begin/reach_end
# (the top-level buffer) do not disturb it. Every scenario reports its
# migrations per reason ("REACH-RUN:" lines) and fails for a reason it
# claims in REACHES that never migrated.
RUN_TRACE=$TRACE/instances/suite
run_reach_begin() {
	mkdir -p $RUN_TRACE 2>/dev/null
	echo 4096 >$RUN_TRACE/buffer_size_kb
	echo 1 >$RUN_TRACE/events/migrate/mm_migrate_pages/enable
	RUN_SNAP=$(cat $OFFLOAD/stats 2>/dev/null)
}

run_reach_end() {
	local r n counts calls folios lost
	echo 0 >$RUN_TRACE/events/migrate/mm_migrate_pages/enable
	counts=$(trace_reason_counts $RUN_TRACE/trace)
	lost=$(awk '/^# entries-in-buffer/ { split($3, a, "/"); print a[2] - a[1] }' $RUN_TRACE/trace)
	[ "${lost:-0}" -gt 0 ] 2>/dev/null && echo "# reach: $lost trace events overwritten, counts are lower bounds"
	for r in $REASONS; do
		n=$(reason_count "$counts" $r)
		calls=$(stats_delta "$RUN_SNAP" $r calls)
		folios=$(stats_delta "$RUN_SNAP" $r folios)
		[ "$n" = 0 ] && { [ "$calls" = 0 ] || [ "$calls" = na ]; } && continue
		echo "REACH-RUN: $r migrations=$n offload_calls=$calls offload_folios=$folios"
	done
	for r in "$@"; do
		n=$(reason_count "$counts" $r)
		if [ "$n" -gt 0 ]; then ok "scenario reached $r"; else not_ok "scenario reached $r"; fi
	done
}

# stats_delta SNAPSHOT REASON COLUMN: growth of a stats cell since SNAPSHOT
# ("na" on a tree without the counters)
stats_delta() {
	has_extra stats || { echo na; return; }
	{ echo "$1"; echo "--"; cat $OFFLOAD/stats; } | awk -v r="$2" -v col="$3" '
		$1 == "--" { after = 1; next }
		$1 == "reason" { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		$1 == r { if (after) now = $c; else before = $c }
		END { print now - before }'
}

# bench_quiet: no migrations but the benchmark's own (NUMA balancing off),
# and free memory compacted, so that THP targets are found alike each run
bench_quiet() {
	echo 0 >/proc/sys/kernel/numa_balancing
	echo 1 >/proc/sys/vm/compact_memory
}

# --- the provider skeleton -----------------------------------------------------
# provider_scenario: the body of every scenario that differs from the others
# only in what fault_provider does (PROVIDER: its module parameters) and in
# what it checks afterwards (an optional checks() function, and an
# optional prepare() that runs before the provider is loaded): load the
# provider, migrate with every byte checked (VERIFY_ARGS: more options of
# migrate-verify), the scenario's checks, the books, unload.
provider_scenario() {
	if command -v prepare >/dev/null 2>&1; then prepare; fi
	provider_load $PROVIDER
	offload_snapshot
	migrate_verify_movers -t "$SUITE_duration" -w 1 $VERIFY_ARGS
	check "the provider was called" test "$(provider_stat calls)" -gt 0
	if command -v checks >/dev/null 2>&1; then checks; fi
	check_offload_identity
	provider_unload
}

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

# pk_setup: swap on zram1 (the swap cache kind), zram0 for the zsmalloc
# kind, a loop device with the pin driver's pattern, KSM scanning fast
pk_setup() {
	echo 0 >/proc/sys/kernel/numa_balancing
	echo all >$OFFLOAD/reasons
	check "zram0 sized" sh -c 'echo 16M >/sys/block/zram0/disksize'
	check "zram1 added" sh -c 'test "$(cat /sys/class/zram-control/hot_add)" = 1'
	check "zram1 is swap" sh -c 'echo 32M >/sys/block/zram1/disksize && mkswap /dev/zram1 >/dev/null && swapon /dev/zram1'
	dd if=/dev/zero of=/tmp/pin.img bs=1M count=16 2>/dev/null
	check "pin device" losetup /dev/loop1 /tmp/pin.img
	grep -q "^dma_pinner " /proc/modules || check "dma_pinner loaded" insmod /modules/dma_pinner.ko
	check "pin device holds its pattern" /guest/pin-drive -d /dev/loop1 -s "$(seed_for pin-device)" -i
	dd if=/dev/zero of=/tmp/bh.img bs=1M count=32 2>/dev/null
	mkdir -p /mnt/bh
	check "buffer-head device" losetup /dev/loop2 /tmp/bh.img
	echo 2000 >/sys/kernel/mm/ksm/pages_to_scan
	echo 20 >/sys/kernel/mm/ksm/sleep_millisecs
	echo 1 >/sys/kernel/mm/ksm/run
	PK_FILE_DIR=$(pagecache_dir) || PK_FILE_DIR=""
	# f2fs: page cache without buffer heads (filemap_migrate_folio)
	if ! grep -q " /mnt/f2fs " /proc/mounts; then
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
	case " $PK_KINDS " in *" swapcache "*) check "swap cache pages were swapped in" test "$(awk '$1 == "pswpin" { print $2 }' /proc/vmstat)" -gt "$swap0" ;; esac
	case " $PK_KINDS " in *" f2fs "*) check "f2fs page cache reached the batch ($PK_F2FS_BATCHES syscall batches)" test "$PK_F2FS_BATCHES" -gt 0 ;; esac
	case " $PK_KINDS " in *" zram "*) check "zsmalloc pages were migrated ($PK_ZSMALLOC_MOVES)" test "$PK_ZSMALLOC_MOVES" -gt 0 ;; esac
	case " $PK_KINDS " in *" mthp "*) check "mTHP folios below PMD size were allocated" test "$(mthp_allocs)" -gt 0 ;; esac
	swapoff /dev/zram1
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

# --- stress-ng (Debian unstable's, /opt/stress-ng) --------------------------------
# sng NAME SECONDS OPTION...: one stress-ng run with --verify, seeded from
# the run's seed; fails on any exit but 0, with the end of its log
# (/tmp/sng-NAME.log) as the diagnostic
sng() {
	local name=$1 secs=$2 rc=0
	shift 2
	stress-ng --seed "$(seed_for "stress-ng-$name")" --timeout "${secs}s" --verify \
		--metrics-brief "$@" </dev/null >/tmp/sng-$name.log 2>&1 || rc=$?
	if [ $rc != 0 ]; then
		echo "# stress-ng $name: exit $rc"
		# its own findings first (pr_fail lines), then how it ended
		{ grep -m4 ' fail: ' /tmp/sng-$name.log; tail -4 /tmp/sng-$name.log; } | sed 's/^/# /'
		return 1
	fi
	sed -n 's/.*metrc: \[[0-9]*\] *\([a-z-]* *[0-9].*\)/# stress-ng: \1/p' /tmp/sng-$name.log | head -3
}

# sng_moved NAME SECONDS OPTION...: sng while pid-mover moves the
# anonymous memory of stress-ng's NAME workers (comm stress-ng-NAME), so
# that the stressor's own --verify checks pages that went through the
# batch; fails when either fails or nothing of theirs moved
sng_moved() {
	local name=$1 mp rc=0
	/guest/pid-mover -c "stress-ng-$name" -t "$2" -s "$(seed_for "pid-mover-$name")" &
	mp=$!
	sng "$@" || rc=1
	wait $mp || rc=1
	return $rc
}
