// SPDX-License-Identifier: MIT
/*
 * wdc_cfg.c - config space of an open device, through WD_PciConfigDump on
 * its slot.  Config space is little-endian.
 */
#include <endian.h>
#include "udrv_internal.h"

/* The checks are common/wdc_check.h's, shared with udrv.ko */
#define UDRV_CHECK_FAIL(st, ...) udrv_fail(st, __VA_ARGS__)
#include "wdc_check.h"

static uint32_t cfg(const char *fn, WDC_DEVICE_HANDLE dev, uint32_t off,
		    void *buf, uint32_t bytes, bool write)
{
	uint32_t st;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE, "%s: device handle is NULL",
				 fn);
	st = udrv_check_cfg(fn, off, buf, bytes);
	if (st)
		return st;
	st = WD_PciConfigDump(dev->hwd, dev->info.slot, off, buf, bytes,
			      write);
	return st ? udrv_fail_wrap(st, "%s", fn) : WD_STATUS_SUCCESS;
}

uint32_t WDC_PciReadCfg(WDC_DEVICE_HANDLE dev, uint32_t off, void *buf,
			uint32_t bytes)
{
	return cfg(__func__, dev, off, buf, bytes, false);
}

uint32_t WDC_PciWriteCfg(WDC_DEVICE_HANDLE dev, uint32_t off, const void *buf,
			 uint32_t bytes)
{
	/* Only read from when writing. */
	return cfg(__func__, dev, off, (void *)(uintptr_t)buf, bytes, true);
}

uint32_t WDC_PciReadCfg8(WDC_DEVICE_HANDLE dev, uint32_t off, uint8_t *val)
{
	return cfg(__func__, dev, off, val, 1, false);
}

uint32_t WDC_PciReadCfg16(WDC_DEVICE_HANDLE dev, uint32_t off, uint16_t *val)
{
	uint16_t le;
	uint32_t st;

	if (!val)
		return cfg(__func__, dev, off, NULL, 2, false);
	st = cfg(__func__, dev, off, &le, 2, false);
	if (!st)
		*val = le16toh(le);
	return st;
}

uint32_t WDC_PciReadCfg32(WDC_DEVICE_HANDLE dev, uint32_t off, uint32_t *val)
{
	uint32_t le, st;

	if (!val)
		return cfg(__func__, dev, off, NULL, 4, false);
	st = cfg(__func__, dev, off, &le, 4, false);
	if (!st)
		*val = le32toh(le);
	return st;
}

uint32_t WDC_PciWriteCfg8(WDC_DEVICE_HANDLE dev, uint32_t off, uint8_t val)
{
	return cfg(__func__, dev, off, &val, 1, true);
}

uint32_t WDC_PciWriteCfg16(WDC_DEVICE_HANDLE dev, uint32_t off, uint16_t val)
{
	uint16_t le = htole16(val);

	return cfg(__func__, dev, off, &le, 2, true);
}

uint32_t WDC_PciWriteCfg32(WDC_DEVICE_HANDLE dev, uint32_t off, uint32_t val)
{
	uint32_t le = htole32(val);

	return cfg(__func__, dev, off, &le, 4, true);
}
