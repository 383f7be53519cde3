/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The search of kconfig-enable: which symbols must become y for a symbol
 * to be y, read from the tree's own parsed Kconfig model (lkc.h).
 */
#ifndef KCONFIG_ENABLE_SOLVE_H
#define KCONFIG_ENABLE_SOLVE_H

#include <stdbool.h>
#include "lkc.h"

/* a set of symbols, in the order they were added */
struct symset {
	struct symbol **v;
	int n, cap;
};

bool set_has(const struct symset *s, const struct symbol *sym);
void set_add(struct symset *s, struct symbol *sym);
void set_union(struct symset *dst, const struct symset *src);
void set_free(struct symset *s);

/* how a symbol of a plan gets its y */
enum how { HOW_PROMPT, HOW_SELECT, HOW_DEFAULT };

/* what is known of one symbol: being solved, or solved */
struct memo {
	struct memo *next;
	struct symbol *sym;
	bool busy, ok;
	enum how how;
	struct symbol *selector;
	struct symset plan;	/* every symbol that becomes y, sym included */
	struct symset direct;	/* what the chosen alternative needs itself */
	char *why;
};

/*
 * need_y(sym, &plan, &why): true when sym can be made y; plan then holds
 * every symbol that must become y (sym included), cheapest first among
 * the alternatives Kconfig offers. Otherwise why is the unmet chain, one
 * line (malloc'ed).
 */
bool need_y(struct symbol *sym, struct symset *plan, char **why);

/* chain: the path need_y chose for sym, "A <- SELECTOR (DEPENDENCY ...)" */
char *chain(struct symbol *sym);

/* between solve.c (expressions) and need.c (symbols) */
#define WHY_ALTERNATIVES 3	/* at most this many alternatives named in a failure */
extern int cycles;
struct memo *memo_of(struct symbol *sym);
bool solve(struct expr *e, struct symset *plan, struct symset *direct, char **why);
bool solve_sym(struct symbol *sym, struct symset *plan, struct symset *direct, char **why);
void flatten_or(struct expr *e, struct expr ***alts, int *n);
struct symbol *head_sym(struct expr *e);
void why_join(struct gstr *gs, int i, const char *why);
bool is_bool(const struct symbol *sym);
int cost(const struct symset *plan);
char *fmt(const char *f, const char *a, const char *b);
char *expr_text(struct expr *e);

#endif
