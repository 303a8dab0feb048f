// SPDX-License-Identifier: MIT
#include "edu_dma.h"

#include <fcntl.h>
#include <unistd.h>

uint32_t edu_dma(WDC_DEVICE_HANDLE dev, uint64_t ram, uint32_t off,
		 uint32_t len, bool to_ram, WD_INTERRUPT *intr)
{
	uint32_t cmd = 1 | (to_ram ? 2 : 0) | (intr ? 4 : 0), v = 1;
	uint64_t dev_addr = EDU_DMA_BASE + off;
	int i;

	if (!len || off + len > EDU_DMA_MAX)
		return WD_INVALID_PARAMETER;
	WDC_WriteAddr64(dev, 0, 0x80, to_ram ? dev_addr : ram);
	WDC_WriteAddr64(dev, 0, 0x88, to_ram ? ram : dev_addr);
	WDC_WriteAddr64(dev, 0, 0x90, len);
	WDC_WriteAddr64(dev, 0, 0x98, cmd);
	if (intr) {
		uint32_t st = WD_IntWait(WDC_GetWDHandle(), intr, 5000);

		WDC_ReadAddr32(dev, 0, 0x24, &v);
		WDC_WriteAddr32(dev, 0, 0x64, 0x100);
		return st ? st : (v & 0x100) ? 0 : WD_OPERATION_FAILED;
	}
	/* ~100 ms per transfer in QEMU: poll gently, give up after 5 s */
	for (i = 0; i < 5000 && (v & 1); i++) {
		usleep(1000);
		WDC_ReadAddr32(dev, 0, 0x98, &v);
	}
	return (v & 1) ? WD_TIME_OUT : 0;
}

uint32_t edu_dma_list(WDC_DEVICE_HANDLE dev, const WD_DMA *dma, uint32_t off,
		      bool to_ram)
{
	uint32_t i, st;

	for (i = 0; i < dma->num_pages; i++) {
		st = edu_dma(dev, dma->pages[i].bus_addr, off,
			     (uint32_t)dma->pages[i].length, to_ram, NULL);
		if (st)
			return st;
		off += (uint32_t)dma->pages[i].length;
	}
	return 0;
}

uint64_t phys_of(const void *p)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t ent = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &ent, 8, ((uintptr_t)p / pg) * 8) != 8)
		ent = 0;
	close(fd);
	if (!(ent & (1ULL << 63)))
		return 0;
	return (ent & ((1ULL << 55) - 1)) * pg + (uintptr_t)p % pg;
}
