// SPDX-License-Identifier: GPL-2.0
/*
 * kp_irq.c: interrupts handled by a Kernel PlugIn.
 *
 * The KP's funcIntAtIrql (INTx) or funcIntAtIrqlMSI (MSI, MSI-X) is the
 * primary handler: it acknowledges the device and says whether the
 * interrupt was its own and whether its DPC should run.  The DPC
 * (funcIntAtDpc*) runs in the interrupt's thread (request_threaded_irq),
 * one at a time per enablement, with the number of interrupts since the
 * last one; what it returns is how many wake-ups user mode gets.  A
 * threaded handler is Linux's own deferral for drivers: it may sleep,
 * runs at real-time priority, and PREEMPT_RT keeps it as it is, where
 * tasklets and softirqs become preemptible contexts of their own and a
 * workqueue would run the DPC at normal priority behind everything else.
 * On PREEMPT_RT the primary handler is a thread too, as every driver's.
 *
 * Storms.  A KP that does not acknowledge a level interrupt leaves INTx
 * asserted when its handler returns, and the line fires again at once:
 * after UDRV_STORM_BURST such interrupts in a row the function's INTx is
 * masked and the interrupt stopped (UDRV_STOP_STORM), with a log line
 * naming the KP.  Any type also stops after UDRV_STORM_BURST interrupts
 * within UDRV_STORM_WINDOW that neither a DPC nor user mode served (a
 * handler that raises the next interrupt forever).
 *
 * Teardown (WD_IntDisable, closing the KP handle, which unregistering
 * and process death do first) stops the handler from calling the KP,
 * frees the vectors - free_irq() returns once no handler and no DPC runs
 * - and only then calls funcIntDisable.  The teardown runs holding the
 * handle's sem, so funcClose cannot come first; and without dev->lock
 * around free_irq(), since a DPC may write config space, which takes it.
 */
#include <linux/pci.h>
#include "irq.h"
#include "kp_dev.h"
#include "debug.h"

u32 udrv_kp_irq_types(const struct udrv_kph *kph)
{
	return (kph->ops.funcIntAtIrql ? UDRV_INT_INTX : 0) |
	       (kph->ops.funcIntAtIrqlMSI ? UDRV_INT_MSI | UDRV_INT_MSIX : 0);
}

/* funcIntEnable; kph->sem held for reading. */
int udrv_kp_irq_enable(struct udrv_irq *ui, struct udrv_kph *kph,
		       u32 message, const void *data, u32 size)
{
	WD_KERNEL_PLUGIN_CALL call;

	if (kph->closed)
		return kph->dead ? -EIO : -EBADF;
	if (!kph->ops.funcIntEnable || !udrv_kp_irq_types(kph))
		return -EOPNOTSUPP;
	memset(&call, 0, sizeof(call));
	call.hKernelPlugIn = kph->handle;
	call.message = message;
	call.data = (void *)data;
	call.size = size;
	if (!kph->ops.funcIntEnable(kph->wdc.ctx, &call, &ui->kp_ctx))
		return -ECONNREFUSED;
	return 0;
}

void udrv_kp_irq_disabled(struct udrv_irq *ui)
{
	if (ui->kph->ops.funcIntDisable)
		ui->kph->ops.funcIntDisable(ui->kp_ctx);
}

static bool udrv_intx_asserted(struct pci_dev *pdev)
{
	u16 status = 0;

	pci_read_config_word(pdev, PCI_STATUS, &status);
	return status & PCI_STATUS_INTERRUPT;
}

static void udrv_kp_storm_stop(struct udrv_irq *ui, bool unacked)
{
	struct device *dev = &ui->dev->pdev->dev;

	udrv_irq_storm_mask(ui);
	if (unacked)
		dev_warn_ratelimited(dev,
				     "udrv: kp %s: INTx still asserted after funcIntAtIrql %u times in a row: the Kernel PlugIn does not acknowledge the device; interrupts stopped until disabled\n",
				     ui->kph->wdc.name, UDRV_STORM_BURST);
	else
		dev_warn_ratelimited(dev,
				     "udrv: kp %s: interrupt storm: %u interrupts in %u ms that neither a DPC nor user mode served (limit: %u ms); interrupts stopped until disabled (does the Kernel PlugIn raise it again?)\n",
				     ui->kph->wdc.name, UDRV_STORM_BURST,
				     jiffies_to_msecs(jiffies -
						      READ_ONCE(ui->burst_start)),
				     jiffies_to_msecs(UDRV_STORM_WINDOW));
	wake_up_all(&ui->wq);
}

/* The primary handler: hard IRQ (a thread on PREEMPT_RT). */
irqreturn_t udrv_kp_irq(int irq, void *arg)
{
	struct udrv_vec *v = arg;
	struct udrv_irq *ui = v->ui;
	const KP_OPEN_CALL *ops = &ui->kph->ops;
	bool intx = ui->type == UDRV_INT_INTX;
	bool mine = true, dpc, asserted = false, storm = false;
	bool unacked = false;

	if (unlikely(READ_ONCE(ui->stopped)))
		return udrv_irq_stopped(ui);
	if (intx) {
		dpc = ops->funcIntAtIrql(ui->kp_ctx, &mine);
		/* Disowned or not, an asserting function is the one */
		asserted = udrv_intx_asserted(ui->dev->pdev);
		if (!mine && !asserted)
			return IRQ_NONE;
	} else {
		dpc = ops->funcIntAtIrqlMSI(ui->kp_ctx, v->index, &mine);
	}

	spin_lock(&ui->lock);
	if (unlikely(ui->stopped)) {	/* another vector stopped it */
		spin_unlock(&ui->lock);
		return udrv_irq_stopped(ui);
	}
	if (mine) {
		ui->kp_count++;
		ui->last_message = v->index;
		ui->vectors |= 1ULL << v->index;
		if (dpc) {
			ui->dpc_pending++;
			ui->dpc_last = v->index;
		}
	} else {
		dpc = false;
	}
	if (!asserted) {
		ui->unacked = 0;
	} else if (unlikely(++ui->unacked >= UDRV_STORM_BURST)) {
		ui->stopped = UDRV_STOP_STORM;
		ui->masked = true;
		storm = unacked = true;
	}
	if (!storm && unlikely(++ui->burst >= UDRV_STORM_BURST))
		storm = udrv_irq_storm_check(ui);
	spin_unlock(&ui->lock);
	udrv_dbg(UDRV_DBG_S_INT, UDRV_DBG_TRACE, "%s: interrupt, vector %u, KP: %s%s",
		 udrv_dbg_dev(ui->dev), v->index, mine ? "mine" : "not mine",
		 storm ? ", a storm, stopped" : "");
	if (unlikely(storm)) {
		udrv_kp_storm_stop(ui, unacked);
		return IRQ_HANDLED;
	}
	return dpc ? IRQ_WAKE_THREAD : IRQ_HANDLED;
}

/*
 * The DPC, in the interrupt's thread.  Every vector has its thread; the
 * mutex makes the KP's DPC run one at a time all the same, and whichever
 * thread comes first takes every pending interrupt.
 */
irqreturn_t udrv_kp_dpc(int irq, void *arg)
{
	struct udrv_vec *v = arg;
	struct udrv_irq *ui = v->ui;
	const KP_OPEN_CALL *ops = &ui->kph->ops;
	u32 n, last, wake;

	mutex_lock(&ui->dpc_lock);
	spin_lock_irq(&ui->lock);
	n = ui->dpc_pending;
	last = ui->dpc_last;
	ui->dpc_pending = 0;
	spin_unlock_irq(&ui->lock);
	if (!n) {
		mutex_unlock(&ui->dpc_lock);
		return IRQ_HANDLED;
	}
	/* Without a DPC, each interrupt is a wake-up. */
	if (ui->type == UDRV_INT_INTX)
		wake = ops->funcIntAtDpc ? ops->funcIntAtDpc(ui->kp_ctx, n) : n;
	else
		wake = ops->funcIntAtDpcMSI ?
		       ops->funcIntAtDpcMSI(ui->kp_ctx, n, last) : n;
	spin_lock_irq(&ui->lock);
	ui->count += wake;
	if (!ui->stopped)
		udrv_irq_consumed(ui);	/* served: the storm budget restarts */
	spin_unlock_irq(&ui->lock);
	mutex_unlock(&ui->dpc_lock);
	if (wake)
		wake_up_all(&ui->wq);
	return IRQ_HANDLED;
}

/*
 * Tears a KP's interrupt down, once: true for the caller that did it.
 * The handle's sem is held (read or write); the caller holds a reference.
 */
bool udrv_kp_irq_teardown(struct udrv_irq *ui, u32 why)
{
	struct udrv_dev *dev = ui->dev;

	mutex_lock(&dev->lock);
	if (udrv_dev_irq(dev) != ui || ui->detaching) {
		mutex_unlock(&dev->lock);
		return false;
	}
	ui->detaching = true;	/* still dev->irq: no other enable yet */
	udrv_irq_stop(ui, why);
	mutex_unlock(&dev->lock);
	/* A blocked WD_IntWait returns now, whatever the handler does. */
	wake_up_all(&ui->wq);
	udrv_irq_free_vectors(ui);
	mutex_lock(&dev->lock);
	udrv_irq_detach(dev, ui);
	mutex_unlock(&dev->lock);
	udrv_kp_irq_disabled(ui);
	return true;
}

/* The handle closes (its sem held for writing): its interrupt goes first. */
void udrv_kp_irq_close(struct udrv_kph *kph)
{
	struct udrv_dev *dev = kph->wdc.dev;
	struct udrv_irq *ui;

	mutex_lock(&dev->lock);
	ui = udrv_dev_irq(dev);
	if (ui && ui->kph == kph)
		kref_get(&ui->kref);
	else
		ui = NULL;
	mutex_unlock(&dev->lock);
	if (!ui)
		return;
	udrv_kp_irq_teardown(ui, kph->dead ? UDRV_STOP_REMOVED :
					     UDRV_STOP_DISABLED);
	udrv_irq_put(ui);
}
