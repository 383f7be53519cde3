#!/usr/bin/env bash
# Can a title's hits with the series and on the unpatched base be told
# apart at the number of runs made? make report measures both (REPRO_RUNS,
# BASE_RUNS), and a few runs each cannot tell a flake of the base's own
# from the series' bug: 1 of 3 against 0 of 3 is what a test that fails
# one run in three by itself gives often. One-sided Fisher exact test: the
# chance, were the title as likely on both kernels, that the series' runs
# would hold at least as many of the hits as they do; told apart at 5 %.
#
#   scripts/tell-apart.sh HITS RUNS BASE_HITS BASE_RUNS     one line
set -euo pipefail
. "$(dirname "$0")/lib.sh"

for n in "$@"; do
	[[ $n =~ ^[0-9]+$ ]] || die "usage: tell-apart.sh HITS RUNS BASE_HITS BASE_RUNS (numbers, not '$n')"
done
[ $# = 4 ] && [ "$1" -le "$2" ] && [ "$3" -le "$4" ] && [ "$2" -gt 0 ] && [ "$4" -gt 0 ] ||
	die "usage: tell-apart.sh HITS RUNS BASE_HITS BASE_RUNS (hits at most runs, runs above 0)"

awk -v x="$1" -v n="$2" -v y="$3" -v m="$4" '
function lfact(v,   s, i) { s = 0; for (i = 2; i <= v; i++) s += log(i); return s }
function lchoose(a, b) { return lfact(a) - lfact(b) - lfact(a - b) }
BEGIN {
	counts = sprintf("%d/%d with the series against %d/%d on the base", x, n, y, m)
	if (x * m <= y * n) {
		printf "not told apart: %s: the series does not hit it more often\n", counts
		exit
	}
	k = x + y; p = 0
	for (i = x; i <= n && i <= k; i++)
		p += exp(lchoose(k, i) + lchoose(n + m - k, n - i) - lchoose(n + m, n))
	if (p <= 0.05)
		printf "told apart: %s (one-sided Fisher exact test, p = %.3f)\n", counts, p
	else
		printf "not told apart at these counts: %s (one-sided Fisher exact test, p = %.2f): a flake of the base'"'"'s own is not ruled out; more runs tell (REPRO_RUNS=, BASE_RUNS=)\n", counts, p
}'
