# The fault provider: load, its counters, unload; the migrate-verify
# drivers; the registration races; the provider skeleton (busybox sh).

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
