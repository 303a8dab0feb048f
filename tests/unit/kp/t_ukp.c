// SPDX-License-Identifier: MIT
/*
 * t_ukp: the Kernel PlugIn that test_kp runs in user mode against a fake
 * device.  Only <udrv/kp.h>, as any KP.
 */
#include <udrv/kp.h>

enum { MSG_READ = 1, MSG_REVERSE, MSG_OVERRUN, MSG_CTX, MSG_BAD_READ,
	MSG_DEBUG };

struct ctx {
	WDC_DEVICE_HANDLE dev;
	uint32_t open_word;
};

static void call(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *c)
{
	struct ctx *x = drv_ctx;
	uint8_t *d = c->data, t;
	uint32_t i, *w = c->data;

	switch (c->message) {
	case MSG_READ:	/* w[0]: offset in; w[0]: the value out */
		c->result = WDC_ReadAddr32(x->dev, 0, w[0], &w[0]);
		break;
	case MSG_REVERSE:
		for (i = 0; i < c->size / 2; i++) {
			t = d[i];
			d[i] = d[c->size - 1 - i];
			d[c->size - 1 - i] = t;
		}
		c->result = x->open_word;
		break;
	case MSG_OVERRUN:	/* a KP bug: one byte past the message */
		d[c->size] = 0xff;
		break;
	case MSG_CTX:
		c->result = WDC_GetDevContext(x->dev) == x;
		break;
	case MSG_BAD_READ:	/* beyond the BAR: the accessors' checks */
		c->result = WDC_ReadAddr32(x->dev, 0, 1u << 30, &w[0]);
		break;
	case MSG_DEBUG:		/* kp.h's WD_DebugAdd: hWD is ignored */
		c->result = WD_DebugAdd(0, "t_ukp: hello", D_INFO);
		break;
	default:
		c->result = 0xdead;
	}
}

/*
 * The order of callbacks, in BAR0: 0x24 is a clock, 0x18/0x1c/0x20 when
 * funcEvent/funcIntDisable/funcClose last ran, 0x14 funcEvent's action.
 */
static void stamp(WDC_DEVICE_HANDLE dev, uint32_t at)
{
	uint32_t clock = 0;

	WDC_ReadAddr32(dev, 0, 0x24, &clock);
	WDC_WriteAddr32(dev, 0, 0x24, ++clock);
	WDC_WriteAddr32(dev, 0, at, clock);
}

/* Leaves a mark in BAR0 at 0x10 so that the test sees funcClose ran. */
static void close_ctx(void *drv_ctx)
{
	struct ctx *x = drv_ctx;

	WDC_WriteAddr32(x->dev, 0, 0x10, 0xc105ed);
	stamp(x->dev, 0x20);
	kp_free(x);
}

static bool event(void *drv_ctx, uint32_t action)
{
	struct ctx *x = drv_ctx;

	WDC_WriteAddr32(x->dev, 0, 0x14, action);
	stamp(x->dev, 0x18);
	return true;
}

static bool int_enable(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *c, void **int_ctx)
{
	(void)c;
	*int_ctx = drv_ctx;
	return true;
}

static void int_disable(void *int_ctx)
{
	struct ctx *x = int_ctx;

	stamp(x->dev, 0x1c);
}

static bool irq_msi(void *int_ctx, uint32_t last_message, bool *mine)
{
	(void)int_ctx, (void)last_message;
	*mine = true;
	return false;
}

static bool open_ctx(KP_OPEN_CALL *kp, WDC_DEVICE_HANDLE dev,
		     const void *data, uint32_t size, void **drv_ctx)
{
	struct ctx *x;

	if (size != sizeof(uint32_t) || *(const uint32_t *)data == 0)
		return false;	/* a refusing funcOpen */
	x = kp_malloc(sizeof(*x));
	if (!x)
		return false;
	x->dev = dev;
	kp_memcpy(&x->open_word, data, sizeof(x->open_word));
	kp->funcCall = call;
	kp->funcClose = close_ctx;
	kp->funcEvent = event;
	kp->funcIntEnable = int_enable;
	kp->funcIntDisable = int_disable;
	kp->funcIntAtIrqlMSI = irq_msi;
	*drv_ctx = x;
	return WDC_GetDevContext(dev) == NULL;	/* not yet during funcOpen */
}

bool KP_Init(KP_INIT *init)
{
	init->version = KP_VERSION;
	kp_memcpy(init->name, "t_ukp", sizeof("t_ukp"));
	init->funcOpen = open_ctx;
	return true;
}

UDRV_KP_MODULE("GPL");
