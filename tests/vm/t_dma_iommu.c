// SPDX-License-Identifier: MIT
/*
 * t_dma_iommu: DMA behind the emulated Intel IOMMU (booted with --iommu):
 * round trips with contiguous and scatter-gather buffers work with the
 * IOVAs the agent returns, and a transfer programmed to memory that was
 * not locked does not reach it: the IOMMU faults and a canary page stays
 * intact.  The edu here has a 64-bit engine, so without an IOMMU the
 * same transfer would land on the canary.  Bus mastering stays on from
 * the first buffer until the owner closes the device.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "common/edu_dma.h"
#include "common/tap.h"

static bool kernel_log_has(const char *a, const char *b)
{
	static char buf[1 << 17];
	int n = klogctl(3, buf, sizeof(buf) - 1);	/* read all */

	if (n < 0)
		return false;
	buf[n] = 0;
	{
		char *line = strstr(buf, a);

		return line && strstr(line, b);
	}
}

int main(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	WDC_DEVICE_HANDLE d;
	WD_DMA *c = NULL, *s = NULL;
	uint8_t *cbuf = NULL, *src, *canary;
	uint64_t canary_phys;
	uint32_t st;
	int i;

	tap_init("t_dma_iommu");
	if (WDC_DriverOpen() || !(d = open_nth(EDU_VENDOR, EDU_DEVICE, 0))) {
		tap_ok(false, "open edu: %s", WDC_GetLastErrStr());
		return tap_done();
	}
	tap_status(WDC_DMASetMask(d, 64), WD_STATUS_SUCCESS, "64-bit mask");

	src = aligned_alloc(pg, 2 * pg);
	memset(src, 0, 2 * pg);
	for (i = 0; i < 3000; i++)
		src[1000 + i] = (uint8_t)(i * 13);
	st = WDC_DMASGBufLock(d, src + 1000, WD_DMA_TO_DEVICE, 3000, &s);
	if (!st)
		st = WDC_DMAContigBufLock(d, (void **)&cbuf, WD_DMA_FROM_DEVICE,
					  4096, &c);
	if (!tap_status(st, WD_STATUS_SUCCESS, "SG and contiguous buffers"))
		return tap_done();
	tap_diag("SG list: %u entries, first IOVA 0x%llx; contiguous at 0x%llx",
		 s->num_pages, (unsigned long long)s->pages[0].bus_addr,
		 (unsigned long long)c->pages[0].bus_addr);
	memset(cbuf, 0, 4096);
	st = edu_dma_list(d, s, 0, false);
	if (!st)
		st = edu_dma(d, c->pages[0].bus_addr, 0, 3000, true, NULL);
	WDC_DMASyncCpu(c);
	tap_ok(!st && !memcmp(src + 1000, cbuf, 3000),
	       "round trip SG -> edu -> contiguous through the IOMMU");

	/* A page that was never locked. */
	canary = aligned_alloc(pg, pg);
	memset(canary, 0xa5, pg);
	canary_phys = phys_of(canary);
	tap_ok(canary_phys != 0, "canary page at physical 0x%llx",
	       (unsigned long long)canary_phys);
	edu_dma(d, canary_phys, 0, 256, true, NULL);
	{
		bool intact = true;

		for (i = 0; i < pg; i++)
			intact &= canary[i] == 0xa5;
		tap_ok(intact, "a transfer to memory not locked left the canary intact");
	}
	tap_ok(kernel_log_has("DMAR", "fault"),
	       "the guest logged a DMAR fault for it");

	WDC_DMABufUnlock(s);
	WDC_DMABufUnlock(c);
	/*
	 * Behind an IOMMU domain of its own, bus mastering stays on between
	 * buffers (the IOMMU keeps the device out; t_iotlb checks that an
	 * unlocked buffer is out of reach at once) until the owner goes.
	 */
	{
		WD_PCI_SLOT slot;
		uint16_t cmd = 0;

		WDC_PciReadCfg16(d, 0x04, &cmd);
		tap_ok(cmd & 0x4, "bus mastering kept on with no buffer left (command 0x%04x)",
		       cmd);
		find_bound(EDU_VENDOR, EDU_DEVICE, &slot, 1);
		WDC_PciDeviceClose(d);
		cmd = 0xffff;
		WD_PciConfigDump(WDC_GetWDHandle(), slot, 0x04, &cmd, 2, false);
		tap_ok(!(cmd & 0x4), "... and off once the owner closed the device (command 0x%04x)",
		       cmd);
	}
	WDC_DriverClose();
	return tap_done();
}
