// SPDX-License-Identifier: GPL-2.0
/*
 * Titles: a matched pattern's title completed as its kind says, from the
 * lines the same caller printed after the header (the function of the
 * RIP: line, the first frame that is not plumbing, a KASAN access, the
 * KTAP path), so that the same bug has the same title in every run.
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "triage.h"
#include "triage-int.h"

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

static void with_func(char *title, const char *base, int found, const char *fn)
{
	if (found == 0)
		snprintf(title, TRIAGE_TITLE_LEN, "%s in %s", base, fn);
	else
		snprintf(title, TRIAGE_TITLE_LEN, "%s", base);
}

void title_for(const struct pattern *p, const struct line *lines, int nr,
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
	case TITLE_KTAP_SIGN:
		ktap_title(ktap, -1, p->title, title);
		break;
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
