/* SPDX-License-Identifier: MIT */
/*
 * edu_kp_priv.h - the state the edu Kernel PlugIn's two sources share:
 * edu_kp.c (open, messages) and edu_kp_irq.c (interrupts, DMA).
 */
#ifndef EDU_KP_PRIV_H
#define EDU_KP_PRIV_H

#include <udrv/kp.h>
#include "edu_kp.h"

#define EDU_BAR		0

struct edu_kp {
	WDC_DEVICE_HANDLE dev;
	kp_spinlock_t lock;	/* everything below but the atomics */
	bool fact_busy;		/* the factorial register: one user at a time */
	kp_atomic_t calls;
	/* interrupts (edu_kp_irq.c) */
	bool int_on;
	uint32_t mode, every;
	uint32_t since_wake;	/* DPC: interrupts not yet woken for */
	bool pp_on;		/* ping-pong running */
	uint32_t pp_target;
	bool pp_done;		/* reached: the DPC wakes user mode */
	bool pp_resume;		/* end of a burst: the DPC raises again */
	int dma_stage;		/* 0 idle, 1 to edu, 2 to the destination */
	uint64_t dma_dst;	/* bus address of the second leg */
	uint32_t dma_bytes;
	bool dma_wake;		/* done: the DPC wakes user mode */
	kp_atomic_t handled, dpcs, dpc_sum, wakes, pongs, dma_done;
	uint64_t irql_ns;	/* when the last handler ran (benchmarks) */
};

/* edu_kp_irq.c */
void edu_kp_irq_init(KP_OPEN_CALL *kp);
bool edu_kp_irq_call(struct edu_kp *e, WD_KERNEL_PLUGIN_CALL *call);
/* funcClose while interrupts are on: counted, it must never happen */
void edu_kp_irq_closing(struct edu_kp *e);

#endif /* EDU_KP_PRIV_H */
