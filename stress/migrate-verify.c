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
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "ktap.h"
#include "mv.h"

/* calls the progress check wants before it may say "no page moved" */
#define PROGRESS_MIN_CALLS 8

uint64_t seed = 1;
int max_batch = 64, process_moves = 1;
static int seconds = 10, writers = 1, placement = 1;
static const char *name = "migrate-verify";
static int flush;

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
