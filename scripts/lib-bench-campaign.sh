# make bench's campaign speed (sourced by scripts/bench.sh): how many
# runs an hour a campaign holds when every run boots cold and when runs
# start from a snapshot (SNAPSHOT=1: the campaign's first run and one in
# ten still boot cold), and how long each variant of the catalogue takes
# to be seen in the campaign's order, both ways.
#
# speed:  BENCH_CAMPAIGN (nightly), its first BENCH_CAMPAIGN_RUNS runs
#         (default one pass of the list), master seed = the bench's seed,
#         cold, then SNAPSHOT=1: runs per hour, mean wall, seconds to the
#         scenario's start and to the first migration per kind of boot
#         (campaign-speed.sh), and whether every run ended with the same
#         verdict both ways (campaign-compare.sh).
# detect: each variant of patches/BASE/mutants/ (BENCH_DETECT: some of
#         their names; default all) applied after the series, the same
#         campaign and seed until its first run that does not behave as it
#         must (--until-finding 1, one pass at most), cold, then
#         SNAPSHOT=1: the campaign seconds to it, and the median and
#         maximum over the variants. A variant one pass does not see is
#         "not seen" and counts as the pass's length in the maximum.

# _bench_campaign ARGS...: one campaign (the environment says how it
# boots); its directory. A campaign with a finding exits 1: that is a
# result here, anything more an error of the bench.
_bench_campaign() {
	local out rc=0
	out=$("$TOP/scripts/campaign.sh" --campaign "${BENCH_CAMPAIGN:-nightly}" --seed "$seed" "$@" 2>>"$bdir/campaigns.log") || rc=$?
	[ "$rc" -le 1 ] || die "bench campaign ${BENCH_CAMPAIGN:-nightly} $* failed (exit $rc; see $bdir/campaigns.log)"
	printf '%s\n' "$out" | tail -1
}

# _put_speed PREFIX DIR: the campaign's figures as PREFIX_KEY values
_put_speed() {
	local k v
	while IFS=$'\t' read -r k v; do put "$1_$k" "$v"; done < <("$TOP/scripts/campaign-speed.sh" --values "$2")
}

measure_campaign() {
	local runs kind snap dir v patch rc
	runs=${BENCH_CAMPAIGN_RUNS:-$(campaign_list "${BENCH_CAMPAIGN:-nightly}" | grep -c .)}
	[[ $runs =~ ^[1-9][0-9]*$ ]] || die "bad BENCH_CAMPAIGN_RUNS '$runs': a positive number"
	put campaign_name "${BENCH_CAMPAIGN:-nightly}"
	put campaign_runs "$runs"
	for kind in cold snapshot; do
		snap=0
		[ "$kind" = cold ] || snap=1
		log "campaign speed: ${BENCH_CAMPAIGN:-nightly}, $runs runs, seed $seed, $kind"
		dir=$(SNAPSHOT=$snap _bench_campaign --runs "$runs")
		put "campaign_${kind}_dir" "$dir"
		_put_speed "campaign_$kind" "$dir"
	done
	rc=0
	"$TOP/scripts/campaign-compare.sh" "$(get campaign_cold_dir)" "$(get campaign_snapshot_dir)" >"$bdir/campaign-compare.txt" || rc=$?
	[ "$rc" -le 1 ] || die "campaign-compare failed (see $bdir/campaign-compare.txt)"
	put campaign_verdicts "$(tail -1 "$bdir/campaign-compare.txt")"

	[ "${BENCH_MUTANTS:-1}" = 1 ] || return 0
	for v in ${BENCH_DETECT:-$(mutant_names)}; do
		patch=$(base_dir)/mutants/$v.patch
		[ -f "$patch" ] || die "BENCH_DETECT: no variant '$v' in $(base_dir)/mutants/"
		for kind in cold snapshot; do
			snap=0
			[ "$kind" = cold ] || snap=1
			log "time to detect $v in ${BENCH_CAMPAIGN:-nightly} order, $kind"
			dir=$(EXTRA_PATCHES="${EXTRA_PATCHES:+$EXTRA_PATCHES }$patch" SNAPSHOT=$snap \
				_bench_campaign --runs "$runs" --until-finding 1)
			put "detect_${v}_${kind}_dir" "$dir"
			_put_speed "detect_${v}_$kind" "$dir"
		done
		printf '%s\n' "$v" >>"$bdir/detect-variants.txt"
	done
}

# per kind of boot: snapshot over cold in runs per hour; per variant the
# seconds to detect (or "not seen"), and their median and maximum
derive_campaign() {
	local kind v s
	[ -n "$(get campaign_cold_runs_per_hour)" ] || return 0
	put campaign_speedup "$(awk -v a="$(get campaign_snapshot_runs_per_hour)" -v b="$(get campaign_cold_runs_per_hour)" \
		'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
	[ -f "$bdir/detect-variants.txt" ] || return 0
	for kind in cold snapshot; do
		while read -r v; do
			s=$(get "detect_${v}_${kind}_detect_s")
			[ "$s" != - ] || s="not seen:$(get "detect_${v}_${kind}_seconds")"
			printf '%s\n' "$s"
		done <"$bdir/detect-variants.txt" | awk -F: '{ print $NF + 0, (NF > 1) }' | sort -n | awk '
			{ v[NR] = $1; unseen += $2 }
			END {
				if (NR == 0) exit
				med = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
				printf "%s\t%s\t%d\n", med, v[NR], unseen
			}' | {
			IFS=$'\t' read -r med max unseen || true
			put "detect_${kind}_median_s" "${med:-}"
			put "detect_${kind}_max_s" "${max:-}"
			put "detect_${kind}_unseen" "${unseen:-}"
		}
	done
}

report_campaign() {
	local kind v b
	[ -n "$(get campaign_cold_runs_per_hour)" ] || return 0
	echo
	echo "campaign speed ($(get campaign_name), its first $(get campaign_runs) runs, seed $seed; cold: every run"
	echo "boots; snapshot: SNAPSHOT=1, the first run and one in ten boot cold, the others restore the guest"
	echo "saved at its ready point; mean seconds from QEMU's start):"
	printf '  %-9s %10s %5s   %-8s %5s %10s %15s %16s\n' campaign runs/hour runs boot runs "mean wall" "scenario start" "first migration"
	for kind in cold snapshot; do
		printf '  %-9s %10s %5s' "$kind" "$(get "campaign_${kind}_runs_per_hour")" "$(get "campaign_${kind}_runs")"
		for b in cold snapshot; do
			[ -n "$(get "campaign_${kind}_${b}_runs")" ] || continue
			[ "$b" = cold ] || [ -z "$(get "campaign_${kind}_cold_runs")" ] || printf '  %-9s %10s %5s' "" "" ""
			printf '   %-8s %5s %10s %15s %16s\n' "$([ "$b" = cold ] && echo cold || echo restored)" "$(get "campaign_${kind}_${b}_runs")" \
				"$(get "campaign_${kind}_${b}_wall")" "$(get "campaign_${kind}_${b}_start")" "$(get "campaign_${kind}_${b}_migration")"
		done
	done
	echo "  snapshot over cold, runs per hour: $(get campaign_speedup)x (at most $(get campaign_cold_snapshot_ceiling)x: a restore that cost nothing); $(get campaign_verdicts)"
	[ -f "$bdir/detect-variants.txt" ] || return 0
	echo
	echo "time to detect each variant in $(get campaign_name) order (campaign seconds to its first run that does"
	echo "not behave as it must, one pass at most; run number and scenario):"
	printf '  %-30s %8s %-26s %8s %-26s\n' variant cold "" snapshot ""
	while read -r v; do
		printf '  %-30s' "$v"
		for kind in cold snapshot; do
			if [ "$(get "detect_${v}_${kind}_detect_s")" = - ]; then
				printf ' %8s %-26s' "not seen" "($(get "detect_${v}_${kind}_runs") runs)"
			else
				printf ' %8s %-26s' "$(get "detect_${v}_${kind}_detect_s")" \
					"run $(get "detect_${v}_${kind}_detect_k") $(get "detect_${v}_${kind}_detect_scenario")"
			fi
		done
		echo
	done <"$bdir/detect-variants.txt"
	for kind in cold snapshot; do
		echo "  $kind: median $(get "detect_${kind}_median_s") s, maximum $(get "detect_${kind}_max_s") s, not seen in one pass: $(get "detect_${kind}_unseen")"
	done
}
