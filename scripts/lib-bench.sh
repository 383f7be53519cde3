# shellcheck shell=bash
# shellcheck disable=SC2154 # bdir, json and seed are bench.sh's
# make bench's second half, sourced by scripts/bench.sh: from the measured
# figures (BDIR/values.tsv, latency.tsv, mutants.tsv) to the derived ones,
# the plots, the table and the JSON. --report runs only this half, on an
# earlier bench. Uses bench.sh's put, get, ratio, bdir, json and seed.

# derived figures, from the measured ones
derive() {
	local w secs c kind
	# overhead: the mean over the rounds, and the spread (max - min) / mean
	for c in unpatched none fault_provider mt_provider; do
		for kind in 4k thp; do
			awk -F'\t' -v k="move_${kind}_${c}_r" 'index($1, k) == 1 && $2 != "" {
				n++; s += $2; if (n == 1 || $2 < lo) lo = $2; if (n == 1 || $2 > hi) hi = $2 }
				END { if (n) printf "%.0f\t%.2f\n", s / n, (hi - lo) / (s / n) }' "$bdir/values.tsv" >"$bdir/.m"
			put "move_${kind}_$c" "$(cut -f1 "$bdir/.m")"
			put "spread_${kind}_$c" "$(cut -f2 "$bdir/.m")"
		done
	done
	rm -f "$bdir/.m"
	for w in suite stressng; do
		secs=$(get "${w}_seconds")
		put "${w}_calls_per_s" "$(awk -v c="$(get "${w}_calls")" -v s="$secs" \
			'BEGIN { printf "%.1f", (s > 0 ? c / s : 0) }')"
		put "${w}_fault_events_per_min" "$(awk -v s="$secs" -v a="$(get "${w}_in_flight")" \
			-v b="$(get "${w}_declined")" -v c="$(get "${w}_failed")" -v d="$(get "${w}_partial")" \
			'BEGIN { printf "%.1f", (s > 0 ? (a + b + c + d) * 60 / s : 0) }')"
	done
}

# latency.tsv (one line a window: provider load kind batch round samples
# first_p50 first_p99 last_p50 last_p99 pages seconds task_ms cg_ms
# worker_ms) into latency-summary.tsv (per provider, load, kind, batch: the
# median over rounds of each percentile, the spread of first_p50 over
# rounds, pages per guest-second) and the figures the reviewers asked for
derive_latency() {
	local t=$bdir/latency.tsv
	[ -s "$t" ] || return 0
	awk -F'\t' '
	function med(list,   n, a, i, j, x) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	$7 != "na" {
		k = $1 OFS $2 OFS $3 OFS $4
		if (!(k in seen)) { seen[k] = 1; order[n++] = k }
		f50[k] = f50[k] " " $7; f99[k] = f99[k] " " $8; l50[k] = l50[k] " " $9; l99[k] = l99[k] " " $10
		smp[k] += $6; pg[k] += $11; sec[k] += $12
		if (!(k in lo) || $7 < lo[k]) lo[k] = $7
		if (!(k in hi) || $7 > hi[k]) hi[k] = $7
		sum[k] += $7; cnt[k]++ }
	END {
		OFS = "\t"
		print "provider", "load", "kind", "batch", "samples", "first_p50_us", "first_p99_us", "last_p50_us", "last_p99_us", "spread_first_p50", "pages_per_s"
		for (i = 0; i < n; i++) { k = order[i]
			print k, smp[k], med(f50[k]), med(f99[k]), med(l50[k]), med(l99[k]),
				sprintf("%.2f", sum[k] > 0 ? (hi[k] - lo[k]) / (sum[k] / cnt[k]) : 0),
				sprintf("%.0f", sec[k] > 0 ? pg[k] / sec[k] : 0) } }' OFS='\t' "$t" >"$bdir/.sum"
	# in a fixed order (a window with no sample in one round comes late):
	# provider, load, kind, batch
	{ head -1 "$bdir/.sum"
	  tail -n +2 "$bdir/.sum" | awk -F'\t' '{ p = index("none mt   dma  ", $1); l = ($2 == "idle") ? 0 : 1
		printf "%02d\t%d\t%s\t%06d\t%s\n", p, l, $3, $4, $0 }' | sort | cut -f5-
	} >"$bdir/latency-summary.tsv"
	rm -f "$bdir/.sum"
	# CPU time per MB moved, over every window of a provider and load
	awk -F'\t' '{ k = $1 "\t" $2; if (!(k in mb)) order[n++] = k
		mb[k] += $11 * 4096 / 1048576; task[k] += $13; cg[k] += $14; wk[k] += $15; if ($14 < 0) nocg[k] = 1 }
		END { OFS = "\t"; print "provider", "load", "mb_moved", "task_ms_per_mb", "cgroup_ms_per_mb", "workers_ms_per_mb"
			for (i = 0; i < n; i++) { k = order[i]; m = mb[k] > 0 ? mb[k] : 1
				print k, sprintf("%.1f", mb[k]), sprintf("%.2f", task[k] / m),
					nocg[k] ? "n/a" : sprintf("%.2f", cg[k] / m), sprintf("%.2f", wk[k] / m) } }' "$t" >"$bdir/cpu-accounting.tsv"
	# the batch size at which the first folio waits twice as long as in a
	# batch of one, per provider and load (4K pages)
	awk -F'\t' 'NR > 1 && $3 == "4k" { k = $1 "/" $2
		if ($4 == 1) b1[k] = $6
		if (!(k in dbl) && (k in b1) && b1[k] > 0 && $6 >= 2 * b1[k]) dbl[k] = $4
		keys[k] = 1 }
		END { for (k in keys) print k "\t" ((k in dbl) ? dbl[k] : "beyond 512") }' "$bdir/latency-summary.tsv" |
		sort >"$bdir/.dbl"
	while IFS=$'\t' read -r k v; do put "first_doubles_at_${k//\//_}" "$v"; done <"$bdir/.dbl"
	rm -f "$bdir/.dbl"
	# where mt_provider moves fewer pages per guest-second than no provider
	# by more than the spread of either (per load and batch size)
	awk -F'\t' 'NR > 1 { k = $2 "\t" $3 "\t" $4; r[$1 "\t" k] = $11; sp[$1 "\t" k] = $10; keys[k] = 1 }
		END { for (k in keys) { a = r["mt\t" k]; b = r["none\t" k]
			if (a == "" || b == "" || b == 0) continue
			m = sp["mt\t" k] > sp["none\t" k] ? sp["mt\t" k] : sp["none\t" k]
			if (a < b * (1 - m)) print k "\t" sprintf("%.2f", a / b) } }' "$bdir/latency-summary.tsv" |
		sort -t$'\t' -k1,1 -k2,2 -k3,3n >"$bdir/mt-slower.tsv"
	put mt_slower_windows "$(grep -c . "$bdir/mt-slower.tsv")"
	plot_latency
}

# plot_latency: latency.png, the first and last folio against batch size
# (gnuplot-nox's png terminal)
plot_latency() {
	local p accel
	have_gnuplot || return 0
	# read before the plot cds into the bench's directory
	accel=$(get latency_accel | sed 's/qemu=[a-z]* QEMU emulator version \([^ ]*\) ([^)]*)/QEMU \1,/; s/accel=//')
	for p in none mt dma; do
		for l in idle busy; do
			awk -F'\t' -v p=$p -v l=$l 'NR > 1 && $1 == p && $2 == l && $3 == "4k" { print $4, $6, $8 }' \
				"$bdir/latency-summary.tsv" >"$bdir/.lat-$p-$l.dat"
		done
	done
	bench_gnuplot latency <<GP
set terminal png size 1100,480 noenhanced
set output "latency.png"
set multiplot layout 1,2 title "migrate_pages_batch(), 4K pages, median of rounds, guest time; $accel; flavour $FLAVOUR, base $BASE"
set logscale xy 2
set xlabel "batch size (folios)"
set ylabel "microseconds"
set key top left
set grid
set title "first folio in place"
plot for [f in "none-idle mt-idle dma-idle none-busy mt-busy dma-busy"] ".lat-".f.".dat" using 1:2 with linespoints title f
set title "whole batch"
plot for [f in "none-idle mt-idle dma-idle none-busy mt-busy dma-busy"] ".lat-".f.".dat" using 1:3 with linespoints title f
unset multiplot
GP
	rm -f "$bdir"/.lat-*.dat
}

# plot_throughput: throughput.png, move_pages() pages per guest-second as
# a ratio to the unpatched kernel (the overhead section) and, beside it
# when the insn section ran, the same kernels' cost in the mover's own
# instructions per folio (as unpatched / patched, so that 1 means the same
# and higher is better in both panels); a figure that varies is left out
plot_throughput() {
	local c rounds_done insn=0
	[ -n "$(get move_4k_unpatched)" ] || return 0
	have_gnuplot || return 0
	rounds_done=$(get rounds)
	for c in unpatched none fault_provider mt_provider; do
		echo "$c $(ratio "$(get move_4k_$c)" "$(get move_4k_unpatched)") $(ratio "$(get move_thp_$c)" "$(get move_thp_unpatched)")"
	done >"$bdir/.thr.dat"
	if numeric "$(get insn_4k_ratio_own)" && numeric "$(get insn_thp_ratio_own)"; then
		insn=1
		printf 'unpatched 1 1\nnone %s %s\n' "$(awk -v r="$(get insn_4k_ratio_own)" 'BEGIN { printf "%.4f", 1 / r }')" \
			"$(awk -v r="$(get insn_thp_ratio_own)" 'BEGIN { printf "%.4f", 1 / r }')" >"$bdir/.insn.dat"
	fi
	{
		echo "set terminal png size $([ $insn = 1 ] && echo 1100 || echo 700),420 noenhanced"
		echo 'set output "throughput.png"'
		[ $insn = 0 ] || echo 'set multiplot layout 1,2'
		cat <<GP
set title "move_pages() pages per guest-second, ratio to unpatched\n($rounds_done rounds; flavour $FLAVOUR, base $BASE)"
set style data histograms
set style fill solid 0.6
set yrange [0:*]
set ylabel "ratio to unpatched"
set grid y
plot ".thr.dat" using 2:xtic(1) title "4K", "" using 3 title "THP"
GP
		[ $insn = 0 ] || cat <<'GP'
set title "the mover's own instructions per folio, unpatched / patched\n(QEMU plugin; two builds, two boots each)"
plot ".insn.dat" using 2:xtic(1) title "4K", "" using 3 title "THP"
unset multiplot
GP
	} | bench_gnuplot throughput
	rm -f "$bdir/.thr.dat" "$bdir/.insn.dat"
}

# bench_gnuplot NAME: the gnuplot script on stdin, run in the bench's
# directory (its data files are named from there); a failure is logged
bench_gnuplot() {
	(cd "$bdir" && gnuplot) || log "gnuplot failed: no $1 plot"
}

have_gnuplot() {
	command -v gnuplot >/dev/null || { log "no gnuplot (apt-get install gnuplot-nox): no plots"; return 1; }
}

# numeric TEXT: a plain number (not "varies (...)" nor "n/a")
numeric() {
	[[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]]
}

# --- the table and the JSON -------------------------------------------------------------------
report() {
	{
		echo "make bench, $(get date), $(nproc) cores, $(uname -m), accel $(awk '{ print ($2 == "yes" ? "kvm" : "tcg") }' "$BUILD/kvm-probe" 2>/dev/null || echo tcg) (thread=${TCG_THREAD:-single}), flavour $FLAVOUR, kernel $(get kernel), seed $seed"
		echo
		echo "intensity (fault_provider in every mode, same guest, same duration):"
		printf '  %-34s %12s %12s %8s\n' "" "suite" "stress-ng" "ratio"
		for k in calls_per_s fault_events_per_min; do
			printf '  %-34s %12s %12s %8s\n' "$k" "$(get suite_$k)" "$(get stressng_$k)" "$(ratio "$(get suite_$k)" "$(get stressng_$k)")"
		done
		echo
		echo "per accelerator (the suite's drive; per guest-second; ratio of guest seconds to wall seconds):"
		printf '  %-12s %14s %22s %10s\n' "" "offload calls" "unregister in flight" "guest/wall"
		for acc in tcg-single tcg-multi kvm; do
			printf '  %-12s %14s %22s %10s\n' "$acc" "$(get accel_${acc}_calls_per_s)" \
				"$(get accel_${acc}_in_flight_per_s)" "$(ratio "$(get accel_${acc}_guest_s)" "$(get accel_${acc}_wall_s)")"
		done
		echo
		echo "overhead (move_pages pages per guest-second, mean of $(get rounds) rounds; ratio to unpatched;"
		echo "spread = (max - min) / mean over the rounds of that configuration):"
		printf '  %-16s %10s %8s %8s %10s %8s %8s\n' "" "4K" "ratio" "spread" "THP" "ratio" "spread"
		for c in unpatched none fault_provider mt_provider; do
			printf '  %-16s %10s %8s %8s %10s %8s %8s\n' "$c" \
				"$(get move_4k_$c)" "$(ratio "$(get move_4k_$c)" "$(get move_4k_unpatched)")" "$(get spread_4k_$c)" \
				"$(get move_thp_$c)" "$(ratio "$(get move_thp_$c)" "$(get move_thp_unpatched)")" "$(get spread_thp_$c)"
		done
		echo
		echo "pipeline:"
		echo "  kernel build (this artifact)       $(get kernel_build_s) s (fresh object tree: $(get kernel_build_fresh))"
		echo "  rebuild after a provider edit      $(get provider_rebuild_s) s"
		echo "  rebuild after a patch edit         $(get patch_rebuild_s) s"
		echo "  boot to /init                      $(get boot_to_init_s) s guest time"
		echo "  make check (last run)              $(get make_check_s) s ($(get make_check_when))"
		if [ -f "$bdir/latency-summary.tsv" ]; then
			echo
			echo "latency (bench-latency, $(get latency_accel); microseconds of guest time from"
			echo "migrate_pages_batch() to the first folio in place and to the batch's end; median over rounds"
			echo "of each window's p50/p99; spread = (max - min) / mean of first_p50 over rounds):"
			column -t -s$'\t' "$bdir/latency-summary.tsv" | sed 's/^/  /'
			echo
			echo "the first folio waits twice as long as in a batch of one at batch size:"
			for k in none mt dma; do
				echo "  $k: idle $(get first_doubles_at_${k}_idle), busy $(get first_doubles_at_${k}_busy)"
			done
			echo
			echo "mt_provider slower than no provider (pages per guest-second, beyond the spread): $(get mt_slower_windows) windows"
			[ -s "$bdir/mt-slower.tsv" ] && sed 's/^/  load kind batch ratio: /' "$bdir/mt-slower.tsv"
			echo
			echo "CPU time per MB moved (the migrating task, its cgroup, mt_provider's work items):"
			column -t -s$'\t' "$bdir/cpu-accounting.tsv" | sed 's/^/  /'
			echo
			echo "plots: $(ls "$bdir"/*.png 2>/dev/null | tr '\n' ' ')"
		fi
		if [ -f "$bdir/mutants.tsv" ]; then
			echo
			echo "detection (first finding, seconds since boot; wall includes the build):"
			awk -F'\t' 'NR > 1 { printf "  %-24s %-7s %-8s %6s s  wall %4s s  %s\n", $1, $3, $2, $5, $6, $4 }' "$bdir/mutants.tsv"
		fi
	} >"$bdir/table.txt"
	python3 - "$bdir/values.tsv" "$bdir/mutants.tsv" "$bdir/latency-summary.tsv" "$bdir/cpu-accounting.tsv" >"$json" <<'PY'
import json, os, sys
vals = dict(l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1]) if "\t" in l)
out = {"values": vals}
for key, path in (("detection", sys.argv[2]), ("latency", sys.argv[3]), ("cpu_accounting", sys.argv[4])):
    if os.path.exists(path):
        rows = [l.rstrip("\n").split("\t") for l in open(path)]
        out[key] = [dict(zip(rows[0], r)) for r in rows[1:]]
json.dump(out, sys.stdout, indent=1)
PY
	cat "$bdir/table.txt"
}
