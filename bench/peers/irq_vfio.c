// SPDX-License-Identifier: MIT
/*
 * irq_vfio BDF N: the interrupt round trip through vfio-pci, MSI signalled
 * on an eventfd.  edu must be bound to vfio-pci, which needs an IOMMU
 * (vm/run --iommu: the kernels have no VFIO no-IOMMU mode).
 *
 * Set-up: container (/dev/vfio/vfio, type-1 IOMMU), group (/dev/vfio/G),
 * device fd; BAR0 mapped at its VFIO region offset; bus mastering switched
 * on through the config region (vfio-pci enables MSI but leaves the
 * command register to the user, and an MSI is a DMA write); one eventfd
 * on the MSI index (edu has one vector).
 * Round trip: raise (BAR0+0x60 = 1), read() the eventfd, acknowledge
 * (BAR0+0x64 = 1).
 *
 * IRQ_VFIO_NO_MASTER=1 in the environment skips the bus-master step (to
 * check whether interrupts arrive without it; the watchdog then fires).
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "common.h"

struct vfio {
	int efd;
	volatile uint32_t *bar;
};

static void vfio_loop(void *ctx, unsigned long n)
{
	struct vfio *v = ctx;
	unsigned long i;
	uint64_t cnt;

	for (i = 0; i < n; i++) {
		reg_write(v->bar, EDU_IRQ_RAISE, 1);
		if (read(v->efd, &cnt, sizeof(cnt)) != sizeof(cnt))
			peer_die("read eventfd: %s", strerror(errno));
		reg_write(v->bar, EDU_IRQ_ACK, 1);
	}
}

static void set_master(int dev, int on)
{
	struct vfio_region_info cfg = {
		.argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX,
	};
	uint16_t cmd;

	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &cfg))
		peer_die("config region info: %s", strerror(errno));
	if (pread(dev, &cmd, 2, cfg.offset + PCI_COMMAND) != 2)
		peer_die("read PCI_COMMAND: %s", strerror(errno));
	printf("# vfio: PCI_COMMAND %#06x, bus master %s%s\n", cmd,
	       cmd & PCI_COMMAND_MASTER ? "on" : "off",
	       on ? ": switching it on (MSI is a DMA write)" : "");
	if (!on)
		return;
	cmd |= PCI_COMMAND_MASTER | PCI_COMMAND_MEMORY;
	if (pwrite(dev, &cmd, 2, cfg.offset + PCI_COMMAND) != 2)
		peer_die("write PCI_COMMAND: %s", strerror(errno));
}

int main(int argc, char **argv)
{
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	struct vfio_region_info bar = {
		.argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX,
	};
	struct vfio_irq_info irq = {
		.argsz = sizeof(irq), .index = VFIO_PCI_MSI_IRQ_INDEX,
	};
	char bdf[13], path[256], link[PATH_MAX];
	struct {
		struct vfio_irq_set set;
		int32_t fd;
	} irqs;
	const char *no_master = getenv("IRQ_VFIO_NO_MASTER");
	int container, group, dev;
	struct vfio v;
	unsigned long n;
	ssize_t len;
	void *p;

	peer_args(argc, argv, bdf, &n);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0)
		peer_die("%s: %s (no IOMMU?)", path, strerror(errno));
	link[len] = 0;

	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		peer_die("/dev/vfio/vfio: %s", strerror(errno));
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		peer_die("unknown VFIO API version");
	if (ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) != 1)
		peer_die("no VFIO type-1 IOMMU support");

	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	group = open(path, O_RDWR);
	if (group < 0)
		peer_die("%s: %s (not bound to vfio-pci?)", path, strerror(errno));
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &gs))
		peer_die("group status: %s", strerror(errno));
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		peer_die("%s: group not viable (other devices not bound to vfio)",
			 path);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		peer_die("set container: %s", strerror(errno));
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU))
		peer_die("set IOMMU: %s", strerror(errno));
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (dev < 0)
		peer_die("get device fd %s: %s", bdf, strerror(errno));

	if (ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &bar))
		peer_die("BAR0 region info: %s", strerror(errno));
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || bar.size < 0x80)
		peer_die("BAR0 not mappable (flags %#x, size %llu)", bar.flags,
			 (unsigned long long)bar.size);
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev,
		 bar.offset);
	if (p == MAP_FAILED)
		peer_die("mmap BAR0: %s", strerror(errno));
	v.bar = p;
	if ((reg_read(v.bar, EDU_ID) & 0xff) != 0xed)
		peer_die("%s: id register reads %#x, not edu", bdf,
			 reg_read(v.bar, EDU_ID));
	reg_write(v.bar, EDU_IRQ_ACK, ~0U);	/* nothing pending */

	if (ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &irq))
		peer_die("MSI irq info: %s", strerror(errno));
	if (irq.count < 1 || !(irq.flags & VFIO_IRQ_INFO_EVENTFD))
		peer_die("no MSI vector (count %u, flags %#x)", irq.count,
			 irq.flags);
	set_master(dev, !(no_master && *no_master == '1'));

	v.efd = eventfd(0, 0);
	if (v.efd < 0)
		peer_die("eventfd: %s", strerror(errno));
	memset(&irqs, 0, sizeof(irqs));
	irqs.set.argsz = sizeof(irqs);
	irqs.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	irqs.set.index = VFIO_PCI_MSI_IRQ_INDEX;
	irqs.set.start = 0;
	irqs.set.count = 1;
	irqs.fd = v.efd;
	if (ioctl(dev, VFIO_DEVICE_SET_IRQS, &irqs))
		peer_die("SET_IRQS MSI eventfd: %s", strerror(errno));

	peer_measure("vfio", vfio_loop, &v, n);
	return 0;
}
