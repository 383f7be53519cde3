// SPDX-License-Identifier: GPL-2.0
/*
 * move-bench: migration throughput of one fixed buffer, for make bench.
 *
 *   move-bench [-m MB] [-t SECONDS] [-H] [-c PAGES] [-g CGROUP_DIR] [-w PASSES] [-l WORDS]
 *
 * Maps MB of anonymous memory (4K pages, or 2M THPs with -H), touches it,
 * then moves the whole buffer between node 0 and node 1 with move_pages()
 * (CHUNK pages per call) for SECONDS of guest time. Prints one line:
 *   BENCH: move kind=4k|thp mb=.. seconds=.. pages=.. pages_per_s=.. calls=..
 *          task_cpu_ms=.. cg_cpu_ms=..
 * Only pages move_pages() reports on the target node count. No checking of
 * the content here: that is migrate-verify's job; this is a stopwatch.
 * task_cpu_ms is this process's CPU time over the window (getrusage); with
 * -g, cg_cpu_ms is that of its cgroup v2 (cpu.stat usage_usec), which
 * the caller has put it in: what the migrating side is charged, against
 * which a provider's copy threads' time can be set (-1: not measured).
 *
 * -w PASSES: first PASSES whole-buffer moves between the instruction
 * counter's marks of window 0 (stress/insn-mark.h), a fixed amount of
 * work whatever the clock, and one line for the host to divide by:
 *   INSN-WINDOW: 0 move kind=4k|thp pages=.. calls=.. chunk=.. [WORDS]
 * (WORDS: -l's, what the caller wants the window known by, such as
 * provider=NAME).
 * The program then stays on CPU 0 (node 0) from the start, executed
 * again there so that its mm has run on no other CPU: its buffer is
 * first touched there, so that every pass moves every page, and the
 * marking vCPU's own count is the whole window's work.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include "guest.h"
#include "insn-mark.h"

#define THP_SIZE	(2UL << 20)
#define MPOL_MF_MOVE	(1 << 1)

/* kB of this process's anonymous memory that sits in THPs */
static unsigned long anon_huge_kb(void)
{
	unsigned long kb = 0;
	char line[256];
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %lu", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

/* usage_usec of a cgroup v2 directory's cpu.stat, or -1 */
static long long cg_usage_us(const char *dir)
{
	long long us = -1;
	char path[512], line[256];
	FILE *f;

	if (!dir)
		return -1;
	snprintf(path, sizeof(path), "%s/cpu.stat", dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "usage_usec %lld", &us) == 1)
			break;
	if (f)
		fclose(f);
	return us;
}

static double task_cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* the buffer's pages, CHUNK a move_pages() call */
static unsigned long nslots, chunk = 64, step;
static void **addr;
static int *nodes, *status;

/* the whole buffer to node @to: pages moved there, or -1 */
static long one_pass(int to, unsigned long *calls)
{
	long moved = 0;

	for (unsigned long i = 0; i < nslots; i += chunk) {
		unsigned long n = nslots - i < chunk ? nslots - i : chunk;

		for (unsigned long j = 0; j < n; j++)
			nodes[i + j] = to;
		if (syscall(SYS_move_pages, 0, n, addr + i, nodes + i, status + i,
			    MPOL_MF_MOVE) < 0) {
			say("# move-bench: move_pages: %s", strerror(errno));
			return -1;
		}
		(*calls)++;
		for (unsigned long j = 0; j < n; j++)
			moved += status[i + j] == to ? step : 0;
	}
	return moved;
}

/*
 * -w: the program again from exec, on CPU 0: a new mm that no other CPU
 * has run. One the program started elsewhere keeps that CPU in its
 * mm_cpumask, and then every unmap defers its TLB flush to a batched one
 * (should_defer_flush()): 2 % more instructions in one boot of two, for
 * the same pages. Returns only on failure.
 */
static int run_on_cpu0(char **argv)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one)) {
		say("# move-bench: sched_setaffinity: %s", strerror(errno));
		return 1;
	}
	setenv("MOVE_BENCH_ON_CPU0", "1", 1);
	execv("/proc/self/exe", argv);
	say("# move-bench: exec /proc/self/exe: %s", strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long mb = 16, thp = 0, secs = 10, passes = 0;
	unsigned long npages, moved = 0, calls = 0;
	unsigned long huge_kb;
	const char *cg = NULL, *label = NULL;
	long long cg0, cg1;
	double t0, t1, cpu0, cpu1;
	char *buf;
	int to = 1, opt;
	long got;

	while ((opt = getopt(argc, argv, "m:t:Hc:g:w:l:")) != -1) {
		switch (opt) {
		case 'm': mb = strtoul(optarg, NULL, 0); break;
		case 't': secs = strtoul(optarg, NULL, 0); break;
		case 'H': thp = 1; break;
		case 'c': chunk = strtoul(optarg, NULL, 0); break;
		case 'g': cg = optarg; break;
		case 'w': passes = strtoul(optarg, NULL, 0); break;
		case 'l': label = optarg; break;
		default:
			fprintf(stderr, "usage: move-bench [-m MB] [-t SECONDS] [-H] [-c PAGES] [-g CGROUP_DIR] [-w PASSES] [-l WORDS]\n");
			return 2;
		}
	}
	if (!mb || !chunk || !secs)
		return 2;
	if (passes && !getenv("MOVE_BENCH_ON_CPU0"))
		return run_on_cpu0(argv);
	npages = (mb << 20) / PAGE;
	/* with THPs, one address per huge page moves the whole of it */
	step = thp ? THP_SIZE / PAGE : 1;
	nslots = npages / step;
	if (chunk > nslots)
		chunk = nslots;

	buf = mmap(NULL, (mb << 20) + THP_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		say("# move-bench: mmap: %s", strerror(errno));
		return 1;
	}
	buf = (char *)(((unsigned long)buf + THP_SIZE - 1) & ~(THP_SIZE - 1));
	madvise(buf, mb << 20, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	memset(buf, 0x5a, mb << 20);
	huge_kb = anon_huge_kb();

	addr = calloc(nslots, sizeof(*addr));
	nodes = calloc(nslots, sizeof(*nodes));
	status = calloc(nslots, sizeof(*status));
	if (!addr || !nodes || !status)
		return 1;
	for (unsigned long i = 0; i < nslots; i++)
		addr[i] = buf + i * step * PAGE;

	if (passes) {
		unsigned long w_calls = 0, w_moved = 0;

		INSN_MARK(0);
		for (unsigned long p = 0; p < passes; p++, to = !to) {
			got = one_pass(to, &w_calls);
			if (got < 0)
				return 1;
			w_moved += got;
		}
		INSN_MARK(1);
		say("INSN-WINDOW: 0 move kind=%s pages=%lu calls=%lu chunk=%lu%s%s",
		    thp ? "thp" : "4k", w_moved, w_calls, chunk, label ? " " : "",
		    label ? label : "");
	}
	cpu0 = task_cpu_ms();
	cg0 = cg_usage_us(cg);
	t0 = now();
	t1 = t0;
	while (t1 - t0 < secs) {
		got = one_pass(to, &calls);
		if (got < 0)
			return 1;
		moved += got;
		to = !to;
		t1 = now();
	}
	cpu1 = task_cpu_ms();
	cg1 = cg_usage_us(cg);
	say("BENCH: move kind=%s mb=%lu seconds=%.2f pages=%lu pages_per_s=%.0f calls=%lu thp_kb=%lu task_cpu_ms=%.1f cg_cpu_ms=%.1f",
	    thp ? "thp" : "4k", mb, t1 - t0, moved, moved / (t1 - t0), calls, huge_kb,
	    cpu1 - cpu0, cg0 < 0 || cg1 < 0 ? -1.0 : (cg1 - cg0) / 1e3);
	return 0;
}
