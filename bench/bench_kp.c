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

/* Median ns per operation over ROUNDS rounds of n; < 0 if one failed. */
static double measure(bench_fn fn, void *ctx, unsigned long n)
{
	double r[ROUNDS];
	int i;

	if (!fn(ctx, n / 10 + 1))	/* warm up */
		return -1;
	for (i = 0; i < ROUNDS; i++) {
		double t0 = now_ns();

		if (!fn(ctx, n))
			return -1;
		r[i] = (now_ns() - t0) / n;
	}
	qsort(r, ROUNDS, sizeof(r[0]), cmp_double);
	return r[ROUNDS / 2];
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

static bool kp_nop(void *ctx, unsigned long n)
{
	uint8_t msg[64] = { 1 };
	unsigned long i;
	uint32_t res;

	for (i = 0; i < n; i++)
		if (WDC_CallKerPlug(ctx, EDU_KP_MSG_NOP, msg, sizeof(msg), &res) ||
		    res)
			return false;
	return true;
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
	double ioctl_ns, kcall_ns, ucall_ns, kreads_ns, ureads_ns, mreads_ns;
	WDC_DEVICE_HANDLE dev;

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
	ioctl_ns = measure(bare_ioctl, NULL, n);
	kcall_ns = measure(kp_nop, dev, n);
	kreads_ns = measure(kp_reads, dev, n / 100);
	mreads_ns = measure(user_reads, dev, n / 100);
	WDC_KernelPlugInClose(dev);
	if (WDC_KernelPlugInUseUserMode(EDU_KP_NAME, argv[1]) ||
	    WDC_KernelPlugInOpen(dev, EDU_KP_NAME, NULL, 0))
		return fail("open the user-mode KP");
	ucall_ns = measure(kp_nop, dev, n);
	ureads_ns = measure(kp_reads, dev, n / 100);
	WDC_KernelPlugInClose(dev);
	if (ioctl_ns < 0 || kcall_ns < 0 || ucall_ns < 0 || kreads_ns < 0 ||
	    ureads_ns < 0 || mreads_ns < 0)
		return fail("a call failed during the measurement");

	printf("| Kernel PlugIn call, 64-byte message | ns per call | ratio to the bare ioctl |\n");
	printf("|---|---:|---:|\n");
	printf("| bare ioctl (UDRV_IOC_VERSION) | %.0f | 1.00 |\n", ioctl_ns);
	printf("| WDC_CallKerPlug, KP in the kernel | %.0f | %.2f |\n",
	       kcall_ns, kcall_ns / ioctl_ns);
	printf("| WDC_CallKerPlug, same KP in user mode | %.0f | %.2f |\n",
	       ucall_ns, ucall_ns / ioctl_ns);
	printf("\n| %d reads of edu's id register | us | ratio to user mode |\n",
	       READS);
	printf("|---|---:|---:|\n");
	printf("| %d x WDC_ReadAddr32 in user mode (BAR mapping) | %.1f | 1.00 |\n",
	       READS, mreads_ns / 1e3);
	printf("| one KP message, reads in the kernel | %.1f | %.2f |\n",
	       kreads_ns / 1e3, kreads_ns / mreads_ns);
	printf("| one KP message, same KP in user mode | %.1f | %.2f |\n",
	       ureads_ns / 1e3, ureads_ns / mreads_ns);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return 0;
}
