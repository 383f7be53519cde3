#!/usr/bin/env bash
# Nothing outlives an interrupted make target. Starts "make stress" on a
# silent guest (oracle-silence) in a process group of its own, waits for its
# QEMU, then sends SIGNAL to the whole group (WHO=group: a Ctrl-C on a
# terminal) or to make alone (WHO=make: a kill). Within 20 s no QEMU and no
# watchdog or script of that run may be left, the run's vm-verdict must say
# interrupted, and no temporary file may be left. make check runs it twice.
#
#   scripts/interrupt-test.sh INT|TERM|HUP group|make [--control]
#
# --control: the negative control. The run's reaping is turned off
# (SUITE_TEST_NO_REAPER=1 in run-vm.sh), so its QEMU must be found left
# running (and is then killed here).
#
# Exit: 0 nothing left behind (with --control: the leftover was found),
# 1 otherwise, 2 usage.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

[ $# -ge 2 ] && [[ $1 =~ ^(INT|TERM|HUP)$ ]] && [[ $2 =~ ^(group|make)$ ]] &&
	[[ ${3:---} =~ ^(--|--control)$ ]] ||
	die "usage: interrupt-test.sh INT|TERM|HUP group|make [--control]"
control=0
[ "${3:-}" = --control ] && control=1
# alive PID: running, not a zombie waiting for us to reap it
alive() {
	local st
	st=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $st != Z* ]]
}

interrupt_case() {
	local sig=$1 who=$2 seed pid i tmpd dir left pat
	seed=$(( (RANDOM << 15 | RANDOM) + 1000000 ))
	# QEMU, run-vm.sh (its results dir), run.sh and campaign.sh of this run
	pat="suite.seed=$seed |-s$seed|oracle-silence $seed|--seed $seed"
	tmpd=$(tmp_dir)
	SUITE_TEST_NO_REAPER=$control TMPDIR=$tmpd setsid make -s -C "$TOP" stress SCENARIO=oracle-silence SEED="$seed" \
		>"$tmpd.log" 2>&1 </dev/null &
	pid=$!
	for i in $(seq 240); do
		pgrep -f "qemu-system-x86_64.*suite.seed=$seed " >/dev/null && break
		alive "$pid" || { echo "make ended before QEMU started"; cat "$tmpd.log"; return 1; }
		sleep 0.5
	done
	pgrep -f "qemu-system-x86_64.*suite.seed=$seed " >/dev/null || { echo "no QEMU after 120 s"; return 1; }
	# during the boot: the guest has printed its first lines
	for i in $(seq 60); do
		dir=$(ls -d "$RESULTS"/*-oracle-silence-s"$seed" 2>/dev/null | head -1)
		grep -aq "Linux version" "$dir/console.log" 2>/dev/null && break
		sleep 0.5
	done
	if [ "$who" = group ]; then kill "-$sig" -- "-$pid"; else kill "-$sig" "$pid"; fi
	for i in $(seq 40); do
		left=$(pgrep -f "$pat" || true)
		[ -z "$left" ] && ! alive "$pid" && break
		sleep 0.5
	done
	if [ -n "$left" ]; then
		echo "left running 20 s after SIG$sig: $(ps -o pid=,args= -p "$(echo $left | tr ' ' ',')" | cut -c1-150 | tr '\n' ';')"
		pkill -KILL -f "$pat"
		[ $control = 1 ] && echo "control: the leftover was found, as it must be"
		return $((1 - control))
	fi
	[ $control = 1 ] && { echo "control: nothing was left running without the reaper"; return 1; }
	alive "$pid" && { echo "make still running"; return 1; }
	wait "$pid" 2>/dev/null
	dir=$(ls -d "$RESULTS"/*-oracle-silence-s"$seed" 2>/dev/null | head -1)
	[ "$(cat "$dir/vm-verdict" 2>/dev/null)" = interrupted ] ||
		{ echo "vm-verdict of $dir: $(cat "$dir/vm-verdict" 2>/dev/null)"; return 1; }
	[ -z "$(ls -A "$tmpd")" ] || { echo "temporary files left: $(ls -A "$tmpd")"; return 1; }
}
interrupt_case "$1" "$2"
