// SPDX-License-Identifier: GPL-2.0
/*
 * event.c: plug-and-play events (udrv_abi.h, "Plug-and-play events").
 *
 * pci.c posts an insert when udrv has bound a device and a remove when it
 * has let one go, after every resource of the device has been released:
 * a program that pulls the remove finds each call on the card already
 * failing with -EIO.  Registrations live on one global list, since an
 * insert names a device no file has seen yet; they are few and events
 * rare, so a mutex and a walk of the list are enough.
 */
#include <linux/jiffies.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "udrv.h"
#include "debug.h"

struct udrv_event {
	u32 action;
	struct udrv_slot slot;
	u16 vendor;
	u16 device;
};

struct udrv_evreg {
	struct kref kref;		/* the file's table, each puller */
	struct list_head node;		/* on udrv_evregs */
	u32 actions;
	u16 vendor;			/* 0: any */
	u16 device;
	bool by_slot;			/* a card's: its slot too */
	struct udrv_slot slot;
	wait_queue_head_t wq;
	spinlock_t qlock;		/* the queue, lost and dead */
	bool dead;			/* unregistered */
	u32 head;
	u32 count;
	u32 lost;
	struct udrv_event q[UDRV_EVENT_QUEUE];
};

static LIST_HEAD(udrv_evregs);
/* The list, and udrv_dev.remove_posted */
static DEFINE_MUTEX(udrv_evregs_lock);

static void udrv_evreg_free(struct kref *kref)
{
	kfree(container_of(kref, struct udrv_evreg, kref));
}

static void udrv_slot_of(struct udrv_slot *s, struct pci_dev *pdev)
{
	memset(s, 0, sizeof(*s));
	s->domain = pci_domain_nr(pdev->bus);
	s->bus = pdev->bus->number;
	s->slot = PCI_SLOT(pdev->devfn);
	s->function = PCI_FUNC(pdev->devfn);
}

static bool udrv_evreg_match(const struct udrv_evreg *r,
			     const struct udrv_event *ev)
{
	if (!(r->actions & ev->action))
		return false;
	if (r->vendor && r->vendor != ev->vendor)
		return false;
	if (r->device && r->device != ev->device)
		return false;
	return !r->by_slot || !memcmp(&r->slot, &ev->slot, sizeof(ev->slot));
}

/* A full queue drops its oldest event: the newest tell the current state. */
static void udrv_evreg_queue(struct udrv_evreg *r, const struct udrv_event *ev)
{
	spin_lock(&r->qlock);
	if (r->count == UDRV_EVENT_QUEUE) {
		r->head = (r->head + 1) % UDRV_EVENT_QUEUE;
		r->count--;
		r->lost++;
	}
	r->q[(r->head + r->count) % UDRV_EVENT_QUEUE] = *ev;
	r->count++;
	spin_unlock(&r->qlock);
	wake_up_interruptible(&r->wq);
}

static void udrv_event_post_locked(struct pci_dev *pdev, u32 action)
{
	struct udrv_event ev = {
		.action = action,
		.vendor = pdev->vendor,
		.device = pdev->device,
	};
	struct udrv_evreg *r;

	udrv_slot_of(&ev.slot, pdev);
	udrv_dbg(UDRV_DBG_S_EVENT, UDRV_DBG_INFO, "%s: event %s",
		 pci_name(pdev), action == UDRV_EVENT_INSERT ? "insert" : "remove");
	list_for_each_entry(r, &udrv_evregs, node)
		if (udrv_evreg_match(r, &ev))
			udrv_evreg_queue(r, &ev);
}

void udrv_event_insert(struct udrv_dev *dev)
{
	mutex_lock(&udrv_evregs_lock);
	udrv_event_post_locked(dev->pdev, UDRV_EVENT_INSERT);
	mutex_unlock(&udrv_evregs_lock);
}

void udrv_event_remove(struct udrv_dev *dev)
{
	mutex_lock(&udrv_evregs_lock);
	dev->remove_posted = true;
	udrv_event_post_locked(dev->pdev, UDRV_EVENT_REMOVE);
	mutex_unlock(&udrv_evregs_lock);
}

static int udrv_evreg_init(struct udrv_file *uf, struct udrv_evreg *r,
			   const struct udrv_event_register *a,
			   struct udrv_card **cardp)
{
	struct udrv_card *card;

	r->actions = a->actions;
	if (!a->hcard) {
		r->vendor = a->vendor;
		r->device = a->device;
		return 0;
	}
	if (a->vendor || a->device)
		return -EINVAL;
	card = udrv_card_get(uf, a->hcard);
	if (!card)
		return -EBADF;
	r->vendor = card->dev->pdev->vendor;
	r->device = card->dev->pdev->device;
	r->by_slot = true;
	udrv_slot_of(&r->slot, card->dev->pdev);
	*cardp = card;
	return 0;
}

static void udrv_evreg_kill(struct udrv_evreg *r);

/*
 * Listed before it gets a handle, so that no other thread can unregister
 * it half-made; an event it gets meanwhile is simply queued.
 */
static void udrv_evreg_list(struct udrv_evreg *r, struct udrv_card *card)
{
	mutex_lock(&udrv_evregs_lock);
	list_add_tail(&r->node, &udrv_evregs);
	/*
	 * The card's device went before we listed: its remove is due.  Under
	 * the same lock as the post, so it comes exactly once.
	 */
	if (card && card->dev->remove_posted && r->actions & UDRV_EVENT_REMOVE) {
		struct udrv_event ev = {
			.action = UDRV_EVENT_REMOVE,
			.slot = r->slot,
			.vendor = r->vendor,
			.device = r->device,
		};

		udrv_evreg_queue(r, &ev);
	}
	mutex_unlock(&udrv_evregs_lock);
}

long udrv_ioctl_event_register(struct udrv_file *uf, void __user *arg)
{
	struct udrv_event_register a;
	struct udrv_card *card = NULL;
	struct udrv_evreg *r;
	u32 h;
	int ret;

	ret = udrv_copy_arg(&a, arg, sizeof(a));
	if (ret)
		return ret;
	if (!a.actions || a.actions & ~UDRV_EVENT_ACTIONS || a.pad ||
	    a.handle)
		return -EINVAL;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	kref_init(&r->kref);
	init_waitqueue_head(&r->wq);
	spin_lock_init(&r->qlock);
	ret = udrv_evreg_init(uf, r, &a, &card);
	if (ret) {
		kfree(r);
		return ret;
	}
	udrv_evreg_list(r, card);
	if (card)
		udrv_card_put(card);
	ret = xa_alloc(&uf->events, &h, r, XA_LIMIT(1, UDRV_MAX_EVENT_REGS),
		       GFP_KERNEL);
	if (ret) {
		udrv_evreg_kill(r);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	a.handle = h;
	if (copy_to_user(arg, &a, sizeof(a))) {
		/* Unless another thread guessed the handle and took it */
		r = xa_erase(&uf->events, h);
		if (r)
			udrv_evreg_kill(r);
		return -EFAULT;
	}
	return 0;
}

static struct udrv_evreg *udrv_evreg_get(struct udrv_file *uf, u32 h)
{
	struct udrv_evreg *r;

	xa_lock(&uf->events);
	r = xa_load(&uf->events, h);
	if (r)
		kref_get(&r->kref);
	xa_unlock(&uf->events);
	return r;
}

/* Takes the oldest event into *a; false if there is none. */
static bool udrv_evreg_take(struct udrv_evreg *r, struct udrv_event_pull *a)
{
	struct udrv_event *ev;
	bool got = false;

	spin_lock(&r->qlock);
	if (r->count) {
		ev = &r->q[r->head];
		a->action = ev->action;
		a->slot = ev->slot;
		a->vendor = ev->vendor;
		a->device = ev->device;
		a->lost = r->lost;
		r->lost = 0;
		r->head = (r->head + 1) % UDRV_EVENT_QUEUE;
		r->count--;
		got = true;
	}
	spin_unlock(&r->qlock);
	return got;
}

static bool udrv_evreg_ready(struct udrv_evreg *r)
{
	bool ready;

	spin_lock(&r->qlock);
	ready = r->count || r->dead;
	spin_unlock(&r->qlock);
	return ready;
}

long udrv_ioctl_event_pull(struct udrv_file *uf, void __user *arg)
{
	struct udrv_event_pull a;
	struct udrv_evreg *r;
	long left;
	int ret;

	ret = udrv_copy_arg(&a, arg, sizeof(a));
	if (ret)
		return ret;
	if (a.action || a.lost || a.vendor || a.device)
		return -EINVAL;
	r = udrv_evreg_get(uf, a.handle);
	if (!r)
		return -EBADF;
	if (a.timeout_ms)
		left = wait_event_interruptible_timeout(r->wq,
				udrv_evreg_ready(r),
				msecs_to_jiffies(a.timeout_ms));
	else
		left = wait_event_interruptible(r->wq, udrv_evreg_ready(r)) ?:
		       1;
	if (udrv_evreg_take(r, &a))
		ret = copy_to_user(arg, &a, sizeof(a)) ? -EFAULT : 0;
	else if (READ_ONCE(r->dead))
		ret = -EBADF;	/* unregistered while we waited */
	else if (left < 0)
		ret = -EINTR;
	else
		ret = -ETIMEDOUT;
	kref_put(&r->kref, udrv_evreg_free);
	return ret;
}

static void udrv_evreg_kill(struct udrv_evreg *r)
{
	mutex_lock(&udrv_evregs_lock);
	list_del(&r->node);
	mutex_unlock(&udrv_evregs_lock);
	spin_lock(&r->qlock);
	r->dead = true;
	spin_unlock(&r->qlock);
	wake_up_interruptible_all(&r->wq);
	kref_put(&r->kref, udrv_evreg_free);
}

long udrv_ioctl_event_unregister(struct udrv_file *uf, void __user *arg)
{
	struct udrv_event_unregister a;
	struct udrv_evreg *r;
	int ret;

	ret = udrv_copy_arg(&a, arg, sizeof(a));
	if (ret)
		return ret;
	r = xa_erase(&uf->events, a.handle);
	if (!r)
		return -EBADF;
	udrv_evreg_kill(r);
	return 0;
}

void udrv_event_release_file(struct udrv_file *uf)
{
	struct udrv_evreg *r;
	unsigned long h;

	xa_for_each(&uf->events, h, r) {
		xa_erase(&uf->events, h);
		udrv_evreg_kill(r);
	}
}
