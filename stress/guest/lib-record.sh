# The guest's reader of a scenario record, stress/scenarios/NAME.scn (the
# host's is scripts/lib-scenarios.sh, which also refuses unknown keys):
# the "key: value" lines before the "---" line are the record, what
# follows is shell. One space after the colon is not part of the value.

# record_lines FILE: the record's "key: value" lines
record_lines() {
	sed -n '/^---$/q; /^[a-z_]*:/p' "$1"
}

# record_field FILE KEY: KEY's value, as scenario_load sets it
record_field() {
	record_lines "$1" | while IFS= read -r _l; do
		[ "${_l%%:*}" = "$2" ] || continue
		_v=${_l#*:}
		echo "${_v# }"
	done
}

# scenario_load FILE: every key of the record set as an upper-case
# variable (provider as PROVIDER), then the rest sourced
scenario_load() {
	sed '1,/^---$/d' "$1" >/tmp/scenario-body.sh
	record_lines "$1" >/tmp/scenario-record
	while IFS= read -r _l; do
		_k=$(echo "${_l%%:*}" | tr a-z A-Z)
		_v=${_l#*:}
		eval "$_k=\${_v# }"
	done </tmp/scenario-record
	. /tmp/scenario-body.sh
}
