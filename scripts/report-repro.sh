#!/usr/bin/env bash
# A stand-alone reproducer of one finding of a run, for scripts/report.sh:
# the guest driver the scenario ran when the finding came (its sources, as
# stress/Makefile lists them, with every local header inlined: one C file
# that builds statically with no suite), and the exact command, read from
# the scenario and the run's console.
#
#   scripts/report-repro.sh RUN_DIR TITLE OUT_DIR
#
# Writes OUT_DIR/repro.c and OUT_DIR/repro.sh (the scenario's plain setup
# commands before the driver, then the command; what it did through the
# suite's own helpers, such as loading a provider module, as comments).
# Prints three lines: the driver, the command (as ./repro ...), and a note
# ("" when nothing was left out). Exit 2 with one line when the scenario
# runs no driver of its own that matches the finding.
#
# Which driver: a KTAP title names its subtest (KTAP: not ok NAME.point);
# the console's last "# seed LABEL=V" line before "# Subtest: NAME" is the
# driver's seed, and the scenario's invocation whose seed_for label (or
# drive name) matches LABEL, its variables bound by the match, is the
# command. Any other title: the scenario's first driver.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# read_run RUN TITLE OUT: the run's scenario, seed and duration, and the
# run() body of its scenario (body) with its driver invocations (calls)
read_run() {
	run=${1:-} title=${2:-} out=${3:-}
	[ -d "$run" ] && [ -n "$title" ] && [ -d "$out" ] || die "usage: report-repro.sh RUN_DIR TITLE OUT_DIR"
	scenario=$(cat "$run/scenario")
	seed=$(cat "$run/seed")
	duration=$(cat "$run/duration" 2>/dev/null || scenario_field "$scenario" duration)
	scn=$SCENARIOS_DIR/$scenario.scn
	[ -f "$scn" ] || die "no scenario file $scn"

	# the run() body, continuation lines joined
	body=$(sed -n '/^run() {/,/^}/p' "$scn" | sed '1d;$d' | sed -e ':a' -e '/\\$/N; s/\\\n[[:space:]]*/ /; ta')
	[ -z "$(scenario_field "$scenario" selftests)" ] || die "scenario $scenario runs the kernel's own mm selftests (the tree's tools/testing/selftests/mm) under fault_provider: the finding needs the suite's module, so no stand-alone program reproduces it; the entry alone does (the make reproduce line below)"
	[ -n "$body" ] || die "scenario $scenario is the suite's provider skeleton (fault_provider $(scenario_field "$scenario" provider) under migrate-verify): the finding needs the suite's module, so no stand-alone program reproduces it"
	mapfile -t calls < <(grep -n '/guest/[a-z-]*' <<<"$body" || true)
	[ ${#calls[@]} -gt 0 ] || die "scenario $scenario runs no guest driver of its own: no stand-alone reproducer"
}

# read_subtest: the subtest the title names (sub), and the seed label and
# value printed just before it (label, value)
read_subtest() {
	sub="" label="" value=""
	[[ $title =~ ^KTAP:\ not\ ok\ ([^.]+) ]] || return 0
	sub=${BASH_REMATCH[1]}
	read -r label value < <(console_text "$run/console.log" | awk -v s="# Subtest: $sub" '
		$0 == s { print lab, val; found = 1; exit }
		/^# seed [^=]+=[0-9]+$/ { x = substr($0, 8); lab = x; sub(/=.*/, "", lab); val = x; sub(/^[^=]*=/, "", val) }
		END { if (!found) print "" }') || true
}

# pattern_regex PATTERN: a seed_for label with $vars as an anchored ERE
# in RE, and the variable names in order in VARS
pattern_regex() {
	local p=$1 lit
	RE="" VARS=()
	while [[ $p =~ ^([^$]*)\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?(.*)$ ]]; do
		lit=${BASH_REMATCH[1]}
		RE+=$(printf '%s' "$lit" | sed 's/[.[\*^$()+?{|]/\\&/g')"(.+)"
		VARS+=("${BASH_REMATCH[2]}")
		p=${BASH_REMATCH[3]}
	done
	RE="^$RE$(printf '%s' "$p" | sed 's/[.[\*^$()+?{|]/\\&/g')\$"
}

# choose_call: the invocation (best, at lineno of the body: line) whose
# pattern is the most specific (longest literal part) that matches the
# label (else the subtest name); else the first one. Its variables bound
# by the match go into bind.
choose_call() {
	local want=${label:-$sub} c pat lit best_len=-1 i
	best="" note=""
	for c in "${calls[@]}"; do
		line=${c#*:}
		pat=$(sed -n 's/.*seed_for "\{0,1\}\([^")]*\)"\{0,1\}).*/\1/p' <<<"$line")
		[ -n "$pat" ] || pat=$(sed -n 's/^[[:space:]]*drive "\{0,1\}\([^" ]*\)"\{0,1\} .*/\1/p' <<<"$line")
		[ -n "$want" ] && [ -n "$pat" ] || continue
		pattern_regex "$pat"
		[[ $want =~ $RE ]] || continue
		lit=$(sed -E 's/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?//g' <<<"$pat")
		[ ${#lit} -gt "$best_len" ] || continue
		best=$c best_len=${#lit}
		for i in "${!VARS[@]}"; do bind[${VARS[$i]}]=${BASH_REMATCH[$((i + 1))]}; done
	done
	if [ -z "$best" ]; then
		best=${calls[0]}
		note="the finding names no driver's subtest: the scenario's first driver"
	fi
	lineno=${best%%:*}
	line=${best#*:}
}

# bind_assignments: the simple assignments before the call, into bind:
# v=$((arith)) and the clamp [ "$v" -ge N ] || v=N
bind_assignments() {
	local l v e k
	while IFS= read -r l; do
		if [[ $l =~ ^[[:space:]]*([A-Za-z_][A-Za-z0-9_]*)=\$\(\(([A-Za-z0-9_\ +*/%-]+)\)\)[[:space:]]*$ ]]; then
			v=${BASH_REMATCH[1]} e=${BASH_REMATCH[2]}
			for k in "${!bind[@]}"; do e=${e//$k/${bind[$k]}}; done
			if [[ $e =~ ^[0-9\ +*/%-]+$ ]]; then bind[$v]=$((e)); fi
		elif [[ $l =~ ^[[:space:]]*\[\ \"?\$([A-Za-z_]+)\"?\ -ge\ ([0-9]+)\ \]\ \|\|\ ([A-Za-z_]+)=([0-9]+)[[:space:]]*$ ]] &&
			[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[3]}" ] && [ -n "${bind[${BASH_REMATCH[1]}]:-}" ]; then
			[ "${bind[${BASH_REMATCH[1]}]}" -ge "${BASH_REMATCH[2]}" ] || bind[${BASH_REMATCH[1]}]=${BASH_REMATCH[4]}
		fi
	done < <(head -n "$lineno" <<<"$body")
}

# build_command: cmd, the call from /guest/PROG on as ./repro, the seed
# and the variables filled in; prog, the driver
build_command() {
	local k
	cmd=$(sed -e 's/.*\/guest\//\/guest\//' -e 's/[[:space:]]*&[[:space:]]*$//' -e 's/[[:space:]]*>[[:space:]]*\/dev\/null//' <<<"$line")
	prog=$(sed 's/^\/guest\/\([a-z-]*\).*/\1/' <<<"$cmd")
	[ -n "$value" ] && cmd=$(sed -E 's/"?\$\(seed_for [^)]*\)"?/'"$value"'/g' <<<"$cmd")
	cmd=$(sed -E 's|"?\$\(\(([A-Za-z0-9_ +*/%-]+)\)\)"?|__ARITH__\1__END__|g' <<<"$cmd")
	for k in "${!bind[@]}"; do
	cmd=${cmd//"\${$k}"/${bind[$k]}}
	cmd=$(sed -E "s/\\\$$k([^A-Za-z0-9_]|\$)/${bind[$k]}\1/g" <<<"$cmd")
	done
	while [[ $cmd =~ __ARITH__([0-9\ +*/%-]+)__END__ ]]; do
	cmd=${cmd/"${BASH_REMATCH[0]}"/$((BASH_REMATCH[1]))}
	done
	cmd=$(sed -E -e 's/__ARITH__(.*)__END__/$((\1))/g' -e ':a' -e 's/(^| )"([^" $]*)"( |$)/\1\2\3/' -e 'ta' \
	-e "s|^/guest/$prog|./repro|" <<<"$cmd" | tr -s ' ')
	if [[ $cmd == *'$'* ]]; then
	note+="${note:+; }shell variables left as the scenario has them"
	fi
}

# read_sources: srcs, the driver's sources, main()'s first, as
# stress/Makefile builds it
read_sources() {
	[ -f "$TOP/stress/$prog.c" ] || die "scenario $scenario runs /guest/$prog, which has no source in stress/"
	# its sources, main()'s first: what stress/Makefile builds it from
	read -r -a srcs < <(make -s --no-print-directory -C "$TOP/stress" "sources-$prog") ||
	die "stress/Makefile names no sources of $prog"
}

# inline_local FILE: FILE with each local #include "NAME" replaced by the
# file it names (relative to the includer, as for gcc), recursively, and
# each file once (INLINED), in the order gcc reads them: the system headers
# and any #define before them keep their place
top_real=$(realpath "$TOP")
inline_local() {
	local f l inc
	f=$(realpath "$1")
	[ -z "${INLINED[$f]:-}" ] || return 0
	INLINED[$f]=1
	printf '/* ---- %s ---- */\n' "${f#"$top_real"/}"
	while IFS= read -r l || [ -n "$l" ]; do
		if [[ $l =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*\"([^\"]+)\" ]]; then
			inc=$(dirname "$f")/${BASH_REMATCH[1]}
			[ -f "$inc" ] || die "${f#"$top_real"/} includes \"${BASH_REMATCH[1]}\", which is not there"
			inline_local "$inc"
		else
			printf '%s\n' "$l"
		fi
	done <"$f"
}

# what the scenario did before it: plain commands go into repro.sh, the
# suite's own helpers (the functions of guest/lib-*.sh: modules, knobs)
# are named only
collect_setup() {
	local helpers l w
	helpers=$(cat "$TOP"/stress/guest/lib-*.sh | sed -n 's/^\([a-z_][a-z0-9_]*\)() {.*/\1/p' | paste -sd'|')
	setup=() skipped=()
	while IFS= read -r l; do
		l=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' <<<"$l")
		case $l in
		'' | '#'* | for\ * | do | done | '}' | *=*\$\(\(*) continue ;;
		'['*) continue ;;
		esac
		w=${l%% *}
		if [ "$w" = check ]; then
			l=$(sed -E 's/^check ("[^"]*"|[^ ]+) //' <<<"$l")
			w=${l%% *}
		fi
		if [[ $l == *'/guest/'* ]]; then
			continue
		elif [[ " $l " =~ [^a-z0-9_]($helpers)[^a-z0-9_] ]]; then
			skipped+=("$l")
		else
			setup+=("$l")
		fi
	done < <(head -n "$((lineno - 1))" <<<"$body")
	[ ${#skipped[@]} -eq 0 ] || note+="${note:+; }before it the scenario ran suite steps not reproduced here: $(printf '%s; ' "${skipped[@]}" | sed 's/; $//')"
}

# write_repro_c: OUT/repro.c, the driver's sources with local headers inlined
write_repro_c() {
	local c
	{
		echo "/*"
		echo " * Stand-alone reproducer: stress/$prog of the copy-offload test suite"
		echo " * ($(printf '%s, ' "${srcs[@]}" | sed 's/, $//'); every local header inlined),"
		echo " * for scenario $scenario, seed $seed."
		echo " *"
		echo " * Build: gcc -static -O2 -pthread -o repro repro.c"
		echo " * Run (as root, in the guest; setup in repro.sh):"
		echo " *   $cmd"
		echo " */"
		for c in "${srcs[@]}"; do
			echo
			inline_local "$TOP/stress/$c"
		done
	} >"$out/repro.c"
}

# write_repro_sh: OUT/repro.sh, the setup then the command
write_repro_sh() {
	local s
	{
		echo "#!/bin/sh"
		echo "# Reproducer for: $title"
		echo "# scenario $scenario, seed $seed (stress/scenarios/$scenario.scn); build repro.c first:"
		echo "#   gcc -static -O2 -pthread -o repro repro.c"
		for s in "${skipped[@]}"; do echo "# (the suite also ran: $s)"; done
		echo "set -e"
		for s in "${setup[@]}"; do echo "$s"; done
		echo "$cmd"
	} >"$out/repro.sh"
	chmod +x "$out/repro.sh"
}

declare -A bind=() INLINED=()
read_run "$@"
read_subtest
bind=([SUITE_duration]=$duration [SUITE_seed]=$seed)
choose_call
bind_assignments
build_command
read_sources
collect_setup
write_repro_c
write_repro_sh
printf '%s\n%s\n%s\n' "$prog" "$cmd" "$note"
