// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-verify's moves: move_pages(2) of a few pages (or one THP),
 * mbind(2) or soft offline when -R allows them, now and then
 * migrate_pages(2) of the whole process; then every page moved is checked,
 * and where move_pages says it went.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mv.h"

const char *const mover_name[NR_MOVERS] = { "move_pages", "mbind", "soft_offline" };
int movers[NR_MOVERS] = { MV_MOVE_PAGES }, nr_movers = 1;
int nodes[MAX_NODES], nr_nodes;
unsigned long st_calls, st_moved, st_busy, st_other, st_process_moves;
unsigned long st_by_mover[NR_MOVERS], st_retired, st_moved_kind[NR_KINDS];

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
	for (size_t p = 0; p < total_pages; p++)
		check_locked(p);
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
int parse_movers(char *list)
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

void move_some(uint64_t *s, int check_placement)
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
		for (size_t p = first; p < first + cnt; p++)
			check_locked(p);
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
