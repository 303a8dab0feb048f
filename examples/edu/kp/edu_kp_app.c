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
#include <unistd.h>
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

/* ---- interrupts handled by the KP, DMA completed by it ---------------- */

#define EDU_RAISE	0x60
#define RAISES		20
#define PP_TARGET	5000

static int handler_calls;

static void on_interrupt(void *ctx)
{
	(void)ctx;
	__atomic_add_fetch(&handler_calls, 1, __ATOMIC_SEQ_CST);
}

/* Until the handler ran `want` times in all (at most ~10 s). */
static bool wait_calls(int want)
{
	int i;

	for (i = 0; i < 10000; i++) {
		if (__atomic_load_n(&handler_calls, __ATOMIC_SEQ_CST) >= want)
			return true;
		usleep(1000);
	}
	return false;
}

static struct edu_kp_int_stats int_stats(WDC_DEVICE_HANDLE dev)
{
	struct edu_kp_int_stats s;
	uint32_t res;

	memset(&s, 0, sizeof(s));
	call(dev, EDU_KP_MSG_INT_STATS, &s, sizeof(s), &res);
	return s;
}

/* Until the KP acknowledged `want` interrupts in all (at most ~10 s). */
static bool wait_handled(WDC_DEVICE_HANDLE dev, uint32_t want)
{
	int i;

	for (i = 0; i < 10000; i++) {
		if (int_stats(dev).handled >= want)
			return true;
		usleep(1000);
	}
	return false;
}

static void interrupts(WDC_DEVICE_HANDLE dev, uint32_t type, const char *name)
{
	struct edu_kp_pingpong p = { .target = PP_TARGET };
	struct edu_kp_int_cfg cfg = { .mode = EDU_KP_INT_COUNT, .every = 4 };
	uint32_t res, i, h0, lost;
	WD_INTERRUPT st;
	int good = 0, calls;

	handler_calls = 0;
	if (!report(!WDC_IntEnable(dev, NULL, 0, type, on_interrupt, NULL,
				   true), "%s handled by the KP (useKP)", name))
		return;
	h0 = int_stats(dev).handled;
	for (i = 1; i <= RAISES; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		good += wait_calls((int)i);
	}
	WDC_IntGetStatus(dev, &st);
	report(good == RAISES && handler_calls == RAISES &&
	       st.count == RAISES && st.kp_count == RAISES,
	       "%s: %u raises, %d handler calls, kp_count %u", name, RAISES,
	       handler_calls, st.kp_count);

	/*
	 * The DPC wakes user mode every 4th: 20 -> 5.  Wake-ups that come
	 * while the handler thread is not waiting coalesce into one call
	 * (counted in `lost`), as for any interrupt.
	 */
	lost = st.lost;
	call(dev, EDU_KP_MSG_INT_CFG, &cfg, sizeof(cfg), &res);
	for (i = 1, good = 0; i <= RAISES; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		good += wait_handled(dev, h0 + RAISES + i);
	}
	for (i = 0; i < 10000; i++) {
		WDC_IntGetStatus(dev, &st);
		if (st.count == RAISES + RAISES / 4)
			break;
		usleep(1000);
	}
	calls = handler_calls - RAISES;
	report(good == RAISES && st.count == RAISES + RAISES / 4 &&
	       calls + (int)(st.lost - lost) == RAISES / 4 &&
	       st.kp_count == 2 * RAISES,
	       "%s: every 4th wakes: %u for %u (%d calls, %u coalesced)",
	       name, st.count - RAISES, RAISES, calls, st.lost - lost);

	/* The handler raises the next one itself, to the target */
	cfg.every = 1;
	call(dev, EDU_KP_MSG_INT_CFG, &cfg, sizeof(cfg), &res);
	calls = handler_calls;
	call(dev, EDU_KP_MSG_PINGPONG, &p, sizeof(p), &res);
	wait_calls(calls + 1);
	usleep(100000);
	WDC_IntGetStatus(dev, &st);
	report(!res && int_stats(dev).pongs == PP_TARGET &&
	       handler_calls == calls + 1 &&
	       st.count == RAISES + RAISES / 4 + 1 &&
	       st.kp_count == 2 * RAISES + PP_TARGET,
	       "%s: ping-pong of %u in the KP, one wake-up", name,
	       PP_TARGET);
	/* Disabling always returns, even while the KP keeps raising */
	p.target = 0;
	call(dev, EDU_KP_MSG_PINGPONG, &p, sizeof(p), &res);
	usleep(200000);
	h0 = int_stats(dev).pongs;
	report(!WDC_IntDisable(dev) && h0 > 0,
	       "%s: disable during an endless ping-pong (%u pongs)", name, h0);
	h0 = int_stats(dev).pongs;
	usleep(100000);
	report(int_stats(dev).pongs == h0, "%s: nothing ran after it", name);
	WDC_WriteAddr32(dev, 0, 0x64, 0xffffffff);
}

/*
 * The safety net: a KP that forgets to acknowledge a level interrupt is
 * stopped: in the kernel by the agent, in user mode by the library.
 */
static void forgetful(WDC_DEVICE_HANDLE dev)
{
	struct edu_kp_int_cfg cfg = { .mode = EDU_KP_INT_NOACK };
	WD_INTERRUPT st;
	uint32_t res;
	int i;

	handler_calls = 0;
	if (!report(!WDC_IntEnable(dev, NULL, 0, INTERRUPT_LEVEL_SENSITIVE,
				   on_interrupt, NULL, true),
		    "no-ack: INTx handled by the KP"))
		return;
	call(dev, EDU_KP_MSG_INT_CFG, &cfg, sizeof(cfg), &res);
	WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
	for (i = 0; i < 120000 && WDC_IntIsEnabled(dev); i++)
		usleep(1000);
	WDC_IntGetStatus(dev, &st);
	report(st.stopped == 3 /* UDRV_STOP_STORM */,
	       "no-ack: the KP never acknowledges: stopped (%u)", st.stopped);
	WDC_IntDisable(dev);
	WDC_WriteAddr32(dev, 0, 0x64, 0xffffffff);	/* what the KP forgot */
}

/* src -> edu -> dst, started by a message, finished by the KP's handler */
static void dma(WDC_DEVICE_HANDLE dev, WD_DMA **src, WD_DMA **dst)
{
	struct edu_kp_dma m;
	uint8_t *s, *d;
	uint32_t res = ~0u, i;
	void *bs, *bd;

	*src = *dst = NULL;
	if (!report(!WDC_DMASetMask(dev, 28) &&
		    !WDC_DMAContigBufLock(dev, &bs, 0, 4096, src) &&
		    !WDC_DMAContigBufLock(dev, &bd, 0, 4096, dst),
		    "DMA: two 4 KiB buffers locked"))
		return;
	s = bs;
	d = bd;
	for (i = 0; i < 4096; i++) {
		s[i] = (uint8_t)(i * 13 + 1);
		d[i] = 0;
	}
	handler_calls = 0;
	if (!report(!WDC_IntEnable(dev, NULL, 0, INTERRUPT_MESSAGE,
				   on_interrupt, NULL, true),
		    "DMA: MSI handled by the KP"))
		return;
	memset(&m, 0, sizeof(m));
	m.hdma_src = (*src)->hDma;
	m.hdma_dst = (*dst)->hDma;
	m.bytes = 4000;
	call(dev, EDU_KP_MSG_DMA, &m, sizeof(m), &res);
	report(!res && wait_calls(1), "DMA: started by a message, one wake-up");
	report(!memcmp(s, d, 4000) && !d[4000],
	       "DMA: 4000 bytes there, byte for byte");
	report(WDC_DMABufUnlock(*src) == WD_RESOURCE_OVERLAP,
	       "DMA: unlock refused while the KP holds the buffer");
	report(!WDC_IntDisable(dev), "DMA: disable");
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
	WD_DMA *src = NULL, *dst = NULL;
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
		interrupts(dev, INTERRUPT_MESSAGE, "MSI");
		interrupts(dev, INTERRUPT_LEVEL_SENSITIVE, "INTx");
		forgetful(dev);
		dma(dev, &src, &dst);
		report(!WDC_KernelPlugInClose(dev), "close");
		if (src)
			report(!WDC_DMABufUnlock(src),
			       "DMA: unlocked once the KP closed");
		if (dst)
			WDC_DMABufUnlock(dst);
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
