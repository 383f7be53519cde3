# KTAP output for scenario scripts (busybox sh): a scenario calls
# ok/not_ok per test point; ktap_end prints the plan and the totals, and
# its status is the scenario's.

KTAP_N=0
KTAP_FAILED=0

ktap_begin() {
	echo "KTAP version 1"
	echo "# Subtest: $1"
}

# ok DESCRIPTION
ok() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $*"
}

# not_ok DESCRIPTION [DIAGNOSTIC...]
not_ok() {
	local _desc=$1 _line
	KTAP_N=$((KTAP_N + 1))
	KTAP_FAILED=$((KTAP_FAILED + 1))
	shift
	# every line of a diagnostic is a KTAP comment, even a multi-line one
	for _line in "$@"; do
		printf '%s\n' "$_line" | sed 's/^/# /'
	done
	echo "not ok $KTAP_N $_desc"
}

# check DESCRIPTION COMMAND...: a test point from a command's status
check() {
	local _desc=$1
	shift
	if "$@"; then ok "$_desc"; else not_ok "$_desc" "failed: $*"; fi
}

ktap_end() {
	echo "1..$KTAP_N"
	echo "# totals: pass:$((KTAP_N - KTAP_FAILED)) fail:$KTAP_FAILED"
	[ "$KTAP_FAILED" = 0 ]
}

# skip DESCRIPTION REASON: a test point this tree cannot be checked on
skip() {
	KTAP_N=$((KTAP_N + 1))
	echo "ok $KTAP_N $1 # SKIP $2"
}
