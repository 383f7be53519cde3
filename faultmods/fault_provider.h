/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fault_provider's parts, one file a concern: fp_core.c (parameters, the
 * decision per call, the invariants, init and exit), fp_modes.c (copying
 * and each fault), fp_registration.c (register, unregister, the churn
 * thread), fp_debugfs.c (knobs, counters, the decision log).
 */
#ifndef FAULTMODS_FAULT_PROVIDER_H
#define FAULTMODS_FAULT_PROVIDER_H

#include <linux/atomic.h>
#include <linux/fault-inject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include "fault_prng.h"
#include "offload_compat.h"

enum fp_mode {
	FP_PASS,
	FP_FAIL,
	FP_PARTIAL,
	FP_DECLINE,
	FP_STALL,
	FP_UNREGISTER,
	FP_CORRUPT,
	FP_EAGAIN,
	FP_NR_MODES,
};

enum fp_counter {
	FPC_CALLS, FPC_VETOED, FPC_FOLIOS, FPC_COPIED, FPC_MAX_IN_FLIGHT,
	FPC_VIOLATIONS, FPC_REGISTERS, FPC_UNREGISTERS, FPC_THRESHOLD,
	FPC_UNREGISTER_IN_FLIGHT,
	FPC_NR,
};

/* Registration state, as this module sees it */
enum { FP_UNREGISTERED, FP_REGISTERING, FP_REGISTERED, FP_UNREGISTERING };

/* fp_core.c */
extern ulong fp_seed;
extern uint fp_churn_ms_max;
extern uint fp_stat_interval;
extern const char * const fp_mode_names[FP_NR_MODES];
extern struct fault_attr fp_attr[FP_NR_MODES];
extern atomic64_t fp_counter[FPC_NR];
extern atomic64_t fp_mode_count[FP_NR_MODES];
extern atomic_t fp_in_flight;
int fp_offload_copy(struct list_head *dst_list, struct list_head *src_list,
		    unsigned int nr);
void fp_unregister_refused(int rc);

/* fp_modes.c */
extern atomic64_t fp_holds_released_on_eagain;
void fp_race_control(u64 seq);
unsigned int fp_copy(struct list_head *dst_list, struct list_head *src_list,
		     bool (*keep)(unsigned int i, unsigned int k), unsigned int k,
		     int *rc);
bool fp_keep_all(unsigned int i, unsigned int k);
bool fp_keep_prefix(unsigned int i, unsigned int k);
bool fp_keep_every_kth(unsigned int i, unsigned int k);
unsigned int fp_copy_eagain(struct list_head *dst_list, struct list_head *src_list,
			    struct fp_rnd *r, int *rc);
void fp_corrupt(struct list_head *dst_list, unsigned int nr, struct fp_rnd *r);
void fp_stall(struct fp_rnd *r, unsigned int max_us);
void fp_release(struct folio *dst, pid_t pid);
void fp_modes_init(bool eagain);
void fp_modes_exit(void);

/* fp_registration.c */
extern atomic_t fp_state;
extern struct mutex fp_lock;
extern struct migrator fp_migrator;
extern unsigned long fp_reason_mask;
int fp_register(void);
int fp_unregister(void);
void fp_unregister_mid_copy(u64 seq);
bool fp_unregister_returned_yet(void);
bool fp_unregister_started_yet(void);
int fp_churn_start(void);
void fp_churn_stop(void);

/* fp_debugfs.c */
int fp_parse_reasons(const char *spec, unsigned long *maskp);
void fp_log_add(u64 seq, enum fp_mode mode, unsigned int nr,
		unsigned int copied, int rc);
void fp_stats_print(const char *when);
void fp_stats_start(void);
void fp_stats_stop(void);
int fp_debugfs_init(void);
void fp_debugfs_exit(void);

#endif /* FAULTMODS_FAULT_PROVIDER_H */
