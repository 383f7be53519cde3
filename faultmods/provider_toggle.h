/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A simple provider's registration as a debugfs file "registered": reads 1
 * while registered; writing 0 unregisters (the registration holds a
 * reference on the module, so rmmod works only after that), 1 registers
 * again. For the providers that have nothing else to do on either side
 * (mt_provider, dma_model); fault_provider keeps its own state machine.
 */
#ifndef FAULTMODS_PROVIDER_TOGGLE_H
#define FAULTMODS_PROVIDER_TOGGLE_H

#include <linux/debugfs.h>
#include <linux/mutex.h>
#include "offload_compat.h"

struct provider_toggle {
	struct migrator *m;
	bool registered;	/* written under provider_toggle_lock */
};

#define DEFINE_PROVIDER_TOGGLE(name, migrator)				\
	struct provider_toggle name = { .m = &(migrator) }

/* One per module (each includes this once): serialises its toggles */
static DEFINE_MUTEX(provider_toggle_lock);

static int provider_toggle_get(void *data, u64 *val)
{
	struct provider_toggle *t = data;

	*val = READ_ONCE(t->registered);
	return 0;
}

static int provider_toggle_set(void *data, u64 val)
{
	struct provider_toggle *t = data;
	int rc = 0;

	mutex_lock(&provider_toggle_lock);
	if (val && !t->registered)
		rc = offload_register(t->m);
	else if (!val && t->registered)
		rc = migrate_offload_unregister(t->m);
	if (!rc)
		WRITE_ONCE(t->registered, !!val);
	mutex_unlock(&provider_toggle_lock);
	return rc;
}
DEFINE_DEBUGFS_ATTRIBUTE(provider_toggle_fops, provider_toggle_get,
			 provider_toggle_set, "%llu\n");

/* The file "registered" in @dir, driving @t */
static inline void provider_toggle_file(struct provider_toggle *t,
					struct dentry *dir)
{
	debugfs_create_file("registered", 0644, dir, t, &provider_toggle_fops);
}

#endif /* FAULTMODS_PROVIDER_TOGGLE_H */
