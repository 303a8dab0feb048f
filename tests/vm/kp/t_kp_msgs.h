/* SPDX-License-Identifier: MIT */
/*
 * t_kp_msgs.h - the messages of the test Kernel PlugIn "t_kp"
 * (t_kp_mod.c), shared with its VM test (tests/vm/t_kp.c).
 */
#ifndef T_KP_MSGS_H
#define T_KP_MSGS_H

#define T_KP_NAME	"t_kp"

enum {
	T_KP_ECHO = 1,		/* reverses data in place; result = size */
	T_KP_READ_ID,		/* data (4 bytes) = edu BAR0 offset 0 */
	T_KP_CLOSES,		/* result = funcClose calls since load */
	T_KP_RENDEZVOUS,	/* result 1 if a second caller came within ~5 s */
	T_KP_CTX,		/* result 1 if WDC_GetDevContext is drv_ctx */
	T_KP_BAD_READ,		/* result = status of a read past BAR0 */
	T_KP_CFG_VID,		/* data (2 bytes) = vendor ID; result = status */
	T_KP_CFG_BAR_WRITE,	/* result = status of a write to BAR0's register */
	T_KP_MULTI_ID,		/* data (4 bytes) = the ID via WDC_MultiTransfer */
	/* data (4 bytes): written to edu's liveness register, read back */
	T_KP_SCRATCH,
	/* data (4 bytes): milliseconds (<= 5000) to busy-wait; result 1 */
	T_KP_SPIN,
	T_KP_SPINNING,		/* result = T_KP_SPIN calls running now */
	T_KP_BAD_CLOSES,	/* result = funcClose calls that overlapped a
				 * funcCall of their handle
				 */
	/*
	 * data (4 bytes): milliseconds (<= 5000) to watch the device's PCI
	 * command register; result 1 if it changed meanwhile (the agent
	 * released the device under the call), 0 if not, else a WD_ status
	 * + 2
	 */
	T_KP_WATCH_CMD,
	/*
	 * data (struct t_kp_order): the last funcEvent's action and, on one
	 * clock of callbacks, when the last funcEvent, funcIntDisable and
	 * funcClose of any handle ran (0: never)
	 */
	T_KP_ORDER,
};

struct t_kp_order {
	uint32_t event_action;
	uint32_t event_at;
	uint32_t int_disable_at;
	uint32_t close_at;
};

#endif
