#!/usr/bin/env bash
# A current stress-ng for the guest: Debian unstable's, with the shared
# libraries it needs taken from unstable too (its binary needs a newer C
# library than bookworm's, and this mirror has no unstable source to build
# from). The guest runs it through the ld.so of those libraries
# (/usr/bin/stress-ng is a wrapper, see build-initramfs.sh); the
# libraries are gathered by scripts/fetch-bundle.sh.
#
#   scripts/fetch-stressng.sh     last line: build/stress-ng-VERSION
#   scripts/fetch-stressng.sh --installed   the one fetched before, or exit 2
#                                 (build-initramfs.sh: it never fetches)
#
# The directory has bin/stress-ng, lib/ (every needed soname, ld.so
# included) and version. Fetched once, then kept (STRESSNG_REFRESH=1 takes
# what unstable has today, named by its version: the suite moves on).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SUITE=unstable
fetch() {
	"$TOP/scripts/fetch-deb.sh" "$SUITE" "$1" | tail -1
}

# The one fetched before, unless STRESSNG_REFRESH=1: a run repeated from
# its seed next month gets the same stress-ng, and no network is needed
installed=0
[ "${1:-}" != --installed ] || installed=1
if [ "${STRESSNG_REFRESH:-0}" != 1 ] || [ $installed = 1 ]; then
	# (none yet on a fresh machine: ls fails, and pipefail must not end us)
	have=$(ls -d "$BUILD"/stress-ng-*/ 2>/dev/null | sort -V | tail -1 || true)
	if [ -n "$have" ] && [ -x "$have/bin/stress-ng" ] && [ -f "$have/version" ]; then
		echo "${have%/}"
		exit 0
	fi
fi
[ $installed = 0 ] || die "no stress-ng fetched yet (make deps)"
pkg_dir=$(fetch stress-ng)
ver=${pkg_dir##*/stress-ng_}
out=$BUILD/stress-ng-$ver
if [ -x "$out/bin/stress-ng" ] && [ -f "$out/version" ]; then
	echo "$out"
	exit 0
fi
stage=$out.tmp
"$TOP/scripts/fetch-bundle.sh" "$SUITE" stress-ng usr/bin/stress-ng "$stage"
mv "$stage" "$out"
progress "stress-ng $ver from $SUITE: $(ls "$out/lib" | wc -l) libraries, $(du -sh "$out" | cut -f1)"
echo "$out"
