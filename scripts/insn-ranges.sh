#!/usr/bin/env bash
# The address ranges of scripts/qemu-plugin/ranges.list's functions in a
# test kernel, for the instruction counter: "NAME START END KIND" lines
# (hex; END is the next symbol's address; KIND the list's: path or wait;
# the plugin reads the first three), from the artifact's System.map (the
# guest boots with nokaslr, so these are the addresses it runs at).
#
#   scripts/insn-ranges.sh ART [LIST]
#
# A function the kernel does not have is left out (a comment line says
# so). Exit 2 with one line when ART has no System.map.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

art=${1:-}
list=${2:-$TOP/scripts/qemu-plugin/ranges.list}
[ -f "$art/System.map" ] || die "usage: insn-ranges.sh ART [LIST] (no System.map in '$art')"
[ -f "$list" ] || die "no list of functions at $list"
# text symbols in address order; a function ends where the next begins
ranges=$(awk -v list="$list" '
	BEGIN {
		while ((getline l <list) > 0) {
			if (l ~ /^#/ || split(l, a, "\t") < 3) continue
			if (a[2] != "path" && a[2] != "wait") { print list ": " a[1] ": kind is path or wait, not \"" a[2] "\""; bad = 1; exit 2 }
			want[a[1]] = ++n; kind[a[1]] = a[2]
		}
	}
	$2 ~ /^[tTwW]$/ { addr[NR] = $1; name[NR] = $3; last = NR }
	END {
		if (bad) exit 2
		for (i = 1; i <= last; i++) {
			if (!(i in name) || !(name[i] in want) || (name[i] in done)) continue
			for (j = i + 1; j <= last && (!(j in addr) || addr[j] == addr[i]); j++) ;
			if (j > last) continue
			done[name[i]] = 1
			line[want[name[i]]] = name[i] " " addr[i] " " addr[j] " " kind[name[i]]
		}
		for (k in want) if (!(k in done)) line[want[k]] = "# " k ": not in this kernel"
		for (i = 1; i <= n; i++) print line[i]
	}' "$art/System.map") || die "$ranges"
echo "$ranges"
