#!/usr/bin/env bash
# A newer QEMU than bookworm's 7.2, from Debian's archive, without
# installing it: bookworm-backports' (10.0, built for bookworm's
# libraries) or unstable's (11.x, which needs a newer C library: it runs
# through the ld.so and libraries of unstable, scripts/fetch-bundle.sh).
# Its firmware (qemu-system-data, seabios) and loadable modules
# (qemu-system-common) come from the same suite, so that the system QEMU's
# files are never mixed in.
#
#   scripts/fetch-qemu.sh backports|unstable    last line: build/qemu-SUITE-VERSION
#   scripts/fetch-qemu.sh --installed WHICH     the one fetched before, or exit 2
#                                               (run-vm.sh: it never fetches)
#
# The directory holds `qemu-system-x86_64` (a wrapper that runs the fetched
# binary with its firmware and modules) and `version`. Fetched once, then
# kept (QEMU_REFRESH=1 takes what the suite has today). run-vm.sh takes it
# with QEMU=backports|unstable; QEMU=system (the default) is bookworm's.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

installed=0
[ "${1:-}" != --installed ] || { installed=1; shift; }
which=${1:-}
case $which in
backports) suite=bookworm-backports ;;
unstable) suite=unstable ;;
*) die "fetch-qemu.sh: QEMU must be system, backports or unstable, not '$which'" ;;
esac
fetch() {
	"$TOP/scripts/fetch-deb.sh" "$suite" "$1" | tail -1
}

if [ "${QEMU_REFRESH:-0}" != 1 ] || [ $installed = 1 ]; then
	have=$(ls -d "$BUILD/qemu-$which"-*/ 2>/dev/null | sort -V | tail -1 || true)
	if [ -n "$have" ] && [ -x "$have/qemu-system-x86_64" ] && [ -f "$have/version" ]; then
		echo "${have%/}"
		exit 0
	fi
fi
[ $installed = 0 ] || die "QEMU=$which is not fetched yet (make deps QEMU=$which)"
pkg_dir=$(fetch qemu-system-x86)
ver=${pkg_dir##*/qemu-system-x86_}
ver=${ver#*:} # the epoch: no colon in a path that goes into -L
out=$BUILD/qemu-$which-$ver
stage=$out.tmp
rm -rf "$stage"
mkdir -p "$stage"
data=$(fetch qemu-system-data)
bios=$(fetch seabios)
common=$(fetch qemu-system-common)
# -L: the suite's firmware before anything the binary would look up itself
fw=(-L "$data/usr/share/qemu" -L "$bios/usr/share/seabios")
moddir=$common/usr/lib/x86_64-linux-gnu/qemu
[ -d "$moddir" ] || moddir=$stage/no-modules
mkdir -p "$moddir"

if [ "$which" = unstable ]; then
	"$TOP/scripts/fetch-bundle.sh" "$suite" qemu-system-x86 usr/bin/qemu-system-x86_64 "$stage/bundle"
	run=("$stage/bundle/lib/ld-linux-x86-64.so.2" --library-path "$stage/bundle/lib" "$stage/bundle/bin/qemu-system-x86_64")
else
	run=("$pkg_dir/usr/bin/qemu-system-x86_64")
	missing=$(ldd "${run[0]}" | sed -n 's/^[[:space:]]*\([^ ]*\) => not found$/\1/p' | tr '\n' ' ')
	[ -z "$missing" ] || die "QEMU $ver from $suite needs libraries this host lacks: $missing"
fi
# the paths are the final ones: the wrapper is written for $out, not $stage
final() { printf '%q ' "${@//"$stage"/"$out"}"; }
{
	echo '#!/bin/sh'
	echo "# QEMU $ver from $suite, with its own firmware and modules (scripts/fetch-qemu.sh)"
	echo "QEMU_MODULE_DIR=$(final "$moddir")"
	echo 'export QEMU_MODULE_DIR'
	echo "exec $(final "${run[@]}" "${fw[@]}")\"\$@\""
} >"$stage/qemu-system-x86_64"
chmod +x "$stage/qemu-system-x86_64"
rm -rf "$out"
mv "$stage" "$out"
if ! "$out/qemu-system-x86_64" --version >"$out/version" 2>&1; then
	why=$(head -1 "$out/version")
	rm -rf "$out"
	die "QEMU $ver from $suite does not run here: $why"
fi
progress "QEMU $ver from $suite: $(head -1 "$out/version")"
echo "$out"
