// SPDX-License-Identifier: MIT
/*
 * bench_multi: where the cost of a batch of 64 register reads goes.  Each
 * row adds one part to the row before it, so the differences between rows
 * are the parts' costs; all are ns per command (a call's time / 64), the
 * median of several rounds, on edu's id register (BAR0 + 0).  The raw rows
 * issue the ioctl directly, without libudrv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include <udrv/wdc.h>
#include <udrv_abi.h>

#define ROUNDS 7
#define BATCH 64
/* More distinct lists than the library's cache holds: every call misses */
#define LISTS 16

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

struct ctx {
	int fd;
	uint32_t hcard;
	WD_TRANSFER t[BATCH];
	WD_TRANSFER lists[LISTS][BATCH];
	struct udrv_xlist_run run;
	int failed;
};

typedef void (*call_fn)(struct ctx *c, unsigned long i);

/* Median ns per command over ROUNDS rounds of `calls` calls */
static double measure(call_fn fn, struct ctx *c, unsigned long calls)
{
	double r[ROUNDS];
	unsigned long i;
	int k;

	for (i = 0; i < calls / 10; i++)
		fn(c, i);
	for (k = 0; k < ROUNDS; k++) {
		double t0 = now_ns();

		for (i = 0; i < calls; i++)
			fn(c, i);
		r[k] = (now_ns() - t0) / calls / BATCH;
	}
	qsort(r, ROUNDS, sizeof(r[0]), cmp_double);
	return r[ROUNDS / 2];
}

static void bare_ioctl(struct ctx *c, unsigned long i)
{
	struct udrv_version v = { .size = sizeof(v) };

	(void)i;
	if (ioctl(c->fd, UDRV_IOC_VERSION, &v))
		c->failed = 1;
}

static void raw_multi(struct ctx *c, uint32_t hcard, uint32_t cmd,
		      int want_err)
{
	struct udrv_multi_transfer m;
	uint32_t i;

	for (i = 0; i < BATCH; i++)
		c->t[i].cmd = cmd;
	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.hcard = hcard;
	m.num = BATCH;
	m.cmds = (uintptr_t)c->t;
	if ((ioctl(c->fd, UDRV_IOC_MULTI_TRANSFER, &m) != 0) != want_err)
		c->failed = 1;
}

static void multi_bad_card(struct ctx *c, unsigned long i)
{
	(void)i;
	raw_multi(c, 0xfff0, RM_DWORD, 1);
}

static void multi_none(struct ctx *c, unsigned long i)
{
	(void)i;
	raw_multi(c, c->hcard, CMD_NONE, 0);
}

static void multi_reads(struct ctx *c, unsigned long i)
{
	(void)i;
	raw_multi(c, c->hcard, RM_DWORD, 0);
}

static void lib_multi_uncached(struct ctx *c, unsigned long i)
{
	uint32_t done;

	if (WD_MultiTransfer(c->fd, c->hcard, c->lists[i % LISTS], BATCH,
			     &done))
		c->failed = 1;
}

static void raw_run(struct ctx *c, unsigned long i)
{
	(void)i;
	if (ioctl(c->fd, UDRV_IOC_XLIST_RUN, &c->run))
		c->failed = 1;
}

static WD_TRANSFER_LIST xl;

static void lib_run(struct ctx *c, unsigned long i)
{
	(void)i;
	if (WD_MultiTransferRun(c->fd, &xl, c->t))
		c->failed = 1;
}

static void lib_multi_cached(struct ctx *c, unsigned long i)
{
	uint32_t done;

	(void)i;
	if (WD_MultiTransfer(c->fd, c->hcard, c->t, BATCH, &done))
		c->failed = 1;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 3000;
	static struct ctx c;
	struct udrv_xlist_prepare p;
	WDC_PCI_SCAN_RESULT res;
	WD_PCI_CARD_INFO info;
	WDC_DEVICE_HANDLE dev = NULL;
	double v[8];
	uint32_t i, j;

	if (WDC_DriverOpen() || WDC_PciScanDevices(0x1234, 0x11e8, &res)) {
		fprintf(stderr, "bench_multi: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	for (i = 0; i < res.count && !dev; i++) {
		memset(&info, 0, sizeof(info));
		info.slot = res.slot[i];
		if (!WDC_PciGetDeviceInfo(&info) && info.bound &&
		    WDC_PciDeviceOpen(&dev, &info, NULL))
			dev = NULL;
	}
	if (!dev) {
		fprintf(stderr, "bench_multi: needs an edu bound to udrv: %s\n",
			WDC_GetLastErrStr());
		return 1;
	}
	c.fd = WDC_GetWDHandle();
	c.hcard = WDC_GetCardHandle(dev);
	for (j = 0; j < LISTS; j++)
		for (i = 0; i < BATCH; i++) {
			c.lists[j][i].cmd = RM_DWORD;
			/* list j reads register 4 * j last */
			c.lists[j][i].addr = i == BATCH - 1 ? 4 * j : 0;
		}
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.hcard = c.hcard;
	p.num = BATCH;
	p.cmds = (uintptr_t)c.t;
	for (i = 0; i < BATCH; i++)
		c.t[i].cmd = RM_DWORD;
	if (ioctl(c.fd, UDRV_IOC_XLIST_PREPARE, &p)) {
		perror("bench_multi: XLIST_PREPARE");
		return 1;
	}
	c.run.size = sizeof(c.run);
	c.run.handle = p.handle;
	c.run.serial = p.serial;
	c.run.num = BATCH;
	c.run.cmds = (uintptr_t)c.t;

	v[0] = measure(bare_ioctl, &c, n);
	v[1] = measure(multi_bad_card, &c, n);
	v[2] = measure(multi_none, &c, n);
	v[3] = measure(multi_reads, &c, n);
	v[4] = measure(lib_multi_uncached, &c, n);
	v[5] = measure(raw_run, &c, n);
	for (i = 0; i < BATCH; i++)
		c.t[i].cmd = RM_DWORD;
	v[6] = measure(lib_multi_cached, &c, n);
	if (WD_MultiTransferPrepare(c.fd, c.hcard, c.t, BATCH, &xl)) {
		fprintf(stderr, "bench_multi: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	v[7] = measure(lib_run, &c, n);
	if (c.failed || c.t[0].data.dw != 0x010000ed) {
		fprintf(stderr, "bench_multi: a call failed or read a wrong value\n");
		return 1;
	}
	printf("| batch of %d reads of edu BAR0+0 | ns per command | step |\n",
	       BATCH);
	printf("|---|---:|---:|\n");
	printf("| bare ioctl (UDRV_IOC_VERSION) / %d | %.1f | |\n", BATCH,
	       v[0]);
	printf("| raw MULTI_TRANSFER refused (unknown card): + copy in of the commands | %.1f | %+.1f |\n",
	       v[1], v[1] - v[0]);
	printf("| raw MULTI_TRANSFER of CMD_NONE: + card lookup, per-command loop | %.1f | %+.1f |\n",
	       v[2], v[2] - v[1]);
	printf("| raw MULTI_TRANSFER of RM_DWORD: + agent check, MMIO read, put_user | %.1f | %+.1f |\n",
	       v[3], v[3] - v[2]);
	printf("| WD_MultiTransfer, list not cached: + library check, cache miss | %.1f | %+.1f |\n",
	       v[4], v[4] - v[3]);
	printf("| raw XLIST_RUN of RM_DWORD (prepared) | %.1f | %+.1f vs raw MULTI |\n",
	       v[5], v[5] - v[3]);
	printf("| WD_MultiTransfer, cached: + library compare | %.1f | %+.1f |\n",
	       v[6], v[6] - v[5]);
	printf("| WD_MultiTransferRun (prepared explicitly: no compare) | %.1f | %+.1f vs raw XLIST_RUN |\n",
	       v[7], v[7] - v[5]);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return 0;
}
