// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c: the udrv pci_driver (no ID table: devices are bound explicitly
 * through driver_override, as for vfio-pci), the list of bound devices,
 * and the read-only ioctls that describe any device: scan and card info.
 */
#include <linux/io.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "udrv.h"
#include "debug.h"

static LIST_HEAD(udrv_devices);
static DEFINE_MUTEX(udrv_devices_lock);
static struct pci_driver udrv_pci_driver;

bool udrv_pci_is_bound(struct pci_dev *pdev)
{
	return READ_ONCE(pdev->dev.driver) == &udrv_pci_driver.driver;
}

bool udrv_slot_valid(const struct udrv_slot *s)
{
	return s->slot < 32 && s->function < 8 &&
	       !s->pad[0] && !s->pad[1] && !s->pad[2];
}

/* Returns a referenced pci_dev, or NULL. */
struct pci_dev *udrv_pci_get_slot(const struct udrv_slot *s)
{
	if (!udrv_slot_valid(s))
		return NULL;
	return pci_get_domain_bus_and_slot(s->domain, s->bus,
					   PCI_DEVFN(s->slot, s->function));
}

static void udrv_dev_free(struct kref *kref)
{
	struct udrv_dev *dev = container_of(kref, struct udrv_dev, kref);

	pci_dev_put(dev->pdev);
	kfree(dev);
}

void udrv_dev_put(struct udrv_dev *dev)
{
	kref_put(&dev->kref, udrv_dev_free);
}

/*
 * The bound device in a slot, referenced.  *pdev_out (referenced) tells a
 * caller that got NULL whether the slot holds a device at all.
 */
struct udrv_dev *udrv_dev_get_by_slot(const struct udrv_slot *slot,
				      struct pci_dev **pdev_out)
{
	struct pci_dev *pdev = udrv_pci_get_slot(slot);
	struct udrv_dev *dev, *found = NULL;

	*pdev_out = pdev;
	if (!pdev)
		return NULL;
	mutex_lock(&udrv_devices_lock);
	list_for_each_entry(dev, &udrv_devices, node) {
		if (dev->pdev == pdev) {
			kref_get(&dev->kref);
			found = dev;
			break;
		}
	}
	mutex_unlock(&udrv_devices_lock);
	return found;
}

/*
 * A BAR smaller than a page may be mapped only if nothing else can live in
 * the rest of its page: reserve that remainder so no other device's
 * registers get assigned there later.
 */
static void udrv_bar_reserve_page(struct pci_dev *pdev, struct udrv_bar *b,
				  int i)
{
	struct resource *res = &pdev->resource[i];
	struct resource *rest;

	if (b->start & ~PAGE_MASK || !res->parent)
		return;
	rest = kzalloc(sizeof(*rest), GFP_KERNEL);
	if (!rest)
		return;
	rest->name = "udrv sub-page reserve";
	rest->start = res->end + 1;
	rest->end = b->start + PAGE_SIZE - 1;
	rest->flags = res->flags;
	if (request_resource(res->parent, rest)) {
		kfree(rest);
		return;
	}
	b->reserve = rest;
	b->mmap_ok = true;
}

static void udrv_bars_release(struct udrv_dev *dev)
{
	int i;

	for (i = 0; i < UDRV_MAX_BARS; i++) {
		struct udrv_bar *b = &dev->bar[i];

		if (b->va)
			pci_iounmap(dev->pdev, b->va);
		b->va = NULL;
		if (b->reserve) {
			release_resource(b->reserve);
			kfree(b->reserve);
			b->reserve = NULL;
		}
	}
}

static int udrv_bars_map(struct udrv_dev *dev)
{
	struct pci_dev *pdev = dev->pdev;
	int i;

	for (i = 0; i < UDRV_MAX_BARS; i++) {
		struct udrv_bar *b = &dev->bar[i];
		unsigned long flags = pci_resource_flags(pdev, i);

		b->len = pci_resource_len(pdev, i);
		if (!b->len || !(flags & (IORESOURCE_MEM | IORESOURCE_IO))) {
			b->len = 0;
			continue;
		}
		b->start = pci_resource_start(pdev, i);
		b->is_io = flags & IORESOURCE_IO;
		b->va = pci_iomap(pdev, i, 0);
		if (!b->va) {
			pci_err(pdev, "udrv: cannot map BAR%d\n", i);
			udrv_bars_release(dev);
			return -ENOMEM;
		}
		if (b->is_io)
			continue;
		if (b->len >= PAGE_SIZE)
			b->mmap_ok = true;
		else
			udrv_bar_reserve_page(pdev, b, i);
	}
	return 0;
}

static int udrv_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct udrv_dev *dev;
	u16 cmd = 0;
	int ret;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return -ENOMEM;
	kref_init(&dev->kref);
	init_rwsem(&dev->io_sem);
	mutex_init(&dev->lock);
	INIT_LIST_HEAD(&dev->cards);
	INIT_LIST_HEAD(&dev->dmas);
	INIT_LIST_HEAD(&dev->kps);
	dev->pdev = pci_dev_get(pdev);

	/* Before pci_enable_device(), which clears the INTx disable bit. */
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	dev->intx_was_disabled = cmd & PCI_COMMAND_INTX_DISABLE;
	ret = pci_enable_device(pdev);
	if (ret)
		goto err_free;
	ret = pci_request_regions(pdev, "udrv");
	if (ret)
		goto err_disable;
	ret = udrv_bars_map(dev);
	if (ret)
		goto err_regions;
	udrv_protect_init(dev);
	/* Nobody owns the device yet: it must not master the bus. */
	pci_clear_master(pdev);
	/*
	 * Nor assert INTx until an owner enables it: a quiet owner's device
	 * must not storm a line that others share (irq.c).
	 */
	pci_intx(pdev, 0);

	pci_set_drvdata(pdev, dev);
	mutex_lock(&udrv_devices_lock);
	list_add_tail(&dev->node, &udrv_devices);
	mutex_unlock(&udrv_devices_lock);
	pci_info(pdev, "udrv: bound\n");
	udrv_dbg(UDRV_DBG_S_PCI, UDRV_DBG_INFO, "%s: bound", pci_name(pdev));
	udrv_event_insert(dev);
	return 0;

err_regions:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
err_free:
	pci_dev_put(pdev);
	kfree(dev);
	return ret;
}

/*
 * Unbind or hot-removal while cards may still be registered: the owners'
 * handles stay valid but every access now fails with -EIO.  Nothing that
 * needs the device survives this function: interrupts are freed, every
 * mapping of its BARs and DMA buffers is revoked and zapped, and every
 * buffer is unmapped from the device (behind an IOMMU: from its domain,
 * which goes with the device).  The buffers' pages wait for their owners.
 */
static void udrv_remove(struct pci_dev *pdev)
{
	struct udrv_dev *dev = pci_get_drvdata(pdev);
	struct udrv_card *card;

	mutex_lock(&udrv_devices_lock);
	list_del(&dev->node);
	mutex_unlock(&udrv_devices_lock);

	/* Kernel PlugIns close while the BARs are still there to use. */
	udrv_kp_remove_dev(dev);

	down_write(&dev->io_sem);
	mutex_lock(&dev->lock);
	/* Interrupts first: no handler may touch the BARs unmapped below. */
	udrv_irq_release(dev, NULL, UDRV_STOP_REMOVED);
	/* Then no more DMA, before the buffers' mappings go. */
	pci_clear_master(pdev);
	dev->gone = true;
	list_for_each_entry(card, &dev->cards, dev_node)
		udrv_card_zap(card);
	udrv_dma_remove_dev(dev);
	mutex_unlock(&dev->lock);
	udrv_bars_release(dev);
	pci_intx(pdev, !dev->intx_was_disabled);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	up_write(&dev->io_sem);

	pci_set_drvdata(pdev, NULL);
	pci_info(pdev, "udrv: unbound\n");
	udrv_dbg(UDRV_DBG_S_PCI, UDRV_DBG_INFO, "%s: unbound", pci_name(pdev));
	/* Last: whoever pulls it finds everything released already. */
	udrv_event_remove(dev);
	udrv_dev_put(dev);
}

/* Leak check for tests: DMA buffers and pinned pages held right now. */
static ssize_t dma_stats_show(struct device_driver *drv, char *buf)
{
	long buffers, pinned;

	udrv_dma_stats(&buffers, &pinned);
	return sysfs_emit(buf, "buffers %ld\npinned_pages %ld\n", buffers,
			  pinned);
}
static DRIVER_ATTR_RO(dma_stats);

/* The loaded Kernel PlugIns, one per line (udrvctl kp list) */
static ssize_t kernel_plugins_show(struct device_driver *drv, char *buf)
{
	return udrv_kp_sysfs_show(buf);
}
static DRIVER_ATTR_RO(kernel_plugins);

static struct attribute *udrv_drv_attrs[] = {
	&driver_attr_dma_stats.attr,
	&driver_attr_kernel_plugins.attr,
	NULL,
};
ATTRIBUTE_GROUPS(udrv_drv);

static struct pci_driver udrv_pci_driver = {
	.name = UDRV_DEVICE_NAME,
	.id_table = NULL,
	.probe = udrv_probe,
	.remove = udrv_remove,
	.groups = udrv_drv_groups,
};

int udrv_pci_register(void)
{
	return pci_register_driver(&udrv_pci_driver);
}

void udrv_pci_unregister(void)
{
	pci_unregister_driver(&udrv_pci_driver);
}

static void udrv_fill_slot(struct udrv_slot *s, struct pci_dev *pdev)
{
	memset(s, 0, sizeof(*s));
	s->domain = pci_domain_nr(pdev->bus);
	s->bus = pdev->bus->number;
	s->slot = PCI_SLOT(pdev->devfn);
	s->function = PCI_FUNC(pdev->devfn);
}

long udrv_ioctl_scan(void __user *arg)
{
	struct udrv_scan sc;
	struct udrv_scan_entry *ents;
	struct pci_dev *pdev = NULL;
	u32 n = 0;
	int ret;

	ret = udrv_copy_arg(&sc, arg, sizeof(sc));
	if (ret)
		return ret;
	if (sc.max > UDRV_MAX_SCAN || (sc.max && !sc.entries))
		return -EINVAL;
	ents = kcalloc(max_t(u32, sc.max, 1), sizeof(*ents), GFP_KERNEL);
	if (!ents)
		return -ENOMEM;
	for_each_pci_dev(pdev) {
		if (sc.vendor && pdev->vendor != sc.vendor)
			continue;
		if (sc.device && pdev->device != sc.device)
			continue;
		if (n < sc.max) {
			udrv_fill_slot(&ents[n].slot, pdev);
			ents[n].vendor = pdev->vendor;
			ents[n].device = pdev->device;
			ents[n].bound = udrv_pci_is_bound(pdev);
		}
		n++;
	}
	sc.found = n;
	ret = 0;
	if (sc.max && copy_to_user(udrv_user_ptr(sc.entries), ents,
				   (size_t)min(n, sc.max) * sizeof(*ents)))
		ret = -EFAULT;
	else if (copy_to_user(arg, &sc, sizeof(sc)))
		ret = -EFAULT;
	kfree(ents);
	return ret;
}

static void udrv_fill_items(struct udrv_card_info *ci, struct pci_dev *pdev)
{
	int i;

	for (i = 0; i < UDRV_MAX_BARS; i++) {
		unsigned long flags = pci_resource_flags(pdev, i);
		resource_size_t len = pci_resource_len(pdev, i);
		struct udrv_item *it = &ci->item[ci->num_items];

		if (!len || !(flags & (IORESOURCE_MEM | IORESOURCE_IO)))
			continue;
		it->type = flags & IORESOURCE_IO ? UDRV_ITEM_IO : UDRV_ITEM_MEM;
		it->bar = i;
		it->phys_addr = pci_resource_start(pdev, i);
		it->length = len;
		if (flags & IORESOURCE_PREFETCH)
			it->flags |= UDRV_ITEMF_PREFETCH;
		if (flags & IORESOURCE_MEM_64)
			it->flags |= UDRV_ITEMF_64BIT;
		ci->num_items++;
	}
	if (pdev->pin && pdev->irq) {
		struct udrv_item *it = &ci->item[ci->num_items++];

		it->type = UDRV_ITEM_INTERRUPT;
		it->irq = pdev->irq;
	}
}

static void udrv_mark_mappable(struct udrv_card_info *ci,
			       struct udrv_dev *dev)
{
	u32 i;

	down_read(&dev->io_sem);
	for (i = 0; i < ci->num_items && !dev->gone; i++) {
		struct udrv_item *it = &ci->item[i];

		if (it->type == UDRV_ITEM_MEM && dev->bar[it->bar].mmap_ok)
			it->flags |= UDRV_ITEMF_MMAP;
	}
	up_read(&dev->io_sem);
}

long udrv_ioctl_card_info(void __user *arg)
{
	struct udrv_card_info ci;
	struct udrv_slot slot;
	struct pci_dev *pdev;
	struct udrv_dev *dev;
	int n, ret;

	ret = udrv_copy_arg(&ci, arg, sizeof(ci));
	if (ret)
		return ret;
	slot = ci.slot;
	if (!udrv_slot_valid(&slot))
		return -EINVAL;
	dev = udrv_dev_get_by_slot(&slot, &pdev);
	if (!pdev)
		return -ENODEV;

	memset(&ci, 0, sizeof(ci));
	ci.size = sizeof(ci);
	ci.slot = slot;
	ci.vendor = pdev->vendor;
	ci.device = pdev->device;
	ci.subsys_vendor = pdev->subsystem_vendor;
	ci.subsys_device = pdev->subsystem_device;
	ci.class_code = pdev->class;
	ci.revision = pdev->revision;
	ci.cfg_size = pdev->cfg_size;
	ci.bound = !!dev;
	if (pdev->pin)
		ci.caps |= UDRV_CAP_INTX;
	if (pci_is_pcie(pdev))
		ci.caps |= UDRV_CAP_PCIE;
	n = pci_msi_vec_count(pdev);
	if (n > 0) {
		ci.caps |= UDRV_CAP_MSI;
		ci.msi_vectors = n;
	}
	n = pci_msix_vec_count(pdev);
	if (n > 0) {
		ci.caps |= UDRV_CAP_MSIX;
		ci.msix_vectors = n;
	}
	udrv_fill_items(&ci, pdev);
	if (dev) {
		udrv_mark_mappable(&ci, dev);
		udrv_dev_put(dev);
	}
	pci_dev_put(pdev);
	return copy_to_user(arg, &ci, sizeof(ci)) ? -EFAULT : 0;
}
