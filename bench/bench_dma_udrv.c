// SPDX-License-Identifier: MIT
/*
 * bench_dma_udrv [--no-thp] [--hold] [SIZE:REPS ...]: the cost of locking
 * and unlocking a scatter-gather DMA buffer through udrv — WD_DMALock +
 * WD_DMAUnlock on the caller's own memory, WD_DMA_TO_FROM_DEVICE — on the
 * first edu bound to udrv, DMA mask 64 bits.  bench/dma.sh runs it next
 * to its VFIO peer (bench/peers/dma_vfio.c: VFIO_IOMMU_MAP_DMA/UNMAP_DMA
 * of the same buffers) in one boot.
 *
 * Default sizes and repetitions: 4K:2000 1M:200 64M:20 1G:5.
 *
 * Buffers, the same in both programs: per size one anonymous private
 * mmap, its start aligned to 2 MiB (so that transparent huge pages, when
 * the kernel uses them, cover the same part of the buffer in both
 * programs), every page touched by a write before the first lock so that
 * all pages exist, one untimed warm-up lock + unlock, then REPS timed
 * ones; unmapped before the next size.  With --no-thp the buffer is
 * madvise(MADV_NOHUGEPAGE)d first: 4 KiB pages only, the RESULT names get
 * "-nothp".  How much of each buffer THP backs is printed (AnonHugePages
 * of the mapping in /proc/self/smaps).
 *
 * --hold keeps one more 4 KiB buffer locked for the whole run (names get
 * "-held").  The agent sets the device's bus-master bit when a card's
 * first DMA buffer is locked and clears it when its last one is unlocked:
 * without --hold every lock + unlock of the loop pays two PCI_COMMAND
 * config writes, which QEMU makes expensive; with it, neither happens.
 * VFIO never touches the bit on map/unmap (the user sets it once).
 *
 * Output per size, medians over the REPS:
 *   RESULT udrv-sg-<SIZE> <microseconds per lock + unlock>
 *   RESULT udrv-lock-<SIZE> <microseconds per lock>
 *   RESULT udrv-unlock-<SIZE> <microseconds per unlock>
 * plus "# ..." comments (min/max, ns per page, the returned page list).
 * Exit status 1 on any failure (the error on stderr), after the sizes
 * that worked have been reported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <udrv/wdc.h>

static const char *prog = "bench_dma_udrv";
#include "peers/dma_common.h"

static WDC_DEVICE_HANDLE dev;
static int hwd;
static uint32_t hcard;

/* One lock; checks the page list.  Returns 0 or -1 (message printed). */
static int lock(WD_DMA *dma, void *buf, size_t bytes, WD_DMA_PAGE *pages,
		uint32_t cap)
{
	uint32_t st;

	memset(dma, 0, sizeof(*dma));
	dma->user_addr = buf;
	dma->bytes = bytes;
	dma->options = WD_DMA_TO_FROM_DEVICE;
	dma->num_pages = cap;
	dma->pages = pages;
	st = WD_DMALock(hwd, hcard, dma);
	if (st) {
		fprintf(stderr, "%s: WD_DMALock(%zu bytes, %u list entries): "
			"%s (status %u, num_pages out %u)\n", prog, bytes, cap,
			WDC_GetLastErrStr(), st, dma->num_pages);
		return -1;
	}
	return 0;
}

static int unlock(WD_DMA *dma)
{
	uint32_t st = WD_DMAUnlock(hwd, dma);

	if (st) {
		fprintf(stderr, "%s: WD_DMAUnlock: %s (status %u)\n", prog,
			WDC_GetLastErrStr(), st);
		return -1;
	}
	return 0;
}

/* Sum of the list's lengths must be `bytes`: checked on the warm-up. */
static int check_list(const WD_DMA *dma, size_t bytes)
{
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < dma->num_pages; i++)
		sum += dma->pages[i].length;
	printf("# udrv: %zu bytes locked as %u list entries, first at %#llx "
	       "(+%#llx)\n", bytes, dma->num_pages,
	       dma->num_pages ? (unsigned long long)dma->pages[0].bus_addr : 0,
	       dma->num_pages ? (unsigned long long)dma->pages[0].length : 0);
	if (sum != bytes || !dma->num_pages) {
		fprintf(stderr, "%s: the list adds up to %llu bytes, not %zu\n",
			prog, (unsigned long long)sum, bytes);
		return -1;
	}
	return 0;
}

static int bench(const char *name, size_t bytes, unsigned long reps, int nothp,
		 const char *sfx)
{
	unsigned long span = (bytes + PAGE - 1) / PAGE, r;
	uint32_t cap = span + 1;	/* what WD_DMALock asks of its caller */
	double *tl = calloc(reps, sizeof(double));
	double *tu = calloc(reps, sizeof(double));
	double *tt = calloc(reps, sizeof(double));
	WD_DMA_PAGE *pages = calloc(cap, sizeof(*pages));
	double t0, t1, t2, t_alloc, ml, mu, mt;
	WD_DMA dma;
	void *buf;
	int ret = -1;

	if (!tl || !tu || !tt || !pages) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	t0 = now_us();
	buf = buf_alloc(bytes, nothp);
	if (!buf) {
		fprintf(stderr, "%s: mmap %zu bytes: %s\n", prog, bytes,
			strerror(errno));
		goto out;
	}
	t_alloc = now_us() - t0;
	printf("# udrv-sg-%s%s: %zu bytes = %lu pages at %p (%ld kB of them THP), "
	       "mmap + touch %.0f us; warm-up, then %lu x lock + unlock\n",
	       name, sfx, bytes, span, buf, thp_kb(buf), t_alloc, reps);
	fflush(stdout);

	t0 = now_us();
	if (lock(&dma, buf, bytes, pages, cap))
		goto unmap;
	t1 = now_us();
	if (check_list(&dma, bytes)) {
		unlock(&dma);
		goto unmap;
	}
	if (unlock(&dma))
		goto unmap;
	printf("# udrv-sg-%s%s: warm-up lock %.1f us, unlock %.1f us\n", name,
	       sfx, t1 - t0, now_us() - t1);
	for (r = 0; r < reps; r++) {
		t0 = now_us();
		if (lock(&dma, buf, bytes, pages, cap))
			goto unmap;
		t1 = now_us();
		if (unlock(&dma))
			goto unmap;
		t2 = now_us();
		tl[r] = t1 - t0;
		tu[r] = t2 - t1;
		tt[r] = t2 - t0;
	}
	ml = median(tl, reps);
	mu = median(tu, reps);
	mt = median(tt, reps);
	printf("# udrv-sg-%s%s: lock+unlock min %.1f median %.1f max %.1f us; "
	       "%.1f ns per page (lock %.1f, unlock %.1f)\n", name, sfx, tt[0],
	       mt, tt[reps - 1], mt * 1e3 / span, ml * 1e3 / span,
	       mu * 1e3 / span);
	printf("RESULT udrv-sg-%s%s %.1f\n", name, sfx, mt);
	printf("RESULT udrv-lock-%s%s %.1f\n", name, sfx, ml);
	printf("RESULT udrv-unlock-%s%s %.1f\n", name, sfx, mu);
	ret = 0;
unmap:
	munmap(buf, bytes);
out:
	fflush(stdout);
	free(tl);
	free(tu);
	free(tt);
	free(pages);
	return ret;
}

int main(int argc, char **argv)
{
	static char *defaults[] = { "4K:2000", "1M:200", "64M:20", "1G:5" };
	char **specs = defaults, sfx[16];
	int nspecs = 4, nothp = 0, hold = 0, failed = 0, i;
	WD_DMA_PAGE held_pages[2];
	WDC_PCI_SCAN_RESULT res;
	WD_PCI_CARD_INFO info;
	void *held_buf = NULL;
	WD_DMA held;
	uint32_t k, st;

	for (; argc > 1 && argv[1][0] == '-'; argc--, argv++) {
		if (!strcmp(argv[1], "--no-thp")) {
			nothp = 1;
		} else if (!strcmp(argv[1], "--hold")) {
			hold = 1;
		} else {
			fprintf(stderr, "%s: unknown option '%s'\n", prog,
				argv[1]);
			return 2;
		}
	}
	snprintf(sfx, sizeof(sfx), "%s%s", nothp ? "-nothp" : "",
		 hold ? "-held" : "");
	if (argc > 1) {
		specs = argv + 1;
		nspecs = argc - 1;
	}
	/* Check the arguments before touching the device. */
	for (i = 0; i < nspecs; i++) {
		char *end;
		unsigned long long b = parse_size(specs[i], &end);

		if (!b || *end != ':' || strtoul(end + 1, &end, 0) == 0 ||
		    *end || b > (4ULL << 30)) {
			fprintf(stderr, "usage: %s [--no-thp] [--hold] [SIZE:REPS ...] "
				"(SIZE e.g. 4K, 1M, 64M, 1G; at most 4G)\n",
				prog);
			return 2;
		}
	}

	if (WDC_DriverOpen() || WDC_PciScanDevices(0x1234, 0x11e8, &res)) {
		fprintf(stderr, "%s: %s\n", prog, WDC_GetLastErrStr());
		return 1;
	}
	for (k = 0, dev = NULL; k < res.count && !dev; k++) {
		memset(&info, 0, sizeof(info));
		info.slot = res.slot[k];
		if (WDC_PciGetDeviceInfo(&info) || !info.bound ||
		    WDC_PciDeviceOpen(&dev, &info, NULL))
			dev = NULL;
	}
	if (!dev) {
		fprintf(stderr, "%s: no edu bound to udrv\n", prog);
		return 1;
	}
	hwd = WDC_GetWDHandle();
	hcard = WDC_GetCardHandle(dev);
	st = WDC_DMASetMask(dev, 64);
	if (st) {
		fprintf(stderr, "%s: WDC_DMASetMask(64): %s\n", prog,
			WDC_GetLastErrStr());
		return 1;
	}
	printf("# udrv: edu %04x:%02x:%02x.%x, DMA mask 64 bits, "
	       "WD_DMA_TO_FROM_DEVICE, scatter-gather%s%s\n", info.slot.domain,
	       info.slot.bus, info.slot.slot, info.slot.function,
	       nothp ? ", MADV_NOHUGEPAGE" : "",
	       hold ? ", one more 4 KiB buffer held locked (bus master stays on)"
		    : "");
	if (hold) {
		held_buf = buf_alloc(PAGE, 0);
		if (!held_buf) {
			fprintf(stderr, "%s: mmap: %s\n", prog, strerror(errno));
			return 1;
		}
		if (lock(&held, held_buf, PAGE, held_pages, 2))
			return 1;
	}
	for (i = 0; i < nspecs; i++) {
		char *end, name[32];
		unsigned long long b = parse_size(specs[i], &end);
		unsigned long reps = strtoul(end + 1, NULL, 0);

		snprintf(name, sizeof(name), "%.*s", (int)(end - specs[i]),
			 specs[i]);
		for (end = name; *end; end++)
			if (*end >= 'a' && *end <= 'z')
				*end -= 'a' - 'A';
		if (bench(name, b, reps, nothp, sfx))
			failed = 1;
	}
	if (hold && unlock(&held))
		failed = 1;
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return failed;
}
