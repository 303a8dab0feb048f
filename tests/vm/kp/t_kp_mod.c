// SPDX-License-Identifier: GPL-2.0
/*
 * t_kp_mod.c - the test Kernel PlugIn "t_kp" (tests/vm/t_kp.c), on an edu
 * device.  It includes only <udrv/kp.h>, as a user's KP does.  The
 * number of funcClose calls is module-global, so that a second handle can
 * read how many handles were closed (e.g. by a process's death).  Its
 * interrupt handlers acknowledge edu; funcEvent, funcIntDisable and
 * funcClose stamp a module-global clock, so that a handle opened after a
 * removal can tell in which order the agent called them (T_KP_ORDER).
 */
#include <udrv/kp.h>
#include "t_kp_msgs.h"

struct t_kp_ctx {
	WDC_DEVICE_HANDLE dev;
	kp_atomic_t in_call;	/* funcCall running on this handle */
};

static kp_atomic_t t_kp_closes;
/* Callers of T_KP_RENDEZVOUS so far; they pair up */
static kp_atomic_t t_kp_arrivals;
static kp_atomic_t t_kp_spinning;
static kp_atomic_t t_kp_bad_closes;
/* The callbacks' clock, and when each last ran */
static kp_atomic_t t_kp_clock;
static kp_atomic_t t_kp_event_at, t_kp_event_action;
static kp_atomic_t t_kp_int_disable_at, t_kp_close_at;

static void t_kp_stamp(kp_atomic_t *at)
{
	kp_atomic_set(at, kp_atomic_inc(&t_kp_clock));
}

static void t_kp_close(void *drv_ctx)
{
	struct t_kp_ctx *ctx = drv_ctx;

	/* The agent promises no call in progress on this handle now */
	if (kp_atomic_read(&ctx->in_call))
		kp_atomic_inc(&t_kp_bad_closes);
	kp_atomic_inc(&t_kp_closes);
	t_kp_stamp(&t_kp_close_at);
	kp_free(drv_ctx);
}

/* Returns 1 if another caller arrived, waiting at most ~5 s for one. */
static uint32_t t_kp_rendezvous(void)
{
	int32_t me = kp_atomic_inc(&t_kp_arrivals);
	int32_t want = me + (me & 1);
	int i;

	/*
	 * Up to 20 s: make check-debug (KASAN) on a loaded 2-core host once
	 * took longer than 5 s to bring the second caller in.
	 */
	for (i = 0; i < 20000; i++) {
		if (kp_atomic_read(&t_kp_arrivals) >= want)
			return 1;
		kp_udelay(1000);
	}
	return 0;
}

static void t_kp_spin(WD_KERNEL_PLUGIN_CALL *call)
{
	uint32_t ms = 0;

	if (call->size >= 4)
		kp_memcpy(&ms, call->data, 4);
	if (ms > 5000)
		ms = 5000;
	kp_atomic_inc(&t_kp_spinning);
	while (ms--)
		kp_udelay(1000);
	kp_atomic_dec(&t_kp_spinning);
	call->result = 1;
}

static bool t_kp_event(void *drv_ctx, uint32_t action)
{
	(void)drv_ctx;
	kp_atomic_set(&t_kp_event_action, (int32_t)action);
	t_kp_stamp(&t_kp_event_at);
	return true;
}

static bool t_kp_int_enable(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call,
			    void **int_ctx)
{
	(void)call;
	*int_ctx = drv_ctx;
	return true;
}

static void t_kp_int_disable(void *int_ctx)
{
	(void)int_ctx;
	t_kp_stamp(&t_kp_int_disable_at);
}

/* edu: status at 0x24, acknowledge at 0x64 */
static bool t_kp_irq(void *int_ctx, bool *is_my_interrupt)
{
	struct t_kp_ctx *ctx = int_ctx;
	uint32_t status = 0;

	if (WDC_ReadAddr32(ctx->dev, 0, 0x24, &status) || !status) {
		*is_my_interrupt = false;
		return false;
	}
	WDC_WriteAddr32(ctx->dev, 0, 0x64, status);
	/* t_debug: a KP's line at interrupt time (nearly free when off) */
	WD_DebugAdd(0, "t_kp: interrupt acknowledged", D_TRACE);
	*is_my_interrupt = true;
	return true;
}

static uint32_t t_kp_dpc(void *int_ctx, uint32_t count)
{
	(void)int_ctx;
	return count;
}

static bool t_kp_irq_msi(void *int_ctx, uint32_t last_message,
			 bool *is_my_interrupt)
{
	(void)last_message;
	return t_kp_irq(int_ctx, is_my_interrupt);
}

static uint32_t t_kp_dpc_msi(void *int_ctx, uint32_t count,
			     uint32_t last_message)
{
	(void)last_message;
	return t_kp_dpc(int_ctx, count);
}

static void t_kp_order(WD_KERNEL_PLUGIN_CALL *call)
{
	struct t_kp_order o;

	if (call->size < sizeof(o)) {
		call->result = WD_INVALID_PARAMETER;
		return;
	}
	o.event_action = (uint32_t)kp_atomic_read(&t_kp_event_action);
	o.event_at = (uint32_t)kp_atomic_read(&t_kp_event_at);
	o.int_disable_at = (uint32_t)kp_atomic_read(&t_kp_int_disable_at);
	o.close_at = (uint32_t)kp_atomic_read(&t_kp_close_at);
	kp_memcpy(call->data, &o, sizeof(o));
	call->result = 0;
}

static void t_kp_dispatch(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call);

static uint32_t t_kp_watch_cmd(struct t_kp_ctx *ctx, const uint8_t *d,
			       uint32_t size)
{
	uint16_t cmd0 = 0, cmd = 0;
	uint32_t ms = 0, i, st;

	if (size < 4)
		return WD_INVALID_PARAMETER + 2;
	kp_memcpy(&ms, d, 4);
	if (ms > 5000)
		return WD_INVALID_PARAMETER + 2;
	st = WDC_PciReadCfg16(ctx->dev, 4, &cmd0);
	for (i = 0; !st && i < ms * 10; i++) {
		kp_udelay(100);
		st = WDC_PciReadCfg16(ctx->dev, 4, &cmd);
		if (!st && cmd != cmd0)
			return 1;
	}
	return st ? st + 2 : 0;
}

static void t_kp_call(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call)
{
	struct t_kp_ctx *ctx = drv_ctx;

	kp_atomic_inc(&ctx->in_call);
	t_kp_dispatch(drv_ctx, call);
	kp_atomic_dec(&ctx->in_call);
}

static void t_kp_dispatch(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call)
{
	struct t_kp_ctx *ctx = drv_ctx;
	uint8_t *d = call->data, t;
	uint32_t i, v = 0;
	uint16_t vid = 0;
	WD_TRANSFER tr;

	switch (call->message) {
	case T_KP_ECHO:
		for (i = 0; i < call->size / 2; i++) {
			t = d[i];
			d[i] = d[call->size - 1 - i];
			d[call->size - 1 - i] = t;
		}
		call->result = call->size;
		break;
	case T_KP_READ_ID:
		call->result = WDC_ReadAddr32(ctx->dev, 0, 0, &v);
		if (call->size >= 4)
			kp_memcpy(d, &v, 4);
		break;
	case T_KP_CLOSES:
		call->result = kp_atomic_read(&t_kp_closes);
		break;
	case T_KP_RENDEZVOUS:
		call->result = t_kp_rendezvous();
		break;
	case T_KP_CTX:
		call->result = WDC_GetDevContext(ctx->dev) == drv_ctx;
		break;
	case T_KP_BAD_READ:
		call->result = WDC_ReadAddr32(ctx->dev, 0, 1 << 20, &v);
		break;
	case T_KP_CFG_VID:
		call->result = WDC_PciReadCfg16(ctx->dev, 0, &vid);
		if (call->size >= 2)
			kp_memcpy(d, &vid, 2);
		break;
	case T_KP_CFG_BAR_WRITE:
		call->result = WDC_PciWriteCfg32(ctx->dev, 0x10, 0);
		break;
	case T_KP_MULTI_ID:
		kp_memset(&tr, 0, sizeof(tr));
		tr.cmd = RM_DWORD;
		call->result = WDC_MultiTransfer(ctx->dev, &tr, 1);
		if (call->size >= 4)
			kp_memcpy(d, &tr.data.dw, 4);
		break;
	case T_KP_SCRATCH:
		if (call->size < 4) {
			call->result = WD_INVALID_PARAMETER;
			break;
		}
		kp_memcpy(&v, d, 4);
		call->result = WDC_WriteAddr32(ctx->dev, 0, 4, v);
		if (!call->result)
			call->result = WDC_ReadAddr32(ctx->dev, 0, 4, &v);
		kp_memcpy(d, &v, 4);
		break;
	case T_KP_SPIN:
		t_kp_spin(call);
		break;
	case T_KP_SPINNING:
		call->result = kp_atomic_read(&t_kp_spinning);
		break;
	case T_KP_BAD_CLOSES:
		call->result = kp_atomic_read(&t_kp_bad_closes);
		break;
	case T_KP_WATCH_CMD:
		call->result = t_kp_watch_cmd(ctx, d, call->size);
		break;
	case T_KP_ORDER:
		t_kp_order(call);
		break;
	default:
		call->result = WD_INVALID_PARAMETER;
		break;
	}
}

static bool t_kp_open(KP_OPEN_CALL *kp, WDC_DEVICE_HANDLE dev,
		      const void *open_data, uint32_t size, void **drv_ctx)
{
	struct t_kp_ctx *ctx;
	const char *od = open_data;

	if (size == 4 && od[0] == 'n' && od[1] == 'o' && od[2] == 'p' &&
	    od[3] == 'e')
		return false;
	/* No context yet while funcOpen runs */
	if (WDC_GetDevContext(dev))
		return false;
	ctx = kp_malloc(sizeof(*ctx));
	if (!ctx)
		return false;
	ctx->dev = dev;
	kp->funcClose = t_kp_close;
	kp->funcCall = t_kp_call;
	kp->funcEvent = t_kp_event;
	kp->funcIntEnable = t_kp_int_enable;
	kp->funcIntDisable = t_kp_int_disable;
	kp->funcIntAtIrql = t_kp_irq;
	kp->funcIntAtDpc = t_kp_dpc;
	kp->funcIntAtIrqlMSI = t_kp_irq_msi;
	kp->funcIntAtDpcMSI = t_kp_dpc_msi;
	*drv_ctx = ctx;
	return true;
}

bool KP_Init(KP_INIT *init)
{
	init->version = KP_VERSION;
	kp_memcpy(init->name, T_KP_NAME, sizeof(T_KP_NAME));
	init->funcOpen = t_kp_open;
	return true;
}

UDRV_KP_MODULE("GPL");
