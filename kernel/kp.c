// SPDX-License-Identifier: GPL-2.0
/*
 * kp.c: Kernel PlugIns.  The registry of loaded KP modules (unique names),
 * and the handles that open a KP on a registered card: KP_OPEN, KP_CALL,
 * KP_CLOSE.
 *
 * A handle is reachable from its file's table (uf->kps, under uf->sem)
 * and from its device's list (dev->kps, under dev->lock); each holds a
 * reference, as does every user.  Its sem orders the KP's callbacks:
 * funcOpen and funcClose run holding it for writing, funcCall for reading,
 * so calls on one handle run concurrently with each other (the KP guards
 * its state with kp_spinlock and atomics, as in user mode), never with
 * open or close.  funcClose runs exactly once, for whichever closer comes
 * first: KP_CLOSE, the unregistering of the card (before its cleanup
 * commands), the release of the file (process death), or the removal of
 * the device (before its BARs are unmapped).  While a KP callback runs,
 * the handle's sem is the only agent lock held, and user memory is only
 * copied with no lock held at all.
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "kp_dev.h"
#include "debug.h"

static LIST_HEAD(udrv_kps);
static DEFINE_MUTEX(udrv_kps_lock);

static struct udrv_kp *udrv_kp_find(const char *name)
{
	struct udrv_kp *kp;

	lockdep_assert_held(&udrv_kps_lock);
	list_for_each_entry(kp, &udrv_kps, node)
		if (!strcmp(kp->name, name))
			return kp;
	return NULL;
}

/* Called by a KP module's init (UDRV_KP_MODULE in kp.h). */
int udrv_kp_register(bool (*init)(KP_INIT *), struct module *owner)
{
	struct udrv_kp *kp, *other;
	KP_INIT ki;
	int ret = 0;

	memset(&ki, 0, sizeof(ki));
	if (!init || !init(&ki)) {
		pr_err("udrv: module %s: KP_Init returned false; not loading it\n",
		       module_name(owner));
		return -EINVAL;
	}
	if (ki.version != KP_VERSION || !ki.name[0] || !ki.funcOpen ||
	    strnlen(ki.name, sizeof(ki.name)) == sizeof(ki.name)) {
		pr_err("udrv: module %s: KP_Init must set version %u (not %u), a NUL-terminated name and funcOpen; not loading it\n",
		       module_name(owner), KP_VERSION, ki.version);
		return -EINVAL;
	}
	kp = kzalloc(sizeof(*kp), GFP_KERNEL);
	if (!kp)
		return -ENOMEM;
	strscpy(kp->name, ki.name, sizeof(kp->name));
	kp->owner = owner;
	kp->open = ki.funcOpen;
	kp->version = ki.version;

	mutex_lock(&udrv_kps_lock);
	other = udrv_kp_find(kp->name);
	if (other) {
		pr_err("udrv: Kernel PlugIn '%s' is already loaded (module %s); not loading module %s\n",
		       kp->name, module_name(other->owner), module_name(owner));
		ret = -EEXIST;
	} else {
		list_add_tail(&kp->node, &udrv_kps);
	}
	mutex_unlock(&udrv_kps_lock);
	if (ret) {
		kfree(kp);
		return ret;
	}
	pr_info("udrv: Kernel PlugIn '%s' loaded (module %s)\n", kp->name,
		module_name(owner));
	return 0;
}
EXPORT_SYMBOL_NS_GPL(udrv_kp_register, UDRV);

/*
 * Called by a KP module's exit: it has no open handle then, since each
 * holds a reference to the module.
 */
void udrv_kp_unregister(struct module *owner)
{
	struct udrv_kp *kp, *n;

	mutex_lock(&udrv_kps_lock);
	list_for_each_entry_safe(kp, n, &udrv_kps, node) {
		if (kp->owner != owner)
			continue;
		list_del(&kp->node);
		pr_info("udrv: Kernel PlugIn '%s' unloaded\n", kp->name);
		kfree(kp);
	}
	mutex_unlock(&udrv_kps_lock);
}
EXPORT_SYMBOL_NS_GPL(udrv_kp_unregister, UDRV);

/* The KP of that name with a reference to its module, or NULL. */
static struct udrv_kp *udrv_kp_get(const char *name)
{
	struct udrv_kp *kp;

	mutex_lock(&udrv_kps_lock);
	kp = udrv_kp_find(name);
	/* A module on its way out refuses new references. */
	if (kp && !try_module_get(kp->owner))
		kp = NULL;
	mutex_unlock(&udrv_kps_lock);
	return kp;
}

ssize_t udrv_kp_sysfs_show(char *buf)
{
	struct udrv_kp *kp;
	ssize_t len = 0;

	mutex_lock(&udrv_kps_lock);
	list_for_each_entry(kp, &udrv_kps, node)
		len += sysfs_emit_at(buf, len,
				     "%s module=%s version=%u handles=%d calls=%lld closes=%d\n",
				     kp->name, module_name(kp->owner),
				     kp->version, atomic_read(&kp->handles),
				     (long long)atomic64_read(&kp->calls),
				     atomic_read(&kp->closes));
	mutex_unlock(&udrv_kps_lock);
	return len;
}

static void udrv_kph_free(struct kref *kref)
{
	struct udrv_kph *kph = container_of(kref, struct udrv_kph, kref);

	udrv_card_put(kph->card);
	kfree_rcu(kph, rcu);
}

void udrv_kph_put(struct udrv_kph *kph)
{
	kref_put(&kph->kref, udrv_kph_free);
}

/* Takes over the caller's references to card and kp's module. */
static struct udrv_kph *udrv_kph_alloc(struct udrv_file *uf,
				       struct udrv_card *card,
				       struct udrv_kp *kp)
{
	struct udrv_kph *kph = kzalloc(sizeof(*kph), GFP_KERNEL);

	if (!kph)
		return NULL;
	kref_init(&kph->kref);
	init_rwsem(&kph->sem);
	INIT_LIST_HEAD(&kph->dev_node);
	mutex_init(&kph->hold_lock);
	INIT_LIST_HEAD(&kph->holds);
	kph->kp = kp;
	kph->card = card;
	kph->wdc.dev = card->dev;
	kph->wdc.uf = uf;
	strscpy(kph->wdc.name, kp->name, sizeof(kph->wdc.name));
	strscpy(kph->wdc.who, pci_name(card->dev->pdev), sizeof(kph->wdc.who));
	return kph;
}

/* With kph->sem held for writing; the first closer calls funcClose. */
static void udrv_kph_close_locked(struct udrv_kph *kph, bool dead)
{
	struct udrv_kp *kp = kph->kp;

	if (kph->closed)
		return;
	kph->closed = true;
	kph->dead = dead;
	/*
	 * The device is going: the KP hears it first, while its interrupt
	 * and its BARs still work, so that it can quiesce its own state.
	 */
	if (dead && kph->ops.funcEvent)
		kph->ops.funcEvent(kph->wdc.ctx, WD_REMOVE);
	udrv_kp_irq_close(kph);
	if (kph->ops.funcClose)
		kph->ops.funcClose(kph->wdc.ctx);
	/* Whatever the KP kept of the handle is refused from now on. */
	WRITE_ONCE(kph->wdc.closed, true);
	udrv_kp_dma_release(kph);
	atomic_dec(&kp->handles);
	atomic_inc(&kp->closes);
	/* Last: the KP's code and its registry entry may go after this. */
	module_put(kp->owner);
}

/* Off its device's list, if it still is on it. */
static void udrv_kph_unlist(struct udrv_kph *kph)
{
	struct udrv_dev *dev = kph->wdc.dev;
	bool listed;

	mutex_lock(&dev->lock);
	listed = !list_empty(&kph->dev_node);
	list_del_init(&kph->dev_node);
	mutex_unlock(&dev->lock);
	if (listed)
		udrv_kph_put(kph);
}

static void udrv_kph_shutdown(struct udrv_kph *kph, bool dead)
{
	down_write(&kph->sem);
	udrv_kph_close_locked(kph, dead);
	up_write(&kph->sem);
	udrv_kph_unlist(kph);
}

/*
 * On the device's list first, so that a removal waits for funcOpen (it
 * takes the sem, held here for writing) and closes the handle; then into
 * the file's table, unless the card was unregistered meanwhile.  Returns
 * the handle or a negative errno; the opener's reference stays.
 */
static int udrv_kph_open(struct udrv_file *uf, struct udrv_kph *kph, u32 hcard,
			 const void *data, u32 size)
{
	struct udrv_dev *dev = kph->wdc.dev;
	struct udrv_kp *kp = kph->kp;
	void *ctx = NULL;
	int i, ret = 0;
	u32 h = 0;

	down_write(&kph->sem);
	mutex_lock(&dev->lock);
	if (dev->kp_closing || dev->gone) {
		ret = -EIO;
	} else {
		/* BARs are constant until removal, which closes us first. */
		for (i = 0; i < UDRV_CHECK_NBARS; i++) {
			struct udrv_bar *b = &dev->bar[i];

			kph->wdc.bars[i].len = b->va ? b->len : 0;
			kph->wdc.bars[i].io = b->is_io;
			kph->wdc.va[i] = b->va;
		}
		kref_get(&kph->kref);
		list_add_tail(&kph->dev_node, &dev->kps);
	}
	mutex_unlock(&dev->lock);
	if (ret) {
		kph->closed = true;
		up_write(&kph->sem);
		module_put(kp->owner);
		return ret;
	}

	if (!kp->open(&kph->ops, &kph->wdc, data, size, &ctx)) {
		/* Never opened: no funcClose. */
		kph->closed = true;
		WRITE_ONCE(kph->wdc.closed, true);
		udrv_kp_dma_release(kph);
		up_write(&kph->sem);
		udrv_kph_unlist(kph);
		module_put(kp->owner);
		return -ECONNREFUSED;
	}
	kph->wdc.ctx = ctx;
	atomic_inc(&kp->handles);

	down_write(&uf->sem);
	if (xa_load(&uf->cards, hcard) != kph->card)
		ret = -EBADF;
	else
		ret = xa_alloc_cyclic(&uf->kps, &h, kph, xa_limit_31b,
				      &uf->kp_next, GFP_KERNEL);
	if (ret >= 0) {
		ret = 0;
		kph->handle = h;
		kref_get(&kph->kref);
	}
	up_write(&uf->sem);
	if (ret)
		udrv_kph_close_locked(kph, false);
	up_write(&kph->sem);
	if (ret) {
		udrv_kph_unlist(kph);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	return h;
}

/* Takes the handle out of the file's table; the table's reference. */
static struct udrv_kph *udrv_kph_take(struct udrv_file *uf, u32 h)
{
	struct udrv_kph *kph;

	down_write(&uf->sem);
	kph = h ? xa_erase(&uf->kps, h) : NULL;
	up_write(&uf->sem);
	return kph;
}

long udrv_ioctl_kp_open(struct udrv_file *uf, void __user *arg)
{
	struct udrv_kp_open __user *uo = arg;
	struct udrv_kp_open o;
	struct udrv_card *card;
	struct udrv_kph *kph;
	struct udrv_kp *kp;
	void *data = NULL;
	int ret;

	ret = udrv_copy_arg(&o, arg, sizeof(o));
	if (ret)
		return ret;
	if (!o.name[0] || strnlen(o.name, sizeof(o.name)) == sizeof(o.name))
		return -EINVAL;
	if (o.open_size > UDRV_KP_MAX_OPEN_DATA)
		return -E2BIG;
	if (o.open_size && !o.open_data)
		return -EINVAL;
	/* Exactly open_size bytes: a KP reading past them is caught. */
	if (o.open_size) {
		data = memdup_user(udrv_user_ptr(o.open_data), o.open_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	card = udrv_card_get(uf, o.hcard);
	if (!card) {
		ret = -EBADF;
		goto out;
	}
	kp = udrv_kp_get(o.name);
	if (!kp) {
		udrv_card_put(card);
		ret = -ENOENT;
		goto out;
	}
	kph = udrv_kph_alloc(uf, card, kp);
	if (!kph) {
		module_put(kp->owner);
		udrv_card_put(card);
		ret = -ENOMEM;
		goto out;
	}
	ret = udrv_kph_open(uf, kph, o.hcard, data, o.open_size);
	udrv_dbg(UDRV_DBG_S_KP, ret < 0 ? UDRV_DBG_WARN : UDRV_DBG_INFO,
		 "card %u: KP %s open: %d", o.hcard, o.name, ret);
	udrv_kph_put(kph);
	if (ret > 0) {
		if (put_user((u32)ret, &uo->hkp)) {
			/* The caller cannot know the handle: close it. */
			kph = udrv_kph_take(uf, ret);
			if (kph) {
				udrv_kph_shutdown(kph, false);
				udrv_kph_put(kph);
			}
			ret = -EFAULT;
		} else {
			ret = 0;
		}
	}
out:
	kfree(data);
	return ret;
}

/*
 * Small messages live on the stack: the call is the KP's fast path, and
 * an allocation per call is most of its cost.  Not under KASAN, where an
 * allocation of exactly data_size bytes catches a KP writing past them.
 */
#define UDRV_KP_STACK_DATA	(IS_ENABLED(CONFIG_KASAN) ? 0 : 128)

/* No lock: the handle is found under RCU, and pinned by its kref. */
struct udrv_kph *udrv_kph_get(struct udrv_file *uf, u32 h)
{
	struct udrv_kph *kph;

	rcu_read_lock();
	kph = xa_load(&uf->kps, h);
	if (kph && !kref_get_unless_zero(&kph->kref))
		kph = NULL;
	rcu_read_unlock();
	return kph;
}

long udrv_ioctl_kp_call(struct udrv_file *uf, void __user *arg)
{
	struct udrv_kp_call __user *uc = arg;
	u8 small[UDRV_KP_STACK_DATA ? UDRV_KP_STACK_DATA : 1] __aligned(8);
	WD_KERNEL_PLUGIN_CALL call;
	struct udrv_kp_call c;
	struct udrv_kph *kph;
	void __user *udata;
	void *data = NULL;
	int ret;

	ret = udrv_copy_arg(&c, arg, sizeof(c));
	if (ret)
		return ret;
	if (c.pad)
		return -EINVAL;
	if (c.data_size > UDRV_KP_MAX_CALL_DATA)
		return -E2BIG;
	if (c.data_size && !c.data)
		return -EINVAL;
	udata = udrv_user_ptr(c.data);
	if (c.data_size && c.data_size <= UDRV_KP_STACK_DATA) {
		data = small;
	} else if (c.data_size) {
		data = kvmalloc(c.data_size, GFP_KERNEL);
		if (!data)
			return -ENOMEM;
	}
	if (c.data_size && copy_from_user(data, udata, c.data_size)) {
		ret = -EFAULT;
		goto out;
	}
	kph = udrv_kph_get(uf, c.hkp);
	if (!kph) {
		ret = -EBADF;
		goto out;
	}
	memset(&call, 0, sizeof(call));
	call.hKernelPlugIn = c.hkp;
	call.message = c.message;
	call.data = data;
	call.size = c.data_size;
	down_read(&kph->sem);
	if (kph->closed) {
		ret = kph->dead ? -EIO : -EBADF;
	} else if (!kph->ops.funcCall) {
		ret = -EOPNOTSUPP;
	} else {
		kph->ops.funcCall(kph->wdc.ctx, &call);
		atomic64_inc(&kph->kp->calls);
	}
	up_read(&kph->sem);
	udrv_dbg(UDRV_DBG_S_KP, UDRV_DBG_TRACE, "KP %s handle %u: call message 0x%x, %u bytes: result %u, %d",
		 kph->kp->name, c.hkp, c.message, c.data_size, call.result, ret);
	udrv_kph_put(kph);
	if (ret)
		goto out;
	/* Our own size and buffer, whatever the KP left in call. */
	if (c.data_size && copy_to_user(udata, data, c.data_size))
		ret = -EFAULT;
	else if (put_user(call.result, &uc->result))
		ret = -EFAULT;
out:
	if (data != small)
		kvfree(data);
	return ret;
}

long udrv_ioctl_kp_close(struct udrv_file *uf, void __user *arg)
{
	struct udrv_kp_close c;
	struct udrv_kph *kph;
	int ret;

	ret = udrv_copy_arg(&c, arg, sizeof(c));
	if (ret)
		return ret;
	kph = udrv_kph_take(uf, c.hkp);
	if (!kph)
		return -EBADF;
	/* Closed already if its device went: then only the handle goes. */
	udrv_dbg(UDRV_DBG_S_KP, UDRV_DBG_INFO, "KP %s handle %u: close",
		 kph->kp->name, c.hkp);
	udrv_kph_shutdown(kph, false);
	udrv_kph_put(kph);
	return 0;
}

/* Release of the file: no ioctl of it runs any more. */
void udrv_kp_release_file(struct udrv_file *uf)
{
	struct udrv_kph *kph;
	unsigned long h;

	xa_for_each(&uf->kps, h, kph) {
		xa_erase(&uf->kps, h);
		udrv_kph_shutdown(kph, false);
		udrv_kph_put(kph);
	}
}

/*
 * The card is out of its file's table already; its handles close now.
 * Each stays on its device's list until it is closed, so that a removal
 * running meanwhile finds it and waits on its sem too: a call in progress
 * must return before the removal unmaps the BARs it may be reading.
 */
void udrv_kp_close_card(struct udrv_file *uf, struct udrv_card *card)
{
	struct udrv_dev *dev = card->dev;
	struct udrv_kph *kph, *found;
	bool in_table;

	for (;;) {
		found = NULL;
		mutex_lock(&dev->lock);
		list_for_each_entry(kph, &dev->kps, dev_node) {
			if (kph->card == card) {
				found = kph;
				kref_get(&kph->kref);
				break;
			}
		}
		mutex_unlock(&dev->lock);
		if (!found)
			break;
		down_write(&found->sem);
		udrv_kph_close_locked(found, false);
		up_write(&found->sem);
		udrv_kph_unlist(found);
		/* Its number now names nothing (0: it was still opening) */
		down_write(&uf->sem);
		in_table = found->handle &&
			   xa_cmpxchg(&uf->kps, found->handle, found, NULL,
				      GFP_KERNEL) == found;
		up_write(&uf->sem);
		if (in_table)
			udrv_kph_put(found);
		udrv_kph_put(found);
	}
}

/*
 * Removal or unbind, before anything of the device goes: every handle
 * closes (after its calls in progress returned) and stays in its file's
 * table as dead: calls get -EIO, close succeeds.
 */
void udrv_kp_remove_dev(struct udrv_dev *dev)
{
	struct udrv_kph *kph;

	mutex_lock(&dev->lock);
	dev->kp_closing = true;
	mutex_unlock(&dev->lock);
	for (;;) {
		mutex_lock(&dev->lock);
		kph = list_first_entry_or_null(&dev->kps, struct udrv_kph,
					       dev_node);
		if (kph)
			list_del_init(&kph->dev_node);
		mutex_unlock(&dev->lock);
		if (!kph)
			break;
		down_write(&kph->sem);
		udrv_kph_close_locked(kph, true);
		up_write(&kph->sem);
		udrv_kph_put(kph);
	}
}
