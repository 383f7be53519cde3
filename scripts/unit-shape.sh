#!/usr/bin/env bash
# The code's shape (scripts/shape.sh): the tree within its limits, and the
# measure itself shown to fail on pieces one line over them. Called by
# unit.sh; runs alone too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

TEST_GROUP="unit: the code's shape"
SH=$(tmp_dir)

# lines N PREFIX: N numbered lines "PREFIX n"
lines() { seq "$1" | awk -v p="$2" '{ print p, $0 }'; }
# synthetic pieces at the limits (450 lines, bodies of 100) and one over
lines 450 'int x' >"$SH/file-at.h"
lines 451 'int x' >"$SH/file-over.h"
{ echo 'f() {'; lines 100 '	echo'; echo '}'; } >"$SH/fn-at.sh"
{ echo 'f() {'; lines 101 '	echo'; echo '}'; } >"$SH/fn-over.sh"
{ echo '#!/bin/sh'; echo '# a comment is not code'; lines 100 'echo'; } >"$SH/top-at"
{ echo '#!/bin/sh'; lines 101 'echo'; } >"$SH/top-over"
{ echo 'int f(void)'; echo '{'; lines 100 '	x++; //'; echo '}'; } >"$SH/c-at.c"
{ echo 'int f(void)'; echo '{'; lines 101 '	x++; //'; echo '}'; } >"$SH/c-over.c"

# shape_says NAME WANT_RC FILE [GREP]: one scripts/shape.sh call
shape_says() {
	local rc=0 out
	out=$("$TOP/scripts/shape.sh" "$3" 2>&1) || rc=$?
	if [ "$rc" = "$2" ] && { [ -z "${4:-}" ] || grep -q -- "$4" <<<"$out"; }; then
		t_pass "shape: $1 (exit $rc)"
	else
		t_fail "shape: $1 (exit $rc, want $2: $out)"
	fi
}
shape_says "a file of 450 lines" 0 "$SH/file-at.h"
shape_says "a file of 451 lines" 1 "$SH/file-over.h" "451 lines (limit 450)"
shape_says "a shell function of 100 lines" 0 "$SH/fn-at.sh"
shape_says "a shell function of 101 lines" 1 "$SH/fn-over.sh" "a function of 101 lines"
shape_says "a script's top-level body of 100 lines (comments not counted)" 0 "$SH/top-at"
shape_says "a script's top-level body of 101 lines" 1 "$SH/top-over" "a top-level body of 101 lines"
shape_says "a C function of 100 lines" 0 "$SH/c-at.c"
shape_says "a C function of 101 lines" 1 "$SH/c-over.c" "a function of 101 lines (limit 100): int f(void)"
shape_says "no such file" 2 "$SH/none"
tree_shape() { "$TOP/scripts/shape.sh"; }
t_run "shape: no file of scripts/, stress/, faultmods/ over 450 lines, no function over 100" tree_shape

t_summary
