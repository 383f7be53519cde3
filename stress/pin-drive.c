// SPDX-License-Identifier: GPL-2.0
/*
 * pin-drive: pages with a DMA-style pin held across the move. Reader
 * threads fill a buffer with O_DIRECT reads from a block device (a loop
 * device in the guest: the block layer pins the buffer's pages for the whole
 * I/O and the loop worker writes into them from another task, as a DMA
 * engine would), while a mover thread keeps moving the same buffer between
 * nodes with move_pages(2).
 *
 * A folio pinned when the batch copy runs holds a snapshot that the I/O may
 * overwrite before the move phase; if the series copied it anyway and the
 * pin was gone by the refcount check, the move would install the stale
 * snapshot and the read's data would be lost. So after every read each page
 * of it must hold exactly the device's block, and the mover checks idle
 * pages against the block last read into them.
 *
 * The device holds block b as page_pattern_word(seed, b, 0, word): the
 * scenario writes it with `pin-drive -s SEED -d DEV -i` before the run.
 *
 *   pin-drive -d DEV [-s seed] [-t seconds] [-p buffer_pages] [-r readers]
 *             [-H] [-S] [-k] [-n name] [-i]
 *
 * -H: the buffer is one THP per 2 MB (MADV_HUGEPAGE) instead of 4K pages.
 * -S: the buffer is shared memory (a memfd, MAP_SHARED). An anonymous
 *     private page that is pinned cannot even be unmapped for migration
 *     (its exclusive-anon bit cannot be cleared while it may be pinned), so
 *     only a shared buffer takes a pinned folio as far as the batch.
 * -i: initialise the device with the pattern and exit.
 * -k: the transfers go through faultmods/dma_pinner instead of O_DIRECT:
 *     it pins the pages, waits a seeded while (up to 20 ms) with the pin
 *     held, writes the block's pattern through the kernel mapping as a DMA
 *     engine would, and unpins at once: the write lands late in the pin,
 *     where a copy taken ahead of the move would miss it. -d is not read.
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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include "guest.h"
#include "ktap.h"

#define THP		(2UL << 20)
#define MAX_READ	16		/* pages per read */
#define MAX_READERS	8
#define MPOL_MF_MOVE	(1 << 1)

static uint64_t seed = 1;

static const char *dev, *name = "pin-drive";
static int fd, seconds = 10, nr_readers = 2, thp, shared, kpin;

static size_t buf_pages = 256, dev_blocks;
static uint8_t *buf;
static uint8_t *slot_lock;	/* per buffer page: 0 free, 1 held */
static int64_t *slot_block;	/* per buffer page: the block it holds, -1 none */
static int nodes[64], nr_nodes;
static volatile int stop;
static int failed;
static unsigned long mismatches;
static unsigned long st_reads, st_short, st_calls, st_moved, st_busy, st_checked;


#define PINNER "/sys/kernel/debug/dma_pinner/transfer"

struct dma_pinner_req {
	uint64_t addr;
	uint32_t pages;
	uint32_t delay_us;
	uint64_t seed;
	uint64_t first;
};

/* one transfer through the pinner: n pages at p get blocks b.. */
static ssize_t pinner_transfer(uint64_t *s, size_t p, size_t n, int64_t b)
{
	struct dma_pinner_req req = {
		.addr = (uintptr_t)(buf + p * PAGE), .pages = n,
		.delay_us = rnd(s) % 20000, .seed = seed, .first = b,
	};
	/* one file per reader thread: a shared one would serialise their writes on f_pos_lock */
	static __thread int pfd = -1;

	if (pfd < 0)
		pfd = open(PINNER, O_WRONLY);
	if (pfd < 0)
		return -1;
	return write(pfd, &req, sizeof(req)) == sizeof(req) ? (ssize_t)(n * PAGE) : -1;
}

static int node_of(void *a)
{
	int status = -1;

	if (syscall(SYS_move_pages, 0, 1UL, &a, NULL, &status, 0))
		return -errno;
	return status;
}

/* the page at buffer slot @p must hold device block @b */
static void check_slot(size_t p, int64_t b, const char *when)
{
	const uint64_t *w = (const uint64_t *)(buf + p * PAGE);

	for (size_t i = 0; i < WORDS; i++) {
		uint64_t want = page_pattern_word(seed, b, 0, i);

		if (w[i] == want)
			continue;
		if (__atomic_fetch_add(&mismatches, 1, __ATOMIC_RELAXED) < 8)
			say("# mismatch (%s): buffer page %zu block %" PRId64 " word %zu addr %p node %d expected %016" PRIx64
			    " found %016" PRIx64, when, p, b, i, (void *)&w[i], node_of((void *)w), want, w[i]);
		__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		return;
	}
}

static int trylock_slot(size_t p)
{
	return !__atomic_exchange_n(&slot_lock[p], 1, __ATOMIC_ACQUIRE);
}

static void unlock_slot(size_t p)
{
	__atomic_store_n(&slot_lock[p], 0, __ATOMIC_RELEASE);
}

static void *reader(void *arg)
{
	uint64_t s = seed ^ (0x2000 + (uintptr_t)arg);

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		size_t n = 1 + rnd(&s) % MAX_READ, p = rnd(&s) % buf_pages, got = 0;
		int64_t b = rnd(&s) % (dev_blocks - MAX_READ);
		ssize_t rc;

		if (p + n > buf_pages)
			n = buf_pages - p;
		/* take the slots in order; skip the read if one is busy */
		for (; got < n; got++)
			if (!trylock_slot(p + got))
				break;
		if (got < n) {
			while (got)
				unlock_slot(p + --got);
			sched_yield();
			continue;
		}
		for (size_t i = 0; i < n; i++)
			slot_block[p + i] = -1;	/* in flight: nobody checks it */
		if (kpin)
			rc = pinner_transfer(&s, p, n, b);
		else
			rc = pread(fd, buf + p * PAGE, n * PAGE, b * PAGE);
		__atomic_fetch_add(&st_reads, 1, __ATOMIC_RELAXED);
		if (rc != (ssize_t)(n * PAGE)) {
			if (__atomic_fetch_add(&st_short, 1, __ATOMIC_RELAXED) < 4)
				say("# read of %zu pages at block %" PRId64 ": %zd (%s)", n, b, rc,
				    rc < 0 ? strerror(errno) : "short");
			__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		} else {
			for (size_t i = 0; i < n; i++) {
				check_slot(p + i, b + i, "after its read");
				slot_block[p + i] = b + i;
			}
		}
		for (size_t i = 0; i < n; i++)
			unlock_slot(p + i);
	}
	return NULL;
}

static void move_some(uint64_t *s)
{
	static void *pages[MAX_READ * 4];
	static int want[MAX_READ * 4], status[MAX_READ * 4];
	size_t n = thp ? 1 : 1 + rnd(s) % (MAX_READ * 4);
	size_t p = thp ? (rnd(s) % (buf_pages / 512)) * 512 : rnd(s) % buf_pages;
	int target = nodes[rnd(s) % nr_nodes];
	long rc;

	if (p + n > buf_pages)
		n = buf_pages - p;
	for (size_t i = 0; i < n; i++) {
		pages[i] = buf + (p + i) * PAGE;
		want[i] = target;
		status[i] = -1;
	}
	rc = syscall(SYS_move_pages, 0, n, pages, want, status, MPOL_MF_MOVE);
	st_calls++;
	if (rc < 0 && errno != ENOMEM && errno != EBUSY) {
		say("# move_pages failed: %s", strerror(errno));
		__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
	}
	/* rc > 0: that many pages not moved (a pinned one ends the call) */
	if (rc > 0)
		st_busy += rc;
	for (size_t i = 0; i < n; i++)
		if (status[i] == target)
			st_moved += thp ? 512 : 1;
	/* idle pages of what moved must still hold their block */
	for (size_t i = 0; i < (thp ? 512 : n) && p + i < buf_pages; i++) {
		if (!trylock_slot(p + i))
			continue;
		if (slot_block[p + i] >= 0) {
			check_slot(p + i, slot_block[p + i], "after a move");
			st_checked++;
		}
		unlock_slot(p + i);
	}
}

/* write every block of the device with its pattern */
static int init_device(void)
{
	uint8_t *page = aligned_alloc(PAGE, PAGE);

	if (!page)
		return -1;
	for (size_t b = 0; b < dev_blocks; b++) {
		page_fill(page, seed, b, 0);
		if (pwrite(fd, page, PAGE, b * PAGE) != (ssize_t)PAGE)
			return -1;
	}
	free(page);
	return fsync(fd);
}

/* the options and the device; 0, or 2 for a usage error */
static int parse_args(int argc, char **argv, int *init)
{
	int opt;

	while ((opt = getopt(argc, argv, "d:s:t:p:r:HSkn:i")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'p': buf_pages = strtoul(optarg, NULL, 0); break;
		case 'r': nr_readers = atoi(optarg); break;
		case 'H': thp = 1; break;
		case 'S': shared = 1; break;
		case 'k': kpin = 1; break;
		case 'n': name = optarg; break;
		case 'i': *init = 1; break;
		default:
			fprintf(stderr, "usage: pin-drive -d DEV [-s seed] [-t s] [-p pages] [-r readers] [-H] [-S] [-k] [-n name] [-i]\n");
			return 2;
		}
	}
	if (!dev || nr_readers < 1 || nr_readers > MAX_READERS || buf_pages < MAX_READ)
		return 2;
	return 0;
}

/* the device open (for writing with -i, else O_DIRECT) and its size; 0 or 2 */
static int open_device(int init)
{
	uint64_t bytes = 0;

	fd = open(dev, init ? O_RDWR : O_RDONLY | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes)) {
		fprintf(stderr, "pin-drive: %s: %s\n", dev, strerror(errno));
		return 2;
	}
	dev_blocks = bytes / PAGE;
	if (dev_blocks < 4 * MAX_READ) {
		fprintf(stderr, "pin-drive: %s: too small\n", dev);
		return 2;
	}
	return 0;
}

/*
 * The buffer, 2 MB aligned: private anonymous, or with -S a memfd mapped
 * shared; 0, or -1 with errno set
 */
static int map_buffer(void)
{
	if (thp)
		buf_pages = (buf_pages + 511) / 512 * 512;
	if (shared) {
		/* a THP-aligned address for a shmem THP: reserve, then map over */
		int mfd = memfd_create("pin-drive", 0);
		uint8_t *at = mmap(NULL, buf_pages * PAGE + THP, PROT_NONE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		buf = MAP_FAILED;
		if (mfd >= 0 && at != MAP_FAILED && !ftruncate(mfd, buf_pages * PAGE))
			buf = mmap((void *)(((uintptr_t)at + THP - 1) & ~(THP - 1)), buf_pages * PAGE,
				   PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, mfd, 0);
	} else {
		buf = mmap(NULL, buf_pages * PAGE + THP, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf != MAP_FAILED)
			buf = (uint8_t *)(((uintptr_t)buf + THP - 1) & ~(THP - 1));
	}
	return buf == MAP_FAILED ? -1 : 0;
}

/* the buffer zeroed, every slot free and holding no block; 0 or -1 */
static int init_slots(void)
{
	madvise(buf, buf_pages * PAGE, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	memset(buf, 0, buf_pages * PAGE);
	slot_lock = calloc(buf_pages, 1);
	slot_block = malloc(buf_pages * sizeof(*slot_block));
	if (!slot_lock || !slot_block)
		return -1;
	for (size_t p = 0; p < buf_pages; p++)
		slot_block[p] = -1;
	return 0;
}

/* readers and moves until the window closes, then every slot checked */
static void drive(void)
{
	pthread_t tids[MAX_READERS];
	uint64_t s;
	time_t end;

	for (long i = 0; i < nr_readers; i++)
		pthread_create(&tids[i], NULL, reader, (void *)i);
	s = seed;
	end = time(NULL) + seconds;
	/* pinned pages refuse to move: see window_open() */
	while (window_open(time(NULL), end, seconds, st_moved > 0) &&
	       !__atomic_load_n(&failed, __ATOMIC_RELAXED))
		move_some(&s);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < nr_readers; i++)
		pthread_join(tids[i], NULL);
	for (size_t p = 0; p < buf_pages; p++)
		if (slot_block[p] >= 0) {
			check_slot(p, slot_block[p], "at the end");
			st_checked++;
		}
}

/* the counters as KTAP comments, then the two test points; the exit status */
static int report(void)
{
	say("  # %s: seed %" PRIu64 ", %zu buffer pages (%s, %s), %zu device blocks, %d readers", name, seed,
	    buf_pages, thp ? "THP" : "4K", shared ? "shared memfd" : "private anonymous", dev_blocks, nr_readers);
	say("  # %s: %s %lu, move_pages calls %lu, pages moved %lu, not moved (pinned or busy) %lu, idle pages checked %lu",
	    name, kpin ? "dma_pinner transfers" : "O_DIRECT reads", st_reads, st_calls, st_moved, st_busy, st_checked);
	ktap_plan(2);
	ktap_point_fail(!failed, 1, "data-integrity", "%lu mismatches, %lu failed reads", mismatches,
			st_short);
	ktap_point_fail(st_moved && st_reads, 2, "progress", "reads %lu, pages moved %lu", st_reads,
			st_moved);
	return failed || !st_moved || !st_reads;
}

int main(int argc, char **argv)
{
	int init = 0;

	if (parse_args(argc, argv, &init) || open_device(init))
		return 2;
	if (init)
		return init_device() ? 1 : 0;

	ktap_subtest(name);
	nr_nodes = memory_nodes(nodes, 64);
	if (nr_nodes < 2)
		return ktap_setup_failed("fewer than two memory nodes");
	if (map_buffer())
		return ktap_setup_failed("mmap: %s", strerror(errno));
	if (init_slots())
		return 1;
	drive();
	return report();
}
