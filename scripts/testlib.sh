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
	echo "PASS: $*"
}

t_fail() {
	local p f
	read -r p f <"$TEST_COUNTS"
	echo "$p $((f + 1))" >"$TEST_COUNTS"
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

# t_summary: the closing line, and the status, only in the outermost script
t_summary() {
	local p f
	read -r p f <"$TEST_COUNTS"
	if [ -n "${TEST_OWNER:-}" ]; then
		echo "$p passed, $f failed"
		rm -f "$TEST_COUNTS"
	fi
	[ "$f" = 0 ]
}
