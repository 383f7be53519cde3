// SPDX-License-Identifier: GPL-2.0
/*
 * knob-fuzz: the reasons knob (debugfs migrate_offload/reasons) against a
 * model of its grammar, for a fixed time, with seeded inputs.
 *
 * The model: a write of PAGE_SIZE bytes or more is refused (EINVAL). The
 * text ends at its first NUL. If all of it is a number for kstrtoul() with
 * base 0 (an optional '+', "0x" hex or "0" octal or decimal, one optional
 * trailing newline, no overflow), it is the mask, refused if it has a bit
 * beyond the reasons. Otherwise it is a list of tokens separated by commas
 * and blanks, every character the kernel's isspace() takes (" \t\n\v\f\r"
 * and 0xa0; empty tokens skipped): "none" and "all" set the whole mask at
 * their place, a reason name (or "syscall") adds its bit, anything else
 * refuses the write; no token at all refuses it too. A write that is taken
 * returns its whole length; reading back gives the names in bit order,
 * comma-separated, or "none", and a newline; a refused write leaves the
 * set as it was. The reason names are learnt from the kernel itself (the
 * readback of "all"), so the model holds on any tree with the knob.
 *
 * Inputs: token lists of names, "all", "none", near-misses and garbage
 * with every separator and some that are not ('.', ';'); numbers in
 * every base, signed, padded, overflowing, with bits beyond the reasons;
 * random binary bytes with NULs; lengths around a page. Half-way, reader
 * threads run beside the writer and check that every readback is
 * well-formed (a torn or stale-format read is a finding).
 *
 *   knob-fuzz [-s seed] [-t seconds] [-r readers] [-n name]
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
#include <time.h>
#include <unistd.h>

#include "guest.h"
#include "knob-model.h"
#include "ktap.h"

#define KNOB		"/sys/kernel/debug/migrate_offload/reasons"
#define MAX_READERS	4

static uint64_t seed = 1;
static const char *name = "knob-fuzz";
static int seconds = 10, nr_readers = 2;
static volatile int stop;
static int failed;
static unsigned long st_writes, st_taken, st_refused, st_reads, st_bad_reads, mismatches;

/* the input as C-escaped text, cut short, for a report */
static void escape(const unsigned char *in, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 8 < size; i++) {
		unsigned char c = in[i];

		if (c == '\n')
			o += snprintf(out + o, size - o, "\\n");
		else if (c == '\t')
			o += snprintf(out + o, size - o, "\\t");
		else if (c < 0x20 || c >= 0x7f || c == '\\')
			o += snprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = c;
	}
	if (o + 8 >= size)
		o += snprintf(out + o, size - o, "...");
	out[o] = '\0';
}

static int knob_write(const void *buf, size_t len)
{
	int fd = open(KNOB, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	n = n < 0 ? -errno : n;
	close(fd);
	return (int)n;
}

static int knob_read(char *buf, size_t size)
{
	return read_text(KNOB, buf, size) < 0 ? -1 : 0;
}

static void *reader(void *arg)
{
	char text[512];

	(void)arg;
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		if (knob_read(text, sizeof(text)))
			continue;
		__atomic_fetch_add(&st_reads, 1, __ATOMIC_RELAXED);
		if (!well_formed(text)) {
			char esc[128];

			escape((unsigned char *)text, strlen(text), esc, sizeof(esc));
			if (__atomic_fetch_add(&st_bad_reads, 1, __ATOMIC_RELAXED) < 4)
				say("# knob: a concurrent read gave \"%s\", which no set prints", esc);
			__atomic_store_n(&failed, 1, __ATOMIC_RELAXED);
		}
	}
	return NULL;
}

static const char *const garbage[] = {
	"", "ALL", "None", "syscal", "syscall_or", "compaction2", "-", "0x", "+", "all!", "a",
	"numa", "reason", "\xc3\xa9", "memory failure",
};
static const char *const separators[] = { ",", " ", "\t", "\n", ",,", " , ", "\r", "\v", ".", ";" };

/* one input, seeded: a token list, a number, binary bytes, or a long one */
static size_t gen_input(uint64_t *s, unsigned char *out)
{
	size_t len = 0;
	unsigned int kind = rnd(s) % 10;

	if (kind < 5) {				/* a list of tokens */
		int n = rnd(s) % 6;

		if (rnd(s) % 8 == 0)
			out[len++] = ' ';
		for (int i = 0; i < n; i++) {
			const char *tok;
			unsigned int t = rnd(s) % 16;

			if (t < 10)
				tok = names[rnd(s) % nr_names];
			else if (t < 11)
				tok = "all";
			else if (t < 12)
				tok = "none";
			else if (t < 13)
				tok = "syscall";
			else
				tok = garbage[rnd(s) % (sizeof(garbage) / sizeof(garbage[0]))];
			len += sprintf((char *)out + len, "%s", tok);
			if (i + 1 < n || rnd(s) % 4 == 0) {
				unsigned int k = rnd(s) % 16;

				len += sprintf((char *)out + len, "%s",
					       k < 6 ? "," : separators[rnd(s) % (sizeof(separators) / sizeof(separators[0]))]);
			}
		}
		if (rnd(s) % 2)
			out[len++] = '\n';
	} else if (kind < 8) {			/* a number */
		static const char *const fmts[] = { "%lu", "0x%lx", "0X%lX", "0%lo", "+%lu", "-%lu", "%lu\n", "%lu\n\n",
						    "00%lu", " %lu", "%lu ", "0x%lx\n", "%lu,", "0b%lu" };
		unsigned long v;

		switch (rnd(s) % 4) {
		case 0: v = rnd(s) & all_mask; break;
		case 1: v = 1UL << (rnd(s) % 64); break;
		case 2: v = rnd(s); break;
		default: v = rnd(s) % 4; break;
		}
		len = sprintf((char *)out, fmts[rnd(s) % (sizeof(fmts) / sizeof(fmts[0]))], v);
		if (rnd(s) % 8 == 0)			/* past unsigned long */
			len += sprintf((char *)out + len, "99999999999999999999");
	} else if (kind < 9) {			/* binary */
		len = rnd(s) % 64;
		for (size_t i = 0; i < len; i++)
			out[i] = rnd(s) % 4 ? rnd(s) & 0xff : 0;
		if (len && rnd(s) % 2)		/* a valid list, then a NUL and junk */
			len = sprintf((char *)out, "%s", names[rnd(s) % nr_names]) + 1 + len / 2;
	} else {				/* around a page: a valid list padded */
		static const size_t sizes[] = { PAGE - 2, PAGE - 1, PAGE, PAGE + 1, 2 * PAGE };
		size_t want = sizes[rnd(s) % 5];

		len = sprintf((char *)out, "none");
		while (len < want - 16)
			out[len++] = rnd(s) % 2 ? ' ' : ',';
		len += sprintf((char *)out + len, ",%s", names[rnd(s) % nr_names]);
	}
	return len;
}

/* learn the names from the kernel: the readback of "all" */
static int learn_names(void)
{
	char text[512], *cur, *tok;

	if (knob_write("all", 3) != 3 || knob_read(text, sizeof(text)))
		return -1;
	text[strcspn(text, "\n")] = '\0';
	cur = text;
	while ((tok = strsep(&cur, ",")) && nr_names < MAX_REASONS) {
		snprintf(names[nr_names], sizeof(names[0]), "%s", tok);
		all_mask |= 1UL << nr_names++;
	}
	return nr_names ? 0 : -1;
}

/* the options; 0, or 2 for a usage error */
static int parse_args(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "s:t:r:n:")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'r': nr_readers = atoi(optarg); break;
		case 'n': name = optarg; break;
		default:
			fprintf(stderr, "usage: knob-fuzz [-s seed] [-t s] [-r readers] [-n name]\n");
			return 2;
		}
	}
	return nr_readers < 0 || nr_readers > MAX_READERS ? 2 : 0;
}

/*
 * One input written: the write's answer against the model's and, with no
 * reader beside it, the readback too; -1 when the knob cannot be read
 */
static int write_one(const unsigned char *in, size_t len, int concurrent)
{
	char before[512], after[512], want[512], esc[160];
	unsigned long mask = 0;
	int want_rc, rc;

	if (!concurrent && knob_read(before, sizeof(before)))
		return -1;
	want_rc = model(in, len, &mask);
	rc = knob_write(in, len);
	st_writes++;
	if (rc >= 0)
		st_taken++;
	else
		st_refused++;
	escape(in, len, esc, sizeof(esc));
	if ((want_rc == 0 && rc != (int)len) || (want_rc < 0 && rc != want_rc)) {
		say("# knob: \"%s\" (%zu bytes): the model says %s, the write returned %d", esc, len,
		    want_rc ? "EINVAL" : "taken whole", rc);
		mismatches++;
		return 0;
	}
	if (concurrent)
		return 0;	/* readers check the form; the value is not ours alone */
	if (knob_read(after, sizeof(after)))
		return -1;
	if (want_rc == 0)
		format(mask, want, sizeof(want));
	else
		snprintf(want, sizeof(want), "%s", before);
	if (strcmp(after, want)) {
		char a[80], w[80];

		escape((unsigned char *)after, strlen(after), a, sizeof(a));
		escape((unsigned char *)want, strlen(want), w, sizeof(w));
		say("# knob: after \"%s\" (%s) it reads \"%s\", the model says \"%s\"", esc,
		    want_rc ? "refused" : "taken", a, w);
		mismatches++;
	}
	return 0;
}

/* seeded writes until the time is up; the readers join half-way */
static void fuzz(void)
{
	static unsigned char in[MAX_INPUT];
	pthread_t tids[MAX_READERS];
	int concurrent = 0;
	uint64_t s = seed;
	time_t end = time(NULL) + seconds, half = time(NULL) + seconds / 2;

	while (time(NULL) < end && mismatches < 8) {
		size_t len = gen_input(&s, in);

		if (!concurrent && time(NULL) >= half && nr_readers) {
			concurrent = 1;
			for (long i = 0; i < nr_readers; i++)
				pthread_create(&tids[i], NULL, reader, (void *)i);
		}
		if (write_one(in, len, concurrent))
			break;
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	if (concurrent)
		for (int i = 0; i < nr_readers; i++)
			pthread_join(tids[i], NULL);
}

/* the counters as a KTAP comment, then the two test points; the exit status */
static int report(void)
{
	say("  # %s: seed %" PRIu64 ", %d reasons, writes %lu (taken %lu, refused %lu), concurrent reads %lu (ill-formed %lu)",
	    name, seed, nr_names, st_writes, st_taken, st_refused, st_reads, st_bad_reads);
	ktap_plan(2);
	ktap_point_fail(!failed, 1, "knob-model", "%lu writes against the model, %lu ill-formed reads",
			mismatches, st_bad_reads);
	ktap_point_fail(st_taken && st_refused, 2, "progress", "taken %lu, refused %lu", st_taken,
			st_refused);
	return failed || !st_taken || !st_refused;
}

int main(int argc, char **argv)
{
	char saved[512];

	if (parse_args(argc, argv))
		return 2;
	ktap_subtest(name);
	if (access(KNOB, W_OK)) {
		ktap_skip_all("no reasons knob at %s", KNOB);
		return 0;
	}
	if (knob_read(saved, sizeof(saved)) || learn_names())
		return ktap_setup_failed("the knob does not take \"all\"");
	fuzz();
	knob_write(saved, strlen(saved));
	if (mismatches)
		failed = 1;
	return report();
}
