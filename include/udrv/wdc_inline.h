/* SPDX-License-Identifier: MIT */
/*
 * wdc_inline.h - the fast path of the single-register accessors
 * (WDC_ReadAddr8..64, WDC_WriteAddr8..64), compiled into the caller.
 *
 * Why in line: an access to a mapped memory BAR is one load or store.  As
 * a call into libudrv it also pays the call and the checks on every
 * access; in line, the same checks (handle, BAR, range without overflow,
 * alignment) are compiled into the caller, where the compiler can often
 * prove them once for a loop.  Nothing is checked less: whatever the fast
 * path does not take (a NULL handle or value pointer, an I/O BAR, a BAR the
 * library did not map, an access out of range or misaligned) calls the
 * library's function, which checks again, explains the error and, for an
 * unmapped BAR, transfers through the agent.  Taking the address of
 * WDC_ReadAddr32 still gives the library's function.
 *
 * The price is a layout the library fixes: a device handle points to its
 * BAR table, UDRV_MAX_BARS entries of struct udrv_bar.  libudrv writes the
 * table when the device opens and leaves it alone until it closes, so the
 * reads below need no lock.  It is part of libudrv.so.0's ABI.
 *
 * Define UDRV_NO_INLINE_ACCESS before including <udrv/wdc.h> to call the
 * library on every access instead.  Kernel builds never use this file:
 * a Kernel PlugIn's handle in the kernel is the agent's.
 */
#ifndef UDRV_WDC_INLINE_H
#define UDRV_WDC_INLINE_H

#ifndef __KERNEL__
#include <stddef.h>
#include <stdint.h>
#endif

#ifndef __KERNEL__
/* One entry of a device handle's BAR table. */
struct udrv_bar {
	void *map;		/* NULL: reach the BAR through WD_Transfer */
	uint64_t len;		/* 0: BAR not active */
	size_t map_len;		/* libudrv's: what to munmap, 0 if not its own */
	uint32_t type;		/* WD_ITEM_MEM or WD_ITEM_IO */
};
#endif

#if !defined(__KERNEL__) && !defined(UDRV_NO_INLINE_ACCESS)

/* The entry an access of width w at off may use directly, or NULL. */
static inline const struct udrv_bar *
udrv_inline_bar(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off, uint32_t w)
{
	const struct udrv_bar *b;

	if (!dev || bar >= UDRV_MAX_BARS)
		return NULL;
	b = (const struct udrv_bar *)(const void *)dev + bar;
	if (!b->map || off >= b->len || w > b->len - off || (off & (w - 1)))
		return NULL;
	return b;
}

#define UDRV_INLINE_ACCESSORS(bits)					\
static inline uint32_t							\
udrv_inline_ReadAddr##bits(WDC_DEVICE_HANDLE dev, uint32_t bar,		\
			   uint64_t off, uint##bits##_t *val)		\
{									\
	const struct udrv_bar *b = udrv_inline_bar(dev, bar, off,	\
						   (bits) / 8);		\
	if (__builtin_expect(b && val, 1)) {				\
		*val = *(volatile uint##bits##_t *)((char *)b->map + off); \
		return WD_STATUS_SUCCESS;				\
	}								\
	return (WDC_ReadAddr##bits)(dev, bar, off, val);		\
}									\
static inline uint32_t							\
udrv_inline_WriteAddr##bits(WDC_DEVICE_HANDLE dev, uint32_t bar,	\
			    uint64_t off, uint##bits##_t val)		\
{									\
	const struct udrv_bar *b = udrv_inline_bar(dev, bar, off,	\
						   (bits) / 8);		\
	if (__builtin_expect(b != NULL, 1)) {				\
		*(volatile uint##bits##_t *)((char *)b->map + off) = val; \
		return WD_STATUS_SUCCESS;				\
	}								\
	return (WDC_WriteAddr##bits)(dev, bar, off, val);		\
}

UDRV_INLINE_ACCESSORS(8)
UDRV_INLINE_ACCESSORS(16)
UDRV_INLINE_ACCESSORS(32)
UDRV_INLINE_ACCESSORS(64)
#undef UDRV_INLINE_ACCESSORS

#define WDC_ReadAddr8(d, b, o, v)	udrv_inline_ReadAddr8(d, b, o, v)
#define WDC_ReadAddr16(d, b, o, v)	udrv_inline_ReadAddr16(d, b, o, v)
#define WDC_ReadAddr32(d, b, o, v)	udrv_inline_ReadAddr32(d, b, o, v)
#define WDC_ReadAddr64(d, b, o, v)	udrv_inline_ReadAddr64(d, b, o, v)
#define WDC_WriteAddr8(d, b, o, v)	udrv_inline_WriteAddr8(d, b, o, v)
#define WDC_WriteAddr16(d, b, o, v)	udrv_inline_WriteAddr16(d, b, o, v)
#define WDC_WriteAddr32(d, b, o, v)	udrv_inline_WriteAddr32(d, b, o, v)
#define WDC_WriteAddr64(d, b, o, v)	udrv_inline_WriteAddr64(d, b, o, v)

#endif /* !__KERNEL__ && !UDRV_NO_INLINE_ACCESS */

#endif /* UDRV_WDC_INLINE_H */
