# Scenarios and the campaigns made of them; sourced by lib.sh.
#
# A scenario (stress/scenarios/NAME.scn) is a record, then a program:
#
#   # NAME: why it exists (comments)
#   description: one line
#   expect: pass | the title of the finding it must produce
#   groups: check faults
#   ...
#   ---
#   run() { ... }       the guest's part, sourced by stress/guest/run-scenario
#
# The record ends at the first line "---". Only this file reads it on the
# host (scenario_field, scenario_record), without running anything; the
# guest has its own reader (stress/guest/lib-record.sh).
# Every key is described in docs/scenarios.md.

SCENARIOS_DIR=$TOP/stress/scenarios
CAMPAIGNS_DIR=${CAMPAIGNS_DIR:-$TOP/stress/campaigns}
# the keys a record may hold; anything else is a typo to refuse
SCENARIO_KEYS="description expect groups duration setup_seconds silence reaches provider movers verify_args needs apis flavours boot_args boot_cold selftests modes vcpus node_mem"
# the groups a scenario may be tagged with (a campaign of that name runs them)
SCENARIO_GROUPS="check faults fixtures bench selftests family"
# the groups "all" (make stress) leaves to their own runs: the benchmarks
# (make bench) and the mm selftests family (an hour a scenario; nightly),
# in one boot too (hours)
SCENARIO_GROUPS_APART="bench selftests family"

# scenario_record NAME: its record as "key<TAB>value" lines; a line that is
# not "key: value", an unknown key or group, or no "---" is an error
scenario_record() {
	local f=$SCENARIOS_DIR/$1.scn
	[ -f "$f" ] || die "no scenario $1 ($f)"
	awk -v f="$f" -v keys=" $SCENARIO_KEYS " -v groups=" $SCENARIO_GROUPS " '
		function bad(why) { printf "%s:%d: %s\n", f, NR, why > "/dev/stderr"; failed = 1; exit 1 }
		$0 == "---" { ended = 1; exit }
		/^#/ || /^[[:space:]]*$/ { next }
		!/^[a-z_]+:( |$)/ { bad("not a \"key: value\" line before \"---\": " $0) }
		{
			k = $0; sub(/:.*/, "", k); v = substr($0, length(k) + 2); sub(/^ /, "", v)
			if (index(keys, " " k " ") == 0) bad("unknown key \"" k "\"")
			if (k in seen) bad("key \"" k "\" twice")
			seen[k] = 1
			if (k == "groups") {
				n = split(v, g, " ")
				for (i = 1; i <= n; i++) if (index(groups, " " g[i] " ") == 0) bad("unknown group \"" g[i] "\"")
			}
			printf "%s\t%s\n", k, v
		}
		END { if (!failed && !ended) { printf "%s: no \"---\" line ends the record\n", f > "/dev/stderr"; exit 1 } }' "$f" ||
		die "scenario $1: its record cannot be read"
}

# scenario_field NAME KEY: one value of the record, empty when unset
scenario_field() {
	local rec
	rec=$(scenario_record "$1") || exit "$EXIT_INFRA"
	awk -F'\t' -v k="$2" '$1 == k { print $2 }' <<<"$rec"
}

# scenario_in_group NAME GROUP
scenario_in_group() {
	[[ " $(scenario_field "$1" groups) " == *" $2 "* ]]
}

# scenario_on_flavour NAME: the scenario means something on this FLAVOUR.
# Its flavours, when set, lists the flavours it runs on, or with a '!'
# those it does not: a negative control of KCSAN cannot fire on the other
# flavours, nor KASAN's on the kcsan one (KASAN is off there)
scenario_on_flavour() {
	local fl
	fl=" $(scenario_field "$1" flavours) "
	[[ $fl != *" !$FLAVOUR "* ]] || return 1
	[[ $fl == *" "[a-z]* ]] || return 0
	[[ $fl == *" $FLAVOUR "* ]]
}

# selftests_override_check SCENARIO NAMES: dies unless SCENARIO is of
# the mm selftests family and each of NAMES an "in" entry of its list
selftests_override_check() {
	local n ins
	[ -n "$(scenario_field "$1" selftests)" ] || die "SELFTESTS: scenario $1 runs no mm selftests (the selftests-MODE scenarios do)"
	ins=" $(. "$TOP/stress/guest/lib-selftests.sh" && selftest_names in "$TOP/stress/selftests/mm.list" | tr '\n' ' ')"
	for n in $2; do
		case $ins in
		*" $n "*) ;;
		*) die "SELFTESTS: '$n' is not an \"in\" entry of stress/selftests/mm.list" ;;
		esac
	done
}

# selftests_modes_check SCENARIO MODES: dies unless SCENARIO runs the
# selftests under modes (a modes line: selftests-modes) and each of MODES
# is a mode M whose scenario selftests-M has a provider line, the
# parameters the guest loads for it
selftests_modes_check() {
	local m
	[ -n "$(scenario_field "$1" modes)" ] || die "MODES: scenario $1 runs no provider modes in one boot (selftests-modes does)"
	for m in $2; do
		scenario_exists "selftests-$m" && [ -n "$(scenario_field "selftests-$m" provider)" ] ||
			die "MODES: '$m' is not a provider mode (no stress/scenarios/selftests-$m.scn with a provider line)"
	done
}

scenario_exists() {
	[[ $1 =~ ^[a-z0-9-]+$ ]] && [ -f "$SCENARIOS_DIR/$1.scn" ]
}

# scenario_names [GROUP]: every scenario in that group, sorted; with none,
# every one in no group of SCENARIO_GROUPS_APART
scenario_names() {
	local f s g
	for f in "$SCENARIOS_DIR"/*.scn; do
		s=$(basename "$f" .scn)
		if [ -n "${1:-}" ]; then
			! scenario_in_group "$s" "$1" || echo "$s"
		else
			for g in $SCENARIO_GROUPS_APART; do
				! scenario_in_group "$s" "$g" || continue 2
			done
			echo "$s"
		fi
	done
	return 0
}

# campaign_names: what campaign_list takes
campaign_names() {
	echo all $SCENARIO_GROUPS $(ls "$CAMPAIGNS_DIR" | grep -v README)
}

# campaign_list NAME: the scenarios of a campaign, in order: "all" (every
# scenario but the benchmarks and the selftests family), a group (its scenarios by name), or an
# ordered list in stress/campaigns/NAME, one scenario a line, "N*name"
# for N runs of it (the nightly; rcutorture's CFLIST), "name@S" (printed
# so) for a run of S seconds instead of the record's duration. A scenario of another flavour is left out, not run to fail;
# an unknown campaign or scenario is a usage error
campaign_list() {
	local list=$CAMPAIGNS_DIR/$1 s n i
	if [ "$1" = all ] || [[ " $SCENARIO_GROUPS " == *" $1 "* ]]; then
		for s in $(scenario_names "${1#all}"); do
			if scenario_on_flavour "$s"; then echo "$s"; fi
		done
		return 0
	fi
	[[ $1 =~ ^[a-z0-9-]+$ ]] && [ -f "$list" ] ||
		die "unknown campaign '$1' (known: $(campaign_names))"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' -e 's/[[:space:]]//g' "$list" | while read -r s; do
		n=1 d=""
		[[ ! $s =~ ^([0-9]+)\*(.+)$ ]] || n=${BASH_REMATCH[1]} s=${BASH_REMATCH[2]}
		[[ ! $s =~ ^(.+)@(.*)$ ]] || s=${BASH_REMATCH[1]} d=${BASH_REMATCH[2]}
		scenario_exists "$s" || die "campaign '$1' names unknown scenario '$s'"
		[ -z "$d" ] || [[ $d =~ ^[1-9][0-9]*$ ]] || die "campaign '$1': '$s@$d': a duration is whole seconds"
		scenario_on_flavour "$s" || continue
		for ((i = 0; i < n; i++)); do echo "$s${d:+@$d}"; done
	done
}
