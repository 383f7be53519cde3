// SPDX-License-Identifier: GPL-2.0
/*
 * demote-drive: make reclaim demote pages to the lower memory tier (reason
 * demotion) and check every byte. With demotion_enabled=1, it binds itself
 * to node 0 (MPOL_BIND) and fills more than the node holds, so that kswapd
 * and direct reclaim on node 0 demote to the CPU-less node; then it asks
 * its memory cgroup for proactive reclaim (memory.reclaim). Every page is
 * checked at the end.
 *
 *   demote-drive [-s seed] [-p percent of node 0] [-r reclaim MB]
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "guest.h"
#include "ktap.h"

#define MPOL_DEFAULT	0
#define MPOL_BIND	2

static long node_mb(int node)
{
	char path[96], key[64];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", node);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fscanf(f, "Node %*d %63s %ld kB\n", key, &kb) == 2)
		if (!strcmp(key, "MemTotal:"))
			break;
	fclose(f);
	return kb / 1024;
}

static long demoted(void)
{
	return vmstat("pgdemote_kswapd") + vmstat("pgdemote_direct");
}

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	int opt, percent = 115, failed = 0;
	long reclaim_mb = 64, d0, d1, d2, mb;
	unsigned long node0 = 1;
	char buf[64];
	size_t pages;
	uint8_t *p;

	while ((opt = getopt(argc, argv, "s:p:r:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'p': percent = atoi(optarg); break;
		case 'r': reclaim_mb = atol(optarg); break;
		default: return 2;
		}
	}
	ktap_subtest("demote-drive");
	if (write_file("/sys/kernel/mm/numa/demotion_enabled", "1")) {
		return ktap_setup_failed("cannot enable demotion");
	}
	/* a memory cgroup of our own, for memory.reclaim */
	write_file("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	mkdir("/sys/fs/cgroup/demote", 0755);
	snprintf(buf, sizeof(buf), "%d", getpid());
	write_file("/sys/fs/cgroup/demote/cgroup.procs", buf);

	mb = node_mb(0) * percent / 100;
	pages = (size_t)mb * 256;
	if (syscall(SYS_set_mempolicy, MPOL_BIND, &node0, 64UL)) {
		return ktap_setup_failed("set_mempolicy: %s", strerror(errno));
	}
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		return ktap_setup_failed("mmap: %s", strerror(errno));
	}
	madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
	d0 = demoted();
	for (size_t i = 0; i < pages; i++)
		page_fill(p + i * PAGE, seed, i, 0);
	d1 = demoted();
	snprintf(buf, sizeof(buf), "%ldM", reclaim_mb);
	write_file("/sys/fs/cgroup/demote/memory.reclaim", buf);
	d2 = demoted();
	for (size_t i = 0; i < pages && !failed; i++)
		if (page_check(p + i * PAGE, seed, i, 0, "after demotion"))
			failed = 1;
	munmap(p, pages * PAGE);
	syscall(SYS_set_mempolicy, MPOL_DEFAULT, NULL, 0UL);
	say("  # demote-drive: %ld MB bound to node 0 (%ld MB), demoted +%ld pages while filling, +%ld by memory.reclaim %ldM",
	    mb, node_mb(0), d1 - d0, d2 - d1, reclaim_mb);
	ktap_plan(2);
	ktap_point(!failed, 1, "data-integrity");
	ktap_point_fail(d2 > d0, 2, "progress", "nothing demoted");
	return failed || d2 <= d0;
}
