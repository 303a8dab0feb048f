// SPDX-License-Identifier: MIT
/*
 * edu_dma - DMA with QEMU's educational PCI device (-device edu; spec:
 * /usr/share/doc/qemu-system-data/specs/edu.txt): data goes from RAM to
 * edu's buffer and back into another RAM buffer, three ways:
 *
 *  1. contiguous buffers the agent allocates (WDC_DMAContigBufLock),
 *     completion found by polling edu's DMA command register;
 *  2. the same buffers, completion signalled by edu's DMA interrupt
 *     (command bit 2 raises interrupt status 0x100), MSI, waited for with
 *     WD_IntWait and acknowledged in user mode;
 *  3. scatter-gather buffers: the program's own malloc'd memory, starting
 *     mid-page (WDC_DMASGBufLock), transfers following the page list.
 *
 * edu's engine cuts addresses to 28 bits (unless QEMU runs with
 * -device edu,dma_mask=...), and silently: so the program sets a 28-bit
 * DMA mask first.  The agent then allocates contiguous buffers below
 * 256 MiB, and refuses a scatter-gather page above it unless an IOMMU
 * remaps it: then part 3 is skipped, and says why (in a guest with more
 * than 256 MiB, run it with an IOMMU: vm/run --iommu).
 *
 * edu's buffer is 4096 bytes at device address 0x40000, but QEMU 7.2
 * aborts on a transfer that ends at 0x41000 (fixed in 8.2.1): every
 * transfer here goes through 0x40000-0x407ff, at most 2048 bytes.
 * Each transfer completes about 100 ms after it was started.
 *
 * Prints a short report; exit status 0 only if all data matched.
 * Run in a guest with edu bound to udrv:  udrvctl bind 00:03.0; edu_dma
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <udrv/wdc.h>

#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8
#define EDU_BAR		0

#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_ACK	0x64
#define EDU_IRQ_DMA	0x100	/* a DMA transfer completed */
#define EDU_DMA_SRC	0x80
#define EDU_DMA_DST	0x88
#define EDU_DMA_COUNT	0x90
#define EDU_DMA_CMD	0x98
#define EDU_CMD_START	0x1	/* cleared by edu when done */
#define EDU_CMD_TO_RAM	0x2	/* direction: edu -> RAM (else RAM -> edu) */
#define EDU_CMD_IRQ	0x4	/* raise EDU_IRQ_DMA when done */
#define EDU_WINDOW	0x40000	/* device address of edu's buffer */
#define EDU_CHUNK	2048	/* per transfer, never up to 0x41000 */

#define EDU_MASK_BITS	28
#define BYTES		4096
#define SG_OFFSET	3000	/* scatter-gather buffers start here in a page */
#define WAIT_MS		2000

static unsigned int checks, failures;
static bool sg_skipped;

static bool report(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool report(bool ok, const char *fmt, ...)
{
	char line[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("  %-64s %s\n", line, ok ? "ok" : "FAILED");
	checks++;
	failures += !ok;
	return ok;
}

/* The library's message is long: on its own line, then the verdict. */
static bool lib_failed(const char *what)
{
	printf("  %s\n", WDC_GetLastErrStr());
	return report(false, "%s", what);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* How a transfer's completion is learnt: polling, or edu's interrupt. */
struct completion {
	int hwd;
	WD_INTERRUPT *intr;	/* NULL: poll the command register */
	unsigned int transfers;
};

/* One transfer of edu's engine, to completion; false (reported) if not. */
static bool edu_transfer(WDC_DEVICE_HANDLE dev, struct completion *c,
			 uint64_t src, uint64_t dst, uint32_t len,
			 uint32_t dir)
{
	uint32_t cmd = EDU_CMD_START | dir | (c->intr ? EDU_CMD_IRQ : 0);
	uint32_t status = 0, st;
	double deadline = now_ms() + WAIT_MS;

	/* What the CPU wrote reaches memory before the engine starts. */
	WDC_Barrier();
	if (WDC_WriteAddr64(dev, EDU_BAR, EDU_DMA_SRC, src) ||
	    WDC_WriteAddr64(dev, EDU_BAR, EDU_DMA_DST, dst) ||
	    WDC_WriteAddr64(dev, EDU_BAR, EDU_DMA_COUNT, len) ||
	    WDC_WriteAddr32(dev, EDU_BAR, EDU_DMA_CMD, cmd))
		return !lib_failed("programming the DMA engine");
	c->transfers++;
	if (c->intr) {
		st = WD_IntWait(c->hwd, c->intr, WAIT_MS);
		if (st)
			return !lib_failed("waiting for the DMA interrupt");
		WDC_ReadAddr32(dev, EDU_BAR, EDU_IRQ_STATUS, &status);
		WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_ACK, EDU_IRQ_DMA);
		if (!(status & EDU_IRQ_DMA))
			return report(false, "interrupt, but status 0x%x lacks 0x%x",
				      status, EDU_IRQ_DMA);
	}
	/* Done when edu clears the start bit (at once after the interrupt) */
	do {
		if (WDC_ReadAddr32(dev, EDU_BAR, EDU_DMA_CMD, &cmd))
			return !lib_failed("reading the DMA command register");
		if (!(cmd & EDU_CMD_START))
			break;
		usleep(1000);
	} while (now_ms() < deadline);
	WDC_Barrier();
	if (cmd & EDU_CMD_START)
		return report(false, "DMA not done within %d ms", WAIT_MS);
	return true;
}

/*
 * Moves `bytes` from buffer a to buffer b through edu's window: chunks that
 * lie within one page-list entry of each buffer, at most EDU_CHUNK bytes.
 */
static bool move(WDC_DEVICE_HANDLE dev, struct completion *c,
		 const WD_DMA *a, const WD_DMA *b, uint32_t bytes)
{
	uint64_t ai = 0, bi = 0, aused = 0, bused = 0, len;
	uint32_t done = 0;

	while (done < bytes) {
		if (ai >= a->num_pages || bi >= b->num_pages)
			return report(false, "page lists cover fewer than %u bytes",
				      bytes);
		len = bytes - done;
		if (len > a->pages[ai].length - aused)
			len = a->pages[ai].length - aused;
		if (len > b->pages[bi].length - bused)
			len = b->pages[bi].length - bused;
		if (len > EDU_CHUNK)
			len = EDU_CHUNK;
		if (!edu_transfer(dev, c, a->pages[ai].bus_addr + aused,
				  EDU_WINDOW, (uint32_t)len, 0) ||
		    !edu_transfer(dev, c, EDU_WINDOW,
				  b->pages[bi].bus_addr + bused,
				  (uint32_t)len, EDU_CMD_TO_RAM))
			return false;
		done += (uint32_t)len;
		aused += len;
		bused += len;
		if (aused == a->pages[ai].length) {
			ai++;
			aused = 0;
		}
		if (bused == b->pages[bi].length) {
			bi++;
			bused = 0;
		}
	}
	return true;
}

/* Fills a with a new pattern, moves it to b, compares. */
static void round_trip(WDC_DEVICE_HANDLE dev, struct completion *c,
		       WD_DMA *a, uint8_t *acpu, WD_DMA *b, uint8_t *bcpu)
{
	static uint32_t x = 0x2545f491;
	uint32_t i, bad = 0;
	double t0;

	x ^= (uint32_t)time(NULL);
	for (i = 0; i < BYTES; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		acpu[i] = (uint8_t)x;
	}
	memset(bcpu, 0, BYTES);
	/*
	 * The device may read a, and write b, from here on.  Only the bytes
	 * it moves need syncing: with bounce buffers or a large SG list, a
	 * whole-buffer sync would cost far more.
	 */
	if (WDC_DMASyncIoRange(a, 0, BYTES) || WDC_DMASyncIoRange(b, 0, BYTES)) {
		lib_failed("sync for the device");
		return;
	}
	c->transfers = 0;
	t0 = now_ms();
	if (!move(dev, c, a, b, BYTES))
		return;
	/* And the CPU sees what the device wrote. */
	if (WDC_DMASyncCpuRange(b, 0, BYTES)) {
		lib_failed("sync for the CPU");
		return;
	}
	for (i = 0; i < BYTES; i++)
		bad += acpu[i] != bcpu[i];
	report(!bad, "%u bytes RAM -> edu -> RAM, %u transfers, %.0f ms: %s",
	       BYTES, c->transfers, now_ms() - t0,
	       bad ? "data differs" : "data matches");
}

static void show(const char *name, const WD_DMA *d)
{
	uint32_t i;

	printf("  buffer %s at %p:", name, d->user_addr);
	for (i = 0; i < d->num_pages; i++)
		printf(" 0x%llx+%llu", (unsigned long long)d->pages[i].bus_addr,
		       (unsigned long long)d->pages[i].length);
	putchar('\n');
}

/* Every entry within the mask the device was given. */
static bool below_mask(const WD_DMA *d)
{
	uint32_t i;

	for (i = 0; i < d->num_pages; i++)
		if ((d->pages[i].bus_addr + d->pages[i].length - 1) >>
		    EDU_MASK_BITS)
			return false;
	return true;
}

/* ---- 1. and 2. contiguous buffers, polling and interrupt -------------- */

static void part_contig(WDC_DEVICE_HANDLE dev)
{
	struct completion poll = { .hwd = WDC_GetWDHandle() }, irq = poll;
	WD_DMA *a = NULL, *b = NULL;
	void *acpu, *bcpu;
	WD_INTERRUPT in;

	printf("Contiguous buffers, completion by polling:\n");
	if (WDC_DMAContigBufLock(dev, &acpu, WD_DMA_TO_DEVICE, BYTES, &a) ||
	    WDC_DMAContigBufLock(dev, &bcpu, WD_DMA_FROM_DEVICE, BYTES, &b)) {
		lib_failed("locking");
		goto out;
	}
	show("A (to edu)", a);
	show("B (from edu)", b);
	report(a->num_pages == 1 && b->num_pages == 1 && below_mask(a) &&
	       below_mask(b),
	       "one entry each, below the %u-bit mask", EDU_MASK_BITS);
	round_trip(dev, &poll, a, acpu, b, bcpu);

	printf("Contiguous buffers, completion by the DMA interrupt (MSI):\n");
	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE;
	WDC_WriteAddr32(dev, EDU_BAR, EDU_IRQ_ACK, ~0u);
	if (WD_IntEnable(irq.hwd, WDC_GetCardHandle(dev), &in)) {
		lib_failed("interrupts");
		goto out;
	}
	irq.intr = &in;
	round_trip(dev, &irq, a, acpu, b, bcpu);
	report(in.count == irq.transfers && in.lost == 0,
	       "one interrupt per transfer: %u interrupts, %u lost", in.count,
	       in.lost);
	WD_IntDisable(irq.hwd, &in);
out:
	if (a && WDC_DMABufUnlock(a))
		lib_failed("unlocking");
	if (b && WDC_DMABufUnlock(b))
		lib_failed("unlocking");
}

/* ---- 3. scatter-gather: the program's own memory ------------------------ */

/* BYTES of fresh memory starting SG_OFFSET into a page (so: 2 pages). */
static uint8_t *sg_mem(void **mem)
{
	size_t ps = (size_t)sysconf(_SC_PAGESIZE);

	*mem = malloc(BYTES + 2 * ps);
	if (!*mem)
		return NULL;
	return (uint8_t *)(((uintptr_t)*mem + ps - 1) & ~(uintptr_t)(ps - 1)) +
	       SG_OFFSET;
}

static void part_sg(WDC_DEVICE_HANDLE dev)
{
	struct completion poll = { .hwd = WDC_GetWDHandle() };
	void *amem = NULL, *bmem = NULL;
	uint8_t *acpu = sg_mem(&amem), *bcpu = sg_mem(&bmem);
	WD_DMA *a = NULL, *b = NULL;
	uint32_t st;

	printf("Scatter-gather buffers (malloc'd, from offset %u in a page), polling:\n",
	       SG_OFFSET);
	if (!acpu || !bcpu) {
		report(false, "out of memory");
		goto out;
	}
	st = WDC_DMASGBufLock(dev, acpu, WD_DMA_TO_DEVICE, BYTES, &a);
	if (!st)
		st = WDC_DMASGBufLock(dev, bcpu, WD_DMA_FROM_DEVICE, BYTES, &b);
	if (st == WD_OUT_OF_RANGE) {
		/*
		 * The memory lies above what the device reaches and no IOMMU
		 * remaps it: the agent refuses rather than let the device
		 * write elsewhere.  Not a failure of this program.
		 */
		printf("  skipped: %s\n", WDC_GetLastErrStr());
		sg_skipped = true;
		goto out;
	}
	if (st) {
		lib_failed("locking");
		goto out;
	}
	show("A (to edu)", a);
	show("B (from edu)", b);
	report(below_mask(a) && below_mask(b) &&
	       a->pages[0].bus_addr % (uint64_t)sysconf(_SC_PAGESIZE) ==
	       SG_OFFSET,
	       "%u + %u entries, from the in-page offset, below the mask",
	       a->num_pages, b->num_pages);
	round_trip(dev, &poll, a, acpu, b, bcpu);
out:
	if (a && WDC_DMABufUnlock(a))
		lib_failed("unlocking");
	if (b && WDC_DMABufUnlock(b))
		lib_failed("unlocking");
	free(amem);
	free(bmem);
}

int main(void)
{
	static WDC_PCI_SCAN_RESULT scan;
	WDC_DEVICE_HANDLE dev;
	WD_PCI_CARD_INFO info = { 0 };

	if (WDC_DriverOpen() ||
	    WDC_PciScanDevices(EDU_VENDOR, EDU_DEVICE, &scan)) {
		fprintf(stderr, "edu_dma: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	if (!scan.count) {
		fprintf(stderr, "edu_dma: no edu device (%04x:%04x) found: start QEMU with -device edu\n",
			EDU_VENDOR, EDU_DEVICE);
		WDC_DriverClose();
		return 1;
	}
	info.slot = scan.slot[0];
	if (WDC_PciDeviceOpen(&dev, &info, NULL)) {
		fprintf(stderr, "edu_dma: %s\n", WDC_GetLastErrStr());
		WDC_DriverClose();
		return 1;
	}
	printf("edu_dma: edu at %04x:%02x:%02x.%x\n", info.slot.domain,
	       info.slot.bus, info.slot.slot, info.slot.function);
	/* Before any buffer: edu reaches 28 address bits only. */
	if (WDC_DMASetMask(dev, EDU_MASK_BITS)) {
		lib_failed("mask");
	} else {
		report(true, "DMA mask: %u bits", EDU_MASK_BITS);
		part_contig(dev);
		part_sg(dev);
	}
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	if (failures) {
		printf("edu_dma: %u of %u checks FAILED\n", failures, checks);
		return 1;
	}
	printf("edu_dma: all %u checks passed%s\n", checks,
	       sg_skipped ? " (scatter-gather skipped: memory above the mask, no IOMMU)" : "");
	return 0;
}
