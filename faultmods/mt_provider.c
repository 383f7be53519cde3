// SPDX-License-Identifier: GPL-2.0
/*
 * A correct multi-threaded copy provider: splits each batch into slices
 * copied in parallel by work items on an unbound workqueue, marks each
 * folio once its copy is done, and waits for all slices. The reference
 * provider for clean runs and benchmarks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/workqueue.h>

#include "offload_compat.h"
#include "param_range.h"
#include "provider_toggle.h"

#define MT_MAX_THREADS	16

static uint threads = 2;
static struct fault_uint_range threads_range = { &threads, 1, MT_MAX_THREADS };
module_param_cb(threads, &fault_uint_range_ops, &threads_range, 0444);
MODULE_PARM_DESC(threads, "work items per batch (1..16)");

static uint min_batch = 2;
module_param(min_batch, uint, 0644);
MODULE_PARM_DESC(min_batch, "decline smaller batches: one folio is not worth a thread");

static struct workqueue_struct *mt_wq;

/*
 * Time the work items spent copying (each slice's wall time: a slice only
 * copies, with a cond_resched() between folios) and bytes they copied:
 * CPU time that is charged to a kworker, not to the task or the cgroup
 * that migrates (make bench's accounting rows)
 */
static atomic64_t mt_worker_ns, mt_worker_bytes;

struct mt_slice {
	struct work_struct work;
	struct folio **src, **dst;
	unsigned int nr;
	int rc;
};

static void mt_copy_slice(struct work_struct *work)
{
	struct mt_slice *s = container_of(work, struct mt_slice, work);
	u64 t0 = ktime_get_ns(), bytes = 0;
	unsigned int i;

	for (i = 0; i < s->nr; i++) {
		s->rc = folio_mc_copy(s->dst[i], s->src[i]);
		if (s->rc)
			break;
		bytes += folio_size(s->src[i]);
		offload_mark_copied(s->dst[i]);
		cond_resched();
	}
	atomic64_add(ktime_get_ns() - t0, &mt_worker_ns);
	atomic64_add(bytes, &mt_worker_bytes);
}

static int mt_offload_copy(struct list_head *dst_list, struct list_head *src_list,
			   unsigned int nr)
{
	unsigned int n = min_t(unsigned int, threads, nr), i, per, off = 0;
	struct mt_slice *slices;
	struct folio **src, **dst, *f;
	int rc = 0;

	if (nr < min_batch || !n)
		return -EOPNOTSUPP;
	/* no reclaim from inside a migration: fail and let the CPU copy */
	src = kmalloc_array(2 * nr, sizeof(*src), GFP_NOWAIT | __GFP_NOWARN);
	slices = kcalloc(n, sizeof(*slices), GFP_NOWAIT | __GFP_NOWARN);
	if (!src || !slices) {
		kfree(src);
		kfree(slices);
		return -ENOMEM;
	}
	dst = src + nr;
	i = 0;
	list_for_each_entry(f, src_list, lru)
		src[i++] = f;
	i = 0;
	list_for_each_entry(f, dst_list, lru)
		dst[i++] = f;

	per = DIV_ROUND_UP(nr, n);
	for (i = 0; i < n && off < nr; i++) {
		slices[i].src = src + off;
		slices[i].dst = dst + off;
		slices[i].nr = min(per, nr - off);
		off += slices[i].nr;
		INIT_WORK(&slices[i].work, mt_copy_slice);
		queue_work(mt_wq, &slices[i].work);
	}
	n = i;
	for (i = 0; i < n; i++) {
		flush_work(&slices[i].work);
		if (slices[i].rc && !rc)
			rc = slices[i].rc;
	}
	kfree(slices);
	kfree(src);
	return rc;
}

static struct migrator mt_migrator = {
	.name = "mt_provider",
	.offload_copy = mt_offload_copy,
	.owner = THIS_MODULE,
};

static DEFINE_PROVIDER_TOGGLE(mt_toggle, mt_migrator);
static struct dentry *mt_dir;

static int mt_stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "worker_ns %lld\nworker_bytes %lld\n",
		   (long long)atomic64_read(&mt_worker_ns),
		   (long long)atomic64_read(&mt_worker_bytes));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(mt_stats);

static int __init mt_provider_init(void)
{
	int rc;

	mt_wq = alloc_workqueue("mt_provider", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!mt_wq)
		return -ENOMEM;
	rc = provider_toggle_set(&mt_toggle, 1);
	if (rc) {
		destroy_workqueue(mt_wq);
		return rc;
	}
	mt_dir = debugfs_create_dir("mt_provider", NULL);
	provider_toggle_file(&mt_toggle, mt_dir);
	debugfs_create_file("stats", 0444, mt_dir, NULL, &mt_stats_fops);
	pr_info("%u threads per batch, batches of %u folios or more\n", threads, min_batch);
	return 0;
}

/* Reached by rmmod only once unregistered: the registration holds a reference */
static void __exit mt_provider_exit(void)
{
	debugfs_remove_recursive(mt_dir);
	provider_toggle_set(&mt_toggle, 0);
	destroy_workqueue(mt_wq);
}

module_init(mt_provider_init);
module_exit(mt_provider_exit);
MODULE_DESCRIPTION("Multi-threaded CPU copy provider for page migration copy offload");
MODULE_LICENSE("GPL");
