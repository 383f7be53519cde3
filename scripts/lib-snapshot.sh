# Boot once, run many (sourced by run.sh; SNAPSHOT=1): a run starts from a
# guest saved at its ready point instead of booting.
#
# The saved guest booted with the run's kernel, initramfs and boot
# parameters but for the run's own suite.* words, and suite.hold=1: its
# init stops after the kernel's boot (the KUnit suite included) and waits
# for those words on ttyS1 (stress/guest/init). run-vm.sh saves it there
# (SNAPSHOT_SAVE) and restores it for each run (SNAPSHOT_RESTORE), the
# console going on from the saved one, so that every oracle reads the
# whole boot as before. A snapshot is keyed by everything that shapes the
# boot: kernel, initramfs, parameters, vCPUs, memory, QEMU and its
# threading; build/snapshots/KEY/ holds state, console.log and the boot's
# own results directory (boot/).

# snapshot_ready HOLD_ARGS: the directory of the saved guest for this
# run's boot, made now when there is none; nothing (the run boots cold)
# when the boot to the ready point did not get there, with a line why
snapshot_ready() {
	local hold=$1 key dir rc=0
	key=$({
		cat "$art/id"
		# build-initramfs.sh names an image by the hash of its inputs
		basename "$initrd"
		echo "$hold"
		echo "$vcpus ${NODE_MEM:-512} $QEMU $TCG_THREAD ${ACCEL:-auto}"
	} | sha256sum | cut -c1-16)
	dir=$BUILD/snapshots/$key
	# SNAPSHOT_NEW=0 (campaign.sh: no other run shares this boot): restored
	# only when saved before
	[ "${SNAPSHOT_NEW:-1}" != 0 ] || [ -f "$dir/state" ] || return 0
	mkdir -p "$dir"
	(
		# two campaigns (shards) wanting one snapshot: one boot makes it
		flock 9
		[ ! -f "$dir/state" ] || exit 0
		progress "snapshot $key: one boot to the ready point (the runs after it start there)"
		rm -rf "$dir/boot"
		SNAPSHOT_SAVE=$dir STOP_ON=never TIMEOUT=900 SILENCE=300 VCPUS=$vcpus SERIAL2="" INSN_PLUGIN="" \
			"$TOP/scripts/run-vm.sh" "$dir/boot" "$art/bzImage" "$initrd" "$hold" >/dev/null 2>&1
		[ "$(cat "$dir/boot/vm-verdict" 2>/dev/null)" = saved ] && [ -f "$dir/state" ]
	) 9>"$dir.lock" || rc=$?
	if [ "$rc" = 0 ]; then
		touch "$dir"
		snapshot_prune
		echo "$dir"
	else
		progress "snapshot $key: the boot to the ready point ended '$(cat "$dir/boot/vm-verdict" 2>/dev/null || echo unknown)' ($dir/boot): this run boots cold"
	fi
}

# snapshot_prune: the SNAPSHOT_KEEP (8) snapshots used last are kept; a
# state is some 440 MB (7.2, 1.5 GB of guest memory)
snapshot_prune() {
	local d
	ls -dt "$BUILD"/snapshots/*/ 2>/dev/null | tail -n +$((${SNAPSHOT_KEEP:-8} + 1)) |
		while read -r d; do rm -rf "$d" "${d%/}.lock"; done
}

# snapshot_wanted [PREV]: this boot may start from a snapshot: SNAPSHOT=1,
# not told to boot cold (COLD=1: a campaign's first run and one in ten), not
# the re-run of a boot an emulator event ended (PREV), no second serial
# port in use (a COVERAGE=1 kernel's counters), a scenario without a
# boot_cold reason (boot_cold: an oracle a restored guest does not keep)
snapshot_wanted() {
	[ "${SNAPSHOT:-0}" = 1 ] && [ "${COLD:-0}" != 1 ] && [ -z "${1:-}" ] && [ -z "$serial2" ] &&
		[ -z "${boot_cold:-}" ]
}

# boot_of SCENARIO: what of a scenario's record shapes its boot, and so
# its snapshot (run.sh's snapshot key; the rest is the campaign's)
boot_of() {
	echo "$(scenario_field "$1" boot_args)|$(scenario_field "$1" vcpus)|$(scenario_field "$1" node_mem)"
}

# count_restores: under SNAPSHOT=1, how many of a campaign shard's runs
# could start from each boot's snapshot (restores[BOOT]): not its first
# run nor one in ten (cold, campaign.sh), not a boot_cold scenario. Reads
# campaign.sh's list (scenarios, L), shard (sn, si) and runs (none: a
# budget, one pass of the list)
count_restores() {
	local k n=${runs:-$L} first=1 s b
	declare -gA restores=()
	[ "${SNAPSHOT:-0}" = 1 ] || return 0
	for ((k = 0; k < n; k++)); do
		[ $((k % sn)) = "$si" ] || continue
		s=${scenarios[$((k % L))]%@*}
		if [ "$first" = 0 ] && [ $((k % 10)) != 0 ] && [ -z "$(scenario_field "$s" boot_cold)" ]; then
			b=$(boot_of "$s")
			restores[$b]=$((${restores[$b]:-0} + 1))
		fi
		first=0
	done
}
