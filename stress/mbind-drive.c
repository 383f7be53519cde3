// SPDX-License-Identifier: GPL-2.0
/*
 * mbind-drive: migrations for reasons the series does not offload by
 * default: mbind(MPOL_MF_MOVE) (reason mempolicy_mbind) and, with -o,
 * madvise(MADV_SOFT_OFFLINE) of a few pages (reason memory_failure; each
 * soft-offlined page is lost for the boot, so only -o pages). Checks every
 * byte after each move.
 *
 *   mbind-drive [-s seed] [-t seconds] [-m MB] [-o pages]
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>

#include "guest.h"
#include "ktap.h"

#define MPOL_BIND		2
#define MPOL_MF_MOVE		(1 << 1)
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE	101
#endif

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	int seconds = 10, opt, failed = 0, offline = 0, moves = 0, offlined = 0;
	size_t mb = 8, pages;
	unsigned long mask;
	uint8_t *p;
	time_t end;

	while ((opt = getopt(argc, argv, "s:t:m:o:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'm': mb = strtoul(optarg, NULL, 0); break;
		case 'o': offline = atoi(optarg); break;
		default: return 2;
		}
	}
	ktap_subtest("mbind-drive");
	pages = (mb << 20) / PAGE;
	p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
	for (size_t i = 0; i < pages; i++)
		page_fill(p + i * PAGE, seed, i, 0);
	end = time(NULL) + seconds;
	while (time(NULL) < end && !failed) {
		mask = 1UL << (moves % 2);
		if (!syscall(SYS_mbind, p, pages * PAGE, MPOL_BIND, &mask, 64UL, MPOL_MF_MOVE))
			moves++;
		for (size_t i = 0; i < pages && !failed; i++)
			if (page_check(p + i * PAGE, seed, i, 0, "after mbind"))
				failed = 1;
	}
	for (int k = 0; k < offline && k < 8 && !failed; k++) {
		size_t i = (size_t)(splitmix64(seed + k) % pages);

		if (!madvise(p + i * PAGE, PAGE, MADV_SOFT_OFFLINE))
			offlined++;
		else
			say("  # soft offline of page %zu: %s", i, strerror(errno));
		if (page_check(p + i * PAGE, seed, i, 0, "after soft offline"))
			failed = 1;
	}
	say("  # mbind-drive: %d mbind moves of %zu MB, %d pages soft-offlined", moves, mb, offlined);
	ktap_plan(2);
	ktap_point(!failed, 1, "data-integrity");
	ktap_point(moves, 2, "progress");
	return failed || !moves;
}
