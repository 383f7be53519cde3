// SPDX-License-Identifier: GPL-2.0
/*
 * dma_model: a provider that behaves, in time, like a DMA engine. A batch
 * costs setup_us to set up, then each folio completes when the engine has
 * moved its bytes at bytes_per_us; the callback returns once the whole
 * batch is done, as the series' synchronous offload_copy() must. Folios
 * complete in list order, or in reverse (in_order=0: an engine that works
 * its descriptors from the end); each is marked copied only at its own
 * completion.
 *
 * The data are copied by the CPU (there is no engine in the VM): each
 * folio's copy runs, then the callback waits until that folio's modelled
 * completion time, so a folio completes at the later of the two. For
 * make bench: what a batch costs its first folio when the copy is a
 * device's (issue: first-folio latency against batch size).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>

#include "offload_compat.h"
#include "param_range.h"
#include "provider_toggle.h"

static uint setup_us = 20;
static struct fault_uint_range setup_us_range = { &setup_us, 0, 100000 };
module_param_cb(setup_us, &fault_uint_range_ops, &setup_us_range, 0644);
MODULE_PARM_DESC(setup_us, "cost of setting up one batch, microseconds (0..100000)");

static uint bytes_per_us = 4096;
static struct fault_uint_range bytes_per_us_range = { &bytes_per_us, 1, 1U << 30 };
module_param_cb(bytes_per_us, &fault_uint_range_ops, &bytes_per_us_range, 0644);
MODULE_PARM_DESC(bytes_per_us, "the engine's transfer rate, bytes per microsecond");

static bool in_order = true;
module_param(in_order, bool, 0644);
MODULE_PARM_DESC(in_order, "complete folios in list order (1) or from the last (0)");

/* Sleep or spin until @deadline_ns (ktime_get_ns()) */
static void dm_wait_until(u64 deadline_ns)
{
	u64 now = ktime_get_ns();

	if (now >= deadline_ns)
		return;
	if (deadline_ns - now >= 20 * NSEC_PER_USEC)
		fsleep(div_u64(deadline_ns - now, NSEC_PER_USEC));
	else
		ndelay(deadline_ns - now);
}

static int dm_offload_copy(struct list_head *dst_list, struct list_head *src_list,
			   unsigned int nr)
{
	struct folio **src, **dst, *f;
	unsigned int i, k;
	int rc = 0;
	u64 due;

	src = kmalloc_array(2 * nr, sizeof(*src), GFP_NOWAIT | __GFP_NOWARN);
	if (!src)
		return -ENOMEM;
	dst = src + nr;
	i = 0;
	list_for_each_entry(f, src_list, lru)
		src[i++] = f;
	i = 0;
	list_for_each_entry(f, dst_list, lru)
		dst[i++] = f;

	due = ktime_get_ns() + (u64)setup_us * NSEC_PER_USEC;
	for (k = 0; k < nr; k++) {
		i = in_order ? k : nr - 1 - k;
		rc = folio_mc_copy(dst[i], src[i]);
		if (rc)
			break;
		due += div_u64((u64)folio_size(src[i]) * NSEC_PER_USEC, bytes_per_us);
		dm_wait_until(due);
		offload_mark_copied(dst[i]);
	}
	kfree(src);
	return rc;
}

static struct migrator dm_migrator = {
	.name = "dma_model",
	.offload_copy = dm_offload_copy,
	.owner = THIS_MODULE,
};

static DEFINE_PROVIDER_TOGGLE(dm_toggle, dm_migrator);
static struct dentry *dm_dir;

static int __init dma_model_init(void)
{
	int rc = provider_toggle_set(&dm_toggle, 1);

	if (rc)
		return rc;
	dm_dir = debugfs_create_dir("dma_model", NULL);
	provider_toggle_file(&dm_toggle, dm_dir);
	pr_info("setup %u us, %u bytes/us, %s order\n", setup_us, bytes_per_us,
		in_order ? "list" : "reverse");
	return 0;
}

/* Reached by rmmod only once unregistered: the registration holds a reference */
static void __exit dma_model_exit(void)
{
	debugfs_remove_recursive(dm_dir);
	provider_toggle_set(&dm_toggle, 0);
}

module_init(dma_model_init);
module_exit(dma_model_exit);
MODULE_DESCRIPTION("Copy provider with the timing of a modelled DMA engine");
MODULE_LICENSE("GPL");
