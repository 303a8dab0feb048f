// SPDX-License-Identifier: GPL-2.0
/*
 * mmap.c: mapping a memory BAR of a registered card into its owner.
 *
 * The offset selects (card handle, BAR, offset in the BAR).  The mapping is
 * uncached, never inherited across fork (VM_DONTCOPY), never expanded, and
 * zapped when the card is unregistered or the device goes away; a later
 * access then gets SIGBUS instead of reaching the hardware.
 */
#include <linux/mm.h>
#include "compat.h"
#include "udrv.h"

int udrv_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct udrv_file *uf = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 size = vma->vm_end - vma->vm_start;
	u32 hcard = off >> UDRV_MMAP_CARD_SHIFT;
	u32 bar = (off >> UDRV_MMAP_BAR_SHIFT) &
		  ((1u << (UDRV_MMAP_CARD_SHIFT - UDRV_MMAP_BAR_SHIFT)) - 1);
	u64 in_bar = off & ((1ULL << UDRV_MMAP_BAR_SHIFT) - 1);
	struct udrv_dev *dev;
	struct udrv_bar *b;
	u64 maplen;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off & UDRV_MMAP_DMA)
		return udrv_dma_mmap(uf, vma, off);
	if (bar >= UDRV_MAX_BARS)
		return -EINVAL;
	dev = udrv_file_get_dev(uf, hcard);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	b = &dev->bar[bar];
	ret = -EINVAL;
	if (!b->len || b->is_io || !b->mmap_ok)
		goto out;
	/* A sub-page BAR maps its whole (reserved) page. */
	maplen = PAGE_ALIGN(b->len);
	if (in_bar >= maplen || size > maplen - in_bar) {
		ret = -ERANGE;
		goto out;
	}
	udrv_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
			   VM_DONTDUMP | VM_DONTCOPY);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	ret = io_remap_pfn_range(vma, vma->vm_start,
				 (b->start + in_bar) >> PAGE_SHIFT, size,
				 vma->vm_page_prot);
out:
	udrv_file_put_dev(uf, dev);
	return ret;
}
