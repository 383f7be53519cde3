// SPDX-License-Identifier: GPL-2.0
/*
 * kconfig-enable: a Kconfig frontend (as conf.c is one) that says which
 * assignments make the given symbols y in a tree, from its own Kconfig.
 *
 *   kconfig-enable KCONFIG DOTCONFIG SYMBOL...
 *
 * Run where the tree's make runs conf (srctree and what Kconfig reads
 * from the environment: see kconfig-enable.sh). On stdout, a fragment
 * (CONFIG_X=y, one per symbol to set); on stderr, one line per SYMBOL:
 * the chain chosen, or why it cannot be done. The plan is checked by the
 * library itself before it is printed: the assignments applied to the
 * .config as read, every SYMBOL must come out y.
 *
 * Exit: 0 every SYMBOL is y or can be made y; 2 one cannot (or bad usage):
 * the fragment then holds what the others need, so that a caller can
 * still set those and let its own check name the one that failed.
 */
#include <stdio.h>
#include <string.h>
#include <xalloc.h>
#include "solve.h"

static const char *name_of(const char *arg)
{
	return strncmp(arg, "CONFIG_", 7) ? arg : arg + 7;
}

/*
 * apply: set the plan's prompted symbols to y through the library, each
 * once its prompt is visible, in as many rounds as the dependencies take
 */
static void apply(const struct symset *plan)
{
	bool progress = true;

	while (progress) {
		progress = false;
		for (int i = 0; i < plan->n; i++) {
			struct symbol *sym = plan->v[i];

			sym_calc_value(sym);
			if (sym_get_tristate_value(sym) == yes ||
			    !sym_tristate_within_range(sym, yes))
				continue;
			if (sym_set_tristate_value(sym, yes))
				progress = true;
		}
	}
}

static bool has_prompt(const struct symbol *sym)
{
	struct property *prop;

	for_all_prompts(sym, prop)
		return true;
	return false;
}

/* resolve: one target; its chain (or "is y already") in *line, its
 * failure on stderr */
static bool resolve(const char *arg, struct symset *plan, char **line)
{
	struct symbol *sym = sym_find(name_of(arg));
	char *why = NULL, *c;

	if (!sym) {
		fprintf(stderr, "error: %s: no such symbol in this tree\n", name_of(arg));
		return false;
	}
	sym_calc_value(sym);
	if (sym_get_tristate_value(sym) == yes) {
		*line = xstrdup(sym->name);
		*line = xrealloc(*line, strlen(*line) + sizeof(" is y already"));
		strcat(*line, " is y already");
		return true;
	}
	if (!need_y(sym, plan, &why)) {
		fprintf(stderr, "error: cannot enable %s: %s\n", sym->name, why);
		free(why);
		return false;
	}
	c = chain(sym);
	*line = c;
	return true;
}

/*
 * verify: the library's own verdict on the plan: its prompted symbols set
 * to y, is each resolved target y? One line for each that is not
 */
static bool verify(char **targets, bool *resolved, char **lines, int n)
{
	bool ok = true;

	for (int i = 0; i < n; i++) {
		struct symbol *sym;

		if (!resolved[i])
			continue;
		sym = sym_find(name_of(targets[i]));
		sym_calc_value(sym);
		if (sym_get_tristate_value(sym) == yes)
			continue;
		fprintf(stderr, "error: cannot enable %s: Kconfig keeps it %s after the chain %s\n",
			sym->name, sym_get_string_value(sym), lines[i]);
		ok = false;
	}
	return ok;
}

int main(int argc, char **argv)
{
	struct symset plan = {0};
	bool *resolved, all = true;
	char **lines;
	int n = argc - 3;

	if (argc < 4) {
		fprintf(stderr, "usage: kconfig-enable KCONFIG DOTCONFIG SYMBOL...\n");
		return 2;
	}
	conf_set_message_callback(NULL);
	conf_parse(argv[1]);
	if (conf_read(argv[2])) {
		fprintf(stderr, "error: cannot read %s\n", argv[2]);
		return 2;
	}
	resolved = xcalloc(n, sizeof(*resolved));
	lines = xcalloc(n, sizeof(*lines));
	for (int i = 0; i < n; i++)
		all &= resolved[i] = resolve(argv[3 + i], &plan, &lines[i]);
	apply(&plan);
	/* the search and the library disagree: nothing is trusted */
	if (!verify(argv + 3, resolved, lines, n))
		return 2;
	for (int i = 0; i < n; i++)
		if (lines[i])
			fprintf(stderr, "kconfig-enable: %s\n", lines[i]);
	for (int i = 0; i < plan.n; i++)
		if (has_prompt(plan.v[i]))
			printf("%s%s=y\n", CONFIG_prefix(), plan.v[i]->name);
	return all ? 0 : 2;
}
