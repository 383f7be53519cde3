// SPDX-License-Identifier: GPL-2.0
/*
 * Registration races with a liveness oracle.
 *
 * One kthread per CPU (up to REG_RACE_MAX), each with a migrator of its
 * own, registers and unregisters for `seconds`, all at once. While the
 * guest keeps batches of an offloaded reason coming (move_pages() with
 * NUMA balancing off), the contract is:
 *
 *  - exactly the racer whose register() returned 0 is called, from then
 *    (or from inside its register() call) until its unregister() returns;
 *    a call to a racer that is idle, or whose registration was refused,
 *    is a finding (reg_race_called_unregistered,
 *    reg_race_called_while_refused);
 *  - a racer that stays registered for liveness_ms while at least
 *    min_migrations pages were migrated system-wide, and is never called,
 *    is a finding (reg_race_registered_never_called): the dispatch still
 *    goes elsewhere, or nowhere;
 *  - register() returns 0 or -EBUSY and unregister() of the active one 0.
 *
 * Controls of the oracle itself: deaf=1 makes racer 0 drop its calls from
 * its count (the liveness finding must come), lie=1 makes racer 0 say it is
 * idle as soon as its register() returned 0 (its next call then counts as
 * a call to an unregistered provider).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/vmstat.h>

#include "fault_prng.h"
#include "offload_compat.h"
#include "param_range.h"

#define REG_RACE_MAX	8

static ulong seed = 1;
module_param(seed, ulong, 0444);
MODULE_PARM_DESC(seed, "seed of the racers' hold and pause times");

static uint seconds = 10;
static struct fault_uint_range seconds_range = { &seconds, 1, 3600 };
module_param_cb(seconds, &fault_uint_range_ops, &seconds_range, 0444);
MODULE_PARM_DESC(seconds, "how long the racers run (1..3600)");

static uint hold_ms_max = 200;
static struct fault_uint_range hold_ms_max_range = { &hold_ms_max, 1, 10000 };
module_param_cb(hold_ms_max, &fault_uint_range_ops, &hold_ms_max_range, 0444);
MODULE_PARM_DESC(hold_ms_max, "longest a registered racer holds on once called (1..10000 ms)");

static uint liveness_ms = 4000;
static struct fault_uint_range liveness_ms_range = { &liveness_ms, 100, 60000 };
module_param_cb(liveness_ms, &fault_uint_range_ops, &liveness_ms_range, 0444);
MODULE_PARM_DESC(liveness_ms, "a registered racer not called for this long is a finding (100..60000 ms)");

static uint min_migrations = 64;
static struct fault_uint_range min_migrations_range = { &min_migrations, 1, 1000000 };
module_param_cb(min_migrations, &fault_uint_range_ops, &min_migrations_range, 0444);
MODULE_PARM_DESC(min_migrations, "pages migrated meanwhile for the liveness finding (1..1000000)");

static bool deaf;
module_param(deaf, bool, 0444);
MODULE_PARM_DESC(deaf, "control: racer 0 does not count its calls");

static bool lie;
module_param(lie, bool, 0444);
MODULE_PARM_DESC(lie, "control: racer 0 says it is idle while registered");

enum racer_state { R_IDLE, R_REGISTERING, R_REGISTERED, R_UNREGISTERING };

struct racer {
	struct migrator m;
	struct task_struct *task;
	atomic_t state;
	atomic_long_t calls;
	unsigned long registrations, refusals, liveness_checked;
	struct fp_rnd rng;
	int id;
};

static struct racer racers[REG_RACE_MAX];
static unsigned int nr_racers;

static noinline void reg_race_called_unregistered(struct racer *r, int state)
{
	WARN(1, "reg_race: %s called while not registered (state %d)\n", r->m.name, state);
}

static noinline void reg_race_called_while_refused(struct racer *r, long calls)
{
	WARN(1, "reg_race: %s called %ld times during a register() that returned -EBUSY\n",
	     r->m.name, calls);
}

static noinline void reg_race_registered_never_called(struct racer *r, unsigned int ms,
						      unsigned long migrated)
{
	WARN(1, "reg_race: %s registered for %u ms, %lu pages migrated meanwhile, never called\n",
	     r->m.name, ms, migrated);
}

static noinline void reg_race_bad_return(struct racer *r, const char *what, int rc)
{
	WARN(1, "reg_race: %s: %s returned %d\n", r->m.name, what, rc);
}

static int racer_copy(struct racer *r, struct list_head *dst_list,
		      struct list_head *src_list, unsigned int nr)
{
	int state = atomic_read(&r->state);

	if (state == R_IDLE)
		reg_race_called_unregistered(r, state);
	if (!(deaf && r->id == 0))
		atomic_long_inc(&r->calls);
	return offload_cpu_copy(dst_list, src_list, nr);
}

/* the callback has no migrator argument: one function per racer */
#define RACER_COPY(n)								\
static int racer_copy_##n(struct list_head *dst, struct list_head *src,	\
			  unsigned int nr)					\
{										\
	return racer_copy(&racers[n], dst, src, nr);				\
}

RACER_COPY(0) RACER_COPY(1) RACER_COPY(2) RACER_COPY(3)
RACER_COPY(4) RACER_COPY(5) RACER_COPY(6) RACER_COPY(7)

static int (*const racer_copies[REG_RACE_MAX])(struct list_head *, struct list_head *,
					       unsigned int) = {
	racer_copy_0, racer_copy_1, racer_copy_2, racer_copy_3,
	racer_copy_4, racer_copy_5, racer_copy_6, racer_copy_7,
};

static unsigned long pages_migrated(void)
{
	unsigned long ev[NR_VM_EVENT_ITEMS];

	all_vm_events(ev);
	return ev[PGMIGRATE_SUCCESS] + ev[PGMIGRATE_FAIL];
}

/* one registration: true to go on */
static bool racer_round(struct racer *r)
{
	unsigned long t0, hold, migrated0, migrated;
	long calls0, calls;
	int rc;

	calls0 = atomic_long_read(&r->calls);
	atomic_set(&r->state, R_REGISTERING);
	rc = offload_register(&r->m);
	if (rc == -EBUSY) {
		calls = atomic_long_read(&r->calls) - calls0;
		atomic_set(&r->state, R_IDLE);
		if (calls)
			reg_race_called_while_refused(r, calls);
		r->refusals++;
		usleep_range(100, 100 + fp_rnd_below(&r->rng, 2000));
		return true;
	}
	if (rc) {
		atomic_set(&r->state, R_IDLE);
		reg_race_bad_return(r, "register()", rc);
		return false;
	}
	atomic_set(&r->state, lie && r->id == 0 ? R_IDLE : R_REGISTERED);
	r->registrations++;
	t0 = jiffies;
	migrated0 = pages_migrated();
	hold = msecs_to_jiffies(1 + fp_rnd_below(&r->rng, hold_ms_max));
	/* hold on until called and the hold is over, or liveness_ms passed */
	for (;;) {
		calls = atomic_long_read(&r->calls) - calls0;
		if (calls && time_after(jiffies, t0 + hold))
			break;
		if (time_after(jiffies, t0 + msecs_to_jiffies(liveness_ms)))
			break;
		if (kthread_should_stop())
			break;
		usleep_range(500, 1500);
	}
	migrated = pages_migrated() - migrated0;
	if (!calls && time_after(jiffies, t0 + msecs_to_jiffies(liveness_ms))) {
		r->liveness_checked++;
		if (migrated >= min_migrations)
			reg_race_registered_never_called(r, liveness_ms, migrated);
	}
	if (!(lie && r->id == 0))
		atomic_set(&r->state, R_UNREGISTERING);
	rc = migrate_offload_unregister(&r->m);
	/* SRCU: every call of ours has returned; a later one is a bug */
	atomic_set(&r->state, R_IDLE);
	if (rc) {
		reg_race_bad_return(r, "unregister() of the active migrator", rc);
		return false;
	}
	return true;
}

static int racer_fn(void *data)
{
	struct racer *r = data;
	unsigned long end = jiffies + seconds * HZ;

	while (!kthread_should_stop() && time_before(jiffies, end))
		if (!racer_round(r))
			break;
	pr_info("%s: %lu registrations, %lu refused, %ld calls, %lu liveness windows without a call\n",
		r->m.name, r->registrations, r->refusals, atomic_long_read(&r->calls),
		r->liveness_checked);
	/* kthread_stop() from exit reaps us */
	while (!kthread_should_stop())
		msleep(20);
	return 0;
}

static int __init reg_race_init(void)
{
	unsigned int cpu, i = 0;

	nr_racers = min_t(unsigned int, num_online_cpus(), REG_RACE_MAX);
	if (nr_racers < 2)
		nr_racers = 2;	/* one CPU: two racers still race through preemption */
	for (i = 0; i < nr_racers; i++) {
		struct racer *r = &racers[i];

		r->id = i;
		snprintf(r->m.name, sizeof(r->m.name), "reg_race_%u", i);
		r->m.offload_copy = racer_copies[i];
		r->m.owner = THIS_MODULE;
		atomic_set(&r->state, R_IDLE);
		fp_rnd_init(&r->rng, seed, i);
	}
	i = 0;
	for_each_online_cpu(cpu) {
		if (i == nr_racers)
			break;
		racers[i].task = kthread_create(racer_fn, &racers[i], "reg_race/%u", i);
		if (IS_ERR(racers[i].task))
			goto fail;
		kthread_bind(racers[i].task, cpu);
		i++;
	}
	for (; i < nr_racers; i++) {	/* fewer CPUs than racers: unbound */
		racers[i].task = kthread_create(racer_fn, &racers[i], "reg_race/%u", i);
		if (IS_ERR(racers[i].task))
			goto fail;
	}
	for (i = 0; i < nr_racers; i++)
		wake_up_process(racers[i].task);
	pr_info("%u racers for %u s (seed %lu, liveness %u ms)\n", nr_racers, seconds, seed,
		liveness_ms);
	return 0;
fail:
	pr_err("cannot start racer %u\n", i);
	while (i--)
		kthread_stop(racers[i].task);
	return -ENOMEM;
}

static void __exit reg_race_exit(void)
{
	unsigned int i;

	for (i = 0; i < nr_racers; i++)
		kthread_stop(racers[i].task);
}

module_init(reg_race_init);
module_exit(reg_race_exit);
MODULE_DESCRIPTION("Concurrent registrations of several migrators, with a liveness oracle");
MODULE_LICENSE("GPL");
