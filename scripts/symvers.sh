#!/usr/bin/env bash
# What a module may call in one built kernel, read from what that kernel
# exports rather than from its headers (a tree may declare a function it
# does not export: the posted RFC v6's migrate_folios_mc_copy()).
#
#   symvers.sh exports FILE            the symbols vmlinux exports, one a line
#   symvers.sh copy API EXPORTS        the CPU copy the modules use: batch|folio,
#                                      the function it calls, the API's batch copy
#   symvers.sh missing EXPORTS KO...   one line per module that calls what is
#                                      not exported: NAME SYMBOL[,SYMBOL...]
#
# FILE is a Module.symvers (its rows of module vmlinux: the guest loads no
# in-tree module, so their exports are nothing to link against) or a
# System.map (its __ksymtab_NAME entries, one per export). EXPORTS is the
# list "exports" printed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# sort and comm must agree on the order
export LC_ALL=C

usage() {
	echo "usage: symvers.sh exports FILE | copy API EXPORTS | missing EXPORTS KO..." >&2
	exit "$EXIT_INFRA"
}

# exports FILE: the format is told by its rows, and a file that has none
# of either kind is no export list (an empty one would make every module
# "unbuildable")
exports() {
	local f=$1 out
	[ -s "$f" ] || die "symvers.sh: no export list at $f"
	out=$(awk -F'[ \t]+' '
		NF >= 4 && $4 ~ /^EXPORT_SYMBOL/ { if ($3 == "vmlinux") print $2; next }
		NF == 3 && $3 ~ /^__ksymtab_/ { print substr($3, 11) }' "$f" | sort -u)
	[ -n "$out" ] || die "symvers.sh: $f is neither a Module.symvers nor a System.map with exports"
	printf '%s\n' "$out"
}

# copy API EXPORTS: the series' batch copy when it is exported, else the
# loop over folio_mc_copy() in offload_compat.h
copy() {
	local api=$1 list=$2 batch
	case $api in
	v6) batch=migrate_folios_mc_copy ;;
	v5 | port612) batch=folios_mc_copy ;;
	*) die "symvers.sh copy: no batch copy for API '$api'" ;;
	esac
	if grep -qx "$batch" "$list"; then
		echo "batch $batch $batch"
	else
		echo "folio folio_mc_copy $batch"
	fi
}

# missing EXPORTS KO...: each module's undefined symbols that the kernel
# does not export. Weak ones (w) are left out: the loader resolves a
# missing one to 0, as modpost does not complain of them; so is the GOT,
# which modpost ignores too
missing() {
	local list=$1 ko syms
	shift
	[ -s "$list" ] || die "symvers.sh missing: empty export list $list"
	for ko in "$@"; do
		[ -f "$ko" ] || die "symvers.sh missing: no such module $ko"
		syms=$(nm -u "$ko" | awk '$1 == "U" && $2 != "_GLOBAL_OFFSET_TABLE_" { print $2 }' |
			sort -u | comm -23 - "$list" | paste -sd, -) ||
			die "symvers.sh missing: nm failed on $ko"
		[ -z "$syms" ] || echo "$(basename "$ko" .ko) $syms"
	done
}

case ${1:-} in
exports) [ $# = 2 ] || usage; exports "$2" ;;
copy) [ $# = 3 ] || usage; copy "$2" "$3" ;;
missing) [ $# -ge 3 ] || usage; shift; missing "$@" ;;
*) usage ;;
esac
