#!/usr/bin/env bash
# The first commit of a git KERNEL_SRC at which a finding appears: git
# bisect run between GOOD and BAD, with the suite's verdict on each commit
# (scripts/bisect-step.sh: build it, boot the scenario with the seed up to
# RUNS times). make bisect comes here when KERNEL_SRC is a git tree and
# SERIES=none.
#
#   scripts/bisect-git.sh SCENARIO SEED [RUNS] [DURATION]
#
# GOOD= (default: the newest v* tag that is an ancestor of BAD, the tree's
# upstream base), BAD= (default HEAD), TITLE= (default: the first finding
# at BAD). The user's repository is only read: the bisect runs in a bare
# clone of it under build/ (removed at the end), and each commit is built
# in the suite's own clone (scripts/build-kernel.sh with KERNEL_REV), so a
# step is an incremental build. BAD is tested first and must show the
# title; GOOD is tested too (CHECK_GOOD=0 takes it on trust, as git bisect
# does). Writes results/bisect-<utc>-<scenario>-s<seed>/: log.tsv (commit,
# verdict, runs, subject, titles), bisect.log (git's), builds.txt,
# boots.txt, summary.txt. Exit: 0 a first bad commit was found, 1 BAD does
# not reproduce (or GOOD already does), 2 usage or infrastructure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

scenario=${1:-} seed=${2:-} runs=${3:-3} duration=${4:-}
[ -n "$scenario" ] && [ -n "$seed" ] ||
	die "usage: make bisect KERNEL_SRC=DIR SERIES=none SCENARIO=name SEED=number [RUNS=3] [GOOD=rev] [BAD=rev] [TITLE=...]"
scenario_exists "$scenario" || die "unknown scenario '$scenario'"
valid_seed "$seed" || die "bad seed '$seed': a decimal number below 2^63"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "bad RUNS '$runs': a positive number"
[ -n "${KERNEL_SRC:-}" ] && [ -d "$KERNEL_SRC" ] || die "KERNEL_SRC=DIR: the git tree to bisect"
ks=$(realpath "$KERNEL_SRC")
[ "$(git -C "$ks" rev-parse --show-toplevel 2>/dev/null)" = "$ks" ] ||
	die "KERNEL_SRC=$ks is not the top of a git work tree: nothing to bisect"
commit_of() { # REV -> its commit id in the user's repository
	git -C "$ks" rev-parse -q --verify "$1^{commit}" || die "$2=$1 is not a commit of $ks"
}
bad=$(commit_of "${BAD:-HEAD}" BAD)
if [ -n "${GOOD:-}" ]; then
	good=$(commit_of "$GOOD" GOOD)
else
	tag=$(git -C "$ks" describe --tags --abbrev=0 --match 'v*' "$bad" 2>/dev/null) ||
		die "no v* tag is an ancestor of $bad in $ks: give GOOD=rev"
	good=$(commit_of "$tag" "GOOD (the tag)")
	log "good: $tag (the newest v* tag below BAD)"
fi
[ "$good" != "$bad" ] || die "GOOD and BAD are the same commit"
git -C "$ks" merge-base --is-ancestor "$good" "$bad" || die "GOOD ($good) is not an ancestor of BAD ($bad)"
n_commits=$(git -C "$ks" rev-list --count "$good..$bad")
if [ "${KERNEL_REV:-HEAD}" = HEAD ] && [ -n "$(git -C "$ks" status --porcelain --untracked-files=no)" ]; then
	log "note: $ks has uncommitted changes; the bisect builds commits only"
fi

mkdir -p "$RESULTS"
bdir=$RESULTS/bisect-$(date -u +%Y%m%d-%H%M%S)-$scenario-s$seed n=1
while ! mkdir "$bdir" 2>/dev/null; do n=$((n + 1)); bdir=$RESULTS/bisect-$(date -u +%Y%m%d-%H%M%S)-$scenario-s$seed-$n; done
printf 'commit\tverdict\truns\tsubject\ttitles\n' >"$bdir/log.tsv"
: >"$bdir/builds.txt"
: >"$bdir/boots.txt"
printf '%s\n' "${TITLE:-}" | sed '/^$/d' >"$bdir/target"

# the bisect's own clone: bare, borrowing the user's objects (read only)
# for its lifetime; git bisect writes its refs there, never in KERNEL_SRC
mkdir -p "$BUILD/bisect"
repo=$BUILD/bisect/$(basename "$bdir").git
git clone -q --bare --shared "$ks" "$repo" || die "could not clone $ks into $repo"
SUITE_BISECT_REPO=$repo
# the steps (a build, boots) run with run_child --group: git bisect run
# passes no signal on to its step, so a kill of make would otherwise leave
# a build or a QEMU running; the group ends before the clone goes
trap 'suite_cleanup; rm -rf "$SUITE_BISECT_REPO"' EXIT
for c in "$good" "$bad"; do
	git -C "$repo" cat-file -e "$c^{commit}" 2>/dev/null || git -C "$repo" fetch -q "$ks" "$c" ||
		die "could not fetch $c into $repo"
done

export BISECT_DIR=$bdir BISECT_REPO=$repo SCENARIO=$scenario SEED=$seed RUNS=$runs DURATION=$duration
export KERNEL_SRC=$ks SERIES=${SERIES:-none}
log "bisect $scenario seed $seed in $ks: $n_commits commits between good ${good:0:12} and bad ${bad:0:12}, $runs runs per commit; $bdir"
step() { # REV -> the step's exit code
	local rc=0
	run_child --group "$TOP/scripts/bisect-step.sh" "$1" || rc=$?
	[ "$rc" -lt 128 ] || { [ "$rc" = 255 ] && die "bisect stopped at $1 (see $bdir/step.log)"; exit "$rc"; }
	return "$rc"
}
finish() { # the summary, from log.tsv and git's log
	local first=$1
	{
		echo "scenario:  $scenario, seed $seed, $runs runs per commit"
		echo "target:    $(cat "$bdir/target")"
		echo "tree:      $ks"
		echo "good:      $(git -C "$ks" log -1 --format='%h %s' "$good")"
		echo "bad:       $(git -C "$ks" log -1 --format='%h %s' "$bad")"
		echo "commits:   $n_commits between them"
		echo "tested:"
		sed 1d "$bdir/log.tsv" | while IFS=$'\t' read -r _ v _ s t; do
			printf '  %-5s %-62.62s %s\n' "$v" "$s" "${t:0:80}"
		done
		echo "cost:      $(grep -c . "$bdir/builds.txt") kernel builds, $(grep -c . "$bdir/boots.txt") boots"
		echo "$first"
	} >"$bdir/summary.txt"
	cat "$bdir/summary.txt"
	echo "$bdir"
}

# BAD must show the finding (and names it when TITLE is not given)
rc=0
step "$bad" || rc=$?
if [ "$rc" = 125 ]; then
	finish "first bad commit: none: BAD cannot run the scenario" >/dev/null
	die "BAD ($(git -C "$ks" log -1 --format='%h %s' "$bad")) cannot be tested: $(tail -1 "$bdir/log.tsv" | cut -f5) (see $bdir/step.log)"
fi
if [ "$rc" != 1 ]; then
	finish "first bad commit: none: BAD does not reproduce $([ -s "$bdir/target" ] && echo "'$(cat "$bdir/target")'" || echo "any finding") in $runs runs"
	exit "$EXIT_FINDING"
fi
if [ "${CHECK_GOOD:-1}" = 1 ]; then
	rc=0
	step "$good" || rc=$?
	if [ "$rc" = 1 ]; then
		finish "first bad commit: none: GOOD shows the finding already (give an older GOOD=)"
		exit "$EXIT_FINDING"
	fi
fi

# git bisect run, in the clone, without a work tree (BISECT_HEAD only)
git -C "$repo" bisect start --no-checkout "$bad" "$good" >>"$bdir/bisect.log" 2>&1 ||
	die "git bisect start failed (see $bdir/bisect.log)"
rc=0
# the steps say what they do on stderr; git's own output goes to bisect.log
# (git runs the step in the bare repository, where BISECT_HEAD is)
run_child --group git -C "$repo" bisect run "$TOP/scripts/bisect-step.sh" >>"$bdir/bisect.log" || rc=$?
git -C "$repo" bisect log >"$bdir/bisect-log.txt" 2>/dev/null || true
if first=$(sed -n 's/^\([0-9a-f]\{40\}\) is the first bad commit$/\1/p' "$bdir/bisect.log" | head -1) && [ -n "$first" ]; then
	finish "first bad commit: $(git -C "$ks" log -1 --format='%H ("%s")' "$first")"
	exit 0
fi
if grep -q "only 'skip'ped commits left" "$bdir/bisect.log"; then
	finish "first bad commit: one of $(sed -n '/could be any of:/,/^We cannot bisect more/p' "$bdir/bisect.log" | grep -o '^[0-9a-f]\{40\}' | cut -c1-12 | paste -sd' ') (the others cannot run the scenario)"
	exit 0
fi
tail -3 "$bdir/bisect.log" >&2
die "git bisect run ended without a first bad commit (exit $rc; see $bdir/bisect.log and $bdir/step.log)"
