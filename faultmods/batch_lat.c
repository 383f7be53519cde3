// SPDX-License-Identifier: GPL-2.0
/*
 * batch_lat: what batching costs the first folio of a batch. Not a
 * provider: two kretprobes time every migrate_pages_batch() call, in guest
 * time (ktime_get_ns()), from its entry to the first return of
 * move_to_new_folio() in it (the first folio's content and mapping are in
 * place; its PTEs are restored right after) and to the batch's own
 * return. Each batch is one sample: folios on the list at entry, folios
 * moved, first and last (ns since entry). Samples go to a ring read
 * through debugfs (batch_lat/samples, one "nr moved first_ns last_ns" line
 * each; writing anything to batch_lat/reset empties it), for make bench
 * to turn into distributions per batch size.
 *
 * The same kprobes work on every tree (6.12 and 7.x have both functions,
 * with or without the series), so the unpatched kernel is measured alike.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#define BL_SAMPLES	16384	/* the ring; older samples are overwritten */
#define BL_OPEN		64	/* batches in progress at once (one per task) */

struct bl_sample {
	u32 nr, moved;
	u64 first_ns, last_ns;
};

/* A batch in progress, found by its task from move_to_new_folio() */
struct bl_open {
	struct task_struct *task;
	u64 start_ns, first_ns;
	u32 nr, moved;
};

static DEFINE_SPINLOCK(bl_lock);
static struct bl_open bl_open[BL_OPEN];
static struct bl_sample *bl_ring;
static unsigned long bl_next;	/* samples ever taken; under bl_lock */
static atomic64_t bl_untracked;	/* batches beyond BL_OPEN at once */
static struct dentry *bl_dir;

/* Under bl_lock: the open batch of the current task, or NULL */
static struct bl_open *bl_find(struct task_struct *t)
{
	int i;

	for (i = 0; i < BL_OPEN; i++)
		if (bl_open[i].task == t)
			return &bl_open[i];
	return NULL;
}

/* migrate_pages_batch(struct list_head *from, ...): the batch begins */
static int bl_batch_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct list_head *from = (struct list_head *)regs_get_kernel_argument(regs, 0);
	u32 nr = (u32)list_count_nodes(from);
	unsigned long flags;
	struct bl_open *o;

	spin_lock_irqsave(&bl_lock, flags);
	o = bl_find(current);
	if (!o)
		o = bl_find(NULL);
	if (o) {
		o->task = current;
		o->nr = nr;
		o->moved = 0;
		o->first_ns = 0;
		o->start_ns = ktime_get_ns();
	} else {
		atomic64_inc(&bl_untracked);
	}
	spin_unlock_irqrestore(&bl_lock, flags);
	return 0;
}

static int bl_batch_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	u64 now = ktime_get_ns();
	unsigned long flags;
	struct bl_open *o;

	spin_lock_irqsave(&bl_lock, flags);
	o = bl_find(current);
	if (o) {
		struct bl_sample *s = &bl_ring[bl_next++ % BL_SAMPLES];

		s->nr = o->nr;
		s->moved = o->moved;
		s->first_ns = o->first_ns ? o->first_ns - o->start_ns : 0;
		s->last_ns = now - o->start_ns;
		o->task = NULL;
	}
	spin_unlock_irqrestore(&bl_lock, flags);
	return 0;
}

/* move_to_new_folio(): one folio of the batch is in place when it returns 0 */
static int bl_move_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	u64 now = ktime_get_ns();
	unsigned long flags;
	struct bl_open *o;

	if (regs_return_value(regs))
		return 0;
	spin_lock_irqsave(&bl_lock, flags);
	o = bl_find(current);
	if (o) {
		if (!o->moved++)
			o->first_ns = now;
	}
	spin_unlock_irqrestore(&bl_lock, flags);
	return 0;
}

static struct kretprobe bl_batch_probe = {
	.kp.symbol_name = "migrate_pages_batch",
	.entry_handler = bl_batch_entry,
	.handler = bl_batch_return,
	.maxactive = 32,
};

static struct kretprobe bl_move_probe = {
	.kp.symbol_name = "move_to_new_folio",
	.handler = bl_move_return,
	.maxactive = 32,
};

static int bl_samples_show(struct seq_file *m, void *v)
{
	unsigned long i, from, to, flags;
	struct bl_sample *copy;

	copy = kvmalloc_array(BL_SAMPLES, sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	spin_lock_irqsave(&bl_lock, flags);
	to = bl_next;
	from = to > BL_SAMPLES ? to - BL_SAMPLES : 0;
	for (i = from; i < to; i++)
		copy[i - from] = bl_ring[i % BL_SAMPLES];
	spin_unlock_irqrestore(&bl_lock, flags);
	seq_printf(m, "# nr moved first_ns last_ns (%lu samples, %lu overwritten, %lld batches untracked)\n",
		   to - from, from, (long long)atomic64_read(&bl_untracked));
	for (i = 0; i < to - from; i++)
		seq_printf(m, "%u %u %llu %llu\n", copy[i].nr, copy[i].moved,
			   copy[i].first_ns, copy[i].last_ns);
	kvfree(copy);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bl_samples);

static ssize_t bl_reset_write(struct file *file, const char __user *buf,
			      size_t count, loff_t *ppos)
{
	unsigned long flags;

	spin_lock_irqsave(&bl_lock, flags);
	bl_next = 0;
	spin_unlock_irqrestore(&bl_lock, flags);
	atomic64_set(&bl_untracked, 0);
	return count;
}

static const struct file_operations bl_reset_fops = {
	.owner = THIS_MODULE,
	.write = bl_reset_write,
};

static int __init batch_lat_init(void)
{
	int rc;

	bl_ring = kvcalloc(BL_SAMPLES, sizeof(*bl_ring), GFP_KERNEL);
	if (!bl_ring)
		return -ENOMEM;
	rc = register_kretprobe(&bl_move_probe);
	if (rc) {
		pr_err("no kretprobe on move_to_new_folio (%d)\n", rc);
		goto free;
	}
	rc = register_kretprobe(&bl_batch_probe);
	if (rc) {
		pr_err("no kretprobe on migrate_pages_batch (%d)\n", rc);
		unregister_kretprobe(&bl_move_probe);
		goto free;
	}
	bl_dir = debugfs_create_dir("batch_lat", NULL);
	debugfs_create_file("samples", 0444, bl_dir, NULL, &bl_samples_fops);
	debugfs_create_file("reset", 0200, bl_dir, NULL, &bl_reset_fops);
	return 0;
free:
	kvfree(bl_ring);
	return rc;
}

static void __exit batch_lat_exit(void)
{
	debugfs_remove_recursive(bl_dir);
	unregister_kretprobe(&bl_batch_probe);
	unregister_kretprobe(&bl_move_probe);
	kvfree(bl_ring);
}

module_init(batch_lat_init);
module_exit(batch_lat_exit);
MODULE_DESCRIPTION("Latency of the first and last folio of each migration batch");
MODULE_LICENSE("GPL");
