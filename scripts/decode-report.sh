#!/usr/bin/env bash
# decode-report.sh VMLINUX SRC MODULES < REPORT > DECODED
# The kernel's own scripts/decode_stacktrace.sh on one report, made fast:
# it runs nm once per symbol and addr2line once per frame, each loading
# the whole object again. Here it runs twice with decode/ first in PATH:
# the first pass only notes which addresses each object needs, one
# "addr2line -a -i" per object answers them all, and the second pass
# (the one printed) reads those answers. The decoding is the kernel's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# = 3 ] || die "usage: decode-report.sh VMLINUX SRC MODULES < REPORT"
vmlinux=$1 src=$2 mods=$3
decoder=$src/scripts/decode_stacktrace.sh
[ -x "$decoder" ] || die "no $decoder"
DECODE_REAL_NM=$(command -v nm) DECODE_REAL_ADDR2LINE=$(command -v addr2line) ||
	die "nm and addr2line (binutils) are needed"
DECODE_CACHE=$(tmp_dir)
export DECODE_REAL_NM DECODE_REAL_ADDR2LINE DECODE_CACHE
report=$DECODE_CACHE/report
cat >"$report"

# decode PASS: the kernel's script, decode/ first in PATH; the record pass
# needs each frame once (a KASAN report repeats many in its stacks),
# without the printk prefix, and not the Code: lines it disassembles
decode() {
	if [ "$1" = record ]; then
		console_text "$report" | grep '+0x' | grep -v 'Code: ' | sort -u || true
	else
		cat "$report"
	fi | env -u CROSS_COMPILE -u LLVM PATH="$TOP/scripts/decode:$PATH" DECODE_PASS=$1 \
		"$decoder" "$vmlinux" "$src" "$mods"
}

# answer_all: got/OBJFILE/ADDRESS for every address the record pass noted,
# from one addr2line per object (-a: each answer after its address)
answer_all() {
	local obj
	[ -s "$DECODE_CACHE/want" ] || return 0
	cut -d' ' -f1 "$DECODE_CACHE/want" | sort -u | while read -r obj; do
		mkdir -p "$DECODE_CACHE/got$obj"
		awk -v o="$obj" '$1 == o { print $2 }' "$DECODE_CACHE/want" | sort -u |
			"$DECODE_REAL_ADDR2LINE" -a -i -e "$obj" |
			awk -v dir="$DECODE_CACHE/got$obj" '
				/^0x[0-9a-f]+$/ { a = substr($0, 3); sub(/^0+/, "", a); if (a == "") a = "0"
					if (f != "") close(f); f = dir "/" a; next }
				f != "" { print > f }'
	done
}

decode record >/dev/null
answer_all
decode answer
