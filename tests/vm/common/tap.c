// SPDX-License-Identifier: MIT
#include "tap.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prog = "test";
static unsigned int n_run, n_fail;

void tap_init(const char *program)
{
	prog = program;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static void vline(const char *verdict, const char *fmt, va_list ap)
{
	printf("%s %u - %s: ", verdict, ++n_run, prog);
	vprintf(fmt, ap);
	putchar('\n');
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(cond ? "ok" : "not ok", fmt, ap);
	va_end(ap);
	if (!cond)
		n_fail++;
	return cond;
}

void tap_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("ok %u - %s: ", ++n_run, prog);
	vprintf(fmt, ap);
	printf(" # SKIP\n");
	va_end(ap);
}

void tap_skip_provided(const char *fmt, ...)
{
	const char *strict = getenv("UDRV_VM_STRICT");
	va_list ap;

	va_start(ap, fmt);
	if (strict && !strcmp(strict, "1")) {
		printf("not ok %u - %s: ", ++n_run, prog);
		vprintf(fmt, ap);
		printf(" (the harness provides it: UDRV_VM_STRICT=1)\n");
		n_fail++;
	} else {
		printf("ok %u - %s: ", ++n_run, prog);
		vprintf(fmt, ap);
		printf(" # SKIP\n");
	}
	va_end(ap);
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("# %s: ", prog);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

bool tap_status(uint32_t got, uint32_t want, const char *fmt, ...)
{
	va_list ap;
	bool ok = got == want;

	va_start(ap, fmt);
	vline(ok ? "ok" : "not ok", fmt, ap);
	va_end(ap);
	if (!ok) {
		n_fail++;
		tap_diag("  got %u (%s), want %u (%s); last error: %s", got,
			 WD_StatusToStr(got), want, WD_StatusToStr(want),
			 WDC_GetLastErrStr());
	}
	return ok;
}

int tap_done(void)
{
	printf("1..%u\n", n_run);
	return n_fail ? 1 : 0;
}

uint32_t find_bound(uint16_t vendor, uint16_t device, WD_PCI_SLOT *slots,
		    uint32_t max)
{
	WDC_PCI_SCAN_RESULT res;
	uint32_t i, n = 0;

	if (WDC_PciScanDevices(vendor, device, &res))
		return 0;
	for (i = 0; i < res.count && n < max; i++) {
		WD_PCI_CARD_INFO info;

		memset(&info, 0, sizeof(info));
		info.slot = res.slot[i];
		if (WDC_PciGetDeviceInfo(&info) == WD_STATUS_SUCCESS &&
		    info.bound)
			slots[n++] = res.slot[i];
	}
	return n;
}

WDC_DEVICE_HANDLE open_nth(uint16_t vendor, uint16_t device, uint32_t n)
{
	WD_PCI_SLOT slots[8];
	WD_PCI_CARD_INFO info;
	WDC_DEVICE_HANDLE dev = NULL;

	if (find_bound(vendor, device, slots, 8) <= n)
		return NULL;
	memset(&info, 0, sizeof(info));
	info.slot = slots[n];
	if (WDC_PciGetDeviceInfo(&info) ||
	    WDC_PciDeviceOpen(&dev, &info, NULL))
		return NULL;
	return dev;
}

const char *slot_str(WD_PCI_SLOT s)
{
	static _Thread_local char buf[16];

	snprintf(buf, sizeof(buf), "%04x:%02x:%02x.%x", s.domain, s.bus,
		 s.slot, s.function);
	return buf;
}

int sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

void edu_ack_cmds(WD_TRANSFER *c, uint32_t mask)
{
	memset(c, 0, 3 * sizeof(*c));
	c[0].cmd = RM_DWORD;
	c[0].addr = 0x24;
	c[1].cmd = CMD_MASK;
	c[1].data.dw = mask;
	c[2].cmd = WM_DWORD;
	c[2].addr = 0x64;
	c[2].data.dw = 0xffffffff;
}

void setup_intr(WD_INTERRUPT *in, WD_TRANSFER *cmds, uint32_t n,
		uint32_t options)
{
	memset(in, 0, sizeof(*in));
	in->cmds = cmds;
	in->num_cmds = n;
	in->options = options;
}

bool proc_interrupts_has(const char *what)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/interrupts", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return found;
}
