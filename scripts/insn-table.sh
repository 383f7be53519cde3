#!/usr/bin/env bash
# The instruction counts of one run (INSN_COUNT=1): its windows, each
# between a guest program's marks 2k and 2k+1 (stress/insn-mark.h), next
# to what the program said it did there (its "INSN-WINDOW: k WHAT
# key=value ..." console line, in the same order).
#
#   scripts/insn-table.sh RUN_DIR
#
# One line a window, tab-separated: k, WHAT and its key=value words, then
# insns=N (every vCPU's instructions in the window), self=N (the marking
# vCPU's), and per function of insn-ranges.txt the kernel has NAME=N (its
# own instructions), NAME_calls= (entries) and NAME_per_call=, and path=
# (the sum over the functions of kind "path"); with the plugin's task
# line (events=), the marking task's own: task= (its instructions, out of
# interrupts and other tasks), task_spin= (those in cpu_relax() loops),
# own= (task - task_spin: what repeats), task_irqs=, task_switches=, or
# task=lost; with pages=P among the program's words, each count also per
# page: insns_per_page=, own_per_page= and NAME_per_page=; with the
# plugin's first line (events= with batch and moved), the task's own
# instructions from a batch's entry to its first folio in place:
# first_batches= and first_per_batch= (their mean); with its aside line
# (aside.list's functions), aside= and aside_calls= (the task's own
# instructions in them) and own_net= (own - aside: what the workload
# itself costs, without waits at the host's pace). Exit 2 with one line
# when the run has no counts.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

run=${1:-}
[ -f "$run/insn-counts.tsv" ] || die "usage: insn-table.sh RUN_DIR (no insn-counts.tsv in '$run': run with INSN_COUNT=1)"
console_said "$run/console.log" INSN-WINDOW | sed 's/^INSN-WINDOW: //' >"$run/insn-windows.txt"
awk -F'\t' -v wins="$run/insn-windows.txt" -v rfile="$run/insn-ranges.txt" '
	BEGIN {
		while ((getline l <wins) > 0) said[++nsaid] = l
		while ((getline l <rfile) > 0) { split(l, a, " "); if (a[4] == "path") onpath[a[1]] = 1 }
	}
	$1 == "ranges" { for (i = 2; i <= NF; i++) name[i - 1] = $i; nr = NF - 1; next }
	$1 == "task" { task[$2] = $0; next }
	$1 == "first" { first[$2] = $0; next }
	$1 == "aside" { aside[$2] = $0; next }
	$1 == "mark" {
		id = $2 + 0
		if (id % 2 == 0) { open[id / 2] = 1; s0[id / 2] = $4; t0[id / 2] = $5; for (i = 1; i <= 2 * nr; i++) r0[id / 2, i] = $(5 + i); next }
		k = (id - 1) / 2
		if (!(k in open)) next
		delete open[k]
		line = said[++used]
		if (line == "") line = k " ?"
		n = split(line, w, " "); pages = 0
		for (i = 1; i <= n; i++) if (w[i] ~ /^pages=[0-9]+$/) pages = substr(w[i], 7) + 0
		out = line; gsub(/ /, "\t", out)
		d = $5 - t0[k]
		# %.0f: mawk prints a number over 2^31 as 2.14748e+09
		out = out sprintf("\tinsns=%.0f\tself=%.0f", d, $4 - s0[k])
		if (pages) out = out sprintf("\tinsns_per_page=%.1f", d / pages)
		if (id in task) {
			split(task[id], t, "\t"); delete task[id]
			if (t[3] == "-") out = out "\ttask=lost"
			else {
				out = out "\ttask=" t[3] "\ttask_spin=" t[4] sprintf("\town=%.0f", t[3] - t[4])
				if (pages) out = out sprintf("\town_per_page=%.2f", (t[3] - t[4]) / pages)
				split(id in aside ? aside[id] : "aside\t" id "\t0\t0", x, "\t"); delete aside[id]
				out = out sprintf("\taside=%.0f\taside_calls=%.0f\town_net=%.0f", x[3], x[4], t[3] - t[4] - x[3])
			}
			out = out "\ttask_irqs=" t[5] "\ttask_switches=" t[6]
		}
		if (id in first) {
			split(first[id], f, "\t"); delete first[id]
			out = out sprintf("\tfirst_batches=%.0f\tfirst_per_batch=%.1f", f[4], f[3] / f[4])
		}
		path = 0
		for (i = 1; i <= nr; i++) if (name[i] in onpath) path += $(5 + i) - r0[k, i]
		out = out sprintf("\tpath=%.0f", path)
		if (pages) out = out sprintf("\tpath_per_page=%.2f", path / pages)
		for (i = 1; i <= nr; i++) {
			c = $(5 + i) - r0[k, i]; n = $(5 + nr + i) - r0[k, nr + i]
			out = out sprintf("\t%s=%.0f\t%s_calls=%.0f", name[i], c, name[i], n)
			if (n) out = out sprintf("\t%s_per_call=%.2f", name[i], c / n)
			if (pages) out = out sprintf("\t%s_per_page=%.2f", name[i], c / pages)
		}
		print out
	}' "$run/insn-counts.tsv"
