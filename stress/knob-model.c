// SPDX-License-Identifier: GPL-2.0
/*
 * knob-fuzz's model of the reasons knob (the grammar is described in
 * knob-fuzz.c): the answer to a write, the readback of a mask, and
 * whether a concurrent read is one the knob can print. The reason names
 * are the kernel's own, learnt by knob-fuzz.c.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest.h"
#include "knob-model.h"

char names[MAX_REASONS][32];
int nr_names;
unsigned long all_mask;

/* kstrtoul(s, 0): 0 and the value, or -1 */
static int model_number(const char *s, unsigned long *val)
{
	unsigned int base = 10;
	unsigned long v = 0;
	int digits = 0;

	if (*s == '+')
		s++;
	if (s[0] == '0' && tolower((unsigned char)s[1]) == 'x' && isxdigit((unsigned char)s[2])) {
		base = 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
	}
	for (;; s++, digits++) {
		unsigned int d;
		char c = tolower((unsigned char)*s);

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (~0UL - d) / base)
			return -1;	/* -ERANGE: then it is taken as a list */
		v = v * base + d;
	}
	if (!digits)
		return -1;
	if (*s == '\n')
		s++;
	if (*s)
		return -1;
	*val = v;
	return 0;
}

/* isspace() as the kernel's lib/ctype.c has it: 0xa0 (no-break space) too */
static int kernel_isspace(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || c == 0xa0;
}

/* the knob's answer to @in: 0 and the mask, or -EINVAL */
int model(const unsigned char *in, size_t len, unsigned long *mask)
{
	char text[MAX_INPUT + 1], *cur, *tok;
	unsigned long m = 0;
	int any = 0;

	if (len >= PAGE)
		return -EINVAL;
	memcpy(text, in, len);
	text[len] = '\0';	/* and the text ends at its first NUL */
	if (!model_number(text, &m)) {
		if (m & ~all_mask)
			return -EINVAL;
		*mask = m;
		return 0;
	}
	m = 0;
	for (cur = text; *cur; cur++)
		if (kernel_isspace((unsigned char)*cur))
			*cur = ',';
	cur = text;
	while ((tok = strsep(&cur, ",")) != NULL) {
		int r;

		if (!*tok)
			continue;
		any = 1;
		if (!strcmp(tok, "none")) {
			m = 0;
			continue;
		}
		if (!strcmp(tok, "all")) {
			m = all_mask;
			continue;
		}
		if (!strcmp(tok, "syscall"))
			tok = "syscall_or_cpuset";
		for (r = 0; r < nr_names; r++)
			if (!strcmp(tok, names[r]))
				break;
		if (r == nr_names)
			return -EINVAL;
		m |= 1UL << r;
	}
	if (!any)
		return -EINVAL;
	*mask = m;
	return 0;
}

void format(unsigned long mask, char *out, size_t size)
{
	size_t o = 0;

	if (!mask) {
		snprintf(out, size, "none\n");
		return;
	}
	for (int r = 0; r < nr_names; r++)
		if (mask & (1UL << r))
			o += snprintf(out + o, size - o, "%s%s", o ? "," : "", names[r]);
	snprintf(out + o, size - o, "\n");
}

/* is @text what format() prints for some mask: names in bit order? */
int well_formed(const char *text)
{
	const char *p = text;
	int last = -1;

	if (!strcmp(text, "none\n"))
		return 1;
	for (;;) {
		int r, found = -1;

		for (r = last + 1; r < nr_names; r++) {
			size_t l = strlen(names[r]);

			if (!strncmp(p, names[r], l) && (p[l] == ',' || p[l] == '\n')) {
				found = r;
				break;
			}
		}
		if (found < 0)
			return 0;
		p += strlen(names[found]);
		last = found;
		if (*p == '\n')
			return p[1] == '\0';
		p++;	/* the comma */
	}
}
