#!/usr/bin/env bash
# Turn the top level of a KTAP file into JUnit XML for CI dashboards.
#   scripts/ktap-to-junit.sh SUITE_NAME KTAP_FILE > junit.xml
# "# ..." lines before a result become its failure text; "ok N name # SKIP
# why" is a skipped test (neither passed nor failed).
set -euo pipefail
suite=$1 file=$2
awk -v suite="$suite" '
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
/^# / { diag = diag substr($0, 3) "\n"; next }
/^(not )?ok [0-9]+ / {
	failed = ($1 == "not")
	skipped = !failed && $0 ~ /# SKIP/
	line = $0
	sub(/^(not )?ok [0-9]+ /, "", line)
	name = line; sub(/ *#.*/, "", name)
	n++; if (failed) f++; if (skipped) k++
	cases = cases sprintf("  <testcase classname=\"%s\" name=\"%s\">", esc(suite), esc(name))
	if (failed)
		cases = cases sprintf("<failure message=\"%s\">%s</failure>", esc(line), esc(diag))
	if (skipped)
		cases = cases sprintf("<skipped message=\"%s\"/>", esc(line))
	cases = cases "</testcase>\n"
	diag = ""
}
END {
	printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	printf "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n%s</testsuite>\n", esc(suite), n, f, k, cases
}' "$file"
