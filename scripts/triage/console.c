// SPDX-License-Identifier: GPL-2.0
/*
 * The console as lines: split at newlines (a CR before one dropped), each
 * line's printk prefix ("[   12.345678][ T123] ") stripped and its caller
 * kept (CONFIG_PRINTK_CALLER), so that a title is completed from the lines
 * of the same task or CPU only; and the small string helpers on them.
 */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"
#include "triage-int.h"

/* Copy a bounded line into a NUL-terminated buffer for regexec() */
void line_str(const struct line *l, char *buf)
{
	size_t n = l->len < MAX_LINE - 1 ? l->len : MAX_LINE - 1;

	memcpy(buf, l->msg, n);
	buf[n] = '\0';
}

/* Parse "[  123.456789][ T123] msg"; either bracket may be missing. */
static void split_prefix(const char *s, size_t len, struct line *l)
{
	size_t i = 0;

	l->caller[0] = '\0';
	if (i < len && s[i] == '[') {
		size_t j = i + 1;

		while (j < len && (s[j] == ' ' || isdigit((unsigned char)s[j]) || s[j] == '.'))
			j++;
		if (j < len && s[j] == ']')
			i = j + 1;
	}
	if (i < len && s[i] == '[') {
		size_t j = i + 1, k = 0;

		while (j < len && s[j] == ' ')
			j++;
		if (j < len && (s[j] == 'T' || s[j] == 'C')) {
			char c[16];

			c[k++] = s[j++];
			while (j < len && isdigit((unsigned char)s[j]) && k < sizeof(c) - 1)
				c[k++] = s[j++];
			c[k] = '\0';
			if (j < len && s[j] == ']' && k > 1) {
				memcpy(l->caller, c, k + 1);
				i = j + 1;
			}
		}
	}
	if (i < len && s[i] == ' ' && i > 0)
		i++;
	l->msg = s + i;
	l->len = len - i;
}

/* Strip ".isra.0", ".cold" and the like: the name must be stable */
void clean_func(char *fn)
{
	char *dot = strchr(fn, '.');

	if (dot && dot != fn)
		*dot = '\0';
}

int group(const char *s, const regmatch_t *m, int g, char *out, size_t size)
{
	size_t n;

	if (m[g].rm_so < 0)
		return -1;
	n = (size_t)(m[g].rm_eo - m[g].rm_so);
	if (n >= size)
		n = size - 1;
	memcpy(out, s + m[g].rm_so, n);
	out[n] = '\0';
	return 0;
}

/*
 * The lines of @len bytes of @buf (never read past @len), in an array the
 * caller frees; *@nr of them. NULL when memory runs out.
 */
struct line *console_lines(const char *buf, size_t len, int *nr)
{
	struct line *lines;
	size_t start = 0;
	int cap = 1024;

	*nr = 0;
	lines = malloc(sizeof(*lines) * (size_t)cap);
	if (!lines)
		return NULL;
	for (size_t i = 0; i <= len; i++) {
		size_t end;

		if (i < len && buf[i] != '\n')
			continue;
		end = i;
		while (end > start && (buf[end - 1] == '\r'))
			end--;
		if (*nr == cap) {
			struct line *more = realloc(lines, sizeof(*lines) * (size_t)cap * 2);

			if (!more) {
				free(lines);
				return NULL;
			}
			lines = more;
			cap *= 2;
		}
		split_prefix(buf + start, end - start, &lines[(*nr)++]);
		start = i + 1;
	}
	return lines;
}
