// SPDX-License-Identifier: GPL-2.0
/*
 * config.c: config-space access.  Any device can be read (the first 64
 * bytes without CAP_SYS_ADMIN, as sysfs does); only a device bound to udrv
 * and registered by the caller can be written, and never the registers the
 * agent owns: the BARs, the ROM BAR, the decode / bus-master / INTx-disable
 * bits of the command register and the MSI and MSI-X capabilities; nor
 * those the kernel owns: FLR, power state, SR-IOV, Resizable BAR and a
 * bridge's routing registers.  Those get -EACCES, a non-owner -EPERM.
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

/*
 * The value a 16-bit register at `reg` would have after writing buf to
 * [off, off+len); *cur gets its value now.
 */
static u16 udrv_reg_after(struct pci_dev *pdev, u32 reg, u32 off, u32 len,
			  const u8 *buf, u16 *cur)
{
	u16 new;
	u32 i;

	pci_read_config_word(pdev, reg, cur);
	new = *cur;
	for (i = 0; i < 2; i++) {
		u32 at = reg + i;

		if (at >= off && at < off + len) {
			new &= ~(0xff << (8 * i));
			new |= buf[at - off] << (8 * i);
		}
	}
	return new;
}

/* A register whose bits in `mask` may not change. */
static bool udrv_bits_change(struct pci_dev *pdev, u32 reg, u16 mask,
			     u32 off, u32 len, const u8 *buf)
{
	u16 cur, new;

	if (!udrv_overlaps(off, len, reg, reg + 2))
		return false;
	new = udrv_reg_after(pdev, reg, off, len, buf, &cur);
	return (new ^ cur) & mask;
}

/* A register whose bits in `mask` may not be written as 1 (they trigger). */
static bool udrv_bits_set(struct pci_dev *pdev, u32 reg, u16 mask, u32 off,
			  u32 len, const u8 *buf)
{
	u16 cur;

	if (!udrv_overlaps(off, len, reg, reg + 2))
		return false;
	return udrv_reg_after(pdev, reg, off, len, buf, &cur) & mask;
}

static bool udrv_ext_cap_hit(struct pci_dev *pdev, int id, u32 off, u32 len)
{
	u32 ctrl, nbars;
	int cap = pci_find_ext_capability(pdev, id);

	if (!cap)
		return false;
	if (id == PCI_EXT_CAP_ID_SRIOV)
		return udrv_overlaps(off, len, cap,
				     cap + PCI_EXT_CAP_SRIOV_SIZEOF);
	/* Resizable BAR: the header, then one capability+control per BAR */
	pci_read_config_dword(pdev, cap + PCI_REBAR_CTRL, &ctrl);
	nbars = (ctrl & PCI_REBAR_CTRL_NBAR_MASK) >> PCI_REBAR_CTRL_NBAR_SHIFT;
	return udrv_overlaps(off, len, cap, cap + 4 + 8 * max(nbars, 1u));
}

/*
 * Registers that would pull the device out from under the kernel: a reset
 * (FLR), a power-state change (the BARs stop decoding and the kernel's
 * saved state goes stale), VFs, BAR sizes, and a bridge's bus numbers,
 * windows and bridge control (they route other devices' traffic).
 */
static bool udrv_cfg_kernel_owned(struct pci_dev *pdev, u32 off, u32 len,
				  const u8 *buf)
{
	int af;

	if (pdev->pcie_cap &&
	    udrv_bits_set(pdev, pdev->pcie_cap + PCI_EXP_DEVCTL,
			  PCI_EXP_DEVCTL_BCR_FLR, off, len, buf))
		return true;
	if (pdev->pm_cap &&
	    udrv_bits_change(pdev, pdev->pm_cap + PCI_PM_CTRL,
			     PCI_PM_CTRL_STATE_MASK, off, len, buf))
		return true;
	af = pci_find_capability(pdev, PCI_CAP_ID_AF);
	if (af && udrv_bits_set(pdev, af + PCI_AF_CTRL, PCI_AF_CTRL_FLR, off,
				len, buf))
		return true;
	if (off + len > PCI_CFG_SPACE_SIZE &&
	    (udrv_ext_cap_hit(pdev, PCI_EXT_CAP_ID_SRIOV, off, len) ||
	     udrv_ext_cap_hit(pdev, PCI_EXT_CAP_ID_REBAR, off, len)))
		return true;
	if (pdev->hdr_type == PCI_HEADER_TYPE_BRIDGE &&
	    (udrv_overlaps(off, len, PCI_PRIMARY_BUS, PCI_CAPABILITY_LIST) ||
	     udrv_overlaps(off, len, PCI_ROM_ADDRESS1, PCI_ROM_ADDRESS1 + 4) ||
	     udrv_overlaps(off, len, PCI_BRIDGE_CONTROL,
			   PCI_BRIDGE_CONTROL + 2)))
		return true;
	return false;
}

/* -EACCES if [off, off+len) writes a register the agent or kernel owns. */
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
	if (udrv_bits_change(pdev, PCI_COMMAND, UDRV_CMD_OWNED, off, len, buf))
		return -EACCES;
	if (udrv_cfg_kernel_owned(pdev, off, len, buf))
		return -EACCES;
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

/* A card of this file on this very device (not on an earlier binding). */
static bool udrv_dev_owned_by(struct udrv_dev *dev, struct udrv_file *uf)
{
	struct udrv_card *card;

	lockdep_assert_held(&dev->lock);
	if (dev->gone)
		return false;
	list_for_each_entry(card, &dev->cards, dev_node)
		if (card->file == uf)
			return true;
	return false;
}

/*
 * Ownership, the filter and the write under dev->lock: the owner cannot
 * change in between, and the agent's own read-modify-writes of the command
 * register (bus mastering, INTx masking) run under the same lock, so a
 * write that keeps their bits cannot undo them.
 */
static int udrv_cfg_write(struct udrv_file *uf, struct udrv_dev *dev,
			  u32 off, u32 len, u8 *buf)
{
	int ret;

	mutex_lock(&dev->lock);
	if (!udrv_dev_owned_by(dev, uf))
		ret = -EPERM;
	else
		ret = udrv_cfg_write_allowed(dev->pdev, off, len, buf);
	if (!ret)
		ret = udrv_cfg_rw(dev->pdev, off, len, buf, true);
	mutex_unlock(&dev->lock);
	return ret;
}

/*
 * A Kernel PlugIn's config access (kp_rt.c): the same path and filters as
 * the ioctl, on a device its file has registered; buf is kernel memory.
 */
int udrv_cfg_owned_rw(struct udrv_file *uf, struct udrv_dev *dev, u32 off,
		      u32 len, u8 *buf, bool write)
{
	struct pci_dev *pdev = dev->pdev;

	if (!len || off >= pdev->cfg_size || len > pdev->cfg_size - off)
		return -ERANGE;
	if (write)
		return udrv_cfg_write(uf, dev, off, len, buf);
	return udrv_cfg_rw(pdev, off, len, buf, false);
}

/*
 * A Kernel PlugIn's config read in atomic context: the non-sleeping
 * accessors (pci_lock with interrupts saved), byte by byte into buf.
 */
int udrv_cfg_read_atomic(struct udrv_dev *dev, u32 off, u32 len, u8 *buf)
{
	struct pci_dev *pdev = dev->pdev;
	u32 i;

	if (!len || off >= pdev->cfg_size || len > pdev->cfg_size - off)
		return -ERANGE;
	for (i = 0; i < len; i++)
		if (pci_read_config_byte(pdev, off + i, &buf[i]))
			return -EIO;
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
	/* Writing needs a file opened for writing, like every mutation */
	if (c.write && !uf->writable)
		return -EBADF;
	ubuf = udrv_user_ptr(c.buf);

	dev = udrv_dev_get_by_slot(&c.slot, &pdev);
	if (!pdev)
		return -ENODEV;
	if (c.offset + c.bytes > pdev->cfg_size) {
		ret = -ERANGE;
		goto out;
	}
	/* Writing needs a registration of this file, reading more needs root */
	if (c.write && !dev) {
		ret = -EPERM;
		goto out;
	}
	if (!c.write && c.offset + c.bytes > UDRV_CFG_UNPRIV && !uf->admin &&
	    !udrv_file_owns_pdev(uf, pdev)) {
		ret = -EPERM;
		goto out;
	}
	buf = kmalloc(c.bytes, GFP_KERNEL);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	if (c.write) {
		if (copy_from_user(buf, ubuf, c.bytes))
			ret = -EFAULT;
		else
			ret = udrv_cfg_write(uf, dev, c.offset, c.bytes, buf);
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
