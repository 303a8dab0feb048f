// SPDX-License-Identifier: MIT
/*
 * t_m32: built with -m32 (the Makefile's static32 rule): the agent serves
 * 64-bit programs only, and a 32-bit one must learn it cleanly at WD_Open:
 * WD_INCORRECT_VERSION and a message that says why, not a half-working
 * driver.  Each ioctl is refused with ENOEXEC.
 *
 * `t_m32 mmap FD HCARD` is the mmap case, run by t_abi: a 64-bit parent
 * registered a card on FD and exec'd this program, which tries to map the
 * card's BAR 0.  Exit status 0 if refused with ENOEXEC, 1 if it mapped,
 * 2 on another error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../common/tap.h"

_Static_assert(sizeof(void *) == 4, "t_m32 must be built with -m32");

static int mmap_case(int fd, uint32_t h)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
		       (off_t)UDRV_MMAP_OFFSET(h, 0));

	if (p != MAP_FAILED)
		return 1;
	return errno == ENOEXEC ? 0 : 2;
}

int main(int argc, char **argv)
{
	struct udrv_version v;
	int hwd = -1, fd;
	uint32_t st;

	if (argc == 4 && !strcmp(argv[1], "mmap"))
		return mmap_case(atoi(argv[2]), strtoul(argv[3], NULL, 0));

	tap_init("t_m32");
	st = WD_Open(&hwd);
	tap_status(st, WD_INCORRECT_VERSION, "WD_Open from a 32-bit program");
	tap_ok(hwd == -1, "... leaves no handle");
	tap_ok(strstr(WDC_GetLastErrStr(), "32-bit") != NULL,
	       "... and says why: %s", WDC_GetLastErrStr());

	fd = open(UDRV_DEVICE_PATH, O_RDWR);
	if (tap_ok(fd >= 0, "the device node opens")) {
		memset(&v, 0, sizeof(v));
		v.size = sizeof(v);
		errno = 0;
		tap_ok(ioctl(fd, UDRV_IOC_VERSION, &v) < 0 && errno == ENOEXEC,
		       "a raw ioctl gets ENOEXEC");
		close(fd);
	}
	return tap_done();
}
