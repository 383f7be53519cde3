/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The suite's page pattern and the splitmix64 mix under it, one copy for
 * the kernel modules and the guest programs: dma_pinner writes the very
 * words pin-drive checks, and the providers' decision PRNG (fault_prng.h)
 * steps the same mix as the drivers' seeded choices (stress/guest.h).
 *
 * Word w of page p in generation g, under seed s, is
 *
 *	splitmix64(s ^ p << 24 ^ g << 8) + w * SPLITMIX64_GAMMA
 *
 * Both builds see this file: scripts/build-modules.sh copies (and hashes)
 * every header of faultmods/, and stress/guest.h includes it by its path.
 * So it uses only the types both have: __u64 and __u32, which
 * <linux/types.h> defines in the kernel and in userspace (the UAPI header)
 * alike.
 */
#ifndef PAGE_PATTERN_H
#define PAGE_PATTERN_H

#include <linux/types.h>

/* splitmix64's increment: 2^64 over the golden ratio, made odd */
#define SPLITMIX64_GAMMA	0x9e3779b97f4a7c15ULL

/* splitmix64's output for state @z: the state advanced by gamma, mixed */
static inline __u64 splitmix64(__u64 z)
{
	z += SPLITMIX64_GAMMA;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* word 0 of page @page in generation @gen: the rest follow from it */
static inline __u64 page_pattern_base(__u64 seed, __u64 page, __u32 gen)
{
	return splitmix64(seed ^ (page << 24) ^ ((__u64)gen << 8));
}

/* word @word of the page whose word 0 is @base */
static inline __u64 page_pattern_at(__u64 base, __u64 word)
{
	return base + word * SPLITMIX64_GAMMA;
}

static inline __u64 page_pattern_word(__u64 seed, __u64 page, __u32 gen,
				      __u64 word)
{
	return page_pattern_at(page_pattern_base(seed, page, gen), word);
}

/*
 * The first @words words at @p: page @page of generation @gen (a void
 * pointer, as userspace's uint64_t need not be the same type as __u64)
 */
static inline void page_pattern_fill(void *p, unsigned int words, __u64 seed,
				     __u64 page, __u32 gen)
{
	__u64 base = page_pattern_base(seed, page, gen);
	__u64 *w = p;
	unsigned int i;

	for (i = 0; i < words; i++)
		w[i] = page_pattern_at(base, i);
}

#endif /* PAGE_PATTERN_H */
