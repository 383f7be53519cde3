#!/usr/bin/env bash
# Judge runs: turn a results directory's console into findings, a verdict,
# KTAP, JUnit and summary.txt, in the manner of rcutorture's kvm-recheck.sh.
# run.sh calls it after each boot; call it again on old results when the
# triage patterns improve: judging only reads what the run left.
#
#   scripts/judge.sh RESULTS_DIR...
#   scripts/judge.sh CAMPAIGN_DIR...   every run of the campaign, then its
#                                      report again (scripts/aggregate.sh)
#
# Reads (written by run.sh and run-vm.sh): console.log, vm-verdict,
# scenario, seed, expect, expected-title (negative controls), duration,
# wall, silence, timeout, kernel (artifact dir, for file:line decoding when
# it still exists), modules, reproduce, qemu-version (the accelerator),
# replaces and replaced-by (run.sh's re-runs after an emulator event).
# Writes: findings.tsv, report-N.txt (+ .decoded.txt), emulator.tsv and
# emulator-report-N.txt, reach.txt, skipped.txt, ktap.txt, junit.xml,
# summary.txt, and verdict, one word:
#   pass     no finding, and the guest ended by itself with its pass
#   finding  a finding in a run that expects none
#   known    no finding but known kernel bugs (configs/known-bugs, KNOWN_BUGS=;
#            scripts/lib-known.sh): listed in known.tsv; meets "pass"
#   caught   a negative control's expected title came out
#   missed   a negative control's expected title did not
#   emulator no finding (nor the control's title), and the guest ended in
#            an emulator event: under TCG, an int3 trap whose code bytes
#            hold no int3 (scripts/emulator.sh); an infrastructure event,
#            never a pass nor a finding. Under KVM (or an unknown
#            accelerator) the same report is an oops, a finding.
#   error    the run could not be judged (triage failed, run interrupted)
# A run met its expectation when verdict_meets says so (scripts/lib-results.sh).
#
# Prints one line per directory: its verdict, and the old one if it changed.
# Exit: 0 every run met its expectation, 1 some did not, 2 a run could not
# be judged (a triage that crashed or failed is never a pass; an emulator
# event says nothing of the kernel).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/emulator.sh"

[ $# -ge 1 ] || die "usage: judge.sh RESULTS_DIR..."
TRIAGE=${TRIAGE:-$BUILD/triage/triage}
if [ -z "${TRIAGE_GIVEN:-}" ] && [ "$TRIAGE" = "$BUILD/triage/triage" ]; then
	make -s -C "$TOP/scripts/triage" OUT="$BUILD/triage" >/dev/null ||
		die "building the console triage failed"
fi

# The steps of judge_one, in order. Each reads judge_one's locals (out,
# scenario, seed, expect, title, vm, accel, silence, timeout_s, emu,
# booted, verdict, art) through bash's dynamic scope, and says what it sets.

# triage_console: findings.tsv from the console, then what the VM's end
# says; sets emu (an emulator event) and booted. 2: the triage failed
triage_console() {
	# KCSAN reports with no frame in the series' functions (the run's scope)
	# go to outside.tsv: listed in the summary, not findings. Emulator events
	# (under TCG only: the triage is told the accelerator) go to emulator.tsv
	local scope_args=()
	[ -s "$out/scope" ] && scope_args=(--scope "$out/scope" --outside "$out/outside.tsv")
	local rc=0
	"$TRIAGE" --reports "$out" "${scope_args[@]}" --accel "$accel" --emulator "$out/emulator.tsv" \
		"$out/console.log" >"$out/findings.tsv" 2>"$out/triage.err" || rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		echo error >"$out/verdict"
		echo "error: console triage failed on $out (exit $rc: $(head -1 "$out/triage.err"))" >&2
		return 2
	fi
	rm -f "$out/triage.err"
	[ -s "$out/outside.tsv" ] || rm -f "$out/outside.tsv"
	if [ -s "$out/emulator.tsv" ]; then emu=1; else rm -f "$out/emulator.tsv"; fi
	# an emulator event ends the guest (oops=panic, or run-vm.sh stops it
	# there): the way the guest ended is the event's, not a finding of its own
	[ $emu = 1 ] || case $vm in
	hang) printf 'Hang\tguest hang: no console output for %s s\t0\t1\n' "$silence" >>"$out/findings.tsv" ;;
	timeout) printf 'Hang\tguest timeout after %s s\t0\t1\n' "$timeout_s" >>"$out/findings.tsv" ;;
	died) grep -q . "$out/findings.tsv" ||
		printf 'Bug\tguest died without a report\t0\t1\n' >>"$out/findings.tsv" ;;
	stopped) grep -q . "$out/findings.tsv" ||
		printf 'Bug\tguest stopped for a finding that triage no longer sees\t0\t1\n' >>"$out/findings.tsv" ;;
	esac
	booted=0
	grep -aq "SUITE: seed=$seed scenario=$scenario" "$out/console.log" && booted=1
	[ $booted = 1 ] || [ -s "$out/findings.tsv" ] || [ $emu = 1 ] || [ "$vm" = interrupted ] ||
		printf 'Bug\tguest never reached the scenario\t0\t1\n' >>"$out/findings.tsv"
}

# reach_summary: migrations and offload calls per reason (reach.txt), on one line
reach_summary() {
	local t_begin t_end
	grep -a -o 'REACH\(-RUN\)\{0,1\}: .*' "$out/console.log" >"$out/reach.txt" || true
	[ -s "$out/reach.txt" ] || rm -f "$out/reach.txt"
	stamp() { { grep -a -m1 "$1" "$out/console.log" || true; } | sed -n 's/^\[ *\([0-9]*\.[0-9]*\)\].*/\1/p'; }
	t_begin=$(stamp "SUITE: seed=") t_end=$(stamp "SUITE-RESULT:")
	if [ -f "$out/reach.txt" ] && [ -n "$t_begin" ] && [ -n "$t_end" ]; then
		awk -v a="$t_begin" -v b="$t_end" '/^REACH-RUN:/ {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			if (v["offload_calls"] == "na") {
				line = line sprintf("%s %d migrations; ", $2, v["migrations"]); na = 1
			} else
				line = line sprintf("%s %d migrations (%d offload calls); ", $2, v["migrations"], v["offload_calls"])
			calls += v["offload_calls"] }
			END { if (line == "") exit
				if (na) printf "%soffload calls not counted (the tree has no stats patch) over %.0f s", line, b - a
				else printf "%s%.0f offload calls per guest-second over %.0f s", line, (b > a ? calls / (b - a) : 0), b - a }' "$out/reach.txt"
	fi
}

# list_skipped: skipped.txt, the test points this tree has nothing for
# (KTAP "# SKIP": a tree without one of the suite's own patches), so that
# a pass says what it did not check
list_skipped() {
	{ grep -a -o ' ok [0-9]* .* # SKIP .*' "$out/console.log" || true; } | sed 's/^ //' >"$out/skipped.txt"
	[ -s "$out/skipped.txt" ] || rm -f "$out/skipped.txt"
}

# kinds_summary: migrations and offload calls per page kind (kinds.txt,
# from the KIND: lines of the drivers' windows), on one line
kinds_summary() {
	grep -a -o 'KIND: .*' "$out/console.log" >"$out/kinds.txt" || true
	if [ -s "$out/kinds.txt" ]; then
		awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
			k = v["kind"]; if (!(k in sec)) order[n++] = k
			sec[k] += v["seconds"]; mig[k] += v["migrations"]; calls[k] += v["offload_calls"] }
			END { for (i = 0; i < n; i++) { k = order[i]; s = sec[k] > 0 ? sec[k] : 1
				printf "%s %.1f/%.1f; ", k, mig[k] / s, calls[k] / s }
				printf "(migrations/offload calls per guest-second)" }' "$out/kinds.txt"
	else
		rm -f "$out/kinds.txt"
	fi
}

# decode_reports: report-N.decoded.txt beside each report-N.txt
decode_reports() {
	local mods src r
	mods=$(cat "$out/modules" 2>/dev/null || true)
	src=$(cat "$art/src" 2>/dev/null || true)
	for r in "$out"/report-*.txt; do
		[ -e "$r" ] || break
		case $r in *.decoded.txt) continue ;; esac
		if [ -f "$art/vmlinux" ] && [ -x "$src/scripts/decode_stacktrace.sh" ]; then
			timeout 120 "$TOP/scripts/decode-report.sh" "$art/vmlinux" "$src" "$mods" \
				<"$r" >"${r%.txt}.decoded.txt" 2>/dev/null || true
		fi
	done
}

# run_verdict: the verdict, one word (see the top of this file)
run_verdict() {
	local titles verdict
	titles=$(run_titles "$out")
	if [ "$vm" = interrupted ]; then
		verdict=error
	elif [ "$expect" = pass ]; then
		if [ -n "$titles" ]; then verdict=finding
		elif [ -s "$out/known.tsv" ]; then verdict=known
		elif [ $emu = 1 ]; then verdict=emulator
		elif [ "$vm" = pass ]; then verdict=pass
		else verdict=finding; fi
	elif grep -qxF -- "$title" <<<"$titles"; then
		verdict=caught
	elif [ $emu = 1 ]; then
		verdict=emulator
	else
		verdict=missed
	fi
	echo "$verdict"
}

# guest_ktap CONSOLE: the KTAP the guest printed (the kernel's KUnit suite
# at boot, then the scenario's test points), printk's prefix taken off;
# in a negative control, a failing test point is marked "# TODO" (KTAP's
# expected failure): it is meant to fail
guest_ktap() {
	local todo=""
	[ "$expect" = pass ] || todo="TODO a negative control, meant to fail"
	console_text "$1" |
		awk -v todo="$todo" '/^KTAP version 1$/ { on = 1 }
			!on { next }
			todo != "" && /^ *not ok [0-9]+/ && !/# (SKIP|TODO)/ {
				i = index($0, " # ")
				if (i) print substr($0, 1, i - 1) " # " todo ": " substr($0, i + 3)
				else print $0 " # " todo
				next
			}
			/^ *(KTAP version [0-9]+|1\.\.[0-9]+|# .*|(not )?ok [0-9]+.*)$/'
}

# write_ktap: ktap.txt and junit.xml for CI. The guest's own KTAP (the
# kernel's KUnit suite, then the scenario's test points) is the subtest of
# test point 2, indented, so that CI shows every test point
write_ktap() {
	{
		echo "KTAP version 1"
		echo "1..3"
		if [ $booted = 1 ]; then echo "ok 1 boot"; else echo "not ok 1 boot"; fi
		guest_ktap "$out/console.log" | sed 's/^/    /'
		case $vm in
		pass) echo "ok 2 guest" ;;
		*) if [ $emu = 1 ]; then echo "ok 2 guest # SKIP ended by an emulator event (vm verdict: $vm)"
			elif [ "$vm" = stopped ]; then echo "ok 2 guest # stopped by the host after its first finding"
			elif [ "$verdict" = caught ]; then echo "not ok 2 guest # TODO a negative control, meant to fail: vm verdict $vm"
			else echo "not ok 2 guest # vm verdict: $vm"; fi ;;
		esac
		if [ $emu = 1 ]; then
			while IFS=$'\t' read -r type t line count; do
				echo "# emulator event under $accel, not a finding: [$type] $t (line $line, x$count)"
			done <"$out/emulator.tsv"
		fi
		if [ -f "$out/outside.tsv" ]; then
			while IFS=$'\t' read -r type t line count; do
				echo "# outside the series, not a finding: [$type] $t (line $line, x$count)"
			done <"$out/outside.tsv"
		fi
		if [ -f "$out/known.tsv" ]; then
			while IFS=$'\t' read -r type t line count report; do
				echo "# known kernel bug, not a finding: [$type] $t (line $line, x$count; $report)"
			done <"$out/known.tsv"
		fi
		if [ "$expect" = pass ]; then
			while IFS=$'\t' read -r type t line count; do
				echo "# finding: [$type] $t (line $line, x$count)"
			done <"$out/findings.tsv"
			case $verdict in
			pass) echo "ok 3 no-finding" ;;
			known) echo "ok 3 no-finding # SKIP only known kernel bugs: $(cut -f2 "$out/known.tsv" | paste -sd';')" ;;
			emulator) echo "ok 3 no-finding # SKIP infrastructure: an emulator event, $(emulator_first "$out")" ;;
			*) echo "not ok 3 no-finding" ;;
			esac
		else
			echo "# expected: $title"
			case $verdict in
			caught) echo "ok 3 expected-finding" ;;
			emulator) echo "ok 3 expected-finding # SKIP infrastructure: an emulator event, $(emulator_first "$out")" ;;
			*) echo "not ok 3 expected-finding" ;;
			esac
		fi
	} >"$out/ktap.txt"
	"$TOP/scripts/ktap-to-junit.sh" "$scenario" "$out/ktap.txt" >"$out/junit.xml"
}

# write_summary: summary.txt
write_summary() {
	local reach_line kinds_line
	reach_line=$(reach_summary)
	kinds_line=$(kinds_summary)
	{
		echo "run:       $(basename "$out")"
		echo "scenario:  $scenario ($(scenario_field "$scenario" description 2>/dev/null))"
		echo "seed:      $seed"
		echo "duration:  $(cat "$out/duration" 2>/dev/null || echo '?')s (wall $(cat "$out/wall" 2>/dev/null || echo '?')s)"
		echo "kernel:    $(basename "${art:-?}")"
		echo "vm:        $vm"
		echo "accel:     $accel"
		[ -n "$reach_line" ] && echo "reach:     $reach_line"
		[ -n "$kinds_line" ] && echo "kinds:     $kinds_line"
		if [ "$expect" = pass ]; then echo "expect:    pass"; else echo "expect:    caught: $title"; fi
		echo "verdict:   $verdict"
		if [ $emu = 1 ]; then
			echo "emulator:  under $accel, an infrastructure event, not a finding (emulator.tsv):"
			while IFS=$'\t' read -r type t line count; do
				echo "  [$type] $t (console line $line, x$count)"
			done <"$out/emulator.tsv"
		fi
		[ -s "$out/replaces" ] && echo "replaces:  $(cat "$out/replaces") (the same seed, which ended in an emulator event)"
		[ -s "$out/replaced-by" ] && replaced_line "$out"
		[ -f "$out/skipped.txt" ] && echo "skipped:   $(wc -l <"$out/skipped.txt") test points the tree cannot be checked on (skipped.txt), e.g. $(head -1 "$out/skipped.txt" | sed 's/^ok [0-9]* //')"
		if [ -f "$out/outside.tsv" ]; then
			echo "outside:   $(wc -l <"$out/outside.tsv") data races with no frame in the series (outside.tsv; not findings):"
			while IFS=$'\t' read -r type t line count; do
				echo "  [$type] $t (console line $line, x$count)"
			done <"$out/outside.tsv"
		fi
		if [ -f "$out/known.tsv" ]; then
			echo "known:     $(wc -l <"$out/known.tsv") known kernel bugs (known.tsv; not findings):"
			while IFS=$'\t' read -r type t line count report; do
				echo "  [$type] $t (console line $line, x$count): $report"
			done <"$out/known.tsv"
		fi
		if [ -s "$out/findings.tsv" ]; then
			echo "findings:"
			while IFS=$'\t' read -r type t line count; do
				echo "  [$type] $t (console line $line, x$count)"
			done <"$out/findings.tsv"
		fi
		echo "reproduce: $(cat "$out/reproduce" 2>/dev/null)"
		# the mm selftests it ran as drivers, per phase and entry (nothing
		# when none)
		"$TOP/scripts/selftests-table.sh" "$out"
	} >"$out/summary.txt"
}

# judge_one DIR: returns 0, 1 or 2 as the script does
judge_one() {
	local out=$1 scenario seed expect title vm booted verdict silence timeout_s
	local art old="" accel emu=0 f
	for f in console.log vm-verdict scenario seed expect; do
		[ -f "$out/$f" ] || { echo "error: $out is not a results directory (no $f)" >&2; return 2; }
	done
	scenario=$(cat "$out/scenario") seed=$(cat "$out/seed") expect=$(cat "$out/expect")
	title=$(cat "$out/expected-title" 2>/dev/null || true)
	vm=$(cat "$out/vm-verdict")
	silence=$(cat "$out/silence" 2>/dev/null || echo '?')
	timeout_s=$(cat "$out/timeout" 2>/dev/null || echo '?')
	[ -f "$out/verdict" ] && old=$(cat "$out/verdict")
	rm -f "$out"/report-*.txt "$out"/emulator-report-*.txt "$out/outside.tsv" "$out/emulator.tsv"
	accel=$(run_accel "$out")
	art=$(cat "$out/kernel" 2>/dev/null || true)

	triage_console || return 2
	known_split "$out" "$title" || { echo error >"$out/verdict"; return 2; }
	list_skipped
	decode_reports
	verdict=$(run_verdict)
	echo "$verdict" >"$out/verdict"
	write_ktap
	write_summary

	printf '%s: %s%s\n' "$(basename "$out")" "$verdict" \
		"$([ -n "$old" ] && [ "$old" != "$verdict" ] && echo " (was $old)")"
	case $verdict in error | emulator) return 2 ;; esac
	verdict_meets "$verdict" "$expect"
}

worst=0
for d in "$@"; do
	d=${d%/}
	if [ -f "$d/runs.tsv" ]; then
		# a campaign: its runs are siblings of it, then its report anew
		while IFS=$'\t' read -r k _ _ _ _ _ run; do
			[ "$k" = k ] && continue
			rc=0
			judge_one "$(dirname "$d")/$run" || rc=$?
			[ "$rc" -gt "$worst" ] && worst=$rc
		done <"$d/runs.tsv"
		rc=0
		"$TOP/scripts/aggregate.sh" "$d" >/dev/null || rc=$?
		[ "$rc" -le 1 ] || { echo "error: the report of $d failed (exit $rc)" >&2; worst=2; }
		continue
	fi
	rc=0
	judge_one "$d" || rc=$?
	[ "$rc" -gt "$worst" ] && worst=$rc
done
exit "$worst"
