// SPDX-License-Identifier: MIT
/*
 * t_irq: interrupts of QEMU's edu device delivered to user mode: INTx with
 * kernel-side acknowledge commands (and the "not mine" path on a line
 * shared by two edus at addr 3 and 7), MSI, the masking fallback under a
 * storm, disable/wake-up semantics, epoll on WD_IntFd, WDC_IntEnable's
 * handler thread, and release when the owner is killed.
 *
 * edu: 0x24 interrupt status, 0x60 raise (ORs the value into the status),
 * 0x64 acknowledge (clears bits; INTx drops when the status is 0).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/tap.h"

#define EDU_STATUS	0x24
#define EDU_RAISE	0x60
#define EDU_ACK		0x64
#define N		50

static int hwd;

static void test_intx(WDC_DEVICE_HANDLE a, WDC_DEVICE_HANDLE b)
{
	WD_TRANSFER ca[3], cb[3];
	WD_INTERRUPT ia, ib;
	uint32_t i, good = 0, copied = 0, lost = 0;

	edu_ack_cmds(ca, 0xffffffff);
	edu_ack_cmds(cb, 0xffffffff);
	setup_intr(&ia, ca, 3, INTERRUPT_LEVEL_SENSITIVE | INTERRUPT_CMD_COPY);
	setup_intr(&ib, cb, 3, INTERRUPT_LEVEL_SENSITIVE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &ia),
			WD_STATUS_SUCCESS, "INTx with ack commands on edu A"))
		return;
	tap_ok(ia.enabled_type == INTERRUPT_LEVEL_SENSITIVE,
	       "enabled_type is INTx (%u)", ia.enabled_type);
	tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(b), &ib),
		   WD_STATUS_SUCCESS, "INTx with the same commands on edu B");
	{
		WD_INTERRUPT again;

		setup_intr(&again, ca, 3, 0);
		tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &again),
			   WD_RESOURCE_OVERLAP, "enabling twice on one card");
	}

	for (i = 0; i < N; i++) {
		uint32_t val = 0x1000 + i;

		WDC_WriteAddr32(a, 0, EDU_RAISE, val);
		if (WD_IntWait(hwd, &ia, 2000))
			break;
		good += ia.count == i + 1;
		copied += ca[0].data.dw == val;
		lost += ia.lost;
	}
	tap_ok(good == N, "%u raised on A, %u delivered in order (count %u)",
	       N, good, ia.count);
	tap_ok(copied == N,
	       "INTERRUPT_CMD_COPY returns the status read at IRQ time (%u of %u)",
	       copied, N);
	tap_ok(lost == 0, "none lost while the waiter keeps up (%u)", lost);
	{
		uint32_t st = 1;

		WDC_ReadAddr32(a, 0, EDU_STATUS, &st);
		tap_ok(st == 0, "the kernel acknowledged every interrupt (status 0x%x)",
		       st);
	}
	WD_IntCount(hwd, &ib);
	tap_ok(ib.count == 0,
	       "edu B (same line: 'not mine' by CMD_MASK) counted none (%u)",
	       ib.count);

	/* Raised on B, delivered on B only. */
	WDC_WriteAddr32(b, 0, EDU_RAISE, 0x4242);
	tap_status(WD_IntWait(hwd, &ib, 2000), WD_STATUS_SUCCESS,
		   "an interrupt raised on B reaches B");
	WD_IntCount(hwd, &ia);
	tap_ok(ib.count == 1 && ia.count == N, "counts A %u, B %u", ia.count,
	       ib.count);

	tap_status(WD_IntDisable(hwd, &ia), WD_STATUS_SUCCESS, "disable A");
	tap_status(WD_IntDisable(hwd, &ia), WD_OPERATION_ALREADY_DONE,
		   "disable A twice");
	tap_status(WD_IntWait(hwd, &ia, 100), WD_INTERRUPT_NOT_ENABLED,
		   "wait on a disabled interrupt");
	WD_IntDisable(hwd, &ib);
}

static void test_msi(WDC_DEVICE_HANDLE a)
{
	WD_INTERRUPT in;
	uint32_t i, good = 0, lost = 0, msg0 = 0;

	setup_intr(&in, NULL, 0, INTERRUPT_MESSAGE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &in),
			WD_STATUS_SUCCESS, "MSI on edu A"))
		return;
	tap_ok(in.enabled_type == INTERRUPT_MESSAGE, "enabled_type is MSI (%u)",
	       in.enabled_type);
	{
		uint16_t cmd = 0;

		WDC_PciReadCfg16(a, 0x04, &cmd);
		tap_ok(cmd & 0x4, "bus mastering is on while MSI is enabled");
	}
	for (i = 0; i < N; i++) {
		WDC_WriteAddr32(a, 0, EDU_RAISE, 1u << (i % 8));
		if (WD_IntWait(hwd, &in, 2000))
			break;
		good += in.count == i + 1;
		msg0 += in.last_message == 0 && in.vectors == 1;
		lost += in.lost;
		WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	}
	tap_ok(good == N, "%u MSIs raised, %u delivered in order", N, good);
	tap_ok(msg0 == N, "last_message 0 and vectors 0x1 every time (%u)", msg0);
	tap_ok(lost == 0, "none lost (%u)", lost);
	tap_status(WD_IntWait(hwd, &in, 100), WD_TIME_OUT,
		   "wait with nothing raised times out");
	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS, "disable MSI");
	{
		uint16_t cmd = 0;

		WDC_PciReadCfg16(a, 0x04, &cmd);
		tap_ok(!(cmd & 0x4), "bus mastering is off again");
	}
}

/* A level interrupt nobody acknowledges: the kernel masks it each time. */
static void test_storm(WDC_DEVICE_HANDLE a)
{
	WD_INTERRUPT in;
	uint32_t i, ok = 0;

	setup_intr(&in, NULL, 0, INTERRUPT_LEVEL_SENSITIVE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &in),
			WD_STATUS_SUCCESS, "INTx without commands (masking)"))
		return;
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x8);
	for (i = 0; i < 5; i++)
		ok += WD_IntWait(hwd, &in, 2000) == WD_STATUS_SUCCESS;
	tap_ok(ok == 5,
	       "unacknowledged level interrupt: each wait unmasks, it fires once more, is masked again (%u waits, count %u)",
	       ok, in.count);
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	WD_IntWait(hwd, &in, 200);	/* may catch the last one */
	tap_status(WD_IntWait(hwd, &in, 200), WD_TIME_OUT,
		   "acknowledged by user mode: quiet again");
	WD_IntDisable(hwd, &in);
}

struct waiter {
	WD_INTERRUPT *in;
	uint32_t status;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	w->status = WD_IntWait(hwd, w->in, 0);
	return NULL;
}

static void test_disable_wakes(WDC_DEVICE_HANDLE a, WD_PCI_SLOT other)
{
	WD_INTERRUPT in;
	struct waiter w = { &in, 0xffff };
	pthread_t t;
	int fd2;
	uint32_t h2;

	setup_intr(&in, NULL, 0, INTERRUPT_MESSAGE);
	WD_IntEnable(hwd, WDC_GetCardHandle(a), &in);
	pthread_create(&t, NULL, wait_thread, &w);
	usleep(200000);
	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS,
		   "disable while another thread waits");
	pthread_join(t, NULL);
	tap_ok(w.status == WD_STATUS_SUCCESS && in.stopped,
	       "the blocked WD_IntWait woke up with stopped set (status %u, stopped %u)",
	       w.status, in.stopped);

	/* Another file's card handle is not ours to wait on. */
	if (tap_ok(!WD_Open(&fd2) && !WD_CardRegister(fd2, other, 0, &h2),
		   "another file registers the other edu")) {
		WD_INTERRUPT theirs;

		setup_intr(&theirs, NULL, 0, INTERRUPT_MESSAGE);
		WD_IntEnable(fd2, h2, &theirs);
		theirs.hInterrupt = h2;
		tap_status(WD_IntWait(hwd, &theirs, 100), WD_INVALID_HANDLE,
			   "wait on another file's interrupt handle");
		WD_Close(fd2);
	}
}

static void test_epoll(WDC_DEVICE_HANDLE a)
{
	WD_INTERRUPT in;
	struct epoll_event ev = { .events = EPOLLIN }, got;
	uint32_t i, seen = 0;
	int fd, ep;

	setup_intr(&in, NULL, 0, INTERRUPT_MESSAGE);
	WD_IntEnable(hwd, WDC_GetCardHandle(a), &in);
	fd = WD_IntFd(hwd, &in);
	if (!tap_ok(fd >= 0, "WD_IntFd gives a descriptor (%d)", fd)) {
		WD_IntDisable(hwd, &in);
		return;
	}
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	tap_ok(epoll_wait(ep, &got, 1, 50) == 0, "not readable before an interrupt");
	for (i = 0; i < N; i++) {
		uint64_t n = 0;

		WDC_WriteAddr32(a, 0, EDU_RAISE, 0x10);
		if (epoll_wait(ep, &got, 1, 2000) != 1)
			break;
		if (read(fd, &n, sizeof(n)) == sizeof(n) && n == 1)
			seen++;
		WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	}
	tap_ok(seen == N, "epoll saw each of %u interrupts once (%u)", N, seen);
	WD_IntDisable(hwd, &in);
	{
		uint64_t n = 42;

		tap_ok(read(fd, &n, sizeof(n)) == 0,
		       "the descriptor reads end-of-file once disabled");
	}
	close(ep);
	close(fd);
}

static volatile uint32_t handled;

static void handler(void *ctx)
{
	(void)ctx;
	__atomic_add_fetch(&handled, 1, __ATOMIC_SEQ_CST);
}

static bool wait_handled(uint32_t want)
{
	int i;

	for (i = 0; i < 2000 && __atomic_load_n(&handled, __ATOMIC_SEQ_CST) < want; i++)
		usleep(1000);
	return handled >= want;
}

struct raiser {
	WDC_DEVICE_HANDLE dev;
	volatile bool stop;
};

static void *raise_thread(void *arg)
{
	struct raiser *r = arg;

	while (!r->stop)
		WDC_WriteAddr32(r->dev, 0, EDU_RAISE, 0x20);
	return NULL;
}

static void test_wdc(WDC_DEVICE_HANDLE a)
{
	WD_TRANSFER cmds[3];
	WD_INTERRUPT st;
	uint32_t i, good = 0;

	edu_ack_cmds(cmds, 0xffffffff);
	handled = 0;
	if (!tap_status(WDC_IntEnable(a, cmds, 3, INTERRUPT_LEVEL_SENSITIVE,
				      handler, NULL, false),
			WD_STATUS_SUCCESS, "WDC_IntEnable (INTx, ack commands)"))
		return;
	tap_ok(WDC_IntIsEnabled(a), "WDC_IntIsEnabled");
	for (i = 0; i < N; i++) {
		WDC_WriteAddr32(a, 0, EDU_RAISE, 0x40);
		good += wait_handled(i + 1);
	}
	tap_ok(good == N && handled == N,
	       "the handler thread ran once per interrupt (%u of %u)", handled,
	       N);
	memset(&st, 0, sizeof(st));
	tap_status(WDC_IntGetStatus(a, &st), WD_STATUS_SUCCESS,
		   "WDC_IntGetStatus");
	tap_ok(st.count == N && st.enabled_type == INTERRUPT_LEVEL_SENSITIVE,
	       "status: count %u, type %u", st.count, st.enabled_type);
	tap_status(WDC_IntDisable(a), WD_STATUS_SUCCESS, "WDC_IntDisable joins");
	tap_ok(!WDC_IntIsEnabled(a), "not enabled after WDC_IntDisable");

	/* Disable while interrupts keep arriving. */
	{
		struct raiser r = { a, false };
		pthread_t t;

		WDC_IntEnable(a, cmds, 3, INTERRUPT_LEVEL_SENSITIVE, handler,
			      NULL, false);
		pthread_create(&t, NULL, raise_thread, &r);
		usleep(200000);
		tap_status(WDC_IntDisable(a), WD_STATUS_SUCCESS,
			   "WDC_IntDisable while interrupts arrive");
		r.stop = true;
		pthread_join(t, NULL);
		WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	}
}

static void test_kill(WD_PCI_SLOT slot, uint32_t options, const char *what)
{
	int pfd[2], st;
	pid_t pid;
	char c = 0;

	if (pipe(pfd))
		return;
	pid = fork();
	if (pid == 0) {
		WD_INTERRUPT in;
		uint32_t h;
		int fd;
		WD_TRANSFER cmds[3];

		edu_ack_cmds(cmds, 0xffffffff);
		setup_intr(&in, cmds, options == INTERRUPT_LEVEL_SENSITIVE ? 3 : 0,
			   options);
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
	tap_ok(c == 'e' && proc_interrupts_has("udrv:"),
	       "%s: a child enabled interrupts (listed in /proc/interrupts)",
	       what);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok(!proc_interrupts_has("udrv:"),
	       "%s: after SIGKILL no udrv handler is left", what);
	{
		WDC_DEVICE_HANDLE dev;
		WD_PCI_CARD_INFO info;
		WD_INTERRUPT in;
		uint16_t ctl = 0;
		uint8_t pos = 0, id = 0;

		memset(&info, 0, sizeof(info));
		info.slot = slot;
		WDC_PciGetDeviceInfo(&info);
		if (WDC_PciDeviceOpen(&dev, &info, NULL)) {
			tap_ok(false, "%s: reopen after the kill", what);
			return;
		}
		WDC_PciReadCfg8(dev, 0x34, &pos);
		while (pos) {
			WDC_PciReadCfg8(dev, pos, &id);
			if (id == 0x05)
				break;
			WDC_PciReadCfg8(dev, pos + 1, &pos);
		}
		if (pos)
			WDC_PciReadCfg16(dev, pos + 2, &ctl);
		tap_ok(pos && !(ctl & 1), "%s: MSI is disabled again (control 0x%x)",
		       what, ctl);
		setup_intr(&in, NULL, 0, options);
		tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(dev), &in),
			   WD_STATUS_SUCCESS, "%s: the next process enables", what);
		WD_IntDisable(hwd, &in);
		WDC_PciDeviceClose(dev);
	}
}

int main(void)
{
	WD_PCI_SLOT slots[2];
	WD_PCI_CARD_INFO ia, ib;
	WDC_DEVICE_HANDLE a, b;

	tap_init("t_irq");
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2) {
		tap_ok(false, "needs two bound edu devices");
		return tap_done();
	}
	hwd = WDC_GetWDHandle();
	a = open_nth(EDU_VENDOR, EDU_DEVICE, 0);
	b = open_nth(EDU_VENDOR, EDU_DEVICE, 1);
	if (!tap_ok(a && b, "open both edus"))
		return tap_done();
	memset(&ia, 0, sizeof(ia));
	memset(&ib, 0, sizeof(ib));
	ia.slot = slots[0];
	ib.slot = slots[1];
	WDC_PciGetDeviceInfo(&ia);
	WDC_PciGetDeviceInfo(&ib);
	tap_ok(ia.item[ia.num_items - 1].irq == ib.item[ib.num_items - 1].irq,
	       "the two edus share IRQ %u", ia.item[ia.num_items - 1].irq);

	test_intx(a, b);
	WDC_PciDeviceClose(b);	/* from here on another file may take it */
	test_msi(a);
	test_storm(a);
	test_disable_wakes(a, slots[1]);
	test_epoll(a);
	test_wdc(a);

	WDC_PciDeviceClose(a);
	test_kill(slots[0], INTERRUPT_LEVEL_SENSITIVE, "INTx");
	test_kill(slots[0], INTERRUPT_MESSAGE, "MSI");
	WDC_DriverClose();
	return tap_done();
}
