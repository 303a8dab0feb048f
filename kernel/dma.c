// SPDX-License-Identifier: GPL-2.0
/*
 * dma.c: DMA buffers of a registered card, through the kernel DMA API only.
 *
 * Contiguous buffers are pages the agent allocates itself (physically
 * contiguous within the DMA mask without an IOMMU; any pages, contiguous
 * in I/O virtual addresses, behind one) and maps with the streaming DMA
 * API; scatter-gather buffers are the caller's own pages, pinned for
 * long-term DMA.  Both are charged to RLIMIT_MEMLOCK (unless CAP_IPC_LOCK),
 * as VFIO does, and capped per file.  Without an IOMMU translating for the
 * device, a page beyond the device's DMA mask is refused here: dma-direct
 * would otherwise need a bounce buffer the machine may not have, and warn.
 *
 * Teardown has one order, whoever triggers it (unlock, unregister, the
 * owner's death, the device's removal): user mappings revoked and zapped,
 * then the device's mapping removed and, behind an IOMMU with a lazy flush
 * queue, the IOTLB flushed at once (the device is untrusted: once unlock
 * returns it must not reach the pages), then the pages freed or unpinned.
 * Removal does the first two for every buffer of the device before it
 * returns; the pages then wait for their owner, needing no device.
 */
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "compat.h"
#include "udrv.h"
#include "debug.h"

struct udrv_dma {
	struct kref kref;		/* file table, mappings, users */
	struct mutex map_lock;		/* revoked vs. page faults */
	bool revoked;
	struct list_head dev_node;	/* on dev->dmas while mapped */
	struct list_head node;		/* while being released */
	u32 handle;
	u32 options;
	struct udrv_card *card;		/* owner; compared only */
	struct udrv_dev *dev;		/* holds a reference */
	struct udrv_file *file;
	u64 bytes;
	bool contig;
	struct page **pages;
	unsigned long npages;
	void *exact;			/* contiguous, from alloc_pages_exact */
	bool own_pages;			/* allocated here, else pinned */
	struct sg_table sgt;
	bool mapped;			/* by the device; under dev->lock */
	struct udrv_dma_lines lines;	/* SG the device may write */
	enum dma_data_direction dir;
	/* RLIMIT_MEMLOCK accounting */
	struct mm_struct *mm;
	unsigned long locked;
	atomic_t kp_holds;		/* Kernel PlugIns using it (kp_dma.c) */
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

static int udrv_dma_count_dev(struct device *dev, void *data)
{
	(*(unsigned int *)data)++;
	return 0;
}

/*
 * Translated, by a domain no other device uses: with no buffer mapped the
 * device can reach nothing there but what its MSIs target, so bus
 * mastering may stay on between buffers (udrv_dev_update_master).  A
 * group of several devices (aliases behind a bridge) shares one domain:
 * there it could reach the others' buffers.
 */
static bool udrv_dma_isolated(struct device *dev)
{
	struct iommu_group *group;
	unsigned int n = 0;

	if (!udrv_dma_translated(dev))
		return false;
	group = iommu_group_get(dev);
	if (!group)
		return false;
	iommu_group_for_each_dev(group, &n, udrv_dma_count_dev);
	iommu_group_put(group);
	return n == 1;
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

static void udrv_dma_free(struct kref *kref)
{
	struct udrv_dma *d = container_of(kref, struct udrv_dma, kref);

	if (d->handle)
		ida_free(&udrv_dma_handles, d->handle);
	udrv_dev_put(d->dev);
	atomic_long_dec(&udrv_dma_buffers);
	kfree(d);
}

static void udrv_dma_put(struct udrv_dma *d)
{
	kref_put(&d->kref, udrv_dma_free);
}

/* The user mappings: revoked, so that no fault refills what is zapped. */
static void udrv_dma_revoke(struct udrv_dma *d)
{
	mutex_lock(&d->map_lock);
	d->revoked = true;
	mutex_unlock(&d->map_lock);
	if (d->contig && d->handle)
		unmap_mapping_range(d->file->mapping,
				    UDRV_MMAP_DMA | ((u64)d->handle <<
						     UDRV_MMAP_BAR_SHIFT),
				    d->npages << PAGE_SHIFT, 1);
}

/*
 * A lazy (flush-queue) domain clears the I/O page table at unmap but
 * leaves the IOTLB to a later batch: until then the device could still
 * reach the pages through a stale entry.  Flush now, as a strict domain
 * (and VFIO) would.
 */
static void udrv_dma_flush_iotlb(struct device *dev)
{
	struct iommu_domain *dom = iommu_get_domain_for_dev(dev);

	if (dom && dom->type == IOMMU_DOMAIN_DMA_FQ)
		iommu_flush_iotlb_all(dom);
}

/* The device's mapping goes, once; under dev->lock. */
static void udrv_dma_unmap_locked(struct udrv_dma *d)
{
	struct udrv_dev *dev = d->dev;

	lockdep_assert_held(&dev->lock);
	if (!d->mapped)
		return;
	list_del_init(&d->dev_node);
	dma_unmap_sgtable(&dev->pdev->dev, &d->sgt, d->dir, 0);
	udrv_dma_flush_iotlb(&dev->pdev->dev);
	udrv_dma_lines_release(&d->lines);
	d->mapped = false;
	/* Only the last buffer changes mastering: spare a config read. */
	if (!--dev->dma_count && !dev->master_kept)
		udrv_dev_update_master(dev);
}

/* Pages and accounting; nothing may map them any more.  No locks held. */
static void udrv_dma_free_pages(struct udrv_dma *d)
{
	unsigned long i;

	if (d->sgt.sgl)
		sg_free_table(&d->sgt);
	if (d->exact) {
		free_pages_exact(d->exact, d->npages << PAGE_SHIFT);
	} else if (d->pages && d->own_pages) {
		for (i = 0; i < d->npages && d->pages[i]; i++)
			__free_page(d->pages[i]);
	} else if (d->pages) {
		unpin_user_pages_dirty_lock(d->pages, d->npages,
					    d->dir != DMA_TO_DEVICE);
		atomic_long_sub(d->npages, &udrv_dma_pinned);
	}
	kvfree(d->pages);
	d->pages = NULL;
	d->exact = NULL;
	udrv_dma_unaccount(d);
}

/* Out of the file's table: revoked, unmapped, freed, unreferenced. */
static void udrv_dma_destroy(struct udrv_dma *d)
{
	udrv_dma_revoke(d);
	mutex_lock(&d->dev->lock);
	udrv_dma_unmap_locked(d);
	mutex_unlock(&d->dev->lock);
	udrv_dma_free_pages(d);
	udrv_dma_put(d);
}

/* The device goes away: none of its buffers may stay mapped for it. */
void udrv_dma_remove_dev(struct udrv_dev *dev)
{
	struct udrv_dma *d, *tmp;

	lockdep_assert_held(&dev->lock);
	list_for_each_entry_safe(d, tmp, &dev->dmas, dev_node) {
		udrv_dma_revoke(d);
		udrv_dma_unmap_locked(d);
	}
}

/* Physically contiguous pages within the mask, in the lowest zone needed. */
static int udrv_dma_alloc_exact(struct udrv_dma *d, struct device *dev)
{
	static const gfp_t zones[] = { 0, GFP_DMA32, GFP_DMA };
	size_t len = d->npages << PAGE_SHIFT;
	u64 mask = dma_get_mask(dev);
	unsigned long i;
	int z;

	for (z = 0; z < ARRAY_SIZE(zones); z++) {
		void *p = alloc_pages_exact(len, GFP_KERNEL | __GFP_ZERO |
					    __GFP_NOWARN | zones[z]);

		if (!p)
			continue;
		if (virt_to_phys(p) + len - 1 <= mask) {
			d->exact = p;
			for (i = 0; i < d->npages; i++)
				d->pages[i] = virt_to_page(p + i * PAGE_SIZE);
			return 0;
		}
		free_pages_exact(p, len);
	}
	return -ENOMEM;
}

static int udrv_dma_contig(struct udrv_dma *d, struct device *dev)
{
	unsigned long i;
	int ret;

	if (d->bytes > UDRV_MAX_DMA_CONTIG)
		return -ERANGE;
	d->contig = true;
	d->own_pages = true;
	d->dir = DMA_BIDIRECTIONAL;
	d->npages = PAGE_ALIGN(d->bytes) >> PAGE_SHIFT;
	ret = udrv_dma_account(d, d->npages);
	if (ret)
		return ret;
	d->pages = kvcalloc(d->npages, sizeof(*d->pages), GFP_KERNEL);
	if (!d->pages)
		return -ENOMEM;
	/* Behind an IOMMU, contiguous in I/O addresses is enough. */
	if (!udrv_dma_translated(dev))
		return udrv_dma_alloc_exact(d, dev);
	for (i = 0; i < d->npages; i++) {
		d->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!d->pages[i])
			return -ENOMEM;
		cond_resched();
	}
	return 0;
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
	unsigned long done = 0;
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
	return 0;
}

/*
 * Without an IOMMU translating, every page must lie within the mask.
 * Checked under dev->lock, with the buffer counted in the same section:
 * DMA_MASK changes the mask only while no buffer is counted.
 */
static bool udrv_dma_within_mask(struct udrv_dma *d, struct device *dev)
{
	u64 mask = dma_get_mask(dev);
	unsigned long i;

	if (udrv_dma_translated(dev))
		return true;
	for (i = 0; i < d->npages; i++)
		if (page_to_phys(d->pages[i]) + PAGE_SIZE - 1 > mask)
			return false;
	return true;
}

/*
 * The device-visible list, merged where contiguous, into a kernel array
 * of `cap` entries (copied out later, with no lock held); *count is the
 * number of entries the whole list needs.
 */
static void udrv_dma_list(struct udrv_dma *d, struct udrv_dma_page *out,
			  u32 cap, u32 *count)
{
	struct udrv_dma_page cur = { 0 };
	struct scatterlist *sg;
	u32 n = 0;
	int i;

	for_each_sgtable_dma_sg(&d->sgt, sg, i) {
		u64 a = sg_dma_address(sg), l = sg_dma_len(sg);

		if (n && cur.addr + cur.len == a) {
			cur.len += l;
			continue;
		}
		if (n && n <= cap)
			out[n - 1] = cur;
		cur.addr = a;
		cur.len = l;
		n++;
	}
	if (n && n <= cap)
		out[n - 1] = cur;
	*count = n;
}

/*
 * Maps the buffer for the device, if it is still there, and lists it.
 * A contiguous buffer must come out as one range: dma-direct gives that
 * for contiguous pages, iommu-dma for any page-aligned list.
 */
static int udrv_dma_map(struct udrv_dma *d, size_t offset,
			struct udrv_dma_page *list, u32 cap, u32 *count)
{
	struct udrv_dev *dev = d->dev;
	struct device *ddev = &dev->pdev->dev;
	bool isolated;
	int ret;

	/*
	 * Segments no longer than the device takes (udrv_dma_list merges
	 * them again for the caller): the DMA API and its debug checks
	 * expect no more.
	 */
	ret = sg_alloc_table_from_pages_segment(&d->sgt, d->pages, d->npages,
						offset,
						d->contig ? d->npages << PAGE_SHIFT :
							    d->bytes,
						max_t(unsigned int, PAGE_SIZE,
						      dma_get_max_seg_size(ddev)),
						GFP_KERNEL);
	if (ret)
		return ret;
	/* before the DMA API sees it: see dma_lines.c */
	if (!d->contig && d->dir != DMA_TO_DEVICE) {
		ret = udrv_dma_lines_claim(&d->lines, d->pages, d->npages,
					   offset, d->bytes);
		if (ret)
			return ret;
	}
	/* iommu_group_for_each_dev takes the group's mutex: not under ours */
	isolated = !READ_ONCE(dev->master_kept) && udrv_dma_isolated(ddev);
	mutex_lock(&dev->lock);
	if (dev->gone || READ_ONCE(d->card->revoked)) {
		ret = -EIO;
		goto out;
	}
	if (!udrv_dma_within_mask(d, ddev)) {
		ret = -EDOM;
		goto out;
	}
	ret = dma_map_sgtable(ddev, &d->sgt, d->dir, 0);
	if (ret)
		goto out;
	d->mapped = true;
	list_add_tail(&d->dev_node, &dev->dmas);
	if (dev->dma_count++ == 0 && !dev->master_kept) {
		dev->master_kept = isolated;
		udrv_dev_update_master(dev);
	}
	udrv_dma_list(d, list, cap, count);
	if (d->contig && *count != 1) {
		udrv_dma_unmap_locked(d);
		ret = -ENOMEM;
	} else if (d->contig && list) {
		list[0].len = d->bytes;	/* the caller's size, not the pages' */
	}
out:
	if (!d->mapped)
		udrv_dma_lines_release(&d->lines);
	mutex_unlock(&dev->lock);
	return ret;
}

/* Into the file's table, if its card still is. */
static int udrv_dma_publish(struct udrv_file *uf, struct udrv_dma *d)
{
	int ret;

	down_write(&uf->sem);
	if (xa_load(&uf->cards, d->card->handle) != d->card)
		ret = -EBADF;
	else if (uf->num_dmas >= UDRV_MAX_DMA_BUFS)
		ret = -EMFILE;
	else
		ret = xa_insert(&uf->dmas, d->handle, d, GFP_KERNEL);
	if (!ret)
		uf->num_dmas++;
	up_write(&uf->sem);
	return ret;
}

/*
 * No lock is held while pinning, accounting or copying to the caller:
 * those take mmap_lock, which a page fault on a udrv mapping holds while
 * it takes udrv's locks.  The buffer is private until published, and the
 * answer (handle, list) reaches the caller before it is published, so
 * that no undo is ever needed once another thread can see it.
 */
long udrv_ioctl_dma_lock(struct udrv_file *uf, void __user *arg)
{
	struct udrv_dma_page *list = NULL;
	struct udrv_dma_lock l;
	struct udrv_card *card;
	struct udrv_dma *d;
	struct device *ddev;
	u32 count = 0, cap;
	int ret, h;

	ret = udrv_copy_arg(&l, arg, sizeof(l));
	if (ret)
		return ret;
	if (l.options & ~UDRV_DMA_OPTIONS || l.pad || !l.bytes ||
	    (l.num_pages && !l.pages) ||
	    (!(l.options & UDRV_DMA_CONTIG) && !l.user_addr))
		return -EINVAL;
	card = udrv_card_get(uf, l.hcard);
	if (!card)
		return -EBADF;
	if (READ_ONCE(uf->num_dmas) >= UDRV_MAX_DMA_BUFS) {
		udrv_card_put(card);
		return -EMFILE;
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d) {
		udrv_card_put(card);
		return -ENOMEM;
	}
	atomic_long_inc(&udrv_dma_buffers);
	kref_init(&d->kref);
	mutex_init(&d->map_lock);
	INIT_LIST_HEAD(&d->dev_node);
	d->options = l.options;
	d->bytes = l.bytes;
	d->file = uf;
	d->card = card;
	d->dev = card->dev;
	kref_get(&d->dev->kref);
	ddev = &d->dev->pdev->dev;

	ret = l.options & UDRV_DMA_CONTIG ? udrv_dma_contig(d, ddev) :
	      udrv_dma_sg(d, ddev, l.user_addr);
	cap = min_t(u64, l.num_pages, d->npages);
	if (!ret && cap) {
		list = kvmalloc_array(cap, sizeof(*list), GFP_KERNEL);
		if (!list)
			ret = -ENOMEM;
	}
	if (!ret)
		ret = udrv_dma_map(d, l.options & UDRV_DMA_CONTIG ? 0 :
				   offset_in_page(l.user_addr),
				   list, cap, &count);
	if (!ret && count > l.num_pages)
		ret = -EOVERFLOW;
	if (!ret) {
		h = ida_alloc_range(&udrv_dma_handles, 1, UDRV_MAX_HANDLE,
				    GFP_KERNEL);
		if (h > 0)
			d->handle = h;
		else
			ret = h;
	}
	if (!ret && count &&
	    copy_to_user(udrv_user_ptr(l.pages), list, count * sizeof(*list)))
		ret = -EFAULT;
	l.num_pages = count;
	if (!ret) {
		l.hdma = d->handle;
		l.mmap_offset = d->contig ? UDRV_MMAP_DMA |
				((u64)d->handle << UDRV_MMAP_BAR_SHIFT) : 0;
	}
	/* Too small a list: the caller learns how many entries. */
	if ((!ret || ret == -EOVERFLOW) && copy_to_user(arg, &l, sizeof(l)))
		ret = -EFAULT;
	udrv_dbg(UDRV_DBG_S_DMA, ret ? UDRV_DBG_WARN : UDRV_DBG_INFO,
		 "%s: card %u: DMA lock %s %llu bytes: handle %u, %u entries: %d",
		 udrv_dbg_dev(d->dev), l.hcard, d->contig ? "contiguous" : "SG",
		 l.bytes, ret ? 0 : d->handle, count, ret);
	if (!ret)
		ret = udrv_dma_publish(uf, d);
	kvfree(list);
	udrv_card_put(card);
	if (ret)
		udrv_dma_destroy(d);
	return ret;
}

long udrv_ioctl_dma_unlock(struct udrv_file *uf, void __user *arg)
{
	struct udrv_dma_op op;
	struct udrv_dma *d;
	int ret;

	ret = udrv_copy_arg(&op, arg, sizeof(op));
	if (ret)
		return ret;
	if (op.sync || op.pad || op.offset || op.length)
		return -EINVAL;
	down_write(&uf->sem);
	d = xa_load(&uf->dmas, op.hdma);
	/* Holds are taken under the sem (read): none can start now. */
	if (d && atomic_read(&d->kp_holds)) {
		up_write(&uf->sem);
		return -EBUSY;
	}
	d = xa_erase(&uf->dmas, op.hdma);
	if (d)
		uf->num_dmas--;
	up_write(&uf->sem);
	if (!d)
		return -EBADF;
	udrv_dbg(UDRV_DBG_S_DMA, UDRV_DBG_INFO, "%s: DMA unlock handle %u, %llu bytes",
		 udrv_dbg_dev(d->dev), d->handle, d->bytes);
	udrv_dma_destroy(d);
	return 0;
}

/*
 * Syncs [offset, offset + length) of the buffer, segment by segment of
 * the device's list, which covers the buffer's bytes in order.
 */
static void udrv_dma_sync_range(struct udrv_dma *d, u32 how, u64 offset,
				u64 length)
{
	struct device *dev = &d->dev->pdev->dev;
	struct scatterlist *sg;
	u64 pos = 0, end = offset + length;
	int i;

	for_each_sgtable_dma_sg(&d->sgt, sg, i) {
		u64 len = sg_dma_len(sg);
		u64 from = max(offset, pos), to = min(end, pos + len);

		if (from < to && how == UDRV_SYNC_FOR_CPU)
			dma_sync_single_range_for_cpu(dev, sg_dma_address(sg),
						      from - pos, to - from,
						      d->dir);
		else if (from < to)
			dma_sync_single_range_for_device(dev,
							 sg_dma_address(sg),
							 from - pos, to - from,
							 d->dir);
		pos += len;
		if (pos >= end)
			break;
	}
}

long udrv_ioctl_dma_sync(struct udrv_file *uf, void __user *arg)
{
	struct udrv_dma_op op;
	struct udrv_dma *d;
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
		ret = -EBADF;
	} else if (op.offset >= d->bytes ||
		   op.length > d->bytes - op.offset) {
		ret = -ERANGE;
	} else {
		mutex_lock(&d->dev->lock);
		/* Removal unmapped it: nothing to sync with any more. */
		if (d->mapped)
			udrv_dma_sync_range(d, op.sync, op.offset,
					    op.length ? op.length :
					    d->bytes - op.offset);
		mutex_unlock(&d->dev->lock);
	}
	up_read(&uf->sem);
	return ret;
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
	card = udrv_card_get(uf, m.hcard);
	if (!card)
		return -EBADF;
	dev = card->dev;
	mutex_lock(&dev->lock);
	if (dev->gone)
		ret = -EIO;
	else if (dev->dma_count)
		ret = -EBUSY;	/* not under live mappings */
	else if (dma_set_mask_and_coherent(&dev->pdev->dev,
					   DMA_BIT_MASK(m.bits)))
		ret = -EDOM;
	mutex_unlock(&dev->lock);
	udrv_card_put(card);
	return ret;
}

static void udrv_dma_vm_open(struct vm_area_struct *vma)
{
	struct udrv_dma *d = vma->vm_private_data;

	kref_get(&d->kref);
}

static void udrv_dma_vm_close(struct vm_area_struct *vma)
{
	udrv_dma_put(vma->vm_private_data);
}

/* Filled at fault time, under map_lock: see mmap.c for why. */
static vm_fault_t udrv_dma_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct udrv_dma *d = vma->vm_private_data;
	unsigned long base = (UDRV_MMAP_DMA | ((u64)d->handle <<
					       UDRV_MMAP_BAR_SHIFT)) >>
			     PAGE_SHIFT;
	unsigned long i = vmf->pgoff - base;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	mutex_lock(&d->map_lock);
	if (!d->revoked && i < d->npages)
		ret = vmf_insert_pfn(vma, vmf->address & PAGE_MASK,
				     page_to_pfn(d->pages[i]));
	mutex_unlock(&d->map_lock);
	return ret;
}

static const struct vm_operations_struct udrv_dma_vm_ops = {
	.open = udrv_dma_vm_open,
	.close = udrv_dma_vm_close,
	.fault = udrv_dma_fault,
};

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
	} else if (d->contig && size <= d->npages << PAGE_SHIFT) {
		kref_get(&d->kref);
		ret = 0;
	}
	up_read(&uf->sem);
	if (ret)
		return ret;
	udrv_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTCOPY |
			  VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = d;
	vma->vm_ops = &udrv_dma_vm_ops;
	return 0;
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

/*
 * A Kernel PlugIn's hold on a buffer its card locked (WDC_DMABufGet): the
 * buffer cannot be unlocked (-EBUSY) until the hold goes, at the latest
 * when the KP handle closes, which comes before the card's and the file's
 * buffers are released.  Fills the KP's view: the device's list, and a
 * kernel address for a contiguous buffer (*vmapped: to vunmap).
 */
struct udrv_dma *udrv_dma_kp_hold(struct udrv_file *uf, struct udrv_card *card,
				  u32 hdma, struct udrv_dma_kview *v)
{
	struct udrv_dma *d;
	u32 n = 0, cap;

	down_read(&uf->sem);
	d = xa_load(&uf->dmas, hdma);
	if (!d || d->card != card) {
		up_read(&uf->sem);
		return ERR_PTR(-EBADF);
	}
	atomic_inc(&d->kp_holds);
	kref_get(&d->kref);
	up_read(&uf->sem);

	v->bytes = d->bytes;
	v->options = d->options;
	v->kva = NULL;
	v->vmapped = false;
	if (d->contig && d->exact) {
		v->kva = d->exact;
	} else if (d->contig) {
		v->kva = vmap(d->pages, d->npages, VM_MAP, PAGE_KERNEL);
		v->vmapped = v->kva;
		if (!v->kva)
			goto fail;
	}
	cap = v->cap;
	mutex_lock(&d->dev->lock);
	if (d->mapped)
		udrv_dma_list(d, v->list, cap, &n);
	mutex_unlock(&d->dev->lock);
	if (!n || n > cap) {
		v->count = n;	/* the caller sizes its list and asks again */
		if (v->vmapped)
			vunmap(v->kva);
		udrv_dma_kp_release(d);
		return ERR_PTR(n ? -EOVERFLOW : -EIO);
	}
	v->count = n;
	if (d->contig)
		v->list[0].len = d->bytes;
	return d;
fail:
	udrv_dma_kp_release(d);
	return ERR_PTR(-ENOMEM);
}

void udrv_dma_kp_release(struct udrv_dma *d)
{
	atomic_dec(&d->kp_holds);
	udrv_dma_put(d);
}
