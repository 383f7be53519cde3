// SPDX-License-Identifier: GPL-2.0
/*
 * Which symbols must become y for a symbol to be y, the way Kconfig
 * computes values (symbol.c): a symbol with a prompt is y when its prompt
 * is visible (the prompt's visibility already holds its "depends on", the
 * enclosing "if" blocks and menus) and the user says y; a symbol without
 * one is y when a selector is y (its rev_dep) or a default applies. Each
 * symbol is solved once, against the .config as read: the alternatives
 * are costed by how many symbols they switch on (what they select
 * included), and the cheapest wins. Anything the search cannot decide
 * (a comparison of strings or numbers, a "depends on !X" while X is set)
 * is an unmet link of the chain, never guessed.
 */
#include <stdlib.h>
#include <string.h>
#include <xalloc.h>
#include "solve.h"

bool set_has(const struct symset *s, const struct symbol *sym)
{
	for (int i = 0; i < s->n; i++)
		if (s->v[i] == sym)
			return true;
	return false;
}

void set_add(struct symset *s, struct symbol *sym)
{
	if (set_has(s, sym))
		return;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 8;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = sym;
}

void set_union(struct symset *dst, const struct symset *src)
{
	for (int i = 0; i < src->n; i++)
		set_add(dst, src->v[i]);
}

void set_free(struct symset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

#define MEMO_HASH 4096
static struct memo *memos[MEMO_HASH];
/* bumped when a search meets a symbol being solved: a failure it causes
 * depends on the path, so it is not remembered */
int cycles;

struct memo *memo_of(struct symbol *sym)
{
	unsigned long h = ((unsigned long)sym >> 4) % MEMO_HASH;
	struct memo *m;

	for (m = memos[h]; m; m = m->next)
		if (m->sym == sym)
			return m;
	m = xcalloc(1, sizeof(*m));
	m->sym = sym;
	m->next = memos[h];
	memos[h] = m;
	return m;
}

char *expr_text(struct expr *e)
{
	struct gstr gs = str_new();
	char *s;

	expr_gstr_print(e, &gs);
	s = xstrdup(str_get(&gs));
	str_free(&gs);
	return s;
}

char *fmt(const char *f, const char *a, const char *b)
{
	struct gstr gs = str_new();
	char *s;

	str_printf(&gs, f, a, b);
	s = xstrdup(str_get(&gs));
	str_free(&gs);
	return s;
}

/* what a plan switches on: its symbols and, transitively, what they
 * select that is not y yet (a select's "if" is not weighed: it counts as
 * if it applied, so of two drivers the one that selects less, under any
 * condition, is the cheaper) */
static void closure(struct symbol *sym, struct symset *seen)
{
	struct property *prop;

	if (set_has(seen, sym))
		return;
	set_add(seen, sym);
	for_all_properties(sym, prop, P_SELECT) {
		struct symbol *t = prop_get_symbol(prop);

		sym_calc_value(t);
		if (sym_get_tristate_value(t) != yes)
			closure(t, seen);
	}
}

int cost(const struct symset *plan)
{
	struct symset seen = {0};
	int n;

	for (int i = 0; i < plan->n; i++)
		closure(plan->v[i], &seen);
	n = seen.n;
	set_free(&seen);
	return n;
}

bool solve_sym(struct symbol *sym, struct symset *plan, struct symset *direct, char **why)
{
	struct symset p = {0};

	if (set_has(plan, sym))
		return true;
	if (!need_y(sym, &p, why))
		return false;
	set_union(plan, &p);
	set_add(direct, sym);
	set_free(&p);
	return true;
}

/* the alternatives of an OR, in the order they are written */
void flatten_or(struct expr *e, struct expr ***alts, int *n)
{
	if (e->type == E_OR) {
		flatten_or(e->left.expr, alts, n);
		flatten_or(e->right.expr, alts, n);
		return;
	}
	*alts = xrealloc(*alts, (*n + 1) * sizeof(**alts));
	(*alts)[(*n)++] = e;
}

/* the leftmost symbol of an expression: the selector of a rev_dep term */
struct symbol *head_sym(struct expr *e)
{
	while (e->type == E_AND || e->type == E_NOT)
		e = e->left.expr;
	return e->type == E_SYMBOL ? e->left.sym : NULL;
}

void why_join(struct gstr *gs, int i, const char *why)
{
	if (i < WHY_ALTERNATIVES)
		str_printf(gs, "%s%s", i ? " | " : "", why);
	else if (i == WHY_ALTERNATIVES)
		str_append(gs, " | ...");
}

/* the cheapest alternative of an OR; ties go to the first written */
static bool solve_or(struct expr *e, struct symset *plan, struct symset *direct, char **why)
{
	struct expr **alts = NULL;
	struct symset best = {0}, best_direct = {0};
	struct gstr gs = str_new();
	int n = 0, best_cost = -1, failed = 0;

	flatten_or(e, &alts, &n);
	for (int i = 0; i < n; i++) {
		struct symset p = {0}, d = {0};
		char *w = NULL;
		int c;

		set_union(&p, plan);
		if (!solve(alts[i], &p, &d, &w)) {
			why_join(&gs, failed++, w);
			free(w);
			c = -1;
		} else {
			c = cost(&p);
		}
		if (c >= 0 && (best_cost < 0 || c < best_cost)) {
			set_free(&best);
			set_free(&best_direct);
			best = p;
			best_direct = d;
			best_cost = c;
			continue;
		}
		set_free(&p);
		set_free(&d);
	}
	free(alts);
	if (best_cost >= 0) {
		set_union(plan, &best);
		set_union(direct, &best_direct);
	} else {
		*why = xstrdup(str_get(&gs));
	}
	set_free(&best);
	set_free(&best_direct);
	str_free(&gs);
	return best_cost >= 0;
}

bool is_bool(const struct symbol *sym)
{
	return sym->type == S_BOOLEAN || sym->type == S_TRISTATE;
}

/* "X = y", "X != n" (either way round): X must be y; anything else on
 * bools, strings or numbers cannot be made true by switching symbols on */
static struct symbol *compare_needs(struct expr *e)
{
	struct symbol *l = e->left.sym, *r = e->right.sym;
	struct symbol *want = e->type == E_EQUAL ? &symbol_yes : &symbol_no;

	if (e->type != E_EQUAL && e->type != E_UNEQUAL)
		return NULL;
	if (r == want && is_bool(l))
		return l;
	if (l == want && is_bool(r))
		return r;
	return NULL;
}

/*
 * solve: add to plan what makes e y, given that the symbols already in
 * plan will be y; the symbols e names itself that it adds go to direct
 */
bool solve(struct expr *e, struct symset *plan, struct symset *direct, char **why)
{
	struct symbol *sym;
	char *t;

	if (e && e->type == E_NOT && e->left.expr->type == E_SYMBOL &&
	    set_has(plan, e->left.expr->left.sym)) {
		*why = fmt("!%s but the chain sets %s", e->left.expr->left.sym->name,
			   e->left.expr->left.sym->name);
		return false;
	}
	if (!e || expr_calc_value(e) == yes)
		return true;
	switch (e->type) {
	case E_SYMBOL:
		return solve_sym(e->left.sym, plan, direct, why);
	case E_AND:
		return solve(e->left.expr, plan, direct, why) &&
		       solve(e->right.expr, plan, direct, why);
	case E_OR:
		return solve_or(e, plan, direct, why);
	case E_NOT:
		/* switching a symbol off is not ours to do */
		sym = e->left.expr->type == E_SYMBOL ? e->left.expr->left.sym : NULL;
		if (sym) {
			t = fmt("%s=%s", sym->name, sym_get_string_value(sym));
			*why = fmt("!%s but %s", sym->name, t);
		} else {
			t = expr_text(e->left.expr);
			*why = fmt("!(%s) but it is %s", t, expr_calc_value(e) == no ? "y" : "m");
		}
		free(t);
		return false;
	default:
		sym = compare_needs(e);
		if (sym)
			return solve_sym(sym, plan, direct, why);
		t = expr_text(e);
		*why = fmt("%s%s is false", t, "");
		free(t);
		return false;
	}
}
