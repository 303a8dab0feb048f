// SPDX-License-Identifier: GPL-2.0
/*
 * config.c: config-space access.  Any device can be read (the first 64
 * bytes without CAP_SYS_ADMIN, as sysfs does); only a device bound to udrv
 * and registered by the caller can be written, and never the registers the
 * agent owns: the BARs, the ROM BAR, the decode / bus-master / INTx-disable
 * bits of the command register and the MSI and MSI-X capabilities.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "compat.h"
#include "udrv.h"

#define UDRV_CMD_OWNED (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | \
			PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE)

static bool udrv_overlaps(u32 off, u32 len, u32 start, u32 end)
{
	return off < end && start < off + len;
}

static u32 udrv_msi_cap_len(struct pci_dev *pdev)
{
	u16 flags;
	u32 len = 10;

	pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS, &flags);
	if (flags & PCI_MSI_FLAGS_64BIT)
		len += 4;
	if (flags & PCI_MSI_FLAGS_MASKBIT)
		len += 10;
	return len;
}

/* -EACCES if [off, off+len) writes a register the agent owns. */
static int udrv_cfg_write_allowed(struct pci_dev *pdev, u32 off, u32 len,
				  const u8 *buf)
{
	if (udrv_overlaps(off, len, PCI_BASE_ADDRESS_0, PCI_CARDBUS_CIS) ||
	    udrv_overlaps(off, len, PCI_ROM_ADDRESS, PCI_ROM_ADDRESS + 4))
		return -EACCES;
	if (pdev->msi_cap &&
	    udrv_overlaps(off, len, pdev->msi_cap,
			  pdev->msi_cap + udrv_msi_cap_len(pdev)))
		return -EACCES;
	if (pdev->msix_cap &&
	    udrv_overlaps(off, len, pdev->msix_cap,
			  pdev->msix_cap + PCI_CAP_MSIX_SIZEOF))
		return -EACCES;
	if (udrv_overlaps(off, len, PCI_COMMAND, PCI_COMMAND + 2)) {
		u16 cur, new;
		u32 i;

		/* The command register passes if the owned bits keep. */
		pci_read_config_word(pdev, PCI_COMMAND, &cur);
		new = cur;
		for (i = 0; i < 2; i++) {
			u32 at = PCI_COMMAND + i;

			if (at >= off && at < off + len) {
				new &= ~(0xff << (8 * i));
				new |= buf[at - off] << (8 * i);
			}
		}
		if ((new ^ cur) & UDRV_CMD_OWNED)
			return -EACCES;
	}
	return 0;
}

/* Naturally aligned accesses of the widest width that fits. */
static int udrv_cfg_rw(struct pci_dev *pdev, u32 off, u32 len, u8 *buf,
		       bool write)
{
	while (len) {
		int ret;

		if (!(off & 3) && len >= 4) {
			u32 v = get_unaligned_le32(buf);

			ret = write ? pci_user_write_config_dword(pdev, off, v) :
				      pci_user_read_config_dword(pdev, off, &v);
			put_unaligned_le32(v, buf);
			off += 4, buf += 4, len -= 4;
		} else if (!(off & 1) && len >= 2) {
			u16 v = get_unaligned_le16(buf);

			ret = write ? pci_user_write_config_word(pdev, off, v) :
				      pci_user_read_config_word(pdev, off, &v);
			put_unaligned_le16(v, buf);
			off += 2, buf += 2, len -= 2;
		} else {
			u8 v = *buf;

			ret = write ? pci_user_write_config_byte(pdev, off, v) :
				      pci_user_read_config_byte(pdev, off, &v);
			*buf = v;
			off += 1, buf += 1, len -= 1;
		}
		if (ret)
			return ret;
	}
	return 0;
}

long udrv_ioctl_config(struct udrv_file *uf, void __user *arg)
{
	struct udrv_config c;
	struct pci_dev *pdev;
	struct udrv_dev *dev;
	void __user *ubuf;
	u8 *buf = NULL;
	int ret;

	ret = udrv_copy_arg(&c, arg, sizeof(c));
	if (ret)
		return ret;
	if (c.write > 1 || c.pad[0] || c.pad[1] || !c.bytes || !c.buf ||
	    !udrv_slot_valid(&c.slot))
		return -EINVAL;
	if (c.bytes > UDRV_CFG_EXTENDED || c.offset >= UDRV_CFG_EXTENDED)
		return -ERANGE;
	ubuf = udrv_user_ptr(c.buf);

	dev = udrv_dev_get_by_slot(&c.slot, &pdev);
	if (!pdev)
		return -ENODEV;
	if (c.offset + c.bytes > pdev->cfg_size) {
		ret = -ERANGE;
		goto out;
	}
	if (c.write && !dev) {
		ret = -EPERM;
		goto out;
	}
	/* Writing needs a registration of this file, reading more needs root */
	if (c.write && !udrv_file_owns_pdev(uf, pdev)) {
		ret = -EPERM;
		goto out;
	}
	if (!c.write && c.offset + c.bytes > UDRV_CFG_UNPRIV &&
	    !capable(CAP_SYS_ADMIN) && !udrv_file_owns_pdev(uf, pdev)) {
		ret = -EPERM;
		goto out;
	}
	buf = kmalloc(c.bytes, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	if (c.write) {
		if (copy_from_user(buf, ubuf, c.bytes)) {
			ret = -EFAULT;
			goto out;
		}
		ret = udrv_cfg_write_allowed(pdev, c.offset, c.bytes, buf);
		if (!ret)
			ret = udrv_cfg_rw(pdev, c.offset, c.bytes, buf, true);
	} else {
		ret = udrv_cfg_rw(pdev, c.offset, c.bytes, buf, false);
		if (!ret && copy_to_user(ubuf, buf, c.bytes))
			ret = -EFAULT;
	}
out:
	kfree(buf);
	if (dev)
		udrv_dev_put(dev);
	pci_dev_put(pdev);
	return ret;
}
