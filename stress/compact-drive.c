// SPDX-License-Identifier: GPL-2.0
/*
 * compact-drive: make compaction migrate pages (reason compaction) and
 * check that every page it moved kept its bytes.
 *
 * Each round maps MB of anonymous 4K pages, fills them, frees every other
 * page (MADV_DONTNEED) so that memory is fragmented, then asks for
 * compaction three ways: /proc/sys/vm/compact_memory, each node's
 * /sys/devices/system/node/nodeN/compact, and a high
 * vm.compaction_proactiveness for kcompactd. Then every kept page is
 * checked.
 *
 *   compact-drive [-s seed] [-t seconds] [-m MB]
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <time.h>

#include "guest.h"
#include "ktap.h"

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	int seconds = 10, opt, failed = 0, rounds = 0, n;
	size_t mb = 32;
	long before, after;
	char path[128];
	time_t end;

	while ((opt = getopt(argc, argv, "s:t:m:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'm': mb = strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	ktap_subtest("compact-drive");
	before = vmstat("compact_migrate_scanned");
	long moved0 = vmstat("pgmigrate_success");

	write_file("/proc/sys/vm/compaction_proactiveness", "100");
	end = time(NULL) + seconds;
	while (time(NULL) < end && !failed) {
		size_t pages = (mb << 20) / PAGE;
		uint8_t *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			say("  # mmap: %s", strerror(errno));
			failed = 1;
			break;
		}
		madvise(p, pages * PAGE, MADV_NOHUGEPAGE);
		for (size_t i = 0; i < pages; i++)
			page_fill(p + i * PAGE, seed, i, rounds);
		for (size_t i = 1; i < pages; i += 2)
			madvise(p + i * PAGE, PAGE, MADV_DONTNEED);
		write_file("/proc/sys/vm/compact_memory", "1");
		for (n = 0; n < 8; n++) {
			snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/compact", n);
			write_file(path, "1");
		}
		for (size_t i = 0; i < pages && !failed; i += 2)
			if (page_check(p + i * PAGE, seed, i, rounds, "after compaction"))
				failed = 1;
		munmap(p, pages * PAGE);
		rounds++;
	}
	write_file("/proc/sys/vm/compaction_proactiveness", "20");
	after = vmstat("compact_migrate_scanned");
	say("  # compact-drive: %d rounds of %zu MB, compact_migrate_scanned +%ld, pgmigrate_success +%ld",
	    rounds, mb, after - before, vmstat("pgmigrate_success") - moved0);
	ktap_plan(2);
	ktap_point(!failed, 1, "data-integrity");
	ktap_point(rounds, 2, "progress");
	return failed || !rounds;
}
