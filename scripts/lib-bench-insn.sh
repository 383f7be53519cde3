# make bench's instruction counts (sourced by scripts/bench.sh): what the
# series costs with no provider, in guest instructions (QEMU plugin,
# scripts/qemu-plugin/), not in TCG's clock.
#
# bench-insn-none moves a fixed buffer a fixed number of times (4K pages,
# then THPs) on the unpatched kernel and on the patched one: two builds of
# each (the second in an object tree of its own, OBJ_TAG), two boots of
# each build. Per migrated folio (move_to_new_folio's calls), three figures:
#   path: the own instructions of ranges.list's "path" functions (the
#         batch loop, the copies, the series' dispatch and counters, the
#         move): each repeats exactly from boot to boot
#   vcpu: everything the mover's vCPU ran in the window (the whole
#         syscall with its callees, but also ticks, spinning and polling
#         at the host's pace)
#   own:  the mover task's own instructions in the window, wherever it
#         ran: the whole syscall with its callees, without the interrupts
#         it took, the other tasks that ran while it slept, the turns of
#         cpu_relax() loops, and the functions of qemu-plugin/aside.list
#         (lru_cache_disable(): per move_pages() call, a wait for other
#         CPUs whose length follows the host's pace; free_pcppages_bulk():
#         as much as the per-CPU free lists hold); insn-table.sh's own_net=
# with two spreads: between the boots of a build and between the builds.
# A spread over 0.5 % is printed as such ("varies"), never averaged into a
# ratio that looks exact. The path figure has no ratio between kernels:
# its functions' split differs from one kernel to the other (what the
# compiler inlines into migrate_pages_batch), so that two kernels' sums
# are not the same code. Whether the two builds' kernel text is the same
# bytes is printed too: a rebuild that moves code would show here first.

INSN_MAX_SPREAD=0.005

# _insn_kv LINE KEY: KEY=value's value from an insn-table.sh line
_insn_kv() {
	printf '%s\n' "$1" | tr '\t' '\n' | sed -n "s/^$2=//p"
}

# _insn_text_hash ART: the artifact's kernel text (vmlinux's .text), hashed
_insn_text_hash() {
	objcopy -O binary --only-section=.text "$1/vmlinux" /dev/stdout 2>/dev/null | sha256sum | cut -c1-16
}

measure_insn() {
	local b r cfg name a kind line folios own
	local -A arts
	arts[unpatched1]=$(baseline_art) arts[none1]=$art
	log "instructions: the second build of each kernel (object trees baseline-rebuild, rebuild)"
	arts[unpatched2]=$(baseline_art rebuild) arts[none2]=$(rebuild_art)
	for b in 1 2; do
		for name in unpatched none; do
			put "insn_text_${name}_b$b" "$(_insn_text_hash "${arts[$name$b]}")"
			put "insn_kernel_${name}_b$b" "$(cat "${arts[$name$b]}/id")"
		done
		for r in 1 2; do
			for name in unpatched none; do
				a=${arts[$name$b]}
				log "instructions, build $b, boot $r/2: $name (bench-insn-none)"
				INSN_COUNT=1 QEMU=${BENCH_INSN_QEMU:-backports} TCG_THREAD=multi bench_run "$a" bench-insn-none
				"$TOP/scripts/insn-table.sh" "$LAST" >"$LAST/insn-table.tsv"
				for kind in 4k thp; do
					line=$(grep -P "\tkind=$kind\t" "$LAST/insn-table.tsv" | tail -1)
					folios=$(_insn_kv "$line" move_to_new_folio_calls)
					[ "${folios:-0}" -gt 0 ] || die "bench-insn-none: no $kind folio migrated in the window (see $LAST)"
					cfg="insn_${kind}_${name}_b${b}r${r}"
					put "${cfg}_folios" "$folios"
					put "${cfg}_path" "$(awk -v p="$(_insn_kv "$line" path)" -v f="$folios" 'BEGIN { printf "%.2f", p / f }')"
					put "${cfg}_vcpu" "$(awk -v p="$(_insn_kv "$line" self)" -v f="$folios" 'BEGIN { printf "%.1f", p / f }')"
					own=$(_insn_kv "$line" own_net)
					[ -n "$own" ] || die "bench-insn-none: the mover task's own count is missing or lost ($kind, see $LAST/insn-table.tsv)"
					put "${cfg}_own" "$(awk -v p="$own" -v f="$folios" 'BEGIN { printf "%.2f", p / f }')"
				done
			done
		done
	done
}

# per kind, configuration and figure: the mean of the four runs, the
# larger spread between a build's two boots, and the spread between the
# two builds' means; per build, the patched over the unpatched, and their
# mean as the ratio, or "varies (spread S)" when any spread is over 0.5 %
derive_insn() {
	local kind c f m m1 m2 boots builds r1 r2 ratio
	[ -n "$(get insn_4k_none_b1r1_path)" ] || return 0
	for kind in 4k thp; do
		for c in unpatched none; do
			for f in path vcpu own; do
				read -r m m1 m2 boots builds < <(awk -v a="$(get "insn_${kind}_${c}_b1r1_$f")" -v b="$(get "insn_${kind}_${c}_b1r2_$f")" \
					-v c="$(get "insn_${kind}_${c}_b2r1_$f")" -v d="$(get "insn_${kind}_${c}_b2r2_$f")" '
					function rel(x, y) { return (x + y) > 0 ? (x > y ? x - y : y - x) * 2 / (x + y) : 0 }
					BEGIN { m1 = (a + b) / 2; m2 = (c + d) / 2; s1 = rel(a, b); s2 = rel(c, d)
						printf "%.2f %.4f %.4f %.4f %.4f\n", (m1 + m2) / 2, m1, m2, (s1 > s2 ? s1 : s2), rel(m1, m2) }')
				put "insn_${kind}_${c}_$f" "$m"
				put "insn_${kind}_${c}_${f}_b1" "$m1"
				put "insn_${kind}_${c}_${f}_b2" "$m2"
				put "insn_${kind}_${c}_${f}_boots" "$boots"
				put "insn_${kind}_${c}_${f}_builds" "$builds"
			done
		done
		for f in vcpu own; do
			read -r r1 r2 ratio < <(awk -v n1="$(get "insn_${kind}_none_${f}_b1")" -v n2="$(get "insn_${kind}_none_${f}_b2")" \
				-v u1="$(get "insn_${kind}_unpatched_${f}_b1")" -v u2="$(get "insn_${kind}_unpatched_${f}_b2")" \
				-v s="$(printf '%s\n' "$(get "insn_${kind}_none_${f}_boots")" "$(get "insn_${kind}_none_${f}_builds")" \
					"$(get "insn_${kind}_unpatched_${f}_boots")" "$(get "insn_${kind}_unpatched_${f}_builds")" | sort -g | tail -1)" \
				-v max="$INSN_MAX_SPREAD" '
				BEGIN { r1 = u1 > 0 ? n1 / u1 : 0; r2 = u2 > 0 ? n2 / u2 : 0
					if (s > max) r = sprintf("varies_(spread_%.1f%%)", s * 100)
					else if (r1 > 0 && r2 > 0) r = sprintf("%.4f", (r1 + r2) / 2); else r = "n/a"
					printf "%.4f %.4f %s\n", r1, r2, r }')
			put "insn_${kind}_ratio_${f}_b1" "$r1"
			put "insn_${kind}_ratio_${f}_b2" "$r2"
			put "insn_${kind}_ratio_$f" "${ratio//_/ }"
		done
	done
}

report_insn() {
	local kind f c same
	[ -n "$(get insn_4k_ratio_vcpu)" ] || return 0
	echo
	echo "instructions per migrated folio, no provider (bench-insn-none, QEMU plugin; two builds of each"
	echo "kernel, the second in an object tree of its own, two boots of each build; path: the migration"
	echo "path's own functions, scripts/qemu-plugin/ranges.list; vcpu: all the mover's vCPU ran; own: the"
	echo "mover task's own, without interrupts, other tasks, spin-loop turns and aside.list's functions"
	echo "(lru_cache_disable(), free_pcppages_bulk()); boots: the larger"
	echo "|boot 1 - boot 2| / mean of a build; builds: |build 1 - build 2| / mean; a ratio is given only"
	echo "when every spread is within 0.5 %; path has none: the kernels split the path differently):"
	printf '  %-4s %-4s %12s %7s %7s %12s %7s %7s %9s %9s %9s\n' "" "" unpatched boots builds patched boots builds ratio "build 1" "build 2"
	for kind in 4k thp; do
		for f in path vcpu own; do
			printf '  %-4s %-4s %12s %7s %7s %12s %7s %7s %9s %9s %9s\n' "$kind" "$f" \
				"$(get "insn_${kind}_unpatched_$f")" "$(get "insn_${kind}_unpatched_${f}_boots")" "$(get "insn_${kind}_unpatched_${f}_builds")" \
				"$(get "insn_${kind}_none_$f")" "$(get "insn_${kind}_none_${f}_boots")" "$(get "insn_${kind}_none_${f}_builds")" \
				"$([ "$f" != path ] && get "insn_${kind}_ratio_$f" || echo -)" \
				"$([ "$f" != path ] && get "insn_${kind}_ratio_${f}_b1" || echo -)" "$([ "$f" != path ] && get "insn_${kind}_ratio_${f}_b2" || echo -)"
		done
	done
	for c in unpatched none; do
		same="differs"
		[ "$(get "insn_text_${c}_b1")" = "$(get "insn_text_${c}_b2")" ] && same="the same bytes"
		echo "  kernel text of the two builds, $c ($(get "insn_kernel_${c}_b1"), $(get "insn_kernel_${c}_b2")): $same"
	done
}

# --- instructions per folio against batch size, per provider ------------------
# bench-insn-batch, two boots of the patched kernel: the mover's own
# instructions (own_net=, as above) per migrated folio (move_to_new_folio's calls) for
# each provider, kind and batch size; and per batch, from its entry to its
# first folio in place (first_per_batch=: the latency section's first
# folio, in instructions); the larger spread of the two boots beside each
# (over 0.5 %: "varies", the figure not given). Per provider, the batch
# size at which the first folio costs twice what it costs in a batch of
# one, found in each boot: the latency section's "doubles at", given when
# the two boots find the same size.
INSN_BATCH_PROVIDERS="none pass mt dma"

measure_insn_batch() {
	local r
	for r in 1 2; do
		log "instructions against batch size, boot $r/2 (bench-insn-batch)"
		INSN_COUNT=1 QEMU=${BENCH_INSN_QEMU:-backports} TCG_THREAD=multi bench_run "$art" bench-insn-batch
		"$TOP/scripts/insn-table.sh" "$LAST" >"$LAST/insn-table.tsv"
		awk -F'\t' -v r="$r" '
			{ delete kv; for (i = 3; i <= NF; i++) { p = index($i, "="); kv[substr($i, 1, p - 1)] = substr($i, p + 1) } }
			kv["provider"] != "" && kv["own_net"] != "" && kv["move_to_new_folio_calls"] > 0 {
				printf "insnb_%s_%s_%s_r%s\t%.2f\n", kv["provider"], kv["kind"], kv["chunk"], r, kv["own_net"] / kv["move_to_new_folio_calls"]
			}
			kv["provider"] != "" && kv["first_per_batch"] != "" {
				printf "insnf_%s_%s_%s_r%s\t%s\n", kv["provider"], kv["kind"], kv["chunk"], r, kv["first_per_batch"]
			}' "$LAST/insn-table.tsv" >>"$bdir/values.tsv"
	done
}

derive_insn_batch() {
	local key a b p kind
	for key in $(awk -F'\t' '$1 ~ /^insn[bf]_.*_r1$/ { sub(/_r1$/, "", $1); print $1 }' "$bdir/values.tsv" | sort -u); do
		a=$(get "${key}_r1") b=$(get "${key}_r2")
		put "$key" "$(awk -v a="$a" -v b="$b" -v max="$INSN_MAX_SPREAD" 'BEGIN {
			if (b == "") { print "n/a"; exit }
			m = (a + b) / 2; d = a > b ? a - b : b - a; s = m > 0 ? d / m : 0
			if (s > max) printf "varies (%.1f%%)", s * 100; else printf "%.1f", m }')"
	done
	# the first batch size whose first folio costs twice a batch of one's,
	# in each boot; the size when the two boots say the same
	for p in $INSN_BATCH_PROVIDERS; do
		for kind in 4k thp; do
			[ -n "$(get "insnf_${p}_${kind}_1_r1")" ] || continue
			a=$(_insn_doubles_at "$p" "$kind" r1) b=$(_insn_doubles_at "$p" "$kind" r2)
			put "insnf_${p}_${kind}_doubles_at" "$([ "$a" = "$b" ] && echo "$a" || echo "varies (boot 1: $a, boot 2: $b)")"
		done
	done
}

# _insn_doubles_at PROVIDER KIND BOOT: the first batch size at which one
# boot's first folio costs twice its batch of one's
_insn_doubles_at() {
	local c
	for c in $(_insn_batches "$2"); do printf '%s %s\n' "$c" "$(get "insnf_$1_$2_${c}_$3")"; done |
		awk '$2 == "" { print "n/a (" $1 ": missing)"; done = 1; exit }
			NR == 1 { one = $2; next }
			$2 >= 2 * one { print $1; done = 1; exit }
			END { if (!done) print "not within the sizes measured" }'
}

# _insn_batches KIND: the batch sizes bench-insn-batch measures
_insn_batches() {
	[ "$1" = 4k ] && echo "1 2 4 8 16 32 64 128 256 512" || echo "1 2 4 16"
}

report_insn_batch() {
	local kind c p
	[ -n "$(get insnb_none_4k_1)" ] || return 0
	echo
	echo "the mover's own instructions per migrated folio against batch size (bench-insn-batch, QEMU"
	echo "plugin, two boots; a provider's copy threads are not the mover's and are not counted):"
	_report_insn_batch_table insnb
	[ -n "$(get insnf_none_4k_1)" ] || return 0
	echo
	echo "the mover's own instructions from a batch's entry to its first folio in place, per batch"
	echo "(the latency section's first folio in instructions; two boots):"
	_report_insn_batch_table insnf
	for p in $INSN_BATCH_PROVIDERS; do
		echo "  $p: the first folio costs twice a batch of one's at batch size $(get "insnf_${p}_4k_doubles_at") (4k), $(get "insnf_${p}_thp_doubles_at") (thp)"
	done
}

# _report_insn_batch_table PREFIX: a row per kind and batch size, a column per provider
_report_insn_batch_table() {
	local kind c p
	for kind in 4k thp; do
		printf '  %-4s %6s' "$kind" batch
		for p in $INSN_BATCH_PROVIDERS; do printf ' %16s' "$p"; done
		echo
		for c in $(_insn_batches "$kind"); do
			printf '  %-4s %6s' "" "$c"
			for p in $INSN_BATCH_PROVIDERS; do printf ' %16s' "$(get "${1}_${p}_${kind}_$c")"; done
			echo
		done
	done
}

# plot_insn: insn.png, the insn-batch section's two curves against batch
# size (4K), each provider a line: the mover's own instructions from a
# batch's entry to its first folio in place (the latency plot's first
# folio, in instructions), and per migrated folio; a size whose two boots
# differ by more than INSN_MAX_SPREAD is left out of its line
plot_insn() {
	local p c v prefix
	[ -n "$(get insnf_none_4k_1)" ] || return 0
	have_gnuplot || return 0
	for prefix in insnf insnb; do
		for p in $INSN_BATCH_PROVIDERS; do
			for c in $(_insn_batches 4k); do
				v=$(get "${prefix}_${p}_4k_$c")
				! numeric "$v" || echo "$c $v"
			done >"$bdir/.$prefix-$p.dat"
		done
	done
	bench_gnuplot instructions <<GP
set terminal png size 1100,480 noenhanced
set output "insn.png"
set multiplot layout 1,2 title "migrate_pages_batch(), 4K pages, the mover's own guest instructions (QEMU plugin, mean of two boots); flavour $FLAVOUR, base $BASE"
set logscale x 2
set xlabel "batch size (folios)"
set key top left
set grid
set logscale y 10
set format y "%.0s%c"
set ylabel "instructions"
set title "to the first folio in place, per batch"
plot for [p in "$INSN_BATCH_PROVIDERS"] ".insnf-".p.".dat" using 1:2 with linespoints title p
unset logscale y
set format y "%.0f"
set ylabel "instructions per folio"
set title "per migrated folio"
plot for [p in "$INSN_BATCH_PROVIDERS"] ".insnb-".p.".dat" using 1:2 with linespoints title p
unset multiplot
GP
	rm -f "$bdir"/.insn[fb]-*.dat
}
