/* SPDX-License-Identifier: MIT */
/*
 * kp.h - the Kernel PlugIn callbacks.  The Kernel PlugIn itself is not
 * implemented yet (see docs/status.md); this header fixes the contract so
 * that code written against it compiles today.
 */
#ifndef UDRV_KP_H
#define UDRV_KP_H

#include "wdc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct KP_OPEN_CALL {
	void (*funcClose)(void *drv_ctx);
	void (*funcCall)(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call);
	bool (*funcIntEnable)(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call,
			      void **int_ctx);
	void (*funcIntDisable)(void *int_ctx);
	bool (*funcIntAtIrql)(void *int_ctx, bool *is_my_interrupt);
	uint32_t (*funcIntAtDpc)(void *int_ctx, uint32_t count);
	bool (*funcIntAtIrqlMSI)(void *int_ctx, uint32_t last_message,
				 bool *is_my_interrupt);
	uint32_t (*funcIntAtDpcMSI)(void *int_ctx, uint32_t count,
				    uint32_t last_message);
	bool (*funcEvent)(void *drv_ctx, uint32_t action);
} KP_OPEN_CALL;

typedef bool (*KP_FUNC_OPEN)(KP_OPEN_CALL *kp, WDC_DEVICE_HANDLE dev,
			     const void *open_data, uint32_t size,
			     void **drv_ctx);

typedef struct {
	uint32_t version;
	char name[32];
	KP_FUNC_OPEN funcOpen;
} KP_INIT;

bool KP_Init(KP_INIT *init);

#ifdef __cplusplus
}
#endif

#endif /* UDRV_KP_H */
