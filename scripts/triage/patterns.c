// SPDX-License-Identifier: GPL-2.0
/*
 * Console patterns and the titles they give, after syzkaller's
 * pkg/report/linux.go (oopses and their title formats) and LKP's
 * oops-pattern list. Order matters: the first pattern that matches a line
 * wins, so the specific ones come before the generic ones.
 */
#include "triage.h"

const struct pattern triage_patterns[] = {
	/* KASAN and friends */
	{ "KASAN", "^BUG: KASAN: (double-free or invalid-free|double-free|invalid-free) in ",
	  "KASAN: invalid-free in", TITLE_STACK, 0 },
	{ "KASAN", "^BUG: KASAN: ([a-z-]+) in ([A-Za-z0-9_.]+)",
	  NULL, TITLE_KASAN, 0 },
	{ "KASAN", "^BUG: KASAN: (.*)", "KASAN: %s", TITLE_GROUP, 0 },
	{ "KFENCE", "^BUG: KFENCE: ([a-z -]+) in ", "KFENCE: %s", TITLE_GROUP, 0 },
	/*
	 * the kcsan flavour: "BUG: KCSAN: data-race in A [mod] / B [mod]",
	 * titled as syzkaller does ("KCSAN: data-race in A / B", no module
	 * tags); scoped: a race with no frame in the series is listed apart
	 */
	{ "KCSAN", "^BUG: KCSAN: ([a-z -]+) in ([A-Za-z0-9_.]+)( \\[[A-Za-z0-9_]+\\])?( / ([A-Za-z0-9_.]+)( \\[[A-Za-z0-9_]+\\])?)?",
	  NULL, TITLE_KCSAN, 0, 1 },
	{ "UBSAN", "^UBSAN: ([a-z-]+) in ", "UBSAN: %s", TITLE_GROUP, 0 },

	/* Lockdep */
	{ "LockdepBug", "^WARNING: possible circular locking dependency detected",
	  "possible deadlock", TITLE_AT, 0 },
	{ "LockdepBug", "^WARNING: possible recursive locking detected",
	  "possible deadlock", TITLE_AT, 0 },
	{ "LockdepBug", "^WARNING: possible irq lock inversion dependency detected",
	  "possible deadlock", TITLE_AT, 0 },
	{ "LockdepBug", "^WARNING: .*-safe -> .*-unsafe lock order detected",
	  "possible deadlock", TITLE_AT, 0 },
	{ "LockdepBug", "^WARNING: inconsistent lock state",
	  "inconsistent lock state", TITLE_AT, 0 },
	{ "LockdepBug", "^WARNING: suspicious RCU usage",
	  "suspicious RCU usage", TITLE_STACK, 0 },
	{ "LockdepBug", "^WARNING: bad unlock balance detected!",
	  "bad unlock balance", TITLE_AT, 0 },
	{ "LockdepBug", "^WARNING: held lock freed!", "held lock freed", TITLE_AT, 0 },
	{ "LockdepBug", "^WARNING: .* still has locks held!",
	  "still has locks held", TITLE_STACK, 0 },
	{ "LockdepBug", "^WARNING: lock held when returning to user space!",
	  "lock held when returning to user space", TITLE_AT, 0 },
	{ "LockdepBug", "^BUG: Invalid wait context", "invalid wait context", TITLE_AT, 0 },
	{ "LockdepBug", "^INFO: trying to register non-static key",
	  "trying to register non-static key", TITLE_STACK, 0 },

	/* Hangs and stalls */
	{ "Hang", "^INFO: task .* blocked for more than [0-9]+ seconds",
	  "INFO: task hung", TITLE_STACK, 0 },
	{ "Hang", "BUG: soft lockup - CPU#[0-9]+ stuck", "BUG: soft lockup", TITLE_RIP, 0 },
	{ "Hang", "INFO: rcu_(preempt|sched|bh) (self-)?detected( expedited)? stall",
	  "INFO: rcu detected stall", TITLE_STACK, 0 },
	{ "Hang", "^BUG: workqueue lockup", "BUG: workqueue lockup", TITLE_FIXED, 0 },
	{ "Hang", "^watchdog: Watchdog detected hard LOCKUP",
	  "hard LOCKUP", TITLE_RIP, 0 },

	/* Memory management */
	{ "Bug", "^BUG: Bad page state", "BUG: Bad page state", TITLE_STACK, 0 },
	{ "Bug", "^BUG: Bad page map", "BUG: Bad page map", TITLE_STACK, 0 },
	{ "Bug", "^BUG: Bad rss-counter state", "BUG: Bad rss-counter state", TITLE_FIXED, 0 },
	{ "Bug", "^page dumped because: VM_BUG_ON", "VM_BUG_ON", TITLE_RIP, 0 },
	{ "Bug", "^BUG: [a-z0-9_-]+ \\(.*\\): Object already free",
	  "BUG: object already free", TITLE_STACK, 0 },
	{ "MemoryLeak", "^BUG: memory leak", "memory leak", TITLE_STACK, 0 },

	/* Context bugs */
	{ "AtomicSleep", "^BUG: sleeping function called from invalid context",
	  "BUG: sleeping function called from invalid context", TITLE_STACK, 0 },
	{ "AtomicSleep", "^BUG: scheduling while atomic",
	  "BUG: scheduling while atomic", TITLE_STACK, 0 },
	{ "Bug", "^BUG: using [a-z_]+\\(\\) in preemptible",
	  "BUG: using smp_processor_id() in preemptible code", TITLE_STACK, 0 },
	{ "Bug", "^BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU)",
	  "BUG: %s", TITLE_GROUP, 0 },

	/*
	 * A guest program killed by a fault it did not handle: every program
	 * in the guest is the suite's or a selftest, none crashes by design,
	 * so its text or data was lost (a page migrated without its copy).
	 * Before the kernel's general protection fault, which the second
	 * would match too
	 */
	{ "Bug", "^([^ []+)\\[[0-9]+\\]: segfault at ", "user segfault in %s", TITLE_GROUP, 0 },
	{ "Bug", "^traps: ([^ []+)\\[[0-9]+\\] .*(general protection fault|trap invalid opcode)",
	  "user fault in %s", TITLE_GROUP, 0 },

	/* Oopses */
	{ "Bug", "general protection fault", "general protection fault", TITLE_RIP, 0 },
	{ "Bug", "^BUG: kernel NULL pointer dereference",
	  "BUG: kernel NULL pointer dereference", TITLE_RIP, 0 },
	{ "Bug", "^BUG: unable to handle (page fault|kernel paging request)",
	  "BUG: unable to handle kernel paging request", TITLE_RIP, 0 },
	{ "Bug", "^kernel BUG at lib/list_debug.c", "BUG: corrupted list", TITLE_STACK, 0 },
	{ "Bug", "^kernel BUG at ", "kernel BUG", TITLE_RIP, 0 },
	{ "Bug", "^list_(add|del) corruption", "BUG: corrupted list", TITLE_STACK, 0 },
	{ "Bug", "^stack segment: ", "stack segment fault", TITLE_RIP, 0 },
	{ "Bug", "^PANIC: double fault", "PANIC: double fault", TITLE_RIP, 0 },
	{ "Bug", "^divide error: ", "divide error", TITLE_RIP, 0 },
	{ "Bug", "^BUG: .*stack guard page was hit", "BUG: stack guard page was hit", TITLE_RIP, 0 },
	{ "Bug", "^BUG: TASK stack guard page was hit", "BUG: stack guard page was hit", TITLE_RIP, 0 },

	/* Warnings: refcount first, then the generic WARN() format */
	{ "Warning", "^refcount_t: ([a-z ;-]+)", "refcount bug", TITLE_STACK, 0 },
	{ "Warning", "^WARNING: CPU: [0-9]+ PID: [0-9]+ at lib/refcount.c",
	  "refcount bug", TITLE_STACK, 0 },
	/* the function without a compiler's ".constprop.0" or ".isra.0" */
	{ "Warning", "^WARNING: CPU: [0-9]+ PID: [0-9]+ at [^ ]+ ([A-Za-z0-9_]+)[A-Za-z0-9_.]*\\+",
	  "WARNING in %s", TITLE_GROUP, 0 },
	{ "Warning", "^WARNING: [^ ]+:[0-9]+ at ([A-Za-z0-9_]+)[A-Za-z0-9_.]*\\+",
	  "WARNING in %s", TITLE_GROUP, 0 },

	/*
	 * Results of our own tests and of KUnit. A driver's data check prints
	 * "# mismatch" (at column 0: a selftest's lines are nested deeper) at
	 * the first wrong word, before its "not ok N data-integrity"
	 */
	{ "Test", "^# mismatch[ :(]", "data-integrity", TITLE_KTAP_SIGN, 0 },
	{ "Test", "^ *not ok [0-9]+ ", NULL, TITLE_KTAP, 0 },

	/*
	 * The emulator's, not the kernel's: an int3 trap where the code bytes
	 * hold no int3 (a stale translation after a jump label or static call
	 * was patched); without that condition, the oops below
	 */
	{ TRIAGE_EMULATOR, "^Oops: int3: ", "TCG: stale int3", TITLE_RIP, 0, 0, COND_STALE_INT3 },

	/* What only counts when nothing better was found */
	{ "Bug", "^Kernel panic - not syncing: (.*)", "kernel panic: %s", TITLE_GROUP, 1 },
	{ "Bug", "^Oops: ", "Oops", TITLE_RIP, 1 },
};

const size_t triage_nr_patterns = sizeof(triage_patterns) / sizeof(triage_patterns[0]);
