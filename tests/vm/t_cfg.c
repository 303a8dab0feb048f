// SPDX-License-Identifier: MIT
/*
 * t_cfg: who may write config space, and what.
 *
 * - A dead owner: a file registered the second edu, the device was unbound
 *   and bound again, another file registered it exclusively.  The first
 *   file's card belongs to the old binding: its config writes must fail
 *   (the agent used to accept any card whose pci_dev matched).
 * - Registers the kernel owns (e1000e: PCIe FLR bit, PM power state) are
 *   refused with WD_ACCESS_DENIED, while writes that keep them pass.
 * - A file opened read-only may read (version, scan, config) but neither
 *   register a card nor write config space (EBADF).
 * - The registers the agent owns, byte by byte, on every device with them:
 *   all six BAR registers (0x10-0x27: ivshmem's BAR2 is 64-bit at
 *   0x18; on the bridge they are its routing registers), the expansion
 *   ROM BAR, the MSI capability with its mask bits (the bridge's SHPC
 *   brings MSI with per-vector masking), the MSI-X capability: every
 *   write refused, the value unchanged.
 * - CAP_SYS_ADMIN counts as the opener had it: a file opened by root that
 *   is then used without the capability still reads all of config space;
 *   one opened without it does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"

#define E1000E_VENDOR	0x8086
#define E1000E_DEVICE	0x10d3
#define BRIDGE_VENDOR	0x1b36	/* QEMU pci-bridge */
#define BRIDGE_DEVICE	0x0001
#define PCI_INTERRUPT_LINE_OFF	0x3c

static int rebind(const char *bdf)
{
	char path[96];

	if (sysfs_write("/sys/bus/pci/drivers/udrv/unbind", bdf))
		return -1;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	sysfs_write(path, "udrv");
	return sysfs_write("/sys/bus/pci/drivers_probe", bdf);
}

static uint8_t cfg8(int fd, WD_PCI_SLOT s, uint32_t off)
{
	uint8_t b = 0;

	WD_PciConfigDump(fd, s, off, &b, 1, false);
	return b;
}

/*
 * Writes every byte of [from, to) with its complement: how many were
 * refused with WD_ACCESS_DENIED and still read as before; the first
 * offset that was not, in *bad.
 */
static uint32_t refused_bytes(int fd, WD_PCI_SLOT s, uint32_t from,
			      uint32_t to, uint32_t *bad)
{
	uint32_t off, n = 0;

	*bad = 0;
	for (off = from; off < to; off++) {
		uint8_t old = cfg8(fd, s, off), v = (uint8_t)~old;

		if (WD_PciConfigDump(fd, s, off, &v, 1, true) ==
		    WD_ACCESS_DENIED && cfg8(fd, s, off) == old)
			n++;
		else if (!*bad)
			*bad = off;
	}
	return n;
}

static uint8_t find_cap_fd(int fd, WD_PCI_SLOT s, uint8_t id)
{
	uint8_t pos = cfg8(fd, s, 0x34);
	int guard = 48;

	while (pos && guard--) {
		if (cfg8(fd, s, pos) == id)
			return pos;
		pos = cfg8(fd, s, pos + 1);
	}
	return 0;
}

static void wall(int fd, WD_PCI_SLOT s, const char *name, const char *what,
		 uint32_t from, uint32_t to)
{
	uint32_t bad, n = refused_bytes(fd, s, from, to, &bad);

	tap_ok(n == to - from,
	       "%s: %s (0x%02x-0x%02x): all %u byte writes refused, values unchanged (%u; first not: 0x%02x)",
	       name, what, from, to - 1, to - from, n, bad);
}

static void test_owned_registers(uint16_t vendor, uint16_t device,
				 const char *name, bool want_msix,
				 bool want_mask)
{
	WD_PCI_SLOT s;
	uint32_t h;
	uint8_t msi, msix;
	int fd;

	if (!find_bound(vendor, device, &s, 1)) {
		tap_skip_provided("no %s bound: its owned registers untested",
				  name);
		return;
	}
	if (!tap_status(WD_Open(&fd), WD_STATUS_SUCCESS, "%s: open", name))
		return;
	if (!tap_status(WD_CardRegister(fd, s, 0, &h), WD_STATUS_SUCCESS,
			"%s: register", name)) {
		WD_Close(fd);
		return;
	}
	wall(fd, s, name, "BAR0-BAR5", 0x10, 0x28);
	wall(fd, s, name, "expansion ROM BAR", 0x30, 0x34);
	msi = find_cap_fd(fd, s, 0x05);
	if (want_mask && !tap_ok(msi, "%s: has an MSI capability", name))
		msi = 0;
	if (msi) {
		uint16_t ctl = cfg8(fd, s, msi + 2) | cfg8(fd, s, msi + 3) << 8;
		uint32_t len = ctl & 0x80 ? 14 : 10;

		wall(fd, s, name, "MSI capability", msi, msi + len);
		if (want_mask)
			tap_ok(ctl & 0x100, "%s: MSI with per-vector masking (control 0x%04x)",
			       name, ctl);
		if (ctl & 0x100)	/* per-vector masking: mask, pending */
			wall(fd, s, name, "MSI mask and pending bits",
			     msi + len, msi + len + 10);
		else
			tap_diag("%s: MSI without per-vector masking: no mask bits",
				 name);
	}
	msix = find_cap_fd(fd, s, 0x11);
	if (want_msix && tap_ok(msix != 0, "%s: has an MSI-X capability (0x%x)",
				name, msix))
		wall(fd, s, name, "MSI-X capability", msix, msix + 12);
	WD_CardUnregister(fd, h);
	WD_Close(fd);
}

static void test_dead_owner(WD_PCI_SLOT s)
{
	char bdf[16];
	uint32_t h1 = 0, h2 = 0;
	uint8_t line = 0x0b;
	int fd1, fd2;

	snprintf(bdf, sizeof(bdf), "%s", slot_str(s));
	if (!tap_status(WD_Open(&fd1), WD_STATUS_SUCCESS, "open the first file") ||
	    !tap_status(WD_CardRegister(fd1, s, 0, &h1), WD_STATUS_SUCCESS,
			"the first file registers %s", bdf))
		return;
	tap_status(WD_PciConfigDump(fd1, s, PCI_INTERRUPT_LINE_OFF, &line, 1,
				    true),
		   WD_STATUS_SUCCESS, "the owner writes the interrupt line");
	if (!tap_ok(rebind(bdf) == 0, "unbind and bind %s again", bdf))
		return;
	if (!tap_status(WD_Open(&fd2), WD_STATUS_SUCCESS, "open a second file") ||
	    !tap_status(WD_CardRegister(fd2, s, 0, &h2), WD_STATUS_SUCCESS,
			"the second file registers the new binding exclusively"))
		return;
	tap_status(WD_PciConfigDump(fd1, s, PCI_INTERRUPT_LINE_OFF, &line, 1,
				    true),
		   WD_ACCESS_DENIED,
		   "the old binding's owner may no longer write config space");
	tap_status(WD_PciConfigDump(fd2, s, PCI_INTERRUPT_LINE_OFF, &line, 1,
				    true),
		   WD_STATUS_SUCCESS, "the new owner may");
	WD_CardUnregister(fd2, h2);
	WD_Close(fd2);
	WD_CardUnregister(fd1, h1);
	WD_Close(fd1);
}

/* Offset of a standard capability, 0 if absent. */
static uint32_t find_cap(int fd, WD_PCI_SLOT s, uint8_t id)
{
	uint8_t cfg[256];
	uint32_t at, n;

	if (WD_PciConfigDump(fd, s, 0, cfg, sizeof(cfg), false))
		return 0;
	for (at = cfg[0x34] & ~3u, n = 0; at && n < 48; n++) {
		if (cfg[at] == id)
			return at;
		at = cfg[at + 1] & ~3u;
	}
	return 0;
}

static void test_kernel_owned(void)
{
	WD_PCI_SLOT s;
	uint32_t h, pm, exp;
	uint16_t v, w;
	int fd;

	if (!find_bound(E1000E_VENDOR, E1000E_DEVICE, &s, 1)) {
		tap_skip_provided("no e1000e bound: kernel-owned registers untested");
		return;
	}
	if (WD_Open(&fd) || WD_CardRegister(fd, s, WD_SHARED, &h)) {
		tap_ok(false, "register the e1000e");
		return;
	}
	pm = find_cap(fd, s, 0x01);
	exp = find_cap(fd, s, 0x10);
	if (tap_ok(exp, "the e1000e has a PCIe capability (0x%x)", exp)) {
		WD_PciConfigDump(fd, s, exp + 8, &v, 2, false);
		w = v | 0x8000;
		tap_status(WD_PciConfigDump(fd, s, exp + 8, &w, 2, true),
			   WD_ACCESS_DENIED, "PCIe Device Control: Initiate FLR refused");
		tap_diag("%s", WDC_GetLastErrStr());
		w = v;
		tap_status(WD_PciConfigDump(fd, s, exp + 8, &w, 2, true),
			   WD_STATUS_SUCCESS, "Device Control without FLR passes");
	}
	if (tap_ok(pm, "the e1000e has a PM capability (0x%x)", pm)) {
		WD_PciConfigDump(fd, s, pm + 4, &v, 2, false);
		w = (v & ~3u) | 3u;
		if (!tap_status(WD_PciConfigDump(fd, s, pm + 4, &w, 2, true),
				WD_ACCESS_DENIED, "PM control: D3hot refused")) {
			w = v & ~3u;	/* back to D0 for the next tests */
			WD_PciConfigDump(fd, s, pm + 4, &w, 2, true);
		}
		w = v;
		tap_status(WD_PciConfigDump(fd, s, pm + 4, &w, 2, true),
			   WD_STATUS_SUCCESS, "PM control keeping the state passes");
	}
	WD_CardUnregister(fd, h);
	WD_Close(fd);
}

static int raw_config(int fd, WD_PCI_SLOT s, uint32_t off, void *buf,
		      uint32_t bytes, int write)
{
	struct udrv_config c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.slot.domain = s.domain;
	c.slot.bus = s.bus;
	c.slot.slot = s.slot;
	c.slot.function = s.function;
	c.offset = off;
	c.bytes = bytes;
	c.write = write;
	c.buf = (uintptr_t)buf;
	return ioctl(fd, UDRV_IOC_CONFIG, &c) < 0 ? errno : 0;
}

static void test_read_only(WD_PCI_SLOT s)
{
	struct udrv_version v;
	struct udrv_register r;
	uint8_t b[4];
	int err, fd = open(UDRV_DEVICE_PATH, O_RDONLY);

	if (!tap_ok(fd >= 0, "open %s read-only", UDRV_DEVICE_PATH))
		return;
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	tap_ok(ioctl(fd, UDRV_IOC_VERSION, &v) == 0, "read-only: version");
	tap_ok(raw_config(fd, s, 0, b, 4, 0) == 0, "read-only: config read");
	tap_ok(raw_config(fd, s, PCI_INTERRUPT_LINE_OFF, b, 1, 1) == EBADF,
	       "read-only: config write -> EBADF");
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.slot.domain = s.domain;
	r.slot.bus = s.bus;
	r.slot.slot = s.slot;
	r.slot.function = s.function;
	r.options = UDRV_REG_SHARED;
	err = ioctl(fd, UDRV_IOC_REGISTER, &r) < 0 ? errno : 0;
	tap_ok(err == EBADF, "read-only: register -> EBADF (%s)",
	       strerror(err));
	close(fd);
}

static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d))
		return -1;
	d[0].effective &= ~(1u << CAP_SYS_ADMIN);
	d[0].permitted &= ~(1u << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, d) ? -1 : 0;
}

/* In a child: the capability is dropped for good there. */
static void test_cap_at_open(void)
{
	WD_PCI_SLOT host = { 0, 0, 0, 0 };	/* never bound to udrv */
	uint8_t buf[128];
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		int before = open(UDRV_DEVICE_PATH, O_RDWR), after;
		int code = 0;

		if (before < 0 || drop_sys_admin())
			_exit(10);
		after = open(UDRV_DEVICE_PATH, O_RDWR);
		if (after < 0)
			_exit(11);
		if (raw_config(before, host, 0, buf, sizeof(buf), 0) != 0)
			code |= 1;
		if (raw_config(after, host, 0, buf, sizeof(buf), 0) != EPERM)
			code |= 2;
		_exit(code);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) < 10,
	       "a child opened, dropped CAP_SYS_ADMIN and opened again (0x%x)",
	       st);
	tap_ok(WIFEXITED(st) && !(WEXITSTATUS(st) & 1),
	       "opened with CAP_SYS_ADMIN: all of config space reads without it");
	tap_ok(WIFEXITED(st) && !(WEXITSTATUS(st) & 2),
	       "opened without CAP_SYS_ADMIN: beyond 64 bytes -> EPERM");
}

int main(void)
{
	WD_PCI_SLOT slots[2];

	tap_init("t_cfg");
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2) {
		tap_ok(false, "needs two bound edu devices");
		return tap_done();
	}
	test_read_only(slots[1]);
	test_cap_at_open();
	test_kernel_owned();
	test_owned_registers(0x1af4, 0x1110, "ivshmem", false, false);
	test_owned_registers(E1000E_VENDOR, E1000E_DEVICE, "e1000e", true, false);
	test_owned_registers(EDU_VENDOR, EDU_DEVICE, "edu", false, false);
	test_owned_registers(BRIDGE_VENDOR, BRIDGE_DEVICE, "pci-bridge", false,
			     true);
	test_dead_owner(slots[1]);
	WDC_DriverClose();
	return tap_done();
}
