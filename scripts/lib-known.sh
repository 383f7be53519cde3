# Known kernel bugs (configs/known-bugs, or the file KNOWN_BUGS names):
# a finding whose title is a known bug's, on a tree the record says it is
# known on, is listed apart (known.tsv) instead of failing the run, so
# that a reported bug does not fail every night until it is fixed.
# Sourced by lib.sh; judge.sh calls known_split.
#
# A record (blank lines between records, "#" comments):
#
#   title:   the finding's title, exactly as findings.tsv has it
#   where:   the runs it is known on, KEY=VALUE words that must all hold
#            (required: a bug known everywhere would hide a regression):
#            base=7.2, tree=ours|own (the suite's series, or KERNEL_SRC),
#            api=v6 (scripts/detect-api.sh), flavour=kcsan, scenario=NAME
#   report:  where it was reported (a mail, a bug tracker): required, so
#            that nobody marks a bug known without saying where it lives
#
# The run's expected title (a negative control's) is never known.

KNOWN_BUGS=${KNOWN_BUGS:-$TOP/configs/known-bugs}
KNOWN_KEYS="title where report"
KNOWN_WHERE_KEYS="base tree api flavour scenario"

# known_records: every record as "title<TAB>where<TAB>report" lines; a
# malformed record is an error (one line, exit 2 through die)
known_records() {
	local records
	[ -f "$KNOWN_BUGS" ] || die "no list of known bugs at $KNOWN_BUGS (KNOWN_BUGS=)"
	records=$(awk -v f="$KNOWN_BUGS" -v keys=" $KNOWN_KEYS " -v wkeys=" $KNOWN_WHERE_KEYS " '
		function bad(why) { printf "%s:%d: %s\n", f, NR, why; failed = 1; exit 1 }
		function flush() {
			if (!n) return
			if (!("title" in r) || !("where" in r) || !("report" in r))
				bad("a record needs a title, a where and a report")
			printf "%s\t%s\t%s\n", r["title"], r["where"], r["report"]
			delete r; n = 0
		}
		/^#/ { next }
		/^[[:space:]]*$/ { flush(); next }
		/^  / { if (!n) bad("a continuation line with no key before it")
			v = $0; sub(/^ +/, "", v); r[k] = r[k] " " v; next }
		!/^[a-z]+: / { bad("not a \"key: value\" line: " $0) }
		{
			k = $0; sub(/:.*/, "", k); v = substr($0, length(k) + 3)
			if (index(keys, " " k " ") == 0) bad("unknown key \"" k "\"")
			if (k in r) bad("key \"" k "\" twice in one record")
			if (k == "where") {
				nw = split(v, w, " ")
				for (i = 1; i <= nw; i++) {
					wk = w[i]; sub(/=.*/, "", wk)
					if (w[i] !~ /^[a-z]+=[^=]+$/ || index(wkeys, " " wk " ") == 0)
						bad("\"" w[i] "\" is not one of base= tree= api= flavour= scenario=")
				}
			}
			r[k] = v; n++
		}
		END { if (!failed) flush(); exit failed }' "$KNOWN_BUGS") ||
		die "a malformed list of known bugs: $(tail -1 <<<"$records")"
	[ -z "$records" ] || printf '%s\n' "$records"
}

# run_property DIR KEY: what a run says of one of KNOWN_WHERE_KEYS, or
# nothing when it does not say
run_property() {
	local d=$1
	case $2 in
	base | flavour | scenario) cat "$d/$2" 2>/dev/null || true ;;
	tree) if grep -q "KERNEL_SRC=" "$d/reproduce" 2>/dev/null; then echo own
		elif [ -f "$d/reproduce" ]; then echo ours; fi ;;
	api) [ -f "$d/modules" ] && cut -d' ' -f1 "$(cat "$d/modules")/api" 2>/dev/null || true ;;
	esac
}

# known_where_holds DIR WHERE: every KEY=VALUE of WHERE holds for the run
known_where_holds() {
	local d=$1 w
	for w in $2; do
		[ "$(run_property "$d" "${w%%=*}")" = "${w#*=}" ] || return 1
	done
}

# known_split DIR EXPECTED_TITLE: moves the findings of findings.tsv that
# are known bugs on this run to known.tsv (the finding's four fields, then
# the record's report); the expected title stays a finding
known_split() {
	local d=$1 expected=$2 title where report kept known_list
	rm -f "$d/known.tsv"
	[ -s "$d/findings.tsv" ] || return 0
	known_list=$(known_records) || return 2
	[ -n "$known_list" ] || return 0
	kept=$(mktemp)
	cp "$d/findings.tsv" "$kept"
	while IFS=$'\t' read -r title where report; do
		[ "$title" != "$expected" ] || continue
		known_where_holds "$d" "$where" || continue
		awk -F'\t' -v t="$title" -v r="$report" -v known="$d/known.tsv" '
			$2 == t { print $0 "\t" r >> known; next } { print }' "$kept" >"$kept.new"
		mv "$kept.new" "$kept"
	done <<<"$known_list"
	mv "$kept" "$d/findings.tsv"
}
