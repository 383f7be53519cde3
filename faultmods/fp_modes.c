// SPDX-License-Identifier: GPL-2.0
/*
 * fault_provider: copying, and what each fault does to a batch (partial
 * copies, corruption, stalls, the holds that force an -EAGAIN retry) and
 * the data race of the kcsan flavour's control.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/spinlock.h>

#include "fault_provider.h"

/*
 * race_control: a data race KCSAN must report, in the copy callback where
 * a provider's own races would be. Many plain read-modify-writes a call, so
 * that KCSAN's sampled watchpoints land on them while another CPU's copy
 * runs the same loop.
 */
static unsigned long fp_racy[64];

noinline void fp_race_control(u64 seq)
{
	unsigned int i;

	for (i = 0; i < 4096; i++)
		fp_racy[i % ARRAY_SIZE(fp_racy)] += seq;
}

/* Copy and mark the folios whose index passes @keep; stop on a machine check */
unsigned int fp_copy(struct list_head *dst_list, struct list_head *src_list,
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

bool fp_keep_all(unsigned int i, unsigned int k)
{
	return true;
}

bool fp_keep_prefix(unsigned int i, unsigned int k)
{
	return i < k;
}

bool fp_keep_every_kth(unsigned int i, unsigned int k)
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
atomic64_t fp_holds_released_on_eagain;

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
void fp_release(struct folio *dst, pid_t pid)
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
unsigned int fp_copy_eagain(struct list_head *dst_list, struct list_head *src_list,
			    struct fp_rnd *r, int *rc)
{
	unsigned int copied = fp_copy(dst_list, src_list, fp_keep_all, 0, rc);
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
void fp_corrupt(struct list_head *dst_list, unsigned int nr, struct fp_rnd *r)
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

void fp_stall(struct fp_rnd *r, unsigned int max_us)
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

/* the kretprobe that ends eagain's holds, when eagain has a weight */
void fp_modes_init(bool eagain)
{
	int rc;

	if (!eagain)
		return;
	rc = register_kretprobe(&fp_kretprobe);
	if (rc)
		pr_warn("no kretprobe on migrate_folio (%d): eagain copies normally\n", rc);
	fp_kretprobe_on = !rc;
}

void fp_modes_exit(void)
{
	if (fp_kretprobe_on)
		unregister_kretprobe(&fp_kretprobe);
	fp_release(NULL, 0);
}
