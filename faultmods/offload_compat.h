/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One source for every version of the copy-offload API the suite tests.
 * scripts/build-modules.sh reads the kernel tree's headers
 * (scripts/detect-api.sh) and defines OFFLOAD_API_* and OFFLOAD_MARK_* for
 * Kbuild; the modules call only what is below.
 *
 *   OFFLOAD_API_PORT612  our 6.12 port: register(m), one global reason set
 *   OFFLOAD_API_V5       register(m), a fixed reason set, a batch counts
 *                        as copied as a whole when the callback returns 0
 *   OFFLOAD_API_V6       register(m, reason_mask), set_reason_mask(m, mask),
 *                        FOLIO_CONTENT_COPIED set per folio by the provider
 *
 * and, from the symbols the built kernel exports (its Module.symvers or
 * System.map), how offload_cpu_copy() copies on the CPU:
 *
 *   OFFLOAD_CPU_COPY_BATCH  the series' own batch copy (v6:
 *                           migrate_folios_mc_copy(), else folios_mc_copy())
 *   OFFLOAD_CPU_COPY_FOLIO  a loop over folio_mc_copy(), for a tree that
 *                           declares its batch copy but does not export it
 *                           (the posted RFC v6)
 */
#ifndef FAULTMODS_OFFLOAD_COMPAT_H
#define FAULTMODS_OFFLOAD_COMPAT_H

#include <linux/migrate.h>
#include <linux/migrate_copy_offload.h>

#if !defined(OFFLOAD_API_PORT612) && !defined(OFFLOAD_API_V5) && \
	!defined(OFFLOAD_API_V6)
#error "no OFFLOAD_API_*: build the modules with scripts/build-modules.sh"
#endif
#if !defined(OFFLOAD_CPU_COPY_BATCH) && !defined(OFFLOAD_CPU_COPY_FOLIO)
#error "no OFFLOAD_CPU_COPY_*: build the modules with scripts/build-modules.sh"
#endif

#ifdef OFFLOAD_API_V6
/*
 * The reasons a provider registers for: all of them. Which ones are
 * offloaded is then narrowed by the tree's own policy (the debugfs filter
 * of the suite's extras) or by set_reason_mask().
 */
#define OFFLOAD_REGISTER_MASK	MIGRATE_OFFLOAD_REASONS_ALLOWED

/*
 * A provider that offloads only some reasons says so with the API itself:
 * a tree without the suite's debugfs filter has no other way to narrow them
 */
#define OFFLOAD_HAS_OWN_REASONS	1

static inline int offload_register_reasons(struct migrator *m,
					   unsigned long mask)
{
	return migrate_offload_register(m, mask);
}

static inline int offload_set_reasons(struct migrator *m, unsigned long mask)
{
	return migrate_offload_set_reason_mask(m, mask);
}

/* What a provider may call on itself: keep its reasons as they are */
static inline int offload_set_own_reasons(struct migrator *m)
{
	return migrate_offload_set_reason_mask(m, OFFLOAD_REGISTER_MASK);
}

#define offload_batch_copy	migrate_folios_mc_copy
#else
/* v5 and our 6.12 port have no reasons of a migrator's own */
#define OFFLOAD_HAS_OWN_REASONS	0
#define OFFLOAD_REGISTER_MASK	(BIT(MR_TYPES) - 1)

static inline int offload_register_reasons(struct migrator *m,
					   unsigned long mask)
{
	return migrate_offload_register(m);
}

static inline int offload_set_reasons(struct migrator *m, unsigned long mask)
{
	return -EOPNOTSUPP;
}

#define offload_batch_copy	folios_mc_copy
#endif

/* Register for every reason the API allows */
static inline int offload_register(struct migrator *m)
{
	return offload_register_reasons(m, OFFLOAD_REGISTER_MASK);
}

#ifdef OFFLOAD_API_PORT612
static inline int offload_set_own_reasons(struct migrator *m)
{
	return migrate_offload_set_reasons(migrate_offload_get_reasons());
}
#elif defined(OFFLOAD_API_V5)
/* v5 has no reason set to change: nothing to probe, nothing refused */
static inline int offload_set_own_reasons(struct migrator *m)
{
	return 0;
}
#endif

/* Record that @dst holds its source's data: only after the copy is done */
static inline void offload_mark_copied(struct folio *dst)
{
#if defined(OFFLOAD_MARK_HELPER)
	migrate_mark_content_copied(dst);
#elif defined(OFFLOAD_MARK_MIGRATE_INFO)
	dst->migrate_info |= FOLIO_CONTENT_COPIED;
#elif defined(OFFLOAD_MARK_PRIVATE)
	dst->private = (void *)((unsigned long)dst->private |
				FOLIO_CONTENT_COPIED);
#endif
	/* OFFLOAD_MARK_NONE (v5): the return value speaks for the batch */
}

/*
 * Copy a batch on the CPU, as the core does when no provider takes it:
 * each destination marked right after its own copy, the first failure
 * (a machine check) ends the batch with the rest unmarked, for the move
 * phase to copy one by one.
 */
static inline int offload_cpu_copy(struct list_head *dst_list,
				   struct list_head *src_list, unsigned int nr)
{
#ifdef OFFLOAD_CPU_COPY_BATCH
	return offload_batch_copy(dst_list, src_list, nr);
#else
	struct folio *src, *dst;
	int rc;

	dst = list_first_entry(dst_list, struct folio, lru);
	list_for_each_entry(src, src_list, lru) {
		rc = folio_mc_copy(dst, src);
		if (rc)
			return rc;
		offload_mark_copied(dst);
		dst = list_next_entry(dst, lru);
		cond_resched();
	}
	return 0;
#endif
}

#endif /* FAULTMODS_OFFLOAD_COMPAT_H */
