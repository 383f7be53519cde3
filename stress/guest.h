/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the guest drivers: one-write lines (say(), for KTAP and its
 * comments), the page pattern of (seed, page, generation) over a 4K page
 * (the pattern itself is faultmods/page_pattern.h, which the kernel
 * modules share), and sysfs/procfs helpers.
 */
#ifndef GUEST_H
#define GUEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../faultmods/page_pattern.h"

#define PAGE	4096UL
#define WORDS	(PAGE / sizeof(uint64_t))

/* one line, one write(2): /dev/kmsg keeps it whole */
static inline void say(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(1, line, n) < 0)
		_exit(3);
}

/* the next number of a seeded sequence (each the mix of the one before) */
static inline uint64_t rnd(uint64_t *s)
{
	*s = splitmix64(*s);
	return *s;
}

static inline void page_fill(void *p, uint64_t seed, size_t page, uint32_t gen)
{
	page_pattern_fill(p, WORDS, seed, page, gen);
}

/* 0 if intact; else prints the first bad word and returns -1 */
static inline int page_check(const void *p, uint64_t seed, size_t page, uint32_t gen,
			     const char *what)
{
	const uint64_t *w = p;
	uint64_t base = page_pattern_base(seed, page, gen);

	for (size_t i = 0; i < WORDS; i++) {
		uint64_t want = page_pattern_at(base, i);

		if (w[i] != want) {
			say("# mismatch (%s): page %zu word %zu addr %p expected %016llx found %016llx",
			    what, page, i, (void *)&w[i], (unsigned long long)want,
			    (unsigned long long)w[i]);
			return -1;
		}
	}
	return 0;
}

static inline int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* a whole small file into buf, NUL-terminated: its length, or -1 */
static inline ssize_t read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/*
 * The nodes with memory (has_memory, a list such as "0-2,4") into
 * nodes[max]: how many, or -1
 */
static inline int memory_nodes(int *nodes, int max)
{
	char text[256];
	char *s;
	int n = 0;

	if (read_text("/sys/devices/system/node/has_memory", text, sizeof(text)) < 0)
		return -1;
	for (s = text; *s && *s != '\n';) {
		int a = strtol(s, &s, 10), b = a;

		if (*s == '-')
			b = strtol(s + 1, &s, 10);
		for (; a <= b && n < max; a++)
			nodes[n++] = a;
		if (*s == ',')
			s++;
	}
	return n;
}

/*
 * Whether a driver's window goes on: until end, then, as long as nothing
 * has moved yet, up to three times as long again (at least 5 s more). A
 * window of a second under a stalling provider, or among pages that
 * refuse to move (pinned, under I/O), may make only a call or two; this
 * way "progress" judges the driver, not the luck of those calls.
 */
static inline int window_open(time_t now, time_t end, int seconds, int moved)
{
	int extra = 3 * seconds > 5 ? 3 * seconds : 5;

	return now < end || (!moved && now < end + extra);
}

/* a counter from /proc/vmstat, or -1 */
static inline long vmstat(const char *name)
{
	char key[64];
	long val;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &val) == 2)
		if (!strcmp(key, name)) {
			fclose(f);
			return val;
		}
	fclose(f);
	return -1;
}

#endif /* GUEST_H */
