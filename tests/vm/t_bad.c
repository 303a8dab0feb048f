// SPDX-License-Identifier: MIT
/*
 * t_bad: bad input, each case with the status it must produce, checked
 * both in the library (mapping fast path) and in the kernel (ioctls and
 * mmap), plus config-space protection.
 */
#include <errno.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"

static int hwd;
static uint32_t hcard;

static uint32_t xfer(uint32_t card, uint32_t cmd, uint32_t bar, uint64_t addr,
		     uint32_t bytes, void *buf)
{
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	t.cmd = cmd;
	t.bar = bar;
	t.addr = addr;
	t.bytes = bytes;
	t.data.buf = buf;
	return WD_Transfer(hwd, card, &t);
}

static void test_transfers(WDC_DEVICE_HANDLE dev)
{
	uint32_t v, blk[8];
	uint64_t q;

	/* library fast path */
	tap_status(WDC_ReadAddr32(dev, 0, 0x100000, &v), WD_OUT_OF_RANGE,
		   "mapping: offset at the end of the BAR");
	tap_ok(strstr(WDC_GetLastErrStr(), "0x100000") != NULL,
	       "mapping: the message names the offset (%s)",
	       WDC_GetLastErrStr());
	tap_status(WDC_ReadAddr32(dev, 0, 0x7fffffffffffffffULL, &v),
		   WD_OUT_OF_RANGE, "mapping: huge offset");
	tap_status(WDC_ReadAddrBlock(dev, 0, 0xffff8, 16, blk, 4, 0),
		   WD_OUT_OF_RANGE, "mapping: block crossing the end");
	tap_status(WDC_ReadAddr32(dev, 0, 2, &v), WD_BAD_ALIGNMENT,
		   "mapping: misaligned 32-bit read");
	tap_status(WDC_ReadAddr64(dev, 0, 0x84, &q), WD_BAD_ALIGNMENT,
		   "mapping: misaligned 64-bit read");
	tap_status(WDC_ReadAddr32(dev, 1, 0, &v), WD_INVALID_PARAMETER,
		   "mapping: BAR1 does not exist");
	tap_status(WDC_ReadAddr32(dev, 6, 0, &v), WD_INVALID_PARAMETER,
		   "mapping: BAR6 is out of range");
	tap_status(WDC_ReadAddrBlock(dev, 0, 0, 6, blk, 4, 0),
		   WD_INVALID_PARAMETER, "block size not a multiple of width");
	tap_status(WDC_ReadAddrBlock(dev, 0, 0, 8, blk, 3, 0),
		   WD_INVALID_PARAMETER, "block width 3");

	/* kernel */
	tap_status(xfer(hcard, RM_DWORD, 0, 0x100000, 0, NULL),
		   WD_OUT_OF_RANGE, "ioctl: offset at the end of the BAR");
	tap_status(xfer(hcard, RM_DWORD, 0, ~0ULL - 3, 0, NULL),
		   WD_OUT_OF_RANGE, "ioctl: offset near 2^64 (no overflow)");
	tap_status(xfer(hcard, RM_SDWORD, 0, 0xffff0, 32, blk),
		   WD_OUT_OF_RANGE, "ioctl: block crossing the end");
	tap_status(xfer(hcard, RM_DWORD, 0, 2, 0, NULL), WD_BAD_ALIGNMENT,
		   "ioctl: misaligned 32-bit read");
	tap_status(xfer(hcard, WM_QWORD, 0, 0x84, 0, NULL), WD_BAD_ALIGNMENT,
		   "ioctl: misaligned 64-bit write");
	tap_status(xfer(hcard, RM_DWORD, 1, 0, 0, NULL), WD_INVALID_PARAMETER,
		   "ioctl: BAR1 does not exist");
	tap_status(xfer(hcard, RM_DWORD, 6, 0, 0, NULL), WD_INVALID_PARAMETER,
		   "ioctl: BAR6 is out of range");
	tap_status(xfer(hcard, RP_DWORD, 0, 0, 0, NULL), WD_INVALID_PARAMETER,
		   "ioctl: I/O-port read on a memory BAR");
	tap_status(xfer(hcard, WP_BYTE, 0, 0, 0, NULL), WD_INVALID_PARAMETER,
		   "ioctl: I/O-port write on a memory BAR");
	tap_status(xfer(hcard, 0x1234, 0, 0, 0, NULL), WD_INVALID_PARAMETER,
		   "ioctl: unknown command");
	tap_status(xfer(hcard, RP_DWORD | 1, 0, 0, 0, NULL),
		   WD_INVALID_PARAMETER, "ioctl: 64-bit I/O-port command");
	tap_status(xfer(hcard, CMD_MASK, 0, 0, 0, NULL), WD_INVALID_PARAMETER,
		   "ioctl: CMD_MASK outside an interrupt list");
	tap_status(xfer(hcard, RM_SDWORD, 0, 0, 0, blk), WD_INVALID_PARAMETER,
		   "ioctl: block of 0 bytes");
	tap_status(xfer(hcard, RM_SDWORD, 0, 0, 6, blk), WD_INVALID_PARAMETER,
		   "ioctl: block not a multiple of width");
	tap_status(xfer(hcard, RM_SDWORD, 0, 0, 16, (void *)16),
		   WD_INVALID_PARAMETER, "ioctl: block to a bad user pointer");
	tap_status(xfer(hcard, RM_DWORD, 0, 0, 0, NULL), WD_STATUS_SUCCESS,
		   "ioctl: a good read still works after all that");
}

static void test_handles(WD_PCI_SLOT edu1)
{
	int other;
	uint32_t foreign = 0, h = 0;

	tap_status(xfer(9999, RM_DWORD, 0, 0, 0, NULL), WD_INVALID_HANDLE,
		   "transfer on a card handle never registered");
	tap_status(xfer(0, RM_DWORD, 0, 0, 0, NULL), WD_INVALID_HANDLE,
		   "transfer on card handle 0");
	if (WD_Open(&other)) {
		tap_ok(false, "second WD_Open");
		return;
	}
	tap_status(WD_CardRegister(other, edu1, 0, &foreign),
		   WD_STATUS_SUCCESS, "another file registers the second edu");
	tap_status(xfer(foreign, RM_DWORD, 0, 0, 0, NULL), WD_INVALID_HANDLE,
		   "transfer on another file's card handle");
	tap_status(WD_CardUnregister(hwd, foreign), WD_INVALID_HANDLE,
		   "unregister another file's card handle");
	tap_ok(mmap(NULL, 4096, PROT_READ, MAP_SHARED, hwd,
		    UDRV_MMAP_OFFSET(foreign, 0)) == MAP_FAILED,
	       "mmap of another file's card fails");
	tap_status(WD_CardUnregister(other, foreign), WD_STATUS_SUCCESS,
		   "the owner unregisters it");
	tap_status(WD_CardUnregister(other, foreign), WD_INVALID_HANDLE,
		   "double unregister");
	tap_status(WD_CardRegister(other, edu1, 0x80, &h),
		   WD_INVALID_PARAMETER, "register with unknown options");
	WD_Close(other);
}

static void test_register(void)
{
	WD_PCI_SLOT none = { 0, 0x55, 0x1f, 7 };
	WD_PCI_SLOT host = { 0, 0, 0, 0 };
	WD_PCI_SLOT bad = { 0, 0, 32, 0 };
	uint32_t h;

	tap_status(WD_CardRegister(hwd, none, 0, &h), WD_DEVICE_NOT_FOUND,
		   "register an empty slot");
	tap_status(WD_CardRegister(hwd, bad, 0, &h), WD_INVALID_PARAMETER,
		   "register slot 32 (invalid)");
	tap_status(WD_CardRegister(hwd, host, 0, &h), WD_NO_DEVICE_OBJECT,
		   "register a device not bound to udrv (host bridge)");
}

static uint8_t find_cap(WDC_DEVICE_HANDLE dev, uint8_t id)
{
	uint8_t pos = 0, cid = 0;
	int guard = 48;

	WDC_PciReadCfg8(dev, 0x34, &pos);
	while (pos && guard--) {
		WDC_PciReadCfg8(dev, pos, &cid);
		if (cid == id)
			return pos;
		WDC_PciReadCfg8(dev, pos + 1, &pos);
	}
	return 0;
}

static void test_config(WDC_DEVICE_HANDLE dev, WD_PCI_SLOT self)
{
	WD_PCI_SLOT host = { 0, 0, 0, 0 };
	uint32_t v = 0, bar0 = 0, bar0_after = 0;
	uint16_t cmd = 0, cmd2 = 0;
	uint8_t msi, lt = 0, cls = 0, cls2 = 0, buf[8];

	tap_status(WD_PciConfigDump(hwd, host, 0x40, &v, 4, true),
		   WD_ACCESS_DENIED, "config write to an unbound device");
	tap_status(WD_PciConfigDump(hwd, self, 256, &v, 4, false),
		   WD_OUT_OF_RANGE, "config read at 256 of a 256-byte space");
	tap_status(WD_PciConfigDump(hwd, self, 252, buf, 8, false),
		   WD_OUT_OF_RANGE, "config read crossing 256");
	tap_status(WD_PciConfigDump(hwd, self, 0, buf, 0, false),
		   WD_INVALID_PARAMETER, "config read of 0 bytes");
	tap_status(WDC_PciReadCfg32(dev, 4096, &v), WD_OUT_OF_RANGE,
		   "config read at 4096");

	WDC_PciReadCfg32(dev, 0x10, &bar0);
	tap_status(WDC_PciWriteCfg32(dev, 0x10, 0xffffffff), WD_ACCESS_DENIED,
		   "config write to BAR0 is refused");
	tap_status(WDC_PciWriteCfg8(dev, 0x13, 0x12), WD_ACCESS_DENIED,
		   "config byte write inside BAR0 is refused");
	tap_status(WDC_PciWriteCfg32(dev, 0x30, 0xffffffff), WD_ACCESS_DENIED,
		   "config write to the ROM BAR is refused");
	WDC_PciReadCfg32(dev, 0x10, &bar0_after);
	tap_ok(bar0 == bar0_after, "BAR0 unchanged (0x%x)", bar0_after);

	WDC_PciReadCfg16(dev, 0x04, &cmd);
	tap_status(WDC_PciWriteCfg16(dev, 0x04, cmd | 0x4), WD_ACCESS_DENIED,
		   "config write setting bus master is refused");
	tap_status(WDC_PciWriteCfg16(dev, 0x04, cmd & ~0x2), WD_ACCESS_DENIED,
		   "config write clearing memory decode is refused");
	tap_status(WDC_PciWriteCfg16(dev, 0x04, cmd | 0x100),
		   WD_STATUS_SUCCESS, "config write of SERR# enable passes");
	WDC_PciReadCfg16(dev, 0x04, &cmd2);
	tap_ok(cmd2 == (cmd | 0x100), "SERR# bit set (0x%x)", cmd2);
	WDC_PciWriteCfg16(dev, 0x04, cmd);

	msi = find_cap(dev, 0x05);
	if (tap_ok(msi != 0, "edu has an MSI capability at 0x%x", msi)) {
		tap_status(WDC_PciWriteCfg16(dev, msi + 2, 1), WD_ACCESS_DENIED,
			   "config write to MSI control is refused");
		tap_status(WDC_PciWriteCfg32(dev, msi + 4, 0xfee00000),
			   WD_ACCESS_DENIED,
			   "config write to the MSI address is refused");
	}
	tap_status(WDC_PciWriteCfg8(dev, 0x0d, 0x40), WD_STATUS_SUCCESS,
		   "config write to the latency timer passes");
	WDC_PciReadCfg8(dev, 0x0d, &lt);
	tap_diag("latency timer reads 0x%x after the write", lt);
	/* QEMU makes the cache line size writable: the write reaches it */
	WDC_PciReadCfg8(dev, 0x0c, &cls);
	tap_status(WDC_PciWriteCfg8(dev, 0x0c, cls ^ 0x10), WD_STATUS_SUCCESS,
		   "config write to the cache line size passes");
	WDC_PciReadCfg8(dev, 0x0c, &cls2);
	tap_ok(cls2 == (cls ^ 0x10), "cache line size reads back 0x%x (0x%x)",
	       cls ^ 0x10, cls2);
	WDC_PciWriteCfg8(dev, 0x0c, cls);
}

static void test_mmap(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p;
	pid_t pid;
	int st;

	p = mmap(NULL, 2u << 20, PROT_READ, MAP_SHARED, hwd,
		 UDRV_MMAP_OFFSET(hcard, 0));
	tap_ok(p == MAP_FAILED, "mmap of 2 MiB of a 1 MiB BAR fails (%s)",
	       strerror(errno));
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, hwd,
		 UDRV_MMAP_OFFSET(hcard, 0) + (1u << 20));
	tap_ok(p == MAP_FAILED, "mmap at offset 1 MiB of a 1 MiB BAR fails");
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, hwd,
		 UDRV_MMAP_OFFSET(hcard, 0) + (1u << 20) - pg);
	tap_ok(p != MAP_FAILED, "mmap of the last page of the BAR works");
	if (p != MAP_FAILED)
		munmap(p, pg);
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, hwd,
		 UDRV_MMAP_OFFSET(hcard, 1));
	tap_ok(p == MAP_FAILED, "mmap of a BAR that does not exist fails");
	p = mmap(NULL, pg, PROT_READ, MAP_PRIVATE, hwd,
		 UDRV_MMAP_OFFSET(hcard, 0));
	tap_ok(p == MAP_FAILED, "private mmap of a BAR fails");

	/* A mapping does not survive fork (VM_DONTCOPY). */
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, hwd,
		 UDRV_MMAP_OFFSET(hcard, 0));
	pid = fork();
	if (pid == 0) {
		volatile uint32_t x = *(volatile uint32_t *)p;
		(void)x;
		_exit(0);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	       "a forked child cannot use the parent's BAR mapping");
	munmap(p, pg);
}

/* After unregister, a stale mapping faults instead of reaching the device */
static void test_zap(WD_PCI_SLOT slot)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint32_t h = 0;
	volatile uint32_t *p;
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		int fd;

		if (WD_Open(&fd) || WD_CardRegister(fd, slot, 0, &h))
			_exit(2);
		p = mmap(NULL, pg, PROT_READ, MAP_SHARED, fd,
			 UDRV_MMAP_OFFSET(h, 0));
		if (p == MAP_FAILED || p[0] != 0x010000ed)
			_exit(3);
		WD_CardUnregister(fd, h);
		(void)p[0];
		_exit(0);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS,
	       "a mapping used after unregister gets SIGBUS (status 0x%x)", st);
}

/*
 * An ordinary user (uid/gid 65534, no supplementary group: outside any
 * group a udev rule may grant /dev/udrv to) cannot open the agent, and
 * learns why: WD_ACCESS_DENIED.  Root bypasses file permissions, so the
 * child drops them first.
 */
static void test_nonroot(void)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		int h;

		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(10);
		if (geteuid() == 0 || !access(UDRV_DEVICE_PATH, R_OK | W_OK))
			_exit(11);	/* still privileged, or the node is open to all */
		_exit(WD_Open(&h) == WD_ACCESS_DENIED ? 0 : 12);
	}
	waitpid(pid, &st, 0);
	tap_ok(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "as uid 65534 without groups: WD_Open of %s is WD_ACCESS_DENIED (exit %d: 10 cannot drop root, 11 node open to it, 12 other status)",
	       UDRV_DEVICE_PATH, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void)
{
	WD_PCI_SLOT slots[2];
	WDC_DEVICE_HANDLE dev;

	tap_init("t_bad");
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2) {
		tap_ok(false, "needs two bound edu devices: %s",
		       WDC_GetLastErrStr());
		return tap_done();
	}
	hwd = WDC_GetWDHandle();
	dev = open_nth(EDU_VENDOR, EDU_DEVICE, 0);
	if (!tap_ok(dev != NULL, "open edu"))
		return tap_done();
	hcard = WDC_GetCardHandle(dev);

	test_transfers(dev);
	test_handles(slots[1]);
	test_register();
	test_config(dev, slots[0]);
	test_mmap();
	test_zap(slots[1]);
	test_nonroot();

	WDC_PciDeviceClose(dev);
	tap_status(WDC_ReadAddr32(NULL, 0, 0, &(uint32_t){0}),
		   WD_INVALID_HANDLE, "accessor on a NULL device");
	WDC_DriverClose();
	return tap_done();
}
