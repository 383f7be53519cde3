// SPDX-License-Identifier: GPL-2.0
/* libFuzzer target: no console output may crash or hang the triage. */
#include <stddef.h>
#include <stdint.h>

#include "triage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct findings out;

	triage_buffer((const char *)data, size, &out);
	return 0;
}
