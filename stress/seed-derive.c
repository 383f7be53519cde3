// SPDX-License-Identifier: GPL-2.0
/*
 * seed-derive MASTER LABEL [STEP [BELOW]]
 *
 * Every random choice of a run comes from its one master seed: the provider's
 * seed, each driver's, stress-ng's, and the timings the scenario scripts
 * draw. A choice is named by LABEL (and STEP, for the n-th draw of a loop),
 * so adding a driver to a scenario does not shift the seeds of the others.
 * Prints a number below 2^63 (every consumer takes that), or below BELOW.
 */
#include <inttypes.h>
#include "guest.h"

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || end == s || *end ? -1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t master, step = 0, below = 0, v;

	if (argc < 3 || argc > 5 || parse_u64(argv[1], &master) ||
	    (argc > 3 && parse_u64(argv[3], &step)) ||
	    (argc > 4 && (parse_u64(argv[4], &below) || !below))) {
		fprintf(stderr, "usage: seed-derive MASTER LABEL [STEP [BELOW]]\n");
		return 2;
	}
	v = splitmix64(splitmix64(master ^ fnv1a64(argv[2])) + step * 0xd1b54a32d192ed03ULL);
	v &= 0x7fffffffffffffffULL;
	if (below)
		v %= below;
	printf("%" PRIu64 "\n", v);
	return 0;
}
