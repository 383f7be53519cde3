/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The KTAP lines of a guest driver's subtest, each one say(): one write(2),
 * so that /dev/kmsg keeps it whole. The host's judge and its golden tests
 * parse these bytes: the forms below are the only ones the drivers print.
 *
 *	  # Subtest: NAME		ktap_subtest()
 *	# Subtest: NAME			ktap_subtest_unindented()
 *	  1..N				ktap_plan()
 *	  1..0 # SKIP WHY		ktap_skip_all()
 *	  ok N NAME / not ok N NAME	ktap_point()
 *	  ... NAME # WHY		ktap_point_why(), ktap_point_fail()
 *	  1..1, not ok 1 setup # WHY	ktap_setup_failed()
 *
 * ok is a bool: a count (pages moved) passes as it is, whatever its width.
 */
#ifndef KTAP_H
#define KTAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "guest.h"

#define KTAP_FORMAT(fmt, args) __attribute__((format(printf, fmt, args)))

/* as long as say()'s line: a reason is cut where the whole line was */
#define KTAP_WHY_MAX	512

static inline void ktap_subtest(const char *name)
{
	say("  # Subtest: %s", name);
}

/*
 * hugetlb-drive's form, at the indentation of the scenario's own subtest:
 * the titles of its findings (KTAP: not ok hugetlb-anon.data-integrity)
 * and the console fixtures of unit-report.sh are made from it
 */
static inline void ktap_subtest_unindented(const char *name)
{
	say("# Subtest: %s", name);
}

static inline void ktap_plan(int points)
{
	say("  1..%d", points);
}

static inline const char *ktap_verdict(bool ok)
{
	return ok ? "ok" : "not ok";
}

static inline void ktap_point(bool ok, int n, const char *name)
{
	say("  %s %d %s", ktap_verdict(ok), n, name);
}

static inline void ktap_vpoint_why(bool ok, int n, const char *name, const char *fmt,
				   va_list ap)
{
	char why[KTAP_WHY_MAX];

	vsnprintf(why, sizeof(why), fmt, ap);
	say("  %s %d %s # %s", ktap_verdict(ok), n, name, why);
}

/* a test point with its reason (or directive), ok or not */
KTAP_FORMAT(4, 5)
static inline void ktap_point_why(bool ok, int n, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ktap_vpoint_why(ok, n, name, fmt, ap);
	va_end(ap);
}

/* a test point that gives its reason only when it fails */
KTAP_FORMAT(4, 5)
static inline void ktap_point_fail(bool ok, int n, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		ktap_point(ok, n, name);
		return;
	}
	va_start(ap, fmt);
	ktap_vpoint_why(ok, n, name, fmt, ap);
	va_end(ap);
}

/* the whole subtest skipped: an empty plan with its reason */
KTAP_FORMAT(1, 2)
static inline void ktap_skip_all(const char *fmt, ...)
{
	char why[KTAP_WHY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	say("  1..0 # SKIP %s", why);
}

/* a subtest that could not start: one failed "setup" point; returns 1 */
KTAP_FORMAT(1, 2)
static inline int ktap_setup_failed(const char *fmt, ...)
{
	va_list ap;

	ktap_plan(1);
	va_start(ap, fmt);
	ktap_vpoint_why(0, 1, "setup", fmt, ap);
	va_end(ap);
	return 1;
}

#endif /* KTAP_H */
