/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Console triage: turn a kernel console log into findings with stable
 * titles, the way syzkaller's report parser does for Linux.
 */
#ifndef TRIAGE_H
#define TRIAGE_H

#include <stddef.h>

#define TRIAGE_TITLE_LEN	256
#define TRIAGE_MAX_FINDINGS	64
/* the type of emulator events (COND_STALE_INT3): never a kernel finding */
#define TRIAGE_EMULATOR		"Emulator"

/* How a pattern's title is completed from the lines after the header */
enum title_kind {
	TITLE_FIXED,	/* the pattern's title as it is */
	TITLE_GROUP,	/* title with %s replaced by regex group 1 */
	TITLE_RIP,	/* title + " in " + the function of the RIP: line */
	TITLE_STACK,	/* title + " in " + the first interesting frame */
	TITLE_AT,	/* title + " in " + the function after the first "at: " */
	TITLE_KASAN,	/* "KASAN: <kind> <Read|Write> in <function>" */
	TITLE_KTAP,	/* "KTAP: not ok <path of subtests>" */
	/*
	 * "KTAP: not ok <path>.<title>": a driver's first sign that its check
	 * <title> will fail, before it prints the result (which a hung guest
	 * never does); the path is the caller's open subtests, or those of
	 * the task that started it (ktap_sign_state())
	 */
	TITLE_KTAP_SIGN,
	TITLE_KCSAN,	/* "KCSAN: <kind> in <A> / <B>", module tags dropped */
};

/* What a report must show beyond its header for its pattern to match */
enum pattern_cond {
	COND_NONE,
	/*
	 * An int3 trap whose Code: line shows no int3 (0xcc) at the trap
	 * address, under TCG (triage_set_accel()): the emulator ran a stale
	 * translation of code the kernel had already patched back
	 */
	COND_STALE_INT3,
};

struct pattern {
	const char *type;	/* syzkaller's vocabulary: KASAN, LockdepBug, ... */
	const char *regex;	/* POSIX extended, matched on the message */
	const char *title;
	enum title_kind kind;
	/*
	 * Secondary reports (a panic that follows a WARN, an Oops line) only
	 * count when nothing else was found.
	 */
	int secondary;
	/*
	 * Scoped reports (KCSAN's) are findings only when a frame of theirs is
	 * the series' code or a module's (triage_set_scope()); the others are
	 * listed apart, as "outside", so that a race the kernel has without
	 * the series does not fail every boot of the kcsan flavour.
	 */
	int scoped;
	enum pattern_cond cond;
};

extern const struct pattern triage_patterns[];
extern const size_t triage_nr_patterns;

struct finding {
	const char *type;
	char title[TRIAGE_TITLE_LEN];
	int line;		/* 1-based line of the first report */
	int count;		/* reports with this title */
	int secondary;
};

struct findings {
	struct finding f[TRIAGE_MAX_FINDINGS];
	int nr;
	int dropped;		/* distinct titles beyond TRIAGE_MAX_FINDINGS */
	struct finding outside[TRIAGE_MAX_FINDINGS];	/* scoped, out of scope */
	int nr_outside;
};

/* Parse @len bytes of console output; never reads past @len. */
int triage_buffer(const char *buf, size_t len, struct findings *out);

/*
 * Read the scope: one function name a line ('#' starts a comment). Until
 * it is called every report is in scope. Returns 0, or -1 when the file
 * cannot be read or names no function (an empty scope would put every
 * scoped report outside).
 */
int triage_set_scope(const char *path);

/*
 * The accelerator the console's guest ran under, as the run's qemu-version
 * names it ("tcg,thread=multi", "kvm"): emulator events (COND_STALE_INT3)
 * are told apart under TCG only; under any other accelerator the same
 * report is an ordinary oops. Until it is called, TCG is assumed.
 */
void triage_set_accel(const char *accel);

/* Compile the pattern table once; returns 0 or -1 on a bad pattern. */
int triage_init(void);

#endif /* TRIAGE_H */
