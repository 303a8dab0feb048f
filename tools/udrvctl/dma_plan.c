// SPDX-License-Identifier: MIT
/*
 * dma_plan.c - chunks for edu's DMA engine (see dma_plan.h).
 */
#include "dma_plan.h"

uint32_t ctl_dma_plan(const WD_DMA_PAGE *src, uint32_t nsrc,
		      const WD_DMA_PAGE *dst, uint32_t ndst, uint64_t bytes,
		      uint32_t max, struct ctl_dma_chunk *out, uint32_t cap)
{
	uint64_t off = 0, s_used = 0, d_used = 0, len;
	uint32_t si = 0, di = 0, n = 0;

	while (off < bytes) {
		/* Skip empty entries; a list that ends early is no plan. */
		while (si < nsrc && s_used == src[si].length) {
			si++;
			s_used = 0;
		}
		while (di < ndst && d_used == dst[di].length) {
			di++;
			d_used = 0;
		}
		if (si == nsrc || di == ndst || !max)
			return 0;
		len = bytes - off;
		if (len > src[si].length - s_used)
			len = src[si].length - s_used;
		if (len > dst[di].length - d_used)
			len = dst[di].length - d_used;
		if (len > max)
			len = max;
		if (n < cap) {
			out[n].src = src[si].bus_addr + s_used;
			out[n].dst = dst[di].bus_addr + d_used;
			out[n].off = off;
			out[n].len = (uint32_t)len;
		}
		n++;
		off += len;
		s_used += len;
		d_used += len;
	}
	return n;
}
