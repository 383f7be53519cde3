/* SPDX-License-Identifier: GPL-2.0 */
/* What the triage's own files share (not the tool's interface: triage.h) */
#ifndef TRIAGE_INT_H
#define TRIAGE_INT_H

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
