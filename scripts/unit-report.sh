#!/usr/bin/env bash
# Host tests of make report and of the git side of make bisect, on fixtures
# made here (no VM, a few seconds): a results directory of a hugetlb
# finding, as run.sh and judge.sh leave it, on our series and on a small
# git tree; the report has every section, its reproducer builds
# statically, a run without a finding is refused in one line; the base tree
# of a git KERNEL_SRC is keyed by its revision; git bisect run finds the
# first bad commit of a history without touching the user's repository.
# Called by unit.sh; runs alone too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

TEST_GROUP="unit: report and git bisect"
make -s -C "$TOP/scripts/triage" OUT="$BUILD/triage" >/dev/null || die "building the console triage failed"
FX=$(tmp_dir)
export RESULTS=$FX/results
mkdir -p "$RESULTS"
GIT=(git -c user.name=fixture -c user.email=fixture@localhost -c init.defaultBranch=main)

# fixture_console: the guest's own lines of a hugetlb run that lost data
# (as the posted series did, seed 5), with the printk prefix and CRs
fixture_console() {
	sed 's/$/\r/' <<'EOF'
[   15.033970][    T1] SUITE: seed=5 scenario=hugetlb duration=30 api=v6 extras=none
[   15.589822][   T63] KTAP version 1
[   15.590767][   T63] # Subtest: hugetlb
[   16.653321][   T63] ok 1 hugetlbfs mounted
[   16.827155][   T69] # seed hugetlb-anon=524682468216758103
[   16.982109][   T71] # Subtest: hugetlb-anon
[   16.984233][   T71]   # hugetlb-anon: 2 huge pages, mode anon, seed 524682468216758103, 5 s
[   17.171317][   T71] # mismatch (anon page 0 after a move to node 1): page 0 word 0 addr 0x7f9930c00000 expected 2abe4c40a450b8fe found 0000000000000000
[   17.174826][   T71]   not ok 1 data-integrity
[   17.175216][   T71]   ok 2 moved
[   17.260995][   T71]   not ok 3 pool
[   17.299412][   T71]   1..3
[   17.378201][   T63] not ok 2 hugetlb-anon
EOF
}

# fixture_run DIR BASE_LINE REPRODUCE: a results directory with a finding
fixture_run() {
	local d=$1
	mkdir -p "$d"
	fixture_console >"$d/console.log"
	echo hugetlb >"$d/scenario"
	echo 5 >"$d/seed"
	echo 30 >"$d/duration"
	echo finding >"$d/verdict"
	echo "$2" >"$d/patches.txt"
	echo "$3" >"$d/reproduce"
	printf '# Automatically generated file; DO NOT EDIT.\n# Linux/x86 7.2.13 Kernel Configuration\nCONFIG_MIGRATION=y\n' >"$d/config"
	printf 'qemu=backports QEMU emulator version 10.0.2\naccel=tcg,thread=multi\n' >"$d/qemu-version"
	printf '%q ' /x/qemu-system-x86_64 -accel tcg,thread=multi -machine q35,hmat=on \
		-smp 2,sockets=2,cores=1,threads=1 -m 1536M \
		-object memory-backend-ram,id=m0,size=512M -numa node,nodeid=0,cpus=0,memdev=m0 \
		-kernel /x/bzImage -initrd /x/initrd -append 'console=ttyS0,115200 suite.seed=5' >"$d/qemu-cmdline"
	"$BUILD/triage/triage" --reports "$d" "$d/console.log" >"$d/findings.tsv"
	[ -s "$d/findings.tsv" ]
}

# report_sections REPORT: every section a maintainer needs, in one check
# (its negative control below: a report missing one)
report_sections() {
	local f=$1 s missing=()
	for s in '^Subject: \[BUG\] KTAP: not ok hugetlb-anon.data-integrity$' '^tree: ' '^HEAD commit: ' '^base: .*7\.2' \
		'^kernel config: *config' '^console output: ' '^scenario: *hugetlb: ' '^seed: *5 ' '^hit rate: ' \
		'^first bad commit: ' '^unpatched base: ' '^series vs base: *not measured' '^reproducer: *repro.c' '^Console excerpt' \
		'# mismatch (anon page 0 after a move to node 1)' '^Guest' '^  vCPUs: *2' 'NUMA nodes' '^  boot args: .*suite.seed=5' \
		'^  command: .*-append' '^Reproducer:' 'gcc -static' '\./repro -s 524682468216758103 -t 5 -n 2 -m anon -N hugetlb-anon$' \
		'mount -t hugetlbfs' '^Not measured in this report:' '^  - the hit rate' '^  - the unpatched base'; do
		grep -q -- "$s" "$f" || missing+=("$s")
	done
	[ ${#missing[@]} -eq 0 ] || { echo "missing: ${missing[*]}"; return 1; }
}

report_series() {
	local d=$FX/series-run
	fixture_run "$d" "base tarball:/b/debs/linux-source-7.2_7.2.13-1/usr/src/linux-source-7.2.tar.xz:1-2
$(sha256_of "$TOP/patches/7.2/0001-mm-migrate-skip-the-data-copy-for-folios-whose-conte.patch") $TOP/patches/7.2/0001-mm-migrate-skip-the-data-copy-for-folios-whose-conte.patch" \
		"make reproduce BASE=7.2 SCENARIO=hugetlb SEED=5 DURATION=30 QEMU=backports TCG_THREAD=multi" || return 1
	REPRO_RUNS=0 BASE_RUNS=0 "$TOP/scripts/report.sh" "$d" >/dev/null || { echo "report.sh failed"; return 1; }
	report_sections "$d/report.txt" || return 1
	grep -q '^tree: *Debian linux-source-7.2 7.2.13-1' "$d/report.txt" || { echo "no Debian tree line"; return 1; }
	grep -q 'skip the data copy for folios' "$d/report.txt" || { echo "patches.txt's subjects missing"; return 1; }
	grep -q '^first bad commit: not bisected' "$d/report.txt" || { echo "a bisect was claimed"; return 1; }
	grep -q '^  - the first bad commit' "$d/report.txt" || { echo "no bisect, yet not said"; return 1; }
	# the negative control of the section check: one section gone
	grep -v '^unpatched base: ' "$d/report.txt" >"$FX/cut.txt"
	! report_sections "$FX/cut.txt" >/dev/null || { echo "the section check passed a report without its base line"; return 1; }
}
t_run "report: every section, on our series (REPRO_RUNS=0 BASE_RUNS=0: said not measured)" report_series

# the hit rate against the base's count: told apart only where the runs
# can tell (one-sided Fisher exact test at 5 %); its controls: counts a
# flake of the base's own gives, and a series that hits less
tell_apart() {
	local a want got
	while IFS='|' read -r a want; do
		# shellcheck disable=SC2086 # the four counts, on blanks
		got=$("$TOP/scripts/tell-apart.sh" $a 2>&1) || true
		[[ $got == "$want"* ]] || { echo "$a: '$got', not '$want...'"; return 1; }
	done <<'EOF'
3 3 0 3|told apart: 3/3 with the series against 0/3 on the base (one-sided Fisher exact test, p = 0.050)
6 6 0 6|told apart: 6/6 with the series against 0/6 on the base (one-sided Fisher exact test, p = 0.001)
1 3 0 3|not told apart at these counts: 1/3 with the series against 0/3 on the base (one-sided Fisher exact test, p = 0.50)
2 3 1 3|not told apart at these counts: 2/3
3 3 0 1|not told apart at these counts: 3/3 with the series against 0/1 on the base (one-sided Fisher exact test, p = 0.25)
1 3 2 3|not told apart: 1/3 with the series against 2/3 on the base: the series does not hit it more often
4 3 0 3|error: usage: tell-apart.sh
EOF
}
t_run "report: series vs base told apart at 3 runs each only when 3/3 against 0/3" tell_apart

report_repro_builds() {
	local d=$FX/series-run
	command -v gcc >/dev/null || { echo "gcc missing"; return 1; }
	(cd "$d" && gcc -static -O2 -pthread -Wall -o repro repro.c) || { echo "repro.c does not build statically"; return 1; }
	[ -x "$d/repro" ] && ! grep -q '\$' <(sed -n '$p' "$d/repro.sh") || { echo "repro.sh's command keeps shell variables"; return 1; }
	sh -n "$d/repro.sh" || { echo "repro.sh is not valid sh"; return 1; }
}
t_run "report: repro.c builds with gcc -static on its own" report_repro_builds

# repro_alone REPRO_C: it builds with gcc -static in a directory of its own
# (no header of the suite beside it), with no local #include left in it
repro_alone() {
	local iso
	iso=$(mktemp -d "$FX/alone.XXXXXX")
	cp "$1" "$iso/repro.c"
	! grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$iso/repro.c" || { echo "$1: a local #include left in"; return 1; }
	(cd "$iso" && gcc -static -O2 -pthread -Wall -o repro repro.c) || { echo "$1 does not build on its own"; return 1; }
}
# the driver of scenario SCENARIO that TITLE names, as report-repro.sh makes it
repro_of() { # DIR SCENARIO TITLE
	mkdir -p "$1"
	echo "$2" >"$1/scenario"
	echo 9 >"$1/seed"
	echo 30 >"$1/duration"
	: >"$1/console.log"
	"$TOP/scripts/report-repro.sh" "$1" "$3" "$1" >"$1/repro.out" || { echo "report-repro.sh failed for $2"; return 1; }
}
report_repro_sources() {
	local d=$FX/repro-src n
	command -v gcc >/dev/null || { echo "gcc missing"; return 1; }
	# migrate-verify: several .c files, headers that include headers
	repro_of "$d/mv" reasons "KTAP: not ok migrate-verify.data-integrity" || return 1
	[ "$(head -1 "$d/mv/repro.out")" = migrate-verify ] || { echo "not migrate-verify: $(head -1 "$d/mv/repro.out")"; return 1; }
	for n in $(make -s --no-print-directory -C "$TOP/stress" sources-migrate-verify); do
		grep -qx "/\* ---- stress/$n ---- \*/" "$d/mv/repro.c" || { echo "stress/$n is not in the reproducer"; return 1; }
	done
	repro_alone "$d/mv/repro.c" || return 1
	# a driver of one file
	repro_of "$d/cd" reasons "KTAP: not ok compact-drive.progress" || return 1
	[ "$(head -1 "$d/cd/repro.out")" = compact-drive ] || { echo "not compact-drive: $(head -1 "$d/cd/repro.out")"; return 1; }
	[ "$(make -s --no-print-directory -C "$TOP/stress" sources-compact-drive)" = compact-drive.c ] ||
		{ echo "compact-drive is no longer a driver of one file"; return 1; }
	repro_alone "$d/cd/repro.c" || return 1
	# the negative control: one local include left as it was is caught
	{ echo '#include "guest.h"'; cat "$d/cd/repro.c"; } >"$d/cd/left.c"
	! repro_alone "$d/cd/left.c" >/dev/null 2>&1 || { echo "a reproducer with a local #include left in passed"; return 1; }
	sed '/^[[:space:]]*#[[:space:]]*include[[:space:]]*"/d' "$d/cd/left.c" >"$d/cd/fixed.c"
	repro_alone "$d/cd/fixed.c"
}
t_run "report: repro.c of a driver of several files, and of one, builds alone with no local #include left" report_repro_sources

# a git tree: v7.2, one commit of the series (it names the API), one that does not
git_tree() { # DIR
	mkdir -p "$1/mm" "$1/Documentation"
	echo 'VERSION = 7' >"$1/Makefile"
	echo 'int migrate(void) { return 0; }' >"$1/mm/migrate.c"
	echo doc >"$1/Documentation/x.rst"
	(cd "$1" && "${GIT[@]}" init -q && "${GIT[@]}" add -A && "${GIT[@]}" commit -qm base && "${GIT[@]}" tag v7.2 &&
		echo '#define FOLIO_CONTENT_COPIED 4' >>mm/migrate.c && "${GIT[@]}" commit -qam 'mm/migrate: the copied mark' &&
		echo more >>Documentation/x.rst && "${GIT[@]}" commit -qam 'Documentation: unrelated') >/dev/null
}
report_git() {
	local t=$FX/gtree d=$FX/git-run head b
	git_tree "$t"
	head=$(git -C "$t" rev-parse HEAD)
	fixture_run "$d" "base git:$t:$head" \
		"make reproduce BASE=7.2 SCENARIO=hugetlb SEED=5 DURATION=30 KERNEL_SRC='$t' SERIES=none KERNEL_REV=$head SERIES_UPTO=1 OFFLOAD_CPU_COPY=folio QEMU=backports TCG_THREAD=multi" || return 1
	# a bisect of this title, as bisect-git.sh leaves it
	b=$RESULTS/bisect-20261204-000000-hugetlb-s5
	mkdir -p "$b"
	printf 'target:    KTAP: not ok hugetlb-anon.data-integrity\nfirst bad commit: %s ("mm/migrate: the copied mark")\n' \
		"$(git -C "$t" rev-parse HEAD~1)" >"$b/summary.txt"
	REPRO_RUNS=0 BASE_RUNS=0 "$TOP/scripts/report.sh" "$d" >/dev/null || { echo "report.sh failed"; return 1; }
	report_sections "$d/report.txt" || return 1
	grep -q "^HEAD commit: *${head:0:12} Documentation: unrelated" "$d/report.txt" || { echo "HEAD line wrong"; return 1; }
	grep -q '^base: *v7.2 (Linux 7.2.13)' "$d/report.txt" || { echo "base line wrong"; return 1; }
	grep -q "^  $(git -C "$t" rev-parse --short=12 HEAD~1) mm/migrate: the copied mark" "$d/report.txt" ||
		{ echo "the series' commit is not listed"; return 1; }
	! grep -q '^  [0-9a-f]* Documentation: unrelated' "$d/report.txt" || { echo "a commit outside the series is listed"; return 1; }
	grep -q '^first bad commit: [0-9a-f]\{40\} ("mm/migrate: the copied mark") (make bisect: bisect-' "$d/report.txt" ||
		{ echo "the bisect's first bad commit is not in the report"; return 1; }
	# the run had part of the series: its reproduce command builds that part
	grep -q '^  the whole scenario: make reproduce .*SERIES_UPTO=1 .*OFFLOAD_CPU_COPY=folio ' "$d/report.txt" ||
		{ echo "SERIES_UPTO or OFFLOAD_CPU_COPY dropped from the reproduce command"; return 1; }
	rm -rf "$b"
}
t_run "report: a git KERNEL_SRC: HEAD, base tag, the series' commits, the bisect's first bad commit" report_git

# a kernel report (not a KTAP point): its excerpt ends at the panic it
# caused, which prints the same trace again; a provider scenario has no
# stand-alone program, and says why
report_kernel_warn() {
	local d=$FX/warn-run
	fixture_run "$d" "base tarball:/b/debs/linux-source-7.2_7.2.13-1/usr/src/linux-source-7.2.tar.xz:1-2" \
		"make reproduce BASE=7.2 SCENARIO=clean SEED=7 DURATION=30" || return 1
	sed 's/$/\r/' >"$d/console.log" <<'EOF2'
[   15.033970][    T1] SUITE: seed=7 scenario=clean duration=30 api=v6 extras=stats,kunit
[   19.676923][  T100] WARNING: fault_provider.c:247 at fp_module_ref_dropped+0x24/0x40 [fault_provider], CPU#0: migrate-verify/100
[   19.683344][  T100] RIP: 0010:fp_module_ref_dropped+0x27/0x40 [fault_provider]
[   19.689590][  T100] Call Trace:
[   19.690491][  T100]  fp_offload_copy+0x94f/0x2060 [fault_provider]
[   19.692924][  T100]  migrate_offload_batch_copy+0x2a4/0x680
[   19.705235][  T100] Kernel panic - not syncing: kernel: panic_on_warn set ...
[   19.705235][  T100] Call Trace:
[   19.705235][  T100]  vpanic+0x409/0x4d0
EOF2
	echo clean >"$d/scenario"
	echo 7 >"$d/seed"
	"$BUILD/triage/triage" --reports "$d" "$d/console.log" >"$d/findings.tsv"
	grep -q 'WARNING in fp_module_ref_dropped' "$d/findings.tsv" || { echo "the fixture gives no WARNING title"; return 1; }
	REPRO_RUNS=0 BASE_RUNS=0 "$TOP/scripts/report.sh" "$d" >/dev/null || { echo "report.sh failed"; return 1; }
	grep -q '^Subject: \[BUG\] WARNING in fp_module_ref_dropped$' "$d/report.txt" || { echo "subject"; return 1; }
	grep -q 'Kernel panic - not syncing' "$d/report.txt" || { echo "the excerpt lacks the panic line"; return 1; }
	! grep -q 'vpanic' "$d/report.txt" || { echo "the excerpt runs on past the panic"; return 1; }
	grep -q "^reproducer: *none" "$d/report.txt" && grep -q "provider skeleton.*needs the suite's module" "$d/report.txt" ||
		{ echo "no reason for the missing reproducer"; return 1; }
}
t_run "report: a kernel WARNING: excerpt up to its panic; a provider scenario says why it has no reproducer" report_kernel_warn

# a selftest program's run that failed under a provider: the excerpt is
# its own subtest, ending in its failure and the vmstat line, not the
# head of the scenario's thousands of lines
report_selftest_point() {
	local d=$FX/selftest-run i
	fixture_run "$d" "base tarball:/b/debs/linux-source-7.2_7.2.13-1/usr/src/linux-source-7.2.tar.xz:1-2" \
		"make reproduce BASE=7.2 SCENARIO=selftests-modes SEED=15 SELFTESTS='migration split' MODES='stall unregister'" || return 1
	{
		echo '[   15.033970][    T1] SUITE: seed=15 scenario=selftests-modes duration=30 api=v6 extras=stats,kunit'
		echo '[   15.589822][   T63] KTAP version 1'
		echo '[   15.590767][   T63] # Subtest: selftests-modes'
		for i in $(seq 1 80); do echo "[   16.000000][   T63]     # filler $i"; done
		echo '[   16.100000][   T63] ok 1 selftest-split'
		echo '[   16.200000][   T70]     KTAP version 1'
		echo '[   16.200001][   T70]     # Subtest: selftest-split-provider-stall'
		echo '[   16.200002][   T70]     1..1'
		echo '[   16.300000][   T70]     # order 4: expected 128 got 95'
		echo '[   16.300001][   T70]     # Bail out! Unexpected THP split'
		echo '[   16.300002][   T70]     # selftest split: exit 1 after 3 s'
		printf '[   16.300003][   T70] SELFTEST-END: split-provider-stall\tfail\texit=1 seconds=3 cases=0 ok=0 fail=0 skip=0 migrations=0\n'
		echo '[   16.300004][   T70] # selftest split: vmstat while it ran: numa_pages_migrated +16'
		echo '[   16.300005][   T63] not ok 2 selftest-split-provider-stall'
		echo '[   16.400000][   T63] 1..2'
	} | sed 's/$/\r/' >"$d/console.log"
	echo selftests-modes >"$d/scenario"
	"$BUILD/triage/triage" --reports "$d" "$d/console.log" >"$d/findings.tsv"
	grep -q 'KTAP: not ok selftests-modes.selftest-split-provider-stall' "$d/findings.tsv" || { echo "the fixture gives no such title:"; cat "$d/findings.tsv"; return 1; }
	REPRO_RUNS=0 BASE_RUNS=0 "$TOP/scripts/report.sh" "$d" >/dev/null || { echo "report.sh failed"; return 1; }
	for i in 'Bail out! Unexpected THP split' 'vmstat while it ran: numa_pages_migrated +16' 'not ok 2 selftest-split-provider-stall'; do
		grep -qF -- "$i" "$d/report.txt" || { echo "the excerpt lacks: $i"; return 1; }
	done
	! grep -q 'filler' "$d/report.txt" || { echo "the excerpt is the scenario's head"; return 1; }
	grep -qF 'the entry alone, under its mode: make reproduce BASE=7.2 SELFTESTS=split MODES=stall SCENARIO=selftests-modes SEED=' "$d/report.txt" ||
		{ echo "no reproduce line of the entry alone:"; grep -A2 '^Reproducer' "$d/report.txt"; return 1; }
	grep -q "^  none: scenario selftests-modes runs the kernel's own mm selftests" "$d/report.txt" || { echo "no reason for the missing reproducer"; return 1; }
}
t_run "report: a selftest program's failing run: its own subtest is the excerpt, the entry alone its reproduce line" report_selftest_point

# the entry and mode a family title names (the hit rate runs them alone);
# another title names none
selftest_title_words() {
	local t want got bad=0
	while IFS='|' read -r t want; do
		got=$(title_selftest_env "$t" | paste -sd' ')
		[ "$got" = "$want" ] || { echo "$t: '$got', not '$want'"; bad=1; }
	done <<'EOF2'
KTAP: not ok selftests-modes.selftest-split_huge_page_test-provider-stall|SELFTESTS=split_huge_page_test MODES=stall
KTAP: not ok selftest-uffd-unit-tests-provider-unregister.sigbus-wp|SELFTESTS=uffd-unit-tests MODES=unregister
KTAP: not ok selftests-stall.selftest-ksm_tests-numa-provider|SELFTESTS=ksm_tests-numa
KTAP: not ok selftests-none.selftest-khugepaged|SELFTESTS=khugepaged
KTAP: not ok hugetlb-anon.data-integrity|
KASAN: slab-use-after-free in migrate_pages_batch|
EOF2
	return $bad
}
t_run "report: a selftests family title names its entry and mode; others none" selftest_title_words

# refusals: one line on stderr, exit 2
expect_refusal() { # NAME PATTERN COMMAND...
	local name=$1 pat=$2 rc=0 err
	shift 2
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] && grep -q -- "$pat" <<<"$err"; then
		t_pass "$name"
	else
		t_fail "$name (exit $rc, stderr: $err)"
	fi
}
mkdir -p "$FX/clean"
fixture_run "$FX/clean" "base tarball:/x:1-2" "make reproduce" || true
: >"$FX/clean/findings.tsv"
echo pass >"$FX/clean/verdict"
expect_refusal "report: a run without a finding is refused in one line, exit 2" "has no finding (verdict pass): nothing to report" \
	"$TOP/scripts/report.sh" "$FX/clean"
expect_refusal "report: no results directory, exit 2" "is not the results directory of a run" "$TOP/scripts/report.sh" "$FX"
expect_refusal "report: a title the run does not have, exit 2" "no finding titled 'nosuch'" \
	env TITLE=nosuch "$TOP/scripts/report.sh" "$FX/series-run"
expect_refusal "report: bad REPRO_RUNS, exit 2" "bad REPRO_RUNS" env REPRO_RUNS=x "$TOP/scripts/report.sh" "$FX/series-run"

# --- the base tree of a git KERNEL_SRC: the revision is in the artifact id -----
kernel_id() { # TREE [VAR=value...]
	local t=$1
	shift
	env KERNEL_SRC="$t" SERIES=none "$@" "$TOP/scripts/build-kernel.sh" --dir
}
git_base_ids() {
	local t=$FX/idtree a b c d e
	git_tree "$t"
	a=$(kernel_id "$t") && b=$(kernel_id "$t" KERNEL_REV=HEAD~1) || return 1
	[ "$a" != "$b" ] || { echo "two commits, one artifact id"; return 1; }
	[ "$a" = "$(kernel_id "$t" KERNEL_REV="$(git -C "$t" rev-parse HEAD)")" ] || { echo "HEAD by name and by id differ"; return 1; }
	echo untracked >"$t/mm/new.c"
	[ "$a" = "$(kernel_id "$t" 2>/dev/null)" ] || { echo "an untracked file changed the id"; return 1; }
	echo '/* edit */' >>"$t/mm/migrate.c"
	c=$(kernel_id "$t") && d=$(kernel_id "$t") || return 1
	[ "$c" != "$a" ] || { echo "a tracked change did not change the id"; return 1; }
	[ "$c" = "$d" ] || { echo "the same changes, two ids ($c, $d)"; return 1; }
	# the user's repository: no new ref, HEAD and the work tree as they were
	[ "$(git -C "$t" stash list | wc -l)" = 0 ] || { echo "a stash entry was left"; return 1; }
	git -C "$t" diff --quiet HEAD -- Makefile || { echo "the work tree changed"; return 1; }
	e=$(KERNEL_SRC=/tmp "$TOP/scripts/build-kernel.sh" --dir 2>&1) && { echo "a non-tree accepted: $e"; return 1; }
	return 0
}
t_run "build-kernel: a git KERNEL_SRC's id follows KERNEL_REV and tracked changes, not untracked files" git_base_ids
expect_refusal "build-kernel: KERNEL_REV that is no commit, exit 2" "KERNEL_REV=nosuch is not a commit" \
	env KERNEL_SRC="$FX/idtree" SERIES=none KERNEL_REV=nosuch "$TOP/scripts/build-kernel.sh" --dir
mkdir -p "$FX/plain/mm" && touch "$FX/plain/Makefile"
expect_refusal "build-kernel: KERNEL_REV on a tree without git, exit 2" "needs KERNEL_SRC to be a git work tree" \
	env KERNEL_SRC="$FX/plain" SERIES=none KERNEL_REV=HEAD "$TOP/scripts/build-kernel.sh" --dir

# the reproduce line of a run on a git tree names the commit built
reproduce_lines() {
	local a=$FX/revart r=0123456789abcdef0123456789abcdef01234567 l
	mkdir -p "$a"
	printf 'base git:/src/a:b:%s\n0001-x.patch\n' "$r" >"$a/patches.txt"
	l=$(BASE=7.2 KERNEL_SRC=/src/a:b SERIES=none reproduce_line "$a" hugetlb 5 30)
	[ "$l" = "make reproduce BASE=7.2 SCENARIO=hugetlb SEED=5 DURATION=30 KERNEL_SRC='/src/a:b' SERIES=none KERNEL_REV=$r QEMU=$QEMU TCG_THREAD=$TCG_THREAD" ] ||
		{ echo "git tree: $l"; return 1; }
	echo "base tarball:/x:1-2" >"$a/patches.txt"
	l=$(BASE=7.2 FLAVOUR=kcsan SERIES_UPTO=2 OFFLOAD_CPU_COPY=batch reproduce_line "$a" smoke 1 20)
	[ "$l" = "make reproduce BASE=7.2 SCENARIO=smoke SEED=1 DURATION=20 SERIES_UPTO=2 FLAVOUR=kcsan OFFLOAD_CPU_COPY=batch QEMU=$QEMU TCG_THREAD=$TCG_THREAD" ] ||
		{ echo "tarball: $l"; return 1; }
}
t_run "run: the reproduce line names a git tree's commit, SERIES_UPTO, the flavour and a forced CPU copy" reproduce_lines

# --- git bisect run with the suite's exit codes, the step stubbed -------------
# A copy of the scripts whose bisect-step.sh judges a commit by its text
# (bad once mm/migrate.c has the mark): the plumbing, not the kernel
bisect_plumbing() {
	local top=$FX/top t=$FX/btree out rc=0 refs_before
	mkdir -p "$top"
	cp -r "$TOP/scripts" "$TOP/stress" "$TOP/patches" "$top/"
	cat >"$top/scripts/bisect-step.sh" <<'EOF'
#!/usr/bin/env bash
rev=${1:-$(git -C "$BISECT_REPO" rev-parse BISECT_HEAD)}
unset GIT_DIR GIT_WORK_TREE
echo "$rev" >>"$BISECT_DIR/builds.txt"
echo "$rev x" >>"$BISECT_DIR/boots.txt"
[ -z "${STUB_SKIP:-}" ] || exit 125
# a step of git bisect run that hangs, as a build or a boot would
if [ -n "${STUB_HANG:-}" ] && [ -z "${1:-}" ]; then
	sleep 600 &
	echo "$$ $!" >"$STUB_HANG"
	wait
fi
v=good
git -C "$KERNEL_SRC" show "$rev:mm/migrate.c" | grep "${STUB_MARK:-FOLIO_CONTENT_COPIED}" >/dev/null && v=bad
[ -s "$BISECT_DIR/target" ] || echo "T" >"$BISECT_DIR/target"
printf '%s\t%s\t1\t%s\tT\n' "$rev" "$v" "$(git -C "$KERNEL_SRC" log -1 --format=%s "$rev")" >>"$BISECT_DIR/log.tsv"
[ $v = good ] && exit 0 || exit 1
EOF
	git_tree "$t"
	(cd "$t" && for i in 1 2 3; do echo "$i" >>Documentation/x.rst && "${GIT[@]}" commit -qam "doc $i"; done)
	refs_before=$(git -C "$t" for-each-ref; git -C "$t" rev-parse HEAD; git -C "$t" status --porcelain)
	out=$(TOP=$top BUILD=$FX/build KERNEL_SRC=$t SERIES=none "$top/scripts/bisect.sh" hugetlb 5 1 2>&1) || rc=$?
	[ "$rc" = 0 ] || { echo "exit $rc: $out"; return 1; }
	grep -q "^first bad commit: $(git -C "$t" rev-parse HEAD~4) (\"mm/migrate: the copied mark\")" <<<"$out" ||
		{ echo "wrong first bad commit: $out"; return 1; }
	grep -q '^cost: *[0-9]* kernel builds, [0-9]* boots' <<<"$out" || { echo "no cost line"; return 1; }
	[ "$refs_before" = "$(git -C "$t" for-each-ref; git -C "$t" rev-parse HEAD; git -C "$t" status --porcelain)" ] ||
		{ echo "the user's repository changed"; return 1; }
	[ -z "$(ls -A "$FX/build/bisect" 2>/dev/null)" ] || { echo "the bisect's clone was left in build/bisect"; return 1; }
	# BAD without the finding: nothing to bisect, exit 1
	rc=0
	out=$(STUB_MARK=nosuch TOP=$top BUILD=$FX/build KERNEL_SRC=$t SERIES=none "$top/scripts/bisect.sh" hugetlb 5 1 2>&1) || rc=$?
	[ "$rc" = 1 ] && grep -q '^first bad commit: none: BAD does not reproduce' <<<"$out" ||
		{ echo "BAD without the finding: exit $rc: $out"; return 1; }
	# BAD that cannot be tested (no build, the scenario cannot run there): exit 2, not "does not reproduce"
	rc=0
	out=$(STUB_SKIP=1 TOP=$top BUILD=$FX/build KERNEL_SRC=$t SERIES=none "$top/scripts/bisect.sh" hugetlb 5 1 2>&1) || rc=$?
	[ "$rc" = 2 ] && grep -q '^error: BAD (.*) cannot be tested' <<<"$out" ||
		{ echo "BAD untestable: exit $rc: $out"; return 1; }
	rc=0
	out=$(TOP=$top BUILD=$FX/build KERNEL_SRC=$t SERIES=none BAD=v7.2 GOOD=v7.2 "$top/scripts/bisect.sh" hugetlb 5 1 2>&1) || rc=$?
	[ "$rc" = 2 ] || { echo "GOOD = BAD: exit $rc: $out"; return 1; }
	bisect_killed "$top" "$t"
}
# a kill of the bisect (make's SIGTERM) ends the step git bisect run is in
# and removes the bisect's clone
bisect_killed() {
	local top=$1 t=$2 pid i p left=""
	rm -f "$FX/hang"
	STUB_HANG=$FX/hang TOP=$top BUILD=$FX/build KERNEL_SRC=$t SERIES=none "$top/scripts/bisect.sh" hugetlb 5 1 >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 100); do [ -s "$FX/hang" ] && break; sleep 0.1; done
	[ -s "$FX/hang" ] || { echo "the hanging step never started"; kill "$pid"; return 1; }
	kill -TERM "$pid"
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	for p in $pid $(cat "$FX/hang"); do
		if [ "$(ps -o stat= -p "$p" 2>/dev/null | cut -c1)" != Z ] && kill -0 "$p" 2>/dev/null; then left+=" $p"; fi
	done
	[ -z "$left" ] || { echo "left running 5 s after SIGTERM: $(ps -o args= -p "$(echo $left | tr " " ,)" | tr '\n' ';')"; kill -KILL $left; return 1; }
	[ -z "$(ls -A "$FX/build/bisect" 2>/dev/null)" ] || { echo "a killed bisect left its clone in build/bisect"; return 1; }
}
t_run "bisect: git bisect run on a git KERNEL_SRC finds the first bad commit, the user's repository untouched, a kill ends its step" bisect_plumbing

t_summary
