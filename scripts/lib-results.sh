# What a run's results directory says, for every script that reads one;
# sourced by lib.sh. judge.sh writes findings.tsv (kind, title, console
# line, count: one finding a line, the first one first); nothing else
# parses it.

# run_titles DIR: its finding titles, one a line, first first (none: nothing)
run_titles() {
	[ -f "$1/findings.tsv" ] || return 0
	cut -f2 "$1/findings.tsv"
}

# run_first_title DIR: the title of its first finding, or nothing
run_first_title() {
	run_titles "$1" | head -1
}

# run_titles_line DIR: its titles on one line, ';' between them
run_titles_line() {
	run_titles "$1" | paste -sd';'
}

# run_has_title DIR TITLE: the run found exactly that title
run_has_title() {
	grep -qxF -- "$2" <<<"$(run_titles "$1")"
}

# first_matching ERE: the first line of stdin that matches ERE (read to
# the end: a writer left with a closed pipe fails under pipefail)
first_matching() {
	awk -v re="$1" '!f && $0 ~ re { print; f = 1 }'
}

# run_first_title_matching DIR ERE: its first title that matches ERE
run_first_title_matching() {
	run_titles "$1" | first_matching "$2"
}

# run_title_line DIR TITLE: the console line its finding of TITLE starts at
run_title_line() {
	[ -f "$1/findings.tsv" ] || return 0
	awk -F'\t' -v t="$2" '$2 == t { print $3; exit }' "$1/findings.tsv"
}

# same_title_again DIR: whether this run found the target title, the one
# that reproduce, bisect and report look for again run after run. With no
# target yet (TARGET empty), the run's first finding becomes it; the
# caller reads TARGET afterwards. 0: the run has the target
same_title_again() {
	if [ -z "$TARGET" ]; then
		TARGET=$(run_first_title "$1")
	fi
	[ -n "$TARGET" ] && run_has_title "$1" "$TARGET"
}

# run_boot DIR: how the run's guest started, "cold" or "snapshot" (run.sh's
# boot file says "cold" or "from snapshot KEY"; a run made before snapshots
# has none and booted cold)
run_boot() {
	case $(cat "$1/boot" 2>/dev/null) in
	from\ snapshot*) echo snapshot ;;
	*) echo cold ;;
	esac
}

# verdict_meets VERDICT EXPECT: whether a run met its expectation: its
# verdict is the expected one, or it found only known kernel bugs where it
# expected none (judge.sh)
verdict_meets() {
	[ "$1" = "$2" ] || { [ "$1" = known ] && [ "$2" = pass ]; }
}

# SELFTEST_TITLE_ERE: a finding of the mm selftests' own, one of a
# program's cases (KTAP: not ok selftest-NAME[-provider[-MODE]].CASE) or the
# program as a whole (KTAP: not ok SCENARIO.selftest-NAME...: a bail out,
# a crash, a timeout); not KUnit's at boot nor a scenario's other points
SELFTEST_TITLE_ERE='^KTAP: not ok ([^.]+[.])?selftest-'

# title_selftest_env TITLE: for a finding of the mm selftests family
# (a point or case of selftest-NAME or selftest-NAME-provider[-MODE]), the
# words that run that entry alone, under that mode: "SELFTESTS=NAME", and
# "MODES=MODE" when the title names one; nothing for another title. A run
# of the whole list is hours; the entry that failed is minutes.
title_selftest_env() {
	local point
	point=$(tr '.' '\n' <<<"${1#KTAP: not ok }" | sed -n 's/^selftest-//p' | head -1)
	[ -n "$point" ] || return 0
	if [[ $point =~ ^(.+)-provider(-([a-z]+))?$ ]]; then
		echo "SELFTESTS=${BASH_REMATCH[1]}"
		[ -z "${BASH_REMATCH[3]}" ] || echo "MODES=${BASH_REMATCH[3]}"
	else
		echo "SELFTESTS=$point"
	fi
}
