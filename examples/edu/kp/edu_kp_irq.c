// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * edu_kp_irq.c - the edu Kernel PlugIn's interrupt handlers and DMA.
 *
 * funcIntAtIrql* runs when edu interrupts: it reads the interrupt status,
 * acknowledges it (or, in EDU_KP_INT_NOACK mode, deliberately does not),
 * and decides whether the DPC runs.  The DPC decides how many times user
 * mode wakes: every Nth interrupt, once when a ping-pong reaches its
 * target, once when a DMA round trip is complete - or not at all.  The
 * same code runs in the kernel and, built as a .so, in user mode.
 */
#include "edu_kp_priv.h"

#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_CNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_DMA_START	0x01
#define EDU_DMA_TO_RAM	0x02
#define EDU_DMA_IRQ	0x04
#define EDU_DMA_BUF	0x40000		/* edu's buffer, in its address space */
#define EDU_IRQ_PING	0x01		/* what we raise */
#define EDU_IRQ_DMA	0x100		/* edu raises it when a DMA ends */
/*
 * A ping-pong runs in bursts: after this many the handler stops raising
 * and the DPC, which wakes nobody, starts the next burst.  Raising from
 * the handler alone would keep its CPU in hard IRQ with no room for the
 * DPC's thread, and the agent takes 10000 interrupts within a second
 * that neither a DPC nor user mode served for a storm.
 */
#define EDU_PP_BURST	1000

static kp_atomic_t int_disables, bad_closes;

static bool edu_int_enable(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call,
			   void **int_ctx)
{
	const struct edu_kp_int_cfg *cfg = call->data;
	struct edu_kp *e = drv_ctx;

	if (call->size && call->size < sizeof(*cfg))
		return false;
	kp_spinlock_lock(&e->lock);
	e->mode = call->size ? cfg->mode : EDU_KP_INT_COUNT;
	e->every = call->size && cfg->every ? cfg->every : 1;
	e->since_wake = 0;
	e->pp_on = e->pp_done = e->dma_wake = false;
	e->dma_stage = 0;
	e->int_on = true;
	kp_spinlock_unlock(&e->lock);
	*int_ctx = e;
	return true;
}

static void edu_int_disable(void *int_ctx)
{
	struct edu_kp *e = int_ctx;

	kp_spinlock_lock(&e->lock);
	e->int_on = false;
	e->pp_on = false;
	e->dma_stage = 0;
	kp_spinlock_unlock(&e->lock);
	kp_atomic_inc(&int_disables);
}

void edu_kp_irq_closing(struct edu_kp *e)
{
	if (e->int_on)
		kp_atomic_inc(&bad_closes);
}

/* Starts the second leg of a DMA round trip: edu's buffer -> dst. */
static void dma_second_leg(struct edu_kp *e)
{
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_DMA_SRC, EDU_DMA_BUF);
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_DMA_DST, (uint32_t)e->dma_dst);
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_DMA_CNT, e->dma_bytes);
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_DMA_CMD,
			EDU_DMA_START | EDU_DMA_TO_RAM | EDU_DMA_IRQ);
}

/* One pong of a ping-pong; e->lock held.  True: the DPC runs. */
static bool pp_step(struct edu_kp *e, bool *raise)
{
	uint32_t pongs = kp_atomic_inc(&e->pongs);

	if (e->pp_target && pongs >= e->pp_target) {
		e->pp_on = false;
		e->pp_done = true;
		return true;
	}
	if (pongs % EDU_PP_BURST == 0) {
		e->pp_resume = true;	/* the DPC raises the next */
		return true;
	}
	*raise = true;
	return false;
}

/* Hard IRQ: no sleeping call; the device's registers and our lock only. */
static bool edu_int_at_irql(void *int_ctx, bool *is_my_interrupt)
{
	struct edu_kp *e = int_ctx;
	bool dpc = false, raise = false;
	uint32_t status = 0;
	uint64_t now = kp_time_ns();

	if (WDC_ReadAddr32(e->dev, EDU_BAR, EDU_IRQ_STATUS, &status) ||
	    !status) {
		*is_my_interrupt = false;	/* a shared line's other user */
		return false;
	}
	*is_my_interrupt = true;
	if (e->mode == EDU_KP_INT_NOACK)
		return true;
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_IRQ_ACK, status);
	kp_atomic_inc(&e->handled);

	kp_spinlock_lock(&e->lock);
	e->irql_ns = now;
	if ((status & EDU_IRQ_DMA) && e->dma_stage == 1) {
		e->dma_stage = 2;
		dma_second_leg(e);
	} else if ((status & EDU_IRQ_DMA) && e->dma_stage == 2) {
		e->dma_stage = 0;
		e->dma_wake = true;
		kp_atomic_inc(&e->dma_done);
		dpc = true;
	}
	if ((status & EDU_IRQ_PING) && e->pp_on) {
		dpc = pp_step(e, &raise) || dpc;
	} else if ((status & EDU_IRQ_PING) && !e->pp_on) {
		dpc = true;		/* an interrupt user mode raised */
	}
	kp_spinlock_unlock(&e->lock);
	if (raise)
		WDC_WriteAddr32(e->dev, EDU_BAR, EDU_IRQ_RAISE, EDU_IRQ_PING);
	return dpc;
}

/*
 * The MSI vector is edu's alone, and a ping-pong excludes DMA: while one
 * runs, the interrupt is a ping, acknowledged without reading the status
 * first (one register access less, as a bare driver would do it).
 */
static bool edu_int_at_irql_msi(void *int_ctx, uint32_t last_message,
				bool *is_my_interrupt)
{
	struct edu_kp *e = int_ctx;
	bool dpc = false, raise = false, pp;

	(void)last_message;	/* edu has one vector */
	/*
	 * No timestamp here: kp_time_ns() reads the clocksource, which under
	 * QEMU TCG is the emulated HPET, as costly as a device register.
	 */
	kp_spinlock_lock(&e->lock);
	pp = e->pp_on && e->mode == EDU_KP_INT_COUNT;
	if (pp)
		dpc = pp_step(e, &raise);
	kp_spinlock_unlock(&e->lock);
	if (!pp)
		return edu_int_at_irql(int_ctx, is_my_interrupt);
	*is_my_interrupt = true;
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_IRQ_ACK, EDU_IRQ_PING);
	kp_atomic_inc(&e->handled);
	if (raise)
		WDC_WriteAddr32(e->dev, EDU_BAR, EDU_IRQ_RAISE, EDU_IRQ_PING);
	return dpc;
}

/* Deferred: how many wake-ups user mode gets for these `count`. */
static uint32_t edu_int_at_dpc(void *int_ctx, uint32_t count)
{
	struct edu_kp *e = int_ctx;
	uint32_t wake = 0;
	bool resume;

	kp_atomic_inc(&e->dpcs);
	kp_atomic_add(&e->dpc_sum, (int32_t)count);
	kp_spinlock_lock(&e->lock);
	resume = e->pp_resume && e->pp_on;
	e->pp_resume = false;
	if (e->pp_done || e->dma_wake) {
		wake = e->pp_done + e->dma_wake;
		e->pp_done = e->dma_wake = false;
	} else if (!e->pp_on) {
		e->since_wake += count;
		wake = e->since_wake / e->every;
		e->since_wake %= e->every;
	}
	kp_spinlock_unlock(&e->lock);
	if (resume)
		WDC_WriteAddr32(e->dev, EDU_BAR, EDU_IRQ_RAISE, EDU_IRQ_PING);
	kp_atomic_add(&e->wakes, (int32_t)wake);
	return wake;
}

static uint32_t edu_int_at_dpc_msi(void *int_ctx, uint32_t count,
				   uint32_t last_message)
{
	(void)last_message;
	return edu_int_at_dpc(int_ctx, count);
}

void edu_kp_irq_init(KP_OPEN_CALL *kp)
{
	kp->funcIntEnable = edu_int_enable;
	kp->funcIntDisable = edu_int_disable;
	kp->funcIntAtIrql = edu_int_at_irql;
	kp->funcIntAtDpc = edu_int_at_dpc;
	kp->funcIntAtIrqlMSI = edu_int_at_irql_msi;
	kp->funcIntAtDpcMSI = edu_int_at_dpc_msi;
}

static void int_stats(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call)
{
	struct edu_kp_int_stats *s = call->data;

	if (call->size < sizeof(*s)) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	s->handled = kp_atomic_read(&e->handled);
	s->dpcs = kp_atomic_read(&e->dpcs);
	s->dpc_sum = kp_atomic_read(&e->dpc_sum);
	s->wakes = kp_atomic_read(&e->wakes);
	s->pongs = kp_atomic_read(&e->pongs);
	s->dma_done = kp_atomic_read(&e->dma_done);
	s->int_disables = kp_atomic_read(&int_disables);
	s->bad_closes = kp_atomic_read(&bad_closes);
	s->pad = 0;
	kp_spinlock_lock(&e->lock);
	s->irql_ns = e->irql_ns;
	kp_spinlock_unlock(&e->lock);
}

static void pingpong(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call)
{
	const struct edu_kp_pingpong *p = call->data;
	bool busy;

	if (call->size < sizeof(*p)) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	kp_spinlock_lock(&e->lock);
	busy = !e->int_on || e->pp_on || e->dma_stage;
	if (!busy) {
		e->pp_on = true;
		e->pp_done = e->pp_resume = false;
		e->pp_target = p->target;
		kp_atomic_set(&e->pongs, 0);
	}
	kp_spinlock_unlock(&e->lock);
	if (busy)
		call->result = EDU_KP_BUSY;
	else
		WDC_WriteAddr32(e->dev, EDU_BAR, EDU_IRQ_RAISE, EDU_IRQ_PING);
}

/* Buffers by handle; edu reaches 28 bits (the application set the mask). */
static void dma(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call)
{
	struct edu_kp_dma *d = call->data;
	WD_DMA *src, *dst;
	bool busy;

	if (call->size < sizeof(*d)) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	d->status = WDC_DMABufGet(e->dev, d->hdma_src, &src);
	if (!d->status)
		d->status = WDC_DMABufGet(e->dev, d->hdma_dst, &dst);
	if (d->status) {
		call->result = EDU_KP_DEVICE_ERROR;
		return;
	}
	if (!d->bytes || d->bytes > EDU_KP_DMA_MAX || d->bytes > src->bytes ||
	    d->bytes > dst->bytes || src->pages[0].length < d->bytes ||
	    dst->pages[0].length < d->bytes) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	kp_spinlock_lock(&e->lock);
	busy = !e->int_on || e->pp_on || e->dma_stage;
	if (!busy) {
		e->dma_stage = 1;
		e->dma_dst = dst->pages[0].bus_addr;
		e->dma_bytes = d->bytes;
	}
	kp_spinlock_unlock(&e->lock);
	if (busy) {
		call->result = EDU_KP_BUSY;
		return;
	}
	WDC_Barrier();	/* the application's data, before the device reads */
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_DMA_SRC,
			(uint32_t)src->pages[0].bus_addr);
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_DMA_DST, EDU_DMA_BUF);
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_DMA_CNT, d->bytes);
	WDC_WriteAddr32(e->dev, EDU_BAR, EDU_DMA_CMD,
			EDU_DMA_START | EDU_DMA_IRQ);
}

/* WDC_IntEnable passes no data: the mode can change at any time. */
static void int_cfg(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call)
{
	const struct edu_kp_int_cfg *c = call->data;

	if (call->size < sizeof(*c)) {
		call->result = EDU_KP_BAD_SIZE;
		return;
	}
	kp_spinlock_lock(&e->lock);
	e->mode = c->mode;
	e->every = c->every ? c->every : 1;
	e->since_wake = 0;
	kp_spinlock_unlock(&e->lock);
}

bool edu_kp_irq_call(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call)
{
	switch (call->message) {
	case EDU_KP_MSG_INT_CFG:
		int_cfg(e, call);
		return true;
	case EDU_KP_MSG_INT_STATS:
		int_stats(e, call);
		return true;
	case EDU_KP_MSG_PINGPONG:
		pingpong(e, call);
		return true;
	case EDU_KP_MSG_DMA:
		dma(e, call);
		return true;
	default:
		return false;
	}
}
