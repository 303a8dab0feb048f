// SPDX-License-Identifier: GPL-2.0
/*
 * dma.c: DMA buffers of a registered card, through the kernel DMA API only.
 *
 * Contiguous buffers come from dma_alloc_coherent() and are mapped into
 * the caller; scatter-gather buffers are the caller's own pages, pinned
 * for long-term DMA and mapped with dma_map_sgtable().  Both are charged
 * to RLIMIT_MEMLOCK (unless CAP_IPC_LOCK), as VFIO does, and capped per
 * file.  Without an IOMMU translating for the device, a pinned page beyond
 * the device's DMA mask is refused here: dma-direct would otherwise need
 * a bounce buffer the machine may not have, and warn.
 */
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "compat.h"
#include "udrv.h"

struct udrv_dma {
	struct list_head node;		/* while being released */
	u32 handle;
	u32 options;
	struct udrv_card *card;		/* owner; compared only */
	struct udrv_dev *dev;		/* holds a reference */
	struct udrv_file *file;
	u64 bytes;
	/* contiguous */
	void *cpu;
	dma_addr_t dma_addr;
	size_t alloc;
	/* scatter-gather */
	struct page **pages;
	unsigned long npages;
	struct sg_table sgt;
	bool mapped;
	enum dma_data_direction dir;
	/* RLIMIT_MEMLOCK accounting */
	struct mm_struct *mm;
	unsigned long locked;
};

static DEFINE_IDA(udrv_dma_handles);
static atomic_long_t udrv_dma_buffers = ATOMIC_LONG_INIT(0);
static atomic_long_t udrv_dma_pinned = ATOMIC_LONG_INIT(0);

/* For /sys/bus/pci/drivers/udrv/dma_stats: leaks show here. */
void udrv_dma_stats(long *buffers, long *pinned)
{
	*buffers = atomic_long_read(&udrv_dma_buffers);
	*pinned = atomic_long_read(&udrv_dma_pinned);
}

static enum dma_data_direction udrv_dma_dir(u32 options)
{
	switch (options & (UDRV_DMA_TO_DEVICE | UDRV_DMA_FROM_DEVICE)) {
	case UDRV_DMA_TO_DEVICE:
		return DMA_TO_DEVICE;
	case UDRV_DMA_FROM_DEVICE:
		return DMA_FROM_DEVICE;
	default:
		return DMA_BIDIRECTIONAL;
	}
}

/* True if an IOMMU translates this device's DMA (IOVAs, not bus addrs). */
static bool udrv_dma_translated(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	return dom && dom->type != IOMMU_DOMAIN_IDENTITY &&
	       dom->type != IOMMU_DOMAIN_BLOCKED;
}

static int udrv_dma_account(struct udrv_dma *d, unsigned long npages)
{
	int ret;

	ret = account_locked_vm(current->mm, npages, true);
	if (ret)
		return -EDQUOT;
	d->mm = current->mm;
	mmgrab(d->mm);
	d->locked = npages;
	return 0;
}

static void udrv_dma_unaccount(struct udrv_dma *d)
{
	if (!d->mm)
		return;
	/* The process may be gone already: then so is its locked_vm. */
	if (mmget_not_zero(d->mm)) {
		account_locked_vm(d->mm, d->locked, false);
		mmput(d->mm);
	}
	mmdrop(d->mm);
	d->mm = NULL;
}

static void udrv_dma_free(struct udrv_dma *d)
{
	struct device *dev = &d->dev->pdev->dev;

	if (d->cpu)
		dma_free_coherent(dev, d->alloc, d->cpu, d->dma_addr);
	if (d->mapped)
		dma_unmap_sgtable(dev, &d->sgt, d->dir, 0);
	if (d->sgt.sgl)
		sg_free_table(&d->sgt);
	if (d->pages) {
		unpin_user_pages_dirty_lock(d->pages, d->npages,
					    d->dir != DMA_TO_DEVICE);
		atomic_long_sub(d->npages, &udrv_dma_pinned);
		kvfree(d->pages);
	}
	udrv_dma_unaccount(d);
	if (d->handle)
		ida_free(&udrv_dma_handles, d->handle);
	udrv_dev_put(d->dev);
	atomic_long_dec(&udrv_dma_buffers);
	kfree(d);
}

/* Its mappings go first: the pages must not outlive them. */
static void udrv_dma_zap(struct udrv_dma *d)
{
	if (d->cpu)
		unmap_mapping_range(d->file->mapping,
				    UDRV_MMAP_DMA | ((u64)d->handle <<
						     UDRV_MMAP_BAR_SHIFT),
				    d->alloc, 1);
}

static int udrv_dma_contig(struct udrv_dma *d, struct device *dev)
{
	int ret;

	if (d->bytes > UDRV_MAX_DMA_CONTIG)
		return -ERANGE;
	d->alloc = PAGE_ALIGN(d->bytes);
	ret = udrv_dma_account(d, d->alloc >> PAGE_SHIFT);
	if (ret)
		return ret;
	d->cpu = dma_alloc_coherent(dev, d->alloc, &d->dma_addr, GFP_KERNEL);
	return d->cpu ? 0 : -ENOMEM;
}

static int udrv_dma_sg(struct udrv_dma *d, struct device *dev, u64 uaddr)
{
	unsigned long first = uaddr >> PAGE_SHIFT;
	unsigned long last = (uaddr + d->bytes - 1) >> PAGE_SHIFT;
	/*
	 * Pin for writing whatever the direction: a read-only pin of memory
	 * not yet written (the zero page) or shared copy-on-write would give
	 * the device a page the process then stops using.  Only a mapping
	 * that cannot be written is pinned read-only, for the device to read.
	 */
	unsigned int gup = FOLL_LONGTERM | FOLL_WRITE;
	unsigned long done = 0, i;
	int ret;

	if (d->bytes > UDRV_MAX_DMA_SG)
		return -ERANGE;
	if (uaddr + d->bytes < uaddr)
		return -EINVAL;
	d->npages = last - first + 1;
	d->dir = udrv_dma_dir(d->options);
	ret = udrv_dma_account(d, d->npages);
	if (ret)
		return ret;
	d->pages = kvmalloc_array(d->npages, sizeof(*d->pages), GFP_KERNEL);
	if (!d->pages)
		return -ENOMEM;
	while (done < d->npages) {
		int n = pin_user_pages_fast((first + done) << PAGE_SHIFT,
					    min(d->npages - done, 1UL << 16),
					    gup, d->pages + done);

		if (n == -EFAULT && !done && (gup & FOLL_WRITE) &&
		    d->dir == DMA_TO_DEVICE) {
			gup &= ~FOLL_WRITE;	/* a read-only mapping */
			continue;
		}
		if (n <= 0) {
			/* free only what was pinned */
			d->npages = done;
			return n ? n : -EFAULT;
		}
		done += n;
		atomic_long_add(n, &udrv_dma_pinned);
	}
	if (!udrv_dma_translated(dev)) {
		u64 mask = dma_get_mask(dev);

		for (i = 0; i < d->npages; i++)
			if (page_to_phys(d->pages[i]) + PAGE_SIZE - 1 > mask)
				return -EDOM;
	}
	ret = sg_alloc_table_from_pages(&d->sgt, d->pages, d->npages,
					offset_in_page(uaddr), d->bytes,
					GFP_KERNEL);
	if (ret)
		return ret;
	ret = dma_map_sgtable(dev, &d->sgt, d->dir, 0);
	if (ret)
		return ret;
	d->mapped = true;
	return 0;
}

/* Writes the device-visible list, merged where contiguous. */
static int udrv_dma_list(struct udrv_dma *d, struct udrv_dma_page __user *up,
			 u32 cap, u32 *count)
{
	struct udrv_dma_page cur = { 0 };
	struct scatterlist *sg;
	u32 n = 0;
	int i;

	if (d->cpu) {
		cur.addr = d->dma_addr;
		cur.len = d->bytes;
		*count = 1;
		return cap && copy_to_user(up, &cur, sizeof(cur)) ? -EFAULT : 0;
	}
	for_each_sgtable_dma_sg(&d->sgt, sg, i) {
		u64 a = sg_dma_address(sg), l = sg_dma_len(sg);

		if (n && cur.addr + cur.len == a) {
			cur.len += l;
			continue;
		}
		if (n && n <= cap && copy_to_user(&up[n - 1], &cur, sizeof(cur)))
			return -EFAULT;
		cur.addr = a;
		cur.len = l;
		n++;
	}
	if (n && n <= cap && copy_to_user(&up[n - 1], &cur, sizeof(cur)))
		return -EFAULT;
	*count = n;
	return 0;
}

/* Out of the file's table, off the device's count, unmapped, freed. */
static void udrv_dma_destroy(struct udrv_dma *d)
{
	struct udrv_dev *dev = d->dev;

	udrv_dma_zap(d);
	mutex_lock(&dev->lock);
	/* Only the last buffer changes mastering: spare a config read. */
	if (!--dev->dma_count)
		udrv_dev_update_master(dev);
	mutex_unlock(&dev->lock);
	udrv_dma_free(d);
}

long udrv_ioctl_dma_lock(struct udrv_file *uf, void __user *arg)
{
	struct udrv_dma_lock l;
	struct udrv_card *card;
	struct udrv_dma *d;
	u32 count = 0;
	int ret, h;

	ret = udrv_copy_arg(&l, arg, sizeof(l));
	if (ret)
		return ret;
	if (l.options & ~UDRV_DMA_OPTIONS || l.pad || !l.bytes ||
	    (l.num_pages && !l.pages) ||
	    (!(l.options & UDRV_DMA_CONTIG) && !l.user_addr))
		return -EINVAL;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	atomic_long_inc(&udrv_dma_buffers);
	d->options = l.options;
	d->bytes = l.bytes;
	d->file = uf;

	down_write(&uf->sem);
	card = xa_load(&uf->cards, l.hcard);
	if (!card) {
		up_write(&uf->sem);
		atomic_long_dec(&udrv_dma_buffers);
		kfree(d);
		return -EBADF;
	}
	d->card = card;
	d->dev = card->dev;
	kref_get(&d->dev->kref);

	ret = uf->num_dmas >= UDRV_MAX_DMA_BUFS ? -EMFILE : 0;
	if (!ret && READ_ONCE(d->dev->gone))
		ret = -EIO;
	if (!ret)
		ret = l.options & UDRV_DMA_CONTIG ?
		      udrv_dma_contig(d, &d->dev->pdev->dev) :
		      udrv_dma_sg(d, &d->dev->pdev->dev, l.user_addr);
	if (!ret)
		ret = udrv_dma_list(d, udrv_user_ptr(l.pages), l.num_pages,
				    &count);
	if (!ret && count > l.num_pages)
		ret = -EOVERFLOW;
	if (!ret) {
		h = ida_alloc_range(&udrv_dma_handles, 1, UDRV_MAX_HANDLE,
				    GFP_KERNEL);
		if (h > 0)
			d->handle = h;
		ret = h < 0 ? h : xa_insert(&uf->dmas, h, d, GFP_KERNEL);
	}
	if (ret) {
		up_write(&uf->sem);
		udrv_dma_free(d);
		/* Too small a list: the caller learns how many entries. */
		l.num_pages = count;
		if (ret == -EOVERFLOW && copy_to_user(arg, &l, sizeof(l)))
			ret = -EFAULT;
		return ret;
	}
	uf->num_dmas++;
	mutex_lock(&d->dev->lock);
	if (d->dev->dma_count++ == 0)
		udrv_dev_update_master(d->dev);
	mutex_unlock(&d->dev->lock);
	up_write(&uf->sem);

	l.num_pages = count;
	l.hdma = h;
	l.mmap_offset = d->cpu ? UDRV_MMAP_DMA |
			((u64)h << UDRV_MMAP_BAR_SHIFT) : 0;
	if (copy_to_user(arg, &l, sizeof(l))) {
		/* The caller cannot learn the handle: undo. */
		down_write(&uf->sem);
		d = xa_erase(&uf->dmas, h);
		if (d)
			uf->num_dmas--;
		up_write(&uf->sem);
		if (d)
			udrv_dma_destroy(d);
		return -EFAULT;
	}
	return 0;
}

long udrv_ioctl_dma_unlock(struct udrv_file *uf, void __user *arg)
{
	struct udrv_dma_op op;
	struct udrv_dma *d;
	int ret;

	ret = udrv_copy_arg(&op, arg, sizeof(op));
	if (ret)
		return ret;
	if (op.sync || op.pad)
		return -EINVAL;
	down_write(&uf->sem);
	d = xa_erase(&uf->dmas, op.hdma);
	if (d)
		uf->num_dmas--;
	up_write(&uf->sem);
	if (!d)
		return -EBADF;
	udrv_dma_destroy(d);
	return 0;
}

long udrv_ioctl_dma_sync(struct udrv_file *uf, void __user *arg)
{
	struct udrv_dma_op op;
	struct udrv_dma *d;
	struct device *dev;
	int ret;

	ret = udrv_copy_arg(&op, arg, sizeof(op));
	if (ret)
		return ret;
	if (op.pad || (op.sync != UDRV_SYNC_FOR_CPU &&
		       op.sync != UDRV_SYNC_FOR_DEVICE))
		return -EINVAL;
	down_read(&uf->sem);
	d = xa_load(&uf->dmas, op.hdma);
	if (!d) {
		up_read(&uf->sem);
		return -EBADF;
	}
	dev = &d->dev->pdev->dev;
	/* Coherent buffers need none; on coherent platforms these are cheap */
	if (d->mapped && op.sync == UDRV_SYNC_FOR_CPU)
		dma_sync_sgtable_for_cpu(dev, &d->sgt, d->dir);
	else if (d->mapped)
		dma_sync_sgtable_for_device(dev, &d->sgt, d->dir);
	up_read(&uf->sem);
	return 0;
}

long udrv_ioctl_dma_mask(struct udrv_file *uf, void __user *arg)
{
	struct udrv_dma_mask m;
	struct udrv_card *card;
	struct udrv_dev *dev;
	int ret;

	ret = udrv_copy_arg(&m, arg, sizeof(m));
	if (ret)
		return ret;
	if (m.pad || m.bits < 12 || m.bits > 64)
		return -EINVAL;
	down_read(&uf->sem);
	card = xa_load(&uf->cards, m.hcard);
	if (!card) {
		up_read(&uf->sem);
		return -EBADF;
	}
	dev = card->dev;
	mutex_lock(&dev->lock);
	if (dev->dma_count)
		ret = -EBUSY;	/* not under live mappings */
	else if (dma_set_mask_and_coherent(&dev->pdev->dev,
					   DMA_BIT_MASK(m.bits)))
		ret = -EDOM;
	mutex_unlock(&dev->lock);
	up_read(&uf->sem);
	return ret;
}

/* mmap of a contiguous buffer; called with the offset's DMA bit set. */
int udrv_dma_mmap(struct udrv_file *uf, struct vm_area_struct *vma, u64 off)
{
	u32 h = (off & ~UDRV_MMAP_DMA) >> UDRV_MMAP_BAR_SHIFT;
	u64 size = vma->vm_end - vma->vm_start;
	struct udrv_dma *d;
	int ret = -EINVAL;

	if (off & ((1ULL << UDRV_MMAP_BAR_SHIFT) - 1))
		return -EINVAL;	/* whole buffers only */
	down_read(&uf->sem);
	d = xa_load(&uf->dmas, h);
	if (!d) {
		ret = -EBADF;
	} else if (d->cpu && size <= d->alloc) {
		vma->vm_pgoff = 0;
		udrv_vm_flags_set(vma, VM_DONTCOPY | VM_DONTEXPAND |
				  VM_DONTDUMP);
		ret = dma_mmap_coherent(&d->dev->pdev->dev, vma, d->cpu,
					d->dma_addr, size);
		vma->vm_pgoff = off >> PAGE_SHIFT;
	}
	up_read(&uf->sem);
	return ret;
}

/*
 * A card goes away: its buffers go too, after its cleanup commands ran
 * (they stop the device's DMA) and bus mastering followed.
 */
void udrv_dma_release_card(struct udrv_file *uf, struct udrv_card *card)
{
	struct udrv_dma *d, *tmp;
	unsigned long h;
	LIST_HEAD(gone);

	down_write(&uf->sem);
	xa_for_each(&uf->dmas, h, d) {
		if (d->card != card)
			continue;
		xa_erase(&uf->dmas, h);
		uf->num_dmas--;
		list_add(&d->node, &gone);
	}
	up_write(&uf->sem);
	list_for_each_entry_safe(d, tmp, &gone, node)
		udrv_dma_destroy(d);
}
