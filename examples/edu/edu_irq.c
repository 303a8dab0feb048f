// SPDX-License-Identifier: MIT
/*
 * edu_irq - interrupts of QEMU's educational PCI device (-device edu; spec:
 * /usr/share/doc/qemu-system-data/specs/edu.txt), two ways:
 *
 *  1. INTx, acknowledged in the kernel at IRQ time by three transfer
 *     commands {read the interrupt status 0x24; CMD_MASK "not mine if 0";
 *     write it all to the acknowledge register 0x64}, with
 *     INTERRUPT_CMD_COPY so the status that caused each interrupt comes
 *     back to user mode.  Delivered by WDC_IntEnable to a handler on the
 *     library's thread.
 *  2. MSI, waited for with WD_IntWait and acknowledged in user mode; also
 *     coalescing (`lost`) and the pollable WD_IntFd.
 *
 * Interrupt causes: a write to 0x60 (raise) ORs the value into the status
 * and signals; with status bit 0x80 set, a finished factorial raises 0x001.
 * Prints a short report; exit status 0 only if everything matched.
 *
 * Run in a guest with edu bound to udrv:  udrvctl bind 00:03.0; edu_irq
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <udrv/wdc.h>

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_BAR		0

#define EDU_FACTORIAL	0x08	/* write n, read n! (32-bit wrapping) */
#define EDU_STATUS	0x20
#define EDU_STATUS_IRQFACT	0x80	/* raise 0x001 when n! is done */
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_IRQ_FACT	0x001
#define SOFT_CAUSE	0x8000	/* what we raise ourselves */

#define WAIT_MS		2000

static unsigned int checks, failures;

static bool report(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool report(bool ok, const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("  %-62s %s\n", line, ok ? "ok" : "FAILED");
	checks++;
	failures += !ok;
	return ok;
}

static bool lib_failed(const char *what)
{
	return report(false, "%s: %s", what, WDC_GetLastErrStr());
}

static uint32_t factorial(uint32_t n)
{
	uint32_t f = 1;

	while (n > 1)
		f *= n--;	/* wraps like the device */
	return f;
}

/* Starts n! with the completion interrupt armed. */
static uint32_t start_factorial(WDC_DEVICE_HANDLE dev, uint32_t n)
{
	uint32_t st = WDC_WriteAddr32(dev, EDU_BAR, EDU_STATUS,
				      EDU_STATUS_IRQFACT);

	return st ? st : WDC_WriteAddr32(dev, EDU_BAR, EDU_FACTORIAL, n);
}

/* No interrupt pending or armed: a clean start for each part. */
static uint32_t quiet(WDC_DEVICE_HANDLE dev)
{
	uint32_t st = WDC_WriteAddr32(dev, EDU_BAR, EDU_STATUS, 0);

	return st ? st : WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_ACK, ~0u);
}

/* ---- 1. INTx, commands at IRQ time, WDC_IntEnable's thread ------------- */

struct intx_ctx {
	WDC_DEVICE_HANDLE dev;
	WD_TRANSFER *cmds;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned int calls;
	uint32_t status;	/* copied at IRQ time by cmds[0] */
	WD_INTERRUPT seen;	/* WDC_IntGetStatus in the handler */
};

/* Runs on the library's thread, once per wake-up. */
static void intx_handler(void *arg)
{
	struct intx_ctx *c = arg;
	WD_INTERRUPT st;

	memset(&st, 0, sizeof(st));
	WDC_IntGetStatus(c->dev, &st);
	pthread_mutex_lock(&c->lock);
	c->status = c->cmds[0].data.dw;
	c->seen = st;
	c->calls++;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

/* Waits for the handler's n-th call, takes what it saw; false on timeout. */
static bool intx_wait_calls(struct intx_ctx *c, unsigned int n,
			    uint32_t *status, WD_INTERRUPT *seen)
{
	struct timespec dl;
	int err = 0;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&c->lock);
	while (c->calls < n && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&c->cond, &c->lock, &dl);
	ok = c->calls >= n;
	*status = c->status;
	*seen = c->seen;
	pthread_mutex_unlock(&c->lock);
	return ok;
}

static void part_intx(WDC_DEVICE_HANDLE dev)
{
	WD_TRANSFER cmds[3];
	struct intx_ctx c = {
		.dev = dev, .cmds = cmds,
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	uint32_t pending = ~0u, result = 0, status = 0;
	WD_INTERRUPT st, seen;
	bool ok;

	printf("INTx, acknowledged in the kernel, WDC_IntEnable handler thread:\n");
	memset(cmds, 0, sizeof(cmds));
	cmds[0].cmd = RM_DWORD;		/* the causes */
	cmds[0].addr = EDU_IRQ_STATUS;
	cmds[1].cmd = CMD_MASK;		/* none: not ours (shared line) */
	cmds[1].data.dw = 0xffffffff;
	cmds[2].cmd = WM_DWORD;		/* acknowledge them all */
	cmds[2].addr = EDU_IRQ_ACK;
	cmds[2].data.dw = 0xffffffff;
	if (quiet(dev) || WDC_IntEnable(dev, cmds, 3,
					INTERRUPT_LEVEL_SENSITIVE |
					INTERRUPT_CMD_COPY,
					intx_handler, &c, false)) {
		lib_failed("WDC_IntEnable");
		return;
	}
	memset(&st, 0, sizeof(st));
	WDC_IntGetStatus(dev, &st);
	report(WDC_IntIsEnabled(dev) &&
	       st.enabled_type == INTERRUPT_LEVEL_SENSITIVE,
	       "enabled: INTx (level-sensitive)");

	WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_RAISE, SOFT_CAUSE);
	ok = intx_wait_calls(&c, 1, &status, &seen);
	if (report(ok, "raise 0x%x: handler called", SOFT_CAUSE))
		report(status == SOFT_CAUSE && seen.count == 1 &&
		       seen.lost == 0,
		       "  status at IRQ time 0x%08x, count %u, lost %u",
		       status, seen.count, seen.lost);

	start_factorial(dev, 10);
	ok = intx_wait_calls(&c, 2, &status, &seen);
	if (report(ok, "10! done: handler called"))
		report(status == EDU_IRQ_FACT && seen.count == 2,
		       "  status at IRQ time 0x%08x (factorial), count %u",
		       status, seen.count);
	WDC_ReadAddr32(dev, EDU_BAR, EDU_FACTORIAL, &result);
	report(result == factorial(10), "  10! = %u (want %u)", result,
	       factorial(10));
	WDC_ReadAddr32(dev, EDU_BAR, EDU_IRQ_STATUS, &pending);
	report(pending == 0, "  acknowledged at IRQ time: status now 0x%x",
	       pending);

	if (WDC_IntDisable(dev))
		lib_failed("WDC_IntDisable");
	else	/* joined: the handler is done, c.calls is stable */
		report(!WDC_IntIsEnabled(dev) && c.calls == 2,
		       "WDC_IntDisable: thread joined after %u calls", c.calls);
	quiet(dev);
}

/* ---- 2. MSI, WD_IntWait ------------------------------------------------- */

static uint32_t irq_status(WDC_DEVICE_HANDLE dev)
{
	uint32_t v = ~0u;

	WDC_ReadAddr32(dev, EDU_BAR, EDU_IRQ_STATUS, &v);
	return v;
}

/* Waits for WD_IntCount to reach `want`, so that a wait finds them all. */
static bool count_reaches(int hwd, WD_INTERRUPT *in, uint32_t want)
{
	WD_INTERRUPT c = *in;
	int i;

	for (i = 0; i < WAIT_MS; i++) {
		if (WD_IntCount(hwd, &c))
			return false;
		if (c.count >= want)
			return true;
		usleep(1000);
	}
	return false;
}

static void msi_fd(WDC_DEVICE_HANDLE dev, int hwd, WD_INTERRUPT *in)
{
	struct pollfd p;
	uint64_t n = 0;
	int fd = WD_IntFd(hwd, in);
	bool ok;

	if (fd < 0) {
		lib_failed("WD_IntFd");
		return;
	}
	p.fd = fd;
	p.events = POLLIN;
	report(poll(&p, 1, 0) == 0, "WD_IntFd: not readable while quiet");
	WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_RAISE, SOFT_CAUSE);
	ok = poll(&p, 1, WAIT_MS) == 1 && read(fd, &n, sizeof(n)) == 8;
	report(ok && n == 1, "  raise: readable, read() says %llu interrupt",
	       (unsigned long long)n);
	WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_ACK, SOFT_CAUSE);
	/* The fd has its own cursor: WD_IntWait still sees it. */
	ok = !WD_IntWait(hwd, in, WAIT_MS);
	report(ok && in->count == 6, "  WD_IntWait still sees it: count %u",
	       in->count);
	close(fd);
}

static void part_msi(WDC_DEVICE_HANDLE dev)
{
	int hwd = WDC_GetWDHandle();
	uint32_t result = 0, lost0, cause, st, i;
	WD_INTERRUPT in;

	printf("MSI, WD_IntWait, acknowledged in user mode:\n");
	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE;
	if (quiet(dev) || WD_IntEnable(hwd, WDC_GetCardHandle(dev), &in)) {
		lib_failed("WD_IntEnable");
		return;
	}
	report(in.enabled_type == INTERRUPT_MESSAGE && in.hInterrupt,
	       "enabled: MSI");

	WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_RAISE, SOFT_CAUSE);
	st = WD_IntWait(hwd, &in, WAIT_MS);
	cause = irq_status(dev);
	if (st)
		lib_failed("raise: WD_IntWait");
	else
		report(in.count == 1 && in.lost == 0 && in.last_message == 0 &&
		       in.vectors == 1 && cause == SOFT_CAUSE,
		       "raise 0x%x: count %u, vector %u, status 0x%x",
		       SOFT_CAUSE, in.count, in.last_message, cause);
	WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_ACK, SOFT_CAUSE);

	start_factorial(dev, 12);
	st = WD_IntWait(hwd, &in, WAIT_MS);
	cause = irq_status(dev);
	if (st)
		lib_failed("12!: WD_IntWait");
	else
		report(in.count == 2 && cause == EDU_IRQ_FACT,
		       "12! done: count %u, status 0x%x", in.count, cause);
	WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_ACK, EDU_IRQ_FACT);
	WDC_ReadAddr32(dev, EDU_BAR, EDU_FACTORIAL, &result);
	report(result == factorial(12), "  12! = %u (want %u)", result,
	       factorial(12));

	/*
	 * Three messages before anyone waits: one wake-up, two lost.  Each
	 * is counted before the next is raised: messages to one vector that
	 * arrive while the CPU still holds the last one merge in the local
	 * APIC (the hardware's coalescing, not udrv's).
	 */
	lost0 = in.lost;
	for (i = 0; i < 3; i++) {
		WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_RAISE, SOFT_CAUSE);
		if (!count_reaches(hwd, &in, in.count + i + 1))
			break;
	}
	if (i < 3 || WD_IntWait(hwd, &in, WAIT_MS))
		lib_failed("3 raises: WD_IntCount/WD_IntWait");
	else
		report(in.count == 5 && in.lost - lost0 == 2,
		       "3 raises, then one wait: count %u, %u lost", in.count,
		       in.lost - lost0);
	WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_ACK, SOFT_CAUSE);

	st = WD_IntWait(hwd, &in, 100);
	report(st == WD_TIME_OUT && in.count == 5,
	       "nothing raised: WD_IntWait times out after 100 ms");

	msi_fd(dev, hwd, &in);

	st = WD_IntDisable(hwd, &in);
	report(!st, "WD_IntDisable");
	st = WD_IntWait(hwd, &in, WAIT_MS);
	report(st == WD_INTERRUPT_NOT_ENABLED,
	       "  then WD_IntWait: WD_INTERRUPT_NOT_ENABLED");
	quiet(dev);
}

int main(void)
{
	static WDC_PCI_SCAN_RESULT scan;
	WDC_DEVICE_HANDLE dev;
	WD_PCI_CARD_INFO info = { 0 };

	if (WDC_DriverOpen() ||
	    WDC_PciScanDevices(EDU_VENDOR, EDU_DEVICE, &scan)) {
		fprintf(stderr, "edu_irq: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	if (!scan.count) {
		fprintf(stderr, "edu_irq: no edu device (%04x:%04x) found: start QEMU with -device edu\n",
			EDU_VENDOR, EDU_DEVICE);
		WDC_DriverClose();
		return 1;
	}
	info.slot = scan.slot[0];
	if (WDC_PciDeviceOpen(&dev, &info, NULL)) {
		fprintf(stderr, "edu_irq: %s\n", WDC_GetLastErrStr());
		WDC_DriverClose();
		return 1;
	}
	printf("edu_irq: edu at %04x:%02x:%02x.%x\n", info.slot.domain,
	       info.slot.bus, info.slot.slot, info.slot.function);
	part_intx(dev);
	part_msi(dev);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	if (failures) {
		printf("edu_irq: %u of %u checks FAILED\n", failures, checks);
		return 1;
	}
	printf("edu_irq: all %u checks passed\n", checks);
	return 0;
}
