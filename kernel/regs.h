/* SPDX-License-Identifier: GPL-2.0 */
/*
 * regs.h - one register access of 1, 2, 4 or 8 bytes on a BAR the agent
 * mapped (memory or I/O ports alike: pci_iomap), for the transfer engine
 * and a Kernel PlugIn's accessors.
 */
#ifndef UDRV_REGS_H
#define UDRV_REGS_H

#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>

static inline u64 udrv_read(void __iomem *p, u32 width)
{
	switch (width) {
	case 1:
		return ioread8(p);
	case 2:
		return ioread16(p);
	case 4:
		return ioread32(p);
	default:
		return readq(p);
	}
}

static inline void udrv_write(void __iomem *p, u32 width, u64 v)
{
	switch (width) {
	case 1:
		iowrite8(v, p);
		break;
	case 2:
		iowrite16(v, p);
		break;
	case 4:
		iowrite32(v, p);
		break;
	default:
		writeq(v, p);
		break;
	}
}

#endif /* UDRV_REGS_H */
