# What the tree under test has, the suite's modules as it could build
# them, the seeds, and the offload core's counters (busybox sh).

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
