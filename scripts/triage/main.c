// SPDX-License-Identifier: GPL-2.0
/*
 * triage [--reports DIR] [--scope FILE --outside FILE] [--accel ACCEL]
 *        [--emulator FILE] CONSOLE_LOG
 *
 * Prints one line per distinct finding: type, title, first line, count,
 * separated by tabs. With --reports, also writes DIR/report-N.txt, the
 * console lines from each finding's first report on, for
 * scripts/decode_stacktrace.sh. With --scope (the series' functions, one a
 * line), a scoped report (KCSAN's) with no frame in the scope nor in a
 * module is not a finding: it goes to the --outside file, in the same
 * format.
 *
 * An int3 trap whose code bytes hold no int3 is an emulator event (type
 * "Emulator") under TCG, the accelerator assumed unless --accel names
 * another (the run's, as its qemu-version does: "tcg,thread=multi",
 * "kvm"); under any other it is an ordinary oops. Emulator events are
 * printed with the findings, or with --emulator written to FILE instead
 * (their reports as DIR/emulator-report-N.txt).
 *
 * Exit status: 0 nothing printed, 1 findings (or emulator events without
 * --emulator), 2 usage or I/O error.
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

static void write_report(const char *dir, const char *name, int idx,
			 const char *buf, size_t len, int line)
{
	char path[4096];
	FILE *f;
	int cur = 1;
	size_t i = 0;

	snprintf(path, sizeof(path), "%s/%s-%d.txt", dir, name, idx);
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

static void print_findings(FILE *f, const struct finding *fs, int nr)
{
	for (int i = 0; i < nr; i++)
		fprintf(f, "%s\t%s\t%d\t%d\n", fs[i].type, fs[i].title,
			fs[i].line, fs[i].count);
}

enum which { ALL, FINDINGS, EMULATOR };

/*
 * Print the findings of @out that @which selects to @f and, with @reports,
 * write the report of each as @reports/@name-N.txt, N counting from 1 in
 * the order printed. Returns how many were printed.
 */
static int emit(FILE *f, const struct findings *out, enum which which,
		const char *reports, const char *name, const char *buf, size_t len)
{
	int n = 0;

	for (int i = 0; i < out->nr; i++) {
		int emulator = !strcmp(out->f[i].type, TRIAGE_EMULATOR);

		if ((which == FINDINGS && emulator) || (which == EMULATOR && !emulator))
			continue;
		print_findings(f, &out->f[i], 1);
		n++;
		if (reports)
			write_report(reports, name, n, buf, len, out->f[i].line);
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *reports = NULL, *scope = NULL, *outside = NULL, *path = NULL;
	const char *emulator = NULL;
	static struct findings out;
	size_t len;
	char *buf;
	int i, nr;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--reports"))
			reports = argv[i + 1];
		else if (!strcmp(argv[i], "--scope"))
			scope = argv[i + 1];
		else if (!strcmp(argv[i], "--outside"))
			outside = argv[i + 1];
		else if (!strcmp(argv[i], "--emulator"))
			emulator = argv[i + 1];
		else if (!strcmp(argv[i], "--accel"))
			triage_set_accel(argv[i + 1]);
		else
			break;
	}
	if (i == argc - 1 && argv[i][0] != '-')
		path = argv[i];
	if (!path || !scope != !outside) {
		fprintf(stderr, "usage: triage [--reports DIR] [--scope FILE --outside FILE] [--accel ACCEL] [--emulator FILE] CONSOLE_LOG\n");
		return 2;
	}
	if (scope && triage_set_scope(scope)) {
		fprintf(stderr, "triage: cannot read a scope from %s\n", scope);
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
	nr = emit(stdout, &out, emulator ? FINDINGS : ALL, reports, "report", buf, len);
	if (outside) {
		FILE *f = fopen(outside, "w");

		if (f)
			print_findings(f, out.outside, out.nr_outside);
		if (!f || fclose(f)) {
			fprintf(stderr, "triage: cannot write %s\n", outside);
			return 2;
		}
	}
	if (emulator) {
		FILE *f = fopen(emulator, "w");

		if (f)
			emit(f, &out, EMULATOR, reports, "emulator-report", buf, len);
		if (!f || fclose(f)) {
			fprintf(stderr, "triage: cannot write %s\n", emulator);
			return 2;
		}
	}
	if (out.dropped)
		printf("Bug\ttoo many distinct findings (%d more)\t0\t%d\n",
		       out.dropped, out.dropped);
	free(buf);
	return nr || out.dropped ? 1 : 0;
}
