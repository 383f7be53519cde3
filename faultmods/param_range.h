/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Module parameters with a range. A value outside it is refused at insmod
 * (insmod fails with -EINVAL and the log names the parameter and its
 * range) and on a write to /sys/module/.../parameters (the write fails
 * with -EINVAL): a stall of an hour or a million threads would otherwise
 * be taken as asked and show up as a hang much later.
 *
 *	static uint stall_us_max = 2000;
 *	static struct fault_uint_range stall_us_max_range = {
 *		&stall_us_max, 0, 1000000,
 *	};
 *	module_param_cb(stall_us_max, &fault_uint_range_ops,
 *			&stall_us_max_range, 0644);
 */
#ifndef FAULT_PARAM_RANGE_H
#define FAULT_PARAM_RANGE_H

#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

struct fault_uint_range {
	unsigned int *val;
	unsigned int lo, hi;
};

static int fault_uint_range_set(const char *buf, const struct kernel_param *kp)
{
	struct fault_uint_range *r = kp->arg;
	unsigned int v;

	if (kstrtouint(buf, 0, &v) || v < r->lo || v > r->hi) {
		pr_err("%s must be a number in %u..%u\n", kp->name, r->lo, r->hi);
		return -EINVAL;
	}
	WRITE_ONCE(*r->val, v);
	return 0;
}

static int fault_uint_range_get(char *buf, const struct kernel_param *kp)
{
	struct fault_uint_range *r = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(*r->val));
}

static const struct kernel_param_ops fault_uint_range_ops = {
	.set = fault_uint_range_set,
	.get = fault_uint_range_get,
};

#endif /* FAULT_PARAM_RANGE_H */
