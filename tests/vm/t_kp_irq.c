// SPDX-License-Identifier: MIT
/*
 * t_kp_irq: interrupts and DMA handled by a Kernel PlugIn (the edu
 * sample's edu_kp.ko), on the two edus of the main boot (addr 3 and 7,
 * which share one INTx line):
 *  - INTx and MSI acknowledged in the KP: counts exact, the DPC's wake-up
 *    ratio exact (every 4th), a ping-pong the handler drives to its target
 *    with one wake-up;
 *  - one edu's INTx in the KP, the other's by IRQ-time commands, on the
 *    shared line: each sees only its own;
 *  - a KP that never acknowledges a level interrupt: the storm guard stops
 *    it (stopped = storm), the machine lives;
 *  - WD_IntDisable while the KP re-raises forever returns, and the raising
 *    stops; SIGKILL of a process in that state: funcIntDisable runs before
 *    funcClose, no handler is left, the KP unloads;
 *  - DMA started by a message and completed by the DMA-done interrupt
 *    matches byte for byte; a buffer of another card, or no buffer, is
 *    refused; a buffer the KP holds cannot be unlocked until it closes;
 *  - WDC_IntEnable(useKP) delivers to the handler thread.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"
#include "../../examples/edu/kp/edu_kp.h"

#define EDU_RAISE	0x60
#define EDU_ACK		0x64
#define N		20
#define PP_TARGET	5000

static int hwd;
static WD_PCI_SLOT slots[2];

static uint32_t wr32(uint32_t hcard, uint32_t off, uint32_t val)
{
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	t.cmd = WM_DWORD;
	t.addr = off;
	t.data.dw = val;
	return WD_Transfer(hwd, hcard, &t);
}

static uint32_t card_open(int i)
{
	uint32_t h = 0;

	if (WD_CardRegister(hwd, slots[i], 0, &h))
		return 0;
	wr32(h, EDU_ACK, 0xffffffff);	/* nothing left over */
	return h;
}

static uint32_t kp_open(uint32_t hcard)
{
	struct edu_kp_open o = { .layout = EDU_KP_LAYOUT };
	uint32_t h = 0;

	if (WD_KernelPlugInOpen(hwd, hcard, EDU_KP_NAME, &o, sizeof(o), &h))
		return 0;
	return h;
}

/* The KP's result, or ~0 if the call itself failed. */
static uint32_t kp_call(uint32_t hkp, uint32_t msg, void *data, uint32_t size)
{
	WD_KERNEL_PLUGIN_CALL c;

	memset(&c, 0, sizeof(c));
	c.hKernelPlugIn = hkp;
	c.message = msg;
	c.data = data;
	c.size = size;
	if (WD_KernelPlugInCall(hwd, &c))
		return ~0u;
	return c.result;
}

static struct edu_kp_int_stats stats(uint32_t hkp)
{
	struct edu_kp_int_stats s;

	memset(&s, 0xff, sizeof(s));
	kp_call(hkp, EDU_KP_MSG_INT_STATS, &s, sizeof(s));
	return s;
}

/* Until the KP acknowledged `want` interrupts (at most ~10 s). */
static bool wait_handled(uint32_t hkp, uint32_t want)
{
	int i;

	for (i = 0; i < 10000; i++) {
		if (stats(hkp).handled >= want)
			return true;
		usleep(1000);
	}
	return false;
}

static uint32_t enable(WD_INTERRUPT *in, uint32_t hcard, uint32_t hkp,
		       uint32_t type, uint32_t mode, uint32_t every)
{
	static struct edu_kp_int_cfg cfg;

	cfg.mode = mode;
	cfg.every = every;
	memset(in, 0, sizeof(*in));
	in->options = type;
	in->hKernelPlugIn = hkp;
	in->kp_data = &cfg;
	in->kp_size = sizeof(cfg);
	return WD_IntEnable(hwd, hcard, in);
}

static const char *tname(uint32_t type)
{
	return type == INTERRUPT_LEVEL_SENSITIVE ? "INTx" : "MSI";
}

/* Every interrupt a wake-up; then every 4th; then a ping-pong. */
static void counts(uint32_t type)
{
	uint32_t hcard = card_open(0), hkp = hcard ? kp_open(hcard) : 0;
	struct edu_kp_int_stats s;
	WD_INTERRUPT in;
	uint32_t i, good = 0, before;

	if (!tap_ok(hkp, "%s: edu 0 registered, edu_kp open on it",
		    tname(type)))
		return;
	if (!tap_status(enable(&in, hcard, hkp, type, EDU_KP_INT_COUNT, 1),
			WD_STATUS_SUCCESS, "%s: WD_IntEnable with hKernelPlugIn",
			tname(type)))
		goto out;
	tap_ok(in.enabled_type == type, "%s: enabled_type %u", tname(type),
	       in.enabled_type);
	for (i = 1; i <= N; i++) {
		wr32(hcard, EDU_RAISE, 1);
		if (!WD_IntWait(hwd, &in, 10000) && in.count == i &&
		    in.kp_count == i)
			good++;
	}
	s = stats(hkp);
	tap_ok(good == N && s.handled == N && s.dpc_sum == N && s.wakes == N,
	       "%s: %u raises, each one wake-up: %u waits right (count %u, kp_count %u), KP handled %u, DPC counts %u, wake-ups %u",
	       tname(type), N, good, in.count, in.kp_count, s.handled,
	       s.dpc_sum, s.wakes);
	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS,
		   "%s: WD_IntDisable", tname(type));

	/* Every 4th interrupt wakes user mode: 20 -> 5 */
	before = s.handled;
	if (!tap_status(enable(&in, hcard, hkp, type, EDU_KP_INT_COUNT, 4),
			WD_STATUS_SUCCESS, "%s: enable, a wake-up every 4th",
			tname(type)))
		goto out;
	for (i = 1, good = 0; i <= N; i++) {
		wr32(hcard, EDU_RAISE, 1);
		good += wait_handled(hkp, before + i);
	}
	usleep(100000);	/* the last DPC */
	WD_IntCount(hwd, &in);
	s = stats(hkp);
	tap_ok(good == N && in.count == N / 4 && in.kp_count == N,
	       "%s: %u interrupts, all handled in the KP (%u), delivered exactly %u (count %u, kp_count %u)",
	       tname(type), N, good, N / 4, in.count, in.kp_count);

	/* Ping-pong: the handler raises the next one itself */
	{
		struct edu_kp_pingpong p = { .target = PP_TARGET };
		uint32_t c0, k0, st;

		/* The 5 delivered above, not waited for yet: taken now */
		WD_IntWait(hwd, &in, 1);
		c0 = in.count;
		k0 = in.kp_count;
		tap_ok(kp_call(hkp, EDU_KP_MSG_PINGPONG, &p, sizeof(p)) == 0,
		       "%s: ping-pong to %u started", tname(type), PP_TARGET);
		st = WD_IntWait(hwd, &in, 60000);
		tap_status(st, WD_STATUS_SUCCESS, "%s: woken by the ping-pong",
			   tname(type));
		usleep(100000);
		WD_IntCount(hwd, &in);
		s = stats(hkp);
		tap_ok(s.pongs == PP_TARGET && in.count == c0 + 1 &&
		       in.kp_count == k0 + PP_TARGET && !in.stopped,
		       "%s: ping-pong reached %u (pongs %u), one wake-up (count %u -> %u), kp_count +%u, stopped %u",
		       tname(type), PP_TARGET, s.pongs, c0, in.count,
		       in.kp_count - k0, in.stopped);
	}
	WD_IntDisable(hwd, &in);
out:
	WD_KernelPlugInClose(hwd, hkp);
	WD_CardUnregister(hwd, hcard);
}

/* edu 0 in the KP, edu 1 by IRQ-time commands, one INTx line. */
static void shared(void)
{
	uint32_t ha = card_open(0), hb = card_open(1);
	uint32_t hkp = ha ? kp_open(ha) : 0, i, good_a = 0, good_b = 0;
	WD_INTERRUPT ia, ib;
	WD_TRANSFER cmds[3];

	if (!tap_ok(hkp && hb, "shared INTx: both edus registered, KP on edu 0"))
		goto out;
	edu_ack_cmds(cmds, 0xffffffff);
	memset(&ib, 0, sizeof(ib));
	ib.options = INTERRUPT_LEVEL_SENSITIVE;
	ib.cmds = cmds;
	ib.num_cmds = 3;
	if (!tap_status(enable(&ia, ha, hkp, INTERRUPT_LEVEL_SENSITIVE,
			       EDU_KP_INT_COUNT, 1), WD_STATUS_SUCCESS,
			"shared INTx: edu 0 enabled with the KP") ||
	    !tap_status(WD_IntEnable(hwd, hb, &ib), WD_STATUS_SUCCESS,
			"shared INTx: edu 1 enabled with commands"))
		goto out;
	for (i = 1; i <= N; i++) {
		wr32(i & 1 ? ha : hb, EDU_RAISE, 1);
		if (i & 1)
			good_a += !WD_IntWait(hwd, &ia, 10000) &&
				  ia.count == (i + 1) / 2;
		else
			good_b += !WD_IntWait(hwd, &ib, 10000) &&
				  ib.count == i / 2;
	}
	usleep(50000);
	WD_IntCount(hwd, &ia);
	WD_IntCount(hwd, &ib);
	tap_ok(good_a == N / 2 && good_b == N / 2 && ia.count == N / 2 &&
	       ia.kp_count == N / 2 && ib.count == N / 2 && !ib.kp_count,
	       "shared INTx: %u raises each: KP edu count %u kp_count %u, command edu count %u kp_count %u",
	       N / 2, ia.count, ia.kp_count, ib.count, ib.kp_count);
	WD_IntDisable(hwd, &ia);
	WD_IntDisable(hwd, &ib);
out:
	WD_KernelPlugInClose(hwd, hkp);
	WD_CardUnregister(hwd, ha);
	WD_CardUnregister(hwd, hb);
}

/* A KP that never acknowledges INTx: the agent stops it. */
static void noack(void)
{
	uint32_t hcard = card_open(0), hkp = hcard ? kp_open(hcard) : 0;
	WD_INTERRUPT in;
	uint32_t st;

	if (!tap_ok(hkp, "no-ack: edu 0 with edu_kp"))
		return;
	if (tap_status(enable(&in, hcard, hkp, INTERRUPT_LEVEL_SENSITIVE,
			      EDU_KP_INT_NOACK, 1), WD_STATUS_SUCCESS,
		       "no-ack: enabled (INTx, the KP will not acknowledge)")) {
		wr32(hcard, EDU_RAISE, 1);
		st = WD_IntWait(hwd, &in, 60000);
		while (!st && !in.stopped)
			st = WD_IntWait(hwd, &in, 60000);
		tap_ok(!st && in.stopped == UDRV_STOP_STORM,
		       "no-ack: the storm guard stopped it (status %u, stopped %u, kp_count %u)",
		       st, in.stopped, in.kp_count);
		tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS,
			   "no-ack: WD_IntDisable after the storm");
	}
	wr32(hcard, EDU_ACK, 0xffffffff);
	WD_KernelPlugInClose(hwd, hkp);
	WD_CardUnregister(hwd, hcard);
}

/* WD_IntDisable while the KP keeps raising: it returns, raising stops. */
static void disable_busy(void)
{
	uint32_t hcard = card_open(0), hkp = hcard ? kp_open(hcard) : 0;
	struct edu_kp_pingpong p = { .target = 0 };
	uint32_t a, b, c, d0;
	WD_INTERRUPT in;

	if (!tap_ok(hkp, "busy disable: edu 0 with edu_kp"))
		return;
	d0 = stats(hkp).int_disables;
	if (tap_status(enable(&in, hcard, hkp, INTERRUPT_MESSAGE,
			      EDU_KP_INT_COUNT, 1), WD_STATUS_SUCCESS,
		       "busy disable: MSI enabled")) {
		kp_call(hkp, EDU_KP_MSG_PINGPONG, &p, sizeof(p));
		usleep(300000);
		a = stats(hkp).pongs;
		usleep(300000);
		b = stats(hkp).pongs;
		WD_IntCount(hwd, &in);
		tap_ok(b > a && a > 0 && !in.stopped,
		       "busy disable: endless ping-pong runs (%u, then %u pongs; stopped %u)",
		       a, b, in.stopped);
		tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS,
			   "busy disable: WD_IntDisable returned while the KP was raising");
		a = stats(hkp).pongs;
		usleep(300000);
		c = stats(hkp).pongs;
		tap_ok(a == c && stats(hkp).int_disables == d0 + 1,
		       "busy disable: no handler ran after it (pongs %u, %u), funcIntDisable once",
		       a, c);
	}
	wr32(hcard, EDU_ACK, 0xffffffff);
	WD_KernelPlugInClose(hwd, hkp);
	WD_CardUnregister(hwd, hcard);
}

static bool irq_listed(const char *bdf)
{
	char line[512];
	bool found = false;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return true;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, bdf) && strstr(line, "udrv"))
			found = true;
	fclose(f);
	return found;
}

/* SIGKILL with KP interrupts on and the KP raising. */
static void killed(void)
{
	uint32_t hcard = card_open(0), hkp = hcard ? kp_open(hcard) : 0;
	struct edu_kp_int_stats s0, s;
	int pfd[2], status;
	char c;
	pid_t pid;

	if (!tap_ok(hkp, "SIGKILL: stats before"))
		return;
	s0 = stats(hkp);
	WD_KernelPlugInClose(hwd, hkp);
	WD_CardUnregister(hwd, hcard);
	if (pipe(pfd))
		return;
	pid = fork();
	if (pid == 0) {
		struct edu_kp_pingpong p = { .target = 0 };
		WD_INTERRUPT in;
		uint32_t h, k;

		WD_Open(&hwd);
		h = card_open(0);
		k = h ? kp_open(h) : 0;
		if (k && !enable(&in, h, k, INTERRUPT_MESSAGE,
				 EDU_KP_INT_COUNT, 1) &&
		    !kp_call(k, EDU_KP_MSG_PINGPONG, &p, sizeof(p)))
			c = 'y';
		else
			c = 'n';
		if (write(pfd[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		c = 'n';
	close(pfd[0]);
	tap_ok(c == 'y', "SIGKILL: the child enabled KP interrupts and started an endless ping-pong");
	usleep(200000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	tap_ok(!irq_listed(slot_str(slots[0])),
	       "SIGKILL: no udrv handler left for %s in /proc/interrupts",
	       slot_str(slots[0]));
	hcard = card_open(0);
	hkp = hcard ? kp_open(hcard) : 0;
	s = stats(hkp);
	tap_ok(hkp && s.int_disables == s0.int_disables + 1 &&
	       s.bad_closes == 0,
	       "SIGKILL: funcIntDisable ran once (%u -> %u) and before funcClose (closes with interrupts on: %u)",
	       s0.int_disables, s.int_disables, s.bad_closes);
	wr32(hcard, EDU_ACK, 0xffffffff);
	WD_KernelPlugInClose(hwd, hkp);
	WD_CardUnregister(hwd, hcard);
}

static uint32_t lock(uint32_t hcard, WD_DMA *d, WD_DMA_PAGE *pg)
{
	memset(d, 0, sizeof(*d));
	d->bytes = 4096;
	d->options = DMA_KERNEL_BUFFER_ALLOC | WD_DMA_TO_FROM_DEVICE;
	d->num_pages = 1;
	d->pages = pg;
	return WD_DMALock(hwd, hcard, d);
}

static void dma(void)
{
	uint32_t ha = card_open(0), hb = card_open(1);
	uint32_t hkp = ha ? kp_open(ha) : 0, i, r;
	WD_DMA src, dst, other;
	WD_DMA_PAGE ps, pd, po;
	struct edu_kp_dma m;
	WD_INTERRUPT in;
	uint8_t *s, *d;

	if (!tap_ok(hkp && hb, "DMA: edus registered, KP on edu 0"))
		goto out;
	WD_SetDmaMask(hwd, ha, 28);
	WD_SetDmaMask(hwd, hb, 28);
	if (!tap_ok(!lock(ha, &src, &ps) && !lock(ha, &dst, &pd) &&
		    !lock(hb, &other, &po), "DMA: three 4 KiB buffers locked (two on edu 0, one on edu 1)"))
		goto out;
	s = src.user_addr;
	d = dst.user_addr;
	for (i = 0; i < 4096; i++) {
		s[i] = (uint8_t)(i * 7 + 3);
		d[i] = 0;
	}
	if (!tap_status(enable(&in, ha, hkp, INTERRUPT_MESSAGE,
			       EDU_KP_INT_COUNT, 1), WD_STATUS_SUCCESS,
			"DMA: MSI enabled with the KP"))
		goto out;
	memset(&m, 0, sizeof(m));
	m.hdma_src = other.hDma;
	m.hdma_dst = dst.hDma;
	m.bytes = 4000;
	r = kp_call(hkp, EDU_KP_MSG_DMA, &m, sizeof(m));
	tap_ok(r == EDU_KP_DEVICE_ERROR && m.status == WD_INVALID_HANDLE,
	       "DMA: a buffer of another card is refused (result %u, status %u)",
	       r, m.status);
	m.hdma_src = 0x7ffffff0;
	r = kp_call(hkp, EDU_KP_MSG_DMA, &m, sizeof(m));
	tap_ok(r == EDU_KP_DEVICE_ERROR && m.status == WD_INVALID_HANDLE,
	       "DMA: a handle that names no buffer is refused (result %u, status %u)",
	       r, m.status);
	m.hdma_src = src.hDma;
	r = kp_call(hkp, EDU_KP_MSG_DMA, &m, sizeof(m));
	tap_ok(r == EDU_KP_OK, "DMA: round trip started by a message (result %u, status %u)",
	       r, m.status);
	tap_status(WD_IntWait(hwd, &in, 20000), WD_STATUS_SUCCESS,
		   "DMA: one wake-up when the data is there");
	tap_ok(!memcmp(s, d, 4000) && !d[4000],
	       "DMA: 4000 bytes match byte for byte, the rest untouched (count %u, dma_done %u)",
	       in.count, stats(hkp).dma_done);
	tap_status(WD_DMAUnlock(hwd, &src), WD_RESOURCE_OVERLAP,
		   "DMA: unlocking a buffer the KP holds is refused");
	tap_ok(src.hDma && src.user_addr && s[1] == 10,
	       "DMA: and the buffer stays usable");
	WD_IntDisable(hwd, &in);
	WD_KernelPlugInClose(hwd, hkp);
	hkp = 0;
	tap_status(WD_DMAUnlock(hwd, &src), WD_STATUS_SUCCESS,
		   "DMA: unlocked once the KP closed");
	WD_DMAUnlock(hwd, &dst);
	WD_DMAUnlock(hwd, &other);
out:
	if (hkp)
		WD_KernelPlugInClose(hwd, hkp);
	WD_CardUnregister(hwd, ha);
	WD_CardUnregister(hwd, hb);
}

static void bad_args(void)
{
	uint32_t ha = card_open(0), hb = card_open(1);
	uint32_t hkp = ha ? kp_open(ha) : 0;
	WD_TRANSFER cmd;
	WD_INTERRUPT in;

	if (!tap_ok(hkp && hb, "arguments: edus registered, KP on edu 0"))
		goto out;
	memset(&cmd, 0, sizeof(cmd));
	cmd.cmd = RM_DWORD;
	memset(&in, 0, sizeof(in));
	in.hKernelPlugIn = hkp;
	in.cmds = &cmd;
	in.num_cmds = 1;
	tap_status(WD_IntEnable(hwd, ha, &in), WD_INVALID_PARAMETER,
		   "arguments: transfer commands with a KP are refused");
	memset(&in, 0, sizeof(in));
	in.hKernelPlugIn = hkp;
	tap_status(WD_IntEnable(hwd, hb, &in), WD_INVALID_HANDLE,
		   "arguments: a KP opened on another card is refused");
	in.hKernelPlugIn = hkp + 1000;
	tap_ok(WD_IntEnable(hwd, ha, &in) != WD_STATUS_SUCCESS,
	       "arguments: a KP handle that is not open is refused");
	memset(&in, 0, sizeof(in));
	in.hKernelPlugIn = hkp;
	in.kp_size = UDRV_KP_MAX_INT_DATA + 1;
	in.kp_data = &in;
	tap_status(WD_IntEnable(hwd, ha, &in), WD_INVALID_PARAMETER,
		   "arguments: funcIntEnable data over %u bytes is refused",
		   UDRV_KP_MAX_INT_DATA);
	in.kp_size = 0;
	in.kp_data = NULL;
	in.kp_message = 1;
	in.hKernelPlugIn = 0;
	tap_status(WD_IntEnable(hwd, ha, &in), WD_INVALID_PARAMETER,
		   "arguments: KP data without a KP handle is refused");
out:
	WD_KernelPlugInClose(hwd, hkp);
	WD_CardUnregister(hwd, ha);
	WD_CardUnregister(hwd, hb);
}

static int handler_calls;

static void on_int(void *ctx)
{
	(void)ctx;
	__atomic_add_fetch(&handler_calls, 1, __ATOMIC_SEQ_CST);
}

static void wdc_usekp(void)
{
	WDC_DEVICE_HANDLE dev = open_nth(EDU_VENDOR, EDU_DEVICE, 0);
	struct edu_kp_open o = { .layout = EDU_KP_LAYOUT };
	WD_INTERRUPT st;
	int i;

	if (!tap_ok(dev && !WDC_KernelPlugInOpen(dev, EDU_KP_NAME, &o,
						  sizeof(o)),
		    "WDC: edu 0 open, its KP open"))
		goto out;
	tap_status(WDC_IntEnable(dev, NULL, 0, INTERRUPT_MESSAGE, on_int, NULL,
				 true), WD_STATUS_SUCCESS,
		   "WDC_IntEnable(useKP) on MSI");
	for (i = 1; i <= 5; i++) {
		int t;

		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		for (t = 0; t < 5000 &&
		     __atomic_load_n(&handler_calls, __ATOMIC_SEQ_CST) < i; t++)
			usleep(1000);
	}
	WDC_IntGetStatus(dev, &st);
	tap_ok(handler_calls == 5 && st.count == 5 && st.kp_count == 5,
	       "WDC: 5 raises, the handler ran %d times (count %u, kp_count %u)",
	       handler_calls, st.count, st.kp_count);
	tap_status(WDC_IntDisable(dev), WD_STATUS_SUCCESS, "WDC_IntDisable");
out:
	if (dev)
		WDC_PciDeviceClose(dev);
}

int main(void)
{
	tap_init("t_kp_irq");
	if (system("grep -q '^edu_kp ' /proc/modules || insmod /lib/udrv/edu_kp.ko") != 0 ||
	    WD_Open(&hwd) || WDC_DriverOpen() ||
	    find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2) {
		tap_ok(false, "edu_kp.ko loaded, two edus bound");
		return tap_done();
	}
	counts(INTERRUPT_LEVEL_SENSITIVE);
	counts(INTERRUPT_MESSAGE);
	shared();
	noack();
	disable_busy();
	killed();
	dma();
	bad_args();
	wdc_usekp();
	WD_Close(hwd);
	WDC_DriverClose();
	tap_ok(system("rmmod edu_kp") == 0,
	       "rmmod edu_kp: no handle, no interrupt left");
	return tap_done();
}
