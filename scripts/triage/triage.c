// SPDX-License-Identifier: GPL-2.0
/*
 * Console triage: match each line's message (console.c) against the
 * pattern table and its condition, complete the title (titles.c), and
 * count the report as a finding, or as outside the scope (findings.c).
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"
#include "triage-int.h"

static regex_t compiled[128];
/* the regexes that read a report's lines (titles.c, in_scope()) */
regex_t frame_re, guess_re, rip_re, at_re, ktap_re, kasan_access_re;
static regex_t subtest_re;
static int ready;
/* emulator events are told apart under TCG only (triage_set_accel()) */
static int tcg = 1;

int triage_init(void)
{
	if (ready)
		return 0;
	if (triage_nr_patterns > sizeof(compiled) / sizeof(compiled[0]))
		return -1;
	for (size_t i = 0; i < triage_nr_patterns; i++)
		if (regcomp(&compiled[i], triage_patterns[i].regex, REG_EXTENDED)) {
			fprintf(stderr, "triage: bad pattern %s\n", triage_patterns[i].regex);
			return -1;
		}
	if (regcomp(&frame_re, "^ *([A-Za-z0-9_.$]+)\\+0x[0-9a-f]+/0x[0-9a-f]+( \\[[A-Za-z0-9_]+\\])?$", REG_EXTENDED) ||
	    regcomp(&guess_re, "^ *\\?? ?([A-Za-z0-9_.$]+)\\+0x[0-9a-f]+/0x[0-9a-f]+( \\[[A-Za-z0-9_]+\\])?$", REG_EXTENDED) ||
	    regcomp(&rip_re, "^RIP: [0-9a-f]{4}:([A-Za-z0-9_.$]+)\\+0x", REG_EXTENDED) ||
	    regcomp(&at_re, "at: ([A-Za-z0-9_.$]+)\\+0x[0-9a-f]+/0x", REG_EXTENDED) ||
	    regcomp(&subtest_re, "^( *)# Subtest: (.+)$", REG_EXTENDED) ||
	    regcomp(&ktap_re, "^( *)not ok [0-9]+ ([^#]*[^# ])( *#.*)?$", REG_EXTENDED) ||
	    regcomp(&kasan_access_re, "^(Read|Write) of size", REG_EXTENDED))
		return -1;
	ready = 1;
	return 0;
}

void triage_set_accel(const char *accel)
{
	tcg = !strncmp(accel, "tcg", 3);
}

/*
 * A scoped report is in scope when one frame of its stacks (the lines
 * after @at printed by the same caller, up to the "=====" that ends a
 * KCSAN report) is a function of the scope, or runs in a module the scope
 * names as "[module]" (run.sh adds the suite's modules).
 */
static int in_scope(const struct line *lines, int nr, int at)
{
	const char *caller = lines[at].caller;
	char buf[MAX_LINE], fn[128];
	regmatch_t m[3];

	if (!scope_set())
		return 1;
	for (int i = at + 1; i < nr && i <= at + LOOKAHEAD; i++) {
		const char *key = fn;

		if (caller[0] && strcmp(lines[i].caller, caller))
			continue;
		line_str(&lines[i], buf);
		if (!strncmp(buf, "=====", 5))
			break;
		if (regexec(&frame_re, buf, 3, m, 0))
			continue;
		if (m[2].rm_so >= 0) {
			/* " [module]": the key is "[module]" */
			group(buf, m, 2, fn, sizeof(fn));
			key = fn + 1;
			if (scope_has(key))
				return 1;
		}
		key = fn;
		group(buf, m, 1, fn, sizeof(fn));
		clean_func(fn);
		if (scope_has(key))
			return 1;
	}
	return 0;
}

/*
 * The byte an int3 trap was taken on, from the first "Code: " line the
 * same caller printed after the header at @at, or -1 when there is none or
 * it shows no bytes. show_opcodes() prints the 42 bytes before regs->ip,
 * then the byte at regs->ip in <..>; an int3 is a trap, so regs->ip is the
 * address after it and the int3 is the byte just before the "<".
 */
static int int3_trap_byte(const struct line *lines, int nr, int at)
{
	const char *caller = lines[at].caller;
	char buf[MAX_LINE];
	const char *mark;
	unsigned int byte;

	for (int i = at + 1; i < nr && i <= at + LOOKAHEAD; i++) {
		if (caller[0] && strcmp(lines[i].caller, caller))
			continue;
		line_str(&lines[i], buf);
		if (strncmp(buf, "Code: ", 6))
			continue;
		mark = strstr(buf, " <");
		if (!mark || mark - buf < 8 || mark[-3] != ' ' ||
		    !isxdigit((unsigned char)mark[-2]) || !isxdigit((unsigned char)mark[-1]) ||
		    sscanf(mark - 2, "%2x", &byte) != 1)
			return -1;
		return (int)byte;
	}
	return -1;
}

/* A pattern's condition on the report that its header starts at @at */
static int cond_holds(const struct pattern *p, const struct line *lines, int nr, int at)
{
	int byte;

	switch (p->cond) {
	case COND_NONE:
		return 1;
	case COND_STALE_INT3:
		/* no Code: bytes to read: an ordinary oops, never hidden */
		byte = int3_trap_byte(lines, nr, at);
		return tcg && byte >= 0 && byte != 0xcc;
	}
	return 0;
}

int triage_buffer(const char *buf, size_t len, struct findings *out)
{
	struct ktap_callers *ktap;
	struct line *lines;
	int nr = 0;

	memset(out, 0, sizeof(*out));
	if (triage_init())
		return -1;
	lines = console_lines(buf, len, &nr);
	ktap = calloc(1, sizeof(*ktap));
	if (!lines || !ktap) {
		free(lines);
		free(ktap);
		return -1;
	}
	for (int i = 0; i < nr; i++) {
		char msg[MAX_LINE], title[TRIAGE_TITLE_LEN];
		regmatch_t m[7];

		line_str(&lines[i], msg);
		if (!regexec(&subtest_re, msg, 4, m, 0)) {
			char name[128];

			group(msg, m, 2, name, sizeof(name));
			ktap_subtest(ktap_for(ktap, lines[i].caller),
				     (int)(m[1].rm_eo - m[1].rm_so), name);
			continue;
		}
		for (size_t p = 0; p < triage_nr_patterns; p++) {
			if (regexec(&compiled[p], msg, 7, m, 0) ||
			    !cond_holds(&triage_patterns[p], lines, nr, i))
				continue;
			title_for(&triage_patterns[p], lines, nr, i, msg, m, title,
				  triage_patterns[p].kind == TITLE_KTAP_SIGN ?
				  ktap_sign_state(ktap, lines[i].caller) :
				  ktap_for(ktap, lines[i].caller));
			if (triage_patterns[p].scoped && !in_scope(lines, nr, i))
				/* beyond TRIAGE_MAX_FINDINGS titles, the rest is not listed */
				add_title(out->outside, &out->nr_outside,
					  &triage_patterns[p], title, i + 1);
			else
				add_finding(out, &triage_patterns[p], title, i + 1);
			break;
		}
	}
	free(lines);
	free(ktap);
	drop_redundant(out);
	return 0;
}
