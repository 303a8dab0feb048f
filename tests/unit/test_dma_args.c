// SPDX-License-Identifier: MIT
/*
 * Argument validation of the DMA calls without a kernel: wrong arguments
 * fail with the right status and a message before any ioctl, and a
 * right one reaches the agent.  Also the chunk plan of `udrvctl dma`.
 */
#include <errno.h>
#include <stdlib.h>
#include "tap.h"
#include "../../tools/udrvctl/dma_plan.h"

#define FAKE_FD 1000	/* never opened: the ioctl hook answers */

static int ioctls;

static int count_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd, (void)req, (void)arg;
	ioctls++;
	errno = ENOTTY;
	return -1;
}

static void sg(WD_DMA *d, void *buf, uint64_t bytes, WD_DMA_PAGE *pages,
	       uint32_t n)
{
	memset(d, 0, sizeof(*d));
	d->user_addr = buf;
	d->bytes = bytes;
	d->options = WD_DMA_TO_FROM_DEVICE;
	d->pages = pages;
	d->num_pages = n;
}

static void test_wd_lock(void)
{
	static char buf[8192];
	WD_DMA_PAGE pages[4];
	WD_DMA d;

	ioctls = 0;
	udrv_test_ioctl = count_ioctl;
	sg(&d, buf, 100, pages, 4);
	is_status(WD_DMALock(-1, 1, &d), WD_INVALID_HANDLE,
		  "WD_DMALock(hWD -1)");
	is_status(WD_DMALock(FAKE_FD, 0, &d), WD_INVALID_HANDLE,
		  "WD_DMALock(hCard 0)");
	is_status(WD_DMALock(FAKE_FD, 1, NULL), WD_INVALID_PARAMETER,
		  "WD_DMALock(dma NULL)");
	ok(err_has("dma is NULL"), "... names the argument");
	d.options = 0x30;
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_INVALID_PARAMETER,
		  "WD_DMALock(unknown options 0x30)");
	ok(err_has("unknown options 0x30") && err_has("WD_DMA_FROM_DEVICE"),
	   "... shows them and the known ones");
	d.options = WD_DMA_TO_DEVICE;
	d.bytes = 0;
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_INVALID_PARAMETER,
		  "WD_DMALock(0 bytes)");
	d.bytes = UDRV_MAX_DMA_SG + 1;
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_OUT_OF_RANGE,
		  "WD_DMALock(scatter-gather, 4 GiB + 1)");
	ok(err_has("at most 4096 MiB"), "... says the limit");
	d.options = DMA_KERNEL_BUFFER_ALLOC;
	d.bytes = UDRV_MAX_DMA_CONTIG + 1;
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_OUT_OF_RANGE,
		  "WD_DMALock(contiguous, 64 MiB + 1)");
	ok(err_has("a contiguous buffer has at most 64 MiB"),
	   "... says the limit");
	d.options = 0;
	d.bytes = 100;
	d.user_addr = NULL;
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_INVALID_PARAMETER,
		  "WD_DMALock(scatter-gather, user_addr NULL)");
	ok(err_has("user_addr is NULL"), "... says so");
	d.user_addr = (void *)(UINTPTR_MAX - 10);
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_INVALID_PARAMETER,
		  "WD_DMALock(buffer wrapping around the address space)");
	ok(err_has("wraps around"), "... says so");
	sg(&d, buf, 100, NULL, 3);
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_INVALID_PARAMETER,
		  "WD_DMALock(num_pages 3, pages NULL)");
	memset(&d, 0, sizeof(d));
	d.options = DMA_KERNEL_BUFFER_ALLOC;
	d.bytes = 4096;
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_INSUFFICIENT_RESOURCES,
		  "WD_DMALock(contiguous, room for 0 entries)");
	ok(d.num_pages == 1 && d.hDma == 0 && !d.user_addr,
	   "... num_pages says 1, nothing locked or mapped");
	ok(ioctls == 0, "no argument error reached the agent (%d ioctls)",
	   ioctls);

	sg(&d, buf + 10, 5000, pages, 4);
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_NOT_IMPLEMENTED,
		  "a valid scatter-gather lock reaches the agent (ENOTTY here)");
	ok(ioctls == 1 && d.hDma == 0 && d.num_pages == 4,
	   "... once, and leaves the WD_DMA unlocked");
	sg(&d, NULL, 1, NULL, 0);
	d.options = DMA_KERNEL_BUFFER_ALLOC | WD_DMA_FROM_DEVICE |
		    DMA_ALLOW_64BIT_ADDRESS;
	d.pages = pages;
	d.num_pages = 1;
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_NOT_IMPLEMENTED,
		  "a valid contiguous lock (1 byte, all options) reaches the agent");
	ok(ioctls == 2, "... once");
	sg(&d, buf, 1, NULL, 0);
	is_status(WD_DMALock(FAKE_FD, 1, &d), WD_NOT_IMPLEMENTED,
		  "a scatter-gather lock with no list asks the agent how many entries");
	udrv_test_ioctl = NULL;
}

static void test_wd_other(void)
{
	WD_DMA d;

	ioctls = 0;
	udrv_test_ioctl = count_ioctl;
	memset(&d, 0, sizeof(d));
	d.hDma = 5;
	is_status(WD_DMAUnlock(-1, &d), WD_INVALID_HANDLE,
		  "WD_DMAUnlock(hWD -1)");
	is_status(WD_DMAUnlock(FAKE_FD, NULL), WD_INVALID_HANDLE,
		  "WD_DMAUnlock(NULL)");
	d.hDma = 0;
	is_status(WD_DMAUnlock(FAKE_FD, &d), WD_INVALID_HANDLE,
		  "WD_DMAUnlock(hDma 0: never locked or unlocked already)");
	ok(err_has("hDma is 0") && err_has("not locked"), "... says so");
	is_status(WD_DMASyncCpu(-1, &d), WD_INVALID_HANDLE,
		  "WD_DMASyncCpu(hWD -1)");
	is_status(WD_DMASyncCpu(FAKE_FD, NULL), WD_INVALID_HANDLE,
		  "WD_DMASyncCpu(NULL)");
	is_status(WD_DMASyncCpu(FAKE_FD, &d), WD_INVALID_HANDLE,
		  "WD_DMASyncCpu(hDma 0)");
	is_status(WD_DMASyncIo(-1, &d), WD_INVALID_HANDLE,
		  "WD_DMASyncIo(hWD -1)");
	is_status(WD_DMASyncIo(FAKE_FD, NULL), WD_INVALID_HANDLE,
		  "WD_DMASyncIo(NULL)");
	is_status(WD_DMASyncIo(FAKE_FD, &d), WD_INVALID_HANDLE,
		  "WD_DMASyncIo(hDma 0)");
	is_status(WD_SetDmaMask(-1, 1, 32), WD_INVALID_HANDLE,
		  "WD_SetDmaMask(hWD -1)");
	is_status(WD_SetDmaMask(FAKE_FD, 0, 32), WD_INVALID_HANDLE,
		  "WD_SetDmaMask(hCard 0)");
	is_status(WD_SetDmaMask(FAKE_FD, 1, 11), WD_INVALID_PARAMETER,
		  "WD_SetDmaMask(11 bits)");
	ok(err_has("11 address bits: 12 to 64"), "... says the range");
	is_status(WD_SetDmaMask(FAKE_FD, 1, 65), WD_INVALID_PARAMETER,
		  "WD_SetDmaMask(65 bits)");
	ok(ioctls == 0, "no argument error reached the agent (%d ioctls)",
	   ioctls);
	d.hDma = 3;
	d.bytes = 4096;
	d.options = DMA_KERNEL_BUFFER_ALLOC;
	is_status(WD_DMASyncCpuRange(FAKE_FD, &d, 4096, 1),
		  WD_INVALID_PARAMETER, "WD_DMASyncCpuRange past the end");
	ok(err_has("[4096, +1) is outside the 4096-byte buffer"),
	   "... says the range and the size");
	is_status(WD_DMASyncIoRange(FAKE_FD, &d, 4000, 97),
		  WD_INVALID_PARAMETER, "WD_DMASyncIoRange across the end");
	is_status(WD_DMASyncCpuRange(FAKE_FD, &d, 4000, 96),
		  WD_STATUS_SUCCESS, "WD_DMASyncCpuRange up to the end");
	is_status(WD_DMASyncCpu(FAKE_FD, &d), WD_STATUS_SUCCESS,
		  "WD_DMASyncCpu of a contiguous (coherent) buffer");
	is_status(WD_DMASyncIo(FAKE_FD, &d), WD_STATUS_SUCCESS,
		  "WD_DMASyncIo of a contiguous (coherent) buffer");
	ok(ioctls == 0, "... need no ioctl");
	d.options = 0;
	is_status(WD_DMASyncCpu(FAKE_FD, &d), WD_NOT_IMPLEMENTED,
		  "WD_DMASyncCpu of a scatter-gather buffer asks the agent");
	is_status(WD_SetDmaMask(FAKE_FD, 1, 64), WD_NOT_IMPLEMENTED,
		  "WD_SetDmaMask(64) asks the agent");
	is_status(WD_DMAUnlock(FAKE_FD, &d), WD_NOT_IMPLEMENTED,
		  "WD_DMAUnlock of a locked-looking buffer asks the agent");
	ok(ioctls == 3 && d.hDma == 3,
	   "... one ioctl each; a failed unlock keeps hDma");
	udrv_test_ioctl = NULL;
}

static void test_wdc(void)
{
	static char mem[8192];
	uint32_t bar0[64];
	WDC_DEVICE_HANDLE dev = udrv_test_fake_device(bar0, sizeof(bar0));
	WD_DMA *dma = (WD_DMA *)1, mine;
	void *buf = (void *)1;

	ioctls = 0;
	udrv_test_ioctl = count_ioctl;
	is_status(WDC_DMAContigBufLock(NULL, &buf, 0, 4096, &dma),
		  WD_INVALID_HANDLE, "WDC_DMAContigBufLock(NULL device)");
	ok(dma == NULL && buf == NULL, "... clears *buf and *dma");
	is_status(WDC_DMAContigBufLock(dev, NULL, 0, 4096, &dma),
		  WD_INVALID_PARAMETER, "WDC_DMAContigBufLock(buf NULL)");
	is_status(WDC_DMAContigBufLock(dev, &buf, 0, 4096, NULL),
		  WD_INVALID_PARAMETER, "WDC_DMAContigBufLock(dma NULL)");
	is_status(WDC_DMAContigBufLock(dev, &buf, 0, 0, &dma),
		  WD_INVALID_PARAMETER, "WDC_DMAContigBufLock(0 bytes)");
	is_status(WDC_DMAContigBufLock(dev, &buf, 0x40, 4096, &dma),
		  WD_INVALID_PARAMETER, "WDC_DMAContigBufLock(unknown option)");
	is_status(WDC_DMAContigBufLock(dev, &buf, 0, UDRV_MAX_DMA_CONTIG + 1,
				       &dma),
		  WD_OUT_OF_RANGE, "WDC_DMAContigBufLock(64 MiB + 1)");
	ok(err_has("WDC_DMAContigBufLock: 67108865 bytes"),
	   "... names the call and the size");
	is_status(WDC_DMAContigBufLock(dev, &buf, WD_DMA_TO_DEVICE, 4096,
				       &dma),
		  WD_INVALID_HANDLE,
		  "WDC_DMAContigBufLock on a device without an agent");
	ok(dma == NULL && buf == NULL, "... leaves no buffer");

	is_status(WDC_DMASGBufLock(NULL, mem, 0, 100, &dma), WD_INVALID_HANDLE,
		  "WDC_DMASGBufLock(NULL device)");
	is_status(WDC_DMASGBufLock(dev, mem, 0, 100, NULL),
		  WD_INVALID_PARAMETER, "WDC_DMASGBufLock(dma NULL)");
	is_status(WDC_DMASGBufLock(dev, NULL, 0, 100, &dma),
		  WD_INVALID_PARAMETER, "WDC_DMASGBufLock(buf NULL)");
	is_status(WDC_DMASGBufLock(dev, mem, 0, 0, &dma),
		  WD_INVALID_PARAMETER, "WDC_DMASGBufLock(0 bytes)");
	is_status(WDC_DMASGBufLock(dev, mem, DMA_KERNEL_BUFFER_ALLOC, 100,
				   &dma), WD_INVALID_PARAMETER,
		  "WDC_DMASGBufLock(DMA_KERNEL_BUFFER_ALLOC)");
	ok(err_has("WDC_DMAContigBufLock"), "... points to WDC_DMAContigBufLock");
	if (sizeof(size_t) > 4)
		is_status(WDC_DMASGBufLock(dev, mem, 0,
					   (size_t)UDRV_MAX_DMA_SG + 1, &dma),
			  WD_OUT_OF_RANGE, "WDC_DMASGBufLock(4 GiB + 1)");
	else
		skip("32-bit size_t", "WDC_DMASGBufLock(4 GiB + 1)");
	is_status(WDC_DMASGBufLock(dev, mem, 0, 100, &dma), WD_INVALID_HANDLE,
		  "WDC_DMASGBufLock on a device without an agent");

	is_status(WDC_DMABufUnlock(NULL), WD_INVALID_HANDLE,
		  "WDC_DMABufUnlock(NULL)");
	memset(&mine, 0, sizeof(mine));
	mine.hDma = 9;
	is_status(WDC_DMABufUnlock(&mine), WD_INVALID_HANDLE,
		  "WDC_DMABufUnlock of a WD_DMA the library did not allocate");
	ok(err_has("not a buffer of WDC_DMAContigBufLock or WDC_DMASGBufLock"),
	   "... says so");
	is_status(WDC_DMASyncCpu(NULL), WD_INVALID_HANDLE,
		  "WDC_DMASyncCpu(NULL)");
	is_status(WDC_DMASyncIo(NULL), WD_INVALID_HANDLE,
		  "WDC_DMASyncIo(NULL)");
	is_status(WDC_DMASyncCpu(&mine), WD_INVALID_HANDLE,
		  "WDC_DMASyncCpu before WDC_DriverOpen");
	ok(err_has("WDC_DriverOpen"), "... says to call WDC_DriverOpen");
	is_status(WDC_DMASetMask(NULL, 28), WD_INVALID_HANDLE,
		  "WDC_DMASetMask(NULL device)");
	is_status(WDC_DMASetMask(dev, 28), WD_INVALID_HANDLE,
		  "WDC_DMASetMask on a device without an agent");
	ok(ioctls == 0, "nothing reached the agent (%d ioctls)", ioctls);
	udrv_test_ioctl = NULL;
	WDC_PciDeviceClose(dev);
}

/* Every chunk within one entry of each list, <= max, in order, complete. */
static bool plan_ok(const WD_DMA_PAGE *a, uint32_t na, const WD_DMA_PAGE *b,
		    uint32_t nb, uint64_t bytes, uint32_t max,
		    const struct ctl_dma_chunk *c, uint32_t n)
{
	uint64_t off = 0;
	uint32_t i, k;
	bool in_a, in_b;

	for (i = 0; i < n; i++) {
		if (c[i].off != off || !c[i].len || c[i].len > max)
			return false;
		in_a = in_b = false;
		for (k = 0; k < na; k++)
			in_a |= c[i].src >= a[k].bus_addr &&
				c[i].src + c[i].len <= a[k].bus_addr + a[k].length;
		for (k = 0; k < nb; k++)
			in_b |= c[i].dst >= b[k].bus_addr &&
				c[i].dst + c[i].len <= b[k].bus_addr + b[k].length;
		if (!in_a || !in_b)
			return false;
		off += c[i].len;
	}
	return off == bytes;
}

static void test_plan(void)
{
	WD_DMA_PAGE contig = { 0x120000, 4096 }, contig2 = { 0x200000, 4096 };
	WD_DMA_PAGE sg[2] = { { 0x5000c18, 1000 }, { 0x7000000, 3096 } };
	WD_DMA_PAGE sg2[3] = { { 0x9000f00, 256 }, { 0x8000000, 2048 },
			       { 0xa000000, 1792 } };
	WD_DMA_PAGE holey[3] = { { 0x1000, 100 }, { 0x3000, 0 },
				 { 0x5000, 3996 } };
	struct ctl_dma_chunk c[16];
	uint32_t n;

	n = ctl_dma_plan(&contig, 1, &contig2, 1, 4096, CTL_EDU_CHUNK, c, 16);
	ok(n == 2 && c[0].src == 0x120000 && c[0].dst == 0x200000 &&
	   c[0].len == 2048 && c[1].src == 0x120800 && c[1].dst == 0x200800 &&
	   c[1].off == 2048 && plan_ok(&contig, 1, &contig2, 1, 4096, 2048, c, n),
	   "contiguous 4096 bytes: two halves of 2048");
	n = ctl_dma_plan(sg, 2, sg, 2, 4096, CTL_EDU_CHUNK, c, 16);
	ok(n == 3 && c[0].len == 1000 && c[1].len == 2048 && c[2].len == 1048 &&
	   c[1].src == 0x7000000 && c[2].src == 0x7000800 &&
	   plan_ok(sg, 2, sg, 2, 4096, 2048, c, n),
	   "scatter-gather 1000 + 3096: chunks 1000, 2048, 1048");
	n = ctl_dma_plan(sg, 2, sg2, 3, 4096, CTL_EDU_CHUNK, c, 16);
	ok(n == 4 && c[2].len == 1304 && plan_ok(sg, 2, sg2, 3, 4096, 2048, c, n),
	   "two different lists: chunks split at the boundaries of both (%u)",
	   n);
	n = ctl_dma_plan(holey, 3, &contig, 1, 4096, CTL_EDU_CHUNK, c, 16);
	ok(n == 3 && plan_ok(holey, 3, &contig, 1, 4096, 2048, c, n),
	   "an empty entry is skipped");
	ok(ctl_dma_plan(sg, 2, &contig, 1, 5000, CTL_EDU_CHUNK, c, 16) == 0,
	   "lists shorter than the bytes to move: no plan");
	ok(ctl_dma_plan(&contig, 1, &contig2, 1, 4096, 100, c, 2) == 41 &&
	   c[1].off == 100, "more chunks than room: the count, the first ones");
	ok(ctl_dma_plan(&contig, 1, &contig2, 1, 4096, 0, c, 16) == 0,
	   "max 0: no plan");
}

int main(void)
{
	test_wd_lock();
	test_wd_other();
	test_wdc();
	test_plan();
	return tap_done();
}
