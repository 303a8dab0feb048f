// SPDX-License-Identifier: MIT
/*
 * t_intxdown: disabling INTx on a line shared with another live device
 * while the device keeps raising.  Reproduces, on the agent before the fix
 * (on a PREEMPT_RT kernel: tests/run-vm boots it): the teardown freed the
 * handler before it masked the function's INTx, so an interrupt raised in
 * between stayed asserted with nobody left to claim it; on RT, free_irq()
 * then waits for the other device's handler thread, which the orphaned
 * assertion wakes over and over (IRQ_NONE each time), until the kernel's
 * spurious-interrupt detector says "irq 23: nobody cared" and disables the
 * line - the other device's interrupts with it.
 *
 * edu 03 and 07 share one INTx line.  07 keeps its interrupts enabled
 * throughout; 03 is enabled and disabled ROUNDS times while a thread
 * raises it without pause.  At the end 07 must still get its interrupts.
 */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "common/tap.h"

#define EDU_RAISE	0x60
#define EDU_ACK		0x64
#define ROUNDS		60

static int hwd;
static uint32_t ha, hb;
static volatile int stop;

static void raise_irq(uint32_t hcard)
{
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	t.cmd = WM_DWORD;
	t.addr = EDU_RAISE;
	t.data.dw = 1;
	WD_Transfer(hwd, hcard, &t);
}

static void *raiser(void *arg)
{
	(void)arg;
	while (!stop)
		raise_irq(ha);
	return NULL;
}

int main(void)
{
	WD_TRANSFER ca[3], cb[3];
	WD_INTERRUPT ia, ib;
	WD_PCI_SLOT slots[2];
	pthread_t t;
	int i, good = 0;
	uint32_t before;

	tap_init("t_intxdown");
	if (WD_Open(&hwd) || WDC_DriverOpen() ||
	    find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2 ||
	    WD_CardRegister(hwd, slots[0], 0, &ha) ||
	    WD_CardRegister(hwd, slots[1], 0, &hb)) {
		tap_ok(false, "two edus registered");
		return tap_done();
	}
	edu_ack_cmds(ca, 0xffffffff);
	edu_ack_cmds(cb, 0xffffffff);
	memset(&ib, 0, sizeof(ib));
	ib.options = INTERRUPT_LEVEL_SENSITIVE;
	ib.cmds = cb;
	ib.num_cmds = 3;
	if (!tap_status(WD_IntEnable(hwd, hb, &ib), WD_STATUS_SUCCESS,
			"edu 1: INTx enabled, acknowledged by commands"))
		return tap_done();
	pthread_create(&t, NULL, raiser, NULL);
	for (i = 0; i < ROUNDS; i++) {
		memset(&ia, 0, sizeof(ia));
		ia.options = INTERRUPT_LEVEL_SENSITIVE;
		ia.cmds = ca;
		ia.num_cmds = 3;
		if (WD_IntEnable(hwd, ha, &ia))
			break;
		usleep(2000);
		good += !WD_IntDisable(hwd, &ia);
	}
	stop = 1;
	pthread_join(t, NULL);
	tap_ok(good == ROUNDS,
	       "edu 0: %d of %d enable/disable rounds while it kept raising",
	       good, ROUNDS);

	/* The line still works for the other device */
	WD_IntCount(hwd, &ib);
	before = ib.count;
	for (i = 0, good = 0; i < 5; i++) {
		raise_irq(hb);
		good += !WD_IntWait(hwd, &ib, 5000) && ib.count > before;
		before = ib.count;
	}
	tap_ok(good == 5,
	       "edu 1 still gets its interrupts on the shared line (%d of 5)",
	       good);
	WD_IntDisable(hwd, &ib);
	WD_CardUnregister(hwd, ha);
	WD_CardUnregister(hwd, hb);
	WD_Close(hwd);
	WDC_DriverClose();
	return tap_done();
}
