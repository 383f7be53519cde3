#!/usr/bin/env bash
# The suite's verdict on one commit of a git KERNEL_SRC, for git bisect run
# (scripts/bisect-git.sh): build that commit (KERNEL_REV, an incremental
# build in the suite's own clone of the tree), boot the scenario with the
# seed up to RUNS times, and say whether the target title came back.
#
#   scripts/bisect-step.sh [REV]     REV: a commit; default the bisect's
#                                    BISECT_HEAD in BISECT_REPO
#
# Environment (set by bisect-git.sh): BISECT_DIR (the bisect's results
# directory: target, log.tsv, builds.txt, boots.txt, runs.txt, step.log),
# BISECT_REPO, SCENARIO, SEED, RUNS, DURATION, KERNEL_SRC, and the build's
# own (SERIES, EXTRA_PATCHES, BASE, FLAVOUR, QEMU, TCG_THREAD).
# With no target title yet (BISECT_DIR/target empty), the first finding of
# this commit becomes the target.
#
# Exit, as git bisect run reads it: 0 good, 1 bad, 125 skip (the commit
# does not build, or the scenario cannot run there), 255 stop the bisect
# (interrupted, or the suite itself failed: never a verdict on the commit).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

: "${BISECT_DIR:?}" "${SCENARIO:?}" "${SEED:?}" "${RUNS:?}" "${KERNEL_SRC:?}"
rev=${1:-}
if [ -z "$rev" ]; then
	rev=$(git -C "${BISECT_REPO:?}" rev-parse BISECT_HEAD) || { echo "error: no BISECT_HEAD in $BISECT_REPO" >&2; exit 255; }
fi
# git bisect run may export the clone's GIT_DIR: every git call of the
# suite must see the repository it names
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
subject=$(git -C "$KERNEL_SRC" log -1 --format='%h %s' "$rev" 2>/dev/null || echo "$rev")
target=$(cat "$BISECT_DIR/target" 2>/dev/null || true)
slog=$BISECT_DIR/step.log
# a commit of the history may come before the series (or before its
# option): SERIES_UPTO=0 says it need not carry it, so that it is built
# and judged rather than skipped (the posted v6 adds its option in 3/5,
# after the commit that skips the copy)
[ "${SERIES:-base}" != none ] || export SERIES_UPTO=0

# record VERDICT RUNS TITLES, then exit with git bisect run's code
record() {
	printf '%s\t%s\t%s\t%s\t%s\n' "$rev" "$1" "$2" "$subject" "$3" >>"$BISECT_DIR/log.tsv"
	progress "commit $subject: $1${3:+ ($3)}"
	case $1 in
	good) exit 0 ;;
	bad) exit 1 ;;
	skip) exit 125 ;;
	esac
	exit 255
}

progress "commit $subject: building"
art=$(KERNEL_REV=$rev "$TOP/scripts/build-kernel.sh" --dir 2>>"$slog") || record skip 0 "kernel does not build: $(tail -1 "$slog")"
built=0
[ -f "$art/bzImage" ] || built=1
rc=0
art=$(KERNEL_REV=$rev "$TOP/scripts/build-kernel.sh" 2>>"$slog" | tail -1) || rc=$?
[ "$rc" -lt 128 ] || record stop 0 "interrupted"
[ "$built" = 0 ] || echo "$rev" >>"$BISECT_DIR/builds.txt"
[ "$rc" = 0 ] && [ -f "$art/bzImage" ] || record skip 0 "kernel does not build: $(tail -1 "$slog")"

titles="" tried=0
for i in $(seq 1 "$RUNS"); do
	rc=0
	# a known target: the run goes on to it past other findings
	dir=$(KERNEL_ART=$art KERNEL_REV=$rev STOP_ON=${target:+title:$target} \
		"$TOP/scripts/run.sh" "$SCENARIO" "$SEED" "${DURATION:-}" 2>>"$slog" | tail -1) || rc=$?
	[ "$rc" -lt 128 ] || record stop "$tried" "interrupted"
	if [ -f "$dir/console.log" ]; then echo "$rev $dir" >>"$BISECT_DIR/boots.txt"; fi
	tried=$i
	if [ "$rc" = 2 ] || [ ! -f "$dir/summary.txt" ]; then
		record skip "$tried" "cannot run: $(tail -1 "$slog")"
	fi
	echo "$dir" >>"$BISECT_DIR/runs.txt"
	titles=$(run_titles_line "$dir")
	TARGET=$target hit=0
	same_title_again "$dir" && hit=1
	if [ -z "$target" ] && [ -n "$TARGET" ]; then
		target=$TARGET
		echo "$target" >"$BISECT_DIR/target"
		progress "target title (first finding at $subject): $target"
	fi
	[ $hit = 0 ] || record bad "$tried" "$titles"
done
record good "$tried" "$titles"
