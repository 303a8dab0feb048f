// SPDX-License-Identifier: MIT
/*
 * edu_demo - a user-mode driver for QEMU's educational PCI device
 * (-device edu; spec: /usr/share/doc/qemu-system-data/specs/edu.txt).  It finds the device,
 * checks its identification and liveness registers and lets it compute a
 * few factorials, polling the status register.  Exit status 0 only if
 * every check passed.
 *
 * Run in a guest with edu bound to udrv:  udrvctl bind 00:03.0; edu_demo
 */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <udrv/wdc.h>

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_BAR		0

/* BAR0 registers; below 0x80 edu answers 32-bit accesses only. */
#define EDU_ID		0x00	/* 0xRRrr00ed: major, minor version */
#define EDU_LIVENESS	0x04	/* reads back the complement */
#define EDU_FACTORIAL	0x08	/* write n, read n! (32-bit wrapping) */
#define EDU_STATUS	0x20
#define EDU_STATUS_COMPUTING	0x01
#define EDU_STATUS_IRQFACT	0x80

#define POLL_TIMEOUT_MS	10000

static unsigned int checks, failures;

static void report(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void report(bool ok, const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("  %-52s %s\n", line, ok ? "ok" : "FAILED");
	checks++;
	failures += !ok;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Waits until the device is not computing; false on timeout or error. */
static bool wait_idle(WDC_DEVICE_HANDLE dev, uint32_t *status)
{
	double deadline = now_ms() + POLL_TIMEOUT_MS;
	unsigned int polls = 0;

	/*
	 * edu computes in a QEMU thread of its own, which a busy host may
	 * not run for a while; and an emulated guest's clock can leap.
	 * Hence a generous deadline, and a number of polls as well.
	 */
	do {
		if (WDC_ReadAddr32(dev, EDU_BAR, EDU_STATUS, status))
			return false;
		if (!(*status & EDU_STATUS_COMPUTING))
			return true;
	} while (++polls < 100000 || now_ms() < deadline);
	return false;
}

static void check_id(WDC_DEVICE_HANDLE dev)
{
	uint32_t id = 0;

	if (WDC_ReadAddr32(dev, EDU_BAR, EDU_ID, &id)) {
		report(false, "id: %s", WDC_GetLastErrStr());
		return;
	}
	report(id == 0x010000ed, "id 0x%08x: edu version %u.%u", id, id >> 24,
	       (id >> 16) & 0xff);
}

static void check_liveness(WDC_DEVICE_HANDLE dev, uint32_t x)
{
	uint32_t v = 0;

	if (WDC_WriteAddr32(dev, EDU_BAR, EDU_LIVENESS, x) ||
	    WDC_ReadAddr32(dev, EDU_BAR, EDU_LIVENESS, &v)) {
		report(false, "liveness: %s", WDC_GetLastErrStr());
		return;
	}
	report(v == ~x, "liveness 0x%08x -> 0x%08x (want 0x%08x)", x, v, ~x);
}

static void check_factorial(WDC_DEVICE_HANDLE dev, uint32_t n)
{
	uint32_t want = 1, got = 0, status = 0, i;

	for (i = 2; i <= n; i++)
		want *= i;	/* wraps like the device */
	if (!wait_idle(dev, &status) ||
	    WDC_WriteAddr32(dev, EDU_BAR, EDU_FACTORIAL, n) ||
	    !wait_idle(dev, &status) ||
	    WDC_ReadAddr32(dev, EDU_BAR, EDU_FACTORIAL, &got)) {
		if (status & EDU_STATUS_COMPUTING)
			report(false, "%u!: still computing after %d ms", n,
			       POLL_TIMEOUT_MS);
		else
			report(false, "%u!: %s", n, WDC_GetLastErrStr());
		return;
	}
	report(got == want, "%u! = %u (want %u)", n, got, want);
}

static int run(WDC_DEVICE_HANDLE dev)
{
	static const uint32_t live[] = { 0x12345678, 0xdeadbeef, 0 };
	static const uint32_t fact[] = { 0, 5, 12, 13 };
	size_t i;

	/* No interrupt when a factorial is done: this demo polls. */
	if (WDC_WriteAddr32(dev, EDU_BAR, EDU_STATUS, 0)) {
		fprintf(stderr, "edu_demo: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	check_id(dev);
	for (i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		check_liveness(dev, live[i]);
	for (i = 0; i < sizeof(fact) / sizeof(fact[0]); i++)
		check_factorial(dev, fact[i]);
	if (failures) {
		printf("edu_demo: %u of %u checks FAILED\n", failures, checks);
		return 1;
	}
	printf("edu_demo: all %u checks passed\n", checks);
	return 0;
}

int main(void)
{
	static WDC_PCI_SCAN_RESULT scan;
	WDC_DEVICE_HANDLE dev;
	WD_PCI_CARD_INFO info = { 0 };
	uint64_t size = 0;
	int ret;

	if (WDC_DriverOpen()) {
		fprintf(stderr, "edu_demo: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	if (WDC_PciScanDevices(EDU_VENDOR, EDU_DEVICE, &scan)) {
		fprintf(stderr, "edu_demo: %s\n", WDC_GetLastErrStr());
		WDC_DriverClose();
		return 1;
	}
	if (!scan.count) {
		fprintf(stderr, "edu_demo: no edu device (%04x:%04x) found: start QEMU with -device edu\n",
			EDU_VENDOR, EDU_DEVICE);
		WDC_DriverClose();
		return 1;
	}
	info.slot = scan.slot[0];
	if (WDC_PciDeviceOpen(&dev, &info, NULL)) {
		/* e.g. "device 0000:00:03.0 is not bound to udrv: run udrvctl bind ..." */
		fprintf(stderr, "edu_demo: %s\n", WDC_GetLastErrStr());
		WDC_DriverClose();
		return 1;
	}
	WDC_GetAddrSpaceSize(dev, EDU_BAR, &size);
	printf("edu_demo: edu %04x:%04x at %04x:%02x:%02x.%x, BAR0 %llu KiB, %s\n",
	       EDU_VENDOR, EDU_DEVICE, info.slot.domain, info.slot.bus,
	       info.slot.slot, info.slot.function,
	       (unsigned long long)(size >> 10),
	       WDC_GetBarPointer(dev, EDU_BAR) ? "mapped (no syscall per access)" :
						 "through transfers");
	ret = run(dev);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return ret;
}
