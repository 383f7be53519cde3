// SPDX-License-Identifier: GPL-2.0
/*
 * guest-exit pass|fail: leave QEMU through isa-debug-exit (port 0xf4).
 * QEMU exits with (value << 1) | 1, which the host maps back to the
 * guest's verdict: 0x10 -> 33 (pass), 0x11 -> 35 (fail).
 */
#include <stdio.h>
#include <string.h>
#include <sys/io.h>

int main(int argc, char **argv)
{
	unsigned char v;

	if (argc != 2 || (strcmp(argv[1], "pass") && strcmp(argv[1], "fail"))) {
		fprintf(stderr, "usage: guest-exit pass|fail\n");
		return 2;
	}
	v = strcmp(argv[1], "pass") ? 0x11 : 0x10;
	if (ioperm(0xf4, 4, 1)) {
		perror("guest-exit: ioperm");
		return 1;
	}
	outb(v, 0xf4);
	perror("guest-exit: still running after isa-debug-exit");
	return 1;
}
