# shellcheck shell=bash
# Test bookkeeping for unit.sh and check.sh: one PASS/FAIL line per test,
# counts kept in a file so that nested scripts add up, and the closing
# "N passed, N failed" line that CI reads.

TEST_COUNTS=${TEST_COUNTS:-}
if [ -z "$TEST_COUNTS" ]; then
	TEST_COUNTS=$(mktemp)
	echo "0 0" >"$TEST_COUNTS"
	TEST_OWNER=1
fi
export TEST_COUNTS

t_pass() {
	local p f
	read -r p f <"$TEST_COUNTS"
	echo "$((p + 1)) $f" >"$TEST_COUNTS"
	printf 'PASS\t%s\t%s\n' "${TEST_GROUP:-${*%%[/:]*}}" "$*" >>"$TEST_COUNTS.log"
	echo "PASS: $*"
}

t_fail() {
	local p f
	read -r p f <"$TEST_COUNTS"
	echo "$p $((f + 1))" >"$TEST_COUNTS"
	printf 'FAIL\t%s\t%s\n' "${TEST_GROUP:-${*%%[/:]*}}" "$*" >>"$TEST_COUNTS.log"
	echo "FAIL: $*"
}

# t_run NAME COMMAND...: a test from a command's exit status; its output
# is shown only when it fails
t_run() {
	local name=$1 outf
	shift
	outf=$(tmp_file)
	if "$@" >"$outf" 2>&1; then
		t_pass "$name"
	else
		t_fail "$name"
		sed 's/^/    /' "$outf" | tail -20
	fi
	rm -f "$outf"
}

# t_suite SCRIPT: another file of tests, its counts added to these. It
# ends with status 1 when the run so far has a failure (the counts are
# shared), so what is checked is that it ended as a test file ends: a
# status other than 0 or 1 (a die, a file not executable, a crash), or 1
# while the run has no failure, is a failure of its own here
t_suite() {
	local p f rc
	bash "$1"
	rc=$?
	read -r p f <"$TEST_COUNTS"
	case $rc in
	0) return 0 ;;
	1) [ "$f" -gt 0 ] && return 0 ;;
	esac
	TEST_GROUP="unit: test files end at their summary" t_fail "$(basename "$1"): ended with status $rc, not at its summary"
}

# t_summary: the closing line, and the status, only in the outermost script;
# before it, one screen: passed and failed per group (TEST_GROUP when the
# script set one, else the part of a test's name before its first "/" or
# ":"), then every failure again
t_summary() {
	local p f
	read -r p f <"$TEST_COUNTS"
	if [ -n "${TEST_OWNER:-}" ]; then
		if [ -f "$TEST_COUNTS.log" ]; then
			echo
			echo "summary by group (passed/total):"
			awk -F'\t' '{ g = $2; if (!(g in t)) o[++n] = g; t[g]++; if ($1 == "PASS") ok[g]++ }
				END { for (i = 1; i <= n; i++) printf "  %-40s %d/%d\n", o[i], ok[o[i]], t[o[i]] }' "$TEST_COUNTS.log"
			if grep -q '^FAIL' "$TEST_COUNTS.log"; then
				echo "failures:"
				awk -F'\t' '$1 == "FAIL" { print "  " $3 }' "$TEST_COUNTS.log"
			fi
		fi
		echo "$p passed, $f failed"
		rm -f "$TEST_COUNTS" "$TEST_COUNTS.log"
	fi
	[ "$f" = 0 ]
}

# has TEXT LINE...: each LINE is a whole line of TEXT
has() {
	local l
	for l in "${@:2}"; do
		grep -qxF -- "$l" <<<"$1" || { echo "no line '$l' in:"; echo "$1"; return 1; }
	done
}

# fake_bench DIR: make bench's values file in DIR, empty, with its put and
# get (bench.sh's), for a subshell that sources one of its lib-bench-*.sh
fake_bench() {
	bdir=$1 && mkdir -p "$bdir" && : >"$bdir/values.tsv"
	put() { printf '%s\t%s\n' "$1" "$2" >>"$bdir/values.tsv"; }
	get() { awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print v }' "$bdir/values.tsv"; }
	log() { :; }
}
