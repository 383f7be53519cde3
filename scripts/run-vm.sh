#!/usr/bin/env bash
# Boot one kernel + initramfs in QEMU, with the console on a host file, and
# watch it: a wall-clock limit and a silence limit. Prints the verdict of
# the boot (not of the console's content: that is triage's job).
#
#   scripts/run-vm.sh OUTDIR BZIMAGE INITRAMFS 'KERNEL ARGS'
#
# Writes OUTDIR/console.log, OUTDIR/qemu-cmdline, OUTDIR/start-seconds (wall
# seconds until the scenario started), OUTDIR/first-migration-seconds (until
# the guest's first page migration, when it made one), OUTDIR/vm-verdict (one
# word: pass, fail, died, hang, timeout, stopped, interrupted) and, for a
# hang, what could be collected: a task dump through sysrq and the
# registers of every vCPU.
#
# The console is triaged as it comes (STOP_ON): once the first finding's
# report is complete, the vCPUs' registers are saved and the guest is
# stopped ("stopped"), instead of running on to the guest's own end or the
# timeout: a lockdep splat or a KTAP failure does not panic the guest.
#
# Snapshots (a campaign's "boot once, run many", run.sh's SNAPSHOT=1):
# SNAPSHOT_SAVE=DIR boots a guest told to wait (suite.hold=1) and, once it
# says SUITE-READY, saves the running machine to DIR/state (QEMU's
# migration to a file) with the console so far, and stops it (vm-verdict
# "saved"). SNAPSHOT_RESTORE=DIR starts from DIR/state instead of booting,
# the console carrying on from DIR's, and gives the waiting guest
# SNAPSHOT_LINE (the run's suite.* words) on its second serial port. The
# command line must be the saved one's: the same devices and memory.
#
# QEMU never outlives this script (SIGKILL included: its parent-death
# signal), nor this script the suite scripts that called it (SUITE_PIDS):
# a Ctrl-C or a kill of the make target ends the boot within seconds,
# with vm-verdict "interrupted" and exit status 130.
#
# Environment: NODE_MEM (MB per node, 512), TIMEOUT (s, 600), SILENCE (s,
# 180), VCPUS (2), ACCEL (auto|tcg|kvm), TCG_THREAD (single|multi), QEMU (system:
# bookworm's 7.2; backports: 10.x; unstable: 11.x; scripts/fetch-qemu.sh
# fetches them once, nothing is installed), STOP_ON (first:
# any finding, the default; title:TITLE: that title only, for a negative
# control; match:ERE: a title that matches ERE; never), TRIAGE
# (the console triage program).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# The guest reports through isa-debug-exit: QEMU exits with (v << 1) | 1
GUEST_PASS=33	# v = 0x10
GUEST_FAIL=35	# v = 0x11

# read_settings OUTDIR BZIMAGE INITRAMFS ARGS: the arguments and the
# environment, checked; sets out, bzimage, initrd, args and qemu
read_settings() {
	[ $# -eq 4 ] || die "usage: run-vm.sh OUTDIR BZIMAGE INITRAMFS 'KERNEL ARGS'"
	out=$1 bzimage=$2 initrd=$3 args=$4
	NODE_MEM=${NODE_MEM:-512}
	TIMEOUT=${TIMEOUT:-600}
	SILENCE=${SILENCE:-180}
	ACCEL=${ACCEL:-auto}
	# TCG_THREAD and QEMU default in lib.sh (multi-threaded TCG on QEMU 10).
	# Bookworm's QEMU 7.2 with thread=multi executes a stale int3 at a jump
	# label a vCPU already patched back ("Oops: int3" in
	# migrate_should_offload: an emulator fault, not a kernel bug); QEMU 10
	# does not (0 of 50 boots).
	case $TCG_THREAD in
	single | multi) ;;
	*) die "TCG_THREAD must be single or multi, not '$TCG_THREAD'" ;;
	esac
	STOP_ON=${STOP_ON:-first}
	TRIAGE=${TRIAGE:-$BUILD/triage/triage}
	case $STOP_ON in
	first | never | title:?* | match:?*) ;;
	*) die "STOP_ON must be first, never, title:TITLE or match:ERE, not '$STOP_ON'" ;;
	esac
	[ "$STOP_ON" = never ] || [ -x "$TRIAGE" ] || die "no console triage at $TRIAGE (make -C scripts/triage)"
	case $QEMU in
	system)
		need_cmd qemu-system-x86_64 qemu-system-x86
		qemu=qemu-system-x86_64 ;;
	backports | unstable)
		qdir=$("$TOP/scripts/fetch-qemu.sh" --installed "$QEMU" | tail -1) || exit "$EXIT_INFRA"
		qemu=$qdir/qemu-system-x86_64 ;;
	*) die "QEMU must be system, backports or unstable, not '$QEMU'" ;;
	esac
	[ -f "$bzimage" ] || die "no kernel image: $bzimage"
	[ -f "$initrd" ] || die "no initramfs: $initrd"
	mkdir -p "$out"
}

# /dev/kvm may exist and still not run a stock guest (a paravirtual KVM
# that stalls while the kernel decompresses): use it only when a short probe
# boot of this very kernel prints its first line.
kvm_works() {
	[ -w /dev/kvm ] || return 1
	local probe cache=$BUILD/kvm-probe
	# the answer is the host's: probe once per boot of the host
	if [ -f "$cache" ] && [ "$(cat "$cache" | cut -d' ' -f1)" = "$(cat /proc/sys/kernel/random/boot_id)" ]; then
		[ "$(cut -d' ' -f2 "$cache")" = yes ]
		return
	fi
	probe=$(tmp_file)
	(timeout 20 "$qemu" -accel kvm -cpu host -m 256M -nographic \
		-no-reboot -kernel "$bzimage" -append "console=ttyS0 panic=-1 rdinit=/nonexistent" \
		-serial "file:$probe" -display none -monitor none >/dev/null 2>&1) 2>/dev/null || true
	grep -q "Linux version" "$probe"
	local rc=$?
	rm -f "$probe"
	mkdir -p "$BUILD"
	echo "$(cat /proc/sys/kernel/random/boot_id) $([ $rc = 0 ] && echo yes || echo no)" >"$cache"
	return $rc
}

# choose_accel: accel, the accelerator's options (ACCEL)
choose_accel() {
	case $ACCEL in
	kvm) accel=(-accel kvm -cpu host) ;;
	tcg) accel=(-accel tcg,thread=$TCG_THREAD -cpu max,la57=off) ;;
	auto)
		if kvm_works 2>/dev/null; then accel=(-accel kvm -cpu host)
		# la57=off: with 5-level paging, 2 of 14 boots of a KASAN kernel hit a
		# spurious early KASAN report during identify_cpu; 0 of 18 without
		else accel=(-accel tcg,thread=$TCG_THREAD -cpu max,la57=off); fi ;;
	*) die "ACCEL must be auto, tcg or kvm, not '$ACCEL'" ;;
	esac
}

# numa_topology: topo, the machine's options. Two nodes with half the
# vCPUs each (VCPUS, 2 by default: one each), and a CPU-less node that
# HMAT describes as slow, so the kernel puts it in a lower memory tier (a
# demotion target).
numa_topology() {
	local half cpus0 cpus1 n
	VCPUS=${VCPUS:-2}
	[[ $VCPUS =~ ^[0-9]+$ ]] && [ "$VCPUS" -ge 2 ] && [ $((VCPUS % 2)) = 0 ] && [ "$VCPUS" -le 64 ] ||
		die "VCPUS must be an even number from 2 to 64, not '$VCPUS'"
	half=$((VCPUS / 2))
	cpus0=0 cpus1=1
	[ "$half" = 1 ] || cpus0=0-$((half - 1)) cpus1=$half-$((VCPUS - 1))
	topo=(-machine q35,hmat=on -smp "$VCPUS,sockets=2,cores=$half,threads=1" -m "$((NODE_MEM * 3))M")
	for n in 0 1 2; do
		topo+=(-object "memory-backend-ram,id=m$n,size=${NODE_MEM}M")
	done
	topo+=(-numa "node,nodeid=0,cpus=$cpus0,memdev=m0"
		-numa "node,nodeid=1,cpus=$cpus1,memdev=m1"
		-numa node,nodeid=2,memdev=m2,initiator=0
		-numa dist,src=0,dst=1,val=20 -numa dist,src=0,dst=2,val=30
		-numa dist,src=1,dst=2,val=30)
	hmat 0 0 10 10G; hmat 0 1 20 5G; hmat 0 2 80 1G
	hmat 1 0 20 5G; hmat 1 1 10 10G; hmat 1 2 80 1G
}
hmat() { # initiator target latency bandwidth
	topo+=(-numa "hmat-lb,initiator=$1,target=$2,hierarchy=memory,data-type=access-latency,latency=$3"
		-numa "hmat-lb,initiator=$1,target=$2,hierarchy=memory,data-type=access-bandwidth,bandwidth=$4")
}

# qemu_command: cmd, the whole command line, written to OUTDIR/qemu-cmdline
# with which QEMU and accelerator ran (OUTDIR/qemu-version)
qemu_command() {
	# the console: a file; a restored guest's goes on after its snapshot's
	local console=(-serial "file:$out/console.log")
	[ -z "${SNAPSHOT_RESTORE:-}" ] ||
		console=(-chardev "file,id=con,path=$out/console.log,append=on" -serial chardev:con)
	cmd=("$qemu" "${accel[@]}" "${topo[@]}"
		-kernel "$bzimage" -initrd "$initrd" -append "$args"
		-display none -no-reboot -nodefaults
		"${console[@]}"
		-monitor "unix:$out/monitor.sock,server=on,wait=off"
		-device isa-debug-exit,iobase=0xf4,iosize=0x04)
	# a second serial port (ttyS1) into a file, for bulk data the guest sends
	# out of band (the gcov counters of a COVERAGE=1 kernel)
	[ -n "${SERIAL2:-}" ] && cmd+=(-serial "file:$out/$SERIAL2")
	# the instruction counter (run.sh's INSN_COUNT=1)
	[ -n "${INSN_PLUGIN:-}" ] && cmd+=(-plugin "$INSN_PLUGIN")
	# suite.hold=1's channel, ttyS1: nothing to read in the boot that is
	# saved, the run's line in a restored one
	if [ -n "${SNAPSHOT_SAVE:-}" ]; then
		cmd+=(-serial null)
	elif [ -n "${SNAPSHOT_RESTORE:-}" ]; then
		# a first word of its own: what the UART may lose before the
		# guest reads is a word the guest ignores
		printf 'suite-line %s\n' "$SNAPSHOT_LINE" >"$out/suite-line"
		cmd+=(-chardev "file,id=hold,path=/dev/null,input-path=$out/suite-line" -serial chardev:hold
			-incoming "exec:cat $SNAPSHOT_RESTORE/state")
	fi
	printf '%q ' "${cmd[@]}" >"$out/qemu-cmdline"
	echo >>"$out/qemu-cmdline"
	# which QEMU and accelerator ran this boot: a finding under one may be the
	# emulator's (the stale int3 of MTTCG on 7.2)
	{
		echo "qemu=$QEMU $("$qemu" --version | head -1)"
		echo "accel=${accel[1]}"
	} >"$out/qemu-version"
}

monitor() { # send one HMP command, print the answer
	# An answer ends at QEMU's next "(qemu) " prompt, or when QEMU closes
	# the socket (quit): read to there, not for a fixed time, since a run
	# that stops at a finding asks twice and a snapshot's save several times
	python3 - "$out/monitor.sock" "$1" <<'PY' 2>/dev/null || true
import socket, sys, time
PROMPT = b"(qemu) "
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
def until_prompt(limit):
    data, end = b"", time.monotonic() + limit
    while not data.endswith(PROMPT):
        s.settimeout(max(end - time.monotonic(), 0.01))
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        data += chunk
    return data
until_prompt(5)
s.sendall(sys.argv[2].encode() + b"\n")
sys.stdout.write(until_prompt(30).decode(errors="replace"))
PY
}

# start_qemu: QEMU in the background (qpid), with a fresh console
start_qemu() {
	: >"$out/console.log"
	[ -z "${SNAPSHOT_RESTORE:-}" ] || cp "$SNAPSHOT_RESTORE/console.log" "$out/console.log"
	rm -f "$out/vm-verdict"
	# the parent-death signal stops QEMU even when this script is SIGKILLed.
	# SUITE_TEST_NO_REAPER=1 turns the reaping off: the negative control of
	# scripts/interrupt-test.sh, and nothing else
	reaper=1
	[ "${SUITE_TEST_NO_REAPER:-}" = 1 ] && reaper=0
	if [ $reaper = 1 ]; then
		setpriv --pdeathsig KILL "${cmd[@]}" >"$out/qemu.log" 2>&1 &
	else
		"${cmd[@]}" >"$out/qemu.log" 2>&1 &
		SUITE_PIDS=$$
	fi
	qpid=$!
	if [ $reaper = 1 ]; then
		trap 'interrupted SIGINT' INT
		trap 'interrupted SIGTERM' TERM
		trap 'interrupted SIGHUP' HUP
	fi
}
stop_qemu() {
	kill -0 "$qpid" 2>/dev/null || return 0
	kill "$qpid" 2>/dev/null
	local i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.5
	done
	kill -9 "$qpid" 2>/dev/null || true
	wait "$qpid" 2>/dev/null || true
}
interrupted() {
	trap - INT TERM HUP
	stop_qemu
	echo interrupted >"$out/vm-verdict"
	rm -f "$out/monitor.sock"
	echo "error: interrupted: $1; QEMU stopped ($out)" >&2
	exit 130
}

# wanted_finding: the console so far holds the finding STOP_ON waits for
wanted_finding() {
	local titles rc=0
	titles=$("$TRIAGE" "${scope_args[@]}" "$out/console.log" 2>/dev/null | cut -f2) || rc=$?
	# 0 nothing, 1 findings; anything else is judge.sh's to report
	[ "$rc" = 1 ] || return 1
	case $STOP_ON in
	first) [ -n "$titles" ] ;;
	title:*) grep -qxF -- "${STOP_ON#title:}" <<<"$titles" ;;
	match:*) [ -n "$(printf '%s\n' "$titles" | first_matching "${STOP_ON#match:}")" ] ;;
	esac
}

# save_registers FILE: every vCPU's registers, from the monitor
save_registers() {
	monitor "info registers -a" | sed -n "/^CPU#/,\$p" >"$1"
}

# guest_said TEXT: the console holds a line of the guest's starting TEXT
# (after the printk prefix); one grep, on every second the console grows
guest_said() {
	grep -aq "^\[[^]]*\]\(\[[^]]*\]\)* *$1" "$out/console.log"
}

# save_snapshot: the running guest (waiting on ttyS1) into
# SNAPSHOT_SAVE/state, with its console; QEMU is left stopped. A failed
# save leaves no state.
save_snapshot() {
	local i st=""
	rm -f "$SNAPSHOT_SAVE/state.tmp"
	monitor "migrate \"exec:cat > $SNAPSHOT_SAVE/state.tmp\"" >/dev/null
	for i in $(seq 1 120); do
		st=$(monitor "info migrate" | sed -n 's/^Migration status: *\([a-z-]*\).*/\1/p' | tail -1)
		case $st in completed | failed | cancelled) break ;; esac
		sleep 1
	done
	[ "$st" = completed ] || { rm -f "$SNAPSHOT_SAVE/state.tmp"; die "saving the guest to $SNAPSHOT_SAVE failed (migration: ${st:-no answer})"; }
	mv "$SNAPSHOT_SAVE/state.tmp" "$SNAPSHOT_SAVE/state"
	cp "$out/console.log" "$SNAPSHOT_SAVE/console.log"
	monitor "quit" >/dev/null
}

# watch_guest: until QEMU ends, or the wall clock (timeout), the silence
# (hang) or the finding STOP_ON waits for (stopped) ends it; sets verdict
# ("" when QEMU ended by itself) and last_size
watch_guest() {
	local start now size grew last_change found_at=""
	start=$(date +%s)
	last_size=0
	last_change=$start
	verdict=""
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 1
		suite_ancestors_alive || interrupted "the calling script is gone"
		now=$(date +%s)
		size=$(stat -c %s "$out/console.log" 2>/dev/null || echo 0)
		grew=0
		if [ "$size" != "$last_size" ]; then
			last_size=$size
			last_change=$now
			grew=1
			# wall seconds from QEMU's start to the scenario's (the guest's
			# "SUITE: seed=" line): what a boot, or a restore, costs a run
			[ -s "$out/start-seconds" ] || ! guest_said 'SUITE: seed=' ||
				echo $((now - start)) >"$out/start-seconds"
			# and to its first page migration (the guest's SUITE-MIGRATED)
			[ -s "$out/first-migration-seconds" ] || ! guest_said 'SUITE-MIGRATED:' ||
				echo $((now - start)) >"$out/first-migration-seconds"
		fi
		if [ $((now - start)) -ge "$TIMEOUT" ]; then
			verdict=timeout
		elif [ $((now - last_change)) -ge "$SILENCE" ]; then
			verdict=hang
		elif [ -n "${SNAPSHOT_SAVE:-}" ] && [ $grew = 1 ] && guest_said 'SUITE-READY:'; then
			save_snapshot
			verdict=saved
		elif [ -z "$found_at" ] && [ "$STOP_ON" != never ] && [ $grew = 1 ] && wanted_finding; then
			found_at=$now
		elif [ -n "$found_at" ]; then
			# the report is complete when the console has been quiet for 2 s
			# (a report prints in one burst), or at the latest 15 s on
			if [ $((now - last_change)) -ge 2 ] || [ $((now - found_at)) -ge 15 ]; then
				save_registers "$out/finding-registers.txt"
				[ -s "$out/finding-registers.txt" ] || rm -f "$out/finding-registers.txt"
				monitor "quit" >/dev/null
				verdict=stopped
			fi
		fi
		if [ "$verdict" = hang ] || [ "$verdict" = timeout ]; then
			# collect what can be had before stopping the guest
			monitor "sendkey alt-sysrq-t" >/dev/null
			sleep 5
			save_registers "$out/hang-registers.txt"
			monitor "quit" >/dev/null
		fi
		if [ -n "$verdict" ]; then
			sleep 1
			stop_qemu
			break
		fi
	done
}

# boot_verdict: QEMU's end as a verdict, written to OUTDIR/vm-verdict and
# printed; a QEMU that never got the guest to print is an error
boot_verdict() {
	local rc=0
	wait "$qpid" 2>/dev/null || rc=$?
	# a Ctrl-C reaches QEMU too, and it may end before our own trap runs
	if [ -z "$verdict" ] && { ! suite_ancestors_alive || grep -q "terminating on signal" "$out/qemu.log"; }; then
		interrupted "QEMU or a calling script was signalled"
	fi
	trap - INT TERM HUP
	rm -f "$out/monitor.sock"
	if [ -z "$verdict" ]; then
		case $rc in
		"$GUEST_PASS") verdict=pass ;;
		"$GUEST_FAIL") verdict=fail ;;
		*) verdict=died ;;	# panic, reboot, or QEMU failed to start
		esac
	fi
	if [ "$verdict" = died ] && [ "$last_size" = 0 ] && [ ! -s "$out/console.log" ]; then
		echo "qemu-failed" >"$out/vm-verdict"
		die "QEMU exited with $rc before the guest printed anything (see $out/qemu.log)"
	fi
	echo "$verdict" >"$out/vm-verdict"
	echo "$verdict"
}

# --- main ------------------------------------------------------------------------
read_settings "$@"
choose_accel
numa_topology
qemu_command
start_qemu
# a race outside the series' functions (OUTDIR/scope, written by run.sh)
# is no reason to stop: judge.sh lists it apart
scope_args=()
[ -s "$out/scope" ] && scope_args=(--scope "$out/scope" --outside /dev/null)
watch_guest
boot_verdict
