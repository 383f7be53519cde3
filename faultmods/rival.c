// SPDX-License-Identifier: GPL-2.0
/*
 * A rival provider: checks the one-migrator-at-a-time contract.
 *
 * Loaded while another migrator is active, it checks that its own
 * registration gets -EBUSY and that unregistering a migrator that is not
 * the active one gets -EINVAL. Loaded while none is active, it runs
 * race_rounds rounds of two threads registering at the same moment:
 * exactly one must win, the other must get -EBUSY. A broken contract is a
 * WARN from a function named after it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>

#include "offload_compat.h"
#include "param_range.h"

static uint race_rounds = 100;
static struct fault_uint_range race_rounds_range = { &race_rounds, 0, 100000 };
module_param_cb(race_rounds, &fault_uint_range_ops, &race_rounds_range, 0444);
MODULE_PARM_DESC(race_rounds, "rounds of the registration race when no migrator is active (0..100000)");

static bool expect_busy;
module_param(expect_busy, bool, 0444);
MODULE_PARM_DESC(expect_busy, "another migrator is active: check -EBUSY and -EINVAL only");

static int rival_copy(struct list_head *dst_list, struct list_head *src_list,
		      unsigned int nr)
{
	return offload_cpu_copy(dst_list, src_list, nr);
}

static struct migrator rival_a = {
	.name = "rival_a",
	.offload_copy = rival_copy,
	.owner = THIS_MODULE,
};

static struct migrator rival_b = {
	.name = "rival_b",
	.offload_copy = rival_copy,
	.owner = THIS_MODULE,
};

static noinline void rival_second_register_not_busy(int rc)
{
	WARN(1, "rival: register while another is active: %d, not -EBUSY\n", rc);
}

static noinline void rival_foreign_unregister_accepted(int rc)
{
	WARN(1, "rival: unregister of a migrator not active: %d, not -EINVAL\n", rc);
}

static noinline void rival_race_not_one_winner(unsigned int round, int rc_a, int rc_b)
{
	WARN(1, "rival: round %u of the registration race: %d and %d, not one 0 and one -EBUSY\n",
	     round, rc_a, rc_b);
}

struct racer {
	struct migrator *m;
	struct completion *go;
	struct completion done;
	int rc;
};

static int racer_fn(void *data)
{
	struct racer *r = data;

	wait_for_completion(r->go);
	r->rc = offload_register(r->m);
	complete(&r->done);
	return 0;
}

static int rival_race(void)
{
	unsigned int round;

	for (round = 0; round < race_rounds; round++) {
		DECLARE_COMPLETION_ONSTACK(go);
		struct racer a = { .m = &rival_a, .go = &go };
		struct racer b = { .m = &rival_b, .go = &go };
		struct task_struct *ta, *tb;

		init_completion(&a.done);
		init_completion(&b.done);
		ta = kthread_run(racer_fn, &a, "rival_a");
		if (IS_ERR(ta))
			return PTR_ERR(ta);
		tb = kthread_run(racer_fn, &b, "rival_b");
		if (IS_ERR(tb)) {
			complete_all(&go);
			wait_for_completion(&a.done);
			if (!a.rc)
				migrate_offload_unregister(&rival_a);
			return PTR_ERR(tb);
		}
		complete_all(&go);
		wait_for_completion(&a.done);
		wait_for_completion(&b.done);
		if (!((a.rc == 0 && b.rc == -EBUSY) || (a.rc == -EBUSY && b.rc == 0))) {
			rival_race_not_one_winner(round, a.rc, b.rc);
			if (!a.rc)
				migrate_offload_unregister(&rival_a);
			if (!b.rc)
				migrate_offload_unregister(&rival_b);
			return -EIO;
		}
		migrate_offload_unregister(a.rc ? &rival_b : &rival_a);
	}
	pr_info("%u rounds of the registration race: one winner each\n", race_rounds);
	return 0;
}

static int __init rival_init(void)
{
	int rc;

	if (!expect_busy)
		return rival_race();

	rc = offload_register(&rival_a);
	if (rc != -EBUSY) {
		rival_second_register_not_busy(rc);
		if (!rc)
			migrate_offload_unregister(&rival_a);
	}
	rc = migrate_offload_unregister(&rival_a);
	if (rc != -EINVAL)
		rival_foreign_unregister_accepted(rc);
	pr_info("another migrator is active: register -EBUSY, unregister -EINVAL, as it must\n");
	return 0;
}

static void __exit rival_exit(void)
{
}

module_init(rival_init);
module_exit(rival_exit);
MODULE_DESCRIPTION("Checks that only one copy-offload migrator is active at a time");
MODULE_LICENSE("GPL");
