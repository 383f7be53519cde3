// SPDX-License-Identifier: GPL-2.0
/*
 * Console triage: split the log into lines, strip the printk prefix
 * ("[   12.345678][ T123] "), match each message against the pattern table
 * and complete the title from the lines that the same task or CPU printed
 * after it (CONFIG_PRINTK_CALLER), so that interleaved output from other
 * CPUs does not leak into a title.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "triage.h"
#include "triage-int.h"

/* How far after a header the title's function is looked for */
#define LOOKAHEAD	120
#define MAX_LINE	1024

struct line {
	const char *msg;	/* message, after the prefix */
	size_t len;
	char caller[16];	/* "T123" or "C1", or "" */
};

static regex_t compiled[128];
static regex_t frame_re, guess_re, rip_re, at_re, subtest_re, ktap_re, kasan_access_re;
static int ready;
/* emulator events are told apart under TCG only (triage_set_accel()) */
static int tcg = 1;

/* Frames that say nothing about where a report came from */
static const char *const boring_frames[] = {
	"__schedule", "schedule", "schedule_timeout", "schedule_preempt_disabled",
	"schedule_timeout_uninterruptible", "schedule_timeout_interruptible",
	"schedule_timeout_killable", "schedule_timeout_idle", "msleep",
	"usleep_range_state", "schedule_hrtimeout_range",
	"schedule_hrtimeout_range_clock",
	"io_schedule", "__wait_for_common", "wait_for_common",
	"wait_for_completion", "wait_for_completion_killable",
	"wait_for_completion_interruptible", "wait_for_completion_timeout",
	"__mutex_lock", "__mutex_lock_common", "mutex_lock_nested", "mutex_lock",
	"rt_mutex_slowlock", "__might_sleep", "__might_resched", "__might_fault",
	"dump_stack", "dump_stack_lvl", "show_stack", "__dump_stack",
	"lockdep_rcu_suspicious", "bad_page", "free_page_is_bad_report",
	"free_page_is_bad", "refcount_warn_saturate", "__refcount_add",
	"__refcount_sub_and_test", "__refcount_dec", "__refcount_inc",
	"refcount_dec_and_test", "refcount_inc", "refcount_dec",
	"__warn", "warn_slowpath_fmt", "report_bug", "handle_bug",
	"exc_invalid_op", "asm_exc_invalid_op", "kasan_report", "print_report",
	"__asan_load8", "__asan_store8", "__asan_load4", "__asan_store4",
	"check_memory_region", "kasan_check_range", "__kasan_check_read",
	"__kasan_check_write", "lock_acquire", "lock_release", "_raw_spin_lock",
	"__lock_acquire", "lock_sync", "srcu_lock_sync",
	"ret_from_fork", "ret_from_fork_asm", "kthread", "worker_thread",
	"process_one_work", "do_syscall_64", "entry_SYSCALL_64_after_hwframe",
	"sched_show_task", "watchdog", "hungtask_pm_notify", "check_hung_uninterruptible_tasks",
	/* kmemleak's backtrace starts in the allocator */
	"kmemleak_alloc", "kmemleak_alloc_recursive", "slab_post_alloc_hook",
	"__kmalloc_cache_noprof", "__kmalloc_noprof", "__kmalloc_node_noprof",
	"kmem_cache_alloc_noprof", "kmem_cache_alloc_node_noprof", "kmem_cache_alloc_lru_noprof",
	"kmalloc_trace", "kmalloc_trace_noprof", "__kmalloc", "kmem_cache_alloc",
	"__kmalloc_node", "kmalloc_node_trace", "kmalloc_noprof", "kzalloc_noprof",
	"__kvmalloc_node_noprof", "kvmalloc_node_noprof", "__vmalloc_node_range_noprof",
	NULL,
};

static int is_boring(const char *fn)
{
	for (int i = 0; boring_frames[i]; i++)
		if (!strcmp(fn, boring_frames[i]))
			return 1;
	return 0;
}

int triage_init(void)
{
	if (ready)
		return 0;
	if (triage_nr_patterns > sizeof(compiled) / sizeof(compiled[0]))
		return -1;
	for (size_t i = 0; i < triage_nr_patterns; i++)
		if (regcomp(&compiled[i], triage_patterns[i].regex, REG_EXTENDED)) {
			fprintf(stderr, "triage: bad pattern %s\n", triage_patterns[i].regex);
			return -1;
		}
	if (regcomp(&frame_re, "^ *([A-Za-z0-9_.$]+)\\+0x[0-9a-f]+/0x[0-9a-f]+( \\[[A-Za-z0-9_]+\\])?$", REG_EXTENDED) ||
	    regcomp(&guess_re, "^ *\\?? ?([A-Za-z0-9_.$]+)\\+0x[0-9a-f]+/0x[0-9a-f]+( \\[[A-Za-z0-9_]+\\])?$", REG_EXTENDED) ||
	    regcomp(&rip_re, "^RIP: [0-9a-f]{4}:([A-Za-z0-9_.$]+)\\+0x", REG_EXTENDED) ||
	    regcomp(&at_re, "at: ([A-Za-z0-9_.$]+)\\+0x[0-9a-f]+/0x", REG_EXTENDED) ||
	    regcomp(&subtest_re, "^( *)# Subtest: (.+)$", REG_EXTENDED) ||
	    regcomp(&ktap_re, "^( *)not ok [0-9]+ ([^#]*[^# ])( *#.*)?$", REG_EXTENDED) ||
	    regcomp(&kasan_access_re, "^(Read|Write) of size", REG_EXTENDED))
		return -1;
	ready = 1;
	return 0;
}

void triage_set_accel(const char *accel)
{
	tcg = !strncmp(accel, "tcg", 3);
}

/* Copy a bounded line into a NUL-terminated buffer for regexec() */
static void line_str(const struct line *l, char *buf)
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
static void clean_func(char *fn)
{
	char *dot = strchr(fn, '.');

	if (dot && dot != fn)
		*dot = '\0';
}

static int group(const char *s, const regmatch_t *m, int g, char *out, size_t size)
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
 * Find a function in the lines after @at printed by the same caller,
 * using @re (group 1 is the function); with @skip_boring, frames of
 * scheduler, lock and report plumbing are passed over.
 */
static int find_func(const struct line *lines, int nr, int at, regex_t *re,
		     int skip_boring, char *fn, size_t size)
{
	const char *caller = lines[at].caller;
	char buf[MAX_LINE];
	regmatch_t m[3];

	for (int i = at + 1; i < nr && i <= at + LOOKAHEAD; i++) {
		if (caller[0] && strcmp(lines[i].caller, caller))
			continue;
		line_str(&lines[i], buf);
		if (regexec(re, buf, 3, m, 0))
			continue;
		group(buf, m, 1, fn, size);
		clean_func(fn);
		if (skip_boring && is_boring(fn))
			continue;
		return 0;
	}
	return -1;
}

/*
 * A scoped report is in scope when one frame of its stacks (the lines
 * after @at printed by the same caller, up to the "=====" that ends a
 * KCSAN report) is a function of the scope, or runs in a module the scope
 * names as "[module]" (run.sh adds the suite's modules).
 */
static int in_scope(const struct line *lines, int nr, int at)
{
	const char *caller = lines[at].caller;
	char buf[MAX_LINE], fn[128];
	regmatch_t m[3];

	if (!scope_set())
		return 1;
	for (int i = at + 1; i < nr && i <= at + LOOKAHEAD; i++) {
		const char *key = fn;

		if (caller[0] && strcmp(lines[i].caller, caller))
			continue;
		line_str(&lines[i], buf);
		if (!strncmp(buf, "=====", 5))
			break;
		if (regexec(&frame_re, buf, 3, m, 0))
			continue;
		if (m[2].rm_so >= 0) {
			/* " [module]": the key is "[module]" */
			group(buf, m, 2, fn, sizeof(fn));
			key = fn + 1;
			if (scope_has(key))
				return 1;
		}
		key = fn;
		group(buf, m, 1, fn, sizeof(fn));
		clean_func(fn);
		if (scope_has(key))
			return 1;
	}
	return 0;
}

/*
 * The byte an int3 trap was taken on, from the first "Code: " line the
 * same caller printed after the header at @at, or -1 when there is none or
 * it shows no bytes. show_opcodes() prints the 42 bytes before regs->ip,
 * then the byte at regs->ip in <..>; an int3 is a trap, so regs->ip is the
 * address after it and the int3 is the byte just before the "<".
 */
static int int3_trap_byte(const struct line *lines, int nr, int at)
{
	const char *caller = lines[at].caller;
	char buf[MAX_LINE];
	const char *mark;
	unsigned int byte;

	for (int i = at + 1; i < nr && i <= at + LOOKAHEAD; i++) {
		if (caller[0] && strcmp(lines[i].caller, caller))
			continue;
		line_str(&lines[i], buf);
		if (strncmp(buf, "Code: ", 6))
			continue;
		mark = strstr(buf, " <");
		if (!mark || mark - buf < 8 || mark[-3] != ' ' ||
		    !isxdigit((unsigned char)mark[-2]) || !isxdigit((unsigned char)mark[-1]) ||
		    sscanf(mark - 2, "%2x", &byte) != 1)
			return -1;
		return (int)byte;
	}
	return -1;
}

/* A pattern's condition on the report that its header starts at @at */
static int cond_holds(const struct pattern *p, const struct line *lines, int nr, int at)
{
	int byte;

	switch (p->cond) {
	case COND_NONE:
		return 1;
	case COND_STALE_INT3:
		/* no Code: bytes to read: an ordinary oops, never hidden */
		byte = int3_trap_byte(lines, nr, at);
		return tcg && byte >= 0 && byte != 0xcc;
	}
	return 0;
}

static void with_func(char *title, const char *base, int found, const char *fn)
{
	if (found == 0)
		snprintf(title, TRIAGE_TITLE_LEN, "%s in %s", base, fn);
	else
		snprintf(title, TRIAGE_TITLE_LEN, "%s", base);
}

/* KTAP: names of the subtests we are in, by indentation */
struct ktap_state {
	char name[8][128];
	int indent[8];
	int depth;
};

static void ktap_subtest(struct ktap_state *k, int indent, const char *name)
{
	while (k->depth > 0 && k->indent[k->depth - 1] >= indent)
		k->depth--;
	if (k->depth < 8) {
		snprintf(k->name[k->depth], sizeof(k->name[0]), "%s", name);
		k->indent[k->depth] = indent;
		k->depth++;
	}
}

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

static struct ktap_state *ktap_for(struct ktap_callers *kc, const char *caller)
{
	int i;

	for (i = 0; i < kc->nr; i++)
		if (!strcmp(kc->caller[i], caller))
			return &kc->state[i];
	/* beyond KTAP_CALLERS, the oldest slot is reused */
	i = kc->nr < KTAP_CALLERS ? kc->nr++ : 0;
	snprintf(kc->caller[i], sizeof(kc->caller[i]), "%s", caller);
	kc->state[i].depth = 0;
	return &kc->state[i];
}

static void ktap_title(struct ktap_state *k, int indent, const char *name, char *title)
{
	size_t off;

	/*
	 * A subtest's results are at the indentation of its "# Subtest:" line;
	 * subtests opened deeper than this result are finished.
	 */
	while (k->depth > 0 && k->indent[k->depth - 1] > indent)
		k->depth--;
	off = (size_t)snprintf(title, TRIAGE_TITLE_LEN, "KTAP: not ok ");
	for (int d = 0; d < k->depth && off < TRIAGE_TITLE_LEN; d++)
		off += (size_t)snprintf(title + off, TRIAGE_TITLE_LEN - off, "%s.", k->name[d]);
	if (off < TRIAGE_TITLE_LEN)
		snprintf(title + off, TRIAGE_TITLE_LEN - off, "%s", name);
}


static void title_for(const struct pattern *p, const struct line *lines, int nr,
		      int at, const char *msg, const regmatch_t *m, char *title,
		      struct ktap_state *ktap)
{
	char fn[128], g[160], buf[MAX_LINE];
	regmatch_t mm[4];
	int found;

	switch (p->kind) {
	case TITLE_FIXED:
		snprintf(title, TRIAGE_TITLE_LEN, "%s", p->title);
		break;
	case TITLE_GROUP:
		if (group(msg, m, 1, g, sizeof(g)))
			g[0] = '\0';
		/* titles must not carry addresses or timing */
		for (char *c = g; *c; c++)
			if (*c == '[' || *c == '(')
				*c = '\0';
		for (size_t n = strlen(g); n && g[n - 1] == ' '; n--)
			g[n - 1] = '\0';
		snprintf(title, TRIAGE_TITLE_LEN, p->title, g);
		break;
	case TITLE_RIP:
		found = find_func(lines, nr, at, &rip_re, 0, fn, sizeof(fn));
		/*
		 * A RIP outside any known text (a jump into freed module
		 * text): name the code that jumped, from the stack, where
		 * the unwinder's "? " guesses are all there is
		 */
		if (found)
			found = find_func(lines, nr, at, &guess_re, 1, fn, sizeof(fn));
		with_func(title, p->title, found, fn);
		break;
	case TITLE_STACK:
		found = find_func(lines, nr, at, &frame_re, 1, fn, sizeof(fn));
		with_func(title, p->title, found, fn);
		break;
	case TITLE_AT:
		found = find_func(lines, nr, at, &at_re, 0, fn, sizeof(fn));
		with_func(title, p->title, found, fn);
		break;
	case TITLE_KASAN: {
		const char *access = "Read";

		group(msg, m, 1, g, sizeof(g));
		group(msg, m, 2, fn, sizeof(fn));
		clean_func(fn);
		for (int i = at + 1; i < nr && i <= at + 5; i++) {
			line_str(&lines[i], buf);
			if (!regexec(&kasan_access_re, buf, 2, mm, 0)) {
				access = buf[0] == 'W' ? "Write" : "Read";
				break;
			}
		}
		snprintf(title, TRIAGE_TITLE_LEN, "KASAN: %s %s in %s", g, access, fn);
		break;
	}
	case TITLE_KCSAN: {
		char a[128], b[128];

		group(msg, m, 1, g, sizeof(g));
		group(msg, m, 2, a, sizeof(a));
		clean_func(a);
		if (group(msg, m, 5, b, sizeof(b))) {
			snprintf(title, TRIAGE_TITLE_LEN, "KCSAN: %s in %s", g, a);
		} else {
			clean_func(b);
			snprintf(title, TRIAGE_TITLE_LEN, "KCSAN: %s in %s / %s", g, a, b);
		}
		break;
	}
	case TITLE_KTAP:
		if (!regexec(&ktap_re, msg, 4, mm, 0)) {
			group(msg, mm, 2, g, sizeof(g));
			ktap_title(ktap, (int)(mm[1].rm_eo - mm[1].rm_so), g, title);
		} else {
			snprintf(title, TRIAGE_TITLE_LEN, "KTAP: not ok");
		}
		break;
	}
}

int triage_buffer(const char *buf, size_t len, struct findings *out)
{
	struct ktap_callers *ktap;
	struct line *lines;
	size_t start = 0;
	int nr = 0, cap = 1024;

	memset(out, 0, sizeof(*out));
	if (triage_init())
		return -1;
	lines = malloc(sizeof(*lines) * (size_t)cap);
	ktap = calloc(1, sizeof(*ktap));
	if (!lines || !ktap) {
		free(lines);
		free(ktap);
		return -1;
	}
	for (size_t i = 0; i <= len; i++) {
		size_t end;

		if (i < len && buf[i] != '\n')
			continue;
		end = i;
		while (end > start && (buf[end - 1] == '\r'))
			end--;
		if (nr == cap) {
			struct line *more = realloc(lines, sizeof(*lines) * (size_t)cap * 2);

			if (!more) {
				free(lines);
				free(ktap);
				return -1;
			}
			lines = more;
			cap *= 2;
		}
		split_prefix(buf + start, end - start, &lines[nr++]);
		start = i + 1;
	}

	for (int i = 0; i < nr; i++) {
		char msg[MAX_LINE], title[TRIAGE_TITLE_LEN];
		regmatch_t m[7];

		line_str(&lines[i], msg);
		if (!regexec(&subtest_re, msg, 4, m, 0)) {
			char name[128];

			group(msg, m, 2, name, sizeof(name));
			ktap_subtest(ktap_for(ktap, lines[i].caller),
				     (int)(m[1].rm_eo - m[1].rm_so), name);
			continue;
		}
		for (size_t p = 0; p < triage_nr_patterns; p++) {
			if (regexec(&compiled[p], msg, 7, m, 0) ||
			    !cond_holds(&triage_patterns[p], lines, nr, i))
				continue;
			title_for(&triage_patterns[p], lines, nr, i, msg, m, title,
				  ktap_for(ktap, lines[i].caller));
			if (triage_patterns[p].scoped && !in_scope(lines, nr, i))
				/* beyond TRIAGE_MAX_FINDINGS titles, the rest is not listed */
				add_title(out->outside, &out->nr_outside,
					  &triage_patterns[p], title, i + 1);
			else
				add_finding(out, &triage_patterns[p], title, i + 1);
			break;
		}
	}
	free(lines);
	free(ktap);
	drop_redundant(out);
	return 0;
}
