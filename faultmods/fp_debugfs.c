// SPDX-License-Identifier: GPL-2.0
/*
 * fault_provider: /sys/kernel/debug/fault_provider/ (registered, reasons,
 * stats, log, and a fault_attr directory per fault mode), the counters on
 * the console, and the decision log.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include <trace/events/migrate.h>

#include "fault_provider.h"

static struct dentry *fp_dir;

/*
 * The reasons and their names as the mm_migrate_pages tracepoint prints
 * them, from the tree's own list (MIGRATE_REASON, with the { value, name }
 * entries its header leaves EM() and EMe() making), so that a tree with
 * another set of reasons is read right
 */
static const struct trace_print_flags fp_reason_syms[] = { MIGRATE_REASON };

static const char * const fp_counter_names[FPC_NR] = {
	"calls", "vetoed", "folios", "copied", "max_in_flight",
	"violations", "registers", "unregisters", "below_min_batch",
	"unregister_in_flight",
};

/* The decision log: the last FP_LOG_SIZE calls */
#define FP_LOG_SIZE	4096

struct fp_log_entry {
	u64 seq;
	u8 mode;
	u16 nr;
	u16 copied;
	s16 rc;
	pid_t pid;
	char comm[TASK_COMM_LEN];
};

static struct fp_log_entry *fp_log;
static u64 fp_log_next;
static DEFINE_SPINLOCK(fp_log_lock);

void fp_log_add(u64 seq, enum fp_mode mode, unsigned int nr,
		unsigned int copied, int rc)
{
	struct fp_log_entry *e;
	unsigned long flags;

	spin_lock_irqsave(&fp_log_lock, flags);
	e = &fp_log[fp_log_next++ % FP_LOG_SIZE];
	e->seq = seq;
	e->mode = mode;
	e->nr = min_t(unsigned int, nr, U16_MAX);
	e->copied = min_t(unsigned int, copied, U16_MAX);
	e->rc = rc;
	e->pid = task_pid_nr(current);
	get_task_comm(e->comm, current);
	spin_unlock_irqrestore(&fp_log_lock, flags);
}

static int fp_registered_get(void *data, u64 *val)
{
	*val = atomic_read(&fp_state) == FP_REGISTERED;
	return 0;
}

/* 1 registers, 0 unregisters: how a scenario drives rmmod and rivals */
static int fp_registered_set(void *data, u64 val)
{
	int rc = 0;

	mutex_lock(&fp_lock);
	if (val && atomic_read(&fp_state) == FP_UNREGISTERED)
		rc = fp_register();
	else if (!val && atomic_read(&fp_state) == FP_REGISTERED)
		rc = fp_unregister();
	mutex_unlock(&fp_lock);
	return rc;
}
DEFINE_DEBUGFS_ATTRIBUTE(fp_registered_fops, fp_registered_get, fp_registered_set, "%llu\n");

/* "compaction,syscall_or_cpuset", "all", "none" or "": a mask of reasons */
int fp_parse_reasons(const char *spec, unsigned long *maskp)
{
	char *buf, *cur, *tok;
	unsigned long mask = 0;
	unsigned int r;
	int rc = 0;

	buf = kstrdup(spec, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	cur = strim(buf);
	while ((tok = strsep(&cur, ",")) != NULL) {
		if (!*tok || !strcmp(tok, "none"))
			continue;
		if (!strcmp(tok, "all")) {
			mask |= OFFLOAD_REGISTER_MASK;
			continue;
		}
		for (r = 0; r < ARRAY_SIZE(fp_reason_syms); r++)
			if (!strcmp(tok, fp_reason_syms[r].name))
				break;
		if (r == ARRAY_SIZE(fp_reason_syms)) {
			rc = -EINVAL;
			break;
		}
		mask |= BIT(fp_reason_syms[r].mask);
	}
	kfree(buf);
	if (!rc)
		*maskp = mask;
	return rc;
}

static int fp_reasons_show(struct seq_file *m, void *v)
{
	unsigned long mask;
	unsigned int r, n = 0;

	mutex_lock(&fp_lock);
	mask = fp_reason_mask;
	mutex_unlock(&fp_lock);
	for (r = 0; r < ARRAY_SIZE(fp_reason_syms); r++)
		if (mask & BIT(fp_reason_syms[r].mask))
			seq_printf(m, "%s%s", n++ ? "," : "", fp_reason_syms[r].name);
	seq_printf(m, "%s\n", n ? "" : "none");
	return 0;
}

/*
 * The reasons this provider asks for, through the API (set_reason_mask()
 * while registered; the next register otherwise): how a scenario narrows
 * what is offloaded on a tree without the suite's debugfs filter
 */
static ssize_t fp_reasons_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	unsigned long mask;
	char *buf;
	int rc;

	if (!OFFLOAD_HAS_OWN_REASONS)
		return -EOPNOTSUPP;
	if (len >= PAGE_SIZE)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	rc = fp_parse_reasons(buf, &mask);
	kfree(buf);
	if (rc)
		return rc;
	mutex_lock(&fp_lock);
	if (atomic_read(&fp_state) == FP_REGISTERED)
		rc = offload_set_reasons(&fp_migrator, mask);
	if (!rc)
		fp_reason_mask = mask;
	mutex_unlock(&fp_lock);
	return rc ? rc : len;
}

static int fp_reasons_open(struct inode *inode, struct file *file)
{
	return single_open(file, fp_reasons_show, NULL);
}

static const struct file_operations fp_reasons_fops = {
	.owner = THIS_MODULE,
	.open = fp_reasons_open,
	.read = seq_read,
	.write = fp_reasons_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int fp_stats_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < FPC_NR; i++)
		seq_printf(m, "%s %lld\n", fp_counter_names[i], atomic64_read(&fp_counter[i]));
	for (i = 0; i < FP_NR_MODES; i++)
		seq_printf(m, "mode_%s %lld\n", fp_mode_names[i], atomic64_read(&fp_mode_count[i]));
	seq_printf(m, "eagain_released %lld\n", atomic64_read(&fp_holds_released_on_eagain));
	seq_printf(m, "seed %lu\n", fp_seed);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fp_stats);

/*
 * The counters on the console every stat_interval seconds and once at
 * unload, so that a run that dies (panic, hang, a killed QEMU) keeps its
 * last figures on the host.
 */
void fp_stats_print(const char *when)
{
	char line[512];
	int i, n = 0;

	for (i = 0; i < FPC_NR && n < sizeof(line); i++)
		n += scnprintf(line + n, sizeof(line) - n, " %s=%lld",
			       fp_counter_names[i], atomic64_read(&fp_counter[i]));
	for (i = 0; i < FP_NR_MODES && n < sizeof(line); i++)
		n += scnprintf(line + n, sizeof(line) - n, " %s=%lld",
			       fp_mode_names[i], atomic64_read(&fp_mode_count[i]));
	pr_info("stats %s:%s in_flight=%d\n", when, line, atomic_read(&fp_in_flight));
}

static void fp_stats_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(fp_stats_work, fp_stats_work_fn);

static void fp_stats_work_fn(struct work_struct *work)
{
	fp_stats_print("periodic");
	schedule_delayed_work(&fp_stats_work, fp_stat_interval * HZ);
}

/* "seq mode nr copied rc pid comm", oldest first */
static int fp_log_show(struct seq_file *m, void *v)
{
	struct fp_log_entry *e = kmalloc(sizeof(*e), GFP_KERNEL);
	u64 first, i, end;

	if (!e)
		return -ENOMEM;
	spin_lock_irq(&fp_log_lock);
	end = fp_log_next;
	spin_unlock_irq(&fp_log_lock);
	first = end > FP_LOG_SIZE ? end - FP_LOG_SIZE : 0;
	for (i = first; i < end; i++) {
		spin_lock_irq(&fp_log_lock);
		*e = fp_log[i % FP_LOG_SIZE];
		spin_unlock_irq(&fp_log_lock);
		seq_printf(m, "%llu %s %u %u %d %d %s\n", e->seq, fp_mode_names[e->mode],
			   e->nr, e->copied, e->rc, e->pid, e->comm);
	}
	kfree(e);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(fp_log);

int fp_debugfs_init(void)
{
	int i;

	fp_log = kcalloc(FP_LOG_SIZE, sizeof(*fp_log), GFP_KERNEL);
	if (!fp_log)
		return -ENOMEM;
	fp_dir = debugfs_create_dir("fault_provider", NULL);
	for (i = 0; i < FP_NR_MODES; i++)
		if (i != FP_PASS)
			fault_create_debugfs_attr(fp_mode_names[i], fp_dir, &fp_attr[i]);
	debugfs_create_file("registered", 0644, fp_dir, NULL, &fp_registered_fops);
	debugfs_create_file("reasons", 0644, fp_dir, NULL, &fp_reasons_fops);
	debugfs_create_file("stats", 0444, fp_dir, NULL, &fp_stats_fops);
	debugfs_create_file("log", 0444, fp_dir, NULL, &fp_log_fops);
	return 0;
}

void fp_debugfs_exit(void)
{
	debugfs_remove_recursive(fp_dir);
	kfree(fp_log);
}

void fp_stats_start(void)
{
	if (fp_stat_interval)
		schedule_delayed_work(&fp_stats_work, fp_stat_interval * HZ);
}

void fp_stats_stop(void)
{
	cancel_delayed_work_sync(&fp_stats_work);
}
