// SPDX-License-Identifier: MIT
/*
 * events.c: plug-and-play event calls: registrations by card (live or
 * stale) or by ID, pulls that wait briefly, unregisters of live and stale
 * handles, each with one field mutated now and then.  The fuzzer's own
 * unbinds, removals and rescans post the events meanwhile.  A pull never
 * waits long: the timeout is not among the mutated fields, since 0 means
 * "forever" and would park a worker.
 */
#include <string.h>

#include "fuzz.h"

#define FZ_MAX_EVENTS 8

static struct { bool used; int fd; uint32_t h; } evs[FZ_MAX_EVENTS];

static const struct fz_field reg_f[] = {
	FZF(struct udrv_event_register, size, F_SIZE),
	FZF(struct udrv_event_register, hcard, F_HANDLE),
	FZF(struct udrv_event_register, actions, F_FLAGS),
	FZF(struct udrv_event_register, vendor, F_GEN),
	FZF(struct udrv_event_register, device, F_GEN),
	FZF(struct udrv_event_register, handle, F_PAD),
	FZF(struct udrv_event_register, pad, F_PAD),
};

static const struct fz_field pull_f[] = {
	FZF(struct udrv_event_pull, size, F_SIZE),
	FZF(struct udrv_event_pull, handle, F_HANDLE),
	FZF(struct udrv_event_pull, action, F_PAD),
	FZF(struct udrv_event_pull, lost, F_PAD),
};

void fz_event_register(void)
{
	struct udrv_event_register r = { .size = sizeof(r) };
	int ci = -1, fd;
	long ret;

	fz_lock();
	if (fz_chance(2))
		ci = fz_any_card();
	if (ci >= 0) {
		r.hcard = fz_pool.cards[ci].h;
		fd = fz_pool.cards[ci].fd;
	} else {
		fd = fz_pool.fds[fz_below(FZ_NFD)];
	}
	fz_unlock();
	if (ci < 0 && fz_ndevs && fz_chance(2)) {
		const struct fz_dev *d = &fz_devs[fz_below(fz_ndevs)];

		r.vendor = d->vendor;
		r.device = fz_chance(2) ? d->device : 0;
	}
	r.actions = 1 + fz_below(3);
	fz_mutate(&r, reg_f, 7, 8);
	ret = fz_ioctl(fd, UDRV_IOC_EVENT_REGISTER, &r);
	fz_count(OP_EVENT_REGISTER, ret);
	if (ret)
		return;
	fz_lock();
	for (int i = 0; i < FZ_MAX_EVENTS; i++)
		if (!evs[i].used) {
			evs[i].used = true;
			evs[i].fd = fd;
			evs[i].h = r.handle;
			fd = -1;
			break;
		}
	fz_unlock();
	if (fd >= 0) {	/* the pool is full: unregister it again */
		struct udrv_event_unregister u = { sizeof(u), r.handle };

		fz_count(OP_EVENT_UNREGISTER,
			 fz_ioctl(fd, UDRV_IOC_EVENT_UNREGISTER, &u));
	}
}

static bool pick_ev(int *fd, uint32_t *h, int *slot)
{
	int n = 0, idx[FZ_MAX_EVENTS];

	fz_lock();
	for (int i = 0; i < FZ_MAX_EVENTS; i++)
		if (evs[i].used)
			idx[n++] = i;
	if (n) {
		*slot = idx[fz_below(n)];
		*fd = evs[*slot].fd;
		*h = evs[*slot].h;
	}
	fz_unlock();
	return n > 0;
}

void fz_event_pull(void)
{
	struct udrv_event_pull p = { .size = sizeof(p) };
	int fd, slot;

	if (!pick_ev(&fd, &p.handle, &slot))
		return;
	p.timeout_ms = 1 + fz_below(20);
	fz_mutate(&p, pull_f, 4, 8);
	fz_count(OP_EVENT_PULL, fz_ioctl(fd, UDRV_IOC_EVENT_PULL, &p));
}

void fz_event_unregister(void)
{
	struct udrv_event_unregister u = { .size = sizeof(u) };
	int fd, slot;
	long ret;

	if (!pick_ev(&fd, &u.handle, &slot))
		return;
	if (fz_chance(8))
		u.handle += 1 + fz_below(3);	/* a neighbour, live or not */
	ret = fz_ioctl(fd, UDRV_IOC_EVENT_UNREGISTER, &u);
	fz_count(OP_EVENT_UNREGISTER, ret);
	fz_lock();
	if (evs[slot].used && evs[slot].fd == fd &&
	    (!ret || evs[slot].h == u.handle))
		evs[slot].used = false;
	fz_unlock();
}
