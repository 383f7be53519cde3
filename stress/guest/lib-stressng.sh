# stress-ng (Debian unstable's, /opt/stress-ng) in the guest (busybox sh).

# --- stress-ng (Debian unstable's, /opt/stress-ng) --------------------------------
# sng NAME SECONDS OPTION...: one stress-ng run with --verify, seeded from
# the run's seed; fails on any exit but 0, with the end of its log
# (/tmp/sng-NAME.log) as the diagnostic
sng() {
	local name=$1 secs=$2 rc=0
	shift 2
	stress-ng --seed "$(seed_for "stress-ng-$name")" --timeout "${secs}s" --verify \
		--metrics-brief "$@" </dev/null >/tmp/sng-$name.log 2>&1 || rc=$?
	if [ $rc != 0 ]; then
		echo "# stress-ng $name: exit $rc"
		# its own findings first (pr_fail lines), then how it ended
		{ grep -m4 ' fail: ' /tmp/sng-$name.log; tail -4 /tmp/sng-$name.log; } | sed 's/^/# /'
		return 1
	fi
	sed -n 's/.*metrc: \[[0-9]*\] *\([a-z-]* *[0-9].*\)/# stress-ng: \1/p' /tmp/sng-$name.log | head -3
}

# sng_moved NAME SECONDS OPTION...: sng while pid-mover moves the
# anonymous memory of stress-ng's NAME workers (comm stress-ng-NAME), so
# that the stressor's own --verify checks pages that went through the
# batch; fails when either fails or nothing of theirs moved
sng_moved() {
	local name=$1 mp rc=0
	/guest/pid-mover -c "stress-ng-$name" -t "$2" -s "$(seed_for "pid-mover-$name")" &
	mp=$!
	sng "$@" || rc=1
	wait $mp || rc=1
	return $rc
}
