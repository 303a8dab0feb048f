// SPDX-License-Identifier: MIT
/*
 * t_kprace: a Kernel PlugIn call reading the device while its card is
 * unregistered and the device unbound.  Reproduces, on the agent before
 * the fix, the fuzzer's "BUG: unable to handle page fault" in ioread32 <-
 * WDC_ReadAddr32 <- edu_kp_call: UNREGISTER took the KP handle off the
 * device's list before waiting for the call in progress, so the removal
 * that came next found no handle to wait for and unmapped the BARs under
 * the running call.
 *
 * Each round: one thread sends the test KP a message that watches the
 * device's PCI command register for 300 ms; meanwhile another thread
 * unregisters the card (it waits for the call), then the device is unbound
 * from udrv, which must wait too: the removal restores the command
 * register's INTx bit, and the KP reports whether it saw that happen
 * under its call (the old agent: in most rounds).  Then bound again.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/tap.h"
#include "kp/t_kp_msgs.h"

#define ROUNDS	5

static int hwd;
static uint32_t hcard, hkp;
static uint32_t call_status, call_result;
static double call_end;

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void *reader(void *arg)
{
	uint32_t ms = 300;
	WD_KERNEL_PLUGIN_CALL c;

	(void)arg;
	memset(&c, 0, sizeof(c));
	c.hKernelPlugIn = hkp;
	c.message = T_KP_WATCH_CMD;
	c.data = &ms;
	c.size = sizeof(ms);
	call_status = WD_KernelPlugInCall(hwd, &c);
	call_end = now_ms();
	call_result = c.result;
	return NULL;
}

static void *unregister(void *arg)
{
	(void)arg;
	WD_CardUnregister(hwd, hcard);
	return NULL;
}

static int rebind(const char *bdf)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	sysfs_write(path, "udrv");
	return sysfs_write("/sys/bus/pci/drivers_probe", bdf);
}

int main(void)
{
	WD_PCI_SLOT slots[2];
	pthread_t a, b;
	char bdf[16];
	int i, good = 0, unbound = 0;
	double t0, t1, t2;

	tap_init("t_kprace");
	if (system("grep -q '^t_kp_mod ' /proc/modules || insmod /lib/udrv/t_kp_mod.ko") ||
	    WD_Open(&hwd) || WDC_DriverOpen() ||
	    find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2) {
		tap_ok(false, "t_kp_mod.ko loaded, two edus bound");
		return tap_done();
	}
	snprintf(bdf, sizeof(bdf), "%s", slot_str(slots[1]));
	for (i = 0; i < ROUNDS; i++) {
		if (WD_CardRegister(hwd, slots[1], 0, &hcard) ||
		    WD_KernelPlugInOpen(hwd, hcard, T_KP_NAME, NULL, 0, &hkp))
			break;
		t0 = now_ms();
		pthread_create(&a, NULL, reader, NULL);
		usleep(20000);
		pthread_create(&b, NULL, unregister, NULL);
		usleep(20000);
		t1 = now_ms();
		unbound += sysfs_write("/sys/bus/pci/drivers/udrv/unbind",
				       bdf) == 0;
		t2 = now_ms();
		pthread_join(a, NULL);
		pthread_join(b, NULL);
		tap_diag("round %d: unbind at %.1f ms, returned at %.1f ms; the call ended at %.1f ms (status %u, result %u)",
			 i, t1 - t0, t2 - t0, call_end - t0, call_status,
			 call_result);
		/* The device stayed as it was for the whole call */
		good += !call_status && call_result == 0;
		WD_KernelPlugInClose(hwd, hkp);
		if (rebind(bdf))
			break;
		usleep(100000);
	}
	tap_ok(i == ROUNDS && unbound == ROUNDS && good == ROUNDS,
	       "%d rounds of a KP call against unregister and unbind of %s: %d unbound, the device released under %d calls",
	       i, bdf, unbound, i - good);
	tap_ok(find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) == 2,
	       "both edus bound to udrv again");
	WD_Close(hwd);
	WDC_DriverClose();
	tap_ok(system("rmmod t_kp_mod") == 0, "rmmod t_kp_mod");
	return tap_done();
}
