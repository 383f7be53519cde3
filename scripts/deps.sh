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
	# (stress-ng: unstable's, fetched by scripts/fetch-stressng.sh below)
	# mkfs.f2fs for the guest: page cache of a filesystem without buffer
	# heads (filemap_migrate_folio, which the batch takes)
	f2fs-tools
	# host-side tests of the console triage (libFuzzer)
	clang
	# make bench's plots (the png terminal)
	gnuplot-nox
	# the mutants as semantic patches (patches/cocci/, spatch)
	coccinelle
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
# the current stress-ng for the guest, from Debian unstable (nothing installed)
# and, with QEMU=backports (the default) or unstable, that QEMU
# (scripts/fetch-qemu.sh)
fetch_extras() {
	[ "${1:-}" = --check ] || "$TOP/scripts/fetch-stressng.sh" >/dev/null
	case $QEMU in
	system) ;;
	*) [ "${1:-}" = --check ] || "$TOP/scripts/fetch-qemu.sh" "$QEMU" >/dev/null ;;
	esac
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
