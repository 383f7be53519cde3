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
 * Regions, one per kind of page (each off unless given a size):
 *   anon      anonymous 4K pages (MADV_NOHUGEPAGE)
 *   thp       anonymous PMD THP, moved a whole 2 MB folio at a time
 *   mthp      anonymous, MADV_HUGEPAGE but moved a few 4K pages at a time:
 *             with only the smaller mTHP sizes enabled in sysfs (the
 *             scenario's job) these are 16K..1M folios, moved whole or split
 *   shmem     a memfd (shmem), MAP_SHARED
 *   file      with -f, a file's page cache on a real filesystem (ext2 on a
 *             loop device in the guest: buffer heads, never batched); with
 *             -y a flusher thread keeps starting its writeback
 *             (sync_file_range), so that moves meet folios under writeback
 *   mlock     anonymous pages locked with mlock(2): migrate with
 *             PAGE_WAS_MLOCKED and must come back locked
 *   ksm       anonymous MADV_MERGEABLE pages in pairs of equal content, so
 *             that ksmd merges them into KSM folios (rmap via stable nodes);
 *             a writer rewrites both pages of a pair (copy on write of the
 *             KSM page), and they merge again
 *   swapcache anonymous pages pushed out with MADV_PAGEOUT now and then, so
 *             that a read faults them back as swap-cache folios, which the
 *             next move migrates (needs swap: zram in the guest)
 * Moves are move_pages(2) of a few pages, and now and then migrate_pages(2)
 * of the whole process from one node to another (reason syscall). With
 * -R, each move takes one of the listed ways at random (seeded):
 *   move_pages    as above
 *   mbind         mbind(2) MPOL_BIND with MPOL_MF_MOVE to the target node,
 *                 then MPOL_DEFAULT again (reason mempolicy_mbind)
 *   soft_offline  madvise(MADV_SOFT_OFFLINE) of one page: the kernel moves
 *                 it off a page it then retires (reason memory_failure).
 *                 Each retires a 4K page for good, so at most one move in
 *                 eight takes this way
 * The pages moved either way are checked like the others; placement only
 * for move_pages, the only way that reports it.
 * Output: a KTAP subtest, one line per write(2) so that /dev/kmsg keeps it
 * whole.
 *
 *   migrate-verify [-s seed] [-t seconds] [-m anon_mb] [-H thp_mb]
 *                  [-T mthp_mb] [-S shmem_mb] [-f file -F file_mb [-y]]
 *                  [-L mlock_mb] [-K ksm_mb] [-W swapcache_mb]
 *                  [-w writers] [-b max_pages] [-n name] [-P] [-p]
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
#include "ktap.h"

#define THP		(2UL << 20)
#define MAX_BATCH	512
#define MPOL_MF_MOVE	(1 << 1)
#define MPOL_DEFAULT	0
#define MPOL_BIND	2
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE 101
#endif

enum kind { K_ANON, K_THP, K_MTHP, K_SHMEM, K_FILE, K_MLOCK, K_KSM, K_SWAPCACHE, NR_KINDS };

struct region {
	const char *name;
	uint8_t *base;
	size_t pages;
	size_t first;	/* index of its first page in the global arrays */
	size_t unit;	/* pages moved together (512 for THP) */
	enum kind kind;
};

static const char *const kind_name[NR_KINDS] = {
	"anon", "thp", "mthp", "shmem", "file", "mlock", "ksm", "swapcache",
};

static struct region regions[NR_KINDS];
static int nr_regions;
static size_t total_pages;
static uint32_t *gen;		/* per page, under its lock */
static uint8_t *lock;		/* per page: 0 free, 1 held */
static uint8_t **addr;		/* per page */
static uint8_t *page_kind;	/* per page: its region's kind */
static uint64_t seed = 1;
static int seconds = 10, writers = 1, max_batch = 64, placement = 1, process_moves = 1;
/* calls the progress check wants before it may say "no page moved" */
#define PROGRESS_MIN_CALLS 8

enum { MV_MOVE_PAGES, MV_MBIND, MV_SOFT_OFFLINE, NR_MOVERS };
static const char *const mover_name[NR_MOVERS] = { "move_pages", "mbind", "soft_offline" };
static int movers[NR_MOVERS] = { MV_MOVE_PAGES }, nr_movers = 1;
static unsigned long st_by_mover[NR_MOVERS], st_retired;
static const char *name = "migrate-verify";
static const char *file_path;
static int file_fd = -1, flush;
static unsigned long st_flushes;
static int nodes[64], nr_nodes;
static volatile int stop;
static int failed;
static unsigned long mismatches;

static unsigned long st_calls, st_moved, st_busy, st_other, st_checked, st_writes;
static unsigned long st_process_moves, st_pageouts, st_mlock_lost;
static unsigned long st_moved_kind[NR_KINDS];
static long ksm_merged_max;

/* the most of our pages KSM has merged at once (/proc/self/ksm_merging_pages) */
static void sample_ksm(void)
{
	char buf[32];
	long n;

	if (read_text("/proc/self/ksm_merging_pages", buf, sizeof(buf)) < 0)
		return;
	n = strtol(buf, NULL, 10);
	if (n > ksm_merged_max)
		ksm_merged_max = n;
}

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

/* start writeback of the whole file, again and again */
static void *flusher(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		if (sync_file_range(file_fd, 0, 0, SYNC_FILE_RANGE_WRITE))
			break;
		st_flushes++;
		usleep(2000);
	}
	return NULL;
}

static int add_region(size_t mb, enum kind kind)
{
	size_t len = mb << 20;
	struct region *r = &regions[nr_regions];
	uint8_t *p;

	if (!mb)
		return 0;
	if (kind == K_SHMEM || kind == K_FILE) {
		int fd = kind == K_SHMEM ? memfd_create("migrate-verify", 0) :
					   open(file_path, O_RDWR | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || ftruncate(fd, len))
			return -1;
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (kind == K_FILE)
			file_fd = fd;	/* for the flusher */
		else
			close(fd);
	} else {
		/* over-allocate so that THP regions are 2M aligned */
		p = mmap(NULL, len + THP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			p = (uint8_t *)(((uintptr_t)p + THP - 1) & ~(THP - 1));
		if (p != MAP_FAILED)
			madvise(p, len, kind == K_THP || kind == K_MTHP ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
		if (p != MAP_FAILED && kind == K_KSM && madvise(p, len, MADV_MERGEABLE))
			return -1;
	}
	if (p == MAP_FAILED)
		return -1;
	r->name = kind_name[kind];
	r->kind = kind;
	r->base = p;
	r->pages = len / PAGE;
	r->first = total_pages;	/* even: every size is whole MB */
	r->unit = kind == K_THP ? THP / PAGE : 1;
	total_pages += r->pages;
	nr_regions++;
	return 0;
}

/* the mlocked region after a move: still locked (VmLck of the process) */
static void check_mlocked(void)
{
	char buf[8192], *l;
	long kb = -1;
	size_t want = 0;

	for (int i = 0; i < nr_regions; i++)
		if (regions[i].kind == K_MLOCK)
			want += regions[i].pages * (PAGE / 1024);
	if (!want || read_text("/proc/self/status", buf, sizeof(buf)) < 0)
		return;
	l = strstr(buf, "VmLck:");
	if (l)
		kb = strtol(l + 6, NULL, 10);
	if (kb >= 0 && (size_t)kb < want && st_mlock_lost++ < 4)
		say("# mlock: VmLck %ld kB, the mlocked region alone is %zu kB", kb, want);
}

/* push a few swap-cache pages out again; their next touch faults them back */
static void page_out(uint64_t *s)
{
	for (int i = 0; i < nr_regions; i++) {
		struct region *r = &regions[i];
		size_t n, start;

		if (r->kind != K_SWAPCACHE)
			continue;
		n = 1 + rnd(s) % 64;
		start = rnd(s) % r->pages;
		if (start + n > r->pages)
			n = r->pages - start;
		if (!madvise(r->base + start * PAGE, n * PAGE, MADV_PAGEOUT))
			st_pageouts += n;
	}
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

/*
 * Moves pages[n] toward target the way of mover; status[] gets the node
 * each page is on afterwards (move_pages reports it; the others ask)
 */
static long move_by(int mover, const struct region *r, void **pages, int *want, size_t n,
		    int target, int *status)
{
	unsigned long mask = 1UL << target;
	size_t len = n * (r->unit > 1 ? r->unit : 1) * PAGE;
	int before[MAX_BATCH];
	long rc;

	/* mbind and soft offline say nothing of where pages went: ask before and after */
	if (mover != MV_MOVE_PAGES && syscall(SYS_move_pages, 0, n, pages, NULL, before, 0))
		return -1;
	switch (mover) {
	case MV_MBIND:
		rc = syscall(SYS_mbind, pages[0], len, MPOL_BIND, &mask, 64, MPOL_MF_MOVE);
		/* the policy goes, the pages stay where they were moved */
		syscall(SYS_mbind, pages[0], len, MPOL_DEFAULT, NULL, 0, 0);
		break;
	case MV_SOFT_OFFLINE:
		n = 1;
		rc = madvise(pages[0], PAGE, MADV_SOFT_OFFLINE);
		if (!rc)
			st_retired++;
		break;
	default:
		return syscall(SYS_move_pages, 0, n, pages, want, status, MPOL_MF_MOVE);
	}
	/*
	 * where they are now: move_pages with no nodes only asks. A page
	 * counts as moved to target only if it was elsewhere before
	 */
	if (syscall(SYS_move_pages, 0, n, pages, NULL, status, 0))
		for (size_t i = 0; i < n; i++)
			status[i] = -1;
	for (size_t i = 0; i < n; i++)
		if (before[i] == target)
			status[i] = -1;
	return rc;
}

/* "mbind,soft_offline": the ways of moving that -R allows */
static int parse_movers(char *list)
{
	char *tok;

	nr_movers = 0;
	for (tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
		int m;

		for (m = 0; m < NR_MOVERS && strcmp(tok, mover_name[m]); m++)
			;
		if (m == NR_MOVERS || nr_movers == NR_MOVERS)
			return -1;
		movers[nr_movers++] = m;
	}
	return nr_movers ? 0 : -1;
}

static void move_some(uint64_t *s, int check_placement)
{
	static void *pages[MAX_BATCH];
	static int want[MAX_BATCH], status[MAX_BATCH];
	struct region *r = &regions[rnd(s) % nr_regions];
	size_t units = r->pages / r->unit;
	size_t n = r->unit > 1 ? r->unit : 1 + rnd(s) % max_batch;
	size_t start = r->unit > 1 ? (rnd(s) % units) * r->unit : rnd(s) % r->pages;
	int target = nodes[rnd(s) % nr_nodes], mover;
	long rc;

	if (rnd(s) % 8 == 0)
		page_out(s);
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
	mover = movers[rnd(s) % nr_movers];
	if (mover == MV_SOFT_OFFLINE && rnd(s) % 8)
		mover = MV_MOVE_PAGES;
	rc = move_by(mover, r, pages, want, n, target, status);
	st_calls++;
	st_by_mover[mover]++;
	if (rc < 0 && errno != ENOMEM && errno != EBUSY && errno != EIO && errno != EAGAIN) {
		say("# %s failed: %s", mover_name[mover], strerror(errno));
		st_other++;
	}
	for (size_t i = 0; i < n; i++) {
		size_t first = r->first + start + i, cnt = r->unit > 1 ? r->unit : 1;

		if (status[i] == target) {
			st_moved += cnt;
			st_moved_kind[r->kind] += cnt;
		}
		else if (status[i] == -EBUSY || status[i] == -EAGAIN || status[i] == -ENOMEM)
			st_busy += cnt;
		for (size_t p = first; p < first + cnt; p++) {
			page_lock(p);
			check(p);
			page_unlock(p);
			st_checked++;
		}
		/*
		 * placement: what move_pages said is where the page is; not for
		 * KSM pages (a write breaks the merge into a new page, and ksmd
		 * merges into a page wherever it is) nor swap-cache ones (pushed
		 * out and faulted back anywhere)
		 */
		if (check_placement && mover == MV_MOVE_PAGES && status[i] == target &&
		    r->kind != K_KSM &&
		    r->kind != K_SWAPCACHE && node_of(first) != target) {
			say("# placement: page %zu reported on node %d but is on node %d",
			    first, target, node_of(first));
			__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		}
	}
}

/* the options; 0, or 2 for a usage error */
static int parse_args(int argc, char **argv, size_t *mb)
{
	int opt;

	while ((opt = getopt(argc, argv, "s:t:m:H:T:S:f:F:L:K:W:w:b:n:R:Ppy")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'm': mb[K_ANON] = strtoul(optarg, NULL, 0); break;
		case 'H': mb[K_THP] = strtoul(optarg, NULL, 0); break;
		case 'T': mb[K_MTHP] = strtoul(optarg, NULL, 0); break;
		case 'S': mb[K_SHMEM] = strtoul(optarg, NULL, 0); break;
		case 'f': file_path = optarg; break;
		case 'F': mb[K_FILE] = strtoul(optarg, NULL, 0); break;
		case 'L': mb[K_MLOCK] = strtoul(optarg, NULL, 0); break;
		case 'K': mb[K_KSM] = strtoul(optarg, NULL, 0); break;
		case 'W': mb[K_SWAPCACHE] = strtoul(optarg, NULL, 0); break;
		case 'w': writers = atoi(optarg); break;
		case 'b': max_batch = atoi(optarg); break;
		case 'n': name = optarg; break;
		case 'P': placement = 0; break;
		case 'p': process_moves = 0; break;
		case 'y': flush = 1; break;
		case 'R':
			if (parse_movers(optarg)) {
				fprintf(stderr, "migrate-verify: -R takes a list of move_pages, mbind, soft_offline\n");
				return 2;
			}
			break;
		default:
			fprintf(stderr, "usage: migrate-verify [-s seed] [-t s] [-m MB] [-H MB] [-T MB] [-S MB] [-f file -F MB] [-L MB] [-K MB] [-W MB] [-w n] [-b pages] [-n name] [-R ways] [-P] [-p] [-y]\n");
			return 2;
		}
	}
	if (writers < 0 || writers > 16 || max_batch < 1 || max_batch > MAX_BATCH)
		return 2;
	return 0;
}

/* the regions of each kind, their pages filled with generation 0; 0 or 1 */
static int setup(size_t *mb)
{
	nr_nodes = memory_nodes(nodes, 64);
	if (nr_nodes < 2)
		return ktap_setup_failed("fewer than two memory nodes");
	for (int k = 0; k < NR_KINDS; k++) {
		if (k == K_FILE && !file_path)
			continue;
		if (add_region(mb[k], k)) {
			return ktap_setup_failed("%s region: %s", kind_name[k], strerror(errno));
		}
	}
	if (!total_pages)
		return ktap_setup_failed("no region");
	gen = calloc(total_pages, sizeof(*gen));
	lock = calloc(total_pages, 1);
	addr = calloc(total_pages, sizeof(*addr));
	page_kind = calloc(total_pages, 1);
	if (!gen || !lock || !addr || !page_kind)
		return 1;
	for (int i = 0; i < nr_regions; i++)
		for (size_t p = 0; p < regions[i].pages; p++) {
			addr[regions[i].first + p] = regions[i].base + p * PAGE;
			page_kind[regions[i].first + p] = regions[i].kind;
		}
	for (size_t p = 0; p < total_pages; p++)
		fill(p, 0);
	/* locked once populated: mlock faults in and pins to RAM, not to a node */
	for (int i = 0; i < nr_regions; i++)
		if (regions[i].kind == K_MLOCK && mlock(regions[i].base, regions[i].pages * PAGE))
			return ktap_setup_failed("mlock: %s", strerror(errno));
	return 0;
}

/* writers and moves until the time is up, then every page checked */
static void drive(size_t *mb, int balancing)
{
	pthread_t tids[16], flush_tid;
	time_t end, hard_end;
	uint64_t s;

	for (long i = 0; i < writers; i++)
		pthread_create(&tids[i], NULL, writer, (void *)i);
	flush = flush && file_fd >= 0 && !pthread_create(&flush_tid, NULL, flusher, NULL);
	s = seed;
	end = time(NULL) + seconds;
	/*
	 * The progress check needs a fair number of tries: under TCG one
	 * move_pages() of folios that the flusher keeps under writeback took
	 * a whole 5 s window and moved nothing, with no bug behind it. So past
	 * the window, go on until a page moved, PROGRESS_MIN_CALLS calls were
	 * made, or two more windows passed.
	 */
	hard_end = end + 2 * seconds;
	while (!__atomic_load_n(&failed, __ATOMIC_RELAXED) &&
	       (time(NULL) < end ||
		(!st_moved && st_calls < PROGRESS_MIN_CALLS && time(NULL) < hard_end))) {
		move_some(&s, placement && !balancing);
		if (mb[K_MLOCK] && rnd(&s) % 16 == 0)
			check_mlocked();
		if (mb[K_KSM] && rnd(&s) % 16 == 0)
			sample_ksm();
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < writers; i++)
		pthread_join(tids[i], NULL);
	if (flush)
		pthread_join(flush_tid, NULL);
	/* and every page, once more, at the end */
	for (size_t p = 0; p < total_pages; p++) {
		check(p);
		st_checked++;
	}
}

/* the counters as KTAP comments, then the two test points; the exit status */
static int report(size_t *mb)
{
	say("  # %s: seed %" PRIu64 ", %zu pages, %d nodes, %d writers", name, seed, total_pages,
	    nr_nodes, writers);
	say("  # %s: move_pages calls %lu, pages moved %lu, busy %lu, errors %lu, checked %lu, writes %lu, migrate_pages %lu",
	    name, st_calls, st_moved, st_busy, st_other, st_checked, st_writes, st_process_moves);
	if (nr_movers > 1 || movers[0] != MV_MOVE_PAGES)
		say("  # %s: moves by move_pages %lu, mbind %lu, soft_offline %lu (pages retired %lu)",
		    name, st_by_mover[MV_MOVE_PAGES], st_by_mover[MV_MBIND],
		    st_by_mover[MV_SOFT_OFFLINE], st_retired);
	for (int i = 0; i < nr_regions; i++)
		say("  # %s: region %s %zu pages, moved %lu", name, regions[i].name, regions[i].pages,
		    st_moved_kind[regions[i].kind]);
	if (flush)
		say("  # %s: writeback of the file started %lu times", name, st_flushes);
	if (mb[K_SWAPCACHE])
		say("  # %s: pages pushed out to swap %lu", name, st_pageouts);
	if (mb[K_KSM]) {
		sample_ksm();
		say("  # %s: KSM merged at most %ld of our pages at once", name, ksm_merged_max);
	}
	if (mb[K_MLOCK]) {
		check_mlocked();
		if (st_mlock_lost) {
			say("  # %s: the mlocked region lost its lock after a move", name);
			failed = 1;
		}
	}
	ktap_plan(2);
	ktap_point_fail(!failed, 1, "data-integrity", "%lu mismatches", mismatches);
	ktap_point_fail(st_moved, 2, "progress", "no page moved in %lu calls", st_calls);
	return failed || !st_moved;
}

int main(int argc, char **argv)
{
	size_t mb[NR_KINDS] = { [K_ANON] = 8, [K_THP] = 4, [K_SHMEM] = 4 };
	int balancing = 0;
	FILE *f;

	if (parse_args(argc, argv, mb))
		return 2;
	f = fopen("/proc/sys/kernel/numa_balancing", "r");
	if (f) {
		if (fscanf(f, "%d", &balancing) != 1)
			balancing = 0;
		fclose(f);
	}
	ktap_subtest(name);
	if (setup(mb))
		return 1;
	drive(mb, balancing);
	return report(mb);
}
