#!/usr/bin/env bash
# A current stress-ng for the guest: Debian unstable's, with the shared
# libraries it needs taken from unstable too (its binary needs a newer C
# library than bookworm's, and this mirror has no unstable source to build
# from). The guest runs it through the ld.so of those libraries
# (/usr/bin/stress-ng is a wrapper, see build-initramfs.sh). Only the
# libraries the binary needs, by soname and transitively, are kept: not
# the packages' whole dependency closure (mesa, LLVM).
#
#   scripts/fetch-stressng.sh     last line: build/stress-ng-VERSION
#
# The directory has bin/stress-ng, lib/ (every needed soname, ld.so
# included) and version. Fetched once, then kept (STRESSNG_REFRESH=1 takes
# what unstable has today, named by its version: the suite moves on).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SUITE=unstable
need_cmd readelf binutils
fetch() {
	"$TOP/scripts/fetch-deb.sh" "$SUITE" "$1" | tail -1
}

# The one fetched before, unless STRESSNG_REFRESH=1: a run repeated from
# its seed next month gets the same stress-ng, and no network is needed
if [ "${STRESSNG_REFRESH:-0}" != 1 ]; then
	# (none yet on a fresh machine: ls fails, and pipefail must not end us)
	have=$(ls -d "$BUILD"/stress-ng-*/ 2>/dev/null | sort -V | tail -1 || true)
	if [ -n "$have" ] && [ -x "$have/bin/stress-ng" ] && [ -f "$have/version" ]; then
		echo "${have%/}"
		exit 0
	fi
fi
pkg_dir=$(fetch stress-ng)
ver=${pkg_dir##*/stress-ng_}
out=$BUILD/stress-ng-$ver
if [ -x "$out/bin/stress-ng" ] && [ -f "$out/version" ]; then
	echo "$out"
	exit 0
fi
stage=$out.tmp
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib"
cp "$pkg_dir/usr/bin/stress-ng" "$stage/bin/"

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
	needed_sonames "$stage/bin/stress-ng" "$stage"/lib/* | while read -r so; do
		[ -e "$stage/lib/$so" ] || echo "$so"
	done
}

# Rounds: fetch the dependencies of the packages that gave a library (and
# of stress-ng itself), keep what provides a missing soname
declare -A fetched=([stress-ng]=1)
useful=(stress-ng)
for round in 1 2 3 4 5 6; do
	want=$(missing)
	[ -n "$want" ] || break
	cands=$(for p in "${useful[@]}"; do "$TOP/scripts/fetch-deb.sh" --depends "$SUITE" "$p"; done | sort -u)
	useful=()
	for p in $cands; do
		[ -z "${fetched[$p]:-}" ] || continue
		fetched[$p]=1
		dir=$(fetch "$p")
		gave=0
		for so in $want; do
			f=$(find "$dir" -name "$so" \( -type f -o -type l \) | head -1)
			[ -n "$f" ] && [ ! -e "$stage/lib/$so" ] || continue
			cp -L "$f" "$stage/lib/$so"
			gave=1
		done
		[ $gave = 0 ] || useful+=("$p")
	done
	[ ${#useful[@]} -gt 0 ] || break
done
want=$(missing)
[ -z "$want" ] || die "stress-ng $ver from $SUITE: no package among its dependencies has $(echo $want | tr '\n' ' ')"
[ -e "$stage/lib/ld-linux-x86-64.so.2" ] || die "stress-ng $ver: no ld.so among the libraries fetched"
# the staged stress-ng must run on this host, through its own ld.so
"$stage/lib/ld-linux-x86-64.so.2" --library-path "$stage/lib" "$stage/bin/stress-ng" --version \
	>"$stage/version" 2>&1 || die "stress-ng $ver does not run through its own libraries: $(head -1 "$stage/version")"
mv "$stage" "$out"
progress "stress-ng $ver from $SUITE: $(ls "$out/lib" | wc -l) libraries, $(du -sh "$out" | cut -f1)"
echo "$out"
