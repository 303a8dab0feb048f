// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * edu_kp.c - the Kernel PlugIn of the edu sample.  The same file builds
 * edu_kp.ko (loaded into the kernel next to udrv.ko) and edu_kp.so (run
 * in-process by libudrv, where gdb and sanitizers work), with
 * edu_kp_irq.c; see docs/kernel-plugin.md.  It includes nothing but
 * <udrv/kp.h>.
 */
#include "edu_kp_priv.h"

#define EDU_ID		0x00
#define EDU_FACTORIAL	0x08
#define EDU_STATUS	0x20
#define EDU_COMPUTING	0x01
/* Polls of 10 us: edu computes in a thread of the emulator. */
#define FACT_POLLS	100000

/* Across every handle, for the stats message. */
static kp_atomic_t opens, closes;

static bool edu_kp_open(KP_OPEN_CALL *kp, WDC_DEVICE_HANDLE dev,
			const void *open_data, uint32_t size, void **drv_ctx);

bool KP_Init(KP_INIT *init)
{
	init->version = KP_VERSION;
	kp_memcpy(init->name, EDU_KP_NAME, sizeof(EDU_KP_NAME));
	init->funcOpen = edu_kp_open;
	return true;
}

static void version(WD_KERNEL_PLUGIN_CALL *call)
{
	static const char text[] = "edu_kp 1.0";
	struct edu_kp_version *v = call->data;

	if (call->size < sizeof(*v)) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	v->version = EDU_KP_LAYOUT;
	kp_memset(v->text, 0, sizeof(v->text));
	kp_memcpy(v->text, text, sizeof(text));
}

static void reg(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call, bool write)
{
	struct edu_kp_reg *r = call->data;
	uint32_t st;

	if (call->size < sizeof(*r)) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	st = write ? WDC_WriteAddr32(e->dev, EDU_BAR, r->offset, r->value) :
		     WDC_ReadAddr32(e->dev, EDU_BAR, r->offset, &r->value);
	if (st)
		call->result = EDU_KP_DEVICE_ERROR;
}

/*
 * Starts the computation and polls for its end, here in the KP (a driver
 * with interrupts would let the KP's interrupt handler see the end).
 */
static void factorial(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call)
{
	struct edu_kp_fact *f = call->data;
	uint32_t status = EDU_COMPUTING, i;
	bool busy;

	if (call->size < sizeof(*f)) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	kp_spinlock_lock(&e->lock);
	busy = e->fact_busy;
	e->fact_busy = true;
	kp_spinlock_unlock(&e->lock);
	if (busy) {
		call->result = EDU_KP_BUSY;
		return;
	}
	if (WDC_WriteAddr32(e->dev, EDU_BAR, EDU_FACTORIAL, f->n))
		call->result = EDU_KP_DEVICE_ERROR;
	for (i = 0; !call->result && i < FACT_POLLS; i++) {
		if (WDC_ReadAddr32(e->dev, EDU_BAR, EDU_STATUS, &status))
			call->result = EDU_KP_DEVICE_ERROR;
		else if (!(status & EDU_COMPUTING))
			break;
		kp_udelay(10);
	}
	if (!call->result && (status & EDU_COMPUTING))
		call->result = EDU_KP_TIMEOUT;
	if (!call->result &&
	    WDC_ReadAddr32(e->dev, EDU_BAR, EDU_FACTORIAL, &f->result))
		call->result = EDU_KP_DEVICE_ERROR;
	kp_spinlock_lock(&e->lock);
	e->fact_busy = false;
	kp_spinlock_unlock(&e->lock);
}

/* The count comes from the caller: trust only call->size. */
static void checksum(WD_KERNEL_PLUGIN_CALL *call)
{
	struct edu_kp_sum *s = call->data;

	if (call->size < sizeof(*s) ||
	    s->count > (call->size - sizeof(*s)) / sizeof(s->words[0])) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	s->sum = edu_kp_checksum(s->words, s->count);
}

static void reads(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call)
{
	struct edu_kp_reads *r = call->data;
	uint32_t i;

	/* The kernel does not preempt a KP: bound what one call may cost. */
	if (call->size < sizeof(*r) || r->count > EDU_KP_MAX_READS) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	for (i = 0; i < r->count; i++)
		if (WDC_ReadAddr32(e->dev, EDU_BAR, EDU_ID, &r->last)) {
			call->result = EDU_KP_DEVICE_ERROR;
			return;
		}
}

static void stats(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call)
{
	struct edu_kp_stats *s = call->data;

	if (call->size < sizeof(*s)) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	s->opens = kp_atomic_read(&opens);
	s->closes = kp_atomic_read(&closes);
	s->calls = kp_atomic_read(&e->calls);
}

static void edu_kp_call(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call)
{
	struct edu_kp *e = drv_ctx;

	kp_atomic_inc(&e->calls);
	call->result = EDU_KP_OK;
	switch (call->message) {
	case EDU_KP_MSG_VERSION:
		version(call);
		break;
	case EDU_KP_MSG_READ:
	case EDU_KP_MSG_WRITE:
		reg(e, call, call->message == EDU_KP_MSG_WRITE);
		break;
	case EDU_KP_MSG_FACTORIAL:
		factorial(e, call);
		break;
	case EDU_KP_MSG_CHECKSUM:
		checksum(call);
		break;
	case EDU_KP_MSG_READS:
		reads(e, call);
		break;
	case EDU_KP_MSG_STATS:
		stats(e, call);
		break;
	case EDU_KP_MSG_NOP:
		break;
	default:
		if (!edu_kp_irq_call(e, call))
			call->result = EDU_KP_UNKNOWN_MSG;
	}
}

static void edu_kp_close(void *drv_ctx)
{
	edu_kp_irq_closing(drv_ctx);
	kp_atomic_inc(&closes);
	kp_free(drv_ctx);
}

/* Opens only for an application that speaks this message layout. */
static bool edu_kp_open(KP_OPEN_CALL *kp, WDC_DEVICE_HANDLE dev,
			const void *open_data, uint32_t size, void **drv_ctx)
{
	const struct edu_kp_open *o = open_data;
	struct edu_kp *e;
	uint32_t id;

	/* No open data (udrvctl kp call): the current layout. */
	if (size && (size < sizeof(*o) || o->layout != EDU_KP_LAYOUT)) {
		kp_printf("edu_kp: refusing an application of another message layout\n");
		return false;
	}
	if (WDC_ReadAddr32(dev, EDU_BAR, EDU_ID, &id) || (id & 0xff) != 0xed) {
		kp_printf("edu_kp: not an edu device\n");
		return false;
	}
	e = kp_malloc(sizeof(*e));	/* zeroed */
	if (!e)
		return false;
	e->dev = dev;
	kp_spinlock_init(&e->lock);
	kp->funcCall = edu_kp_call;
	kp->funcClose = edu_kp_close;
	edu_kp_irq_init(kp);
	*drv_ctx = e;
	kp_atomic_inc(&opens);
	return true;
}

UDRV_KP_MODULE("Dual MIT/GPL");
