// SPDX-License-Identifier: MIT
/*
 * t_irqstorm: the storm budget (issue 7, defect 6).  An IRQ-time command
 * list may write the device's own "raise" register: with MSI every
 * handler run sends the next message at once, a hard-IRQ livelock that
 * the agent before the fix never stopped (the VM soft-locks: the harness
 * fails the boot).  Now an interrupt that fires 10000 times within a second
 * with nobody waiting, reading or counting is masked and its waiters see
 * stopped = UDRV_STOP_STORM (3); disabling and enabling again works.
 * Also when CMD_MASK filters every one of them (uncounted, they still
 * count towards the budget).  With INTx the same list cannot storm: the
 * handler's safety net masks the still-asserted line until the next wait.
 *
 * The test never consumes while a storm runs (a wait, read or count
 * restarts the budget); it sleeps, then looks once.
 *
 * edu: 0x24 interrupt status, 0x60 raise (ORs into the status; with MSI
 * each write sends a message), 0x64 acknowledge.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/tap.h"

#define EDU_STATUS	0x24
#define EDU_RAISE	0x60
#define EDU_ACK		0x64
#define STOP_STORM	3

static int hwd;

static void test_msi_storm(WDC_DEVICE_HANDLE a)
{
	WD_TRANSFER cmds[2];
	WD_INTERRUPT in;
	uint32_t count, i, good = 0;

	memset(cmds, 0, sizeof(cmds));
	cmds[0].cmd = WM_DWORD;
	cmds[0].addr = EDU_ACK;
	cmds[0].data.dw = 0xffffffff;
	cmds[1].cmd = WM_DWORD;		/* raises the next one at once */
	cmds[1].addr = EDU_RAISE;
	cmds[1].data.dw = 0x1;
	setup_intr(&in, cmds, 2, INTERRUPT_MESSAGE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &in),
			WD_STATUS_SUCCESS, "MSI with a self-raising command list"))
		return;
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x1);
	sleep(2);			/* nobody consumes meanwhile */
	tap_status(WD_IntCount(hwd, &in), WD_STATUS_SUCCESS, "count");
	tap_ok(in.stopped == STOP_STORM && in.count >= 10000,
	       "the storm was stopped (stopped %u, count %u)", in.stopped,
	       in.count);
	count = in.count;
	usleep(300000);
	WD_IntCount(hwd, &in);
	tap_ok(in.count == count, "and stays stopped (count %u, then %u)",
	       count, in.count);
	tap_status(WD_IntWait(hwd, &in, 0), WD_STATUS_SUCCESS,
		   "a wait without timeout returns at once");
	tap_ok(in.stopped == STOP_STORM, "with stopped %u", in.stopped);
	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS,
		   "disable the stopped interrupt");
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);

	/* The vector works again once enabled anew. */
	setup_intr(&in, NULL, 0, INTERRUPT_MESSAGE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &in),
			WD_STATUS_SUCCESS, "MSI enabled again"))
		return;
	for (i = 0; i < 20; i++) {
		WDC_WriteAddr32(a, 0, EDU_RAISE, 0x2);
		if (WD_IntWait(hwd, &in, 2000) || in.stopped)
			break;
		good += in.count == i + 1;
		WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	}
	tap_ok(good == 20, "20 ping-pong interrupts after the storm (%u)",
	       good);
	WD_IntDisable(hwd, &in);
}

/* Filtered by CMD_MASK, the storm wakes nobody: still stopped. */
static void test_msi_filtered_storm(WDC_DEVICE_HANDLE a)
{
	WD_TRANSFER cmds[3];
	WD_INTERRUPT in;

	memset(cmds, 0, sizeof(cmds));
	cmds[0].cmd = WM_DWORD;
	cmds[0].addr = EDU_RAISE;
	cmds[0].data.dw = 0x1;
	cmds[1].cmd = RM_DWORD;
	cmds[1].addr = EDU_STATUS;
	cmds[2].cmd = CMD_MASK;		/* never set: "not mine" */
	cmds[2].data.dw = 0x100;
	setup_intr(&in, cmds, 3, INTERRUPT_MESSAGE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &in),
			WD_STATUS_SUCCESS,
			"MSI, self-raising list whose CMD_MASK filters every interrupt"))
		return;
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x1);
	sleep(2);
	WD_IntCount(hwd, &in);
	tap_ok(in.stopped == STOP_STORM && in.count == 0,
	       "the filtered storm was stopped too (stopped %u, count %u)",
	       in.stopped, in.count);
	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS, "disable");
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
}

static void test_intx_self_raise(WDC_DEVICE_HANDLE a)
{
	WD_TRANSFER cmds[4];
	WD_INTERRUPT in;

	memset(cmds, 0, sizeof(cmds));
	cmds[0].cmd = RM_DWORD;
	cmds[0].addr = EDU_STATUS;
	cmds[1].cmd = CMD_MASK;
	cmds[1].data.dw = 0xffffffff;
	cmds[2].cmd = WM_DWORD;
	cmds[2].addr = EDU_ACK;
	cmds[2].data.dw = 0xffffffff;
	cmds[3].cmd = WM_DWORD;
	cmds[3].addr = EDU_RAISE;
	cmds[3].data.dw = 0x1;
	setup_intr(&in, cmds, 4, INTERRUPT_LEVEL_SENSITIVE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &in),
			WD_STATUS_SUCCESS, "INTx with a self-raising command list"))
		return;
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x1);
	sleep(1);
	WD_IntCount(hwd, &in);
	tap_ok(in.count >= 1 && in.count <= 2 && !in.stopped,
	       "INTx: the still-asserted line is masked, no storm (count %u, stopped %u)",
	       in.count, in.stopped);
	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS, "disable INTx");
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
}

int main(void)
{
	WDC_DEVICE_HANDLE a;

	tap_init("t_irqstorm");
	if (WDC_DriverOpen()) {
		tap_ok(false, "open the driver");
		return tap_done();
	}
	hwd = WDC_GetWDHandle();
	a = open_nth(EDU_VENDOR, EDU_DEVICE, 0);
	if (!tap_ok(a != NULL, "open an edu"))
		return tap_done();
	test_intx_self_raise(a);
	test_msi_storm(a);
	test_msi_filtered_storm(a);
	WDC_PciDeviceClose(a);
	WDC_DriverClose();
	return tap_done();
}
