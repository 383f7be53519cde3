#!/usr/bin/env bash
# The suite's code in pieces one can hold in one's head: no file of
# scripts/, stress/ or faultmods/ over MAX_LINES lines, no function (nor a
# script's top-level body) over MAX_BODY lines. Prints one line per piece
# over its limit; unit-shape.sh runs it on the tree and on its controls.
#
#   scripts/shape.sh [FILE...]     default: the tree's code (git ls-files)
#
# What counts: a C function is the lines from its "{" in column 0 to its
# "}" in column 0 (the kernel's style); a shell function from "name() {" to
# "}" in column 0; a script's top-level body is its lines outside functions
# that are neither blank nor comments. Data (scenario records, golden
# consoles, READMEs) is not code and is not measured.
# Exit: 0 within the limits, 1 some piece over them, 2 usage.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)

MAX_LINES=${MAX_LINES:-450}
MAX_BODY=${MAX_BODY:-100}

# the tree's code: C and shell under scripts/, stress/ and faultmods/
code_files() {
	git -C "$TOP" ls-files -- scripts stress faultmods |
		grep -Ev '\.(md|scn|log|expected|scope|tsv|txt)$|/tests/|/campaigns/|/flavours/' |
		sed "s|^|$TOP/|"
}

is_c() { case $1 in *.c | *.h) return 0 ;; esac; return 1; }

is_shell() {
	case $1 in *.sh) return 0 ;; esac
	head -1 "$1" | grep -Eq '^#!.*\b(ba|busybox )?sh\b'
}

# over_limits FILE: its pieces over the limits, a line each
over_limits() {
	local f=$1 n
	n=$(wc -l <"$f")
	[ "$n" -le "$MAX_LINES" ] || echo "$f: $n lines (limit $MAX_LINES)"
	if is_c "$f"; then
		awk -v f="$f" -v max="$MAX_BODY" '
			/^[A-Za-z_]/ { signature = $0 }
			/^\{/ { start = NR; name = signature }
			/^\}/ && start { if (NR - start - 1 > max) printf "%s:%d: a function of %d lines (limit %d): %s\n", f, start, NR - start - 1, max, name; start = 0 }' "$f"
	elif is_shell "$f"; then
		awk -v f="$f" -v max="$MAX_BODY" '
			/^[A-Za-z_][A-Za-z0-9_]*\(\) *\{ *(#.*)?$/ { start = NR; name = $1; next }
			/^\}/ && start { if (NR - start - 1 > max) printf "%s:%d: a function of %d lines (limit %d): %s\n", f, start, NR - start - 1, max, name; start = 0; next }
			!start && !/^[[:space:]]*(#|$)/ { top++ }
			END { if (top > max) printf "%s: a top-level body of %d lines (limit %d)\n", f, top, max }' "$f"
	fi
}

files=("$@")
[ $# -gt 0 ] || mapfile -t files < <(code_files)
[ ${#files[@]} -gt 0 ] || { echo "error: no file to measure" >&2; exit 2; }
found=0
for f in "${files[@]}"; do
	[ -f "$f" ] || { echo "error: no file $f" >&2; exit 2; }
	out=$(over_limits "$f")
	[ -z "$out" ] || { echo "${out//$TOP\//}"; found=1; }
done
exit "$found"
