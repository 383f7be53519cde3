// SPDX-License-Identifier: GPL-2.0
/*
 * A DMA engine's view of user memory, for pin-drive -k: pin the pages of a
 * user buffer (pin_user_pages_fast(), as a driver does for a transfer),
 * wait a while with the pin held, write the data through the kernel
 * mapping, and unpin. Writing to debugfs dma_pinner/transfer
 *
 *	struct { u64 addr; u32 pages; u32 delay_us; u64 seed; u64 first; }
 *
 * does one such transfer and returns when it is done: page i of the buffer
 * then holds the pattern of block first + i, generation 0, that pin-drive
 * checks (page_pattern.h, shared with the guest programs). A write through
 * the pin that lands after migration copied the page ahead of its move,
 * with the pin gone by the move, is exactly what the batch must never lose.
 *
 * With longterm=1 the pin is FOLL_LONGTERM, as for an RDMA registration
 * or a VFIO mapping: the kernel first moves the pages out of ZONE_MOVABLE
 * and CMA (migration reason longterm_pin), so a guest booted with
 * movablecore= sends those moves through the batch.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "page_pattern.h"

#define DMA_PINNER_MAX_PAGES	64

static bool longterm;
module_param(longterm, bool, 0644);
MODULE_PARM_DESC(longterm, "pin with FOLL_LONGTERM: pages in ZONE_MOVABLE or CMA move first");

struct dma_pinner_req {
	u64 addr;
	u32 pages;
	u32 delay_us;
	u64 seed;
	u64 first;
};

static struct dentry *dma_pinner_dir;
static atomic64_t dma_pinner_transfers;

static void dma_pinner_fill(struct page *page, u64 seed, u64 block)
{
	void *p = kmap_local_page(page);

	page_pattern_fill(p, PAGE_SIZE / sizeof(u64), seed, block, 0);
	kunmap_local(p);
}

static ssize_t dma_pinner_write(struct file *file, const char __user *ubuf,
				size_t count, loff_t *ppos)
{
	struct page *pages[DMA_PINNER_MAX_PAGES];
	struct dma_pinner_req req;
	int pinned, i;

	if (count != sizeof(req))
		return -EINVAL;
	if (copy_from_user(&req, ubuf, sizeof(req)))
		return -EFAULT;
	if (!req.pages || req.pages > DMA_PINNER_MAX_PAGES ||
	    !PAGE_ALIGNED(req.addr) || req.delay_us > 100000)
		return -EINVAL;
	pinned = pin_user_pages_fast(req.addr, req.pages,
				     FOLL_WRITE | (READ_ONCE(longterm) ? FOLL_LONGTERM : 0), pages);
	if (pinned < 0)
		return pinned;
	/* the transfer is under way: the pages may move meanwhile */
	if (req.delay_us)
		usleep_range(req.delay_us, req.delay_us + 10);
	for (i = 0; i < pinned; i++)
		dma_pinner_fill(pages[i], req.seed, req.first + i);
	unpin_user_pages_dirty_lock(pages, pinned, true);
	atomic64_inc(&dma_pinner_transfers);
	return pinned == req.pages ? count : -EAGAIN;
}

static const struct file_operations dma_pinner_fops = {
	.owner = THIS_MODULE,
	.write = dma_pinner_write,
};

static int __init dma_pinner_init(void)
{
	dma_pinner_dir = debugfs_create_dir("dma_pinner", NULL);
	debugfs_create_file("transfer", 0200, dma_pinner_dir, NULL, &dma_pinner_fops);
	return 0;
}

static void __exit dma_pinner_exit(void)
{
	debugfs_remove_recursive(dma_pinner_dir);
	pr_info("%lld transfers\n", (long long)atomic64_read(&dma_pinner_transfers));
}

module_init(dma_pinner_init);
module_exit(dma_pinner_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Pins user pages, writes them after a delay as a DMA engine would, unpins");
