// SPDX-License-Identifier: GPL-2.0
/*
 * xfer.c: register transfers on a registered card's BARs.  A command names
 * (BAR, offset, width) and is checked against that BAR every time: the
 * command, the BAR's type, alignment, and the whole access inside the BAR.
 * User buffers of block transfers are copied through a bounce page outside
 * every lock, so no page fault ever happens under the agent's locks.
 */
#include <linux/io.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "udrv.h"
#include "regs.h"
#include "debug.h"

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
	if ((x->cmd & UDRV_CMD_WRITE) &&
	    udrv_range_protected(dev, x->bar, x->addr, span))
		return -EACCES;
	return 0;
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

/* Moves one chunk of a block between the device and a kernel buffer. */
void udrv_xfer_chunk(struct udrv_dev *dev, const struct udrv_xfer *x,
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

		/* A block may take minutes: the owner must stay killable. */
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
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

/*
 * Runs commands in order until one fails; returns how many completed.  The
 * card is looked up once for a run of scalar commands and its locks held
 * across them (readers only: other transfers proceed in parallel); they
 * are dropped around block commands, which copy user memory.
 */
static u32 udrv_xfer_batch(struct udrv_file *uf, u32 hcard,
			   struct udrv_xfer *cmds, u32 num, int *err)
{
	struct udrv_dev *dev = NULL;
	int ret = 0;
	u32 i;

	for (i = 0; i < num; i++) {
		struct udrv_xfer *x = &cmds[i];

		if (x->cmd & UDRV_CMD_STRING) {
			if (dev)
				udrv_file_put_dev(uf, dev);
			dev = NULL;
			cond_resched();
			ret = udrv_xfer_string(uf, hcard, x);
		} else {
			if (!dev) {
				dev = udrv_file_get_dev(uf, hcard);
				if (IS_ERR(dev)) {
					ret = PTR_ERR(dev);
					dev = NULL;
					break;
				}
			}
			ret = udrv_xfer_check(dev, x, false);
			if (!ret)
				udrv_xfer_scalar(dev, x);
		}
		if (ret)
			break;
	}
	/* After the loop: nothing of the monitor's in the per-command path */
	udrv_dbg_call(udrv_dbg_xfers, dev, hcard, cmds, i, num, ret);
	if (dev)
		udrv_file_put_dev(uf, dev);
	*err = ret;
	return i;
}

/* A scalar read: its value goes back to user space. */
static bool udrv_xfer_reads(const struct udrv_xfer *x)
{
	return (x->cmd & UDRV_CMD_XFER) &&
	       !(x->cmd & (UDRV_CMD_WRITE | UDRV_CMD_STRING));
}

long udrv_ioctl_transfer(struct udrv_file *uf, void __user *arg)
{
	struct udrv_transfer t;
	int ret;

	ret = udrv_copy_arg(&t, arg, sizeof(t));
	if (ret)
		return ret;
	udrv_xfer_batch(uf, t.hcard, &t.xfer, 1, &ret);
	if (ret)
		return ret;
	if (udrv_xfer_reads(&t.xfer) &&
	    put_user(t.xfer.data,
		     &((struct udrv_transfer __user *)arg)->xfer.data))
		return -EFAULT;
	return 0;
}

/*
 * What one call may move in blocks: a bound on the time one ioctl keeps
 * the device and the caller busy (a fatal signal still ends it early).
 */
static u64 udrv_block_bytes(const struct udrv_xfer *cmds, u32 num)
{
	u64 sum = 0;
	u32 i;

	for (i = 0; i < num; i++)
		if (cmds[i].cmd & UDRV_CMD_STRING)
			sum += cmds[i].bytes;
	return sum;
}

long udrv_ioctl_multi_transfer(struct udrv_file *uf, void __user *arg)
{
	struct udrv_multi_transfer m;
	struct udrv_xfer *cmds;
	struct udrv_xfer __user *ucmd;
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
	if (udrv_block_bytes(cmds, m.num) > UDRV_MAX_MULTI_BYTES) {
		ret = -E2BIG;
		if (put_user(0, &((struct udrv_multi_transfer __user *)arg)->done))
			ret = -EFAULT;
		goto out;
	}
	m.done = udrv_xfer_batch(uf, m.hcard, cmds, m.num, &ret);
	/*
	 * Only the values read go back, field by field: copying is what
	 * costs most per command, far more than the checks.  `done` goes
	 * back also on failure: it tells which command failed.
	 */
	ucmd = ucmds;
	for (i = 0; i < m.done; i++) {
		if (udrv_xfer_reads(&cmds[i]) &&
		    put_user(cmds[i].data, &ucmd[i].data))
			ret = -EFAULT;
	}
	if (put_user(m.done, &((struct udrv_multi_transfer __user *)arg)->done))
		ret = -EFAULT;
out:
	kvfree(cmds);
	return ret;
}
