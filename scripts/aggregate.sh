#!/usr/bin/env bash
# The report of one or more campaigns (or of a campaign's CI shards):
# findings deduplicated by title, with their count, first seed and first
# results directory; negative controls caught or missed; KTAP and JUnit.
#
#   scripts/aggregate.sh CAMPAIGN_DIR                  report into that dir
#   scripts/aggregate.sh --out DIR CAMPAIGN_DIR...     merge, report into DIR
#
# A campaign dir holds runs.tsv (campaign.sh); each run's directory is a
# sibling of it (results/<run>/), as in an uploaded results/ tree. A run's
# expectation and verdict are read from its own one-word files (expect,
# verdict: scripts/judge.sh), so that a re-judged run counts as re-judged.
# Only runs that expect no finding contribute findings: a negative
# control's expected title is its pass, any other outcome a "missed".
# Runs of the mm selftests family add their table, a column a provider
# mode (selftests-table.sh --modes).
# Emulator events (scripts/emulator.sh) are neither: the boots that ended
# in one, which run.sh re-ran with the same seed, are counted apart
# ("emulator events: N"); a run whose own verdict is still "emulator" (an
# old run judged again, never re-run) makes the report exit 2.
#
# Exit: 0 no finding and no control missed, 1 otherwise, 2 usage, or a run
# left unjudged by an emulator event.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/emulator.sh"

# parse_args ARGS...: out (the report's directory) and camps (the
# campaign directories), checked
parse_args() {
	local c
	out=""
	if [ "${1:-}" = --out ]; then
		out=${2:?--out needs a directory}
		shift 2
	fi
	[ $# -ge 1 ] || die "usage: aggregate.sh [--out DIR] CAMPAIGN_DIR..."
	[ -n "$out" ] || [ $# = 1 ] || die "several campaign dirs need --out DIR"
	for c in "$@"; do
		[ -f "$c/runs.tsv" ] || die "$c is not a campaign directory (no runs.tsv)"
	done
	out=${out:-$1}
	mkdir -p "$out"
	camps=("$@")
}

# run_table: all, one table of every run: campaign k scenario seed
# expect verdict wall dir
run_table() {
	local c root k scn seed expect verdict wall run d
	all=$(tmp_file)
	for c in "${camps[@]}"; do
		root=$(dirname "$(realpath "$c")")
		while IFS=$'\t' read -r k scn seed expect verdict wall run; do
			[ "$k" = k ] && continue
			d=$root/$run
			[ -f "$d/expect" ] && expect=$(cat "$d/expect")
			[ -f "$d/verdict" ] && verdict=$(cat "$d/verdict")
			printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$c")" "$k" "$scn" "$seed" \
				"$expect" "$verdict" "$wall" "$d"
		done <"$c/runs.tsv"
	done | sort -t$'\t' -k2,2n -s >"$all"
}

# findings_by_title: findings.full, title -> count, first seed, first
# scenario, first dir (runs in k order); findings.tsv the same with run
# names
findings_by_title() {
	local camp k scn seed expect verdict wall dir
	while IFS=$'\t' read -r camp k scn seed expect verdict wall dir; do
		[ "$expect" = pass ] || continue
		run_titles "$dir" | sort -u | while read -r title; do
			printf '%s\t%s\t%s\t%s\n' "$title" "$seed" "$scn" "$dir"
		done
	done <"$all" | awk -F'\t' '
		!($1 in n) { order[++m] = $1; seed[$1] = $2; scn[$1] = $3; dir[$1] = $4 }
		{ n[$1]++ }
		END { for (i = 1; i <= m; i++) { t = order[i]; print n[t] "\t" t "\t" seed[t] "\t" scn[t] "\t" dir[t] } }
	' >"$out/findings.full"
	# the table keeps run names, not this machine's paths
	awk -F'\t' -v OFS='\t' '{ n = split($5, p, "/"); $5 = p[n]; print }' "$out/findings.full" >"$out/findings.tsv"
}

# count_runs: total, passed, known, found, caught, missed, unjudged,
# total_wall. A run with only known kernel bugs (verdict known) met its
# expectation of none: it counts as passed, and apart as known.
count_runs() {
	total=$(grep -c . "$all" || true)
	passed=$(awk -F'\t' '$5 == "pass" && ($6 == "pass" || $6 == "known")' "$all" | grep -c . || true)
	known=$(awk -F'\t' '$5 == "pass" && $6 == "known"' "$all" | grep -c . || true)
	found=$(awk -F'\t' '$5 == "pass" && $6 != "pass" && $6 != "known" && $6 != "emulator"' "$all" | grep -c . || true)
	caught=$(awk -F'\t' '$5 != "pass" && $6 == "caught"' "$all" | grep -c . || true)
	missed=$(awk -F'\t' '$5 != "pass" && $6 != "caught" && $6 != "emulator"' "$all" | grep -c . || true)
	unjudged=$(awk -F'\t' '$6 == "emulator"' "$all" | grep -c . || true)
	total_wall=$(awk -F'\t' '{ s += $7 } END { print s + 0 }' "$all")
}

# emulator_events: emu, events
emulator_events() {
	local camp k scn seed expect verdict wall dir b
	# emulator events: every boot of a run's chain (the run and those it
	# replaced) that ended in one: k, scenario, seed, title, its directory, the
	# run's directory
	emu=$(tmp_file)
	while IFS=$'\t' read -r camp k scn seed expect verdict wall dir; do
		emulator_boots "$dir" | tac | while read -r b; do
			printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$scn" "$seed" "$(emulator_first "$b")" "$b" "$dir"
		done
	done <"$all" >"$emu"
	events=$(grep -c . "$emu" || true)
}

# write_ktap: ktap.txt, one test point per run, the titles as
# diagnostics; junit.xml from it
write_ktap() {
	local camp k scn seed expect verdict wall dir i
	{
		echo "KTAP version 1"
		echo "1..$total"
		i=0
		while IFS=$'\t' read -r camp k scn seed expect verdict wall dir; do
			i=$((i + 1))
			run_titles "$dir" | sed 's/^/# finding: /'
			awk -F'\t' -v d="$dir" '$6 == d { n = split($5, p, "/"); print "# emulator event, not a finding: " $4 " (" p[n] ")" }' "$emu"
			[ "$expect" = pass ] || echo "# expected: $(cat "$dir/expected-title" 2>/dev/null || echo "$expect")"
			[ ! -f "$dir/known.tsv" ] || cut -f2 "$dir/known.tsv" | sed 's/^/# known kernel bug, not a finding: /'
			case $verdict in
			pass | caught | known) echo "ok $i $scn seed=$seed k=$k" ;;
			emulator) echo "ok $i $scn seed=$seed k=$k # SKIP infrastructure: an emulator event, never re-run, $(basename "$dir")" ;;
			*) echo "not ok $i $scn seed=$seed k=$k # $verdict, $(basename "$dir")" ;;
			esac
		done <"$all"
	} >"$out/ktap.txt"
	"$TOP/scripts/ktap-to-junit.sh" "campaign" "$out/ktap.txt" >"$out/junit.xml"
}

# known_by_title: the known kernel bugs the runs met (configs/known-bugs),
# title and count, for the summary; nothing when none
known_by_title() {
	local camp k scn seed expect verdict wall dir
	while IFS=$'\t' read -r camp k scn seed expect verdict wall dir; do
		[ ! -f "$dir/known.tsv" ] || cut -f2 "$dir/known.tsv" | sort -u
	done <"$all" | sort | uniq -c | sort -rn >"$out/known.txt"
	if [ -s "$out/known.txt" ]; then
		echo
		echo "known kernel bugs met (not findings; each run's known.tsv says where reported):"
		awk '{ n = $1; sub(/^ *[0-9]+ /, ""); printf "  %-5s %s\n", n, $0 }' "$out/known.txt"
	fi
	rm -f "$out/known.txt"
}

# selftests_side_by_side: the runs of the mm selftests family among these
# (a console with a SELFTEST-PHASE line), one table a column a provider
# mode (selftests-table.sh --modes); nothing when there are none
selftests_side_by_side() {
	local camp k scn seed expect verdict wall dir runs=()
	while IFS=$'\t' read -r camp k scn seed expect verdict wall dir; do
		if [ -f "$dir/console.log" ] && grep -q 'SELFTEST-PHASE: ' "$dir/console.log"; then runs+=("$dir"); fi
	done <"$all"
	[ ${#runs[@]} -gt 0 ] || return 0
	echo
	echo "the mm selftests, a column a provider mode (scripts/selftests-table.sh --modes):"
	"$TOP/scripts/selftests-table.sh" --modes "${runs[@]}"
}

# write_summary: summary.txt
write_summary() {
	local c camp k scn seed expect verdict wall dir t b first n title
	{
		echo "campaigns: $(for c in "${camps[@]}"; do basename "$c"; done | tr '\n' ' ')"
		echo "runs:      $total ($passed passed$([ "$known" = 0 ] || echo " ($known with known kernel bugs only)"), $found with a finding; controls: $caught caught, $missed missed)"
		echo "run wall:  $total_wall s"
		echo "emulator events: $events (boots that ended in one under TCG, not findings; $unjudged runs left unjudged by one)"
		while IFS=$'\t' read -r k scn seed t b _; do
			printf '  k=%-4s %-18s seed %-20s %s (%s%s)\n' "$k" "$scn" "$seed" "$t" "$(basename "$b")" \
				"$([ -s "$b/replaced-by" ] && echo ", re-run as $(cat "$b/replaced-by")")"
		done <"$emu"
		echo
		printf '%-4s %-18s %-20s %-8s %-50s %s\n' K SCENARIO SEED VERDICT "FIRST FINDING" RESULTS
		while IFS=$'\t' read -r camp k scn seed expect verdict wall dir; do
			first=$(run_first_title "$dir")
			printf '%-4s %-18s %-20s %-8s %-50.50s %s\n' "$k" "$scn" "$seed" "$verdict" "${first:--}" "$(basename "$dir")"
		done <"$all"
		echo
		if [ -s "$out/findings.tsv" ]; then
			echo "findings by title ($(grep -c . "$out/findings.tsv") distinct, in runs that expect none):"
			printf '  %-5s %-60s %-20s %s\n' COUNT TITLE "FIRST SEED" "FIRST RESULTS"
			while IFS=$'\t' read -r n title seed scn dir; do
				printf '  %-5s %-60.60s %-20s %s\n' "$n" "$title" "$seed" "$(basename "$dir")"
				echo "        $(cat "$dir/reproduce" 2>/dev/null || echo "make reproduce SCENARIO=$scn SEED=$seed")"
			done <"$out/findings.full"
		else
			echo "findings by title: none"
		fi
		known_by_title
		selftests_side_by_side
	} >"$out/summary.txt"
}

# --- main ------------------------------------------------------------------------
parse_args "$@"
run_table
findings_by_title
count_runs
emulator_events
write_ktap
write_summary
rm -f "$out/findings.full"
cat "$out/summary.txt"
[ "$unjudged" = 0 ] ||
	die "$unjudged runs ended in an emulator event that no re-run replaced (old runs judged again?): not judged"
[ "$found" = 0 ] && [ "$missed" = 0 ]
