# shellcheck shell=bash
# Shared by the host scripts: paths, logging and the exit-code contract.
#   0  pass
#   1  a kernel finding (or a hang)
#   2  usage or infrastructure error: one line on stderr says which

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BUILD=${BUILD:-$TOP/build}
RESULTS=${RESULTS:-$TOP/results}
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
# paths relative to the checkout, so that another clone (CI) hits the cache
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$TOP}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
# depend mode: a miss costs no extra preprocessor run. Measured on mm/ (92
# objects, 2 cores): no ccache 46.6 s, a cold cache 58.1 s in the default
# mode and 44.9 s in depend mode, a warm one 1.6 s in both; so a fresh
# machine's first build pays nothing for the cache it fills
export CCACHE_DEPEND=${CCACHE_DEPEND:-1}

# The emulator: multi-threaded TCG (the guest's vCPUs really run at once)
# on QEMU 10 from bookworm-backports (scripts/fetch-qemu.sh). Measured on
# 2026-12-02: 50 boots of the faults campaign (races, registration
# churn, reg-race) under it, 0 false findings; the same scenarios under
# bookworm's QEMU 7.2 with thread=multi died in "Oops: int3" at a
# static-key jump label (a stale int3 after text patching) in 2 boots of
# 3 (reg-race, unregister-race; 3 of 3 in an earlier measurement).
# QEMU=system TCG_THREAD=single is the old way; make check keeps it
# (scripts/check.sh: its budget is measured with it).
QEMU=${QEMU:-backports}
TCG_THREAD=${TCG_THREAD:-multi}
export QEMU TCG_THREAD

EXIT_PASS=0
EXIT_FINDING=1
EXIT_INFRA=2

# die MESSAGE: the one-line cause of a usage or infrastructure error
die() {
	echo "error: $*" >&2
	exit "$EXIT_INFRA"
}

log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"
}

# progress MESSAGE: one line on stderr per step of a long job (stdout is
# often captured by the caller for its last line)
progress() {
	[ "${SUITE_QUIET:-0}" = 1 ] || printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2
}

# progress_live MESSAGE: a line that rewrites itself, on a terminal only
# (a log file gets the step's progress lines, not every count)
progress_live() {
	[ -t 2 ] && [ "${SUITE_QUIET:-0}" != 1 ] && printf '\r\033[K[%s] %s' "$(date +%H:%M:%S)" "$*" >&2
	return 0
}
progress_live_end() {
	[ -t 2 ] && [ "${SUITE_QUIET:-0}" != 1 ] && printf '\r\033[K' >&2
	return 0
}

# need_cmd CMD PACKAGE: say exactly which Debian package is missing
need_cmd() {
	command -v "$1" >/dev/null 2>&1 ||
		die "missing '$1': apt-get install $2 (or run 'make deps')"
}

sha256_of() {
	sha256sum "$@" | cut -c1-64
}

# draw_seed: a random seed below 2^63 (bash arithmetic is signed 64-bit,
# so the sign bit is cleared)
draw_seed() {
	local s
	s=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
	echo $((s & 0x7fffffffffffffff))
}

# valid_seed S: a decimal number below 2^63
valid_seed() {
	[[ $1 =~ ^[0-9]{1,19}$ ]] || return 1
	[ ${#1} -lt 19 ] || [[ $1 < 9223372036854775807 ]]
}

# --- kernel bases: one directory each, patches/<version>/ ---------------------
# A base is a Debian linux-source package named by its kernel version; its
# directory holds the series written for it (series, the patches, mutants/,
# bench/) and `base`: the suite and package it comes from.
# The default is the newest base Debian has (the series is developed on
# mainline 7.x); BASE=6.12 stays supported and runs nightly.
BASE=${BASE:-7.2}
export BASE

# config_lost FINAL_CONFIG EXEMPT FRAGMENT...: each "#CHECK#CONFIG_X=v" line
# of the fragments whose CONFIG_X=v is not in FINAL_CONFIG, one per line,
# unless CONFIG_X is among EXEMPT (newline-separated option names). A later
# fragment that sets CONFIG_X itself (a flavour: "# CONFIG_KASAN is not
# set") drops the earlier fragments' checks of it, as merge_config.sh lets
# it override their value.
config_lost() {
	local final=$1 exempt=$2 want
	shift 2
	awk '
		FNR == 1 { file++ }
		/^#CHECK#CONFIG_[A-Za-z0-9_]+=/ {
			w = substr($0, 8); o = w; sub(/=.*/, "", o)
			check[o] = w; from[o] = file; next
		}
		{
			o = ""
			if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) o = substr($0, 1, RLENGTH - 1)
			else if (match($0, /^# CONFIG_[A-Za-z0-9_]+ is not set/)) { o = $2 }
			if (o != "" && (o in check) && from[o] < file) delete check[o]
		}
		END { for (o in check) print check[o] }
	' "$@" | sort | while IFS= read -r want; do
		grep -qx "$want" "$final" && continue
		[ -n "$exempt" ] && grep -qx "${want%%=*}" <<<"$exempt" && continue
		echo "$want"
	done
}

# base_names: the bases the suite has a series for
base_names() {
	local d
	for d in "$TOP"/patches/*/base; do
		basename "$(dirname "$d")"
	done
}

# base_dir: patches/$BASE, or the one-line error naming the known bases
base_dir() {
	[[ $BASE =~ ^[0-9]+\.[0-9]+$ ]] && [ -f "$TOP/patches/$BASE/base" ] ||
		die "unknown BASE '$BASE' (known: $(base_names | paste -sd' '))"
	echo "$TOP/patches/$BASE"
}

# base_source FIELD: suite or package of $BASE (from patches/$BASE/base)
base_source() {
	local suite pkg
	read -r suite pkg < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$(base_dir)/base")
	case $1 in
	suite) echo "$suite" ;;
	package) echo "$pkg" ;;
	esac
}

# base_tarball: where the base's source tarball is, when it is here
# (prints nothing otherwise). Only a lookup: deps.sh installs bookworm's
# and fetches another suite's, before the step that needs it.
base_tarball() {
	local pkg dir
	pkg=$(base_source package)
	if [ "$(base_source suite)" = bookworm ]; then
		[ ! -f "/usr/src/$pkg.tar.xz" ] || echo "/usr/src/$pkg.tar.xz"
		return 0
	fi
	dir=$(ls -d "$BUILD/debs/${pkg}_"*/ 2>/dev/null | grep -v '\.src/$' | sort -V | tail -1 || true)
	[ -z "$dir" ] || [ ! -f "${dir%/}/usr/src/$pkg.tar.xz" ] || echo "${dir%/}/usr/src/$pkg.tar.xz"
}

# base_series: the patch files of $BASE's series, in order
base_series() {
	local d
	d=$(base_dir)
	[ -f "$d/series" ] || die "missing $d/series"
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$d/series"
}

# --- the kernel a bzImage carries ------------------------------------------------
# payload_mismatch SRC BZIMAGE WANT_ID: nothing when the kernel packed in
# BZIMAGE has the GNU build ID WANT_ID (that of the vmlinux just linked: a
# hash of its contents, so it tells apart two builds of one tree that
# differ only in their configuration), else the ID it has ("none" if it
# has none), and status 1. ccache's depend mode can hand back an old piggy.o.
payload_mismatch() {
	local got elf
	elf=$(mktemp) || return 1
	"$1/scripts/extract-vmlinux" "$2" >"$elf" 2>/dev/null || true
	got=$(elf_build_id "$elf")
	rm -f "$elf"
	[ -n "$3" ] && [ "$3" = "$got" ] && return 0
	echo "${got:-none}"
	return 1
}
# elf_build_id FILE: the GNU build ID of an ELF file, empty without one
elf_build_id() {
	readelf -n "$1" 2>/dev/null | sed -n 's/^ *Build ID: *\([0-9a-f]*\)$/\1/p' | head -1
}

# built_rev ART: the commit a git KERNEL_SRC's artifact was built from
# (the last field of its "base git:TREE:REV" line), or nothing
built_rev() {
	sed -n '1s/^base git:.*:\([0-9a-f]\{40\}\)$/\1/p' "$1/patches.txt" 2>/dev/null
}

# reproduce_line ART SCENARIO SEED DURATION: the make command that runs
# this again, from the environment the run had (BASE, EXTRA_PATCHES,
# KERNEL_SRC, SERIES, SERIES_UPTO, FLAVOUR, OFFLOAD_CPU_COPY, QEMU,
# TCG_THREAD)
reproduce_line() {
	local art=$1 rev
	local line="make reproduce BASE=$BASE SCENARIO=$2 SEED=$3 DURATION=$4"
	[ -z "${EXTRA_PATCHES:-}" ] || line+=" EXTRA_PATCHES='$EXTRA_PATCHES'"
	[ -z "${KERNEL_SRC:-}" ] || line+=" KERNEL_SRC='$KERNEL_SRC' SERIES=${SERIES:-base}"
	# a git tree's HEAD moves on: the commit that was built
	rev=$(built_rev "$art")
	[ -z "$rev" ] || line+=" KERNEL_REV=$rev"
	[ "${SERIES_UPTO:-all}" = all ] || line+=" SERIES_UPTO=$SERIES_UPTO"
	[ "${FLAVOUR:-default}" = default ] || line+=" FLAVOUR=$FLAVOUR"
	[ -z "${SELFTESTS:-}" ] || line+=" SELFTESTS='$(echo $SELFTESTS)'"
	[ -z "${MODES:-}" ] || line+=" MODES='$(echo $MODES)'"
	# a forced CPU copy decides which modules are built, so which tests skip
	[ "${OFFLOAD_CPU_COPY:-auto}" = auto ] || line+=" OFFLOAD_CPU_COPY=$OFFLOAD_CPU_COPY"
	# the emulator too, always: a race seen with the vCPUs really parallel
	# may need them, and the defaults may move on
	echo "$line QEMU=$QEMU TCG_THREAD=$TCG_THREAD"
}

# --- configuration: how the kernel is built and booted (configs/) ------------
# configs/common.config and common.boot for every kernel and boot, then a
# flavour's (configs/flavours/NAME.config, .boot), and coverage.config
# with COVERAGE=1
CONFIGS_DIR=$TOP/configs
FLAVOURS_DIR=$CONFIGS_DIR/flavours
FLAVOUR=${FLAVOUR:-default}
# artifact_flavour ART: the flavour a kernel artifact was built as (one
# from before flavours is the default)
artifact_flavour() {
	cat "$1/flavour" 2>/dev/null || echo default
}
# flavour_names: the flavours there are, one a line
flavour_names() {
	local f
	for f in "$FLAVOURS_DIR"/*.config; do basename "$f" .config; done
}
# flavour_file config|boot: this flavour's fragment or boot file (dies on
# an unknown FLAVOUR, naming the known ones)
flavour_file() {
	[[ $FLAVOUR =~ ^[a-z0-9-]+$ ]] && [ -f "$FLAVOURS_DIR/$FLAVOUR.config" ] &&
		[ -f "$FLAVOURS_DIR/$FLAVOUR.boot" ] ||
		die "unknown FLAVOUR '$FLAVOUR' (known: $(flavour_names | tr '\n' ' ' | sed 's/ $//'))"
	# "#BASES#6.12": a flavour that only some bases can build or boot
	local bases
	bases=$(sed -n 's/^#BASES#//p' "$FLAVOURS_DIR/$FLAVOUR.boot" | tr '\n' ' ')
	[ -z "$bases" ] || [[ " $bases" == *" $BASE "* ]] ||
		die "FLAVOUR=$FLAVOUR does not exist on BASE=$BASE, only on: ${bases% } (configs/flavours/README.md)"
	echo "$FLAVOURS_DIR/$FLAVOUR.$1"
}
# boot_file_args FILE: the kernel parameters of a .boot file, on one line
boot_file_args() {
	sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$1" | tr '\n' ' ' | sed 's/ *$//'
}
# common_boot_args: those of every boot
common_boot_args() {
	boot_file_args "$CONFIGS_DIR/common.boot"
}
# flavour_boot_args: the kernel parameters of this flavour, on one line
flavour_boot_args() {
	boot_file_args "$(flavour_file boot)"
}
# flavour_directive NAME: the values of its #NAME# lines, one a line
flavour_directive() {
	sed -n "s/^#$1#//p" "$(flavour_file boot)"
}
# flavour_mismatch CONSOLE: what the guest says of itself ("SUITE: fact
# preempt=none cpus=2 kcsan=off") against the flavour's #GUEST# lines: one
# line naming the first fact that differs, or nothing. A boot that died
# before saying anything is judged as it is (nothing here).
flavour_mismatch() {
	local facts want
	facts=$(grep -ao 'SUITE: fact .*' "$1" | head -1 | tr -d '\r' || true)
	[ -n "$facts" ] || return 0
	facts=${facts#SUITE: fact }
	while read -r want; do
		[ -n "$want" ] || continue
		case " $facts " in
		*" $want "*) ;;
		*) echo "the guest says '$facts', the flavour wants $want"; return 0 ;;
		esac
	done < <(flavour_directive GUEST)
}

# flavour_sets_config: its fragment sets an option (then it builds in an
# object tree of its own)
flavour_sets_config() {
	grep -Eq '^(CONFIG_[A-Za-z0-9_]+=|# CONFIG_[A-Za-z0-9_]+ is not set)' "$(flavour_file config)"
}

# --- scenarios and campaigns ----------------------------------------------------
. "$TOP/scripts/lib-scenarios.sh"

# --- results: what a run directory says ---------------------------------------
. "$TOP/scripts/lib-results.sh"
. "$TOP/scripts/lib-known.sh"

# --- the catalogue of broken variants ------------------------------------------
. "$TOP/scripts/lib-catalogue.sh"

# --- processes: nothing outlives the make target that started it --------------
# Every suite script adds its PID to SUITE_PIDS (and the first one adds the
# make that ran it). A watched command stops when any of them is gone:
# make killed with SIGTERM only signals its direct child, so the QEMU of a
# grandchild would otherwise run on until its own timeout.
if [ -z "${SUITE_PIDS:-}" ] && [ "$(ps -o comm= -p "$PPID" 2>/dev/null)" = make ]; then
	SUITE_PIDS=$PPID
fi
SUITE_PIDS="${SUITE_PIDS:+$SUITE_PIDS }$$"
export SUITE_PIDS

# suite_ancestors_alive: every script above us is still running
suite_ancestors_alive() {
	local p
	for p in $SUITE_PIDS; do
		kill -0 "$p" 2>/dev/null || return 1
	done
}

# Temporary files: one directory per script, removed when the script exits
# however it exits (also from inside $(...), which cannot add to a list)
SUITE_TMP=$(mktemp -d "${TMPDIR:-/tmp}/suite-$(basename "$0" .sh).XXXXXX")
tmp_file() { # [SUFFIX]
	mktemp "$SUITE_TMP/f.XXXXXX${1:-}"
}
# console_text FILE: a console log (or a report cut from one) as the
# kernel and the guest wrote it: no carriage returns, printk's prefix
# ("[time]", then "[Tpid]" or "[Cn]" on kernels that add one) and the one
# space after it taken off; the indent of a nested KTAP line is kept
console_text() {
	tr -d '\r' <"$1" | sed 's/^\[[^]]*\]\(\[[^]]*\]\)* \{0,1\}//'
}

# console_said CONSOLE TAG: the guest's "TAG: ..." lines of a console log,
# from the tag on (TAG a sed basic regex: SELFTEST[A-Z-]* for all the
# selftests' lines)
console_said() {
	console_text "$1" | sed -n "s/^ *\($2: \)/\1/p"
}

tmp_dir() {
	mktemp -d "$SUITE_TMP/d.XXXXXX"
}
SUITE_CHILD="" SUITE_CHILD_GROUP=0 SUITE_BACKGROUND=""
# end_child_group: SIGTERM to the process group of a run_child --group
# step; what still runs 20 s later (it did not clean up) gets SIGKILL
end_child_group() {
	local i
	kill -TERM -- "-$SUITE_CHILD" 2>/dev/null || true
	for i in $(seq 100); do
		kill -0 -- "-$SUITE_CHILD" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL -- "-$SUITE_CHILD" 2>/dev/null || true
}
suite_cleanup() {
	if [ -n "$SUITE_CHILD" ] && [ "$SUITE_CHILD_GROUP" = 1 ]; then
		end_child_group
	elif [ -n "$SUITE_CHILD" ]; then
		kill -TERM "$SUITE_CHILD" 2>/dev/null || true
	fi
	[ -z "$SUITE_BACKGROUND" ] || kill -TERM "$SUITE_BACKGROUND" 2>/dev/null || true
	rm -rf "$SUITE_TMP"
}
trap suite_cleanup EXIT
# a signal ends the script through its EXIT trap
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# run_child COMMAND...: a long step (a build, a boot, a campaign) run so
# that a signal to this script stops it at once. bash runs a trap only
# when the foreground command returns, but at once while in "wait": so the
# step runs in the background and is waited for, and the EXIT trap sends
# it SIGTERM. Its status is the command's.
# --group: the step runs in a session of its own and the EXIT trap ends
# the whole group, for a step whose own children get no signal from it
# (git bisect run passes none on to the script it runs).
run_child() {
	local rc=0 group=0
	[ "$1" != --group ] || { group=1; shift; }
	if [ $group = 1 ]; then setsid "$@" & else "$@" & fi
	SUITE_CHILD=$! SUITE_CHILD_GROUP=$group
	wait "$SUITE_CHILD" || rc=$?
	SUITE_CHILD="" SUITE_CHILD_GROUP=0
	return $rc
}
