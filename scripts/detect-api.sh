#!/usr/bin/env bash
# Which version of the copy-offload API a kernel tree carries, read from
# its headers (nothing is built). One line:
#
#   API MARK EXTRAS
#
# API: none | port612 (our 6.12 port: register(m), a global reason set,
# migrate_mark_content_copied()) | v5 (register(m), fixed reasons, the
# whole batch counts as copied when the callback returns 0) | v6
# (register(m, reason_mask), set_reason_mask(), FOLIO_CONTENT_COPIED set
# per folio by the provider).
# MARK: where a provider marks a copied folio: helper | private |
# migrate_info | none.
# EXTRAS: the suite's own patches on top, comma-separated, or "none":
# stats (debugfs counters), kunit.
#
#   scripts/detect-api.sh SRC_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=${1:?usage: detect-api.sh KERNEL_SOURCE_DIR}
[ -f "$src/Makefile" ] && [ -d "$src/mm" ] || die "$src is not a kernel source tree"
h=$src/include/linux/migrate_copy_offload.h
if [ ! -f "$h" ]; then
	echo "none none none"
	exit 0
fi
# the declaration may wrap, and another author names and spaces its
# parameters their way: join the header into one line, one space at most
# between words and none inside parentheses, then match the types only
decl=$(tr '\n\t' '  ' <"$h" | tr -s ' ' | sed 's/( /(/g; s/ )/)/g; s/ ,/,/g; s/, /,/g; s/ \* */ */g')
reg='int migrate_offload_register(\(const \)\{0,1\}struct migrator \*[A-Za-z0-9_]*'
if grep -q "$reg,unsigned long" <<<"$decl"; then
	api=v6
elif grep -q 'migrate_mark_content_copied' "$src/include/linux/migrate.h" 2>/dev/null; then
	api=port612
elif grep -q "$reg)" <<<"$decl"; then
	api=v5
else
	die "$h declares no migrate_offload_register() this suite knows"
fi
case $api in
port612) mark=helper ;;
v5) mark=none ;;
v6)
	if grep -q 'migrate_info' "$src/include/linux/mm_types.h"; then mark=migrate_info; else mark=private; fi ;;
esac
extras=()
grep -q 'offload_stat_names' "$src/mm/migrate_copy_offload.c" 2>/dev/null && extras+=(stats)
[ -f "$src/mm/migrate_copy_offload_kunit.c" ] && extras+=(kunit)
echo "$api $mark $(IFS=,; echo "${extras[*]:-none}")"
