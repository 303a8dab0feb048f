/* SPDX-License-Identifier: MIT */
/*
 * wdc_check.h - the argument checks of the WDC_ accessors, with their
 * status codes and messages: one definition that libudrv (user mode) and
 * udrv.ko (for Kernel PlugIns) both compile, so the two modes cannot
 * drift apart.
 *
 * The includer defines, before including this file:
 *   UDRV_CHECK_FAIL(status, fmt, ...)  report and evaluate to `status`
 *                                      (libudrv: the last-error string;
 *                                      the agent: a rate-limited log line)
 * and includes <udrv/wd.h> (or kp.h) for the status codes.
 */
#ifndef UDRV_WDC_CHECK_H
#define UDRV_WDC_CHECK_H

/* What the checks need to know of a BAR, in either world. */
struct udrv_check_bar {
	unsigned long long len;		/* 0: not active */
	bool io;			/* an I/O-port BAR */
};

#define UDRV_CHECK_NBARS	6
#define UDRV_CHECK_CFG_SIZE	4096

/*
 * One access of width `w` (1, 2, 4, 8) spanning [off, off + span) of BAR
 * `bar`; `bars` has UDRV_CHECK_NBARS entries.  `who` names the device in
 * messages.
 */
static inline uint32_t udrv_check_access(const char *fn, const char *who,
					 const struct udrv_check_bar *bars,
					 uint32_t bar, unsigned long long off,
					 unsigned long long span, uint32_t w)
{
	const struct udrv_check_bar *b;

	if (bar >= UDRV_CHECK_NBARS)
		return UDRV_CHECK_FAIL(WD_INVALID_PARAMETER,
				       "%s: BAR%u does not exist (BARs are 0-5)",
				       fn, bar);
	b = &bars[bar];
	if (!b->len)
		return UDRV_CHECK_FAIL(WD_INVALID_PARAMETER,
				       "%s: BAR%u is not active on %s", fn, bar,
				       who);
	if (w == 8 && b->io)
		return UDRV_CHECK_FAIL(WD_INVALID_PARAMETER,
				       "%s: BAR%u of %s is an I/O BAR: there is no 64-bit port access (use 8, 16 or 32 bits)",
				       fn, bar, who);
	if (off >= b->len || span > b->len - off)
		return UDRV_CHECK_FAIL(WD_OUT_OF_RANGE,
				       "%s: offset 0x%llx + %llu is beyond BAR%u (%llu bytes)",
				       fn, off, span, bar, b->len);
	if (off & (w - 1))
		return UDRV_CHECK_FAIL(WD_BAD_ALIGNMENT,
				       "%s: offset 0x%llx is not aligned to the %u-byte access width",
				       fn, off, w);
	return WD_STATUS_SUCCESS;
}

/* The arguments of a block access (before udrv_check_access on its span) */
static inline uint32_t udrv_check_block(const char *fn, unsigned long long bytes,
					const void *buf, uint32_t w,
					uint32_t options, uint32_t no_autoinc)
{
	if (w != 1 && w != 2 && w != 4 && w != 8)
		return UDRV_CHECK_FAIL(WD_INVALID_PARAMETER,
				       "%s: access width %u is not 1, 2, 4 or 8 bytes",
				       fn, w);
	if (options & ~no_autoinc)
		return UDRV_CHECK_FAIL(WD_INVALID_PARAMETER,
				       "%s: unknown options 0x%x (only WDC_NO_AUTOINC)",
				       fn, options);
	if (bytes % w)
		return UDRV_CHECK_FAIL(WD_INVALID_PARAMETER,
				       "%s: %llu bytes is not a multiple of the %u-byte access width",
				       fn, bytes, w);
	if (!buf && bytes)
		return UDRV_CHECK_FAIL(WD_INVALID_PARAMETER,
				       "%s: buf is NULL", fn);
	return WD_STATUS_SUCCESS;
}

/* The span a block access touches: one register for a FIFO. */
static inline unsigned long long udrv_block_span(unsigned long long bytes,
						 uint32_t w, bool fifo)
{
	return fifo || !bytes ? w : bytes;
}

/* A config-space access of `bytes` at `off`. */
static inline uint32_t udrv_check_cfg(const char *fn, uint32_t off,
				      const void *buf, uint32_t bytes)
{
	if (!buf)
		return UDRV_CHECK_FAIL(WD_INVALID_PARAMETER,
				       "%s: the value/buffer pointer is NULL", fn);
	if (!bytes || off >= UDRV_CHECK_CFG_SIZE ||
	    bytes > UDRV_CHECK_CFG_SIZE - off)
		return UDRV_CHECK_FAIL(WD_OUT_OF_RANGE,
				       "%s: %u bytes at 0x%x are outside the 4096-byte config space",
				       fn, bytes, off);
	return WD_STATUS_SUCCESS;
}

#endif /* UDRV_WDC_CHECK_H */
