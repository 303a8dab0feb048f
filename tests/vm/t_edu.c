// SPDX-License-Identifier: MIT
/*
 * t_edu: register access to QEMU's edu device through the mapping
 * (WDC_ReadAddr*), through single transfers (WD_Transfer, an ioctl), in a
 * batch (WD_MultiTransfer) and as blocks.
 */
#include <string.h>

#include "common/tap.h"

#define EDU_ID		0x00
#define EDU_LIVE	0x04
#define EDU_FACT	0x08
#define EDU_STATUS	0x20
#define EDU_DMA_SRC	0x80

static uint32_t xfer_read32(WDC_DEVICE_HANDLE dev, uint64_t off, uint32_t *v)
{
	WD_TRANSFER t;
	uint32_t st;

	memset(&t, 0, sizeof(t));
	t.cmd = RM_DWORD;
	t.bar = 0;
	t.addr = off;
	st = WD_Transfer(WDC_GetWDHandle(), WDC_GetCardHandle(dev), &t);
	*v = t.data.dw;
	return st;
}

static uint32_t xfer_write32(WDC_DEVICE_HANDLE dev, uint64_t off, uint32_t v)
{
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	t.cmd = WM_DWORD;
	t.addr = off;
	t.data.dw = v;
	return WD_Transfer(WDC_GetWDHandle(), WDC_GetCardHandle(dev), &t);
}

static uint32_t factorial(WDC_DEVICE_HANDLE dev, uint32_t n, uint32_t *res)
{
	uint32_t st = 1, i;

	WDC_WriteAddr32(dev, 0, EDU_FACT, n);
	for (i = 0; i < 1000000 && (st & 1); i++)
		WDC_ReadAddr32(dev, 0, EDU_STATUS, &st);
	if (st & 1)
		return WD_TIME_OUT;
	return WDC_ReadAddr32(dev, 0, EDU_FACT, res);
}

static void test_factorials(WDC_DEVICE_HANDLE dev)
{
	static const struct { uint32_t n, want; } f[] = {
		{ 0, 1 }, { 5, 120 }, { 12, 479001600 }, { 13, 1932053504 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		uint32_t got = 0;
		uint32_t st = factorial(dev, f[i].n, &got);

		tap_ok(!st && got == f[i].want, "factorial %u = %u (got %u)",
		       f[i].n, f[i].want, got);
	}
}

static void test_multi(WDC_DEVICE_HANDLE dev)
{
	WD_TRANSFER t[6];
	uint32_t done = 0, st;

	memset(t, 0, sizeof(t));
	t[0].cmd = RM_DWORD;	t[0].addr = EDU_ID;
	t[1].cmd = WM_DWORD;	t[1].addr = EDU_LIVE; t[1].data.dw = 0x13572468;
	t[2].cmd = RM_DWORD;	t[2].addr = EDU_LIVE;
	t[3].cmd = WM_QWORD;	t[3].addr = EDU_DMA_SRC;
	t[3].data.qw = 0x0123456789abcdefULL;
	t[4].cmd = RM_QWORD;	t[4].addr = EDU_DMA_SRC;
	t[5].cmd = CMD_NONE;
	st = WD_MultiTransfer(WDC_GetWDHandle(), WDC_GetCardHandle(dev), t, 6,
			      &done);
	tap_status(st, WD_STATUS_SUCCESS, "multi-transfer of 6 commands");
	tap_ok(done == 6, "multi-transfer reports 6 done (%u)", done);
	tap_ok(t[0].data.dw == 0x010000ed, "multi: id read (0x%x)",
	       t[0].data.dw);
	tap_ok(t[2].data.dw == ~0x13572468u, "multi: liveness inverted (0x%x)",
	       t[2].data.dw);
	tap_ok(t[4].data.qw == 0x0123456789abcdefULL,
	       "multi: 64-bit write/read of the DMA source register");

	/* It stops at the first failure and says how far it got. */
	t[1].addr = 0x100000;
	st = WD_MultiTransfer(WDC_GetWDHandle(), WDC_GetCardHandle(dev), t, 6,
			      &done);
	tap_status(st, WD_OUT_OF_RANGE, "multi-transfer stops at a bad command");
	tap_ok(done == 1, "multi-transfer reports 1 done before it (%u)", done);
	st = WDC_MultiTransfer(dev, t, 1);
	tap_status(st, WD_STATUS_SUCCESS, "WDC_MultiTransfer of 1 command");
}

static void test_blocks(WDC_DEVICE_HANDLE dev)
{
	uint32_t block[4], fifo[4], ref[4], i;

	WDC_WriteAddr32(dev, 0, EDU_LIVE, 0x55aa55aa);
	for (i = 0; i < 4; i++)
		WDC_ReadAddr32(dev, 0, 4 * i, &ref[i]);
	memset(block, 0, sizeof(block));
	tap_status(WDC_ReadAddrBlock(dev, 0, 0, sizeof(block), block, 4, 0),
		   WD_STATUS_SUCCESS, "block read 16 bytes (mapping)");
	tap_ok(!memcmp(block, ref, sizeof(ref)),
	       "block read equals single reads (id 0x%x live 0x%x)",
	       block[0], block[1]);
	tap_status(WDC_ReadAddrBlock(dev, 0, EDU_LIVE, sizeof(fifo), fifo, 4,
				     WDC_NO_AUTOINC),
		   WD_STATUS_SUCCESS, "block read without auto-increment");
	tap_ok(fifo[0] == ref[1] && fifo[3] == ref[1],
	       "no-autoinc reads the same register each time");

	/* The same through the kernel: string commands. */
	{
		WD_TRANSFER t;
		uint32_t kblock[4] = { 0 };
		uint64_t q[2] = { 0x1111222233334444ULL, 0x5555666677778888ULL };
		uint64_t qb[2] = { 0, 0 };

		memset(&t, 0, sizeof(t));
		t.cmd = RM_SDWORD;
		t.bytes = sizeof(kblock);
		t.data.buf = kblock;
		tap_status(WD_Transfer(WDC_GetWDHandle(),
				       WDC_GetCardHandle(dev), &t),
			   WD_STATUS_SUCCESS, "RM_SDWORD block through the kernel");
		tap_ok(!memcmp(kblock, ref, sizeof(ref)),
		       "kernel block read equals single reads");
		t.cmd = WM_SQWORD;
		t.addr = EDU_DMA_SRC;
		t.bytes = sizeof(q);
		t.data.buf = q;
		tap_status(WD_Transfer(WDC_GetWDHandle(),
				       WDC_GetCardHandle(dev), &t),
			   WD_STATUS_SUCCESS, "WM_SQWORD block of 2 qwords");
		t.cmd = RM_SQWORD;
		t.data.buf = qb;
		WD_Transfer(WDC_GetWDHandle(), WDC_GetCardHandle(dev), &t);
		tap_ok(!memcmp(q, qb, sizeof(q)),
		       "64-bit block write then read (DMA src/dst registers)");
	}
}

int main(void)
{
	WDC_DEVICE_HANDLE dev;
	uint32_t v = 0, w = 0;
	uint64_t q = 0;

	tap_init("t_edu");
	if (!tap_status(WDC_DriverOpen(), WD_STATUS_SUCCESS, "WDC_DriverOpen"))
		return tap_done();
	dev = open_nth(EDU_VENDOR, EDU_DEVICE, 0);
	if (!tap_ok(dev != NULL, "open the first edu: %s",
		    dev ? "ok" : WDC_GetLastErrStr()))
		return tap_done();
	tap_ok(WDC_GetBarPointer(dev, 0) != NULL, "BAR0 is mapped");

	tap_status(WDC_ReadAddr32(dev, 0, EDU_ID, &v), WD_STATUS_SUCCESS,
		   "read id through the mapping");
	tap_ok(v == 0x010000ed, "id through the mapping is 0x010000ed (0x%x)",
	       v);
	tap_status(xfer_read32(dev, EDU_ID, &w), WD_STATUS_SUCCESS,
		   "read id through WD_Transfer");
	tap_ok(w == 0x010000ed, "id through WD_Transfer is 0x010000ed (0x%x)",
	       w);

	WDC_WriteAddr32(dev, 0, EDU_LIVE, 0x12345678);
	xfer_read32(dev, EDU_LIVE, &w);
	tap_ok(w == ~0x12345678u,
	       "liveness: written via mapping, inverted via ioctl (0x%x)", w);
	xfer_write32(dev, EDU_LIVE, 0xdeadbeef);
	WDC_ReadAddr32(dev, 0, EDU_LIVE, &v);
	tap_ok(v == ~0xdeadbeefu,
	       "liveness: written via ioctl, inverted via mapping (0x%x)", v);

	tap_status(WDC_WriteAddr64(dev, 0, EDU_DMA_SRC, 0xfedcba9876543210ULL),
		   WD_STATUS_SUCCESS, "64-bit write through the mapping");
	WDC_ReadAddr64(dev, 0, EDU_DMA_SRC, &q);
	tap_ok(q == 0xfedcba9876543210ULL, "64-bit read back (0x%llx)",
	       (unsigned long long)q);

	test_factorials(dev);
	test_multi(dev);
	test_blocks(dev);

	tap_status(WDC_PciDeviceClose(dev), WD_STATUS_SUCCESS, "device close");
	WDC_DriverClose();
	return tap_done();
}
