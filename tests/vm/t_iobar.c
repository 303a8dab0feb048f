// SPDX-License-Identifier: MIT
/*
 * t_iobar: 8- and 16-bit transfers and I/O-port BARs, on QEMU's
 * pci-testdev (1b36:0005): BAR0 is 4 KiB of MMIO, BAR1 256 bytes of I/O
 * ports.  Writing a test number at offset 0 selects a test whose header
 * (test, width, offset, data, count, name) reads back byte-wise; writing
 * the data byte (0xfa) at the announced offset increments `count`.  The
 * device is byte-granular: wider accesses are split, so a 16-bit write
 * whose high byte lands on that offset counts once.
 */
#include <string.h>

#include "common/tap.h"

#define TD_VENDOR 0x1b36
#define TD_DEVICE 0x0005

static int hwd;
static uint32_t hc;

static uint64_t x(uint32_t cmd, uint32_t bar, uint64_t addr, uint64_t data,
		  uint32_t *status)
{
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	t.cmd = cmd;
	t.bar = bar;
	t.addr = addr;
	t.data.qw = data;
	*status = WD_Transfer(hwd, hc, &t);
	return t.data.qw;
}

static void read_name(uint32_t cmd, uint32_t bar, char *name, size_t len)
{
	uint32_t st;
	size_t i;

	for (i = 0; i + 1 < len; i++) {
		name[i] = (char)x(cmd, bar, 16 + i, 0, &st);
		if (st || !name[i])
			break;
	}
	name[i] = 0;
}

/* A port string of `bytes` bytes at `port` of BAR1, through the kernel */
static uint32_t port_string(uint32_t cmd, uint64_t port, uint32_t bytes)
{
	uint8_t buf[8] = { 0 };
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	t.cmd = cmd;
	t.bar = 1;
	t.addr = port;
	t.bytes = bytes;
	t.data.buf = buf;
	return WD_Transfer(hwd, hc, &t);
}

/*
 * The bounds check at its exact edge, the 256-port BAR's last port: the
 * last element that fits succeeds, one more byte is refused (an
 * off-by-one there let a 2-byte string at port 255 through).  Reads only:
 * pci-testdev's writes start tests.
 */
static void test_port_edges(void)
{
	uint32_t st;

	x(RP_BYTE, 1, 255, 0, &st);
	tap_status(st, WD_STATUS_SUCCESS, "RP_BYTE at the last port (255)");
	x(RP_WORD, 1, 254, 0, &st);
	tap_status(st, WD_STATUS_SUCCESS, "RP_WORD at port 254, the last word");
	x(RP_DWORD, 1, 252, 0, &st);
	tap_status(st, WD_STATUS_SUCCESS, "RP_DWORD at port 252, the last dword");
	x(RP_DWORD, 1, 256, 0, &st);
	tap_status(st, WD_OUT_OF_RANGE, "RP_DWORD at port 256, past the BAR");
	tap_status(port_string(RP_SBYTE, 255, 1), WD_STATUS_SUCCESS,
		   "1-byte port string at port 255");
	tap_status(port_string(RP_SBYTE, 255, 2), WD_OUT_OF_RANGE,
		   "2-byte port string at port 255: one byte past the BAR");
	tap_status(port_string(RP_SBYTE, 254, 2), WD_STATUS_SUCCESS,
		   "2-byte port string at port 254, ending at the last port");
	tap_status(port_string(RP_SWORD, 254, 2), WD_STATUS_SUCCESS,
		   "1-word port string at port 254");
	tap_status(port_string(RP_SWORD, 254, 4), WD_OUT_OF_RANGE,
		   "2-word port string at port 254: a word past the BAR");
	tap_status(port_string(RP_SDWORD, 248, 8), WD_STATUS_SUCCESS,
		   "2-dword port string at port 248, ending at the last port");
	tap_status(port_string(RP_SDWORD, 252, 8), WD_OUT_OF_RANGE,
		   "2-dword port string at port 252: a dword past the BAR");
}

static void test_ports(WDC_DEVICE_HANDLE dev)
{
	uint32_t st, off, count;
	uint16_t w = 0;
	uint8_t b = 0;
	char name[32];

	x(WP_BYTE, 1, 0, 0, &st);
	tap_status(st, WD_STATUS_SUCCESS, "WP_BYTE selects port test 0");
	tap_ok(x(RP_BYTE, 1, 0, 0, &st) == 3, "RP_BYTE reads test number 3");
	tap_ok(x(RP_WORD, 1, 0, 0, &st) == 0x0103,
	       "RP_WORD reads test and width together (0x0103)");
	off = (uint32_t)x(RP_DWORD, 1, 4, 0, &st);
	tap_ok(off == 128 + 3, "RP_DWORD reads the test offset (%u)", off);
	read_name(RP_BYTE, 1, name, sizeof(name));
	tap_ok(!strcmp(name, "portio-no-eventfd"), "port test name '%s'", name);

	x(WP_BYTE, 1, off, 0xfa, &st);
	x(WP_WORD, 1, off - 1, 0xfa00, &st);
	tap_status(st, WD_STATUS_SUCCESS, "WP_WORD at an even port");
	x(WP_DWORD, 1, off - 3, 0xfa000000, &st);
	x(WP_BYTE, 1, off, 0x11, &st);	/* wrong data: not counted */
	count = (uint32_t)x(RP_DWORD, 1, 12, 0, &st);
	tap_ok(count == 3, "byte, word and dword port writes each counted (%u)",
	       count);

	/* The library goes through WD_Transfer for I/O BARs. */
	tap_ok(WDC_GetBarPointer(dev, 1) == NULL, "no mapping for the I/O BAR");
	tap_status(WDC_ReadAddr8(dev, 1, 1, &b), WD_STATUS_SUCCESS,
		   "WDC_ReadAddr8 on the I/O BAR");
	tap_ok(b == 1, "width byte through WDC_ReadAddr8 (%u)", b);
	tap_status(WDC_ReadAddr16(dev, 1, 0, &w), WD_STATUS_SUCCESS,
		   "WDC_ReadAddr16 on the I/O BAR");
	tap_ok(w == 0x0103, "test+width through WDC_ReadAddr16 (0x%x)", w);
	tap_status(WDC_WriteAddr8(dev, 1, off, 0xfa), WD_STATUS_SUCCESS,
		   "WDC_WriteAddr8 on the I/O BAR");
	count = (uint32_t)x(RP_DWORD, 1, 12, 0, &st);
	tap_ok(count == 4, "WDC_WriteAddr8 counted (%u)", count);
	tap_status(WDC_ReadAddr64(dev, 1, 0, &(uint64_t){0}),
		   WD_INVALID_PARAMETER, "64-bit access to an I/O BAR");
	x(RM_BYTE, 1, 0, 0, &st);
	tap_status(st, WD_INVALID_PARAMETER, "memory command on an I/O BAR");
	x(RP_DWORD, 1, 2, 0, &st);
	tap_status(st, WD_BAD_ALIGNMENT, "misaligned port dword");
	x(RP_BYTE, 1, 256, 0, &st);
	tap_status(st, WD_OUT_OF_RANGE, "port beyond the 256-byte BAR");
	{
		uint8_t blk[8];

		tap_status(WDC_ReadAddrBlock(dev, 1, 16, 8, blk, 1, 0),
			   WD_STATUS_SUCCESS, "RP_SBYTE block on the I/O BAR");
		tap_ok(!memcmp(blk, "portio-n", 8), "block reads the name");
	}
}

static void test_mem(WDC_DEVICE_HANDLE dev)
{
	uint32_t st, off, count;
	uint16_t w = 0;
	char name[32];

	WDC_WriteAddr8(dev, 0, 0, 0);	/* select mmio test 0 */
	tap_ok(WDC_GetBarPointer(dev, 0) != NULL, "BAR0 (4 KiB MMIO) mapped");
	WDC_ReadAddr16(dev, 0, 0, &w);
	tap_ok(w == 0x0100, "16-bit read through the mapping (0x%x)", w);
	tap_ok(x(RM_WORD, 0, 0, 0, &st) == 0x0100, "RM_WORD reads 0x0100");
	off = (uint32_t)x(RM_DWORD, 0, 4, 0, &st);
	tap_ok(off == 2048, "RM_DWORD reads the test offset (%u)", off);
	read_name(RM_BYTE, 0, name, sizeof(name));
	tap_ok(!strcmp(name, "mmio-no-eventfd"), "mmio test name '%s'", name);

	x(WM_BYTE, 0, off, 0xfa, &st);
	tap_status(st, WD_STATUS_SUCCESS, "WM_BYTE");
	x(WM_WORD, 0, off, 0x00fa, &st);
	tap_status(st, WD_STATUS_SUCCESS, "WM_WORD");
	WDC_WriteAddr8(dev, 0, off, 0xfa);
	WDC_WriteAddr16(dev, 0, off, 0x00fa);
	WDC_WriteAddr8(dev, 0, off, 0x01);	/* wrong data */
	count = (uint32_t)x(RM_DWORD, 0, 12, 0, &st);
	tap_ok(count == 4,
	       "8/16-bit writes by ioctl and by mapping each counted (%u)",
	       count);
}

int main(void)
{
	WDC_DEVICE_HANDLE dev;

	tap_init("t_iobar");
	if (WDC_DriverOpen()) {
		tap_ok(false, "WDC_DriverOpen: %s", WDC_GetLastErrStr());
		return tap_done();
	}
	dev = open_nth(TD_VENDOR, TD_DEVICE, 0);
	if (!dev) {
		tap_skip_provided("no bound pci-testdev in this VM");
		return tap_done();
	}
	hwd = WDC_GetWDHandle();
	hc = WDC_GetCardHandle(dev);
	test_ports(dev);
	test_port_edges();
	test_mem(dev);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return tap_done();
}
