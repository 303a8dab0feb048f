// SPDX-License-Identifier: MIT
/*
 * t_irqacc: WD_INT_ACCUMULATE (issue 7, defect 16).  Two interrupts that
 * reach the handler before the waiter runs are coalesced into one
 * wake-up; the handler reads and acknowledges edu's status each time, so
 * with plain INTERRUPT_CMD_COPY the waiter sees only the last cause.  A
 * read flagged WD_INT_ACCUMULATE ORs the values until the call that
 * returns them (WD_IntWait or WD_IntCount), which clears them.  Before
 * the fix the agent refused the flag (the enable fails).  MSI and INTx.
 *
 * edu: 0x24 interrupt status, 0x60 raise (ORs into the status), 0x64
 * acknowledge (clears the bits written).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/tap.h"

#define EDU_STATUS	0x24
#define EDU_RAISE	0x60
#define EDU_ACK		0x64

static int hwd;

static void status_ack_cmds(WD_TRANSFER *c, uint32_t read_options)
{
	memset(c, 0, 2 * sizeof(*c));
	c[0].cmd = RM_DWORD;
	c[0].addr = EDU_STATUS;
	c[0].options = read_options;
	c[1].cmd = WM_DWORD;
	c[1].addr = EDU_ACK;
	c[1].data.dw = 0xffffffff;
}

/* The count so far, without taking the copied values. */
static uint32_t count_of(const WD_INTERRUPT *in)
{
	WD_INTERRUPT c = *in;

	c.cmds = NULL;
	c.num_cmds = 0;
	return WD_IntCount(hwd, &c) ? UINT32_MAX : c.count;
}

static bool wait_count(const WD_INTERRUPT *in, uint32_t want)
{
	int i;

	for (i = 0; i < 2000 && count_of(in) < want; i++)
		usleep(1000);
	return count_of(in) >= want;
}

/* Raises `a` then `b`, each handled at IRQ time, before the wait. */
static uint32_t coalesced(WDC_DEVICE_HANDLE dev, WD_INTERRUPT *in,
			  uint32_t a, uint32_t b)
{
	uint32_t base = count_of(in);

	WDC_WriteAddr32(dev, 0, EDU_RAISE, a);
	wait_count(in, base + 1);
	WDC_WriteAddr32(dev, 0, EDU_RAISE, b);
	wait_count(in, base + 2);
	in->cmds[0].data.dw = 0xdead;
	if (WD_IntWait(hwd, in, 2000))
		return 0xdead;
	return in->cmds[0].data.dw;
}

static void test_type(WDC_DEVICE_HANDLE dev, uint32_t type, const char *name)
{
	WD_TRANSFER cmds[2];
	WD_INTERRUPT in;
	uint32_t got;

	status_ack_cmds(cmds, WD_INT_ACCUMULATE);
	memset(&in, 0, sizeof(in));
	in.cmds = cmds;
	in.num_cmds = 2;
	in.options = type | INTERRUPT_CMD_COPY;
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(dev), &in),
			WD_STATUS_SUCCESS, "%s: status read with WD_INT_ACCUMULATE",
			name))
		return;
	got = coalesced(dev, &in, 0x1, 0x2);
	tap_ok(got == 0x3 && in.count == 2,
	       "%s: two causes coalesced into one wake-up are both there (0x%x, count %u)",
	       name, got, in.count);
	got = coalesced(dev, &in, 0x4, 0x4);
	tap_ok(got == 0x4,
	       "%s: the wait took them: the next ones start from 0 (0x%x)", name,
	       got);
	WDC_WriteAddr32(dev, 0, EDU_RAISE, 0x8);
	wait_count(&in, 5);
	cmds[0].data.dw = 0;
	WD_IntCount(hwd, &in);
	tap_ok(cmds[0].data.dw == 0x8, "%s: WD_IntCount returns them (0x%x)",
	       name, cmds[0].data.dw);
	cmds[0].data.dw = 0xdead;
	WD_IntCount(hwd, &in);
	tap_ok(cmds[0].data.dw == 0, "%s: ... and takes them (0x%x)", name,
	       cmds[0].data.dw);
	WD_IntDisable(hwd, &in);

	/* Without the flag the copy is the last value read. */
	status_ack_cmds(cmds, 0);
	memset(&in, 0, sizeof(in));
	in.cmds = cmds;
	in.num_cmds = 2;
	in.options = type | INTERRUPT_CMD_COPY;
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(dev), &in),
			WD_STATUS_SUCCESS, "%s: plain status read", name))
		return;
	got = coalesced(dev, &in, 0x1, 0x2);
	tap_ok(got == 0x2, "%s: without the flag only the last cause (0x%x)",
	       name, got);
	WD_IntDisable(hwd, &in);
}

int main(void)
{
	WDC_DEVICE_HANDLE dev;
	WD_TRANSFER cmds[2];
	WD_INTERRUPT in;

	tap_init("t_irqacc");
	if (WDC_DriverOpen()) {
		tap_ok(false, "open the driver");
		return tap_done();
	}
	hwd = WDC_GetWDHandle();
	dev = open_nth(EDU_VENDOR, EDU_DEVICE, 0);
	if (!tap_ok(dev != NULL, "open an edu"))
		return tap_done();

	status_ack_cmds(cmds, 0);
	cmds[1].options = WD_INT_ACCUMULATE;
	memset(&in, 0, sizeof(in));
	in.cmds = cmds;
	in.num_cmds = 2;
	in.options = INTERRUPT_MESSAGE | INTERRUPT_CMD_COPY;
	tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(dev), &in),
		   WD_INVALID_PARAMETER, "WD_INT_ACCUMULATE on a write is refused");

	test_type(dev, INTERRUPT_MESSAGE, "MSI");
	test_type(dev, INTERRUPT_LEVEL_SENSITIVE, "INTx");
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return tap_done();
}
