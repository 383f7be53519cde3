// SPDX-License-Identifier: GPL-2.0
/*
 * Negative controls for the console oracles: on load, trigger one real
 * report of the kind that the console triage must title, so that a test
 * can show each oracle firing on this very kernel.
 *
 *   insmod oracle_trigger.ko what=kasan|lockdep|warn|hang|leak
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>

static char *what = "";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "kasan, lockdep, warn, hang or leak");

static unsigned int hang_seconds = 300;
module_param(hang_seconds, uint, 0444);
MODULE_PARM_DESC(hang_seconds, "how long the hang thread sleeps in D state");

static DEFINE_MUTEX(oracle_lock_a);
static DEFINE_MUTEX(oracle_lock_b);

/* A use-after-free read: "KASAN: slab-use-after-free Read in ..." */
static noinline int oracle_kasan(void)
{
	char *p = kmalloc(64, GFP_KERNEL);
	char c;

	if (!p)
		return -ENOMEM;
	kfree(p);
	/* keep the compiler from seeing, and dropping, the bad read */
	OPTIMIZER_HIDE_VAR(p);
	c = READ_ONCE(p[8]);
	pr_info("read %d after free\n", c);
	return 0;
}

/* Lock A then B, then B then A: lockdep needs no second thread */
static noinline int oracle_lockdep(void)
{
	mutex_lock(&oracle_lock_a);
	mutex_lock(&oracle_lock_b);
	mutex_unlock(&oracle_lock_b);
	mutex_unlock(&oracle_lock_a);

	mutex_lock(&oracle_lock_b);
	mutex_lock(&oracle_lock_a);
	mutex_unlock(&oracle_lock_a);
	mutex_unlock(&oracle_lock_b);
	return 0;
}

static noinline int oracle_warn(void)
{
	WARN(1, "oracle_trigger: a WARN on purpose\n");
	return 0;
}

/*
 * Objects nobody points to any more: kmemleak's case ("memory leak in
 * oracle_leak" once the guest prints its report). Several, so that one
 * whose address a stale stack slot still holds does not hide the control.
 * From a cache of their own without per-CPU sheaves (Linux 7.x): a sheaf
 * is a kmalloc'd array that kmemleak scans whole, and the slots of objects
 * handed out keep their addresses, so the last few dozen objects of a
 * kmalloc cache are never reported there (all 8 of them, measured on
 * 7.2.13). A cache with a debug flag gets no sheaves, and SLAB_NO_SHEAVES
 * is not a flag a module may ask for. The cache is never destroyed: its
 * objects are leaked on purpose.
 */
#define ORACLE_LEAK_FLAGS	SLAB_STORE_USER

static noinline int oracle_leak(void)
{
	struct kmem_cache *c;

	c = kmem_cache_create("oracle_leak", 192, 0, ORACLE_LEAK_FLAGS, NULL);
	if (!c)
		return -ENOMEM;
	for (int i = 0; i < 8; i++) {
		void *p = kmem_cache_alloc(c, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		memset(p, 0x5a, 192);
		OPTIMIZER_HIDE_VAR(p);
	}
	return 0;
}

static int oracle_hang_fn(void *unused)
{
	/* D state without a single wakeup: the hung-task detector's case */
	schedule_timeout_uninterruptible(hang_seconds * HZ);
	return 0;
}

static noinline int oracle_hang(void)
{
	struct task_struct *t;

	t = kthread_run(oracle_hang_fn, NULL, "oracle_hang");
	return PTR_ERR_OR_ZERO(t);
}

static int __init oracle_trigger_init(void)
{
	pr_info("triggering '%s'\n", what);
	if (!strcmp(what, "kasan"))
		return oracle_kasan();
	if (!strcmp(what, "lockdep"))
		return oracle_lockdep();
	if (!strcmp(what, "warn"))
		return oracle_warn();
	if (!strcmp(what, "hang"))
		return oracle_hang();
	if (!strcmp(what, "leak"))
		return oracle_leak();
	pr_err("unknown what='%s'\n", what);
	return -EINVAL;
}

static void __exit oracle_trigger_exit(void)
{
}

module_init(oracle_trigger_init);
module_exit(oracle_trigger_exit);
MODULE_DESCRIPTION("Trigger one real KASAN, lockdep, WARN or hung-task report");
MODULE_LICENSE("GPL");
