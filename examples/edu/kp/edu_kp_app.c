// SPDX-License-Identifier: MIT
/*
 * edu_kp_app - the application of the edu Kernel PlugIn sample.  The same
 * binary talks to edu_kp.ko in the kernel, or, when the environment says
 * UDRV_KP_USER=edu_kp=/path/edu_kp.so, to the same KP source loaded
 * in-process: the code below does not know which.
 *
 * Usage: edu_kp_app [BDF]   (default: the first edu bound to udrv)
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <udrv/kp.h>
#include "edu_kp.h"

static unsigned int checks, failures;

static bool report(bool ok, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("  %-58s %s\n", line, ok ? "ok" : "FAILED");
	checks++;
	failures += !ok;
	return ok;
}

/* One message; false (reported) if the call itself failed. */
static bool call(WDC_DEVICE_HANDLE dev, uint32_t msg, void *data,
		 uint32_t size, uint32_t *result)
{
	uint32_t st = WDC_CallKerPlug(dev, msg, data, size, result);

	if (st)
		return report(false, "message %u: %s", msg, WDC_GetLastErrStr());
	return true;
}

static void messages(WDC_DEVICE_HANDLE dev)
{
	static const uint32_t facts[][2] = { { 5, 120 }, { 12, 479001600 } };
	struct edu_kp_version v;
	struct edu_kp_reg r;
	struct edu_kp_fact f;
	struct edu_kp_sum *s;
	struct edu_kp_stats st;
	uint32_t res, n = 1000, i, want;
	size_t bytes;

	memset(&v, 0, sizeof(v));
	if (call(dev, EDU_KP_MSG_VERSION, &v, sizeof(v), &res))
		report(!res && v.version == EDU_KP_LAYOUT,
		       "version: layout %u, \"%.27s\"", v.version, v.text);

	r.offset = 0x04;	/* liveness: reads back the complement */
	r.value = 0x12345678;
	if (call(dev, EDU_KP_MSG_WRITE, &r, sizeof(r), &res) && !res) {
		r.value = 0;
		if (call(dev, EDU_KP_MSG_READ, &r, sizeof(r), &res))
			report(!res && r.value == ~0x12345678u,
			       "register write then read: 0x%08x", r.value);
	} else {
		report(false, "register write: result %u", res);
	}

	for (i = 0; i < 2; i++) {
		f.n = facts[i][0];
		f.result = 0;
		if (call(dev, EDU_KP_MSG_FACTORIAL, &f, sizeof(f), &res))
			report(!res && f.result == facts[i][1],
			       "%u! computed by the device, polled in the KP: %u",
			       f.n, f.result);
	}

	bytes = sizeof(*s) + n * sizeof(s->words[0]);
	s = calloc(1, bytes);
	if (!s) {
		report(false, "out of memory");
		return;
	}
	for (i = 0; i < n; i++)
		s->words[i] = i * 2654435761u;
	s->count = n;
	want = edu_kp_checksum(s->words, n);
	if (call(dev, EDU_KP_MSG_CHECKSUM, s, (uint32_t)bytes, &res))
		report(!res && s->sum == want,
		       "checksum of %u words: 0x%08x (want 0x%08x)", n, s->sum,
		       want);
	s->count = n + 1;	/* more than the message holds */
	if (call(dev, EDU_KP_MSG_CHECKSUM, s, (uint32_t)bytes, &res))
		report(res == EDU_KP_BAD_SIZE,
		       "a count beyond the message is refused (%u)", res);
	free(s);

	if (call(dev, 999, NULL, 0, &res))
		report(res == EDU_KP_UNKNOWN_MSG, "an unknown message (%u)", res);

	memset(&st, 0, sizeof(st));
	if (call(dev, EDU_KP_MSG_STATS, &st, sizeof(st), &res))
		report(!res && st.calls == 9 && st.opens >= 1,
		       "stats: %u calls on this handle, %u opens, %u closes",
		       st.calls, st.opens, st.closes);
}

static WDC_DEVICE_HANDLE open_edu(const char *bdf)
{
	WDC_PCI_SCAN_RESULT scan;
	WD_PCI_CARD_INFO info;
	WDC_DEVICE_HANDLE dev = NULL;
	uint32_t i;

	if (WDC_PciScanDevices(0x1234, 0x11e8, &scan))
		return NULL;
	for (i = 0; i < scan.count; i++) {
		char name[16];

		snprintf(name, sizeof(name), "%04x:%02x:%02x.%x",
			 scan.slot[i].domain, scan.slot[i].bus,
			 scan.slot[i].slot, scan.slot[i].function);
		if (bdf && strcmp(bdf, name) && strcmp(bdf, name + 5))
			continue;
		memset(&info, 0, sizeof(info));
		info.slot = scan.slot[i];
		if (!WDC_PciGetDeviceInfo(&info) &&
		    !WDC_PciDeviceOpen(&dev, &info, NULL))
			return dev;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct edu_kp_open o = { .layout = EDU_KP_LAYOUT };
	struct edu_kp_open other = { .layout = EDU_KP_LAYOUT + 1 };
	const char *user = getenv("UDRV_KP_USER");
	WDC_DEVICE_HANDLE dev;

	if (WDC_DriverOpen()) {
		fprintf(stderr, "edu_kp_app: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	dev = open_edu(argc > 1 ? argv[1] : NULL);
	if (!dev) {
		fprintf(stderr, "edu_kp_app: no edu bound to udrv: %s\n",
			WDC_GetLastErrStr());
		return 1;
	}
	printf("edu_kp_app: the KP %s\n", user && strstr(user, EDU_KP_NAME) ?
	       "in user mode (UDRV_KP_USER)" : "in the kernel");
	report(WDC_KernelPlugInOpen(dev, EDU_KP_NAME, &other, sizeof(other)) ==
	       WD_KERPLUG_FAILURE,
	       "open for another message layout is refused by the KP");
	if (report(!WDC_KernelPlugInOpen(dev, EDU_KP_NAME, &o, sizeof(o)),
		   "open %s", EDU_KP_NAME)) {
		messages(dev);
		report(!WDC_KernelPlugInClose(dev), "close");
	} else {
		fprintf(stderr, "edu_kp_app: %s\n", WDC_GetLastErrStr());
	}
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	if (failures)
		printf("edu_kp_app: %u of %u checks FAILED\n", failures, checks);
	else
		printf("edu_kp_app: all %u checks passed\n", checks);
	return failures ? 1 : 0;
}
