/* SPDX-License-Identifier: GPL-2.0 */
/*
 * udrv.h - internal structures of the udrv kernel agent.
 *
 * Lifetimes: a udrv_dev lives from probe until its last reference (the
 * probe's own, dropped at remove, and one per card).  A udrv_card is
 * registered from REGISTER until unregister or the release of its file;
 * its structure lives on while a user mapping of its BARs refers to it,
 * revoked, so that the mapping faults with SIGBUS.  A DMA buffer is the
 * same: its pages go at unlock, its structure with its last mapping.  A
 * udrv_file lives as long as the open file (its mappings hold the file).
 *
 * Lock order: mmap_lock, then uf->sem, then dev->io_sem, then dev->lock.
 * A Kernel PlugIn handle's sem (kp.c) comes before uf->sem and dev->lock,
 * and is never held with mmap_lock.
 * Page faults on udrv mappings come in holding mmap_lock, so none of these
 * is ever held while touching user memory (copy_*_user, get/put_user,
 * pin_user_pages, account_locked_vm).
 */
#ifndef UDRV_INTERNAL_H
#define UDRV_INTERNAL_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <udrv_abi.h>

/* UDRV_VERSION: from the top Makefile's VERSION, through Kbuild */
#define UDRV_VERSION_TEXT "udrv " UDRV_VERSION

struct udrv_bar {
	void __iomem *va;	/* kernel mapping, NULL if the BAR is absent */
	resource_size_t start;
	resource_size_t len;
	bool is_io;
	bool mmap_ok;		/* memory BAR that may be mapped to user space */
	struct resource *reserve; /* rest of the page of a sub-page BAR */
};

struct udrv_irq;

/* A BAR range user space may read but not write (see protect.c) */
struct udrv_prot_range {
	u32 bar;
	u64 start;
	u64 end;
};

struct udrv_dev {
	struct kref kref;
	struct pci_dev *pdev;
	struct list_head node;		/* on udrv_devices */
	/*
	 * io_sem: readers access the BARs and create mappings; remove takes
	 * it for writing to mark the device gone and unmap the BARs.
	 */
	struct rw_semaphore io_sem;
	bool gone;
	struct mutex lock;		/* owners, exclusive, cards, irq */
	unsigned int owners;
	bool exclusive;
	struct list_head cards;
	/* interrupts, if enabled: set under lock, looked up under RCU */
	struct udrv_irq __rcu *irq;
	unsigned int dma_count;		/* DMA buffers of all owners */
	/*
	 * Bus mastering stays on until the last owner goes, buffers or not:
	 * set at a DMA lock when an IOMMU domain of the device's own
	 * translates its DMA (dma.c, udrv_dma_isolated).
	 */
	bool master_kept;
	struct list_head dmas;		/* their udrv_dma, under lock */
	bool intx_was_disabled;		/* at probe: restored at remove */
	struct udrv_bar bar[UDRV_MAX_BARS];
	/* MSI-X table and PBA, set at probe: then constant */
	struct udrv_prot_range prot[2];
	unsigned int num_prot;
	/* Kernel PlugIn handles on this device (kp.c), under lock */
	struct list_head kps;
	bool kp_closing;		/* removal: no new KP handle */
	bool remove_posted;		/* its remove event (event.c) */
};

struct udrv_card {
	struct kref kref;		/* registration, mappings, users */
	bool revoked;			/* under dev->io_sem: mappings fault */
	u32 handle;
	u32 options;
	struct udrv_dev *dev;		/* holds a reference */
	struct udrv_file *file;		/* outlives the card's mappings */
	struct list_head dev_node;	/* on dev->cards, under dev->lock */
	struct udrv_xfer *cleanup;	/* under file->sem (write) */
	u32 num_cleanup;
	u32 cleanup_options;
};

struct udrv_file {
	/* read: look up cards; write: add or remove them */
	struct rw_semaphore sem;
	struct xarray cards;		/* handle -> udrv_card */
	struct xarray dmas;		/* handle -> udrv_dma */
	unsigned int num_dmas;
	struct address_space *mapping;	/* where this file's BAR mappings live */
	bool admin;		/* opener had CAP_SYS_ADMIN */
	bool writable;		/* opened for writing: may change devices */
	struct xarray kps;		/* Kernel PlugIn handles, under sem */
	u32 kp_next;			/* for cyclic handle allocation */
	struct xarray events;		/* event registrations (event.c) */
	u64 dbg_seq;			/* next debug record (debug.c) */
	/* prepared transfer lists (xlist.c): changed under sem (write) */
	struct xarray xlists;
	unsigned int num_xlists;
	u32 xlist_cmds;			/* their commands together */
	u32 xlist_next;			/* for cyclic handle allocation */
};

/* irq.c */
long udrv_ioctl_int_enable(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_int_wait(struct udrv_file *uf, void __user *arg, bool block);
long udrv_ioctl_int_disable(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_int_fd(struct udrv_file *uf, void __user *arg);
void udrv_irq_release(struct udrv_dev *dev, struct udrv_card *card, u32 why);
void udrv_dev_update_master(struct udrv_dev *dev);

/* dma.c */
long udrv_ioctl_dma_lock(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_dma_unlock(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_dma_sync(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_dma_mask(struct udrv_file *uf, void __user *arg);
int udrv_dma_mmap(struct udrv_file *uf, struct vm_area_struct *vma, u64 off);
void udrv_dma_release_card(struct udrv_file *uf, struct udrv_card *card);
void udrv_dma_remove_dev(struct udrv_dev *dev);
void udrv_dma_stats(long *buffers, long *pinned);
/* dma_lines.c: the cache lines device-writable buffers hold */
struct udrv_dma_run;
struct udrv_dma_lines {
	struct udrv_dma_run *runs;
	unsigned long nruns;
};
int udrv_dma_lines_claim(struct udrv_dma_lines *l, struct page **pages,
			 unsigned long npages, unsigned long offset, u64 bytes);
void udrv_dma_lines_release(struct udrv_dma_lines *l);
/* A Kernel PlugIn's view of a buffer (kp_dma.c) */
struct udrv_dma_kview {
	u64 bytes;
	u32 options;
	void *kva;		/* contiguous: a kernel address, else NULL */
	bool vmapped;
	u32 cap;		/* in: entries of list */
	u32 count;		/* out: entries used (or needed) */
	struct udrv_dma_page *list;
};
struct udrv_dma;
struct udrv_dma *udrv_dma_kp_hold(struct udrv_file *uf, struct udrv_card *card,
				  u32 hdma, struct udrv_dma_kview *v);
void udrv_dma_kp_release(struct udrv_dma *d);

/* pci.c */
int udrv_pci_register(void);
void udrv_pci_unregister(void);
struct udrv_dev *udrv_dev_get_by_slot(const struct udrv_slot *slot,
				      struct pci_dev **pdev_out);
void udrv_dev_put(struct udrv_dev *dev);
bool udrv_slot_valid(const struct udrv_slot *slot);
struct pci_dev *udrv_pci_get_slot(const struct udrv_slot *slot);
bool udrv_pci_is_bound(struct pci_dev *pdev);
long udrv_ioctl_scan(void __user *arg);
long udrv_ioctl_card_info(void __user *arg);

/* config.c */
long udrv_ioctl_config(struct udrv_file *uf, void __user *arg);

/* config.c: the CONFIG ioctl's checks, for a device uf owns (KP) */
int udrv_cfg_owned_rw(struct udrv_file *uf, struct udrv_dev *dev, u32 off,
		      u32 len, u8 *buf, bool write);
int udrv_cfg_read_atomic(struct udrv_dev *dev, u32 off, u32 len, u8 *buf);

/* kp.c */
long udrv_ioctl_kp_open(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_kp_call(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_kp_close(struct udrv_file *uf, void __user *arg);
void udrv_kp_release_file(struct udrv_file *uf);
void udrv_kp_close_card(struct udrv_file *uf, struct udrv_card *card);
void udrv_kp_remove_dev(struct udrv_dev *dev);
ssize_t udrv_kp_sysfs_show(char *buf);

/* event.c */
long udrv_ioctl_event_register(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_event_pull(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_event_unregister(struct udrv_file *uf, void __user *arg);
void udrv_event_release_file(struct udrv_file *uf);
void udrv_event_insert(struct udrv_dev *dev);
void udrv_event_remove(struct udrv_dev *dev);

/* debug.c (the hooks: debug.h) */
long udrv_ioctl_debug_set(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_debug_dump(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_debug_add(struct udrv_file *uf, void __user *arg);

/* autobind.c */
int udrv_autobind_init(void);
void udrv_autobind_exit(void);

/* card.c */
long udrv_ioctl_register(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_unregister(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_cleanup_setup(struct udrv_file *uf, void __user *arg);
void udrv_file_release_cards(struct udrv_file *uf);
bool udrv_file_owns_pdev(struct udrv_file *uf, struct pci_dev *pdev);
struct udrv_dev *udrv_file_get_dev(struct udrv_file *uf, u32 hcard);
void udrv_file_put_dev(struct udrv_file *uf, struct udrv_dev *dev);
void udrv_card_zap(struct udrv_card *card);
struct udrv_card *udrv_card_get(struct udrv_file *uf, u32 hcard);
void udrv_card_put(struct udrv_card *card);

/* xfer.c */
int udrv_xfer_check(struct udrv_dev *dev, const struct udrv_xfer *x,
		    bool allow_string);
void udrv_xfer_scalar(struct udrv_dev *dev, struct udrv_xfer *x);
void udrv_xfer_chunk(struct udrv_dev *dev, const struct udrv_xfer *x,
		     u64 done, u8 *buf, u32 len);
long udrv_ioctl_transfer(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_multi_transfer(struct udrv_file *uf, void __user *arg);

/* xlist.c */
void udrv_xlist_init(void);
long udrv_ioctl_xlist_prepare(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_xlist_run(struct udrv_file *uf, void __user *arg);
long udrv_ioctl_xlist_free(struct udrv_file *uf, void __user *arg);
void udrv_xlist_release(struct udrv_file *uf, struct udrv_card *card);

/* protect.c */
void udrv_protect_init(struct udrv_dev *dev);
bool udrv_range_protected(const struct udrv_dev *dev, u32 bar, u64 off,
			  u64 len);
bool udrv_bar_mmap_allowed(const struct udrv_dev *dev, u32 bar, u64 pgoff,
			   u64 npages, bool write);

/* mmap.c */
int udrv_mmap(struct file *file, struct vm_area_struct *vma);

/* main.c: copy an ioctl structure in once and check its size field */
int udrv_copy_arg(void *karg, const void __user *uarg, size_t size);
void __user *udrv_user_ptr(u64 ptr);

#endif /* UDRV_INTERNAL_H */
