// SPDX-License-Identifier: GPL-2.0
/*
 * One symbol to y: the ways Kconfig offers (a visible prompt, a selector,
 * a default), each solved with solve(), the cheapest kept; and the chain
 * of the one kept, as the log names it.
 */
#include <stdlib.h>
#include <string.h>
#include <xalloc.h>
#include "solve.h"

/* one way to y: how, through which selector, and what it needs */
struct alt {
	enum how how;
	struct symbol *selector;
	struct symset plan, direct;
};

static void alt_free(struct alt *a)
{
	set_free(&a->plan);
	set_free(&a->direct);
}

/* how an alternative failed, as a link of the chain: "(why)" for a
 * prompt or default, "<- SELECTOR (why)" for a select */
static char *alt_why(const struct alt *a, bool at_selector, const char *w)
{
	if (a->how != HOW_SELECT)
		return fmt("(%s%s)", a->how == HOW_DEFAULT ? "default: " : "", w);
	if (at_selector)
		return fmt("<- %s%s", w, "");
	return fmt("<- %s (%s)", a->selector->name, w);
}

/* try: one alternative of sym (its selector, if any, then cond1 and
 * cond2); keep it in best when it is cheaper, ties going to the first
 * tried; a failure joins gs */
static void try(struct symbol *sym, struct alt *a, struct expr *cond1, struct expr *cond2,
		struct alt *best, int *best_cost, struct gstr *gs, int *failed)
{
	char *w = NULL, *link;
	bool ok = true, at_selector = false;
	int c;

	if (a->selector) {
		at_selector = true;
		ok = solve_sym(a->selector, &a->plan, &a->direct, &w);
	}
	if (ok) {
		at_selector = false;
		ok = solve(cond1, &a->plan, &a->direct, &w) &&
		     solve(cond2, &a->plan, &a->direct, &w);
	}
	if (!ok) {
		link = alt_why(a, at_selector, w);
		why_join(gs, (*failed)++, link);
		free(link);
		free(w);
		alt_free(a);
		return;
	}
	set_add(&a->plan, sym);
	c = cost(&a->plan);
	if (*best_cost >= 0 && c >= *best_cost) {
		alt_free(a);
		return;
	}
	alt_free(best);
	*best = *a;
	*best_cost = c;
}

static bool has_prompt(const struct symbol *sym)
{
	struct property *prop;

	for_all_prompts(sym, prop)
		return true;
	return false;
}

/* the ways Kconfig gives sym a y: a visible prompt set to y, a selector
 * that is y (and the symbol's own dependencies met: a select over unmet
 * ones is a warning and a broken build), or, without a prompt, a default */
static bool alternatives(struct symbol *sym, struct memo *m)
{
	struct gstr gs = str_new();
	struct alt best = {0};
	struct property *prop;
	struct expr **terms = NULL;
	int best_cost = -1, failed = 0, n = 0;

	for_all_prompts(sym, prop) {
		struct alt a = { .how = HOW_PROMPT };

		try(sym, &a, prop->visible.expr, NULL, &best, &best_cost, &gs, &failed);
	}
	if (sym->rev_dep.expr)
		flatten_or(sym->rev_dep.expr, &terms, &n);
	for (int i = 0; i < n; i++) {
		struct alt a = { .how = HOW_SELECT, .selector = head_sym(terms[i]) };

		if (a.selector)
			try(sym, &a, terms[i], sym->dir_dep.expr, &best, &best_cost, &gs, &failed);
	}
	free(terms);
	if (!has_prompt(sym)) {
		/* the first default whose condition holds is the one: the
		 * ones after it never apply */
		for_all_defaults(sym, prop) {
			struct alt a = { .how = HOW_DEFAULT };

			try(sym, &a, prop->expr, prop->visible.expr, &best, &best_cost, &gs, &failed);
			if (expr_calc_value(prop->visible.expr) != no)
				break;
		}
	}
	if (best_cost >= 0) {
		m->how = best.how;
		m->selector = best.selector;
		m->plan = best.plan;
		m->direct = best.direct;
	} else if (!failed) {
		m->why = fmt("%s (no prompt, nothing selects it%s)", sym->name, "");
	} else {
		m->why = fmt("%s %s", sym->name, str_get(&gs));
	}
	str_free(&gs);
	return best_cost >= 0;
}

/* what is never switched on: COMPILE_TEST (it builds what cannot run),
 * constants, and a choice's members (that would change the choice) */
static const char *refused(const struct symbol *sym)
{
	if (sym->type == S_UNKNOWN)
		return "not defined in this tree";
	if (!is_bool(sym))
		return "not a bool or tristate";
	if (!strcmp(sym->name, "COMPILE_TEST"))
		return "COMPILE_TEST is never enabled";
	if (sym->flags & SYMBOL_CONST)
		return "a constant";
	if (sym_is_choice_value(sym))
		return "a member of a choice";
	return NULL;
}

bool need_y(struct symbol *sym, struct symset *plan, char **why)
{
	struct memo *m = memo_of(sym);
	const char *name = sym->name ? sym->name : "<choice>";
	const char *no = sym->name ? refused(sym) : "a choice";
	int cycles_before = cycles;

	if (m->busy) {
		cycles++;
		*why = fmt("%s (circular%s)", name, "");
		return false;
	}
	if (!m->ok && !m->why) {
		if (no) {
			m->why = fmt("%s (%s)", name, no);
		} else {
			m->busy = true;
			m->ok = alternatives(sym, m);
			m->busy = false;
		}
	}
	if (m->ok) {
		set_union(plan, &m->plan);
		return true;
	}
	*why = xstrdup(m->why);
	if (cycles != cycles_before) {
		free(m->why);
		m->why = NULL;
	}
	return false;
}

/* under_sibling: the i-th direct need of m is also needed by another of
 * them, and is named in that one's chain (DMADEVICES under the driver
 * that needs it rather than beside DMA_ENGINE) */
static bool under_sibling(struct memo *m, int i)
{
	for (int j = 0; j < m->direct.n; j++)
		if (j != i && set_has(&memo_of(m->direct.v[j])->plan, m->direct.v[i]))
			return true;
	return false;
}

static void chain_rec(struct symbol *sym, struct symset *printed, struct gstr *gs)
{
	struct memo *m = memo_of(sym);
	int deps = 0;

	set_add(printed, sym);
	str_append(gs, sym->name);
	if (m->how == HOW_SELECT && !set_has(printed, m->selector)) {
		str_append(gs, " <- ");
		chain_rec(m->selector, printed, gs);
	}
	for (int i = 0; i < m->direct.n; i++) {
		if (set_has(printed, m->direct.v[i]) || under_sibling(m, i))
			continue;
		str_append(gs, deps++ ? ", " : " (");
		chain_rec(m->direct.v[i], printed, gs);
	}
	if (deps)
		str_append(gs, ")");
}

char *chain(struct symbol *sym)
{
	struct symset printed = {0};
	struct gstr gs = str_new();
	char *s;

	chain_rec(sym, &printed, &gs);
	s = xstrdup(str_get(&gs));
	str_free(&gs);
	set_free(&printed);
	return s;
}
