// SPDX-License-Identifier: MIT
/*
 * t_iommu_life: DMA buffers behind the IOMMU when their device goes away
 * (the --iommu boot; the last test there: it removes the edu).
 *
 *  3. Hot-removal (sysfs remove) with buffers locked and mapped: removal
 *     must take every mapping with it, the process's later unlock and
 *     close must be clean.  The agent of before left the buffers mapped
 *     for the device and oopsed in __free_pages at close, after the
 *     device's IOMMU domain was gone.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <udrv_abi.h>

#include "common/tap.h"

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_armed;

static void on_fault(int sig)
{
	(void)sig;
	if (fault_armed)
		siglongjmp(fault_jmp, 1);
	_exit(99);
}

static bool read_faults(volatile uint8_t *p)
{
	bool faulted = true;

	if (!sigsetjmp(fault_jmp, 1)) {
		fault_armed = 1;
		(void)*p;
		faulted = false;
	}
	fault_armed = 0;
	return faulted;
}

static long dma_buffers(void)
{
	FILE *f = fopen("/sys/bus/pci/drivers/udrv/dma_stats", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "buffers %ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

static void test_remove(WD_PCI_SLOT slot)
{
	static uint8_t sg[8 * 4096] __attribute__((aligned(4096)));
	struct udrv_dma_page pg[16];
	struct udrv_dma_lock c, s;
	long before = dma_buffers();
	char path[96];
	uint32_t h;
	uint8_t *cmap;
	volatile uint8_t *bar;
	int fd, ok;

	if (WD_Open(&fd) || WD_CardRegister(fd, slot, 0, &h)) {
		tap_ok(false, "defect 3: register the edu");
		return;
	}
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.hcard = h;
	c.options = UDRV_DMA_CONTIG;
	c.bytes = 4 * 4096;
	c.num_pages = 16;
	c.pages = (uintptr_t)pg;
	s = c;
	s.options = UDRV_DMA_FROM_DEVICE;
	s.user_addr = (uintptr_t)sg;
	s.bytes = sizeof(sg);
	memset(sg, 1, sizeof(sg));
	ok = !ioctl(fd, UDRV_IOC_DMA_LOCK, &c) && !ioctl(fd, UDRV_IOC_DMA_LOCK, &s);
	cmap = mmap(NULL, c.bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		    (off_t)c.mmap_offset);
	bar = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd,
		   (off_t)UDRV_MMAP_OFFSET(h, 0));
	if (!tap_ok(ok && cmap != MAP_FAILED && bar != MAP_FAILED,
		    "defect 3: contiguous and SG buffers locked, buffer and BAR mapped"))
		return;
	cmap[0] = 1;
	(void)bar[0];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/remove",
		 slot_str(slot));
	tap_ok(!sysfs_write(path, "1"), "defect 3: %s removed while in use",
	       slot_str(slot));
	tap_ok(read_faults(cmap) && read_faults(bar),
	       "defect 3: the buffer's and the BAR's mappings went with the device");
	{
		struct udrv_dma_op op = { .size = sizeof(op), .hdma = c.hdma };

		int r = ioctl(fd, UDRV_IOC_DMA_UNLOCK, &op);

		tap_ok(!r, "defect 3: unlock after removal is clean (%s)",
		       r ? strerror(errno) : "0");
	}
	munmap(cmap, c.bytes);
	munmap((void *)bar, 4096);
	/* The SG buffer is left to close. */
	close(fd);
	tap_ok(dma_buffers() == before,
	       "defect 3: close after removal freed everything (buffers %ld -> %ld)",
	       before, dma_buffers());
	/* Back on the bus (unbound) for whatever runs next. */
	sysfs_write("/sys/bus/pci/rescan", "1");
}

int main(void)
{
	struct sigaction sa;
	WDC_DEVICE_HANDLE d;
	WD_PCI_SLOT slot;

	tap_init("t_iommu_life");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, &slot, 1) < 1 ||
	    !(d = open_nth(EDU_VENDOR, EDU_DEVICE, 0))) {
		tap_ok(false, "open edu: %s", WDC_GetLastErrStr());
		return tap_done();
	}
	WDC_PciDeviceClose(d);
	test_remove(slot);
	WDC_DriverClose();
	return tap_done();
}
