// SPDX-License-Identifier: MIT
/*
 * bench_irq_kp: interrupts handled in the edu sample's Kernel PlugIn
 * (edu_kp.ko), for bench/irq.sh next to the user-mode paths, UIO, VFIO
 * and the bare in-kernel module in the same boot.
 *
 *  - Rate: the KP's MSI handler acknowledges each interrupt and raises
 *    the next itself (the ping-pong of edu_kp_irq.c, in bursts of 1000
 *    that its DPC restarts), n round trips, one user-mode wake-up at the
 *    end: "RESULT udrv-kp <interrupts per second>", median of 5 rounds of
 *    n after a warm-up of n/10, as every path of irq.sh.
 *  - Latency, one interrupt at a time: from the raise (user mode's write
 *    to BAR0+0x60) to funcIntAtIrqlMSI (kp_time_ns() in the handler, the
 *    same CLOCK_MONOTONIC) and to the WDC_IntEnable handler thread's
 *    wake-up; median and 99th percentile of LAT_SAMPLES.
 * Usage: bench_irq_kp [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <udrv/wdc.h>
#include "../examples/edu/kp/edu_kp.h"

#define EDU_RAISE	0x60
#define ROUNDS		5
#define LAT_SAMPLES	2000

static WDC_DEVICE_HANDLE dev;
static int calls;
static uint64_t woke_ns;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void on_int(void *ctx)
{
	(void)ctx;
	__atomic_store_n(&woke_ns, now_ns(), __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
}

/* Spins (the handler thread runs on the other CPU) until `want` calls. */
static int wait_calls(int want)
{
	uint64_t t0 = now_ns();

	while (__atomic_load_n(&calls, __ATOMIC_SEQ_CST) < want)
		if (now_ns() - t0 > 30000000000ull)
			return -1;
	return 0;
}

static int kp(uint32_t msg, void *data, uint32_t size)
{
	uint32_t res = ~0u;

	if (WDC_CallKerPlug(dev, msg, data, size, &res) || res) {
		fprintf(stderr, "bench_irq_kp: message %u: result %u: %s\n",
			msg, res, WDC_GetLastErrStr());
		return -1;
	}
	return 0;
}

/* One ping-pong of n interrupts, handled in the KP; seconds, or < 0. */
static double pingpong(uint32_t n)
{
	struct edu_kp_pingpong p = { .target = n };
	int want = __atomic_load_n(&calls, __ATOMIC_SEQ_CST) + 1;
	uint64_t t0 = now_ns();

	if (kp(EDU_KP_MSG_PINGPONG, &p, sizeof(p)) || wait_calls(want))
		return -1;
	return (now_ns() - t0) / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int rate(uint32_t n)
{
	double r[ROUNDS], s;
	int i;

	if (pingpong(n / 10 ? n / 10 : 1) < 0)
		return -1;
	for (i = 0; i < ROUNDS; i++) {
		s = pingpong(n);
		if (s <= 0)
			return -1;
		r[i] = n / s;
	}
	qsort(r, ROUNDS, sizeof(r[0]), cmp_double);
	printf("RESULT udrv-kp %.0f\n", r[ROUNDS / 2]);
	printf("# udrv-kp: min %.0f max %.0f interrupts/s over %d rounds of %u (MSI, ack + raise in funcIntAtIrqlMSI)\n",
	       r[0], r[ROUNDS - 1], ROUNDS, n);
	return 0;
}

static int latency(void)
{
	static uint64_t irql[LAT_SAMPLES], wake[LAT_SAMPLES];
	struct edu_kp_int_stats s;
	uint64_t t0;
	int i, want;

	for (i = 0; i < LAT_SAMPLES; i++) {
		want = __atomic_load_n(&calls, __ATOMIC_SEQ_CST) + 1;
		t0 = now_ns();
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		if (wait_calls(want) ||
		    kp(EDU_KP_MSG_INT_STATS, &s, sizeof(s)))
			return -1;
		irql[i] = s.irql_ns - t0;
		wake[i] = __atomic_load_n(&woke_ns, __ATOMIC_SEQ_CST) - t0;
	}
	qsort(irql, LAT_SAMPLES, sizeof(irql[0]), cmp_u64);
	qsort(wake, LAT_SAMPLES, sizeof(wake[0]), cmp_u64);
	printf("LATENCY udrv-kp raise->funcIntAtIrqlMSI median %.1f us p99 %.1f us\n",
	       irql[LAT_SAMPLES / 2] / 1e3, irql[LAT_SAMPLES * 99 / 100] / 1e3);
	printf("LATENCY udrv-kp raise->user-wake median %.1f us p99 %.1f us\n",
	       wake[LAT_SAMPLES / 2] / 1e3, wake[LAT_SAMPLES * 99 / 100] / 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 20000;
	struct edu_kp_open o = { .layout = EDU_KP_LAYOUT };
	WDC_PCI_SCAN_RESULT res;
	WD_PCI_CARD_INFO info;
	uint32_t i;
	int rc = 1;

	if (WDC_DriverOpen() || WDC_PciScanDevices(0x1234, 0x11e8, &res)) {
		fprintf(stderr, "bench_irq_kp: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	for (i = 0; i < res.count && !dev; i++) {
		memset(&info, 0, sizeof(info));
		info.slot = res.slot[i];
		if (WDC_PciGetDeviceInfo(&info) || !info.bound ||
		    WDC_PciDeviceOpen(&dev, &info, NULL))
			dev = NULL;
	}
	if (!dev || WDC_KernelPlugInOpen(dev, EDU_KP_NAME, &o, sizeof(o)) ||
	    WDC_IntEnable(dev, NULL, 0, INTERRUPT_MESSAGE, on_int, NULL,
			  true)) {
		fprintf(stderr, "bench_irq_kp: no edu with edu_kp and MSI: %s\n",
			WDC_GetLastErrStr());
		return 1;
	}
	if (!rate(n) && !latency())
		rc = 0;
	WDC_IntDisable(dev);
	WDC_KernelPlugInClose(dev);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return rc;
}
