// SPDX-License-Identifier: MIT
/*
 * wdc_stubs.c - WDC_ calls whose kernel side does not exist yet: events.
 * They fail honestly with WD_NOT_IMPLEMENTED.
 */
#include "udrv_internal.h"

#define NOT_YET(what) \
	udrv_fail(WD_NOT_IMPLEMENTED, \
		  "%s: %s not implemented yet in this udrv version", __func__, \
		  what)

uint32_t WDC_EventRegister(WDC_DEVICE_HANDLE dev, uint32_t actions,
			   WDC_EVENT_HANDLER handler, void *ctx)
{
	(void)dev, (void)actions, (void)handler, (void)ctx;
	return NOT_YET("hot-plug events are");
}

uint32_t WDC_EventUnregister(WDC_DEVICE_HANDLE dev)
{
	(void)dev;
	return NOT_YET("hot-plug events are");
}
