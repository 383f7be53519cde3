# The mm selftests as a scenario's drivers, with no provider and under
# each provider phase (busybox sh): the differential oracle of the
# selftests family (stress/scenarios/selftests-*.scn). One entry's run,
# its KTAP and its verdict are lib-selftests.sh's selftest_run.

# selftest_scenario: the body of a scenario whose record names mm.list
# entries (SELFTESTS: their names, or "all" for every "in" one) instead of
# a run(): each entry with no provider and then at once again under each
# provider phase (_selftest_provider_phases: PROVIDER's, as
# selftest-NAME-provider; or each mode of MODES in turn, as
# selftest-NAME-provider-MODE), fault_provider loaded for that run alone,
# so that a finding comes minutes into the run, not after every entry has
# run once. The differential: a case that fails under a provider and
# passed with none is a finding named after it (KTAP: not ok
# selftest-NAME-provider.CASE); one that failed with none too is an
# expected failure there (the finding is the first run's); one the
# unpatched base fails too (SELFTEST_DIR/base.xfail: the kernel's own
# failures, not the series') is an expected failure in both. Then a line
# a phase for the host: "SELFTEST-PHASE: none|provider|provider-MODE<TAB>seconds=S
# pgmigrate_success=N offloaded=N provider_calls=N" (offloaded "na" on a
# tree without the counters, provider_calls 0 with none).
SELFTEST_XFAIL_BASE=${SELFTEST_XFAIL_BASE:-$SELFTEST_DIR/base.xfail}
SELFTEST_SCENARIOS=${SELFTEST_SCENARIOS:-/scenarios}
selftest_scenario() {
	local _names=$SELFTESTS _n _phases _ph _p
	[ "$_names" != all ] || _names=$(selftest_names in)
	# not in $(...): its not_ok must count in this shell's KTAP
	_selftest_provider_phases /tmp/selftest-provider-phases || return 1
	_phases=$(cut -f1 /tmp/selftest-provider-phases)
	: >/tmp/selftest-fails-none
	: >/tmp/selftest-phases
	# every reason the tests migrate for goes to the provider, not only the
	# default set: soft offline (memory_failure), long-term pinning,
	# hugetlb and the rest
	[ -z "$_phases" ] || offload_reasons all
	for _n in $_names; do
		_selftest_xfail ""
		_selftest_phase_run none "$_n" ""
		# skipped as a whole with no provider (no userfaultfd, too few
		# vCPUs): nothing to compare, and no provider loaded for it
		if [ "$SELFTEST_VERDICT" = skip ]; then
			for _ph in $_phases; do
				skip "selftest-$_n-$_ph" "skipped with no provider"
				printf 'SELFTEST-END: %s\tskip\t%s\n' "$_n-$_ph" "skipped with no provider"
			done
			continue
		fi
		_selftest_xfail "fails with no provider too"
		# a loop in this shell, not a pipe's: the KTAP numbering is its
		for _ph in $_phases; do
			_p=$(awk -F'\t' -v p="$_ph" '$1 == p { print $2 }' /tmp/selftest-provider-phases)
			_selftest_phase_run "$_ph" "$_n" "$_p"
		done
	done
	_selftest_phase_lines
	for _ph in $_phases; do
		_p="the provider was called"
		[ "$_ph" = provider ] || _p="$_p (${_ph#provider-})"
		check "$_p" test "$(awk -F'\t' -v p="$_ph" '$1 == p { n += $5 } END { print n + 0 }' /tmp/selftest-phases)" -gt 0
	done
}

# _selftest_provider_phases FILE: "PHASE<TAB>fault_provider's parameters"
# lines into FILE: "provider" and PROVIDER; or for each word M of MODES,
# "provider-M" and the provider line of scenario selftests-M's record
# (one list of each mode's parameters: the family's own scenarios); none
# with neither. A mode without such a scenario is a failure (status 1).
_selftest_provider_phases() {
	local _m _p
	: >"$1"
	if [ -z "${MODES:-}" ]; then
		[ -z "$PROVIDER" ] || printf 'provider\t%s\n' "$PROVIDER" >"$1"
		return 0
	fi
	for _m in $MODES; do
		_p=""
		[ ! -f "$SELFTEST_SCENARIOS/selftests-$_m.scn" ] ||
			_p=$(record_field "$SELFTEST_SCENARIOS/selftests-$_m.scn" provider)
		if [ -z "$_p" ]; then
			not_ok "selftest-modes" "mode $_m: no provider line in $SELFTEST_SCENARIOS/selftests-$_m.scn"
			return 1
		fi
		printf 'provider-%s\t%s\n' "$_m" "$_p" >>"$1"
	done
}

# _selftest_xfail WHY: the expected failures of the next run, in
# /tmp/selftest-xfail: the base's, and with WHY the cases that failed
# with no provider
_selftest_xfail() {
	cat "$SELFTEST_XFAIL_BASE" >/tmp/selftest-xfail 2>/dev/null || : >/tmp/selftest-xfail
	[ -z "$1" ] || sed "s/\$/\t$1/" /tmp/selftest-fails-none >>/tmp/selftest-xfail
}

# _selftest_phase_run PHASE NAME PARAMS: the entry once, as
# selftest-NAME (PHASE none) or selftest-NAME-PHASE with fault_provider
# loaded with PARAMS for it alone; its failing cases not expected go to
# /tmp/selftest-fails-PHASE, and a line "PHASE seconds migrations
# offloaded calls" (tab-separated) to /tmp/selftest-phases (the
# migrations: selftest_run's, the program's, not the runner's compaction
# before it)
_selftest_phase_run() {
	local _t0 _calls=0
	offload_snapshot
	# shellcheck disable=SC2086 # the module's parameters, one word each
	[ -z "$3" ] || provider_load $3
	_t0=$(cut -d. -f1 /proc/uptime)
	SELFTEST_XFAIL=/tmp/selftest-xfail SELFTEST_FAILS=/tmp/selftest-fails-$1
	selftest_run "$2" "$([ "$1" = none ] || echo "$1")"
	SELFTEST_XFAIL="" SELFTEST_FAILS=""
	[ -z "$3" ] || { _calls=$(provider_stat calls); provider_unload; }
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" $(($(cut -d. -f1 /proc/uptime) - _t0)) \
		"$SELFTEST_MIGRATED" "$(offload_delta offloaded)" "${_calls:-0}" >>/tmp/selftest-phases
}

# _selftest_phase_lines: the SELFTEST-PHASE line of each phase, in the
# order they first ran, summed over /tmp/selftest-phases (offloaded "na"
# when any run's was)
_selftest_phase_lines() {
	awk -F'\t' '
		!($1 in s) { o[++n] = $1 }
		{ s[$1] += $2; m[$1] += $3; c[$1] += $5; if ($4 == "na") na[$1] = 1; else off[$1] += $4 }
		END {
			for (i = 1; i <= n; i++) {
				p = o[i]
				printf "SELFTEST-PHASE: %s\tseconds=%d pgmigrate_success=%d offloaded=%s provider_calls=%d\n",
					p, s[p], m[p], p in na ? "na" : off[p] + 0, c[p]
			}
		}' /tmp/selftest-phases
}
