// SPDX-License-Identifier: GPL-2.0
/*
 * insn-task: the instruction counter's (insn-count.c) count of a window's
 * own task, with the plugin's events=FILE.
 *
 * events=FILE: the window's own task, counted apart. "KIND ADDRESS" lines
 * (scripts/insn-events.sh): "irq" an interrupt's entry stub, "exc" an
 * exception's, "switch" __switch_to; and, optional, "batch" the entry of
 * migrate_pages_batch(), "moved" a return site of move_to_new_folio(),
 * "aside" the entry of a function set aside (aside.list) and "back" a
 * return site of one.
 * Between marks 2k and 2k+1 the plugin
 * then counts the instructions of the marking task alone, on whatever
 * vCPU it runs, and not while it sits in an interrupt (the kernel's
 * entry stubs push, its iretq instructions pop; a task switched out
 * keeps its depth) nor while another task runs (__switch_to's prev and
 * next, read from rdi and rsi). Of these, "spin" are those in blocks
 * holding a pause: the bodies of cpu_relax() loops, whose turns follow
 * the host's pace. At the closing mark:
 *   task<TAB>ID<TAB>INSNS<TAB>SPIN<TAB>IRQS<TAB>SWITCHES
 * (IRQS the interrupts it took, SWITCHES the times it was switched out;
 * INSNS "-" when the plugin lost the task: its closing mark ran where the
 * plugin did not see it switched in). INSNS - SPIN is what the task's
 * own code did, the same from boot to boot for the same work.
 *
 * With "batch" and "moved" events, the task's own instructions (without
 * spin) from a batch's entry to its first folio in place (the first return
 * of move_to_new_folio() after it, as faultmods/batch_lat.c times it), added
 * up over the window's batches:
 *   first<TAB>ID<TAB>INSNS<TAB>BATCHES
 *
 * With "aside" and "back" events, the task's own instructions (without
 * spin) in the functions set aside, their callees included, from entry to
 * return: work whose amount follows the host's pace (waiting for other
 * CPUs), which the caller's figure is then given without:
 *   aside<TAB>ID<TAB>INSNS<TAB>CALLS
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "insn-task.h"

#define MAX_VCPUS	64
#define MAX_EVENTS	512
/* the window's task before its first switch is seen, and no window */
#define TASK_PENDING	1
#define TASK_NONE	0

/* events=FILE: the kernel's entry stubs and __switch_to */
enum event_kind { EV_IRQ, EV_EXC, EV_SWITCH, EV_BATCH, EV_MOVED, EV_ASIDE, EV_BACK };
struct event {
	enum event_kind kind;
	uint64_t addr;
	/* aside and back: which function of aside.list (its aside line's
	 * number; its back lines follow it) */
	int fn;
};
static struct event events[MAX_EVENTS];
static int nr_events;
/* the aside lines read so far: the number of the function of the next */
static int nr_aside;

/*
 * The window's task, per vCPU: whether it is that vCPU's current task,
 * its interrupt and exception nesting there (bit i of nest set: level i
 * is an interrupt), and the vCPU's counts when it last started counting.
 * Each vCPU's entry is touched by that vCPU's thread only; the task's
 * nesting while switched out and the sums are shared.
 */
struct vcpu_task {
	int here;
	unsigned int depth;
	uint64_t nest;
	uint64_t total0, spin0;
};
static struct vcpu_task vtask[MAX_VCPUS];
static struct qemu_plugin_register *reg_rdi[MAX_VCPUS], *reg_rsi[MAX_VCPUS];
static uint64_t win_task = TASK_NONE;
static unsigned int away_depth;
static uint64_t away_nest;
static uint64_t task_insns, task_spin, task_irqs, task_switches;
/*
 * A stretch of the task's own instructions, opened and closed at events:
 * whether one is open, the task's own count when it opened, and the
 * window's sums. first: a batch's entry to its first folio in place;
 * aside: a function of aside.list's entry to its return (fn: which one,
 * so that the return of another called inside it does not close it).
 */
struct span {
	int open, fn;
	uint64_t start, insns, count;
};
static struct span first, aside;
static pthread_mutex_t task_lock = PTHREAD_MUTEX_INITIALIZER;
/* the counter's per-vCPU totals: all instructions, those of spin blocks */
static qemu_plugin_u64 sb_total, sb_spin;

/* the task counts on this vCPU: it runs here, and not in an interrupt */
static int counting(const struct vcpu_task *t)
{
	uint64_t levels = t->depth >= 64 ? ~0ULL : (1ULL << t->depth) - 1;

	return t->here && !(t->nest & levels);
}

static void count_from(unsigned int vcpu)
{
	vtask[vcpu].total0 = qemu_plugin_u64_get(sb_total, vcpu);
	vtask[vcpu].spin0 = qemu_plugin_u64_get(sb_spin, vcpu);
}

static void count_until(unsigned int vcpu)
{
	__atomic_add_fetch(&task_insns, qemu_plugin_u64_get(sb_total, vcpu) - vtask[vcpu].total0,
			   __ATOMIC_RELAXED);
	__atomic_add_fetch(&task_spin, qemu_plugin_u64_get(sb_spin, vcpu) - vtask[vcpu].spin0,
			   __ATOMIC_RELAXED);
}

/* the task's own instructions so far (spin left out), counting here */
static uint64_t own_now(unsigned int vcpu)
{
	return task_insns - task_spin + (qemu_plugin_u64_get(sb_total, vcpu) - vtask[vcpu].total0) -
	       (qemu_plugin_u64_get(sb_spin, vcpu) - vtask[vcpu].spin0);
}

/* open the span at the window's task's own count here; an open one too
 * when "again" (a new batch), else not (a call inside the one set aside) */
static void span_open(struct span *sp, unsigned int vcpu, int again, int fn)
{
	if (vcpu >= MAX_VCPUS || !counting(&vtask[vcpu]))
		return;
	pthread_mutex_lock(&task_lock);
	if (again || !sp->open) {
		sp->open = 1;
		sp->fn = fn;
		sp->start = own_now(vcpu);
	}
	pthread_mutex_unlock(&task_lock);
}

static void span_close(struct span *sp, unsigned int vcpu, int fn)
{
	if (vcpu >= MAX_VCPUS || !counting(&vtask[vcpu]))
		return;
	pthread_mutex_lock(&task_lock);
	if (sp->open && sp->fn == fn) {
		sp->insns += own_now(vcpu) - sp->start;
		sp->count++;
		sp->open = 0;
	}
	pthread_mutex_unlock(&task_lock);
}

/* migrate_pages_batch()'s entry, and back from move_to_new_folio() */
static void on_batch(unsigned int vcpu, void *udata)
{
	(void)udata;
	span_open(&first, vcpu, 1, 0);
}

static void on_moved(unsigned int vcpu, void *udata)
{
	(void)udata;
	span_close(&first, vcpu, 0);
}

/* a function of aside.list entered, and back from one */
static void on_aside(unsigned int vcpu, void *udata)
{
	span_open(&aside, vcpu, 0, (int)(uintptr_t)udata);
}

static void on_back(unsigned int vcpu, void *udata)
{
	span_close(&aside, vcpu, (int)(uintptr_t)udata);
}

/* an entry stub: one level deeper, an interrupt's or an exception's */
static void on_entry(unsigned int vcpu, void *udata)
{
	int irq = (enum event_kind)(uintptr_t)udata == EV_IRQ;
	struct vcpu_task *t;

	if (vcpu >= MAX_VCPUS)
		return;
	t = &vtask[vcpu];
	if (counting(t) && irq) {
		count_until(vcpu);
		__atomic_add_fetch(&task_irqs, 1, __ATOMIC_RELAXED);
	}
	if (t->depth < 64) {
		t->nest = irq ? t->nest | 1ULL << t->depth : t->nest & ~(1ULL << t->depth);
		t->depth++;
	}
}

/* an iretq: one level up (none below the task's own code) */
static void on_iret(unsigned int vcpu, void *udata)
{
	struct vcpu_task *t;
	int was;

	(void)udata;
	if (vcpu >= MAX_VCPUS || !vtask[vcpu].depth)
		return;
	t = &vtask[vcpu];
	was = counting(t);
	t->depth--;
	if (!was && counting(t))
		count_from(vcpu);
}

static uint64_t read_reg(struct qemu_plugin_register *reg)
{
	GByteArray *buf = g_byte_array_new();
	uint64_t v = 0;

	if (reg && qemu_plugin_read_register(reg, buf) == 8)
		memcpy(&v, buf->data, 8);
	g_byte_array_free(buf, TRUE);
	return v;
}

/* __switch_to(prev, next): the window's task leaves or comes to this vCPU */
static void on_switch(unsigned int vcpu, void *udata)
{
	struct vcpu_task *t;
	uint64_t prev, next, task;

	(void)udata;
	if (vcpu >= MAX_VCPUS || __atomic_load_n(&win_task, __ATOMIC_RELAXED) == TASK_NONE)
		return;
	t = &vtask[vcpu];
	prev = read_reg(reg_rdi[vcpu]);
	next = read_reg(reg_rsi[vcpu]);
	pthread_mutex_lock(&task_lock);
	task = win_task;
	/* before its first switch, the task is the one here at the mark */
	if (task == TASK_PENDING && t->here)
		task = win_task = prev;
	if (t->here && prev == task) {
		if (counting(t))
			count_until(vcpu);
		away_depth = t->depth;
		away_nest = t->nest;
		t->here = 0;
		task_switches++;
	} else if (task != TASK_NONE && next == task) {
		t->here = 1;
		t->depth = away_depth;
		t->nest = away_nest;
		if (counting(t))
			count_from(vcpu);
	}
	pthread_mutex_unlock(&task_lock);
}

/* mark 2k: the marking task's window opens, here, in its own code */
void task_open(unsigned int vcpu)
{
	pthread_mutex_lock(&task_lock);
	for (int v = 0; v < MAX_VCPUS; v++)
		vtask[v].here = 0;
	win_task = TASK_PENDING;
	task_insns = task_spin = task_irqs = task_switches = 0;
	first = (struct span){ 0 };
	aside = (struct span){ 0 };
	vtask[vcpu] = (struct vcpu_task){ .here = 1 };
	count_from(vcpu);
	pthread_mutex_unlock(&task_lock);
}

/* mark 2k + 1: the window closes; its line */
void task_close(unsigned int vcpu, unsigned int id, FILE *out)
{
	struct vcpu_task *t = &vtask[vcpu];

	pthread_mutex_lock(&task_lock);
	if (win_task != TASK_NONE && t->here) {
		if (counting(t))
			count_until(vcpu);
		fprintf(out, "task\t%u\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n", id,
			task_insns, task_spin, task_irqs, task_switches);
		if (first.count)
			fprintf(out, "first\t%u\t%" PRIu64 "\t%" PRIu64 "\n", id, first.insns,
				first.count);
		if (aside.count)
			fprintf(out, "aside\t%u\t%" PRIu64 "\t%" PRIu64 "\n", id, aside.insns,
				aside.count);
	} else if (win_task != TASK_NONE) {
		fprintf(out, "task\t%u\t-\t-\t%" PRIu64 "\t%" PRIu64 "\n", id, task_irqs,
			task_switches);
	}
	win_task = TASK_NONE;
	t->here = 0;
	pthread_mutex_unlock(&task_lock);
}

static void on_vcpu_init(qemu_plugin_id_t id, unsigned int vcpu)
{
	g_autoptr(GArray) regs = qemu_plugin_get_registers();

	(void)id;
	if (vcpu >= MAX_VCPUS || !regs)
		return;
	for (guint i = 0; i < regs->len; i++) {
		qemu_plugin_reg_descriptor *r = &g_array_index(regs, qemu_plugin_reg_descriptor, i);

		if (!strcmp(r->name, "rdi"))
			reg_rdi[vcpu] = r->handle;
		else if (!strcmp(r->name, "rsi"))
			reg_rsi[vcpu] = r->handle;
	}
}

/* counting, for the profile: the window's task runs its own code here */
int task_counting_on(unsigned int vcpu)
{
	return vcpu < MAX_VCPUS && counting(&vtask[vcpu]);
}

int task_enabled(void)
{
	return nr_events > 0;
}

/* 48 cf (iretq) at a kernel address */
static int is_iretq(const struct qemu_plugin_insn *insn, uint64_t pc)
{
	uint8_t b[2];

	return pc >> 63 && qemu_plugin_insn_size(insn) == 2 &&
	       qemu_plugin_insn_data(insn, b, 2) == 2 && b[0] == 0x48 && b[1] == 0xcf;
}

/* the callbacks of events=FILE at this instruction */
void task_hook(struct qemu_plugin_insn *insn, uint64_t pc)
{
	if (is_iretq(insn, pc))
		qemu_plugin_register_vcpu_insn_exec_cb(insn, on_iret, QEMU_PLUGIN_CB_NO_REGS, NULL);
	for (int e = 0; e < nr_events; e++) {
		if (events[e].addr != pc)
			continue;
		if (events[e].kind == EV_SWITCH)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_switch, QEMU_PLUGIN_CB_R_REGS,
							       NULL);
		else if (events[e].kind == EV_BATCH)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_batch, QEMU_PLUGIN_CB_NO_REGS,
							       NULL);
		else if (events[e].kind == EV_MOVED)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_moved, QEMU_PLUGIN_CB_NO_REGS,
							       NULL);
		else if (events[e].kind == EV_ASIDE)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_aside, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)events[e].fn);
		else if (events[e].kind == EV_BACK)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_back, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)events[e].fn);
		else
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_entry, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)events[e].kind);
	}
}

int task_read_events(const char *path)
{
	char line[256], kind[16];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct event *e = &events[nr_events];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (nr_events == MAX_EVENTS ||
		    sscanf(line, "%15s %" SCNx64, kind, &e->addr) != 2)
			goto bad;
		if (!strcmp(kind, "irq")) {
			e->kind = EV_IRQ;
		} else if (!strcmp(kind, "exc")) {
			e->kind = EV_EXC;
		} else if (!strcmp(kind, "switch")) {
			e->kind = EV_SWITCH;
		} else if (!strcmp(kind, "batch")) {
			e->kind = EV_BATCH;
		} else if (!strcmp(kind, "moved")) {
			e->kind = EV_MOVED;
		} else if (!strcmp(kind, "aside")) {
			e->kind = EV_ASIDE;
			e->fn = ++nr_aside;
		} else if (!strcmp(kind, "back") && nr_aside) {
			/* a back line belongs to the aside line above it */
			e->kind = EV_BACK;
			e->fn = nr_aside;
		} else {
			goto bad;
		}
		nr_events++;
	}
	fclose(f);
	return nr_events ? 0 : -1;
bad:
	fclose(f);
	return -1;
}

void task_init(qemu_plugin_id_t id, qemu_plugin_u64 total, qemu_plugin_u64 spin)
{
	sb_total = total;
	sb_spin = spin;
	qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
}
