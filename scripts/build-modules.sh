#!/usr/bin/env bash
# Build the modules of faultmods/ for one kernel artifact, with Kbuild
# against that artifact's object tree. Rebuilt only when their sources or
# the artifact changed.
#
#   scripts/build-modules.sh ART      last line: the directory of the .ko files
set -euo pipefail
. "$(dirname "$0")/lib.sh"

art=${1:?usage: build-modules.sh KERNEL_ARTIFACT_DIR}
[ -f "$art/bzImage" ] || die "no kernel artifact at $art (make kernel)"
src=$(cat "$art/src") obj=$(cat "$art/obj") id=$(cat "$art/id")

# (this script and the API detection are inputs too: they decide the flags
# and the api file the guest is told of)
hash=$({ find "$TOP/faultmods" -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \) -print0
	printf '%s\0' "$TOP/scripts/build-modules.sh" "$TOP/scripts/detect-api.sh"; } |
	sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
dest=$art/modules-$hash
if [ -d "$dest" ]; then
	echo "$dest"
	exit 0
fi

# The source tree serves every artifact of this base (and the object tree
# every artifact of its tag): point them at this artifact's patch set first
# (only files that differ are touched). Kbuild reads the headers from the
# source tree, so it must be at this commit even when the object tree is.
if [ "$(git -C "$src" rev-parse HEAD)" != "$(cat "$art/commit")" ]; then
	git -C "$src" checkout -q -f --detach "$(cat "$art/commit")"
fi
if [ "$(cat "$obj/.artifact-id" 2>/dev/null)" != "$id" ]; then
	make -s -C "$src" O="$obj" modules_prepare >/dev/null ||
		die "modules_prepare failed for $art"
	echo "$id" >"$obj/.artifact-id"
fi

work=$BUILD/mods/$id-$$
rm -rf "$work"
mkdir -p "$work"
cp "$TOP"/faultmods/*.c "$TOP"/faultmods/Kbuild "$work"/
cp "$TOP"/faultmods/*.h "$work"/ 2>/dev/null || true
cc=gcc
command -v ccache >/dev/null && cc="ccache gcc"
# A kernel without the series' API (SERIES_UPTO=0..2: the benchmark's
# baseline, bisect points) gets only the modules that do not use it (the
# negative controls' trigger, make bench's latency probe)
api=none mark=none extras=none
if ! grep -q '^CONFIG_MIGRATION_COPY_OFFLOAD=y' "$art/config"; then
	printf 'obj-m += oracle_trigger.o\nobj-m += batch_lat.o\n' >"$work/Kbuild"
	log "kernel $id has no copy offload: building oracle_trigger and batch_lat only"
else
	# one source for every API: offload_compat.h, told which one this is
	read -r api mark extras < <("$TOP/scripts/detect-api.sh" "$src")
	[ "$api" != none ] || die "kernel $id has CONFIG_MIGRATION_COPY_OFFLOAD but no migrate_copy_offload.h"
	{
		echo "ccflags-y += -DOFFLOAD_API_${api^^} -DOFFLOAD_MARK_${mark^^}"
		echo "ccflags-y += $(for e in ${extras//,/ }; do [ "$e" = none ] || printf -- ' -DOFFLOAD_HAS_%s' "${e^^}"; done)"
	} >>"$work/Kbuild"
	progress "kernel $id: copy-offload API $api (mark: $mark; suite extras: $extras)"
fi
log "building faultmods for kernel $id"
if ! make -C "$src" O="$obj" M="$work" CC="$cc" modules >"$work/build.log" 2>&1; then
	grep -m5 -E 'error|Error' "$work/build.log" >&2 || tail -5 "$work/build.log" >&2
	die "faultmods build failed (see $work/build.log)"
fi
tmp=$dest.tmp.$$
mkdir -p "$tmp"
cp "$work"/*.ko "$tmp"/
# the Kbuild with this tree's API flags: how to build the modules again
# against it by hand (make bench's rebuild timing does)
cp "$work/Kbuild" "$tmp/Kbuild"
# what the guest is told of the tree (run.sh: suite.api=, suite.extras=)
echo "$api $mark $extras" >"$tmp/api"
mv -T "$tmp" "$dest" 2>/dev/null || rm -rf "$tmp"	# another build got there first
rm -rf "$work"
echo "$dest"
