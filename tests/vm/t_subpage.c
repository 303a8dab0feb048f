// SPDX-License-Identifier: MIT
/*
 * t_subpage: BARs smaller than a page and large 64-bit prefetchable BARs,
 * on QEMU's ivshmem-plain (1af4:1110): BAR0 holds 256 bytes of registers,
 * BAR2 the shared memory.  A sub-page BAR may be mapped only if the rest
 * of its page is reserved (no other device can be placed there); either
 * way the accessors must reach it, through the mapping or by transfers.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "common/tap.h"

#define IVSHMEM_INTR_MASK 0x00

static bool iomem_has(const char *what)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/iomem", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, what) != NULL;
	fclose(f);
	return found;
}

int main(void)
{
	WDC_DEVICE_HANDLE dev;
	WD_PCI_CARD_INFO info;
	WDC_PCI_SCAN_RESULT res;
	const WD_ITEM *bar0 = NULL, *bar2 = NULL;
	uint32_t i, v = 0;
	uint64_t size = 0;
	WD_TRANSFER t;

	tap_init("t_subpage");
	if (WDC_DriverOpen() || WDC_PciScanDevices(0x1af4, 0x1110, &res) ||
	    !res.count) {
		tap_skip_provided("no ivshmem-plain in this VM");
		return tap_done();
	}
	memset(&info, 0, sizeof(info));
	info.slot = res.slot[0];
	WDC_PciGetDeviceInfo(&info);
	for (i = 0; i < info.num_items; i++) {
		if (info.item[i].type == WD_ITEM_MEM && info.item[i].bar == 0)
			bar0 = &info.item[i];
		if (info.item[i].type == WD_ITEM_MEM && info.item[i].bar == 2)
			bar2 = &info.item[i];
	}
	if (!tap_ok(bar0 && bar2, "ivshmem has BAR0 and BAR2"))
		return tap_done();
	tap_ok(bar0->length == 256, "BAR0 is 256 bytes (%llu)",
	       (unsigned long long)bar0->length);
	tap_ok(bar2->length == 1u << 20 && (bar2->flags & WD_ITEM_64BIT) &&
	       (bar2->flags & WD_ITEM_PREFETCHABLE) &&
	       (bar2->flags & WD_ITEM_MAPPABLE),
	       "BAR2: 1 MiB, 64-bit, prefetchable, mappable (flags 0x%x)",
	       bar2->flags);
	if (bar0->flags & WD_ITEM_MAPPABLE)
		tap_ok(!(bar0->phys_addr & 4095) &&
		       iomem_has("udrv sub-page reserve"),
		       "sub-page BAR0 is mappable: it starts a page and the rest of the page is reserved");
	else
		tap_diag("sub-page BAR0 at 0x%llx is not mappable: its page could not be reserved",
			 (unsigned long long)bar0->phys_addr);

	if (!tap_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_STATUS_SUCCESS,
			"open ivshmem"))
		return tap_done();
	tap_ok((WDC_GetBarPointer(dev, 0) != NULL) ==
	       !!(bar0->flags & WD_ITEM_MAPPABLE),
	       "BAR0 is mapped exactly when it is mappable");
	tap_status(WDC_WriteAddr32(dev, 0, IVSHMEM_INTR_MASK, 0x5),
		   WD_STATUS_SUCCESS, "write the interrupt mask register");
	memset(&t, 0, sizeof(t));
	t.cmd = RM_DWORD;
	t.addr = IVSHMEM_INTR_MASK;
	WD_Transfer(WDC_GetWDHandle(), WDC_GetCardHandle(dev), &t);
	tap_ok(t.data.dw == 0x5, "read back by transfer (0x%x)", t.data.dw);
	WDC_WriteAddr32(dev, 0, IVSHMEM_INTR_MASK, 0);
	tap_status(WDC_ReadAddr32(dev, 0, 256, &v), WD_OUT_OF_RANGE,
		   "offset 256 of the 256-byte BAR is out of range");
	if (bar0->flags & WD_ITEM_MAPPABLE) {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED,
			       WDC_GetWDHandle(),
			       UDRV_MMAP_OFFSET(WDC_GetCardHandle(dev), 0) + 4096);

		tap_ok(p == MAP_FAILED, "no mapping past the sub-page BAR's page");
	} else {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED,
			       WDC_GetWDHandle(),
			       UDRV_MMAP_OFFSET(WDC_GetCardHandle(dev), 0));

		tap_ok(p == MAP_FAILED,
		       "the unreserved sub-page BAR0 is refused to mmap");
	}

	tap_status(WDC_GetAddrSpaceSize(dev, 2, &size), WD_STATUS_SUCCESS,
		   "BAR2 size");
	tap_ok(size == 1u << 20, "BAR2 is 1 MiB (%llu)", (unsigned long long)size);
	{
		uint64_t q = 0, pattern[4] = { 1, 2, 3, 0xfeedfacecafef00dULL };
		uint64_t back[4] = { 0 };

		tap_status(WDC_WriteAddrBlock(dev, 2, 0xffe0, sizeof(pattern),
					      pattern, 8, 0),
			   WD_STATUS_SUCCESS, "block write into shared memory");
		memset(&t, 0, sizeof(t));
		t.cmd = RM_SQWORD;
		t.bar = 2;
		t.addr = 0xffe0;
		t.bytes = sizeof(back);
		t.data.buf = back;
		tap_status(WD_Transfer(WDC_GetWDHandle(),
				       WDC_GetCardHandle(dev), &t),
			   WD_STATUS_SUCCESS, "block read by transfer");
		tap_ok(!memcmp(pattern, back, sizeof(back)),
		       "mapping and kernel see the same memory");
		WDC_ReadAddr64(dev, 2, 0xfff8, &q);
		tap_ok(q == 0xfeedfacecafef00dULL, "64-bit read of BAR2");
	}
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return tap_done();
}
