// SPDX-License-Identifier: MIT
/*
 * t_hotplug: plug-and-play events and removal of a device in use, with
 * the harness's hot-plug (vm/run --hotplug, vmctl): an edu "hp1" behind
 * the PCIe root port "rp1", the only edu of the boot (tests/run-vm).
 *
 *  1. A filter registered before the device exists hears its insert once
 *     autobind has bound it, and the device is usable at once.
 *  2. Removal while one process has it registered, mapped, with MSI
 *     enabled and a thread blocked in WD_IntWait, DMA buffers locked and
 *     a long WD_MultiTransfer running on another thread.
 *  3. The same with INTx and IRQ-time commands.
 *  4. A Kernel PlugIn with its interrupt enabled: funcEvent(WD_REMOVE)
 *     comes before its funcIntDisable and funcClose.
 *  5. Remove/add cycles, each with a process that takes the device and
 *     closes it from its WDC_EventRegister handler: nothing left behind.
 *  6. A device that stops answering while bound (what surprise removal
 *     looks like before the kernel notices): IRQ-time commands that read
 *     all ones must not take that for a status.  Simulated by moving the
 *     root port's secondary bus number away, so config reads of the edu
 *     end nowhere (all ones) while its BAR still decodes; edu's register
 *     0x10 does not exist and reads all ones.
 *
 * QEMU (7.2) removes devices in order: the guest's driver is unbound
 * before the device goes, so reads through the agent never see a missing
 * device here; what a process sees is the same as on surprise removal,
 * where udrv's remove runs once the kernel noticed.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"
#include "kp/t_kp_msgs.h"

#define DEL "vmctl device_del hp1"
#define ADD "vmctl device_add edu,id=hp1,bus=rp1"
#define EDU_ID		0x010000ed
#define CYCLES		20

static WD_PCI_SLOT slot;	/* where hp1 lives, the same after each add */
static char bdf[16];
static int fd0;			/* holds the filter registration */
static uint32_t hfilter;

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static bool same_slot(WD_PCI_SLOT a)
{
	return a.domain == slot.domain && a.bus == slot.bus &&
	       a.slot == slot.slot && a.function == slot.function;
}

/* The filter's next event is `want` at hp1's slot. */
static bool next_event(uint32_t want, uint32_t timeout_ms)
{
	uint32_t action = 0;
	WD_PCI_SLOT s;

	memset(&s, 0xff, sizeof(s));
	if (WD_EventPull(fd0, hfilter, &action, &s, timeout_ms)) {
		tap_diag("WD_EventPull: %s", WDC_GetLastErrStr());
		return false;
	}
	if (action != want || !same_slot(s))
		tap_diag("got action %u at %s", action, slot_str(s));
	return action == want && same_slot(s);
}

static void dma_stats(long *buffers, long *pinned)
{
	FILE *f = fopen("/sys/bus/pci/drivers/udrv/dma_stats", "r");

	*buffers = *pinned = -1;
	if (f) {
		if (fscanf(f, "buffers %ld pinned_pages %ld", buffers,
			   pinned) != 2)
			*buffers = *pinned = -1;
		fclose(f);
	}
}

/* Lines of /proc/interrupts that name udrv */
static int udrv_irq_lines(void)
{
	return sh("exit $(grep -c udrv /proc/interrupts)");
}

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig;

static void on_fault(int sig)
{
	fault_sig = sig;
	siglongjmp(fault_jmp, 1);
}

/* A load from p: 0 if it worked (value in *v), else the signal. */
static int probe_load(volatile uint32_t *p, uint32_t *v)
{
	struct sigaction sa, obus, osegv;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigaction(SIGBUS, &sa, &obus);
	sigaction(SIGSEGV, &sa, &osegv);
	fault_sig = 0;
	if (!sigsetjmp(fault_jmp, 1))
		*v = *p;
	sigaction(SIGBUS, &obus, NULL);
	sigaction(SIGSEGV, &osegv, NULL);
	return fault_sig;
}

/* Registered, used: ID through the mapping, one MSI delivered. */
static bool use_edu(const char *what)
{
	WD_INTERRUPT in;
	uint32_t h = 0, id = 0;
	volatile uint32_t *bar;
	bool good = false;
	int fd;

	if (WD_Open(&fd))
		return false;
	if (WD_CardRegister(fd, slot, 0, &h)) {
		tap_diag("%s: WD_CardRegister: %s", what, WDC_GetLastErrStr());
		WD_Close(fd);
		return false;
	}
	bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   UDRV_MMAP_OFFSET(h, 0));
	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE;
	if (bar != MAP_FAILED && !probe_load(bar, &id) && id == EDU_ID &&
	    !WD_IntEnable(fd, h, &in)) {
		bar[0x60 / 4] = 1;	/* raise */
		good = !WD_IntWait(fd, &in, 10000) && in.count >= 1;
		bar[0x64 / 4] = 1;
		WD_IntDisable(fd, &in);
	}
	if (!good)
		tap_diag("%s: id 0x%x, %s", what, id, WDC_GetLastErrStr());
	if (bar != MAP_FAILED)
		munmap((void *)bar, 4096);
	WD_CardUnregister(fd, h);
	WD_Close(fd);
	return good;
}

static bool remove_dev(void)
{
	return sh(DEL) == 0 && next_event(WD_REMOVE, 30000);
}

/* Added again, bound by autobind, and the filter heard it. */
static bool add_dev(void)
{
	return sh(ADD) == 0 && next_event(WD_INSERT, 60000);
}

static void test_filter(void)
{
	WD_PCI_ID id = { EDU_VENDOR, EDU_DEVICE }, e1000e = { 0x8086, 0x10d3 };
	uint32_t hother = 0, action = 0;
	char cmd[512];

	tap_status(WD_EventRegisterId(fd0, id, WD_INSERT | WD_REMOVE, &hfilter),
		   WD_STATUS_SUCCESS, "WD_EventRegisterId(1234:11e8)");
	tap_status(WD_EventRegisterId(fd0, e1000e, WD_INSERT | WD_REMOVE,
				      &hother),
		   WD_STATUS_SUCCESS, "WD_EventRegisterId(8086:10d3)");
	tap_ok(sh("udrvctl autobind add 1234:11e8") == 0 &&
	       sh("udrvctl autobind | grep -qx 1234:11e8") == 0,
	       "udrvctl autobind add 1234:11e8: in the list");
	tap_ok(sh("udrvctl autobind add 12345:11e8 2>/tmp/ab.err; [ $? = 2 ] && grep -q 'not VENDOR:DEVICE' /tmp/ab.err") == 0,
	       "udrvctl autobind add 12345:11e8: usage error (2) naming the format");
	tap_ok(sh("udrvctl autobind del 1234:1111 2>/tmp/ab.err; [ $? = 1 ] && grep -q 'not in the list' /tmp/ab.err") == 0,
	       "udrvctl autobind del of an ID not listed: fails (1) saying so");
	tap_ok(sh("udrvctl events --count 1 --timeout 50 2>/tmp/ev.err; [ $? = 1 ] && grep -q 'within 50 ms' /tmp/ev.err") == 0,
	       "udrvctl events --timeout 50 with nothing happening: fails (1) saying so");
	/* udrvctl events follows the same remove and insert */
	sh("udrvctl events -d 1234:11e8 --count 2 --timeout 120000 >/tmp/ev.out 2>&1 & echo $! >/tmp/ev.pid");
	usleep(1000000);	/* it registers before the removal */
	tap_ok(sh(DEL) == 0, "vmctl device_del hp1");
	tap_ok(next_event(WD_REMOVE, 30000),
	       "the filter hears WD_REMOVE at %s", bdf);
	tap_status(WD_EventPull(fd0, hfilter, &action, NULL, 200), WD_TIME_OUT,
		   "... once");
	tap_ok(sh(ADD) == 0, "vmctl device_add: hp1 comes back");
	tap_ok(next_event(WD_INSERT, 60000),
	       "the filter hears WD_INSERT at %s (registered before the device existed)",
	       bdf);
	snprintf(cmd, sizeof(cmd),
		 "wait $(cat /tmp/ev.pid) 2>/dev/null; i=0; while [ $i -lt 100 ] && [ $(wc -l </tmp/ev.out) -lt 2 ]; do usleep 100000; i=$((i+1)); done; printf 'remove %s\\ninsert %s\\n' | cmp -s - /tmp/ev.out",
		 bdf, bdf);
	tap_ok(sh(cmd) == 0, "udrvctl events -d 1234:11e8 printed 'remove %s' and 'insert %s'",
	       bdf, bdf);
	tap_ok(sh("readlink /sys/bus/pci/devices/$(udrvctl list | awk '$2 == \"1234:11e8\" {print $1; exit}')/driver | grep -q /udrv$") == 0,
	       "autobind bound it to udrv, no udrvctl bind");
	tap_ok(use_edu("after insert"),
	       "at once usable: registered, ID read through the mapping, an MSI delivered");
	tap_status(WD_EventPull(fd0, hother, &action, NULL, 1), WD_TIME_OUT,
		   "a filter for another ID heard nothing");
	tap_status(WD_EventUnregister(fd0, hother), WD_STATUS_SUCCESS,
		   "WD_EventUnregister");
}

/* ---- a pull blocked while the registration goes ---- */

struct puller {
	int fd;
	uint32_t h, st;
};

static void *pull_thread(void *arg)
{
	struct puller *p = arg;
	uint32_t action;

	p->st = WD_EventPull(p->fd, p->h, &action, NULL, 0);
	return NULL;
}

static void test_pull_races(void)
{
	WD_PCI_ID any = { 0, 0 };
	struct puller p = { .fd = fd0 };
	pthread_t t;
	pid_t pid;
	int st;

	if (WD_EventRegisterId(fd0, any, WD_INSERT, &p.h)) {
		tap_ok(false, "races: register: %s", WDC_GetLastErrStr());
		return;
	}
	pthread_create(&t, NULL, pull_thread, &p);
	usleep(200000);		/* so that it waits in the agent */
	tap_status(WD_EventUnregister(fd0, p.h), WD_STATUS_SUCCESS,
		   "races: unregister while another thread waits in WD_EventPull");
	pthread_join(t, NULL);
	tap_ok(p.st == WD_INVALID_HANDLE,
	       "races: ... the waiter returns WD_INVALID_HANDLE (0x%x)", p.st);
	/* A process killed while it waits: its file's release cleans up */
	pid = fork();
	if (pid == 0) {
		int fd;
		uint32_t h, a;

		if (WD_Open(&fd) || WD_EventRegisterId(fd, any, WD_INSERT, &h))
			_exit(1);
		WD_EventPull(fd, h, &a, NULL, 0);
		_exit(2);
	}
	usleep(300000);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "races: a process killed in WD_EventPull dies (status 0x%x)", st);
}

/* ---- removal in use ---- */

struct waiter {
	pthread_t t;
	int fd;
	WD_INTERRUPT *in;
	uint32_t st;
	volatile bool done;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	w->st = WD_IntWait(w->fd, w->in, 0);
	w->done = true;
	return NULL;
}

struct multi {
	pthread_t t;
	int fd;
	uint32_t h;
	uint32_t st;
	unsigned long batches;
};

static void *multi_thread(void *arg)
{
	static WD_TRANSFER tr[4096];
	struct multi *m = arg;
	uint32_t i, done;

	for (i = 0; i < 4096; i++) {
		memset(&tr[i], 0, sizeof(tr[i]));
		tr[i].bar = 0;
		tr[i].cmd = RM_DWORD;
		tr[i].addr = 0;
	}
	/* Until the device goes; bounded so that a lost removal ends it */
	for (m->batches = 0; m->batches < 1000000; m->batches++) {
		m->st = WD_MultiTransfer(m->fd, m->h, tr, 4096, &done);
		if (m->st)
			break;
	}
	return NULL;
}

struct held {
	int fd;
	uint32_t h, hev;
	volatile uint32_t *bar;
	WD_INTERRUPT in;
	WD_TRANSFER cmds[3];
	WD_DMA contig, sg;
	WD_DMA_PAGE cpages[4], spages[8];
	uint8_t *sgbuf;
	struct waiter w;
	struct multi m;
};

static bool hold(struct held *d, uint32_t int_options, const char *what)
{
	long pg = sysconf(_SC_PAGESIZE);

	memset(d, 0, sizeof(*d));
	if (WD_Open(&d->fd) || WD_CardRegister(d->fd, slot, 0, &d->h) ||
	    WD_EventRegister(d->fd, d->h, WD_REMOVE, &d->hev))
		return tap_ok(false, "%s: register: %s", what,
			      WDC_GetLastErrStr());
	d->bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		      UDRV_MMAP_OFFSET(d->h, 0));
	/* Only locked, never used by edu's engine: any page will do */
	if (WD_SetDmaMask(d->fd, d->h, 64))
		return tap_ok(false, "%s: WD_SetDmaMask: %s", what,
			      WDC_GetLastErrStr());
	d->contig.options = DMA_KERNEL_BUFFER_ALLOC | WD_DMA_FROM_DEVICE;
	d->contig.bytes = 8192;
	d->contig.num_pages = 4;
	d->contig.pages = d->cpages;
	d->sgbuf = aligned_alloc((size_t)pg, 3 * (size_t)pg);
	memset(d->sgbuf, 1, 3 * (size_t)pg);
	d->sg.options = WD_DMA_TO_DEVICE;
	d->sg.user_addr = d->sgbuf;
	d->sg.bytes = 3 * (uint64_t)pg;
	d->sg.num_pages = 8;
	d->sg.pages = d->spages;
	if (d->bar == MAP_FAILED ||
	    WD_DMALock(d->fd, d->h, &d->contig) ||
	    WD_DMALock(d->fd, d->h, &d->sg))
		return tap_ok(false, "%s: map and lock DMA: %s", what,
			      WDC_GetLastErrStr());
	d->in.options = int_options;
	if (int_options & INTERRUPT_LEVEL_SENSITIVE) {
		edu_ack_cmds(d->cmds, 0xffffffff);
		d->in.cmds = d->cmds;
		d->in.num_cmds = 3;
	}
	if (WD_IntEnable(d->fd, d->h, &d->in))
		return tap_ok(false, "%s: WD_IntEnable: %s", what,
			      WDC_GetLastErrStr());
	/* One interrupt through, so the setup is known to work */
	d->bar[0x60 / 4] = 1;
	if (WD_IntWait(d->fd, &d->in, 10000) || d->in.count < 1)
		return tap_ok(false, "%s: first interrupt: %s", what,
			      WDC_GetLastErrStr());
	if (!(int_options & INTERRUPT_LEVEL_SENSITIVE))
		d->bar[0x64 / 4] = 1;
	d->w.fd = d->m.fd = d->fd;
	d->w.in = &d->in;
	d->m.h = d->h;
	pthread_create(&d->w.t, NULL, wait_thread, &d->w);
	pthread_create(&d->m.t, NULL, multi_thread, &d->m);
	/* Not a timed assertion: only so that both are in the agent */
	usleep(300000);
	return tap_ok(!d->w.done && !d->m.st,
		      "%s: registered, mapped, 2 DMA buffers, a waiter blocked, a long WD_MultiTransfer running",
		      what);
}

static void after_removal(struct held *d, const char *what)
{
	WD_TRANSFER t;
	uint32_t action = 0, v = 0;
	long b, p;
	int sig;

	tap_ok(WD_EventPull(d->fd, d->hev, &action, NULL, 30000) == 0 &&
	       action == WD_REMOVE, "%s: the card's registration hears WD_REMOVE",
	       what);
	pthread_join(d->w.t, NULL);
	tap_ok(d->w.st == 0 && d->in.stopped == UDRV_STOP_REMOVED,
	       "%s: the blocked waiter woke with stopped = removed (status 0x%x, stopped %u)",
	       what, d->w.st, d->in.stopped);
	pthread_join(d->m.t, NULL);
	tap_ok(d->m.st == WD_DEVICE_REMOVED,
	       "%s: the WD_MultiTransfer thread ended with WD_DEVICE_REMOVED after %lu batches",
	       what, d->m.batches);
	memset(&t, 0, sizeof(t));
	t.cmd = RM_DWORD;
	tap_status(WD_Transfer(d->fd, d->h, &t), WD_DEVICE_REMOVED,
		   "%s: WD_Transfer", what);
	tap_ok(strstr(WDC_GetLastErrStr(), "removed") != NULL,
	       "... with a message: %s", WDC_GetLastErrStr());
	tap_status(WD_IntEnable(d->fd, d->h, &d->in), WD_DEVICE_REMOVED,
		   "%s: WD_IntEnable", what);
	{
		WD_DMA x;
		WD_DMA_PAGE xp[2];

		memset(&x, 0, sizeof(x));
		x.options = DMA_KERNEL_BUFFER_ALLOC;
		x.bytes = 4096;
		x.num_pages = 2;
		x.pages = xp;
		tap_status(WD_DMALock(d->fd, d->h, &x), WD_DEVICE_REMOVED,
			   "%s: WD_DMALock", what);
	}
	{
		uint32_t vid = 0;

		tap_status(WD_PciConfigDump(d->fd, slot, 0, &vid, 4, false),
			   WD_DEVICE_NOT_FOUND,
			   "%s: config space of the empty slot", what);
	}
	sig = probe_load(d->bar, &v);
	tap_ok(sig == SIGBUS,
	       "%s: a load from the BAR mapping raises SIGBUS (signal %d, value 0x%x)",
	       what, sig, v);
	sig = probe_load((volatile uint32_t *)d->contig.user_addr, &v);
	tap_ok(sig == SIGBUS,
	       "%s: and from the contiguous DMA buffer's mapping (signal %d)",
	       what, sig);
	d->sgbuf[0] = 2;	/* the caller's own memory stays its own */
	tap_status(WD_DMAUnlock(d->fd, &d->sg), WD_STATUS_SUCCESS,
		   "%s: WD_DMAUnlock of the SG buffer", what);
	dma_stats(&b, &p);
	tap_ok(b == 1, "%s: one buffer left held (buffers %ld, pinned %ld)",
	       what, b, p);
	munmap((void *)d->bar, 4096);
	WD_Close(d->fd);
	dma_stats(&b, &p);
	tap_ok(b == 0 && p == 0,
	       "%s: dma_stats exactly 0 buffers, 0 pinned pages after WD_Close (%ld, %ld)",
	       what, b, p);
	free(d->sgbuf);
}

static void test_in_use(uint32_t options, const char *what)
{
	struct held d;
	int irqs = udrv_irq_lines();

	if (!hold(&d, options, what))
		return;
	tap_ok(udrv_irq_lines() == irqs + 1, "%s: its vector in /proc/interrupts",
	       what);
	tap_ok(remove_dev(), "%s: device_del, the filter hears it", what);
	tap_ok(udrv_irq_lines() == irqs, "%s: the vector is freed at once",
	       what);
	after_removal(&d, what);
	tap_ok(add_dev(), "%s: added again", what);
	tap_ok(use_edu(what), "%s: registered and used again", what);
}

/* ---- a Kernel PlugIn with its interrupt enabled ---- */

static uint32_t kp_call(int fd, uint32_t hkp, uint32_t msg, void *data,
			uint32_t size, uint32_t *result)
{
	WD_KERNEL_PLUGIN_CALL c;
	uint32_t st;

	memset(&c, 0, sizeof(c));
	c.hKernelPlugIn = hkp;
	c.message = msg;
	c.data = data;
	c.size = size;
	st = WD_KernelPlugInCall(fd, &c);
	*result = c.result;
	return st;
}

static void test_kp(void)
{
	struct t_kp_order o;
	WD_INTERRUPT in;
	struct waiter w;
	uint32_t h, hkp = 0, r = 0, st;
	volatile uint32_t *bar;
	int fd;

	if (!tap_ok(sh("grep -q '^t_kp_mod ' /proc/modules || insmod /lib/udrv/t_kp_mod.ko") == 0,
		    "KP: t_kp_mod.ko loaded"))
		return;
	if (WD_Open(&fd) || WD_CardRegister(fd, slot, 0, &h) ||
	    WD_KernelPlugInOpen(fd, h, T_KP_NAME, NULL, 0, &hkp)) {
		tap_ok(false, "KP: open t_kp on hp1: %s", WDC_GetLastErrStr());
		return;
	}
	bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   UDRV_MMAP_OFFSET(h, 0));
	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE;
	in.hKernelPlugIn = hkp;
	if (bar == MAP_FAILED || WD_IntEnable(fd, h, &in)) {
		tap_ok(false, "KP: WD_IntEnable with the KP: %s",
		       WDC_GetLastErrStr());
		return;
	}
	bar[0x60 / 4] = 1;
	st = WD_IntWait(fd, &in, 10000);
	tap_ok(!st && in.kp_count >= 1,
	       "KP: its handler took an interrupt (status 0x%x, kp_count %u)",
	       st, in.kp_count);
	memset(&w, 0, sizeof(w));
	w.fd = fd;
	w.in = &in;
	pthread_create(&w.t, NULL, wait_thread, &w);
	usleep(300000);
	tap_ok(remove_dev(), "KP: device_del with the KP's interrupt on");
	pthread_join(w.t, NULL);
	tap_ok(in.stopped == UDRV_STOP_REMOVED,
	       "KP: the waiter woke with stopped = removed (%u)", in.stopped);
	tap_status(kp_call(fd, hkp, T_KP_ORDER, &o, sizeof(o), &r),
		   WD_DEVICE_REMOVED, "KP: a call on the removed device's KP");
	tap_status(WD_KernelPlugInClose(fd, hkp), WD_STATUS_SUCCESS,
		   "KP: closing it succeeds");
	munmap((void *)bar, 4096);
	WD_Close(fd);
	if (!tap_ok(add_dev(), "KP: added again"))
		return;
	/* A new handle on the new device reads what the old one saw */
	if (WD_Open(&fd) || WD_CardRegister(fd, slot, 0, &h) ||
	    WD_KernelPlugInOpen(fd, h, T_KP_NAME, NULL, 0, &hkp) ||
	    kp_call(fd, hkp, T_KP_ORDER, &o, sizeof(o), &r) || r) {
		tap_ok(false, "KP: T_KP_ORDER on the new device: %s",
		       WDC_GetLastErrStr());
		return;
	}
	tap_ok(o.event_action == WD_REMOVE && o.event_at &&
	       o.event_at < o.int_disable_at && o.int_disable_at < o.close_at,
	       "KP: funcEvent(WD_REMOVE) at %u, then funcIntDisable at %u, then funcClose at %u",
	       o.event_at, o.int_disable_at, o.close_at);
	WD_KernelPlugInClose(fd, hkp);
	WD_Close(fd);
}

/* ---- a device that stops answering ---- */

/* The root port above hp1, as a sysfs config path */
static bool port_config(char *path, size_t len)
{
	char dev[96], real[512], *slash;

	snprintf(dev, sizeof(dev), "/sys/bus/pci/devices/%s", bdf);
	if (!realpath(dev, real))
		return false;
	slash = strrchr(real, '/');
	if (!slash)
		return false;
	*slash = 0;
	snprintf(path, len, "%s/config", real);
	return true;
}

static bool port_bus(const char *path, uint8_t sec, uint8_t sub)
{
	uint8_t b[2] = { sec, sub };
	FILE *f = fopen(path, "r+b");
	bool good;

	if (!f)
		return false;
	good = !fseek(f, 0x19, SEEK_SET) && fwrite(b, 1, 2, f) == 2;
	return !fclose(f) && good;
}

static void test_vanish(void)
{
	WD_TRANSFER c[4];
	WD_INTERRUPT in;
	struct waiter w;
	char cfg[600];
	uint32_t h, st;
	volatile uint32_t *bar;
	int fd;

	if (!tap_ok(port_config(cfg, sizeof(cfg)), "vanish: hp1's root port"))
		return;
	if (WD_Open(&fd) || WD_CardRegister(fd, slot, 0, &h)) {
		tap_ok(false, "vanish: register: %s", WDC_GetLastErrStr());
		return;
	}
	bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		   UDRV_MMAP_OFFSET(h, 0));
	/* read 0x10 (all ones), read the status, acknowledge it */
	memset(c, 0, sizeof(c));
	c[0].cmd = RM_DWORD;
	c[0].addr = 0x10;
	c[1].cmd = RM_DWORD;
	c[1].addr = 0x24;
	c[2].cmd = WM_DWORD;
	c[2].addr = 0x64;
	c[2].data.dw = 0xffffffff;
	memset(&in, 0, sizeof(in));
	in.options = INTERRUPT_MESSAGE | INTERRUPT_CMD_COPY;
	in.cmds = c;
	in.num_cmds = 3;
	if (bar == MAP_FAILED || WD_IntEnable(fd, h, &in)) {
		tap_ok(false, "vanish: MSI with commands: %s", WDC_GetLastErrStr());
		return;
	}
	bar[0x60 / 4] = 1;
	st = WD_IntWait(fd, &in, 10000);
	tap_ok(!st && in.count == 1 && !in.stopped &&
	       c[0].data.dw == 0xffffffff,
	       "vanish: a device that answers: its all-ones read is data, the interrupt counts (count %u, stopped %u, read 0x%x)",
	       in.count, in.stopped, c[0].data.dw);
	memset(&w, 0, sizeof(w));
	w.fd = fd;
	w.in = &in;
	pthread_create(&w.t, NULL, wait_thread, &w);
	usleep(300000);
	if (!tap_ok(port_bus(cfg, 0x1e, 0x1e),
		    "vanish: root port's secondary bus moved to 0x1e"))
		return;
	tap_ok(sh("[ \"$(od -An -tx4 -N4 /sys/bus/pci/devices/$(udrvctl list | awk '$2 == \"1234:11e8\" {print $1; exit}')/config | tr -d ' ')\" = ffffffff ]") == 0,
	       "vanish: the edu's config space reads all ones now");
	bar[0x60 / 4] = 1;	/* the BAR still decodes */
	pthread_join(w.t, NULL);
	tap_ok(!w.st && in.stopped == UDRV_STOP_REMOVED,
	       "vanish: the next interrupt reads all ones from a device that does not answer: stopped as removed (status 0x%x, stopped %u, count %u)",
	       w.st, in.stopped, in.count);
	tap_ok(port_bus(cfg, slot.bus, slot.bus),
	       "vanish: the root port's bus numbers restored");
	tap_status(WD_IntDisable(fd, &in), WD_STATUS_SUCCESS,
		   "vanish: WD_IntDisable after it");
	bar[0x64 / 4] = 0xffffffff;
	munmap((void *)bar, 4096);
	WD_CardUnregister(fd, h);
	WD_Close(fd);
	tap_ok(use_edu("after vanishing"),
	       "vanish: the device answers again and works");
}

/* ---- cycles ---- */

static volatile int child_removed;

static void child_handler(WDC_DEVICE_HANDLE dev, uint32_t action, void *ctx)
{
	(void)ctx;
	/* What a driver does: let the device go, from the handler itself */
	if (action == WD_REMOVE && !WDC_PciDeviceClose(dev))
		child_removed = 1;
}

static void noop_handler(void *ctx)
{
	(void)ctx;
}

/*
 * A driver process: opens hp1, enables MSI, locks a buffer, registers for
 * events; tells the parent it is ready, exits 0 once its handler closed
 * the device on WD_REMOVE.
 */
static int child(int ready)
{
	WD_PCI_CARD_INFO info;
	WDC_DEVICE_HANDLE dev;
	WD_DMA *dma = NULL;
	void *buf;
	int i;

	memset(&info, 0, sizeof(info));
	info.slot = slot;
	if (WDC_DriverOpen() || WDC_PciGetDeviceInfo(&info) ||
	    WDC_PciDeviceOpen(&dev, &info, NULL))
		return 10;
	if (WDC_IntEnable(dev, NULL, 0, INTERRUPT_MESSAGE, noop_handler, NULL,
			  false) ||
	    WDC_DMAContigBufLock(dev, &buf, WD_DMA_FROM_DEVICE, 4096, &dma) ||
	    WDC_EventRegister(dev, WD_REMOVE, child_handler, NULL))
		return 11;
	if (write(ready, "r", 1) != 1)
		return 12;
	for (i = 0; i < 3000 && !child_removed; i++)
		usleep(10000);
	return child_removed ? 0 : 13;
}

static void test_cycles(void)
{
	int irqs = udrv_irq_lines(), bad = 0, c, st, p[2];
	long b, pg;
	char r;
	pid_t pid;

	for (c = 0; c < CYCLES && !bad; c++) {
		if (pipe(p))
			break;
		pid = fork();
		if (pid == 0) {
			close(p[0]);
			_exit(child(p[1]));
		}
		close(p[1]);
		if (read(p[0], &r, 1) != 1) {
			tap_diag("cycle %d: the driver process failed to start", c);
			bad = 1;
		}
		close(p[0]);
		if (!bad && !remove_dev()) {
			tap_diag("cycle %d: removal not heard", c);
			bad = 1;
		}
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st)) {
			tap_diag("cycle %d: driver process status 0x%x", c, st);
			bad = 1;
		}
		if (!bad && !add_dev()) {
			tap_diag("cycle %d: insertion not heard", c);
			bad = 1;
		}
	}
	tap_ok(!bad && c == CYCLES,
	       "%d remove/add cycles, each driver closed its device from its WD_REMOVE handler",
	       c);
	dma_stats(&b, &pg);
	tap_ok(b == 0 && pg == 0, "after the cycles: dma_stats 0 and 0 (%ld, %ld)",
	       b, pg);
	tap_ok(udrv_irq_lines() == irqs,
	       "after the cycles: as many udrv lines in /proc/interrupts as before (%d)",
	       irqs);
	tap_ok(use_edu("after the cycles"), "after the cycles: the device works");
}

int main(void)
{
	uint32_t n;

	tap_init("t_hotplug");
	if (WDC_DriverOpen() || (n = find_bound(EDU_VENDOR, EDU_DEVICE, &slot, 1)) != 1 ||
	    WD_Open(&fd0)) {
		tap_ok(false, "needs the hot-pluggable edu hp1 bound (vm/run --hotplug)");
		return tap_done();
	}
	snprintf(bdf, sizeof(bdf), "%s", slot_str(slot));
	test_filter();
	test_pull_races();
	test_vanish();
	test_in_use(INTERRUPT_MESSAGE, "MSI");
	test_in_use(INTERRUPT_LEVEL_SENSITIVE, "INTx with commands");
	test_kp();
	test_cycles();
	sh("rmmod t_kp_mod");
	tap_status(WD_EventUnregister(fd0, hfilter), WD_STATUS_SUCCESS,
		   "WD_EventUnregister of the filter");
	WD_Close(fd0);
	return tap_done();
}
