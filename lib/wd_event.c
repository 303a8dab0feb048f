// SPDX-License-Identifier: MIT
/*
 * wd_event.c - plug-and-play events (docs/events.md): WD_EventRegister for
 * a card or any device, WD_EventRegisterId for a vendor/device filter,
 * WD_EventPull, WD_EventUnregister.
 */
#include <errno.h>
#include <sys/ioctl.h>
#include <time.h>
#include "udrv_internal.h"

_Static_assert(WD_INSERT == UDRV_EVENT_INSERT, "WD_INSERT");
_Static_assert(WD_REMOVE == UDRV_EVENT_REMOVE, "WD_REMOVE");

static uint32_t event_register(const char *fn, int hWD, uint32_t hCard,
			       WD_PCI_ID id, uint32_t actions,
			       uint32_t *hEvent)
{
	struct udrv_event_register r;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(fn, hWD);
	if (!hEvent)
		return udrv_null_arg(fn, "hEvent");
	*hEvent = 0;
	if (!actions || actions & ~(uint32_t)(WD_INSERT | WD_REMOVE))
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: actions 0x%x: give WD_INSERT, WD_REMOVE or both",
				 fn, actions);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.hcard = hCard;
	r.actions = actions;
	r.vendor = id.vendor;
	r.device = id.device;
	err = udrv_ioctl(hWD, UDRV_IOC_EVENT_REGISTER, &r);
	if (err == EBADF)
		return udrv_fail(WD_INVALID_HANDLE,
				 "%s: card handle %u is not registered by this udrv handle",
				 fn, hCard);
	if (err == ENOSPC)
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "%s: this udrv handle has %u event registrations already (the most)",
				 fn, UDRV_MAX_EVENT_REGS);
	if (err)
		return udrv_ioctl_fail(err, "%s", fn);
	*hEvent = r.handle;
	return WD_STATUS_SUCCESS;
}

uint32_t WD_EventRegister(int hWD, uint32_t hCard_or_0, uint32_t actions,
			  uint32_t *hEvent)
{
	WD_PCI_ID any = { 0, 0 };

	return event_register(__func__, hWD, hCard_or_0, any, actions, hEvent);
}

uint32_t WD_EventRegisterId(int hWD, WD_PCI_ID id, uint32_t actions,
			    uint32_t *hEvent)
{
	return event_register(__func__, hWD, 0, id, actions, hEvent);
}

static uint32_t ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint32_t)((t.tv_sec - t0->tv_sec) * 1000 +
			  (t.tv_nsec - t0->tv_nsec) / 1000000);
}

uint32_t WD_EventPull(int hWD, uint32_t hEvent, uint32_t *action,
		      WD_PCI_SLOT *slot, uint32_t timeout_ms)
{
	struct udrv_event_pull p;
	struct timespec t0;
	uint32_t spent;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!action)
		return udrv_null_arg(__func__, "action");
	*action = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.handle = hEvent;
	p.timeout_ms = timeout_ms;
	for (;;) {
		err = udrv_test_ioctl ?
		      udrv_test_ioctl(hWD, UDRV_IOC_EVENT_PULL, &p) :
		      ioctl(hWD, UDRV_IOC_EVENT_PULL, &p);
		err = err < 0 ? errno : 0;
		if (err != EINTR)
			break;
		/* A signal: wait again for what is left of the timeout. */
		if (timeout_ms) {
			spent = ms_since(&t0);
			if (spent >= timeout_ms) {
				err = ETIMEDOUT;
				break;
			}
			p.timeout_ms = timeout_ms - spent;
		}
	}
	if (err == ETIMEDOUT)
		return udrv_fail(WD_TIME_OUT,
				 "WD_EventPull: no event on registration %u within %u ms",
				 hEvent, timeout_ms);
	if (err == EBADF)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WD_EventPull: event handle %u is not registered (or was unregistered while waiting)",
				 hEvent);
	if (err)
		return udrv_ioctl_fail(err, "WD_EventPull");
	*action = p.action;
	if (slot) {
		slot->domain = p.slot.domain;
		slot->bus = p.slot.bus;
		slot->slot = p.slot.slot;
		slot->function = p.slot.function;
	}
	return WD_STATUS_SUCCESS;
}

uint32_t WD_EventUnregister(int hWD, uint32_t hEvent)
{
	struct udrv_event_unregister u;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.handle = hEvent;
	err = udrv_ioctl(hWD, UDRV_IOC_EVENT_UNREGISTER, &u);
	if (err == EBADF)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WD_EventUnregister: event handle %u is not registered",
				 hEvent);
	if (err)
		return udrv_ioctl_fail(err, "WD_EventUnregister");
	return WD_STATUS_SUCCESS;
}
