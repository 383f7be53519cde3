// SPDX-License-Identifier: GPL-2.0
/*
 * insn-count: a QEMU TCG plugin that counts the guest instructions
 * executed, per vCPU, in all and within kernel address ranges, and writes
 * them out each time the guest executes a mark.
 *
 *   -plugin insn-count.so,ranges=FILE,out=FILE[,events=FILE][,profile=on]
 *
 * ranges: "NAME START END" lines (hex, END excluded): the test kernel's
 * functions, from its System.map (scripts/insn-ranges.sh). out: one line
 * per mark, then one at exit:
 *
 *   ranges<TAB>NAME...                          once, first
 *   mark<TAB>ID<TAB>VCPU<TAB>VCPU_TOTAL<TAB>TOTAL<TAB>COUNT...<TAB>CALLS...
 *   exit<TAB>-<TAB>-<TAB>-<TAB>TOTAL<TAB>COUNT...<TAB>CALLS...
 *
 * VCPU_TOTAL is the marking vCPU's instructions so far, TOTAL and each
 * COUNT (one per range, in the file's order) those of every vCPU, each
 * CALLS the executions of its range's first instruction. A mark
 * is the 8-byte no-op "nopl 0x5eedNNNN(%rax,%rax,1)" (0f 1f 84 00 and the
 * displacement, little endian), ID being NNNN: any program, user or
 * kernel, marks with it, and on a CPU without this plugin it does nothing
 * (stress/insn-mark.h).
 *
 * events=FILE: the window's own task counted apart (insn-task.c).
 *
 * profile=on: where a window's instructions went, to find what makes a
 * count vary: between a mark 2k and 2k+1, the marking vCPU's
 * instructions per translated block (with events=, the task's own,
 * wherever it runs), written at the closing mark as
 *   prof<TAB>ID<TAB>PC<TAB>COUNT
 * (a callback per block executed: slow, for diagnosis only).
 *
 * Instructions in a range are counted one by one; the totals a whole
 * block at a time, at its start (a block left early by a fault still
 * counts whole: the same on every run of the same guest).
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

#include "insn-task.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_RANGES	64
#define MARK_LEN	8
#define MARK_MAGIC	0x5eedU
struct range {
	char name[128];
	uint64_t start, end;
};

static struct range ranges[MAX_RANGES];
static int nr_ranges;
/*
 * per vCPU: the total, one counter per range, one entry count per range,
 * then the instructions of blocks holding a pause
 */
static struct qemu_plugin_scoreboard *counts;
static FILE *out;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* profile=on: every block translated, and the vCPU whose window is open */
struct block {
	uint64_t pc;
	uint64_t n;
	uint64_t count;
};
static int profile;
static struct block **blocks;
static size_t nr_blocks, max_blocks;
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile int profiled_vcpu = -1;

static qemu_plugin_u64 counter(int i)
{
	return (qemu_plugin_u64){ counts, (size_t)(i + 1) * sizeof(uint64_t) };
}

static qemu_plugin_u64 calls(int i)
{
	return (qemu_plugin_u64){ counts, (size_t)(nr_ranges + i + 1) * sizeof(uint64_t) };
}

static qemu_plugin_u64 total(void)
{
	return (qemu_plugin_u64){ counts, 0 };
}

static qemu_plugin_u64 spin(void)
{
	return (qemu_plugin_u64){ counts, (size_t)(2 * nr_ranges + 1) * sizeof(uint64_t) };
}

/* the line's counts: every vCPU's total, then each range's */
static void put_counts(void)
{
	fprintf(out, "\t%" PRIu64, qemu_plugin_u64_sum(total()));
	for (int i = 0; i < nr_ranges; i++)
		fprintf(out, "\t%" PRIu64, qemu_plugin_u64_sum(counter(i)));
	for (int i = 0; i < nr_ranges; i++)
		fprintf(out, "\t%" PRIu64, qemu_plugin_u64_sum(calls(i)));
	fputc('\n', out);
}

/* with events=, the window's task's blocks, wherever it runs; else the marking vCPU's */
static void on_block(unsigned int vcpu, void *udata)
{
	struct block *b = udata;

	if (task_enabled() ? profiled_vcpu >= 0 && task_counting_on(vcpu) :
			     (int)vcpu == profiled_vcpu)
		b->count += b->n;
}

/* at a window's end: its blocks' counts, each then put back to 0 */
static void put_profile(unsigned int id)
{
	pthread_mutex_lock(&blocks_lock);
	for (size_t i = 0; i < nr_blocks; i++) {
		if (!blocks[i]->count)
			continue;
		fprintf(out, "prof\t%u\t%" PRIx64 "\t%" PRIu64 "\n", id, blocks[i]->pc,
			blocks[i]->count);
		blocks[i]->count = 0;
	}
	pthread_mutex_unlock(&blocks_lock);
}

static void on_mark(unsigned int vcpu, void *udata)
{
	unsigned int id = (unsigned int)(uintptr_t)udata;

	if (profile && id % 2 == 0)
		profiled_vcpu = (int)vcpu;
	if (profile && id % 2 == 1 && profiled_vcpu == (int)vcpu) {
		profiled_vcpu = -1;
		pthread_mutex_lock(&out_lock);
		put_profile(id);
		pthread_mutex_unlock(&out_lock);
	}
	pthread_mutex_lock(&out_lock);
	if (task_enabled()) {
		if (id % 2 == 0)
			task_open(vcpu);
		else
			task_close(vcpu, id, out);
	}
	fprintf(out, "mark\t%u\t%u\t%" PRIu64, (unsigned int)(uintptr_t)udata, vcpu,
		qemu_plugin_u64_get(total(), vcpu));
	put_counts();
	/* a run stopped at a finding is killed: each mark is on disk at once */
	fflush(out);
	pthread_mutex_unlock(&out_lock);
}

static void on_exit_cb(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	pthread_mutex_lock(&out_lock);
	fputs("exit\t-\t-\t-", out);
	put_counts();
	fclose(out);
	out = NULL;
	pthread_mutex_unlock(&out_lock);
}

/* the mark's ID, or -1 when the instruction is not a mark */
static int mark_id(const struct qemu_plugin_insn *insn)
{
	uint8_t b[MARK_LEN];

	if (qemu_plugin_insn_size(insn) != MARK_LEN ||
	    qemu_plugin_insn_data(insn, b, sizeof(b)) != MARK_LEN)
		return -1;
	if (b[0] != 0x0f || b[1] != 0x1f || b[2] != 0x84 || b[3] != 0x00 ||
	    (b[6] | b[7] << 8) != MARK_MAGIC)
		return -1;
	return b[4] | b[5] << 8;
}

/* f3 90 (pause): the block is a spin loop's body */
static int is_pause(const struct qemu_plugin_insn *insn)
{
	uint8_t b[2];

	return qemu_plugin_insn_size(insn) == 2 &&
	       qemu_plugin_insn_data(insn, b, 2) == 2 && b[0] == 0xf3 && b[1] == 0x90;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(tb, QEMU_PLUGIN_INLINE_ADD_U64,
							  total(), n);
	if (profile) {
		struct block *b = calloc(1, sizeof(*b));

		pthread_mutex_lock(&blocks_lock);
		if (b && nr_blocks == max_blocks) {
			struct block **more = realloc(blocks, (max_blocks * 2 + 1024) * sizeof(*blocks));

			if (more) {
				blocks = more;
				max_blocks = max_blocks * 2 + 1024;
			}
		}
		if (b && nr_blocks < max_blocks) {
			b->pc = qemu_plugin_tb_vaddr(tb);
			b->n = n;
			blocks[nr_blocks++] = b;
			qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
		} else {
			free(b);
		}
		pthread_mutex_unlock(&blocks_lock);
	}
	for (size_t i = 0; i < n; i++) {
		if (is_pause(qemu_plugin_tb_get_insn(tb, i))) {
			qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
				tb, QEMU_PLUGIN_INLINE_ADD_U64, spin(), n);
			break;
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t pc = qemu_plugin_insn_vaddr(insn);
		int m = mark_id(insn);

		if (task_enabled())
			task_hook(insn, pc);
		if (m >= 0)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_mark, QEMU_PLUGIN_CB_NO_REGS,
							       (void *)(uintptr_t)m);
		for (int r = 0; r < nr_ranges; r++) {
			if (pc < ranges[r].start || pc >= ranges[r].end)
				continue;
			qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
				insn, QEMU_PLUGIN_INLINE_ADD_U64, counter(r), 1);
			if (pc == ranges[r].start)
				qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
					insn, QEMU_PLUGIN_INLINE_ADD_U64, calls(r), 1);
		}
	}
}

static int read_ranges(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct range *r = &ranges[nr_ranges];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (nr_ranges == MAX_RANGES ||
		    sscanf(line, "%127s %" SCNx64 " %" SCNx64, r->name, &r->start, &r->end) != 3 ||
		    r->end <= r->start) {
			fclose(f);
			return -1;
		}
		nr_ranges++;
	}
	fclose(f);
	return 0;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	const char *ranges_path = NULL, *out_path = NULL, *events_path = NULL;
	char msg[256];

	(void)info;
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "ranges=", 7))
			ranges_path = argv[i] + 7;
		else if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
		else if (!strncmp(argv[i], "events=", 7))
			events_path = argv[i] + 7;
		else if (!strcmp(argv[i], "profile=on"))
			profile = 1;
	}
	if (!out_path || (ranges_path && read_ranges(ranges_path))) {
		snprintf(msg, sizeof(msg), "insn-count: needs out=FILE, ranges=FILE of 'NAME START END' lines (%s)\n",
			 ranges_path ? ranges_path : "none");
		qemu_plugin_outs(msg);
		return -1;
	}
	if (events_path && task_read_events(events_path)) {
		snprintf(msg, sizeof(msg), "insn-count: events=%s: needs 'irq|exc|switch|batch|moved|aside|back ADDRESS' lines\n",
			 events_path);
		qemu_plugin_outs(msg);
		return -1;
	}
	out = fopen(out_path, "w");
	if (!out)
		return -1;
	fputs("ranges", out);
	for (int i = 0; i < nr_ranges; i++)
		fprintf(out, "\t%s", ranges[i].name);
	fputc('\n', out);
	counts = qemu_plugin_scoreboard_new((size_t)(2 * nr_ranges + 2) * sizeof(uint64_t));
	if (task_enabled())
		task_init(id, total(), spin());
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
	return 0;
}
