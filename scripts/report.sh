#!/usr/bin/env bash
# A bug report a maintainer can act on, for one finding of one run, in the
# manner of syzbot's mails to LKML: plain text, ready to paste, with its
# attachments beside it in the run's directory.
#
#   scripts/report.sh RESULTS_DIR          (make report RUN=results/<run>)
#
# TITLE= chooses the finding (default: the run's first). The expensive parts
# are optional, and the report says what it did not measure:
#   REPRO_RUNS=n  hit rate: the same scenario, seed and kernel n times
#                 (scripts/reproduce.sh; default 3, 0: not measured)
#   BASE_RUNS=n   the unpatched base with the same scenario and seed: our
#                 series with SERIES_UPTO=0 (object tree OBJ_TAG=baseline,
#                 as make bench), a git KERNEL_SRC at GOOD= (default the
#                 newest v* tag below the run's commit); default 1, 0: not
#                 measured
# With both, whether they can be told apart at that many runs
# (scripts/tell-apart.sh). The first bad commit comes from a bisect of the
# same scenario and title already in results/ (make bisect); none is
# started here.
#
# Writes, in RESULTS_DIR: report.txt (the mail: subject line first),
# repro.c and repro.sh (scripts/report-repro.sh); config is the run's own.
# Exit: 0 written, 2 usage or infrastructure (a run without a finding is
# refused: there is nothing to report).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# read_run RESULTS_DIR: the run and the finding to report (run, title,
# idx), the measurements asked for, the run's scenario, seed, duration,
# and its base (base_id: kind, tree, rev; linux, the version)
read_run() {
	local f rest
	run=${1:-}
	[ -n "$run" ] || die "usage: make report RUN=results/<run> [TITLE=...] [REPRO_RUNS=3] [BASE_RUNS=1]"
	run=$(realpath -m "$run")
	for f in console.log scenario seed findings.tsv patches.txt; do
		[ -f "$run/$f" ] || die "$run is not the results directory of a run (no $f)"
	done
	[ -s "$run/findings.tsv" ] || die "$run has no finding (verdict $(cat "$run/verdict" 2>/dev/null || echo '?')): nothing to report"
	title=${TITLE:-$(run_first_title "$run")}
	idx=$(run_titles "$run" | grep -nxF -- "$title" | head -1 | cut -d: -f1) ||
		die "no finding titled '$title' in $run/findings.tsv"
	repro_runs=${REPRO_RUNS:-3} base_runs=${BASE_RUNS:-1}
	[[ $repro_runs =~ ^[0-9]+$ ]] || die "bad REPRO_RUNS '$repro_runs': a number (0: not measured)"
	[[ $base_runs =~ ^[0-9]+$ ]] || die "bad BASE_RUNS '$base_runs': a number (0: not measured)"
	scenario=$(cat "$run/scenario") seed=$(cat "$run/seed")
	duration=$(cat "$run/duration" 2>/dev/null || scenario_field "$scenario" duration)
	base_id=$(sed -n '1s/^base //p' "$run/patches.txt")
	kind=${base_id%%:*}
	rest=${base_id#*:}
	tree=${rest%:*} rev=${rest##*:}
	linux=$(sed -n 's/^# Linux\/[^ ]* \([^ ]*\) Kernel Configuration$/\1/p' "$run/config" 2>/dev/null | head -1)
}

# --- the run's environment, to build and boot the same again -----------------
# run_environment: run_env, from its reproduce line (VAR=value words), and
# the revision of a git tree; series_mode. A finding of the selftests
# family is measured on its entry alone, under its mode (narrowed says so)
run_environment() {
	local kv
	run_env=() narrowed=""
	while IFS= read -r kv; do
		case ${kv%%=*} in
		BASE | EXTRA_PATCHES | KERNEL_SRC | SERIES | SERIES_UPTO | FLAVOUR | OFFLOAD_CPU_COPY | QEMU | TCG_THREAD | SELFTESTS | MODES) run_env+=("$kv") ;;
		esac
	done < <(python3 -c 'import shlex, sys; [print(w) for w in shlex.split(sys.stdin.read()) if "=" in w]' \
		<"$run/reproduce" 2>/dev/null || true)
	if [ -n "$(scenario_field "$scenario" selftests 2>/dev/null)" ]; then
		for kv in $(title_selftest_env "$title"); do
			run_env_put "$kv"
			narrowed+=" $kv"
		done
	fi
	if [ "$kind" = git ]; then
		run_env_put "KERNEL_SRC=$tree"
		run_env_put "KERNEL_REV=$rev"
	fi
	series_mode=$(printf '%s\n' "${run_env[@]}" | sed -n 's/^SERIES=//p' | tail -1)
	series_mode=${series_mode:-base}
}

# run_env_put VAR=VALUE: VAR's word in run_env, in place of the one it had
run_env_put() {
	local keep=() w
	for w in "${run_env[@]}"; do [ "${w%%=*}" = "${1%%=*}" ] || keep+=("$w"); done
	run_env=("${keep[@]}" "$1")
}

# --- the tree --------------------------------------------------------------------
# the series' files in a git tree: those that name its API
SERIES_WORDS='migrate_offload|MIGRATION_COPY_OFFLOAD|FOLIO_CONTENT_COPIED|folios_mc_copy'
good_rev() { # the base of a git tree: GOOD=, else the newest v* tag below the run's commit
	if [ -n "${GOOD:-}" ]; then echo "$GOOD"; else git -C "$tree" describe --tags --abbrev=0 --match 'v*' "$rev" 2>/dev/null; fi
}
tree_lines() {
	local p s tag files
	case $kind in
	tarball)
		p=$(basename "$(dirname "$(dirname "$(dirname "$tree")")")")
		echo "tree:             Debian ${p%%_*} ${p#*_} (${tree##*/})"
		echo "HEAD commit:      none (a source package, with the patches below)"
		echo "base:             Linux ${linux:-?} (Debian ${p#*_})"
		;;
	dir)
		echo "tree:             $tree (a directory, not a git tree)"
		echo "HEAD commit:      none"
		echo "base:             Linux ${linux:-?}"
		;;
	git)
		echo "tree:             $tree (git$(b=$(git -C "$tree" rev-parse --abbrev-ref HEAD 2>/dev/null) && echo ", branch $b"))"
		if [ "$(git -C "$tree" log -1 --format=%ae "$rev" 2>/dev/null)" = suite@localhost ]; then
			echo "HEAD commit:      $(git -C "$tree" log -1 --abbrev=12 --format='%h %s' "$rev^1") with uncommitted changes (git stash create: ${rev:0:12})"
		else
			echo "HEAD commit:      $(git -C "$tree" log -1 --abbrev=12 --format='%h %s' "$rev" 2>/dev/null || echo "$rev (no longer in the tree)")"
		fi
		tag=$(good_rev || true)
		echo "base:             ${tag:-no v* tag below HEAD} (Linux ${linux:-?})"
		;;
	*) echo "tree:             unknown ($base_id)" ;;
	esac
}
series_lines() {
	local files tag sha p s
	if [ "$kind" = git ] && tag=$(good_rev); then
		# of the files changed since the base, those that name the API
		mapfile -t files < <(git -C "$tree" diff --name-only "$tag" "$rev" | sed 's/^/:(literal)/' |
			xargs -r git -C "$tree" grep -l -E "$SERIES_WORDS" "$rev" -- 2>/dev/null | sed "s/^$rev://")
		echo "The series' commits (git log --oneline $tag..${rev:0:12}, the files that name its API):"
		if [ ${#files[@]} -gt 0 ]; then
			git -C "$tree" log --oneline --abbrev=12 "$tag..$rev" -- "${files[@]}" | sed 's/^/  /'
		fi
	fi
	if [ "$(sed 1d "$run/patches.txt" | grep -c .)" -gt 0 ]; then
		echo "Patches applied on top (patches.txt: sha256, file, subject):"
		sed 1d "$run/patches.txt" | while read -r sha p; do
			# the Subject header, unfolded, without its [PATCH n/m]
			s=$(awk '/^Subject: / { s = substr($0, 10); f = 1; next }
				f && /^[ \t]/ { sub(/^[ \t]+/, " "); s = s $0; next }
				f { print s; exit }' "$p" 2>/dev/null | sed 's/^\[[^]]*\] *//')
			echo "  ${sha:0:12} $(basename "$p")${s:+: $s}"
		done
	fi
}

# --- the console: the finding's report, decoded; a KTAP point's whole subtest
# (the integrity drivers print page, word, expected and found above it),
# or the point's own when it has one (a selftest program's run, its failure
# and the vmstat line at its end); past 60 lines its first 30 and last 30
excerpt() {
	local sub point
	if [[ $title =~ ^KTAP:\ not\ ok\ ([^.]+)(\.([^.]+))? ]]; then
		sub=${BASH_REMATCH[1]} point=${BASH_REMATCH[3]}
		# (awk reads to the end, its input never cut short: under pipefail
		# a writer on a closed pipe would fail the report with SIGPIPE)
		tr -d '\r' <"$run/console.log" | awk -v s="# Subtest: $sub" -v p="# Subtest: $point" -v e1="not ok [0-9]+ $sub\$" -v e2="not ok [0-9]+ $point\$" '
			function is(l, t) { return t != "# Subtest: " && index(l, t) && substr(l, length(l) - length(t) + 1) == t }
			{ all[++nr] = $0 }
			is($0, s) && !a { a = nr }
			is($0, p) && !b { b = nr }
			END {
				from = b ? b : a; e = b ? e2 : e1
				if (!from) exit
				for (to = from; to < nr && all[to] !~ e; to++) ;
				for (i = from; i <= to; i++)
					if (to - from < 60 || i < from + 30 || i > to - 30) print all[i]
					else if (i == from + 30) print "[... " to - from - 59 " lines left out ...]"
			}'
		return
	fi
	# the report up to the panic it caused (the same trace again), at most 150 lines
	local r=$run/report-$idx
	if [ -s "$r.decoded.txt" ]; then cat "$r.decoded.txt"; else tr -d '\r' <"$r.txt"; fi |
		awk 'done { next } { print } /Kernel panic - not syncing|---\[ end trace/ || ++n >= 150 { done = 1 }'

}

# --- the guest: from the run's QEMU command line ------------------------------------
guest_lines() {
	[ -f "$run/qemu-cmdline" ] || { echo "  (no qemu-cmdline in the run)"; return; }
	python3 - "$run/qemu-cmdline" "$(sed -n 's/^qemu=\([^ ]*\) \(.*\)/\2 (\1)/p' "$run/qemu-version" 2>/dev/null), $(sed -n 's/^accel=//p' "$run/qemu-version" 2>/dev/null)" <<'PY'
import os, shlex, sys
argv = shlex.split(open(sys.argv[1]).read())
opts = {}
for i, a in enumerate(argv[:-1]):
    if a.startswith('-'):
        opts.setdefault(a, []).append(argv[i + 1])
mem = [o.split('size=')[1].split(',')[0] for o in opts.get('-object', []) if 'size=' in o]
nodes = [n for n in opts.get('-numa', []) if n.startswith('node,')]
print("  emulator:  %s" % (sys.argv[2].strip() or os.path.basename(argv[0])))
smp = opts.get('-smp', ['?'])[0].split(',', 1)
print("  vCPUs:     %s%s" % (smp[0], ' (%s)' % smp[1] if len(smp) > 1 else ''))
print("  memory:    %s: %d NUMA nodes (%s)" % (' '.join(opts.get('-m', ['?'])), len(nodes), ', '.join(mem) or '?'))
for n in nodes:
    print("    -numa %s" % n)
print("  boot args: %s" % ' '.join(opts.get('-append', ['?'])))
short = []
for a in argv:
    # the suite's paths are of no use to a reader: their file names are
    if '/' in a and not a.startswith('-'):
        a = ','.join(p[:p.index('/')] + os.path.basename(p) if '/' in p else p for p in a.split(','))
    short.append(shlex.quote(a))
print("  command:   " + ' '.join(short))
PY
}

# --- the measurements ---------------------------------------------------------------
hit_rate() {
	local out rc=0 want have
	if [ "$repro_runs" = 0 ]; then
		echo "not measured (REPRO_RUNS=0)"
		return
	fi
	want=$(cat "$run/kernel" 2>/dev/null || true)
	have=$(env "${run_env[@]}" "$TOP/scripts/build-kernel.sh" --dir 2>/dev/null || true)
	out=$(env "${run_env[@]}" TITLE="$title" "$TOP/scripts/reproduce.sh" "$scenario" "$seed" "$repro_runs" "$duration" 2>&1) || rc=$?
	if [ "$rc" = 130 ]; then exit 130; fi
	if ! grep -q '^hit rate:' <<<"$out"; then
		echo "not measured: make reproduce failed: $(tail -1 <<<"$out")"
		return
	fi
	echo "$(sed -n 's/^hit rate: *//p' <<<"$out" | tail -1) runs (make reproduce RUNS=$repro_runs${narrowed:+$narrowed: the entry alone}, $(date -u +%Y-%m-%d))$([ -n "$want" ] && [ "$want" != "$have" ] && echo "; on a rebuilt kernel ($(basename "$have"), the run's $(basename "$want")): the sources or the suite changed since")"
}
base_result() {
	local benv=() what out dir rc=0 titles hits=0 tag
	if [ "$base_runs" = 0 ]; then
		echo "not measured (BASE_RUNS=0)"
		return
	fi
	if [ "$series_mode" = base ]; then
		benv=("${run_env[@]}" SERIES_UPTO=0 EXTRA_PATCHES= OBJ_TAG=baseline)
		what="the base without the series (SERIES_UPTO=0)"
	elif [ "$kind" = git ] && tag=$(good_rev); then
		benv=("${run_env[@]}" "KERNEL_REV=$tag" SERIES_UPTO=0 EXTRA_PATCHES=)
		what="$tag"
	else
		echo "not measured: KERNEL_SRC is not a git tree, so its base is unknown"
		return
	fi
	titles=""
	for _ in $(seq 1 "$base_runs"); do
		rc=0
		out=$(env "${benv[@]}" QUIET_SUMMARY=1 "$TOP/scripts/run.sh" "$scenario" "$seed" "$duration" 2>&1) || rc=$?
		if [ "$rc" = 130 ]; then exit 130; fi
		dir=$(tail -1 <<<"$out")
		if [ "$rc" = 2 ] || [ ! -f "$dir/findings.tsv" ]; then
			echo "$what: could not run the scenario: $(grep -m1 '^error:' <<<"$out" || tail -1 <<<"$out")"
			return
		fi
		! run_has_title "$dir" "$title" || hits=$((hits + 1))
		titles+=$(run_titles_line "$dir")
	done
	echo "$what: the title appeared in $hits of $base_runs runs (verdict $(cat "$dir/verdict"); findings: ${titles:-none}; $(basename "$dir"))"
}
first_bad() {
	local d bisects
	# newest first: the names begin with their UTC time
	mapfile -t bisects < <(printf '%s\n' "$RESULTS"/bisect-*-"$scenario"-s* | sort -r)
	for d in "${bisects[@]}"; do
		[ -f "$d/summary.txt" ] && grep -qxF "target:    $title" "$d/summary.txt" || continue
		echo "$(sed -n 's/^first bad[^:]*: *//p' "$d/summary.txt" | head -1) (make bisect: $(basename "$d"))"
		return
	done
	echo "not bisected"
}

# reproducer: repro.c and repro.sh (report-repro.sh), its program, command
# and note (prog, cmd, note); repro_out its output, rc its status
reproducer() {
	repro_out=$(tmp_file)
	rc=0
	"$TOP/scripts/report-repro.sh" "$run" "$title" "$run" >"$repro_out" 2>&1 || rc=$?
	{ read -r prog; read -r cmd; read -r note; } <"$repro_out" || true
	if [ "$rc" != 0 ]; then
		prog="" cmd="" note=""
	fi
}

# measure: rate, base and bad, the measurements
measure() {
	[ "$repro_runs" = 0 ] || progress "hit rate: $repro_runs runs (REPRO_RUNS=0 to skip)"
	rate=$(hit_rate)
	[ "$base_runs" = 0 ] || progress "the unpatched base: $base_runs runs (BASE_RUNS=0 to skip)"
	base=$(base_result)
	apart=$(against_base)
	bad=$(first_bad)
}

# against_base: whether the hit rate and the base's count of the title can
# be told apart at the runs made (scripts/tell-apart.sh)
against_base() {
	local re_rate='^([0-9]+)/([0-9]+) runs' re_base='appeared in ([0-9]+) of ([0-9]+) runs'
	local x n
	if [[ $rate =~ $re_rate ]]; then
		x=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
		if [[ $base =~ $re_base ]]; then
			"$TOP/scripts/tell-apart.sh" "$x" "$n" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
			return
		fi
	fi
	echo "not measured (it needs the hit rate and the unpatched base)"
}

# not_measured: nm, what was not measured, from what each part said (they
# ran in subshells); decoded, the note on a decoded report
not_measured() {
	nm=()
	if [[ $rate == not\ measured* ]]; then nm+=("the hit rate: $rate"); fi
	if [[ $base == not\ measured* || $base == *"could not run"* ]]; then nm+=("the unpatched base: $base"); fi
	if [ "$bad" = "not bisected" ]; then nm+=("the first bad commit: no bisect of this title in results/ (make bisect SCENARIO=$scenario SEED=$seed TITLE='$title')"); fi
	if [ "$rc" != 0 ]; then nm+=("a stand-alone reproducer: $(tail -1 "$repro_out" | sed 's/^error: //')"); fi
	if [ -n "$note" ]; then nm+=("in the reproducer: $note"); fi
	decoded=""
	if [ -s "$run/report-$idx.decoded.txt" ]; then decoded=" (decoded: report-$idx.decoded.txt)"; fi
}

# write_report: report.txt, the mail
write_report() {
{
	echo "Subject: [BUG] $title"
	echo
	echo "Hello,"
	echo
	echo "the copy-offload test suite found the following issue:"
	echo
	tree_lines
	echo "kernel config:    config (attached)"
	echo "console output:   below$decoded"
	echo "scenario:         $scenario: $(scenario_field "$scenario" description)"
	echo "seed:             $seed (duration ${duration:-?} s)"
	echo "hit rate:         $rate"
	echo "first bad commit: $bad"
	echo "unpatched base:   $base"
	echo "series vs base:   $apart"
	if [ -n "$prog" ]; then echo "reproducer:       repro.c, repro.sh (attached): $cmd"; else echo "reproducer:       none"; fi
	echo
	series_lines
	echo
	echo "Console excerpt (the run's console.log, line $(run_title_line "$run" "$title")):"
	echo
	excerpt | sed 's/^/  /'
	echo
	echo "Guest (the run's QEMU command line):"
	guest_lines
	echo
	echo "Reproducer:"
	if [ -n "$prog" ]; then
		echo "  repro.c is stress/$prog of the suite, its sources and headers in one file; no other file is needed."
		echo "  build:  gcc -static -O2 -pthread -o repro repro.c"
		echo "  run (as root, in a guest with the topology above; repro.sh):"
		grep -v '^#' "$run/repro.sh" | grep -v '^set -e$' | sed 's/^/    /'
	else
		echo "  none: $(tail -1 "$repro_out" | sed 's/^error: //')"
	fi
	if [ -n "$narrowed" ]; then
		echo "  the entry alone, under its mode: make reproduce $(printf '%q ' "${run_env[@]}")SCENARIO=$scenario SEED=$seed DURATION=$duration"
		echo "  the run as it was (every entry before it too): $(cat "$run/reproduce" 2>/dev/null)"
	else
		echo "  the whole scenario: make reproduce $(printf '%q ' "${run_env[@]}")SCENARIO=$scenario SEED=$seed DURATION=$duration"
	fi
	echo
	if [ ${#nm[@]} -gt 0 ]; then
		echo "Not measured in this report:"
		printf '  - %s\n' "${nm[@]}"
		echo
	fi
	echo "--"
	echo "Written by make report (scripts/report.sh) from $(basename "$run") on $(date -u '+%Y-%m-%d %H:%M UTC')."
} >"$run/report.txt"
}

# --- main ------------------------------------------------------------------------
read_run "$@"
run_environment
progress "report on $(basename "$run"): $title"
reproducer
measure
not_measured
write_report
progress "report: $run/report.txt"
echo "$run/report.txt"
