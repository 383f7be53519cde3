#!/usr/bin/env bash
# Where the instruction counter tells the window's own task from the rest
# (the plugin's events=FILE): "KIND ADDRESS" lines from the test kernel's
# System.map (the guest boots with nokaslr). KIND:
#   irq     an interrupt's entry stub (asm_sysvec_*, asm_common_interrupt,
#           asm_spurious_interrupt, and asm_exc_nmi): what it runs is not
#           the task's, and comes at the host's pace
#   exc     an exception's entry stub (asm_exc_*): the task's own (a fault
#           it takes is its work), but one level deeper until its iretq
#   switch  __switch_to: the task leaves or comes back to a vCPU
#   batch   migrate_pages_batch(): a batch starts
#   moved   the instruction after a call of move_to_new_folio(): a folio
#           is in place
#   aside   a function of scripts/qemu-plugin/aside.list, whose own and
#           callees' instructions are set aside from the task's
#   back    the instruction after a call of one of those
# With batch and moved, the plugin also counts the task's own instructions
# from a batch's entry to its first folio in place (the latency section's
# first folio, in instructions). The return sites come from the
# disassembly of ART/vmlinux (its direct calls); a kernel without the
# functions, or an artifact without vmlinux, gets none of these four.
#
#   scripts/insn-events.sh ART
#
# Exit 2 with one line when ART has no System.map or the kernel lacks
# __switch_to or the entry stubs (another architecture, or FRED only).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

art=${1:-}
[ -f "$art/System.map" ] || die "usage: insn-events.sh ART (no System.map in '$art')"
events=$(awk '
	$2 !~ /^[tT]$/ { next }
	$3 ~ /^asm_sysvec_/ || $3 == "asm_common_interrupt" || $3 == "asm_spurious_interrupt" || $3 == "asm_exc_nmi" { print "irq " $1; irq++; next }
	$3 ~ /^asm_exc_/ { print "exc " $1; exc++; next }
	$3 == "__switch_to" { print "switch " $1; sw++ }
	END { if (!irq || !exc || sw != 1) exit 1 }' "$art/System.map") ||
	die "insn-events.sh: $art/System.map lacks __switch_to or the interrupt entry stubs"
echo "$events"
[ -f "$art/vmlinux" ] || exit 0
aside=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/scripts/qemu-plugin/aside.list" | cut -f1)
# NAME ADDRESS of each function wanted, from System.map
wanted=$(awk -v names="migrate_pages_batch move_to_new_folio $(echo $aside)" '
	BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
	$2 ~ /^[tT]$/ && ($3 in want) { print $3, $1 }' "$art/System.map")
# the return site of every direct call of them: CALLEE SITE
sites=$(objdump -d --no-show-raw-insn "$art/vmlinux" | awk -v wanted="$(echo $wanted)" '
	BEGIN { n = split(wanted, a, " "); for (i = 1; i < n; i += 2) want["<" a[i] ">"] = a[i] }
	after != "" { sub(/:.*/, "", $1); print after, $1; after = "" }
	$2 == "call" && ($NF in want) { after = want[$NF] }')
addr_of() { awk -v n="$1" '$1 == n { print $2 }' <<<"$wanted"; }
sites_of() { awk -v n="$1" '$1 == n { print $2 }' <<<"$sites"; }
if [ -n "$(addr_of migrate_pages_batch)" ] && [ -n "$(addr_of move_to_new_folio)" ]; then
	[ -n "$(sites_of move_to_new_folio)" ] || die "insn-events.sh: no call of move_to_new_folio in $art/vmlinux"
	echo "batch $(addr_of migrate_pages_batch)"
	sites_of move_to_new_folio | sed 's/^/moved /'
fi
for f in $aside; do
	[ -n "$(addr_of "$f")" ] || continue
	[ -n "$(sites_of "$f")" ] || die "insn-events.sh: no call of $f (aside.list) in $art/vmlinux"
	echo "aside $(addr_of "$f")"
	sites_of "$f" | sed 's/^/back /'
done
