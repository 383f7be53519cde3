#!/usr/bin/env bash
# Host tests of the instruction counter's host side: the ranges of a
# System.map (scripts/insn-ranges.sh), a run's windows from the plugin's
# counts and the console (scripts/insn-table.sh), the plugin compiled
# against QEMU's header when one was fetched. Called by unit.sh; runs
# alone too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

TEST_GROUP="unit: instruction counter"
T=$(tmp_dir)
mkdir -p "$T/art" "$T/run"
# two functions of the list, one the kernel lacks, aliases at one address,
# and a data symbol between text ones (not an end)
printf '%s\n' 'ffffffff81000000 T _stext' 'ffffffff81000100 T migrate_pages_batch' \
	'ffffffff81000100 t migrate_pages_batch_alias' 'ffffffff81000400 d some_data' \
	'ffffffff81000500 t folio_mc_copy' 'ffffffff81000580 T next_fn' >"$T/art/System.map"
printf '# the list\nmigrate_pages_batch\tpath\tbatch\nfolio_mc_copy\twait\tcopy\nmigrate_offload_account\tpath\tcounters\n' >"$T/list"

ranges() {
	local got want
	got=$("$TOP/scripts/insn-ranges.sh" "$T/art" "$T/list") || return 1
	want=$(printf '%s\n' 'migrate_pages_batch ffffffff81000100 ffffffff81000500 path' 'folio_mc_copy ffffffff81000500 ffffffff81000580 wait' \
		'# migrate_offload_account: not in this kernel')
	[ "$got" = "$want" ] || { echo "got: $got"; return 1; }
	# control: no System.map is one line, exit 2
	got=$("$TOP/scripts/insn-ranges.sh" "$T" "$T/list" 2>&1) && return 1
	[ $? = 2 ] && [ "$(grep -c . <<<"$got")" = 1 ] || { echo "no System.map: '$got'"; return 1; }
	# control: a kind that is neither path nor wait
	printf 'folio_mc_copy\tcopy\twhy\n' >"$T/badlist"
	got=$("$TOP/scripts/insn-ranges.sh" "$T/art" "$T/badlist" 2>&1) && { echo "a bad kind taken"; return 1; }
	[[ $got == *'kind is path or wait, not "copy"'* ]] || { echo "bad kind: '$got'"; return 1; }
}
t_run "insn: a function's range ends at the next text symbol; absent ones are a comment" ranges

# the entry stubs and __switch_to, each of its kind; data symbols and
# other functions are not events
events() {
	local got want
	mkdir -p "$T/ev"
	printf '%s\n' 'ffffffff81a00000 T asm_exc_page_fault' 'ffffffff81a00040 T asm_exc_nmi' \
		'ffffffff81a00080 T asm_sysvec_apic_timer_interrupt' 'ffffffff81a000c0 T asm_common_interrupt' \
		'ffffffff81a00100 d asm_sysvec_data' 'ffffffff81000200 T __switch_to' \
		'ffffffff81000300 T __switch_to_asm' >"$T/ev/System.map"
	got=$("$TOP/scripts/insn-events.sh" "$T/ev") || return 1
	want=$(printf '%s\n' 'exc ffffffff81a00000' 'irq ffffffff81a00040' 'irq ffffffff81a00080' \
		'irq ffffffff81a000c0' 'switch ffffffff81000200')
	[ "$got" = "$want" ] || { echo "got: $got"; return 1; }
	# control: a kernel without __switch_to (another architecture) is one line, exit 2
	mkdir -p "$T/ev2" && grep -v ' __switch_to$' "$T/ev/System.map" >"$T/ev2/System.map"
	got=$("$TOP/scripts/insn-events.sh" "$T/ev2" 2>&1) && { echo "taken without __switch_to"; return 1; }
	[ $? = 2 ] && [ "$(grep -c . <<<"$got")" = 1 ] || { echo "no __switch_to: '$got'"; return 1; }
	# with a vmlinux: the batch's entry and the return site of each call of
	# move_to_new_folio (a program linked on the host stands in for it)
	mkdir -p "$T/ev3"
	printf '%s\n' '__attribute__((noinline)) int move_to_new_folio(int x) { return x + 1; }' \
		'__attribute__((noinline)) int lru_cache_disable(int x) { return x - 1; }' \
		'int migrate_pages_batch(int x) { return move_to_new_folio(lru_cache_disable(x)) * 2 + move_to_new_folio(x + 3); }' >"$T/ev3/m.c"
	gcc -O1 -fno-pie -no-pie -nostdlib -static -Wl,-e,migrate_pages_batch -o "$T/ev3/vmlinux" "$T/ev3/m.c" || return 1
	{ cat "$T/ev/System.map"; nm "$T/ev3/vmlinux" | grep -E ' (move_to_new_folio|migrate_pages_batch|lru_cache_disable)$'; } >"$T/ev3/System.map"
	got=$("$TOP/scripts/insn-events.sh" "$T/ev3") || return 1
	want=$(objdump -d --no-show-raw-insn "$T/ev3/vmlinux" | grep -A1 -P '\tcall .*<move_to_new_folio>' |
		grep -v -P '\tcall |^--' | sed 's/^ *\([0-9a-f]*\):.*/moved \1/')
	[ "$(grep -c '^moved ' <<<"$want")" = 2 ] || { echo "the stand-in has not two calls: $want"; return 1; }
	[ "$(grep '^moved ' <<<"$got")" = "$want" ] || { echo "return sites: $got, want $want"; return 1; }
	[ "$(grep '^batch ' <<<"$got")" = "batch $(nm "$T/ev3/vmlinux" | awk '$3 == "migrate_pages_batch" { print $1 }')" ] ||
		{ echo "batch entry: $got"; return 1; }
	# a function of aside.list: its entry, and the return site of its call
	[ "$(grep '^aside ' <<<"$got")" = "aside $(nm "$T/ev3/vmlinux" | awk '$3 == "lru_cache_disable" { print $1 }')" ] ||
		{ echo "aside entry: $got"; return 1; }
	want=$(objdump -d --no-show-raw-insn "$T/ev3/vmlinux" | grep -A1 -P '\tcall .*<lru_cache_disable>' |
		grep -v -P '\tcall |^--' | sed 's/^ *\([0-9a-f]*\):.*/back \1/')
	[ -n "$want" ] && [ "$(grep '^back ' <<<"$got")" = "$want" ] || { echo "back sites: $got, want $want"; return 1; }
	# control: without a vmlinux, neither (the first folio is not counted)
	! grep -q '^batch\|^moved' <<<"$("$TOP/scripts/insn-events.sh" "$T/ev")" || { echo "batch events without a vmlinux"; return 1; }
}
t_run "insn: events: entry stubs, __switch_to, a batch's entry, returns of move_to_new_folio and aside functions" events

# the plugin's file: two windows of mark 0/1 (a second program reuses
# window 0), an unpaired end mark, then exit; and the console's lines
table() {
	local got
	printf 'ranges\tmigrate_pages_batch\tfolio_mc_copy\n' >"$T/run/insn-counts.tsv"
	printf 'mark\t1\t0\t5\t10\t0\t0\t0\t0\n' >>"$T/run/insn-counts.tsv"
	printf 'mark\t0\t0\t100\t1000\t10\t20\t1\t2\n' >>"$T/run/insn-counts.tsv"
	printf 'mark\t1\t0\t600\t3000\t110\t420\t5\t10\n' >>"$T/run/insn-counts.tsv"
	printf 'mark\t0\t1\t700\t4000\t110\t420\t5\t10\n' >>"$T/run/insn-counts.tsv"
	printf 'task\t1\t3000000000\t100\t7\t2\n' >>"$T/run/insn-counts.tsv"
	printf 'first\t1\t9000\t4\n' >>"$T/run/insn-counts.tsv"
	printf 'aside\t1\t900\t3\n' >>"$T/run/insn-counts.tsv"
	printf 'mark\t1\t1\t900\t4400\t130\t820\t6\t11\n' >>"$T/run/insn-counts.tsv"
	printf 'exit\t-\t-\t-\t5000\t130\t820\t6\t11\n' >>"$T/run/insn-counts.tsv"
	printf '%s\n' 'migrate_pages_batch 1 2 path' 'folio_mc_copy 2 3 wait' >"$T/run/insn-ranges.txt"
	printf '%s\n' '[    1.000000][  T70] INSN-WINDOW: 0 move kind=4k pages=8 calls=2' 'noise' \
		'[    2.000000][  T71] INSN-WINDOW: 0 move kind=thp pages=4 calls=1' >"$T/run/console.log"
	got=$("$TOP/scripts/insn-table.sh" "$T/run") || return 1
	[ "$(grep -c . <<<"$got")" = 2 ] || { echo "not two windows: $got"; return 1; }
	[ "$(sed -n 1p <<<"$got")" = "$(printf '0\tmove\tkind=4k\tpages=8\tcalls=2\tinsns=2000\tself=500\tinsns_per_page=250.0\tpath=100\tpath_per_page=12.50\tmigrate_pages_batch=100\tmigrate_pages_batch_calls=4\tmigrate_pages_batch_per_call=25.00\tmigrate_pages_batch_per_page=12.50\tfolio_mc_copy=400\tfolio_mc_copy_calls=8\tfolio_mc_copy_per_call=50.00\tfolio_mc_copy_per_page=50.00')" ] ||
		{ echo "first window: $(sed -n 1p <<<"$got")"; return 1; }
	[[ $(sed -n 2p <<<"$got") == *"kind=thp"*"insns=400"*"folio_mc_copy=400"*"folio_mc_copy_calls=1"* ]] ||
		{ echo "second window: $(sed -n 2p <<<"$got")"; return 1; }
	# its task line: the task's own instructions without the spin, in
	# full past 2^31 (mawk's default would print 3e+09), and without what
	# the functions set aside (aside.list) took
	[[ $(sed -n 2p <<<"$got") == *$'\ttask=3000000000\ttask_spin=100\town=2999999900\town_per_page=749999975.00\taside=900\taside_calls=3\town_net=2999999000\ttask_irqs=7\ttask_switches=2\t'* ]] ||
		{ echo "second window's task: $(sed -n 2p <<<"$got")"; return 1; }
	[[ $(sed -n 1p <<<"$got") != *task=* ]] || { echo "a task line in the first window"; return 1; }
	# its first line: the mean from a batch's entry to its first folio
	[[ $(sed -n 2p <<<"$got") == *$'\ttask_switches=2\tfirst_batches=4\tfirst_per_batch=2250.0\t'* ]] ||
		{ echo "second window's first folio: $(sed -n 2p <<<"$got")"; return 1; }
	[[ $(sed -n 1p <<<"$got") != *first_* ]] || { echo "a first line in the first window"; return 1; }
	# control: a run without counts is one line, exit 2
	got=$("$TOP/scripts/insn-table.sh" "$T/art" 2>&1) && return 1
	[ $? = 2 ] && [ "$(grep -c . <<<"$got")" = 1 ] || { echo "no counts: '$got'"; return 1; }
}
t_run "insn: a window is marks 2k to 2k+1, paired in order with the program's INSN-WINDOW lines" table

# make bench's figures: a ratio from two builds of two boots each that all
# agree within 0.5 %, and "varies" (no ratio) when two boots of a build or
# the two builds do not; the kernel text of the two builds compared
bench_ratio() {
	local got
	got=$(
		fake_bench "$T/bench"
		. "$TOP/scripts/lib-bench-insn.sh"
		# four runs of one configuration: build 1 boots 1 and 2, build 2 boots 1 and 2
		runs() { put "insn_$1_b1r1_$2" "$3"; put "insn_$1_b1r2_$2" "$4"; put "insn_$1_b2r1_$2" "$5"; put "insn_$1_b2r2_$2" "$6"; }
		for kind in 4k thp; do
			runs "${kind}_unpatched" path 1000 1000 1000 1000
			runs "${kind}_none" path 1010 1012 1010 1012
			runs "${kind}_none" vcpu 71000 71100 71000 71100
			runs "${kind}_unpatched" own 5000 5000 5000 5000
		done
		runs 4k_unpatched vcpu 70000 70000 70000 70000
		runs thp_unpatched vcpu 70000 73000 70000 70000
		runs 4k_none own 5015 5015 5100 5100
		runs thp_none own 5015 5015 5015 5015
		put insn_text_unpatched_b1 aa; put insn_text_unpatched_b2 aa
		put insn_text_none_b1 bb; put insn_text_none_b2 cc
		derive_insn
		echo "$(get insn_4k_ratio_vcpu)|$(get insn_thp_ratio_vcpu)|$(get insn_4k_none_path_boots)|$(get insn_4k_ratio_path)|$(get insn_thp_ratio_own)|$(get insn_4k_ratio_own)|$(get insn_4k_ratio_own_b2)"
		report_insn | grep -c 'text of the two builds, unpatched.*the same bytes'
		report_insn | grep -c 'text of the two builds, none.*differs'
	)
	[ "$got" = "1.0150|varies (spread 4.2%)|0.0020||1.0030|varies (spread 1.7%)|1.0200
1
1" ] || { echo "got '$got'"; return 1; }
}
t_run "insn: bench's ratio when two builds and their boots agree within 0.5 %, 'varies' when not" bench_ratio

# the batch curve: from insn-table.sh's lines, own per folio by provider,
# kind and batch; boots that agree give the mean, those that do not "varies"
batch_curve() {
	local got
	got=$(
		fake_bench "$T/bench2"
		. "$TOP/scripts/lib-bench-insn.sh"
		nrun=0 art=x
		bench_run() { nrun=$((nrun + 1)) LAST=$T/bench2/run$nrun; }
		insn_line() { printf '0\tmove\tkind=%s\tpages=1024\tcalls=8\tchunk=%s\tprovider=%s\tinsns=1\town_net=%s\tmove_to_new_folio_calls=1024\tfirst_batches=8\tfirst_per_batch=%s\n' "$@"; }
		# the table of each boot, as insn-table.sh would write it
		scripts_dir=$T/bench2/scripts && mkdir -p "$scripts_dir"
		TOP=$T/bench2
		printf '#!/bin/sh\ncat "$1/lines"\n' >"$scripts_dir/insn-table.sh" && chmod +x "$scripts_dir/insn-table.sh"
		mkdir -p "$T/bench2/run1" "$T/bench2/run2"
		{ insn_line 4k 1 none 10240 1000; insn_line 4k 2 none 9000 1500; insn_line 4k 4 none 8000 2100
		  insn_line 4k 512 none 5120 90000; insn_line 4k 1 mt 20480 1000; insn_line 4k 2 mt 20480 3000; } >"$T/bench2/run1/lines"
		{ insn_line 4k 1 none 10240 1000; insn_line 4k 2 none 9000 1500; insn_line 4k 4 none 8000 2100
		  insn_line 4k 512 none 5125 90000; insn_line 4k 1 mt 30720 1000; insn_line 4k 2 mt 20480 1900; } >"$T/bench2/run2/lines"
		measure_insn_batch
		derive_insn_batch
		echo "$(get insnb_none_4k_1)|$(get insnb_none_4k_512)|$(get insnb_mt_4k_1)"
		echo "$(get insnf_none_4k_4)|$(get insnf_none_4k_doubles_at)|$(get insnf_mt_4k_doubles_at)"
		report_insn_batch | grep -c '^  '
	)
	[ "$(sed -n 1p <<<"$got")" = "10.0|5.0|varies (40.0%)" ] || { echo "got '$got'"; return 1; }
	# the doubling size of each boot: the same (none), or not (mt)
	[ "$(sed -n 2p <<<"$got")" = "2100.0|4|varies (boot 1: 2, boot 2: n/a (4: missing))" ] ||
		{ echo "first folio: '$(sed -n 2p <<<"$got")'"; return 1; }
	# two tables of two headers and 10 + 4 batch rows, and a line per provider
	[ "$(sed -n 3p <<<"$got")" = 36 ] || { echo "report rows: $(sed -n 3p <<<"$got")"; return 1; }
}
t_run "insn: own per folio and first folio per batch by provider, kind and batch; 'varies' past 0.5 %" batch_curve

# png_width FILE: a PNG's width, from its header (IHDR, bytes 16-19)
png_width() {
	od -An -j16 -N4 -tu1 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'
}
# the plots: insn.png from the batch curve, throughput.png with the
# instructions panel beside the clock's only when both ratios are numbers;
# a size that varies is not a point (gnuplot draws from what it is given)
bench_plots() {
	command -v gnuplot >/dev/null || { echo "no gnuplot here (make deps installs it)"; return 1; }
	(
		fake_bench "$T/bench3"
		. "$TOP/scripts/lib-bench.sh"
		. "$TOP/scripts/lib-bench-insn.sh"
		FLAVOUR=default BASE=7.2
		ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
		for c in 1 2 4 8 16 32 64 128 256 512; do
			put "insnf_none_4k_$c" $((c * 1000)); put "insnb_none_4k_$c" 500
			put "insnf_mt_4k_$c" $((c * 2000))
		done
		put insnf_mt_4k_2 "varies (3.0%)"
		put move_4k_unpatched 100; put move_thp_unpatched 10; put rounds 2
		for c in none fault_provider mt_provider; do put "move_4k_$c" 90; put "move_thp_$c" 11; done
		put insn_4k_ratio_own "varies (spread 0.7%)"; put insn_thp_ratio_own 1.0002
		plot_insn
		[ -s "$bdir/insn.png" ] || { echo "no insn.png"; exit 1; }
		[ "$(ls -A "$bdir" | grep -c '^\.')" = 0 ] || { echo "data files left: $(ls -A "$bdir")"; exit 1; }
		plot_throughput
		[ "$(png_width "$bdir/throughput.png")" = 700 ] ||
			{ echo "a varying ratio made an instructions panel: $(png_width "$bdir/throughput.png") wide"; exit 1; }
		put insn_4k_ratio_own 1.0008
		plot_throughput
		[ "$(png_width "$bdir/throughput.png")" = 1100 ] ||
			{ echo "no instructions panel: $(png_width "$bdir/throughput.png") wide"; exit 1; }
	)
}
t_run "insn: bench's plots, instructions beside the clock only from figures that repeat" bench_plots

# the plugin builds against the header of a QEMU fetched before (make
# bench fetches it; nothing is fetched here, and without it there is no test)
hdr=$(ls "$BUILD"/qemu-plugin/*/qemu-plugin.h 2>/dev/null | head -1)
plugin_builds() {
	# shellcheck disable=SC2046 # pkg-config's flags
	gcc -O2 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden $(pkg-config --cflags glib-2.0) \
		-I "$(dirname "$hdr")" -o "$T/insn-count.so" "$TOP"/scripts/qemu-plugin/insn-*.c &&
		nm -D "$T/insn-count.so" | grep ' T qemu_plugin_install$' >/dev/null
}
if [ -n "$hdr" ]; then
	t_run "insn: the plugin compiles warning-free and exports qemu_plugin_install" plugin_builds
else
	echo "note: no qemu-plugin.h under $BUILD/qemu-plugin (scripts/build-plugin.sh): the plugin's build is not tested"
fi

t_summary
