// SPDX-License-Identifier: GPL-2.0
/*
 * numa-drive: make NUMA balancing migrate pages (reason numa_misplaced).
 * A thread on the first node's CPU touches MB of memory first (so it lands
 * there), then a thread on another node's CPU reads and rewrites it for
 * the rest of the run, with kernel.numa_balancing=1 and fast scanning, so
 * the hinting faults move the pages to the reader's node. Every page is
 * checked at the end.
 *
 *   numa-drive [-s seed] [-t seconds] [-m MB] [-a cpu] [-b cpu]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <time.h>

#include "guest.h"
#include "ktap.h"

static uint64_t seed = 1;
static uint8_t *mem;
static size_t pages;
static uint32_t *gen;
static int failed;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

int main(int argc, char **argv)
{
	int seconds = 20, opt, cpu_a = 0, cpu_b = 1;
	size_t mb = 32;
	long moved0, moved1;
	uint64_t r;
	time_t end;

	while ((opt = getopt(argc, argv, "s:t:m:a:b:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'm': mb = strtoul(optarg, NULL, 0); break;
		case 'a': cpu_a = atoi(optarg); break;
		case 'b': cpu_b = atoi(optarg); break;
		default: return 2;
		}
	}
	ktap_subtest("numa-drive");
	write_file("/proc/sys/kernel/numa_balancing", "1");
	write_file("/sys/kernel/debug/sched/numa_balancing/scan_delay_ms", "100");
	write_file("/sys/kernel/debug/sched/numa_balancing/scan_period_min_ms", "100");
	write_file("/sys/kernel/debug/sched/numa_balancing/scan_size_mb", "256");
	moved0 = vmstat("numa_pages_migrated");

	pages = (mb << 20) / PAGE;
	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gen = calloc(pages, sizeof(*gen));
	if (mem == MAP_FAILED || !gen) {
		return ktap_setup_failed("%s", strerror(errno));
	}
	madvise(mem, pages * PAGE, MADV_NOHUGEPAGE);
	pin(cpu_a);
	for (size_t i = 0; i < pages; i++)
		page_fill(mem + i * PAGE, seed, i, 0);
	pin(cpu_b);
	r = seed;
	end = time(NULL) + seconds;
	while (time(NULL) < end && !failed) {
		/* read everything (the hinting faults), rewrite a few pages */
		for (size_t i = 0; i < pages && !failed; i++)
			if (page_check(mem + i * PAGE, seed, i, gen[i], "numa balancing"))
				failed = 1;
		for (int k = 0; k < 64; k++) {
			size_t i;

			r = splitmix64(r);
			i = r % pages;
			gen[i]++;
			page_fill(mem + i * PAGE, seed, i, gen[i]);
		}
	}
	for (size_t i = 0; i < pages && !failed; i++)
		if (page_check(mem + i * PAGE, seed, i, gen[i], "end"))
			failed = 1;
	moved1 = vmstat("numa_pages_migrated");
	write_file("/proc/sys/kernel/numa_balancing", "0");
	say("  # numa-drive: %zu MB from cpu %d to cpu %d, numa_pages_migrated +%ld",
	    mb, cpu_a, cpu_b, moved1 - moved0);
	ktap_plan(2);
	ktap_point(!failed, 1, "data-integrity");
	ktap_point_fail(moved1 > moved0, 2, "progress", "no page migrated by NUMA balancing");
	return failed || moved1 <= moved0;
}
