// SPDX-License-Identifier: GPL-2.0
/*
 * udrv - a generic kernel agent for user-mode PCI drivers.
 *
 * main.c: the /dev/udrv misc device, per-open-file context and the ioctl
 * dispatcher.  Everything a file owns is released in udrv_release(), which
 * runs when the last reference to the open file goes away, also when the
 * process is killed.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "udrv.h"
#include "debug.h"

int udrv_copy_arg(void *karg, const void __user *uarg, size_t size)
{
	u32 claimed;

	if (copy_from_user(karg, uarg, size))
		return -EFAULT;
	/* Every ABI structure starts with its own size. */
	memcpy(&claimed, karg, sizeof(claimed));
	if (claimed != size)
		return -EMSGSIZE;
	return 0;
}

void __user *udrv_user_ptr(u64 ptr)
{
	/*
	 * A 32-bit process may leave garbage in the upper half of a pointer
	 * stored in a 64-bit field (a union with a native pointer).
	 */
	if (in_compat_syscall())
		return compat_ptr((u32)ptr);
	return u64_to_user_ptr(ptr);
}

static int udrv_open(struct inode *inode, struct file *file)
{
	struct udrv_file *uf;

	uf = kzalloc(sizeof(*uf), GFP_KERNEL);
	if (!uf)
		return -ENOMEM;
	init_rwsem(&uf->sem);
	xa_init(&uf->cards);
	xa_init(&uf->dmas);
	xa_init_flags(&uf->kps, XA_FLAGS_ALLOC1);
	xa_init_flags(&uf->events, XA_FLAGS_ALLOC1);
	xa_init_flags(&uf->xlists, XA_FLAGS_ALLOC1);
	uf->mapping = file->f_mapping;
	/*
	 * Privilege is the opener's, as for any device node: a descriptor
	 * passed to another process carries exactly what it was opened with.
	 */
	uf->admin = capable(CAP_SYS_ADMIN);
	uf->writable = file->f_mode & FMODE_WRITE;
	udrv_dbg_open(&uf->dbg_seq);
	file->private_data = uf;
	return 0;
}

static int udrv_release(struct inode *inode, struct file *file)
{
	struct udrv_file *uf = file->private_data;

	udrv_event_release_file(uf);
	/* Kernel PlugIns first: their funcClose may still use the cards. */
	udrv_kp_release_file(uf);
	udrv_xlist_release(uf, NULL);
	udrv_file_release_cards(uf);
	xa_destroy(&uf->events);
	xa_destroy(&uf->xlists);
	xa_destroy(&uf->kps);
	xa_destroy(&uf->cards);
	xa_destroy(&uf->dmas);
	kfree(uf);
	return 0;
}

static long udrv_ioctl_version(void __user *arg)
{
	struct udrv_version v;
	int ret;

	ret = udrv_copy_arg(&v, arg, sizeof(v));
	if (ret)
		return ret;
	v.abi_version = UDRV_ABI_VERSION;
	memset(v.text, 0, sizeof(v.text));
	strscpy(v.text, UDRV_VERSION_TEXT, sizeof(v.text));
	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

/*
 * A file opened read-only may look (version, scan, card info, config
 * reads) but not change a device: everything else starts with a
 * registration or acts on one, and refuses with -EBADF, like write(2) on
 * such a file.  Config writes are refused in config.c.
 */
static bool udrv_ioctl_reads_only(unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);

	/* By number: a wrong size still gets its -EMSGSIZE below */
	return nr == _IOC_NR(UDRV_IOC_VERSION) ||
	       nr == _IOC_NR(UDRV_IOC_SCAN) ||
	       nr == _IOC_NR(UDRV_IOC_CARD_INFO) ||
	       nr == _IOC_NR(UDRV_IOC_CONFIG) ||
	       nr == _IOC_NR(UDRV_IOC_DEBUG_DUMP);
}

static long udrv_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct udrv_file *uf = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (!uf->writable && !udrv_ioctl_reads_only(cmd) &&
	    _IOC_TYPE(cmd) == UDRV_IOC_MAGIC)
		return -EBADF;
	switch (cmd) {
	case UDRV_IOC_VERSION:
		return udrv_ioctl_version(uarg);
	case UDRV_IOC_SCAN:
		return udrv_ioctl_scan(uarg);
	case UDRV_IOC_CARD_INFO:
		return udrv_ioctl_card_info(uarg);
	case UDRV_IOC_CONFIG:
		return udrv_ioctl_config(uf, uarg);
	case UDRV_IOC_REGISTER:
		return udrv_ioctl_register(uf, uarg);
	case UDRV_IOC_UNREGISTER:
		return udrv_ioctl_unregister(uf, uarg);
	case UDRV_IOC_TRANSFER:
		return udrv_ioctl_transfer(uf, uarg);
	case UDRV_IOC_MULTI_TRANSFER:
		return udrv_ioctl_multi_transfer(uf, uarg);
	case UDRV_IOC_CLEANUP_SETUP:
		return udrv_ioctl_cleanup_setup(uf, uarg);
	case UDRV_IOC_INT_ENABLE:
		return udrv_ioctl_int_enable(uf, uarg);
	case UDRV_IOC_INT_WAIT:
		return udrv_ioctl_int_wait(uf, uarg, true);
	case UDRV_IOC_INT_COUNT:
		return udrv_ioctl_int_wait(uf, uarg, false);
	case UDRV_IOC_INT_DISABLE:
		return udrv_ioctl_int_disable(uf, uarg);
	case UDRV_IOC_INT_FD:
		return udrv_ioctl_int_fd(uf, uarg);
	case UDRV_IOC_DMA_LOCK:
		return udrv_ioctl_dma_lock(uf, uarg);
	case UDRV_IOC_DMA_UNLOCK:
		return udrv_ioctl_dma_unlock(uf, uarg);
	case UDRV_IOC_DMA_SYNC:
		return udrv_ioctl_dma_sync(uf, uarg);
	case UDRV_IOC_DMA_MASK:
		return udrv_ioctl_dma_mask(uf, uarg);
	case UDRV_IOC_KP_OPEN:
		return udrv_ioctl_kp_open(uf, uarg);
	case UDRV_IOC_KP_CALL:
		return udrv_ioctl_kp_call(uf, uarg);
	case UDRV_IOC_KP_CLOSE:
		return udrv_ioctl_kp_close(uf, uarg);
	case UDRV_IOC_EVENT_REGISTER:
		return udrv_ioctl_event_register(uf, uarg);
	case UDRV_IOC_EVENT_PULL:
		return udrv_ioctl_event_pull(uf, uarg);
	case UDRV_IOC_EVENT_UNREGISTER:
		return udrv_ioctl_event_unregister(uf, uarg);
	case UDRV_IOC_DEBUG_SET:
		return udrv_ioctl_debug_set(uf, uarg);
	case UDRV_IOC_DEBUG_DUMP:
		return udrv_ioctl_debug_dump(uf, uarg);
	case UDRV_IOC_DEBUG_ADD:
		return udrv_ioctl_debug_add(uf, uarg);
	case UDRV_IOC_XLIST_PREPARE:
		return udrv_ioctl_xlist_prepare(uf, uarg);
	case UDRV_IOC_XLIST_RUN:
		return udrv_ioctl_xlist_run(uf, uarg);
	case UDRV_IOC_XLIST_FREE:
		return udrv_ioctl_xlist_free(uf, uarg);
	}
	/* Right magic and number but another size: an ABI mismatch. */
	if (_IOC_TYPE(cmd) == UDRV_IOC_MAGIC && _IOC_NR(cmd) <= UDRV_IOC_LAST_NR)
		return -EMSGSIZE;
	return -ENOTTY;
}

#ifdef CONFIG_COMPAT
/*
 * 32-bit processes are refused: the structures have one layout for both,
 * but mmap2 offsets stop at 2^44, below the BAR and DMA buffer offsets, so
 * a 32-bit driver could not map its device.  Better a clear refusal at the
 * first call (WD_Open asks for the version) than a driver that half works.
 */
static long udrv_compat_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	pr_notice_ratelimited("udrv: %s[%d] is a 32-bit program: udrv serves 64-bit programs only\n",
			      current->comm, task_pid_nr(current));
	return -ENOEXEC;
}
#endif

/*
 * A 32-bit process can still hold a descriptor with cards (inherited from
 * a 64-bit one): it is refused here too, with the same error.
 */
static int udrv_mmap_native(struct file *file, struct vm_area_struct *vma)
{
	if (in_compat_syscall())
		return -ENOEXEC;
	return udrv_mmap(file, vma);
}

static const struct file_operations udrv_fops = {
	.owner = THIS_MODULE,
	.open = udrv_open,
	.release = udrv_release,
	.unlocked_ioctl = udrv_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = udrv_compat_ioctl,
#endif
	.mmap = udrv_mmap_native,
	.llseek = noop_llseek,
};

static struct miscdevice udrv_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = UDRV_DEVICE_NAME,
	.fops = &udrv_fops,
	.mode = 0600,	/* a udev rule may grant a group; see docs/security.md */
};

static int __init udrv_init(void)
{
	int ret;

	udrv_xlist_init();
	ret = udrv_dbg_init();
	if (ret)
		return ret;
	ret = udrv_pci_register();
	if (ret) {
		udrv_dbg_exit();
		return ret;
	}
	ret = misc_register(&udrv_misc);
	if (ret) {
		udrv_pci_unregister();
		udrv_dbg_exit();
		return ret;
	}
	ret = udrv_autobind_init();
	if (ret) {
		misc_deregister(&udrv_misc);
		udrv_pci_unregister();
		udrv_dbg_exit();
		return ret;
	}
	pr_info("%s loaded (ABI %d)\n", UDRV_VERSION_TEXT, UDRV_ABI_VERSION);
	return 0;
}

static void __exit udrv_exit(void)
{
	udrv_autobind_exit();
	misc_deregister(&udrv_misc);
	udrv_pci_unregister();
	udrv_dbg_exit();
}

module_init(udrv_init);
module_exit(udrv_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("udrv: generic agent for user-mode PCI drivers");
MODULE_AUTHOR("The udrv developers");
MODULE_VERSION(UDRV_VERSION);
