// SPDX-License-Identifier: MIT
/*
 * t_abi: the raw ioctl interface.  Every ioctl refuses a structure whose
 * size field or ioctl-encoded size disagrees with the agent's, and every
 * inner count that disagrees with what was copied.  A 32-bit program
 * (t_m32) that inherits a descriptor with a registered card cannot map it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"

static int fd;

static int raw(unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? errno : 0;
}

static const struct {
	const char *name;
	unsigned long cmd;
	size_t size;
} ioctls[] = {
#define IOC(c, s) { #c, c, sizeof(struct s) }
	IOC(UDRV_IOC_VERSION, udrv_version),
	IOC(UDRV_IOC_SCAN, udrv_scan),
	IOC(UDRV_IOC_CARD_INFO, udrv_card_info),
	IOC(UDRV_IOC_CONFIG, udrv_config),
	IOC(UDRV_IOC_REGISTER, udrv_register),
	IOC(UDRV_IOC_UNREGISTER, udrv_unregister),
	IOC(UDRV_IOC_TRANSFER, udrv_transfer),
	IOC(UDRV_IOC_MULTI_TRANSFER, udrv_multi_transfer),
	IOC(UDRV_IOC_CLEANUP_SETUP, udrv_cleanup_setup),
	IOC(UDRV_IOC_INT_ENABLE, udrv_int_enable),
	IOC(UDRV_IOC_INT_WAIT, udrv_int_wait),
	IOC(UDRV_IOC_INT_COUNT, udrv_int_wait),
	IOC(UDRV_IOC_INT_DISABLE, udrv_int_disable),
	IOC(UDRV_IOC_INT_FD, udrv_int_fd),
	IOC(UDRV_IOC_DMA_LOCK, udrv_dma_lock),
	IOC(UDRV_IOC_DMA_UNLOCK, udrv_dma_op),
	IOC(UDRV_IOC_DMA_SYNC, udrv_dma_op),
	IOC(UDRV_IOC_DMA_MASK, udrv_dma_mask),
	IOC(UDRV_IOC_XLIST_PREPARE, udrv_xlist_prepare),
	IOC(UDRV_IOC_XLIST_RUN, udrv_xlist_run),
	IOC(UDRV_IOC_XLIST_FREE, udrv_xlist_free),
#undef IOC
};

static void test_sizes(void)
{
	unsigned char buf[8192];
	unsigned int i;

	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
		uint32_t bad[] = { 0, (uint32_t)ioctls[i].size - 1,
				   (uint32_t)ioctls[i].size + 8, 0xffffffff };
		unsigned int j, fails = 0;
		unsigned long other;

		for (j = 0; j < 4; j++) {
			memset(buf, 0, sizeof(buf));
			memcpy(buf, &bad[j], 4);
			if (raw(ioctls[i].cmd, buf) != EMSGSIZE)
				fails++;
		}
		tap_ok(!fails, "%s: wrong size field -> EMSGSIZE", ioctls[i].name);

		/* Same number, other size encoded in the ioctl. */
		other = _IOC(_IOC_DIR(ioctls[i].cmd), UDRV_IOC_MAGIC,
			     _IOC_NR(ioctls[i].cmd), ioctls[i].size + 8);
		memset(buf, 0, sizeof(buf));
		memcpy(buf, &(uint32_t){ (uint32_t)ioctls[i].size + 8 }, 4);
		tap_ok(raw(other, buf) == EMSGSIZE,
		       "%s: other size in the ioctl number -> EMSGSIZE",
		       ioctls[i].name);
		tap_ok(raw(ioctls[i].cmd, (void *)8) == EFAULT,
		       "%s: bad argument pointer -> EFAULT", ioctls[i].name);
	}
	tap_ok(raw(_IOWR(UDRV_IOC_MAGIC, 0x7f, struct udrv_version), buf) ==
	       ENOTTY, "unknown ioctl -> ENOTTY");
	tap_ok(raw(_IOWR('X', 0, struct udrv_version), buf) == ENOTTY,
	       "foreign magic -> ENOTTY");
}

static void test_counts(uint32_t hcard, WD_PCI_SLOT s)
{
	struct udrv_scan sc;
	struct udrv_scan_entry ents[4];
	struct udrv_multi_transfer m;
	struct udrv_cleanup_setup cs;
	struct udrv_config c;
	struct udrv_register r;
	struct udrv_transfer t;
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *guard;
	uint32_t v;

	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.max = UDRV_MAX_SCAN + 1;
	sc.entries = (uintptr_t)ents;
	tap_ok(raw(UDRV_IOC_SCAN, &sc) == EINVAL, "scan: max beyond the cap");
	sc.max = 4;
	sc.entries = 0;
	tap_ok(raw(UDRV_IOC_SCAN, &sc) == EINVAL, "scan: max without array");
	sc.entries = 16;
	tap_ok(raw(UDRV_IOC_SCAN, &sc) == EFAULT, "scan: bad array pointer");
	sc.max = 0;
	tap_ok(raw(UDRV_IOC_SCAN, &sc) == 0 && sc.found > 0,
	       "scan: max 0 only counts (%u)", sc.found);

	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.hcard = hcard;
	m.num = 0;
	m.cmds = (uintptr_t)&t;
	tap_ok(raw(UDRV_IOC_MULTI_TRANSFER, &m) == EINVAL, "multi: num 0");
	m.num = UDRV_MAX_MULTI + 1;
	tap_ok(raw(UDRV_IOC_MULTI_TRANSFER, &m) == ENOSPC,
	       "multi: num beyond the cap");
	/* An array whose claimed length runs into an unmapped page. */
	guard = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(guard + pg, pg);
	memset(guard, 0, pg);
	m.num = pg / sizeof(struct udrv_xfer) + 1;
	m.cmds = (uintptr_t)guard;
	tap_ok(raw(UDRV_IOC_MULTI_TRANSFER, &m) == EFAULT,
	       "multi: num larger than the readable array -> EFAULT");

	memset(&cs, 0, sizeof(cs));
	cs.size = sizeof(cs);
	cs.hcard = hcard;
	cs.num = UDRV_MAX_CLEANUP + 1;
	cs.cmds = (uintptr_t)guard;
	tap_ok(raw(UDRV_IOC_CLEANUP_SETUP, &cs) == ENOSPC,
	       "cleanup: num beyond the cap");
	cs.num = pg / sizeof(struct udrv_xfer) + 1 > UDRV_MAX_CLEANUP ?
		 UDRV_MAX_CLEANUP : pg / sizeof(struct udrv_xfer) + 1;
	cs.cmds = (uintptr_t)(guard + pg - 2 * sizeof(struct udrv_xfer));
	tap_ok(raw(UDRV_IOC_CLEANUP_SETUP, &cs) == EFAULT,
	       "cleanup: num larger than the readable array -> EFAULT");
	cs.num = 1;
	cs.cmds = 0;
	tap_ok(raw(UDRV_IOC_CLEANUP_SETUP, &cs) == EINVAL,
	       "cleanup: num without array");

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.slot.domain = s.domain;
	c.slot.bus = s.bus;
	c.slot.slot = s.slot;
	c.slot.function = s.function;
	c.bytes = 4;
	c.buf = (uintptr_t)&v;
	tap_ok(raw(UDRV_IOC_CONFIG, &c) == 0, "config: a good read");
	c.pad[1] = 1;
	tap_ok(raw(UDRV_IOC_CONFIG, &c) == EINVAL, "config: padding not zero");
	c.pad[1] = 0;
	c.slot.pad[1] = 1;
	tap_ok(raw(UDRV_IOC_CONFIG, &c) == EINVAL,
	       "config: slot padding not zero");
	c.slot.pad[1] = 0;
	c.write = 2;
	tap_ok(raw(UDRV_IOC_CONFIG, &c) == EINVAL, "config: write flag 2");
	c.write = 0;
	c.bytes = 4097;
	tap_ok(raw(UDRV_IOC_CONFIG, &c) == ERANGE, "config: 4097 bytes");
	c.bytes = 64;
	c.buf = (uintptr_t)(guard + pg - 32);
	tap_ok(raw(UDRV_IOC_CONFIG, &c) == EFAULT,
	       "config: buffer shorter than bytes -> EFAULT");

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.slot = c.slot;
	r.options = 0x100;
	tap_ok(raw(UDRV_IOC_REGISTER, &r) == EINVAL, "register: unknown option");

	memset(&t, 0, sizeof(t));
	t.size = sizeof(t);
	t.hcard = hcard;
	t.xfer.cmd = RM_DWORD;
	t.xfer.options = 0x8;
	tap_ok(raw(UDRV_IOC_TRANSFER, &t) == EINVAL, "transfer: unknown option");
	t.xfer.options = 0;
	t.xfer.cmd = RM_SDWORD;
	t.xfer.bytes = 64;
	t.xfer.data = (uintptr_t)(guard + pg - 32);
	tap_ok(raw(UDRV_IOC_TRANSFER, &t) == EFAULT,
	       "transfer: block buffer shorter than bytes -> EFAULT");
	t.xfer.bytes = 0;
	tap_ok(raw(UDRV_IOC_TRANSFER, &t) == EINVAL,
	       "transfer: block of 0 bytes -> EINVAL");
	t.xfer.bytes = UDRV_MAX_BLOCK + 4;
	tap_ok(raw(UDRV_IOC_TRANSFER, &t) == ERANGE,
	       "transfer: block beyond the cap");
	munmap(guard, pg);
}

/* The descriptor is inherited across exec (opened without O_CLOEXEC). */
static void test_m32_mmap(uint32_t h)
{
	char fds[16], hs[16];
	pid_t pid;
	int st;

	if (!tap_ok(access("/bin/t_m32", X_OK) == 0, "t_m32 is installed"))
		return;
	snprintf(fds, sizeof(fds), "%d", fd);
	snprintf(hs, sizeof(hs), "%u", h);
	pid = fork();
	if (pid == 0) {
		execl("/bin/t_m32", "t_m32", "mmap", fds, hs, (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "a 32-bit program cannot map an inherited card: ENOEXEC (status 0x%x)",
	       st);
}

int main(void)
{
	WD_PCI_SLOT s;
	uint32_t h;

	tap_init("t_abi");
	fd = open(UDRV_DEVICE_PATH, O_RDWR);
	if (!tap_ok(fd >= 0, "open %s", UDRV_DEVICE_PATH))
		return tap_done();
	test_sizes();
	if (WDC_DriverOpen() || !find_bound(EDU_VENDOR, EDU_DEVICE, &s, 1) ||
	    WD_CardRegister(fd, s, WD_SHARED, &h)) {
		tap_ok(false, "register edu for the count tests");
		return tap_done();
	}
	test_counts(h, s);
	test_m32_mmap(h);
	close(fd);
	WDC_DriverClose();
	return tap_done();
}
