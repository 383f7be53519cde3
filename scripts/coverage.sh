#!/usr/bin/env bash
# Which offload branches the runs executed, from the gcov counters that a
# COVERAGE=1 kernel's guest sends on ttyS1 (results/<run>/gcov.b64).
#
#   scripts/coverage.sh OUT_DIR RUN_OR_CAMPAIGN_DIR...
#
# Merges the counters of every run with gcov-tool, reads line counts with
# gcov's JSON output and prints, for each branch of
# patches/$BASE/branches.tsv, how often it ran; a branch that never ran
# is named. Also the share of lines run in each file. Writes OUT_DIR/
# coverage.txt and the merged .gcda files.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# run_dirs RUN_OR_CAMPAIGN_DIR...: runs, the run directories (a
# campaign's runs are its siblings)
run_dirs() {
	local d r
	runs=()
	for d in "$@"; do
		if [ -f "$d/runs.tsv" ]; then # a campaign: its runs are siblings
			while read -r r; do runs+=("$(dirname "$d")/$r"); done < <(sed 1d "$d/runs.tsv" | cut -f7)
		else
			runs+=("$d")
		fi
	done
}

# merge_counters: the runs' gcda files merged with gcov-tool (merged, in
# work) from n runs of one kernel (art); missing, the runs without them;
# the provider's own counters in work/provider.txt
merge_counters() {
	local r a
	work=$(tmp_dir)
	merged="" art="" n=0 missing=0
	for r in "${runs[@]}"; do
		if [ ! -s "$r/gcov.b64" ] || ! grep -q GCOV-END "$r/gcov.b64"; then
			missing=$((missing + 1)) # no counters: the run died first, or no COVERAGE kernel
			continue
		fi
		a=$(cat "$r/kernel")
		[ -z "$art" ] || [ "$a" = "$art" ] || die "runs of two kernels ($art, $a): cover one kernel at a time"
		art=$a n=$((n + 1))
		# the provider's own counters: what only timing decides (in flight)
		grep -ho 'fault_provider: calls .*' "$r/console.log" >>"$work/provider.txt" || true
		mkdir -p "$work/run$n"
		sed -n '/GCOV-BEGIN/,/GCOV-END/p' "$r/gcov.b64" | sed '1d;$d' | tr -d '\r' |
			base64 -d | tar -xf - -C "$work/run$n" || die "bad gcov data in $r/gcov.b64"
		if [ -z "$merged" ]; then
			merged=$work/run$n
		else
			gcov-tool merge -o "$work/merged$n" "$merged" "$work/run$n" >/dev/null ||
				die "gcov-tool merge failed on $r"
			merged=$work/merged$n
		fi
	done
	[ "$n" -gt 0 ] || die "no run with gcov counters (build with COVERAGE=1: make stress COVERAGE=1)"
	[ "$(cat "$art/coverage" 2>/dev/null)" = 1 ] || die "kernel $art was not built with COVERAGE=1"
}

# line_counts: the merged counters in OUT_DIR, and gcov's JSON line
# counts of each file in work/mm, next to the source it was built from
line_counts() {
	local obj src commit f b
	obj=$(cat "$art/obj") src=$(cat "$art/src") commit=$(cat "$art/commit")
	cp "$merged"/*.gcda "$out/"
	mkdir -p "$work/mm"
	for f in "$merged"/*.gcda; do
		b=$(basename "$f" .gcda)
		cp "$f" "$work/mm/"
		cp "$obj/mm/$b.gcno" "$work/mm/" || die "no $obj/mm/$b.gcno: the object tree was rebuilt since"
		git -C "$src" show "$commit:mm/$b.c" >"$work/mm/$b.c.src"
		(cd "$work/mm" && gcov --json-format --stdout "$b.gcda" >"$b.json" 2>/dev/null) ||
			die "gcov failed on $b.gcda"
	done
}

# branch_report: how often each branch of branches.tsv ran, and the
# provider's counters, into OUT_DIR/coverage.txt
branch_report() {
	touch "$work/provider.txt"
python3 - "$(base_dir)/branches.tsv" "$work/mm" "$n" "$missing" "$work/provider.txt" <<'PY' | tee "$out/coverage.txt"
import json, os, sys
table, mm, nruns, missing, provider = sys.argv[1:6]
counts, totals = {}, {}
for f in os.listdir(mm):
    if not f.endswith(".json"):
        continue
    base = f[:-5]
    data = json.loads(open(os.path.join(mm, f)).read())
    for fi in data["files"]:
        if not fi["file"].endswith("mm/" + base + ".c"):
            continue
        lines = {}
        for ln in fi["lines"]:
            lines[ln["line_number"]] = lines.get(ln["line_number"], 0) + ln["count"]
        counts["mm/" + base + ".c"] = lines
        run = sum(1 for c in lines.values() if c)
        totals["mm/" + base + ".c"] = (run, len(lines))
print(f"coverage of {nruns} runs ({missing} runs without counters)")
for f, (run, tot) in sorted(totals.items()):
    print(f"  {f}: {run}/{tot} lines run ({100 * run // max(tot, 1)}%)")
print()
print(f"  {'BRANCH':32} {'COUNT':>10}  MEANING")
never = []
for row in open(table):
    if row.startswith("#") or not row.strip():
        continue
    name, path, anchor, off, meaning = row.rstrip("\n").split("\t")
    src = open(os.path.join(mm, os.path.basename(path) + ".src")).read().split("\n")
    hits = [i + 1 for i, l in enumerate(src) if anchor in l]
    if len(hits) != 1:
        print(f"  {name:32} {'?':>10}  anchor found {len(hits)} times in {path}: fix branches.tsv")
        never.append(name)
        continue
    # OFFSET or A-B: the count of line+A minus that of line+B (the
    # early return of an if has no line of its own once compiled)
    a, _, b = off.partition("-")
    line = hits[0] + int(a)
    c = counts.get(path, {}).get(line)
    if c is not None and b:
        c2 = counts.get(path, {}).get(hits[0] + int(b))
        c = None if c2 is None else c - c2
    if c is None:
        print(f"  {name:32} {'-':>10}  {path}:{line} has no code")
        never.append(name)
        continue
    print(f"  {name:32} {c:>10}  {meaning} ({path}:{line})")
    if c == 0:
        never.append(name)
# events only the provider sees: a copy in flight when it unregistered,
# forced -EAGAIN retries, and the modes it chose
fp = {}
for row in open(provider):
    w = row.split()[1:]
    for k, v in zip(w[0::2], w[1::2]):
        if v.isdigit() and k != "seed":
            fp[k] = fp.get(k, 0) + int(v)
for key, meaning in (("unregister_in_flight", "unregistered with a copy in flight (fault_provider)"),
                     ("eagain_released", "forced -EAGAIN retries (fault_provider)"),
                     ("mode_partial", "partial copies (fault_provider)"),
                     ("mode_stall", "stalled copies (fault_provider)")):
    c = fp.get(key, 0)
    print(f"  {key:32} {c:>10}  {meaning}")
    if c == 0:
        never.append(key)
print()
print("never run: " + (", ".join(never) if never else "none"))
PY
}

# --- main ------------------------------------------------------------------------
out=${1:?usage: coverage.sh OUT_DIR RUN_OR_CAMPAIGN_DIR...}
shift
need_cmd gcov-tool gcc
need_cmd python3 python3
run_dirs "$@"
mkdir -p "$out"
merge_counters
line_counts
branch_report
