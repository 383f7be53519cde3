// SPDX-License-Identifier: GPL-2.0
/*
 * pid-mover: move the anonymous memory of other processes, so that a
 * program that checks its own memory (stress-ng --vm --verify) becomes an
 * oracle of the batch path. Every process whose name starts with -c PREFIX
 * (rescanned each round) has the pages of its private writable anonymous
 * mappings of at least -m KB moved with move_pages(2) (reason syscall) to
 * seeded random nodes, for -t seconds from the first one seen.
 *
 *   pid-mover -c stress-ng-vm -t 10 -s SEED [-m 256]
 *
 * Prints "# pid-mover: R rounds, P processes, M pages moved"; exits 1 when
 * it moved nothing (so a window that moved no page cannot pass as one that
 * checked something), 2 on bad usage.
 */
#include <dirent.h>
#include <numaif.h>
#include <sys/syscall.h>
#include <time.h>

#include "guest.h"

#define MAX_PAGES	512
#define MAX_NODES	64
/* seconds to wait for the first process of the prefix */
#define STARTUP_WAIT	30

static int name_matches(int pid, const char *prefix)
{
	char path[64], comm[64];

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	if (read_text(path, comm, sizeof(comm)) < 0)
		return 0;
	return !strncmp(comm, prefix, strlen(prefix));
}

/* Moves the pages of one process's big anonymous mappings: pages moved */
static long move_process(int pid, size_t min_bytes, const int *nodes, int nr_nodes,
			 uint64_t *seed)
{
	static void *pages[MAX_PAGES];
	static int want[MAX_PAGES], status[MAX_PAGES], before[MAX_PAGES];
	char path[64], line[512];
	long moved = 0;
	FILE *maps;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = fopen(path, "r");
	if (!maps)
		return 0;
	while (fgets(line, sizeof(line), maps)) {
		unsigned long start, end, off, inode;
		char perms[8], dev[16], name[256] = "";
		unsigned long a;

		if (sscanf(line, "%lx-%lx %7s %lx %15s %lu %255s", &start, &end, perms, &off,
			   dev, &inode, name) < 6)
			continue;
		/* private, writable, no file behind it, not the stack */
		if (strcmp(perms, "rw-p") || inode || end - start < min_bytes ||
		    !strcmp(name, "[stack]"))
			continue;
		for (a = start; a < end;) {
			int n = 0, node = nodes[rnd(seed) % nr_nodes], i;
			long rc;

			for (; a < end && n < MAX_PAGES; a += PAGE, n++) {
				pages[n] = (void *)a;
				want[n] = node;
			}
			/* where they are: a page already on the node does not count */
			if (syscall(SYS_move_pages, pid, n, pages, NULL, before, 0) < 0)
				break;	/* the process is gone, or the mapping */
			rc = syscall(SYS_move_pages, pid, n, pages, want, status, MPOL_MF_MOVE);
			if (rc < 0)
				break;
			for (i = 0; i < n; i++)
				moved += status[i] == node && before[i] != node;
		}
	}
	fclose(maps);
	return moved;
}

int main(int argc, char **argv)
{
	const char *prefix = NULL;
	size_t min_bytes = 256 * 1024;
	int nodes[MAX_NODES], nr_nodes, seconds = 10, opt;
	long rounds = 0, procs = 0, moved = 0;
	uint64_t seed = 1;
	time_t end;

	while ((opt = getopt(argc, argv, "c:t:s:m:")) != -1) {
		switch (opt) {
		case 'c': prefix = optarg; break;
		case 't': seconds = atoi(optarg); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'm': min_bytes = strtoull(optarg, NULL, 0) * 1024; break;
		default: return 2;
		}
	}
	if (!prefix || seconds <= 0) {
		fprintf(stderr, "usage: pid-mover -c COMM_PREFIX -t SECONDS [-s SEED] [-m KB]\n");
		return 2;
	}
	nr_nodes = memory_nodes(nodes, MAX_NODES);
	if (nr_nodes < 2) {
		say("# pid-mover: fewer than two nodes with memory");
		return 2;
	}
	/*
	 * The window starts when the first process shows up, not at our own
	 * start: under TCG stress-ng took longer than a 3 s window to fork its
	 * workers, and a window that saw none is no finding of the kernel's.
	 * STARTUP_WAIT bounds the wait.
	 */
	end = time(NULL) + STARTUP_WAIT;
	while (time(NULL) < end) {
		DIR *proc = opendir("/proc");
		struct dirent *d;

		if (!proc)
			return 2;
		rounds++;
		while ((d = readdir(proc))) {
			int pid = atoi(d->d_name);

			if (pid <= 0 || !name_matches(pid, prefix))
				continue;
			if (!procs)
				end = time(NULL) + seconds;
			procs++;
			moved += move_process(pid, min_bytes, nodes, nr_nodes, &seed);
		}
		closedir(proc);
		usleep(20000);
	}
	if (!procs)
		say("# pid-mover: no process named %s* in %d s", prefix, STARTUP_WAIT);
	say("# pid-mover: %ld rounds, %ld processes, %ld pages moved", rounds, procs, moved);
	return moved > 0 ? 0 : 1;
}
