// SPDX-License-Identifier: GPL-2.0
/*
 * Registration from odd places.
 *
 * place=init-fails: registers as a migrator, waits (up to init_wait_ms) for
 * a first copy, then fails its own init with -ECANCELED. The module loader
 * frees a module whose init failed whatever its reference count, so the
 * series must not go on dispatching into it; the scenario checks that no
 * migrator is left active, that another provider can register, and that
 * migrations keep every byte.
 *
 * place=callback: registers odd_a and, from inside its copy callback,
 * registers itself and odd_b (-EBUSY both), unregisters odd_b (-EINVAL) and
 * sets the reason mask to what it is (0). Every handover_every-th call
 * hands over instead: a worker thread unregisters the active migrator
 * while this copy is in flight (so the unregister waits for it), and the
 * callback registers the other one meanwhile: 0 (the slot is free once
 * the unregister has cleared it) or -EBUSY (a series that clears it after
 * its wait), never a hang. A series that waits for the copies in flight
 * under its registration lock deadlocks here. A broken contract is a WARN
 * from a function named after it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/seq_file.h>
#include <linux/wait.h>

#include "offload_compat.h"
#include "param_range.h"

static char *place = "callback";
module_param(place, charp, 0444);
MODULE_PARM_DESC(place, "where registration happens: init-fails or callback");

static uint handover_every = 16;
static struct fault_uint_range handover_every_range = { &handover_every, 0, 100000 };
module_param_cb(handover_every, &fault_uint_range_ops, &handover_every_range, 0444);
MODULE_PARM_DESC(handover_every, "every N-th copy hands the registration over (0: never, up to 100000)");

static uint init_wait_ms = 2000;
static struct fault_uint_range init_wait_ms_range = { &init_wait_ms, 0, 10000 };
module_param_cb(init_wait_ms, &fault_uint_range_ops, &init_wait_ms_range, 0444);
MODULE_PARM_DESC(init_wait_ms, "init-fails: how long to wait for a first copy before failing (0..10000)");

/* How long a handover waits for the worker's unregister to free the slot */
#define ODD_HANDOVER_WAIT_MS	5000

static int odd_copy(struct list_head *dst_list, struct list_head *src_list,
		    unsigned int nr);

static struct migrator odd_a = {
	.name = "odd_a",
	.offload_copy = odd_copy,
	.owner = THIS_MODULE,
};

static struct migrator odd_b = {
	.name = "odd_b",
	.offload_copy = odd_copy,
	.owner = THIS_MODULE,
};

enum {
	ODD_CALLS, ODD_PROBES, ODD_HANDOVERS, ODD_HANDOVER_OK,
	ODD_HANDOVER_BUSY, ODD_VIOLATIONS, ODD_NR,
};

static const char * const odd_counter_names[ODD_NR] = {
	"calls", "probes", "handovers", "handover_ok", "handover_busy",
	"violations",
};

static atomic64_t odd_counter[ODD_NR];

/*
 * Readers: callbacks probing the contract. Writer: a callback handing over,
 * or the stop knob. Nobody holds it across synchronize_srcu() and
 * callbacks only trylock it, so it adds no wait to the series' own.
 */
static DECLARE_RWSEM(odd_sem);
static struct migrator *odd_cur;	/* the one we registered last */
static bool odd_stopping;
static bool odd_handover_busy;		/* a handover is under way */
static int odd_handover_rc;
static struct migrator *odd_handover_from;

static struct task_struct *odd_worker;
static DECLARE_WAIT_QUEUE_HEAD(odd_worker_wq);
static DECLARE_WAIT_QUEUE_HEAD(odd_done_wq);
static atomic_t odd_work_pending;
static atomic_t odd_first_copy;

static void odd_count(int c)
{
	atomic64_inc(&odd_counter[c]);
}

static noinline void odd_callback_register_not_busy(const char *who, int rc)
{
	odd_count(ODD_VIOLATIONS);
	WARN(1, "odd_register: register of %s from the copy callback: %d, not -EBUSY\n",
	     who, rc);
}

static noinline void odd_callback_foreign_unregister_accepted(int rc)
{
	odd_count(ODD_VIOLATIONS);
	WARN(1, "odd_register: unregister of an inactive migrator from the copy callback: %d, not -EINVAL\n",
	     rc);
}

static noinline void odd_callback_set_reasons_failed(int rc)
{
	odd_count(ODD_VIOLATIONS);
	WARN(1, "odd_register: setting the reason mask to itself from the copy callback: %d\n",
	     rc);
}

static noinline void odd_handover_register_failed(int rc)
{
	odd_count(ODD_VIOLATIONS);
	WARN(1, "odd_register: register during an unregister, from the copy callback: %d, not 0 or -EBUSY\n",
	     rc);
}

static noinline void odd_unregister_failed(const char *who, int rc)
{
	odd_count(ODD_VIOLATIONS);
	WARN(1, "odd_register: unregister of the active migrator %s: %d\n", who, rc);
}

static struct migrator *odd_other(struct migrator *m)
{
	return m == &odd_a ? &odd_b : &odd_a;
}

/* Under odd_sem (read): the registration cannot change under us */
static void odd_probe(void)
{
	struct migrator *cur = odd_cur, *other = odd_other(cur);
	int rc;

	odd_count(ODD_PROBES);
	rc = offload_register(cur);
	if (rc != -EBUSY)
		odd_callback_register_not_busy(cur->name, rc);
	rc = offload_register(other);
	if (rc != -EBUSY)
		odd_callback_register_not_busy(other->name, rc);
	rc = migrate_offload_unregister(other);
	if (rc != -EINVAL)
		odd_callback_foreign_unregister_accepted(rc);
	rc = offload_set_own_reasons(cur);
	if (rc)
		odd_callback_set_reasons_failed(rc);
}

/*
 * Under odd_sem (write), inside the copy: the worker unregisters odd_cur,
 * which waits for this copy; meanwhile register the other one.
 */
static void odd_handover(void)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(ODD_HANDOVER_WAIT_MS);
	struct migrator *other = odd_other(odd_cur);
	int rc;

	odd_count(ODD_HANDOVERS);
	odd_handover_busy = true;
	odd_handover_from = odd_cur;
	atomic_set(&odd_work_pending, 1);
	wake_up(&odd_worker_wq);
	do {
		rc = offload_register(other);
		if (rc != -EBUSY)
			break;
		usleep_range(1000, 2000);
	} while (time_before(jiffies, deadline));
	odd_handover_rc = rc;
	if (!rc) {
		odd_count(ODD_HANDOVER_OK);
		odd_cur = other;
	} else if (rc == -EBUSY) {
		odd_count(ODD_HANDOVER_BUSY);
	} else {
		odd_handover_register_failed(rc);
	}
}

static int odd_copy(struct list_head *dst_list, struct list_head *src_list,
		    unsigned int nr)
{
	u64 n = atomic64_inc_return(&odd_counter[ODD_CALLS]);

	atomic_set(&odd_first_copy, 1);
	wake_up(&odd_done_wq);
	if (handover_every && n % handover_every == 0) {
		if (down_write_trylock(&odd_sem)) {
			if (!odd_stopping && !odd_handover_busy && odd_cur)
				odd_handover();
			up_write(&odd_sem);
		}
	} else if (down_read_trylock(&odd_sem)) {
		if (!odd_stopping && !odd_handover_busy && odd_cur)
			odd_probe();
		up_read(&odd_sem);
	}
	return offload_cpu_copy(dst_list, src_list, nr);
}

/* Unregisters the migrator a handover leaves, from process context */
static int odd_worker_fn(void *unused)
{
	while (!kthread_should_stop()) {
		struct migrator *from;
		int rc;

		wait_event_interruptible(odd_worker_wq,
					 atomic_read(&odd_work_pending) ||
					 kthread_should_stop());
		if (!atomic_xchg(&odd_work_pending, 0))
			continue;
		from = READ_ONCE(odd_handover_from);
		rc = migrate_offload_unregister(from);
		if (rc)
			odd_unregister_failed(from->name, rc);
		down_write(&odd_sem);
		if (odd_handover_rc) {
			odd_cur = NULL;
			/* The slot stayed busy for the whole wait: take it now */
			if (odd_handover_rc == -EBUSY && !odd_stopping) {
				rc = offload_register(odd_other(from));
				if (rc)
					odd_handover_register_failed(rc);
				else
					odd_cur = odd_other(from);
			}
		}
		odd_handover_busy = false;
		up_write(&odd_sem);
		wake_up(&odd_done_wq);
	}
	return 0;
}

/* Writing anything stops the handovers and unregisters; rmmod may follow */
static ssize_t odd_stop_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct migrator *cur;
	int rc;

	down_write(&odd_sem);
	odd_stopping = true;
	up_write(&odd_sem);
	wait_event(odd_done_wq, !READ_ONCE(odd_handover_busy));
	down_write(&odd_sem);
	cur = odd_cur;
	odd_cur = NULL;
	up_write(&odd_sem);
	if (cur) {
		rc = migrate_offload_unregister(cur);
		if (rc)
			odd_unregister_failed(cur->name, rc);
	}
	return count;
}

static const struct file_operations odd_stop_fops = {
	.owner = THIS_MODULE,
	.write = odd_stop_write,
};

static int odd_stats_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < ODD_NR; i++)
		seq_printf(m, "%s %lld\n", odd_counter_names[i],
			   atomic64_read(&odd_counter[i]));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(odd_stats);

static struct dentry *odd_dir;

/* Registers, lets the series use us, then fails the init on purpose */
static int odd_init_fails(void)
{
	int rc = offload_register(&odd_a);

	if (rc) {
		pr_err("init-fails: register failed: %d\n", rc);
		return rc;
	}
	wait_event_timeout(odd_done_wq, atomic_read(&odd_first_copy),
			   msecs_to_jiffies(init_wait_ms));
	pr_info("init-fails: registered, %lld copies, now failing init with -ECANCELED\n",
		atomic64_read(&odd_counter[ODD_CALLS]));
	return -ECANCELED;
}

static int __init odd_register_init(void)
{
	int rc;

	if (!strcmp(place, "init-fails"))
		return odd_init_fails();
	if (strcmp(place, "callback")) {
		pr_err("unknown place '%s' (init-fails or callback)\n", place);
		return -EINVAL;
	}
	odd_worker = kthread_run(odd_worker_fn, NULL, "odd_register");
	if (IS_ERR(odd_worker))
		return PTR_ERR(odd_worker);
	odd_dir = debugfs_create_dir("odd_register", NULL);
	debugfs_create_file("stop", 0200, odd_dir, NULL, &odd_stop_fops);
	debugfs_create_file("stats", 0444, odd_dir, NULL, &odd_stats_fops);
	odd_cur = &odd_a;
	rc = offload_register(&odd_a);
	if (rc) {
		pr_err("register failed: %d\n", rc);
		debugfs_remove_recursive(odd_dir);
		kthread_stop(odd_worker);
		return rc;
	}
	return 0;
}

static void __exit odd_register_exit(void)
{
	char line[256];
	int i, n = 0;

	/* Only reachable unregistered: the registration holds a reference */
	kthread_stop(odd_worker);
	debugfs_remove_recursive(odd_dir);
	for (i = 0; i < ODD_NR; i++)
		n += scnprintf(line + n, sizeof(line) - n, " %s=%lld", odd_counter_names[i],
			       atomic64_read(&odd_counter[i]));
	pr_info("final:%s\n", line);
}

module_init(odd_register_init);
module_exit(odd_register_exit);
MODULE_DESCRIPTION("Copy-offload provider that registers from odd places");
MODULE_LICENSE("GPL");
