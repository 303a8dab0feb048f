// SPDX-License-Identifier: GPL-2.0
/*
 * card.c: card registration (ownership of a bound device by an open file),
 * card handles, and the cleanup commands run when an owner goes away
 * without unregistering.
 *
 * Handles are unique across all files (one IDA), so that the mmap offset
 * they select is unique in the device node's address space and a card's
 * mappings can be zapped with unmap_mapping_range().
 */
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "udrv.h"
#include "debug.h"

static DEFINE_IDA(udrv_handles);

/* The card's BAR mappings in its file's address space disappear. */
void udrv_card_zap(struct udrv_card *card)
{
	unmap_mapping_range(card->file->mapping,
			    UDRV_MMAP_OFFSET(card->handle, 0),
			    1ULL << UDRV_MMAP_CARD_SHIFT, 1);
}

/* Looks up a card of this file and pins its device for BAR access. */
struct udrv_dev *udrv_file_get_dev(struct udrv_file *uf, u32 hcard)
{
	struct udrv_card *card;
	struct udrv_dev *dev;

	down_read(&uf->sem);
	card = xa_load(&uf->cards, hcard);
	if (!card) {
		up_read(&uf->sem);
		return ERR_PTR(-EBADF);
	}
	dev = card->dev;
	down_read(&dev->io_sem);
	if (dev->gone) {
		up_read(&dev->io_sem);
		up_read(&uf->sem);
		return ERR_PTR(-EIO);
	}
	return dev;
}

void udrv_file_put_dev(struct udrv_file *uf, struct udrv_dev *dev)
{
	up_read(&dev->io_sem);
	up_read(&uf->sem);
}

bool udrv_file_owns_pdev(struct udrv_file *uf, struct pci_dev *pdev)
{
	struct udrv_card *card;
	unsigned long h;
	bool owns = false;

	down_read(&uf->sem);
	xa_for_each(&uf->cards, h, card) {
		/* A card of an earlier binding owns nothing any more. */
		if (card->dev->pdev == pdev && !READ_ONCE(card->dev->gone)) {
			owns = true;
			break;
		}
	}
	up_read(&uf->sem);
	return owns;
}

/* A registered card of this file, referenced; NULL if there is none. */
struct udrv_card *udrv_card_get(struct udrv_file *uf, u32 hcard)
{
	struct udrv_card *card;

	down_read(&uf->sem);
	card = xa_load(&uf->cards, hcard);
	if (card)
		kref_get(&card->kref);
	up_read(&uf->sem);
	return card;
}

static void udrv_card_free(struct kref *kref)
{
	struct udrv_card *card = container_of(kref, struct udrv_card, kref);

	/* Only now: a handle names one card while anything refers to it. */
	ida_free(&udrv_handles, card->handle);
	kfree(card->cleanup);
	udrv_dev_put(card->dev);
	kfree(card);
}

void udrv_card_put(struct udrv_card *card)
{
	kref_put(&card->kref, udrv_card_free);
}

/* Makes the card visible to its file and its device, if still allowed. */
static int udrv_card_publish(struct udrv_file *uf, struct udrv_card *card)
{
	struct udrv_dev *dev = card->dev;
	bool shared = card->options & UDRV_REG_SHARED;
	struct udrv_card *c;
	int ret = 0;

	down_write(&uf->sem);
	mutex_lock(&dev->lock);
	/* One card per device and file; checked here, under the locks. */
	list_for_each_entry(c, &dev->cards, dev_node)
		if (c->file == uf)
			ret = -EBUSY;
	if (!ret && dev->gone)
		ret = -EIO;
	else if (!ret && dev->owners && (dev->exclusive || !shared))
		ret = -EBUSY;
	if (!ret)
		ret = xa_insert(&uf->cards, card->handle, card, GFP_KERNEL);
	if (!ret) {
		dev->owners++;
		dev->exclusive = !shared;
		list_add_tail(&card->dev_node, &dev->cards);
	}
	mutex_unlock(&dev->lock);
	up_write(&uf->sem);
	return ret;
}

/*
 * The handle goes back to the caller before the card is published: once
 * published, other threads may attach interrupts, buffers and mappings to
 * it, and there would be no clean undo if the caller could not be told.
 */
long udrv_ioctl_register(struct udrv_file *uf, void __user *arg)
{
	struct udrv_register r;
	struct udrv_card *card;
	struct pci_dev *pdev;
	struct udrv_dev *dev;
	int ret, h;

	ret = udrv_copy_arg(&r, arg, sizeof(r));
	if (ret)
		return ret;
	if (r.options & ~UDRV_REG_SHARED || r.pad || !udrv_slot_valid(&r.slot))
		return -EINVAL;
	dev = udrv_dev_get_by_slot(&r.slot, &pdev);
	if (!pdev)
		return -ENODEV;
	pci_dev_put(pdev);
	if (!dev)
		return -ENOLINK;
	card = kzalloc(sizeof(*card), GFP_KERNEL);
	if (!card) {
		udrv_dev_put(dev);
		return -ENOMEM;
	}
	h = ida_alloc_range(&udrv_handles, 1, UDRV_MAX_HANDLE, GFP_KERNEL);
	if (h < 0) {
		kfree(card);
		udrv_dev_put(dev);
		return h == -ENOSPC ? -ENOSPC : h;
	}
	kref_init(&card->kref);
	card->handle = h;
	card->options = r.options;
	card->dev = dev;	/* the card's reference from now on */
	card->file = uf;
	INIT_LIST_HEAD(&card->dev_node);

	r.hcard = h;
	ret = copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
	if (!ret)
		ret = udrv_card_publish(uf, card);
	udrv_dbg(UDRV_DBG_S_PCI, ret ? UDRV_DBG_WARN : UDRV_DBG_INFO,
		 "%s: register card %u%s: %d", pci_name(dev->pdev), h,
		 r.options & UDRV_REG_SHARED ? " shared" : "", ret);
	if (ret)
		udrv_card_put(card);
	return ret;
}

static void udrv_run_cleanup(struct udrv_card *card)
{
	struct udrv_dev *dev = card->dev;
	u32 i;

	if (!card->num_cleanup)
		return;
	down_read(&dev->io_sem);
	if (!dev->gone) {
		for (i = 0; i < card->num_cleanup; i++)
			udrv_xfer_scalar(dev, &card->cleanup[i]);
	}
	up_read(&dev->io_sem);
}

/* The card is already out of its file's table. */
static void udrv_card_release(struct udrv_card *card, bool cleanup)
{
	struct udrv_dev *dev = card->dev;
	bool last;

	down_write(&dev->io_sem);
	card->revoked = true;
	up_write(&dev->io_sem);
	udrv_card_zap(card);

	mutex_lock(&dev->lock);
	list_del_init(&card->dev_node);
	last = !--dev->owners;
	if (last)
		dev->master_kept = false;
	mutex_unlock(&dev->lock);
	/*
	 * The cleanup commands stop the device for good: with a shared
	 * device, only when its last owner goes (the others still drive it).
	 */
	if (cleanup && last)
		udrv_run_cleanup(card);

	/*
	 * Quiesce: the cleanup commands (above) stopped the device; the last
	 * owner gone, it stops mastering the bus before its DMA buffers are
	 * unmapped and freed.
	 */
	mutex_lock(&dev->lock);
	udrv_irq_release(dev, card, UDRV_STOP_DISABLED);
	udrv_dev_update_master(dev);
	mutex_unlock(&dev->lock);
	udrv_dma_release_card(card->file, card);
	udrv_card_put(card);
}

long udrv_ioctl_unregister(struct udrv_file *uf, void __user *arg)
{
	struct udrv_unregister u;
	struct udrv_card *card;
	int ret;

	ret = udrv_copy_arg(&u, arg, sizeof(u));
	if (ret)
		return ret;
	down_write(&uf->sem);
	card = xa_erase(&uf->cards, u.hcard);
	up_write(&uf->sem);
	if (!card)
		return -EBADF;
	udrv_dbg(UDRV_DBG_S_PCI, UDRV_DBG_INFO, "%s: unregister card %u",
		 pci_name(card->dev->pdev), u.hcard);
	/* Its Kernel PlugIn handles close before its cleanup commands run */
	udrv_kp_close_card(uf, card);
	udrv_xlist_release(uf, card);
	udrv_card_release(card, card->cleanup_options & UDRV_CLEANUP_FORCE);
	return 0;
}

/* The owner went away (closed or died) without unregistering. */
void udrv_file_release_cards(struct udrv_file *uf)
{
	struct udrv_card *card;
	unsigned long h;

	xa_for_each(&uf->cards, h, card) {
		xa_erase(&uf->cards, h);
		udrv_card_release(card, true);
	}
}

long udrv_ioctl_cleanup_setup(struct udrv_file *uf, void __user *arg)
{
	struct udrv_cleanup_setup cs;
	struct udrv_xfer *cmds = NULL, *old;
	struct udrv_card *card;
	struct udrv_dev *dev;
	u32 i;
	int ret;

	ret = udrv_copy_arg(&cs, arg, sizeof(cs));
	if (ret)
		return ret;
	if (cs.options & ~UDRV_CLEANUP_FORCE)
		return -EINVAL;
	if (cs.num > UDRV_MAX_CLEANUP)
		return -ENOSPC;
	if (cs.num && !cs.cmds)
		return -EINVAL;
	if (cs.num) {
		cmds = memdup_user(udrv_user_ptr(cs.cmds),
				   cs.num * sizeof(*cmds));
		if (IS_ERR(cmds))
			return PTR_ERR(cmds);
	}

	down_write(&uf->sem);
	card = xa_load(&uf->cards, cs.hcard);
	if (!card) {
		ret = -EBADF;
		goto out;
	}
	dev = card->dev;
	down_read(&dev->io_sem);
	ret = dev->gone ? -EIO : 0;
	for (i = 0; !ret && i < cs.num; i++)
		ret = udrv_xfer_check(dev, &cmds[i], false);
	up_read(&dev->io_sem);
	if (ret)
		goto out;
	old = card->cleanup;
	card->cleanup = cmds;
	card->num_cleanup = cs.num;
	card->cleanup_options = cs.options;
	cmds = old;
out:
	up_write(&uf->sem);
	kfree(cmds);
	return ret;
}
