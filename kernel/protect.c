// SPDX-License-Identifier: GPL-2.0
/*
 * protect.c: BAR ranges user space may read but not write: the MSI-X
 * table and pending-bit array.  The kernel programs the table when it
 * allocates vectors; a write there sends the device's interrupts (and
 * their payload, a DMA write) wherever the writer chooses.  That is only
 * harmless when interrupts are remapped or otherwise isolated per device:
 * then a bad entry can hurt nobody but the device's own interrupts, as
 * VFIO assumes when it lets the table be mapped.
 */
#include <linux/iommu.h>
#include <linux/msi.h>
#include "udrv.h"

static bool udrv_msi_isolated(struct pci_dev *pdev)
{
#ifdef UDRV_HAVE_ISOLATED_MSI
	return msi_device_has_isolated_msi(&pdev->dev);
#else
	return device_iommu_capable(&pdev->dev, IOMMU_CAP_INTR_REMAP);
#endif
}

static void udrv_protect_add(struct udrv_dev *dev, u32 bir_off, u64 len)
{
	struct udrv_prot_range *r = &dev->prot[dev->num_prot++];

	r->bar = bir_off & PCI_MSIX_TABLE_BIR;
	r->start = bir_off & PCI_MSIX_TABLE_OFFSET;
	r->end = r->start + len;
}

/* At probe, before anyone can register the device. */
void udrv_protect_init(struct udrv_dev *dev)
{
	struct pci_dev *pdev = dev->pdev;
	u32 table, pba, n;
	u16 flags;

	dev->num_prot = 0;
	if (!pdev->msix_cap || udrv_msi_isolated(pdev))
		return;
	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba);
	n = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	udrv_protect_add(dev, table, (u64)n * PCI_MSIX_ENTRY_SIZE);
	udrv_protect_add(dev, pba, DIV_ROUND_UP(n, 64) * 8);
}

/* Whether [off, off+len) of BAR `bar` may not be written by user space. */
bool udrv_range_protected(const struct udrv_dev *dev, u32 bar, u64 off,
			  u64 len)
{
	unsigned int i;

	for (i = 0; i < dev->num_prot; i++) {
		const struct udrv_prot_range *r = &dev->prot[i];

		if (r->bar == bar && off < r->end && r->start < off + len)
			return true;
	}
	return false;
}

/*
 * For mmap: whether npages pages of BAR `bar` from page pgoff may be
 * mapped.  A read-only mapping may cover the protected ranges (reading
 * them changes nothing) if it can never become writable (no VM_MAYWRITE).
 */
bool udrv_bar_mmap_allowed(const struct udrv_dev *dev, u32 bar, u64 pgoff,
			   u64 npages, bool write)
{
	return !write || !udrv_range_protected(dev, bar, pgoff << PAGE_SHIFT,
					       npages << PAGE_SHIFT);
}
