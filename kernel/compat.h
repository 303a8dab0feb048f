/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the few kernel API differences between the 6.1 and 6.12
 * lines, selected by features that Kbuild detects in the headers.
 */
#ifndef UDRV_COMPAT_H
#define UDRV_COMPAT_H

#include <linux/device.h>
#include <linux/mm.h>
#include <linux/pci.h>

#ifdef UDRV_HAVE_LINUX_UNALIGNED_H
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

static inline void udrv_vm_flags_set(struct vm_area_struct *vma,
				     unsigned long flags)
{
#ifdef UDRV_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static inline void udrv_vm_flags_clear(struct vm_area_struct *vma,
				       unsigned long flags)
{
#ifdef UDRV_HAVE_VM_FLAGS_SET
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/*
 * driver_override moved from struct pci_dev into struct device (6.12
 * stable backports); both take the device's own lock.
 */
static inline bool udrv_has_driver_override(struct pci_dev *pdev)
{
#ifdef UDRV_HAVE_DEVICE_DRIVER_OVERRIDE
	return device_has_driver_override(&pdev->dev);
#else
	return READ_ONCE(pdev->driver_override);
#endif
}

static inline int udrv_set_driver_override(struct pci_dev *pdev,
					   const char *name)
{
#ifdef UDRV_HAVE_DEVICE_DRIVER_OVERRIDE
	return device_set_driver_override(&pdev->dev, name);
#else
	return driver_set_override(&pdev->dev, &pdev->driver_override, name,
				   strlen(name));
#endif
}

#endif /* UDRV_COMPAT_H */
