#!/usr/bin/env bash
# Build the guest's initramfs with the kernel's own usr/gen_init_cpio:
# busybox-static, mkfs.f2fs and mkfs.ext4 with their shared libraries, a
# current stress-ng from Debian unstable with its own libraries and ld.so
# under /opt/stress-ng (scripts/fetch-stressng.sh; /usr/bin/stress-ng runs
# it through them), our static guest programs, the init script, the
# scenarios, the modules built for the kernel artifact ART and the
# kernel's own mm selftests of stress/selftests/mm.list, built from ART's
# source tree (/selftests/mm).
# Rebuilt only when an input changed.
#
#   scripts/build-initramfs.sh ART     last line: the initramfs path
set -euo pipefail
. "$(dirname "$0")/lib.sh"

art=${1:?usage: build-initramfs.sh KERNEL_ARTIFACT_DIR}
[ -f "$art/bzImage" ] || die "no kernel artifact at $art (make kernel)"
need_cmd busybox busybox-static
[ -e /bin/busybox ] && file_busybox=/bin/busybox || file_busybox=$(command -v busybox)
ldd "$file_busybox" >/dev/null 2>&1 && die "$file_busybox is not static: apt-get install busybox-static"

obj=$(cat "$art/obj")
gen=$obj/usr/gen_init_cpio
[ -x "$gen" ] || die "missing $gen: the kernel build did not produce it"

# guest programs (static, so they need nothing from the initramfs)
make -s -C "$TOP/stress" OUT="$BUILD/guest" >/dev/null || die "building stress/ guest programs failed"
# modules for this kernel
mods=$("$TOP/scripts/build-modules.sh" "$art" | tail -1)
# the kernel's mm selftests, from the tree the kernel was built from (at
# the artifact's commit now: build-modules.sh checked it out); one build
# per source tree, rebuilt when the selftests' own inputs change. Without
# them the guest's selftest_run says "not built" (a SKIP), so a failed
# build is a note here, not the end of the run.
selftests=$BUILD/selftests/$(basename "$(cat "$art/src")")
"$TOP/scripts/build-selftests.sh" "$(cat "$art/src")" "$selftests" >/dev/null ||
	{ progress "note: no mm selftests in this initramfs (scripts/build-selftests.sh failed)"; selftests=""; }

stressng=$("$TOP/scripts/fetch-stressng.sh" --installed | tail -1) || exit "$EXIT_INFRA"
[ -x "$stressng/bin/stress-ng" ] || die "no stress-ng from unstable (scripts/fetch-stressng.sh)"
# host programs the guest runs, with their shared libraries
mkfs_f2fs=$(command -v mkfs.f2fs || echo /usr/sbin/mkfs.f2fs)	# sbin: not in every PATH
[ -x "$mkfs_f2fs" ] || die "missing 'mkfs.f2fs': apt-get install f2fs-tools (or run 'make deps')"
# e2fsprogs' mke2fs as mkfs.ext4 (busybox's makes ext2 only): the mm
# selftests that need a filesystem get extents, so fallocate() works
mkfs_ext4=$(command -v mkfs.ext4 || echo /sbin/mkfs.ext4)
[ -x "$mkfs_ext4" ] || die "missing 'mkfs.ext4': apt-get install e2fsprogs (or run 'make deps')"
libs=$(ldd "$mkfs_f2fs" "$mkfs_ext4" | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | sort -u)

inputs=$( {
	sha256_of "$file_busybox" "$stressng/bin/stress-ng" "$stressng"/lib/* "$mkfs_f2fs" "$mkfs_ext4" "$0"
	find "$TOP/stress/guest" "$TOP/stress/scenarios" "$BUILD/guest" "$mods" ${selftests:+"$selftests"} \
		"$TOP/stress/selftests" -type f \
		-print0 | sort -z | xargs -0 sha256sum
} | sha256sum | cut -c1-16)
img=$BUILD/initramfs/$inputs.cpio
if [ -f "$img" ]; then
	echo "$img"
	exit 0
fi
mkdir -p "$BUILD/initramfs"

list=$(tmp_file)
{
	for d in /bin /sbin /usr /usr/bin /usr/sbin /lib /lib64 /lib/x86_64-linux-gnu \
		/proc /sys /dev /tmp /run /mnt /root /etc /guest /scenarios /modules \
		/opt /opt/stress-ng /opt/stress-ng/bin /opt/stress-ng/lib; do
		echo "dir $d 0755 0 0"
	done
	echo "nod /dev/console 0600 0 0 c 5 1"
	echo "nod /dev/null 0666 0 0 c 1 3"
	echo "nod /dev/port 0640 0 0 c 1 4"
	echo "file /bin/busybox $file_busybox 0755 0 0"
	echo "slink /bin/sh /bin/busybox 0777 0 0"
	echo "file /init $TOP/stress/guest/init 0755 0 0"
	echo "file /opt/stress-ng/bin/stress-ng $stressng/bin/stress-ng 0755 0 0"
	echo "file /opt/stress-ng/version $stressng/version 0644 0 0"
	for l in "$stressng"/lib/*; do
		echo "file /opt/stress-ng/lib/$(basename "$l") $l 0755 0 0"
	done
	echo "slink /usr/bin/stress-ng /guest/stress-ng 0777 0 0"
	echo "file /sbin/mkfs.f2fs $(readlink -f "$mkfs_f2fs") 0755 0 0"
	echo "file /sbin/mkfs.ext4 $(readlink -f "$mkfs_ext4") 0755 0 0"
	for l in $libs; do
		echo "file $l $(readlink -f "$l") 0755 0 0"
	done
	for f in "$TOP"/stress/guest/*; do
		echo "file /guest/$(basename "$f") $f 0755 0 0"
	done
	for f in "$BUILD"/guest/*; do
		echo "file /guest/$(basename "$f") $f 0755 0 0"
	done
	for f in "$TOP"/stress/scenarios/*; do
		echo "file /scenarios/$(basename "$f") $f 0644 0 0"
	done
	for f in "$mods"/*.ko; do
		[ -e "$f" ] && echo "file /modules/$(basename "$f") $f 0644 0 0"
	done
	# the programs of the list's "in" entries that built, the list, and
	# what did not build and why (stress/guest/lib-selftests.sh reads them)
	if [ -n "$selftests" ]; then
		echo "dir /selftests 0755 0 0"
		echo "dir /selftests/mm 0755 0 0"
		for f in mm.list built unbuilt notes tree; do
			echo "file /selftests/mm/$f $selftests/$f 0644 0 0"
		done
		while read -r p; do
			echo "file /selftests/mm/$p $selftests/bin/$p 0755 0 0"
		done <"$selftests/built"
		# the cases the unpatched base fails by itself (selftest_scenario:
		# expected failures, never the series' findings)
		xfail=$TOP/stress/selftests/base-$BASE.xfail
		[ ! -f "$xfail" ] || echo "file /selftests/mm/base.xfail $xfail 0644 0 0"
	fi
} >"$list"
"$gen" "$list" >"$img.tmp" || die "gen_init_cpio failed (list: $list)"
rm -f "$list"
mv "$img.tmp" "$img"
echo "$img"
