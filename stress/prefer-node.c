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

int main(int argc, char **argv)
{
	unsigned long mask;
	char *end;
	long node;

	if (argc < 3) {
		fprintf(stderr, "usage: prefer-node NODE PROG [ARG...]\n");
		return 2;
	}
	errno = 0;
	node = strtol(argv[1], &end, 10);
	/* one long of nodes, maxnode 64 (63 bits read), as the drivers pass it */
	if (errno || end == argv[1] || *end || node < 0 || node > 62) {
		fprintf(stderr, "prefer-node: bad node '%s' (0-62)\n", argv[1]);
		return 2;
	}
	mask = 1UL << node;
	if (syscall(SYS_set_mempolicy, MPOL_PREFERRED, &mask, 64UL)) {
		fprintf(stderr, "prefer-node: set_mempolicy(MPOL_PREFERRED, node %ld): %s\n",
			node, strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "prefer-node: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
