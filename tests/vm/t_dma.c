// SPDX-License-Identifier: MIT
/*
 * t_dma: DMA through udrv proven with real device DMA by QEMU's edu:
 * contiguous and scatter-gather buffers of several sizes and offsets,
 * both directions, completion by polling and by interrupt; the 28-bit
 * mask of edu's default engine honoured; an edu with a 64-bit engine
 * (at slot 9, `-device edu,addr=9,dma_mask=...`) doing scatter-gather on
 * ordinary heap memory; bad input; and no leak after SIGKILL.
 * Booted with 1 GiB and no IOMMU (t_dma_iommu covers the IOMMU).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "common/edu_dma.h"
#include "common/tap.h"

static void fill(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

static void dma_stats(long *buffers, long *pinned)
{
	FILE *f = fopen("/sys/bus/pci/drivers/udrv/dma_stats", "r");

	*buffers = *pinned = -1;
	if (f) {
		if (fscanf(f, "buffers %ld pinned_pages %ld", buffers, pinned) != 2)
			*buffers = *pinned = -1;
		fclose(f);
	}
}

static uint16_t command_reg(WDC_DEVICE_HANDLE d)
{
	uint16_t c = 0;

	WDC_PciReadCfg16(d, 0x04, &c);
	return c;
}

/* Contiguous: RAM -> device -> RAM, 4095 bytes in two transfers. */
static void test_contig(WDC_DEVICE_HANDLE d)
{
	WD_DMA *a = NULL, *b = NULL;
	uint8_t *pa = NULL, *pb = NULL;
	uint32_t st;

	tap_status(WDC_DMAContigBufLock(d, (void **)&pa, WD_DMA_TO_DEVICE, 4096,
					&a), WD_STATUS_SUCCESS,
		   "contiguous 4 KiB buffer (to device)");
	tap_status(WDC_DMAContigBufLock(d, (void **)&pb, WD_DMA_FROM_DEVICE,
					4096, &b), WD_STATUS_SUCCESS,
		   "contiguous 4 KiB buffer (from device)");
	if (!a || !b)
		return;
	tap_ok(a->num_pages == 1 && a->pages[0].length == 4096 &&
	       a->pages[0].bus_addr + 4096 <= 0x10000000 &&
	       b->pages[0].bus_addr + 4096 <= 0x10000000,
	       "one entry each, below the 28-bit mask (0x%llx, 0x%llx)",
	       (unsigned long long)a->pages[0].bus_addr,
	       (unsigned long long)b->pages[0].bus_addr);
	tap_ok(command_reg(d) & 0x4, "bus mastering on while buffers exist");
	fill(pa, 4096, 1);
	memset(pb, 0, 4096);
	WDC_DMASyncIo(a);
	st = edu_dma(d, a->pages[0].bus_addr, 0, 2048, false, NULL);
	if (!st)
		st = edu_dma(d, a->pages[0].bus_addr + 2048, 2048, 2047, false,
			     NULL);
	if (!st)
		st = edu_dma(d, b->pages[0].bus_addr, 0, 2048, true, NULL);
	if (!st)
		st = edu_dma(d, b->pages[0].bus_addr + 2048, 2048, 2047, true,
			     NULL);
	WDC_DMASyncCpu(b);
	tap_status(st, WD_STATUS_SUCCESS, "four edu transfers by polling");
	tap_ok(!memcmp(pa, pb, 4095) && pb[4095] == 0,
	       "4095 bytes came back byte for byte");

	/* Completion by the DMA-complete interrupt (0x100), MSI. */
	{
		WD_INTERRUPT in;

		memset(&in, 0, sizeof(in));
		in.options = INTERRUPT_MESSAGE;
		fill(pa, 4096, 9);
		memset(pb, 0, 4096);
		st = WD_IntEnable(WDC_GetWDHandle(), WDC_GetCardHandle(d), &in);
		if (!st)
			st = edu_dma(d, a->pages[0].bus_addr, 100, 1000, false,
				     &in);
		if (!st)
			st = edu_dma(d, b->pages[0].bus_addr, 100, 1000, true,
				     &in);
		tap_status(st, WD_STATUS_SUCCESS,
			   "two transfers completed by interrupt 0x100");
		tap_ok(!memcmp(pa, pb, 1000) && in.count == 2,
		       "data matches, two interrupts (%u)", in.count);
		WD_IntDisable(WDC_GetWDHandle(), &in);
	}
	tap_status(WDC_DMABufUnlock(a), WD_STATUS_SUCCESS, "unlock");
	tap_status(WDC_DMABufUnlock(b), WD_STATUS_SUCCESS, "unlock");
	tap_ok(!(command_reg(d) & 0x4), "bus mastering off without buffers");
}

/* Scatter-gather on heap memory with the 64-bit engine. */
static void test_sg(WDC_DEVICE_HANDLE d)
{
	static const struct { size_t off, len; const char *what; } c[] = {
		{ 0, 2048, "page-aligned 2 KiB" },
		{ 100, 300, "unaligned start, 300 bytes" },
		{ 4000, 200, "spanning two pages" },
		{ 2048, 4095, "4095 bytes over two pages" },
	};
	unsigned int i;
	long pg = sysconf(_SC_PAGESIZE);

	tap_status(WDC_DMASetMask(d, 64), WD_STATUS_SUCCESS, "64-bit mask");
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t *src = aligned_alloc(pg, 3 * pg);
		uint8_t *dst = aligned_alloc(pg, 3 * pg);
		WD_DMA *a = NULL, *b = NULL;
		uint32_t st;
		uint64_t sum = 0;
		uint32_t k;

		memset(src, 0, 3 * pg);
		memset(dst, 0, 3 * pg);
		fill(src + c[i].off, c[i].len, i + 3);
		st = WDC_DMASGBufLock(d, src + c[i].off, WD_DMA_TO_DEVICE,
				      c[i].len, &a);
		if (!st)
			st = WDC_DMASGBufLock(d, dst + (c[i].off + 13) % pg,
					      WD_DMA_FROM_DEVICE, c[i].len, &b);
		if (!tap_status(st, WD_STATUS_SUCCESS, "SG lock: %s",
				c[i].what))
			goto next;
		for (k = 0; k < a->num_pages; k++)
			sum += a->pages[k].length;
		tap_ok(sum == c[i].len && a->num_pages >= 1 &&
		       (a->pages[0].bus_addr & (pg - 1)) ==
		       (uintptr_t)(src + c[i].off) % pg,
		       "SG list of %s: %u entries, lengths add up, entry 0 keeps the in-page offset",
		       c[i].what, a->num_pages);
		WDC_DMASyncIo(a);
		st = edu_dma_list(d, a, 0, false);
		if (!st)
			st = edu_dma_list(d, b, 0, true);
		WDC_DMASyncCpu(b);
		tap_ok(!st && !memcmp(src + c[i].off,
				      dst + (c[i].off + 13) % pg, c[i].len),
		       "SG round trip of %s byte for byte", c[i].what);
next:
		if (a)
			WDC_DMABufUnlock(a);
		if (b)
			WDC_DMABufUnlock(b);
		free(src);
		free(dst);
	}
}

/* 28-bit mask, no IOMMU: a page the device cannot reach is refused. */
static void test_mask(WDC_DEVICE_HANDLE d)
{
	/* Up to 512 MiB of the 1 GiB guest, until both kinds of page show. */
	size_t len = 512u << 20, pg = sysconf(_SC_PAGESIZE), i;
	uint8_t *big = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *high = NULL, *low = NULL;
	WD_DMA *dma = NULL;
	uint32_t st;

	tap_status(WDC_DMASetMask(d, 28), WD_STATUS_SUCCESS, "28-bit mask");
	if (big == MAP_FAILED) {
		tap_skip_provided("cannot map 512 MiB to look for pages");
		return;
	}
	for (i = 0; i < len && (!high || !low); i += pg) {
		uint64_t ph;

		big[i] = 1;
		ph = phys_of(big + i);
		if (ph >= 0x10000000 && !high)
			high = big + i;
		if (ph && ph + pg <= 0x10000000 && !low)
			low = big + i;
	}
	if (high) {
		st = WDC_DMASGBufLock(d, high, WD_DMA_TO_DEVICE, pg, &dma);
		tap_status(st, WD_OUT_OF_RANGE,
			   "SG page at 0x%llx refused under a 28-bit mask",
			   (unsigned long long)phys_of(high));
		tap_ok(strstr(WDC_GetLastErrStr(), "mask") != NULL,
		       "the message names the mask: %s", WDC_GetLastErrStr());
		if (!st)
			WDC_DMABufUnlock(dma);
	} else {
		tap_skip_provided("no page above 256 MiB found");
	}
	if (low) {
		uint8_t *back = NULL;
		WD_DMA *cb = NULL;

		fill(low, 512, 77);
		st = WDC_DMASGBufLock(d, low, WD_DMA_TO_DEVICE, 512, &dma);
		if (!st)
			st = WDC_DMAContigBufLock(d, (void **)&back,
						  WD_DMA_FROM_DEVICE, 512, &cb);
		if (!st)
			st = edu_dma(d, dma->pages[0].bus_addr, 0, 512, false,
				     NULL);
		if (!st)
			st = edu_dma(d, cb->pages[0].bus_addr, 0, 512, true,
				     NULL);
		tap_ok(!st && !memcmp(low, back, 512),
		       "a page below 256 MiB works with the 28-bit engine");
		if (dma)
			WDC_DMABufUnlock(dma);
		if (cb)
			WDC_DMABufUnlock(cb);
	} else {
		/* not the harness's to provide: where the allocator put them */
		tap_skip("no page below 256 MiB found");
	}
	munmap(big, len);
}

static void test_bad(WDC_DEVICE_HANDLE d, WD_PCI_SLOT other)
{
	uint8_t buf[64];
	void *p;
	WD_DMA *dma = NULL, *many[UDRV_MAX_DMA_BUFS + 1];
	uint32_t i, st, n = 0;

	tap_status(WDC_DMASGBufLock(d, buf, WD_DMA_TO_DEVICE, 0, &dma),
		   WD_INVALID_PARAMETER, "zero size refused");
	tap_status(WDC_DMAContigBufLock(d, &p, 0, UDRV_MAX_DMA_CONTIG + 1, &dma),
		   WD_OUT_OF_RANGE, "contiguous size beyond the limit refused");
	tap_status(WDC_DMASGBufLock(d, buf, 0, UDRV_MAX_DMA_SG + 4096, &dma),
		   WD_OUT_OF_RANGE, "scatter-gather size beyond the limit refused");
	{
		struct udrv_dma_lock l;
		int fd = WDC_GetWDHandle();

		/* the kernel checks too, whatever the library lets through */
		memset(&l, 0, sizeof(l));
		l.size = sizeof(l);
		l.hcard = WDC_GetCardHandle(d);
		l.options = UDRV_DMA_CONTIG;
		l.bytes = UDRV_MAX_DMA_CONTIG + 1;
		tap_ok(ioctl(fd, UDRV_IOC_DMA_LOCK, &l) < 0 && errno == ERANGE,
		       "agent: contiguous size beyond the limit -> ERANGE");
		l.bytes = 0;
		tap_ok(ioctl(fd, UDRV_IOC_DMA_LOCK, &l) < 0 && errno == EINVAL,
		       "agent: zero size -> EINVAL");
	}
	/* Ranged sync (defect 17): checked in the library and the agent. */
	{
		static uint8_t sgb[5 * 4096 + 100];
		struct udrv_dma_op op;
		int fd = WDC_GetWDHandle();

		st = WDC_DMASGBufLock(d, sgb + 100, WD_DMA_TO_FROM_DEVICE,
				      5 * 4096, &dma);
		tap_status(st, WD_STATUS_SUCCESS, "SG buffer for ranged syncs");
		if (!st) {
			tap_status(WDC_DMASyncCpuRange(dma, 4000, 200),
				   WD_STATUS_SUCCESS,
				   "ranged sync across a page boundary");
			tap_status(WDC_DMASyncIoRange(dma, 5 * 4096 - 1, 1),
				   WD_STATUS_SUCCESS, "ranged sync of the last byte");
			tap_status(WDC_DMASyncIoRange(dma, 8192, 0),
				   WD_STATUS_SUCCESS, "ranged sync to the end");
			tap_status(WDC_DMASyncCpuRange(dma, 5 * 4096, 0),
				   WD_INVALID_PARAMETER,
				   "ranged sync starting past the end refused");
			tap_status(WDC_DMASyncCpuRange(dma, 4096, 4 * 4096 + 1),
				   WD_INVALID_PARAMETER,
				   "ranged sync running past the end refused");
			memset(&op, 0, sizeof(op));
			op.size = sizeof(op);
			op.hdma = dma->hDma;
			op.sync = UDRV_SYNC_FOR_CPU;
			op.offset = 4096;
			op.length = 4 * 4096 + 1;
			tap_ok(ioctl(fd, UDRV_IOC_DMA_SYNC, &op) < 0 &&
			       errno == ERANGE,
			       "agent: sync range past the end -> ERANGE");
			op.offset = ~0ULL;
			op.length = 2;
			tap_ok(ioctl(fd, UDRV_IOC_DMA_SYNC, &op) < 0 &&
			       errno == ERANGE,
			       "agent: sync range wrapping around -> ERANGE");
			op.sync = 0;
			op.offset = 1;
			op.length = 0;
			tap_ok(ioctl(fd, UDRV_IOC_DMA_UNLOCK, &op) < 0 &&
			       errno == EINVAL,
			       "agent: unlock with a range -> EINVAL");
			WDC_DMABufUnlock(dma);
		}
	}
	st = WDC_DMAContigBufLock(d, &p, 0, 4096, &dma);
	tap_status(WDC_DMABufUnlock(dma), WD_STATUS_SUCCESS, "unlock once");
	{
		WD_DMA copy;

		memset(&copy, 0, sizeof(copy));
		copy.hDma = 1234;
		tap_status(WD_DMAUnlock(WDC_GetWDHandle(), &copy),
			   WD_INVALID_HANDLE, "unlock of an unknown handle");
		tap_status(WD_DMASyncCpu(WDC_GetWDHandle(), &copy),
			   WD_INVALID_HANDLE, "sync of an unlocked buffer");
	}
	/* another file's buffer */
	{
		int fd2;
		uint32_t h2;
		WD_DMA theirs;
		WD_DMA_PAGE pgs[1];

		memset(&theirs, 0, sizeof(theirs));
		theirs.options = DMA_KERNEL_BUFFER_ALLOC;
		theirs.bytes = 4096;
		theirs.num_pages = 1;
		theirs.pages = pgs;
		if (!WD_Open(&fd2) && !WD_CardRegister(fd2, other, 0, &h2) &&
		    !WD_DMALock(fd2, h2, &theirs)) {
			tap_status(WD_DMAUnlock(WDC_GetWDHandle(), &theirs),
				   WD_INVALID_HANDLE,
				   "unlock of another file's buffer");
			WD_DMAUnlock(fd2, &theirs);
		} else {
			tap_ok(false, "another file locks a buffer: %s",
			       WDC_GetLastErrStr());
		}
		WD_Close(fd2);
	}
	for (i = 0; i <= UDRV_MAX_DMA_BUFS; i++) {
		many[i] = NULL;
		st = WDC_DMAContigBufLock(d, &p, 0, 4096, &many[i]);
		if (st)
			break;
		n++;
	}
	tap_ok(n == UDRV_MAX_DMA_BUFS && st == WD_INSUFFICIENT_RESOURCES,
	       "%u buffers, the next refused: %s", n, WDC_GetLastErrStr());
	tap_status(WDC_DMASetMask(d, 32), WD_RESOURCE_OVERLAP,
		   "mask change refused while buffers exist");
	for (i = 0; i < n; i++)
		WDC_DMABufUnlock(many[i]);
}

/* Without CAP_IPC_LOCK, pinned memory counts against RLIMIT_MEMLOCK. */
static void test_memlock(WD_PCI_SLOT slot)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
		struct __user_cap_data_struct c[2];
		struct rlimit rl = { 256 << 10, 256 << 10 };
		WD_PCI_CARD_INFO info;
		WDC_DEVICE_HANDLE dev;
		WD_DMA *dma = NULL;
		uint8_t *buf = malloc(1 << 20);
		uint32_t r;

		memset(buf, 1, 1 << 20);
		if (syscall(SYS_capget, &h, c))
			_exit(10);
		c[0].effective &= ~(1u << CAP_IPC_LOCK);
		c[0].permitted &= ~(1u << CAP_IPC_LOCK);
		if (syscall(SYS_capset, &h, c) || setrlimit(RLIMIT_MEMLOCK, &rl))
			_exit(11);
		memset(&info, 0, sizeof(info));
		info.slot = slot;
		if (WDC_DriverOpen() || WDC_PciGetDeviceInfo(&info) ||
		    WDC_PciDeviceOpen(&dev, &info, NULL) ||
		    WDC_DMASetMask(dev, 64))
			_exit(12);
		r = WDC_DMASGBufLock(dev, buf, WD_DMA_TO_DEVICE, 1 << 20, &dma);
		if (r != WD_INSUFFICIENT_RESOURCES)
			_exit(13);
		r = WDC_DMASGBufLock(dev, buf, WD_DMA_TO_DEVICE, 64 << 10, &dma);
		_exit(r == WD_STATUS_SUCCESS ? 0 : 14);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "without CAP_IPC_LOCK: 1 MiB over a 256 KiB RLIMIT_MEMLOCK refused, 64 KiB accepted (exit %d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

/*
 * dma_stats in absolute numbers: with nothing else holding a buffer, it
 * reads exactly 0 buffers and 0 pinned pages after an unlock and after a
 * SIGKILL (a relative check passes an unlock that never unpins, if the
 * baseline was taken with the leak already in it).
 */
static void test_unlock_stats(WDC_DEVICE_HANDLE d)
{
	long b0, p0, b1, p1;
	uint8_t *mem = malloc(1 << 20);
	WD_DMA *sg = NULL;

	dma_stats(&b0, &p0);
	tap_ok(b0 == 0 && p0 == 0,
	       "dma_stats: nothing held before (buffers %ld, pinned pages %ld)",
	       b0, p0);
	if (tap_ok(mem != NULL, "malloc 1 MiB")) {
		memset(mem, 3, 1 << 20);
		tap_status(WDC_DMASGBufLock(d, mem, WD_DMA_TO_DEVICE, 1 << 20,
					    &sg),
			   WD_STATUS_SUCCESS, "lock 1 MiB SG");
		dma_stats(&b1, &p1);
		tap_ok(b1 == 1 && p1 >= 256,
		       "dma_stats: 1 buffer, at least 256 pages pinned (%ld, %ld)",
		       b1, p1);
		if (sg)
			tap_status(WDC_DMABufUnlock(sg), WD_STATUS_SUCCESS,
				   "unlock it");
		dma_stats(&b1, &p1);
		tap_ok(b1 == 0 && p1 == 0,
		       "after unlock: exactly 0 buffers, 0 pinned pages (%ld, %ld)",
		       b1, p1);
		free(mem);
	}
}

static void test_kill(WD_PCI_SLOT slot)
{
	long b0, p0, b1, p1;
	int pfd[2], st;
	pid_t pid;
	char c = 0;

	dma_stats(&b0, &p0);
	tap_ok(b0 == 0 && p0 == 0,
	       "dma_stats: nothing held before the child (%ld, %ld)", b0, p0);
	if (pipe(pfd))
		return;
	pid = fork();
	if (pid == 0) {
		WD_PCI_CARD_INFO info;
		WDC_DEVICE_HANDLE dev;
		WD_DMA *x = NULL, *y = NULL;
		void *p;
		uint8_t *buf = malloc(8 << 20);

		memset(buf, 2, 8 << 20);
		memset(&info, 0, sizeof(info));
		info.slot = slot;
		if (WDC_DriverOpen() || WDC_PciGetDeviceInfo(&info) ||
		    WDC_PciDeviceOpen(&dev, &info, NULL) ||
		    WDC_DMASetMask(dev, 64) ||
		    WDC_DMASGBufLock(dev, buf, WD_DMA_TO_FROM_DEVICE, 8 << 20, &x) ||
		    WDC_DMAContigBufLock(dev, &p, 0, 65536, &y))
			_exit(2);
		if (write(pfd[1], "l", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		c = 0;
	close(pfd[0]);
	dma_stats(&b1, &p1);
	tap_ok(c == 'l' && b1 == b0 + 2 && p1 >= p0 + 2048,
	       "a child holds 2 buffers, 8 MiB pinned (buffers %ld->%ld, pages %ld->%ld)",
	       b0, b1, p0, p1);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	dma_stats(&b1, &p1);
	tap_ok(b1 == 0 && p1 == 0,
	       "after SIGKILL: exactly 0 buffers, 0 pinned pages (%ld, %ld)",
	       b1, p1);
}

int main(void)
{
	WDC_PCI_SCAN_RESULT res;
	WD_PCI_SLOT s28 = { 0 }, s64 = { 0 };
	WDC_DEVICE_HANDLE d28 = NULL, d64 = NULL;
	WD_PCI_CARD_INFO info;
	bool have28 = false, have64 = false;
	uint32_t i;

	tap_init("t_dma");
	if (WDC_DriverOpen() || WDC_PciScanDevices(EDU_VENDOR, EDU_DEVICE, &res)) {
		tap_ok(false, "scan: %s", WDC_GetLastErrStr());
		return tap_done();
	}
	for (i = 0; i < res.count; i++) {
		if (res.slot[i].slot == 9) {
			s64 = res.slot[i];
			have64 = true;
		} else if (!have28) {
			s28 = res.slot[i];
			have28 = true;
		}
	}
	if (!tap_ok(have28 && have64, "an edu and a 64-bit edu at slot 9"))
		return tap_done();
	memset(&info, 0, sizeof(info));
	info.slot = s28;
	if (WDC_PciGetDeviceInfo(&info) || WDC_PciDeviceOpen(&d28, &info, NULL))
		d28 = NULL;
	info.slot = s64;
	if (WDC_PciGetDeviceInfo(&info) || WDC_PciDeviceOpen(&d64, &info, NULL))
		d64 = NULL;
	if (!tap_ok(d28 && d64, "open both"))
		return tap_done();
	tap_status(WDC_DMASetMask(d28, 28), WD_STATUS_SUCCESS,
		   "28-bit mask on edu's default engine");

	test_contig(d28);
	test_mask(d28);
	WDC_PciDeviceClose(d28);	/* another file may take it now */
	test_sg(d64);
	test_bad(d64, s28);
	test_unlock_stats(d64);
	WDC_PciDeviceClose(d64);
	/*
	 * The children below open the agent themselves: with the library
	 * still open here they would inherit and share this process's
	 * /dev/udrv file, and what they lock would outlive them.
	 */
	WDC_DriverClose();
	test_memlock(s64);
	test_kill(s64);
	return tap_done();
}
