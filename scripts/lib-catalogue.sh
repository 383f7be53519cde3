# The catalogue of broken variants (patches/mutants.catalogue): one record
# each, for every base; sourced by lib.sh. A key written KEY@BASE holds for
# that base only, in place of KEY; lines starting with two spaces continue
# the value before them.

CATALOGUE=$TOP/patches/mutants.catalogue

# catalogue_records: every record as "name<TAB>key<TAB>value" lines, the
# continuation lines joined, the KEY@BASE of this BASE in place of KEY
# and those of other bases left out
catalogue_records() {
	[ -f "$CATALOGUE" ] || die "no catalogue of broken variants at $CATALOGUE"
	awk -v base="$BASE" -v f="$CATALOGUE" '
		function flush() {
			if (k == "") return
			n = k; b = ""
			if (index(k, "@")) { b = substr(k, index(k, "@") + 1); n = substr(k, 1, index(k, "@") - 1) }
			if (b == "" || b == base) { rec[++nr] = n SUBSEP v; over[nr] = (b != "") }
			k = ""
		}
		function done() {
			flush()
			for (i = 1; i <= nr; i++) { split(rec[i], kv, SUBSEP); if (over[i]) has[kv[1]] = 1 }
			for (i = 1; i <= nr; i++) { split(rec[i], kv, SUBSEP)
				if (!over[i] && (kv[1] in has)) continue
				printf "%s\t%s\t%s\n", name, kv[1], kv[2] }
			nr = 0; name = ""; delete has
		}
		/^#/ { next }
		/^$/ { done(); next }
		/^  / { if (k == "") { printf "%s:%d: a continuation with nothing to continue\n", f, NR > "/dev/stderr"; exit 1 }
			v = v " " substr($0, 3); next }
		/^[a-z][a-z @.0-9]*: / { flush(); k = substr($0, 1, index($0, ":") - 1); v = substr($0, length(k) + 3)
			if (k == "name") name = v; next }
		{ printf "%s:%d: not \"key: value\": %s\n", f, NR > "/dev/stderr"; exit 1 }
		END { done() }' "$CATALOGUE" || die "the catalogue of broken variants cannot be read"
}

# mutant_field NAME KEY: the values of KEY in NAME's record for this BASE,
# one a line
mutant_field() {
	catalogue_records | awk -F'\t' -v n="$1" -v k="$2" '$1 == n && $2 == k { print $3 }'
}

# mutant_names [TIER]: the variants of this BASE (with that tier), by name
mutant_names() {
	catalogue_records | awk -F'\t' -v t="${1:-}" -v base="$BASE" '
		$2 == "bases" { if ((" " $3 " ") ~ (" " base " ")) on[$1] = 1 }
		$2 == "tier" { tier[$1] = $3 }
		$2 == "name" { order[++n] = $1 }
		END { for (i = 1; i <= n; i++) if (on[order[i]] && (t == "" || tier[order[i]] == t)) print order[i] }' | sort
}
