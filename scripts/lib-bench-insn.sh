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
	local base_art r cfg name a s kind line folios
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
			for f in path vcpu; do
				a=$(get "insn_${kind}_${c}_r1_$f") b=$(get "insn_${kind}_${c}_r2_$f")
				read -r m sp < <(awk -v a="$a" -v b="$b" 'BEGIN { m = (a + b) / 2; d = a > b ? a - b : b - a; printf "%.2f %.4f\n", m, (m > 0 ? d / m : 0) }')
				put "insn_${kind}_${c}_$f" "$m"
				put "insn_${kind}_${c}_${f}_spread" "$sp"
			done
		done
		for f in vcpu; do
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
	echo "vCPU ran; spread = |boot 1 - boot 2| / mean; a ratio whose spread is over 0.5 % is not given;"
	echo "path has none: the kernels split the path into functions differently):"
	printf '  %-6s %-5s %14s %8s %14s %8s %22s\n' "" "" "unpatched" "spread" "patched" "spread" "patched / unpatched"
	for kind in 4k thp; do
		for f in path vcpu; do
			printf '  %-6s %-5s %14s %8s %14s %8s %22s\n' "$kind" "$f" \
				"$(get "insn_${kind}_unpatched_$f")" "$(get "insn_${kind}_unpatched_${f}_spread")" \
				"$(get "insn_${kind}_none_$f")" "$(get "insn_${kind}_none_${f}_spread")" "$([ "$f" = vcpu ] && get "insn_${kind}_ratio_$f" || echo -)"
		done
	done
}
