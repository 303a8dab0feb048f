// SPDX-License-Identifier: MIT
/*
 * devices.c: the devices bound to udrv, their BARs, and the filter that
 * keeps every write away from what could make a device DMA into the guest.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

struct fz_dev fz_devs[FZ_MAX_DEVS];
unsigned int fz_ndevs;

static enum fz_kind kind_of(uint16_t v, uint16_t d)
{
	if (v == 0x1234 && d == 0x11e8)
		return K_EDU;
	if (v == 0x1b36 && d == 0x0005)
		return K_TESTDEV;
	if (v == 0x1af4 && d == 0x1110)
		return K_IVSHMEM;
	if (v == 0x8086)
		return K_E1000E;
	return K_OTHER;
}

int fz_find_devices(int fd)
{
	struct udrv_scan_entry e[64];
	struct udrv_scan s = { .size = sizeof(s), .max = 64,
			       .entries = (uintptr_t)e };

	if (ioctl(fd, UDRV_IOC_SCAN, &s))
		return -1;
	for (uint32_t i = 0; i < s.found && i < 64; i++) {
		struct udrv_card_info ci = { .size = sizeof(ci),
					     .slot = e[i].slot };
		struct fz_dev *d = &fz_devs[fz_ndevs];

		if (!e[i].bound || fz_ndevs == FZ_MAX_DEVS ||
		    ioctl(fd, UDRV_IOC_CARD_INFO, &ci))
			continue;
		memset(d, 0, sizeof(*d));
		d->slot = e[i].slot;
		d->vendor = e[i].vendor;
		d->device = e[i].device;
		d->kind = kind_of(d->vendor, d->device);
		snprintf(d->bdf, sizeof(d->bdf), "%04x:%02x:%02x.%x",
			 d->slot.domain, d->slot.bus, d->slot.slot,
			 d->slot.function);
		for (uint32_t k = 0; k < ci.num_items && k < UDRV_MAX_ITEMS; k++) {
			const struct udrv_item *it = &ci.item[k];

			if (it->type != UDRV_ITEM_MEM && it->type != UDRV_ITEM_IO)
				continue;
			d->bar[d->nbars].bar = it->bar;
			d->bar[d->nbars].len = it->length;
			d->bar[d->nbars].io = it->type == UDRV_ITEM_IO;
			d->bar[d->nbars].mmap = it->flags & UDRV_ITEMF_MMAP;
			d->nbars++;
		}
		fz_ndevs++;
	}
	return (int)fz_ndevs;
}

int fz_pick_bar(const struct fz_dev *d, bool for_write, bool want_mem)
{
	int cand[UDRV_MAX_BARS], n = 0;

	for (uint32_t i = 0; i < d->nbars; i++) {
		if (want_mem && (d->bar[i].io || !d->bar[i].mmap))
			continue;
		if (for_write && d->kind == K_IVSHMEM && d->bar[i].bar != 2)
			continue;
		cand[n++] = (int)i;
	}
	return n ? cand[fz_below(n)] : -1;
}

static bool hits_dma_regs(const struct udrv_xfer *x)
{
	uint64_t width = 1u << (x->cmd & UDRV_CMD_WIDTH_MASK);
	uint64_t span = width;

	if ((x->cmd & UDRV_CMD_STRING) && !(x->options & UDRV_XFER_NO_AUTOINC))
		span = x->bytes;
	if (!span)
		span = width;
	/* Overflowing ranges are refused by the agent; count them as hits. */
	if (x->addr + span < x->addr)
		return true;
	return x->bar == 0 && x->addr < 0xa0 && x->addr + span > 0x80;
}

void fz_make_safe(struct udrv_xfer *x, uint32_t n, bool ro_file)
{
	for (uint32_t i = 0; i < n; i++, x++) {
		if (!(x->cmd & UDRV_CMD_WRITE))
			continue;
		/*
		 * The handle may not be the device the command was built for
		 * (a mutation), so the rule holds for every device.  ivshmem's
		 * BAR0 (doorbell registers) is harmless without peers.
		 */
		if (ro_file || hits_dma_regs(x))
			x->cmd &= ~UDRV_CMD_WRITE;
	}
}
