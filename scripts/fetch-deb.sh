#!/usr/bin/env bash
# Fetch one package from another Debian suite (unstable, bookworm-backports)
# without touching the system's sources: a private sources list and state
# under build/apt/SUITE, `apt-get download`, then `dpkg -x` into
# build/debs/PKG_VERSION. Nothing is installed. Says on stderr which
# version it fetched (when it fetches), and prints the extracted directory
# as its last line.
#
#   scripts/fetch-deb.sh SUITE PACKAGE
#   scripts/fetch-deb.sh --source SUITE PACKAGE   the source package instead,
#       unpacked (orig tarball and Debian's patches) into build/debs/PKG_VERSION.src
#   scripts/fetch-deb.sh --depends SUITE PACKAGE  print the packages PACKAGE
#       depends on directly there (the first of each alternative), one a line
#
# Exit 2 with one line when the suite or the package is unknown there (the
# line names the versions the archive has, if any).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

source=0 depends=0
[ "${1:-}" != --source ] || { source=1; shift; }
[ "${1:-}" != --depends ] || { depends=1; shift; }
suite=${1:-} pkg=${2:-}
[ -n "$suite" ] && [ -n "$pkg" ] || die "usage: fetch-deb.sh SUITE PACKAGE"
case $suite in
unstable | sid | bookworm-backports | trixie) ;;
*) die "unknown suite '$suite': unstable or bookworm-backports" ;;
esac
[[ $pkg =~ ^[a-z0-9][a-z0-9.+-]*$ ]] || die "bad package name '$pkg'"
need_cmd apt-get apt
need_cmd dpkg dpkg

dir=$BUILD/apt/$suite
mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$BUILD/debs"
{
	echo "deb http://deb.debian.org/debian $suite main"
	echo "deb-src http://deb.debian.org/debian $suite main"
} >"$dir/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$dir/sources.list" -o "Dir::Etc::sourceparts=/nonexistent"
	-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache::archives=$dir/archives"
	-o "Dir::Cache=$dir" -o "Dir::State::status=/dev/null" -o "Debug::NoLocking=1"
	-o "APT::Get::List-Cleanup=0")

# the lists once a day: the suite moves on
stamp=$dir/lists/.fetched
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$(date +%F)" ]; then
	progress "apt: the package lists of $suite (private; the system's sources are untouched)"
	apt-get "${apt_opts[@]}" -q update >"$dir/update.log" 2>&1 ||
		die "apt-get update of $suite failed (see $dir/update.log)"
	date +%F >"$stamp"
fi
if [ $depends = 1 ]; then
	apt-cache "${apt_opts[@]}" show --no-all-versions "$pkg" >/dev/null 2>&1 || die "$suite has no package $pkg"
	# "  Depends: libc6" and "    libfoo" (an alternative): first ones only
	apt-cache "${apt_opts[@]}" depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$pkg" 2>/dev/null |
		sed -n 's/^ *|\?Depends: \([^<]*\)$/\1/p' | sort -u
	exit 0
fi
if [ $source = 1 ]; then
	ver=$(apt-cache "${apt_opts[@]}" showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -V | tail -1 || true)
else
	ver=$(apt-cache "${apt_opts[@]}" show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -1 || true)
fi
if [ -z "$ver" ]; then
	like=$(apt-cache "${apt_opts[@]}" pkgnames "${pkg%%-[0-9]*}" 2>/dev/null | sort | tr '\n' ' ' || true)
	die "$suite has no package $pkg${like:+ (it has: $like)}"
fi
out=$BUILD/debs/${pkg}_$ver
if [ $source = 1 ]; then
	out=$out.src
	if [ ! -d "$out" ]; then
		need_cmd dpkg-source dpkg-dev
		work=$(tmp_dir)
		(cd "$work" && apt-get "${apt_opts[@]}" -q source --download-only "$pkg=$ver" >"$dir/download.log" 2>&1) ||
			die "apt-get source $pkg from $suite failed (see $dir/download.log)"
		dpkg-source --no-check -x "$work"/*.dsc "$out.tmp" >/dev/null && mv "$out.tmp" "$out"
		progress "fetched $pkg $ver (source) from $suite into $out"
	fi
elif [ ! -d "$out" ]; then
	work=$(tmp_dir)
	(cd "$work" && apt-get "${apt_opts[@]}" -q download "$pkg" >"$dir/download.log" 2>&1) ||
		die "apt-get download $pkg from $suite failed (see $dir/download.log)"
	dpkg -x "$work"/*.deb "$out.tmp" && mv "$out.tmp" "$out"
	progress "fetched $pkg $ver from $suite into $out"
fi
echo "$out"
