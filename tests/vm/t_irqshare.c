// SPDX-License-Identifier: MIT
/*
 * t_irqshare: INTx on a line shared by two edus (addr 3 and 7, one GSI).
 * Reproduces, on the agent before the fix:
 *  - one raise counted twice: the wait that is about to return a masked
 *    interrupt unmasked INTx first, found the unacknowledged device still
 *    asserting and counted it again (count 2, lost 1 for one raise); and
 *    while A sat masked and pending, every interrupt of B on the shared
 *    line counted A's old raise once more (issue 7, defect 14);
 *  - a quiet owner's device killing the line: the INTx disable bit was
 *    clear while no interrupt was enabled (after probe, after MSI
 *    teardown, which re-enables INTx), so a raise on A with no interrupt
 *    enabled stormed the line B uses ("nobody cared") (defect 8);
 *  - a CMD_MASK that wrongly says "not mine" returned IRQ_NONE before the
 *    INTx safety net: A's asserted line was never masked nor delivered and
 *    stormed the shared line (defect 7).
 * The two storms make the old agent's kernel log dirty ("nobody cared").
 *
 * edu: 0x24 interrupt status, 0x60 raise (ORs into the status), 0x64
 * acknowledge (clears bits; INTx drops when the status is 0).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/tap.h"

#define EDU_STATUS	0x24
#define EDU_RAISE	0x60
#define EDU_ACK		0x64
#define INTX_DISABLE	0x400
#define N		20

static int hwd;
static unsigned int gsi;

/* The count so far, without consuming or taking copied values. */
static uint32_t count_of(const WD_INTERRUPT *in)
{
	WD_INTERRUPT c = *in;

	c.cmds = NULL;
	c.num_cmds = 0;
	return WD_IntCount(hwd, &c) ? UINT32_MAX : c.count;
}

/* Until the handler has counted `want` (at most ~2 s). */
static bool wait_count(const WD_INTERRUPT *in, uint32_t want)
{
	int i;

	for (i = 0; i < 2000 && count_of(in) < want; i++)
		usleep(1000);
	return count_of(in) >= want;
}

static bool intx_disabled(WDC_DEVICE_HANDLE dev)
{
	uint16_t cmd = 0;

	WDC_PciReadCfg16(dev, 0x04, &cmd);
	return cmd & INTX_DISABLE;
}

/* /proc/irq/N/spurious: interrupts on the line that no handler took. */
static long unhandled(void)
{
	char path[64], line[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/irq/%u/spurious", gsi);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "unhandled %ld", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/* B's interrupts, raised and waited for one by one: how many arrived. */
static uint32_t pingpong(WDC_DEVICE_HANDLE b, WD_INTERRUPT *ib)
{
	uint32_t i, got = 0;

	for (i = 0; i < N; i++) {
		WDC_WriteAddr32(b, 0, EDU_RAISE, 0x100 + i);
		if (WD_IntWait(hwd, ib, 2000) || ib->stopped)
			break;
		got++;
	}
	return got;
}

/* Defect 14: one raise, one count. */
static void test_one_raise_one_count(WDC_DEVICE_HANDLE a, WDC_DEVICE_HANDLE b)
{
	WD_TRANSFER cb[3];
	WD_INTERRUPT ia, ib;
	uint32_t got;

	setup_intr(&ia, NULL, 0, INTERRUPT_LEVEL_SENSITIVE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &ia),
			WD_STATUS_SUCCESS, "INTx without commands on A"))
		return;
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x8);
	tap_ok(wait_count(&ia, 1), "the raise on A is counted (masked)");
	tap_status(WD_IntWait(hwd, &ia, 2000), WD_STATUS_SUCCESS,
		   "the wait returns it");
	tap_ok(ia.count == 1 && ia.lost == 0,
	       "one raise, counted once by the wait that takes it (count %u, lost %u)",
	       ia.count, ia.lost);
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	tap_status(WD_IntWait(hwd, &ia, 200), WD_TIME_OUT,
		   "acknowledged, the next wait unmasks and times out");
	tap_ok(ia.count == 1, "still counted once (count %u)", ia.count);

	/* A masked and pending while B's interrupts go by on the line. */
	edu_ack_cmds(cb, 0xffffffff);
	setup_intr(&ib, cb, 3, INTERRUPT_LEVEL_SENSITIVE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(b), &ib),
			WD_STATUS_SUCCESS, "INTx with ack commands on B"))
		goto out;
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x10);
	tap_ok(wait_count(&ia, 2), "a second raise on A is counted (masked)");
	got = pingpong(b, &ib);
	tap_ok(got == N, "B's %u interrupts all arrive (%u)", N, got);
	tap_ok(count_of(&ia) == 2,
	       "B's interrupts do not count A's pending raise again (A's count %u, want 2)",
	       count_of(&ia));
	tap_status(WD_IntWait(hwd, &ia, 2000), WD_STATUS_SUCCESS,
		   "A's wait returns its raise");
	tap_ok(ia.count == 2 && ia.lost == 0, "A: count %u, lost %u",
	       ia.count, ia.lost);
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	tap_status(WD_IntWait(hwd, &ia, 200), WD_TIME_OUT,
		   "A acknowledged: quiet");
	WD_IntDisable(hwd, &ib);
out:
	WD_IntDisable(hwd, &ia);
}

/* Defect 8: INTx stays disabled while no interrupt is enabled. */
static void test_quiet_owner(WDC_DEVICE_HANDLE *pa, WDC_DEVICE_HANDLE b,
			     const WD_PCI_CARD_INFO *info_a)
{
	WDC_DEVICE_HANDLE a = *pa;
	WD_TRANSFER cb[3];
	WD_INTERRUPT ia, ib;
	uint32_t got;
	long before, after;

	tap_ok(intx_disabled(a),
	       "no interrupt enabled on A: its INTx is disabled (since probe)");
	setup_intr(&ia, NULL, 0, INTERRUPT_LEVEL_SENSITIVE);
	WD_IntEnable(hwd, WDC_GetCardHandle(a), &ia);
	tap_ok(!intx_disabled(a), "INTx enabled on A: the bit is clear");
	WD_IntDisable(hwd, &ia);
	tap_ok(intx_disabled(a), "after INTx teardown: disabled again");
	setup_intr(&ia, NULL, 0, INTERRUPT_MESSAGE);
	if (tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &ia),
		       WD_STATUS_SUCCESS, "MSI on A"))
		WD_IntDisable(hwd, &ia);
	tap_ok(intx_disabled(a),
	       "after MSI teardown (which re-enables INTx): disabled again");
	/* The owner goes away with MSI enabled. */
	setup_intr(&ia, NULL, 0, INTERRUPT_MESSAGE);
	WD_IntEnable(hwd, WDC_GetCardHandle(a), &ia);
	WDC_PciDeviceClose(a);
	*pa = a = NULL;
	if (WDC_PciDeviceOpen(pa, info_a, NULL)) {
		tap_ok(false, "reopen A");
		return;
	}
	a = *pa;
	tap_ok(intx_disabled(a),
	       "after the owner released A with MSI enabled: disabled again");

	/* A raises with nothing enabled on it, B uses the shared line. */
	edu_ack_cmds(cb, 0xffffffff);
	setup_intr(&ib, cb, 3, INTERRUPT_LEVEL_SENSITIVE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(b), &ib),
			WD_STATUS_SUCCESS, "INTx with ack commands on B"))
		return;
	before = unhandled();
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x1);
	got = pingpong(b, &ib);
	after = unhandled();
	tap_ok(got == N, "B's %u interrupts all arrive while A is raised (%u)",
	       N, got);
	tap_ok(before >= 0 && after - before < 100,
	       "A's quiet raise did not storm the line (unhandled %ld -> %ld on IRQ %u)",
	       before, after, gsi);
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	WD_IntDisable(hwd, &ib);
}

/* Defect 7: a wrong CMD_MASK on INTx is masked and delivered. */
static void test_wrong_mask(WDC_DEVICE_HANDLE a, WDC_DEVICE_HANDLE b)
{
	WD_TRANSFER ca[3], cb[3];
	WD_INTERRUPT ia, ib;
	uint32_t got, st = 1;
	long before, after;

	edu_ack_cmds(ca, 0x100);	/* the raise below sets bit 0 only */
	setup_intr(&ia, ca, 3, INTERRUPT_LEVEL_SENSITIVE | INTERRUPT_CMD_COPY);
	edu_ack_cmds(cb, 0xffffffff);
	setup_intr(&ib, cb, 3, INTERRUPT_LEVEL_SENSITIVE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &ia),
			WD_STATUS_SUCCESS, "INTx on A, CMD_MASK 0x100") ||
	    !tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(b), &ib),
			WD_STATUS_SUCCESS, "INTx with ack commands on B"))
		goto out;
	before = unhandled();
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x1);
	tap_status(WD_IntWait(hwd, &ia, 2000), WD_STATUS_SUCCESS,
		   "A asserts INTx although its mask says 'not mine': delivered");
	tap_ok(ia.count == 1 && ca[0].data.dw == 0x1,
	       "counted once, the status read is copied (count %u, status 0x%x)",
	       ia.count, ca[0].data.dw);
	got = pingpong(b, &ib);
	after = unhandled();
	tap_ok(got == N, "B's %u interrupts all arrive meanwhile (%u)", N, got);
	tap_ok(before >= 0 && after - before < 100,
	       "the line did not storm (unhandled %ld -> %ld)", before, after);
	tap_ok(count_of(&ia) == 1, "A stays masked: count %u", count_of(&ia));
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	WDC_ReadAddr32(a, 0, EDU_STATUS, &st);
	tap_status(WD_IntWait(hwd, &ia, 200), WD_TIME_OUT,
		   "acknowledged by user mode (status 0x%x): unmasked, quiet",
		   st);
	got = pingpong(b, &ib);
	tap_ok(got == N && count_of(&ia) == 1,
	       "B still works (%u of %u), A counted nothing more (%u)", got, N,
	       count_of(&ia));
out:
	WD_IntDisable(hwd, &ib);
	WD_IntDisable(hwd, &ia);
}

static int sysfs_command(const char *bdf)
{
	char path[96];
	uint16_t cmd = 0;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", bdf);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (pread(fd, &cmd, 2, 4) != 2)
		cmd = 0xffff;
	close(fd);
	return cmd;
}

/* Defect 8: the INTx disable bit as it was before probe, after remove. */
static void test_remove_restores(WD_PCI_SLOT slot)
{
	char bdf[16], path[96];
	int cmd;

	snprintf(bdf, sizeof(bdf), "%s", slot_str(slot));
	if (!tap_ok(sysfs_write("/sys/bus/pci/drivers/udrv/unbind", bdf) == 0,
		    "unbind %s", bdf))
		return;
	cmd = sysfs_command(bdf);
	tap_ok(cmd >= 0 && !(cmd & INTX_DISABLE),
	       "unbound: INTx enabled again as before probe (command 0x%x)",
	       cmd);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	sysfs_write(path, "udrv");
	tap_ok(sysfs_write("/sys/bus/pci/drivers_probe", bdf) == 0,
	       "bind %s again", bdf);
	cmd = sysfs_command(bdf);
	tap_ok(cmd >= 0 && (cmd & INTX_DISABLE),
	       "bound again, nothing enabled: INTx disabled (command 0x%x)",
	       cmd);
}

int main(void)
{
	WD_PCI_SLOT slots[2];
	WD_PCI_CARD_INFO ia, ib;
	WDC_DEVICE_HANDLE a, b;

	tap_init("t_irqshare");
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2) {
		tap_ok(false, "needs two bound edu devices");
		return tap_done();
	}
	hwd = WDC_GetWDHandle();
	memset(&ia, 0, sizeof(ia));
	memset(&ib, 0, sizeof(ib));
	ia.slot = slots[0];
	ib.slot = slots[1];
	WDC_PciGetDeviceInfo(&ia);
	WDC_PciGetDeviceInfo(&ib);
	gsi = ia.item[ia.num_items - 1].irq;
	if (!tap_ok(gsi && gsi == ib.item[ib.num_items - 1].irq,
		    "the two edus share IRQ %u", gsi))
		return tap_done();
	if (WDC_PciDeviceOpen(&a, &ia, NULL) ||
	    WDC_PciDeviceOpen(&b, &ib, NULL)) {
		tap_ok(false, "open both edus");
		return tap_done();
	}

	test_one_raise_one_count(a, b);
	test_quiet_owner(&a, b, &ia);
	if (a)
		test_wrong_mask(a, b);

	if (a)
		WDC_PciDeviceClose(a);
	WDC_PciDeviceClose(b);
	test_remove_restores(slots[0]);
	WDC_DriverClose();
	return tap_done();
}
