#!/usr/bin/env bash
# The first patch at which a finding appears. The patch stack is the series
# (patches/$BASE/series; none with SERIES=none) followed by EXTRA_PATCHES; point n is the kernel with the
# first n patches of it (0 = unpatched). Like git bisect, between a good
# point 0 and the bad tip, each step builds one point incrementally
# (scripts/build-kernel.sh, same object tree) and runs the scenario with the
# seed up to RUNS times: bad when the target title comes back.
#
#   scripts/bisect.sh SCENARIO SEED [RUNS] [DURATION]     (TITLE= to choose)
#
# A point where the scenario cannot run (the provider API is not there yet,
# the kernel or the modules do not build) is skipped, as git bisect skip
# does. Writes results/bisect-<utc>-<scenario>-s<seed>/log.tsv and
# summary.txt. Exit: 0 a first bad patch was found, 1 the tip does not
# reproduce, 2 usage or infrastructure. With SERIES=none and a git
# KERNEL_SRC, the tree's own commits are bisected instead
# (scripts/bisect-git.sh).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# a git tree you bring that carries the series (SERIES=none): its own
# history is bisected, commit by commit (GOOD=, BAD=); bisect-git.sh checks
# the arguments itself
if [ "${SERIES:-base}" = none ] && [ -n "${KERNEL_SRC:-}" ] && [ -d "$KERNEL_SRC" ] &&
	[ "$(git -C "$KERNEL_SRC" rev-parse --show-toplevel 2>/dev/null)" = "$(realpath "$KERNEL_SRC")" ]; then
	exec "$TOP/scripts/bisect-git.sh" "$@"
fi

scenario=${1:-} seed=${2:-} runs=${3:-3} duration=${4:-}
[ -n "$scenario" ] && [ -n "$seed" ] ||
	die "usage: make bisect SCENARIO=name SEED=number [RUNS=3] [EXTRA_PATCHES=...] [TITLE=...]"
scenario_exists "$scenario" || die "unknown scenario '$scenario'"
valid_seed "$seed" || die "bad seed '$seed': a decimal number below 2^63"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "bad RUNS '$runs': a positive number"

mapfile -t series < <(base_series)
# a tree you bring (SERIES=none) carries its series already: the stack is
# only the patches you put on top of it
[ "${SERIES:-base}" = none ] && series=()
read -ra extra <<<"${EXTRA_PATCHES:-}"
for p in "${extra[@]}"; do [ -f "$p" ] || die "EXTRA_PATCHES: no such file: $p"; done
S=${#series[@]}
T=$((S + ${#extra[@]}))
[ "$T" -gt 0 ] || die "SERIES=none: nothing to bisect; give the patches on top of KERNEL_SRC as EXTRA_PATCHES=... (or make KERNEL_SRC a git tree: its history is bisected)"
name_of() { # point n -> the patch it adds
	if [ "$1" -le "$S" ]; then echo "${series[$(($1 - 1))]}"; else basename "${extra[$(($1 - S - 1))]}"; fi
}

mkdir -p "$RESULTS"
base=$RESULTS/bisect-$(date -u +%Y%m%d-%H%M%S)-$scenario-s$seed
bdir=$base n=1
while ! mkdir "$bdir" 2>/dev/null; do n=$((n + 1)); bdir=$base-$n; done
printf 'point\tpatch\tresult\truns\ttitles\n' >"$bdir/log.tsv"
target=${TITLE:-}

# test_point N: sets VERDICT to good, bad or skip, and records the point
declare -A result
test_point() {
	local n=$1 art rc dir i titles="" verdict=good tried=0
	local up=$n ex=""
	if [ "$n" -gt "$S" ]; then up=all ex="${extra[*]:0:$((n - S))}"; fi
	log "point $n/$T: $( [ "$n" = 0 ] && echo unpatched || name_of "$n")"
	if ! art=$(SERIES_UPTO=$up EXTRA_PATCHES=$ex "$TOP/scripts/build-kernel.sh" 2>>"$bdir/build.log" | tail -1) ||
		[ ! -f "$art/bzImage" ]; then
		verdict=skip titles="kernel does not build"
	else
		for i in $(seq 1 "$runs"); do
			rc=0
			# a known target: the run goes on to it past other findings
			dir=$(KERNEL_ART=$art EXTRA_PATCHES=$ex STOP_ON=${target:+title:$target} \
				"$TOP/scripts/run.sh" "$scenario" "$seed" "$duration" 2>>"$bdir/build.log" | tail -1) || rc=$?
			[ "$rc" = 130 ] && exit 130
			tried=$i
			if [ "$rc" = 2 ] || [ ! -f "$dir/summary.txt" ]; then
				verdict=skip titles="cannot run: $(tail -1 "$bdir/build.log")"
				break
			fi
			echo "$dir" >>"$bdir/runs.txt"
			titles=$(run_titles_line "$dir")
			# the target is the tip's first finding when none was given
			if [ -z "$target" ] && [ "$n" = "$T" ]; then
				target=$(run_first_title "$dir")
				[ -z "$target" ] || log "target title (first finding at the tip): $target"
			fi
			if [ -n "$target" ] && run_has_title "$dir" "$target"; then
				verdict=bad
				break
			fi
		done
	fi
	result[$n]=$verdict
	printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$( [ "$n" = 0 ] && echo - || name_of "$n")" "$verdict" "$tried" "$titles" >>"$bdir/log.tsv"
	log "point $n: $verdict${titles:+ ($titles)}"
	VERDICT=$verdict
}

# the tip must be bad, or there is nothing to bisect
test_point "$T"
[ "$VERDICT" = bad ] || {
	echo "bisect: the finding${target:+ '$target'} does not reproduce at the tip in $runs runs (see $bdir)"
	exit "$EXIT_FINDING"
}

# binary search on (good, bad]; point 0 (unpatched) is taken as good
good=0 bad=$T
while [ $((bad - good)) -gt 1 ]; do
	mid=$(((good + bad) / 2))
	# skip: try the untested points of (good, bad) nearest to mid
	cand=$mid r=skip
	for off in $(seq 0 $((bad - good))); do
		for c in $((mid + off)) $((mid - off)); do
			[ "$c" -gt "$good" ] && [ "$c" -lt "$bad" ] && [ -z "${result[$c]:-}" ] || continue
			cand=$c
			test_point "$c"
			r=$VERDICT
			[ "$r" = skip ] || break 2
		done
	done
	case $r in
	bad) bad=$cand ;;
	good) good=$cand ;;
	skip) break ;; # every point between is untestable
	esac
done

{
	echo "scenario:  $scenario, seed $seed, $runs runs per point"
	echo "target:    $target"
	echo "stack:     ${series[*]} ${extra[*]:+| ${extra[*]}}"
	echo "points:"
	sed 1d "$bdir/log.tsv" | sort -n | while IFS=$'\t' read -r n p r k t; do
		printf '  %-3s %-8s %-62.62s %s\n' "$n" "$r" "$p" "${t:0:80}"
	done
	if [ $((bad - good)) = 1 ]; then
		echo "first bad: point $bad, $(name_of "$bad")"
	else
		echo "first bad: one of points $((good + 1))..$bad (the points between cannot run the scenario)"
	fi
} >"$bdir/summary.txt"
cat "$bdir/summary.txt"
echo "$bdir"
