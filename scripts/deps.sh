#!/usr/bin/env bash
# Install the Debian packages the suite needs, or say exactly which are
# missing when we may not install them (not root, no apt).
#   scripts/deps.sh            install what is missing
#   scripts/deps.sh --check    only report; exit 2 if anything is missing
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PKGS=(
	# kernel build
	linux-source-6.12 build-essential flex bison bc libelf-dev libssl-dev
	ccache xz-utils cpio kmod rsync git perl python3 bsdextrautils
	# guest and VM
	qemu-system-x86 busybox-static libnuma-dev
	# the kernel's mm selftests, static (scripts/build-selftests.sh):
	# liburing.a for the io_uring cases of cow and gup_longterm
	liburing-dev
	# (stress-ng: unstable's, fetched by scripts/fetch-stressng.sh below)
	# mkfs.f2fs for the guest: page cache of a filesystem without buffer
	# heads (filemap_migrate_folio, which the batch takes)
	f2fs-tools
	# mkfs.ext4 for the guest: the selftests' own filesystem, with extents
	e2fsprogs
	# host-side tests of the console triage (libFuzzer)
	clang
	# make bench's plots (the png terminal)
	gnuplot-nox
	# make bench's instruction counts: QEMU's plugin header includes glib.h
	# (scripts/build-plugin.sh)
	libglib2.0-dev
	# the mutants as semantic patches (patches/cocci/, spatch)
	coccinelle
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
# What is fetched rather than installed (nothing goes into the system):
# the current stress-ng for the guest, from Debian unstable; with
# QEMU=backports (the default) or unstable, that QEMU
# (scripts/fetch-qemu.sh); the source
# tarball of every base from another suite than bookworm, once, then kept
# so that a seed replayed next month builds the same kernel (BASE_REFRESH=1
# takes the version the suite has today; fetch-deb.sh fails naming the
# versions the suite has when it no longer carries the package). The
# other scripts only look these up (base_tarball, fetch-*.sh --installed).
fetch_extras() {
	local base_file suite pkg
	[ "${1:-}" != --check ] || return 0
	"$TOP/scripts/fetch-stressng.sh" >/dev/null
	[ "$QEMU" = system ] || "$TOP/scripts/fetch-qemu.sh" "$QEMU" >/dev/null
	for base_file in "$TOP"/patches/*/base; do
		read -r suite pkg < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$base_file")
		[ "$suite" != bookworm ] || continue
		[ -n "$(BASE=$(basename "$(dirname "$base_file")") base_tarball)" ] && [ "${BASE_REFRESH:-0}" != 1 ] ||
			"$TOP/scripts/fetch-deb.sh" "$suite" "$pkg" >/dev/null || exit "$EXIT_INFRA"
	done
}
if [ ${#missing[@]} -eq 0 ]; then
	fetch_extras "${1:-}"
	exit 0
fi

if [ "${1:-}" = --check ] || [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
	die "missing Debian packages: ${missing[*]} (as root: apt-get install ${missing[*]})"
fi

log "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/deps-apt.log" 2>&1; then
	apt-get update >/dev/null 2>&1 || true
	apt-get install -y --no-install-recommends "${missing[@]}" >"${TMPDIR:-/tmp}/deps-apt.log" 2>&1 ||
		die "apt-get install failed for: ${missing[*]} (see ${TMPDIR:-/tmp}/deps-apt.log)"
fi
fetch_extras
