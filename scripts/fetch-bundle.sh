#!/usr/bin/env bash
# One program from another Debian suite, with every shared library it
# loads taken from that suite too, ld.so included, so that it runs on this
# bookworm host through its own C library. Only the libraries the binary
# needs, by soname and transitively, are kept: not the packages' whole
# dependency closure (mesa, LLVM).
#
#   scripts/fetch-bundle.sh SUITE PACKAGE BINARY STAGE_DIR
#
# BINARY is the program's path inside the package (usr/bin/stress-ng).
# Fills STAGE_DIR/bin/NAME, STAGE_DIR/lib/ (every needed soname) and
# STAGE_DIR/version (what the program says of itself with --version, run
# through the staged ld.so: a bundle that does not run on this host fails
# here, not in a guest or a VM). The caller moves STAGE_DIR into place.
# Exit 2 with one line when a soname is in none of the dependencies.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -eq 4 ] || die "usage: fetch-bundle.sh SUITE PACKAGE BINARY STAGE_DIR"
suite=$1 pkg=$2 binary=$3 stage=$4
need_cmd readelf binutils
fetch() {
	"$TOP/scripts/fetch-deb.sh" "$suite" "$1" | tail -1
}

pkg_dir=$(fetch "$pkg")
name=$(basename "$binary")
[ -f "$pkg_dir/$binary" ] || die "$pkg from $suite has no $binary"
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib"
cp "$pkg_dir/$binary" "$stage/bin/"

# needed_sonames FILE...: what they load
needed_sonames() {
	local f
	for f in "$@"; do
		[ -f "$f" ] || continue
		readelf -d "$f" || die "readelf cannot read $f"
	done | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p' | sort -u
}

# missing: sonames needed by what is staged and not staged yet
missing() {
	needed_sonames "$stage/bin/$name" "$stage"/lib/* | while read -r so; do
		[ -e "$stage/lib/$so" ] || echo "$so"
	done
}

# Rounds: fetch the dependencies of the packages that gave a library (and
# of the program's own package), keep what provides a missing soname
# (a library may need one that a package fetched in an earlier round has:
# libc.so.6 needs ld.so, both from libc6)
declare -A fetched=(["$pkg"]=1)
dirs=("$pkg_dir")
useful=("$pkg")
# take DIR: stage the wanted sonames DIR has; true if it gave one
take() {
	local so f gave=1
	for so in $want; do
		[ ! -e "$stage/lib/$so" ] || continue
		f=$(find "$1" -name "$so" \( -type f -o -type l \) | head -1)
		[ -n "$f" ] || continue
		cp -L "$f" "$stage/lib/$so"
		gave=0
	done
	return $gave
}
for round in 1 2 3 4 5 6 7 8; do
	want=$(missing)
	[ -n "$want" ] || break
	for d in "${dirs[@]}"; do take "$d" || true; done
	want=$(missing)
	[ -n "$want" ] || break
	cands=$(for p in "${useful[@]}"; do "$TOP/scripts/fetch-deb.sh" --depends "$suite" "$p"; done | sort -u)
	useful=()
	for p in $cands; do
		[ -z "${fetched[$p]:-}" ] || continue
		fetched[$p]=1
		dir=$(fetch "$p")
		dirs+=("$dir")
		! take "$dir" || useful+=("$p")
	done
	[ ${#useful[@]} -gt 0 ] || break
done
want=$(missing)
[ -z "$want" ] || die "$pkg from $suite: no package among its dependencies has $(echo $want | tr '\n' ' ')"
[ -e "$stage/lib/ld-linux-x86-64.so.2" ] || die "$pkg from $suite: no ld.so among the libraries fetched"
"$stage/lib/ld-linux-x86-64.so.2" --library-path "$stage/lib" "$stage/bin/$name" --version \
	>"$stage/version" 2>&1 || die "$name from $suite does not run through its own libraries: $(head -1 "$stage/version")"
