// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-verify's pages: the pattern each holds, the per-page lock that
 * a writer and a checker take, the check, and the writer threads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mv.h"

uint32_t *gen;
uint8_t *lock;
uint8_t **addr;
uint8_t *page_kind;
volatile int stop;
int failed;
unsigned long mismatches, st_checked, st_writes;

/*
 * The two pages of a KSM pair hold the same pattern (that of the even one),
 * so that ksmd can merge them; every other page a pattern of its own.
 */
static uint64_t pattern(size_t page, uint32_t g, size_t word)
{
	if (page_kind[page] == K_KSM)
		page &= ~(size_t)1;
	return page_pattern_word(seed, page, g, word);
}

static void page_lock(size_t p)
{
	while (__atomic_exchange_n(&lock[p], 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void page_unlock(size_t p)
{
	__atomic_store_n(&lock[p], 0, __ATOMIC_RELEASE);
}

void fill(size_t p, uint32_t g)
{
	uint64_t *w = (uint64_t *)addr[p];

	for (size_t i = 0; i < WORDS; i++)
		w[i] = pattern(p, g, i);
}

int node_of(size_t p)
{
	void *a = addr[p];
	int status = -1;

	if (syscall(SYS_move_pages, 0, 1UL, &a, NULL, &status, 0))
		return -errno;
	return status;
}

/* Check page p against its generation; the caller holds its lock */
void check(size_t p)
{
	const uint64_t *w = (const uint64_t *)addr[p];
	uint32_t g = gen[p];

	for (size_t i = 0; i < WORDS; i++) {
		uint64_t want = pattern(p, g, i);

		if (w[i] == want)
			continue;
		if (__atomic_fetch_add(&mismatches, 1, __ATOMIC_RELAXED) < 8) {
			int stale = g > 0 && w[i] == pattern(p, g - 1, i);

			say("# mismatch: page %zu word %zu addr %p node %d generation %u expected %016" PRIx64
			    " found %016" PRIx64 "%s", p, i, (void *)&w[i], node_of(p), g, want, w[i],
			    stale ? " (the previous generation: a lost write)" : "");
		}
		__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		return;
	}
}

/* check page p under its lock: a page just moved, or every page */
void check_locked(size_t p)
{
	page_lock(p);
	check(p);
	page_unlock(p);
	st_checked++;
}

void *writer(void *arg)
{
	uint64_t s = seed ^ (0x1000 + (uintptr_t)arg);

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		size_t p = rnd(&s) % total_pages;

		if (page_kind[p] == K_KSM) {
			/* both pages of the pair, in index order, to the same generation */
			size_t a = p & ~(size_t)1, b = a + 1;
			uint32_t g;

			page_lock(a);
			page_lock(b);
			check(a);
			check(b);
			g = (gen[a] > gen[b] ? gen[a] : gen[b]) + 1;
			gen[a] = gen[b] = g;
			fill(a, g);
			fill(b, g);
			page_unlock(b);
			page_unlock(a);
			__atomic_fetch_add(&st_writes, 1, __ATOMIC_RELAXED);
			continue;
		}
		page_lock(p);
		check(p);
		gen[p]++;
		fill(p, gen[p]);
		page_unlock(p);
		__atomic_fetch_add(&st_writes, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}
