#!/usr/bin/env bash
# make list: the scenarios, read from their records without running any.
#
#   list.sh [GROUP]         one line each: name, groups, duration, expect,
#                           description (GROUP: check, faults, fixtures,
#                           bench, or all, the default: every one)
#   list.sh --scenario NAME its comments and its whole record
#
# Exit 0, or 2 for an unknown group or scenario.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if [ "${1:-}" = --scenario ]; then
	s=${2:-}
	scenario_exists "$s" || die "unknown scenario '$s' (make list shows them)"
	sed -n '/^#/p; /^[^#]/q' "$SCENARIOS_DIR/$s.scn"
	scenario_record "$s" | awk -F'\t' '{ printf "%-14s %s\n", $1 ":", $2 }'
	exit 0
fi

group=${1:-all}
case " all $SCENARIO_GROUPS " in
*" $group "*) ;;
*) die "unknown group '$group' (known: all $SCENARIO_GROUPS)" ;;
esac
printf '%-24s %-22s %5s  %-8s %s\n' SCENARIO GROUPS SECS EXPECT DESCRIPTION
for f in "$SCENARIOS_DIR"/*.scn; do
	s=$(basename "$f" .scn)
	[ "$group" = all ] || scenario_in_group "$s" "$group" || continue
	rec=$(scenario_record "$s")
	field() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' <<<"$rec"; }
	e=$(field expect)
	[ "$e" = pass ] || e=finding
	printf '%-24s %-22s %5s  %-8s %s\n' "$s" "$(field groups)" "$(field duration)" "$e" "$(field description)"
done
