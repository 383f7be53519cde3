// SPDX-License-Identifier: GPL-2.0
/*
 * The findings of one console: each title counted once, and the ones
 * another finding says better dropped (a KTAP suite through its failed
 * cases, a secondary report when a primary one is there).
 */
#include <stdio.h>
#include <string.h>

#include "triage.h"
#include "triage-int.h"

/* Count @title in @f (of @nr); returns 1 when it was new and not dropped */
int add_title(struct finding *f, int *nr, const struct pattern *p,
		     const char *title, int line)
{
	for (int i = 0; i < *nr; i++)
		if (!strcmp(f[i].title, title)) {
			f[i].count++;
			return 0;
		}
	if (*nr == TRIAGE_MAX_FINDINGS)
		return -1;
	f[*nr].type = p->type;
	snprintf(f[*nr].title, TRIAGE_TITLE_LEN, "%s", title);
	f[*nr].line = line;
	f[*nr].count = 1;
	f[*nr].secondary = p->secondary;
	(*nr)++;
	return 1;
}

void add_finding(struct findings *out, const struct pattern *p,
			const char *title, int line)
{
	if (add_title(out->f, &out->nr, p, title, line) < 0)
		out->dropped++;
}

/*
 * A failed KTAP suite is reported through its failed cases: drop
 * "KTAP: not ok a" when "KTAP: not ok a.b" is there too.
 */
static int has_prefix_child(const struct findings *out, const char *prefix, size_t n)
{
	for (int i = 0; i < out->nr; i++)
		if (!strncmp(out->f[i].title, prefix, n) && out->f[i].title[n] == '.')
			return 1;
	return 0;
}

/*
 * "KTAP: not ok a.b" has a child if "KTAP: not ok a.b.c" was found, or,
 * for a program's result in a scenario, "KTAP: not ok b.c" (the program
 * printed its own subtest from its own task).
 */
static int has_child(const struct findings *out, const char *title)
{
	static const char head[] = "KTAP: not ok ";
	char buf[TRIAGE_TITLE_LEN];
	const char *dot = strchr(title + sizeof(head) - 1, '.');

	if (has_prefix_child(out, title, strlen(title)))
		return 1;
	if (!dot)
		return 0;
	snprintf(buf, sizeof(buf), "%s%s", head, dot + 1);
	return has_prefix_child(out, buf, strlen(buf));
}

void drop_redundant(struct findings *out)
{
	int primary = 0, j = 0;

	for (int i = 0; i < out->nr; i++)
		primary += !out->f[i].secondary;
	for (int i = 0; i < out->nr; i++) {
		/* without a primary report, the first secondary one stands for it */
		if (out->f[i].secondary && (primary || j))
			continue;
		if (!strncmp(out->f[i].title, "KTAP: ", 6) && has_child(out, out->f[i].title))
			continue;
		out->f[j++] = out->f[i];
	}
	out->nr = j;
}
