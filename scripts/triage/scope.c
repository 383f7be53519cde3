// SPDX-License-Identifier: GPL-2.0
/*
 * The scope of scoped reports (a KCSAN race is a finding only when a frame
 * is one of these functions or modules): read once from a file, kept
 * sorted, looked up by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"
#include "triage-int.h"

/* sorted; NULL: everything is in scope */
static char **scope;
static size_t scope_nr;

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int triage_set_scope(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[256], **names = NULL;
	size_t nr = 0, cap = 0;

	if (!f)
		return -1;
	while (fgets(buf, sizeof(buf), f)) {
		size_t n = strcspn(buf, " \t\r\n#");

		if (!n)
			continue;
		buf[n] = '\0';
		if (nr == cap) {
			char **more = realloc(names, sizeof(*names) * (cap = cap ? cap * 2 : 256));

			if (!more)
				goto fail;
			names = more;
		}
		names[nr] = strdup(buf);
		if (!names[nr])
			goto fail;
		nr++;
	}
	fclose(f);
	if (!nr) {
		free(names);
		return -1;
	}
	qsort(names, nr, sizeof(*names), cmp_name);
	scope = names;
	scope_nr = nr;
	return 0;
fail:
	fclose(f);
	while (nr)
		free(names[--nr]);
	free(names);
	return -1;
}

int scope_set(void)
{
	return scope != NULL;
}

int scope_has(const char *name)
{
	return bsearch(&name, scope, scope_nr, sizeof(*scope), cmp_name) != NULL;
}
