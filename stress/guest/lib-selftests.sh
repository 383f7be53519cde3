# The kernel's own mm selftests in the guest (busybox sh), and the one
# reader of their list, stress/selftests/mm.list (the host's
# scripts/build-selftests.sh sources this file for it too, under bash).

SELFTEST_DIR=${SELFTEST_DIR:-/selftests/mm}
SELFTEST_LIST=${SELFTEST_LIST:-$SELFTEST_DIR/mm.list}
# where each program runs (a directory of its own below it): a scenario
# points it at a filesystem other than tmpfs for the "fs" cases
SELFTEST_WORKDIR=${SELFTEST_WORKDIR:-/tmp}
# the keys of a record and the words of its needs
SELFTEST_KEYS="name prog status why needs args timeout"
SELFTEST_NEEDS="thp fs hwpoison ksm uffd uring lib=numa"

# selftest_records [FILE]: every record as "name<TAB>key<TAB>value"
# lines, prog filled in from the name. A line that is not "key: value",
# an unknown or repeated key, a missing one, a bad value or a name used
# twice is refused: "FILE:LINE: why" on stderr, nothing on stdout, status 1
selftest_records() {
	awk -v f="${1:-$SELFTEST_LIST}" -v keys=" $SELFTEST_KEYS " -v needs=" $SELFTEST_NEEDS " '
		function bad(why, at) { printf "%s:%d: %s\n", f, at ? at : NR, why > "/dev/stderr"; failed = 1; exit 1 }
		function need_ok(w) {
			if (w ~ /^(cpus|nodes|hugepages)=[0-9]+$/) return 1
			return index(needs, " " w " ") > 0
		}
		function done(   k, n, i, w) {
			if (!nk) return
			if (!("name" in v)) bad("a record without a name", start)
			for (k in req) if (!(k in v)) bad("record " v["name"] ": no \"" k "\"", start)
			if (v["status"] != "in" && v["status"] != "out") bad("record " v["name"] ": status is \"in\" or \"out\", not \"" v["status"] "\"", start)
			if (v["status"] == "in" && !("timeout" in v)) bad("record " v["name"] ": an \"in\" record needs a timeout", start)
			if (v["name"] in seen) bad("record " v["name"] ": the name is used twice", start)
			seen[v["name"]] = 1
			if (!("prog" in v)) { v["prog"] = v["name"]; order[++nk] = "prog" }
			n = split(v["needs"], w, " ")
			for (i = 1; i <= n; i++)
				if (!need_ok(w[i]) && !(w[i] == "none" && n == 1))
					bad("record " v["name"] ": unknown need \"" w[i] "\"", start)
			for (i = 1; i <= nk; i++) out = out v["name"] "\t" order[i] "\t" v[order[i]] "\n"
			for (k in v) delete v[k]
			nk = 0
		}
		BEGIN { req["status"]; req["why"]; req["needs"] }
		/^#/ { next }
		/^[ \t]*$/ { done(); next }
		!/^[a-z_]+: [^ ]/ { bad("not a \"key: value\" line: " $0) }
		{
			if (!nk) start = NR
			k = $0; sub(/:.*/, "", k); val = substr($0, length(k) + 3)
			if (index(keys, " " k " ") == 0) bad("unknown key \"" k "\"")
			if (k in v) bad("key \"" k "\" twice in one record")
			if ((k == "name" || k == "prog") && val !~ /^[A-Za-z0-9_-]+$/) bad(k " \"" val "\" is not [A-Za-z0-9_-]")
			if (k == "timeout" && val !~ /^[1-9][0-9]*$/) bad("timeout \"" val "\" is not a number of seconds")
			v[k] = val; order[++nk] = k
		}
		END { if (failed) exit 1; done(); if (failed) exit 1; printf "%s", out }' "${1:-$SELFTEST_LIST}"
}

# selftest_field NAME KEY [FILE]: one value of an entry, empty when unset
selftest_field() {
	selftest_records "${3:-$SELFTEST_LIST}" | awk -F'\t' -v n="$1" -v k="$2" '$1 == n && $2 == k { print $3 }'
}

# selftest_names in|out [FILE]: the entries of that status, in list order
selftest_names() {
	selftest_records "${2:-$SELFTEST_LIST}" | awk -F'\t' -v s="$1" '$2 == "status" && $3 == s { print $1 }'
}

# selftest_progs [FILE]: the programs of the "in" entries, each once
selftest_progs() {
	selftest_records "${1:-$SELFTEST_LIST}" | awk -F'\t' '
		$2 == "status" { st[$1] = $3 } $2 == "prog" { pr[$1] = $3; o[++n] = $1 }
		END { for (i = 1; i <= n; i++) if (st[o[i]] == "in" && !(pr[o[i]] in s)) { s[pr[o[i]]]; print pr[o[i]] } }'
}
