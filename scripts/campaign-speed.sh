#!/usr/bin/env bash
# How fast a campaign went, from its directory: runs per hour; per kind
# of boot (cold, or from a snapshot: each run's "boot" file) the runs,
# their mean wall seconds and mean seconds from QEMU's start to the
# scenario's ("start-seconds"); and the campaign time at which the first
# finding came out (the walls of the runs up to it), for the time to
# detect a variant in campaign order. And the most that snapshots could
# give the runs of a cold campaign: its seconds over the same less every
# run's seconds to the scenario start (a restore that cost nothing).
#
#   scripts/campaign-speed.sh CAMPAIGN_DIR...
#   scripts/campaign-speed.sh --values CAMPAIGN_DIR   the same figures as
#       KEY<TAB>VALUE lines (make bench's): runs, seconds, runs_per_hour,
#       per kind of boot KIND_runs, KIND_wall, KIND_start, KIND_migration,
#       snapshot_ceiling, and detect_s, detect_k, detect_scenario,
#       detect_title (or "-")
#
# One block per campaign. Exit 2 with one line for a directory that is
# not a campaign's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

values=0
if [ "${1:-}" = --values ]; then
	values=1
	shift
	[ $# = 1 ] || die "usage: campaign-speed.sh --values CAMPAIGN_DIR"
fi
[ $# -gt 0 ] || die "usage: campaign-speed.sh CAMPAIGN_DIR..."
for c in "$@"; do
	[ -f "$c/runs.tsv" ] || die "$c is not a campaign directory (no runs.tsv)"
	results=$(dirname "$c")
	# k scenario verdict wall, the run's boot, start, first migration and
	# first title, and whether it behaved as it must (an emulator event or
	# an error is not the kernel's: neither a detection nor a pass)
	tail -n +2 "$c/runs.tsv" | while IFS=$'\t' read -r k s seed expect verdict wall run; do
		boot=$(run_boot "$results/$run")
		first=$(run_first_title "$results/$run")
		met=1
		verdict_meets "$verdict" "$expect" || case $verdict in emulator | error) ;; *) met=0 ;; esac
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$k" "$s" "$verdict" "$wall" "$boot" \
			"$(cat "$results/$run/start-seconds" 2>/dev/null || echo -)" \
			"$(cat "$results/$run/first-migration-seconds" 2>/dev/null || echo -)" "${first:-$verdict}" "$met"
	done | awk -F'\t' -v name="$(basename "$c")" -v values="$values" '
		{
			n++; total += $4; b = $5
			cnt[b]++; w[b] += $4
			if ($6 != "-") { st[b] += $6; nst[b]++ }
			if ($7 != "-") { mg[b] += $7; nmg[b]++ }
			if (found == "" && $9 == 0) { found = $8; at = total; fk = $1; fs = $2 }
		}
		function mean(sum, n) { return n ? sprintf("%.1f", sum / n) : "-" }
		END {
			ceiling = !cnt["snapshot"] && st["cold"] > 0 && total > st["cold"] ? sprintf("%.2f", total / (total - st["cold"])) : "-"
			if (values) {
				printf "runs\t%d\nseconds\t%d\nruns_per_hour\t%.1f\n", n, total, (total > 0 ? n * 3600 / total : 0)
				for (b in cnt)
					printf "%s_runs\t%d\n%s_wall\t%s\n%s_start\t%s\n%s_migration\t%s\n", b, cnt[b], b, mean(w[b], cnt[b]),
						b, mean(st[b], nst[b]), b, mean(mg[b], nmg[b])
				printf "snapshot_ceiling\t%s\n", ceiling
				printf "detect_s\t%s\ndetect_k\t%s\ndetect_scenario\t%s\ndetect_title\t%s\n", found != "" ? at : "-",
					found != "" ? fk : "-", found != "" ? fs : "-", found != "" ? found : "-"
				exit
			}
			printf "%s: %d runs in %d s, %.1f runs per hour\n", name, n, total, (total > 0 ? n * 3600 / total : 0)
			for (b in cnt)
				printf "  %-9s %3d runs, mean wall %5.1f s, mean %s s to the scenario start, %s s to the first migration\n",
					b, cnt[b], w[b] / cnt[b], mean(st[b], nst[b]), mean(mg[b], nmg[b])
			if (ceiling != "-")
				printf "  snapshots could at most give %sx: %d of the %d s are cold boots up to the scenario start\n",
					ceiling, st["cold"], total
			if (found != "") printf "  first run that did not behave as it must after %d s of campaign (run %s, %s): %s\n", at, fk, fs, found
			else print "  every run behaved as it must"
		}'
done
