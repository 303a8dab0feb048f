// SPDX-License-Identifier: GPL-2.0
/*
 * dma_lines.c: which CPU cache lines a device may write, machine-wide.
 *
 * The DMA API supports no two live mappings of one cache line that a
 * device may write (DMA_FROM_DEVICE or DMA_BIDIRECTIONAL): on a CPU whose
 * caches do not snoop DMA, the unmap or sync of one would invalidate what
 * the device wrote through the other, and DMA-API debugging reports it
 * ("overlapping mappings aren't supported").  Scatter-gather buffers are
 * the caller's own pages, so nothing else stops a caller from locking the
 * same memory twice, for one device or for two; this table refuses the
 * second lock instead.  A buffer the device only reads is not entered: any
 * number of those may share lines, with each other and with one writable
 * buffer, as the DMA API allows.  Contiguous buffers are the agent's own
 * pages, mapped into the process as PFN ranges that cannot be pinned, so
 * they cannot overlap anything and are not entered either.
 *
 * Lines are kept as ranges of physically contiguous memory in an interval
 * tree: a buffer of huge pages is a few entries, not one per page.
 */
#include <linux/cache.h>
#include <linux/interval_tree_generic.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include "udrv.h"

struct udrv_dma_run {
	struct rb_node rb;
	u64 first, last;		/* cache line numbers, inclusive */
	u64 subtree_last;
};

#define RUN_FIRST(r) ((r)->first)
#define RUN_LAST(r) ((r)->last)
INTERVAL_TREE_DEFINE(struct udrv_dma_run, rb, u64, subtree_last,
		     RUN_FIRST, RUN_LAST, static inline, udrv_run)

static DEFINE_MUTEX(udrv_lines_lock);
static struct rb_root_cached udrv_lines = RB_ROOT_CACHED;

static u64 udrv_line(phys_addr_t pa)
{
	return (u64)pa >> L1_CACHE_SHIFT;
}

/*
 * The buffer's bytes, `offset` into the first page for `bytes`, as runs
 * of physically contiguous lines; `runs` NULL counts them only.
 */
static unsigned long udrv_dma_runs(struct page **pages, unsigned long npages,
				   unsigned long offset, u64 bytes,
				   struct udrv_dma_run *runs)
{
	u64 end = offset + bytes - 1;	/* from the first page's start */
	u64 first = 0, last = 0;
	unsigned long i, n = 0;

	for (i = 0; i < npages; i++) {
		phys_addr_t pa = page_to_phys(pages[i]);
		u64 from = udrv_line(i ? pa : pa + offset);
		u64 to = udrv_line(i == npages - 1 ?
				   pa + (end - ((u64)i << PAGE_SHIFT)) :
				   pa + PAGE_SIZE - 1);

		if (n && last + 1 == from) {
			last = to;
		} else {
			if (n && runs) {
				runs[n - 1].first = first;
				runs[n - 1].last = last;
			}
			first = from;
			last = to;
			n++;
		}
	}
	if (n && runs) {
		runs[n - 1].first = first;
		runs[n - 1].last = last;
	}
	return n;
}

/*
 * Enters a device-writable buffer's lines, or fails with -EBUSY if one of
 * them is already there: another live buffer's, or the same buffer's
 * (memory mapped twice in the caller's range).  All or nothing.
 */
int udrv_dma_lines_claim(struct udrv_dma_lines *l, struct page **pages,
			 unsigned long npages, unsigned long offset, u64 bytes)
{
	struct udrv_dma_run *runs;
	unsigned long n, i;
	int ret = 0;

	n = udrv_dma_runs(pages, npages, offset, bytes, NULL);
	runs = kvmalloc_array(n, sizeof(*runs), GFP_KERNEL);
	if (!runs)
		return -ENOMEM;
	udrv_dma_runs(pages, npages, offset, bytes, runs);
	mutex_lock(&udrv_lines_lock);
	for (i = 0; i < n; i++) {
		if (udrv_run_iter_first(&udrv_lines, runs[i].first,
					runs[i].last)) {
			ret = -EBUSY;
			break;
		}
		udrv_run_insert(&runs[i], &udrv_lines);
	}
	while (ret && i--)
		udrv_run_remove(&runs[i], &udrv_lines);
	mutex_unlock(&udrv_lines_lock);
	if (ret) {
		kvfree(runs);
		return ret;
	}
	l->runs = runs;
	l->nruns = n;
	return 0;
}

/* Leaves the table; nothing if the buffer never entered it. */
void udrv_dma_lines_release(struct udrv_dma_lines *l)
{
	unsigned long i;

	if (!l->runs)
		return;
	mutex_lock(&udrv_lines_lock);
	for (i = 0; i < l->nruns; i++)
		udrv_run_remove(&l->runs[i], &udrv_lines);
	mutex_unlock(&udrv_lines_lock);
	kvfree(l->runs);
	l->runs = NULL;
	l->nruns = 0;
}
