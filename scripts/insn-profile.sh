#!/usr/bin/env bash
# Where the instructions of a run's windows went (INSN_COUNT=profile): the
# plugin's "prof" lines, each block's start address put in the kernel
# function that holds it (the run's kernel System.map), summed per
# function; user-space addresses are "(user)".
#
#   scripts/insn-profile.sh RUN_DIR [TOP]   TOP functions a window (30)
#
# Prints "W<TAB>FUNCTION<TAB>INSTRUCTIONS" lines, W the window's number in
# the run (1, 2, ...: the order of insn-table.sh's lines), the most first. Exit 2 with one line without a profile.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

run=${1:-}
top=${2:-30}
[ -f "$run/insn-counts.tsv" ] && grep -q '^prof' "$run/insn-counts.tsv" ||
	die "usage: insn-profile.sh RUN_DIR [TOP] (no profile in '$run': run with INSN_COUNT=profile)"
map=$(cat "$run/kernel")/System.map
[ -f "$map" ] || die "no System.map of the run's kernel at $map"
awk -F'\t' -v map="$map" -v top="$top" '
	BEGIN {
		while ((getline l <map) > 0) {
			split(l, a, " ")
			if (a[2] !~ /^[tTwW]$/) continue
			addr[++n] = a[1]; name[n] = a[3]
		}
	}
	# the function of a (zero-padded, lower-case) 16-digit address: the
	# last symbol at or below it, by binary search over the sorted map
	function fn(pc,   lo, hi, mid) {
		if (length(pc) < 16 || substr(pc, 1, 4) != "ffff") return "(user)"
		lo = 1; hi = n
		if (pc < addr[1]) return "(below the kernel text)"
		while (lo < hi) { mid = int((lo + hi + 1) / 2); if (addr[mid] <= pc) lo = mid; else hi = mid - 1 }
		return name[lo]
	}
	# the blocks of a window come just before its closing mark
	$1 == "mark" && $2 % 2 == 1 && open { w++; open = 0 }
	$1 == "prof" {
		pc = sprintf("%16s", $3); gsub(/ /, "0", pc)
		sum[w + 1 "\t" fn(pc)] += $4; open = 1
	}
	END { for (k in sum) print k "\t" sum[k] }' "$run/insn-counts.tsv" |
	sort -t$'\t' -k1,1n -k3,3nr | awk -F'\t' -v top="$top" '{ if (++seen[$1] <= top) print }'
