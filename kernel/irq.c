// SPDX-License-Identifier: GPL-2.0
/*
 * irq.c: interrupts of a registered card, delivered to user mode.
 *
 * INTx is level-triggered: user mode cannot acknowledge the device before
 * the line storms, so the hard-IRQ handler runs a short list of transfer
 * commands given at enable time (read a status, CMD_MASK to tell "not
 * mine" on a shared line, write the acknowledge), or, without commands,
 * masks INTx with the PCI 2.3 disable bit and unmasks it when user mode
 * next waits.  After the commands the handler still masks INTx if the
 * device keeps asserting it, so a wrong command list cannot livelock the
 * machine: also when CMD_MASK said "not mine", since a function whose
 * status register shows INTx asserted is the one holding the line, and
 * nobody else on a shared line would ever claim it.  Such an interrupt is
 * counted and delivered like any other.  MSI and MSI-X need nothing at
 * IRQ time.
 *
 * While no interrupt is enabled on the device its INTx stays disabled
 * (from probe on, and again after MSI/MSI-X teardown, which re-enables
 * it), so a device whose owner does not use interrupts cannot assert a
 * line it shares with others.
 *
 * A storm budget stops an interrupt that fires UDRV_STORM_BURST times
 * within UDRV_STORM_WINDOW without user mode waiting, reading or counting
 * (e.g. IRQ-time commands that re-raise it): it is masked, its waiters
 * wake with stopped = UDRV_STOP_STORM, and it stays off until disabled.
 *
 * Locking: ui->lock is a spinlock taken in the hard-IRQ handler, so it is
 * taken with interrupts off elsewhere and nothing under it sleeps or
 * touches user memory (values are copied out after it is dropped).  A
 * waiter sleeps on the udrv_irq object, not under any of the file's or
 * the device's locks, so disabling, unregistering or removing the device
 * can always wake it.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/interrupt.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "irq.h"
#include "kp_dev.h"
#include "debug.h"

static void udrv_irq_free(struct kref *kref)
{
	struct udrv_irq *ui = container_of(kref, struct udrv_irq, kref);

	if (ui->dev)
		udrv_dev_put(ui->dev);
	if (ui->kph)
		udrv_kph_put(ui->kph);
	kfree_rcu(ui, rcu);	/* lookups run under RCU */
}

void udrv_irq_put(struct udrv_irq *ui)
{
	kref_put(&ui->kref, udrv_irq_free);
}

/* dev->irq, for those who hold dev->lock */
struct udrv_irq *udrv_dev_irq(struct udrv_dev *dev)
{
	return rcu_dereference_protected(dev->irq,
					 lockdep_is_held(&dev->lock));
}

/*
 * Bus mastering is on exactly while the device has an owner and DMA
 * buffers or MSI/MSI-X (an MSI is a DMA write), or, once it locked a
 * buffer behind an IOMMU of its own, until its last owner goes: there the
 * IOMMU, not the bit, keeps it from memory no buffer holds, and each
 * switch costs a config write.  dev->lock held.
 */
void udrv_dev_update_master(struct udrv_dev *dev)
{
	struct udrv_irq *ui = udrv_dev_irq(dev);

	if (dev->gone)
		return;
	if (dev->owners && (dev->dma_count || dev->master_kept ||
			    (ui && ui->type != UDRV_INT_INTX)))
		pci_set_master(dev->pdev);
	else
		pci_clear_master(dev->pdev);
}

/* Runs the command list; false if CMD_MASK said "not mine". */
/*
 * A read of all ones may be a device that has gone from the bus while
 * its driver is still bound (surprise removal: the kernel's remove comes
 * later).  Then it is not data: a status of all ones would claim every
 * interrupt of a shared line and wake user mode for nothing.  A config
 * read of the vendor ID tells, without sleeping; real all-ones values pay
 * for it, nothing else does.
 */
static bool udrv_irq_read_gone(struct udrv_irq *ui, const struct udrv_xfer *x)
{
	u32 width = 1u << (x->cmd & UDRV_CMD_WIDTH_MASK);
	u64 ones = width == 8 ? ~0ULL : (1ULL << (width * 8)) - 1;

	return x->data == ones && !pci_device_is_present(ui->dev->pdev);
}

/* Returns 1 (mine), 0 (CMD_MASK: not mine) or -ENODEV (device gone). */
static int udrv_irq_run_cmds(struct udrv_irq *ui, u64 *vals)
{
	u64 last = 0;
	u32 i;

	for (i = 0; i < ui->num_cmds; i++) {
		struct udrv_xfer x = ui->cmds[i];

		if (x.cmd == UDRV_CMD_MASK) {
			if (!(last & x.data)) {
				/* the rest did not run: nothing to report */
				memset(&vals[i], 0,
				       (ui->num_cmds - i) * sizeof(*vals));
				return 0;
			}
			vals[i] = 0;
			continue;
		}
		udrv_xfer_scalar(ui->dev, &x);
		if (!(x.cmd & UDRV_CMD_WRITE)) {
			if (unlikely(udrv_irq_read_gone(ui, &x)))
				return -ENODEV;
			last = x.data;
		}
		vals[i] = x.data;
	}
	return 1;
}

/*
 * The device is gone: its interrupts stop as on removal, waiters wake
 * with UDRV_STOP_REMOVED, and the line is left to whoever else uses it.
 */
static irqreturn_t udrv_irq_gone(struct udrv_irq *ui)
{
	bool first;

	spin_lock(&ui->lock);
	first = !ui->stopped;
	if (first)
		ui->stopped = UDRV_STOP_REMOVED;
	if (ui->type == UDRV_INT_INTX)
		ui->masked = true;
	spin_unlock(&ui->lock);
	if (first) {
		udrv_irq_storm_mask(ui);
		dev_warn_ratelimited(&ui->dev->pdev->dev,
				     "udrv: the device does not answer (reads all ones): interrupts stopped\n");
		wake_up_all(&ui->wq);
	}
	return IRQ_NONE;
}

/* Values read at IRQ time, for UDRV_INT_CMD_COPY; ui->lock held. */
static void udrv_irq_copy(struct udrv_irq *ui, const u64 *vals)
{
	u32 i;

	if (!ui->accumulate) {
		memcpy(ui->copy, vals, ui->num_cmds * sizeof(*vals));
		return;
	}
	for (i = 0; i < ui->num_cmds; i++)
		ui->copy[i] = ui->accumulate & BIT(i) ? ui->copy[i] | vals[i] :
							  vals[i];
}

/* User mode looked at its interrupts: the storm budget starts over. */
void udrv_irq_consumed(struct udrv_irq *ui)
{
	ui->burst = 0;
	ui->burst_start = jiffies;
}

/*
 * UDRV_STORM_BURST interrupts since user mode last looked: a storm if
 * they came within the window, else a new window starts.  ui->lock held.
 */
bool udrv_irq_storm_check(struct udrv_irq *ui)
{
	if (time_after(jiffies, ui->burst_start + UDRV_STORM_WINDOW)) {
		udrv_irq_consumed(ui);
		return false;
	}
	ui->stopped = UDRV_STOP_STORM;
	if (ui->type == UDRV_INT_INTX)
		ui->masked = true;
	return true;
}

/* Masks a storming interrupt at IRQ time; it stays off until disabled. */
void udrv_irq_storm_mask(struct udrv_irq *ui)
{
	u32 i;

	if (ui->type == UDRV_INT_INTX)
		pci_intx(ui->dev->pdev, 0);	/* shared line: only our function */
	else
		for (i = 0; i < ui->nvec; i++)
			disable_irq_nosync(ui->vec[i].linux_irq);
}

static void udrv_irq_storm_stop(struct udrv_irq *ui)
{
	udrv_irq_storm_mask(ui);
	/* burst_start does not move any more: stopped */
	dev_warn_ratelimited(&ui->dev->pdev->dev,
			     "udrv: interrupt storm: %u interrupts in %u ms that user mode did not wait for (limit: %u ms); interrupts stopped until disabled (do the IRQ-time commands raise it again?)\n",
			     UDRV_STORM_BURST,
			     jiffies_to_msecs(jiffies -
					      READ_ONCE(ui->burst_start)),
			     jiffies_to_msecs(UDRV_STORM_WINDOW));
}

/*
 * MSI/MSI-X that CMD_MASK calls "not mine": the vector is ours alone, so
 * it is filtered, not spurious; uncounted, but within the storm budget.
 */
static irqreturn_t udrv_irq_filtered(struct udrv_irq *ui)
{
	bool storm = false;

	spin_lock(&ui->lock);
	if (!ui->stopped && unlikely(++ui->burst >= UDRV_STORM_BURST))
		storm = udrv_irq_storm_check(ui);
	spin_unlock(&ui->lock);
	if (unlikely(storm)) {
		udrv_irq_storm_stop(ui);
		wake_up_all(&ui->wq);
	}
	return IRQ_HANDLED;
}

/*
 * INTx masked by us: our function cannot be asserting the line, this is
 * another sharer's interrupt; its still-set status bit is a raise that
 * was counted already.  The mask is set again all the same, in case a
 * process-context update of the command register raced with the one that
 * set it.  Under the lock, so as not to undo an unmask under way.
 */
static bool udrv_irq_still_masked(struct udrv_irq *ui)
{
	bool masked;

	spin_lock(&ui->lock);
	masked = ui->masked;
	if (masked)
		pci_check_and_mask_intx(ui->dev->pdev);
	spin_unlock(&ui->lock);
	return masked;
}

/*
 * Stopped (storm, or being disabled): no command runs, nothing counts;
 * INTx still asserted is masked so that a shared line cannot storm.
 */
irqreturn_t udrv_irq_stopped(struct udrv_irq *ui)
{
	if (ui->type != UDRV_INT_INTX)
		return IRQ_HANDLED;	/* the vector is ours alone */
	if (!pci_check_and_mask_intx(ui->dev->pdev))
		return IRQ_NONE;
	spin_lock(&ui->lock);
	ui->masked = true;
	spin_unlock(&ui->lock);
	return IRQ_HANDLED;
}

static irqreturn_t udrv_irq_handler(int irq, void *arg)
{
	struct udrv_vec *v = arg;
	struct udrv_irq *ui = v->ui;
	u64 vals[UDRV_MAX_INT_CMDS];
	bool intx = ui->type == UDRV_INT_INTX;
	bool masked = false, storm = false;
	int mine = 1;

	if (unlikely(intx && READ_ONCE(ui->masked)) &&
	    udrv_irq_still_masked(ui))
		return IRQ_NONE;
	if (unlikely(READ_ONCE(ui->stopped)))
		return udrv_irq_stopped(ui);
	if (ui->num_cmds)
		mine = udrv_irq_run_cmds(ui, vals);
	if (unlikely(mine < 0))
		return udrv_irq_gone(ui);
	if (intx) {
		/*
		 * Still asserted: no commands, they did not acknowledge, or
		 * CMD_MASK said "not mine" wrongly.  Ours either way.
		 */
		masked = pci_check_and_mask_intx(ui->dev->pdev);
		if (!masked && (!mine || !ui->num_cmds))
			return IRQ_NONE;
	} else if (!mine) {
		return udrv_irq_filtered(ui);
	}

	spin_lock(&ui->lock);
	if (unlikely(ui->stopped)) {	/* another vector stopped it */
		spin_unlock(&ui->lock);
		return IRQ_HANDLED;
	}
	ui->count++;
	ui->last_message = v->index;
	ui->vectors |= 1ULL << v->index;
	if (masked)
		ui->masked = true;
	if (ui->num_cmds)
		udrv_irq_copy(ui, vals);
	if (unlikely(++ui->burst >= UDRV_STORM_BURST))
		storm = udrv_irq_storm_check(ui);
	spin_unlock(&ui->lock);
	if (unlikely(storm))
		udrv_irq_storm_stop(ui);
	wake_up_all(&ui->wq);
	udrv_dbg(UDRV_DBG_S_INT, UDRV_DBG_TRACE, "%s: interrupt, vector %u%s",
		 udrv_dbg_dev(ui->dev), v->index, storm ? ": a storm, stopped" : "");
	return IRQ_HANDLED;
}

static int udrv_irq_check_cmds(struct udrv_dev *dev, struct udrv_irq *ui)
{
	bool have_read = false;
	u32 i;
	int ret;

	for (i = 0; i < ui->num_cmds; i++) {
		struct udrv_xfer x = ui->cmds[i];

		if (x.cmd == UDRV_CMD_MASK) {
			/* a mask applies to the value read just before */
			if (!have_read || x.options)
				return -EINVAL;
			continue;
		}
		have_read = (x.cmd & UDRV_CMD_XFER) &&
			    !(x.cmd & UDRV_CMD_WRITE);
		if (x.options & UDRV_XFER_INT_ACCUMULATE) {
			if (!have_read)
				return -EINVAL;
			x.options &= ~UDRV_XFER_INT_ACCUMULATE;
			ui->accumulate |= BIT(i);
		}
		ret = udrv_xfer_check(dev, &x, false);
		if (ret)
			return ret;
	}
	return 0;
}

static int udrv_irq_setup(struct udrv_dev *dev, struct udrv_irq *ui,
			  u32 accept, u32 max_vec)
{
	struct pci_dev *pdev = dev->pdev;
	unsigned long flags = 0;
	int n = -ENXIO;
	u32 i;

	if (!max_vec || max_vec > UDRV_MAX_VECTORS)
		max_vec = UDRV_MAX_VECTORS;
	if ((accept & UDRV_INT_MSIX) && pdev->msix_cap) {
		n = pci_alloc_irq_vectors(pdev, 1, max_vec, PCI_IRQ_MSIX);
		ui->type = UDRV_INT_MSIX;
	}
	if (n < 0 && (accept & UDRV_INT_MSI) && pdev->msi_cap) {
		n = pci_alloc_irq_vectors(pdev, 1, max_vec, PCI_IRQ_MSI);
		ui->type = UDRV_INT_MSI;
	}
	if (n < 0 && (accept & UDRV_INT_INTX) && pdev->pin && pdev->irq) {
		n = 1;
		ui->type = UDRV_INT_INTX;
		flags = IRQF_SHARED;
	}
	if (n < 0)
		return -ENXIO;

	ui->nvec = n;
	for (i = 0; i < ui->nvec; i++) {
		struct udrv_vec *v = &ui->vec[i];
		int ret;

		v->ui = ui;
		v->index = i;
		v->linux_irq = ui->type == UDRV_INT_INTX ? pdev->irq :
			       pci_irq_vector(pdev, i);
		/*
		 * A Kernel PlugIn's DPC runs in the interrupt's thread: the
		 * deferral Linux itself uses, which PREEMPT_RT keeps as is.
		 */
		ret = ui->kph ?
		      request_threaded_irq(v->linux_irq, udrv_kp_irq,
					   udrv_kp_dpc, flags, ui->name, v) :
		      request_irq(v->linux_irq, udrv_irq_handler, flags,
				  ui->name, v);
		if (ret) {
			while (i--)
				free_irq(ui->vec[i].linux_irq, &ui->vec[i]);
			if (ui->type != UDRV_INT_INTX)
				pci_free_irq_vectors(pdev);
			pci_intx(pdev, 0);	/* freeing MSI re-enabled it */
			return -ENXIO;
		}
	}
	/* Unmasked only now that a handler is there to take it. */
	if (ui->type == UDRV_INT_INTX)
		pci_intx(pdev, 1);
	return 0;
}

/*
 * First in any teardown, dev->lock held: a waiter must not unmask INTx
 * once we masked it; and INTx is masked before its handler goes.  A raise
 * between free_irq() and a later mask would stay asserted on a shared line
 * with nobody to claim it, and on PREEMPT_RT free_irq() itself waits for
 * the other sharers' threads, which that assertion keeps waking, until the
 * kernel disables the whole line ("nobody cared").
 */
void udrv_irq_stop(struct udrv_irq *ui, u32 why)
{
	lockdep_assert_held(&ui->dev->lock);
	spin_lock_irq(&ui->lock);
	ui->stopped = why;
	spin_unlock_irq(&ui->lock);
	if (ui->type == UDRV_INT_INTX && !ui->dev->gone)
		pci_intx(ui->dev->pdev, 0);
}

/* Returns once no handler (and no Kernel PlugIn DPC) runs any more. */
void udrv_irq_free_vectors(struct udrv_irq *ui)
{
	u32 i;

	for (i = 0; i < ui->nvec; i++)
		free_irq(ui->vec[i].linux_irq, &ui->vec[i]);
}

/* Off the device, waiters woken, dev->irq's reference dropped; dev->lock. */
void udrv_irq_detach(struct udrv_dev *dev, struct udrv_irq *ui)
{
	lockdep_assert_held(&dev->lock);
	if (ui->type != UDRV_INT_INTX)
		pci_free_irq_vectors(dev->pdev);	/* re-enables INTx */
	if (!dev->gone)
		pci_intx(dev->pdev, 0);	/* no handler: keep the line quiet */
	RCU_INIT_POINTER(dev->irq, NULL);
	udrv_dev_update_master(dev);
	wake_up_all(&ui->wq);
	udrv_irq_put(ui);
}

/*
 * Frees the interrupts and wakes every waiter; dev->lock held.  Not for a
 * Kernel PlugIn's (kp_irq.c), whose DPC may take dev->lock: its handles
 * close, tearing it down, before anything calls this.
 */
static void udrv_irq_teardown(struct udrv_dev *dev, u32 why)
{
	struct udrv_irq *ui = udrv_dev_irq(dev);

	WARN_ON_ONCE(ui->kph);
	udrv_irq_stop(ui, why);
	udrv_irq_free_vectors(ui);
	udrv_irq_detach(dev, ui);
}

/* The card goes away, or the device: its interrupts go with it. */
void udrv_irq_release(struct udrv_dev *dev, struct udrv_card *card, u32 why)
{
	struct udrv_irq *ui = udrv_dev_irq(dev);

	if (ui && (!card || ui->card == card))
		udrv_irq_teardown(dev, why);
}

/* A new interrupt object for this enable, its commands copied in. */
static struct udrv_irq *udrv_irq_alloc(const struct udrv_int_enable *e)
{
	struct udrv_irq *ui = kzalloc(sizeof(*ui), GFP_KERNEL);

	if (!ui)
		return ERR_PTR(-ENOMEM);
	kref_init(&ui->kref);
	spin_lock_init(&ui->lock);
	mutex_init(&ui->dpc_lock);
	init_waitqueue_head(&ui->wq);
	ui->burst_start = jiffies;
	ui->options = e->options;
	ui->num_cmds = e->num_cmds;
	if (e->num_cmds && copy_from_user(ui->cmds, udrv_user_ptr(e->cmds),
					  e->num_cmds * sizeof(ui->cmds[0]))) {
		kfree(ui);
		return ERR_PTR(-EFAULT);
	}
	return ui;
}

/* Checks, then sets up; uf->sem held for reading. */
static int udrv_irq_attach(struct udrv_file *uf, struct udrv_int_enable *e,
			   struct udrv_irq *ui)
{
	struct udrv_card *card = xa_load(&uf->cards, e->hcard);
	u32 accept = e->options & UDRV_INT_TYPES ?: UDRV_INT_TYPES;
	struct udrv_dev *dev;
	int ret;

	if (!card)
		return -EBADF;
	/* A Kernel PlugIn opened on another card of this file */
	if (ui->kph && ui->kph->card != card)
		return -EBADF;
	dev = card->dev;
	kref_get(&dev->kref);
	ui->dev = dev;
	ui->card = card;
	snprintf(ui->name, sizeof(ui->name), "udrv:%s", pci_name(dev->pdev));
	if (ui->kph)
		accept &= udrv_kp_irq_types(ui->kph);

	down_read(&dev->io_sem);
	ret = dev->gone ? -EIO : udrv_irq_check_cmds(dev, ui);
	up_read(&dev->io_sem);
	mutex_lock(&dev->lock);
	if (!ret && dev->gone)
		ret = -EIO;
	if (!ret && udrv_dev_irq(dev))
		ret = -EBUSY;
	if (!ret)
		ret = accept ? udrv_irq_setup(dev, ui, accept, e->max_vectors) :
			       -ENXIO;
	if (!ret) {
		kref_get(&ui->kref);	/* dev->irq's reference */
		rcu_assign_pointer(dev->irq, ui);
		udrv_dev_update_master(dev);
		e->enabled_type = ui->type;
		e->num_vectors = ui->nvec;
		e->irq = ui->vec[0].linux_irq;
	}
	mutex_unlock(&dev->lock);
	return ret;
}

/* Enabling failed, or its answer could not be given: undo. */
static void udrv_irq_undo(struct udrv_irq *ui)
{
	struct udrv_dev *dev = ui->dev;

	if (ui->kph) {
		udrv_kp_irq_teardown(ui, UDRV_STOP_DISABLED);
		return;
	}
	mutex_lock(&dev->lock);
	if (udrv_dev_irq(dev) == ui)
		udrv_irq_teardown(dev, UDRV_STOP_DISABLED);
	mutex_unlock(&dev->lock);
}

/*
 * With a Kernel PlugIn, its handle's sem is held for reading from before
 * funcIntEnable until the interrupt is attached (or funcIntDisable undid
 * it): a close of the handle, which tears its interrupt down first, waits.
 */
long udrv_ioctl_int_enable(struct udrv_file *uf, void __user *arg)
{
	struct udrv_kph *kph = NULL;
	struct udrv_int_enable e;
	struct udrv_irq *ui;
	void *kpdata = NULL;
	int ret;

	ret = udrv_copy_arg(&e, arg, sizeof(e));
	if (ret)
		return ret;
	if (e.options & ~(UDRV_INT_TYPES | UDRV_INT_CMD_COPY) || e.pad ||
	    e.max_vectors > UDRV_MAX_VECTORS || (e.num_cmds && !e.cmds))
		return -EINVAL;
	if (e.num_cmds > UDRV_MAX_INT_CMDS)
		return -ENOSPC;
	/* A KP acknowledges the device itself: no commands with it */
	if (e.hkp ? e.num_cmds || (e.kp_size && !e.kp_data) :
		    e.kp_message || e.kp_size || e.kp_data)
		return -EINVAL;
	if (e.kp_size > UDRV_KP_MAX_INT_DATA)
		return -E2BIG;
	if (e.kp_size) {
		kpdata = memdup_user(udrv_user_ptr(e.kp_data), e.kp_size);
		if (IS_ERR(kpdata))
			return PTR_ERR(kpdata);
	}
	ui = udrv_irq_alloc(&e);
	if (IS_ERR(ui)) {
		kfree(kpdata);
		return PTR_ERR(ui);
	}
	if (e.hkp) {
		kph = udrv_kph_get(uf, e.hkp);
		if (!kph) {
			ret = -EBADF;
			goto out;
		}
		down_read(&kph->sem);
		ui->kph = kph;	/* the lookup's reference is ui's */
		ret = udrv_kp_irq_enable(ui, kph, e.kp_message, kpdata,
					 e.kp_size);
		if (ret) {
			up_read(&kph->sem);
			goto out;
		}
	}

	down_read(&uf->sem);
	ret = udrv_irq_attach(uf, &e, ui);
	up_read(&uf->sem);
	if (ret && kph)
		udrv_kp_irq_disabled(ui);
	if (!ret && copy_to_user(arg, &e, sizeof(e))) {
		/* The caller cannot know it is enabled: undo. */
		udrv_irq_undo(ui);
		ret = -EFAULT;
	}
	udrv_dbg(UDRV_DBG_S_INT, ret ? UDRV_DBG_WARN : UDRV_DBG_INFO,
		 "card %u: interrupts enable (type 0x%x, %u vectors, irq %u%s): %d",
		 e.hcard, e.enabled_type, e.num_vectors, e.irq, kph ? ", KP" : "", ret);
	if (kph)
		up_read(&kph->sem);
out:
	kfree(kpdata);
	udrv_irq_put(ui);	/* ui's dev reference kept dev alive so far */
	return ret;
}

/* The interrupt object of this file's card, referenced. */
static struct udrv_irq *udrv_irq_get(struct udrv_file *uf, u32 hcard)
{
	struct udrv_card *card;
	struct udrv_irq *ui;

	down_read(&uf->sem);
	card = xa_load(&uf->cards, hcard);
	if (!card) {
		up_read(&uf->sem);
		return ERR_PTR(-EBADF);
	}
	/*
	 * Not dev->lock: enable and disable hold it across request_irq and
	 * free_irq, and a waiter must not queue behind them.
	 */
	rcu_read_lock();
	ui = rcu_dereference(card->dev->irq);
	if (!ui || ui->card != card || !kref_get_unless_zero(&ui->kref))
		ui = ERR_PTR(-ENOTCONN);
	rcu_read_unlock();
	up_read(&uf->sem);
	return ui;
}

/*
 * The handler masked INTx: user mode waiting (or reading the descriptor)
 * again, having seen every interrupt (*seen == count, its own cursor), is
 * the acknowledge, so unmask.  Not before: the raise it has not seen yet
 * is still asserted, and unmasking would count it a second time.  If the
 * device still asserts INTx once everything was seen,
 * pci_check_and_unmask_intx() leaves it masked: that is a new request
 * (or one user mode did not acknowledge), counted here, and the line
 * stays masked until the next wait.
 */
static void udrv_irq_unmask(struct udrv_irq *ui, const u32 *seen)
{
	bool more = false;

	if (!READ_ONCE(ui->masked))	/* MSI, or INTx not masked */
		return;
	spin_lock_irq(&ui->lock);
	if (!ui->masked || ui->stopped || *seen != ui->count) {
		/* nothing to do, or not yet */
	} else if (!pci_check_and_unmask_intx(ui->dev->pdev)) {
		ui->count++;
		ui->last_message = 0;
		ui->vectors |= 1;
		more = true;
	} else {
		ui->masked = false;
	}
	spin_unlock_irq(&ui->lock);
	if (more)
		wake_up_all(&ui->wq);
}

static bool udrv_irq_ready(struct udrv_irq *ui, u32 seen)
{
	return READ_ONCE(ui->count) != seen || READ_ONCE(ui->stopped);
}

/*
 * Takes the interrupt's state for a wait (block: it consumes what arrived)
 * or a count: the status, and n of the IRQ-time values.  True if the wait
 * got interrupts.
 */
static bool udrv_irq_take(struct udrv_irq *ui, bool block,
			  struct udrv_int_status *s, u64 *vals, u32 n)
{
	bool got;
	u32 i;

	spin_lock_irq(&ui->lock);
	/* What arrived is delivered, even if the timeout or a signal won. */
	got = block && ui->count != ui->seen;
	if (got) {
		ui->lost += ui->count - ui->seen - 1;
		ui->seen = ui->count;
	}
	s->count = ui->count;
	s->lost = ui->lost;
	s->stopped = ui->stopped;
	s->last_message = ui->last_message;
	s->vectors = ui->vectors;
	if (block)
		ui->vectors = 0;
	s->enabled_type = ui->type;
	s->kp_count = ui->kp_count;
	memcpy(vals, ui->copy, n * sizeof(*vals));
	/* Accumulated values are taken by the call that returns them. */
	for (i = 0; i < n; i++)
		if (ui->accumulate & BIT(i))
			ui->copy[i] = 0;
	udrv_irq_consumed(ui);
	spin_unlock_irq(&ui->lock);
	return got;
}

/* How many IRQ-time values a caller with room for `room` gets. */
static u32 udrv_irq_nvals(const struct udrv_irq *ui, u32 room)
{
	return ui->options & UDRV_INT_CMD_COPY ? min(room, ui->num_cmds) : 0;
}

long udrv_ioctl_int_wait(struct udrv_file *uf, void __user *arg, bool block)
{
	struct udrv_xfer __user *ucmds;
	u64 vals[UDRV_MAX_INT_CMDS];
	struct udrv_int_status s;
	struct udrv_int_wait w;
	struct udrv_irq *ui;
	long left = 1;
	bool got;
	u32 i, n;
	int ret;

	ret = udrv_copy_arg(&w, arg, sizeof(w));
	if (ret)
		return ret;
	if (w.num_cmds && !w.cmds)
		return -EINVAL;
	if (w.num_cmds > UDRV_MAX_INT_CMDS)
		return -ENOSPC;
	ui = udrv_irq_get(uf, w.hcard);
	if (IS_ERR(ui))
		return PTR_ERR(ui);

	if (block) {
		udrv_irq_unmask(ui, &ui->seen);
		left = wait_event_interruptible_timeout(ui->wq,
				udrv_irq_ready(ui, READ_ONCE(ui->seen)),
				w.timeout_ms ? msecs_to_jiffies(w.timeout_ms) :
					       MAX_SCHEDULE_TIMEOUT);
	}

	n = udrv_irq_nvals(ui, w.num_cmds);
	got = udrv_irq_take(ui, block, &s, vals, n);
	w.count = s.count;
	w.lost = s.lost;
	w.stopped = s.stopped;
	w.last_message = s.last_message;
	w.vectors = s.vectors;
	w.enabled_type = s.enabled_type;
	w.kp_count = s.kp_count;

	ucmds = udrv_user_ptr(w.cmds);
	ret = 0;
	for (i = 0; i < n; i++) {
		const struct udrv_xfer *x = &ui->cmds[i];

		if ((x->cmd & UDRV_CMD_XFER) && !(x->cmd & UDRV_CMD_WRITE) &&
		    put_user(vals[i], &ucmds[i].data))
			ret = -EFAULT;
	}
	udrv_irq_put(ui);
	if (!ret && copy_to_user(arg, &w, sizeof(w)))
		ret = -EFAULT;
	if (ret || got || w.stopped)
		return ret;
	if (left < 0)
		return -EINTR;
	return left ? 0 : -ETIMEDOUT;
}

long udrv_ioctl_int_disable(struct udrv_file *uf, void __user *arg)
{
	struct udrv_int_disable d;
	struct udrv_irq *ui;
	struct udrv_dev *dev;
	int ret;

	ret = udrv_copy_arg(&d, arg, sizeof(d));
	if (ret)
		return ret;
	ui = udrv_irq_get(uf, d.hcard);
	if (IS_ERR(ui))
		return PTR_ERR(ui) == -ENOTCONN ? -EALREADY : PTR_ERR(ui);
	dev = ui->dev;
	if (ui->kph) {
		/* Its handle's sem keeps funcClose out until funcIntDisable ran */
		down_read(&ui->kph->sem);
		if (!udrv_kp_irq_teardown(ui, UDRV_STOP_DISABLED))
			ret = -EALREADY;
		up_read(&ui->kph->sem);
	} else {
		mutex_lock(&dev->lock);
		if (udrv_dev_irq(dev) == ui)
			udrv_irq_teardown(dev, UDRV_STOP_DISABLED);
		else
			ret = -EALREADY;
		mutex_unlock(&dev->lock);
	}
	udrv_dbg(UDRV_DBG_S_INT, UDRV_DBG_INFO, "%s: card %u: interrupts disable: %d",
		 udrv_dbg_dev(dev), d.hcard, ret);
	udrv_irq_put(ui);
	return ret;
}

/*
 * The pollable descriptor of WD_IntFd: its own cursor on the count; or,
 * as a status descriptor, the interrupt's (ui->seen, the waits' cursor).
 */
struct udrv_irqfd {
	struct udrv_irq *ui;
	u32 seen;
	bool status;
};

static u32 *udrv_irqfd_cursor(struct udrv_irqfd *f)
{
	return f->status ? &f->ui->seen : &f->seen;
}

static __poll_t udrv_irqfd_poll(struct file *file, poll_table *pt)
{
	struct udrv_irqfd *f = file->private_data;

	poll_wait(file, &f->ui->wq, pt);
	return udrv_irq_ready(f->ui, READ_ONCE(*udrv_irqfd_cursor(f))) ?
	       EPOLLIN | EPOLLRDNORM : 0;
}

/* Unmasks if due, then waits unless something is there; 0 when there is */
static int udrv_irqfd_wait(struct file *file, struct udrv_irqfd *f)
{
	struct udrv_irq *ui = f->ui;
	u32 *seen = udrv_irqfd_cursor(f);

	udrv_irq_unmask(ui, seen);	/* reading acknowledges, as a wait */
	if (udrv_irq_ready(ui, READ_ONCE(*seen)))
		return 0;
	if (file->f_flags & O_NONBLOCK)
		return -EAGAIN;
	return wait_event_interruptible(ui->wq,
					udrv_irq_ready(ui, READ_ONCE(*seen)));
}

static ssize_t udrv_irqfd_read_status(struct udrv_irqfd *f, char __user *buf,
				      size_t len)
{
	struct {
		struct udrv_int_status s;
		u64 vals[UDRV_MAX_INT_CMDS];
	} r;
	u32 n;

	if (len < sizeof(r.s))
		return -EINVAL;
	n = udrv_irq_nvals(f->ui, (len - sizeof(r.s)) / sizeof(r.vals[0]));
	udrv_irq_take(f->ui, true, &r.s, r.vals, n);
	len = sizeof(r.s) + n * sizeof(r.vals[0]);
	return copy_to_user(buf, &r, len) ? -EFAULT : len;
}

static ssize_t udrv_irqfd_read(struct file *file, char __user *buf,
			       size_t len, loff_t *pos)
{
	struct udrv_irqfd *f = file->private_data;
	struct udrv_irq *ui = f->ui;
	u64 n;
	int ret;

	if (len < (f->status ? sizeof(struct udrv_int_status) : sizeof(n)))
		return -EINVAL;
	ret = udrv_irqfd_wait(file, f);
	if (ret)
		return ret;
	if (f->status)
		return udrv_irqfd_read_status(f, buf, len);
	spin_lock_irq(&ui->lock);
	n = ui->count - f->seen;
	f->seen = ui->count;
	udrv_irq_consumed(ui);
	spin_unlock_irq(&ui->lock);
	if (!n)
		return 0;	/* disabled: end of file */
	return put_user(n, (u64 __user *)buf) ? -EFAULT : sizeof(n);
}

static int udrv_irqfd_release(struct inode *inode, struct file *file)
{
	struct udrv_irqfd *f = file->private_data;

	udrv_irq_put(f->ui);
	kfree(f);
	return 0;
}

static const struct file_operations udrv_irqfd_fops = {
	.owner = THIS_MODULE,
	.poll = udrv_irqfd_poll,
	.read = udrv_irqfd_read,
	.release = udrv_irqfd_release,
	.llseek = noop_llseek,
};

long udrv_ioctl_int_fd(struct udrv_file *uf, void __user *arg)
{
	struct udrv_irqfd *f;
	struct udrv_int_fd r;
	struct udrv_irq *ui;
	int ret, fd;

	ret = udrv_copy_arg(&r, arg, sizeof(r));
	if (ret)
		return ret;
	if (r.flags & ~UDRV_INT_FD_STATUS)
		return -EINVAL;
	ui = udrv_irq_get(uf, r.hcard);
	if (IS_ERR(ui))
		return PTR_ERR(ui);
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f) {
		udrv_irq_put(ui);
		return -ENOMEM;
	}
	f->ui = ui;
	f->status = r.flags & UDRV_INT_FD_STATUS;
	spin_lock_irq(&ui->lock);
	f->seen = ui->count;
	spin_unlock_irq(&ui->lock);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err;
	}
	{
		struct file *file = anon_inode_getfile("udrv-irq",
						       &udrv_irqfd_fops, f,
						       O_RDONLY | O_CLOEXEC);

		if (IS_ERR(file)) {
			put_unused_fd(fd);
			ret = PTR_ERR(file);
			goto err;
		}
		r.fd = fd;
		if (copy_to_user(arg, &r, sizeof(r))) {
			put_unused_fd(fd);
			fput(file);	/* its release drops the reference */
			return -EFAULT;
		}
		fd_install(fd, file);
	}
	return 0;
err:
	udrv_irq_put(ui);
	kfree(f);
	return ret;
}
