// SPDX-License-Identifier: MIT
/*
 * t_nonroot: a driver that is not root but may open /dev/udrv (a member of
 * the group the node is given to, as the udev rule does) can do what a
 * driver needs: register a bound device, use BAR0 through the mapping,
 * write the config space of its own device, take an MSI, lock DMA
 * buffers within its RLIMIT_MEMLOCK and have the device use them.  It is
 * refused: locking past RLIMIT_MEMLOCK (WD_INSUFFICIENT_RESOURCES, the
 * message naming the limit), config writes to a bound device it has not
 * registered and to one another process holds, config reads past byte 64
 * of devices it does not own, and every device not bound to udrv.
 *
 * The program starts as root: it gives /dev/udrv to group 4242 (0660), a
 * root child registers the second edu and holds it, then the program
 * drops to uid/gid 1000 with 4242 as its only supplementary group and a
 * 64 KiB RLIMIT_MEMLOCK, and runs the checks.  The holder puts the node's
 * owner and mode back when the checks are done.
 */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <udrv/wdc.h>
#include "common/tap.h"
#include "common/edu_dma.h"

#define GID_DEV		4242	/* the group /dev/udrv is given to */
#define UID_USER	1000
#define GID_USER	1000
#define MEMLOCK		(64 * 1024)
#define WAIT_MS		2000

#define EDU_ID		0x00
#define EDU_LIVENESS	0x04
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define CFG_LINE	0x3c	/* interrupt line: scratch for the OS */
#define CFG_PAST_64	0x40

/*
 * Root child: registers `slot` on a file of its own and holds it until
 * `hold` reaches EOF, then restores the node's owner and mode.  Says
 * "1" on `ready` once registered, "0" if it could not.
 */
static void holder(WD_PCI_SLOT slot, int hold, int ready,
		   const struct stat *node)
{
	uint32_t h = 0;
	char c;
	int fd, rc = 0;

	if (WD_Open(&fd) || WD_CardRegister(fd, slot, 0, &h)) {
		c = '0';
		rc = 2;
	} else {
		c = '1';
	}
	if (write(ready, &c, 1) != 1)
		rc = 3;
	while (read(hold, &c, 1) > 0)
		;
	if (h)
		WD_CardUnregister(fd, h);
	if (chown(UDRV_DEVICE_PATH, node->st_uid, node->st_gid) ||
	    chmod(UDRV_DEVICE_PATH, node->st_mode & 07777))
		rc = 4;
	_exit(rc);
}

/* Irreversible: from here on this process is an ordinary user. */
static bool drop_to_user(void)
{
	struct rlimit rl = { MEMLOCK, MEMLOCK };
	gid_t g = GID_DEV;

	return !setrlimit(RLIMIT_MEMLOCK, &rl) && !setgroups(1, &g) &&
	       !setgid(GID_USER) && !setuid(UID_USER);
}

static WDC_DEVICE_HANDLE open_slot(WD_PCI_SLOT slot)
{
	WD_PCI_CARD_INFO info;
	WDC_DEVICE_HANDLE dev = NULL;

	memset(&info, 0, sizeof(info));
	info.slot = slot;
	if (WDC_PciGetDeviceInfo(&info) || WDC_PciDeviceOpen(&dev, &info, NULL))
		return NULL;
	return dev;
}

static void check_bar(WDC_DEVICE_HANDLE dev)
{
	uint32_t id = 0, live = 0;
	volatile uint32_t *bar = WDC_GetBarPointer(dev, 0);

	tap_ok(bar != NULL, "BAR0 is mapped into the process");
	WDC_ReadAddr32(dev, 0, EDU_ID, &id);
	tap_ok(id == 0x010000ed, "BAR0 read: edu id 0x%08x", id);
	WDC_WriteAddr32(dev, 0, EDU_LIVENESS, 0x12345678);
	WDC_ReadAddr32(dev, 0, EDU_LIVENESS, &live);
	tap_ok(live == ~0x12345678u,
	       "BAR0 write: liveness 0x12345678 reads back inverted (0x%08x)",
	       live);
	if (bar)
		tap_ok(bar[EDU_LIVENESS / 4] == ~0x12345678u,
		       "... and through the mapping's pointer");
	else
		tap_ok(false, "... and through the mapping's pointer (none)");
}

static void check_msi(WDC_DEVICE_HANDLE dev)
{
	int hwd = WDC_GetWDHandle();
	uint32_t cause = 0;
	WD_INTERRUPT in;

	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE;
	WDC_WriteAddr32(dev, 0, EDU_IRQ_ACK, ~0u);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(dev), &in),
			WD_STATUS_SUCCESS, "enable MSI"))
		return;
	tap_ok(in.enabled_type == INTERRUPT_MESSAGE, "MSI, not a fallback (%u)",
	       in.enabled_type);
	WDC_WriteAddr32(dev, 0, EDU_IRQ_RAISE, 0x4000);
	tap_status(WD_IntWait(hwd, &in, WAIT_MS), WD_STATUS_SUCCESS,
		   "raise 0x4000: WD_IntWait returns the interrupt");
	WDC_ReadAddr32(dev, 0, EDU_IRQ_STATUS, &cause);
	tap_ok(in.count == 1 && cause == 0x4000,
	       "  count %u, status 0x%x", in.count, cause);
	WDC_WriteAddr32(dev, 0, EDU_IRQ_ACK, ~0u);
	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS, "disable MSI");
}

/*
 * Within the limit: a 32 KiB buffer, filled, copied to the device and back
 * into its second half by edu's DMA engine.  Past it: another 48 KiB while
 * the first is locked (80 KiB in all); then, with the first unlocked, the
 * same 48 KiB fits.
 */
static void check_dma(WDC_DEVICE_HANDLE dev)
{
	WD_DMA *a = NULL, *b = NULL;
	uint8_t *p = NULL;
	void *q = NULL;
	uint32_t st, i, bad = 0;
	const char *err;

	st = WDC_DMAContigBufLock(dev, (void **)&p, WD_DMA_TO_FROM_DEVICE,
				  32768, &a);
	if (!tap_status(st, WD_STATUS_SUCCESS,
			"lock 32 KiB of DMA (RLIMIT_MEMLOCK %d KiB)",
			MEMLOCK / 1024))
		return;
	for (i = 0; i < 2048; i++)
		p[i] = (uint8_t)(i * 7 + 1);
	memset(p + 16384, 0, 2048);
	WDC_DMASyncIo(a);
	st = edu_dma(dev, a->pages[0].bus_addr, 0, 2048, false, NULL);
	if (!st)
		st = edu_dma(dev, a->pages[0].bus_addr + 16384, 0, 2048, true,
			     NULL);
	WDC_DMASyncCpu(a);
	for (i = 0; i < 2048; i++)
		bad += p[16384 + i] != (uint8_t)(i * 7 + 1);
	tap_ok(!st && !bad,
	       "the device copies 2 KiB out of the buffer and back (status %u, %u bytes differ)",
	       st, bad);

	st = WDC_DMAContigBufLock(dev, &q, WD_DMA_TO_FROM_DEVICE, 49152, &b);
	err = WDC_GetLastErrStr();
	tap_status(st, WD_INSUFFICIENT_RESOURCES,
		   "48 KiB more (80 KiB locked in all) is refused");
	tap_ok(st && strstr(err, "RLIMIT_MEMLOCK"),
	       "  the message names RLIMIT_MEMLOCK: %s", err);
	if (!st)
		WDC_DMABufUnlock(b);
	tap_status(WDC_DMABufUnlock(a), WD_STATUS_SUCCESS, "unlock the 32 KiB");
	st = WDC_DMAContigBufLock(dev, &q, WD_DMA_TO_FROM_DEVICE, 49152, &b);
	if (tap_status(st, WD_STATUS_SUCCESS,
		       "then the 48 KiB fits: the limit counts what is locked"))
		WDC_DMABufUnlock(b);
}

/* Config space: own device yes, another's or an unregistered one no. */
static void check_config(WD_PCI_SLOT own, WD_PCI_SLOT held, WD_PCI_SLOT free_,
			 WDC_DEVICE_HANDLE dev)
{
	int hwd = WDC_GetWDHandle();
	uint8_t line = 0, b;
	uint32_t v;

	WDC_PciReadCfg8(dev, CFG_LINE, &line);
	tap_status(WD_PciConfigDump(hwd, own, CFG_LINE, &line, 1, true),
		   WD_STATUS_SUCCESS, "config write to its own device (%s)",
		   slot_str(own));
	tap_status(WD_PciConfigDump(hwd, own, CFG_PAST_64, &v, 4, false),
		   WD_STATUS_SUCCESS, "config read past byte 64 of its own device");
	b = line;
	tap_status(WD_PciConfigDump(hwd, held, CFG_LINE, &b, 1, true),
		   WD_ACCESS_DENIED,
		   "config write to a device another process registered (%s)",
		   slot_str(held));
	tap_status(WD_PciConfigDump(hwd, held, CFG_PAST_64, &v, 4, false),
		   WD_ACCESS_DENIED, "config read past byte 64 of it");
	tap_ok(WD_CardRegister(hwd, held, 0, &v) != WD_STATUS_SUCCESS,
	       "registering it too (it is held exclusively)");
	b = line;
	tap_status(WD_PciConfigDump(hwd, free_, CFG_LINE, &b, 1, true),
		   WD_ACCESS_DENIED,
		   "config write to a bound device nobody registered (%s)",
		   slot_str(free_));
}

/* The host bridge: never bound to udrv. */
static void check_unbound(void)
{
	WD_PCI_SLOT host = { 0, 0, 0, 0 };
	int hwd = WDC_GetWDHandle();
	uint32_t v = 0, h;
	uint8_t b = 0;

	h = WD_PciConfigDump(hwd, host, 0, &v, 4, false);
	tap_ok(!h && v && v != ~0u,
	       "unbound host bridge: its first 64 bytes can be read (status %u, id 0x%08x)",
	       h, v);
	tap_status(WD_PciConfigDump(hwd, host, CFG_PAST_64, &v, 4, false),
		   WD_ACCESS_DENIED, "  not past byte 64 (root may)");
	tap_status(WD_PciConfigDump(hwd, host, CFG_LINE, &b, 1, true),
		   WD_ACCESS_DENIED, "  no config write");
	tap_status(WD_CardRegister(hwd, host, 0, &h), WD_NO_DEVICE_OBJECT,
		   "  no registration");
}

int main(void)
{
	WD_PCI_SLOT slots[3];
	int hold[2], ready[2], st = 0;
	WDC_DEVICE_HANDLE dev;
	struct stat node;
	uint32_t n, v = 0;
	pid_t pid;
	char c = 0;

	tap_init("t_nonroot");
	n = WDC_DriverOpen() ? 0 : find_bound(EDU_VENDOR, EDU_DEVICE, slots, 3);
	/* Root may read past byte 64 of the host bridge: the refusal below
	 * is the user's. */
	if (n)
		tap_status(WD_PciConfigDump(WDC_GetWDHandle(),
					    (WD_PCI_SLOT){ 0, 0, 0, 0 },
					    CFG_PAST_64, &v, 4, false),
			   WD_STATUS_SUCCESS,
			   "as root: config read past byte 64 of the host bridge");
	WDC_DriverClose();
	if (n < 3) {
		tap_skip_provided("needs three bound edu devices (found %u)", n);
		return tap_done();
	}
	if (!tap_ok(!stat(UDRV_DEVICE_PATH, &node) && getuid() == 0 &&
		    !chown(UDRV_DEVICE_PATH, 0, GID_DEV) &&
		    !chmod(UDRV_DEVICE_PATH, 0660),
		    "as root: %s given to group %d, mode 0660", UDRV_DEVICE_PATH,
		    GID_DEV))
		return tap_done();
	if (pipe(hold) || pipe(ready))
		return tap_ok(false, "pipe: %s", strerror(errno)), tap_done();
	pid = fork();
	if (pid == 0) {
		close(hold[1]);
		close(ready[0]);
		holder(slots[1], hold[0], ready[1], &node);
	}
	close(hold[0]);
	close(ready[1]);
	tap_ok(pid > 0 && read(ready[0], &c, 1) == 1 && c == '1',
	       "another process (root) registers %s and holds it",
	       slot_str(slots[1]));

	if (!tap_ok(drop_to_user() && geteuid() == UID_USER &&
		    getegid() == GID_USER,
		    "now uid %d gid %d, groups {%d}, RLIMIT_MEMLOCK %d KiB",
		    UID_USER, GID_USER, GID_DEV, MEMLOCK / 1024))
		goto out;
	if (!tap_status(WDC_DriverOpen(), WD_STATUS_SUCCESS,
			"WDC_DriverOpen as a member of the node's group"))
		goto out;
	dev = open_slot(slots[0]);
	if (tap_ok(dev != NULL, "register and map %s: %s", slot_str(slots[0]),
		   dev ? "ok" : WDC_GetLastErrStr())) {
		check_bar(dev);
		check_config(slots[0], slots[1], slots[2], dev);
		check_msi(dev);
		check_dma(dev);
		tap_status(WDC_PciDeviceClose(dev), WD_STATUS_SUCCESS,
			   "close the device");
	}
	check_unbound();
	WDC_DriverClose();
out:
	close(hold[1]);
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "the holder let go and restored %s (status 0x%x)",
	       UDRV_DEVICE_PATH, st);
	return tap_done();
}
