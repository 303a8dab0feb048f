// SPDX-License-Identifier: MIT
/*
 * common.c - what every udrvctl command needs: error reporting with the
 * library's own message, opening the library and a device.
 */
#include <stdarg.h>
#include <stdio.h>
#include "cmds.h"
#include "parse.h"
#include "udrv_internal.h"

int ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("udrvctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (*ctl_cmd)
		fprintf(stderr, " (see udrvctl %s --help)\n", ctl_cmd);
	else
		fputs(" (see udrvctl --help)\n", stderr);
	return 2;
}

int ctl_lib_error(const char *cmd)
{
	fprintf(stderr, "udrvctl %s: %s\n", cmd, WDC_GetLastErrStr());
	return 1;
}

int ctl_open_lib(const char *cmd)
{
	return WDC_DriverOpen() ? ctl_lib_error(cmd) : 0;
}

int ctl_get_slot(const char *cmd, const char *arg, WD_PCI_SLOT *slot)
{
	if (ctl_parse_bdf(arg, slot))
		return ctl_usage_error("%s: '%s' is not a PCI address like 0000:00:03.0 or 00:03.0",
				       cmd, arg);
	return 0;
}

int ctl_open_device(const char *cmd, WD_PCI_SLOT slot, WDC_DEVICE_HANDLE *dev)
{
	WD_PCI_CARD_INFO info;

	memset(&info, 0, sizeof(info));
	info.slot = slot;
	/* Shared: udrvctl may peek at a device a driver program holds shared. */
	if (WDC_PciDeviceOpenEx(dev, &info, NULL, WD_SHARED))
		return ctl_lib_error(cmd);
	return 0;
}

int ctl_read_cfg(WD_PCI_SLOT slot, uint32_t cfg_size, uint8_t *buf,
		 size_t *len, bool warn)
{
	uint32_t size = cfg_size ? cfg_size : UDRV_CFG_LEGACY, st;

	if (size > UDRV_CFG_EXTENDED)
		size = UDRV_CFG_EXTENDED;
	st = WDC_PciReadCfgBySlot(slot, 0, buf, size);
	if (st == WD_ACCESS_DENIED) {
		/* As with lspci: without privileges only the header is shown. */
		size = UDRV_CFG_UNPRIV;
		st = WDC_PciReadCfgBySlot(slot, 0, buf, size);
		if (!st && warn)
			fprintf(stderr, "udrvctl %s: showing the first %u bytes only: the rest needs root or a registration of the device\n",
				ctl_cmd, size);
	}
	if (st)
		return -1;
	*len = size;
	return 0;
}
