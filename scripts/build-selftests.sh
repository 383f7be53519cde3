#!/usr/bin/env bash
# Build the kernel's own mm selftests that stress/selftests/mm.list has
# "in", statically (the guest has no C library), from the source tree the
# test kernel is built from: the tree's own Makefile and lib.mk, its own
# kselftest headers and its uapi headers (make headers_install into a
# temporary directory). The tree is only read: the build runs in a tree
# of symbolic links to it with a copy of tools/testing/selftests/mm, where
# the Makefile writes its local_config.*. Rebuilt only when the sources,
# the list or this script changed.
#
#   scripts/build-selftests.sh SRC_DIR OUT_DIR     last line: OUT_DIR
#
# OUT_DIR/bin/ the programs (stripped), built and unbuilt (a line each,
# "PROG: why"), notes (a program built without an optional part), mm.list,
# tree (SRC_DIR and its kernel version), build.log, inputs (the hash). A
# program that does not build is a note, not a failure; exit 2 only when
# none builds.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$TOP/stress/guest/lib-selftests.sh"

[ $# = 2 ] || die "usage: build-selftests.sh SRC_DIR OUT_DIR"
src=$(realpath "$1") out=$(realpath -m "$2")
# MM_LIST: another list (the host's tests build from smaller ones)
list=${MM_LIST:-$TOP/stress/selftests/mm.list}
mm=tools/testing/selftests/mm
[ -f "$src/$mm/Makefile" ] || die "$src has no $mm/Makefile: not a kernel source tree"
need_cmd gcc build-essential
selftest_records "$list" >/dev/null || die "the list $list cannot be read"
mapfile -t progs < <(selftest_progs "$list")

# static_lib NAME: the path of libNAME.a the compiler links, or nothing
static_lib() {
	local f
	f=$(gcc -print-file-name="lib$1.a")
	[ "$f" = "lib$1.a" ] || echo "$f"
}

# inputs_hash: what the programs are a function of. The selftests' own
# sources and the headers they read (the uapi headers installed from the
# tree, tools/include), the compiler, the static libraries, the list and
# the scripts; not the rest of the tree, so that another patch set of the
# same base (the series, a mutant) builds nothing
inputs_hash() {
	local p paths=()
	for p in "$mm" tools/testing/selftests/kselftest tools/include include/uapi \
		arch/x86/include/uapi arch/x86/entry/syscalls scripts/headers_install.sh \
		scripts/unifdef.c mm/gup_test.h include/vdso; do
		[ ! -e "$src/$p" ] || paths+=("$p")
	done
	{
		(cd "$src" && { find tools/testing/selftests -maxdepth 1 -type f; find "${paths[@]}" -type f; } |
			grep -v '/local_config\.' | LC_ALL=C sort | xargs -d '\n' sha256sum)
		sha256_of "$0" "$list" "$TOP/stress/guest/lib-selftests.sh"
		gcc --version | head -1
		for p in numa uring; do
			f=$(static_lib "$p")
			if [ -n "$f" ]; then sha256_of "$f"; else echo "no lib$p.a"; fi
		done
	} | sha256sum | cut -c1-16
}

# link_tree SRC DST KEEP: DST/ENTRY -> SRC/ENTRY for every entry but KEEP
link_tree() {
	local e
	mkdir -p "$2"
	for e in "$1"/*; do
		[ "$(basename "$e")" = "$3" ] || ln -s "$e" "$2/$(basename "$e")"
	done
}

# build_tree TREE: the tree the Makefile runs in, links to the source but
# for a copy of the mm selftests
build_tree() {
	local t=$1
	link_tree "$src" "$t" tools
	link_tree "$src/tools" "$t/tools" testing
	link_tree "$src/tools/testing" "$t/tools/testing" selftests
	link_tree "$src/tools/testing/selftests" "$t/tools/testing/selftests" mm
	cp -a "$src/$mm" "$t/$mm"
	rm -f "$t/$mm"/local_config.*
	# without a static liburing the Makefile's probe would still find the
	# header and link -luring dynamically, or fail: the io_uring cases of
	# cow and gup_longterm are left out as the tree allows (its own
	# "no liburing" answer, written before the probe runs)
	if [ -z "$(static_lib uring)" ]; then
		echo "// No liburing support found" >"$t/$mm/local_config.h"
		printf '# No liburing support found, so:\nIOURING_EXTRA_LIBS = \n' >"$t/$mm/local_config.mk"
		echo "io_uring cases of cow and gup_longterm left out: no static liburing (apt-get install liburing-dev)" >>"$stage/notes"
	fi
}

# why_unbuilt PROG: one line, the first error of building PROG alone
why_unbuilt() {
	local log=$stage/logs/$1.log line
	[ -f "$src/$mm/$1.c" ] || { echo "not in this tree (no $mm/$1.c)"; return; }
	mkdir -p "$stage/logs"
	sub_make -s "$stage/bin/$1" >"$log" 2>&1 || true
	line=$(grep -m1 -E 'error|undefined reference|cannot find' "$log" || tail -1 "$log")
	echo "${line:0:200}"
}

# sub_make ARGS...: the tree's mm Makefile, outside of any make that ran
# us (its flags and command-line variables would reach the selftests')
sub_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES \
		make -C "$tree/$mm" OUTPUT="$stage/bin" KHDR_INCLUDES="-isystem $hdr/include" \
		EXTRA_CFLAGS=-static "$@"
}

hash=$(inputs_hash)
if [ "$(cat "$out/inputs" 2>/dev/null)" = "$hash" ]; then
	echo "$out"
	exit 0
fi
[ -n "$(static_lib numa)" ] || progress "note: no libnuma.a (apt-get install libnuma-dev): the tests that need it are left out"
stage=$out.tmp
rm -rf "$stage"
mkdir -p "$stage/bin"
: >"$stage/notes"
work=$(tmp_dir)
tree=$work/tree hdr=$work/hdr
t0=$SECONDS
progress "building ${#progs[@]} mm selftests of $src statically"
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$src" O="$work/hobj" INSTALL_HDR_PATH="$hdr" \
	headers_install >"$stage/headers.log" 2>&1 ||
	die "make headers_install of $src failed (see $stage/headers.log)"
build_tree "$tree"
targets=()
for p in "${progs[@]}"; do
	[ ! -f "$src/$mm/$p.c" ] || targets+=("$stage/bin/$p")
done
# -k: a program that does not build leaves the others to build
[ ${#targets[@]} = 0 ] || sub_make -k -j"$(nproc)" "${targets[@]}" >"$stage/build.log" 2>&1 || true
: >"$stage/built"
: >"$stage/unbuilt"
for p in "${progs[@]}"; do
	if [ -x "$stage/bin/$p" ] && file "$stage/bin/$p" | grep -q 'statically linked'; then
		strip "$stage/bin/$p"
		echo "$p" >>"$stage/built"
	elif [ -x "$stage/bin/$p" ]; then
		echo "$p: not statically linked ($(file -b "$stage/bin/$p" | cut -d, -f1-2))" >>"$stage/unbuilt"
		rm -f "$stage/bin/$p"
	else
		echo "$p: $(why_unbuilt "$p")" >>"$stage/unbuilt"
	fi
done
# what make left besides the programs (vm_util.o of an older tree)
find "$stage/bin" -type f ! -perm -u+x -delete
while read -r line; do progress "note: not built: $line"; done <"$stage/unbuilt"
while read -r line; do progress "note: $line"; done <"$stage/notes"
[ -s "$stage/built" ] || die "no mm selftest built from $src (see $stage/unbuilt and $stage/build.log)"
cp "$list" "$stage/mm.list"
echo "$src $(make -s -C "$src" kernelversion 2>/dev/null || echo unknown)" >"$stage/tree"
echo "$hash" >"$stage/inputs"
progress "built $(wc -l <"$stage/built") of ${#progs[@]} mm selftests in $((SECONDS - t0)) s ($(du -sh "$stage/bin" | cut -f1))"
rm -rf "$out"
mv -T "$stage" "$out"
echo "$out"
