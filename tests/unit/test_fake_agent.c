// SPDX-License-Identifier: MIT
/*
 * The library against a fake agent: udrv_test_ioctl answers the ioctls
 * the way udrv.ko does, udrv_test_mmap hands out anonymous memory.  This
 * checks what crosses the ABI (sizes, conversions, pointers passed without
 * a copy, mmap offsets) and how the library reacts to the agent's errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tap.h"

#define HCARD 7

static struct {
	uint32_t abi;
	int register_err, transfer_err, multi_err, multi_fail_at;
	uint32_t scan_found;		/* devices the fake bus has */
	bool mmap_fails;
	/* observed */
	atomic_int bad_size;
	int transfers, mmaps, unregisters;
	uint32_t last_options, last_scan_max, last_scan_vendor;
	struct udrv_xfer last_xfer;
	uint64_t multi_cmds;
	uint32_t multi_num;
	int multi_calls;
	size_t mmap_len;
	off_t mmap_off;
	uint8_t cfg[256];
} A;

static void fill_slot(struct udrv_slot *s)
{
	memset(s, 0, sizeof(*s));
	s->slot = 3;
}

static int agent_scan(struct udrv_scan *sc)
{
	struct udrv_scan_entry *e = (void *)(uintptr_t)sc->entries;
	uint32_t i;

	A.last_scan_max = sc->max;
	A.last_scan_vendor = sc->vendor;
	if (sc->max > UDRV_MAX_SCAN || (sc->max && !e))
		return EINVAL;
	for (i = 0; i < sc->max && i < A.scan_found; i++) {
		fill_slot(&e[i].slot);	/* 00:03.0, then onwards */
		e[i].slot.bus = (uint8_t)((i + 3) >> 5);
		e[i].slot.slot = (uint8_t)((i + 3) & 31);
		e[i].vendor = 0x1234;
		e[i].device = 0x11e8;
		e[i].bound = 1;
	}
	sc->found = A.scan_found;
	return 0;
}

static int agent_card_info(struct udrv_card_info *ci)
{
	if (ci->slot.slot != 3)
		return ENODEV;
	ci->vendor = 0x1234;
	ci->device = 0x11e8;
	ci->subsys_vendor = 0x1af4;
	ci->subsys_device = 0x1100;
	ci->class_code = 0x00ff00;
	ci->revision = 0x10;
	ci->caps = UDRV_CAP_INTX | UDRV_CAP_MSI;
	ci->msi_vectors = 1;
	ci->bound = 1;
	ci->cfg_size = 256;
	ci->num_items = 4;
	ci->item[0] = (struct udrv_item){ UDRV_ITEM_MEM, 0, 0xfea00000,
		1 << 20, UDRV_ITEMF_MMAP, 0 };
	ci->item[1] = (struct udrv_item){ UDRV_ITEM_MEM, 1, 0xfeb00000,
		4096, UDRV_ITEMF_64BIT | UDRV_ITEMF_PREFETCH, 0 };
	ci->item[2] = (struct udrv_item){ UDRV_ITEM_IO, 2, 0xc000, 32, 0, 0 };
	ci->item[3] = (struct udrv_item){ UDRV_ITEM_INTERRUPT, 0, 0, 0, 0,
		11 };
	return 0;
}

static int agent_transfer(struct udrv_transfer *t)
{
	A.transfers++;
	A.last_xfer = t->xfer;
	if (t->hcard != HCARD)
		return EBADF;
	if (A.transfer_err)
		return A.transfer_err;
	if (!(t->xfer.cmd & (UDRV_CMD_WRITE | UDRV_CMD_STRING)))
		t->xfer.data = 0x1122334455667788ULL;
	return 0;
}

static int agent_multi(struct udrv_multi_transfer *m)
{
	A.multi_cmds = m->cmds;
	A.multi_num = m->num;
	A.multi_calls++;
	if (A.multi_err) {
		m->done = (uint32_t)A.multi_fail_at;
		return A.multi_err;
	}
	m->done = m->num;
	return 0;
}

static int agent_config(struct udrv_config *c)
{
	uint8_t *buf = (void *)(uintptr_t)c->buf;

	if (c->offset + c->bytes > sizeof(A.cfg))
		return ERANGE;
	if (c->write && c->offset >= 0x10 && c->offset < 0x28)
		return EACCES;		/* the BARs belong to the agent */
	if (c->write)
		memcpy(A.cfg + c->offset, buf, c->bytes);
	else
		memcpy(buf, A.cfg + c->offset, c->bytes);
	return 0;
}


/*
 * Interrupts, as kernel/irq.c does them: one enablement, waits that block
 * until the count moves or the interrupts stop, `fire` plays the device.
 * Its own lock: the library's interrupt thread calls in concurrently.
 */
static pthread_mutex_t I_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t I_cond = PTHREAD_COND_INITIALIZER;
static struct {
	bool enabled;
	int enable_err;
	uint32_t options, num_cmds, type;
	struct udrv_xfer cmds[UDRV_MAX_INT_CMDS];
	uint64_t cmds_ptr;
	uint32_t count, seen, lost, stopped, last;
	uint64_t vectors, copy[UDRV_MAX_INT_CMDS];
	/* the next `inject` blocking waits fail at once with inject_err */
	int inject, inject_err;
	uint64_t inject_vectors;
	/* observed */
	int waiters, waits, counts, enables, disables, seq, disable_seq,
	    unregister_seq;
	uint32_t timeouts[8];
} I;

static void int_reset(void)
{
	pthread_mutex_lock(&I_lock);
	memset(&I, 0, sizeof(I));
	pthread_mutex_unlock(&I_lock);
}

/* The device interrupts n times (coalesced when nobody waits between). */
static void fire(uint32_t n, uint32_t status)
{
	pthread_mutex_lock(&I_lock);
	if (I.enabled) {
		I.count += n;
		I.last = 0;
		I.vectors |= 1;
		I.copy[0] = status;
		pthread_cond_broadcast(&I_cond);
	}
	pthread_mutex_unlock(&I_lock);
}

/* Unbind or hot-unplug: waiters wake with stopped = REMOVED. */
static void remove_device(void)
{
	pthread_mutex_lock(&I_lock);
	I.enabled = false;
	I.stopped = UDRV_STOP_REMOVED;
	pthread_cond_broadcast(&I_cond);
	pthread_mutex_unlock(&I_lock);
}

static int agent_int_enable(struct udrv_int_enable *e)
{
	int err = 0;

	pthread_mutex_lock(&I_lock);
	I.enables++;
	I.cmds_ptr = e->cmds;
	if (e->hcard != HCARD)
		err = EBADF;
	else if (I.enable_err)
		err = I.enable_err;
	else if (I.enabled)
		err = EBUSY;
	else if (e->hkp)
		err = EOPNOTSUPP;
	else if (e->num_cmds > UDRV_MAX_INT_CMDS)
		err = ENOSPC;
	else if (!(e->options & UDRV_INT_TYPES) ||
		 (e->options & UDRV_INT_MSI))
		I.type = UDRV_INT_MSI;
	else if (e->options & UDRV_INT_INTX)
		I.type = UDRV_INT_INTX;
	else
		err = ENXIO;	/* MSI-X only: this device has none */
	if (!err) {
		if (e->num_cmds)
			memcpy(I.cmds, (void *)(uintptr_t)e->cmds,
			       e->num_cmds * sizeof(I.cmds[0]));
		I.options = e->options;
		I.num_cmds = e->num_cmds;
		I.enabled = true;
		I.count = I.seen = I.lost = I.stopped = I.last = 0;
		I.vectors = 0;
		e->enabled_type = I.type;
		e->num_vectors = 1;
		e->irq = 11;
	}
	pthread_mutex_unlock(&I_lock);
	return err;
}

static int agent_int_wait(struct udrv_int_wait *w, bool block)
{
	struct udrv_xfer *uc = (void *)(uintptr_t)w->cmds;
	struct timespec dl;
	bool timed_out = false;
	uint32_t i;
	int err = 0;

	pthread_mutex_lock(&I_lock);
	if (w->hcard != HCARD) {
		err = EBADF;
		goto out;
	}
	if (!I.enabled) {
		err = ENOTCONN;
		goto out;
	}
	if (!block) {
		I.counts++;
	} else {
		if (I.waits < 8)
			I.timeouts[I.waits] = w->timeout_ms;
		I.waits++;
		if (I.inject) {
			I.inject--;
			w->vectors = I.inject_vectors;
			w->count = I.count;
			err = I.inject_err;
			goto out;
		}
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += w->timeout_ms / 1000;
		dl.tv_nsec += (long)(w->timeout_ms % 1000) * 1000000;
		if (dl.tv_nsec >= 1000000000) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000;
		}
		I.waiters++;
		while (I.count == I.seen && !I.stopped && !timed_out)
			timed_out = (w->timeout_ms ?
				     pthread_cond_timedwait(&I_cond, &I_lock, &dl) :
				     pthread_cond_wait(&I_cond, &I_lock)) ==
				    ETIMEDOUT;
		I.waiters--;
		if (I.count != I.seen) {
			I.lost += I.count - I.seen - 1;
			I.seen = I.count;
			timed_out = false;
		}
	}
	w->count = I.count;
	w->lost = I.lost;
	w->stopped = I.stopped;
	w->last_message = I.last;
	w->vectors = I.vectors;
	w->enabled_type = I.type;
	if (block)
		I.vectors = 0;
	for (i = 0; (I.options & UDRV_INT_CMD_COPY) && i < w->num_cmds &&
		    i < I.num_cmds; i++)
		if ((I.cmds[i].cmd & UDRV_CMD_XFER) &&
		    !(I.cmds[i].cmd & UDRV_CMD_WRITE))
			uc[i].data = I.copy[i];
	if (timed_out)
		err = ETIMEDOUT;
out:
	pthread_mutex_unlock(&I_lock);
	return err;
}

static int agent_int_disable(struct udrv_int_disable *d)
{
	int err = 0;

	pthread_mutex_lock(&I_lock);
	I.disables++;
	if (d->hcard != HCARD) {
		err = EBADF;
	} else if (!I.enabled) {
		err = EALREADY;
	} else {
		I.enabled = false;
		I.stopped = UDRV_STOP_DISABLED;
		I.disable_seq = ++I.seq;
		pthread_cond_broadcast(&I_cond);
	}
	pthread_mutex_unlock(&I_lock);
	return err;
}

static int agent_int_fd(struct udrv_int_fd *r)
{
	int p[2], err = 0;

	/* No status descriptors here: the library's WDC_ thread falls back */
	if (r->flags)
		return EINVAL;
	pthread_mutex_lock(&I_lock);
	if (!I.enabled) {
		err = ENOTCONN;
	} else if (pipe2(p, O_CLOEXEC)) {
		err = errno;
	} else {
		close(p[1]);
		r->fd = p[0];
	}
	pthread_mutex_unlock(&I_lock);
	return err;
}

/*
 * DMA, as kernel/dma.c does it: buffers per card, the device-visible list
 * written into the caller's array (EOVERFLOW with the count needed and
 * nothing kept when it is too small), contiguous buffers mapped at
 * UDRV_MMAP_DMA | handle << UDRV_MMAP_BAR_SHIFT.  A scatter-gather page k
 * of the buffer (counting from the page of its first byte) lies at
 * SG_BUS + 2 * k pages: never contiguous, one entry per page.
 */
#define SG_BUS		0x10000000ULL
#define CONTIG_BUS	0x02000000ULL
#define MAX_BUFS	UDRV_MAX_DMA_BUFS

static struct {
	struct {
		bool used, contig;
		uint32_t hcard, options;
		uint64_t bytes;
		void *map;	/* where the library mapped it (agent_mmap) */
	} buf[MAX_BUFS + 1];	/* handle = index, 0 unused */
	int lock_err, mask_err;	/* injected */
	uint32_t force_entries;	/* claim this many entries are needed */
	uint32_t mask_bits;
	/* observed */
	int locks, unlocks, syncs;
	uint32_t last_sync;
	struct udrv_dma_lock last_lock;
	bool unlock_saw_mapping;	/* the mapping existed at unlock */
	int unlock_err;			/* injected: e.g. EBUSY (a KP holds it) */
} D;

static long page_sz(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Whether [p, p + len) is mapped in this process. */
static bool mapped(void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(page_sz() - 1);

	return p && msync((void *)a, len + ((uintptr_t)p - a), MS_ASYNC) == 0;
}

static uint32_t dma_count(void)
{
	uint32_t h, n = 0;

	for (h = 1; h <= MAX_BUFS; h++)
		n += D.buf[h].used;
	return n;
}

static int agent_dma_lock(struct udrv_dma_lock *l)
{
	struct udrv_dma_page *up = (void *)(uintptr_t)l->pages;
	uint64_t ps = (uint64_t)page_sz(), first, left;
	uint32_t h, n, i;

	D.locks++;
	D.last_lock = *l;
	if (l->options & ~UDRV_DMA_OPTIONS || l->pad || !l->bytes ||
	    (l->num_pages && !l->pages) ||
	    (!(l->options & UDRV_DMA_CONTIG) && !l->user_addr))
		return EINVAL;
	if (l->hcard != HCARD)
		return EBADF;
	if (dma_count() >= MAX_BUFS)
		return EMFILE;
	if (D.lock_err)
		return D.lock_err;
	for (h = 1; D.buf[h].used; h++)
		;
	if (l->options & UDRV_DMA_CONTIG) {
		n = 1;
	} else {
		first = l->user_addr / ps;
		n = (uint32_t)((l->user_addr + l->bytes - 1) / ps - first + 1);
	}
	if (D.force_entries)
		n = D.force_entries;
	if (n > l->num_pages) {
		l->num_pages = n;
		return EOVERFLOW;
	}
	if (l->options & UDRV_DMA_CONTIG) {
		up[0].addr = CONTIG_BUS + h * 0x100000;
		up[0].len = l->bytes;
		l->mmap_offset = UDRV_MMAP_DMA |
				 ((uint64_t)h << UDRV_MMAP_BAR_SHIFT);
	} else {
		left = l->bytes;
		for (i = 0; i < n; i++) {
			uint64_t off = i ? 0 : l->user_addr % ps;

			up[i].addr = SG_BUS + 2 * i * ps + off;
			up[i].len = ps - off < left ? ps - off : left;
			left -= up[i].len;
		}
		l->mmap_offset = 0;
	}
	D.buf[h].used = true;
	D.buf[h].contig = l->options & UDRV_DMA_CONTIG;
	D.buf[h].hcard = l->hcard;
	D.buf[h].options = l->options;
	D.buf[h].bytes = l->bytes;
	D.buf[h].map = NULL;
	l->num_pages = n;
	l->hdma = h;
	return 0;
}

static int agent_dma_unlock(struct udrv_dma_op *op)
{
	D.unlocks++;
	if (op->sync || op->pad)
		return EINVAL;
	if (!op->hdma || op->hdma > MAX_BUFS || !D.buf[op->hdma].used)
		return EBADF;
	if (D.unlock_err)
		return D.unlock_err;
	D.unlock_saw_mapping = D.buf[op->hdma].contig &&
			       mapped(D.buf[op->hdma].map,
				      D.buf[op->hdma].bytes);
	D.buf[op->hdma].used = false;
	return 0;
}

static int agent_dma_sync(struct udrv_dma_op *op)
{
	D.syncs++;
	D.last_sync = op->sync;
	if (op->pad || (op->sync != UDRV_SYNC_FOR_CPU &&
			op->sync != UDRV_SYNC_FOR_DEVICE))
		return EINVAL;
	if (!op->hdma || op->hdma > MAX_BUFS || !D.buf[op->hdma].used)
		return EBADF;
	return 0;
}

static int agent_dma_mask(struct udrv_dma_mask *m)
{
	if (m->pad || m->bits < 12 || m->bits > 64)
		return EINVAL;
	if (m->hcard != HCARD)
		return EBADF;
	if (dma_count())
		return EBUSY;
	if (D.mask_err)
		return D.mask_err;
	D.mask_bits = m->bits;
	return 0;
}

/* The card goes: its buffers go with it (kernel: udrv_dma_release_card). */
static void dma_release_card(uint32_t hcard)
{
	uint32_t h;

	for (h = 1; h <= MAX_BUFS; h++)
		if (D.buf[h].used && D.buf[h].hcard == hcard)
			D.buf[h].used = false;
}

/* ---- events: a queue the test fills, pulls that block on it ---- */
#define HEVENT 5
static pthread_mutex_t E_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t E_cond = PTHREAD_COND_INITIALIZER;
static struct {
	bool registered;
	uint32_t hcard, actions, queued[8], n;
	int registers, unregisters, pulls, eintr;	/* eintr: fail so many */
} E;

static void post(uint32_t action)
{
	pthread_mutex_lock(&E_lock);
	E.queued[E.n++] = action;
	pthread_cond_broadcast(&E_cond);
	pthread_mutex_unlock(&E_lock);
}

static int agent_event(unsigned long req, void *arg)
{
	struct udrv_event_register *r = arg;
	struct udrv_event_pull *p = arg;
	int err = 0;

	pthread_mutex_lock(&E_lock);
	if (req == UDRV_IOC_EVENT_REGISTER) {
		E.registers++;
		E.registered = true;
		E.hcard = r->hcard;
		E.actions = r->actions;
		r->handle = HEVENT;
	} else if (req == UDRV_IOC_EVENT_UNREGISTER) {
		E.unregisters++;
		err = E.registered ? 0 : EBADF;
		E.registered = false;
		pthread_cond_broadcast(&E_cond);
	} else {
		E.pulls++;
		while (E.registered && !E.n && !p->timeout_ms && !E.eintr)
			pthread_cond_wait(&E_cond, &E_lock);
		if (E.eintr) {
			E.eintr--;
			err = EINTR;
		} else if (E.n) {
			p->action = E.queued[0];
			memmove(E.queued, E.queued + 1, --E.n * sizeof(E.queued[0]));
			fill_slot(&p->slot);
		} else {
			err = E.registered ? ETIMEDOUT : EBADF;
		}
	}
	pthread_mutex_unlock(&E_lock);
	return err;
}

static int agent(int fd, unsigned long req, void *arg)
{
	int err = ENOTTY;

	(void)fd;
	if (*(uint32_t *)arg != _IOC_SIZE(req))
		A.bad_size++;
	switch (req) {
	case UDRV_IOC_VERSION: {
		struct udrv_version *v = arg;

		v->abi_version = A.abi;
		strcpy(v->text, "udrv fake");
		err = 0;
		break;
	}
	case UDRV_IOC_SCAN:
		err = agent_scan(arg);
		break;
	case UDRV_IOC_CARD_INFO:
		err = agent_card_info(arg);
		break;
	case UDRV_IOC_REGISTER: {
		struct udrv_register *r = arg;

		A.last_options = r->options;
		err = A.register_err;
		if (!err)
			r->hcard = HCARD;
		break;
	}
	case UDRV_IOC_UNREGISTER:
		A.unregisters++;
		pthread_mutex_lock(&I_lock);
		I.unregister_seq = ++I.seq;
		I.enabled = false;	/* the card's interrupts go with it */
		pthread_mutex_unlock(&I_lock);
		err = ((struct udrv_unregister *)arg)->hcard == HCARD ? 0 :
									EBADF;
		if (!err)
			dma_release_card(HCARD);
		break;
	case UDRV_IOC_TRANSFER:
		err = agent_transfer(arg);
		break;
	case UDRV_IOC_MULTI_TRANSFER:
		err = agent_multi(arg);
		break;
	case UDRV_IOC_CONFIG:
		err = agent_config(arg);
		break;
	case UDRV_IOC_INT_ENABLE:
		err = agent_int_enable(arg);
		break;
	case UDRV_IOC_INT_WAIT:
		err = agent_int_wait(arg, true);
		break;
	case UDRV_IOC_INT_COUNT:
		err = agent_int_wait(arg, false);
		break;
	case UDRV_IOC_INT_DISABLE:
		err = agent_int_disable(arg);
		break;
	case UDRV_IOC_INT_FD:
		err = agent_int_fd(arg);
		break;
	case UDRV_IOC_DMA_LOCK:
		err = agent_dma_lock(arg);
		break;
	case UDRV_IOC_DMA_UNLOCK:
		err = agent_dma_unlock(arg);
		break;
	case UDRV_IOC_DMA_SYNC:
		err = agent_dma_sync(arg);
		break;
	case UDRV_IOC_DMA_MASK:
		err = agent_dma_mask(arg);
		break;
	case UDRV_IOC_EVENT_REGISTER:
	case UDRV_IOC_EVENT_PULL:
	case UDRV_IOC_EVENT_UNREGISTER:
		err = agent_event(req, arg);
		break;
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static void *agent_mmap(size_t len, int fd, off_t off)
{
	uint64_t h = ((uint64_t)off & ~UDRV_MMAP_DMA) >> UDRV_MMAP_BAR_SHIFT;
	void *p;

	(void)fd;
	A.mmaps++;
	A.mmap_len = len;
	A.mmap_off = off;
	if (A.mmap_fails)
		return MAP_FAILED;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* A DMA buffer: remember where, to see when it is unmapped. */
	if (((uint64_t)off & UDRV_MMAP_DMA) && h && h <= MAX_BUFS &&
	    p != MAP_FAILED)
		D.buf[h].map = p;
	return p;
}

static void reset(void)
{
	memset(&A, 0, sizeof(A));
	memset(&D, 0, sizeof(D));
	int_reset();
	A.abi = UDRV_ABI_VERSION;
	A.scan_found = 1;
	A.cfg[0] = 0x34;
	A.cfg[1] = 0x12;
	A.cfg[2] = 0xe8;
	A.cfg[3] = 0x11;
}

static void test_open_version(void)
{
	uint32_t v = 0;
	char text[32];
	int h, h2;

	reset();
	is_status(WD_Open(&h), WD_STATUS_SUCCESS, "WD_Open with the agent");
	is_status(WD_Version(h, &v, text, sizeof(text)), WD_STATUS_SUCCESS,
		  "WD_Version");
	ok(v == UDRV_ABI_VERSION && !strcmp(text, "udrv fake"),
	   "... version and text");
	WD_Close(h);
	A.abi = UDRV_ABI_VERSION + 1;
	is_status(WD_Open(&h), WD_INCORRECT_VERSION,
		  "WD_Open refuses another ABI version");
	{
		char want[80];

		snprintf(want, sizeof(want), "speaks ABI version %d, this library ABI version %d",
			 UDRV_ABI_VERSION + 1, UDRV_ABI_VERSION);
		ok(h == -1 && err_has(want), "... and names the versions");
	}
	A.abi = UDRV_ABI_VERSION;

	is_status(WDC_DriverOpen(), WD_STATUS_SUCCESS, "WDC_DriverOpen");
	h = WDC_GetWDHandle();
	is_status(WDC_DriverOpen(), WD_STATUS_SUCCESS, "WDC_DriverOpen again");
	h2 = WDC_GetWDHandle();
	ok(h >= 0 && h == h2, "... shares one handle");
	WDC_DriverClose();
	ok(WDC_GetWDHandle() == h, "one close of two keeps it open");
	WDC_DriverClose();
	ok(WDC_GetWDHandle() == -1 && fcntl(h, F_GETFD) < 0,
	   "the last close closes it");
}

static void test_scan_info(void)
{
	WDC_PCI_SCAN_RESULT *res = calloc(1, sizeof(*res));
	WD_PCI_SLOT *slots = calloc(300, sizeof(*slots));
	WD_PCI_ID *ids = calloc(300, sizeof(*ids));
	WD_PCI_ID any = { 0, 0 };
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	uint32_t found = 0;

	reset();
	WDC_DriverOpen();
	is_status(WDC_PciScanDevices(0x1234, 0, res), WD_STATUS_SUCCESS,
		  "WDC_PciScanDevices");
	ok(res->count == 1 && res->slot[0].slot == 3 &&
	   res->id[0].vendor == 0x1234 && res->id[0].device == 0x11e8,
	   "... finds the device");
	ok(A.last_scan_vendor == 0x1234 && A.last_scan_max == WD_PCI_CARDS,
	   "... asks for vendor 0x1234, up to WD_PCI_CARDS");
	is_status(WD_PciScanCards(WDC_GetWDHandle(), any, NULL, NULL, 0,
				  &found), WD_STATUS_SUCCESS,
		  "WD_PciScanCards with max 0 only counts");
	ok(found == 1 && A.last_scan_max == 0, "... found 1");
	A.scan_found = 300;
	is_status(WD_PciScanCards(WDC_GetWDHandle(), any, slots, ids, 300,
				  &found), WD_INSUFFICIENT_RESOURCES,
		  "300 matches with room for 300: the agent gives 256");
	ok(found == 300 && A.last_scan_max == UDRV_MAX_SCAN &&
	   slots[255].bus == 8 && slots[255].slot == 2 && ids[255].vendor &&
	   !ids[256].vendor, "... the first 256 are filled, found says 300");
	is_status(WD_PciScanCards(WDC_GetWDHandle(), any, slots, ids, 10,
				  &found), WD_STATUS_SUCCESS,
		  "300 matches with room for 10: fine, found says 300");

	is_status(WDC_PciGetDeviceInfo(&info), WD_STATUS_SUCCESS,
		  "WDC_PciGetDeviceInfo");
	ok(info.id.vendor == 0x1234 && info.id.device == 0x11e8 &&
	   info.subsys_vendor == 0x1af4 && info.class_code == 0x00ff00 &&
	   info.revision == 0x10 && info.msi_vectors == 1 && info.bound &&
	   info.cfg_size == 256 && info.slot.slot == 3,
	   "... converts the identity");
	ok(info.num_items == 4 && info.item[0].type == WD_ITEM_MEM &&
	   info.item[0].length == 1 << 20 &&
	   (info.item[0].flags & WD_ITEM_MAPPABLE) &&
	   (info.item[1].flags & WD_ITEM_64BIT) &&
	   info.item[1].phys_addr == 0xfeb00000 &&
	   info.item[2].type == WD_ITEM_IO && info.item[3].irq == 11,
	   "... converts the items");
	info.slot.slot = 4;
	is_status(WDC_PciGetDeviceInfo(&info), WD_DEVICE_NOT_FOUND,
		  "WDC_PciGetDeviceInfo of an empty slot");
	ok(err_has("0000:00:04.0") && err_has("ENODEV"),
	   "... the message names the slot and the errno");
	WDC_DriverClose();
	free(res);
	free(slots);
	free(ids);
}

static void test_open_errors(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev;

	reset();
	WDC_DriverOpen();
	A.register_err = ENOLINK;
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_NO_DEVICE_OBJECT,
		  "open a device not bound to udrv");
	ok(err_has("device 0000:00:03.0 is not bound to udrv: run udrvctl bind 0000:00:03.0"),
	   "... the message says how to bind it");
	A.register_err = EBUSY;
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_RESOURCE_OVERLAP,
		  "open a device owned by another process");
	ok(err_has("0000:00:03.0 is already owned") &&
	   err_has("WD_RESOURCE_OVERLAP"), "... the message says so");
	A.register_err = ENODEV;
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_DEVICE_NOT_FOUND,
		  "open an empty slot");
	A.register_err = EMSGSIZE;
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_INCORRECT_VERSION,
		  "an agent that disagrees on the structure size");
	ok(A.mmaps == 0 && dev == NULL, "... nothing mapped, no handle");
	WDC_DriverClose();
}

static void test_device(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev;
	WD_TRANSFER list[3];
	uint8_t blk[64];
	uint32_t d = 0, ctx = 1, i;
	uint16_t w = 0;
	uint64_t q = 0;
	int hwd;

	reset();
	udrv_test_mmap = agent_mmap;
	WDC_DriverOpen();
	hwd = WDC_GetWDHandle();
	is_status(WDC_PciDeviceOpen(&dev, &info, &ctx), WD_STATUS_SUCCESS,
		  "WDC_PciDeviceOpen");
	ok(A.last_options == 0, "... registers exclusively");
	ok(WDC_GetCardHandle(dev) == HCARD && WDC_GetDevContext(dev) == &ctx,
	   "... card handle and context");
	ok(A.mmaps == 1 && A.mmap_len == 1 << 20 &&
	   A.mmap_off == (off_t)UDRV_MMAP_OFFSET(HCARD, 0),
	   "... maps only the mappable BAR0, at UDRV_MMAP_OFFSET(hcard, 0)");
	ok(WDC_GetBarPointer(dev, 0) && !WDC_GetBarPointer(dev, 1) &&
	   !WDC_GetBarPointer(dev, 2), "... BAR pointers");

	WDC_WriteAddr32(dev, 0, 0x40, 0xcafe);
	ok(!WDC_ReadAddr32(dev, 0, 0x40, &d) && d == 0xcafe &&
	   A.transfers == 0, "BAR0 accesses use the mapping, no ioctl");
	is_status(WDC_ReadAddr32(dev, 1, 0x10, &d), WD_STATUS_SUCCESS,
		  "unmapped memory BAR1 read");
	ok(A.transfers == 1 && A.last_xfer.cmd == RM_DWORD &&
	   A.last_xfer.bar == 1 && A.last_xfer.addr == 0x10 &&
	   d == 0x55667788, "... is RM_DWORD through the agent");
	is_status(WDC_ReadAddr64(dev, 1, 0x18, &q), WD_STATUS_SUCCESS,
		  "BAR1 64-bit read");
	ok(A.last_xfer.cmd == RM_QWORD && q == 0x1122334455667788ULL,
	   "... is RM_QWORD");
	is_status(WDC_WriteAddr16(dev, 2, 6, 0xbeef), WD_STATUS_SUCCESS,
		  "I/O BAR2 16-bit write");
	ok(A.last_xfer.cmd == WP_WORD && A.last_xfer.bar == 2 &&
	   A.last_xfer.addr == 6 && (A.last_xfer.data & 0xffff) == 0xbeef,
	   "... is WP_WORD with the value in the low bytes");
	is_status(WDC_ReadAddr16(dev, 2, 0, &w), WD_STATUS_SUCCESS,
		  "I/O BAR2 16-bit read");
	ok(A.last_xfer.cmd == RP_WORD && w == 0x7788, "... is RP_WORD");
	is_status(WDC_ReadAddrBlock(dev, 2, 4, 16, blk, 2, WDC_NO_AUTOINC),
		  WD_STATUS_SUCCESS, "I/O BAR2 FIFO block read");
	ok(A.last_xfer.cmd == RP_SWORD && A.last_xfer.bytes == 16 &&
	   A.last_xfer.options == WD_NO_AUTOINC && A.last_xfer.addr == 4 &&
	   A.last_xfer.data == (uintptr_t)blk,
	   "... is one RP_SWORD string transfer into the caller's buffer");
	is_status(WDC_WriteAddrBlock(dev, 1, 0, 64, blk, 8, 0),
		  WD_STATUS_SUCCESS, "BAR1 block write");
	ok(A.last_xfer.cmd == WM_SQWORD && A.last_xfer.bytes == 64 &&
	   A.last_xfer.options == 0, "... is WM_SQWORD");

	A.transfer_err = EIO;
	is_status(WDC_ReadAddr32(dev, 1, 0, &d), WD_DEVICE_REMOVED,
		  "the agent says the device went away");
	ok(err_has("EIO from the agent") && err_has("0000:00:03.0"),
	   "... the message names errno and device");
	A.transfer_err = ERANGE;
	is_status(WDC_ReadAddr32(dev, 1, 0, &d), WD_OUT_OF_RANGE,
		  "the agent refuses the range");
	A.transfer_err = 0;

	memset(list, 0, sizeof(list));
	list[0].cmd = WM_DWORD;
	list[1].cmd = RM_DWORD;
	list[1].addr = 4;
	list[2].cmd = RP_BYTE;
	list[2].bar = 2;
	is_status(WDC_MultiTransfer(dev, list, 3), WD_STATUS_SUCCESS,
		  "WDC_MultiTransfer");
	ok(A.multi_cmds == (uintptr_t)list && A.multi_num == 3,
	   "... hands the caller's array to the agent without a copy");
	A.multi_err = ERANGE;
	A.multi_fail_at = 1;
	is_status(WDC_MultiTransfer(dev, list, 3), WD_OUT_OF_RANGE,
		  "WDC_MultiTransfer failing at the 2nd command");
	ok(err_has("command 1 of 3"), "... the message names it");
	A.multi_err = 0;

	/* 96 MiB of blocks: more than one call may move (E2BIG). */
	memset(list, 0, sizeof(list));
	for (i = 0; i < 3; i++) {
		list[i].cmd = RM_SDWORD;
		list[i].bytes = 32u << 20;
		list[i].data.buf = &d;	/* the fake agent never touches it */
	}
	A.multi_calls = 0;
	is_status(WDC_MultiTransfer(dev, list, 3), WD_STATUS_SUCCESS,
		  "WDC_MultiTransfer of 3 blocks of 32 MiB");
	ok(A.multi_calls == 2 && A.multi_num == 1 &&
	   A.multi_cmds == (uintptr_t)&list[2],
	   "... goes in two calls of at most UDRV_MAX_MULTI_BYTES");

	is_status(WDC_PciReadCfg16(dev, 0, &w), WD_STATUS_SUCCESS,
		  "WDC_PciReadCfg16");
	ok(w == 0x1234, "... little-endian config space");
	is_status(WDC_PciReadCfg32(dev, 0, &d), WD_STATUS_SUCCESS,
		  "WDC_PciReadCfg32");
	ok(d == 0x11e81234, "... vendor and device");
	is_status(WDC_PciWriteCfg32(dev, 0x40, 0xaabbccdd), WD_STATUS_SUCCESS,
		  "WDC_PciWriteCfg32");
	ok(A.cfg[0x40] == 0xdd && A.cfg[0x43] == 0xaa, "... stored LE");
	is_status(WDC_PciWriteCfg32(dev, 0x10, 0), WD_ACCESS_DENIED,
		  "config write to a BAR");
	ok(err_has("EACCES") && err_has("the agent owns these registers"),
	   "... the message explains the refusal");
	is_status(WDC_PciReadCfg(dev, 250, blk, 8), WD_OUT_OF_RANGE,
		  "WDC_PciReadCfg beyond the agent's config space");

	/* The agent handle outlives WDC_DriverClose while a device is open. */
	WDC_DriverClose();
	ok(fcntl(hwd, F_GETFD) >= 0, "an open device keeps the agent handle");
	ok(!WDC_ReadAddr32(dev, 1, 0, &d), "... and keeps working");
	is_status(WDC_PciDeviceClose(dev), WD_STATUS_SUCCESS,
		  "WDC_PciDeviceClose");
	ok(A.unregisters == 1, "... unregisters the card");
	ok(fcntl(hwd, F_GETFD) < 0, "... and the last user closes the handle");
	ok(A.bad_size == 0, "every ioctl structure carried its own size");
	udrv_test_mmap = NULL;
}

static void test_mmap_fallback(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev;
	uint32_t d = 0;

	reset();
	A.mmap_fails = true;
	udrv_test_mmap = agent_mmap;
	WDC_DriverOpen();
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_STATUS_SUCCESS,
		  "WDC_PciDeviceOpen when mmap fails");
	ok(A.mmaps == 1 && !WDC_GetBarPointer(dev, 0),
	   "... BAR0 is left unmapped");
	ok(!WDC_ReadAddr32(dev, 0, 8, &d) && A.transfers == 1 &&
	   A.last_xfer.cmd == RM_DWORD && A.last_xfer.bar == 0,
	   "... and reached through transfers");
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	udrv_test_mmap = NULL;
}

static void test_shared(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev;

	reset();
	WDC_DriverOpen();
	A.mmap_fails = true;
	udrv_test_mmap = agent_mmap;
	is_status(WDC_PciDeviceOpenEx(&dev, &info, NULL, WD_SHARED),
		  WD_STATUS_SUCCESS, "WDC_PciDeviceOpenEx(WD_SHARED)");
	ok(A.last_options == UDRV_REG_SHARED, "... registers shared");
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	udrv_test_mmap = NULL;
}

static void test_wd_int(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev;
	WD_TRANSFER c[3];
	WD_INTERRUPT in, in2;
	uint64_t junk;
	int hwd, fd;

	reset();
	WDC_DriverOpen();
	WDC_PciDeviceOpen(&dev, &info, NULL);
	hwd = WDC_GetWDHandle();
	memset(c, 0, sizeof(c));
	c[0].cmd = RM_DWORD;
	c[0].addr = 0x24;
	c[1].cmd = CMD_MASK;
	c[1].data.dw = 0xffffffff;
	c[2].cmd = WM_DWORD;
	c[2].addr = 0x64;
	c[2].data.dw = 0xffffffff;
	memset(&in, 0, sizeof(in));
	in.cmds = c;
	in.num_cmds = 3;
	in.options = INTERRUPT_LEVEL_SENSITIVE | INTERRUPT_CMD_COPY;
	in.count = 99;
	is_status(WD_IntEnable(hwd, HCARD, &in), WD_STATUS_SUCCESS,
		  "WD_IntEnable(INTx, 3 commands, CMD_COPY)");
	ok(I.cmds_ptr == (uintptr_t)c && I.num_cmds == 3 && I.enables == 1 &&
	   I.options == (UDRV_INT_INTX | UDRV_INT_CMD_COPY) &&
	   I.cmds[2].addr == 0x64,
	   "... hands the caller's list and options to the agent");
	ok(in.hInterrupt == HCARD && in.enabled_type == INTERRUPT_LEVEL_SENSITIVE &&
	   in.count == 0, "... hInterrupt is the card, enabled_type INTx, count 0");
	memset(&in2, 0, sizeof(in2));
	is_status(WD_IntEnable(hwd, HCARD, &in2), WD_RESOURCE_OVERLAP,
		  "a second WD_IntEnable: EBUSY");
	ok(err_has("already enabled") && err_has("EBUSY"), "... says so");

	fire(1, 0x8000);
	is_status(WD_IntWait(hwd, &in, 0), WD_STATUS_SUCCESS,
		  "WD_IntWait after one interrupt");
	ok(in.count == 1 && in.lost == 0 && in.vectors == 1 && !in.stopped,
	   "... count 1, lost 0, vectors 0x1");
	ok(c[0].data.dw == 0x8000 && c[2].data.dw == 0xffffffff,
	   "... CMD_COPY: the status read at IRQ time is in cmds[0], the write untouched");
	fire(3, 0x1);
	is_status(WD_IntCount(hwd, &in), WD_STATUS_SUCCESS, "WD_IntCount");
	ok(in.count == 4 && in.lost == 0 && I.counts == 1,
	   "... sees count 4 without consuming");
	is_status(WD_IntWait(hwd, &in, 1000), WD_STATUS_SUCCESS,
		  "WD_IntWait after 3 coalesced interrupts");
	ok(in.count == 4 && in.lost == 2, "... count 4, 2 lost");
	is_status(WD_IntWait(hwd, &in, 30), WD_TIME_OUT,
		  "WD_IntWait with nothing pending: 30 ms timeout");
	ok(in.count == 4 && err_has("within 30 ms"),
	   "... the counts are still filled in, the message has the timeout");

	/* Signals: the kernel returns EINTR; the library waits again. */
	I.inject = 2;
	I.inject_err = EINTR;
	I.waits = 0;
	fire(1, 0x2);
	fire(0, 0);
	I.inject_vectors = 0;
	is_status(WD_IntWait(hwd, &in, 5000), WD_STATUS_SUCCESS,
		  "WD_IntWait interrupted twice by signals");
	ok(I.waits == 3 && in.count == 5,
	   "... waits again (3 calls) and gets the interrupt");
	ok(I.timeouts[0] == 5000 && I.timeouts[1] <= 5000 &&
	   I.timeouts[1] > 4000 && I.timeouts[2] <= I.timeouts[1],
	   "... with what is left of the timeout (%u, %u, %u)",
	   I.timeouts[0], I.timeouts[1], I.timeouts[2]);
	I.inject = 1;
	I.inject_vectors = 1;
	I.waits = 0;
	is_status(WD_IntWait(hwd, &in, 0), WD_STATUS_SUCCESS,
		  "EINTR from a wait that took interrupts (vectors set)");
	ok(I.waits == 1, "... is a success, not a second wait");
	I.inject = 1;
	I.inject_err = ETIMEDOUT;
	is_status(WD_IntWait(hwd, &in, 10), WD_STATUS_SUCCESS,
		  "ETIMEDOUT from a wait that took interrupts: a success");
	I.inject = 0;
	I.inject_vectors = 0;

	fd = WD_IntFd(hwd, &in);
	ok(fd >= 0 && read(fd, &junk, sizeof(junk)) == 0 &&
	   (fcntl(fd, F_GETFD) & FD_CLOEXEC), "WD_IntFd returns the agent's descriptor");
	if (fd >= 0)
		close(fd);
	is_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS, "WD_IntDisable");
	is_status(WD_IntDisable(hwd, &in), WD_OPERATION_ALREADY_DONE,
		  "WD_IntDisable twice");
	ok(err_has("already disabled"), "... says so");
	is_status(WD_IntWait(hwd, &in, 0), WD_INTERRUPT_NOT_ENABLED,
		  "WD_IntWait after WD_IntDisable");
	ok(err_has("WD_IntWait: interrupts are not enabled on card 7 (WD_IntEnable first)"),
	   "... the message names the card and the remedy");
	errno = 0;
	ok(WD_IntFd(hwd, &in) == -1 && errno == ENOTCONN,
	   "WD_IntFd after WD_IntDisable: -1, ENOTCONN");

	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE_X;
	is_status(WD_IntEnable(hwd, HCARD, &in), WD_FAILED_ENABLING_INTERRUPT,
		  "WD_IntEnable(MSI-X only) on a device without MSI-X: ENXIO");
	ok(err_has("none of the accepted types (MSI-X)"), "... names the types");
	is_status(WDC_IntEnable(dev, NULL, 0, INTERRUPT_MESSAGE_X,
				(WDC_INT_HANDLER)free, NULL, false),
		  WD_FAILED_ENABLING_INTERRUPT, "... and through WDC_IntEnable");
	ok(err_has("0000:00:03.0 (interrupts: INTx, MSI)"),
	   "... which names the device and what it has");
	I.enable_err = EOPNOTSUPP;
	in.options = 0;
	in.hKernelPlugIn = 2;
	is_status(WD_IntEnable(hwd, HCARD, &in), WD_KERPLUG_FAILURE,
		  "a KP without interrupt handlers: EOPNOTSUPP");
	ok(err_has("no funcIntEnable, or no handler"), "... says what it lacks");
	I.enable_err = ECONNREFUSED;
	is_status(WD_IntEnable(hwd, HCARD, &in), WD_KERPLUG_FAILURE,
		  "a KP whose funcIntEnable returns false: ECONNREFUSED");
	ok(err_has("funcIntEnable returned false"), "... says so");
	in.hKernelPlugIn = 0;
	I.enable_err = 0;
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	ok(A.bad_size == 0, "every interrupt ioctl carried its own size");
}

/* What the handler saw; it runs on the library's thread. */
enum { H_PLAIN, H_DISABLE, H_CLOSE, H_ENABLE };
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	WDC_DEVICE_HANDLE dev;
	WD_TRANSFER *cmds;
	int mode;
	unsigned int calls;
	uint32_t copied, self_status;
	char self_msg[256];
	WD_INTERRUPT st;
	bool ctx_ok, sig_blocked;
} H = {
	.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
};

static void handler(void *ctx)
{
	WD_INTERRUPT st;
	sigset_t cur;
	uint32_t r = 0;

	memset(&st, 0, sizeof(st));
	WDC_IntGetStatus(H.dev, &st);
	pthread_sigmask(SIG_BLOCK, NULL, &cur);
	if (H.mode == H_DISABLE)
		r = WDC_IntDisable(H.dev);
	else if (H.mode == H_CLOSE)
		r = WDC_PciDeviceClose(H.dev);
	else if (H.mode == H_ENABLE)
		r = WDC_IntEnable(H.dev, NULL, 0, 0, handler, &H, false);
	pthread_mutex_lock(&H.lock);
	H.calls++;
	H.copied = H.cmds ? H.cmds[0].data.dw : 0;
	H.st = st;
	H.self_status = r;
	snprintf(H.self_msg, sizeof(H.self_msg), "%s",
		 r ? WDC_GetLastErrStr() : "");
	H.ctx_ok = ctx == &H;
	H.sig_blocked = sigismember(&cur, SIGINT) && sigismember(&cur, SIGTERM);
	pthread_cond_broadcast(&H.cond);
	pthread_mutex_unlock(&H.lock);
}

static unsigned int calls(void)
{
	unsigned int n;

	pthread_mutex_lock(&H.lock);
	n = H.calls;
	pthread_mutex_unlock(&H.lock);
	return n;
}

/* Waits (5 s at most) for the handler's n-th call. */
static bool wait_calls(unsigned int n)
{
	struct timespec dl;
	int err = 0;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 5;
	pthread_mutex_lock(&H.lock);
	while (H.calls < n && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&H.cond, &H.lock, &dl);
	ok = H.calls >= n;
	pthread_mutex_unlock(&H.lock);
	return ok;
}

static int waiters(void)
{
	int n;

	pthread_mutex_lock(&I_lock);
	n = I.waiters;
	pthread_mutex_unlock(&I_lock);
	return n;
}

/* Until the library's thread blocks in the agent (5 s at most). */
static bool thread_waiting(void)
{
	int i;

	for (i = 0; i < 5000 && waiters() < 1; i++)
		usleep(1000);
	return waiters() == 1;
}

static atomic_bool storm_stop;

static void *storm(void *arg)
{
	(void)arg;
	while (!atomic_load(&storm_stop)) {
		fire(1, 0x4);
		sched_yield();
	}
	return NULL;
}

static void open_dev(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };

	WDC_DriverOpen();
	WDC_PciDeviceOpen(&H.dev, &info, NULL);
	pthread_mutex_lock(&H.lock);
	H.calls = 0;
	H.mode = H_PLAIN;
	H.cmds = NULL;
	pthread_mutex_unlock(&H.lock);
}

static void test_wdc_int(void)
{
	WD_TRANSFER c[2];
	WD_INTERRUPT st;
	pthread_t t;
	unsigned int n;
	int i;

	reset();
	open_dev();
	memset(c, 0, sizeof(c));
	c[0].cmd = RM_DWORD;
	c[0].addr = 0x24;
	c[1].cmd = CMD_MASK;
	c[1].data.dw = 0xffff;
	H.cmds = c;
	is_status(WDC_IntEnable(H.dev, c, 2, INTERRUPT_CMD_COPY, handler, &H,
				false), WD_STATUS_SUCCESS,
		  "WDC_IntEnable(CMD_COPY, handler)");
	ok(WDC_IntIsEnabled(H.dev), "... WDC_IntIsEnabled");
	is_status(WDC_IntGetStatus(H.dev, &st), WD_STATUS_SUCCESS,
		  "WDC_IntGetStatus before any interrupt");
	ok(st.count == 0 && st.enabled_type == INTERRUPT_MESSAGE &&
	   st.hInterrupt == HCARD && st.cmds == c && st.num_cmds == 2,
	   "... count 0, MSI, the card, the caller's commands");
	ok(thread_waiting(), "the library's thread waits in the agent");
	ok(calls() == 0, "... and calls nobody before an interrupt");

	fire(1, 0x8000);
	ok(wait_calls(1), "one interrupt: the handler is called");
	ok(H.ctx_ok && H.copied == 0x8000 && H.st.count == 1 && H.st.lost == 0,
	   "... with its context, the copied status 0x%x, count %u",
	   H.copied, H.st.count);
	ok(H.sig_blocked, "... on a thread that blocks SIGINT and SIGTERM");
	ok(thread_waiting(), "... then the thread waits again");
	fire(3, 0x1);
	ok(wait_calls(2), "three coalesced interrupts: one more call");
	ok(H.copied == 0x1 && H.st.count == 4 && H.st.lost == 2 &&
	   H.st.vectors == 1, "... count 4, 2 lost, vectors 0x1");
	usleep(20000);
	ok(calls() == 2, "... and only one");

	is_status(WDC_IntEnable(H.dev, c, 2, 0, handler, &H, false),
		  WD_RESOURCE_OVERLAP, "WDC_IntEnable while enabled");
	ok(err_has("already enabled on 0000:00:03.0 by this handle"),
	   "... says it is this handle");

	H.mode = H_DISABLE;
	fire(1, 0x2);
	ok(wait_calls(3), "a handler calling WDC_IntDisable ...");
	ok(H.self_status == WD_OPERATION_FAILED &&
	   strstr(H.self_msg, "called from the interrupt handler of 0000:00:03.0"),
	   "... gets WD_OPERATION_FAILED and an explanation, no deadlock");
	H.mode = H_CLOSE;
	fire(1, 0x2);
	ok(wait_calls(4) && H.self_status == WD_OPERATION_FAILED &&
	   strstr(H.self_msg, "WDC_PciDeviceClose: called from the interrupt handler"),
	   "a handler calling WDC_PciDeviceClose: WD_OPERATION_FAILED, the device stays open");
	H.mode = H_ENABLE;
	fire(1, 0x2);
	ok(wait_calls(5) && H.self_status == WD_RESOURCE_OVERLAP,
	   "a handler calling WDC_IntEnable: WD_RESOURCE_OVERLAP");
	H.mode = H_PLAIN;
	ok(WDC_IntIsEnabled(H.dev), "interrupts are still enabled");

	ok(thread_waiting(), "the thread waits again");
	is_status(WDC_IntDisable(H.dev), WD_STATUS_SUCCESS, "WDC_IntDisable");
	ok(waiters() == 0 && !WDC_IntIsEnabled(H.dev) && I.disables == 1,
	   "... disabled in the agent, the thread is gone");
	n = calls();
	fire(1, 0x2);
	usleep(20000);
	ok(calls() == n, "no handler call after WDC_IntDisable");
	is_status(WDC_IntGetStatus(H.dev, &st), WD_STATUS_SUCCESS,
		  "WDC_IntGetStatus after WDC_IntDisable");
	ok(st.count == 7 && st.stopped == UDRV_STOP_DISABLED,
	   "... the last delivered count (7), stopped = disabled");
	is_status(WDC_IntDisable(H.dev), WD_INTERRUPT_NOT_ENABLED,
		  "WDC_IntDisable twice");

	/* Disabling while interrupts keep coming. */
	for (i = 0; i < 20; i++) {
		if (WDC_IntEnable(H.dev, NULL, 0, 0, handler, &H, false))
			break;
		atomic_store(&storm_stop, false);
		pthread_create(&t, NULL, storm, NULL);
		while (calls() < n + 3)
			sched_yield();
		if (WDC_IntDisable(H.dev))
			break;
		n = calls();
		usleep(2000);
		if (calls() != n || waiters())
			break;
		atomic_store(&storm_stop, true);
		pthread_join(t, NULL);
	}
	ok(i == 20, "20 times: enable, a storm of interrupts, WDC_IntDisable joins, no call after");
	if (i < 20) {
		atomic_store(&storm_stop, true);
		pthread_join(t, NULL);
	}

	/* The thread stops on its own when the device goes away. */
	is_status(WDC_IntEnable(H.dev, NULL, 0, 0, handler, &H, false),
		  WD_STATUS_SUCCESS, "WDC_IntEnable again");
	ok(thread_waiting(), "... the thread waits");
	remove_device();
	for (i = 0; i < 5000 && WDC_IntIsEnabled(H.dev); i++)
		usleep(1000);
	ok(!WDC_IntIsEnabled(H.dev), "device removed: WDC_IntIsEnabled turns false");
	WDC_IntGetStatus(H.dev, &st);
	ok(st.stopped == UDRV_STOP_REMOVED, "... WDC_IntGetStatus: stopped = removed");
	is_status(WDC_IntDisable(H.dev), WD_STATUS_SUCCESS,
		  "WDC_IntDisable after that: joins the thread, success");
	is_status(WDC_IntEnable(H.dev, NULL, 0, 0, handler, &H, false),
		  WD_STATUS_SUCCESS, "... and interrupts can be enabled again");
	ok(thread_waiting(), "... the new thread waits");

	/* Closing the device with interrupts enabled disables them first. */
	n = calls();
	is_status(WDC_PciDeviceClose(H.dev), WD_STATUS_SUCCESS,
		  "WDC_PciDeviceClose with interrupts enabled");
	ok(I.disable_seq && I.disable_seq < I.unregister_seq && waiters() == 0,
	   "... disables (and joins) before unregistering");
	fire(1, 0x2);
	usleep(10000);
	ok(calls() == n, "... and the handler is not called any more");
	WDC_DriverClose();
	ok(A.bad_size == 0, "every ioctl structure carried its own size");
}

static WDC_DEVICE_HANDLE dma_open(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev = NULL;

	reset();
	udrv_test_mmap = agent_mmap;
	WDC_DriverOpen();
	WDC_PciDeviceOpen(&dev, &info, NULL);
	return dev;
}

static void dma_close(WDC_DEVICE_HANDLE dev)
{
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	udrv_test_mmap = NULL;
}

static void test_dma_contig(void)
{
	WDC_DEVICE_HANDLE dev = dma_open();
	size_t ps = (size_t)page_sz();
	WD_DMA *dma = NULL, d, copy;
	WD_DMA_PAGE page;
	uint8_t *buf = NULL;
	int hwd = WDC_GetWDHandle(), mmaps;

	is_status(WDC_DMASetMask(dev, 28), WD_STATUS_SUCCESS,
		  "WDC_DMASetMask(28)");
	ok(D.mask_bits == 28, "... the agent got 28 bits");
	is_status(WDC_DMAContigBufLock(dev, (void **)&buf, WD_DMA_TO_DEVICE,
				       ps + 100, &dma), WD_STATUS_SUCCESS,
		  "WDC_DMAContigBufLock(a page + 100 bytes)");
	ok(dma && buf && buf == dma->user_addr && dma->hDma == 1,
	   "... returns the mapping and the WD_DMA");
	ok(D.last_lock.options == (UDRV_DMA_CONTIG | UDRV_DMA_TO_DEVICE) &&
	   D.last_lock.bytes == ps + 100 && D.last_lock.num_pages == 1 &&
	   !D.last_lock.user_addr,
	   "... asks for a contiguous buffer, room for 1 entry");
	ok(A.mmap_off == (off_t)(UDRV_MMAP_DMA | 1ULL << UDRV_MMAP_BAR_SHIFT) &&
	   A.mmap_len == 2 * ps,
	   "... maps it at the agent's offset 0x%llx, %zu bytes (page-aligned)",
	   (unsigned long long)A.mmap_off, A.mmap_len);
	ok(dma && dma->num_pages == 1 && dma->pages &&
	   dma->pages[0].bus_addr == CONTIG_BUS + 0x100000 &&
	   dma->pages[0].length == ps + 100 &&
	   dma->bytes == ps + 100 &&
	   (dma->options & DMA_KERNEL_BUFFER_ALLOC),
	   "... one entry: the device address and the size");
	if (buf)
		memset(buf, 0x5a, ps + 100);
	ok(buf && buf[0] == 0x5a && buf[ps + 99] == 0x5a,
	   "... the buffer is writable, first to last byte");
	is_status(WDC_DMASetMask(dev, 32), WD_RESOURCE_OVERLAP,
		  "WDC_DMASetMask while a buffer exists: EBUSY");
	ok(err_has("set the mask before locking any") &&
	   err_has("0000:00:03.0"), "... explains, names the device");
	is_status(WDC_DMASyncCpu(dma), WD_STATUS_SUCCESS, "WDC_DMASyncCpu");
	is_status(WDC_DMASyncIo(dma), WD_STATUS_SUCCESS, "WDC_DMASyncIo");
	ok(D.syncs == 0, "... no ioctl for a coherent buffer");
	D.unlock_err = EBUSY;
	is_status(WDC_DMABufUnlock(dma), WD_RESOURCE_OVERLAP,
		  "WDC_DMABufUnlock of a buffer a Kernel PlugIn holds: EBUSY");
	ok(err_has("held by a Kernel PlugIn") && mapped(buf, 2 * ps) &&
	   dma_count() == 1, "... says so; the buffer stays locked and mapped");
	D.unlock_err = 0;
	is_status(WDC_DMABufUnlock(dma), WD_STATUS_SUCCESS, "WDC_DMABufUnlock");
	ok(D.unlocks == 2 && !dma_count(), "... unlocks it in the agent");
	ok(D.unlock_saw_mapping && !mapped(buf, 2 * ps),
	   "... and unmaps it once the agent agreed (it may refuse: a Kernel PlugIn holds the buffer)");
	is_status(WDC_DMABufUnlock(dma), WD_INVALID_HANDLE,
		  "WDC_DMABufUnlock twice");
	ok(D.unlocks == 2 && err_has("unlocked already"),
	   "... refused without asking the agent");

	/* The same with the WD_ calls and the caller's WD_DMA. */
	memset(&d, 0, sizeof(d));
	d.options = DMA_KERNEL_BUFFER_ALLOC | WD_DMA_FROM_DEVICE;
	d.bytes = 100;
	d.pages = &page;
	d.num_pages = 1;
	is_status(WD_DMALock(hwd, HCARD, &d), WD_STATUS_SUCCESS,
		  "WD_DMALock(contiguous, 100 bytes)");
	ok(d.hDma == 1 && d.user_addr && d.num_pages == 1 &&
	   page.length == 100 && A.mmap_len == ps &&
	   A.mmap_off == (off_t)(UDRV_MMAP_DMA | 1ULL << UDRV_MMAP_BAR_SHIFT),
	   "... maps one page at the agent's offset");
	buf = d.user_addr;
	copy = d;
	d.bytes = 1 << 20;	/* the caller scribbles: the record rules */
	d.user_addr = &copy;
	mmaps = A.mmaps;
	is_status(WD_DMAUnlock(hwd, &d), WD_STATUS_SUCCESS, "WD_DMAUnlock");
	ok(D.unlock_saw_mapping && !mapped(buf, ps) && mapped(&copy, 1) &&
	   A.mmaps == mmaps,
	   "... unmaps the library's mapping once the agent agreed, not what the WD_DMA says");
	ok(d.hDma == 0 && d.user_addr == NULL, "... clears hDma and user_addr");
	is_status(WD_DMAUnlock(hwd, &d), WD_INVALID_HANDLE,
		  "WD_DMAUnlock twice");
	ok(D.unlocks == 3, "... refused without an ioctl");
	is_status(WD_DMAUnlock(hwd, &copy), WD_INVALID_HANDLE,
		  "WD_DMAUnlock of a stale copy: the agent says EBADF");
	ok(D.unlocks == 4 && err_has("EBADF") && err_has("not locked"),
	   "... WD_INVALID_HANDLE with an explanation");

	A.mmap_fails = true;
	d = copy;
	d.hDma = 0;
	is_status(WD_DMALock(hwd, HCARD, &d), WD_INSUFFICIENT_RESOURCES,
		  "WD_DMALock when the mapping fails");
	ok(!dma_count() && d.hDma == 0 && err_has("cannot map"),
	   "... unlocks again, nothing stays locked");
	A.mmap_fails = false;
	dma_close(dev);
	ok(A.bad_size == 0, "every DMA ioctl carried its own size");
}

static void test_dma_sg(void)
{
	WDC_DEVICE_HANDLE dev = dma_open();
	size_t ps = (size_t)page_sz(), bytes = 3 * ps, sum = 0;
	uint8_t *mem = aligned_alloc(ps, 6 * ps), *buf = mem + 100;
	WD_DMA *dma = NULL, *dma2 = NULL, d;
	WD_DMA_PAGE pages[8];
	int hwd = WDC_GetWDHandle();
	uint32_t i;

	is_status(WDC_DMASGBufLock(dev, buf, WD_DMA_TO_FROM_DEVICE, bytes,
				   &dma), WD_STATUS_SUCCESS,
		  "WDC_DMASGBufLock(3 pages from offset 100)");
	ok(D.locks == 1 && D.last_lock.num_pages == 5 &&
	   D.last_lock.user_addr == (uintptr_t)buf &&
	   D.last_lock.bytes == bytes &&
	   D.last_lock.options == (UDRV_DMA_TO_DEVICE | UDRV_DMA_FROM_DEVICE),
	   "... one ioctl, room for 5 entries (4 pages spanned + 1)");
	ok(dma && dma->num_pages == 4 && dma->user_addr == buf &&
	   dma->bytes == bytes && dma->hDma,
	   "... 4 entries used");
	for (i = 0; dma && i < dma->num_pages; i++)
		sum += dma->pages[i].length;
	ok(dma && dma->pages[0].bus_addr == SG_BUS + 100 &&
	   dma->pages[0].length == ps - 100 &&
	   dma->pages[3].bus_addr == SG_BUS + 6 * ps &&
	   dma->pages[3].length == 100 && sum == bytes,
	   "... entry 0 starts at the in-page offset, lengths add up");
	ok(A.mmaps == 1, "... and maps nothing (the BAR was the only mmap)");
	is_status(WDC_DMASyncCpu(dma), WD_STATUS_SUCCESS, "WDC_DMASyncCpu");
	ok(D.syncs == 1 && D.last_sync == UDRV_SYNC_FOR_CPU, "... for the CPU");
	is_status(WDC_DMASyncIo(dma), WD_STATUS_SUCCESS, "WDC_DMASyncIo");
	ok(D.syncs == 2 && D.last_sync == UDRV_SYNC_FOR_DEVICE,
	   "... for the device");

	/* The agent needs more entries than the span: asked again. */
	D.force_entries = 9;
	D.locks = 0;
	is_status(WDC_DMASGBufLock(dev, buf, WD_DMA_TO_DEVICE, bytes, &dma2),
		  WD_STATUS_SUCCESS,
		  "WDC_DMASGBufLock when the agent answers EOVERFLOW (9 needed)");
	ok(D.locks == 2 && D.last_lock.num_pages == 9 && dma2 &&
	   dma2->num_pages == 9 && dma_count() == 2,
	   "... locks again with room for 9: a complete list");
	D.force_entries = 0;
	is_status(WDC_DMABufUnlock(dma2), WD_STATUS_SUCCESS,
		  "WDC_DMABufUnlock of it");
	is_status(WDC_DMABufUnlock(dma), WD_STATUS_SUCCESS,
		  "WDC_DMABufUnlock of the first");
	ok(!dma_count() && D.unlocks == 2, "... both unlocked in the agent");

	/* WD_DMALock with the caller's list. */
	memset(&d, 0, sizeof(d));
	d.user_addr = buf;
	d.bytes = bytes;
	d.options = WD_DMA_FROM_DEVICE;
	d.pages = pages;
	d.num_pages = 2;
	is_status(WD_DMALock(hwd, HCARD, &d), WD_INSUFFICIENT_RESOURCES,
		  "WD_DMALock with room for 2 of 4 entries");
	ok(d.num_pages == 4 && d.hDma == 0 && !dma_count(),
	   "... num_pages says 4, nothing locked");
	ok(err_has("needs 4 page-list entries, pages has room for 2") &&
	   err_has("EOVERFLOW"), "... the message has both numbers");
	is_status(WD_DMALock(hwd, HCARD, &d), WD_STATUS_SUCCESS,
		  "WD_DMALock again with num_pages as returned");
	ok(d.num_pages == 4 && d.hDma && pages[0].bus_addr == SG_BUS + 100 &&
	   d.user_addr == buf, "... the list is complete, user_addr unchanged");
	is_status(WD_DMASyncCpu(hwd, &d), WD_STATUS_SUCCESS, "WD_DMASyncCpu");
	is_status(WD_DMAUnlock(hwd, &d), WD_STATUS_SUCCESS, "WD_DMAUnlock");
	ok(!dma_count() && d.hDma == 0 && d.user_addr == buf,
	   "... unlocked; a scatter-gather user_addr stays the caller's");
	dma_close(dev);
	free(mem);
	ok(A.bad_size == 0, "every DMA ioctl carried its own size");
}

static void test_dma_errors(void)
{
	WDC_DEVICE_HANDLE dev = dma_open();
	static uint8_t mem[64 * 64];
	WD_DMA_PAGE pages[2];
	WD_DMA d[MAX_BUFS + 1], *dma = (WD_DMA *)1;
	void *cbuf = NULL;
	int hwd = WDC_GetWDHandle();
	uint32_t i, n = 0;

	D.lock_err = EDOM;
	is_status(WDC_DMASGBufLock(dev, mem, 0, 100, &dma), WD_OUT_OF_RANGE,
		  "WDC_DMASGBufLock: a page beyond the mask (EDOM)");
	ok(!dma && err_has("WDC_DMASGBufLock: 0000:00:03.0: a page of the buffer lies above the device's DMA mask and there is no IOMMU: set a wider mask (WDC_DMASetMask) if the device can address it, or use a contiguous buffer (WDC_DMAContigBufLock)"),
	   "... explains what to do, in WDC_ terms");
	memset(&d[0], 0, sizeof(d[0]));
	d[0].user_addr = mem;
	d[0].bytes = 100;
	d[0].pages = pages;
	d[0].num_pages = 2;
	is_status(WD_DMALock(hwd, HCARD, &d[0]), WD_OUT_OF_RANGE,
		  "WD_DMALock: EDOM");
	ok(err_has("WD_DMALock: card 7:") && err_has("(WD_SetDmaMask)") &&
	   err_has("EDOM"), "... in WD_ terms");
	D.lock_err = EDQUOT;
	is_status(WDC_DMASGBufLock(dev, mem, 0, 100, &dma),
		  WD_INSUFFICIENT_RESOURCES, "RLIMIT_MEMLOCK exceeded (EDQUOT)");
	ok(err_has("would exceed RLIMIT_MEMLOCK (ulimit -l") &&
	   err_has("CAP_IPC_LOCK"), "... says which limit and the remedies");
	D.lock_err = EFAULT;
	is_status(WDC_DMASGBufLock(dev, mem, WD_DMA_FROM_DEVICE, 100, &dma),
		  WD_INVALID_PARAMETER, "memory that cannot be pinned (EFAULT)");
	ok(err_has("is not writable memory of this process"), "... says so");
	D.lock_err = ENOMEM;
	is_status(WDC_DMAContigBufLock(dev, &cbuf, 0, 1 << 20, &dma),
		  WD_INSUFFICIENT_RESOURCES,
		  "no contiguous memory in the agent (ENOMEM)");
	ok(err_has("cannot allocate 1048576 physically contiguous bytes") &&
	   !cbuf && !dma, "... says so, leaves no buffer");
	D.lock_err = 0;

	for (i = 0; i < MAX_BUFS + 1; i++) {
		memset(&d[i], 0, sizeof(d[i]));
		d[i].user_addr = mem + 64 * i;
		d[i].bytes = 64;
		d[i].pages = pages;
		d[i].num_pages = 2;
		if (WD_DMALock(hwd, HCARD, &d[i]) == WD_STATUS_SUCCESS)
			n++;
	}
	ok(n == MAX_BUFS && d[MAX_BUFS].hDma == 0,
	   "%u buffers lock, the 65th does not", n);
	ok(err_has("more than 64 DMA buffers on this handle") &&
	   err_has("(WD_DMAUnlock)") && err_has("EMFILE"),
	   "... the message says the limit and the remedy");
	for (i = 0; i < MAX_BUFS; i++)
		WD_DMAUnlock(hwd, &d[i]);
	ok(!dma_count(), "... all unlocked again");

	D.mask_err = EDOM;
	is_status(WDC_DMASetMask(dev, 12), WD_OUT_OF_RANGE,
		  "a mask the platform refuses (EDOM)");
	ok(err_has("refused a 12-bit DMA mask"), "... says so");
	D.mask_err = 0;
	is_status(WD_SetDmaMask(hwd, HCARD + 1, 32), WD_INVALID_HANDLE,
		  "WD_SetDmaMask on a card not registered: EBADF");
	is_status(WD_DMALock(hwd, HCARD + 1, &d[0]), WD_INVALID_HANDLE,
		  "WD_DMALock on a card not registered: EBADF");
	ok(err_has("card handle 8 is not registered"), "... says so");
	dma_close(dev);
}

/* The agent frees a card's buffers when it goes; the library follows. */
static void test_dma_close(void)
{
	WDC_DEVICE_HANDLE dev = dma_open();
	size_t ps = (size_t)page_sz();
	WD_DMA *dma = NULL, d;
	WD_DMA_PAGE page;
	void *buf = NULL, *raw;
	int hwd = WDC_GetWDHandle(), unlocks;

	is_status(WDC_DMAContigBufLock(dev, &buf, 0, ps, &dma),
		  WD_STATUS_SUCCESS, "WDC_DMAContigBufLock");
	memset(&d, 0, sizeof(d));
	d.options = DMA_KERNEL_BUFFER_ALLOC;
	d.bytes = ps;
	d.pages = &page;
	d.num_pages = 1;
	is_status(WD_DMALock(hwd, HCARD, &d), WD_STATUS_SUCCESS,
		  "WD_DMALock(contiguous)");
	raw = d.user_addr;
	WDC_PciDeviceClose(dev);
	ok(!dma_count() && !mapped(buf, ps) && !mapped(raw, ps),
	   "WDC_PciDeviceClose: the agent freed both, the library unmapped both");
	unlocks = D.unlocks;
	is_status(WDC_DMASyncCpu(dma), WD_INVALID_HANDLE,
		  "WDC_DMASyncCpu after the device was closed");
	ok(err_has("not locked any more"), "... says so");
	is_status(WDC_DMABufUnlock(dma), WD_STATUS_SUCCESS,
		  "WDC_DMABufUnlock after the device was closed");
	ok(D.unlocks == unlocks, "... frees the library's part, no ioctl");
	is_status(WD_DMAUnlock(hwd, &d), WD_INVALID_HANDLE,
		  "WD_DMAUnlock after the card was unregistered: EBADF");
	WDC_DriverClose();
	udrv_test_mmap = NULL;
}

static struct {
	WDC_DEVICE_HANDLE dev, seen_dev;
	uint32_t actions[4], n, close_st;
	void *ctx;
	bool close_in_handler;
} EH;

static void ev_handler(WDC_DEVICE_HANDLE dev, uint32_t action, void *ctx)
{
	pthread_mutex_lock(&E_lock);
	EH.seen_dev = dev;
	EH.ctx = ctx;
	if (EH.n < 4)
		EH.actions[EH.n] = action;
	pthread_mutex_unlock(&E_lock);
	/* What a driver does on WD_REMOVE: close the device right here */
	if (EH.close_in_handler)
		EH.close_st = WDC_PciDeviceClose(dev);
	pthread_mutex_lock(&E_lock);
	EH.n++;
	pthread_cond_broadcast(&E_cond);
	pthread_mutex_unlock(&E_lock);
}

/* Waits (bounded, so that a lost event ends the test) for n handler calls */
static bool ev_calls(uint32_t n)
{
	struct timespec t;
	bool got;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += 10;
	pthread_mutex_lock(&E_lock);
	while (EH.n < n &&
	       pthread_cond_timedwait(&E_cond, &E_lock, &t) != ETIMEDOUT)
		;
	got = EH.n >= n;
	pthread_mutex_unlock(&E_lock);
	return got;
}

static void test_events(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WD_PCI_SLOT s = { 9, 9, 9, 9 };
	WD_PCI_ID id = { 0x1234, 0x11e8 };
	WDC_DEVICE_HANDLE dev;
	uint32_t h, action;
	int calls;
	int hwd;

	reset();
	memset(&E, 0, sizeof(E));
	WD_Open(&hwd);
	is_status(WD_EventRegisterId(hwd, id, WD_INSERT, &h), 0,
		  "WD_EventRegisterId(1234:11e8, WD_INSERT)");
	ok(h == HEVENT && E.hcard == 0 && E.actions == WD_INSERT,
	   "... the agent got a filter registration (hcard %u, actions %u)",
	   E.hcard, E.actions);
	post(WD_INSERT);
	E.eintr = 1;
	is_status(WD_EventPull(hwd, h, &action, &s, 0), 0,
		  "WD_EventPull: a signal, then an event");
	ok(action == WD_INSERT && s.domain == 0 && s.bus == 0 && s.slot == 3 &&
	   s.function == 0 && E.pulls == 2,
	   "... retried after EINTR (%d pulls), action %u at %02x:%02x.%x",
	   E.pulls, action, s.bus, s.slot, s.function);
	is_status(WD_EventPull(hwd, h, &action, NULL, 20), WD_TIME_OUT,
		  "WD_EventPull with nothing queued: WD_TIME_OUT");
	ok(err_has("within 20 ms"), "... saying how long it waited");
	is_status(WD_EventUnregister(hwd, h), 0, "WD_EventUnregister");
	is_status(WD_EventPull(hwd, h, &action, NULL, 0), WD_INVALID_HANDLE,
		  "WD_EventPull after unregister: WD_INVALID_HANDLE");
	is_status(WD_EventUnregister(hwd, h), WD_INVALID_HANDLE,
		  "WD_EventUnregister twice: WD_INVALID_HANDLE");
	WD_Close(hwd);

	WDC_DriverOpen();
	memset(&E, 0, sizeof(E));
	memset(&EH, 0, sizeof(EH));
	WDC_PciDeviceOpen(&dev, &info, NULL);
	is_status(WDC_EventRegister(dev, WD_REMOVE, ev_handler, &E), 0,
		  "WDC_EventRegister");
	ok(E.hcard == HCARD && E.actions == WD_REMOVE,
	   "... for its card (hcard %u, actions %u)", E.hcard, E.actions);
	is_status(WDC_EventRegister(dev, WD_REMOVE, ev_handler, NULL),
		  WD_RESOURCE_OVERLAP, "a second WDC_EventRegister: refused");
	post(WD_REMOVE);
	ok(ev_calls(1) && EH.actions[0] == WD_REMOVE && EH.seen_dev == dev &&
	   EH.ctx == &E, "the handler ran on the library thread with (dev, WD_REMOVE, ctx)");
	is_status(WDC_EventUnregister(dev), 0, "WDC_EventUnregister");
	ok(E.unregisters == 1, "... unregistered at the agent");
	calls = E.pulls;
	post(WD_REMOVE);
	ok(E.pulls == calls && EH.n == 1,
	   "... and the thread is gone: no pull, no call after it");
	is_status(WDC_EventUnregister(dev), WD_OPERATION_ALREADY_DONE,
		  "WDC_EventUnregister twice: WD_OPERATION_ALREADY_DONE");

	/* The handler closes the device: its thread must end by itself. */
	memset(&E, 0, sizeof(E));
	memset(&EH, 0, sizeof(EH));
	EH.close_in_handler = true;
	is_status(WDC_EventRegister(dev, WD_REMOVE, ev_handler, NULL), 0,
		  "WDC_EventRegister again");
	A.unregisters = 0;
	post(WD_REMOVE);
	ok(ev_calls(1) && EH.close_st == 0 && A.unregisters == 1 &&
	   E.unregisters == 1,
	   "WDC_PciDeviceClose from the event handler: the card and the event unregistered (status 0x%x)",
	   EH.close_st);
	/* ASan reports it if the ended thread touched the freed device. */
	WDC_DriverClose();
}

int main(void)
{
	setenv("UDRV_DEVICE", "/dev/null", 1);
	udrv_test_ioctl = agent;
	test_open_version();
	test_scan_info();
	test_open_errors();
	test_device();
	test_mmap_fallback();
	test_shared();
	test_wd_int();
	test_wdc_int();
	test_dma_contig();
	test_dma_sg();
	test_dma_errors();
	test_dma_close();
	test_events();
	return tap_done();
}
