// SPDX-License-Identifier: MIT
/*
 * t_msix: several MSI-X vectors, on QEMU's e1000e (Intel 82574L, 5
 * vectors).  Its IVAR register routes the RXQ0, TXQ0 and OTHER interrupt
 * causes to MSI-X vectors; writing a cause to ICS raises it through IMS
 * and IVAR.  EIAC makes the device clear a cause once it has signalled it,
 * so each write of ICS sends one message per cause.  QEMU's model now and
 * then sends a cause's message a second time, late; each round first
 * absorbs such a straggler, then checks the vectors of its own wake-up.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"

#define E1000_ICR	0x000c0
#define E1000_ICS	0x000c8
#define E1000_IMS	0x000d0
#define E1000_IMC	0x000d8
#define E1000_EIAC	0x000dc
#define E1000_IVAR	0x000e4
#define ICR_RXQ0	0x00100000
#define ICR_TXQ0	0x00400000
#define ICR_OTHER	0x01000000
#define ALL_CAUSES	(ICR_RXQ0 | ICR_TXQ0 | ICR_OTHER)
#define IVAR_VALID	0x8
#define ROUNDS		10

static int hwd;

/* Unmask, raise, wait; then clear the causes (ICR is write-1-to-clear)
 * and mask them, so nothing pending is signalled again later.
 */
static uint32_t raise_cause(WDC_DEVICE_HANDLE d, WD_INTERRUPT *in,
			    uint32_t cause)
{
	uint32_t st, before;

	/* Absorb a late duplicate of the previous round's message. */
	WD_IntWait(hwd, in, 20);
	before = in->count;
	WDC_WriteAddr32(d, 0, E1000_IMS, ALL_CAUSES);
	WDC_WriteAddr32(d, 0, E1000_ICS, cause);
	st = WD_IntWait(hwd, in, 2000);
	WDC_WriteAddr32(d, 0, E1000_IMC, 0xffffffff);
	WDC_WriteAddr32(d, 0, E1000_ICR, 0xffffffff);
	return st ? st : in->count > before ? 0 : WD_OPERATION_FAILED;
}

/*
 * A process killed with MSI-X enabled: its vectors are released (no
 * handler left, MSI-X off in the device), and the next process enables
 * MSI-X and receives an interrupt.
 */
static void test_kill(WD_PCI_SLOT slot)
{
	WDC_DEVICE_HANDLE d;
	WD_PCI_CARD_INFO info;
	WD_INTERRUPT in;
	int pfd[2], st;
	uint16_t ctl = 0xffff;
	uint8_t pos = 0, id = 0;
	pid_t pid;
	char c = 0;

	if (!tap_ok(!pipe(pfd), "pipe"))
		return;
	pid = fork();
	if (pid == 0) {
		uint32_t h;
		int fd;

		memset(&in, 0, sizeof(in));
		in.options = INTERRUPT_MESSAGE_X;
		if (WD_Open(&fd) || WD_CardRegister(fd, slot, 0, &h) ||
		    WD_IntEnable(fd, h, &in))
			_exit(2);
		if (write(pfd[1], "e", 1) != 1)
			_exit(3);
		WD_IntWait(fd, &in, 0);	/* killed while blocked here */
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		c = 0;
	close(pfd[0]);
	tap_ok(c == 'e' && proc_interrupts_has("udrv"),
	       "SIGKILL: a child enabled MSI-X (listed in /proc/interrupts)");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok(!proc_interrupts_has("udrv"),
	       "SIGKILL: no udrv handler is left");
	memset(&info, 0, sizeof(info));
	info.slot = slot;
	if (!tap_status(WDC_PciGetDeviceInfo(&info), WD_STATUS_SUCCESS,
			"SIGKILL: card info") ||
	    !tap_status(WDC_PciDeviceOpen(&d, &info, NULL), WD_STATUS_SUCCESS,
			"SIGKILL: reopen the e1000e"))
		return;
	WDC_PciReadCfg8(d, 0x34, &pos);
	while (pos) {
		WDC_PciReadCfg8(d, pos, &id);
		if (id == 0x11)
			break;
		WDC_PciReadCfg8(d, pos + 1, &pos);
	}
	if (pos)
		WDC_PciReadCfg16(d, pos + 2, &ctl);
	tap_ok(pos && !(ctl & 0x8000),
	       "SIGKILL: MSI-X is disabled in the device (control 0x%x)", ctl);
	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE_X;
	if (tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(d), &in),
		       WD_STATUS_SUCCESS, "SIGKILL: the next process enables MSI-X")) {
		tap_ok(raise_cause(d, &in, ICR_RXQ0) == 0 &&
		       in.last_message == 0,
		       "SIGKILL: ... and receives RXQ0 on vector 0 (last_message %u)",
		       in.last_message);
		/*
		 * Causes masked and the model's throttling timer run out
		 * before MSI-X goes off: QEMU 7.2's e1000e aborts (an
		 * assertion in e1000e_intrmgr_on_msix_throttling_timer)
		 * when that timer fires with MSI-X disabled.  Not a
		 * timed check: a settle, as the main test's wait does.
		 */
		WDC_WriteAddr32(d, 0, E1000_IMC, 0xffffffff);
		usleep(100000);
		WD_IntDisable(hwd, &in);
	}
	WDC_PciDeviceClose(d);
}

int main(void)
{
	static const struct { uint32_t cause, vec; const char *name; } c[] = {
		{ ICR_RXQ0, 0, "RXQ0" }, { ICR_TXQ0, 1, "TXQ0" },
		{ ICR_OTHER, 2, "OTHER" },
	};
	WDC_DEVICE_HANDLE d;
	WD_PCI_CARD_INFO info;
	WD_INTERRUPT in;
	WD_PCI_SLOT slot;
	uint32_t i, r, count = 0;

	tap_init("t_msix");
	if (WDC_DriverOpen()) {
		tap_ok(false, "WDC_DriverOpen");
		return tap_done();
	}
	hwd = WDC_GetWDHandle();
	d = open_nth(0x8086, 0x10d3, 0);
	if (!d || !find_bound(0x8086, 0x10d3, &slot, 1)) {
		tap_skip_provided("no bound e1000e in this VM");
		return tap_done();
	}
	memset(&info, 0, sizeof(info));
	info.slot = slot;
	tap_status(WDC_PciGetDeviceInfo(&info), WD_STATUS_SUCCESS,
		   "e1000e card info");
	tap_ok((info.caps & WD_CAP_MSIX) && info.msix_vectors == 5,
	       "e1000e reports MSI-X with 5 vectors (caps 0x%x, %u vectors)",
	       info.caps, info.msix_vectors);

	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE_X;
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(d), &in),
			WD_STATUS_SUCCESS, "enable MSI-X"))
		return tap_done();
	tap_ok(in.enabled_type == INTERRUPT_MESSAGE_X,
	       "enabled_type is MSI-X (%u)", in.enabled_type);

	WDC_WriteAddr32(d, 0, E1000_IMC, 0xffffffff);
	WDC_WriteAddr32(d, 0, E1000_ICR, 0xffffffff);
	WDC_WriteAddr32(d, 0, E1000_IVAR,
			(IVAR_VALID | 0) | (IVAR_VALID | 1) << 8 |
			(IVAR_VALID | 2) << 16);
	WDC_WriteAddr32(d, 0, E1000_EIAC, ALL_CAUSES);

	for (i = 0; i < 3; i++) {
		uint32_t good = 0;

		for (r = 0; r < ROUNDS; r++) {
			if (raise_cause(d, &in, c[i].cause))
				break;
			good += in.last_message == c[i].vec &&
				in.vectors == 1ULL << c[i].vec;
			count = in.count;
		}
		tap_ok(good == ROUNDS,
		       "%s routed to vector %u: %u of %u identified (last_message %u, vectors 0x%llx, count %u)",
		       c[i].name, c[i].vec, good, ROUNDS, in.last_message,
		       (unsigned long long)in.vectors, in.count);
	}

	/* Two causes between two waits: both vectors show up. */
	WD_IntWait(hwd, &in, 20);
	count = in.count;
	WDC_WriteAddr32(d, 0, E1000_IMS, ALL_CAUSES);
	WDC_WriteAddr32(d, 0, E1000_ICS, ICR_RXQ0 | ICR_OTHER);
	usleep(100000);
	tap_status(WD_IntWait(hwd, &in, 2000), WD_STATUS_SUCCESS,
		   "wait after two causes");
	tap_ok(in.vectors == ((1ULL << 0) | (1ULL << 2)) &&
	       in.count >= count + 2,
	       "vectors 0 and 2 reported together (vectors 0x%llx, count +%u, lost %u)",
	       (unsigned long long)in.vectors, in.count - count, in.lost);

	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS, "disable MSI-X");
	{
		uint32_t icr;

		WDC_WriteAddr32(d, 0, E1000_IMC, 0xffffffff);
		WDC_ReadAddr32(d, 0, E1000_ICR, &icr);
	}
	WDC_PciDeviceClose(d);
	test_kill(slot);
	WDC_DriverClose();
	return tap_done();
}
