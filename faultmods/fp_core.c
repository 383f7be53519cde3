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
 *
 * This file: the parameters, the decision each call takes, the invariants,
 * init and exit; the rest is in fault_provider.h's list of files.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "fault_provider.h"
#include "param_range.h"

const char * const fp_mode_names[FP_NR_MODES] = {
	"pass", "fail", "partial", "decline", "stall", "unregister", "corrupt",
	"eagain",
};

ulong fp_seed = 1;
module_param_named(seed, fp_seed, ulong, 0444);
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

uint fp_churn_ms_max = 20;
static struct fault_uint_range churn_ms_max_range = { &fp_churn_ms_max, 0, 10000 };
module_param_cb(churn_ms_max, &fault_uint_range_ops, &churn_ms_max_range, 0644);
MODULE_PARM_DESC(churn_ms_max, "upper bound of the delay before re-registering, in milliseconds (0..10000)");

uint fp_stat_interval = 5;
static struct fault_uint_range stat_interval_range = { &fp_stat_interval, 0, 3600 };
module_param_cb(stat_interval, &fault_uint_range_ops, &stat_interval_range, 0444);
MODULE_PARM_DESC(stat_interval, "seconds between the counters on the console, as rcutorture's stat_interval (0: off, up to 3600)");

static bool register_on_load = true;
module_param(register_on_load, bool, 0444);
MODULE_PARM_DESC(register_on_load, "register as the migrator when loaded");

static char *reasons = "";
module_param(reasons, charp, 0444);
MODULE_PARM_DESC(reasons, "reasons to register for, as mm_migrate_pages names them (compaction,syscall_or_cpuset,...; all; none); empty: all the API allows. v6 API only");

static bool books_skew;
module_param(books_skew, bool, 0444);
MODULE_PARM_DESC(books_skew, "negative control of the books check at unload: count one call that took no decision");

static bool race_control;
module_param(race_control, bool, 0444);
MODULE_PARM_DESC(race_control, "negative control of the kcsan flavour: unmarked writes to one array from every CPU that copies at once");

static uint fp_weight[FP_NR_MODES];
static uint fp_weight_sum;
struct fault_attr fp_attr[FP_NR_MODES];

static atomic64_t fp_seq;
atomic_t fp_in_flight;
atomic64_t fp_counter[FPC_NR];
atomic64_t fp_mode_count[FP_NR_MODES];

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

noinline void fp_unregister_refused(int rc)
{
	atomic64_inc(&fp_counter[FPC_VIOLATIONS]);
	WARN(1, "fault_provider: unregister of the active migrator failed: %d\n", rc);
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

/*
 * The mode of one call: drawn from its PRNG, then held to min_batch, to
 * the mode's fault_attr and to one unregister at a time; counted
 */
static enum fp_mode fp_decide(struct fp_rnd *r, unsigned int nr)
{
	enum fp_mode mode = fp_choose(r);

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
	return mode;
}

/* a prefix of the batch, or every k-th folio, copied; then an error */
static unsigned int fp_copy_partial(struct list_head *dst_list,
				    struct list_head *src_list,
				    unsigned int nr, struct fp_rnd *r, int *rc)
{
	unsigned int copied, k;

	if (fp_rnd_below(r, 2)) {
		k = nr > 1 ? 1 + fp_rnd_below(r, nr - 1) : 0;
		copied = fp_copy(dst_list, src_list, fp_keep_prefix, k, rc);
	} else {
		k = 2 + fp_rnd_below(r, 3);
		copied = fp_copy(dst_list, src_list, fp_keep_every_kth, k, rc);
	}
	if (!*rc)
		*rc = fp_errnos[fp_rnd_below(r, ARRAY_SIZE(fp_errnos))];
	return copied;
}

/*
 * Half the stalls come after the copy: that widens the window between the
 * copy and the move phase, in which a write to src (a pin holder's late
 * DMA, a buffer head) would be lost.
 */
static unsigned int fp_copy_stalled(struct list_head *dst_list,
				    struct list_head *src_list,
				    struct fp_rnd *r, int *rc)
{
	unsigned int copied;

	if (fp_rnd_below(r, 2)) {
		fp_stall(r, stall_us_max);
		copied = fp_copy(dst_list, src_list, fp_keep_all, 0, rc);
	} else {
		copied = fp_copy(dst_list, src_list, fp_keep_all, 0, rc);
		fp_stall(r, stall_us_max);
	}
	return copied;
}

/*
 * Have the churn thread unregister us while this copy is in flight, stay
 * in flight a while, and check on the way out that the unregister is still
 * waiting for us.
 */
static unsigned int fp_copy_unregistering(struct list_head *dst_list,
					  struct list_head *src_list, u64 seq,
					  struct fp_rnd *r, int *rc)
{
	unsigned int copied;

	fp_unregister_mid_copy(seq);
	/* now synchronize_srcu() should be waiting for us */
	fp_stall(r, max(stall_us_max, 5000U));
	copied = fp_copy(dst_list, src_list, fp_keep_all, 0, rc);
	/* pairs with the barrier after the unregister in fp_unregister() */
	smp_mb();
	if (fp_unregister_returned_yet())
		fp_copy_outlived_unregister(seq);
	else if (fp_unregister_started_yet())
		atomic64_inc(&fp_counter[FPC_UNREGISTER_IN_FLIGHT]);
	return copied;
}

/* the copy as the mode has it: the folios copied, *rc its result */
static unsigned int fp_copy_in_mode(enum fp_mode mode,
				    struct list_head *dst_list,
				    struct list_head *src_list, unsigned int nr,
				    u64 seq, struct fp_rnd *r, int *rc)
{
	unsigned int copied = 0;

	switch (mode) {
	case FP_PASS:
		copied = fp_copy(dst_list, src_list, fp_keep_all, 0, rc);
		break;
	case FP_FAIL:
		*rc = fp_errnos[fp_rnd_below(r, ARRAY_SIZE(fp_errnos))];
		break;
	case FP_PARTIAL:
		copied = fp_copy_partial(dst_list, src_list, nr, r, rc);
		break;
	case FP_DECLINE:
		*rc = -EOPNOTSUPP;
		break;
	case FP_STALL:
		copied = fp_copy_stalled(dst_list, src_list, r, rc);
		break;
	case FP_UNREGISTER:
		copied = fp_copy_unregistering(dst_list, src_list, seq, r, rc);
		break;
	case FP_EAGAIN:
		copied = fp_copy_eagain(dst_list, src_list, r, rc);
		break;
	case FP_CORRUPT:
		copied = fp_copy(dst_list, src_list, fp_keep_all, 0, rc);
		if (!*rc && copied)
			fp_corrupt(dst_list, nr, r);
		break;
	default:
		break;
	}
	return copied;
}

int fp_offload_copy(struct list_head *dst_list, struct list_head *src_list,
		    unsigned int nr)
{
	u64 seq = atomic64_inc_return(&fp_seq);
	enum fp_mode mode;
	unsigned int copied;
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
	fp_rnd_init(&r, fp_seed, seq);
	mode = fp_decide(&r, nr);
	copied = fp_copy_in_mode(mode, dst_list, src_list, nr, seq, &r, &rc);

	/* the registration's reference must outlive every copy in flight */
	if (module_refcount(THIS_MODULE) < 1)
		fp_module_ref_dropped(seq);
	atomic64_add(copied, &fp_counter[FPC_COPIED]);
	fp_log_add(seq, mode, nr, copied, rc);
	atomic_dec(&fp_in_flight);
	return rc;
}

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
	for (i = 0; i < FP_NR_MODES; i++) {
		fp_attr[i] = (struct fault_attr)FAULT_ATTR_INITIALIZER;
		fp_attr[i].probability = 100;
		atomic_set(&fp_attr[i].times, -1);
		fp_attr[i].verbose = 0;
	}
	rc = fp_debugfs_init();
	if (rc)
		return rc;
	fp_modes_init(fp_weight[FP_EAGAIN]);
	rc = fp_churn_start();
	if (rc)
		goto out_debugfs;
	pr_info("seed=%lu weights=%s min_batch=%u reasons=%s\n", fp_seed, weights, min_batch,
		*reasons ? reasons : "(all the API allows)");
	fp_stats_start();
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
	fp_stats_stop();
	fp_churn_stop();
out_debugfs:
	fp_modes_exit();
	fp_debugfs_exit();
	return rc;
}

static void __exit fault_provider_exit(void)
{
	fp_stats_stop();
	fp_churn_stop();
	/* Only reachable unregistered, unless unloaded by force */
	mutex_lock(&fp_lock);
	if (atomic_read(&fp_state) != FP_UNREGISTERED)
		fp_unregister();
	mutex_unlock(&fp_lock);
	fp_modes_exit();
	fp_stats_print("final");
	fp_check_books();
	fp_debugfs_exit();
}

module_init(fault_provider_init);
module_exit(fault_provider_exit);
MODULE_DESCRIPTION("Copy-offload provider that fails, declines, stalls and unregisters on purpose");
MODULE_LICENSE("GPL");
