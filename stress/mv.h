/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of migrate-verify share (the driver is described in
 * migrate-verify.c): the regions of each kind of page (mv-kinds.c), the
 * pages' generations, locks and checks (mv-pages.c), the ways of moving
 * them (mv-movers.c), and the options and counters that main() reports.
 */
#ifndef MV_H
#define MV_H

#include <stddef.h>
#include <stdint.h>

#include "guest.h"

#define THP		(2UL << 20)
#define MAX_BATCH	512
#define MAX_NODES	64
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

enum { MV_MOVE_PAGES, MV_MBIND, MV_SOFT_OFFLINE, NR_MOVERS };

/* the options (migrate-verify.c) */
extern uint64_t seed;
extern int max_batch, process_moves;

/* mv-kinds.c: the regions, one per kind of page */
extern const char *const kind_name[NR_KINDS];
extern struct region regions[NR_KINDS];
extern int nr_regions;
extern size_t total_pages;
extern const char *file_path;
extern int file_fd;
extern unsigned long st_flushes, st_pageouts, st_mlock_lost;
extern long ksm_merged_max;

int add_region(size_t mb, enum kind kind);
void sample_ksm(void);
void check_mlocked(void);
void page_out(uint64_t *s);
void *flusher(void *arg);

/* mv-pages.c: every page's generation, lock and kind, and their checks */
extern uint32_t *gen;		/* per page, under its lock */
extern uint8_t *lock;		/* per page: 0 free, 1 held */
extern uint8_t **addr;		/* per page */
extern uint8_t *page_kind;	/* per page: its region's kind */
extern volatile int stop;
extern int failed;
extern unsigned long mismatches, st_checked, st_writes;

void fill(size_t p, uint32_t g);
int node_of(size_t p);
void check(size_t p);
void check_locked(size_t p);
void *writer(void *arg);

/* mv-movers.c: the moves, and what they moved */
extern const char *const mover_name[NR_MOVERS];
extern int movers[NR_MOVERS], nr_movers;
extern int nodes[MAX_NODES], nr_nodes;
extern unsigned long st_calls, st_moved, st_busy, st_other, st_process_moves;
extern unsigned long st_by_mover[NR_MOVERS], st_retired, st_moved_kind[NR_KINDS];

int parse_movers(char *list);
void move_some(uint64_t *s, int check_placement);

#endif /* MV_H */
