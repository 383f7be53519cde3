#!/usr/bin/env bash
# Build the test kernel: Debian's linux-source-$BASE (or KERNEL_SRC), the
# series from patches/$BASE/series (the first SERIES_UPTO patches of it),
# then every file in EXTRA_PATCHES, configured from x86_64_defconfig and
# the fragments in configs/ with merge_config.sh.
#
# Each distinct input set is one artifact, build/kernels/<id>/ (bzImage,
# vmlinux, config, patches.txt). An artifact that exists is not rebuilt.
# One source tree (a git repo, so that switching between patch sets only
# touches the files that differ) and one object tree per base serve all
# artifacts: a changed patch rebuilds incrementally, through ccache.
#
#   scripts/build-kernel.sh          build if needed; last line: the artifact dir
#   scripts/build-kernel.sh --dir    print the artifact dir, build nothing
#   scripts/build-kernel.sh --config configure the object tree and stop (an
#                                    artifact not built yet); last line: its .config
#
# Environment: BASE (a directory of patches/), KERNEL_SRC, KERNEL_REV (a
# revision of a git KERNEL_SRC; default HEAD, with the work tree's tracked
# changes when it is dirty), SERIES (base:
# the base's series; none: nothing, for a KERNEL_SRC tree that carries the
# series already), EXTRA_PATCHES, SERIES_UPTO (all|N), JOBS,
# COVERAGE=1 (gcov for mm/migrate.c and mm/migrate_copy_offload.c only, in
# an object tree of its own: the option changes every object's flags),
# FLAVOUR (configs/flavours/: its fragment, and its own object tree when
# it sets options), OBJ_TAG=name (another object tree, and another artifact: make
# bench keeps the unpatched baseline there, so that the shared tree is not switched
# back and forth, and builds each kernel a second time there to compare two builds).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

CONFIGS=("$CONFIGS_DIR/common.config")
# the flavour's fragment last: it may override the debug options (KCSAN
# for KASAN), and its #CHECK# lines are checked like the others
CONFIGS+=("$(flavour_file config)")
SERIES_DIR=$(base_dir)
JOBS=${JOBS:-$(($(nproc) + 1))}
# what a fresh build of this config compiles, and how long it took on the
# project's 2-core machine at full speed, per base (the progress line's
# estimate; see README)
case $BASE in
6.12) FRESH_OBJECTS=1988 FRESH_MINUTES=8 ;;
*) FRESH_OBJECTS=2126 FRESH_MINUTES=9 ;;
esac
SERIES_UPTO=${SERIES_UPTO:-all}
SERIES=${SERIES:-base}
case $SERIES in
base) ;;
none) [ -n "${KERNEL_SRC:-}" ] || die "SERIES=none needs KERNEL_SRC=DIR: a tree that carries the series" ;;
*) die "SERIES must be 'base' or 'none', not '$SERIES'" ;;
esac
COVERAGE=${COVERAGE:-0}
case $COVERAGE in
0 | '') COVERAGE=0 ;;
1) CONFIGS+=("$CONFIGS_DIR/coverage.config") ;;
*) die "COVERAGE must be 0 or 1, not '$COVERAGE'" ;;
esac
# the objects gcov instruments: only the code under test, so that the
# guest is not slowed down and the counters stay small (Kbuild matches the
# file name alone: fs/ext4/migrate.o is instrumented too, and ignored)
GCOV_OBJS=(migrate.o migrate_copy_offload.o)
mode=${1:-build}

# --- the base tree and its identity ---------------------------------------
# base_id names the sources (part of the artifact id), tree_id the source
# and object trees that build them. A git KERNEL_SRC is one tree whatever
# its revision: each revision is fetched into the suite's clone and checked
# out there, so that moving between commits (a bisect) is an incremental
# build. A plain directory or a tarball is copied once per version.
git_kernel_src() { # KERNEL_SRC is the top of a git work tree
	[ "$(git -C "$KERNEL_SRC" rev-parse --show-toplevel 2>/dev/null)" = "$KERNEL_SRC" ]
}
# git_src_rev: the commit to build. HEAD of a dirty work tree is its
# tracked changes as a commit of their own (git stash create, which only
# adds objects to the repository), with fixed dates and names so that the
# same changes give the same commit, hence the same artifact
git_src_rev() {
	local rev stash
	rev=$(git -C "$KERNEL_SRC" rev-parse -q --verify "$KERNEL_REV^{commit}") ||
		die "KERNEL_REV=$KERNEL_REV is not a commit of $KERNEL_SRC"
	if [ "$KERNEL_REV" = HEAD ]; then
		stash=$(GIT_AUTHOR_NAME=suite GIT_AUTHOR_EMAIL=suite@localhost GIT_COMMITTER_NAME=suite \
			GIT_COMMITTER_EMAIL=suite@localhost GIT_AUTHOR_DATE=2026-01-01T00:00:00Z \
			GIT_COMMITTER_DATE=2026-01-01T00:00:00Z git -C "$KERNEL_SRC" stash create) ||
			die "git stash create failed in $KERNEL_SRC"
		[ -z "$stash" ] || rev=$stash
	fi
	echo "$rev"
}
# resolve_base: base_id (names the sources, part of the artifact id),
# tree_id (the source and object trees that build them), src_rev (a git
# tree's commit) and TARBALL (Debian's)
resolve_base() {
	src_rev=""
	if [ -n "${KERNEL_SRC:-}" ]; then
		[ -f "$KERNEL_SRC/Makefile" ] && [ -d "$KERNEL_SRC/mm" ] ||
			die "KERNEL_SRC=$KERNEL_SRC is not a kernel source tree"
		KERNEL_SRC=$(realpath "$KERNEL_SRC")
		if git_kernel_src; then
			KERNEL_REV=${KERNEL_REV:-HEAD}
			src_rev=$(git_src_rev)
			base_id="git:$KERNEL_SRC:$src_rev"
			tree_id="git:$KERNEL_SRC"
		else
			[ -z "${KERNEL_REV:-}" ] || die "KERNEL_REV=$KERNEL_REV needs KERNEL_SRC to be a git work tree ($KERNEL_SRC is not)"
			base_id="dir:$KERNEL_SRC:$(stat -c %Y "$KERNEL_SRC/Makefile")"
			tree_id=$base_id
		fi
	else
		[ -z "${KERNEL_REV:-}" ] || die "KERNEL_REV=$KERNEL_REV needs KERNEL_SRC=DIR, a git tree"
		TARBALL=$(base_tarball)
		[ -n "$TARBALL" ] ||
			die "$(base_source package) from $(base_source suite) is not here yet (make deps BASE=$BASE)"
		base_id="tarball:$TARBALL:$(stat -c %s-%Y "$TARBALL")"
		tree_id=$base_id
	fi
}

# object_paths: SRC and OBJ, the trees this build uses
object_paths() {
	base_hash=$(printf '%s' "$tree_id" | sha256sum | cut -c1-12)
	SRC=$BUILD/src-$base_hash
	OBJ=$BUILD/obj-$base_hash
	[ "$COVERAGE" = 1 ] && OBJ=$OBJ-cov
	flavour_sets_config && OBJ=$OBJ-fl-$FLAVOUR
	if [ -n "${OBJ_TAG:-}" ]; then
		[[ $OBJ_TAG =~ ^[a-z0-9-]+$ ]] || die "OBJ_TAG must be lower-case letters, digits and -, not '$OBJ_TAG'"
		OBJ=$OBJ-$OBJ_TAG
	fi
}

# patch_list: patch_files, the series (or SERIES_UPTO of it) and EXTRA_PATCHES
patch_list() {
	mapfile -t series < <(base_series)
	[ "$SERIES" = base ] || series=()
	case $SERIES_UPTO in
	all) ;;
	'' | *[!0-9]*) die "SERIES_UPTO must be 'all' or a number, not '$SERIES_UPTO'" ;;
	*) [ "$SERIES_UPTO" -le ${#series[@]} ] ||
		die "SERIES_UPTO=$SERIES_UPTO but the series has ${#series[@]} patches"
	   series=("${series[@]:0:$SERIES_UPTO}") ;;
	esac
	patch_files=()
	for p in "${series[@]}"; do
		[ -f "$SERIES_DIR/$p" ] || die "patches/$BASE/series names $p, which does not exist"
		patch_files+=("$SERIES_DIR/$p")
	done
	for p in ${EXTRA_PATCHES:-}; do
		[ -f "$p" ] || die "EXTRA_PATCHES: no such file: $p"
		patch_files+=("$(realpath "$p")")
	done
}

# artifact_id: what the artifact is a function of, hashed
artifact_id() {
	{
		# the flavour's name too: two flavours with the same fragment differ
		# in their boot file, which goes with the artifact
		# the object tree's tag too: a second build of the same inputs is
		# an artifact of its own, not a replacement of the first
		echo "$base_id series=$SERIES flavour=$FLAVOUR${OBJ_TAG:+ obj=$OBJ_TAG}"
		for p in "${patch_files[@]}"; do sha256_of "$p"; done
		cat "${CONFIGS[@]}"
		# the recipe itself is an input: a changed script rebuilds
		sha256_of "$0"
		cat "$TOP"/scripts/kconfig-enable/*.[ch] "$TOP"/scripts/kconfig-enable/*.sh | sha256sum
	} | sha256sum | cut -c1-16
}

# prepare_source: SRC holds the base tree in git, tagged base
prepare_source() {
	mkdir -p "$BUILD" "$BUILD/logs"
	if [ -n "$src_rev" ]; then
		# the user's repository is only read: cloned once (hard links to its
		# objects), then each revision fetched; the tag base is the revision
		if [ ! -f "$SRC/.git/base-ready" ]; then
			rm -rf "$SRC" "$OBJ"
			progress "cloning $KERNEL_SRC (once; then each revision is fetched into it)"
			git clone -q --no-checkout "$KERNEL_SRC" "$SRC" || die "could not clone $KERNEL_SRC into $SRC"
			touch "$SRC/.git/base-ready"
		fi
		if ! git -C "$SRC" cat-file -e "$src_rev^{commit}" 2>/dev/null; then
			git -C "$SRC" fetch -q --no-tags "$KERNEL_SRC" "$src_rev" ||
				die "could not fetch $src_rev from $KERNEL_SRC into $SRC"
		fi
		git -C "$SRC" tag -f base "$src_rev" >/dev/null
		if [ "$KERNEL_REV" = HEAD ]; then
			[ "$src_rev" = "$(git -C "$KERNEL_SRC" rev-parse HEAD)" ] ||
				progress "KERNEL_SRC has uncommitted changes: building HEAD with its tracked changes (git stash create: ${src_rev:0:12})"
			untracked=$(git -C "$KERNEL_SRC" ls-files --others --exclude-standard | wc -l)
			[ "$untracked" = 0 ] || progress "KERNEL_SRC has $untracked untracked files: they are not built (git add them to build them)"
		fi
	elif [ ! -f "$SRC/.git/base-ready" ]; then
		rm -rf "$SRC" "$OBJ"
		mkdir -p "$SRC"
		if [ -n "${KERNEL_SRC:-}" ]; then
			progress "copying $KERNEL_SRC"
			rsync -a --exclude=.git "$KERNEL_SRC/" "$SRC/"
		else
			progress "extracting $TARBALL (about 30 s)"
			tar -xf "$TARBALL" -C "$SRC" --strip-components=1
		fi
		progress "recording the base tree in git (about 1 min)"
		(cd "$SRC" && git init -q && git add -Af . &&
			git -c user.name=suite -c user.email=suite@localhost \
				commit -qm "base: $base_id" && git tag base) ||
			die "could not record $SRC in git"
		touch "$SRC/.git/base-ready"
	fi
}

# apply_patches: the patches applied into a scratch index, then the tree
# switched to the result (only files that differ are touched); sets commit
apply_patches() {
	progress "applying ${#patch_files[@]} patches"
	idx=$SRC/.git/index.apply
	rm -f "$idx"
	GIT_INDEX_FILE=$idx git -C "$SRC" read-tree base
	for p in "${patch_files[@]}"; do
		if ! err=$(GIT_INDEX_FILE=$idx git -C "$SRC" apply --cached "$p" 2>&1); then
			where=$(printf '%s\n' "$err" | sed -n 's/^error: patch failed: //p;s/^error: \(.*\): does not exist in index/\1 (missing)/p' | head -1)
			rm -f "$idx"
			echo "error: $(basename "$p") does not apply to $base_id: ${where:-$(printf '%s' "$err" | head -1)}" >&2
			exit "$EXIT_INFRA"
		fi
	done
	tree=$(GIT_INDEX_FILE=$idx git -C "$SRC" write-tree)
	rm -f "$idx"
	commit=$(git -C "$SRC" -c user.name=suite -c user.email=suite@localhost \
		commit-tree "$tree" -p base -m "patch set $id")
	git -C "$SRC" checkout -q -f --detach "$commit"
}

# configure: OBJ/.config from x86_64_defconfig and the fragments, what
# the tree hides enabled through its own Kconfig, every #CHECK# held
configure() {
	mkdir -p "$OBJ"
	[ -f "$OBJ/.config" ] && cp -p "$OBJ/.config" "$OBJ/.config.prev"
	make -s -C "$SRC" O="$OBJ" x86_64_defconfig >/dev/null
	clog=$BUILD/logs/config-$id.log
	"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "${CONFIGS[@]}" \
		>"$clog" 2>&1 || die "merge_config.sh failed (see $clog)"
	make -s -C "$SRC" O="$OBJ" olddefconfig >/dev/null
	# What the fragments require and this tree hides behind other symbols
	# (RFC v6: the offload option has no prompt, its DMA driver selects it) is
	# enabled through them, as the tree's own Kconfig allows
	. "$TOP/scripts/kconfig-enable/required.sh"
	req_frag=$OBJ/required.config req_why=$OBJ/required.why
	required_fragment "$SRC" "$OBJ" "$req_frag" "$req_why" "${CONFIGS[@]}"
	if [ -s "$req_frag" ]; then
		"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OBJ" "$OBJ/.config" "$req_frag" \
			>>"$clog" 2>&1 || die "merge_config.sh failed on $req_frag (see $clog)"
		make -s -C "$SRC" O="$OBJ" olddefconfig >/dev/null
	fi
	# keep the old file (and its timestamp) when nothing changed
	if [ -f "$OBJ/.config.prev" ] && cmp -s "$OBJ/.config" "$OBJ/.config.prev"; then
		mv "$OBJ/.config.prev" "$OBJ/.config"
	fi
	rm -f "$OBJ/.config.prev"
	# a requested option that did not survive is worth a line; one the
	# fragments require (#CHECK#CONFIG_X=v) fails the build, unless it is an
	# option of the series itself in a tree where the series is not applied
	# whole (SERIES_UPTO=0..4: the bench baseline, bisect points)
	grep -h '^CONFIG_.*=y' "${CONFIGS[@]}" | cut -d= -f1 | while read -r opt; do
		grep -q "^$opt=y" "$OBJ/.config" || log "note: $opt is not set in this tree"
	done
	series_opts=$(cat "$SERIES_DIR"/*.patch /dev/null | sed -n 's/^+config \([A-Z0-9_]*\)$/CONFIG_\1/p')
	exempt=""
	{ [ "$SERIES_UPTO" != all ] || [ "$SERIES" = none ]; } && exempt=$series_opts
	mapfile -t lost < <(config_lost "$OBJ/.config" "$exempt" "${CONFIGS[@]}")
	# a tree the user brings must carry the series (its extras may be
	# missing), unless a commit before the series is asked for (a bisect point)
	if [ "$SERIES" = none ] && [ "$SERIES_UPTO" = all ] && ! grep -q '^CONFIG_MIGRATION_COPY_OFFLOAD=y' "$OBJ/.config"; then
		die "KERNEL_SRC=$KERNEL_SRC: CONFIG_MIGRATION_COPY_OFFLOAD is not set after merge_config.sh: $(grep -m1 'MIGRATION_COPY_OFFLOAD' "$req_why" || echo "the tree carries no copy-offload series") (see $clog)"
	fi
	[ ${#lost[@]} -eq 0 ] ||
		die "config: required by configs/ but not in the final .config: ${lost[*]}$(sed 's/^/; /' "$req_why" | tr -d '\n') (see $clog)"
}

# build: bzImage and modules in OBJ, counted as they go; sets built, fresh
build() {
	cc=gcc
	command -v ccache >/dev/null && cc="ccache gcc"
	gcov_vars=()
	if [ "$COVERAGE" = 1 ]; then
		for o in "${GCOV_OBJS[@]}"; do gcov_vars+=("GCOV_PROFILE_$o=y"); done
	fi
	blog=$BUILD/logs/kernel-$id.log
	# a build into an object tree that has never linked a kernel is a fresh one
	fresh=0
	[ -f "$OBJ/vmlinux" ] || fresh=1
	# objects to compile: what the last full build of this object tree
	# compiled, else the figure measured for a fresh build of our config
	expect_objs=$(cat "$OBJ/.objects" 2>/dev/null || echo "$FRESH_OBJECTS")
	progress "kernel: building with -j$JOBS ($([ $fresh = 1 ] && echo "fresh object tree, about $FRESH_MINUTES min on 2 cores" || echo incremental); log: $blog)"
	start=$(date +%s)
	# make in this object tree, with the flags every build of it uses (a
	# changed flag would make Kbuild rebuild what it touches). An array, not a
	# function: the build runs in the background and kpid must be make itself,
	# so that a TERM stops it
	kmake=(make -C "$SRC" O="$OBJ" -j"$JOBS" CC="$cc" "${gcov_vars[@]}"
		KBUILD_BUILD_TIMESTAMP="2026-01-01" KBUILD_BUILD_USER=suite KBUILD_BUILD_HOST=suite)
	"${kmake[@]}" bzImage modules >"$blog" 2>&1 &
	kpid=$!
	SUITE_CHILD=$kpid
	# the running count, and no build left running when the caller is gone
	while kill -0 "$kpid" 2>/dev/null; do
		sleep 2
		if ! suite_ancestors_alive; then
			kill -TERM "$kpid" 2>/dev/null
			wait "$kpid" 2>/dev/null
			die "interrupted: the calling script is gone; kernel build stopped"
		fi
		n=$(grep -c '^  \(CC\|AS\|LD\|AR\)' "$blog" || true)
		if [ "$fresh" = 1 ] || [ "$n" -gt 0 ]; then
			progress_live "kernel: $n objects$( [ "$fresh" = 1 ] && echo " of about $expect_objs ($((n * 100 / expect_objs))%)"), $(($(date +%s) - start)) s"
		fi
	done
	rc=0
	wait "$kpid" || rc=$?
	SUITE_CHILD=""
	progress_live_end
	if [ "$rc" != 0 ]; then
		grep -m5 -E 'error:|Error [0-9]' "$blog" >&2 || tail -5 "$blog" >&2
		die "kernel build failed for patch set $id (see $blog)"
	fi
	[ "$fresh" = 1 ] && grep -c '^  \(CC\|AS\|LD\|AR\)' "$blog" >"$OBJ/.objects"
	# ccache in depend mode does not see what piggy.S pulls in with .incbin
	# (the compressed vmlinux): when two builds' payloads have the same sizes,
	# it hands back the older piggy.o, and the bzImage boots the older kernel.
	# Seen: the preempt-full flavour's bzImage booted the default kernel's
	# banner (only the version string differed). So piggy.o is always
	# assembled without the cache, and the payload's build ID checked against
	# vmlinux's.
	rm -f "$OBJ/arch/x86/boot/compressed/piggy.o"
	CCACHE_DISABLE=1 "${kmake[@]}" bzImage >>"$blog" 2>&1 || die "kernel build failed re-assembling the payload (see $blog)"
	got=$(payload_mismatch "$SRC" "$OBJ/arch/x86/boot/bzImage" "$(elf_build_id "$OBJ/vmlinux")") ||
		die "the bzImage does not hold the vmlinux just built (its build ID: $got; see $blog)"
	built=$(($(date +%s) - start))
	progress "kernel: built in $built s"
}

# save_artifact: build/kernels/ID, written whole or not at all
save_artifact() {
	tmp=$ART.tmp.$$
	rm -rf "$tmp"
	mkdir -p "$tmp"
	cp "$OBJ/arch/x86/boot/bzImage" "$OBJ/.config" "$OBJ/System.map" "$tmp/"
	mv "$tmp/.config" "$tmp/config"
	cp "$OBJ/vmlinux" "$tmp/vmlinux"
	{
		echo "base $base_id"
		for p in "${patch_files[@]}"; do echo "$(sha256_of "$p") $p"; done
	} >"$tmp/patches.txt"
	echo "$id" >"$tmp/id"
	echo "$commit" >"$tmp/commit"
	echo "$SRC" >"$tmp/src"
	echo "$OBJ" >"$tmp/obj"
	echo "$built" >"$tmp/build-seconds"
	echo "$fresh" >"$tmp/fresh"
	echo "$COVERAGE" >"$tmp/coverage"
	echo "$FLAVOUR" >"$tmp/flavour"
	"$TOP/scripts/series-scope.sh" "$SRC" "$OBJ" >"$tmp/scope" || die "could not list the series' functions"
	rm -rf "$ART"
	mv "$tmp" "$ART"
	echo "$id" >"$OBJ/.artifact-id"
	progress "kernel: ready ($(basename "$ART"))"
}

# --- main ------------------------------------------------------------------------
resolve_base
object_paths
patch_list
id=$(artifact_id)
ART=$BUILD/kernels/$id
if [ "$mode" = --dir ]; then
	echo "$ART"
	exit 0
fi
if [ -f "$ART/bzImage" ]; then
	progress "kernel: up to date ($(basename "$ART"))"
	echo "$ART"
	exit 0
fi

prepare_source
apply_patches
configure
# --config: the object tree configured, nothing built
if [ "$mode" = --config ]; then
	echo "$OBJ/.config"
	exit 0
fi
build
save_artifact
echo "$ART"
