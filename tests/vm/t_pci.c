// SPDX-License-Identifier: MIT
/*
 * t_pci: scanning, card info and config-space reads against what the
 * kernel itself shows in sysfs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/tap.h"

static int read_sysfs_config(WD_PCI_SLOT s, unsigned char *buf, size_t len)
{
	char path[96];
	int fd, n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config",
		 slot_str(s));
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = pread(fd, buf, len, 0);
	close(fd);
	return n;
}

static void check_edu_info(WD_PCI_SLOT s)
{
	WD_PCI_CARD_INFO info;
	uint32_t i, bars = 0, irqs = 0;

	memset(&info, 0, sizeof(info));
	info.slot = s;
	if (!tap_status(WDC_PciGetDeviceInfo(&info), WD_STATUS_SUCCESS,
			"card info of edu %s", slot_str(s)))
		return;
	tap_ok(info.id.vendor == 0x1234 && info.id.device == 0x11e8,
	       "edu id 1234:11e8 (got %04x:%04x)", info.id.vendor,
	       info.id.device);
	tap_ok(info.revision == 0x10, "edu revision 0x10 (got 0x%x)",
	       info.revision);
	tap_ok(info.bound == 1, "edu is reported bound");
	tap_ok((info.caps & WD_CAP_MSI) && info.msi_vectors == 1 &&
	       !(info.caps & WD_CAP_MSIX) && (info.caps & WD_CAP_INTX),
	       "edu caps: INTx, MSI with 1 vector, no MSI-X (caps 0x%x, msi %u)",
	       info.caps, info.msi_vectors);
	for (i = 0; i < info.num_items; i++) {
		WD_ITEM *it = &info.item[i];

		if (it->type == WD_ITEM_MEM) {
			bars++;
			tap_ok(it->bar == 0 && it->length == 1u << 20 &&
			       !(it->flags & WD_ITEM_PREFETCHABLE) &&
			       !(it->flags & WD_ITEM_64BIT) &&
			       (it->flags & WD_ITEM_MAPPABLE),
			       "edu BAR%u: 1 MiB non-prefetchable 32-bit mappable memory (len %llu flags 0x%x)",
			       it->bar, (unsigned long long)it->length,
			       it->flags);
		} else if (it->type == WD_ITEM_INTERRUPT) {
			irqs++;
			tap_ok(it->irq >= 16, "edu IRQ %u is a routed GSI",
			       it->irq);
		} else {
			bars++;
		}
	}
	tap_ok(bars == 1 && irqs == 1, "edu has one BAR and one interrupt item");
}

int main(void)
{
	WDC_PCI_SCAN_RESULT all, edu;
	WD_PCI_SLOT slots[8];
	uint32_t i, n, checked = 0, same = 0;
	uint32_t version = 0;
	char text[64] = "";

	tap_init("t_pci");
	if (!tap_status(WDC_DriverOpen(), WD_STATUS_SUCCESS, "WDC_DriverOpen"))
		return tap_done();
	tap_status(WD_Version(WDC_GetWDHandle(), &version, text, sizeof(text)),
		   WD_STATUS_SUCCESS, "WD_Version");
	tap_ok(version == UDRV_ABI_VERSION && strstr(text, "udrv"),
	       "version %u '%s'", version, text);

	tap_status(WDC_PciScanDevices(0, 0, &all), WD_STATUS_SUCCESS,
		   "scan all devices");
	tap_ok(all.count >= 3, "scan found %u devices", all.count);
	tap_status(WDC_PciScanDevices(EDU_VENDOR, EDU_DEVICE, &edu),
		   WD_STATUS_SUCCESS, "scan 1234:11e8");
	tap_ok(edu.count >= 1, "scan finds edu (%u)", edu.count);
	for (i = 0; i < edu.count; i++)
		tap_ok(edu.id[i].vendor == EDU_VENDOR &&
		       edu.id[i].device == EDU_DEVICE,
		       "filtered scan returns only edu (%s)",
		       slot_str(edu.slot[i]));
	n = find_bound(EDU_VENDOR, EDU_DEVICE, slots, 8);
	tap_ok(n == edu.count, "every edu is bound (%u of %u)", n, edu.count);
	for (i = 0; i < n; i++)
		check_edu_info(slots[i]);

	/* Config space through udrv equals sysfs, byte for byte. */
	for (i = 0; i < all.count; i++) {
		WD_PCI_CARD_INFO info;
		unsigned char a[4096], b[4096];
		int got;

		memset(&info, 0, sizeof(info));
		info.slot = all.slot[i];
		if (WDC_PciGetDeviceInfo(&info))
			continue;
		got = read_sysfs_config(all.slot[i], b, sizeof(b));
		if (got <= 0)
			continue;
		checked++;
		if (WDC_PciReadCfgBySlot(all.slot[i], 0, a, info.cfg_size) ||
		    (uint32_t)got != info.cfg_size ||
		    memcmp(a, b, info.cfg_size)) {
			tap_diag("config of %s differs (sysfs %d bytes, cfg_size %u)",
				 slot_str(all.slot[i]), got, info.cfg_size);
			continue;
		}
		same++;
	}
	tap_ok(checked == all.count && same == checked,
	       "config space equals sysfs for %u of %u devices", same,
	       all.count);
	WDC_DriverClose();
	return tap_done();
}
