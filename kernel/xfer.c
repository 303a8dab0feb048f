// SPDX-License-Identifier: GPL-2.0
/*
 * xfer.c: register transfers on a registered card's BARs.  A command names
 * (BAR, offset, width) and is checked against that BAR every time: the
 * command, the BAR's type, alignment, and the whole access inside the BAR.
 * User buffers of block transfers are copied through a bounce page outside
 * every lock, so no page fault ever happens under the agent's locks.
 */
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "udrv.h"

#define UDRV_BOUNCE PAGE_SIZE

int udrv_xfer_check(struct udrv_dev *dev, const struct udrv_xfer *x,
		    bool allow_string)
{
	const struct udrv_bar *b;
	u32 width = 1u << (x->cmd & UDRV_CMD_WIDTH_MASK);
	bool mem = x->cmd & UDRV_CMD_MEM;
	bool string = x->cmd & UDRV_CMD_STRING;
	u64 span;

	if (x->options & ~UDRV_XFER_NO_AUTOINC)
		return -EINVAL;
	if (x->cmd == UDRV_CMD_NONE)
		return 0;
	if ((x->cmd & ~UDRV_CMD_VALID_BITS) || !(x->cmd & UDRV_CMD_XFER))
		return -EINVAL;
	if (string && !allow_string)
		return -EINVAL;
	if (!mem && width == 8)		/* no 64-bit port I/O */
		return -EINVAL;
	if (x->bar >= UDRV_MAX_BARS || !dev->bar[x->bar].len)
		return -EINVAL;
	b = &dev->bar[x->bar];
	if (mem == b->is_io)
		return -EINVAL;
	if (x->addr & (width - 1))
		return -EILSEQ;
	span = width;
	if (string) {
		if (!x->bytes || x->bytes % width)
			return -EINVAL;
		if (x->bytes > UDRV_MAX_BLOCK)
			return -ERANGE;
		if (!(x->options & UDRV_XFER_NO_AUTOINC))
			span = x->bytes;
	}
	if (x->addr >= b->len || span > b->len - x->addr)
		return -ERANGE;
	return 0;
}

static u64 udrv_read(void __iomem *p, u32 width)
{
	switch (width) {
	case 1:
		return ioread8(p);
	case 2:
		return ioread16(p);
	case 4:
		return ioread32(p);
	default:
		return readq(p);
	}
}

static void udrv_write(void __iomem *p, u32 width, u64 v)
{
	switch (width) {
	case 1:
		iowrite8(v, p);
		break;
	case 2:
		iowrite16(v, p);
		break;
	case 4:
		iowrite32(v, p);
		break;
	default:
		writeq(v, p);
		break;
	}
}

/* One checked scalar command; the caller holds dev->io_sem. */
void udrv_xfer_scalar(struct udrv_dev *dev, struct udrv_xfer *x)
{
	void __iomem *p;
	u32 width = 1u << (x->cmd & UDRV_CMD_WIDTH_MASK);

	if (x->cmd == UDRV_CMD_NONE)
		return;
	p = dev->bar[x->bar].va + x->addr;
	if (x->cmd & UDRV_CMD_WRITE)
		udrv_write(p, width, x->data);
	else
		x->data = udrv_read(p, width);
}

/* Moves one chunk of a block between the device and a bounce buffer. */
static void udrv_xfer_chunk(struct udrv_dev *dev, const struct udrv_xfer *x,
			    u64 done, u8 *bounce, u32 len)
{
	u32 width = 1u << (x->cmd & UDRV_CMD_WIDTH_MASK);
	bool noinc = x->options & UDRV_XFER_NO_AUTOINC;
	void __iomem *p = dev->bar[x->bar].va + x->addr + (noinc ? 0 : done);
	u32 i;

	for (i = 0; i < len; i += width) {
		void __iomem *at = noinc ? p : p + i;
		u64 v = 0;

		if (x->cmd & UDRV_CMD_WRITE) {
			memcpy(&v, bounce + i, width);
			udrv_write(at, width, v);
		} else {
			v = udrv_read(at, width);
			memcpy(bounce + i, &v, width);
		}
	}
}

static int udrv_xfer_string(struct udrv_file *uf, u32 hcard,
			    const struct udrv_xfer *x)
{
	void __user *ubuf = udrv_user_ptr(x->data);
	bool write = x->cmd & UDRV_CMD_WRITE;
	struct udrv_dev *dev;
	u8 *bounce;
	u64 done;
	int ret = 0;

	bounce = kmalloc(UDRV_BOUNCE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	/* At least one pass, so that a zero-length block meets the check. */
	done = 0;
	do {
		u32 len = min_t(u64, UDRV_BOUNCE, x->bytes - done);

		if (write && copy_from_user(bounce, ubuf + done, len)) {
			ret = -EFAULT;
			break;
		}
		/* Looked up again per chunk: the card may go away meanwhile */
		dev = udrv_file_get_dev(uf, hcard);
		if (IS_ERR(dev)) {
			ret = PTR_ERR(dev);
			break;
		}
		ret = udrv_xfer_check(dev, x, true);
		if (!ret)
			udrv_xfer_chunk(dev, x, done, bounce, len);
		udrv_file_put_dev(uf, dev);
		if (!ret && !write && copy_to_user(ubuf + done, bounce, len))
			ret = -EFAULT;
		cond_resched();
		done += len;
	} while (!ret && done < x->bytes);
	kfree(bounce);
	return ret;
}

static int udrv_xfer_one(struct udrv_file *uf, u32 hcard, struct udrv_xfer *x)
{
	struct udrv_dev *dev;
	int ret;

	if (x->cmd & UDRV_CMD_STRING)
		return udrv_xfer_string(uf, hcard, x);
	dev = udrv_file_get_dev(uf, hcard);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	ret = udrv_xfer_check(dev, x, false);
	if (!ret)
		udrv_xfer_scalar(dev, x);
	udrv_file_put_dev(uf, dev);
	return ret;
}

long udrv_ioctl_transfer(struct udrv_file *uf, void __user *arg)
{
	struct udrv_transfer t;
	int ret;

	ret = udrv_copy_arg(&t, arg, sizeof(t));
	if (ret)
		return ret;
	ret = udrv_xfer_one(uf, t.hcard, &t.xfer);
	if (ret)
		return ret;
	if (!(t.xfer.cmd & (UDRV_CMD_WRITE | UDRV_CMD_STRING)) &&
	    t.xfer.cmd != UDRV_CMD_NONE &&
	    copy_to_user(arg, &t, sizeof(t)))
		return -EFAULT;
	return 0;
}

long udrv_ioctl_multi_transfer(struct udrv_file *uf, void __user *arg)
{
	struct udrv_multi_transfer m;
	struct udrv_xfer *cmds;
	void __user *ucmds;
	int ret = 0;
	u32 i;

	ret = udrv_copy_arg(&m, arg, sizeof(m));
	if (ret)
		return ret;
	if (!m.num || !m.cmds)
		return -EINVAL;
	if (m.num > UDRV_MAX_MULTI)
		return -ENOSPC;
	ucmds = udrv_user_ptr(m.cmds);
	cmds = kvmalloc_array(m.num, sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return -ENOMEM;
	if (copy_from_user(cmds, ucmds, m.num * sizeof(*cmds))) {
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < m.num; i++) {
		ret = udrv_xfer_one(uf, m.hcard, &cmds[i]);
		if (ret)
			break;
	}
	m.done = i;
	/* Results (read values) of the commands that ran go back. */
	if (i && copy_to_user(ucmds, cmds, i * sizeof(*cmds)))
		ret = -EFAULT;
	else if (copy_to_user(arg, &m, sizeof(m)))
		ret = -EFAULT;
out:
	kvfree(cmds);
	return ret;
}
