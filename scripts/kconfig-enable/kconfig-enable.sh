#!/usr/bin/env bash
# kconfig-enable.sh SRC OBJ SYMBOL...: the assignments that make each
# SYMBOL y in the kernel tree SRC configured in OBJ (OBJ/.config), as a
# fragment on stdout; the chain chosen, or the one-line reason it cannot
# be done, on stderr. Exit 0 done, 2 not possible or bad input.
#
# The frontend is linked with the kconfig objects the tree's own make
# built in OBJ (any "make O=OBJ *config"), and runs in the environment
# that make gives conf: that is read from the tree's Makefile itself,
# whatever it exports (srctree, ARCH, SRCARCH, CC, LD, the tool versions
# Kconfig's $(shell,...) tests read), by a rule added with --eval that
# runs where conf would run. Nothing of it is written here.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"

[ $# -ge 3 ] || die "usage: kconfig-enable.sh SRC OBJ SYMBOL..."
src=$(realpath "$1") obj=$(realpath "$2")
shift 2
[ -f "$src/Kconfig" ] && [ -f "$src/scripts/kconfig/lkc.h" ] || die "$src is not a kernel tree"
[ -f "$obj/.config" ] && [ -f "$obj/scripts/kconfig/conf" ] ||
	die "$obj has no .config and kconfig objects (make -C $src O=$obj defconfig first)"

out=$obj/suite-kconfig-enable
make -s -C "$here" KSRC="$src" KOBJ="$obj/scripts/kconfig" OUT="$out" >"$out.log" 2>&1 ||
	die "building kconfig-enable against $src failed (see $out.log)"

# the environment of conf: the upper makes (need-sub-make) only recurse,
# the last one runs the rule with everything the Makefile exports. The
# goal ends in "config" so that the tree's make treats it as a
# configuration target: no syncconfig, no compiler checks
envf=$(tmp_file)
if ! err=$(make -s -C "$src" O="$obj" \
	--eval 'suite-kconfig-envconfig: ; $(if $(need-sub-make),@:,@env -0 >'"$envf"')' \
	suite-kconfig-envconfig 2>&1); then
	die "the tree's make did not give conf's environment: $(printf '%s' "$err" | grep -v 'recipe for target' | head -1)"
fi
tr '\0' '\n' <"$envf" | grep -q '^srctree=' ||
	die "the tree's make exported no srctree: its Makefile is not one kconfig-enable knows"
mapfile -d '' -t environ <"$envf"
kconfig=$(printf '%s\n' "${environ[@]}" | sed -n 's/^KBUILD_KCONFIG=//p')
cd "$obj"
env -i "${environ[@]}" "$out/kconfig-enable" "${kconfig:-Kconfig}" .config "$@"
