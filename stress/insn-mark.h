/* SPDX-License-Identifier: GPL-2.0 */
/*
 * INSN_MARK(ID): a mark for the host's instruction counter (the QEMU
 * plugin scripts/qemu-plugin/insn-count.c): the 8-byte no-op
 * "nopl 0x5eedID(%rax,%rax,1)", which the plugin knows by its bytes and
 * which does nothing anywhere else. ID is a constant below 65536. A
 * program measures a window k between INSN_MARK(2k) and INSN_MARK(2k + 1)
 * and prints "INSN-WINDOW: k WHAT key=value ..." (pages=, calls=: what
 * the host divides by).
 */
#ifndef INSN_MARK_H
#define INSN_MARK_H

#define INSN_MARK(id) \
	__asm__ volatile(".byte 0x0f, 0x1f, 0x84, 0x00\n\t.short %c0\n\t.short 0x5eed" \
			 : : "i"(id) : "memory")

#endif /* INSN_MARK_H */
