#!/usr/bin/env bash
# What the kernel's mm selftests did in one run, from its console (the
# guest's SELFTEST lines: stress/guest/lib-selftests.sh).
#
#   scripts/selftests-table.sh RUN_DIR          per phase, then per entry
#   scripts/selftests-table.sh --xfail RUN_DIR  the failing cases, as lines
#                                               of stress/selftests/base-BASE.xfail
#
# The first form prints nothing for a run that ran no selftest. Per phase
# (none, provider): cases run, ok, failed, skipped, expected failures, its
# seconds, pgmigrate_success and provider calls, each also per second. Per
# entry: its verdict and counts in each phase, its seconds and the pages
# migrated while it ran.
#
# --xfail is how a base's list of its own failures is made: run
# selftests-none on the unpatched base (make stress SERIES_UPTO=0
# SCENARIO=selftests-none), then this on its results directory; a case
# that failed there is one the series cannot be blamed for.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

xfail=0
[ "${1:-}" != --xfail ] || { xfail=1; shift; }
run=${1:-}
[ -f "$run/console.log" ] || die "usage: selftests-table.sh [--xfail] RUN_DIR (no console.log in '$run')"

# the guest's lines, without the console's timestamps and carriage returns
lines() {
	console_said "$run/console.log" 'SELFTEST[A-Z-]*'
}

if [ "$xfail" = 1 ]; then
	# "NAME<TAB>CASE<TAB>why": a failing case, or a program that failed as
	# a whole ("(program)"), of the phase with no provider
	lines | awk -F'\t' -v base="$(cat "$run/base" 2>/dev/null || echo '?')" -v r="$(basename "$run")" '
		/^SELFTEST: / && $3 == "fail" { n = substr($1, 11); if (n !~ /-provider$/) print n "\t" $2 "\tfails on the unpatched " base " (" r ")"; next }
		/^SELFTEST-END: / && ($2 == "fail" || $2 == "timeout") {
			n = substr($1, 15); if (n ~ /-provider$/) next
			split($3, kv, " "); f = kv[5]; sub(/^fail=/, "", f)
			if (f == 0) print n "\t(program)\tfails on the unpatched " base " (" r ")"
		}'
	exit 0
fi

lines | awk -F'\t' '
	function phase(p) { return p ~ /-provider$/ ? "provider" : "none" }
	function entry(p) { sub(/-provider$/, "", p); return p }
	function kv(s, k,   a, n, i) { n = split(s, a, " "); for (i = 1; i <= n; i++) if (index(a[i], k "=") == 1) return substr(a[i], length(k) + 2); return 0 }
	/^SELFTEST-END: / {
		p = substr($1, 15); ph = phase(p); e = entry(p)
		if (!(e in seen)) { seen[e] = 1; order[++n] = e }
		v[e, ph] = $2
		if ($2 == "skip" && $3 !~ /^exit=/) { why[e, ph] = $3; next }
		c[e, ph] = kv($3, "cases"); o[e, ph] = kv($3, "ok"); f[e, ph] = kv($3, "fail")
		s[e, ph] = kv($3, "skip"); x[e, ph] = kv($3, "xfail"); sec[e, ph] = kv($3, "seconds")
		mig[e, ph] = $3 ~ /(^| )migrations=/ ? " " kv($3, "migrations") "m" : ""
		T[ph, "cases"] += c[e, ph]; T[ph, "ok"] += o[e, ph]; T[ph, "fail"] += f[e, ph]
		T[ph, "skip"] += s[e, ph]; T[ph, "xfail"] += x[e, ph]
		next
	}
	/^SELFTEST-PHASE: / {
		ph = substr($1, 17); phases[ph] = $2
	}
	END {
		if (!n) exit
		for (j = 1; j <= 2; j++) {
			ph = j == 1 ? "none" : "provider"
			if (!(ph in phases)) continue
			secs = kv(phases[ph], "seconds"); m = kv(phases[ph], "pgmigrate_success")
			calls = kv(phases[ph], "provider_calls"); off = kv(phases[ph], "offloaded")
			d = secs + 0 > 0 ? secs + 0 : 1
			printf "selftests %-8s %d cases: %d ok, %d failed, %d skipped, %d expected failures; %d s; %d migrations (%.0f/s), %s batches offloaded, %d provider calls (%.0f/s)\n",
				ph ":", T[ph, "cases"], T[ph, "ok"], T[ph, "fail"], T[ph, "skip"], T[ph, "xfail"], secs, m, m / d, off, calls, calls / d
		}
		printf "  %-26s %-40s %s\n", "ENTRY", "NONE (verdict cases/ok/fail/skip s migrated)", "PROVIDER"
		for (i = 1; i <= n; i++) {
			e = order[i]; line = sprintf("  %-26s", e)
			for (j = 1; j <= 2; j++) {
				ph = j == 1 ? "none" : "provider"
				if (!((e, ph) in v)) cell = "-"
				else if ((e, ph) in why) cell = v[e, ph] " (" why[e, ph] ")"
				else cell = sprintf("%s %d/%d/%d/%d %ds%s", v[e, ph], c[e, ph], o[e, ph], f[e, ph], s[e, ph], sec[e, ph], mig[e, ph])
				line = line sprintf(" %-40s", cell)
			}
			sub(/ +$/, "", line)
			print line
		}
	}'
