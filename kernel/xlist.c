// SPDX-License-Identifier: GPL-2.0
/*
 * xlist.c: prepared transfer lists.  A list of scalar commands is checked
 * once, at prepare, with udrv_xfer_check (the checks of every transfer),
 * and kept as the addresses to access.  What a check depends on does not
 * change while the card is registered: the BARs and the protected ranges
 * are fixed at probe, and the list goes when its card is unregistered.  A
 * run then only confirms that the card is still registered and its device
 * still there, under dev->io_sem as every transfer does.
 *
 * Lifetime: the file's table holds one reference, each run another; runs
 * find a list under RCU, so that a run takes no lock of the file.  Free,
 * unregister and release take the list out of the table under uf->sem
 * (write) and drop the table's reference; the memory goes after the last
 * run and an RCU grace period.  User memory is touched only outside every
 * lock (see udrv.h): the write data before, the values read after.
 */
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "udrv.h"
#include "regs.h"
#include "debug.h"

/* Values of this many commands live on the run's stack (512 bytes) */
#define UDRV_XLIST_STACK	64

struct udrv_xop {
	void __iomem *p;	/* the BAR's kernel mapping + addr */
	u64 addr;		/* for the debug monitor */
	u32 cmd;		/* UDRV_CMD_NONE: nothing to do */
	u16 bar;
	u8 width;
	bool io;		/* an I/O-port BAR: ioread/iowrite */
};

struct udrv_xlist {
	refcount_t ref;
	struct rcu_head rcu;
	struct list_head dead;	/* on a release's list, once out of the table */
	u64 serial;
	struct udrv_card *card;	/* referenced */
	u32 num;
	u32 nwrites;
	u32 nreads;
	struct udrv_xop op[];
};

/*
 * Serials are unique for the module's lifetime, whatever the file: a
 * handle number may come back, a serial never does.  The random start
 * keeps a library from taking a list of an earlier load for its own.
 */
static atomic64_t udrv_xlist_serial;

void udrv_xlist_init(void)
{
	atomic64_set(&udrv_xlist_serial, get_random_u64() >> 2);
}

static void udrv_xlist_put(struct udrv_xlist *l)
{
	if (!refcount_dec_and_test(&l->ref))
		return;
	udrv_card_put(l->card);
	kvfree_rcu(l, rcu);
}

/* Takes the list out of the file's table; the caller holds uf->sem (write) */
static void udrv_xlist_unlink(struct udrv_file *uf, unsigned long h,
			      struct udrv_xlist *l, struct list_head *dead)
{
	xa_erase(&uf->xlists, h);
	uf->num_xlists--;
	uf->xlist_cmds -= l->num;
	list_add(&l->dead, dead);
}

static void udrv_xlist_put_dead(struct list_head *dead)
{
	struct udrv_xlist *l, *n;

	list_for_each_entry_safe(l, n, dead, dead)
		udrv_xlist_put(l);
}

/* The card is being unregistered, or NULL: the file is being released */
void udrv_xlist_release(struct udrv_file *uf, struct udrv_card *card)
{
	struct udrv_xlist *l;
	unsigned long h;
	LIST_HEAD(dead);

	down_write(&uf->sem);
	xa_for_each(&uf->xlists, h, l)
		if (!card || l->card == card)
			udrv_xlist_unlink(uf, h, l, &dead);
	up_write(&uf->sem);
	udrv_xlist_put_dead(&dead);
}

/* Checks the commands against the card's device and fills the list */
static int udrv_xlist_fill(struct udrv_xlist *l, const struct udrv_xfer *cmds,
			   u32 *failed)
{
	struct udrv_dev *dev = l->card->dev;
	int ret = 0;
	u32 i;

	down_read(&dev->io_sem);
	if (dev->gone || l->card->revoked)
		ret = dev->gone ? -EIO : -EBADF;
	for (i = 0; !ret && i < l->num; i++) {
		const struct udrv_xfer *x = &cmds[i];
		struct udrv_xop *o = &l->op[i];

		ret = udrv_xfer_check(dev, x, false);
		if (ret) {
			*failed = i;
			break;
		}
		o->cmd = x->cmd;
		o->bar = x->bar;
		o->addr = x->addr;
		if (x->cmd == UDRV_CMD_NONE)
			continue;
		o->p = dev->bar[x->bar].va + x->addr;
		o->width = 1u << (x->cmd & UDRV_CMD_WIDTH_MASK);
		o->io = !(x->cmd & UDRV_CMD_MEM);
		if (x->cmd & UDRV_CMD_WRITE)
			l->nwrites++;
		else
			l->nreads++;
	}
	up_read(&dev->io_sem);
	return ret;
}

/* Enters the list in the file's table, if its card is still registered */
static int udrv_xlist_insert(struct udrv_file *uf, u32 hcard,
			     struct udrv_xlist *l, u32 *handle)
{
	int ret;

	down_write(&uf->sem);
	/*
	 * Unregister takes the card out of the table before it releases the
	 * card's lists: seen here, the card's release will find this list.
	 */
	if (xa_load(&uf->cards, hcard) != l->card)
		ret = -EBADF;
	else if (uf->num_xlists >= UDRV_MAX_XLISTS ||
		 l->num > UDRV_MAX_XLIST_CMDS - uf->xlist_cmds)
		ret = -ENOSPC;
	else
		ret = xa_alloc_cyclic(&uf->xlists, handle, l, xa_limit_32b,
				      &uf->xlist_next, GFP_KERNEL_ACCOUNT);
	if (ret >= 0) {
		uf->num_xlists++;
		uf->xlist_cmds += l->num;
		ret = 0;
	}
	up_write(&uf->sem);
	return ret;
}

long udrv_ioctl_xlist_prepare(struct udrv_file *uf, void __user *arg)
{
	struct udrv_xlist_prepare p;
	struct udrv_xfer *cmds;
	struct udrv_xlist *l;
	u32 handle = 0;
	int ret;

	ret = udrv_copy_arg(&p, arg, sizeof(p));
	if (ret)
		return ret;
	if (!p.num || !p.cmds || p.pad)
		return -EINVAL;
	if (p.num > UDRV_MAX_MULTI)
		return -ENOSPC;
	cmds = kvmalloc_array(p.num, sizeof(*cmds), GFP_KERNEL);
	if (!cmds)
		return -ENOMEM;
	if (copy_from_user(cmds, udrv_user_ptr(p.cmds),
			   p.num * sizeof(*cmds))) {
		kvfree(cmds);
		return -EFAULT;
	}
	l = kvzalloc(struct_size(l, op, p.num), GFP_KERNEL_ACCOUNT);
	if (!l) {
		kvfree(cmds);
		return -ENOMEM;
	}
	refcount_set(&l->ref, 1);
	l->num = p.num;
	l->card = udrv_card_get(uf, p.hcard);
	p.failed = 0;
	if (!l->card)
		ret = -EBADF;
	else
		ret = udrv_xlist_fill(l, cmds, &p.failed);
	kvfree(cmds);
	if (!ret) {
		l->serial = atomic64_inc_return(&udrv_xlist_serial);
		ret = udrv_xlist_insert(uf, p.hcard, l, &handle);
	}
	if (ret) {
		if (l->card)
			udrv_card_put(l->card);
		kvfree(l);
		if (put_user(p.failed,
			     &((struct udrv_xlist_prepare __user *)arg)->failed))
			return -EFAULT;
		return ret;
	}
	p.handle = handle;
	p.serial = l->serial;
	if (copy_to_user(arg, &p, sizeof(p))) {
		/* The caller cannot know the list: it goes again */
		LIST_HEAD(dead);

		down_write(&uf->sem);
		if (xa_load(&uf->xlists, handle) == l)
			udrv_xlist_unlink(uf, handle, l, &dead);
		up_write(&uf->sem);
		udrv_xlist_put_dead(&dead);
		return -EFAULT;
	}
	return 0;
}

long udrv_ioctl_xlist_free(struct udrv_file *uf, void __user *arg)
{
	struct udrv_xlist_free f;
	struct udrv_xlist *l;
	LIST_HEAD(dead);
	int ret;

	ret = udrv_copy_arg(&f, arg, sizeof(f));
	if (ret)
		return ret;
	down_write(&uf->sem);
	l = xa_load(&uf->xlists, f.handle);
	if (l && l->serial == f.serial)
		udrv_xlist_unlink(uf, f.handle, l, &dead);
	else
		ret = -ESTALE;
	up_write(&uf->sem);
	udrv_xlist_put_dead(&dead);
	return ret;
}

/* A referenced list of this file, or NULL; no lock of the file taken */
static struct udrv_xlist *udrv_xlist_get(struct udrv_file *uf, u32 handle,
					 u64 serial)
{
	struct udrv_xlist *l;

	rcu_read_lock();
	l = xa_load(&uf->xlists, handle);
	if (l && (l->serial != serial || !refcount_inc_not_zero(&l->ref)))
		l = NULL;
	rcu_read_unlock();
	return l;
}

/* The write commands' data, from the caller's array */
static int udrv_xlist_get_data(const struct udrv_xlist *l,
			       struct udrv_xfer __user *ucmd, u64 *vals)
{
	u32 i;

	if (!user_read_access_begin(ucmd, l->num * sizeof(*ucmd)))
		return -EFAULT;
	for (i = 0; i < l->num; i++)
		if (l->op[i].cmd & UDRV_CMD_WRITE)
			unsafe_get_user(vals[i], &ucmd[i].data, efault);
	user_read_access_end();
	return 0;
efault:
	user_read_access_end();
	return -EFAULT;
}

/* The values read, to the caller's array: one user access window */
static int udrv_xlist_put_data(const struct udrv_xlist *l,
			       struct udrv_xfer __user *ucmd, const u64 *vals)
{
	u32 i;

	if (!user_write_access_begin(ucmd, l->num * sizeof(*ucmd)))
		return -EFAULT;
	for (i = 0; i < l->num; i++)
		if (l->op[i].cmd && !(l->op[i].cmd & UDRV_CMD_WRITE))
			unsafe_put_user(vals[i], &ucmd[i].data, efault);
	user_write_access_end();
	return 0;
efault:
	user_write_access_end();
	return -EFAULT;
}

/*
 * One read.  Memory BARs with readX, inline, where ioreadX (udrv_read) is
 * a call that first tells ports from memory: a third of a read's cost
 * beyond the access itself, measured under emulation.
 */
static inline u64 udrv_xop_read(const struct udrv_xop *o)
{
	if (o->io)
		return udrv_read(o->p, o->width);
	switch (o->width) {
	case 1:
		return readb(o->p);
	case 2:
		return readw(o->p);
	case 4:
		return readl(o->p);
	default:
		return readq(o->p);
	}
}

static inline void udrv_xop_write(const struct udrv_xop *o, u64 v)
{
	if (o->io) {
		udrv_write(o->p, o->width, v);
		return;
	}
	switch (o->width) {
	case 1:
		writeb(v, o->p);
		break;
	case 2:
		writew(v, o->p);
		break;
	case 4:
		writel(v, o->p);
		break;
	default:
		writeq(v, o->p);
		break;
	}
}

/* The device accesses; the caller holds dev->io_sem and checked `gone` */
static void udrv_xlist_access(const struct udrv_xlist *l, u64 *vals)
{
	u32 i;

	for (i = 0; i < l->num; i++) {
		const struct udrv_xop *o = &l->op[i];

		if (o->cmd & UDRV_CMD_WRITE)
			udrv_xop_write(o, vals[i]);
		else if (o->cmd)
			vals[i] = udrv_xop_read(o);
	}
}

/* The monitor's lines for a run, as for a multi-transfer (monitor on only) */
static void udrv_xlist_dbg(const struct udrv_xlist *l, const u64 *vals)
{
	struct udrv_xfer *x;
	u32 i;

	x = kvcalloc(l->num, sizeof(*x), GFP_KERNEL);
	if (!x)
		return;
	for (i = 0; i < l->num; i++) {
		x[i].addr = l->op[i].addr;
		x[i].bar = l->op[i].bar;
		x[i].cmd = l->op[i].cmd;
		x[i].data = vals[i];
	}
	udrv_dbg_xfers(l->card->dev, l->card->handle, x, l->num, l->num, 0);
	kvfree(x);
}

long udrv_ioctl_xlist_run(struct udrv_file *uf, void __user *arg)
{
	struct udrv_xlist_run r;
	struct udrv_xfer __user *ucmd;
	u64 stack_vals[UDRV_XLIST_STACK], *vals = stack_vals;
	struct udrv_xlist *l;
	struct udrv_dev *dev;
	int ret;

	ret = udrv_copy_arg(&r, arg, sizeof(r));
	if (ret)
		return ret;
	l = udrv_xlist_get(uf, r.handle, r.serial);
	if (!l)
		return -ESTALE;
	ucmd = udrv_user_ptr(r.cmds);
	if (r.num != l->num || !r.cmds) {
		ret = -EINVAL;
		goto out;
	}
	if (l->num > UDRV_XLIST_STACK) {
		vals = kvmalloc_array(l->num, sizeof(*vals), GFP_KERNEL);
		if (!vals) {
			ret = -ENOMEM;
			goto out;
		}
	}
	if (l->nwrites) {
		ret = udrv_xlist_get_data(l, ucmd, vals);
		if (ret)
			goto out;
	}
	dev = l->card->dev;
	down_read(&dev->io_sem);
	/* Revoked: unregistered meanwhile, its lists on their way out */
	if (dev->gone)
		ret = -EIO;
	else if (l->card->revoked)
		ret = -ESTALE;
	else
		udrv_xlist_access(l, vals);
	up_read(&dev->io_sem);
	if (ret)
		goto out;
	udrv_dbg_call(udrv_xlist_dbg, l, vals);
	if (l->nreads && udrv_xlist_put_data(l, ucmd, vals)) {
		ret = -EFAULT;
		/* The commands ran: `done` says so, as a multi-transfer's */
		put_user(l->num, &((struct udrv_xlist_run __user *)arg)->done);
	}
out:
	if (vals != stack_vals)
		kvfree(vals);
	udrv_xlist_put(l);
	return ret;
}
