#!/usr/bin/env bash
# The Coccinelle catalogue (patches/cocci/*.cocci): bug classes of the
# copy-offload series written against the API's names, so that they apply
# to any version of the series, not only to ours. Used by mutants.sh (the
# rows) and unit-cocci.sh (the host tests).
#
#   scripts/cocci.sh files DIR         the C files of DIR that mention the
#                                      API (paths relative to DIR), tests
#                                      left out
#   scripts/cocci.sh diff RULE DIR OUT [FILE...]
#                                      the rule applied to those files (or
#                                      to FILEs, relative to DIR): its diff
#                                      (a/ b/ paths, patch -p1) in OUT.
#                                      Exit 0 with a diff; 3 when the rule
#                                      matched nothing (OUT empty, the
#                                      reason on stdout); 2 infrastructure
#   scripts/cocci.sh tree base|series  a directory with the pieces of the
#                                      base's pristine tree (mm, include,
#                                      MAINTAINERS), or of the base with
#                                      patches/BASE/series applied by
#                                      patch -p1; built once under $BUILD
#   scripts/cocci.sh names             every rule's name
set -euo pipefail
. "$(dirname "$0")/lib.sh"

COCCI=$TOP/patches/cocci
EXIT_NO_MATCH=3
# What a file must mention to be searched: the names every version of the
# series (v4 to v6 and our ports) shares between core and providers
API_RE='migrate_offload_(register|unregister|start|stop)|FOLIO_CONTENT_COPIED|FOLIO_ALREADY_COPIED|migrate_folios_mc_copy|migrate_should_offload|struct migrator\b'

usage() {
	die "usage: cocci.sh files DIR | diff RULE DIR OUT [FILE...] | tree base|series | names"
}

# api_files DIR: where the series lives (the core in mm/, its headers in
# include/, a DMA provider in drivers/); KUnit and self tests are not the
# series' code under test and are left alone. grep -r, not git grep: a
# user's tree may have the series in files git does not track yet
api_files() {
	local dir=$1 d where=()
	for d in mm include drivers; do [ -d "$dir/$d" ] && where+=("$d"); done
	[ ${#where[@]} -gt 0 ] || return 0
	(cd "$dir" && grep -rlE --include='*.[ch]' "$API_RE" "${where[@]}" || true) |
		grep -vE '(kunit|_test)[^/]*\.c$' | sort || true
}

# not_applicable RULE: the rule's "Not applicable:" paragraph, one line
not_applicable() {
	awk '/^\/\/ Not applicable: / { on = 1; sub(/^\/\/ Not applicable: /, ""); printf "%s", $0; next }
		on && /^\/\/ [A-Z][a-z ]*: / { exit }
		on && /^\/\/ / { sub(/^\/\/ /, ""); printf " %s", $0; next }
		on { exit }' "$1"
}

# mark_of DIR: the field a provider marks a copied folio in, as a virtual
# rule name for spatch -D (mark_private, mark_migrate_info), or nothing
mark_of() {
	local dir=$1 mark
	[ -f "$dir/Makefile" ] || return 0
	mark=$("$TOP/scripts/detect-api.sh" "$dir" | cut -d' ' -f2) || return 0
	case $mark in private | migrate_info) echo "mark_$mark" ;; esac
}

# rule_diff RULE DIR OUT [FILE...]
rule_diff() {
	local rule=$1 dir=$2 out=$3 files err opts=() mark
	[ -f "$rule" ] || die "no Coccinelle rule $rule"
	[ -d "$dir" ] || die "no directory $dir"
	need_cmd spatch coccinelle
	dir=$(realpath "$dir") rule=$(realpath "$rule") out=$(realpath "$out")
	shift 3
	if [ $# -gt 0 ]; then
		files=("$@")
	else
		mapfile -t files < <(api_files "$dir")
	fi
	: >"$out"
	if [ ${#files[@]} -eq 0 ]; then
		echo "no file of the tree mentions the copy-offload API"
		return $EXIT_NO_MATCH
	fi
	# a rule that adds the copied mark needs the tree's field for it
	if grep -q '^virtual mark_' "$rule"; then
		mark=$(mark_of "$dir")
		[ -n "$mark" ] || { echo "the tree's copied mark is in no field this rule knows"; return $EXIT_NO_MATCH; }
		opts+=(-D "$mark")
	fi
	err=$(tmp_file)
	if ! (cd "$dir" && spatch --very-quiet --patch . --sp-file "$rule" \
		"${opts[@]}" "${files[@]}") >"$out" 2>"$err"; then
		die "spatch failed on $(basename "$rule"): $(head -1 "$err")"
	fi
	rm -f "$err"
	if [ ! -s "$out" ]; then
		echo "the rule matched nothing in ${#files[@]} files of the API: $(not_applicable "$rule")"
		return $EXIT_NO_MATCH
	fi
}

# base_pieces: the base's mm, include and MAINTAINERS, pristine; those
# make unit extracted (build/ktools-BASE) when they are there
base_pieces() {
	local kt=$BUILD/ktools-$BASE dir=$BUILD/cocci-base-$BASE tarball top
	if [ -f "$kt/.ready" ]; then
		echo "$kt"
		return
	fi
	if [ ! -f "$dir/.ready" ]; then
		tarball=$(base_tarball)
		[ -f "$tarball" ] || die "no $(base_source package) to take the base's pieces from"
		progress "extracting mm/ and include/ of $(basename "$tarball") (about 30 s)"
		top=$(tar -tf "$tarball" 2>/dev/null | head -1 | cut -d/ -f1 || true)
		rm -rf "$dir" && mkdir -p "$dir"
		tar -xf "$tarball" -C "$dir" --strip-components=1 "$top/mm" "$top/include" "$top/MAINTAINERS" ||
			die "could not extract the base's pieces from $tarball"
		touch "$dir/.ready"
	fi
	echo "$dir"
}

# tree base|series: a copy of the base's pieces, with the series on top
# for "series"; a Makefile so that detect-api.sh takes it as a tree
tree() {
	local kind=$1 pieces key dir p
	pieces=$(base_pieces)
	case $kind in
	base) key=base ;;
	series) key=series-$(for p in $(base_series); do sha256_of "$(base_dir)/$p"; done | sha256sum | cut -c1-12) ;;
	*) usage ;;
	esac
	dir=$BUILD/cocci-tree-$BASE-$key
	if [ ! -f "$dir/.ready" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		cp -r "$pieces/mm" "$pieces/include" "$pieces/MAINTAINERS" "$dir/"
		touch "$dir/Makefile"
		if [ "$kind" = series ]; then
			for p in $(base_series); do
				patch -p1 -s -N -d "$dir" <"$(base_dir)/$p" >/dev/null ||
					die "patches/$BASE/$p does not apply to the base's pieces"
			done
		fi
		touch "$dir/.ready"
	fi
	echo "$dir"
}

case ${1:-} in
files) [ $# = 2 ] || usage; api_files "$(realpath "$2")" ;;
diff) [ $# -ge 4 ] || usage; shift; rule_diff "$@" ;;
tree) [ $# = 2 ] || usage; tree "$2" ;;
names) for r in "$COCCI"/*.cocci; do [ -e "$r" ] && basename "$r" .cocci; done ;;
*) usage ;;
esac
