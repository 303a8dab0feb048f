// SPDX-License-Identifier: MIT
/*
 * t_debug: the debug monitor (docs/debug-monitor.md), on the first edu.
 *  - off by default; with logging off a register access, an interrupt, a
 *    DMA lock and a line of the program's own leave nothing in the ring;
 *  - at D_TRACE on every area each of them leaves its line, naming this
 *    process (comm[pid]) and the device; the interrupt's line is the
 *    handler's ("[irq]"); so does a Kernel PlugIn's WD_DebugAdd in its
 *    interrupt handler (t_kp_mod's t_kp_irq);
 *  - the level and the areas filter: a register read is not logged at
 *    D_INFO nor with only S_INT, the interrupt is; control characters of
 *    a program's line are replaced;
 *  - a ring overflowed by UDRV_DEBUG_RECORDS + 100 lines reports exactly
 *    100 dropped and keeps the newest UDRV_DEBUG_RECORDS, in order;
 *  - a dump that waits is woken by a line another process adds;
 *  - without CAP_SYS_ADMIN (at open) SET and DUMP are refused, ADD is not;
 *  - the ioctls refuse malformed fields with their errnos;
 *  - udrvctl log: --level/--areas set (and say what was), a plain call
 *    prints the ring, -f prints a line added after it started.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "common/tap.h"
#include "kp/t_kp_msgs.h"

#define EDU_ID		0x00
#define EDU_RAISE	0x60
#define BUF		((UDRV_DEBUG_RECORDS + 200) * UDRV_DEBUG_LINE_MAX)

static int hwd;
static uint32_t hcard;
static char *buf;
static char me[64];		/* "t_debug[pid]" */

/* Everything the ring holds for this handle, into buf; its length */
static size_t drain(void)
{
	size_t at = 0, got;

	do {
		if (WD_DebugDump(hwd, buf + at, BUF - at, &got)) {
			tap_diag("WD_DebugDump: %s", WDC_GetLastErrStr());
			break;
		}
		at += got;
	} while (got && BUF - at >= 2 * UDRV_DEBUG_LINE_MAX);
	buf[at] = 0;
	return at;
}

/* The line of buf that has all of a, b (and c), or NULL */
static const char *line_with(const char *a, const char *b, const char *c)
{
	static char line[UDRV_DEBUG_LINE_MAX + 1];
	const char *p = buf, *nl;

	for (; *p; p = nl + 1) {
		size_t n;

		nl = strchr(p, '\n');
		if (!nl)
			break;
		n = (size_t)(nl - p) < UDRV_DEBUG_LINE_MAX ?
		    (size_t)(nl - p) : UDRV_DEBUG_LINE_MAX;
		memcpy(line, p, n);
		line[n] = 0;
		if (strstr(line, a) && (!b || strstr(line, b)) &&
		    (!c || strstr(line, c)))
			return line;
	}
	return NULL;
}

static uint32_t rd32(uint32_t off, uint32_t *val)
{
	WD_TRANSFER t;
	uint32_t st;

	memset(&t, 0, sizeof(t));
	t.cmd = RM_DWORD;
	t.addr = off;
	st = WD_Transfer(hwd, hcard, &t);
	*val = t.data.dw;
	return st;
}

static uint32_t wr32(uint32_t off, uint32_t val)
{
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	t.cmd = WM_DWORD;
	t.addr = off;
	t.data.dw = val;
	return WD_Transfer(hwd, hcard, &t);
}

/* One MSI acknowledged by IRQ-time commands, or by a KP (hkp) */
static bool one_interrupt(uint32_t hkp)
{
	WD_TRANSFER cmds[3];
	WD_INTERRUPT in;
	bool ok;

	memset(&in, 0, sizeof(in));
	if (!hkp) {
		edu_ack_cmds(cmds, 0xffffffff);
		in.cmds = cmds;
		in.num_cmds = 3;
	}
	in.options = INTERRUPT_MESSAGE;
	in.hKernelPlugIn = hkp;
	if (WD_IntEnable(hwd, hcard, &in)) {
		tap_diag("WD_IntEnable: %s", WDC_GetLastErrStr());
		return false;
	}
	wr32(EDU_RAISE, 1);
	ok = !WD_IntWait(hwd, &in, 10000) && (hkp ? in.kp_count : in.count);
	WD_IntDisable(hwd, &in);
	return ok;
}

static bool dma_lock_unlock(uint32_t *hdma)
{
	WD_DMA_PAGE pg[1];
	WD_DMA d;

	memset(&d, 0, sizeof(d));
	d.options = DMA_KERNEL_BUFFER_ALLOC | WD_DMA_TO_FROM_DEVICE;
	d.bytes = 4096;
	d.num_pages = 1;
	d.pages = pg;
	if (WD_DMALock(hwd, hcard, &d))
		return false;
	*hdma = d.hDma;
	return !WD_DMAUnlock(hwd, &d);
}

/* The four things the tests log: register read, interrupt, DMA, a line */
static void activity(uint32_t *hdma)
{
	uint32_t v = 0;
	uint32_t st = rd32(EDU_ID, &v);

	tap_ok(!st && v == 0x010000ed, "register read of edu's ID: 0x%08x", v);
	tap_ok(one_interrupt(0), "an interrupt (MSI, IRQ-time acknowledge)");
	tap_ok(dma_lock_unlock(hdma), "a DMA buffer locked and unlocked");
	tap_status(WD_DebugAdd(hwd, "t_debug: my\tline\n", D_INFO),
		   WD_STATUS_SUCCESS, "WD_DebugAdd");
}

static void test_off(const char *when)
{
	uint32_t level = 9, areas = 9, hdma;

	tap_status(WD_DebugGet(hwd, &level, &areas), WD_STATUS_SUCCESS,
		   "WD_DebugGet");
	tap_ok(level == D_OFF || !areas, "off %s (level %u areas 0x%x)", when,
	       level, areas);
	drain();
	activity(&hdma);
	tap_ok(drain() == 0, "logging off: none of it left a line%s%.200s",
	       *buf ? ": " : "", buf);
}

static void test_trace(void)
{
	char text[96];
	uint32_t hdma = 0;
	const char *l;

	tap_status(WD_DebugSet(hwd, D_TRACE, S_ALL), WD_STATUS_SUCCESS,
		   "WD_DebugSet(D_TRACE, S_ALL)");
	drain();
	activity(&hdma);
	drain();
	l = line_with("TRACE MEM", me, "read32 bar 0 offset 0x0 = 0x10000ed");
	tap_ok(l, "the register read's line names the process: %s",
	       l ? l : "(none)");
	l = line_with("INFO  INT", me, "interrupts enable");
	tap_ok(l, "interrupt enable's line: %s", l ? l : "(none)");
	l = line_with("TRACE INT", "[irq][0]", "interrupt, vector 0");
	tap_ok(l, "the interrupt's line, from the handler: %s",
	       l ? l : "(none)");
	snprintf(text, sizeof(text), "DMA lock contiguous 4096 bytes: handle %u,",
		 hdma);
	l = line_with("INFO  DMA", me, text);
	tap_ok(l, "the DMA lock's line: %s", l ? l : "(none)");
	snprintf(text, sizeof(text), "DMA unlock handle %u,", hdma);
	l = line_with("INFO  DMA", me, text);
	tap_ok(l, "the DMA unlock's line: %s", l ? l : "(none)");
	l = line_with("INFO  MISC", me, "t_debug: my?line");
	tap_ok(l && l[strlen(l) - 1] == 'e',
	       "the program's own line, its tab replaced, its newline gone: %s",
	       l ? l : "(none)");
}

static void test_kp(void)
{
	uint32_t hkp = 0;
	bool loaded = !access("/sys/module/t_kp_mod", F_OK);
	const char *l;

	if (!loaded && system("insmod /lib/udrv/t_kp_mod.ko")) {
		tap_skip_provided("t_kp_mod.ko not loadable: the KP's line");
		return;
	}
	if (!tap_status(WD_KernelPlugInOpen(hwd, hcard, T_KP_NAME, NULL, 0,
					    &hkp),
			WD_STATUS_SUCCESS, "t_kp open"))
		goto out;
	drain();
	tap_ok(one_interrupt(hkp), "an interrupt the KP acknowledges");
	drain();
	l = line_with("TRACE KP", "[irq][0]", "t_kp: interrupt acknowledged");
	tap_ok(l, "the KP's WD_DebugAdd at interrupt time: %s",
	       l ? l : "(none)");
	l = line_with("TRACE INT", "[irq][0]", "KP: mine");
	tap_ok(l, "and the agent's line of that interrupt: %s",
	       l ? l : "(none)");
	WD_KernelPlugInClose(hwd, hkp);
	drain();
	tap_ok(line_with("INFO  KP", me, "KP t_kp handle"),
	       "the KP's close has its line");
out:
	if (!loaded && system("rmmod t_kp_mod"))
		tap_diag("rmmod t_kp_mod failed");
}

static void test_filters(void)
{
	uint32_t v = 0;

	WD_DebugSet(hwd, D_INFO, S_ALL);
	drain();
	rd32(EDU_ID, &v);
	WD_DebugAdd(hwd, "t_debug: at trace", D_TRACE);
	WD_DebugAdd(hwd, "t_debug: at info", D_INFO);
	drain();
	tap_ok(!line_with("read32", NULL, NULL) &&
	       !line_with("at trace", NULL, NULL) &&
	       line_with("at info", NULL, NULL),
	       "D_INFO: a register read and a D_TRACE line are not logged, a D_INFO line is");
	WD_DebugSet(hwd, D_TRACE, S_INT);
	drain();
	rd32(EDU_ID, &v);
	one_interrupt(0);
	WD_DebugAdd(hwd, "t_debug: misc", D_ERROR);
	drain();
	tap_ok(!line_with("read32", NULL, NULL) &&
	       !line_with("t_debug: misc", NULL, NULL) &&
	       line_with("TRACE INT", "interrupt, vector 0", NULL),
	       "S_INT only: the interrupt is logged, the register read and a MISC line are not");
}

static void test_overflow(void)
{
	char text[64], want[64];
	uint32_t i, bad = 0;
	size_t n = 0;
	const char *p;

	WD_DebugSet(hwd, D_TRACE, S_MISC);
	drain();
	for (i = 0; i < UDRV_DEBUG_RECORDS + 100; i++) {
		snprintf(text, sizeof(text), "flood %u.", i);
		if (WD_DebugAdd(hwd, text, D_TRACE))
			bad++;
	}
	tap_ok(!bad, "%u lines added", UDRV_DEBUG_RECORDS + 100);
	drain();
	tap_ok(strstr(buf, "udrv: 100 records dropped") &&
	       strstr(buf, "udrv: 100 records dropped") < strstr(buf, "flood"),
	       "the dump says first that 100 records were dropped");
	for (p = buf; (p = strstr(p, "flood ")); p++) {
		snprintf(want, sizeof(want), "flood %zu.", n + 100);
		if (strncmp(p, want, strlen(want)))
			bad++;
		n++;
	}
	tap_ok(n == UDRV_DEBUG_RECORDS && !bad,
	       "then the newest %u, in order (%zu, %u out of place)",
	       UDRV_DEBUG_RECORDS, n, bad);
	tap_ok(drain() == 0, "and then nothing: all read");
}

/* A dump that waits returns with the line another process adds */
static void test_wait(void)
{
	size_t got = 0;
	pid_t pid;
	int st;

	WD_DebugSet(hwd, D_TRACE, S_MISC);
	drain();
	pid = fork();
	if (pid == 0) {
		int h;

		usleep(200000);
		_exit(WD_Open(&h) || WD_DebugAdd(h, "t_debug: wake up", D_INFO));
	}
	tap_status(WD_DebugDumpWait(hwd, buf, BUF, &got, 20000),
		   WD_STATUS_SUCCESS, "WD_DebugDumpWait");
	waitpid(pid, &st, 0);
	tap_ok(got && strstr(buf, "t_debug: wake up"),
	       "... returns with another process's line");
}

static int drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d))
		return -1;
	d[0].effective &= ~(1u << CAP_SYS_ADMIN);
	d[0].permitted &= ~(1u << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &hdr, d) ? -1 : 0;
}

static void test_unprivileged(void)
{
	pid_t pid;
	int st;

	WD_DebugSet(hwd, D_TRACE, S_MISC);
	drain();
	pid = fork();
	if (pid == 0) {
		uint32_t l, a;
		size_t got;
		int h, code = 0;

		if (drop_sys_admin() || WD_Open(&h))
			_exit(100);
		if (WD_DebugSet(h, D_OFF, 0) != WD_ACCESS_DENIED)
			code |= 1;
		if (WD_DebugGet(h, &l, &a) != WD_ACCESS_DENIED)
			code |= 2;
		if (WD_DebugDump(h, buf, BUF, &got) != WD_ACCESS_DENIED)
			code |= 4;
		if (WD_DebugAdd(h, "t_debug: unprivileged", D_INFO))
			code |= 8;
		_exit(code);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) != 100,
	       "a child without CAP_SYS_ADMIN opened udrv (0x%x)", st);
	tap_ok(WIFEXITED(st) && !(WEXITSTATUS(st) & 7),
	       "... its WD_DebugSet, WD_DebugGet and WD_DebugDump: WD_ACCESS_DENIED");
	drain();
	tap_ok(WIFEXITED(st) && !(WEXITSTATUS(st) & 8) &&
	       line_with("t_debug: unprivileged", NULL, NULL),
	       "... its WD_DebugAdd is logged");
}

static int xioctl(unsigned long req, void *arg)
{
	return ioctl(hwd, req, arg) ? errno : 0;
}

static void is_err(int got, int want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void is_err(int got, int want, const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	tap_ok(got == want, "%s: %s (got %s)", what,
	       want ? strerror(want) : "accepted", got ? strerror(got) : "0");
}

static void test_abi(void)
{
	struct udrv_debug_record rec[2];
	struct udrv_debug_set s;
	struct udrv_debug_dump d;
	struct udrv_debug_add a;
	char text[UDRV_DEBUG_TEXT + 1];

	memset(text, 'x', sizeof(text));
#define SET(f, l, ar) (memset(&s, 0, sizeof(s)), s.size = sizeof(s), \
		       s.flags = (f), s.level = (l), s.areas = (ar), \
		       xioctl(UDRV_IOC_DEBUG_SET, &s))
	is_err(SET(2, 0, 0), EINVAL, "SET unknown flag");
	is_err(SET(0, 5, 1), EINVAL, "SET level 5");
	is_err(SET(0, 1, 0x100), EINVAL, "SET areas 0x100");
	is_err(SET(UDRV_DEBUG_QUERY, 1, 0), EINVAL, "SET QUERY with a level");
	memset(&s, 0, sizeof(s));
	s.size = sizeof(s) - 8;
	is_err(xioctl(UDRV_IOC_DEBUG_SET, &s), EMSGSIZE, "SET with a wrong size field");
#define DUMP(f, t, m) (memset(&d, 0, sizeof(d)), d.size = sizeof(d), \
		       d.flags = (f), d.timeout_ms = (t), d.max = (m), \
		       d.records = (uintptr_t)rec, \
		       xioctl(UDRV_IOC_DEBUG_DUMP, &d))
	is_err(DUMP(0, 0, 0), EINVAL, "DUMP max 0");
	is_err(DUMP(0, 0, UDRV_DEBUG_MAX_DUMP + 1), EINVAL, "DUMP max %u", UDRV_DEBUG_MAX_DUMP + 1);
	is_err(DUMP(4, 0, 1), EINVAL, "DUMP unknown flag");
	is_err(DUMP(0, 10, 1), EINVAL, "DUMP timeout without WAIT");
	WD_DebugSet(hwd, D_TRACE, S_MISC);
	WD_DebugAdd(hwd, "t_debug: efault", D_INFO);
	memset(&d, 0, sizeof(d));
	d.size = sizeof(d);
	d.max = 2;
	d.records = 16;
	is_err(xioctl(UDRV_IOC_DEBUG_DUMP, &d), EFAULT, "DUMP to a bad pointer");
#define ADD(l, n, p) (memset(&a, 0, sizeof(a)), a.size = sizeof(a), \
		      a.level = (l), a.len = (n), a.text = (uintptr_t)(p), \
		      xioctl(UDRV_IOC_DEBUG_ADD, &a))
	is_err(ADD(0, 1, text), EINVAL, "ADD level 0");
	is_err(ADD(5, 1, text), EINVAL, "ADD level 5");
	is_err(ADD(1, 0, text), EINVAL, "ADD len 0");
	is_err(ADD(1, 1, NULL), EINVAL, "ADD text NULL");
	is_err(ADD(1, UDRV_DEBUG_TEXT, text), E2BIG, "ADD len %u", UDRV_DEBUG_TEXT);
	is_err(ADD(1, 4, 16), EFAULT, "ADD from a bad pointer");
	is_err(ADD(1, UDRV_DEBUG_TEXT - 1, text), 0, "ADD len %u", UDRV_DEBUG_TEXT - 1);
}

/* Reads the pipe until a line has `want`; false at EOF */
static bool read_until(FILE *f, const char *want)
{
	char line[UDRV_DEBUG_LINE_MAX + 1];

	while (fgets(line, sizeof(line), f))
		if (strstr(line, want))
			return true;
	return false;
}

static void test_udrvctl(void)
{
	int fds[2], st;
	FILE *f;
	pid_t pid;
	bool ok;

	WD_DebugSet(hwd, D_OFF, 0);
	f = popen("udrvctl log --level info --areas misc,int 2>&1", "r");
	ok = f && read_until(f, "udrv debug monitor: info int,misc (was off)");
	tap_ok(f && pclose(f) == 0 && ok,
	       "udrvctl log --level info --areas misc,int: set, says what was");
	WD_DebugAdd(hwd, "t_debug: for udrvctl", D_INFO);
	f = popen("udrvctl log 2>/dev/null", "r");
	ok = f && read_until(f, "udrv: INFO  MISC  t_debug[");
	tap_ok(f && pclose(f) == 0 && ok,
	       "udrvctl log prints the ring's lines");
	if (pipe(fds))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execlp("udrvctl", "udrvctl", "log", "-f", (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	alarm(60);	/* a follower that never shows the line fails, not hangs */
	ok = read_until(f, "t_debug: for udrvctl");
	WD_DebugAdd(hwd, "t_debug: while followed", D_INFO);
	ok = ok && read_until(f, "t_debug: while followed");
	alarm(0);
	tap_ok(ok, "udrvctl log -f prints what the ring holds, then a line added later");
	kill(pid, SIGINT);
	waitpid(pid, &st, 0);
	fclose(f);
}

int main(void)
{
	WD_PCI_SLOT slots[1];
	uint32_t level, areas;

	tap_init("t_debug");
	snprintf(me, sizeof(me), "t_debug[%d]", (int)getpid());
	buf = malloc(BUF + 1);
	if (!buf || WDC_DriverOpen() || !find_bound(EDU_VENDOR, EDU_DEVICE, slots, 1) ||
	    WD_Open(&hwd) || WD_CardRegister(hwd, slots[0], 0, &hcard)) {
		tap_ok(false, "an edu bound to udrv, registered");
		return tap_done();
	}
	test_off("by default");
	test_trace();
	test_kp();
	test_filters();
	test_overflow();
	test_wait();
	test_unprivileged();
	test_abi();
	test_udrvctl();
	WD_DebugSet(hwd, D_OFF, 0);
	tap_ok(!WD_DebugGet(hwd, &level, &areas) && !level && !areas,
	       "set off again");
	test_off("once set off");
	WD_CardUnregister(hwd, hcard);
	WD_Close(hwd);
	WDC_DriverClose();
	free(buf);
	return tap_done();
}
