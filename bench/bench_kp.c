// SPDX-License-Identifier: MIT
/*
 * bench_kp: what a Kernel PlugIn call costs, and what a KP is for.
 *
 * 1. A round trip of a 64-byte message (the edu sample KP's NOP message:
 *    the agent copies the data in and back out, the KP does nothing)
 *    against the cheapest ioctl on /dev/udrv (UDRV_IOC_VERSION: a
 *    structure copied in and out, no device, no lock) and against the
 *    same call to the same KP source loaded in-process (user mode).
 * 2. 1000 reads of edu's id register in one KP message, in ring 0,
 *    against 1000 WDC_ReadAddr32 in user mode through the BAR mapping.
 *
 * Needs edu_kp.ko loaded (kernel mode) and edu_kp.so at the path given
 * (user mode).  Medians of several rounds, all in one boot.
 * Usage: bench_kp SO_PATH [CALLS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <udrv/kp.h>
#include "../examples/edu/kp/edu_kp.h"

#define ROUNDS 7
#define READS 1000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

typedef bool (*bench_fn)(void *ctx, unsigned long n);

struct bench {
	bench_fn fn;
	void *ctx;
	unsigned long n;
	double r[ROUNDS];
	double ns;		/* the median, per operation; < 0: failed */
};

/*
 * Round-robin: each round runs every benchmark once, so that a change of
 * the host's load between them shows in all of them alike.
 */
static void measure(struct bench *b, int nb)
{
	int i, k;

	for (k = 0; k < nb; k++)
		b[k].ns = b[k].fn(b[k].ctx, b[k].n / 10 + 1) ? 0 : -1;
	for (i = 0; i < ROUNDS; i++)
		for (k = 0; k < nb; k++) {
			double t0 = now_ns();

			if (b[k].ns < 0 || !b[k].fn(b[k].ctx, b[k].n)) {
				b[k].ns = -1;
				continue;
			}
			b[k].r[i] = (now_ns() - t0) / b[k].n;
		}
	for (k = 0; k < nb; k++)
		if (b[k].ns >= 0) {
			qsort(b[k].r, ROUNDS, sizeof(double), cmp_double);
			b[k].ns = b[k].r[ROUNDS / 2];
		}
}

static bool bare_ioctl(void *ctx, unsigned long n)
{
	struct udrv_version v;
	unsigned long i;

	(void)ctx;
	for (i = 0; i < n; i++) {
		memset(&v, 0, sizeof(v));
		v.size = sizeof(v);
		if (ioctl(WDC_GetWDHandle(), UDRV_IOC_VERSION, &v))
			return false;
	}
	return true;
}

static bool kp_nop_size(void *ctx, unsigned long n, uint32_t size)
{
	uint8_t msg[64] = { 1 };
	unsigned long i;
	uint32_t res;

	for (i = 0; i < n; i++)
		if (WDC_CallKerPlug(ctx, EDU_KP_MSG_NOP, size ? msg : NULL, size,
				    &res) || res)
			return false;
	return true;
}

static bool kp_nop(void *ctx, unsigned long n)
{
	return kp_nop_size(ctx, n, 64);
}

/* The same 64-byte call as one raw ioctl: the library's share of the cost */
static uint32_t raw_hkp;

static bool raw_call(void *ctx, unsigned long n)
{
	uint8_t msg[64] = { 1 };
	struct udrv_kp_call c;
	unsigned long i;

	(void)ctx;
	for (i = 0; i < n; i++) {
		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.hkp = raw_hkp;
		c.message = EDU_KP_MSG_NOP;
		c.data = (uintptr_t)msg;
		c.data_size = sizeof(msg);
		if (ioctl(WDC_GetWDHandle(), UDRV_IOC_KP_CALL, &c) || c.result)
			return false;
	}
	return true;
}

/* A call the agent refuses after its checks: copy-in and lookup only */
static bool raw_bad_handle(void *ctx, unsigned long n)
{
	struct udrv_kp_call c;
	unsigned long i;

	(void)ctx;
	for (i = 0; i < n; i++) {
		memset(&c, 0, sizeof(c));
		c.size = sizeof(c);
		c.hkp = 0x7fffffff;
		if (!ioctl(WDC_GetWDHandle(), UDRV_IOC_KP_CALL, &c))
			return false;
	}
	return true;
}

static bool kp_nop0(void *ctx, unsigned long n)
{
	return kp_nop_size(ctx, n, 0);
}

/* n messages of READS reads each */
static bool kp_reads(void *ctx, unsigned long n)
{
	struct edu_kp_reads r = { .count = READS };
	unsigned long i;
	uint32_t res;

	for (i = 0; i < n; i++)
		if (WDC_CallKerPlug(ctx, EDU_KP_MSG_READS, &r, sizeof(r), &res) ||
		    res || r.last != 0x010000ed)
			return false;
	return true;
}

static bool user_reads(void *ctx, unsigned long n)
{
	unsigned long i, k;
	uint32_t v = 0;

	for (i = 0; i < n; i++)
		for (k = 0; k < READS; k++)
			if (WDC_ReadAddr32(ctx, 0, 0, &v) || v != 0x010000ed)
				return false;
	return true;
}

static WDC_DEVICE_HANDLE open_edu(void)
{
	WDC_PCI_SCAN_RESULT scan;
	WD_PCI_CARD_INFO info;
	WDC_DEVICE_HANDLE dev = NULL;

	if (WDC_PciScanDevices(0x1234, 0x11e8, &scan) || !scan.count)
		return NULL;
	memset(&info, 0, sizeof(info));
	info.slot = scan.slot[0];
	if (WDC_PciGetDeviceInfo(&info) || WDC_PciDeviceOpen(&dev, &info, NULL))
		return NULL;
	return dev;
}

static int fail(const char *what)
{
	fprintf(stderr, "bench_kp: %s: %s\n", what, WDC_GetLastErrStr());
	return 1;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 20000;
	struct bench k[7], u[2];
	uint32_t h;
	WDC_DEVICE_HANDLE dev;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_kp SO_PATH [CALLS]\n");
		return 2;
	}
	if (WDC_DriverOpen())
		return fail("WDC_DriverOpen");
	dev = open_edu();
	if (!dev)
		return fail("no edu bound to udrv");
	if (WDC_KernelPlugInOpen(dev, EDU_KP_NAME, NULL, 0))
		return fail("open the kernel KP (is edu_kp.ko loaded?)");
	k[0] = (struct bench){ .fn = bare_ioctl, .ctx = NULL, .n = n };
	k[1] = (struct bench){ .fn = kp_nop, .ctx = dev, .n = n };
	k[2] = (struct bench){ .fn = kp_nop0, .ctx = dev, .n = n };
	k[3] = (struct bench){ .fn = kp_reads, .ctx = dev, .n = n / 100 };
	k[4] = (struct bench){ .fn = user_reads, .ctx = dev, .n = n / 100 };
	k[5] = (struct bench){ .fn = raw_call, .ctx = NULL, .n = n };
	k[6] = (struct bench){ .fn = raw_bad_handle, .ctx = NULL, .n = n };
	if (WD_KernelPlugInOpen(WDC_GetWDHandle(), WDC_GetCardHandle(dev),
				EDU_KP_NAME, NULL, 0, &h))
		return fail("a second handle of the kernel KP");
	raw_hkp = h;
	measure(k, 7);
	WD_KernelPlugInClose(WDC_GetWDHandle(), h);
	WDC_KernelPlugInClose(dev);
	if (WDC_KernelPlugInUseUserMode(EDU_KP_NAME, argv[1]) ||
	    WDC_KernelPlugInOpen(dev, EDU_KP_NAME, NULL, 0))
		return fail("open the user-mode KP");
	u[0] = (struct bench){ .fn = kp_nop, .ctx = dev, .n = n };
	u[1] = (struct bench){ .fn = kp_reads, .ctx = dev, .n = n / 100 };
	measure(u, 2);
	WDC_KernelPlugInClose(dev);
	for (i = 0; i < 7; i++)
		if (k[i].ns < 0 || (i < 2 && u[i].ns < 0))
			return fail("a call failed during the measurement");

	printf("| Kernel PlugIn call | ns per call | ratio to the bare ioctl |\n");
	printf("|---|---:|---:|\n");
	printf("| bare ioctl (UDRV_IOC_VERSION: 64 bytes in and out) | %.0f | 1.00 |\n",
	       k[0].ns);
	printf("| WDC_CallKerPlug, 64-byte message, KP in the kernel | %.0f | %.2f |\n",
	       k[1].ns, k[1].ns / k[0].ns);
	printf("| the same as a raw UDRV_IOC_KP_CALL (no library) | %.0f | %.2f |\n",
	       k[5].ns, k[5].ns / k[0].ns);
	printf("| WDC_CallKerPlug, no data, KP in the kernel | %.0f | %.2f |\n",
	       k[2].ns, k[2].ns / k[0].ns);
	printf("| KP_CALL refused after its checks (unknown handle) | %.0f | %.2f |\n",
	       k[6].ns, k[6].ns / k[0].ns);
	printf("| WDC_CallKerPlug, 64-byte message, same KP in user mode | %.0f | %.2f |\n",
	       u[0].ns, u[0].ns / k[0].ns);
	printf("\n| %d reads of edu's id register | us | ratio to user mode |\n",
	       READS);
	printf("|---|---:|---:|\n");
	printf("| %d x WDC_ReadAddr32 in user mode (BAR mapping) | %.1f | 1.00 |\n",
	       READS, k[4].ns / 1e3);
	printf("| one KP message, reads in the kernel | %.1f | %.2f |\n",
	       k[3].ns / 1e3, k[3].ns / k[4].ns);
	printf("| one KP message, same KP in user mode | %.1f | %.2f |\n",
	       u[1].ns / 1e3, u[1].ns / k[4].ns);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return 0;
}
