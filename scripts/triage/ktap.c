// SPDX-License-Identifier: GPL-2.0
/*
 * KTAP nesting: the names of the subtests a "not ok" line is in, by
 * indentation, tracked per caller, so that a KTAP failure is titled by
 * the whole path of its subtests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"
#include "triage-int.h"

void ktap_subtest(struct ktap_state *k, int indent, const char *name)
{
	while (k->depth > 0 && k->indent[k->depth - 1] >= indent)
		k->depth--;
	if (k->depth < 8) {
		snprintf(k->name[k->depth], sizeof(k->name[0]), "%s", name);
		k->indent[k->depth] = indent;
		k->depth++;
	}
}

struct ktap_state *ktap_for(struct ktap_callers *kc, const char *caller)
{
	int i;

	for (i = 0; i < kc->nr; i++)
		if (!strcmp(kc->caller[i], caller))
			return &kc->state[i];
	/* beyond KTAP_CALLERS, the oldest slot is reused */
	i = kc->nr < KTAP_CALLERS ? kc->nr++ : 0;
	snprintf(kc->caller[i], sizeof(kc->caller[i]), "%s", caller);
	kc->state[i].depth = 0;
	return &kc->state[i];
}

/* the task number of a caller ("T123"), 0 for a CPU ("C1") or none */
static long caller_task(const char *caller)
{
	return caller[0] == 'T' ? strtol(caller + 1, NULL, 10) : 0;
}

/*
 * The subtests a driver's early sign is in: its caller's, or, for a
 * worker thread that never printed a "# Subtest:", those of the task with
 * open subtests whose number is the highest below the worker's: the
 * thread that created it (a process's threads are numbered after it)
 */
struct ktap_state *ktap_sign_state(struct ktap_callers *kc, const char *caller)
{
	long task = caller_task(caller), best = 0;
	struct ktap_state *k = ktap_for(kc, caller), *found = k;

	if (k->depth > 0 || !task)
		return k;
	for (int i = 0; i < kc->nr; i++) {
		long t = caller_task(kc->caller[i]);

		if (kc->state[i].depth > 0 && t < task && t > best) {
			best = t;
			found = &kc->state[i];
		}
	}
	return found;
}

void ktap_title(struct ktap_state *k, int indent, const char *name, char *title)
{
	size_t off;

	/*
	 * A subtest's results are at the indentation of its "# Subtest:" line;
	 * subtests opened deeper than this result are finished. An early sign
	 * (indent -1) is in every subtest still open.
	 */
	while (indent >= 0 && k->depth > 0 && k->indent[k->depth - 1] > indent)
		k->depth--;
	off = (size_t)snprintf(title, TRIAGE_TITLE_LEN, "KTAP: not ok ");
	for (int d = 0; d < k->depth && off < TRIAGE_TITLE_LEN; d++)
		off += (size_t)snprintf(title + off, TRIAGE_TITLE_LEN - off, "%s.", k->name[d]);
	if (off < TRIAGE_TITLE_LEN)
		snprintf(title + off, TRIAGE_TITLE_LEN - off, "%s", name);
}
