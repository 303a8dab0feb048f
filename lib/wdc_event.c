// SPDX-License-Identifier: MIT
/*
 * wdc_event.c - WDC_EventRegister: a device's plug-and-play events
 * delivered to a handler on a library thread.
 *
 * The thread loops on WD_EventPull (no timeout) and ends when the pull
 * fails, which WD_EventUnregister causes.  WDC_EventUnregister
 * unregisters and joins, so that when it returns the handler is not
 * running and will not run again.  The natural reaction to WD_REMOVE is
 * to close the device from the handler: WDC_EventUnregister and
 * WDC_PciDeviceClose called on the handler's own thread unregister and
 * leave the thread to end by itself once the handler returns.  That is
 * why the thread's state is its own allocation, not part of the device,
 * which may be freed under it.
 */
#include <signal.h>
#include <stdlib.h>
#include "udrv_internal.h"

struct udrv_ev_thread {
	pthread_t thread;
	int hwd;
	uint32_t hevent;
	WDC_DEVICE_HANDLE dev;
	WDC_EVENT_HANDLER handler;
	void *ctx;
	bool orphan;	/* set on the thread itself: nobody will join it */
};

static void *ev_thread(void *arg)
{
	struct udrv_ev_thread *t = arg;
	uint32_t action;

	while (!WD_EventPull(t->hwd, t->hevent, &action, NULL, 0)) {
		t->handler(t->dev, action, t->ctx);
		if (t->orphan)
			break;
	}
	if (t->orphan)
		free(t);
	return NULL;
}

uint32_t WDC_EventRegister(WDC_DEVICE_HANDLE dev, uint32_t actions,
			   WDC_EVENT_HANDLER handler, void *ctx)
{
	struct udrv_ev_thread *t;
	sigset_t all, old;
	uint32_t st;
	int err;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_EventRegister: device handle is NULL");
	if (!handler)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_EventRegister: handler is NULL");
	if (dev->fake || dev->kp_view)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_EventRegister: %s is not a device opened with WDC_PciDeviceOpen",
				 dev->name);
	t = calloc(1, sizeof(*t));
	if (!t)
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "WDC_EventRegister: out of memory");
	t->hwd = dev->hwd;
	t->dev = dev;
	t->handler = handler;
	t->ctx = ctx;
	pthread_mutex_lock(&dev->ev_lock);
	if (dev->ev) {
		pthread_mutex_unlock(&dev->ev_lock);
		free(t);
		return udrv_fail(WD_RESOURCE_OVERLAP,
				 "WDC_EventRegister: %s has an event handler already (WDC_EventUnregister first)",
				 dev->name);
	}
	st = WD_EventRegister(dev->hwd, dev->hcard, actions, &t->hevent);
	if (st) {
		pthread_mutex_unlock(&dev->ev_lock);
		free(t);
		return udrv_fail_wrap(st, "WDC_EventRegister: %s", dev->name);
	}
	/* Signals go to the program's threads, never to the handler's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&t->thread, NULL, ev_thread, t);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		WD_EventUnregister(dev->hwd, t->hevent);
		pthread_mutex_unlock(&dev->ev_lock);
		free(t);
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "WDC_EventRegister: %s: cannot start the event thread: %s",
				 dev->name, strerror(err));
	}
	pthread_setname_np(t->thread, "udrv-event");
	dev->ev = t;
	pthread_mutex_unlock(&dev->ev_lock);
	return WD_STATUS_SUCCESS;
}

/* Takes the device's thread away; false if it had none. */
static bool ev_stop(WDC_DEVICE_HANDLE dev)
{
	struct udrv_ev_thread *t;

	pthread_mutex_lock(&dev->ev_lock);
	t = dev->ev;
	dev->ev = NULL;
	pthread_mutex_unlock(&dev->ev_lock);
	if (!t)
		return false;
	/* Wakes the thread's pull, which then fails: the loop ends. */
	WD_EventUnregister(t->hwd, t->hevent);
	if (pthread_equal(t->thread, pthread_self())) {
		pthread_detach(t->thread);
		t->orphan = true;
		return true;
	}
	pthread_join(t->thread, NULL);
	free(t);
	return true;
}

uint32_t WDC_EventUnregister(WDC_DEVICE_HANDLE dev)
{
	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_EventUnregister: device handle is NULL");
	if (!ev_stop(dev))
		return udrv_fail(WD_OPERATION_ALREADY_DONE,
				 "WDC_EventUnregister: %s has no event handler",
				 dev->name);
	return WD_STATUS_SUCCESS;
}

void udrv_event_dev_close(WDC_DEVICE_HANDLE dev)
{
	ev_stop(dev);
}
