// SPDX-License-Identifier: MIT
/*
 * t_fuzz: random sizes, fields and pointers thrown at every ioctl and at
 * mmap.  The verdict that matters is the kernel log, which the VM harness
 * checks for Oops/BUG/WARNING after the run; here we check that the agent
 * keeps answering and that the file still works afterwards.
 *
 * The only card registered is pci-testdev, whose registers are harmless
 * to write; random slots that hit an edu are steered away from it, since
 * edu's DMA engine would write random guest memory (no IOMMU here).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "common/tap.h"

#define ITERATIONS 20000

static const unsigned long cmds[] = {
	UDRV_IOC_VERSION, UDRV_IOC_SCAN, UDRV_IOC_CARD_INFO, UDRV_IOC_CONFIG,
	UDRV_IOC_REGISTER, UDRV_IOC_UNREGISTER, UDRV_IOC_TRANSFER,
	UDRV_IOC_MULTI_TRANSFER, UDRV_IOC_CLEANUP_SETUP,
	UDRV_IOC_INT_ENABLE, UDRV_IOC_INT_WAIT, UDRV_IOC_INT_COUNT,
	UDRV_IOC_INT_DISABLE, UDRV_IOC_INT_FD, UDRV_IOC_DMA_LOCK,
	UDRV_IOC_DMA_UNLOCK, UDRV_IOC_DMA_SYNC, UDRV_IOC_DMA_MASK,
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static unsigned char pool[65536];	/* where random pointers may land */
static WD_PCI_SLOT edus[8];
static uint32_t n_edu;

static uint64_t rnd64(void)
{
	return ((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ rand();
}

static uint64_t random_ptr(void)
{
	switch (rand() % 4) {
	case 0:
		return (uintptr_t)(pool + rand() % sizeof(pool));
	case 1:
		return 0;
	case 2:
		return rnd64();
	default:
		return (uintptr_t)pool;
	}
}

/* Keeps the structure plausible often enough to get past the size check. */
static void shape(unsigned long cmd, unsigned char *a, size_t size,
		  uint32_t hcard)
{
	struct udrv_slot *slot = NULL;
	struct udrv_xfer *x = NULL;
	uint32_t i;

	if (rand() % 8)
		memcpy(a, &(uint32_t){ (uint32_t)size }, 4);
	switch (cmd) {
	case UDRV_IOC_SCAN:
		((struct udrv_scan *)a)->max %= UDRV_MAX_SCAN + 2;
		((struct udrv_scan *)a)->entries = random_ptr();
		break;
	case UDRV_IOC_CARD_INFO:
		slot = &((struct udrv_card_info *)a)->slot;
		break;
	case UDRV_IOC_CONFIG:
		slot = &((struct udrv_config *)a)->slot;
		((struct udrv_config *)a)->buf = random_ptr();
		((struct udrv_config *)a)->offset %= 4200;
		((struct udrv_config *)a)->bytes %= 4200;
		break;
	case UDRV_IOC_REGISTER:
		slot = &((struct udrv_register *)a)->slot;
		break;
	case UDRV_IOC_TRANSFER:
		x = &((struct udrv_transfer *)a)->xfer;
		if (rand() % 2)
			((struct udrv_transfer *)a)->hcard = hcard;
		break;
	case UDRV_IOC_MULTI_TRANSFER:
		if (rand() % 2)
			((struct udrv_multi_transfer *)a)->hcard = hcard;
		((struct udrv_multi_transfer *)a)->num %= 64;
		((struct udrv_multi_transfer *)a)->cmds =
			(uintptr_t)(pool + rand() % 1024);
		break;
	case UDRV_IOC_INT_ENABLE:
		((struct udrv_int_enable *)a)->hcard = hcard;
		((struct udrv_int_enable *)a)->num_cmds %= 20;
		((struct udrv_int_enable *)a)->cmds = random_ptr();
		break;
	case UDRV_IOC_INT_WAIT:
	case UDRV_IOC_INT_COUNT:
		if (rand() % 2)
			((struct udrv_int_wait *)a)->hcard = hcard;
		((struct udrv_int_wait *)a)->timeout_ms = 1 + rand() % 5;
		((struct udrv_int_wait *)a)->num_cmds %= 20;
		((struct udrv_int_wait *)a)->cmds = random_ptr();
		break;
	case UDRV_IOC_DMA_LOCK:
		if (rand() % 2)
			((struct udrv_dma_lock *)a)->hcard = hcard;
		((struct udrv_dma_lock *)a)->bytes %= 1 << 16;
		((struct udrv_dma_lock *)a)->user_addr = random_ptr();
		((struct udrv_dma_lock *)a)->pages = random_ptr();
		((struct udrv_dma_lock *)a)->num_pages %= 40;
		break;
	case UDRV_IOC_DMA_MASK:
		if (rand() % 2)
			((struct udrv_dma_mask *)a)->hcard = hcard;
		break;
	case UDRV_IOC_CLEANUP_SETUP:
		if (rand() % 2)
			((struct udrv_cleanup_setup *)a)->hcard = hcard;
		((struct udrv_cleanup_setup *)a)->num %= 80;
		((struct udrv_cleanup_setup *)a)->cmds = random_ptr();
		break;
	}
	if (slot && rand() % 2) {
		slot->domain = 0;
		slot->bus = 0;
		slot->slot %= 34;
		slot->function %= 9;
		memset(slot->pad, 0, sizeof(slot->pad));
	}
	if (slot) {
		for (i = 0; i < n_edu; i++)
			if (slot->domain == edus[i].domain &&
			    slot->bus == edus[i].bus &&
			    slot->slot == edus[i].slot)
				slot->slot = 31;
	}
	if (x) {
		x->cmd = rand() % 2 ? (uint32_t)rand() : 0x100 | (rand() & 0x1f);
		x->bar = rand() % 8;
		x->addr = rand() % 2 ? rnd64() : (uint64_t)(rand() % 5000);
		x->bytes %= 8192;
		x->data = random_ptr();
	}
}

int main(void)
{
	static unsigned char arg[8192];
	unsigned int seed = (unsigned int)time(NULL), i, answered = 0;
	WD_PCI_SLOT testdev;
	uint32_t hcard = 0, v = 0;
	int fd;

	tap_init("t_fuzz");
	srand(seed);
	tap_diag("seed %u", seed);
	if (WDC_DriverOpen() || !find_bound(0x1b36, 0x0005, &testdev, 1)) {
		tap_ok(false, "needs a bound pci-testdev: %s",
		       WDC_GetLastErrStr());
		return tap_done();
	}
	n_edu = find_bound(EDU_VENDOR, EDU_DEVICE, edus, 8);
	fd = open(UDRV_DEVICE_PATH, O_RDWR);
	if (fd < 0 || WD_CardRegister(fd, testdev, 0, &hcard)) {
		tap_ok(false, "register pci-testdev");
		return tap_done();
	}
	for (i = 0; i < ITERATIONS; i++) {
		unsigned long cmd = cmds[rand() % NCMDS];
		size_t size = _IOC_SIZE(cmd);
		unsigned int j;

		for (j = 0; j < sizeof(arg); j++)
			arg[j] = rand();
		for (j = 0; j < 2048; j++)
			pool[rand() % sizeof(pool)] = rand();
		if (rand() % 16 == 0)
			cmd = _IOC(rand() % 4, UDRV_IOC_MAGIC, rand() % 24,
				   rand() % 600);
		shape(cmd, arg, size, hcard);
		/* Never unregister our own card: the run would stop there. */
		if (cmd == UDRV_IOC_UNREGISTER &&
		    ((struct udrv_unregister *)arg)->hcard == hcard)
			continue;
		if (ioctl(fd, cmd, arg) == 0 || errno != 0)
			answered++;
		if (i % 8 == 0) {
			uint64_t off = rand() % 2 ? rnd64() :
				       UDRV_MMAP_OFFSET(hcard, rand() % 8) +
				       (rand() % 8) * 4096;
			size_t len = 4096 * (1 + rand() % 4);
			void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd,
				       off & ~4095ULL);

			if (p != MAP_FAILED)
				munmap(p, len);
		}
	}
	tap_ok(answered > 0, "%u of %u random ioctls answered", answered,
	       ITERATIONS);
	{
		WD_TRANSFER t;

		memset(&t, 0, sizeof(t));
		t.cmd = RM_BYTE;
		t.bar = 0;
		t.addr = 1;
		tap_status(WD_Transfer(fd, hcard, &t), WD_STATUS_SUCCESS,
			   "the card still answers after the fuzz");
	}
	tap_status(WD_PciConfigDump(fd, testdev, 0, &v, 4, false),
		   WD_STATUS_SUCCESS, "config still reads after the fuzz");
	tap_ok(v == 0x00051b36, "pci-testdev id 1b36:0005 (0x%08x)", v);
	close(fd);
	WDC_DriverClose();
	return tap_done();
}
