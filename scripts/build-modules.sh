#!/usr/bin/env bash
# Build the modules of faultmods/ for one kernel artifact, with Kbuild
# against that artifact's object tree. Rebuilt only when their sources or
# the artifact changed.
#
#   scripts/build-modules.sh ART      last line: the directory of the .ko files
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# read_artifact ART: the artifact (src, obj, id) and the CPU copy asked
# for (copy_want)
read_artifact() {
	art=${1:?usage: build-modules.sh KERNEL_ARTIFACT_DIR}
	[ -f "$art/bzImage" ] || die "no kernel artifact at $art (make kernel)"
	src=$(cat "$art/src") obj=$(cat "$art/obj") id=$(cat "$art/id")
	# OFFLOAD_CPU_COPY=batch|folio overrides the choice of the providers' CPU
	# copy (auto: what the kernel exports); forcing batch on a tree that does
	# not export it is how the skip of an unbuildable module is tested
	copy_want=${OFFLOAD_CPU_COPY:-auto}
	case $copy_want in
	auto | batch | folio) ;;
	*) die "OFFLOAD_CPU_COPY must be auto, batch or folio, not '$copy_want'" ;;
	esac
}

# modules_dir: dest, the artifact's directory of modules for these
# sources (this script, the API detection and the export reading are
# inputs too: they decide the flags and the files the guest is told of)
modules_dir() {
	local hash
	hash=$({ { find "$TOP/faultmods" -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \) -print0
		printf '%s\0' "$TOP/scripts/build-modules.sh" "$TOP/scripts/detect-api.sh" "$TOP/scripts/symvers.sh"; } |
		sort -z | xargs -0 sha256sum; echo "copy=$copy_want"; } | sha256sum | cut -c1-16)
	dest=$art/modules-$hash
}

# point_trees: the source and object trees at this artifact
point_trees() {
	# The source tree serves every artifact of this base (and the object tree
	# every artifact of its tag): point them at this artifact's patch set first
	# (only files that differ are touched). Kbuild reads the headers from the
	# source tree, so it must be at this commit even when the object tree is.
	if [ "$(git -C "$src" rev-parse HEAD)" != "$(cat "$art/commit")" ]; then
		git -C "$src" checkout -q -f --detach "$(cat "$art/commit")"
	fi
	# The object tree's configuration is the last build's too (a bisect's
	# older commit, a report's unpatched base), or the last one merged to
	# find an artifact's id (build-kernel.sh --dir writes .config and not
	# .artifact-id): this artifact's comes back before modules_prepare, or
	# the modules see another kernel's options
	if [ "$(cat "$obj/.artifact-id" 2>/dev/null)" != "$id" ] || ! cmp -s "$art/config" "$obj/.config"; then
		cp "$art/config" "$obj/.config"
		make -s -C "$src" O="$obj" modules_prepare >/dev/null ||
			die "modules_prepare failed for $art"
		echo "$id" >"$obj/.artifact-id"
	fi
	cmp -s "$art/config" "$obj/.config" ||
		die "the object tree $obj is not configured as kernel $id (make kernel rebuilds it)"
}

# work_copy: work, a copy of faultmods/ to build in, cc, and
# work/exports
work_copy() {
	work=$BUILD/mods/$id-$$
	rm -rf "$work"
	mkdir -p "$work"
	cp "$TOP"/faultmods/*.c "$TOP"/faultmods/Kbuild "$work"/
	cp "$TOP"/faultmods/*.h "$work"/ 2>/dev/null || true
	cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"
	# What the modules may call: what this kernel exports. Not the object
	# tree's Module.symvers: that tree serves every artifact of its base and
	# holds the last one built there (a mutant, a fixture), so this artifact's
	# own copy of it if it has one, else its own System.map
	exp_src=$art/Module.symvers
	[ -f "$exp_src" ] || exp_src=$art/System.map
	"$TOP/scripts/symvers.sh" exports "$exp_src" >"$work/exports"
}

# module_names KBUILD: the modules it builds, one word each
module_names() {
	sed -n 's/^obj-m += \(.*\)\.o$/\1/p' "$1"
}

# module_sources KBUILD MODULE: the module's C files in faultmods, its
# "MODULE-y :=" objects when it is made of several (fault_provider) or
# MODULE.c
module_sources() {
	local objs o
	objs=$(sed -n "s/^$2-y :\?= //p" "$1")
	[ -n "$objs" ] || objs=$2.o
	for o in $objs; do
		echo "$TOP/faultmods/${o%.o}.c"
	done
}

# api_flags: api, mark, extras, copy and copy_fn, the modules that need
# the API left out (work/unbuilt-no-api) or the Kbuild flags of the API
# and CPU copy
api_flags() {
	local m batch_fn why
	# A kernel without the series' API (SERIES_UPTO=0..2: the benchmark's
	# baseline, bisect points) gets only the modules that do not use it (the
	# negative controls' trigger, make bench's latency probe, the pinner)
	api=none mark=none extras=none copy=none copy_fn=none
	no_api=$work/unbuilt-no-api
	: >"$no_api"
	if ! grep -q '^CONFIG_MIGRATION_COPY_OFFLOAD=y' "$art/config"; then
		# the modules that use the API (their source names it) are named to
		# the guest as left out for want of it: a scenario that loads one is
		# a SKIP there, not a failure (a bisect point, the report's unpatched
		# base)
		for m in $(module_names "$work/Kbuild"); do
			# shellcheck disable=SC2046 # one word per source file
			grep -q -e offload_compat.h -e migrate_offload \
				$(module_sources "$work/Kbuild" "$m") || continue
			echo "$m migrate_offload_register" >>"$no_api"
			sed -i -e "/^obj-m += $m\.o$/d" -e "/^$m-y :\?= /d" "$work/Kbuild"
		done
		log "kernel $id has no copy offload: building $(module_names "$work/Kbuild" | paste -sd' ') only"
	else
		# one source for every API: offload_compat.h, told which one this is
		read -r api mark extras < <("$TOP/scripts/detect-api.sh" "$src")
		[ "$api" != none ] || die "kernel $id has CONFIG_MIGRATION_COPY_OFFLOAD but no migrate_copy_offload.h"
		read -r copy copy_fn batch_fn < <("$TOP/scripts/symvers.sh" copy "$api" "$work/exports")
		why="$batch_fn exported"
		[ "$copy" = batch ] || why="$batch_fn not exported"
		if [ "$copy_want" != auto ] && [ "$copy_want" != "$copy" ]; then
			why="OFFLOAD_CPU_COPY=$copy_want, though $why"
			copy=$copy_want copy_fn=folio_mc_copy
			[ "$copy" = folio ] || copy_fn=$batch_fn
		fi
		{
			echo "ccflags-y += -DOFFLOAD_API_${api^^} -DOFFLOAD_MARK_${mark^^} -DOFFLOAD_CPU_COPY_${copy^^}"
			echo "ccflags-y += $(for e in ${extras//,/ }; do [ "$e" = none ] || printf -- ' -DOFFLOAD_HAS_%s' "${e^^}"; done)"
		} >>"$work/Kbuild"
		progress "kernel $id: copy-offload API $api (mark: $mark; suite extras: $extras)"
		progress "kernel $id: providers' CPU copy: $([ "$copy" = batch ] && echo "$copy_fn()" || echo "a loop over folio_mc_copy()") ($why; exports from the artifact's $(basename "$exp_src"))"
	fi
}

# build: the modules with Kbuild in work; those that call what the
# kernel does not export left out (work/unbuilt)
build() {
	local m syms
	log "building faultmods for kernel $id"
	# an undefined symbol is a warning here: which modules it stops is
	# decided below, from the exports, one module at a time
	if ! make -C "$src" O="$obj" M="$work" CC="$cc" KBUILD_MODPOST_WARN=1 modules >"$work/build.log" 2>&1; then
		grep -m5 -E 'error|Error' "$work/build.log" >&2 || tail -5 "$work/build.log" >&2
		die "faultmods build failed (see $work/build.log)"
	fi
	# A module that calls what the kernel does not export would not load:
	# left out, in one line each, and named to the guest, whose scenarios
	# that load it become a "# SKIP" (stress/guest/lib-tree.sh: insmod)
	{ cat "$no_api"; "$TOP/scripts/symvers.sh" missing "$work/exports" "$work"/*.ko; } >"$work/unbuilt"
	while read -r m syms; do
		progress "note: $m.ko not built for kernel $id: the kernel does not export ${syms//,/, }"
		rm -f "$work/$m.ko"
	done <"$work/unbuilt"
	compgen -G "$work/*.ko" >/dev/null || die "no module of faultmods/ links against kernel $id (see $work/unbuilt)"
}

# save: the modules and what the guest is told, in dest
save() {
	local tmp unb
	tmp=$dest.tmp.$$
	mkdir -p "$tmp"
	cp "$work"/*.ko "$tmp"/
	# the Kbuild with this tree's API flags: how to build the modules again
	# against it by hand (make bench's rebuild timing does)
	cp "$work/Kbuild" "$tmp/Kbuild"
	# what the guest is told of the tree (run.sh: suite.api=, suite.extras=)
	echo "$api $mark $extras" >"$tmp/api"
	# the providers' CPU copy, and the modules left out with what they miss
	echo "$copy $copy_fn" >"$tmp/copy"
	cp "$work/unbuilt" "$tmp/unbuilt"
	# ... and the same for the guest's command line (run.sh)
	unb=$(awk '{ gsub(/,/, "+", $2); printf "%s%s:%s", (NR > 1 ? "," : ""), $1, $2 }' "$work/unbuilt")
	echo "suite.copy=$copy suite.unbuilt=${unb:-none}" >"$tmp/boot-args"
	mv -T "$tmp" "$dest" 2>/dev/null || rm -rf "$tmp"	# another build got there first
	rm -rf "$work"
}

# --- main ------------------------------------------------------------------------
read_artifact "$@"
modules_dir
if [ -d "$dest" ]; then
	echo "$dest"
	exit 0
fi
point_trees
work_copy
api_flags
build
save
echo "$dest"
