#!/usr/bin/env bash
# What the kernel's mm selftests did in one run, from its console (the
# guest's SELFTEST lines: stress/guest/lib-selftests.sh).
#
#   scripts/selftests-table.sh RUN_DIR          per phase, then per entry
#   scripts/selftests-table.sh --modes RUN_DIR...
#                                               the family's runs side by side:
#                                               per run and phase, then per
#                                               entry and provider mode
#   scripts/selftests-table.sh --xfail RUN_DIR  the failing cases, as lines
#                                               of stress/selftests/base-BASE.xfail
#
# The first two print nothing for runs that ran no selftest. Per phase
# (none, provider): cases run, ok, failed, skipped, expected failures, its
# seconds, pgmigrate_success and provider calls, each also per second. Per
# entry: its verdict and counts in each phase, its seconds and the pages
# migrated while it ran. --modes names each run's provider phase after its
# scenario (selftests-fail: "fail"); an entry's cell is its
# cases/ok/fail/skip, then its verdict when that is not pass; the none
# column is the first run's, marked "*" where another run's none phase
# gave the entry another verdict (listed under the table: a flaky test, or
# one a run's earlier modes disturbed).
#
# --xfail is how a base's list of its own failures is made: run
# selftests-none on the unpatched base (make stress SERIES_UPTO=0
# SCENARIO=selftests-none), then this on its results directory; a case
# that failed there is one the series cannot be blamed for.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

xfail=0 modes=0
case ${1:-} in
--xfail) xfail=1; shift ;;
--modes) modes=1; shift ;;
esac
[ $# = 1 ] || [ "$modes" = 1 ] || die "usage: selftests-table.sh [--xfail | --modes] RUN_DIR... (one run unless --modes)"
[ $# -ge 1 ] || die "usage: selftests-table.sh --modes RUN_DIR... (no run given)"
for run in "$@"; do
	[ -f "$run/console.log" ] || die "usage: selftests-table.sh [--xfail | --modes] RUN_DIR... (no console.log in '$run')"
done
run=$1

# lines [RUN]: the guest's lines, without the console's timestamps and
# carriage returns
lines() {
	console_said "${1:-$run}/console.log" 'SELFTEST[A-Z-]*'
}

# mode RUN: the provider mode a run of the family ran, from its scenario's
# name (selftests-fail: fail), else the whole name
mode() {
	local s
	s=$(cat "$1/scenario" 2>/dev/null || basename "$1")
	echo "${s#selftests-}"
}

# xfail_lines: "NAME<TAB>CASE<TAB>why": a failing case, or a program that
# failed as a whole ("(program)"), of the run's phase with no provider; a
# program's line ends in its last "ERROR" or "Bail out!" line, when it
# printed one, the text that tells its failure from another
# (selftest_ktap)
xfail_lines() {
	console_text "$run/console.log" |
		awk -F'\t' -v base="$(cat "$run/base" 2>/dev/null || echo '?')" -v r="$(basename "$run")" '
		/^ *# Subtest: selftest-/ { cur = $0; sub(/.*# Subtest: selftest-/, "", cur); next }
		/^ *# (ERROR|Bail out!)/ && cur != "" { t = $0; sub(/^ *# /, "", t); text[cur] = t; next }
		/^SELFTEST: / && $3 == "fail" { n = substr($1, 11); if (n !~ /-provider(-[a-z]+)?$/) print n "\t" $2 "\tfails on the unpatched " base " (" r ")"; next }
		/^SELFTEST-END: / && ($2 == "fail" || $2 == "timeout") {
			n = substr($1, 15); if (n ~ /-provider(-[a-z]+)?$/) next
			split($3, kv, " "); f = kv[5]; sub(/^fail=/, "", f)
			if (f == 0) print n "\t(program)\tfails on the unpatched " base " (" r ")" (n in text ? "\t" text[n] : "")
		}'
}

# mode_lines RUN...: each run's lines behind its mode: "fail", "fail#2"
# for a second run of it, "fail@6.12" when the runs are of more than one
# base
mode_lines() {
	local base=() mixed=0 seen=" " run m k i
	for run in "$@"; do base+=("$(cat "$run/base" 2>/dev/null || echo '?')"); done
	for i in "${!base[@]}"; do [ "${base[i]}" = "${base[0]}" ] || mixed=1; done
	i=0
	for run in "$@"; do
		m=$(mode "$run") k=2
		[ "$mixed" = 0 ] || m+="@${base[i]}"
		i=$((i + 1))
		while [[ $seen == *" $m "* ]]; do m=${m%#*}#$k k=$((k + 1)); done
		seen+="$m "
		lines "$run" | sed "s|^|$m\t|"
	done
}

# table: the table of mode_lines' input (modes=1: the --modes form)
table() {
	awk -F'\t' -v modes="$modes" '
	# a point: ENTRY with no provider, ENTRY-provider under the provider
	# of a selftests-MODE run, ENTRY-provider-MODE under each mode of selftests-modes
	function phase(p) { return match(p, /-provider(-[a-z]+)?$/) ? substr(p, RSTART + 1) : "none" }
	function entry(p) { sub(/-provider(-[a-z]+)?$/, "", p); return p }
	function kv(s, k,   a, n, i) { n = split(s, a, " "); for (i = 1; i <= n; i++) if (index(a[i], k "=") == 1) return substr(a[i], length(k) + 2); return 0 }
	# a run is a mode (its phases: MODE/none, MODE/provider, or
	# modes/provider-M a mode M); the single-run table names its phases
	# none, provider, provider-M
	function key(md, ph) { return modes ? md "/" ph : ph }
	# the column of a provider phase: the mode of its run, or M followed
	# by the "#2" or "@BASE" of its run
	function column_label(md, ph,   d) { if (ph == "provider") return md; d = md; sub(/^[^#@]*/, "", d); return substr(ph, 10) d }
	# a mode run alone and in selftests-modes too: fail, fail#2
	function saw(ph,   l, b, k) {
		if (ph in ran) return
		ran[ph] = 1; po[++npo] = ph; l = b = column_label(md, substr(ph, index(ph, "/") + 1)); k = 2
		while (l in taken) l = b "#" k++
		taken[l] = 1; lab[ph] = l
	}
	{ md = $1; $0 = substr($0, length(md) + 2) }
	!(md in runs) { runs[md] = 1; run[++nr] = md }
	/^SELFTEST-END: / {
		p = substr($1, 15); ph = key(md, phase(p)); e = entry(p)
		if (!(e in seen)) { seen[e] = 1; order[++n] = e }
		# the phases seen, by an entry or by their line, in that order
		v[e, ph] = $2; saw(ph)
		if ($2 == "skip" && $3 !~ /^exit=/) { why[e, ph] = $3; next }
		c[e, ph] = kv($3, "cases"); o[e, ph] = kv($3, "ok"); f[e, ph] = kv($3, "fail")
		s[e, ph] = kv($3, "skip"); x[e, ph] = kv($3, "xfail"); sec[e, ph] = kv($3, "seconds")
		mig[e, ph] = $3 ~ /(^| )migrations=/ ? " " kv($3, "migrations") "m" : ""
		T[ph, "cases"] += c[e, ph]; T[ph, "ok"] += o[e, ph]; T[ph, "fail"] += f[e, ph]
		T[ph, "skip"] += s[e, ph]; T[ph, "xfail"] += x[e, ph]
		next
	}
	/^SELFTEST-PHASE: / {
		ph = key(md, substr($1, 17)); phases[ph] = $2; saw(ph)
	}
	function summary(ph, label,   secs, m, calls, off, d) {
		# entries ran, but the run ended (a hang, a crash) before its
		# phase line: their counts, and no totals
		if (!(ph in phases)) {
			printf "selftests %-8s %d cases: %d ok, %d failed, %d skipped, %d expected failures; the run ended before the phase did\n",
				label ":", T[ph, "cases"], T[ph, "ok"], T[ph, "fail"], T[ph, "skip"], T[ph, "xfail"]
			return
		}
		secs = kv(phases[ph], "seconds"); m = kv(phases[ph], "pgmigrate_success")
		calls = kv(phases[ph], "provider_calls"); off = kv(phases[ph], "offloaded")
		d = secs + 0 > 0 ? secs + 0 : 1
		printf "selftests %-8s %d cases: %d ok, %d failed, %d skipped, %d expected failures; %d s; %d migrations (%.0f/s), %s batches offloaded, %d provider calls (%.0f/s)\n",
			label ":", T[ph, "cases"], T[ph, "ok"], T[ph, "fail"], T[ph, "skip"], T[ph, "xfail"], secs, m, m / d, off, calls, calls / d
	}
	function cell(e, ph) {
		if (!((e, ph) in v)) return "-"
		if ((e, ph) in why) return modes ? v[e, ph] : v[e, ph] " (" why[e, ph] ")"
		if (modes) return sprintf("%d/%d/%d/%d%s", c[e, ph], o[e, ph], f[e, ph], s[e, ph], v[e, ph] == "pass" ? "" : " " v[e, ph])
		return sprintf("%s %d/%d/%d/%d %ds%s", v[e, ph], c[e, ph], o[e, ph], f[e, ph], s[e, ph], sec[e, ph], mig[e, ph])
	}
	END {
		if (!n) exit
		for (j = 1; j <= npo; j++) summary(po[j], po[j])
		if (!modes) {
			# none, then each provider phase; a run with none alone
			# keeps an empty provider column
			cols = 0; w = 40
			for (j = 1; j <= npo; j++) col[++cols] = po[j]
			if (cols == 1) col[++cols] = "provider"
			line = sprintf("  %-26s", "ENTRY")
			for (j = 1; j <= cols; j++)
				line = line sprintf(j < cols ? " %-40s" : " %s", col[j] == "none" ? "NONE (verdict cases/ok/fail/skip s migrated)" : toupper(col[j]))
			print line
		} else {
			cols = 1; col[1] = key(run[1], "none"); w = 16
			line = sprintf("  %-26s %-16s", "ENTRY", "none")
			for (j = 1; j <= npo; j++) {
				if (po[j] ~ /\/none$/) continue
				col[++cols] = po[j]; line = line sprintf(" %-16s", lab[po[j]])
			}
			sub(/ +$/, "", line)
			print "  (cases/ok/fail/skip, and the verdict when not pass)"
			print line
		}
		for (i = 1; i <= n; i++) {
			e = order[i]; line = sprintf("  %-26s", e)
			for (j = 1; j <= cols; j++) {
				cl = cell(e, col[j])
				# the none phase of another run that ran it gave it another verdict
				for (r = 2; modes && j == 1 && r <= nr; r++) {
					k = key(run[r], "none")
					if (!((e, k) in v) || v[e, k] == v[e, col[1]]) continue
					if (cl !~ /\*$/) cl = cl "*"
					other[++no] = sprintf("  * %s: %s in %s with no provider", e, cell(e, k), run[r])
				}
				line = line sprintf(" %-" w "s", cl)
			}
			sub(/ +$/, "", line)
			print line
		}
		for (i = 1; i <= no; i++) print other[i]
	}'
}

if [ "$xfail" = 1 ]; then
	xfail_lines
else
	mode_lines "$@" | table
fi
