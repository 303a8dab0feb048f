/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kp_dev.h - Kernel PlugIn structures private to udrv.ko: the registry
 * entry of a loaded KP, an open handle, and the WDC_DEVICE a KP's
 * accessors get (kp.c, kp_rt.c).
 */
#ifndef UDRV_KP_DEV_H
#define UDRV_KP_DEV_H

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <udrv/kp.h>
#include "udrv.h"

/*
 * The accessors' checks (common/wdc_check.h, shared with libudrv) report
 * through a rate-limited log line naming the KP (kp_rt.c).
 */
__printf(2, 3) u32 udrv_kp_check_fail(u32 status, const char *fmt, ...);
#define UDRV_CHECK_FAIL(status, fmt, ...) \
	udrv_kp_check_fail(status, fmt "\n", ##__VA_ARGS__)
#include <wdc_check.h>

/* A loaded KP module, registered under its KP_INIT.name */
struct udrv_kp {
	struct list_head node;		/* on udrv_kps, under udrv_kps_lock */
	char name[UDRV_KP_NAME_LEN];
	struct module *owner;
	KP_FUNC_OPEN open;
	u32 version;
	atomic_t handles;		/* open now */
	atomic64_t calls;
	atomic_t closes;		/* funcClose calls */
};

/*
 * What a KP's WDC_DEVICE_HANDLE points to.  The BAR table is a copy taken
 * at open: it cannot change while a handle is open, since removal closes
 * every handle before the BARs are unmapped.
 */
struct WDC_DEVICE {
	struct udrv_dev *dev;
	struct udrv_file *uf;		/* registered the card */
	struct udrv_check_bar bars[UDRV_CHECK_NBARS];
	void __iomem *va[UDRV_CHECK_NBARS];
	void *ctx;			/* funcOpen's drv_ctx */
	bool closed;			/* after funcClose: accesses refused */
	char name[UDRV_KP_NAME_LEN];	/* the KP's, for messages */
	char who[16];			/* the device, for messages */
};

struct udrv_kph {
	struct kref kref;	/* the opener, the file's table, dev->kps */
	struct rcu_head rcu;	/* calls look the handle up under RCU */
	/*
	 * Write: funcOpen, funcClose (and the decision to close); read:
	 * funcCall.  Calls on one handle run concurrently.
	 */
	struct rw_semaphore sem;
	bool closed;		/* under sem (write) */
	bool dead;		/* closed because the device went */
	u32 handle;		/* in the file's table, 0 before */
	struct udrv_kp *kp;	/* valid while the module reference is held */
	struct udrv_card *card;	/* referenced */
	KP_OPEN_CALL ops;
	struct list_head dev_node;	/* on dev->kps, under dev->lock */
	struct mutex hold_lock;
	struct list_head holds;		/* DMA buffers it got (kp_dma.c) */
	struct WDC_DEVICE wdc;
};

struct udrv_kph *udrv_kph_get(struct udrv_file *uf, u32 h);
void udrv_kph_put(struct udrv_kph *kph);
/* kp_irq.c: the handle's interrupt goes before its funcClose */
void udrv_kp_irq_close(struct udrv_kph *kph);
/* kp_dma.c: the DMA buffers the KP still held, after its funcClose */
void udrv_kp_dma_release(struct udrv_kph *kph);

#endif /* UDRV_KP_DEV_H */
