// SPDX-License-Identifier: MIT
/*
 * cmd_dma.c - udrvctl dma: a DMA self-test on QEMU's edu device.
 *
 * Registers the card (exclusively), sets its DMA mask (edu: 28 bits), locks
 * a source and a destination buffer of 4096 bytes -- contiguous, or with
 * --sg the tool's own malloc'd memory, starting mid-page so that it spans
 * two pages -- fills the source with a pattern and lets edu copy it
 * RAM -> device -> RAM, chunk by chunk (dma_plan.h: never more than 2048
 * bytes, never up to the end of edu's buffer), polling the command
 * register.  Prints each step; exit status 0 only if the data matched.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmds.h"
#include "dma_plan.h"
#include "parse.h"

#define EDU_BAR		0
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1
#define EDU_CMD_TO_RAM	0x2	/* direction: device -> RAM */

#define DMA_BYTES	4096
#define SG_OFFSET	1000	/* bytes of the first page (--sg) */
#define POLL_MS		5000
#define MAX_CHUNKS	16

struct dma_args {
	WD_PCI_SLOT slot;
	bool sg;
	uint32_t mask;
};

static int parse(int argc, char **argv, struct dma_args *a)
{
	const char *bdf = NULL, *val;
	int i;

	memset(a, 0, sizeof(*a));
	a->mask = 28;
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--sg")) {
			a->sg = true;
		} else if (!strncmp(argv[i], "--mask", 6) &&
			   (argv[i][6] == '=' || !argv[i][6])) {
			val = argv[i][6] ? argv[i] + 7 :
			      i + 1 < argc ? argv[++i] : NULL;
			if (!val)
				return ctl_usage_error("dma: --mask needs a number of address bits");
			if (ctl_parse_u32(val, &a->mask) || a->mask < 12 ||
			    a->mask > 64)
				return ctl_usage_error("dma: --mask '%s' must be 12 to 64 (address bits)",
						       val);
		} else if (!strncmp(argv[i], "--", 2)) {
			return ctl_usage_error("dma: unknown option '%s'",
					       argv[i]);
		} else if (bdf) {
			return ctl_usage_error("dma: unexpected argument '%s' (one BDF only)",
					       argv[i]);
		} else {
			bdf = argv[i];
		}
	}
	if (!bdf)
		return ctl_usage_error("dma: which device? (dma BDF [--sg] [--mask BITS])");
	return ctl_get_slot("dma", bdf, &a->slot);
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* One edu transfer, polled to completion; 0 or the exit status. */
static int edu_transfer(WDC_DEVICE_HANDLE dev, uint64_t src, uint64_t dst,
			uint32_t len, uint32_t cmd)
{
	double t0 = now_ms(), t;
	uint32_t c = EDU_CMD_START;

	printf("    %s 0x%08llx -> %s 0x%08llx, %4u bytes: ",
	       cmd & EDU_CMD_TO_RAM ? "edu" : "RAM", (unsigned long long)src,
	       cmd & EDU_CMD_TO_RAM ? "RAM" : "edu", (unsigned long long)dst,
	       len);
	fflush(stdout);
	/* The buffer's contents before the command that starts the engine. */
	WDC_Barrier();
	if (WDC_WriteAddr64(dev, EDU_BAR, EDU_DMA_SRC, src) ||
	    WDC_WriteAddr64(dev, EDU_BAR, EDU_DMA_DST, dst) ||
	    WDC_WriteAddr64(dev, EDU_BAR, EDU_DMA_COUNT, len) ||
	    WDC_WriteAddr32(dev, EDU_BAR, EDU_DMA_CMD, cmd | EDU_CMD_START)) {
		putchar('\n');
		return ctl_lib_error("dma");
	}
	do {
		usleep(1000);
		if (WDC_ReadAddr32(dev, EDU_BAR, EDU_DMA_CMD, &c)) {
			putchar('\n');
			return ctl_lib_error("dma");
		}
		t = now_ms();
	} while ((c & EDU_CMD_START) && t - t0 < POLL_MS);
	WDC_Barrier();
	if (c & EDU_CMD_START) {
		printf("no completion\n");
		fprintf(stderr, "udrvctl dma: the transfer did not complete within %d ms (command register 0x%x)\n",
			POLL_MS, c);
		return 1;
	}
	printf("%.1f ms\n", t - t0);
	return 0;
}

struct dma_buf {
	const char *name;
	WD_DMA *dma;
	uint8_t *cpu;		/* where the program sees it */
	void *mem;		/* --sg: what malloc returned */
};

/* Locks one buffer; 0 or the exit status. */
static int lock_buf(WDC_DEVICE_HANDLE dev, const struct dma_args *a,
		    uint32_t dir, struct dma_buf *b)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);
	uint32_t i, st;
	void *p;

	if (a->sg) {
		/* Starts SG_OFFSET bytes before a page boundary. */
		b->mem = malloc(DMA_BYTES + 2 * ps);
		if (!b->mem) {
			fprintf(stderr, "udrvctl dma: out of memory\n");
			return 1;
		}
		b->cpu = (uint8_t *)(((uintptr_t)b->mem + 2 * ps - 1) &
				     ~(uintptr_t)(ps - 1)) - SG_OFFSET;
		st = WDC_DMASGBufLock(dev, b->cpu, dir, DMA_BYTES, &b->dma);
	} else {
		st = WDC_DMAContigBufLock(dev, &p, dir, DMA_BYTES, &b->dma);
		b->cpu = p;
	}
	if (st)
		return ctl_lib_error("dma");
	printf("  buffer %s: %s, %u bytes at %p, %u entr%s:", b->name,
	       a->sg ? "scatter-gather" : "contiguous", DMA_BYTES,
	       (void *)b->cpu, b->dma->num_pages,
	       b->dma->num_pages == 1 ? "y" : "ies");
	for (i = 0; i < b->dma->num_pages; i++)
		printf(" 0x%llx+%llu",
		       (unsigned long long)b->dma->pages[i].bus_addr,
		       (unsigned long long)b->dma->pages[i].length);
	putchar('\n');
	for (i = 0; i < b->dma->num_pages; i++) {
		const WD_DMA_PAGE *pg = &b->dma->pages[i];

		if (a->mask < 64 &&
		    (pg->bus_addr + pg->length - 1) >> a->mask) {
			fprintf(stderr, "udrvctl dma: entry %u of buffer %s lies above the %u-bit mask: the agent should have refused it\n",
				i, b->name, a->mask);
			return 1;
		}
	}
	return 0;
}

/* Moves src to dst through edu; 0 or the exit status. */
static int copy(WDC_DEVICE_HANDLE dev, const struct dma_buf *src,
		const struct dma_buf *dst)
{
	struct ctl_dma_chunk c[MAX_CHUNKS];
	uint32_t n, i;
	int ret;

	n = ctl_dma_plan(src->dma->pages, src->dma->num_pages,
			 dst->dma->pages, dst->dma->num_pages, DMA_BYTES,
			 CTL_EDU_CHUNK, c, MAX_CHUNKS);
	if (!n || n > MAX_CHUNKS) {
		fprintf(stderr, "udrvctl dma: the page lists do not make a plan of at most %u transfers (%u)\n",
			MAX_CHUNKS, n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		printf("  chunk %u: bytes %llu-%llu\n", i + 1,
		       (unsigned long long)c[i].off,
		       (unsigned long long)(c[i].off + c[i].len - 1));
		ret = edu_transfer(dev, c[i].src, CTL_EDU_DMA_WINDOW,
				   c[i].len, 0);
		if (!ret)
			ret = edu_transfer(dev, CTL_EDU_DMA_WINDOW, c[i].dst,
					   c[i].len, EDU_CMD_TO_RAM);
		if (ret)
			return ret;
	}
	return 0;
}

static int compare(const uint8_t *a, const uint8_t *b, uint32_t seed)
{
	uint32_t i, bad = 0, first = 0;

	for (i = 0; i < DMA_BYTES; i++) {
		if (a[i] != b[i] && !bad++)
			first = i;
	}
	if (!bad) {
		printf("  compare: all %u bytes match (pattern seed 0x%08x)\n",
		       DMA_BYTES, seed);
		return 0;
	}
	printf("  compare: %u of %u bytes differ, the first at offset %u (0x%02x, want 0x%02x)\n",
	       bad, DMA_BYTES, first, b[first], a[first]);
	fprintf(stderr, "udrvctl dma: the data did not survive the round trip%s\n",
		b[first] == 0 ? " (zeros arrived: did edu reach the buffers? It cuts device addresses to 28 bits unless QEMU runs with -device edu,dma_mask=...)" :
		"");
	return 1;
}

static int run(WDC_DEVICE_HANDLE dev, const struct dma_args *a)
{
	struct dma_buf src = { .name = "A (to edu)" };
	struct dma_buf dst = { .name = "B (from edu)" };
	uint32_t seed, i, x;
	double t0;
	int ret;

	ret = WDC_DMASetMask(dev, a->mask) ? ctl_lib_error("dma") : 0;
	if (!ret) {
		printf("  DMA mask: %u bits\n", a->mask);
		ret = lock_buf(dev, a, WD_DMA_TO_DEVICE, &src);
	}
	if (!ret)
		ret = lock_buf(dev, a, WD_DMA_FROM_DEVICE, &dst);
	if (!ret) {
		/* A new pattern each run: stale data never passes. */
		seed = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
		for (i = 0, x = seed | 1; i < DMA_BYTES; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			src.cpu[i] = (uint8_t)x;
		}
		memset(dst.cpu, 0, DMA_BYTES);
		t0 = now_ms();
		if (WDC_DMASyncIo(src.dma) || WDC_DMASyncIo(dst.dma))
			ret = ctl_lib_error("dma");
		if (!ret)
			ret = copy(dev, &src, &dst);
		if (!ret && WDC_DMASyncCpu(dst.dma))
			ret = ctl_lib_error("dma");
		if (!ret) {
			printf("  %u bytes RAM -> edu -> RAM in %.0f ms\n",
			       DMA_BYTES, now_ms() - t0);
			ret = compare(src.cpu, dst.cpu, seed);
		}
	}
	/*
	 * A transfer may still be running after a failure: only the
	 * unregistration stops the engine's bus mastering before the agent
	 * frees the memory.  WDC_DMABufUnlock then frees what is left.
	 */
	if (ret)
		WDC_PciDeviceClose(dev);
	if (src.dma && WDC_DMABufUnlock(src.dma) && !ret)
		ret = ctl_lib_error("dma");
	if (dst.dma && WDC_DMABufUnlock(dst.dma) && !ret)
		ret = ctl_lib_error("dma");
	if (!ret)
		WDC_PciDeviceClose(dev);
	free(src.mem);
	free(dst.mem);
	return ret;
}

int cmd_dma(int argc, char **argv)
{
	struct dma_args a;
	WD_PCI_CARD_INFO info;
	WDC_DEVICE_HANDLE dev;
	char bdf[CTL_BDF_LEN];
	int ret;

	ret = parse(argc, argv, &a);
	if (ret)
		return ret;
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = ctl_open_lib("dma");
	if (ret)
		return ret;
	memset(&info, 0, sizeof(info));
	info.slot = a.slot;
	ctl_fmt_bdf(a.slot, bdf);
	if (WDC_PciGetDeviceInfo(&info)) {
		ret = ctl_lib_error("dma");
	} else if (info.id.vendor != CTL_EDU_VENDOR ||
		   info.id.device != CTL_EDU_DEVICE) {
		fprintf(stderr, "udrvctl dma: %s is %04x:%04x: udrv knows the DMA engine of QEMU's edu (1234:11e8) only\n",
			bdf, info.id.vendor, info.id.device);
		ret = 1;
	} else if (WDC_PciDeviceOpen(&dev, &info, NULL)) {
		ret = ctl_lib_error("dma");
	} else {
		printf("udrvctl dma: %s: edu, %s buffers\n", bdf,
		       a.sg ? "scatter-gather" : "contiguous");
		ret = run(dev, &a);
		/* The verdict goes where the other errors go. */
		if (ret)
			fprintf(stderr, "udrvctl dma: FAILED\n");
		else
			printf("udrvctl dma: ok\n");
	}
	WDC_DriverClose();
	return ret;
}
