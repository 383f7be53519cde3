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
#   moved   the instruction after a call of move_to_new_folio() (a static
#           function of mm/migrate.c: its callers' calls are found in the
#           disassembly of vmlinux around it): a folio is in place
# With batch and moved, the plugin also counts the task's own instructions
# from a batch's entry to its first folio in place (the latency section's
# first folio, in instructions). A kernel without them gets neither.
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
read -r batch moved < <(awk '$3 == "migrate_pages_batch" { b = $1 } $3 == "move_to_new_folio" { m = $1 }
	END { print b, m }' "$art/System.map")
if [ -n "$batch" ] && [ -n "$moved" ] && [ -f "$art/vmlinux" ]; then
	# the calls to it: mm/migrate.o's text lies within 256 KiB of it; each
	# call's return site is the next instruction's address
	lo=$((0x$moved - 0x40000))
	[ "$lo" -ge 0 ] || lo=0
	sites=$(objdump -d --no-show-raw-insn --start-address=$lo \
		--stop-address=$((0x$moved + 0x40000)) "$art/vmlinux" |
		awk -v m="<move_to_new_folio>" 'after { sub(/:.*/, "", $1); print "moved " $1; after = 0 }
			$1 ~ /^[0-9a-f]+:$/ && $2 == "call" && $NF == m { after = 1 }')
	[ -n "$sites" ] || die "insn-events.sh: no call of move_to_new_folio found around it in $art/vmlinux"
	echo "batch $batch"
	echo "$sites"
fi
