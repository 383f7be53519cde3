#!/usr/bin/env bash
# The series' functions: every function defined in a C file of the tree
# that mentions the copy-offload API (migrate_offload_*, struct migrator),
# read from the objects just built (nm), one name a line. A KCSAN report
# is a finding when one of its frames is among them or in a module
# (scripts/triage, --scope); a race with no such frame is one the kernel
# has without the series, listed apart. Works on a tree the user brings:
# the files are found by what they mention, not by our patches' names.
#
#   scripts/series-scope.sh SRC_DIR OBJ_DIR >scope
#
# Prints nothing for a tree without the API (the baseline): then every
# KCSAN report is a finding.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 2 ] || die "usage: series-scope.sh SRC_DIR OBJ_DIR"
src=$1 obj=$2
[ -d "$src/mm" ] || die "$src is not a kernel source tree"
files=$(grep -rlE --include='*.c' 'migrate_offload_|struct migrator' "$src/mm" "$src/kernel" "$src/lib" || true)
for f in $files; do
	o=$obj/${f#"$src"/}
	o=${o%.c}.o
	# a file the configuration does not build has no object: no frame of it
	[ -f "$o" ] || continue
	nm --defined-only "$o" | awk '$2 == "t" || $2 == "T" { sub(/\..*/, "", $3); print $3 }'
done | sort -u
