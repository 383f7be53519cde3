// SPDX-License-Identifier: GPL-2.0
/*
 * fault_provider: registration. The knob and the churn thread register
 * and unregister under fp_lock; an unregister asked for by a copy in
 * flight (the unregister mode) runs in the churn thread while the copy
 * waits, so that the copy can tell whether migrate_offload_unregister()
 * returned before it was done.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/wait.h>

#include "fault_provider.h"

atomic_t fp_state = ATOMIC_INIT(FP_UNREGISTERED);
/* Serializes our calls to register/unregister (knob and churn thread) */
DEFINE_MUTEX(fp_lock);
/* What we register for and ask set_reason_mask() for; under fp_lock */
unsigned long fp_reason_mask;
/* Set once migrate_offload_unregister() has returned in the churn thread */
static atomic_t fp_unregister_returned;
static struct task_struct *fp_churn_task;
static DECLARE_WAIT_QUEUE_HEAD(fp_churn_wq);
static atomic_t fp_churn_pending;
static atomic64_t fp_churn_seq;
/* Set by the churn thread right before it calls migrate_offload_unregister() */
static atomic_t fp_unregister_started;
static DECLARE_WAIT_QUEUE_HEAD(fp_started_wq);

struct migrator fp_migrator = {
	.name = "fault_provider",
	.offload_copy = fp_offload_copy,
	.owner = THIS_MODULE,
};

int fp_register(void)
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

int fp_unregister(void)
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

		fp_rnd_init(&r, fp_seed ^ 0xc4u, atomic64_read(&fp_churn_seq));
		msleep(fp_churn_ms_max ? fp_rnd_below(&r, fp_churn_ms_max + 1) : 0);

		mutex_lock(&fp_lock);
		if (atomic_read(&fp_state) == FP_UNREGISTERED && !kthread_should_stop())
			fp_register();
		mutex_unlock(&fp_lock);
	}
	return 0;
}

/*
 * The unregister mode: have the churn thread unregister us while copy
 * @seq is in flight, and return once it has started (or after 200 ms)
 */
void fp_unregister_mid_copy(u64 seq)
{
	atomic64_set(&fp_churn_seq, seq);
	atomic_set(&fp_unregister_started, 0);
	atomic_set(&fp_churn_pending, 1);
	wake_up(&fp_churn_wq);
	wait_event_timeout(fp_started_wq, atomic_read(&fp_unregister_started),
			   msecs_to_jiffies(200));
}

bool fp_unregister_returned_yet(void)
{
	return atomic_read(&fp_unregister_returned);
}

bool fp_unregister_started_yet(void)
{
	return atomic_read(&fp_unregister_started);
}

int fp_churn_start(void)
{
	fp_churn_task = kthread_run(fp_churn, NULL, "fp_churn");
	return PTR_ERR_OR_ZERO(fp_churn_task);
}

void fp_churn_stop(void)
{
	kthread_stop(fp_churn_task);
}
