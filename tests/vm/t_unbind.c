// SPDX-License-Identifier: MIT
/*
 * t_unbind: the device is unbound from udrv (as on hot-removal) while a
 * process holds it registered and mapped.  Its mapping must be zapped
 * (SIGBUS, not a stale access), transfers must fail with
 * WD_DEVICE_REMOVED, and closing afterwards must be clean.  The device is
 * bound again at the end so later tests find it.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"

int main(void)
{
	WD_PCI_SLOT slots[2];
	char bdf[16], path[96];
	uint32_t h = 0;
	pid_t pid;
	int fd, st;

	tap_init("t_unbind");
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2) {
		tap_ok(false, "needs two bound edu devices");
		return tap_done();
	}
	snprintf(bdf, sizeof(bdf), "%s", slot_str(slots[1]));
	if (!tap_status(WD_Open(&fd), WD_STATUS_SUCCESS, "open") ||
	    !tap_status(WD_CardRegister(fd, slots[1], 0, &h), WD_STATUS_SUCCESS,
			"register the second edu"))
		return tap_done();

	{
		int gate[2], ready[2];
		char c = 0;

		/*
		 * A child maps the card through the shared file, then waits on
		 * a pipe until the parent has unbound the device.
		 */
		if (pipe(gate) || pipe(ready))
			return tap_done();
		pid = fork();
		if (pid == 0) {
			volatile uint32_t *p;

			close(gate[1]);
			close(ready[0]);
			p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
				 UDRV_MMAP_OFFSET(h, 0));
			if (p == MAP_FAILED || p[0] != 0x010000ed)
				_exit(3);
			if (write(ready[1], "m", 1) != 1 ||
			    read(gate[0], &c, 1) != 1)
				_exit(5);
			(void)p[0];
			_exit(0);
		}
		close(gate[0]);
		close(ready[1]);
		tap_ok(read(ready[0], &c, 1) == 1 && c == 'm',
		       "a child mapped the card and read it");
		tap_ok(sysfs_write("/sys/bus/pci/drivers/udrv/unbind", bdf) == 0,
		       "unbind %s while it is registered and mapped", bdf);
		if (write(gate[1], "g", 1) != 1)
			tap_diag("gate write failed");
		close(gate[1]);
		waitpid(pid, &st, 0);
		tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
		       "the mapping was zapped: access gets SIGBUS (0x%x)", st);
	}
	{
		WD_TRANSFER t;

		memset(&t, 0, sizeof(t));
		t.cmd = RM_DWORD;
		tap_status(WD_Transfer(fd, h, &t), WD_DEVICE_REMOVED,
			   "transfer on the removed card");
		tap_ok(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
			    UDRV_MMAP_OFFSET(h, 0)) == MAP_FAILED,
		       "no new mapping of the removed card");
	}
	tap_status(WD_CardUnregister(fd, h), WD_STATUS_SUCCESS,
		   "unregister the removed card");
	WD_Close(fd);

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	sysfs_write(path, "udrv");
	tap_ok(sysfs_write("/sys/bus/pci/drivers_probe", bdf) == 0,
	       "bind %s again", bdf);
	{
		WDC_DEVICE_HANDLE dev = open_nth(EDU_VENDOR, EDU_DEVICE, 1);
		uint32_t v = 0;

		bool works = dev && !WDC_ReadAddr32(dev, 0, 0, &v) &&
			     v == 0x010000ed;

		tap_ok(works, "the rebound device works (0x%x)", v);
		if (dev)
			WDC_PciDeviceClose(dev);
	}
	WDC_DriverClose();
	return tap_done();
}
