// SPDX-License-Identifier: MIT
/*
 * wdc_access.c - register accessors.
 *
 * Fast path: on a mapped memory BAR an access is one volatile load or
 * store through the mapping, guarded by a single in-line check; no
 * syscall, no lock (the BAR table does not change while the handle is
 * open).  Programs get the same fast path compiled in line
 * (<udrv/wdc_inline.h>); these functions are what it falls back to, and
 * what a program built with UDRV_NO_INLINE_ACCESS or taking an
 * accessor's address calls.  The names are parenthesized: the header's
 * macros of the same names must not expand here.  Everything else - an I/O BAR, a memory BAR the agent would not
 * let us map, and every error - goes to an out-of-line slow path, which
 * checks again in detail, explains what was wrong, or issues WD_Transfer.
 */
#include <stdlib.h>
#include "udrv_internal.h"

/*
 * The fast path's test is the in-line one's, udrv_inline_bar() of
 * <udrv/wdc_inline.h>: in range (without overflow) and naturally aligned
 * on a mapped BAR.  One definition, so that the two cannot disagree.
 */
#define REG(b, off, type) ((volatile type *)((char *)(b)->map + (off)))

/* The checks and messages are common/wdc_check.h's, shared with udrv.ko */
#define UDRV_CHECK_FAIL(st, ...) udrv_fail(st, __VA_ARGS__)
#include "wdc_check.h"

/* Every access's checks; `len` is the span [off, off + len) it touches. */
static uint32_t check_access(const char *fn, WDC_DEVICE_HANDLE dev,
			     uint32_t bar, uint64_t off, uint64_t len,
			     uint32_t w)
{
	struct udrv_check_bar bars[UDRV_CHECK_NBARS];
	int i;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE, "%s: device handle is NULL",
				 fn);
	for (i = 0; i < UDRV_CHECK_NBARS; i++) {
		bars[i].len = dev->bar[i].len;
		bars[i].io = dev->bar[i].type == WD_ITEM_IO;
	}
	return udrv_check_access(fn, dev->name, bars, bar, off, len, w);
}

static uint32_t log2w(uint32_t w)
{
	return w == 1 ? 0 : w == 2 ? 1 : w == 4 ? 2 : 3;
}

/* The transfer command for an access of width `w` to this BAR. */
static uint32_t xfer_cmd(const struct udrv_bar *b, uint32_t w, bool write,
			 bool string)
{
	return UDRV_CMD_XFER | log2w(w) |
	       (b->type == WD_ITEM_MEM ? UDRV_CMD_MEM : 0) |
	       (write ? UDRV_CMD_WRITE : 0) | (string ? UDRV_CMD_STRING : 0);
}

static uint32_t xfer_fail(const char *fn, WDC_DEVICE_HANDLE dev, uint32_t st)
{
	return udrv_fail_wrap(st, "%s: %s", fn, dev->name);
}

/*
 * A single access that did not take the fast path: an error, or a BAR
 * without a mapping (udrv_inline_bar() takes every valid access to a
 * mapped one).
 */
static uint32_t slow_access(const char *fn, WDC_DEVICE_HANDLE dev,
			    uint32_t bar, uint64_t off, uint32_t w, void *val,
			    bool write)
{
	WD_TRANSFER t;
	uint32_t st;

	st = check_access(fn, dev, bar, off, w, w);
	if (st)
		return st;
	if (!val)
		return udrv_fail(WD_INVALID_PARAMETER, "%s: val is NULL", fn);
	memset(&t, 0, sizeof(t));
	t.addr = off;
	t.bar = bar;
	t.cmd = xfer_cmd(&dev->bar[bar], w, write, false);
	if (write)
		memcpy(&t.data, val, w);	/* little-endian: low bytes */
	st = WD_Transfer(dev->hwd, dev->hcard, &t);
	if (st)
		return xfer_fail(fn, dev, st);
	if (!write)
		memcpy(val, &t.data, w);
	return WD_STATUS_SUCCESS;
}

#define ACCESSORS(bits)							\
uint32_t (WDC_ReadAddr##bits)(WDC_DEVICE_HANDLE dev, uint32_t bar,	\
			      uint64_t off, uint##bits##_t *val)	\
{									\
	const struct udrv_bar *b = udrv_inline_bar(dev, bar, off,	\
						   (bits) / 8);		\
									\
	if (val && b) {							\
		*val = *REG(b, off, uint##bits##_t);			\
		return WD_STATUS_SUCCESS;				\
	}								\
	return slow_access(__func__, dev, bar, off, (bits) / 8, val,	\
			   false);					\
}									\
uint32_t (WDC_WriteAddr##bits)(WDC_DEVICE_HANDLE dev, uint32_t bar,	\
			       uint64_t off, uint##bits##_t val)	\
{									\
	const struct udrv_bar *b = udrv_inline_bar(dev, bar, off,	\
						   (bits) / 8);		\
									\
	if (b) {							\
		*REG(b, off, uint##bits##_t) = val;			\
		return WD_STATUS_SUCCESS;				\
	}								\
	return slow_access(__func__, dev, bar, off, (bits) / 8, &val,	\
			   true);					\
}

ACCESSORS(8)
ACCESSORS(16)
ACCESSORS(32)
ACCESSORS(64)

/* Block copy through the mapping; `step` is 0 for a FIFO register. */
#define COPY_LOOP(type)							\
	do {								\
		volatile type *r = (volatile type *)reg;		\
		type v;							\
		for (i = 0; i < n; i++, r += step) {			\
			if (write) {					\
				memcpy(&v, buf + i * sizeof(v), sizeof(v)); \
				*r = v;					\
			} else {					\
				v = *r;					\
				memcpy(buf + i * sizeof(v), &v, sizeof(v)); \
			}						\
		}							\
	} while (0)

static void block_mapped(void *reg, uint8_t *buf, size_t n, uint32_t w,
			 size_t step, bool write)
{
	size_t i;

	switch (w) {
	case 1: COPY_LOOP(uint8_t); break;
	case 2: COPY_LOOP(uint16_t); break;
	case 4: COPY_LOOP(uint32_t); break;
	default: COPY_LOOP(uint64_t); break;
	}
}

static uint32_t block(const char *fn, WDC_DEVICE_HANDLE dev, uint32_t bar,
		      uint64_t off, size_t bytes, void *buf, uint32_t w,
		      uint32_t options, bool write)
{
	bool fifo = options & WDC_NO_AUTOINC;
	WD_TRANSFER t;
	uint32_t st;
	size_t done;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE, "%s: device handle is NULL",
				 fn);
	st = udrv_check_block(fn, bytes, buf, w, options, WDC_NO_AUTOINC);
	if (st)
		return st;
	st = check_access(fn, dev, bar, off, udrv_block_span(bytes, w, fifo), w);
	if (st || !bytes)
		return st;
	if (dev->bar[bar].map) {
		block_mapped((char *)dev->bar[bar].map + off, buf, bytes / w, w,
			     fifo ? 0 : 1, write);
		return WD_STATUS_SUCCESS;
	}
	/* One string transfer per UDRV_MAX_BLOCK bytes. */
	for (done = 0; done < bytes; done += t.bytes) {
		memset(&t, 0, sizeof(t));
		t.addr = fifo ? off : off + done;
		t.bar = bar;
		t.cmd = xfer_cmd(&dev->bar[bar], w, write, true);
		t.bytes = bytes - done < UDRV_MAX_BLOCK ?
			  (uint32_t)(bytes - done) : UDRV_MAX_BLOCK;
		t.options = fifo ? WD_NO_AUTOINC : 0;
		t.data.buf = (uint8_t *)buf + done;
		st = WD_Transfer(dev->hwd, dev->hcard, &t);
		if (st)
			return xfer_fail(fn, dev, st);
	}
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_ReadAddrBlock(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			   size_t bytes, void *buf, uint32_t width,
			   uint32_t options)
{
	return block(__func__, dev, bar, off, bytes, buf, width, options,
		     false);
}

uint32_t WDC_WriteAddrBlock(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			    size_t bytes, const void *buf, uint32_t width,
			    uint32_t options)
{
	/* The buffer is only read when writing. */
	return block(__func__, dev, bar, off, bytes, (void *)(uintptr_t)buf,
		     width, options, true);
}

uint32_t WDC_MultiTransfer(WDC_DEVICE_HANDLE dev, WD_TRANSFER *t, uint32_t n)
{
	uint32_t st, done;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_MultiTransfer: device handle is NULL");
	st = WD_MultiTransfer(dev->hwd, dev->hcard, t, n, &done);
	return st ? xfer_fail(__func__, dev, st) : WD_STATUS_SUCCESS;
}

void WDC_Barrier(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
