/* SPDX-License-Identifier: MIT */
/*
 * edu_dma.h - programming QEMU edu's DMA engine from the VM tests.
 * 0x80 source, 0x88 destination, 0x90 count, 0x98 command (bit 0 start,
 * bit 1 device->RAM, bit 2 raise interrupt 0x100 when done).  The device's
 * buffer is 4096 bytes at 0x40000, but QEMU 7.2 aborts on a transfer that
 * ends at 0x41000, so at most 4095 bytes of it are ever used.
 */
#ifndef UDRV_TEST_EDU_DMA_H
#define UDRV_TEST_EDU_DMA_H

#include <stdbool.h>
#include <stdint.h>
#include <udrv/wdc.h>

#define EDU_DMA_BASE	0x40000
#define EDU_DMA_MAX	4095

/*
 * One transfer between device-visible address `ram` and offset `off` of
 * the device buffer; waits for completion by polling, or by the interrupt
 * if `intr` is enabled on the device (then also acknowledges it).
 * Returns 0 or a WD_ status.
 */
uint32_t edu_dma(WDC_DEVICE_HANDLE dev, uint64_t ram, uint32_t off,
		 uint32_t len, bool to_ram, WD_INTERRUPT *intr);

/*
 * Moves `bytes` of a locked buffer (its page list) to the device buffer at
 * `off`, or back: one transfer per list entry.
 */
uint32_t edu_dma_list(WDC_DEVICE_HANDLE dev, const WD_DMA *dma, uint32_t off,
		      bool to_ram);

/* Physical address of a resident page of ours (root: /proc/self/pagemap) */
uint64_t phys_of(const void *p);

#endif
