#!/usr/bin/env bash
# Build the instruction counter, a QEMU TCG plugin
# (scripts/qemu-plugin/insn-count.c), for the QEMU a run uses. Its API
# header, qemu-plugin.h, is in QEMU's source only: the orig tarball of
# the same Debian version, from the suite that QEMU came from, checked
# against the archive's sha256 (the .dsc of a backport can be gone from
# the pool while its tarball stays, so only the tarball is fetched).
#
#   scripts/build-plugin.sh [backports|unstable]   last line: the plugin (.so)
#
# Built once per QEMU version into build/qemu-plugin/. Exit 2 with one
# line when that QEMU is not fetched, the archive has no such source, or
# the plugin does not build. bookworm's QEMU 7.2 is not supported (its
# API is older): make bench uses backports'.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

which=${1:-backports}
case $which in
backports) suite=bookworm-backports ;;
unstable) suite=unstable ;;
*) die "build-plugin.sh: QEMU must be backports or unstable, not '$which'" ;;
esac
qdir=$("$TOP/scripts/fetch-qemu.sh" --installed "$which" | tail -1) || exit "$EXIT_INFRA"
# "QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)"
debver=$(sed -n '1s/.*(Debian \(.*\))$/\1/p' "$qdir/version")
[ -n "$debver" ] || die "cannot read QEMU's Debian version from $qdir/version"
upstream=${debver#*:}
upstream=${upstream%-*}
out=$BUILD/qemu-plugin/$upstream
so=$out/insn-count.so
srcs=("$TOP"/scripts/qemu-plugin/insn-*.[ch])
stale=0
for f in "${srcs[@]}"; do [ "$so" -nt "$f" ] || stale=1; done
if [ -f "$so" ] && [ "$stale" = 0 ]; then
	echo "$so"
	exit 0
fi
need_cmd pkg-config pkg-config
pkg-config --exists glib-2.0 || die "no glib-2.0 headers (apt-get install libglib2.0-dev; scripts/deps.sh)"
mkdir -p "$out"
hdr=$out/qemu-plugin.h
if [ ! -f "$hdr" ]; then
	"$TOP/scripts/fetch-deb.sh" --depends "$suite" qemu-system-x86 >/dev/null	# the private lists, fresh
	d=$BUILD/apt/$suite
	opts=(-o "Dir::Etc::sourcelist=$d/sources.list" -o "Dir::Etc::sourceparts=/nonexistent"
		-o "Dir::State::Lists=$d/lists" -o "Dir::Cache=$d" -o "Dir::State::status=/dev/null")
	# the Sources record of that version: its pool directory and the
	# tarball's sha256
	rec=$(apt-cache "${opts[@]}" showsrc qemu 2>/dev/null | awk -v want="$debver" '
		function done() { if (v == want && f != "") { print dir, f, sum; found = 1; exit } v = f = dir = sum = "" }
		/^Version: / { v = $2 } /^Directory: / { dir = $2 }
		!/^ / { c = 0 } /^Checksums-Sha256:/ { c = 1; next }
		c && $3 ~ /\.orig\.tar\./ { sum = $1; f = $3 }
		/^$/ { done() }
		END { if (!found) done() }')
	read -r dir tarball sum <<<"$rec"
	[ -n "${sum:-}" ] || die "$suite has no source of qemu $debver (apt-cache showsrc)"
	work=$(tmp_dir)
	progress "qemu-plugin.h: fetching $tarball from $suite (the header only is kept)"
	curl -fsS -o "$work/$tarball" "http://deb.debian.org/debian/$dir/$tarball" ||
		die "download of $dir/$tarball failed"
	echo "$sum  $work/$tarball" | sha256sum -c --quiet - || die "$tarball: sha256 differs from the archive's"
	tar -xf "$work/$tarball" -C "$work" --wildcards '*/include/qemu/qemu-plugin.h' ||
		die "$tarball has no include/qemu/qemu-plugin.h"
	mv "$work"/*/include/qemu/qemu-plugin.h "$hdr"
fi
# shellcheck disable=SC2046 # pkg-config's flags, one word each
${CC:-gcc} -O2 -g -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden \
	$(pkg-config --cflags glib-2.0) -I "$out" -o "$so.tmp" "$TOP"/scripts/qemu-plugin/insn-*.c ||
	die "the instruction counter did not build against QEMU $upstream's qemu-plugin.h"
mv "$so.tmp" "$so"
progress "built $so (QEMU $upstream)"
echo "$so"
