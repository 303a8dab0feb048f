// SPDX-License-Identifier: GPL-2.0
/*
 * t_kp_dup.c - a second Kernel PlugIn named "t_kp": udrv.ko must refuse
 * to load it while t_kp_mod is loaded (tests/vm/t_kp.c).
 */
#include <udrv/kp.h>

static bool t_kp_dup_open(KP_OPEN_CALL *kp, WDC_DEVICE_HANDLE dev,
			  const void *open_data, uint32_t size, void **drv_ctx)
{
	return false;
}

bool KP_Init(KP_INIT *init)
{
	init->version = KP_VERSION;
	kp_memcpy(init->name, "t_kp", 5);
	init->funcOpen = t_kp_dup_open;
	return true;
}

UDRV_KP_MODULE("GPL");
