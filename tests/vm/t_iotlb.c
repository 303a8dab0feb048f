// SPDX-License-Identifier: MIT
/*
 * t_iotlb: after WD_DMAUnlock returns, the device cannot reach the pages
 * (the --iommu boot, with an e1000e bound to udrv).
 *
 * 15. The kernel's default DMA domain is lazy (DMA-FQ): unmapping clears
 *     the I/O page table but leaves the IOTLB to a flush a few
 *     milliseconds later.  The agent of before returned from unlock with
 *     the device still holding a cached translation: a descriptor queued
 *     at once still sent the freed buffer.
 *
 * edu cannot show it: its DMA engine starts on a 100 ms timer, long after
 * the flush queue drains.  The e1000e fetches a transmit descriptor and
 * its buffer while the tail register is written, so the device's access
 * follows the unlock within microseconds.  First a frame is sent from a
 * locked buffer B (the IOMMU now caches B's translation); then a second
 * descriptor for B is queued, B unlocked, and the tail written at once.
 * The device's read of B must fault in the IOMMU: the guest logs a DMAR
 * fault at B's address.  With a stale IOTLB entry the read succeeds
 * silently.  (The frame counter cannot tell: on a fault QEMU's e1000e
 * still sends a frame, of what unassigned memory reads as.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <unistd.h>

#include "common/tap.h"

#define E1000E_DEVICE	0x10d3
#define TCTL		0x0400
#define TCTL_EN		0x02
#define TCTL_PSP	0x08
#define TDBAL		0x3800
#define TDBAH		0x3804
#define TDLEN		0x3808
#define TDH		0x3810
#define TDT		0x3818
#define TPT		0x40d4	/* total packets transmitted, clear on read */
#define FRAME_LEN	60
#define CMD_EOP		0x01
#define CMD_IFCS	0x02

struct tx_desc {
	uint64_t addr;
	uint32_t lower;		/* length, checksum offset, command */
	uint32_t upper;		/* status, checksum start, special */
};

static WDC_DEVICE_HANDLE nic;

static uint32_t rd(uint32_t reg)
{
	uint32_t v = 0;

	WDC_ReadAddr32(nic, 0, reg, &v);
	return v;
}

static void wr(uint32_t reg, uint32_t v)
{
	WDC_WriteAddr32(nic, 0, reg, v);
}

/* The domain type of the device's IOMMU group ("DMA-FQ" is the lazy one) */
static void domain_type(const char *bdf, char *type, size_t len)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path),
		 "/sys/bus/pci/devices/%s/iommu_group/type", bdf);
	snprintf(type, len, "none");
	f = fopen(path, "r");
	if (!f)
		return;
	if (fgets(type, (int)len, f))
		type[strcspn(type, "\n")] = 0;
	fclose(f);
}

/* How many DMAR faults the kernel logged at this I/O address. */
static int faults_at(uint64_t addr)
{
	static char buf[1 << 17];
	int n = klogctl(3, buf, sizeof(buf) - 1), count = 0;
	char what[48], *p = buf;

	if (n < 0)
		return -1;
	buf[n] = 0;
	snprintf(what, sizeof(what), "fault addr 0x%llx ",
		 (unsigned long long)addr);
	while ((p = strstr(p, what))) {
		count++;
		p++;
	}
	return count;
}

/* The IOMMU's fault interrupt is handled a little later: wait for it. */
static bool new_fault_at(uint64_t addr, int before)
{
	for (int i = 0; i < 200; i++) {
		if (faults_at(addr) > before)
			return true;
		usleep(10000);
	}
	return false;
}

static void frame(uint8_t *b)
{
	static const uint8_t hdr[14] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* broadcast */
		0x02, 0, 0, 0, 0, 0x15,			/* locally administered */
		0x88, 0xb5,				/* local experimental */
	};

	memset(b, 0x5a, FRAME_LEN);
	memcpy(b, hdr, sizeof(hdr));
}

/* Queues descriptor i for the buffer at bus address `bus`. */
static void queue(volatile struct tx_desc *ring, uint32_t i, uint64_t bus)
{
	ring[i].addr = bus;
	ring[i].upper = 0;
	ring[i].lower = FRAME_LEN | (uint32_t)(CMD_EOP | CMD_IFCS) << 24;
	WDC_Barrier();
}

/*
 * One round: B (contiguous or the caller's memory) sends a frame, then is
 * unlocked with a second descriptor for it queued, and the tail written.
 */
static void round_with(volatile struct tx_desc *ring, uint64_t ring_bus,
		       bool contig)
{
	static uint8_t sg[4096] __attribute__((aligned(4096)));
	const char *kind = contig ? "contiguous" : "scatter-gather";
	WD_DMA *b = NULL;
	void *va = sg;
	uint64_t bus;
	uint32_t sent, st;
	int faults;

	st = contig ? WDC_DMAContigBufLock(nic, &va, WD_DMA_TO_DEVICE, 4096, &b)
		    : WDC_DMASGBufLock(nic, sg, WD_DMA_TO_DEVICE, 4096, &b);
	if (!tap_status(st, WD_STATUS_SUCCESS, "%s buffer B locked", kind))
		return;
	bus = b->pages[0].bus_addr;
	frame(va);
	WDC_Barrier();

	wr(TCTL, 0);
	wr(TDBAL, (uint32_t)ring_bus);
	wr(TDBAH, (uint32_t)(ring_bus >> 32));
	wr(TDLEN, 8 * sizeof(struct tx_desc));
	wr(TDH, 0);
	wr(TDT, 0);
	wr(TCTL, TCTL_EN | TCTL_PSP);
	(void)rd(TPT);

	queue(ring, 0, bus);
	wr(TDT, 1);
	sent = rd(TPT);
	if (!tap_ok(sent == 1, "%s: a frame from B at 0x%llx is sent (%u)",
		    kind, (unsigned long long)bus, sent)) {
		WDC_DMABufUnlock(b);
		return;
	}

	faults = faults_at(bus & ~0xfffULL);
	queue(ring, 1, bus);
	st = WDC_DMABufUnlock(b);
	wr(TDT, 2);	/* at once: within the lazy flush's delay */
	sent = rd(TPT);
	tap_status(st, WD_STATUS_SUCCESS, "%s: B unlocked", kind);
	tap_ok(new_fault_at(bus & ~0xfffULL, faults),
	       "defect 15: %s: once unlock returned, the device's read of B faulted in the IOMMU (DMAR fault at 0x%llx; %u frame(s) of what unassigned memory reads)",
	       kind, (unsigned long long)(bus & ~0xfffULL), sent);
	wr(TCTL, 0);
}

int main(void)
{
	volatile struct tx_desc *ring = NULL;
	WD_PCI_SLOT slot;
	WD_DMA *a = NULL;
	char type[32];

	tap_init("t_iotlb");
	if (WDC_DriverOpen() || find_bound(0x8086, E1000E_DEVICE, &slot, 1) < 1 ||
	    !(nic = open_nth(0x8086, E1000E_DEVICE, 0))) {
		tap_ok(false, "open the e1000e: %s", WDC_GetLastErrStr());
		return tap_done();
	}
	domain_type(slot_str(slot), type, sizeof(type));
	tap_diag("%s: IOMMU domain %s", slot_str(slot), type);
	if (strcmp(type, "DMA-FQ")) {
		tap_skip("defect 15: the domain is not the lazy DMA-FQ: nothing to show");
		return tap_done();
	}
	if (!tap_status(WDC_DMAContigBufLock(nic, (void **)&ring,
					     WD_DMA_TO_FROM_DEVICE, 4096, &a),
			WD_STATUS_SUCCESS, "the transmit ring locked")) {
		WDC_DriverClose();
		return tap_done();
	}
	memset((void *)ring, 0, 4096);
	round_with(ring, a->pages[0].bus_addr, true);
	round_with(ring, a->pages[0].bus_addr, false);
	wr(TDLEN, 0);
	WDC_DMABufUnlock(a);
	WDC_PciDeviceClose(nic);
	WDC_DriverClose();
	return tap_done();
}
