// SPDX-License-Identifier: GPL-2.0
/*
 * zram-drive: pages that are not folios. zram keeps its data in zsmalloc,
 * whose pages migrate through movable_ops (their own migrate callback), so
 * the batch path must never take them: a batch copy of one, or a copied
 * mark left on it, breaks zram's data or zsmalloc's page state.
 *
 * Blocks of the zram device are written (O_DIRECT, so that every read goes
 * to zram and not the page cache) with patterns of four sizes after
 * compression (one word, 512 bytes, half a page, none: zsmalloc's small,
 * middle and huge classes), rewritten and discarded at random so that its
 * pages fragment, while compaction runs (/proc/sys/vm/compact_memory and
 * the per-node compact file, which migrate zsmalloc pages, and zram's own
 * compact). Every read is checked, and every block at the end.
 *
 *   zram-drive -d /dev/zramN [-s seed] [-t seconds] [-n name]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>

#include "guest.h"
#include "ktap.h"

static uint64_t seed = 1;
static const char *dev, *name = "zram-drive";
static size_t blocks;
static uint32_t *gen;		/* per block; 0: discarded (reads as zeros) */
static int failed;
static unsigned long st_writes, st_discards, st_reads, st_compactions, mismatches;

/* how many leading words of block b, generation g, are random; the rest 0 */
static size_t random_words(size_t b, uint32_t g)
{
	static const size_t sizes[] = { 1, 64, WORDS / 2, WORDS };

	return sizes[splitmix64(seed ^ b ^ ((uint64_t)g << 40)) % 4];
}

static uint64_t want_word(size_t b, uint32_t g, size_t i)
{
	if (!g || i >= random_words(b, g))
		return 0;
	return page_pattern_word(seed, b, g, i);
}

static void fill(uint64_t *w, size_t b, uint32_t g)
{
	for (size_t i = 0; i < WORDS; i++)
		w[i] = want_word(b, g, i);
}

static void check(const uint64_t *w, size_t b, const char *when)
{
	for (size_t i = 0; i < WORDS; i++) {
		uint64_t want = want_word(b, gen[b], i);

		if (w[i] == want)
			continue;
		if (mismatches++ < 8)
			say("# mismatch (%s): block %zu word %zu generation %u expected %016" PRIx64
			    " found %016" PRIx64, when, b, i, gen[b], want, w[i]);
		failed = 1;
		return;
	}
}

static void compact(uint64_t *s)
{
	static const char *const knobs[] = {
		"/proc/sys/vm/compact_memory",
		"/sys/devices/system/node/node0/compact",
		"/sys/devices/system/node/node1/compact",
	};
	char path[128];

	if (rnd(s) % 4 == 0) {
		snprintf(path, sizeof(path), "/sys/block/%s/compact", strrchr(dev, '/') + 1);
		write_file(path, "1");
	} else {
		write_file(knobs[rnd(s) % 3], "1");
	}
	st_compactions++;
}

int main(int argc, char **argv)
{
	uint64_t s, bytes = 0, *page;
	int fd, opt, seconds = 10;
	long migrated0;
	time_t end;

	while ((opt = getopt(argc, argv, "d:s:t:n:")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'n': name = optarg; break;
		default:
			fprintf(stderr, "usage: zram-drive -d /dev/zramN [-s seed] [-t s] [-n name]\n");
			return 2;
		}
	}
	if (!dev || !strrchr(dev, '/'))
		return 2;
	fd = open(dev, O_RDWR | O_DIRECT);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &bytes) || bytes < 64 * PAGE) {
		fprintf(stderr, "zram-drive: %s: %s\n", dev, fd < 0 ? strerror(errno) : "no size");
		return 2;
	}
	blocks = bytes / PAGE;
	gen = calloc(blocks, sizeof(*gen));
	page = aligned_alloc(PAGE, PAGE);
	if (!gen || !page)
		return 1;

	ktap_subtest(name);
	s = seed;
	/* every block once, so that zsmalloc holds pages of every class */
	for (size_t b = 0; b < blocks; b++) {
		gen[b] = 1;
		fill(page, b, 1);
		if (pwrite(fd, page, PAGE, b * PAGE) != (ssize_t)PAGE) {
			return ktap_setup_failed("write block %zu: %s", b, strerror(errno));
		}
	}
	migrated0 = vmstat("pgmigrate_success");
	end = time(NULL) + seconds;
	while (time(NULL) < end && !failed) {
		size_t b = rnd(&s) % blocks;
		unsigned int what = rnd(&s) % 16;

		if (what < 6) {		/* rewrite: another size class, fragmenting */
			gen[b]++;
			fill(page, b, gen[b]);
			if (pwrite(fd, page, PAGE, b * PAGE) != (ssize_t)PAGE)
				failed = 1;
			st_writes++;
		} else if (what < 8) {	/* discard: frees its object */
			uint64_t range[2] = { b * PAGE, PAGE };

			if (!ioctl(fd, BLKDISCARD, range)) {
				gen[b] = 0;
				st_discards++;
			}
		} else if (what < 15) {
			if (pread(fd, page, PAGE, b * PAGE) != (ssize_t)PAGE)
				failed = 1;
			else
				check(page, b, "read");
			st_reads++;
		} else {
			compact(&s);
		}
	}
	for (size_t b = 0; b < blocks && !failed; b++) {
		if (pread(fd, page, PAGE, b * PAGE) != (ssize_t)PAGE)
			failed = 1;
		else
			check(page, b, "at the end");
	}
	say("  # %s: seed %" PRIu64 ", %zu blocks, writes %lu, discards %lu, reads %lu, compactions %lu, pages migrated meanwhile %ld",
	    name, seed, blocks, st_writes, st_discards, st_reads, st_compactions,
	    vmstat("pgmigrate_success") - migrated0);
	ktap_plan(2);
	ktap_point_fail(!failed, 1, "data-integrity", "%lu mismatches", mismatches);
	ktap_point_fail(st_compactions && st_writes, 2, "progress", "compactions %lu, writes %lu",
			st_compactions, st_writes);
	return failed || !st_compactions;
}
