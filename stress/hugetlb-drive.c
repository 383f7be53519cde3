// SPDX-License-Identifier: GPL-2.0
/*
 * hugetlb-drive: moves 2 MB hugetlb pages between NUMA nodes with
 * move_pages(2) (reason syscall), checks every byte of every page after
 * every move, then checks that the huge page pool adds up again.
 *
 * Hugetlb never enters the batch path of the copy offload (the kernel
 * moves it in migrate_hugetlbs()), so with or without a provider it must
 * behave exactly as the unpatched kernel. Its flags live in the folio's
 * ->private, the word where the batch path keeps its own state: a move to
 * a node whose pool is empty gets a temporary (surplus) huge page whose
 * "temporary" flag is one of those bits. The driver gives node 0 a pool of
 * exactly the pages it maps and the other nodes none, so every move away
 * from node 0 lands on a temporary page and every move back on a pool page.
 *
 *   hugetlb-drive [-s seed] [-t seconds] [-n pages] [-m anon|private|shared]
 *                 [-f hugetlbfs_dir] [-N name]
 *
 * anon: MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB; private and shared: a
 * file on hugetlbfs mapped MAP_PRIVATE (written, so the pages are private
 * copies) or MAP_SHARED (the file's own pages). Output: a KTAP subtest
 * with data-integrity, moved and pool test points.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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

#define HPAGE		(2UL << 20)
#define SUBPAGES	(HPAGE / PAGE)
#define MPOL_MF_MOVE	(1 << 1)
#define NODES		3
#define POOL		"/sys/kernel/mm/hugepages/hugepages-2048kB"

static uint64_t seed = 1;
static int seconds = 10, npages = 2;
static const char *mode = "anon", *dir = "/mnt/huge", *name = "hugetlb-drive";

static long read_long(const char *path)
{
	char buf[64];

	return read_text(path, buf, sizeof(buf)) < 0 ? -1 : strtol(buf, NULL, 10);
}

static char *node_pool(int node, const char *what)
{
	static char path[160];

	snprintf(path, sizeof(path),
		 "/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/%s", node, what);
	return path;
}

static int set_node_pool(int node, long pages)
{
	char val[32];

	snprintf(val, sizeof(val), "%ld", pages);
	return write_file(node_pool(node, "nr_hugepages"), val) ? -1 :
	       (read_long(node_pool(node, "nr_hugepages")) == pages ? 0 : -1);
}

/* the global counters and the per-node ones agree, and nothing is left over */
static int pool_consistent(long want_total, char *why, size_t len)
{
	long total = read_long(POOL "/nr_hugepages");
	long free_ = read_long(POOL "/free_hugepages");
	long surplus = read_long(POOL "/surplus_hugepages");
	long sum = 0, sum_free = 0, sum_surplus = 0;

	for (int n = 0; n < NODES; n++) {
		sum += read_long(node_pool(n, "nr_hugepages"));
		sum_free += read_long(node_pool(n, "free_hugepages"));
		sum_surplus += read_long(node_pool(n, "surplus_hugepages"));
	}
	snprintf(why, len, "nr_hugepages %ld (per node %ld, want %ld), free %ld (per node %ld), surplus %ld (per node %ld)",
		 total, sum, want_total, free_, sum_free, surplus, sum_surplus);
	return total == want_total && sum == total && free_ == total && sum_free == free_ &&
	       surplus == 0 && sum_surplus == 0;
}

static void fill(uint8_t *base, int page, uint32_t gen)
{
	for (size_t s = 0; s < SUBPAGES; s++)
		page_fill(base + (size_t)page * HPAGE + s * PAGE, seed,
			  (size_t)page * SUBPAGES + s, gen);
}

static int verify(uint8_t *base, int page, uint32_t gen, const char *what)
{
	for (size_t s = 0; s < SUBPAGES; s++)
		if (page_check(base + (size_t)page * HPAGE + s * PAGE, seed,
			       (size_t)page * SUBPAGES + s, gen, what))
			return -1;
	return 0;
}

/* the options; 0, or 2 for a usage error */
static int parse_args(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "s:t:n:m:f:N:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'n': npages = atoi(optarg); break;
		case 'm': mode = optarg; break;
		case 'f': dir = optarg; break;
		case 'N': name = optarg; break;
		default:
			fprintf(stderr, "usage: hugetlb-drive [-s seed] [-t s] [-n pages] [-m anon|private|shared] [-f dir] [-N name]\n");
			return 2;
		}
	}
	if (npages < 1 || npages > 64 || (strcmp(mode, "anon") && strcmp(mode, "private") &&
					 strcmp(mode, "shared"))) {
		fprintf(stderr, "hugetlb-drive: bad -n or -m\n");
		return 2;
	}
	return 0;
}

/* what the moves did */
struct tally {
	unsigned long moves, nomem, bad_place;
};

/*
 * Move every page to a node drawn from the seed, check every byte after
 * every move, write the next generation; until the time is up or a page
 * is wrong (1)
 */
static int move_and_check(uint8_t *base, struct tally *t)
{
	void *pages[64];
	int status[64], target[64], failed = 0;
	uint32_t gen[64] = { 0 };
	char why[256];
	time_t end;

	for (int p = 0; p < npages; p++) {
		pages[p] = base + (size_t)p * HPAGE;
		fill(base, p, 0);
	}
	end = time(NULL) + seconds;
	for (uint64_t step = 0; time(NULL) < end && !failed; step++) {
		/* every node in turn, in a seeded order: pool and surplus targets */
		int node = (int)(splitmix64(seed ^ step) % NODES);

		for (int p = 0; p < npages; p++)
			target[p] = node;
		if (syscall(SYS_move_pages, 0, npages, pages, target, status, MPOL_MF_MOVE) < 0) {
			say("  # %s: move_pages: %s", name, strerror(errno));
			return 1;
		}
		for (int p = 0; p < npages; p++) {
			if (status[p] == -ENOMEM || status[p] == -EBUSY) {
				t->nomem++;
			} else if (status[p] < 0) {
				say("  # %s: page %d: status %d", name, p, status[p]);
				t->bad_place++;
			} else if (status[p] != node) {
				t->bad_place++;
			} else {
				t->moves++;
			}
			/* every byte, after every move: then the next generation */
			snprintf(why, sizeof(why), "%s page %d after a move to node %d", mode, p, node);
			if (verify(base, p, gen[p], why)) {
				say("  # %s: huge page %d (generation %u) wrong after the move to node %d (status %d)",
				    name, p, gen[p], node, status[p]);
				failed = 1;
				break;
			}
			fill(base, p, ++gen[p]);
		}
	}
	return failed;
}

/* the huge pages, anonymous or of a hugetlbfs file (its path in @path); NULL on failure */
static uint8_t *map_pages(int *fd, char *path, size_t size)
{
	int flags = MAP_HUGETLB | (strcmp(mode, "shared") ? MAP_PRIVATE : MAP_SHARED);
	uint8_t *base;

	*fd = -1;
	if (!strcmp(mode, "anon")) {
		flags |= MAP_ANONYMOUS;
	} else {
		snprintf(path, size, "%s/%s.%d", dir, name, getpid());
		*fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		if (*fd < 0 || ftruncate(*fd, (off_t)npages * HPAGE)) {
			say("  # %s: %s: %s", name, path, strerror(errno));
			ktap_point(0, 1, "hugetlbfs-file");
			ktap_plan(1);
			return NULL;
		}
		flags &= ~MAP_HUGETLB;	/* the file system gives the page size */
	}
	base = mmap(NULL, (size_t)npages * HPAGE, PROT_READ | PROT_WRITE, flags, *fd, 0);
	if (base == MAP_FAILED) {
		say("  # %s: mmap: %s", name, strerror(errno));
		ktap_point(0, 1, "mmap");
		ktap_plan(1);
		return NULL;
	}
	return base;
}

int main(int argc, char **argv)
{
	struct tally t = { 0 };
	long saved[NODES];
	int fd, failed;
	uint8_t *base;
	char path[256] = "", why[256];

	if (parse_args(argc, argv))
		return 2;
	ktap_subtest_unindented(name);
	say("  # %s: %d huge pages, mode %s, seed %" PRIu64 ", %d s", name, npages, mode, seed, seconds);

	/* the pool: node 0 holds exactly our pages, the other nodes none */
	for (int n = 0; n < NODES; n++)
		saved[n] = read_long(node_pool(n, "nr_hugepages"));
	if (set_node_pool(1, 0) || set_node_pool(2, 0) || set_node_pool(0, npages)) {
		say("  # %s: cannot size the pool (node 0: %ld pages)", name,
		    read_long(node_pool(0, "nr_hugepages")));
		ktap_point(0, 1, "pool-setup");
		ktap_plan(1);
		return 1;
	}
	base = map_pages(&fd, path, sizeof(path));
	if (!base)
		return 1;
	failed = move_and_check(base, &t);
	say("  # %s: %lu page moves, %lu refused for lack of a huge page, %lu misplaced",
	    name, t.moves, t.nomem, t.bad_place);
	ktap_point(!failed, 1, "data-integrity");
	ktap_point(t.moves, 2, "moved");

	munmap(base, (size_t)npages * HPAGE);
	if (fd >= 0) {
		close(fd);
		unlink(path);
	}
	/* with every page given back, the pool is what we made it */
	if (pool_consistent(npages, why, sizeof(why))) {
		ktap_point_why(1, 3, "pool", "%s", why);
	} else {
		say("  # %s: pool: %s", name, why);
		ktap_point(0, 3, "pool");
		failed = 1;
	}
	for (int n = 0; n < NODES; n++)
		set_node_pool(n, saved[n]);
	ktap_plan(3);
	return failed || !t.moves;
}
