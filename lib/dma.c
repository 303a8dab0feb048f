// SPDX-License-Identifier: MIT
/*
 * dma.c - DMA buffers: the WD_ calls (one ioctl each, plus the mapping of
 * a contiguous buffer) and the WDC_ calls, which allocate the WD_DMA and
 * size its page list themselves.
 *
 * The library keeps a record of each buffer it mapped (contiguous) or
 * allocated (WDC_), keyed by (hWD, hDma):
 *  - WD_DMAUnlock unmaps the mapping its record names, never what the
 *    caller's WD_DMA says, and before the agent frees the memory;
 *  - WDC_DMABufUnlock takes only a WD_DMA it allocated: a stale or foreign
 *    pointer is refused, never freed;
 *  - when the agent frees buffers on its own (the card is unregistered,
 *    e.g. by WDC_PciDeviceClose, or the handle is closed),
 *    udrv_dma_forget unmaps them; a WDC_ record stays until
 *    WDC_DMABufUnlock frees it, which then succeeds without an ioctl.
 * The agent allows UDRV_MAX_DMA_BUFS buffers per handle, so the list is
 * short; it is searched only next to an ioctl.
 *
 * Contiguous buffers are coherent (dma_alloc_coherent): their sync calls
 * return at once, without an ioctl.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include "udrv_internal.h"

/* The agent writes the page list straight into the caller's array. */
_Static_assert(sizeof(WD_DMA_PAGE) == sizeof(struct udrv_dma_page),
	       "WD_DMA_PAGE size");
_Static_assert(offsetof(WD_DMA_PAGE, bus_addr) ==
	       offsetof(struct udrv_dma_page, addr), "WD_DMA_PAGE.bus_addr");
_Static_assert(offsetof(WD_DMA_PAGE, length) ==
	       offsetof(struct udrv_dma_page, len), "WD_DMA_PAGE.length");
/* The options go to the agent as they are. */
_Static_assert(DMA_KERNEL_BUFFER_ALLOC == UDRV_DMA_CONTIG &&
	       WD_DMA_TO_DEVICE == UDRV_DMA_TO_DEVICE &&
	       WD_DMA_FROM_DEVICE == UDRV_DMA_FROM_DEVICE &&
	       DMA_ALLOW_64BIT_ADDRESS == UDRV_DMA_ALLOW_64BIT,
	       "DMA options");

struct dma_rec {
	struct dma_rec *next;
	int hwd;
	uint32_t hcard;
	uint32_t hdma;		/* 0: the agent has released the buffer */
	void *map;		/* contiguous: the library's mapping */
	size_t map_len;
	bool wdc;		/* allocated by a WDC_ call, with dma and pages */
	const void *kp_holder;	/* a user-mode KP's device (WDC_DMABufGet) */
	WD_DMA dma;		/* WDC_ only: what the caller holds */
	WD_DMA_PAGE pages[];	/* WDC_ only */
};

static pthread_mutex_t recs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dma_rec *recs;

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

static void unmap(struct dma_rec *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	r->map = NULL;
}

/*
 * The agent no longer has *pp's buffer (recs_lock held): unmap it and
 * drop the record, unless a WDC_ caller still holds it.  True if dropped.
 */
static bool rec_gone(struct dma_rec **pp)
{
	struct dma_rec *r = *pp;

	unmap(r);
	if (r->wdc) {
		r->hdma = 0;
		return false;
	}
	*pp = r->next;
	free(r);
	return true;
}

static void rec_add(struct dma_rec *r)
{
	struct dma_rec **pp, *old;

	pthread_mutex_lock(&recs_lock);
	/* The agent reused a handle number: its old buffer is gone. */
	for (pp = &recs; (old = *pp);) {
		if (old->hwd == r->hwd && old->hdma == r->hdma && rec_gone(pp))
			continue;
		pp = &old->next;
	}
	r->next = recs;
	recs = r;
	pthread_mutex_unlock(&recs_lock);
}

/* (hwd, hdma) is being unlocked: its mapping goes first. */
static void rec_release(int hwd, uint32_t hdma)
{
	struct dma_rec **pp;

	pthread_mutex_lock(&recs_lock);
	for (pp = &recs; *pp; pp = &(*pp)->next) {
		if ((*pp)->hwd == hwd && (*pp)->hdma == hdma) {
			rec_gone(pp);
			break;
		}
	}
	pthread_mutex_unlock(&recs_lock);
}

void udrv_dma_forget(int hwd, uint32_t hcard)
{
	struct dma_rec **pp, *r;

	pthread_mutex_lock(&recs_lock);
	for (pp = &recs; (r = *pp);) {
		if (r->hwd == hwd && r->hdma && (!hcard || r->hcard == hcard) &&
		    rec_gone(pp))
			continue;
		pp = &r->next;
	}
	pthread_mutex_unlock(&recs_lock);
}

/* ---- WD_ ------------------------------------------------------------------ */

/* What every lock checks before anything is allocated or asked. */
static uint32_t check_lock(const char *fn, const WD_DMA *dma)
{
	bool contig = dma->options & DMA_KERNEL_BUFFER_ALLOC;
	uint64_t max = contig ? UDRV_MAX_DMA_CONTIG : UDRV_MAX_DMA_SG;
	uintptr_t a = (uintptr_t)dma->user_addr;

	if (dma->options & ~UDRV_DMA_OPTIONS)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: unknown options 0x%x (DMA_KERNEL_BUFFER_ALLOC, WD_DMA_TO_DEVICE, WD_DMA_FROM_DEVICE, DMA_ALLOW_64BIT_ADDRESS)",
				 fn, dma->options & ~UDRV_DMA_OPTIONS);
	if (!dma->bytes)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: a buffer of 0 bytes", fn);
	if (dma->bytes > max)
		return udrv_fail(WD_OUT_OF_RANGE,
				 "%s: %llu bytes: a %s buffer has at most %llu MiB",
				 fn, (unsigned long long)dma->bytes,
				 contig ? "contiguous" : "scatter-gather",
				 (unsigned long long)(max >> 20));
	if (!contig && !a)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: user_addr is NULL: a scatter-gather buffer is the caller's memory (DMA_KERNEL_BUFFER_ALLOC for one the agent allocates)",
				 fn);
	if (!contig && dma->bytes - 1 > UINTPTR_MAX - a)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: user_addr %p + %llu bytes wraps around the address space",
				 fn, dma->user_addr,
				 (unsigned long long)dma->bytes);
	if (dma->num_pages && !dma->pages)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: pages is NULL but num_pages is %u", fn,
				 dma->num_pages);
	return WD_STATUS_SUCCESS;
}

/*
 * The agent's refusal of a lock, explained.  `dev` names the device in a
 * WDC_ call (and the remedies are WDC_ calls); NULL in a WD_ call.
 */
static uint32_t lock_fail(int err, const char *fn, const char *dev,
			  uint32_t hcard, const WD_DMA *dma, uint32_t cap,
			  uint32_t needed)
{
	unsigned long long bytes = dma->bytes, lim;
	bool contig = dma->options & DMA_KERNEL_BUFFER_ALLOC, wd = !dev;
	bool to_dev_only = (dma->options & WD_DMA_TO_FROM_DEVICE) ==
			   WD_DMA_TO_DEVICE;
	const char *e = udrv_errno_name(err);
	struct rlimit rl;
	char who[24];

	if (wd) {
		snprintf(who, sizeof(who), "card %u", hcard);
		dev = who;
	}
	switch (err) {
	case EOVERFLOW:
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "%s: %s: the buffer needs %u page-list entries, pages has room for %u; nothing was locked, num_pages now says how many (%s from the agent)",
				 fn, dev, needed, cap, e);
	case EDOM:
		return udrv_fail(WD_OUT_OF_RANGE,
				 "%s: %s: a page of the buffer lies above the device's DMA mask and there is no IOMMU: set a wider mask (%s) if the device can address it, or use a contiguous buffer (%s) (%s from the agent)",
				 fn, dev,
				 wd ? "WD_SetDmaMask" : "WDC_DMASetMask",
				 wd ? "DMA_KERNEL_BUFFER_ALLOC" :
				      "WDC_DMAContigBufLock", e);
	case EDQUOT:
		lim = getrlimit(RLIMIT_MEMLOCK, &rl) ? 0 : rl.rlim_cur;
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "%s: %s: locking %llu more bytes would exceed RLIMIT_MEMLOCK (ulimit -l: %llu KiB for all memory this process has locked): raise the limit, or give the program CAP_IPC_LOCK (%s from the agent)",
				 fn, dev, bytes, lim >> 10, e);
	case EMFILE:
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "%s: %s: more than %u DMA buffers on this handle: unlock one first (%s) (%s from the agent)",
				 fn, dev, UDRV_MAX_DMA_BUFS,
				 wd ? "WD_DMAUnlock" : "WDC_DMABufUnlock",
				 e);
	case EBUSY:
		return udrv_fail(WD_RESOURCE_OVERLAP,
				 "%s: %s: the buffer (%p, %llu bytes) shares a CPU cache line with a buffer a device may write that is already locked (by any process, for any device), or with itself: the DMA API allows one device-writable mapping of a line; unlock the other, or lock this one for the device to read only (%s) (%s from the agent)",
				 fn, dev, dma->user_addr, bytes,
				 "WD_DMA_TO_DEVICE", e);
	case EBADF:
		return udrv_fail(WD_INVALID_HANDLE,
				 "%s: %s: card handle %u is not registered on this udrv handle (%s from the agent)",
				 fn, dev, hcard, e);
	case ENOMEM:
		if (!contig)
			break;
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "%s: %s: the agent cannot allocate %llu physically contiguous bytes within the device's DMA mask: use a smaller buffer or a scatter-gather one (%s from the agent)",
				 fn, dev, bytes, e);
	case EFAULT:
		if (contig)
			break;
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: %s: the buffer (%p, %llu bytes) is not %smemory of this process that can be pinned, or pages cannot be written (%s from the agent)",
				 fn, dev, dma->user_addr, bytes,
				 to_dev_only ? "" : "writable ", e);
	}
	return udrv_ioctl_fail(err, "%s: %s", fn, dev);
}

static int unlock_ioctl(int hwd, uint32_t hdma)
{
	struct udrv_dma_op op;

	memset(&op, 0, sizeof(op));
	op.size = sizeof(op);
	op.hdma = hdma;
	return udrv_ioctl(hwd, UDRV_IOC_DMA_UNLOCK, &op);
}

/*
 * Locks dma (checked) on card hcard; maps a contiguous buffer.  `r`, if
 * any, is filled and published on success; the caller frees it on failure.
 * On EOVERFLOW, dma->num_pages says how many entries are needed.
 */
static uint32_t dma_lock(const char *fn, const char *dev, int hwd,
			 uint32_t hcard, WD_DMA *dma, struct dma_rec *r)
{
	bool contig = dma->options & DMA_KERNEL_BUFFER_ALLOC;
	struct udrv_dma_lock l;
	void *p = NULL;
	size_t len = 0;
	int err;

	if (hwd < 0)	/* a WDC_ device without an agent */
		return udrv_bad_hwd(fn, hwd);
	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.hcard = hcard;
	l.options = dma->options;
	l.num_pages = dma->num_pages;
	l.user_addr = contig ? 0 : (uintptr_t)dma->user_addr;
	l.bytes = dma->bytes;
	l.pages = (uintptr_t)dma->pages;
	err = udrv_ioctl(hwd, UDRV_IOC_DMA_LOCK, &l);
	if (err) {
		uint32_t st = lock_fail(err, fn, dev, hcard, dma,
					dma->num_pages, l.num_pages);

		if (err == EOVERFLOW)
			dma->num_pages = l.num_pages;
		return st;
	}
	if (contig) {
		len = (dma->bytes + page_size() - 1) & ~(page_size() - 1);
		p = udrv_test_mmap ?
		    udrv_test_mmap(len, hwd, (off_t)l.mmap_offset) :
		    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, hwd,
			 (off_t)l.mmap_offset);
		if (p == MAP_FAILED) {
			err = errno;
			unlock_ioctl(hwd, l.hdma);
			return udrv_fail(WD_INSUFFICIENT_RESOURCES,
					 "%s: cannot map the %llu-byte buffer into the process (nothing stays locked): %s",
					 fn, (unsigned long long)dma->bytes,
					 strerror(err));
		}
		dma->user_addr = p;
	}
	if (r) {
		r->hwd = hwd;
		r->hcard = hcard;
		r->hdma = l.hdma;
		r->map = p;
		r->map_len = len;
		rec_add(r);
	}
	dma->hDma = l.hdma;
	dma->num_pages = l.num_pages;
	return WD_STATUS_SUCCESS;
}

uint32_t WD_DMALock(int hWD, uint32_t hCard, WD_DMA *dma)
{
	struct dma_rec *r = NULL;
	uint32_t st;

	st = udrv_check_card_call(__func__, hWD, hCard, dma, "dma");
	if (st)
		return st;
	st = check_lock(__func__, dma);
	if (st)
		return st;
	if (dma->options & DMA_KERNEL_BUFFER_ALLOC) {
		if (!dma->num_pages) {
			dma->num_pages = 1;
			return udrv_fail(WD_INSUFFICIENT_RESOURCES,
					 "WD_DMALock: a contiguous buffer needs 1 page-list entry, pages has room for 0; num_pages now says 1");
		}
		/* Its mapping must be found again at unlock. */
		r = calloc(1, sizeof(*r));
		if (!r)
			return udrv_fail(WD_INSUFFICIENT_RESOURCES,
					 "WD_DMALock: out of memory");
	}
	st = dma_lock(__func__, NULL, hWD, hCard, dma, r);
	if (st)
		free(r);
	return st;
}

/* Checks common to the calls on a locked buffer. */
static uint32_t check_dma(const char *fn, int hwd, const WD_DMA *dma)
{
	if (hwd < 0)
		return udrv_bad_hwd(fn, hwd);
	if (!dma)
		return udrv_fail(WD_INVALID_HANDLE, "%s: dma is NULL", fn);
	if (!dma->hDma)
		return udrv_fail(WD_INVALID_HANDLE,
				 "%s: hDma is 0: the buffer is not locked (never, or unlocked already)",
				 fn);
	return WD_STATUS_SUCCESS;
}

static uint32_t handle_fail(int err, const char *fn, uint32_t hdma)
{
	if (err == EBADF)
		return udrv_fail(WD_INVALID_HANDLE,
				 "%s: DMA handle %u is not locked on this udrv handle: unlocked already, or released with its card (unregistered, device closed) (EBADF from the agent)",
				 fn, hdma);
	return udrv_ioctl_fail(err, "%s: DMA handle %u", fn, hdma);
}

static uint32_t held_fail(const char *fn, uint32_t hdma)
{
	return udrv_fail(WD_RESOURCE_OVERLAP,
			 "%s: DMA buffer %u is held by a Kernel PlugIn (WDC_DMABufGet): it stays locked until the KP lets go (WDC_DMABufPut) or its handle closes",
			 fn, hdma);
}

uint32_t WD_DMAUnlock(int hWD, WD_DMA *dma)
{
	uint32_t st = check_dma(__func__, hWD, dma), hdma;
	int err;

	if (st)
		return st;
	hdma = dma->hDma;
	/*
	 * The agent first: it may refuse (a Kernel PlugIn holds the
	 * buffer), and the mapping it revokes keeps the handle number from
	 * being reused until it is unmapped here.
	 */
	err = unlock_ioctl(hWD, hdma);
	if (err == EBUSY)
		return held_fail(__func__, hdma);
	rec_release(hWD, hdma);
	if (dma->options & DMA_KERNEL_BUFFER_ALLOC)
		dma->user_addr = NULL;
	if (!err || err == EBADF)
		dma->hDma = 0;
	return err ? handle_fail(err, __func__, hdma) : WD_STATUS_SUCCESS;
}

/* [offset, offset + bytes) of the buffer; bytes 0: to its end. */
static uint32_t dma_sync(const char *fn, int hwd, const WD_DMA *dma,
			 uint32_t dir, uint64_t offset, uint64_t bytes)
{
	struct udrv_dma_op op;
	uint32_t st = check_dma(fn, hwd, dma);
	int err;

	if (st)
		return st;
	if (offset >= dma->bytes || bytes > dma->bytes - offset)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: range [%" PRIu64 ", +%" PRIu64
				 ") is outside the %" PRIu64 "-byte buffer",
				 fn, offset, bytes, dma->bytes);
	if (dma->options & DMA_KERNEL_BUFFER_ALLOC)
		return WD_STATUS_SUCCESS;	/* coherent */
	memset(&op, 0, sizeof(op));
	op.size = sizeof(op);
	op.hdma = dma->hDma;
	op.sync = dir;
	op.offset = offset;
	op.length = bytes;
	err = udrv_ioctl(hwd, UDRV_IOC_DMA_SYNC, &op);
	return err ? handle_fail(err, fn, dma->hDma) : WD_STATUS_SUCCESS;
}

uint32_t WD_DMASyncCpu(int hWD, WD_DMA *dma)
{
	return dma_sync(__func__, hWD, dma, UDRV_SYNC_FOR_CPU, 0, 0);
}

uint32_t WD_DMASyncIo(int hWD, WD_DMA *dma)
{
	return dma_sync(__func__, hWD, dma, UDRV_SYNC_FOR_DEVICE, 0, 0);
}

uint32_t WD_DMASyncCpuRange(int hWD, WD_DMA *dma, uint64_t offset,
			    uint64_t bytes)
{
	return dma_sync(__func__, hWD, dma, UDRV_SYNC_FOR_CPU, offset, bytes);
}

uint32_t WD_DMASyncIoRange(int hWD, WD_DMA *dma, uint64_t offset,
			   uint64_t bytes)
{
	return dma_sync(__func__, hWD, dma, UDRV_SYNC_FOR_DEVICE, offset,
			bytes);
}

/* `dev` as in lock_fail. */
static uint32_t set_mask(const char *fn, const char *dev, int hwd,
			 uint32_t hcard, unsigned int bits)
{
	struct udrv_dma_mask m;
	char who[24];
	int err;

	if (hwd < 0)
		return udrv_bad_hwd(fn, hwd);
	if (!hcard)
		return udrv_bad_hcard(fn);
	if (bits < 12 || bits > 64)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: a mask of %u address bits: 12 to 64 (e.g. 28 for edu, 32, 64)",
				 fn, bits);
	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.hcard = hcard;
	m.bits = bits;
	err = udrv_ioctl(hwd, UDRV_IOC_DMA_MASK, &m);
	if (!err)
		return WD_STATUS_SUCCESS;
	if (!dev) {
		snprintf(who, sizeof(who), "card %u", hcard);
		dev = who;
	}
	if (err == EBUSY)
		return udrv_fail(WD_RESOURCE_OVERLAP,
				 "%s: %s: the device has DMA buffers (of this or another owner): set the mask before locking any (EBUSY from the agent)",
				 fn, dev);
	if (err == EDOM)
		return udrv_fail(WD_OUT_OF_RANGE,
				 "%s: %s: the kernel refused a %u-bit DMA mask: the platform cannot place DMA memory that low (EDOM from the agent)",
				 fn, dev, bits);
	return udrv_ioctl_fail(err, "%s: %s", fn, dev);
}

uint32_t WD_SetDmaMask(int hWD, uint32_t hCard, unsigned int bits)
{
	return set_mask(__func__, NULL, hWD, hCard, bits);
}

/* ---- WDC_ ----------------------------------------------------------------- */

uint32_t WDC_DMASetMask(WDC_DEVICE_HANDLE dev, unsigned int bits)
{
	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_DMASetMask: device handle is NULL");
	return set_mask(__func__, dev->name, dev->hwd, dev->hcard, bits);
}

/* A record with a WD_DMA and room for `cap` page-list entries. */
static struct dma_rec *wdc_rec(uint32_t options, uint64_t bytes, void *buf,
			       uint32_t cap)
{
	struct dma_rec *r = calloc(1, sizeof(*r) + cap * sizeof(r->pages[0]));

	if (!r)
		return NULL;
	r->wdc = true;
	r->dma.options = options;
	r->dma.bytes = bytes;
	r->dma.user_addr = buf;
	r->dma.num_pages = cap;
	r->dma.pages = r->pages;
	return r;
}

uint32_t WDC_DMAContigBufLock(WDC_DEVICE_HANDLE dev, void **buf,
			      uint32_t options, size_t bytes, WD_DMA **dma)
{
	struct dma_rec *r;
	uint32_t st;

	if (dma)
		*dma = NULL;
	if (buf)
		*buf = NULL;
	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_DMAContigBufLock: device handle is NULL");
	if (!buf)
		return udrv_null_arg(__func__, "buf");
	if (!dma)
		return udrv_null_arg(__func__, "dma");
	r = wdc_rec(options | DMA_KERNEL_BUFFER_ALLOC, bytes, NULL, 1);
	if (!r)
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "WDC_DMAContigBufLock: out of memory");
	st = check_lock(__func__, &r->dma);
	if (!st)
		st = dma_lock(__func__, dev->name, dev->hwd, dev->hcard,
			      &r->dma, r);
	if (st) {
		free(r);
		return st;
	}
	*buf = r->dma.user_addr;
	*dma = &r->dma;
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_DMASGBufLock(WDC_DEVICE_HANDLE dev, void *buf, uint32_t options,
			  size_t bytes, WD_DMA **dma)
{
	size_t ps = page_size();
	struct dma_rec *r;
	uint32_t st, cap, needed, tries;
	WD_DMA probe;

	if (dma)
		*dma = NULL;
	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_DMASGBufLock: device handle is NULL");
	if (!dma)
		return udrv_null_arg(__func__, "dma");
	if (options & DMA_KERNEL_BUFFER_ALLOC)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_DMASGBufLock: DMA_KERNEL_BUFFER_ALLOC: a buffer the agent allocates comes from WDC_DMAContigBufLock");
	memset(&probe, 0, sizeof(probe));
	probe.options = options;
	probe.bytes = bytes;
	probe.user_addr = buf;
	st = check_lock(__func__, &probe);
	if (st)
		return st;
	/* One entry per page spanned is always enough; one spare. */
	cap = (uint32_t)(((uintptr_t)buf + bytes - 1) / ps -
			 (uintptr_t)buf / ps + 2);
	/* Should it ever be too few, the agent says how many: once more. */
	for (tries = 0;; tries++) {
		r = wdc_rec(options, bytes, buf, cap);
		if (!r)
			return udrv_fail(WD_INSUFFICIENT_RESOURCES,
					 "WDC_DMASGBufLock: out of memory for a list of %u entries",
					 cap);
		st = dma_lock(__func__, dev->name, dev->hwd, dev->hcard,
			      &r->dma, r);
		if (!st) {
			*dma = &r->dma;
			return WD_STATUS_SUCCESS;
		}
		needed = r->dma.num_pages;
		free(r);
		if (tries || st != WD_INSUFFICIENT_RESOURCES || needed <= cap)
			return st;
		cap = needed;
	}
}

/* Takes a WDC_ record out of the list; NULL if `dma` is none of them. */
static struct dma_rec *wdc_take(const WD_DMA *dma)
{
	struct dma_rec **pp, *r = NULL;

	pthread_mutex_lock(&recs_lock);
	for (pp = &recs; *pp; pp = &(*pp)->next) {
		if ((*pp)->wdc && &(*pp)->dma == dma) {
			r = *pp;
			*pp = r->next;
			break;
		}
	}
	pthread_mutex_unlock(&recs_lock);
	return r;
}

uint32_t WDC_DMABufUnlock(WD_DMA *dma)
{
	uint32_t st = WD_STATUS_SUCCESS;
	struct dma_rec *r;
	int err;

	if (!dma)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_DMABufUnlock: dma is NULL");
	r = wdc_take(dma);
	if (!r)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_DMABufUnlock: %p is not a buffer of WDC_DMAContigBufLock or WDC_DMASGBufLock, or it was unlocked already (WD_DMALock's buffers go to WD_DMAUnlock)",
				 (void *)dma);
	/* Not if the agent released it with its card already. */
	err = r->kp_holder ? EBUSY : r->hdma ? unlock_ioctl(r->hwd, r->hdma) : 0;
	if (err == EBUSY) {
		pthread_mutex_lock(&recs_lock);
		r->next = recs;
		recs = r;
		pthread_mutex_unlock(&recs_lock);
		return held_fail(__func__, r->hdma);
	}
	if (err)
		st = handle_fail(err, __func__, r->hdma);
	unmap(r);
	free(r);
	return st;
}

/*
 * The handle a buffer was locked on: the record's for a WDC_ buffer (the
 * library may be closed while the device is open), else the library's.
 */
static uint32_t wdc_sync(const char *fn, WD_DMA *dma, uint32_t dir,
			 uint64_t offset, uint64_t bytes)
{
	bool known = false, gone = false;
	struct dma_rec *r;
	int hwd = -1;

	if (!dma)
		return udrv_fail(WD_INVALID_HANDLE, "%s: dma is NULL", fn);
	pthread_mutex_lock(&recs_lock);
	for (r = recs; r; r = r->next) {
		if (r->wdc && &r->dma == dma) {
			known = true;
			gone = !r->hdma;
			hwd = r->hwd;
			break;
		}
	}
	pthread_mutex_unlock(&recs_lock);
	if (gone)
		return udrv_fail(WD_INVALID_HANDLE,
				 "%s: the buffer is not locked any more (its device was closed, or WD_DMAUnlock unlocked it): only WDC_DMABufUnlock is left to call",
				 fn);
	if (!known) {
		hwd = WDC_GetWDHandle();
		if (hwd < 0)
			return udrv_fail(WD_INVALID_HANDLE,
					 "%s: the udrv library is not open: call WDC_DriverOpen() first",
					 fn);
	}
	return dma_sync(fn, hwd, dma, dir, offset, bytes);
}

uint32_t WDC_DMASyncCpu(WD_DMA *dma)
{
	return wdc_sync(__func__, dma, UDRV_SYNC_FOR_CPU, 0, 0);
}

uint32_t WDC_DMASyncIo(WD_DMA *dma)
{
	return wdc_sync(__func__, dma, UDRV_SYNC_FOR_DEVICE, 0, 0);
}

uint32_t WDC_DMASyncCpuRange(WD_DMA *dma, uint64_t offset, uint64_t bytes)
{
	return wdc_sync(__func__, dma, UDRV_SYNC_FOR_CPU, offset, bytes);
}

uint32_t WDC_DMASyncIoRange(WD_DMA *dma, uint64_t offset, uint64_t bytes)
{
	return wdc_sync(__func__, dma, UDRV_SYNC_FOR_DEVICE, offset, bytes);
}

/* ---- a Kernel PlugIn in user mode (kp_user.c) ----------------------------- */

/*
 * A buffer the same card registration locked through WDC_, by handle, held
 * for `holder` (the KP's device handle): WDC_DMABufUnlock refuses it until
 * the KP lets go, as the agent does for a KP in the kernel.
 */
uint32_t WDC_DMABufGet(WDC_DEVICE_HANDLE dev, uint32_t hdma, WD_DMA **dma)
{
	uint32_t st = WD_INVALID_HANDLE;
	const void *holder = dev;
	struct dma_rec *r;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_DMABufGet: device handle is NULL");
	if (!dma)
		return udrv_null_arg(__func__, "dma");
	*dma = NULL;
	pthread_mutex_lock(&recs_lock);
	for (r = recs; r; r = r->next) {
		if (r->hwd != dev->hwd || r->hcard != dev->hcard ||
		    r->hdma != hdma || !hdma)
			continue;
		if (!r->wdc)
			st = WD_NOT_IMPLEMENTED;
		else if (r->kp_holder && r->kp_holder != holder)
			st = WD_RESOURCE_OVERLAP;
		else
			st = WD_STATUS_SUCCESS;
		break;
	}
	if (!st) {
		r->kp_holder = holder;
		*dma = &r->dma;
	}
	pthread_mutex_unlock(&recs_lock);
	if (st == WD_INVALID_HANDLE)
		return udrv_fail(st, "WDC_DMABufGet: no DMA buffer %u locked by this card registration",
				 hdma);
	if (st == WD_NOT_IMPLEMENTED)
		return udrv_fail(st, "WDC_DMABufGet: DMA buffer %u was locked with WD_DMALock: a user-mode Kernel PlugIn reaches buffers of WDC_DMAContigBufLock and WDC_DMASGBufLock",
				 hdma);
	if (st)
		return udrv_fail(st, "WDC_DMABufGet: DMA buffer %u is held by another Kernel PlugIn",
				 hdma);
	return WD_STATUS_SUCCESS;
}

/* dma NULL: every buffer `holder` holds (the KP closes). */
static uint32_t kp_put(const void *holder, const WD_DMA *dma)
{
	bool found = false;
	struct dma_rec *r;

	pthread_mutex_lock(&recs_lock);
	for (r = recs; r; r = r->next) {
		if (r->kp_holder != holder || (dma && &r->dma != dma))
			continue;
		r->kp_holder = NULL;
		found = true;
	}
	pthread_mutex_unlock(&recs_lock);
	if (dma && !found)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_DMABufPut: not a buffer WDC_DMABufGet gave this handle");
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_DMABufPut(WDC_DEVICE_HANDLE dev, WD_DMA *dma)
{
	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_DMABufPut: device handle is NULL");
	if (!dma)
		return udrv_null_arg(__func__, "dma");
	return kp_put(dev, dma);
}

void udrv_dma_kp_release(WDC_DEVICE_HANDLE dev)
{
	kp_put(dev, NULL);
}
