#!/usr/bin/env bash
# make bench: how hard the suite pushes the code under test and what it
# costs, measured in one run on this machine. Under TCG absolute times say
# little, so every figure that can be is a ratio of two measured here.
#
#   scripts/bench.sh                (BENCH_SEED=, BENCH_ROUNDS=, BENCH_MUTANTS=0)
#   scripts/bench.sh --report DIR   print an earlier bench's table again
#
#  1. intensity: offload calls per guest-second and fault-path events per
#     guest-minute under the suite's drivers, and under stress-ng --numa
#     alone, same provider, same duration (bench-drive-*);
#  2. overhead: move_pages() throughput, 4K and THP, on the unpatched tree
#     (SERIES_UPTO=0, an object tree of its own), the patched tree without
#     a provider, with fault_provider (pass) and with mt_provider, in
#     BENCH_ROUNDS (2) alternating rounds, with the spread between rounds;
#  3. pipeline: kernel build, rebuild after a provider edit and after a
#     patch edit, boot to /init, the last make check;
#  4. detection: every variant of patches/$BASE/mutants/ (scripts/mutants.sh).
#
# Writes results/bench-<utc>/ (bench.json, table.txt, the runs' dirs
# listed in runs.txt) and prints the table.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

seed=${BENCH_SEED:-1}
valid_seed "$seed" || die "bad BENCH_SEED '$seed'"
rounds=${BENCH_ROUNDS:-2}
[[ $rounds =~ ^[1-9][0-9]?$ ]] || die "bad BENCH_ROUNDS '$rounds': 1 to 99"
report_only=""
if [ "${1:-}" = --report ]; then # print the table of an earlier bench again
	report_only=${2:?--report needs a bench results directory}
	[ -f "$report_only/values.tsv" ] || die "$report_only holds no values.tsv"
	bdir=$report_only
else
	mkdir -p "$RESULTS"
	base=$RESULTS/bench-$(date -u +%Y%m%d-%H%M%S)
	bdir=$base n=1
	while ! mkdir "$bdir" 2>/dev/null; do n=$((n + 1)); bdir=$base-$n; done
	log "bench: $bdir"
	: >"$bdir/values.tsv"
fi
json=$bdir/bench.json
put() { printf '%s\t%s\n' "$1" "$2" >>"$bdir/values.tsv"; } # KEY VALUE
get() { awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print v }' "$bdir/values.tsv"; }

# bench_run ART SCENARIO: one boot; its dir is appended to runs.txt
bench_run() {
	local art=$1 s=$2 dirf rc=0
	dirf=$(tmp_file)
	KERNEL_ART=$art RUN_DIR_FILE=$dirf "$TOP/scripts/run.sh" "$s" "$seed" >/dev/null || rc=$?
	LAST=$(cat "$dirf")
	rm -f "$dirf"
	echo "$LAST" >>"$bdir/runs.txt"
	[ "$rc" = 0 ] || die "bench run $s failed (exit $rc): see $LAST/summary.txt"
}
# field NAME KEY FILE: KEY=value from the "BENCH: NAME" line of a console
field() {
	grep -a "BENCH: $1" "$3" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "n/a" }'; }

measure() {
	put date "$(date -u '+%Y-%m-%d %H:%M UTC')"
	# --- 3a. the kernel (timed when this run builds it) --------------------------------
	t0=$(date +%s)
	art=$("$TOP/scripts/build-kernel.sh" | tail -1)
	put kernel "$(cat "$art/id")"
	put kernel_build_s "$(cat "$art/build-seconds" 2>/dev/null || echo n/a)"
	put kernel_build_fresh "$(cat "$art/fresh" 2>/dev/null || echo n/a)"

	# --- 2. overhead --------------------------------------------------------------------------
	log "overhead: the unpatched baseline kernel (SERIES_UPTO=0, own object tree)"
	base_art=$(SERIES_UPTO=0 OBJ_TAG=baseline EXTRA_PATCHES="" "$TOP/scripts/build-kernel.sh" | tail -1)
	# rounds alternate the four configurations (A B C D A B C D ...), so
	# that a drift of the host hits each alike; the spread between rounds
	# is printed next to each ratio: a difference inside it is noise
	local round
	for round in $(seq 1 "$rounds"); do
		for cfg in unpatched:"$base_art":bench-move-none none:"$art":bench-move-none \
			fault_provider:"$art":bench-move-fp mt_provider:"$art":bench-move-mt; do
			IFS=: read -r name a s <<<"$cfg"
			log "overhead, round $round/$rounds: $name ($s)"
			bench_run "$a" "$s"
			for kind in 4k thp; do
				put "move_${kind}_${name}_r$round" "$(field "move kind=$kind" pages_per_s "$LAST/console.log")"
			done
			put "thp_kb_${name}_r$round" "$(field "move kind=thp" thp_kb "$LAST/console.log")"
			# boot to /init, guest seconds, from the first boot's console
			[ -n "$(get boot_to_init_s)" ] || put boot_to_init_s \
				"$(sed -n 's/^\[ *\([0-9.]*\)\].*Run \/init as init process.*/\1/p' "$LAST/console.log" | head -1)"
		done
	done
	put rounds "$rounds"

	# --- 1. intensity ----------------------------------------------------------------------------
	for s in bench-drive-suite bench-drive-stressng; do
		log "intensity: $s"
		bench_run "$art" "$s"
		w=${s#bench-drive-}
		win=$(grep -a 'BENCH: window' "$LAST/console.log" | tail -1)
		for k in seconds calls declined failed cpu in_flight partial stalls; do
			put "${w}_$k" "$(printf '%s\n' "$win" | tr ' ' '\n' | sed -n "s/^$k=//p")"
		done
	done
	# --- 1b. per accelerator: the same drive under each way QEMU can run the guest ----------
	# single-threaded TCG (vCPUs take turns), multi-threaded TCG (they run
	# at once; QEMU 10 from bookworm-backports), KVM where /dev/kvm is
	local acc
	for acc in tcg-single tcg-multi kvm; do
		case $acc in
		tcg-single) ACCEL=tcg TCG_THREAD=single bench_run "$art" bench-drive-suite ;;
		tcg-multi) ACCEL=tcg TCG_THREAD=multi QEMU=${BENCH_MTTCG_QEMU:-backports} bench_run "$art" bench-drive-suite ;;
		kvm)
			# the earlier boots (ACCEL=auto) probed it: run-vm.sh's kvm_works
			if [ ! -w /dev/kvm ] || ! grep -q ' yes$' "$BUILD/kvm-probe" 2>/dev/null; then
				put "accel_${acc}_calls_per_s" "n/a (no working /dev/kvm)"
				continue
			fi
			ACCEL=kvm bench_run "$art" bench-drive-suite ;;
		esac
		log "intensity under $acc: $(cat "$LAST/qemu-version" | tr '\n' ' ')"
		wsecs=$(field window seconds "$LAST/console.log")
		for k in calls in_flight; do
			put "accel_${acc}_${k}_per_s" "$(awk -v s="$wsecs" -v c="$(field window "$k" "$LAST/console.log")" \
				'BEGIN { if (s > 0) printf "%.2f", c / s; else print "n/a" }')"
		done
		put "accel_${acc}_wall_s" "$(cat "$LAST/wall")"
		put "accel_${acc}_guest_s" "$wsecs"
	done
	# --- 3b. pipeline -------------------------------------------------------------------------------
	log "pipeline: rebuild after a provider edit"
	src=$(cat "$art/src") obj=$(cat "$art/obj")
	# Kbuild reads the headers from the shared source tree: this artifact's
	git -C "$src" checkout -q -f --detach "$(cat "$art/commit")"
	work=$(tmp_dir)
	cp "$TOP"/faultmods/*.c "$TOP"/faultmods/*.h "$TOP"/faultmods/Kbuild "$work"/
	make -s -C "$src" O="$obj" M="$work" CC="ccache gcc" modules >/dev/null 2>&1 ||
		die "faultmods do not build (see scripts/build-modules.sh)"
	echo "/* edited by make bench */" >>"$work/fault_provider.c"
	t0=$(date +%s.%N)
	make -s -C "$src" O="$obj" M="$work" CC="ccache gcc" modules >/dev/null 2>&1
	put provider_rebuild_s "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
	rm -rf "$work"

	log "pipeline: rebuild after a patch edit (a comment in mm/migrate_copy_offload.c)"
	# an artifact of an earlier bench would make this a no-op: drop it
	rm -rf "$(EXTRA_PATCHES="$(base_dir)/bench/comment-in-offload-core.patch" "$TOP/scripts/build-kernel.sh" --dir)"
	t0=$(date +%s)
	EXTRA_PATCHES="$(base_dir)/bench/comment-in-offload-core.patch" "$TOP/scripts/build-kernel.sh" >/dev/null
	put patch_rebuild_s $(($(date +%s) - t0))
	# and back: the next run of anything would pay for this switch otherwise
	"$TOP/scripts/build-kernel.sh" >/dev/null
	last_check=$BUILD/last-check.txt
	put make_check_s "$(sed -n 's/^seconds: //p' "$last_check" 2>/dev/null || echo n/a)"
	put make_check_when "$(sed -n 's/^date: //p' "$last_check" 2>/dev/null || echo never)"

	# --- 4. detection ----------------------------------------------------------------------------------
	if [ "${BENCH_MUTANTS:-1}" = 1 ]; then
		log "detection: the mutant catalogue"
		MUTANTS_TABLE=$bdir/mutants.tsv "$TOP/scripts/mutants.sh" >/dev/null || true
	fi

}

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

# --- the table and the JSON -------------------------------------------------------------------
report() {
	{
		echo "make bench, $(get date), $(nproc) cores, $(uname -m), accel $(awk '{ print ($2 == "yes" ? "kvm" : "tcg") }' "$BUILD/kvm-probe" 2>/dev/null || echo tcg) (thread=${TCG_THREAD:-single}), kernel $(get kernel), seed $seed"
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
		if [ -f "$bdir/mutants.tsv" ]; then
			echo
			echo "detection (first finding, seconds since boot; wall includes the build):"
			awk -F'\t' 'NR > 1 { printf "  %-24s %-7s %-8s %6s s  wall %4s s  %s\n", $1, $3, $2, $5, $6, $4 }' "$bdir/mutants.tsv"
		fi
	} >"$bdir/table.txt"
	python3 - "$bdir/values.tsv" "$bdir/mutants.tsv" >"$json" <<'PY'
import json, os, sys
vals = dict(l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1]) if "\t" in l)
out = {"values": vals}
if os.path.exists(sys.argv[2]):
    rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
    out["detection"] = [dict(zip(rows[0], r)) for r in rows[1:]]
json.dump(out, sys.stdout, indent=1)
PY
	cat "$bdir/table.txt"
}

[ -n "$report_only" ] || measure
derive
report
echo "$bdir"
