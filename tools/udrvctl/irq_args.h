/* SPDX-License-Identifier: MIT */
/*
 * irq_args.h - the options of `udrvctl irq` and the kernel-side command
 * list they describe (host unit-tested).
 */
#ifndef UDRVCTL_IRQ_ARGS_H
#define UDRVCTL_IRQ_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <udrv/wd.h>

/* --status and --mask take two commands, the rest is for --ack. */
#define CTL_IRQ_MAX_ACK	(UDRV_MAX_INT_CMDS - 2)

struct ctl_irq_reg {
	uint32_t bar;
	uint64_t off;
	uint32_t val;		/* --ack only */
};

struct ctl_irq_args {
	WD_PCI_SLOT slot;
	uint32_t types;		/* INTERRUPT_* type bits; 0 = any */
	bool have_status, have_mask;
	struct ctl_irq_reg status;
	uint32_t mask;
	uint32_t num_ack;
	struct ctl_irq_reg ack[CTL_IRQ_MAX_ACK];
	uint32_t count;		/* 0 = until SIGINT/SIGTERM */
	uint32_t timeout_ms;	/* 0 = none */
};

/*
 * irq BDF [--msi|--msix|--intx]... [--status BAR:OFF] [--mask VAL]
 *     [--ack BAR:OFF:VAL]... [--count N] [--timeout MS]
 * Options also as --opt=VALUE.  0, or -1 with the reason in err.
 */
int ctl_irq_parse(int argc, char **argv, struct ctl_irq_args *a, char *err,
		  size_t errlen);

/*
 * The commands the kernel runs at IRQ time: the --status read (RM_DWORD),
 * the CMD_MASK of --mask, then each --ack write (WM_DWORD), in that order.
 * cmds has room for UDRV_MAX_INT_CMDS; returns how many were filled.
 */
uint32_t ctl_irq_cmds(const struct ctl_irq_args *a, WD_TRANSFER *cmds);

/* WD_INTERRUPT options: the types, INTERRUPT_CMD_COPY with --status. */
uint32_t ctl_irq_options(const struct ctl_irq_args *a);

#endif /* UDRVCTL_IRQ_ARGS_H */
