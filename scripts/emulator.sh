# shellcheck shell=bash
# Emulator events: an int3 trap whose code bytes hold no int3, under TCG
# (the triage's "Emulator" type: a stale translation of code the kernel
# had already patched back). judge.sh gives such a run the verdict
# "emulator", never pass nor finding; run.sh boots the same seed again in
# a new results directory, and once more under single-threaded TCG if it
# repeats; aggregate.sh counts them. These functions only read results
# directories, so that the rerun decision is tested on fixtures.
#
# Files of a results directory they read or name:
#   qemu-version  "accel=tcg,thread=multi" or "accel=kvm" (run-vm.sh)
#   verdict       "emulator" (judge.sh)
#   emulator.tsv  the emulator events, as findings.tsv lists findings
#   replaces      the run id (a sibling directory) this run re-ran
#   replaced-by   the run id that re-ran this one

# EMULATOR_MAX_CHAIN: how far back a chain of re-runs is followed (a
# results tree with a loop of "replaces" must not hang a report)
EMULATOR_MAX_CHAIN=8

# run_accel DIR: the accelerator of the run ("tcg,thread=multi", "kvm"),
# or "unknown" for a run with no qemu-version (from before it existed, or
# from elsewhere): an emulator event is told apart only under TCG
run_accel() {
	local a
	a=$(sed -n 's/^accel=//p' "$1/qemu-version" 2>/dev/null | head -1)
	echo "${a:-unknown}"
}

# emulator_boots DIR: DIR and the runs it replaced (newest first) that
# ended in an emulator event, one directory a line
emulator_boots() {
	local d=${1%/} i=0 prev
	while [ "$i" -lt "$EMULATOR_MAX_CHAIN" ]; do
		[ "$(cat "$d/verdict" 2>/dev/null)" = emulator ] && echo "$d"
		[ -s "$d/replaces" ] || return 0
		prev=$(dirname "$d")/$(head -1 "$d/replaces")
		[ -d "$prev" ] || return 0
		d=$prev i=$((i + 1))
	done
}

# emulator_next DIR: what run.sh does after the run in DIR
#   final    its verdict is not "emulator": the run is this boot
#   again    its chain's first emulator event: the same seed, same emulator
#   single   the second, under multi-threaded TCG: the same seed under
#            single-threaded TCG, where vCPUs never run at once
#   give-up  any other: the event persists, an infrastructure error
emulator_next() {
	local n
	[ "$(cat "$1/verdict" 2>/dev/null)" = emulator ] || { echo final; return 0; }
	n=$(emulator_boots "$1" | grep -c .)
	if [ "$n" = 1 ]; then
		echo again
	elif [ "$n" = 2 ] && [[ $(run_accel "$1") == tcg*thread=multi* ]]; then
		echo single
	else
		echo give-up
	fi
}

# emulator_first DIR: the title of the first emulator event of the run
emulator_first() {
	head -1 "$1/emulator.tsv" 2>/dev/null | cut -f2
}

# replaced_line DIR: summary.txt's line for a run that another re-ran
replaced_line() {
	echo "replaced:  by $(cat "$1/replaced-by") (the same seed, after this emulator event)"
}
