// SPDX-License-Identifier: MIT
/*
 * t_ukp: the Kernel PlugIn that test_kp runs in user mode against a fake
 * device.  Only <udrv/kp.h>, as any KP.
 */
#include <udrv/kp.h>

enum { MSG_READ = 1, MSG_REVERSE, MSG_OVERRUN, MSG_CTX, MSG_BAD_READ };

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
	default:
		c->result = 0xdead;
	}
}

/* Leaves a mark in BAR0 at 0x10 so that the test sees funcClose ran. */
static void close_ctx(void *drv_ctx)
{
	struct ctx *x = drv_ctx;

	WDC_WriteAddr32(x->dev, 0, 0x10, 0xc105ed);
	kp_free(x);
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
