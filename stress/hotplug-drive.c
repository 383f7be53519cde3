// SPDX-License-Identifier: GPL-2.0
/*
 * hotplug-drive: migrations for memory offlining (reason memory_hotplug).
 * Fills MB of anonymous memory bound to NODE, then offlines and onlines
 * that node's memory blocks through /sys/devices/system/memory, in a seeded
 * order, until SECONDS have passed. Offlining migrates every movable page
 * out of the block; a block with unmovable pages refuses (EBUSY), which is
 * expected and counted. Checks every byte after each offline. The data must
 * span several blocks (128 MB each on x86): an empty block goes offline
 * without a single migration, and offlining moves pages to other nodes
 * first: after each online the data is moved back with mbind(MPOL_MF_MOVE).
 *
 *   hotplug-drive [-s seed] [-t seconds] [-m MB] [-n node]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "guest.h"
#include "ktap.h"

#define MPOL_BIND	2
#define MPOL_MF_MOVE	(1 << 1)
#define MAX_BLOCKS	256
#define MEMDIR		"/sys/devices/system/memory"

static int write_state(int block, const char *state)
{
	char path[128];
	int fd, rc = 0;

	snprintf(path, sizeof(path), MEMDIR "/memory%d/state", block);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, state, strlen(state)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* the memory blocks of @node, by number */
static int node_blocks(int node, int *blocks)
{
	char path[128];
	struct dirent *e;
	int n = 0, b;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", node);
	d = opendir(path);
	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_BLOCKS)
		if (sscanf(e->d_name, "memory%d", &b) == 1)
			blocks[n++] = b;
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	int seconds = 10, opt, node = 2, failed = 0, nblocks, blocks[MAX_BLOCKS];
	int tries = 0, offlined = 0, busy = 0, other = 0, onlined = 0, rebinds = 0;
	uint64_t seed = 1, step = 0;
	size_t mb = 16, pages;
	unsigned long mask;
	uint8_t *p;
	time_t end;

	while ((opt = getopt(argc, argv, "s:t:m:n:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'm': mb = strtoul(optarg, NULL, 0); break;
		case 'n': node = atoi(optarg); break;
		default: return 2;
		}
	}
	ktap_subtest("hotplug-drive");
	nblocks = node_blocks(node, blocks);
	pages = (mb << 20) / PAGE;
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || !nblocks) {
		say("  # hotplug-drive: no memory (%s) or no block on node %d",
		    p == MAP_FAILED ? strerror(errno) : "ok", node);
		ktap_plan(1);
		ktap_point(0, 1, "setup");
		return 1;
	}
	madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
	mask = 1UL << node;
	if (syscall(SYS_mbind, p, pages * PAGE, MPOL_BIND, &mask, 64UL, 0))
		say("  # mbind to node %d: %s", node, strerror(errno));
	for (size_t i = 0; i < pages; i++)
		page_fill(p + i * PAGE, seed, i, 0);

	end = time(NULL) + seconds;
	while (time(NULL) < end && !failed) {
		int b = blocks[splitmix64(seed + step++) % nblocks], rc;

		tries++;
		rc = write_state(b, "offline");
		if (rc == -EBUSY || rc == -EAGAIN || rc == -EINTR) {
			busy++;
			continue;
		}
		if (rc) {
			/* e.g. EINVAL: a block with holes or spanning zones; never again */
			other++;
			say("  # offline memory%d: %s; block left out", b, strerror(-rc));
			for (int k = 0; k < nblocks; k++)
				if (blocks[k] == b)
					blocks[k] = blocks[--nblocks];
			if (!nblocks)
				break;
			continue;
		}
		offlined++;
		for (size_t i = 0; i < pages && !failed; i++)
			if (page_check(p + i * PAGE, seed, i, 0, "after offline"))
				failed = 1;
		rc = write_state(b, "online");
		if (rc)
			say("  # online memory%d: %s", b, strerror(-rc));
		else
			onlined++;
		/*
		 * Offlining moves pages to other nodes first: bring them back
		 * (mempolicy_mbind), so that the next offline has data to move
		 */
		if (!syscall(SYS_mbind, p, pages * PAGE, MPOL_BIND, &mask, 64UL, MPOL_MF_MOVE))
			rebinds++;
		for (size_t i = 0; i < pages && !failed; i++)
			if (page_check(p + i * PAGE, seed, i, 0, "after mbind back"))
				failed = 1;
	}
	say("  # hotplug-drive: node %d, %d blocks, %d tries: %d offlined, %d onlined, %d busy, %d other errors, %d moved back",
	    node, nblocks, tries, offlined, onlined, busy, other, rebinds);
	ktap_plan(2);
	ktap_point(!failed, 1, "data-integrity");
	ktap_point(offlined, 2, "progress");
	return failed || !offlined;
}
