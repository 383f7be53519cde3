// SPDX-License-Identifier: GPL-2.0
/*
 * triage [--reports DIR] CONSOLE_LOG
 *
 * Prints one line per distinct finding: type, title, first line, count,
 * separated by tabs. With --reports, also writes DIR/report-N.txt, the
 * console lines from each finding's first report on, for
 * scripts/decode_stacktrace.sh.
 *
 * Exit status: 0 no finding, 1 findings, 2 usage or I/O error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"

#define REPORT_LINES	150

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap);

	if (!f || !buf) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *more = realloc(buf, cap * 2);

			if (!more) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = more;
			cap *= 2;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static void write_report(const char *dir, int idx, const char *buf, size_t len, int line)
{
	char path[4096];
	FILE *f;
	int cur = 1;
	size_t i = 0;

	snprintf(path, sizeof(path), "%s/report-%d.txt", dir, idx);
	f = fopen(path, "w");
	if (!f)
		return;
	while (i < len && cur < line)
		if (buf[i++] == '\n')
			cur++;
	for (; i < len && cur < line + REPORT_LINES; i++) {
		fputc(buf[i], f);
		if (buf[i] == '\n')
			cur++;
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	const char *reports = NULL, *path;
	struct findings out;
	size_t len;
	char *buf;

	if (argc == 4 && !strcmp(argv[1], "--reports")) {
		reports = argv[2];
		path = argv[3];
	} else if (argc == 2 && argv[1][0] != '-') {
		path = argv[1];
	} else {
		fprintf(stderr, "usage: triage [--reports DIR] CONSOLE_LOG\n");
		return 2;
	}
	buf = slurp(path, &len);
	if (!buf) {
		fprintf(stderr, "triage: cannot read %s\n", path);
		return 2;
	}
	if (triage_buffer(buf, len, &out)) {
		fprintf(stderr, "triage: out of memory or bad pattern\n");
		return 2;
	}
	for (int i = 0; i < out.nr; i++) {
		printf("%s\t%s\t%d\t%d\n", out.f[i].type, out.f[i].title,
		       out.f[i].line, out.f[i].count);
		if (reports)
			write_report(reports, i + 1, buf, len, out.f[i].line);
	}
	if (out.dropped)
		printf("Bug\ttoo many distinct findings (%d more)\t0\t%d\n",
		       out.dropped, out.dropped);
	free(buf);
	return out.nr ? 1 : 0;
}
