// SPDX-License-Identifier: MIT
/*
 * hotplug.c: from the parent, while the workers run, a bound edu goes
 * away and comes back a few times: sysfs unbind then bind, and PCI
 * remove then rescan (a new pci_dev for the same slot).  Workers see
 * EIO, zapped mappings and stopped interrupts meanwhile.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "../common/tap.h"

static bool bound(const char *bdf)
{
	char p[128], link[256];
	ssize_t n;

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(p, link, sizeof(link) - 1);
	if (n <= 0)
		return false;
	link[n] = 0;
	return strstr(link, "/udrv") != NULL;
}

static int bind(const char *bdf)
{
	char p[128];

	snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/driver_override", bdf);
	sysfs_write(p, "udrv");
	sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	return bound(bdf) ? 0 : -1;
}

bool fz_rebind_all(void)
{
	bool ok = true;

	if (access("/sys/bus/pci/rescan", W_OK) == 0)
		sysfs_write("/sys/bus/pci/rescan", "1");
	for (unsigned int i = 0; i < fz_ndevs; i++)
		if (!bound(fz_devs[i].bdf) && bind(fz_devs[i].bdf))
			ok = false;
	return ok;
}

static void nap_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Events at fixed fractions of the run (calls or time, the further one). */
void *fz_hotplug_thread(void *arg)
{
	const char *victim = NULL;
	char p[128];
	int event = 0;

	(void)arg;

	for (unsigned int i = 0; i < fz_ndevs; i++)
		if (fz_devs[i].kind == K_EDU)
			victim = fz_devs[i].bdf;	/* the last edu */
	if (!victim)
		return NULL;
	while (!atomic_load(&fz_st->stop) && event < 4) {
		if (fz_progress() < 0.2 * (event + 1)) {
			nap_ms(50);
			continue;
		}
		if ((event & 1) == 0 && !fz_skip("unbind")) {
			fz_count(OP_UNBIND, sysfs_write("/sys/bus/pci/drivers/udrv/unbind",
							victim) ? -1 : 0);
			nap_ms(200);
			fz_count(OP_REBIND, bind(victim) ? -1 : 0);
		} else if ((event & 1) && !fz_skip("remove")) {
			snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/remove", victim);
			fz_count(OP_REMOVE, sysfs_write(p, "1") ? -1 : 0);
			nap_ms(200);
			fz_count(OP_RESCAN, sysfs_write("/sys/bus/pci/rescan", "1") ? -1 : 0);
			fz_count(OP_REBIND, bind(victim) ? -1 : 0);
		}
		event++;
	}
	return NULL;
}
