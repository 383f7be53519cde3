// SPDX-License-Identifier: GPL-2.0
/*
 * prefer-node NODE PROG [ARG...]: run PROG with its memory taken from NUMA
 * node NODE first (MPOL_PREFERRED, which execve keeps), from the other
 * nodes when NODE has none free. The mm selftests that pin pages for the
 * long term run so on the node whose memory is mostly ZONE_MOVABLE, so
 * that their pins have pages to migrate first (reason longterm_pin). A
 * preference, not a bind: the hugetlb pool's pages on other nodes stay
 * usable.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#define MPOL_PREFERRED 1
#define MASK_LONGS 16
#define LONG_BITS (8 * sizeof(unsigned long))

int main(int argc, char **argv)
{
	unsigned long mask[MASK_LONGS] = { 0 };
	char *end;
	long node;

	if (argc < 3) {
		fprintf(stderr, "usage: prefer-node NODE PROG [ARG...]\n");
		return 2;
	}
	errno = 0;
	node = strtol(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || node < 0 ||
	    node >= (long)(MASK_LONGS * LONG_BITS)) {
		fprintf(stderr, "prefer-node: bad node '%s'\n", argv[1]);
		return 2;
	}
	mask[node / LONG_BITS] |= 1UL << (node % LONG_BITS);
	/* maxnode counts one past the mask's bits, as libnuma passes it */
	if (syscall(SYS_set_mempolicy, MPOL_PREFERRED, mask, MASK_LONGS * LONG_BITS + 1)) {
		fprintf(stderr, "prefer-node: set_mempolicy(MPOL_PREFERRED, node %ld): %s\n",
			node, strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "prefer-node: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
