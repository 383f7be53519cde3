#!/usr/bin/env bash
# Turn a KTAP file into JUnit XML for CI dashboards.
#   scripts/ktap-to-junit.sh SUITE_NAME KTAP_FILE > junit.xml
# Top-level test points are test cases of SUITE_NAME; indented ones (the
# guest's own KTAP, nested under a run's test point) are test cases of
# SUITE_NAME/guest. "# ..." lines before a result become its failure text;
# "ok N name # SKIP why" is a skipped test, and so is "not ok N name # TODO
# why" (KTAP's expected failure: a negative control's test point).
set -euo pipefail
suite=$1 file=$2
awk -v suite="$suite" '
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
{ nested = ($0 ~ /^ /); line = $0; sub(/^ +/, "", line) }
line ~ /^# / { if (nested) ndiag = ndiag substr(line, 3) "\n"; else diag = diag substr(line, 3) "\n"; next }
line ~ /^(not )?ok [0-9]+/ {
	todo = line ~ /^not ok .*# TODO/
	failed = (line ~ /^not ok/) && !todo
	skipped = (!failed && line ~ /# SKIP/) || todo
	text = line
	sub(/^(not )?ok [0-9]+ ?/, "", text)
	name = text; sub(/ *#.*/, "", name)
	class = nested ? suite "/guest" : suite
	d = nested ? ndiag : diag
	n++; if (failed) f++; if (skipped) k++
	cases = cases sprintf("  <testcase classname=\"%s\" name=\"%s\">", esc(class), esc(name))
	if (failed)
		cases = cases sprintf("<failure message=\"%s\">%s</failure>", esc(text), esc(d))
	if (skipped)
		cases = cases sprintf("<skipped message=\"%s\"/>", esc(text))
	cases = cases "</testcase>\n"
	if (nested) ndiag = ""; else diag = ""
}
END {
	printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	printf "<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\">\n%s</testsuite>\n", esc(suite), n, f, k, cases
}' "$file"
