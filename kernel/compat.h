/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the few kernel API differences between the 6.1 and 6.12
 * lines, selected by features that Kbuild detects in the headers.
 */
#ifndef UDRV_COMPAT_H
#define UDRV_COMPAT_H

#include <linux/mm.h>

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

#endif /* UDRV_COMPAT_H */
