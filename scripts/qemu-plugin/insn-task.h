/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The instruction counter's count of a window's own task (insn-task.c),
 * for insn-count.c: events read, their callbacks hooked at translation,
 * the window opened and closed at the marks.
 */
#ifndef INSN_TASK_H
#define INSN_TASK_H

#include <stdint.h>
#include <stdio.h>

#include <qemu-plugin.h>

/* "irq|exc|switch|batch|moved|aside|back ADDRESS" lines; 0, or -1 on a bad or empty file */
int task_read_events(const char *path);
/* events were read: the task is counted */
int task_enabled(void);
/* the counter's per-vCPU totals of all instructions and of spin blocks */
void task_init(qemu_plugin_id_t id, qemu_plugin_u64 total, qemu_plugin_u64 spin);
/* at translation: the callbacks of the events at this instruction */
void task_hook(struct qemu_plugin_insn *insn, uint64_t pc);
/* at marks 2k and 2k + 1 (the caller holds its output's lock) */
void task_open(unsigned int vcpu);
void task_close(unsigned int vcpu, unsigned int id, FILE *out);
/* the window's task runs its own code on this vCPU */
int task_counting_on(unsigned int vcpu);

#endif /* INSN_TASK_H */
