# The kernel's own mm selftests in the guest (busybox sh), and the one
# reader of their list, stress/selftests/mm.list (the host's
# scripts/build-selftests.sh sources this file for it too, under bash).
#
#   selftest_run NAME   one entry of the list: its program with its
#                       arguments, its needs and its timeout
#
# The program's own KTAP ("TAP version 13", "1..N", "ok 1 ...", "# SKIP")
# becomes a subtest of the scenario's KTAP: indented by four spaces, under
# "# Subtest: selftest-NAME", all printed by one task (the console triage
# names a failing case SCENARIO.selftest-NAME.CASE through it), then one
# test point "selftest-NAME" of the scenario. The host reads, besides:
#   SELFTEST: NAME<TAB>CASE<TAB>ok|fail|skip          a line per case
#   SELFTEST-END: NAME<TAB>pass|fail|skip|timeout<TAB>exit=RC seconds=S cases=N ok=A fail=B skip=C migrations=M
# (M: pages the kernel migrated while the program ran, vmstat's
# pgmigrate_success: the program's own and whatever else ran then)
# A program that prints no KTAP of its own is one case, NAME, from its
# exit status (0 ok, 4 skip as kselftest's KSFT_SKIP, else fail). One
# still running at its timeout is killed with its process group.

SELFTEST_DIR=${SELFTEST_DIR:-/selftests/mm}
SELFTEST_LIST=${SELFTEST_LIST:-$SELFTEST_DIR/mm.list}
SELFTEST_VMSTAT=${SELFTEST_VMSTAT:-/proc/vmstat}
SELFTEST_MEMINFO=${SELFTEST_MEMINFO:-/proc/meminfo}
SELFTEST_OSRELEASE=${SELFTEST_OSRELEASE:-/proc/sys/kernel/osrelease}
# where each program runs (a directory of its own below it); one that
# needs "fs" runs in a filesystem of its own (_selftest_fs_on)
SELFTEST_WORKDIR=${SELFTEST_WORKDIR:-/tmp}
# the keys of a record and the words of its needs
SELFTEST_KEYS="name prog status why needs args timeout skip_on"
# the vmstat counters a failing program's run reports the change of: who
# else moved, split or collapsed its huge pages while it ran (NUMA
# balancing, compaction, khugepaged), to tell a provider's effect from
# the test's own timing
SELFTEST_VMSTAT_WATCH="pgmigrate_success pgmigrate_fail thp_migration_success thp_migration_fail thp_migration_split numa_pages_migrated compact_isolated thp_split_page thp_split_page_failed thp_split_pmd thp_collapse_alloc thp_collapse_alloc_failed"
SELFTEST_NEEDS="thp fs movable hwpoison ksm uffd uring swap lib=numa"

# selftest_records [FILE]: every record as "name<TAB>key<TAB>value"
# lines, prog filled in from the name. A line that is not "key: value",
# an unknown or repeated key, a missing one, a bad value or a name used
# twice is refused: "FILE:LINE: why" on stderr, nothing on stdout, status 1
selftest_records() {
	awk -v f="${1:-$SELFTEST_LIST}" -v keys=" $SELFTEST_KEYS " -v needs=" $SELFTEST_NEEDS " '
		function bad(why, at) { printf "%s:%d: %s\n", f, at ? at : NR, why > "/dev/stderr"; failed = 1; exit 1 }
		function need_ok(w) {
			if (w ~ /^(cpus|nodes|hugepages)=[0-9]+$/) return 1
			return index(needs, " " w " ") > 0
		}
		function done(   k, n, i, w) {
			if (!nk) return
			if (!("name" in v)) bad("a record without a name", start)
			for (k in req) if (!(k in v)) bad("record " v["name"] ": no \"" k "\"", start)
			if (v["status"] != "in" && v["status"] != "out") bad("record " v["name"] ": status is \"in\" or \"out\", not \"" v["status"] "\"", start)
			if (v["status"] == "in" && !("timeout" in v)) bad("record " v["name"] ": an \"in\" record needs a timeout", start)
			if (v["name"] in seen) bad("record " v["name"] ": the name is used twice", start)
			seen[v["name"]] = 1
			if (!("prog" in v)) { v["prog"] = v["name"]; order[++nk] = "prog" }
			n = split(v["needs"], w, " ")
			for (i = 1; i <= n; i++)
				if (!need_ok(w[i]) && !(w[i] == "none" && n == 1))
					bad("record " v["name"] ": unknown need \"" w[i] "\"", start)
			for (i = 1; i <= nk; i++) out = out v["name"] "\t" order[i] "\t" v[order[i]] "\n"
			for (k in v) delete v[k]
			nk = 0
		}
		BEGIN { req["status"]; req["why"]; req["needs"] }
		/^#/ { next }
		/^[ \t]*$/ { done(); next }
		!/^[a-z_]+: [^ ]/ { bad("not a \"key: value\" line: " $0) }
		{
			if (!nk) start = NR
			k = $0; sub(/:.*/, "", k); val = substr($0, length(k) + 3)
			if (index(keys, " " k " ") == 0) bad("unknown key \"" k "\"")
			if (k in v) bad("key \"" k "\" twice in one record")
			if ((k == "name" || k == "prog") && val !~ /^[A-Za-z0-9_-]+$/) bad(k " \"" val "\" is not [A-Za-z0-9_-]")
			if (k == "timeout" && val !~ /^[1-9][0-9]*$/) bad("timeout \"" val "\" is not a number of seconds")
			if (k == "skip_on" && val !~ /^[1-9][0-9]*\.[0-9]+ [^ ]/) bad("skip_on \"" val "\" is not \"VERSION why\" (VERSION as 6.12)")
			v[k] = val; order[++nk] = k
		}
		END { if (failed) exit 1; done(); if (failed) exit 1; printf "%s", out }' "${1:-$SELFTEST_LIST}"
}

# selftest_field NAME KEY [FILE]: one value of an entry, empty when unset
selftest_field() {
	selftest_records "${3:-$SELFTEST_LIST}" | awk -F'\t' -v n="$1" -v k="$2" '$1 == n && $2 == k { print $3 }'
}

# selftest_names in|out [FILE]: the entries of that status, in list order
selftest_names() {
	selftest_records "${2:-$SELFTEST_LIST}" | awk -F'\t' -v s="$1" '$2 == "status" && $3 == s { print $1 }'
}

# selftest_progs [FILE]: the programs of the "in" entries, each once
selftest_progs() {
	selftest_records "${1:-$SELFTEST_LIST}" | awk -F'\t' '
		$2 == "status" { st[$1] = $3 } $2 == "prog" { pr[$1] = $3; o[++n] = $1 }
		END { for (i = 1; i <= n; i++) if (st[o[i]] == "in" && !(pr[o[i]] in s)) { s[pr[o[i]]]; print pr[o[i]] } }'
}

# selftest_unmet NEEDS: why this guest cannot run an entry (its vCPUs or
# NUMA nodes), nothing when it can
selftest_unmet() {
	local _w _have
	for _w in $1; do
		case $_w in
		cpus=*)
			_have=$(grep -c '^processor' /proc/cpuinfo)
			[ "$_have" -ge "${_w#cpus=}" ] || { echo "needs ${_w#cpus=} vCPUs, the guest has $_have"; return; } ;;
		nodes=*)
			_have=$(ls -d /sys/devices/system/node/node[0-9]* 2>/dev/null | wc -l)
			[ "$_have" -ge "${_w#nodes=}" ] || { echo "needs ${_w#nodes=} NUMA nodes, the guest has $_have"; return; } ;;
		esac
	done
}

# selftest_exec TIMEOUT DIR PROG ARGS...: the program in DIR, in a process
# group of its own, its output and then one trailer line
# "@@selftest-exit@@ RC TIMEDOUT SECONDS TIMEOUT". Past TIMEOUT seconds the group
# gets SIGTERM, then SIGKILL; what the program left running is killed when
# it ends, so that the reader of its output sees the end of it.
selftest_exec() {
	local _t=$1 _dir=$2 _pid _st _rc=0 _out=0 _t0 _now
	shift 2
	_t0=$(cut -d. -f1 /proc/uptime)
	(cd "$_dir" && exec setsid "$@") </dev/null 2>&1 &
	_pid=$!
	while :; do
		_st=$(sed 's/.*) \(.\).*/\1/' "/proc/$_pid/stat" 2>/dev/null)
		[ -n "$_st" ] && [ "$_st" != Z ] || break
		_now=$(cut -d. -f1 /proc/uptime)
		if [ $((_now - _t0)) -ge "$_t" ]; then
			_out=1
			kill -TERM -- "-$_pid" 2>/dev/null
			sleep 2
			kill -KILL -- "-$_pid" 2>/dev/null
			break
		fi
		sleep 1
	done
	wait "$_pid" || _rc=$?
	kill -KILL -- "-$_pid" 2>/dev/null
	echo "@@selftest-exit@@ $_rc $_out $(($(cut -d. -f1 /proc/uptime) - _t0)) $_t"
}

# selftest_ktap NAME SUMMARY [POINT]: the filter of selftest_exec's output
# (see the head of this file) for the test point selftest-POINT (default
# NAME); the entry's verdict goes to SUMMARY as
# "MIGRATIONS<TAB>pass|fail|skip|timeout<TAB>why" (MIGRATIONS: vmstat's
# pgmigrate_success at the end less SELFTEST_MIGRATED0). A failing case that SELFTEST_XFAIL
# lists for the entry ("NAME<TAB>CASE<TAB>why" lines: the kernel's own
# failures) is an "ok ... # XFAIL why", result xfail, as kselftest prints
# an expected failure; every other failing case is appended to
# SELFTEST_FAILS as "NAME<TAB>CASE" when that is set. A line for the
# case "(program)" may end in a fourth field, a text of the base's own
# failure: the program failing as a whole is expected only when its
# output has that text (an abort elsewhere is not the base's).
selftest_ktap() {
	awk -v name="$1" -v summary="$2" -v point="${3:-$1}" \
		-v xfail="${SELFTEST_XFAIL:-}" -v fails="${SELFTEST_FAILS:-}" \
		-v vmstat="$SELFTEST_VMSTAT" -v m0="${SELFTEST_MIGRATED0:-0}" '
		function say(s) { print s; fflush() }
		function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); gsub(/\t/, " ", s); return s }
		function result(res, num, desc, dir,   c) {
			c = desc
			if (c == "") { c = dir; sub(/^(SKIP|XFAIL|XPASS|TODO|error)[ :]*/, "", c) }
			c = trim(c)
			if (c == "") c = "case " num
			if (c in used) c = c " #" (++used[c] + 1); else used[c] = 0
			if (res == "fail" && (c in xf)) { res = "xfail"; dir = "XFAIL " xf[c] }
			if (res == "fail" && fails != "") print name "\t" c >>fails
			say(ind (res == "fail" ? "not ok " : "ok ") num " " c (dir == "" ? "" : " # " dir))
			say("SELFTEST: " point "\t" c "\t" res)
			cases++; count[res]++
			if (res == "skip") skipwhy = dir
		}
		BEGIN {
			ind = "    "; say(ind "KTAP version 1"); say(ind "# Subtest: selftest-" point)
			while (xfail != "" && (getline l <xfail) > 0)
				if (split(l, a, "\t") >= 2 && a[1] == name) {
					xf[a[2]] = a[3] == "" ? "expected" : a[3]
					# a later line without one (failed with no provider too) wins
					if (a[4] != "") xtext[a[2]] = a[4]; else delete xtext[a[2]]
				}
		}
		{ sub(/\r$/, "") }
		("(program)" in xtext) && index($0, xtext["(program)"]) { xseen = 1 }
		/^@@selftest-exit@@ / { rc = $2; timedout = $3; secs = $4; limit = $5; ended = 1; next }
		/^K?TAP version [0-9]+$/ && !tap++ { next }
		/^1\.\.[0-9]+/ && !plan { plan = $0; say(ind $0); next }
		/^(not )?ok [0-9]+( |$)/ {
			rest = $0; sub(/^(not )?ok [0-9]+ */, "", rest)
			num = $0; sub(/^(not )?ok /, "", num); sub(/[^0-9].*/, "", num)
			desc = rest; dir = ""
			if (substr(rest, 1, 2) == "# ") { desc = ""; dir = substr(rest, 3) }
			else if ((i = index(rest, " # ")) > 0) { desc = substr(rest, 1, i - 1); dir = substr(rest, i + 3) }
			res = "ok"
			if ($0 ~ /^not ok/) res = "fail"
			else if (dir ~ /^SKIP/) res = "skip"
			result(res, num, trim(desc), trim(dir))
			next
		}
		/^Bail out!/ { bail = $0 }
		/^#/ { say(ind $0); next }
		{ say(ind "# " $0) }
		END {
			if (!ended) { rc = "?"; secs = "?" }
			# no KTAP of its own: one case from the exit status
			if (!cases && plan !~ /^1\.\.0/ && !timedout) {
				if (!plan) say(ind "1..1")
				synth = 1
				result(rc == 0 ? "ok" : rc == 4 ? "skip" : "fail", 1, name, rc == 4 ? "SKIP exit 4" : "")
			}
			if (plan ~ /^1\.\.0 *# *SKIP/) { skipwhy = plan; sub(/^1\.\.0 *# */, "", skipwhy) }
			planned = plan; sub(/^1\.\./, "", planned); sub(/[^0-9].*/, "", planned)
			if (timedout) { v = "timeout"; why = "still running at its timeout (" limit " s): killed, after " secs " s" }
			else if (!ended) { v = "fail"; why = "its output ended without an exit status" }
			else if (count["fail"] && !synth) { v = "fail"; why = count["fail"] " of " cases " cases failed (exit " rc ")" }
			else if (count["xfail"] && (synth || rc == 1)) { v = "pass"; why = count["xfail"] " expected failures (exit " rc ")" }
			else if (rc == 4 || (cases && count["skip"] == cases)) { v = "skip"; why = skipwhy == "" ? "exit 4" : skipwhy; sub(/^SKIP */, "", why) }
			else if (rc != 0) { v = "fail"; why = "exit " rc (bail == "" ? "" : ": " bail) }
			else if (planned != "" && cases < planned + 0) { v = "fail"; why = "exit 0 after " cases " of its " planned " cases" }
			else { v = "pass"; why = "" }
			# the program failed as a whole (a bail out, a crash, a timeout,
			# cases missing), no case of it: the case "(program)" of
			# SELFTEST_XFAIL and SELFTEST_FAILS
			if ((v == "timeout" || v == "fail") && !count["fail"]) {
				if (("(program)" in xf) && (!("(program)" in xtext) || xseen)) { why = xf["(program)"] " (" why ")"; v = "xfail" }
				else {
					if ("(program)" in xtext) why = why ", not the failure of the base: no \"" xtext["(program)"] "\" in its output"
					if (fails != "") print name "\t(program)" >>fails
				}
			}
			m = m0
			while ((getline l <vmstat) > 0)
				if (split(l, a, " ") == 2 && a[1] == "pgmigrate_success") m = a[2]
			m -= m0
			say(ind "# selftest " name ": exit " rc " after " secs " s")
			say("SELFTEST-END: " point "\t" v "\texit=" rc " seconds=" secs " cases=" cases + 0 " ok=" count["ok"] + 0 " fail=" count["fail"] + 0 " skip=" count["skip"] + 0 (count["xfail"] ? " xfail=" count["xfail"] : "") " migrations=" m)
			printf "%d\t%s\t%s\n", m, v, why >summary
		}'
}

# _selftest_get RECORDS NAME KEY: one value out of selftest_records' lines
_selftest_get() {
	printf '%s\n' "$1" | awk -F'\t' -v n="$2" -v k="$3" '$1 == n && $2 == k { print $3 }'
}

# _selftest_vmstat_moved NAME BEFORE: one line, the counters of
# SELFTEST_VMSTAT_WATCH that changed since the copy of vmstat BEFORE
_selftest_vmstat_moved() {
	awk -v name="$1" -v watch=" $SELFTEST_VMSTAT_WATCH " '
		FNR == NR { was[$1] = $2; next }
		index(watch, " " $1 " ") && $2 != was[$1] { s = s " " $1 " " ($2 >= was[$1] ? "+" : "") $2 - was[$1] }
		END { print "# selftest " name ": vmstat while it ran:" (s == "" ? " none of the watched counters changed" : s) }' "$2" "$SELFTEST_VMSTAT"
}

# _selftest_migrations VMSTAT: pages migrated since boot (pgmigrate_success
# of VMSTAT, a copy of vmstat)
_selftest_migrations() {
	awk '$1 == "pgmigrate_success" { print $2 }' "$1"
}

# _selftest_skip_on "VERSION WHY": "on VERSION: WHY" when the running
# kernel is VERSION (its release VERSION, VERSION.N or VERSION-...)
_selftest_skip_on() {
	local _rel _v=${1%% *}
	[ -n "$1" ] || return 0
	read -r _rel <"$SELFTEST_OSRELEASE"
	case $_rel in
	"$_v" | "$_v".* | "$_v"-*) echo "on $_v: ${1#* }" ;;
	esac
}

# selftest_run NAME [PHASE]: one entry of the list, as the scenario's test
# point selftest-NAME, or selftest-NAME-PHASE (the same entry run again,
# under a provider: selftest_scenario) (see the head of this file). An entry that is not built
# for this tree (SELFTEST_DIR/unbuilt says why) or needs more vCPUs or
# nodes than the guest has is a "# SKIP"; an unknown entry or one that is
# out is a failure (the scenario is wrong). Status 0 on pass or skip;
# SELFTEST_MIGRATED: the pages migrated while it ran; SELFTEST_VERDICT:
# pass, xfail, skip, fail or timeout.
selftest_run() {
	local _n=$1 _p=$1${2:+-$2} _sysctls _rec _st _prog _needs _args _t _why _w _hp="" _hp0="" _held _dir _sum _v=fail _vwhy _m0 _swap="" _fs="" _node=""
	SELFTEST_MIGRATED=0 SELFTEST_VERDICT=fail
	_rec=$(selftest_records) || { not_ok "selftest-$_p" "the list $SELFTEST_LIST cannot be read"; return 1; }
	_st=$(_selftest_get "$_rec" "$_n" status)
	if [ "$_st" != in ]; then
		_why="no entry $_n in $SELFTEST_LIST"
		[ -z "$_st" ] || _why="entry $_n is out: $(_selftest_get "$_rec" "$_n" why)"
		not_ok "selftest-$_p" "$_why"
		return 1
	fi
	_prog=$(_selftest_get "$_rec" "$_n" prog)
	_needs=$(_selftest_get "$_rec" "$_n" needs)
	_args=$(_selftest_get "$_rec" "$_n" args)
	_t=$(_selftest_get "$_rec" "$_n" timeout)
	if [ ! -x "$SELFTEST_DIR/$_prog" ]; then
		_why=$(sed -n "s/^$_prog: //p" "$SELFTEST_DIR/unbuilt" 2>/dev/null | head -1)
		_why="not built for this tree: ${_why:-no $SELFTEST_DIR/$_prog}"
	else
		_why=$(_selftest_skip_on "$(_selftest_get "$_rec" "$_n" skip_on)")
		[ -n "$_why" ] || _why=$(selftest_unmet "$_needs")
	fi
	if [ -n "$_why" ]; then
		skip "selftest-$_p" "$_why"
		printf 'SELFTEST-END: %s\tskip\t%s\n' "$_p" "$_why"
		SELFTEST_VERDICT=skip
		return 0
	fi
	_sysctls=$(_selftest_sysctls)
	for _w in $_needs; do
		case $_w in
		hugepages=*) _hp=${_w#hugepages=} ;;
		swap)
			_swap=$(_selftest_swap_on)
			_w="on /dev/zram$_swap ($SELFTEST_SWAP_SIZE)"
			[ -n "$_swap" ] || _w="none: no zram device could be made"
			echo "# selftest $_n: swap $_w" ;;
		fs)
			_fs=$(_selftest_fs_on)
			case $_fs in
			/*) _w="${_fs#* } on ${_fs%% *} at $SELFTEST_FS_MOUNT"; _fs=${_fs%% *} ;;
			*) _w="$_fs, it runs in $SELFTEST_WORKDIR"; _fs="" ;;
			esac
			echo "# selftest $_n: filesystem $_w" ;;
		movable)
			_node=$(_selftest_movable_node)
			_w="from node ${_node%% *} first (its ZONE_MOVABLE: ${_node#* } pages)"
			[ -n "$_node" ] || _w="anywhere: no node has a ZONE_MOVABLE with pages"
			echo "# selftest $_n: its memory $_w" ;;
		esac
	done
	if [ -n "$_hp" ]; then
		_hp0=$(cat "$SELFTEST_HUGEPAGES")
		# N free pages, beyond those an earlier program still holds or
		# poisoned (hugetlb-read-hwpoison's, after its run with no
		# provider, left its provider run ENOMEM)
		_held=$(awk '$1 == "HugePages_Total:" { t = $2 } $1 == "HugePages_Free:" { f = $2 } END { print t - f }' "$SELFTEST_MEMINFO")
		echo $((_hp + ${_held:-0})) >"$SELFTEST_HUGEPAGES"
		echo "# selftest $_n: hugetlb pool of $(cat "$SELFTEST_HUGEPAGES") pages ($_hp asked free, ${_held:-0} held, $_hp0 before)"
	fi
	_dir=$SELFTEST_WORKDIR/selftest-$_p
	[ -z "$_fs" ] || _dir=$SELFTEST_FS_MOUNT/selftest-$_p
	_sum=/tmp/selftest-$_p.summary
	rm -rf "$_dir" "$_sum"
	mkdir -p "$_dir"
	# each program starts from caches dropped and memory compacted: one
	# that fragmented memory (folio_split_race_test) must not leave the next
	# without huge pages (khugepaged: "Failed to allocate huge page")
	[ ! -w "$SELFTEST_SYSCTL_VM/drop_caches" ] || echo 3 >"$SELFTEST_SYSCTL_VM/drop_caches"
	[ ! -w "$SELFTEST_SYSCTL_VM/compact_memory" ] || echo 1 >"$SELFTEST_SYSCTL_VM/compact_memory"
	# the program is in its working directory too, as under kselftest's
	# runner: some exec themselves as ./PROG (ksm_functional_tests)
	ln -s "$SELFTEST_DIR/$_prog" "$_dir/$_prog"
	# one copy of vmstat before it: the migrations' start and the watched
	# counters' (_selftest_vmstat_moved)
	cat "$SELFTEST_VMSTAT" >/tmp/selftest-vmstat0
	_m0=$(_selftest_migrations /tmp/selftest-vmstat0)
	# shellcheck disable=SC2046 # the arguments are split on blanks
	selftest_exec "$_t" "$_dir" ${_node:+"$SELFTEST_PREFER_NODE" "${_node%% *}"} "$SELFTEST_DIR/$_prog" $(echo "$_args" | sed "s|{dir}|$_dir|g") |
		SELFTEST_MIGRATED0=$_m0 selftest_ktap "$_n" "$_sum" "$_p"
	[ -z "$_hp" ] || echo "$_hp0" >"$SELFTEST_HUGEPAGES"
	[ -z "$_swap" ] || _selftest_swap_off "$_swap" ||
		echo "# selftest $_n: swap on /dev/zram$_swap could not be taken off"
	_selftest_sysctls_restore "$_n" "$_sysctls"
	rm -rf "$_dir"
	[ -z "$_fs" ] || _selftest_fs_off "$_fs" ||
		echo "# selftest $_n: the filesystem on $_fs could not be taken off"
	_vwhy="the filter of its output wrote no verdict"
	[ ! -s "$_sum" ] || IFS='	' read -r SELFTEST_MIGRATED _v _vwhy <"$_sum"
	rm -f "$_sum"
	case $_v in
	fail | timeout) _selftest_vmstat_moved "$_n" /tmp/selftest-vmstat0 ;;
	esac
	SELFTEST_VERDICT=$_v
	case $_v in
	pass) ok "selftest-$_p" ;;
	xfail) ok "selftest-$_p # XFAIL $_vwhy" ;;
	skip) skip "selftest-$_p" "$_vwhy" ;;
	*) not_ok "selftest-$_p" "$_vwhy" ;;
	esac
	[ "$_v" = pass ] || [ "$_v" = skip ] || [ "$_v" = xfail ]
}
