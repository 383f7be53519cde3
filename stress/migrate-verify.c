// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-verify: the integrity driver. Moves pages between NUMA nodes with
 * move_pages(2) (reason syscall) while writer threads keep rewriting them,
 * and checks every byte of every page it moved, and all of them at the end.
 *
 * Each page holds a pattern derived from (seed, page, generation). A writer
 * takes the page's lock, rewrites it for the next generation and bumps the
 * generation; the checker takes the same lock, so it always knows what the
 * page must hold. The mover takes no lock: migration runs under the
 * writers' feet, which is the point. A lost write or a stale copy shows up
 * as a word of the wrong generation.
 *
 * Regions: anonymous 4K pages, anonymous THP, shmem, and with -f a file's
 * page cache (MAP_SHARED on a real filesystem: ext2 on a loop device in the
 * guest, whose folios migrate through buffer_migrate_folio and so must
 * never be batched). Moves are move_pages(2) of a few pages, and now and
 * then migrate_pages(2) of the whole process from one node to another.
 * Output: a KTAP subtest, one line per write(2) so that /dev/kmsg keeps it
 * whole.
 *
 *   migrate-verify [-s seed] [-t seconds] [-m anon_mb] [-H thp_mb]
 *                  [-S shmem_mb] [-f file -F file_mb] [-w writers]
 *                  [-b max_pages] [-n name] [-P]
 *
 * -P: do not check placement (other migrations run at the same time).
 * -p: no migrate_pages(2): it moves the driver's own memory too, and a
 *     provider that corrupts on purpose would then crash the checker
 *     instead of letting it report the mismatch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#define THP		(2UL << 20)
#define MAX_BATCH	512
#define MPOL_MF_MOVE	(1 << 1)

struct region {
	const char *name;
	uint8_t *base;
	size_t pages;
	size_t first;	/* index of its first page in the global arrays */
	size_t unit;	/* pages moved together (512 for THP) */
};

static struct region regions[4];
static int nr_regions;
static size_t total_pages;
static uint32_t *gen;		/* per page, under its lock */
static uint8_t *lock;		/* per page: 0 free, 1 held */
static uint8_t **addr;		/* per page */
static uint64_t seed = 1;
static int seconds = 10, writers = 1, max_batch = 64, placement = 1, process_moves = 1;
static const char *name = "migrate-verify";
static const char *file_path;
static int nodes[64], nr_nodes;
static volatile int stop;
static int failed;
static unsigned long mismatches;

static unsigned long st_calls, st_moved, st_busy, st_other, st_checked, st_writes;
static unsigned long st_process_moves;

static uint64_t rnd(uint64_t *s)
{
	*s = mix64(*s);
	return *s;
}

static uint64_t pattern(size_t page, uint32_t g, size_t word)
{
	return page_word(seed, page, g, word);
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

static void fill(size_t p, uint32_t g)
{
	uint64_t *w = (uint64_t *)addr[p];

	for (size_t i = 0; i < WORDS; i++)
		w[i] = pattern(p, g, i);
}

static int node_of(size_t p)
{
	void *a = addr[p];
	int status = -1;

	if (syscall(SYS_move_pages, 0, 1UL, &a, NULL, &status, 0))
		return -errno;
	return status;
}

/* Check page p against its generation; the caller holds its lock */
static void check(size_t p)
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

static void *writer(void *arg)
{
	uint64_t s = seed ^ (0x1000 + (uintptr_t)arg);

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		size_t p = rnd(&s) % total_pages;

		page_lock(p);
		check(p);
		gen[p]++;
		fill(p, gen[p]);
		page_unlock(p);
		__atomic_fetch_add(&st_writes, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int parse_nodes(void)
{
	char buf[256];
	char *s;

	if (read_text("/sys/devices/system/node/has_memory", buf, sizeof(buf)) < 0)
		return -1;
	for (s = buf; *s && *s != '\n';) {
		int a = strtol(s, &s, 10), b = a;

		if (*s == '-')
			b = strtol(s + 1, &s, 10);
		for (; a <= b && nr_nodes < 64; a++)
			nodes[nr_nodes++] = a;
		if (*s == ',')
			s++;
	}
	return nr_nodes;
}

static int add_region(const char *rname, size_t mb, int kind)
{
	size_t len = mb << 20;
	struct region *r = &regions[nr_regions];
	uint8_t *p;

	if (!mb)
		return 0;
	if (kind == 2 || kind == 3) {
		int fd = kind == 2 ? memfd_create("migrate-verify", 0) :
				     open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || ftruncate(fd, len))
			return -1;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
	} else {
		/* over-allocate so that THP regions are 2M aligned */
		p = mmap(NULL, len + THP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			p = (uint8_t *)(((uintptr_t)p + THP - 1) & ~(THP - 1));
		if (p != MAP_FAILED)
			madvise(p, len, kind == 1 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	}
	if (p == MAP_FAILED)
		return -1;
	r->name = rname;
	r->base = p;
	r->pages = len / PAGE;
	r->first = total_pages;
	r->unit = kind == 1 ? THP / PAGE : 1;
	total_pages += r->pages;
	nr_regions++;
	return 0;
}

/* migrate_pages(2): every page of the process on node @from to node @to */
static void move_process(int from, int to)
{
	unsigned long old_nodes = 1UL << from, new_nodes = 1UL << to;
	long rc = syscall(SYS_migrate_pages, 0, 64UL, &old_nodes, &new_nodes);

	st_calls++;
	if (rc < 0) {
		say("# migrate_pages failed: %s", strerror(errno));
		st_other++;
		return;
	}
	st_process_moves++;
	/* what moved is not reported page by page: check everything */
	for (size_t p = 0; p < total_pages; p++) {
		page_lock(p);
		check(p);
		page_unlock(p);
		st_checked++;
	}
}

static void move_some(uint64_t *s, int check_placement)
{
	static void *pages[MAX_BATCH];
	static int want[MAX_BATCH], status[MAX_BATCH];
	struct region *r = &regions[rnd(s) % nr_regions];
	size_t units = r->pages / r->unit;
	size_t n = r->unit > 1 ? r->unit : 1 + rnd(s) % max_batch;
	size_t start = r->unit > 1 ? (rnd(s) % units) * r->unit : rnd(s) % r->pages;
	int target = nodes[rnd(s) % nr_nodes];
	long rc;

	if (process_moves && rnd(s) % 64 == 0) {
		move_process(nodes[rnd(s) % nr_nodes], target);
		return;
	}
	if (start + n > r->pages)
		n = r->pages - start;
	/* THP: one address per huge page moves all of it */
	if (r->unit > 1)
		n = 1;
	for (size_t i = 0; i < n; i++) {
		pages[i] = r->base + (start + i) * PAGE;
		want[i] = target;
		status[i] = -1;
	}
	rc = syscall(SYS_move_pages, 0, n, pages, want, status, MPOL_MF_MOVE);
	st_calls++;
	if (rc < 0 && errno != ENOMEM && errno != EBUSY) {
		say("# move_pages failed: %s", strerror(errno));
		st_other++;
	}
	for (size_t i = 0; i < n; i++) {
		size_t first = r->first + start + i, cnt = r->unit > 1 ? r->unit : 1;

		if (status[i] == target)
			st_moved += cnt;
		else if (status[i] == -EBUSY || status[i] == -EAGAIN || status[i] == -ENOMEM)
			st_busy += cnt;
		for (size_t p = first; p < first + cnt; p++) {
			page_lock(p);
			check(p);
			page_unlock(p);
			st_checked++;
		}
		/* placement: what move_pages said is where the page is */
		if (check_placement && status[i] == target && node_of(first) != target) {
			say("# placement: page %zu reported on node %d but is on node %d",
			    first, target, node_of(first));
			__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		}
	}
}

int main(int argc, char **argv)
{
	size_t anon_mb = 8, thp_mb = 4, shmem_mb = 4, file_mb = 0;
	pthread_t tids[16];
	int opt, balancing = 0;
	uint64_t s;
	time_t end;
	FILE *f;

	while ((opt = getopt(argc, argv, "s:t:m:H:S:f:F:w:b:n:Pp")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'm': anon_mb = strtoul(optarg, NULL, 0); break;
		case 'H': thp_mb = strtoul(optarg, NULL, 0); break;
		case 'S': shmem_mb = strtoul(optarg, NULL, 0); break;
		case 'f': file_path = optarg; break;
		case 'F': file_mb = strtoul(optarg, NULL, 0); break;
		case 'w': writers = atoi(optarg); break;
		case 'b': max_batch = atoi(optarg); break;
		case 'n': name = optarg; break;
		case 'P': placement = 0; break;
		case 'p': process_moves = 0; break;
		default:
			fprintf(stderr, "usage: migrate-verify [-s seed] [-t s] [-m MB] [-H MB] [-S MB] [-f file -F MB] [-w n] [-b pages] [-n name] [-P] [-p]\n");
			return 2;
		}
	}
	if (writers < 0 || writers > 16 || max_batch < 1 || max_batch > MAX_BATCH)
		return 2;
	f = fopen("/proc/sys/kernel/numa_balancing", "r");
	if (f) {
		if (fscanf(f, "%d", &balancing) != 1)
			balancing = 0;
		fclose(f);
	}

	say("  # Subtest: %s", name);
	if (parse_nodes() < 2) {
		say("  1..1");
		say("  not ok 1 setup # fewer than two memory nodes");
		return 1;
	}
	if (add_region("anon", anon_mb, 0) || add_region("thp", thp_mb, 1) ||
	    add_region("shmem", shmem_mb, 2) ||
	    (file_path && add_region("file", file_mb, 3)) || !total_pages) {
		say("  1..1");
		say("  not ok 1 setup # mmap failed: %s", strerror(errno));
		return 1;
	}
	gen = calloc(total_pages, sizeof(*gen));
	lock = calloc(total_pages, 1);
	addr = calloc(total_pages, sizeof(*addr));
	if (!gen || !lock || !addr)
		return 1;
	for (int i = 0; i < nr_regions; i++)
		for (size_t p = 0; p < regions[i].pages; p++)
			addr[regions[i].first + p] = regions[i].base + p * PAGE;
	for (size_t p = 0; p < total_pages; p++)
		fill(p, 0);

	for (long i = 0; i < writers; i++)
		pthread_create(&tids[i], NULL, writer, (void *)i);
	s = seed;
	end = time(NULL) + seconds;
	while (time(NULL) < end && !__atomic_load_n(&failed, __ATOMIC_RELAXED))
		move_some(&s, placement && !balancing);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < writers; i++)
		pthread_join(tids[i], NULL);
	/* and every page, once more, at the end */
	for (size_t p = 0; p < total_pages; p++) {
		check(p);
		st_checked++;
	}

	say("  # %s: seed %" PRIu64 ", %zu pages, %d nodes, %d writers", name, seed, total_pages,
	    nr_nodes, writers);
	say("  # %s: move_pages calls %lu, pages moved %lu, busy %lu, errors %lu, checked %lu, writes %lu, migrate_pages %lu",
	    name, st_calls, st_moved, st_busy, st_other, st_checked, st_writes, st_process_moves);
	say("  1..2");
	if (failed)
		say("  not ok 1 data-integrity # %lu mismatches", mismatches);
	else
		say("  ok 1 data-integrity");
	if (st_moved)
		say("  ok 2 progress");
	else
		say("  not ok 2 progress # no page moved");
	return failed || !st_moved;
}
