// SPDX-License-Identifier: GPL-2.0
/*
 * A copy-offload provider that misbehaves on purpose.
 *
 * Each batch copy takes one decision: pass, fail, partial, decline, stall,
 * unregister (mid-copy) or corrupt. The choice is drawn from a PRNG seeded
 * by the seed= parameter and keyed by the call's sequence number, so one
 * seed gives one decision sequence; each fault is then gated by
 * should_fail() on that mode's fault_attr, so that interval, times,
 * probability, verbose and the task filter under
 * /sys/kernel/debug/fault_provider/<mode>/ work as the kernel documents
 * them. The module sets probability to 100 and times to -1: the framework
 * adds no randomness of its own until told to.
 *
 * Broken invariants are reported with a WARN from a function named after
 * the invariant, so that the console triage titles the finding by it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fault-inject.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/kprobes.h>
#include <linux/string.h>
#include <trace/events/migrate.h>

#include "fault_prng.h"
#include "offload_compat.h"
#include "param_range.h"

enum fp_mode {
	FP_PASS,
	FP_FAIL,
	FP_PARTIAL,
	FP_DECLINE,
	FP_STALL,
	FP_UNREGISTER,
	FP_CORRUPT,
	FP_EAGAIN,
	FP_NR_MODES,
};

static const char * const fp_mode_names[FP_NR_MODES] = {
	"pass", "fail", "partial", "decline", "stall", "unregister", "corrupt",
	"eagain",
};

static ulong seed = 1;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "seed of the decision sequence");

static char *weights = "pass:100";
module_param(weights, charp, 0444);
MODULE_PARM_DESC(weights, "mode:weight list, e.g. pass:50,fail:10,partial:10,decline:10,stall:10,unregister:10");

static uint min_batch;
module_param(min_batch, uint, 0644);
MODULE_PARM_DESC(min_batch, "decline batches smaller than this, as a DMA driver would");

static uint stall_us_max = 2000;
static struct fault_uint_range stall_us_max_range = { &stall_us_max, 0, 1000000 };
module_param_cb(stall_us_max, &fault_uint_range_ops, &stall_us_max_range, 0644);
MODULE_PARM_DESC(stall_us_max, "upper bound of a stall, in microseconds (0..1000000)");

static uint churn_ms_max = 20;
static struct fault_uint_range churn_ms_max_range = { &churn_ms_max, 0, 10000 };
module_param_cb(churn_ms_max, &fault_uint_range_ops, &churn_ms_max_range, 0644);
MODULE_PARM_DESC(churn_ms_max, "upper bound of the delay before re-registering, in milliseconds (0..10000)");

static uint stat_interval = 5;
static struct fault_uint_range stat_interval_range = { &stat_interval, 0, 3600 };
module_param_cb(stat_interval, &fault_uint_range_ops, &stat_interval_range, 0444);
MODULE_PARM_DESC(stat_interval, "seconds between the counters on the console, as rcutorture's stat_interval (0: off, up to 3600)");

static bool register_on_load = true;
module_param(register_on_load, bool, 0444);
MODULE_PARM_DESC(register_on_load, "register as the migrator when loaded");

static char *reasons = "";
module_param(reasons, charp, 0444);
MODULE_PARM_DESC(reasons, "reasons to register for, as mm_migrate_pages names them (compaction,syscall_or_cpuset,...; all; none); empty: all the API allows. v6 API only");

/*
 * The reasons and their names as the mm_migrate_pages tracepoint prints
 * them, from the tree's own list (MIGRATE_REASON, with the { value, name }
 * entries its header leaves EM() and EMe() making), so that a tree with
 * another set of reasons is read right
 */
static const struct trace_print_flags fp_reason_syms[] = { MIGRATE_REASON };

/* What we register for and ask set_reason_mask() for; under fp_lock */
static unsigned long fp_reason_mask;

static bool books_skew;
module_param(books_skew, bool, 0444);
MODULE_PARM_DESC(books_skew, "negative control of the books check at unload: count one call that took no decision");

static bool race_control;
module_param(race_control, bool, 0444);
MODULE_PARM_DESC(race_control, "negative control of the kcsan flavour: unmarked writes to one array from every CPU that copies at once");

/*
 * race_control: a data race KCSAN must report, in the copy callback where
 * a provider's own races would be. Many plain read-modify-writes a call, so
 * that KCSAN's sampled watchpoints land on them while another CPU's copy
 * runs the same loop.
 */
static unsigned long fp_racy[64];

static noinline void fp_race_control(u64 seq)
{
	unsigned int i;

	for (i = 0; i < 4096; i++)
		fp_racy[i % ARRAY_SIZE(fp_racy)] += seq;
}

static uint fp_weight[FP_NR_MODES];
static uint fp_weight_sum;
static struct fault_attr fp_attr[FP_NR_MODES];
static struct dentry *fp_dir;

/* Registration state, as this module sees it */
enum { FP_UNREGISTERED, FP_REGISTERING, FP_REGISTERED, FP_UNREGISTERING };
static atomic_t fp_state = ATOMIC_INIT(FP_UNREGISTERED);
/* Serializes our calls to register/unregister (knob and churn thread) */
static DEFINE_MUTEX(fp_lock);
/* Set once migrate_offload_unregister() has returned in the churn thread */
static atomic_t fp_unregister_returned;
static struct task_struct *fp_churn_task;
static DECLARE_WAIT_QUEUE_HEAD(fp_churn_wq);
static atomic_t fp_churn_pending;
static atomic64_t fp_churn_seq;
/* Set by the churn thread right before it calls migrate_offload_unregister() */
static atomic_t fp_unregister_started;
static DECLARE_WAIT_QUEUE_HEAD(fp_started_wq);

static atomic64_t fp_seq;
static atomic_t fp_in_flight;

enum fp_counter {
	FPC_CALLS, FPC_VETOED, FPC_FOLIOS, FPC_COPIED, FPC_MAX_IN_FLIGHT,
	FPC_VIOLATIONS, FPC_REGISTERS, FPC_UNREGISTERS, FPC_THRESHOLD,
	FPC_UNREGISTER_IN_FLIGHT,
	FPC_NR,
};

static const char * const fp_counter_names[FPC_NR] = {
	"calls", "vetoed", "folios", "copied", "max_in_flight",
	"violations", "registers", "unregisters", "below_min_batch",
	"unregister_in_flight",
};

static atomic64_t fp_counter[FPC_NR];
static atomic64_t fp_mode_count[FP_NR_MODES];

/* The decision log: the last FP_LOG_SIZE calls */
#define FP_LOG_SIZE	4096

struct fp_log_entry {
	u64 seq;
	u8 mode;
	u16 nr;
	u16 copied;
	s16 rc;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

static struct fp_log_entry *fp_log;
static u64 fp_log_next;
static DEFINE_SPINLOCK(fp_log_lock);

static void fp_log_add(u64 seq, enum fp_mode mode, unsigned int nr,
		       unsigned int copied, int rc)
{
	struct fp_log_entry *e;
	unsigned long flags;

	spin_lock_irqsave(&fp_log_lock, flags);
	e = &fp_log[fp_log_next++ % FP_LOG_SIZE];
	e->seq = seq;
	e->mode = mode;
	e->nr = min_t(unsigned int, nr, U16_MAX);
	e->copied = min_t(unsigned int, copied, U16_MAX);
	e->rc = rc;
	e->pid = task_pid_nr(current);
	get_task_comm(e->comm, current);
	spin_unlock_irqrestore(&fp_log_lock, flags);
}

/* --- the invariants, each a WARN of its own name -------------------------- */

static noinline void fp_called_after_unregister(u64 seq)
{
	atomic64_inc(&fp_counter[FPC_VIOLATIONS]);
	WARN(1, "fault_provider: copy %llu entered the provider after migrate_offload_unregister() returned\n",
	     seq);
}

/*
 * At unload no copy may be in flight (the last unregister waited for them
 * all) and every call must have taken exactly one mode: the provider's own
 * books, which stand for the core's on a tree without its counters
 */
static noinline void fp_books_unbalanced_at_unload(int in_flight, s64 calls,
						   s64 modes)
{
	WARN(1, "fault_provider: at unload %d copies in flight, %lld calls, %lld decisions\n",
	     in_flight, calls, modes);
}

static void fp_check_books(void)
{
	s64 calls = atomic64_read(&fp_counter[FPC_CALLS]), modes = 0;
	int i, in_flight = atomic_read(&fp_in_flight);

	for (i = 0; i < FP_NR_MODES; i++)
		modes += atomic64_read(&fp_mode_count[i]);
	if (books_skew)
		calls++;
	if (in_flight || calls != modes)
		fp_books_unbalanced_at_unload(in_flight, calls, modes);
}

static noinline void fp_copy_outlived_unregister(u64 seq)
{
	atomic64_inc(&fp_counter[FPC_VIOLATIONS]);
	WARN(1, "fault_provider: migrate_offload_unregister() returned while copy %llu was in flight (no SRCU wait)\n",
	     seq);
}

static noinline void fp_module_ref_dropped(u64 seq)
{
	atomic64_inc(&fp_counter[FPC_VIOLATIONS]);
	WARN(1, "fault_provider: no module reference held while copy %llu was in flight\n",
	     seq);
}

static noinline void fp_unregister_refused(int rc)
{
	atomic64_inc(&fp_counter[FPC_VIOLATIONS]);
	WARN(1, "fault_provider: unregister of the active migrator failed: %d\n", rc);
}

/* --- copying ---------------------------------------------------------------- */

/* Copy and mark the folios whose index passes @keep; stop on a machine check */
static unsigned int fp_copy(struct list_head *dst_list, struct list_head *src_list,
			    bool (*keep)(unsigned int i, unsigned int k), unsigned int k,
			    int *rc)
{
	struct folio *src, *dst;
	unsigned int i = 0, copied = 0;

	*rc = 0;
	dst = list_first_entry(dst_list, struct folio, lru);
	list_for_each_entry(src, src_list, lru) {
		if (keep(i, k)) {
			*rc = folio_mc_copy(dst, src);
			if (*rc)
				break;
			offload_mark_copied(dst);
			copied++;
		}
		i++;
		dst = list_next_entry(dst, lru);
		cond_resched();
	}
	return copied;
}

static bool keep_all(unsigned int i, unsigned int k)
{
	return true;
}

static bool keep_prefix(unsigned int i, unsigned int k)
{
	return i < k;
}

static bool keep_every_kth(unsigned int i, unsigned int k)
{
	return i % k == 0;
}

/*
 * eagain: hold an extra reference on some source folios after the batch
 * copy, so that __migrate_folio()'s refcount check fails and the move phase
 * retries, and scribble on their destinations after copying and marking
 * them. A kretprobe on migrate_folio() drops the reference as soon as the
 * first attempt has returned -EAGAIN: only a retry that copies again (the
 * mark consumed by the first attempt) repairs the destination. A kernel
 * whose retry trusts a stale mark keeps the scribble: data corruption for
 * the integrity check. Holds whose first attempt never came (the batch was
 * undone) are dropped at the same task's next batch, or at unload.
 */
#define FP_HOLDS	64

struct fp_hold {
	struct folio *src, *dst;
	pid_t pid;
};

static struct fp_hold fp_holds[FP_HOLDS];
static DEFINE_SPINLOCK(fp_holds_lock);
static atomic64_t fp_holds_released_on_eagain;

static bool fp_hold(struct folio *src, struct folio *dst)
{
	unsigned long flags;
	int i;

	spin_lock_irqsave(&fp_holds_lock, flags);
	for (i = 0; i < FP_HOLDS; i++) {
		if (!fp_holds[i].src) {
			folio_get(src);
			fp_holds[i] = (struct fp_hold){ src, dst, task_pid_nr(current) };
			break;
		}
	}
	spin_unlock_irqrestore(&fp_holds_lock, flags);
	return i < FP_HOLDS;
}

/* Drop the holds of @dst (any, if NULL) or of task @pid (any, if 0) */
static void fp_release(struct folio *dst, pid_t pid)
{
	struct folio *put[FP_HOLDS];
	unsigned long flags;
	int i, n = 0;

	spin_lock_irqsave(&fp_holds_lock, flags);
	for (i = 0; i < FP_HOLDS; i++) {
		if (!fp_holds[i].src || (dst && fp_holds[i].dst != dst) ||
		    (pid && fp_holds[i].pid != pid))
			continue;
		put[n++] = fp_holds[i].src;
		fp_holds[i].src = NULL;
	}
	spin_unlock_irqrestore(&fp_holds_lock, flags);
	while (n)
		folio_put(put[--n]);
}

struct fp_probe_data {
	struct folio *dst;
};

static int fp_migrate_folio_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	/* migrate_folio(mapping, dst, src, mode) */
	((struct fp_probe_data *)ri->data)->dst = (struct folio *)regs_get_kernel_argument(regs, 1);
	return 0;
}

static int fp_migrate_folio_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if ((int)regs_return_value(regs) == -EAGAIN) {
		struct folio *dst = ((struct fp_probe_data *)ri->data)->dst;
		unsigned long flags;
		bool held = false;
		int i;

		spin_lock_irqsave(&fp_holds_lock, flags);
		for (i = 0; i < FP_HOLDS; i++)
			held |= fp_holds[i].src && fp_holds[i].dst == dst;
		spin_unlock_irqrestore(&fp_holds_lock, flags);
		if (held) {
			fp_release(dst, 0);
			atomic64_inc(&fp_holds_released_on_eagain);
		}
	}
	return 0;
}

static struct kretprobe fp_kretprobe = {
	.kp.symbol_name = "migrate_folio",
	.entry_handler = fp_migrate_folio_entry,
	.handler = fp_migrate_folio_return,
	.data_size = sizeof(struct fp_probe_data),
	.maxactive = 32,
};

static bool fp_kretprobe_on;

/* Copy all, then hold every k-th source and scribble on its destination */
static unsigned int fp_copy_eagain(struct list_head *dst_list, struct list_head *src_list,
				   struct fp_rnd *r, int *rc)
{
	unsigned int copied = fp_copy(dst_list, src_list, keep_all, 0, rc);
	unsigned int k = 1 + fp_rnd_below(r, 4), i = 0;
	struct folio *src, *dst;

	if (*rc || !fp_kretprobe_on)
		return copied;
	dst = list_first_entry(dst_list, struct folio, lru);
	list_for_each_entry(src, src_list, lru) {
		if (i++ % k == 0 && fp_hold(src, dst)) {
			u8 *p = kmap_local_folio(dst, 0);

			p[0] ^= 0xa5;
			kunmap_local(p);
		}
		dst = list_next_entry(dst, lru);
	}
	return copied;
}

/* Flip one byte of one copied folio, and still claim success */
static void fp_corrupt(struct list_head *dst_list, unsigned int nr, struct fp_rnd *r)
{
	unsigned int victim = fp_rnd_below(r, nr), i = 0;
	struct folio *dst;

	list_for_each_entry(dst, dst_list, lru) {
		if (i++ == victim) {
			size_t off = fp_rnd_below(r, folio_size(dst));
			struct page *page = folio_page(dst, off / PAGE_SIZE);
			u8 *p = kmap_local_page(page);

			p[off % PAGE_SIZE] ^= 0x5a;
			kunmap_local(p);
			pr_info("corrupted byte %zu of folio %u on purpose\n", off, victim);
			return;
		}
	}
}

static void fp_stall(struct fp_rnd *r, unsigned int max_us)
{
	unsigned int us = max_us ? 1 + fp_rnd_below(r, max_us) : 0;

	if (!us)
		return;
	/* sleep most of the time; sometimes spin, which keeps the CPU */
	if (fp_rnd_below(r, 4) || us > 1000)
		usleep_range(us, us + 10);
	else
		udelay(us);
}

static enum fp_mode fp_choose(struct fp_rnd *r)
{
	u32 pick = fp_weight_sum ? fp_rnd_below(r, fp_weight_sum) : 0;
	int mode;

	for (mode = 0; mode < FP_NR_MODES; mode++) {
		if (pick < fp_weight[mode])
			return mode;
		pick -= fp_weight[mode];
	}
	return FP_PASS;
}

static const int fp_errnos[] = { -EIO, -ENOMEM, -ETIMEDOUT, -EFAULT, -EBUSY, -ENODEV };

static void fp_note_in_flight(void)
{
	int now = atomic_inc_return(&fp_in_flight);
	s64 max = atomic64_read(&fp_counter[FPC_MAX_IN_FLIGHT]);

	while (now > max &&
	       !atomic64_try_cmpxchg(&fp_counter[FPC_MAX_IN_FLIGHT], &max, now))
		;
}

static int fp_offload_copy(struct list_head *dst_list, struct list_head *src_list,
			   unsigned int nr)
{
	u64 seq = atomic64_inc_return(&fp_seq);
	enum fp_mode mode;
	unsigned int copied = 0, k;
	struct fp_rnd r;
	int rc = 0;

	fp_note_in_flight();
	if (race_control)
		fp_race_control(seq);
	if (atomic_read(&fp_state) == FP_UNREGISTERED)
		fp_called_after_unregister(seq);
	atomic64_inc(&fp_counter[FPC_CALLS]);
	atomic64_add(nr, &fp_counter[FPC_FOLIOS]);

	/* this task's earlier batch is over: its holds have served */
	fp_release(NULL, task_pid_nr(current));
	fp_rnd_init(&r, seed, seq);
	mode = fp_choose(&r);
	if (nr < min_batch) {
		atomic64_inc(&fp_counter[FPC_THRESHOLD]);
		mode = FP_DECLINE;
	} else if (mode != FP_PASS && !should_fail(&fp_attr[mode], nr)) {
		atomic64_inc(&fp_counter[FPC_VETOED]);
		mode = FP_PASS;
	}
	/* Only one unregister at a time, and only while registered */
	if (mode == FP_UNREGISTER &&
	    atomic_cmpxchg(&fp_state, FP_REGISTERED, FP_UNREGISTERING) != FP_REGISTERED)
		mode = FP_STALL;
	atomic64_inc(&fp_mode_count[mode]);

	switch (mode) {
	case FP_PASS:
		copied = fp_copy(dst_list, src_list, keep_all, 0, &rc);
		break;
	case FP_FAIL:
		rc = fp_errnos[fp_rnd_below(&r, ARRAY_SIZE(fp_errnos))];
		break;
	case FP_PARTIAL:
		if (fp_rnd_below(&r, 2)) {
			k = nr > 1 ? 1 + fp_rnd_below(&r, nr - 1) : 0;
			copied = fp_copy(dst_list, src_list, keep_prefix, k, &rc);
		} else {
			k = 2 + fp_rnd_below(&r, 3);
			copied = fp_copy(dst_list, src_list, keep_every_kth, k, &rc);
		}
		if (!rc)
			rc = fp_errnos[fp_rnd_below(&r, ARRAY_SIZE(fp_errnos))];
		break;
	case FP_DECLINE:
		rc = -EOPNOTSUPP;
		break;
	case FP_STALL:
		/*
		 * Half the stalls come after the copy: that widens the window
		 * between the copy and the move phase, in which a write to src
		 * (a pin holder's late DMA, a buffer head) would be lost.
		 */
		if (fp_rnd_below(&r, 2)) {
			fp_stall(&r, stall_us_max);
			copied = fp_copy(dst_list, src_list, keep_all, 0, &rc);
		} else {
			copied = fp_copy(dst_list, src_list, keep_all, 0, &rc);
			fp_stall(&r, stall_us_max);
		}
		break;
	case FP_UNREGISTER:
		/*
		 * Have the churn thread unregister us while this copy is in
		 * flight, stay in flight a while, and check on the way out that
		 * the unregister is still waiting for us.
		 */
		atomic64_set(&fp_churn_seq, seq);
		atomic_set(&fp_unregister_started, 0);
		atomic_set(&fp_churn_pending, 1);
		wake_up(&fp_churn_wq);
		wait_event_timeout(fp_started_wq, atomic_read(&fp_unregister_started),
				   msecs_to_jiffies(200));
		/* now synchronize_srcu() should be waiting for us */
		fp_stall(&r, max(stall_us_max, 5000U));
		copied = fp_copy(dst_list, src_list, keep_all, 0, &rc);
		/* pairs with the barrier after the unregister in fp_unregister() */
		smp_mb();
		if (atomic_read(&fp_unregister_returned))
			fp_copy_outlived_unregister(seq);
		else if (atomic_read(&fp_unregister_started))
			atomic64_inc(&fp_counter[FPC_UNREGISTER_IN_FLIGHT]);
		break;
	case FP_EAGAIN:
		copied = fp_copy_eagain(dst_list, src_list, &r, &rc);
		break;
	case FP_CORRUPT:
		copied = fp_copy(dst_list, src_list, keep_all, 0, &rc);
		if (!rc && copied)
			fp_corrupt(dst_list, nr, &r);
		break;
	default:
		break;
	}

	/* the registration's reference must outlive every copy in flight */
	if (module_refcount(THIS_MODULE) < 1)
		fp_module_ref_dropped(seq);
	atomic64_add(copied, &fp_counter[FPC_COPIED]);
	fp_log_add(seq, mode, nr, copied, rc);
	atomic_dec(&fp_in_flight);
	return rc;
}

static struct migrator fp_migrator = {
	.name = "fault_provider",
	.offload_copy = fp_offload_copy,
	.owner = THIS_MODULE,
};

/* --- registration ------------------------------------------------------------- */

static int fp_register(void)
{
	int rc;

	atomic_set(&fp_state, FP_REGISTERING);
	atomic_set(&fp_unregister_returned, 0);
	rc = offload_register_reasons(&fp_migrator, fp_reason_mask);
	atomic_set(&fp_state, rc ? FP_UNREGISTERED : FP_REGISTERED);
	if (!rc)
		atomic64_inc(&fp_counter[FPC_REGISTERS]);
	return rc;
}

static int fp_unregister(void)
{
	int rc = migrate_offload_unregister(&fp_migrator);

	if (rc) {
		fp_unregister_refused(rc);
		return rc;
	}
	atomic64_inc(&fp_counter[FPC_UNREGISTERS]);
	atomic_set(&fp_unregister_returned, 1);
	/* pairs with the barrier in the FP_UNREGISTER case */
	smp_mb();
	atomic_set(&fp_state, FP_UNREGISTERED);
	return 0;
}

/* Unregisters when a copy asks for it, then registers again after a while */
static int fp_churn(void *unused)
{
	struct fp_rnd r;

	while (!kthread_should_stop()) {
		wait_event_interruptible(fp_churn_wq, atomic_read(&fp_churn_pending) ||
					 kthread_should_stop());
		if (!atomic_xchg(&fp_churn_pending, 0))
			continue;
		mutex_lock(&fp_lock);
		if (atomic_read(&fp_state) == FP_UNREGISTERING) {
			atomic_set(&fp_unregister_started, 1);
			wake_up(&fp_started_wq);
			fp_unregister();
		}
		mutex_unlock(&fp_lock);

		fp_rnd_init(&r, seed ^ 0xc4u, atomic64_read(&fp_churn_seq));
		msleep(churn_ms_max ? fp_rnd_below(&r, churn_ms_max + 1) : 0);

		mutex_lock(&fp_lock);
		if (atomic_read(&fp_state) == FP_UNREGISTERED && !kthread_should_stop())
			fp_register();
		mutex_unlock(&fp_lock);
	}
	return 0;
}

/* --- debugfs --------------------------------------------------------------- */

static int fp_registered_get(void *data, u64 *val)
{
	*val = atomic_read(&fp_state) == FP_REGISTERED;
	return 0;
}

/* 1 registers, 0 unregisters: how a scenario drives rmmod and rivals */
static int fp_registered_set(void *data, u64 val)
{
	int rc = 0;

	mutex_lock(&fp_lock);
	if (val && atomic_read(&fp_state) == FP_UNREGISTERED)
		rc = fp_register();
	else if (!val && atomic_read(&fp_state) == FP_REGISTERED)
		rc = fp_unregister();
	mutex_unlock(&fp_lock);
	return rc;
}
DEFINE_DEBUGFS_ATTRIBUTE(fp_registered_fops, fp_registered_get, fp_registered_set, "%llu\n");

/* "compaction,syscall_or_cpuset", "all", "none" or "": a mask of reasons */
static int fp_parse_reasons(const char *spec, unsigned long *maskp)
{
	char *buf, *cur, *tok;
	unsigned long mask = 0;
	unsigned int r;
	int rc = 0;

	buf = kstrdup(spec, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = strim(buf);
	while ((tok = strsep(&cur, ",")) != NULL) {
		if (!*tok || !strcmp(tok, "none"))
			continue;
		if (!strcmp(tok, "all")) {
			mask |= OFFLOAD_REGISTER_MASK;
			continue;
		}
		for (r = 0; r < ARRAY_SIZE(fp_reason_syms); r++)
			if (!strcmp(tok, fp_reason_syms[r].name))
				break;
		if (r == ARRAY_SIZE(fp_reason_syms)) {
			rc = -EINVAL;
			break;
		}
		mask |= BIT(fp_reason_syms[r].mask);
	}
	kfree(buf);
	if (!rc)
		*maskp = mask;
	return rc;
}

static int fp_reasons_show(struct seq_file *m, void *v)
{
	unsigned long mask;
	unsigned int r, n = 0;

	mutex_lock(&fp_lock);
	mask = fp_reason_mask;
	mutex_unlock(&fp_lock);
	for (r = 0; r < ARRAY_SIZE(fp_reason_syms); r++)
		if (mask & BIT(fp_reason_syms[r].mask))
			seq_printf(m, "%s%s", n++ ? "," : "", fp_reason_syms[r].name);
	seq_printf(m, "%s\n", n ? "" : "none");
	return 0;
}

/*
 * The reasons this provider asks for, through the API (set_reason_mask()
 * while registered; the next register otherwise): how a scenario narrows
 * what is offloaded on a tree without the suite's debugfs filter
 */
static ssize_t fp_reasons_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	unsigned long mask;
	char *buf;
	int rc;

	if (!OFFLOAD_HAS_OWN_REASONS)
		return -EOPNOTSUPP;
	if (len >= PAGE_SIZE)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	rc = fp_parse_reasons(buf, &mask);
	kfree(buf);
	if (rc)
		return rc;
	mutex_lock(&fp_lock);
	if (atomic_read(&fp_state) == FP_REGISTERED)
		rc = offload_set_reasons(&fp_migrator, mask);
	if (!rc)
		fp_reason_mask = mask;
	mutex_unlock(&fp_lock);
	return rc ? rc : len;
}

static int fp_reasons_open(struct inode *inode, struct file *file)
{
	return single_open(file, fp_reasons_show, NULL);
}

static const struct file_operations fp_reasons_fops = {
	.owner = THIS_MODULE,
	.open = fp_reasons_open,
	.read = seq_read,
	.write = fp_reasons_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int fp_stats_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < FPC_NR; i++)
		seq_printf(m, "%s %lld\n", fp_counter_names[i], atomic64_read(&fp_counter[i]));
	for (i = 0; i < FP_NR_MODES; i++)
		seq_printf(m, "mode_%s %lld\n", fp_mode_names[i], atomic64_read(&fp_mode_count[i]));
	seq_printf(m, "eagain_released %lld\n", atomic64_read(&fp_holds_released_on_eagain));
	seq_printf(m, "seed %lu\n", seed);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fp_stats);

/*
 * The counters on the console every stat_interval seconds and once at
 * unload, so that a run that dies (panic, hang, a killed QEMU) keeps its
 * last figures on the host.
 */
static void fp_stats_print(const char *when)
{
	char line[512];
	int i, n = 0;

	for (i = 0; i < FPC_NR && n < sizeof(line); i++)
		n += scnprintf(line + n, sizeof(line) - n, " %s=%lld",
			       fp_counter_names[i], atomic64_read(&fp_counter[i]));
	for (i = 0; i < FP_NR_MODES && n < sizeof(line); i++)
		n += scnprintf(line + n, sizeof(line) - n, " %s=%lld",
			       fp_mode_names[i], atomic64_read(&fp_mode_count[i]));
	pr_info("stats %s:%s in_flight=%d\n", when, line, atomic_read(&fp_in_flight));
}

static void fp_stats_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(fp_stats_work, fp_stats_work_fn);

static void fp_stats_work_fn(struct work_struct *work)
{
	fp_stats_print("periodic");
	schedule_delayed_work(&fp_stats_work, stat_interval * HZ);
}

/* "seq mode nr copied rc pid comm", oldest first */
static int fp_log_show(struct seq_file *m, void *v)
{
	struct fp_log_entry *e = kmalloc(sizeof(*e), GFP_KERNEL);
	u64 first, i, end;

	if (!e)
		return -ENOMEM;
	spin_lock_irq(&fp_log_lock);
	end = fp_log_next;
	spin_unlock_irq(&fp_log_lock);
	first = end > FP_LOG_SIZE ? end - FP_LOG_SIZE : 0;
	for (i = first; i < end; i++) {
		spin_lock_irq(&fp_log_lock);
		*e = fp_log[i % FP_LOG_SIZE];
		spin_unlock_irq(&fp_log_lock);
		seq_printf(m, "%llu %s %u %u %d %d %s\n", e->seq, fp_mode_names[e->mode],
			   e->nr, e->copied, e->rc, e->pid, e->comm);
	}
	kfree(e);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fp_log);

/* --- setup ------------------------------------------------------------------- */

/*
 * "pass:50,fail:10": unknown modes, malformed entries, weights above
 * FP_WEIGHT_MAX (so that the sum cannot wrap) and an all-zero list are
 * refused
 */
#define FP_WEIGHT_MAX	1000000
static int fp_parse_weights(const char *spec)
{
	char *buf, *cur, *tok;
	int rc = 0, mode;

	buf = kstrdup(spec, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = buf;
	memset(fp_weight, 0, sizeof(fp_weight));
	while ((tok = strsep(&cur, ",")) != NULL) {
		char *colon = strchr(tok, ':');
		uint w;

		if (!*tok)
			continue;
		if (!colon || kstrtouint(colon + 1, 0, &w) || w > FP_WEIGHT_MAX) {
			rc = -EINVAL;
			break;
		}
		*colon = '\0';
		mode = match_string(fp_mode_names, FP_NR_MODES, tok);
		if (mode < 0) {
			rc = -EINVAL;
			break;
		}
		fp_weight[mode] = w;
	}
	kfree(buf);
	fp_weight_sum = 0;
	for (mode = 0; mode < FP_NR_MODES; mode++)
		fp_weight_sum += fp_weight[mode];
	if (!rc && !fp_weight_sum)
		rc = -EINVAL;
	return rc;
}

static int __init fault_provider_init(void)
{
	int i, rc;

	rc = fp_parse_weights(weights);
	if (rc) {
		pr_err("bad weights '%s': mode:weight,... with modes of the list and weights 0..%u, not all 0\n",
		       weights, FP_WEIGHT_MAX);
		return rc;
	}
	fp_reason_mask = OFFLOAD_REGISTER_MASK;
	if (*reasons && (!OFFLOAD_HAS_OWN_REASONS ||
			 fp_parse_reasons(reasons, &fp_reason_mask))) {
		pr_err("bad reasons '%s': names of mm_migrate_pages reasons, all or none (the v6 API only)\n",
		       reasons);
		return -EINVAL;
	}
	fp_log = kcalloc(FP_LOG_SIZE, sizeof(*fp_log), GFP_KERNEL);
	if (!fp_log)
		return -ENOMEM;

	fp_dir = debugfs_create_dir("fault_provider", NULL);
	for (i = 0; i < FP_NR_MODES; i++) {
		fp_attr[i] = (struct fault_attr)FAULT_ATTR_INITIALIZER;
		fp_attr[i].probability = 100;
		atomic_set(&fp_attr[i].times, -1);
		fp_attr[i].verbose = 0;
		if (i != FP_PASS)
			fault_create_debugfs_attr(fp_mode_names[i], fp_dir, &fp_attr[i]);
	}
	debugfs_create_file("registered", 0644, fp_dir, NULL, &fp_registered_fops);
	debugfs_create_file("reasons", 0644, fp_dir, NULL, &fp_reasons_fops);
	debugfs_create_file("stats", 0444, fp_dir, NULL, &fp_stats_fops);
	debugfs_create_file("log", 0444, fp_dir, NULL, &fp_log_fops);

	if (fp_weight[FP_EAGAIN]) {
		rc = register_kretprobe(&fp_kretprobe);
		if (rc)
			pr_warn("no kretprobe on migrate_folio (%d): eagain copies normally\n", rc);
		fp_kretprobe_on = !rc;
	}
	fp_churn_task = kthread_run(fp_churn, NULL, "fp_churn");
	if (IS_ERR(fp_churn_task)) {
		rc = PTR_ERR(fp_churn_task);
		goto out_debugfs;
	}
	pr_info("seed=%lu weights=%s min_batch=%u reasons=%s\n", seed, weights, min_batch,
		*reasons ? reasons : "(all the API allows)");
	if (stat_interval)
		schedule_delayed_work(&fp_stats_work, stat_interval * HZ);
	if (register_on_load) {
		mutex_lock(&fp_lock);
		rc = fp_register();
		mutex_unlock(&fp_lock);
		if (rc) {
			pr_err("register failed: %d\n", rc);
			goto out_thread;
		}
	}
	return 0;

out_thread:
	cancel_delayed_work_sync(&fp_stats_work);
	kthread_stop(fp_churn_task);
out_debugfs:
	if (fp_kretprobe_on)
		unregister_kretprobe(&fp_kretprobe);
	debugfs_remove_recursive(fp_dir);
	kfree(fp_log);
	return rc;
}

static void __exit fault_provider_exit(void)
{
	cancel_delayed_work_sync(&fp_stats_work);
	kthread_stop(fp_churn_task);
	/* Only reachable unregistered, unless unloaded by force */
	mutex_lock(&fp_lock);
	if (atomic_read(&fp_state) != FP_UNREGISTERED)
		fp_unregister();
	mutex_unlock(&fp_lock);
	if (fp_kretprobe_on)
		unregister_kretprobe(&fp_kretprobe);
	fp_release(NULL, 0);
	fp_stats_print("final");
	fp_check_books();
	debugfs_remove_recursive(fp_dir);
	kfree(fp_log);
}

module_init(fault_provider_init);
module_exit(fault_provider_exit);
MODULE_DESCRIPTION("Copy-offload provider that fails, declines, stalls and unregisters on purpose");
MODULE_LICENSE("GPL");
