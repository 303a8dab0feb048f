// SPDX-License-Identifier: MIT
/*
 * cmd_kp.c - udrvctl kp list, kp call: the Kernel PlugIns the agent has
 * loaded, and one message to one of them.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "parse.h"
#include "sysfs.h"
#include "udrv_internal.h"

static int kp_list(void)
{
	char path[256], line[256];
	unsigned int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bus/pci/drivers/udrv/kernel_plugins",
		 ctl_sysfs_root());
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "udrvctl kp list: cannot read %s: is udrv.ko loaded?\n",
			path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		fputs(line, stdout);
		n++;
	}
	fclose(f);
	if (!n)
		puts("no Kernel PlugIn loaded");
	return 0;
}

/* "0a0b..." into bytes; -1 unless an even number of hex digits. */
static long parse_hex(const char *s, uint8_t **out)
{
	size_t len = strlen(s), i;
	uint8_t *b;

	if (len % 2)
		return -1;
	b = calloc(1, len / 2 + 1);
	if (!b)
		return -1;
	for (i = 0; i < len; i += 2) {
		char byte[3] = { s[i], s[i + 1], 0 };

		if (!isxdigit((unsigned char)s[i]) ||
		    !isxdigit((unsigned char)s[i + 1])) {
			free(b);
			return -1;
		}
		b[i / 2] = (uint8_t)strtoul(byte, NULL, 16);
	}
	*out = b;
	return (long)(len / 2);
}

/* Opens the KP on `slot`, or on the first bound device it accepts. */
static int open_kp(const char *name, const char *bdf, WDC_DEVICE_HANDLE *out)
{
	WDC_PCI_SCAN_RESULT scan;
	WD_PCI_SLOT slot;
	uint32_t i;
	int rc;

	if (bdf) {
		rc = ctl_get_slot("kp call", bdf, &slot);
		if (!rc)
			rc = ctl_open_device("kp call", slot, out);
		if (!rc && WDC_KernelPlugInOpen(*out, name, NULL, 0)) {
			rc = ctl_lib_error("kp call");
			WDC_PciDeviceClose(*out);
		}
		return rc;
	}
	if (WDC_PciScanDevices(0, 0, &scan))
		return ctl_lib_error("kp call");
	for (i = 0; i < scan.count; i++) {
		WD_PCI_CARD_INFO info;

		memset(&info, 0, sizeof(info));
		info.slot = scan.slot[i];
		if (WDC_PciGetDeviceInfo(&info) || !info.bound ||
		    WDC_PciDeviceOpenEx(out, &info, NULL, WD_SHARED))
			continue;
		if (!WDC_KernelPlugInOpen(*out, name, NULL, 0))
			return 0;
		WDC_PciDeviceClose(*out);
	}
	fprintf(stderr, "udrvctl kp call: no bound device that Kernel PlugIn '%s' opens on (last: %s)\n",
		name, WDC_GetLastErrStr());
	return 1;
}

static int kp_call(int argc, char **argv)
{
	const char *bdf = NULL, *hex = NULL;
	WDC_DEVICE_HANDLE dev;
	uint8_t *data = NULL;
	uint32_t msg, result = 0;
	long size = 0;
	int i, rc;

	if (argc < 3)
		return ctl_usage_error("kp call: NAME and MSG are needed");
	if (ctl_parse_u32(argv[2], &msg))
		return ctl_usage_error("kp call: message '%s' is not a number",
				       argv[2]);
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--dev") && i + 1 < argc)
			bdf = argv[++i];
		else if (!strcmp(argv[i], "--dev"))
			return ctl_usage_error("kp call: --dev needs a BDF");
		else if (!hex)
			hex = argv[i];
		else
			return ctl_usage_error("kp call: unexpected '%s'",
					       argv[i]);
	}
	if (hex) {
		size = parse_hex(hex, &data);
		if (size < 0)
			return ctl_usage_error("kp call: data '%s' is not hex bytes (like 0a0b0c0d)",
					       hex);
	}
	rc = ctl_open_lib("kp call");
	if (!rc)
		rc = open_kp(argv[1], bdf, &dev);
	if (rc) {
		free(data);
		return rc;
	}
	if (WDC_CallKerPlug(dev, msg, data, (uint32_t)size, &result)) {
		rc = ctl_lib_error("kp call");
	} else {
		printf("result %u\n", result);
		for (i = 0; i < size; i++)
			printf("%02x", data[i]);
		if (size)
			putchar('\n');
	}
	WDC_PciDeviceClose(dev);
	free(data);
	return rc;
}

int cmd_kp(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "list") && argc == 1)
		return kp_list();
	if (argc >= 1 && !strcmp(argv[0], "call"))
		return kp_call(argc, argv);
	return ctl_usage_error("kp: 'list' or 'call NAME MSG [HEX] [--dev BDF]'");
}
