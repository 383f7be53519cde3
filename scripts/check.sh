#!/usr/bin/env bash
# make check: what CI runs, within 45 minutes on a fresh 2-core machine,
# kernel build included (CI allows 90):
#  - the host tests (scripts/unit.sh);
#  - the kernel builds, and a series that does not apply is refused;
#  - the campaign check (group check): the boot and its KUnit suite,
#    the console oracles' negative controls on this kernel, the correct
#    series where each mutant below is caught; its runs are re-judged by
#    scripts/judge.sh with the same verdicts;
#  - the mutants of tier check (patches/mutants.catalogue) caught (their kernels build on one
#    core while the campaign boots on the other), and one of them
#    reproduced from its seed;
#  - a Ctrl-C, and a kill of make, during a boot leave no QEMU behind (and
#    with the reaper off, the same test sees the QEMU left running).
# The whole catalogue is make stress, make mutants and the nightly
# workflow. Ends with the line "N passed, N failed".
set -uo pipefail
# The 45-minute budget is measured with bookworm's QEMU, single-threaded:
# the tier's mutant kernels build on one core while the campaign boots on
# the other, which a multi-threaded guest would fight for. Given
# explicitly (QEMU=backports TCG_THREAD=multi make check), they are kept.
: "${QEMU:=system}" "${TCG_THREAD:=single}"
export QEMU TCG_THREAD
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

BUDGET_MIN=45
check_start=$(date +%s)
SEED=${SEED:-1}
valid_seed "$SEED" || die "bad seed '$SEED': a decimal number below 2^63"
elapsed() { echo "$(($(date +%s) - check_start)) s"; }

# --- the kernel ------------------------------------------------------------------
# check_kernel_builds: the test kernel; sets art (its artifact directory)
check_kernel_builds() {
	TEST_GROUP="check: kernel"
	local start art_file
	start=$(date +%s)
	art_file=$(tmp_file)
	if run_child "$TOP/scripts/build-kernel.sh" >"$art_file" && art=$(tail -1 "$art_file") &&
		[ -f "$art/bzImage" ]; then
		t_pass "kernel builds ($(($(date +%s) - start)) s)"
	else
		t_fail "kernel builds"
		t_summary
		exit 1
	fi
}

# The build's check that the bzImage holds the vmlinux just linked, and its
# control: the same bzImage against another build ID (a stale piggy.o)
check_payload() {
	local want other src got stale
	want=$(elf_build_id "$art/vmlinux")
	other=$(printf '%s' "$want" | tr 0-9a-f 1-9a-f0)
	src=$(cat "$art/src")
	if got=$(payload_mismatch "$src" "$art/bzImage" "$want") &&
		! stale=$(payload_mismatch "$src" "$art/bzImage" "$other") && [ "$stale" = "$want" ]; then
		t_pass "payload check: the bzImage holds its vmlinux ($want), and not another build"
	else
		t_fail "payload check (vmlinux build ID '$want'; reported '$got' for it and '${stale:-nothing}' for $other)"
	fi
}

# A patch that does not apply: one line naming the patch and the file, exit 2
check_patch_refused() {
	local bad rc=0 err
	bad=$(tmp_file .patch)
	cat >"$bad" <<-'PATCH'
	--- a/mm/migrate.c
	+++ b/mm/migrate.c
	@@ -1,2 +1,2 @@
	-this line is not in mm/migrate.c
	+nor is this one
	 and neither is this
	PATCH
	err=$(EXTRA_PATCHES=$bad "$TOP/scripts/build-kernel.sh" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = 2 ] && grep -q "$(basename "$bad") does not apply.*mm/migrate.c" <<<"$err"; then
		t_pass "a patch that does not apply is refused (exit 2)"
	else
		t_fail "a patch that does not apply is refused (exit $rc: $err)"
	fi
}

# The mutant kernels of tier check build on one core (their link is
# serial anyway) while the campaign boots on the other: this kernel's
# modules and initramfs first, since the builds move the shared trees
start_mutant_builds() {
	progress "check: building the mutant kernels of tier check in the background (log: $BUILD/logs/mutants-prebuild.log)"
	"$TOP/scripts/build-initramfs.sh" "$art" >/dev/null || { t_fail "the initramfs of $art"; t_summary; exit 1; }
	JOBS=1 "$TOP/scripts/mutants.sh" --build-only --tier check >"$BUILD/logs/mutants-prebuild.log" 2>&1 &
	SUITE_BACKGROUND=$!
}

# --- the check campaign: one list, run k with seed SEED + k ------------------------
# check_campaign: sets cdir (the campaign), runs_dirs and smoke_dir
check_campaign() {
	TEST_GROUP="check: VM campaign (group check)"
	progress "check: the VM campaign, group check ($(elapsed) so far)"
	local out_file rc=0 want got k s seed expect verdict wall run d
	out_file=$(tmp_file)
	# 15 s of migrations per fault scenario: each mode is exercised hundreds
	# of times in that (the reach lines say how often); make stress runs them
	# for their full DURATION
	run_child "$TOP/scripts/campaign.sh" --campaign check --seed "$SEED" --duration 15 >"$out_file" || rc=$?
	cdir=$(tail -1 "$out_file")
	if [ "$rc" -ge 2 ] || [ ! -f "$cdir/runs.tsv" ]; then
		t_fail "campaign check could not run (exit $rc): $(tail -3 "$out_file" | tr '\n' ' ')"
		t_summary
		exit 1
	fi
	want=$(campaign_list check | grep -c .)
	got=$(($(grep -c . "$cdir/runs.tsv") - 1))
	[ "$got" = "$want" ] || t_fail "campaign check: $got of $want runs"
	runs_dirs=()
	while IFS=$'\t' read -r k s seed expect verdict wall run; do
		[ "$k" = k ] && continue
		d=$RESULTS/$run
		runs_dirs+=("$d")
		if [ "$seed" != $((SEED + k)) ]; then
			t_fail "vm/$s: seed $seed, not master + k = $((SEED + k))"
		elif verdict_meets "$verdict" "$expect"; then
			t_pass "vm/$s: $verdict${wall:+ (${wall} s)}"
		else
			t_fail "vm/$s: $verdict, expected $expect: $(run_titles "$d" | head -3 | tr '\n' ';') ($run)"
		fi
		[ "$s" = smoke ] && smoke_dir=$d
	done <"$cdir/runs.tsv"
	[ -f "$cdir/summary.txt" ] && [ -f "$cdir/junit.xml" ] && [ -f "$cdir/ktap.txt" ] &&
		t_pass "campaign report: summary, KTAP and JUnit" || t_fail "campaign report missing in $cdir"
}

# Every KUnit case of the series, ok on the console (not just "no failure")
# (the cases are counted in the patch: the shared source tree may be at
# another patch set; KUnit prints its cases indented by four spaces)
check_kunit_cases() {
	local cases oks
	cases=$(cat "$(base_dir)"/*.patch | grep -c '^+	KUNIT_CASE(')
	oks=$(grep -cE '\][[:space:]]{5}ok [0-9]+ ' "${smoke_dir:-/nonexistent}/console.log" 2>/dev/null)
	if [ "$cases" -gt 0 ] && [ "$oks" = "$cases" ] && ! grep -q "not ok" "$smoke_dir/console.log"; then
		t_pass "KUnit: all $cases cases ok on the console"
	else
		t_fail "KUnit: ${oks:-0} ok lines for $cases cases"
	fi
}

# Judging is a step of its own: the same consoles judged again give the
# same verdicts (and judge.sh says "(was ...)" for any that changed)
rejudge() {
	local before after
	before=$(cat "${runs_dirs[@]/%//verdict}")
	"$TOP/scripts/judge.sh" "${runs_dirs[@]}" | grep -F "(was " && return 1
	after=$(cat "${runs_dirs[@]/%//verdict}")
	[ "$before" = "$after" ] || { diff <(echo "$before") <(echo "$after"); return 1; }
}

# --- broken variants of the series, one per oracle -----------------------------------
check_mutants() {
	TEST_GROUP="check: mutants (tier check) and reproduce"
	local rc=0 table want got v s result first at wall dir
	progress "check: waiting for the mutant kernels ($(elapsed) so far)"
	wait "$SUITE_BACKGROUND" || rc=$?
	SUITE_BACKGROUND=""
	# (a build that failed here fails again, with its error, in mutants.sh)
	[ "$rc" = 0 ] || log "the background build of the mutants ended with exit $rc: $(tail -1 "$BUILD/logs/mutants-prebuild.log")"
	progress "check: the mutants of tier check ($(elapsed) so far)"
	table=$(tmp_file .tsv)
	rc=0
	MUTANTS_TABLE=$table run_child "$TOP/scripts/mutants.sh" --tier check >"$BUILD/logs/mutants-check.log" || rc=$?
	want=$(mutant_names check | grep -c .)
	got=$(($(grep -c . "$table" 2>/dev/null || echo 1) - 1))
	[ "$rc" -le 1 ] && [ "$got" = "$want" ] ||
		t_fail "mutants: $got of $want rows, exit $rc (see $BUILD/logs/mutants-check.log)"
	while IFS=$'\t' read -r v s result first at wall dir; do
		[ "$v" = variant ] && continue
		if [ "$result" = caught ]; then
			t_pass "mutant/$v caught by $s: $first (at ${at}s, wall ${wall}s)"
		else
			t_fail "mutant/$v missed by $s ($dir)"
		fi
	done <"$table"
}

# A finding of a broken variant comes back under make reproduce (the mutant
# kernel and the seed-7 run are those of the mutant row above). The variant
# is one whose title does not depend on timing: without synchronize_srcu(),
# which of two WARNs fires first varies from run to run under TCG
check_reproduce() {
	progress "check: make reproduce of a mutant's finding ($(elapsed) so far)"
	local rout hit target
	rout=$(tmp_file)
	EXTRA_PATCHES=$(base_dir)/mutants/no-module-ref.patch \
		run_child "$TOP/scripts/reproduce.sh" clean 7 1 >"$rout" 2>&1
	hit=$(sed -n 's/^hit rate: *//p' "$rout")
	target=$(sed -n 's/^target: *//p' "$rout")
	if [ "$target" = "WARNING in fp_module_ref_dropped" ] && [ "${hit%%/*}" -ge 1 ] 2>/dev/null; then
		t_pass "reproduce: no-module-ref, clean, seed 7: $target, hit rate $hit"
	else
		t_fail "reproduce: no-module-ref, clean, seed 7: target '$target', hit rate '$hit'"
	fi
}

# --- nothing left behind --------------------------------------------------------------
check_nothing_left_behind() {
	TEST_GROUP="check: nothing left behind on a signal"
	t_run "Ctrl-C (SIGINT to the process group) during a boot leaves no QEMU, watchdog or temp file" \
		"$TOP/scripts/interrupt-test.sh" INT group
	t_run "kill of make (SIGTERM to make alone) during a boot leaves no QEMU, watchdog or temp file" \
		"$TOP/scripts/interrupt-test.sh" TERM make
	t_run "negative control: with the reaper off, the kill of make leaves QEMU running (and the test sees it)" \
		"$TOP/scripts/interrupt-test.sh" TERM make --control
}

# --- the time, against the budget ---------------------------------------------------
record_time() {
	local secs
	secs=$(($(date +%s) - check_start))
	mkdir -p "$BUILD"
	printf 'seconds: %s\ndate: %s\nbudget: %s min\n' "$secs" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$BUDGET_MIN" \
		>"$BUILD/last-check.txt"
	echo
	echo "make check took $((secs / 60)) min $((secs % 60)) s (budget $BUDGET_MIN min; build/last-check.txt)"
	[ "$secs" -le $((BUDGET_MIN * 60)) ] || echo "warning: over the $BUDGET_MIN-minute budget"
	echo "campaign report: $cdir/summary.txt"
}

progress "check: host tests"
run_child "$TOP/scripts/unit.sh"
check_kernel_builds
export KERNEL_ART=$art
check_payload
check_patch_refused
start_mutant_builds
check_campaign
check_kunit_cases
t_run "judge.sh re-judges the ${#runs_dirs[@]} runs with the same verdicts" rejudge
check_mutants
check_reproduce
check_nothing_left_behind
record_time
t_summary
