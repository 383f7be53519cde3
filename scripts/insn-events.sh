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
