// SPDX-License-Identifier: MIT
/*
 * bench_regs: cost of one 32-bit register read of edu's id register, by
 * each path udrv offers, against a raw load through the sysfs resource0
 * mapping (the floor: no library, no checks).  Each figure is the median
 * of several timed rounds; all in one boot, so the ratios are comparable.
 *
 * The floor is measured on a second edu that is not bound to udrv: the
 * kernel (CONFIG_IO_STRICT_DEVMEM) refuses sysfs mappings of BARs that a
 * driver has claimed, as udrv and vfio-pci do.  Both are the same QEMU
 * device model, so the cost of a load is the same.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <udrv/wdc.h>

#define ROUNDS 9
#define BATCH 64

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

typedef unsigned long (*bench_fn)(void *ctx, unsigned long n);

struct path {
	const char *name;
	bench_fn fn;
	void *ctx;
	unsigned long n;	/* reads per round */
	double r[ROUNDS];	/* ns per read, sorted after the run */
};

/*
 * Round-robin: each round times every path once, so that a slow spell of
 * the host (the VM shares 2 cores) hits all paths alike, not the one that
 * happened to run then.  Medians and the spread of the rounds.
 */
static void measure(struct path *p, int np)
{
	int i, k;

	for (k = 0; k < np; k++)
		p[k].fn(p[k].ctx, p[k].n / 10);	/* warm up */
	for (i = 0; i < ROUNDS; i++) {
		for (k = 0; k < np; k++) {
			double t0 = now_ns();
			unsigned long reads = p[k].fn(p[k].ctx, p[k].n);

			p[k].r[i] = (now_ns() - t0) / reads;
		}
	}
	for (k = 0; k < np; k++)
		qsort(p[k].r, ROUNDS, sizeof(p[k].r[0]), cmp_double);
}

static volatile uint32_t sink;

static unsigned long raw_load(void *ctx, unsigned long n)
{
	volatile uint32_t *p = ctx;
	unsigned long i;

	for (i = 0; i < n; i++)
		sink = p[0];
	return n;
}

static unsigned long wdc_read(void *ctx, unsigned long n)
{
	WDC_DEVICE_HANDLE dev = ctx;
	unsigned long i;
	uint32_t v;

	for (i = 0; i < n; i++) {
		WDC_ReadAddr32(dev, 0, 0, &v);
		sink = v;
	}
	return n;
}

/* The library's function, as without the in-line fast path */
static unsigned long wdc_read_call(void *ctx, unsigned long n)
{
	WDC_DEVICE_HANDLE dev = ctx;
	unsigned long i;
	uint32_t v;

	for (i = 0; i < n; i++) {
		(WDC_ReadAddr32)(dev, 0, 0, &v);
		sink = v;
	}
	return n;
}

static unsigned long wd_transfer(void *ctx, unsigned long n)
{
	WDC_DEVICE_HANDLE dev = ctx;
	WD_TRANSFER t;
	unsigned long i;

	memset(&t, 0, sizeof(t));
	t.cmd = RM_DWORD;
	for (i = 0; i < n; i++) {
		WD_Transfer(WDC_GetWDHandle(), WDC_GetCardHandle(dev), &t);
		sink = t.data.dw;
	}
	return n;
}

static unsigned long wd_multi(void *ctx, unsigned long n)
{
	WDC_DEVICE_HANDLE dev = ctx;
	WD_TRANSFER t[BATCH];
	unsigned long i, batches = (n + BATCH - 1) / BATCH;
	uint32_t done;

	memset(t, 0, sizeof(t));
	for (i = 0; i < BATCH; i++)
		t[i].cmd = RM_DWORD;
	for (i = 0; i < batches; i++)
		WD_MultiTransfer(WDC_GetWDHandle(), WDC_GetCardHandle(dev), t,
				 BATCH, &done);
	return batches * BATCH;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 200000;
	WDC_PCI_SCAN_RESULT res;
	WD_PCI_CARD_INFO info;
	WDC_DEVICE_HANDLE dev;
	char path[128];
	void *raw;
	uint32_t i;
	int fd;

	if (WDC_DriverOpen() || WDC_PciScanDevices(0x1234, 0x11e8, &res) ||
	    res.count < 2) {
		fprintf(stderr, "bench_regs: needs two edu devices: %s\n",
			WDC_GetLastErrStr());
		return 1;
	}
	dev = NULL;
	fd = -1;
	for (i = 0; i < res.count; i++) {
		memset(&info, 0, sizeof(info));
		info.slot = res.slot[i];
		if (WDC_PciGetDeviceInfo(&info))
			continue;
		if (info.bound && !dev) {
			if (WDC_PciDeviceOpen(&dev, &info, NULL))
				dev = NULL;
		} else if (!info.bound && fd < 0) {
			snprintf(path, sizeof(path),
				 "/sys/bus/pci/devices/%04x:%02x:%02x.%x/resource0",
				 info.slot.domain, info.slot.bus,
				 info.slot.slot, info.slot.function);
			fd = open(path, O_RDWR | O_SYNC);
		}
	}
	if (!dev || fd < 0) {
		fprintf(stderr, "bench_regs: needs one edu bound to udrv and one unbound: %s\n",
			WDC_GetLastErrStr());
		return 1;
	}
	raw = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (raw == MAP_FAILED) {
		perror(path);
		return 1;
	}
	if (*(volatile uint32_t *)raw != 0x010000ed) {
		fprintf(stderr, "bench_regs: unbound edu does not answer\n");
		return 1;
	}

	{
		struct path p[] = {
			{ "raw load, sysfs resource0 mapping (floor)",
			  raw_load, raw, n, { 0 } },
			{ "WDC_ReadAddr32 (udrv mapping, in line)",
			  wdc_read, dev, n, { 0 } },
			{ "WDC_ReadAddr32 (udrv mapping, the library's function)",
			  wdc_read_call, dev, n, { 0 } },
			{ "WD_MultiTransfer, per read in a batch of 64",
			  wd_multi, dev, n / 4, { 0 } },
			{ "WD_Transfer (one ioctl per read)",
			  wd_transfer, dev, n / 20, { 0 } },
		};
		int np = sizeof(p) / sizeof(p[0]), k;
		double floor_ns;

		measure(p, np);
		floor_ns = p[0].r[ROUNDS / 2];
		printf("| path (32-bit read of edu BAR0+0) | ns per read, median | min-max of %d rounds | ratio to floor |\n",
		       ROUNDS);
		printf("|---|---:|---:|---:|\n");
		for (k = 0; k < np; k++)
			printf("| %s | %.1f | %.1f-%.1f | %.2f |\n", p[k].name,
			       p[k].r[ROUNDS / 2], p[k].r[0], p[k].r[ROUNDS - 1],
			       p[k].r[ROUNDS / 2] / floor_ns);
		printf("\nWD_MultiTransfer per read vs one WD_Transfer: %.1fx cheaper\n",
		       p[4].r[ROUNDS / 2] / p[3].r[ROUNDS / 2]);
	}
	munmap(raw, 4096);
	close(fd);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return 0;
}
