# Which migration reasons ran and which were offloaded, per window and
# per scenario; the benchmark windows (busybox sh).

# --- reach: which migration reasons ran, and which were offloaded -------------
TRACE=/sys/kernel/tracing
REASONS="compaction memory_failure memory_hotplug syscall_or_cpuset mempolicy_mbind numa_misplaced contig_range longterm_pin demotion damon"

MIGRATE_EVENT=events/migrate/mm_migrate_pages

# reason_hist_begin TRACEDIR: mm_migrate_pages counted by reason from here
# on, by the kernel (a hist trigger on the event of the trace instance
# TRACEDIR): exact counts, none lost to a full buffer, and no event text
# to format and read back (that took seconds of every run under TCG)
reason_hist_begin() {
	# a trigger an interrupted window left (none: the write fails, quietly)
	echo '!hist:keys=reason' >"$1/$MIGRATE_EVENT/trigger" 2>/dev/null
	echo 'hist:keys=reason' >"$1/$MIGRATE_EVENT/trigger"
}

# REASON_NAMES_AWK: an awk function for the programs below,
# reason_names(FORMAT, SYM): SYM[number] = name of every reason in the
# event's format file FORMAT (its __print_symbolic list of reasons, not
# the mode's, printed before it)
REASON_NAMES_AWK='
	function reason_names(format, sym,   line, n, i, part, num, name) {
		while ((getline line <format) > 0) {
			if (line !~ /^print fmt:/) continue
			n = split(substr(line, index(line, "REC->reason,")), part, "{")
			for (i = 2; i <= n; i++) {
				num = part[i]; sub(/^[ \t]*/, "", num); sub(/[ ,].*/, "", num)
				name = part[i]; sub(/^[^"]*"/, "", name); sub(/".*/, "", name)
				sym[num] = name
			}
		}
		close(format)
	}'

# reason_hist_read TRACEDIR: "count reason" lines of the mm_migrate_pages
# calls since reason_hist_begin, named from the event's format
reason_hist_read() {
	awk -v format="$1/$MIGRATE_EVENT/format" "$REASON_NAMES_AWK"'
		BEGIN { reason_names(format, sym) }
		$1 == "{" && $2 == "reason:" && $5 == "hitcount:" {
			print $6, ($3 in sym ? sym[$3] : "reason_" $3)
		}' "$1/$MIGRATE_EVENT/hist"
}

# reason_hist_end TRACEDIR: reason_hist_read, then the trigger removed
reason_hist_end() {
	reason_hist_read "$1"
	echo '!hist:keys=reason' >"$1/$MIGRATE_EVENT/trigger"
}

# reach_begin: count mm_migrate_pages events and offload stats from here on
reach_begin() {
	reason_hist_begin $TRACE || not_ok "mm_migrate_pages counted by reason (a hist trigger)"
	REACH_SNAP=$(cat $OFFLOAD/stats 2>/dev/null)
	REACH_VMSTAT=$(cat /proc/vmstat)
}

# reach_delta REASON COLUMN: growth of an offload stat since reach_begin
reach_delta() {
	stats_delta "$REACH_SNAP" "$1" "$2"
}

# reach_rows COUNTS SNAPSHOT: a line "reason migrations calls folios
# considered" for each of REASONS: its count in COUNTS (reason_hist_end's)
# and the growth of its offload stats since SNAPSHOT ("na" on a tree
# without the stats patch). One awk for every reason: under TCG each
# process the guest starts costs tens of milliseconds, and a process per
# reason and column took seconds of every run
reach_rows() {
	local now="" na=1
	if has_extra stats; then
		now=$(cat $OFFLOAD/stats 2>/dev/null)
		na=0
	fi
	printf '%s\n--\n%s\n--\n%s\n' "$1" "$2" "$now" | awk -v reasons="$REASONS" -v na=$na '
		function grew(r, name) {
			if (na) return "na"
			return v[2, r, col[2, name]] - v[1, r, col[1, name]]
		}
		$0 == "--" { part++; next }
		part == 0 { if (NF == 2) n[$2] = $1; next }
		$1 == "reason" { for (i = 2; i <= NF; i++) col[part, $i] = i; next }
		{ for (i = 2; i <= NF; i++) v[part, $1, i] = $i }
		END {
			k = split(reasons, r, " ")
			for (i = 1; i <= k; i++)
				print r[i], n[r[i]] + 0, grew(r[i], "calls"), grew(r[i], "folios"), grew(r[i], "considered")
		}'
}

# reason_count COUNTS REASON: the count of REASON in reason_hist_end output
reason_count() {
	echo "$1" | awk -v r="$2" '$2 == r { n = $1 } END { print n + 0 }'
}

# reach_end REASON...: each REASON must have migrated since reach_begin;
# no reason outside the offloaded set (the reasons knob) may have been
# offloaded. Prints "REACH: reason migrations calls folios" lines.
reach_end() {
	local r n calls folios considered set leaked="" counts rows
	counts=$(reason_hist_end $TRACE)
	set=",$(offload_reason_set | tr -d '\n'),"
	rows=$(reach_rows "$counts" "$REACH_SNAP")
	while read -r r n calls folios considered; do
		echo "REACH: $r migrations=$n offload_calls=$calls offload_folios=$folios considered=$considered"
		case $set in
		*,$r,* | *,all,*) ;;
		*) [ "$calls" = 0 ] || [ "$calls" = na ] || leaked="$leaked $r($calls)" ;;
		esac
	done <<ROWS
$rows
ROWS
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
# run's hist trigger, also per reason, "reasons=r:n,..."), offload calls
# and folios, and the guest seconds, on a "KIND:" line that the host
# gathers into kinds.txt. KIND_MODE names the provider mode of the window.
# The counts are the growth of the run's counters across the window, read
# by one cat and shell builtins and told apart by one awk: under TCG a
# process the guest starts costs tenths of a second, and a hist trigger of
# the window's own, added and removed, cost seconds of every window.
kind_window() {
	local _k=$1 _before
	shift
	window_sample
	_before=$WINDOW_SAMPLE
	drive "$_k, provider ${KIND_MODE:-none}" "$@"
	window_sample
	window_line "$_k" "${KIND_MODE:-none}" "$_before" "$WINDOW_SAMPLE"
}

# window_sample: WINDOW_SAMPLE = the guest's uptime, the run's hist of
# migrate_pages by reason (run_reach_begin's trigger) and the offload
# core's counters, each line prefixed with where it came from. One
# process: the hist is read by cat, because busybox's read builtin polls
# its input first, and a hist file's poll waits for the event's next hit.
window_sample() {
	local _l _h
	read -r _l _ </proc/uptime
	WINDOW_SAMPLE="uptime $_l"
	if _h=$(cat $RUN_TRACE/$MIGRATE_EVENT/hist 2>/dev/null); then
		while IFS= read -r _l; do
			WINDOW_SAMPLE="$WINDOW_SAMPLE
hist $_l"
		done <<HIST
$_h
HIST
	fi
	has_extra stats || return 0
	while IFS= read -r _l; do
		WINDOW_SAMPLE="$WINDOW_SAMPLE
stats $_l"
	done <$OFFLOAD/stats
}

# window_line KIND MODE BEFORE AFTER: the KIND: line from two samples
# (window_sample's); "na" for what the samples lack (no run trigger, a
# tree without the stats)
window_line() {
	local _na=1
	has_extra stats && _na=0
	awk -v kind="$1" -v mode="$2" -v na=$_na -v format="$RUN_TRACE/$MIGRATE_EVENT/format" "$REASON_NAMES_AWK"'
		function grew(name) {
			if (na) return "na"
			return total[1, col[1, name]] - total[0, col[0, name]]
		}
		BEGIN { after = 0; reason_names(format, sym) }
		$0 == "--" { after = 1; next }
		$1 == "uptime" { up[after] = $2; next }
		$1 == "hist" { hist[after] = 1 }
		$1 == "hist" && $2 == "{" && $3 == "reason:" && $6 == "hitcount:" {
			hits[after, $4] = $7
			if ($4 + 0 > top) top = $4 + 0
			next
		}
		$1 == "stats" && !header[after]++ { for (i = 2; i <= NF; i++) col[after, $i] = i; next }
		$1 == "stats" && $2 == "total" { for (i = 3; i <= NF; i++) total[after, i] = $i }
		END {
			migrations = 0; reasons = ""
			for (r = 0; r <= top; r++) {
				d = hits[1, r] - hits[0, r]
				if (d <= 0) continue
				migrations += d
				reasons = reasons (reasons == "" ? "" : ",") ((r in sym) ? sym[r] : "reason_" r) ":" d
			}
			if (!((0 in hist) && (1 in hist))) migrations = reasons = "na"
			printf "KIND: kind=%s mode=%s seconds=%.1f migrations=%s offload_calls=%s offload_folios=%s reasons=%s\n",
				kind, mode, up[1] - up[0], migrations, grew("calls"), grew("folios"), reasons == "" ? "none" : reasons
		}' <<SAMPLES
$3
--
$4
SAMPLES
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
	# the page-cache filesystem first (seconds under TCG), so that every
	# mover starts at once and ends at once, none of them seconds late
	[ "$_n" = 1 ] || pagecache_dir >/dev/null || :
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
# (the top-level instance's hist trigger) do not disturb it. Every scenario reports its
# migrations per reason ("REACH-RUN:" lines) and fails for a reason it
# claims in REACHES that never migrated.
RUN_TRACE=$TRACE/instances/suite
run_reach_begin() {
	mkdir -p $RUN_TRACE 2>/dev/null
	reason_hist_begin $RUN_TRACE || not_ok "mm_migrate_pages counted by reason over the run (a hist trigger)"
	RUN_SNAP=$(cat $OFFLOAD/stats 2>/dev/null)
}

# (the run's trigger stays: the run is ending, and removing a trigger
# takes seconds under TCG)
run_reach_end() {
	local r n counts calls folios considered rows
	counts=$(reason_hist_read $RUN_TRACE)
	rows=$(reach_rows "$counts" "$RUN_SNAP")
	while read -r r n calls folios considered; do
		[ "$n" = 0 ] && { [ "$calls" = 0 ] || [ "$calls" = na ]; } && continue
		echo "REACH-RUN: $r migrations=$n offload_calls=$calls offload_folios=$folios"
	done <<ROWS
$rows
ROWS
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
