#!/usr/bin/env bash
# make bench: how hard the suite pushes the code under test and what it
# costs, measured in one run on this machine. Under TCG absolute times say
# little, so every figure that can be is a ratio of two measured here.
#
#   scripts/bench.sh                (BENCH_SEED=, BENCH_ROUNDS=, BENCH_MUTANTS=0)
#   scripts/bench.sh --report DIR   print an earlier bench's table again
#   scripts/bench.sh --resume DIR   measure BENCH_SECTIONS into an earlier
#                                   bench (one that stopped half-way)
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
#  4. detection: every variant of patches/$BASE/mutants/ (scripts/mutants.sh);
#  5. latency: first- and last-folio latency against batch size (4K 1..512,
#     THP 1) with no provider, mt_provider and dma_model, idle and with
#     every vCPU busy, and the CPU time of the migrating task, its cgroup
#     and the copy workers per MB moved (bench-latency; the questions the
#     reviewers left open), with plots (gnuplot).
#
#  6. insn: the series' cost with no provider in guest instructions per
#     migrated folio, unpatched against patched, two boots each
#     (scripts/lib-bench-insn.sh; a QEMU plugin of ours counts them).
#  7. insn-batch: the migrating task's own instructions per folio against
#     batch size (4K 1..512, THP 1..16) with no provider, fault_provider
#     copying, mt_provider and dma_model, two boots (bench-insn-batch).
#  8. campaign: runs per hour and seconds to the first migration of the
#     nightly campaign booting cold and from a snapshot, the same verdicts
#     both ways, and the time to detect each variant of the catalogue in
#     nightly order, both ways (scripts/lib-bench-campaign.sh; hours: the
#     variants are left out with BENCH_MUTANTS=0).
#
# BENCH_SECTIONS (default "overhead intensity accel pipeline detection
# latency insn insn-batch campaign") picks sections; the rows of one left
# out stay empty.
#
# Writes results/bench-<utc>/ (bench.json, table.txt, latency.tsv,
# latency.png, throughput.png, insn.png, the runs' dirs listed in runs.txt) and
# prints the table.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# derive, derive_latency, plot_latency, plot_throughput, report: the figures, the plots,
# the table, the JSON
. "$(dirname "$0")/lib-bench.sh"
# measure_insn(_batch), derive_insn(_batch), report_insn(_batch): the
# instruction counts
. "$(dirname "$0")/lib-bench-insn.sh"
# measure_campaign, derive_campaign, report_campaign: the campaign's speed
. "$(dirname "$0")/lib-bench-campaign.sh"

seed=${BENCH_SEED:-1}
valid_seed "$seed" || die "bad BENCH_SEED '$seed'"
rounds=${BENCH_ROUNDS:-2}
sections=" ${BENCH_SECTIONS:-overhead intensity accel pipeline detection latency insn insn-batch campaign} "
for sec in $sections; do
	case $sec in
	overhead | intensity | accel | pipeline | detection | latency | insn | insn-batch | campaign) ;;
	*) die "unknown BENCH_SECTIONS entry '$sec' (known: overhead intensity accel pipeline detection latency insn insn-batch campaign)" ;;
	esac
done
want() { [[ $sections == *" $1 "* ]]; }
[[ $rounds =~ ^[1-9][0-9]?$ ]] || die "bad BENCH_ROUNDS '$rounds': 1 to 99"
report_only=""
if [ "${1:-}" = --report ]; then # print the table of an earlier bench again
	report_only=${2:?--report needs a bench results directory}
	[ -f "$report_only/values.tsv" ] || die "$report_only holds no values.tsv"
	bdir=$report_only
elif [ "${1:-}" = --resume ]; then # measure BENCH_SECTIONS into an earlier bench
	bdir=${2:?--resume needs a bench results directory}
	[ -f "$bdir/values.tsv" ] || die "$bdir holds no values.tsv"
	log "bench: $bdir (resumed: $sections)"
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
	want overhead && measure_overhead
	want intensity && measure_intensity
	want accel && measure_accel
	want pipeline && measure_pipeline
	want detection && measure_detection
	want latency && measure_latency
	want insn && measure_insn
	want insn-batch && measure_insn_batch
	want campaign && measure_campaign
	return 0
}

# baseline_art [TAG]: the unpatched kernel (SERIES_UPTO=0), in an object
# tree of its own so that switching to it does not rebuild the series';
# with TAG, in another one again (a second build, compared with the first)
baseline_art() {
	SERIES_UPTO=0 OBJ_TAG=baseline${1:+-$1} EXTRA_PATCHES="" "$TOP/scripts/build-kernel.sh" | tail -1
}

# rebuild_art: the patched kernel built a second time, in an object tree of
# its own (OBJ_TAG=rebuild): the same inputs, another build
rebuild_art() {
	OBJ_TAG=rebuild "$TOP/scripts/build-kernel.sh" | tail -1
}

measure_overhead() {
	log "overhead: the unpatched baseline kernel (SERIES_UPTO=0, own object tree)"
	base_art=$(baseline_art)
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
}

# --- 1. intensity ----------------------------------------------------------------------------
measure_intensity() {
	local s w win k
	for s in bench-drive-suite bench-drive-stressng; do
		log "intensity: $s"
		bench_run "$art" "$s"
		w=${s#bench-drive-}
		win=$(grep -a 'BENCH: window' "$LAST/console.log" | tail -1)
		for k in seconds calls declined failed cpu in_flight partial stalls; do
			put "${w}_$k" "$(printf '%s\n' "$win" | tr ' ' '\n' | sed -n "s/^$k=//p")"
		done
	done
}

# --- 1b. per accelerator: the same drive under each way QEMU can run the guest ----------
# single-threaded TCG (vCPUs take turns), multi-threaded TCG (they run
# at once; QEMU 10 from bookworm-backports), KVM where /dev/kvm is
measure_accel() {
	local acc wsecs k
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
}

# --- 3b. pipeline -------------------------------------------------------------------------------
measure_pipeline() {
	local src obj work t0 last_check mods
	log "pipeline: rebuild after a provider edit"
	src=$(cat "$art/src") obj=$(cat "$art/obj")
	# Kbuild reads the headers from the shared source tree: this artifact's
	git -C "$src" checkout -q -f --detach "$(cat "$art/commit")"
	work=$(tmp_dir)
	# the modules' Kbuild as build-modules.sh wrote it for this kernel: with
	# the API flags offload_compat.h needs
	mods=$("$TOP/scripts/build-modules.sh" "$art" | tail -1)
	cp "$TOP"/faultmods/*.c "$TOP"/faultmods/*.h "$mods/Kbuild" "$work"/
	make -s -C "$src" O="$obj" M="$work" CC="ccache gcc" modules >/dev/null 2>&1 ||
		die "faultmods do not build (see scripts/build-modules.sh)"
	echo "/* edited by make bench */" >>"$work/fp_core.c"
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

}

# --- 4. detection ----------------------------------------------------------------------------------
measure_detection() {
	if [ "${BENCH_MUTANTS:-1}" = 1 ]; then
		log "detection: the mutant catalogue"
		MUTANTS_TABLE=$bdir/mutants.tsv "$TOP/scripts/mutants.sh" >/dev/null || true
	fi
}

# --- 5. latency against batch size, busy machine, CPU accounting ----------------------------------
# bench-latency's "BENCH: lat" lines, one per window, into latency.tsv
measure_latency() {
	log "latency: first and last folio against batch size, idle and busy (bench-latency, about 15 min)"
	bench_run "$art" bench-latency
	put latency_run "$LAST"
	put latency_accel "$(tr '\n' ' ' <"$LAST/qemu-version" 2>/dev/null | sed 's/ *$//')"
	grep -a -o 'BENCH: lat .*' "$LAST/console.log" | awk '{
		delete v; for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print v["provider"], v["load"], v["kind"], v["batch"], v["round"], v["samples"],
			v["first_p50_us"], v["first_p99_us"], v["last_p50_us"], v["last_p99_us"],
			v["pages"], v["seconds"], v["task_cpu_ms"], v["cg_cpu_ms"], v["worker_ms"] }' OFS='\t' >"$bdir/latency.tsv"
	[ -s "$bdir/latency.tsv" ] || die "bench-latency printed no BENCH: lat line (see $LAST/console.log)"
	# a window without its pages, time or CPU figures would count as zero
	# in the throughput and accounting rows: refuse it
	awk -F'\t' '$11 == "" || $12 == "" || $13 == "" || $14 == "" { bad++ } END { exit bad > 0 }' "$bdir/latency.tsv" ||
		die "bench-latency: windows without pages, seconds or CPU time (see $LAST/console.log)"
}

[ -n "$report_only" ] || measure
derive
derive_latency
derive_insn
derive_insn_batch
derive_campaign
plot_throughput
plot_insn
report
{ report_insn; report_insn_batch; report_campaign; } | tee -a "$bdir/table.txt"
echo "$bdir"
