/* SPDX-License-Identifier: GPL-2.0 */
/*
 * knob-fuzz's model of the reasons knob (knob-model.c), and the reason
 * names it learns from the kernel (knob-fuzz.c).
 */
#ifndef KNOB_MODEL_H
#define KNOB_MODEL_H

#include <stddef.h>

#include "guest.h"

#define MAX_REASONS	32
#define MAX_INPUT	(2 * PAGE + 64)

extern char names[MAX_REASONS][32];
extern int nr_names;
extern unsigned long all_mask;

int model(const unsigned char *in, size_t len, unsigned long *mask);
void format(unsigned long mask, char *out, size_t size);
int well_formed(const char *text);

#endif /* KNOB_MODEL_H */
