// SPDX-License-Identifier: GPL-2.0
/*
 * migrate-verify's regions, one per kind of page (anon, thp, mthp, shmem,
 * file, mlock, ksm, swapcache: see migrate-verify.c), and what keeps each
 * kind what it is while the moves run: the flusher of the file's
 * writeback, the mlock and KSM samples, the push of swap-cache pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mv.h"

const char *const kind_name[NR_KINDS] = {
	"anon", "thp", "mthp", "shmem", "file", "mlock", "ksm", "swapcache",
};

struct region regions[NR_KINDS];
int nr_regions;
size_t total_pages;
const char *file_path;
int file_fd = -1;
unsigned long st_flushes, st_pageouts, st_mlock_lost;
long ksm_merged_max;

int add_region(size_t mb, enum kind kind)
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

/* start writeback of the whole file, again and again */
void *flusher(void *arg)
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

/* the most of our pages KSM has merged at once (/proc/self/ksm_merging_pages) */
void sample_ksm(void)
{
	char buf[32];
	long n;

	if (read_text("/proc/self/ksm_merging_pages", buf, sizeof(buf)) < 0)
		return;
	n = strtol(buf, NULL, 10);
	if (n > ksm_merged_max)
		ksm_merged_max = n;
}

/* the mlocked region after a move: still locked (VmLck of the process) */
void check_mlocked(void)
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
void page_out(uint64_t *s)
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
