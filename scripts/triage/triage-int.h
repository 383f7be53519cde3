/* SPDX-License-Identifier: GPL-2.0 */
/* What the triage's own files share (not the tool's interface: triage.h) */
#ifndef TRIAGE_INT_H
#define TRIAGE_INT_H

#include <regex.h>
#include <stddef.h>

/* How far after a header the title's function is looked for */
#define LOOKAHEAD	120
#define MAX_LINE	1024

/* console.c: the console's lines */
struct line {
	const char *msg;	/* message, after the prefix */
	size_t len;
	char caller[16];	/* "T123" or "C1", or "" */
};

struct line *console_lines(const char *buf, size_t len, int *nr);
void line_str(const struct line *l, char *buf);
void clean_func(char *fn);
int group(const char *s, const regmatch_t *m, int g, char *out, size_t size);

/* ktap.c: the names of the subtests we are in, by indentation */
struct ktap_state {
	char name[8][128];
	int indent[8];
	int depth;
};

/*
 * KTAP nesting is tracked per caller (task or CPU): two programs printing
 * their subtests at the same time must not borrow each other's names.
 */
#define KTAP_CALLERS	32

struct ktap_callers {
	char caller[KTAP_CALLERS][16];
	struct ktap_state state[KTAP_CALLERS];
	int nr;
};

void ktap_subtest(struct ktap_state *k, int indent, const char *name);
struct ktap_state *ktap_for(struct ktap_callers *kc, const char *caller);
void ktap_title(struct ktap_state *k, int indent, const char *name, char *title);
struct ktap_state *ktap_sign_state(struct ktap_callers *kc, const char *caller);

/* titles.c */
void title_for(const struct pattern *p, const struct line *lines, int nr,
	       int at, const char *msg, const regmatch_t *m, char *title,
	       struct ktap_state *ktap);

/* triage.c: compiled by triage_init() */
extern regex_t frame_re, guess_re, rip_re, at_re, ktap_re, kasan_access_re;

/* scope.c */
int scope_set(void);
int scope_has(const char *name);

/* findings.c */
int add_title(struct finding *f, int *nr, const struct pattern *p,
	      const char *title, int line);
void add_finding(struct findings *out, const struct pattern *p,
		 const char *title, int line);
void drop_redundant(struct findings *out);

#endif /* TRIAGE_INT_H */
