#!/usr/bin/env bash
# Host tests of what the modules may call (scripts/symvers.sh) and of what
# the guest makes of a module the tree could not build (stress/guest/lib.sh's
# insmod), on synthetic export lists, objects compiled here and busybox sh.
# Called by unit.sh; runs alone too.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/testlib.sh"

TEST_GROUP="unit: exports and unbuildable modules"
SV=$TOP/scripts/symvers.sh
T=$(tmp_dir)

# A Module.symvers as modpost writes it (a module's export too, which the
# guest cannot link against: it loads no in-tree module), and a System.map
printf '0x00000000\t%s\tvmlinux\tEXPORT_SYMBOL_GPL\t\n' folio_mc_copy migrate_folios_mc_copy \
	migrate_offload_register _printk >"$T/exported.symvers"
printf '0x00000000\tdcbm_helper\tdrivers/dma/dcbm\tEXPORT_SYMBOL\t\n' >>"$T/exported.symvers"
grep -v migrate_folios_mc_copy "$T/exported.symvers" >"$T/unexported.symvers"
printf 'ffffffff81000000 T migrate_folios_mc_copy\nffffffff82000010 r __ksymtab_folio_mc_copy\nffffffff82000020 r __ksymtab__printk\n' \
	>"$T/System.map"

# eq NAME WANT COMMAND...: the command's stdout, exactly
eq() {
	local name=$1 want=$2 got
	shift 2
	got=$("$@" 2>&1) || { t_fail "$name (exit $?: $got)"; return; }
	if [ "$got" = "$want" ]; then t_pass "$name"; else t_fail "$name (got '$got', want '$want')"; fi
}

"$SV" exports "$T/exported.symvers" >"$T/exported" &&
	"$SV" exports "$T/unexported.symvers" >"$T/unexported" &&
	"$SV" exports "$T/System.map" >"$T/map" || t_fail "symvers: exports failed"
eq "symvers: vmlinux's exports from Module.symvers, not a module's" \
	"$(printf '%s\n' _printk folio_mc_copy migrate_folios_mc_copy migrate_offload_register)" cat "$T/exported"
eq "symvers: exports from System.map (__ksymtab_), not every symbol" \
	"$(printf '%s\n' _printk folio_mc_copy)" cat "$T/map"
eq "symvers: batch copy exported (v6): the series' own" \
	"batch migrate_folios_mc_copy migrate_folios_mc_copy" "$SV" copy v6 "$T/exported"
eq "symvers: batch copy declared, not exported (posted v6): folio_mc_copy loop" \
	"folio folio_mc_copy migrate_folios_mc_copy" "$SV" copy v6 "$T/unexported"
eq "symvers: our 6.12 port's batch copy is folios_mc_copy" \
	"folio folio_mc_copy folios_mc_copy" "$SV" copy port612 "$T/exported"

# a file that lists no exports is refused in one line, never read as "the
# kernel exports nothing"
printf 'hello\n' >"$T/garbage"
expect_fail() { # NAME PATTERN COMMAND...: exit 2, one line matching PATTERN
	local name=$1 pat=$2 rc=0 err
	shift 2
	err=$("$@" 2>&1 >/dev/null) || rc=$?
	if [ "$rc" = 2 ] && [ "$(printf '%s\n' "$err" | grep -c .)" = 1 ] && grep -q -- "$pat" <<<"$err"; then
		t_pass "$name"
	else
		t_fail "$name (exit $rc: $err)"
	fi
}
expect_fail "symvers: no export list in the file: exit 2" "neither a Module.symvers nor a System.map" \
	"$SV" exports "$T/garbage"
expect_fail "symvers: empty file: exit 2" "no export list" "$SV" exports /dev/null
expect_fail "symvers: unknown API: exit 2" "no batch copy for API" "$SV" copy v9 "$T/exported"
expect_fail "symvers: no such module: exit 2" "no such module" "$SV" missing "$T/exported" "$T/nosuch.ko"

# Objects compiled here stand for modules: a provider that calls the batch
# copy, one that copies with folio_mc_copy(), and a weak reference (the
# loader resolves a missing weak symbol to 0, so it stops nothing)
cat >"$T/batch.c" <<'EOF'
int migrate_folios_mc_copy(void *d, void *s, unsigned int n);
int folio_mc_copy(void *d, void *s);
int _printk(const char *f, ...);
extern int maybe_there __attribute__((weak));
int copy(void *d, void *s) { _printk("x"); return migrate_folios_mc_copy(d, s, 1) + folio_mc_copy(d, s) + (&maybe_there != 0); }
EOF
cat >"$T/folio.c" <<'EOF'
int folio_mc_copy(void *d, void *s);
int copy(void *d, void *s) { return folio_mc_copy(d, s); }
EOF
if gcc -c -o "$T/rival.ko" "$T/batch.c" && gcc -c -o "$T/mt_provider.ko" "$T/folio.c"; then
	eq "symvers: every call exported: no module left out" "" \
		"$SV" missing "$T/exported" "$T/rival.ko" "$T/mt_provider.ko"
	eq "symvers: the batch copy not exported: its caller named with it, the other built" \
		"rival migrate_folios_mc_copy" "$SV" missing "$T/unexported" "$T/rival.ko" "$T/mt_provider.ko"
	# negative control: any symbol the list lacks is reported, not only
	# the one this was written for
	grep -vx folio_mc_copy "$T/unexported" >"$T/neither"
	eq "symvers: negative control: folio_mc_copy missing too is reported for both" \
		"$(printf 'rival folio_mc_copy,migrate_folios_mc_copy\nmt_provider folio_mc_copy')" \
		"$SV" missing "$T/neither" "$T/rival.ko" "$T/mt_provider.ko"
else
	t_fail "symvers: gcc could not compile the stand-in modules"
fi

# --- the guest: insmod of a module the host left out ------------------------------
# stress/guest/lib.sh under busybox sh, as in the guest; its real insmod
# (busybox's applet, which would make the system call on this host) stands
# in as a function that fails, as a module that is there but does not load
BB=$(command -v busybox || echo /bin/busybox)
mkdir -p "$T/modules"
: >"$T/modules/fault_provider.ko"
# guest_run UNBUILT SCRIPT: the scenario's lines after sourcing lib.sh;
# prints its output and "rc=N"
guest_run() {
	local rc=0
	GUEST_LIB_DIR=$TOP/stress/guest SUITE_scenario=double-register SUITE_unbuilt=$1 "$BB" sh -c ". '$TOP/stress/guest/lib.sh'
		insmod_real() { echo \"real insmod \$*\"; return 3; }
		ktap_begin double-register; $2" 2>&1 || rc=$?
	echo "rc=$rc"
}
guest_skip() {
	local out
	out=$(guest_run "rival:migrate_folios_mc_copy,odd_register:migrate_folios_mc_copy+x" \
		"ok first; check 'rival loaded' insmod $T/modules/rival.ko expect_busy=1; not_ok 'ran on after the skip'")
	grep -qx "ok 2 double-register needs rival.ko # SKIP not built for this tree: the kernel does not export migrate_folios_mc_copy" <<<"$out" &&
		grep -qx '1..2' <<<"$out" && ! grep -q 'ran on' <<<"$out" && grep -qx 'rc=0' <<<"$out" ||
		{ echo "$out"; return 1; }
}
t_run "guest: insmod of a module named unbuildable: a SKIP naming the symbol, the scenario ends" guest_skip
guest_not_named() {
	local out
	out=$(guest_run "odd_register:migrate_folios_mc_copy" "insmod $T/modules/rival.ko || echo 'read as refused'")
	grep -q '^not ok 1 rival.ko is in the initramfs' <<<"$out" && ! grep -q 'refused' <<<"$out" &&
		grep -qx 'rc=1' <<<"$out" || { echo "$out"; return 1; }
}
t_run "guest: a module missing for no reason the host gave: a failure, never a refusal or a skip" guest_not_named
guest_fails_to_load() {
	local out
	out=$(guest_run "none" "check 'fault_provider loaded' insmod $T/modules/fault_provider.ko seed=1; ktap_end")
	grep -qx 'real insmod .*fault_provider.ko seed=1' <<<"$out" && grep -q '^not ok 1 fault_provider loaded' <<<"$out" &&
		! grep -q SKIP <<<"$out" && grep -qx 'rc=1' <<<"$out" || { echo "$out"; return 1; }
}
t_run "guest: a module that is there and fails to load: a failure, not a skip" guest_fails_to_load
guest_subshell() {
	local out
	out=$(guest_run "rival:migrate_folios_mc_copy" "if (insmod $T/modules/rival.ko); then echo 'loaded?'; else echo 'insmod failed'; fi")
	grep -qx 'insmod failed' <<<"$out" || { echo "$out"; return 1; }
}
t_run "guest: an unbuildable module loaded from a subshell reads as failed, not loaded" guest_subshell

rm -rf "$T"
t_summary
