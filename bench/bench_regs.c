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

#define ROUNDS 7
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

/* Median ns per read over ROUNDS rounds of n reads each. */
static double measure(bench_fn fn, void *ctx, unsigned long n)
{
	double r[ROUNDS];
	int i;

	fn(ctx, n / 10);	/* warm up */
	for (i = 0; i < ROUNDS; i++) {
		double t0 = now_ns();
		unsigned long reads = fn(ctx, n);

		r[i] = (now_ns() - t0) / reads;
	}
	qsort(r, ROUNDS, sizeof(r[0]), cmp_double);
	return r[ROUNDS / 2];
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
	double floor_ns, map_ns, multi_ns, ioctl_ns;
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

	floor_ns = measure(raw_load, raw, n);
	map_ns = measure(wdc_read, dev, n);
	multi_ns = measure(wd_multi, dev, n / 4);
	ioctl_ns = measure(wd_transfer, dev, n / 20);

	printf("| path (32-bit read of edu BAR0+0) | ns per read | ratio to floor |\n");
	printf("|---|---:|---:|\n");
	printf("| raw load, sysfs resource0 mapping (floor) | %.1f | 1.00 |\n",
	       floor_ns);
	printf("| WDC_ReadAddr32 (udrv mapping) | %.1f | %.2f |\n", map_ns,
	       map_ns / floor_ns);
	printf("| WD_MultiTransfer, per read in a batch of %d | %.1f | %.2f |\n",
	       BATCH, multi_ns, multi_ns / floor_ns);
	printf("| WD_Transfer (one ioctl per read) | %.1f | %.2f |\n", ioctl_ns,
	       ioctl_ns / floor_ns);
	munmap(raw, 4096);
	close(fd);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return 0;
}
