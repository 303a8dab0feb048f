// SPDX-License-Identifier: MIT
/*
 * t_protect: the MSI-X table and pending-bit array of the e1000e (in its
 * BAR 3) may be read but not written by a user driver, by any path that
 * reaches the BARs: single and block transfers, batches, cleanup commands,
 * interrupt-time commands and writable mappings.  A write there redirects
 * the device's interrupt messages (DMA writes) anywhere; the agent used to
 * pass them.
 * Without interrupt remapping (this VM has none) they are refused with
 * WD_ACCESS_DENIED; the rest of the BAR stays writable.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "common/tap.h"

#define E1000E_VENDOR	0x8086
#define E1000E_DEVICE	0x10d3

static int hwd;
static uint32_t hcard;

static void xfer(WD_TRANSFER *t, uint32_t cmd, uint32_t bar, uint64_t addr)
{
	memset(t, 0, sizeof(*t));
	t->cmd = cmd;
	t->bar = bar;
	t->addr = addr;
}

int main(void)
{
	WD_PCI_SLOT s;
	WD_TRANSFER t, m[2];
	WD_INTERRUPT in;
	uint32_t table, pba, bar, done, buf[8];
	uint64_t toff, poff;
	uint8_t cap = 0, cfg[256];

	tap_init("t_protect");
	if (WDC_DriverOpen() || !find_bound(E1000E_VENDOR, E1000E_DEVICE, &s, 1) ||
	    WD_Open(&hwd) || WD_CardRegister(hwd, s, WD_SHARED, &hcard) ||
	    WD_PciConfigDump(hwd, s, 0, cfg, sizeof(cfg), false)) {
		tap_ok(false, "register a bound e1000e and read its config");
		return tap_done();
	}
	for (cap = cfg[0x34] & ~3u; cap && cfg[cap] != 0x11; cap = cfg[cap + 1] & ~3u)
		;
	if (!tap_ok(cap, "the e1000e has an MSI-X capability"))
		return tap_done();
	memcpy(&table, cfg + cap + 4, 4);
	memcpy(&pba, cfg + cap + 8, 4);
	bar = table & 7;
	toff = table & ~7u;
	poff = pba & ~7u;
	tap_diag("MSI-X table BAR%u + 0x%llx, PBA BAR%u + 0x%llx", bar,
		 (unsigned long long)toff, pba & 7, (unsigned long long)poff);

	xfer(&t, RM_DWORD, bar, toff);
	tap_status(WD_Transfer(hwd, hcard, &t), WD_STATUS_SUCCESS,
		   "reading the MSI-X table passes");
	t.cmd = WM_DWORD;	/* the same value back: harmless if it passes */
	tap_status(WD_Transfer(hwd, hcard, &t), WD_ACCESS_DENIED,
		   "writing the MSI-X table is refused");
	tap_diag("%s", WDC_GetLastErrStr());
	xfer(&t, RM_DWORD, pba & 7, poff);
	WD_Transfer(hwd, hcard, &t);
	t.cmd = WM_DWORD;
	tap_status(WD_Transfer(hwd, hcard, &t), WD_ACCESS_DENIED,
		   "writing the PBA is refused");
	xfer(&t, WM_DWORD, bar, toff + 0x1000);
	tap_status(WD_Transfer(hwd, hcard, &t), WD_STATUS_SUCCESS,
		   "writing elsewhere in BAR%u passes", bar);

	xfer(&t, RM_SDWORD, bar, toff);
	t.bytes = sizeof(buf);
	t.data.buf = buf;
	tap_status(WD_Transfer(hwd, hcard, &t), WD_STATUS_SUCCESS,
		   "a block read of the table passes");
	t.cmd = WM_SDWORD;	/* the values just read, back */
	tap_status(WD_Transfer(hwd, hcard, &t), WD_ACCESS_DENIED,
		   "a block write into the table is refused");

	xfer(&m[0], RM_DWORD, bar, toff);
	xfer(&m[1], WM_DWORD, bar, toff + 4);
	tap_status(WD_MultiTransfer(hwd, hcard, m, 2, &done), WD_ACCESS_DENIED,
		   "a batch writing the table is refused");
	tap_ok(done == 1, "... at its second command (done %u)", done);

	tap_status(WD_CardCleanupSetup(hwd, hcard, &m[1], 1, 0),
		   WD_ACCESS_DENIED, "a cleanup command writing the table is refused");

	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE_X;
	in.cmds = &m[1];
	in.num_cmds = 1;
	if (!tap_status(WD_IntEnable(hwd, hcard, &in), WD_ACCESS_DENIED,
			"an interrupt command writing the table is refused"))
		WD_IntDisable(hwd, &in);

	/*
	 * mmap: a writable mapping over the table is refused; a read-only
	 * one is allowed but can never be made writable.
	 */
	{
		off_t off = (off_t)UDRV_MMAP_OFFSET(hcard, bar) +
			    (off_t)(toff & ~4095ull);
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			       hwd, off);

		tap_ok(p == MAP_FAILED && errno == EACCES,
		       "a writable mapping of the MSI-X table is refused (%s)",
		       p == MAP_FAILED ? strerror(errno) : "mapped");
		if (p != MAP_FAILED)
			munmap(p, 4096);
		p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, hwd, off);
		tap_ok(p != MAP_FAILED, "a read-only mapping of it is allowed");
		if (p != MAP_FAILED) {
			tap_ok(mprotect(p, 4096, PROT_READ | PROT_WRITE) &&
			       errno == EACCES,
			       "... and cannot be made writable with mprotect");
			munmap(p, 4096);
		}
	}

	WD_CardUnregister(hwd, hcard);
	WD_Close(hwd);
	WDC_DriverClose();
	return tap_done();
}
