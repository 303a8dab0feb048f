/* SPDX-License-Identifier: MIT */
/*
 * dma_plan.h - how `udrvctl dma` moves data through edu's DMA engine
 * (host unit-tested).
 *
 * edu has one 4096-byte buffer at device address 0x40000.  QEMU 7.2 aborts
 * on a transfer whose end reaches 0x41000 (fixed in 8.2.1), so no transfer
 * may touch the buffer's last byte: every chunk goes RAM -> 0x40000 -> RAM
 * through the window 0x40000..0x407ff, at most CTL_EDU_CHUNK bytes, and
 * lies inside one page-list entry of each buffer.
 */
#ifndef UDRVCTL_DMA_PLAN_H
#define UDRVCTL_DMA_PLAN_H

#include <udrv/wd.h>

#define CTL_EDU_VENDOR		0x1234
#define CTL_EDU_DEVICE		0x11e8
#define CTL_EDU_DMA_WINDOW	0x40000	/* device address of edu's buffer */
#define CTL_EDU_CHUNK		2048

struct ctl_dma_chunk {
	uint64_t src;		/* device address in the source buffer */
	uint64_t dst;		/* device address in the destination buffer */
	uint64_t off;		/* offset of the chunk in both buffers */
	uint32_t len;
};

/*
 * The chunks that move `bytes` bytes from the buffer whose page list is
 * src[0..nsrc) to the one of dst[0..ndst), at most `max` bytes each.
 * Fills up to `cap` entries of out; returns how many are needed (more
 * than cap: out holds the first cap), 0 if a list covers fewer bytes.
 */
uint32_t ctl_dma_plan(const WD_DMA_PAGE *src, uint32_t nsrc,
		      const WD_DMA_PAGE *dst, uint32_t ndst, uint64_t bytes,
		      uint32_t max, struct ctl_dma_chunk *out, uint32_t cap);

#endif /* UDRVCTL_DMA_PLAN_H */
