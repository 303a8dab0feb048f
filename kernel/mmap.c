// SPDX-License-Identifier: GPL-2.0
/*
 * mmap.c: mapping a memory BAR of a registered card into its owner.
 *
 * The offset selects (card handle, BAR, offset in the BAR).  The mapping is
 * uncached, never inherited across fork (VM_DONTCOPY) and never expanded.
 *
 * mmap() only checks and records the card; the page tables are filled at
 * fault time, under dev->io_sem, after checking that the card is still
 * registered and the device still there.  Revoking takes io_sem for
 * writing, sets card->revoked (or dev->gone) and then zaps: a fault either
 * finished before (and the zap removes its page) or sees the flag and
 * gets SIGBUS.  So no mapping outlives what it maps, whatever the
 * interleaving -- the gap between filling the page tables in mmap() and
 * the VMA becoming visible to the zap is gone.
 */
#include <linux/mm.h>
#include "compat.h"
#include "udrv.h"

#define UDRV_IN_BAR_MASK ((1ULL << UDRV_MMAP_BAR_SHIFT) - 1)
#define UDRV_BAR_MASK ((1u << (UDRV_MMAP_CARD_SHIFT - UDRV_MMAP_BAR_SHIFT)) - 1)

static void udrv_bar_vm_open(struct vm_area_struct *vma)
{
	struct udrv_card *card = vma->vm_private_data;

	kref_get(&card->kref);
}

static void udrv_bar_vm_close(struct vm_area_struct *vma)
{
	udrv_card_put(vma->vm_private_data);
}

static vm_fault_t udrv_bar_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct udrv_card *card = vma->vm_private_data;
	struct udrv_dev *dev = card->dev;
	u64 off = ((u64)vma->vm_pgoff << PAGE_SHIFT) +
		  (vmf->address - vma->vm_start);
	u32 bar = (off >> UDRV_MMAP_BAR_SHIFT) & UDRV_BAR_MASK;
	u64 in_bar = off & UDRV_IN_BAR_MASK;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	struct udrv_bar *b;

	down_read(&dev->io_sem);
	b = &dev->bar[bar];
	if (!card->revoked && !dev->gone && in_bar < PAGE_ALIGN(b->len))
		ret = vmf_insert_pfn(vma, vmf->address & PAGE_MASK,
				     (b->start + in_bar) >> PAGE_SHIFT);
	up_read(&dev->io_sem);
	return ret;
}

static const struct vm_operations_struct udrv_bar_vm_ops = {
	.open = udrv_bar_vm_open,
	.close = udrv_bar_vm_close,
	.fault = udrv_bar_fault,
};

int udrv_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct udrv_file *uf = file->private_data;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 size = vma->vm_end - vma->vm_start;
	u32 hcard = off >> UDRV_MMAP_CARD_SHIFT;
	u32 bar = (off >> UDRV_MMAP_BAR_SHIFT) & UDRV_BAR_MASK;
	u64 in_bar = off & UDRV_IN_BAR_MASK;
	struct udrv_card *card;
	struct udrv_dev *dev;
	struct udrv_bar *b;
	bool protected = false;
	u64 maplen;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off & UDRV_MMAP_DMA)
		return udrv_dma_mmap(uf, vma, off);
	if (bar >= UDRV_MAX_BARS)
		return -EINVAL;
	card = udrv_card_get(uf, hcard);
	if (!card)
		return -EBADF;
	dev = card->dev;
	down_read(&dev->io_sem);
	b = &dev->bar[bar];
	/* A sub-page BAR maps its whole (reserved) page. */
	maplen = PAGE_ALIGN(b->len);
	if (card->revoked || dev->gone)
		ret = -EIO;
	else if (!b->len || b->is_io || !b->mmap_ok)
		ret = -EINVAL;
	else if (in_bar >= maplen || size > maplen - in_bar)
		ret = -ERANGE;
	else
		ret = 0;
	/* The MSI-X table and PBA: readable, never writable (protect.c). */
	if (!ret)
		protected = !udrv_bar_mmap_allowed(dev, bar, in_bar >> PAGE_SHIFT,
						   size >> PAGE_SHIFT, true);
	if (protected && (vma->vm_flags & VM_WRITE))
		ret = -EACCES;
	up_read(&dev->io_sem);
	if (ret) {
		udrv_card_put(card);
		return ret;
	}
	udrv_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND |
			   VM_DONTDUMP | VM_DONTCOPY);
	if (protected)
		udrv_vm_flags_clear(vma, VM_MAYWRITE);	/* no mprotect later */
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	vma->vm_private_data = card;	/* the reference taken above */
	vma->vm_ops = &udrv_bar_vm_ops;
	return 0;
}
