/* SPDX-License-Identifier: MIT */
/*
 * kp_internal.h - the Kernel PlugIn state of a WDC_ device handle, shared
 * by kp.c (the calls) and kp_user.c (the in-process KP).  Not installed.
 */
#ifndef UDRV_KP_INTERNAL_H
#define UDRV_KP_INTERNAL_H

#include "udrv_internal.h"

/* The path of the .so to run KP `name` from in user mode, or NULL. */
const char *udrv_kp_user_path(const char *name);
/* Load, KP_Init, funcOpen: the device's KP, in-process. */
uint32_t udrv_kp_user_open(WDC_DEVICE_HANDLE dev, const char *name,
			   const void *open_data, uint32_t size);
/* funcCall on a copy of call->data, as the agent does it. */
uint32_t udrv_kp_user_call(WDC_DEVICE_HANDLE dev,
			   WD_KERNEL_PLUGIN_CALL *call);
/*
 * The interrupt handlers of a KP in user mode: funcIntEnable (its
 * accepted types narrowed to the handlers it has), then, on the
 * interrupt thread, funcIntAtIrql* per interrupt the agent counted and
 * funcIntAtDpc*; returns the wake-ups for the handler, or sets *stopped.
 */
uint32_t udrv_kp_user_int_enable(WDC_DEVICE_HANDLE dev, uint32_t *options);
uint32_t udrv_kp_user_int_run(WDC_DEVICE_HANDLE dev, const WD_INTERRUPT *w,
			      uint32_t *handled, uint32_t *stopped);
void udrv_kp_user_int_disable(WDC_DEVICE_HANDLE dev);
/*
 * The interrupt stopped because the device went: funcEvent(WD_REMOVE),
 * once, before funcIntDisable (the library learns of a removal there).
 */
void udrv_kp_user_removed(WDC_DEVICE_HANDLE dev);
/* funcClose and unload. */
void udrv_kp_user_close(WDC_DEVICE_HANDLE dev);

#endif /* UDRV_KP_INTERNAL_H */
