// SPDX-License-Identifier: MIT
/*
 * Register accessors on a fake device whose BAR0 "mapping" is a plain
 * buffer: the fast path, its bounds and alignment checks, blocks.  Built
 * twice: as here, with the single-register accessors in line (the
 * default for programs), and as test_access_noinline, calling libudrv's
 * functions.
 */
#include <pthread.h>
#include <stdlib.h>
#include "tap.h"

#define LEN 256

static uint8_t *mem;

static void test_single(WDC_DEVICE_HANDLE dev)
{
	uint8_t b = 0;
	uint16_t w = 0;
	uint32_t d = 0;
	uint64_t q = 0, size = 0;

	memset(mem, 0, LEN);
	is_status(WDC_WriteAddr32(dev, 0, 0x10, 0x11223344), WD_STATUS_SUCCESS,
		  "WriteAddr32 in range");
	ok(mem[0x10] == 0x44 && mem[0x13] == 0x11,
	   "... lands in the mapping, little-endian");
	is_status(WDC_ReadAddr32(dev, 0, 0x10, &d), WD_STATUS_SUCCESS,
		  "ReadAddr32 in range");
	ok(d == 0x11223344, "... reads it back");
	is_status(WDC_WriteAddr8(dev, 0, 0x21, 0xab), WD_STATUS_SUCCESS,
		  "WriteAddr8 at an odd offset");
	is_status(WDC_ReadAddr8(dev, 0, 0x21, &b), WD_STATUS_SUCCESS,
		  "ReadAddr8");
	ok(b == 0xab && mem[0x21] == 0xab, "... 8-bit round trip");
	is_status(WDC_WriteAddr16(dev, 0, 0x22, 0xbeef), WD_STATUS_SUCCESS,
		  "WriteAddr16");
	WDC_ReadAddr16(dev, 0, 0x22, &w);
	ok(w == 0xbeef, "... 16-bit round trip");
	is_status(WDC_WriteAddr64(dev, 0, LEN - 8, 0x0102030405060708ULL),
		  WD_STATUS_SUCCESS, "WriteAddr64 at the last 8 bytes");
	WDC_ReadAddr64(dev, 0, LEN - 8, &q);
	ok(q == 0x0102030405060708ULL && mem[LEN - 1] == 0x01,
	   "... 64-bit round trip");

	d = 0xdeadbeef;
	is_status(WDC_ReadAddr32(dev, 0, LEN - 2, &d), WD_OUT_OF_RANGE,
		  "ReadAddr32 straddling the end");
	ok(err_has("offset 0xfe + 4 is beyond BAR0 (256 bytes)"),
	   "... the message names offset, width and BAR size");
	ok(d == 0xdeadbeef, "... and leaves *val alone");
	is_status(WDC_ReadAddr32(dev, 0, LEN, &d), WD_OUT_OF_RANGE,
		  "ReadAddr32 at the end");
	is_status(WDC_WriteAddr8(dev, 0, UINT64_MAX, 1), WD_OUT_OF_RANGE,
		  "WriteAddr8 at offset 2^64-1 (no overflow)");
	is_status(WDC_ReadAddr64(dev, 0, UINT64_MAX - 3, &q), WD_OUT_OF_RANGE,
		  "ReadAddr64 where off + 8 wraps");
	is_status(WDC_ReadAddr32(dev, 0, 3, &d), WD_BAD_ALIGNMENT,
		  "ReadAddr32 at offset 3");
	ok(err_has("offset 0x3 is not aligned to the 4-byte access width"),
	   "... the message says why");
	is_status(WDC_WriteAddr16(dev, 0, 1, 1), WD_BAD_ALIGNMENT,
		  "WriteAddr16 at offset 1");
	is_status(WDC_WriteAddr64(dev, 0, 4, 1), WD_BAD_ALIGNMENT,
		  "WriteAddr64 at offset 4");
	is_status(WDC_ReadAddr32(dev, 6, 0, &d), WD_INVALID_PARAMETER,
		  "ReadAddr32 on BAR 6");
	ok(err_has("BAR6 does not exist"), "... the message says so");
	is_status(WDC_ReadAddr32(dev, 0xffffffffu, 0, &d),
		  WD_INVALID_PARAMETER, "ReadAddr32 on BAR 0xffffffff");
	is_status(WDC_ReadAddr32(dev, 3, 0, &d), WD_INVALID_PARAMETER,
		  "ReadAddr32 on an inactive BAR");
	ok(err_has("BAR3 is not active"), "... the message says so");
	is_status(WDC_ReadAddr32(dev, 0, 0, NULL), WD_INVALID_PARAMETER,
		  "ReadAddr32 with val NULL");

	ok(WDC_AddrSpaceIsActive(dev, 0) && !WDC_AddrSpaceIsActive(dev, 1) &&
	   !WDC_AddrSpaceIsActive(dev, 6), "WDC_AddrSpaceIsActive");
	ok(!WDC_GetAddrSpaceSize(dev, 0, &size) && size == LEN,
	   "WDC_GetAddrSpaceSize");
	is_status(WDC_GetAddrSpaceSize(dev, 2, &size), WD_INVALID_PARAMETER,
		  "WDC_GetAddrSpaceSize of an inactive BAR");
	ok(WDC_GetBarPointer(dev, 0) == mem && !WDC_GetBarPointer(dev, 1),
	   "WDC_GetBarPointer");
}

static void test_io_bar(WDC_DEVICE_HANDLE dev)
{
	uint64_t q;
	uint32_t d;

	/* BAR2: I/O ports, BAR4: a memory BAR the agent did not let us map. */
	udrv_test_fake_bar(dev, 2, WD_ITEM_IO, NULL, 32);
	udrv_test_fake_bar(dev, 4, WD_ITEM_MEM, NULL, 4096);
	is_status(WDC_ReadAddr64(dev, 2, 0, &q), WD_INVALID_PARAMETER,
		  "64-bit read on an I/O BAR");
	ok(err_has("I/O BAR"), "... the message says why");
	is_status(WDC_WriteAddr64(dev, 2, 8, 1), WD_INVALID_PARAMETER,
		  "64-bit write on an I/O BAR");
	is_status(WDC_ReadAddr32(dev, 2, 32, &d), WD_OUT_OF_RANGE,
		  "I/O BAR: range checked before any transfer");
	is_status(WDC_ReadAddr32(dev, 2, 2, &d), WD_BAD_ALIGNMENT,
		  "I/O BAR: alignment checked before any transfer");
	/* A valid access goes to WD_Transfer, which has no agent here. */
	is_status(WDC_ReadAddr32(dev, 2, 4, &d), WD_INVALID_HANDLE,
		  "I/O BAR: a valid access goes through WD_Transfer");
	ok(err_has("WDC_ReadAddr32") && err_has("WD_Transfer"),
	   "... the message shows both layers");
	is_status(WDC_WriteAddr32(dev, 4, 0, 1), WD_INVALID_HANDLE,
		  "unmapped memory BAR: goes through WD_Transfer");
	ok(!WDC_GetBarPointer(dev, 2) && !WDC_GetBarPointer(dev, 4),
	   "no pointer for I/O or unmapped BARs");
}

static void test_blocks(WDC_DEVICE_HANDLE dev)
{
	uint8_t in[32], out[32];
	uint32_t i, d;
	uint64_t q;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i + 1);
	memset(mem, 0, LEN);
	is_status(WDC_WriteAddrBlock(dev, 0, 0x40, 32, in, 4, 0),
		  WD_STATUS_SUCCESS, "WriteAddrBlock 32 bytes of dwords");
	ok(!memcmp(mem + 0x40, in, 32), "... lands in the mapping");
	memset(out, 0, sizeof(out));
	is_status(WDC_ReadAddrBlock(dev, 0, 0x40, 32, out, 8, 0),
		  WD_STATUS_SUCCESS, "ReadAddrBlock 32 bytes of qwords");
	ok(!memcmp(out, in, 32), "... reads it back");
	memset(out, 0, sizeof(out));
	is_status(WDC_ReadAddrBlock(dev, 0, 0x41, 7, out + 1, 1, 0),
		  WD_STATUS_SUCCESS, "ReadAddrBlock bytes, unaligned buffer");
	ok(!memcmp(out + 1, in + 1, 7), "... reads the right bytes");
	is_status(WDC_ReadAddrBlock(dev, 0, 0x42, 6, out + 1, 2, 0),
		  WD_STATUS_SUCCESS, "ReadAddrBlock words into an odd address");
	ok(!memcmp(out + 1, in + 2, 6), "... reads the right words");

	/* FIFO: every element goes to / comes from the same register. */
	memset(mem, 0, LEN);
	is_status(WDC_WriteAddrBlock(dev, 0, 0x80, 16, in, 4, WDC_NO_AUTOINC),
		  WD_STATUS_SUCCESS, "WriteAddrBlock NO_AUTOINC");
	memcpy(&d, mem + 0x80, 4);
	ok(!memcmp(mem + 0x80, in + 12, 4) && mem[0x84] == 0,
	   "... all writes hit one register, the last value stays");
	memset(out, 0, sizeof(out));
	d = 0xa5a5a5a5;
	memcpy(mem + 0x80, &d, 4);
	is_status(WDC_ReadAddrBlock(dev, 0, 0x80, 16, out, 4, WDC_NO_AUTOINC),
		  WD_STATUS_SUCCESS, "ReadAddrBlock NO_AUTOINC");
	for (i = 0; i < 16 && out[i] == 0xa5; i++)
		;
	ok(i == 16, "... every element read the one register");
	is_status(WDC_ReadAddrBlock(dev, 0, LEN - 4, 32, out, 4,
				    WDC_NO_AUTOINC),
		  WD_STATUS_SUCCESS,
		  "NO_AUTOINC at the last register: only its width must fit");

	is_status(WDC_ReadAddrBlock(dev, 0, LEN - 16, 32, out, 4, 0),
		  WD_OUT_OF_RANGE, "ReadAddrBlock past the end");
	ok(err_has("0xf0 + 32 is beyond BAR0 (256 bytes)"),
	   "... the message shows the numbers");
	is_status(WDC_ReadAddrBlock(dev, 0, 0, 6, out, 4, 0),
		  WD_INVALID_PARAMETER, "ReadAddrBlock 6 bytes of dwords");
	ok(err_has("6 bytes is not a multiple of the 4-byte"),
	   "... the message says why");
	is_status(WDC_ReadAddrBlock(dev, 0, 0, 6, out, 3, 0),
		  WD_INVALID_PARAMETER, "ReadAddrBlock width 3");
	is_status(WDC_WriteAddrBlock(dev, 0, 0, 16, in, 16, 0),
		  WD_INVALID_PARAMETER, "WriteAddrBlock width 16");
	is_status(WDC_ReadAddrBlock(dev, 0, 2, 8, out, 4, 0),
		  WD_BAD_ALIGNMENT, "ReadAddrBlock misaligned");
	is_status(WDC_ReadAddrBlock(dev, 0, 0, 8, NULL, 4, 0),
		  WD_INVALID_PARAMETER, "ReadAddrBlock buf NULL");
	is_status(WDC_ReadAddrBlock(dev, 0, 0, 8, out, 4, 0x8),
		  WD_INVALID_PARAMETER, "ReadAddrBlock unknown option");
	is_status(WDC_ReadAddrBlock(dev, 0, 0, 0, NULL, 4, 0),
		  WD_STATUS_SUCCESS, "ReadAddrBlock of 0 bytes does nothing");
	is_status(WDC_ReadAddrBlock(dev, 5, 0, 8, out, 4, 0),
		  WD_INVALID_PARAMETER, "ReadAddrBlock on an inactive BAR");
	is_status(WDC_ReadAddrBlock(dev, 2, 0, 16, out, 8, 0),
		  WD_INVALID_PARAMETER, "ReadAddrBlock qwords on an I/O BAR");
	is_status(WDC_ReadAddrBlock(dev, 2, 0, 16, out, 4, 0),
		  WD_INVALID_HANDLE, "ReadAddrBlock on an I/O BAR: WD_Transfer");
	(void)q;
}

/* The fast path is lock-free: hammer it from several threads. */
static void *hammer(void *arg)
{
	WDC_DEVICE_HANDLE dev = arg;
	uint32_t i, v, bad = 0;

	for (i = 0; i < 100000; i++) {
		if (WDC_WriteAddr32(dev, 0, 0xc0, i) ||
		    WDC_ReadAddr32(dev, 0, 0xc4, &v))
			bad++;
	}
	return (void *)(uintptr_t)bad;
}

static void test_threads(WDC_DEVICE_HANDLE dev)
{
	pthread_t t[4];
	uintptr_t bad = 0;
	void *r;
	int i;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, hammer, dev);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		bad += (uintptr_t)r;
	}
	ok(bad == 0, "4 threads x 200000 accesses on one handle");
}

int main(void)
{
	WDC_DEVICE_HANDLE dev;

	mem = aligned_alloc(64, LEN);
	dev = udrv_test_fake_device(mem, LEN);
	if (!ok(dev != NULL, "fake device"))
		return tap_done();
	test_single(dev);
	test_io_bar(dev);
	test_blocks(dev);
	test_threads(dev);
	is_status(WDC_PciDeviceClose(dev), WD_STATUS_SUCCESS,
		  "WDC_PciDeviceClose frees the fake device");
	free(mem);
	return tap_done();
}
