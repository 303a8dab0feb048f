// SPDX-License-Identifier: MIT
/*
 * irq_uio BDF N: the interrupt round trip through uio_pci_generic, the
 * user-mode baseline.  edu must be bound to uio_pci_generic: INTx, which
 * the kernel's handler masks with the PCI 2.3 interrupt-disable bit
 * (PCI_COMMAND bit 10) before it wakes the reader.
 *
 * Round trip: raise (BAR0+0x60 = 1), read() on /dev/uioN blocks until the
 * interrupt, acknowledge in the device (BAR0+0x64 = 1, the line drops),
 * unmask.  BAR0 is mapped through /sys/bus/pci/devices/BDF/resource0
 * (uio_pci_generic offers no mappings of its own).
 *
 * Unmasking: writing a 4-byte 1 to /dev/uioN works only for UIO drivers
 * with an irqcontrol hook, and uio_pci_generic has none (6.1 and 6.12:
 * the write fails with ENOSYS).  Its documented way (uio-howto) is to
 * clear the interrupt-disable bit in the config space: a 1-byte pwrite of
 * PCI_COMMAND's high byte through /sys/bus/pci/devices/BDF/config.  The
 * program tries the /dev/uioN write first and falls back to that; either
 * way it is one system call per round trip, as in any UIO driver.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <sys/mman.h>

#include "common.h"

struct uio {
	int fd;
	int cfg;		/* config space fd, or -1: unmask via fd */
	uint8_t cmd_hi;		/* PCI_COMMAND >> 8 with INTX_DISABLE clear */
	volatile uint32_t *bar;
};

static void unmask(struct uio *u)
{
	const uint32_t one = 1;

	if (u->cfg < 0) {
		if (write(u->fd, &one, sizeof(one)) != sizeof(one))
			peer_die("unmask: write /dev/uio: %s", strerror(errno));
	} else if (pwrite(u->cfg, &u->cmd_hi, 1, PCI_COMMAND + 1) != 1) {
		peer_die("unmask: write PCI_COMMAND: %s", strerror(errno));
	}
}

static void uio_loop(void *ctx, unsigned long n)
{
	struct uio *u = ctx;
	uint32_t events;
	unsigned long i;

	for (i = 0; i < n; i++) {
		reg_write(u->bar, EDU_IRQ_RAISE, 1);
		if (read(u->fd, &events, sizeof(events)) != sizeof(events))
			peer_die("read /dev/uio: %s", strerror(errno));
		reg_write(u->bar, EDU_IRQ_ACK, 1);
		unmask(u);
	}
}

int main(int argc, char **argv)
{
	char bdf[13], path[256];
	struct dirent *de;
	char node[sizeof(de->d_name) + 8];
	const uint32_t one = 1;
	unsigned long n;
	uint16_t cmd;
	struct uio u;
	int fd;
	DIR *d;
	void *p;

	peer_args(argc, argv, bdf, &n);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/uio", bdf);
	d = opendir(path);
	if (!d)
		peer_die("%s: %s (not bound to uio_pci_generic?)", path,
			 strerror(errno));
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "uio", 3))
			break;
	if (!de)
		peer_die("%s: no uioN", path);
	snprintf(node, sizeof(node), "/dev/%s", de->d_name);
	closedir(d);
	u.fd = open(node, O_RDWR);
	if (u.fd < 0)
		peer_die("%s: %s", node, strerror(errno));

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", bdf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0)
		peer_die("%s: %s", path, strerror(errno));
	p = mmap(NULL, EDU_BAR0_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		peer_die("mmap %s: %s", path, strerror(errno));
	u.bar = p;
	if ((reg_read(u.bar, EDU_ID) & 0xff) != 0xed)
		peer_die("%s: id register reads %#x, not edu", bdf,
			 reg_read(u.bar, EDU_ID));
	reg_write(u.bar, EDU_IRQ_ACK, ~0U);	/* nothing pending */

	u.cfg = -1;
	if (write(u.fd, &one, sizeof(one)) == sizeof(one)) {
		printf("# uio: unmask by writing 1 to %s\n", node);
	} else if (errno == ENOSYS) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
		u.cfg = open(path, O_RDWR);
		if (u.cfg < 0)
			peer_die("%s: %s", path, strerror(errno));
		if (pread(u.cfg, &cmd, 2, PCI_COMMAND) != 2)
			peer_die("read PCI_COMMAND: %s", strerror(errno));
		u.cmd_hi = (cmd & ~PCI_COMMAND_INTX_DISABLE) >> 8;
		printf("# uio: %s has no irqcontrol (ENOSYS): unmask by clearing PCI_COMMAND_INTX_DISABLE through %s (PCI_COMMAND %#06x)\n",
		       node, path, cmd);
		unmask(&u);
	} else {
		peer_die("unmask: write %s: %s", node, strerror(errno));
	}
	peer_measure("uio", uio_loop, &u, n);
	return 0;
}
