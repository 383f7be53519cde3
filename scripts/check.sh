#!/usr/bin/env bash
# make check: the host tests, then a smoke campaign in the VM that fits CI
# (90 minutes on 2 cores, kernel build included):
#  - the kernel builds, and a series that does not apply is refused;
#  - a clean boot of the correct series catches nothing, and its KUnit suite
#    printed every case ok;
#  - each console oracle is shown firing on this kernel (negative controls).
# Ends with the line "N passed, N failed".
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

check_start=$(date +%s)
"$TOP/scripts/unit.sh"

# --- the kernel ------------------------------------------------------------------
start=$(date +%s)
if art=$("$TOP/scripts/build-kernel.sh" | tail -1) && [ -f "$art/bzImage" ]; then
	t_pass "kernel builds ($(($(date +%s) - start)) s)"
else
	t_fail "kernel builds"
	t_summary
	exit 1
fi
export KERNEL_ART=$art

# A patch that does not apply: one line naming the patch and the file, exit 2
bad=$(mktemp --suffix=.patch)
cat >"$bad" <<'PATCH'
--- a/mm/migrate.c
+++ b/mm/migrate.c
@@ -1,2 +1,2 @@
-this line is not in mm/migrate.c
+nor is this one
 and neither is this
PATCH
rc=0
err=$(EXTRA_PATCHES=$bad "$TOP/scripts/build-kernel.sh" 2>&1 >/dev/null) || rc=$?
if [ "$rc" = 2 ] && printf '%s' "$err" | grep -q "$(basename "$bad") does not apply.*mm/migrate.c"; then
	t_pass "a patch that does not apply is refused (exit 2)"
else
	t_fail "a patch that does not apply is refused (exit $rc: $err)"
fi
rm -f "$bad"

# --- in the VM ---------------------------------------------------------------------
vm_case() { # SCENARIO [extra check]
	local s=$1 rc=0 dir
	dir=$("$TOP/scripts/run.sh" "$s" "${SEED:-1}" | tail -1) || rc=$?
	if [ "$rc" = 0 ]; then
		t_pass "vm/$s: $(sed -n 's/^verdict: *//p' "$dir/summary.txt") ($(basename "$dir"))"
	else
		t_fail "vm/$s (exit $rc): $(cut -f2 "$dir/findings.tsv" 2>/dev/null | head -3 | tr '\n' ';') ($dir)"
	fi
	LAST_DIR=$dir
}

vm_case smoke
# Every KUnit case of the series, ok on the console (not just "no failure")
# (the cases are counted in the patch: the shared source tree may be at
# another patch set; KUnit prints its cases indented by four spaces)
cases=$(grep -c '^+	KUNIT_CASE(' "$TOP"/patches/0005-*.patch)
oks=$(grep -cE '\][[:space:]]{5}ok [0-9]+ ' "$LAST_DIR/console.log")
if [ "$cases" -gt 0 ] && [ "$oks" = "$cases" ] && ! grep -q "not ok" "$LAST_DIR/console.log"; then
	t_pass "KUnit: all $cases cases ok on the console"
else
	t_fail "KUnit: $oks ok lines for $cases cases"
fi

# Each console oracle, shown firing on this kernel (negative controls)
for s in oracle-kasan oracle-lockdep oracle-warn oracle-hang oracle-silence oracle-reach; do
	vm_case "$s"
done

# Every provider mode under KASAN and lockdep on the correct series, and
# the corrupt mode's integrity failure
for s in clean fail partial decline stall unregister-race eagain corrupt double-register \
	mt-clean determinism reasons reason-knob mixed churn hotplug; do
	vm_case "$s"
done

# Every broken variant of the series caught by the scenario it names
if [ -z "${CHECK_SKIP_MUTANTS:-}" ]; then
	table=$BUILD/mutants-check-$$.tsv
	MUTANTS_TABLE=$table "$TOP/scripts/mutants.sh" >"$BUILD/logs/mutants-check.log" 2>&1 || true
	want=$(($(ls "$TOP"/patches/mutants/*.patch | wc -l) + 1 +
		$(cat "$TOP"/patches/mutants/*.patch | grep -c '^Also caught by: ')))
	got=$(($(grep -c . "$table" 2>/dev/null || echo 1) - 1))
	[ "$got" = "$want" ] ||
		t_fail "mutants: $got of $want variants ran (see $BUILD/logs/mutants-check.log)"
	if [ -f "$table" ]; then
		while IFS=$'\t' read -r v s result first at wall dir; do
			[ "$v" = variant ] && continue
			if [ "$result" = caught ]; then
				t_pass "mutant/$v caught by $s: $first (at ${at}s, wall ${wall}s)"
			else
				t_fail "mutant/$v missed by $s ($dir)"
			fi
		done <"$table"
	else
		t_fail "mutants: no table produced"
	fi
fi

# A campaign: run k gets seed M + k, the report is written and agrees
campaign_case() {
	local rc=0 out cdir
	out=$("$TOP/scripts/campaign.sh" smoke --seed 500 --runs 2 2>&1) || rc=$?
	cdir=$(printf '%s\n' "$out" | tail -1)
	[ "$rc" = 0 ] && [ -f "$cdir/summary.txt" ] && [ -f "$cdir/junit.xml" ] ||
		{ echo "exit $rc, no report in '$cdir'"; return 1; }
	[ "$(cut -f3 "$cdir/runs.tsv" | sed 1d | tr '\n' ' ')" = "500 501 " ] ||
		{ echo "seeds: $(cut -f3 "$cdir/runs.tsv" | tr '\n' ' ')"; return 1; }
	grep -q 'runs: *2 (2 passed' "$cdir/summary.txt" || { cat "$cdir/summary.txt"; return 1; }
}
t_run "campaign: runs k = 0, 1 with seeds M, M + 1, one report" campaign_case

# A finding of a broken variant comes back under make reproduce (the mutant
# kernel and the seed-7 run are the catalogue's, above)
if [ -z "${CHECK_SKIP_MUTANTS:-}" ]; then
	rout=$(EXTRA_PATCHES=$TOP/patches/mutants/no-synchronize-srcu.patch \
		"$TOP/scripts/reproduce.sh" unregister-race 7 2 2>&1) || true
	hit=$(printf '%s\n' "$rout" | sed -n 's/^hit rate: *//p')
	target=$(printf '%s\n' "$rout" | sed -n 's/^target: *//p')
	if [ "$target" = "WARNING in fp_copy_outlived_unregister" ] && [ "${hit%%/*}" -ge 1 ] 2>/dev/null; then
		t_pass "reproduce: no-synchronize-srcu, seed 7: $target, hit rate $hit"
	else
		t_fail "reproduce: no-synchronize-srcu, seed 7: target '$target', hit rate '$hit'"
	fi
fi

mkdir -p "$BUILD"
printf 'seconds: %s\ndate: %s\n' "$(($(date +%s) - check_start))" "$(date -u '+%Y-%m-%d %H:%M UTC')" >"$BUILD/last-check.txt"
t_summary
