// SPDX-License-Identifier: MIT
/*
 * t_dmaoverlap: a scatter-gather lock that would give a device a second
 * writable mapping of a CPU cache line is refused with
 * WD_RESOURCE_OVERLAP, whoever holds the first (this buffer, another
 * buffer, another device, another process), at the exact edge of a line;
 * buffers the device only reads may overlap; a line is free again once
 * its buffer is unlocked or its owner killed.  Before the agent checked
 * this, such locks succeeded, and DMA-API debugging warned
 * "overlapping mappings aren't supported".  No DMA runs here: the
 * masks are set wide only so that the lock's other checks pass.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"

#define LINE 64		/* x86's L1_CACHE_BYTES, the agent's unit */

static WD_DMA *lock(WDC_DEVICE_HANDLE d, void *p, uint32_t bytes,
		    uint32_t dir, uint32_t *st)
{
	WD_DMA *dma = NULL;

	*st = WDC_DMASGBufLock(d, p, dir, bytes, &dma);
	return *st ? NULL : dma;
}

/* Locks; expects `want`; unlocks what it got.  Returns whether it matched. */
static bool try_lock(WDC_DEVICE_HANDLE d, void *p, uint32_t bytes,
		     uint32_t dir, uint32_t want, const char *what)
{
	uint32_t st;
	WD_DMA *dma = lock(d, p, bytes, dir, &st);
	bool ok = tap_status(st, want, "%s", what);

	if (dma)
		WDC_DMABufUnlock(dma);
	return ok;
}

static void dma_stats(long *buffers, long *pinned)
{
	FILE *f = fopen("/sys/bus/pci/drivers/udrv/dma_stats", "r");

	*buffers = *pinned = -1;
	if (f) {
		if (fscanf(f, "buffers %ld pinned_pages %ld", buffers,
			   pinned) != 2)
			*buffers = *pinned = -1;
		fclose(f);
	}
}

static WDC_DEVICE_HANDLE open_slot(WD_PCI_SLOT s)
{
	WD_PCI_CARD_INFO info;
	WDC_DEVICE_HANDLE d = NULL;

	memset(&info, 0, sizeof(info));
	info.slot = s;
	if (WDC_PciGetDeviceInfo(&info) || WDC_PciDeviceOpen(&d, &info, NULL) ||
	    WDC_DMASetMask(d, 64))
		return NULL;
	return d;
}

/* Within one buffer's page: the last line it holds, and the next. */
static void test_edges(WDC_DEVICE_HANDLE d, uint8_t *pg)
{
	uint32_t st;
	WD_DMA *a = lock(d, pg, 100, WD_DMA_FROM_DEVICE, &st);

	/* bytes 0..99: lines 0 and 1 */
	if (!tap_status(st, WD_STATUS_SUCCESS, "lock bytes 0..99 from device"))
		return;
	try_lock(d, pg, 100, WD_DMA_TO_FROM_DEVICE, WD_RESOURCE_OVERLAP,
		 "the same bytes again, both ways: refused");
	tap_ok(strstr(WDC_GetLastErrStr(), "cache line") != NULL,
	       "the message names the cache line: %s", WDC_GetLastErrStr());
	try_lock(d, pg + 2 * LINE - 1, 1, WD_DMA_FROM_DEVICE,
		 WD_RESOURCE_OVERLAP,
		 "1 byte in the last line the first holds (byte 127): refused");
	try_lock(d, pg + 2 * LINE, 1, WD_DMA_FROM_DEVICE, WD_STATUS_SUCCESS,
		 "1 byte in the next line (byte 128), same page: locked");
	try_lock(d, pg + 64, 64, WD_DMA_TO_DEVICE, WD_STATUS_SUCCESS,
		 "line 1 for the device to read: locked (reads may overlap)");
	WDC_DMABufUnlock(a);
	try_lock(d, pg, 100, WD_DMA_TO_FROM_DEVICE, WD_STATUS_SUCCESS,
		 "after the unlock, the same bytes both ways: locked");
}

/* Across pages: a second buffer over the first's last page. */
static void test_pages(WDC_DEVICE_HANDLE d, uint8_t *buf, long pgsz)
{
	uint32_t st;
	WD_DMA *a = lock(d, buf, 3 * pgsz, WD_DMA_TO_FROM_DEVICE, &st);
	WD_DMA *r1, *r2;

	if (!tap_status(st, WD_STATUS_SUCCESS, "lock 3 pages both ways"))
		return;
	try_lock(d, buf + 3 * pgsz - 1, pgsz, WD_DMA_FROM_DEVICE,
		 WD_RESOURCE_OVERLAP,
		 "a page-long buffer from the first's last byte: refused");
	try_lock(d, buf + 3 * pgsz, pgsz, WD_DMA_FROM_DEVICE,
		 WD_STATUS_SUCCESS,
		 "a page-long buffer from the byte after: locked");
	WDC_DMABufUnlock(a);

	/* two buffers the device only reads, and then one it writes */
	r1 = lock(d, buf, 2 * pgsz, WD_DMA_TO_DEVICE, &st);
	r2 = lock(d, buf + pgsz, 2 * pgsz, WD_DMA_TO_DEVICE, &st);
	tap_ok(r1 && r2, "two overlapping buffers the device reads: locked");
	try_lock(d, buf + 10, pgsz, WD_DMA_FROM_DEVICE, WD_STATUS_SUCCESS,
		 "and one it writes over both: locked");
	if (r1)
		WDC_DMABufUnlock(r1);
	if (r2)
		WDC_DMABufUnlock(r2);
}

/* One page mapped twice, back to back: a buffer overlapping itself. */
static void test_self(WDC_DEVICE_HANDLE d, long pgsz)
{
	FILE *f = tmpfile();
	uint8_t *p = MAP_FAILED;

	if (f && !ftruncate(fileno(f), pgsz))
		p = mmap(NULL, 2 * pgsz, PROT_READ | PROT_WRITE,
			 MAP_SHARED, fileno(f), 0);
	if (p != MAP_FAILED &&
	    mmap(p + pgsz, pgsz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fileno(f), 0) == MAP_FAILED) {
		munmap(p, 2 * pgsz);
		p = MAP_FAILED;
	}
	if (!tap_ok(p != MAP_FAILED, "a page mapped twice, back to back")) {
		if (f)
			fclose(f);
		return;
	}
	p[0] = 1;
	tap_ok(p[pgsz] == 1, "both views show one page");
	try_lock(d, p, 2 * pgsz, WD_DMA_FROM_DEVICE, WD_RESOURCE_OVERLAP,
		 "both views as one buffer from the device: refused");
	try_lock(d, p, 2 * pgsz, WD_DMA_TO_DEVICE, WD_STATUS_SUCCESS,
		 "both views for the device to read: locked");
	munmap(p, 2 * pgsz);
	fclose(f);
}

/*
 * Another process, through its own handle, on another device: forked
 * before this one opens the agent, so that it shares nothing with it.
 * It locks line 1 of a shared page and waits to be killed.
 */
static pid_t start_other(WD_PCI_SLOT other, uint8_t *shm)
{
	int pfd[2];
	pid_t pid;
	char c = 0;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		WDC_DEVICE_HANDLE o;
		uint32_t st;

		close(pfd[0]);
		c = 'x';
		if (!WDC_DriverOpen()) {
			o = open_slot(other);
			if (o && lock(o, shm + LINE, LINE, WD_DMA_FROM_DEVICE,
				      &st))
				c = 'l';
		}
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (pid > 0 && read(pfd[0], &c, 1) != 1)
		c = 0;
	close(pfd[0]);
	tap_ok(c == 'l', "a child locks line 1 of a shared page, on %s",
	       slot_str(other));
	if (pid <= 0)
		return 0;
	return c == 'l' ? pid : -pid;	/* negative: to kill, not to test */
}

/* Its lines are refused to this one while it lives, free once killed. */
static void test_other(WDC_DEVICE_HANDLE d, pid_t pid, uint8_t *shm,
		       long pgsz)
{
	int ws;

	if (pid > 0) {
		try_lock(d, shm, pgsz, WD_DMA_FROM_DEVICE,
			 WD_RESOURCE_OVERLAP,
			 "the whole page, here, on another device: refused");
		try_lock(d, shm, LINE, WD_DMA_FROM_DEVICE, WD_STATUS_SUCCESS,
			 "line 0 only: locked");
	}
	if (pid) {
		kill(pid < 0 ? -pid : pid, SIGKILL);
		waitpid(pid < 0 ? -pid : pid, &ws, 0);
	}
	try_lock(d, shm, pgsz, WD_DMA_FROM_DEVICE, WD_STATUS_SUCCESS,
		 "after SIGKILL of the child: the whole page locked");
}

int main(void)
{
	long pgsz = sysconf(_SC_PAGESIZE), b0, p0, b1, p1;
	WD_PCI_SLOT slots[8], s64 = { 0 }, other = { 0 };
	bool have64 = false, have_other = false;
	WDC_DEVICE_HANDLE d;
	uint8_t *buf, *shm;
	uint32_t i, n;
	pid_t child;

	tap_init("t_dmaoverlap");
	/* scanned, then closed: the child below must not inherit the file */
	n = WDC_DriverOpen() ? 0 : find_bound(EDU_VENDOR, EDU_DEVICE, slots, 8);
	WDC_DriverClose();
	for (i = 0; i < n; i++) {
		if (slots[i].slot == 9 && !have64) {
			s64 = slots[i];
			have64 = true;
		} else if (slots[i].slot != 9 && !have_other) {
			other = slots[i];
			have_other = true;
		}
	}
	if (!tap_ok(have64 && have_other, "two edu devices, one at slot 9"))
		return tap_done();
	dma_stats(&b0, &p0);
	buf = aligned_alloc(pgsz, 4 * pgsz);
	shm = mmap(NULL, pgsz, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(buf && shm != MAP_FAILED, "buffers"))
		return tap_done();
	memset(buf, 0, 4 * pgsz);
	shm[0] = 0;	/* one page, the same in both processes */
	child = start_other(other, shm);
	if (!tap_ok(!WDC_DriverOpen(), "driver open"))
		return tap_done();
	d = open_slot(s64);
	if (!tap_ok(d != NULL, "open %s with a 64-bit mask: %s",
		    slot_str(s64), WDC_GetLastErrStr()))
		return tap_done();
	test_edges(d, buf);
	test_pages(d, buf, pgsz);
	test_self(d, pgsz);
	test_other(d, child, shm, pgsz);
	WDC_PciDeviceClose(d);
	WDC_DriverClose();
	dma_stats(&b1, &p1);
	tap_ok(b1 == b0 && p1 == p0,
	       "nothing left locked or pinned (buffers %ld->%ld, pages %ld->%ld)",
	       b0, b1, p0, p1);
	munmap(shm, pgsz);
	free(buf);
	return tap_done();
}
