# make bench's instruction counts (sourced by scripts/bench.sh): what the
# series costs with no provider, in guest instructions (QEMU plugin,
# scripts/qemu-plugin/), not in TCG's clock.
#
# bench-insn-none moves a fixed buffer a fixed number of times (4K pages,
# then THPs) on the unpatched kernel and on the patched one, two boots
# each. Per migrated folio (move_to_new_folio's calls), two figures:
#   path: the own instructions of ranges.list's "path" functions (the
#         batch loop, the copies, the series' dispatch and counters, the
#         move): each repeats exactly from boot to boot
#   vcpu: everything the mover's vCPU ran in the window (the whole
#         syscall with its callees, but also ticks, spinning and polling
#         at the host's pace)
#   own:  the mover task's own instructions in the window, wherever it
#         ran: the whole syscall with its callees, without the interrupts
#         it took, the other tasks that ran while it slept, and the turns
#         of cpu_relax() loops (the plugin's events=; insn-table.sh's own=)
# with the spread between the two boots; a spread over 0.5 % is printed
# as such ("varies"), never averaged into a ratio that looks exact. The
# path figure has no ratio between kernels: its functions' split differs
# from one kernel to the other (what the compiler inlines into
# migrate_pages_batch), so that two kernels' sums are not the same code.

INSN_MAX_SPREAD=0.005

# _insn_kv LINE KEY: KEY=value's value from an insn-table.sh line
_insn_kv() {
	printf '%s\n' "$1" | tr '\t' '\n' | sed -n "s/^$2=//p"
}

measure_insn() {
	local base_art r cfg name a s kind line folios own
	base_art=$(baseline_art)
	for r in 1 2; do
		for cfg in unpatched:"$base_art" none:"$art"; do
			IFS=: read -r name a <<<"$cfg"
			log "instructions, boot $r/2: $name (bench-insn-none)"
			INSN_COUNT=1 QEMU=${BENCH_INSN_QEMU:-backports} TCG_THREAD=multi bench_run "$a" bench-insn-none
			"$TOP/scripts/insn-table.sh" "$LAST" >"$LAST/insn-table.tsv"
			for kind in 4k thp; do
				line=$(grep -P "\tkind=$kind\t" "$LAST/insn-table.tsv" | tail -1)
				folios=$(_insn_kv "$line" move_to_new_folio_calls)
				[ "${folios:-0}" -gt 0 ] || die "bench-insn-none: no $kind folio migrated in the window (see $LAST)"
				put "insn_${kind}_${name}_r${r}_folios" "$folios"
				put "insn_${kind}_${name}_r${r}_path" "$(awk -v p="$(_insn_kv "$line" path)" -v f="$folios" 'BEGIN { printf "%.2f", p / f }')"
				put "insn_${kind}_${name}_r${r}_vcpu" "$(awk -v p="$(_insn_kv "$line" self)" -v f="$folios" 'BEGIN { printf "%.1f", p / f }')"
				own=$(_insn_kv "$line" own)
				[ -n "$own" ] || die "bench-insn-none: the mover task's own count is missing or lost ($kind, see $LAST/insn-table.tsv)"
				put "insn_${kind}_${name}_r${r}_own" "$(awk -v p="$own" -v f="$folios" 'BEGIN { printf "%.2f", p / f }')"
			done
		done
	done
}

# per kind, configuration and figure: the mean of the two boots and their
# spread; the patched over the unpatched, or "varies (spread S)"
derive_insn() {
	local kind c f a b m sp
	[ -n "$(get insn_4k_none_r1_path)" ] || return 0
	for kind in 4k thp; do
		for c in unpatched none; do
			for f in path vcpu own; do
				a=$(get "insn_${kind}_${c}_r1_$f") b=$(get "insn_${kind}_${c}_r2_$f")
				read -r m sp < <(awk -v a="$a" -v b="$b" 'BEGIN { m = (a + b) / 2; d = a > b ? a - b : b - a; printf "%.2f %.4f\n", m, (m > 0 ? d / m : 0) }')
				put "insn_${kind}_${c}_$f" "$m"
				put "insn_${kind}_${c}_${f}_spread" "$sp"
			done
		done
		for f in vcpu own; do
			put "insn_${kind}_ratio_$f" "$(awk -v a="$(get "insn_${kind}_none_$f")" -v b="$(get "insn_${kind}_unpatched_$f")" \
				-v sa="$(get "insn_${kind}_none_${f}_spread")" -v sb="$(get "insn_${kind}_unpatched_${f}_spread")" -v max="$INSN_MAX_SPREAD" \
				'BEGIN { s = sa > sb ? sa : sb
					if (s > max) printf "varies (spread %.1f%%)", s * 100
					else if (b > 0) printf "%.4f", a / b; else print "n/a" }')"
		done
	done
}

report_insn() {
	[ -n "$(get insn_4k_ratio_vcpu)" ] || return 0
	echo
	echo "instructions per migrated folio, no provider (bench-insn-none, QEMU plugin; two boots each;"
	echo "path: the migration path's own functions, scripts/qemu-plugin/ranges.list; vcpu: all the mover's"
	echo "vCPU ran; own: the mover task's own, without interrupts, other tasks and spin-loop turns;"
	echo "spread = |boot 1 - boot 2| / mean; a ratio whose spread is over 0.5 % is not given;"
	echo "path has none: the kernels split the path into functions differently):"
	printf '  %-6s %-5s %14s %8s %14s %8s %22s\n' "" "" "unpatched" "spread" "patched" "spread" "patched / unpatched"
	for kind in 4k thp; do
		for f in path vcpu own; do
			printf '  %-6s %-5s %14s %8s %14s %8s %22s\n' "$kind" "$f" \
				"$(get "insn_${kind}_unpatched_$f")" "$(get "insn_${kind}_unpatched_${f}_spread")" \
				"$(get "insn_${kind}_none_$f")" "$(get "insn_${kind}_none_${f}_spread")" "$([ "$f" != path ] && get "insn_${kind}_ratio_$f" || echo -)"
		done
	done
}

# --- instructions per folio against batch size, per provider ------------------
# bench-insn-batch, two boots of the patched kernel: the mover's own
# instructions (own=) per migrated folio (move_to_new_folio's calls) for
# each provider, kind and batch size; the larger spread of the two boots
# beside each (over 0.5 %: "varies", the figure not given).
INSN_BATCH_PROVIDERS="none pass mt dma"

measure_insn_batch() {
	local r
	for r in 1 2; do
		log "instructions against batch size, boot $r/2 (bench-insn-batch)"
		INSN_COUNT=1 QEMU=${BENCH_INSN_QEMU:-backports} TCG_THREAD=multi bench_run "$art" bench-insn-batch
		"$TOP/scripts/insn-table.sh" "$LAST" >"$LAST/insn-table.tsv"
		awk -F'\t' -v r="$r" '
			{ delete kv; for (i = 3; i <= NF; i++) { p = index($i, "="); kv[substr($i, 1, p - 1)] = substr($i, p + 1) } }
			kv["provider"] != "" && kv["own"] != "" && kv["move_to_new_folio_calls"] > 0 {
				printf "insnb_%s_%s_%s_r%s\t%.2f\n", kv["provider"], kv["kind"], kv["chunk"], r, kv["own"] / kv["move_to_new_folio_calls"]
			}' "$LAST/insn-table.tsv" >>"$bdir/values.tsv"
	done
}

derive_insn_batch() {
	local key a b
	for key in $(awk -F'\t' '$1 ~ /^insnb_.*_r1$/ { sub(/_r1$/, "", $1); print $1 }' "$bdir/values.tsv" | sort -u); do
		a=$(get "${key}_r1") b=$(get "${key}_r2")
		put "$key" "$(awk -v a="$a" -v b="$b" -v max="$INSN_MAX_SPREAD" 'BEGIN {
			if (b == "") { print "n/a"; exit }
			m = (a + b) / 2; d = a > b ? a - b : b - a; s = m > 0 ? d / m : 0
			if (s > max) printf "varies (%.1f%%)", s * 100; else printf "%.1f", m }')"
	done
}

report_insn_batch() {
	local kind c p batches
	[ -n "$(get insnb_none_4k_1)" ] || return 0
	echo
	echo "the mover's own instructions per migrated folio against batch size (bench-insn-batch, QEMU"
	echo "plugin, two boots; a provider's copy threads are not the mover's and are not counted):"
	for kind in 4k thp; do
		batches=$([ "$kind" = 4k ] && echo "1 2 4 8 16 32 64 128 256 512" || echo "1 2 4 16")
		printf '  %-4s %6s' "$kind" batch
		for p in $INSN_BATCH_PROVIDERS; do printf ' %16s' "$p"; done
		echo
		for c in $batches; do
			printf '  %-4s %6s' "" "$c"
			for p in $INSN_BATCH_PROVIDERS; do printf ' %16s' "$(get "insnb_${p}_${kind}_$c")"; done
			echo
		done
	done
}
