// SPDX-License-Identifier: GPL-2.0
/*
 * bh-drive: folios with buffer heads. A filesystem with 1K blocks (ext2 on
 * a loop device) keeps its metadata (inode tables, bitmaps, indirect
 * blocks) in the block device's page cache, four buffer heads per folio,
 * and changes it through the buffer heads with neither the folio lock nor
 * a folio reference. Such a folio copied by the batch ahead of its move
 * phase would take the copy across a metadata change made in between, and
 * the change would be lost: filesystem corruption. The series must keep
 * them off the batch.
 *
 * Churn threads rewrite files now and then (sizes past the direct blocks,
 * so indirect blocks change too) and mostly chmod them and set their
 * mtime (inode table updates), all to values a model records; many files,
 * so that a lost update is seldom healed by a later one of the same inode.
 * The mover maps the block device and moves the folios of each block
 * group's metadata between nodes with move_pages(2). At the end: sync,
 * unmount, drop caches, mount again, and every file's size, mode, mtime
 * and every byte must be what the model says.
 *
 *   bh-drive -d DEV -m MOUNTPOINT [-s seed] [-t seconds] [-f files] [-n name]
 *
 * The filesystem must be ext2, mounted on MOUNTPOINT from DEV.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include "guest.h"
#include "ktap.h"

#define MAX_FILES	256
#define MAX_FILE_PAGES	16		/* 64 KB: past ext2's 12 direct 1K blocks */
#define CHURNERS	3
#define MPOL_MF_MOVE	(1 << 1)

struct model {
	pthread_mutex_t lock;
	uint32_t gen;		/* content: pages of (seed, file, gen) */
	size_t pages;
	mode_t mode;
	time_t mtime;
};

static uint64_t seed = 1;
static const char *dev, *mnt, *name = "bh-drive";
static int seconds = 10, nr_files = 256;
static struct model files[MAX_FILES];
static volatile int stop;
static int failed;
static unsigned long mismatches;
static unsigned long st_writes, st_chmods, st_touches, st_fsyncs, st_calls, st_moved, st_busy;
static int nodes[64], nr_nodes;

static void bad(const char *fmt, const char *path, long want, long found)
{
	if (__atomic_fetch_add(&mismatches, 1, __ATOMIC_RELAXED) < 8) {
		char what[160];

		snprintf(what, sizeof(what), fmt, path);
		say("# mismatch: %s: expected %ld found %ld", what, want, found);
	}
	__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
}

static void path_of(int i, char *p, size_t len)
{
	snprintf(p, len, "%s/bh%03d", mnt, i);
}

/* (re)write file i whole, at generation g with n pages */
static int write_file_pages(int i, uint32_t g, size_t n)
{
	static __thread uint64_t page[WORDS];
	char p[256];
	int fd;

	path_of(i, p, sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	for (size_t k = 0; k < n; k++) {
		page_fill(page, seed, (size_t)i * MAX_FILE_PAGES + k, g);
		if (write(fd, page, PAGE) != (ssize_t)PAGE) {
			close(fd);
			return -1;
		}
	}
	return close(fd);
}

static void *churn(void *arg)
{
	uint64_t s = seed ^ (0x3000 + (uintptr_t)arg);
	char p[256];

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		int i = rnd(&s) % nr_files;
		struct model *m = &files[i];
		unsigned int op = rnd(&s) % 16;

		path_of(i, p, sizeof(p));
		pthread_mutex_lock(&m->lock);
		if (op < 1) {
			uint32_t g = m->gen + 1;
			size_t n = 1 + rnd(&s) % MAX_FILE_PAGES;

			if (write_file_pages(i, g, n)) {
				say("# write %s: %s", p, strerror(errno));
				failed = 1;
			} else {
				m->gen = g;
				m->pages = n;
				m->mtime = 0;	/* now the time of the write: not checked */
				st_writes++;
			}
		} else if (op < 8) {
			mode_t mode = 0600 | (rnd(&s) % 0100);

			if (!chmod(p, mode)) {
				m->mode = mode;
				st_chmods++;
			}
		} else if (op < 15) {
			/* an inode update of a known value: the mtime */
			struct timespec ts[2] = { { 0, UTIME_OMIT }, { 1000000 + rnd(&s) % 1000000, 0 } };

			if (!utimensat(AT_FDCWD, p, ts, 0)) {
				m->mtime = ts[1].tv_sec;
				st_touches++;
			}
		} else {
			int fd = open(p, O_RDONLY);

			if (fd >= 0) {
				fsync(fd);
				close(fd);
				st_fsyncs++;
			}
		}
		pthread_mutex_unlock(&m->lock);
	}
	return NULL;
}

/*
 * The metadata of ext2 with 1K blocks: each block group (8 MB) starts with
 * its superblock copy, descriptors, bitmaps and inode table, all within
 * its first 512 KB. Those pages of the device are the mover's: mapped
 * (faulted in whole, so that the filesystem's buffer heads and our mapping
 * share the folios) and moved in random subsets.
 */
#define GROUP_PAGES	((8UL << 20) / PAGE)
#define META_PAGES	((512UL << 10) / PAGE)

static void move_some(uint64_t *s, volatile uint8_t *map, size_t dev_pages)
{
	static void *pages[64];
	static int want[64], status[64];
	size_t groups = (dev_pages + GROUP_PAGES - 1) / GROUP_PAGES;
	size_t n = 1 + rnd(s) % 64;
	int target = nodes[rnd(s) % nr_nodes];
	long rc;

	for (size_t k = 0; k < n; k++) {
		size_t p = (rnd(s) % groups) * GROUP_PAGES + rnd(s) % META_PAGES;

		if (p >= dev_pages)
			p = rnd(s) % META_PAGES;
		(void)map[p * PAGE];
		pages[k] = (void *)(map + p * PAGE);
		want[k] = target;
		status[k] = -1;
	}
	rc = syscall(SYS_move_pages, 0, n, pages, want, status, MPOL_MF_MOVE);
	st_calls++;
	if (rc < 0 && errno != ENOMEM && errno != EBUSY && errno != ENOENT) {
		say("# move_pages failed: %s", strerror(errno));
		failed = 1;
	}
	if (rc > 0)
		st_busy += rc;
	for (size_t k = 0; k < n; k++)
		if (status[k] == target)
			st_moved++;
}

/* after a remount: every file as the model says */
static void verify(void)
{
	static uint64_t page[WORDS];
	char p[256];

	for (int i = 0; i < nr_files; i++) {
		struct model *m = &files[i];
		struct stat st;
		int fd;

		path_of(i, p, sizeof(p));
		if (stat(p, &st)) {
			bad("%s: stat errno", p, 0, errno);
			continue;
		}
		if ((size_t)st.st_size != m->pages * PAGE)
			bad("%s: size", p, (long)(m->pages * PAGE), (long)st.st_size);
		if ((st.st_mode & 07777) != m->mode)
			bad("%s: mode", p, m->mode, st.st_mode & 07777);
		if (m->mtime && st.st_mtime != m->mtime)
			bad("%s: mtime", p, m->mtime, st.st_mtime);
		fd = open(p, O_RDONLY);
		if (fd < 0) {
			bad("%s: open errno", p, 0, errno);
			continue;
		}
		for (size_t k = 0; k < m->pages; k++) {
			if (pread(fd, page, PAGE, k * PAGE) != (ssize_t)PAGE) {
				bad("%s: short read at page", p, k, -1);
				break;
			}
			if (page_check(page, seed, (size_t)i * MAX_FILE_PAGES + k, m->gen, p)) {
				__atomic_fetch_add(&mismatches, 1, __ATOMIC_RELAXED);
				failed = 1;
				break;
			}
		}
		close(fd);
	}
}

int main(int argc, char **argv)
{
	pthread_t tids[CHURNERS];
	uint64_t s, bytes = 0;
	volatile uint8_t *map;
	size_t dev_pages;
	int opt, fd;
	time_t end;

	while ((opt = getopt(argc, argv, "d:m:s:t:f:n:")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'm': mnt = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'f': nr_files = atoi(optarg); break;
		case 'n': name = optarg; break;
		default:
			fprintf(stderr, "usage: bh-drive -d DEV -m MOUNTPOINT [-s seed] [-t s] [-f files] [-n name]\n");
			return 2;
		}
	}
	if (!dev || !mnt || nr_files < 1 || nr_files > MAX_FILES)
		return 2;
	ktap_subtest(name);
	fd = open(dev, O_RDONLY);
	nr_nodes = memory_nodes(nodes, 64);
	if (nr_nodes < 2 || fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes)) {
		return ktap_setup_failed("%s", fd < 0 ? strerror(errno) : "fewer than two memory nodes");
	}
	dev_pages = bytes / PAGE;

	map = mmap(NULL, dev_pages * PAGE, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		return ktap_setup_failed("mmap %s: %s", dev, strerror(errno));
	}
	for (int i = 0; i < nr_files; i++) {
		pthread_mutex_init(&files[i].lock, NULL);
		files[i].gen = 1;
		files[i].pages = 1 + i % 4;
		files[i].mode = 0600;
		if (write_file_pages(i, 1, files[i].pages)) {
			return ktap_setup_failed("creating the files: %s", strerror(errno));
		}
	}
	sync();

	for (long i = 0; i < CHURNERS; i++)
		pthread_create(&tids[i], NULL, churn, (void *)i);
	s = seed;
	end = time(NULL) + seconds;
	/* metadata under I/O refuses to move: see window_open() */
	while (window_open(time(NULL), end, seconds, st_moved && st_writes) &&
	       !__atomic_load_n(&failed, __ATOMIC_RELAXED))
		move_some(&s, map, dev_pages);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < CHURNERS; i++)
		pthread_join(tids[i], NULL);
	munmap((void *)map, dev_pages * PAGE);

	/* what is on the disk, not what is cached */
	sync();
	if (umount(mnt) || write_file("/proc/sys/vm/drop_caches", "3") ||
	    mount(dev, mnt, "ext2", 0, NULL)) {
		say("  # %s: remount failed: %s", name, strerror(errno));
		failed = 1;
	} else {
		verify();
	}
	say("  # %s: seed %" PRIu64 ", %d files, %zu device pages: writes %lu, chmods %lu, mtimes %lu, fsyncs %lu",
	    name, seed, nr_files, dev_pages, st_writes, st_chmods, st_touches, st_fsyncs);
	say("  # %s: move_pages calls %lu, metadata pages moved %lu, not moved %lu", name, st_calls,
	    st_moved, st_busy);
	ktap_plan(2);
	ktap_point_fail(!failed, 1, "data-integrity", "%lu mismatches after the remount", mismatches);
	ktap_point_fail(st_moved && st_writes, 2, "progress", "device pages moved %lu, writes %lu",
			st_moved, st_writes);
	return failed || !st_moved || !st_writes;
}
