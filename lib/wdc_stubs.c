// SPDX-License-Identifier: MIT
/*
 * wdc_stubs.c - WDC_ calls whose kernel side does not exist yet: Kernel
 * PlugIn and events.  They fail honestly with WD_NOT_IMPLEMENTED.
 */
#include "udrv_internal.h"

#define NOT_YET(what) \
	udrv_fail(WD_NOT_IMPLEMENTED, \
		  "%s: %s not implemented yet in this udrv version", __func__, \
		  what)

uint32_t WDC_KernelPlugInOpen(WDC_DEVICE_HANDLE dev, const char *name,
			      const void *open_data, uint32_t size)
{
	(void)dev, (void)name, (void)open_data, (void)size;
	return NOT_YET("Kernel PlugIns are");
}

uint32_t WDC_CallKerPlug(WDC_DEVICE_HANDLE dev, uint32_t message, void *data,
			 uint32_t size, uint32_t *result)
{
	(void)dev, (void)message, (void)data, (void)size, (void)result;
	return NOT_YET("Kernel PlugIns are");
}

uint32_t WDC_KernelPlugInUseUserMode(const char *name, const char *so_path)
{
	(void)name, (void)so_path;
	return NOT_YET("Kernel PlugIns are");
}

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
