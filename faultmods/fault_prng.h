/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The decision PRNG of the fault providers: splitmix64, keyed by the seed
 * and the sequence number of the call, so that call N decides the same way
 * under the same seed whatever ran before it.
 */
#ifndef FAULT_PRNG_H
#define FAULT_PRNG_H

#include <linux/math64.h>
#include <linux/types.h>

#include "page_pattern.h"

struct fp_rnd {
	u64 state;
};

/* splitmix64 proper: the state advances by gamma, the output is its mix */
static inline u64 fp_rnd_next(struct fp_rnd *r)
{
	u64 z = splitmix64(r->state);

	r->state += SPLITMIX64_GAMMA;
	return z;
}

static inline void fp_rnd_init(struct fp_rnd *r, u64 seed, u64 seq)
{
	r->state = seed;
	r->state = fp_rnd_next(r) ^ (seq * 0xd1b54a32d192ed03ULL);
	fp_rnd_next(r);
}

/* A number in [0, n); 0 when n is 0 */
static inline u32 fp_rnd_below(struct fp_rnd *r, u64 n)
{
	return n ? (u32)mul_u64_u64_shr(fp_rnd_next(r), n, 64) : 0;
}

#endif /* FAULT_PRNG_H */
