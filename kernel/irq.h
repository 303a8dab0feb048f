/* SPDX-License-Identifier: GPL-2.0 */
/*
 * irq.h - the interrupt object of a device, shared by irq.c (interrupts
 * delivered to user mode, with or without IRQ-time commands) and kp_irq.c
 * (interrupts handled by a Kernel PlugIn).
 */
#ifndef UDRV_IRQ_H
#define UDRV_IRQ_H

#include <linux/interrupt.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include "udrv.h"

/*
 * The storm budget: 10000 interrupts nobody looked at within a second.  A
 * driver that handles its interrupts waits, reads or counts, and each of
 * those starts the budget again (the benchmark's ping-pong stays at 1);
 * 10k/s of hard-IRQ work with no consumer at all is not being served.  A
 * self-raising MSI storm gets there in 60-400 ms under QEMU TCG on a
 * loaded host, in a few ms on hardware: the wide window is for slow
 * emulation, where a storm is just as much a livelock.
 */
#define UDRV_STORM_BURST	10000
#define UDRV_STORM_WINDOW	HZ

struct udrv_kph;

struct udrv_vec {
	struct udrv_irq *ui;
	u32 index;
	int linux_irq;
};

struct udrv_irq {
	struct kref kref;
	struct rcu_head rcu;
	struct udrv_dev *dev;		/* holds a reference */
	struct udrv_card *card;		/* owner; compared, never dereferenced */
	u32 type;
	u32 options;
	u32 num_cmds;
	u32 accumulate;			/* bit i: cmds[i] ORs into copy[i] */
	struct udrv_xfer cmds[UDRV_MAX_INT_CMDS];
	u32 nvec;
	struct udrv_vec vec[UDRV_MAX_VECTORS];
	char name[32];
	/* Kernel PlugIn: its handle (referenced) and funcIntEnable's ctx */
	struct udrv_kph *kph;
	void *kp_ctx;
	bool detaching;			/* a KP teardown is under way */
	struct mutex dpc_lock;		/* one funcIntAtDpc* at a time */

	spinlock_t lock;		/* the state below; taken at IRQ time */
	wait_queue_head_t wq;
	u32 count;			/* delivered to user mode */
	u32 seen;			/* count at the last wait */
	u32 lost;
	u32 last_message;
	u64 vectors;
	u32 stopped;
	bool masked;			/* INTx masked by the handler */
	u32 burst;			/* interrupts since user mode looked */
	unsigned long burst_start;	/* jiffies when burst last restarted */
	u64 copy[UDRV_MAX_INT_CMDS];	/* values read at the last IRQ */
	u32 kp_count;			/* interrupts the KP called its own */
	u32 dpc_pending;		/* of those, waiting for the DPC */
	u32 dpc_last;			/* vector of the last one */
	u32 unacked;			/* in a row, INTx still asserted after */
};

/* irq.c */
void udrv_irq_put(struct udrv_irq *ui);
void udrv_irq_consumed(struct udrv_irq *ui);
bool udrv_irq_storm_check(struct udrv_irq *ui);
void udrv_irq_storm_mask(struct udrv_irq *ui);
irqreturn_t udrv_irq_stopped(struct udrv_irq *ui);
void udrv_irq_stop(struct udrv_irq *ui, u32 why);
void udrv_irq_free_vectors(struct udrv_irq *ui);
void udrv_irq_detach(struct udrv_dev *dev, struct udrv_irq *ui);
struct udrv_irq *udrv_dev_irq(struct udrv_dev *dev);

/* kp_irq.c */
irqreturn_t udrv_kp_irq(int irq, void *arg);
irqreturn_t udrv_kp_dpc(int irq, void *arg);
int udrv_kp_irq_enable(struct udrv_irq *ui, struct udrv_kph *kph,
		       u32 message, const void *data, u32 size);
bool udrv_kp_irq_teardown(struct udrv_irq *ui, u32 why);
void udrv_kp_irq_disabled(struct udrv_irq *ui);
u32 udrv_kp_irq_types(const struct udrv_kph *kph);

#endif /* UDRV_IRQ_H */
