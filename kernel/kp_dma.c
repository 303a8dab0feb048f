// SPDX-License-Identifier: GPL-2.0
/*
 * kp_dma.c: DMA buffers for Kernel PlugIns.  A KP reaches a buffer its
 * application locked by handle, never by address (WDC_DMABufGet), and
 * only one locked by the same card registration.  Getting it takes a
 * hold: while held, unlocking the buffer fails with -EBUSY, so no
 * use-after-free is reachable from user mode; the hold goes with
 * WDC_DMABufPut or, at the latest, after funcClose.  Getting the same
 * buffer again gives the same WD_DMA.  Both need process context (the
 * view is built with allocations): get buffers in funcCall or
 * funcIntEnable and keep the pointer for the interrupt handlers.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "kp_dev.h"

struct udrv_kp_hold {
	struct list_head node;		/* on kph->holds */
	struct udrv_dma *d;
	bool vmapped;
	WD_DMA dma;			/* what the KP gets */
	WD_DMA_PAGE pages[];
};

static struct udrv_kp_hold *udrv_kp_hold_new(struct udrv_kph *kph, u32 hdma)
{
	struct udrv_dma_page *list = NULL;
	struct udrv_dma_kview v = { .cap = 1 };
	struct udrv_kp_hold *h;
	struct udrv_dma *d;
	u32 i;

	/* A guess of one entry, then the exact size if that was short */
	for (;;) {
		list = kvmalloc_array(v.cap, sizeof(*list), GFP_KERNEL);
		if (!list)
			return ERR_PTR(-ENOMEM);
		v.list = list;
		d = udrv_dma_kp_hold(kph->wdc.uf, kph->card, hdma, &v);
		if (!IS_ERR(d) || PTR_ERR(d) != -EOVERFLOW)
			break;
		kvfree(list);
		v.cap = v.count;
	}
	if (IS_ERR(d)) {
		kvfree(list);
		return ERR_CAST(d);
	}
	h = kvzalloc(struct_size(h, pages, v.count), GFP_KERNEL);
	if (!h) {
		if (v.vmapped)
			vunmap(v.kva);
		udrv_dma_kp_release(d);
		kvfree(list);
		return ERR_PTR(-ENOMEM);
	}
	h->d = d;
	h->vmapped = v.vmapped;
	for (i = 0; i < v.count; i++) {
		h->pages[i].bus_addr = list[i].addr;
		h->pages[i].length = list[i].len;
	}
	kvfree(list);
	h->dma.hDma = hdma;
	h->dma.user_addr = v.kva;
	h->dma.bytes = v.bytes;
	h->dma.options = v.options;
	h->dma.num_pages = v.count;
	h->dma.pages = h->pages;
	return h;
}

static void udrv_kp_hold_free(struct udrv_kp_hold *h)
{
	if (h->vmapped)
		vunmap(h->dma.user_addr);
	udrv_dma_kp_release(h->d);
	kvfree(h);
}

static struct udrv_kph *udrv_kp_of(WDC_DEVICE_HANDLE dev)
{
	return container_of(dev, struct udrv_kph, wdc);
}

static u32 udrv_kp_dma_usable(WDC_DEVICE_HANDLE dev, const char *fn,
			      const void *arg)
{
	if (!dev || READ_ONCE(dev->closed)) {
		pr_warn_ratelimited("udrv: kp: %s: the device handle is %s\n",
				    fn, dev ? "closed (funcClose ran)" : "NULL");
		return WD_INVALID_HANDLE;
	}
	if (!arg) {
		pr_warn_ratelimited("udrv: kp %s: %s: dma is NULL\n", dev->name,
				    fn);
		return WD_INVALID_PARAMETER;
	}
	if (!in_task() || irqs_disabled()) {
		pr_warn_ratelimited("udrv: kp %s: %s: needs process context (funcOpen, funcCall, funcIntEnable, funcIntAtDpc*), not an interrupt handler or a held kp_spinlock\n",
				    dev->name, fn);
		return WD_OPERATION_FAILED;
	}
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_DMABufGet(WDC_DEVICE_HANDLE dev, uint32_t hDma, WD_DMA **dma)
{
	struct udrv_kp_hold *h;
	struct udrv_kph *kph;
	u32 st;

	st = udrv_kp_dma_usable(dev, __func__, dma);
	if (st)
		return st;
	*dma = NULL;
	kph = udrv_kp_of(dev);
	mutex_lock(&kph->hold_lock);
	list_for_each_entry(h, &kph->holds, node) {
		if (h->dma.hDma == hDma) {
			*dma = &h->dma;
			mutex_unlock(&kph->hold_lock);
			return WD_STATUS_SUCCESS;
		}
	}
	h = udrv_kp_hold_new(kph, hDma);
	if (!IS_ERR(h)) {
		list_add_tail(&h->node, &kph->holds);
		*dma = &h->dma;
	}
	mutex_unlock(&kph->hold_lock);
	if (!IS_ERR(h))
		return WD_STATUS_SUCCESS;
	switch (PTR_ERR(h)) {
	case -EBADF:
		pr_warn_ratelimited("udrv: kp %s: %s: no DMA buffer %u locked by this card registration\n",
				    dev->name, __func__, hDma);
		return WD_INVALID_HANDLE;
	case -EIO:
		pr_warn_ratelimited("udrv: kp %s: %s: DMA buffer %u: the device is gone\n",
				    dev->name, __func__, hDma);
		return WD_DEVICE_REMOVED;
	default:
		return WD_INSUFFICIENT_RESOURCES;
	}
}
EXPORT_SYMBOL_NS_GPL(WDC_DMABufGet, UDRV);

uint32_t WDC_DMABufPut(WDC_DEVICE_HANDLE dev, WD_DMA *dma)
{
	struct udrv_kp_hold *h, *found = NULL;
	struct udrv_kph *kph;
	u32 st;

	st = udrv_kp_dma_usable(dev, __func__, dma);
	if (st)
		return st;
	kph = udrv_kp_of(dev);
	mutex_lock(&kph->hold_lock);
	list_for_each_entry(h, &kph->holds, node) {
		if (&h->dma == dma) {
			found = h;
			list_del(&h->node);
			break;
		}
	}
	mutex_unlock(&kph->hold_lock);
	if (!found) {
		pr_warn_ratelimited("udrv: kp %s: %s: not a buffer WDC_DMABufGet gave this handle\n",
				    dev->name, __func__);
		return WD_INVALID_PARAMETER;
	}
	udrv_kp_hold_free(found);
	return WD_STATUS_SUCCESS;
}
EXPORT_SYMBOL_NS_GPL(WDC_DMABufPut, UDRV);

/* After funcClose: whatever the KP still held. */
void udrv_kp_dma_release(struct udrv_kph *kph)
{
	struct udrv_kp_hold *h, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&kph->hold_lock);
	list_splice_init(&kph->holds, &gone);
	mutex_unlock(&kph->hold_lock);
	list_for_each_entry_safe(h, tmp, &gone, node)
		udrv_kp_hold_free(h);
}
