// SPDX-License-Identifier: MIT
/*
 * t_xlist: prepared transfer lists (UDRV_IOC_XLIST_*) on edu.  A run gives
 * what single transfers give; every bad field is refused with its errno;
 * the limits hold; a list goes at free, unregister, close and SIGKILL; a
 * run racing a free or an unregister in another thread either runs the
 * whole list or fails with ESTALE; a removed device's runs fail with EIO;
 * WD_MultiTransfer's cache never runs a list whose commands changed.
 * Edu: BAR0 + 0 is the id 0x010000ed, + 4 reads back the bitwise
 * inverse of what was written there.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"

#define EDU_ID 0x010000edu

static int fd;
static uint32_t hcard;

static int prepare(uint32_t card, const WD_TRANSFER *t, uint32_t n,
		   struct udrv_xlist_prepare *p)
{
	memset(p, 0, sizeof(*p));
	p->size = sizeof(*p);
	p->hcard = card;
	p->num = n;
	p->cmds = (uintptr_t)t;
	return ioctl(fd, UDRV_IOC_XLIST_PREPARE, p) ? errno : 0;
}

static int run(const struct udrv_xlist_prepare *p, WD_TRANSFER *t,
	       uint32_t n, uint32_t *done)
{
	struct udrv_xlist_run r;
	int err;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.handle = p->handle;
	r.serial = p->serial;
	r.num = n;
	r.cmds = (uintptr_t)t;
	err = ioctl(fd, UDRV_IOC_XLIST_RUN, &r) ? errno : 0;
	if (done)
		*done = r.done;
	return err;
}

static int xfree(const struct udrv_xlist_prepare *p)
{
	struct udrv_xlist_free f;

	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.handle = p->handle;
	f.serial = p->serial;
	return ioctl(fd, UDRV_IOC_XLIST_FREE, &f) ? errno : 0;
}

static bool tap_errno(int got, int want, const char *what)
{
	return tap_ok(got == want, "%s: %s (got %s)", what,
		      want ? strerrorname_np(want) : "0",
		      got ? strerrorname_np(got) : "0");
}

/* write X to 0x04, read 0x04 (~X), read 0x00 (id), nothing, status */
static void mixed(WD_TRANSFER *t, uint32_t x)
{
	memset(t, 0, 5 * sizeof(*t));
	t[0].cmd = WM_DWORD;
	t[0].addr = 4;
	t[0].data.dw = x;
	t[1].cmd = RM_DWORD;
	t[1].addr = 4;
	t[2].cmd = RM_DWORD;
	t[3].cmd = CMD_NONE;
	t[4].cmd = RM_DWORD;
	t[4].addr = 0x20;
}

static void test_results(void)
{
	struct udrv_xlist_prepare p;
	WD_TRANSFER t[5], s[5];
	uint32_t i, k, done;
	bool same = true;

	mixed(t, 0);
	if (!tap_errno(prepare(hcard, t, 5, &p), 0, "prepare a mixed list"))
		return;
	tap_ok(p.handle && p.serial, "... a handle %u and a serial", p.handle);
	for (k = 0; k < 3; k++) {
		uint32_t x = 0x1234567u * (k + 1);

		mixed(t, x);
		mixed(s, x);
		t[1].data.qw = t[2].data.qw = t[4].data.qw = 0xdeadbeefULL;
		t[3].data.qw = 77;
		if (run(&p, t, 5, &done) != 0)
			same = false;
		for (i = 0; i < 5; i++)
			WD_Transfer(fd, hcard, &s[i]);
		for (i = 0; i < 5; i++)
			if (t[i].data.qw != s[i].data.qw && i != 3)
				same = false;
		if (t[1].data.dw != ~x || t[2].data.dw != EDU_ID ||
		    t[0].data.dw != x || t[3].data.qw != 77)
			same = false;
	}
	if (!same)
		tap_diag("run %llx %llx %llx %llx %llx, single %llx %llx %llx %llx %llx",
			 (unsigned long long)t[0].data.qw,
			 (unsigned long long)t[1].data.qw,
			 (unsigned long long)t[2].data.qw,
			 (unsigned long long)t[3].data.qw,
			 (unsigned long long)t[4].data.qw,
			 (unsigned long long)s[0].data.qw,
			 (unsigned long long)s[1].data.qw,
			 (unsigned long long)s[2].data.qw,
			 (unsigned long long)s[3].data.qw,
			 (unsigned long long)s[4].data.qw);
	tap_ok(same, "3 runs with new write data: the values of single transfers, writes' and CMD_NONE's data untouched");
	tap_errno(xfree(&p), 0, "free");
	tap_errno(run(&p, t, 5, NULL), ESTALE, "run after free");
	tap_errno(xfree(&p), ESTALE, "free again");
}

static void test_refused(void)
{
	struct udrv_xlist_prepare p;
	WD_TRANSFER t[4], *big;
	uint32_t done;
	int err;

	memset(t, 0, sizeof(t));
	t[0].cmd = RM_DWORD;
	t[1].cmd = RM_DWORD;
	t[1].addr = 8;
	tap_errno(prepare(hcard, t, 0, &p), EINVAL, "prepare of 0 commands");
	tap_errno(prepare(hcard, NULL, 2, &p), EINVAL, "prepare without cmds");
	tap_errno(prepare(0xfff0, t, 2, &p), EBADF, "prepare on an unknown card");
	tap_errno(prepare(hcard, (void *)16, 2, &p), EFAULT,
		  "prepare with a bad pointer");
	big = calloc(UDRV_MAX_MULTI + 1, sizeof(*big));
	tap_errno(prepare(hcard, big, UDRV_MAX_MULTI + 1, &p), ENOSPC,
		  "prepare of UDRV_MAX_MULTI + 1 commands");
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.hcard = hcard;
	p.num = 2;
	p.cmds = (uintptr_t)t;
	p.pad = 1;
	tap_errno(ioctl(fd, UDRV_IOC_XLIST_PREPARE, &p) ? errno : 0, EINVAL,
		  "prepare with pad set");
	p.pad = 0;
	p.size--;
	tap_errno(ioctl(fd, UDRV_IOC_XLIST_PREPARE, &p) ? errno : 0, EMSGSIZE,
		  "prepare with a wrong size field");

	/* Each bad command, as the second of two: `failed` names it */
	{
		static const struct {
			uint32_t cmd, bar, options, bytes;
			uint64_t addr;
			int err;
			const char *what;
		} bad[] = {
			{ RM_SDWORD, 0, 0, 8, 0, EINVAL, "a block command" },
			{ RM_DWORD, 6, 0, 0, 0, EINVAL, "BAR 6" },
			{ RM_DWORD, 1, 0, 0, 0, EINVAL, "an absent BAR" },
			{ RP_DWORD, 0, 0, 0, 0, EINVAL, "an I/O command on a memory BAR" },
			{ RM_DWORD, 0, 0, 0, 2, EILSEQ, "a misaligned offset" },
			{ RM_DWORD, 0, 0, 0, 1 << 20, ERANGE, "an offset past the BAR" },
			{ RM_QWORD, 0, 0, 0, 4, EILSEQ, "8 bytes at an offset aligned to 4" },
			{ 0x200 | RM_DWORD, 0, 0, 0, 0, EINVAL, "an unknown command bit" },
			{ CMD_MASK, 0, 0, 0, 0, EINVAL, "CMD_MASK" },
			{ RM_DWORD, 0, 4, 0, 0, EINVAL, "an unknown option" },
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memset(&t[1], 0, sizeof(t[1]));
			t[1].cmd = bad[i].cmd;
			t[1].bar = bad[i].bar;
			t[1].options = bad[i].options;
			t[1].bytes = bad[i].bytes;
			t[1].addr = bad[i].addr;
			t[1].data.buf = &done;
			err = prepare(hcard, t, 2, &p);
			tap_ok(err == bad[i].err && p.failed == 1,
			       "prepare refuses %s: %s, failed = %u (got %s)",
			       bad[i].what, strerrorname_np(bad[i].err),
			       p.failed, err ? strerrorname_np(err) : "0");
		}
	}

	memset(t, 0, sizeof(t));
	t[0].cmd = RM_DWORD;
	t[1].cmd = WM_DWORD;
	t[1].addr = 4;
	if (!tap_errno(prepare(hcard, t, 2, &p), 0, "prepare a read and a write"))
		return;
	tap_errno(run(&p, t, 1, NULL), EINVAL, "run with another count");
	tap_errno(run(&p, NULL, 2, NULL), EINVAL, "run without cmds");
	{
		struct udrv_xlist_prepare q = p;

		q.serial++;
		tap_errno(run(&q, t, 2, NULL), ESTALE, "run with a wrong serial");
		tap_errno(xfree(&q), ESTALE, "free with a wrong serial");
		q = p;
		q.handle += 1000;
		tap_errno(run(&q, t, 2, NULL), ESTALE, "run of an unknown handle");
	}
	{
		/* The write's data cannot be read: nothing runs */
		WD_TRANSFER *ro = mmap(NULL, 4096, PROT_NONE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		err = run(&p, ro, 2, &done);
		tap_ok(err == EFAULT && done == 0,
		       "run with unreadable cmds: EFAULT, done 0 (%d, %u)", err,
		       done);
		/* Readable, not writable: the commands ran, the read is lost */
		mprotect(ro, 4096, PROT_READ);
		err = run(&p, ro, 2, &done);
		tap_ok(err == EFAULT && done == 2,
		       "run with read-only cmds: EFAULT, done 2 (%d, %u)", err,
		       done);
		munmap(ro, 4096);
	}
	xfree(&p);

	/* Limits: lists per file, commands per file */
	{
		static struct udrv_xlist_prepare l[UDRV_MAX_XLISTS + 1];
		int i, n = 0;

		for (i = 0; i < UDRV_MAX_XLISTS; i++)
			n += prepare(hcard, t, 2, &l[i]) == 0;
		tap_ok(n == UDRV_MAX_XLISTS, "%d lists prepared (UDRV_MAX_XLISTS)",
		       n);
		tap_errno(prepare(hcard, t, 2, &l[i]), ENOSPC, "one more");
		for (i = 0; i < UDRV_MAX_XLISTS; i++)
			xfree(&l[i]);
		n = 0;
		for (i = 0; i < UDRV_MAX_XLIST_CMDS / UDRV_MAX_MULTI; i++)
			n += prepare(hcard, big, UDRV_MAX_MULTI, &l[i]) == 0;
		tap_ok(n == UDRV_MAX_XLIST_CMDS / UDRV_MAX_MULTI,
		       "%d lists of UDRV_MAX_MULTI commands", n);
		tap_errno(prepare(hcard, t, 1, &l[i]), ENOSPC,
			  "one command more than UDRV_MAX_XLIST_CMDS");
		for (i = 0; i < UDRV_MAX_XLIST_CMDS / UDRV_MAX_MULTI; i++)
			xfree(&l[i]);
		tap_errno(prepare(hcard, t, 1, &l[0]), 0,
			  "after the frees, room again");
		xfree(&l[0]);
	}
	free(big);
}

/* ---- lifetime --------------------------------------------------------- */

static void test_unregister(WD_PCI_SLOT slot)
{
	struct udrv_xlist_prepare p;
	WD_TRANSFER t[1];
	uint32_t h2 = 0;

	memset(t, 0, sizeof(t));
	t[0].cmd = RM_DWORD;
	prepare(hcard, t, 1, &p);
	tap_status(WD_CardUnregister(fd, hcard), WD_STATUS_SUCCESS,
		   "unregister the card with a list prepared");
	tap_errno(run(&p, t, 1, NULL), ESTALE, "... its list is gone");
	tap_errno(xfree(&p), ESTALE, "... and cannot be freed");
	tap_status(WD_CardRegister(fd, slot, 0, &h2), WD_STATUS_SUCCESS,
		   "register again");
	hcard = h2;
	tap_errno(run(&p, t, 1, NULL), ESTALE,
		  "the old list does not run on the new registration");
}

static void test_kill(WD_PCI_SLOT slot)
{
	int ready[2], st;
	uint32_t h = 0;
	pid_t pid;
	char c;

	/* A child with its own file, card and lists, killed mid-run */
	if (pipe(ready))
		return;
	tap_status(WD_CardUnregister(fd, hcard), WD_STATUS_SUCCESS,
		   "the parent lets the card go");
	pid = fork();
	if (pid == 0) {
		struct udrv_xlist_prepare p[8];
		WD_TRANSFER t[64];
		int cfd, i;

		if (WD_Open(&cfd) || WD_CardRegister(cfd, slot, 0, &h))
			_exit(3);
		fd = cfd;
		memset(t, 0, sizeof(t));
		for (i = 0; i < 64; i++)
			t[i].cmd = RM_DWORD;
		for (i = 0; i < 8; i++)
			if (prepare(h, t, 64, &p[i]))
				_exit(4);
		if (write(ready[1], "r", 1) != 1)
			_exit(5);
		for (;;)
			for (i = 0; i < 8; i++)
				run(&p[i], t, 64, NULL);
	}
	tap_ok(read(ready[0], &c, 1) == 1, "a child prepared 8 lists and runs them");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "... killed");
	close(ready[0]);
	close(ready[1]);
	tap_status(WD_CardRegister(fd, slot, 0, &hcard), WD_STATUS_SUCCESS,
		   "its card was released: the parent registers it again");
}

struct race {
	struct udrv_xlist_prepare p;
	volatile bool stop;
	atomic_int runs;
	int ok, stale, other, wrong;
};

/*
 * Until the racer finished a run begun after this point: no timing, and
 * each list published is run whole at least once before it goes.
 */
static void wait_runs(struct race *r)
{
	int start = atomic_load(&r->runs);

	while (atomic_load(&r->runs) < start + 2)
		sched_yield();
}

static void *racer(void *arg)
{
	struct race *r = arg;
	WD_TRANSFER t[16];
	uint32_t i;

	memset(t, 0, sizeof(t));
	for (i = 0; i < 16; i++)
		t[i].cmd = RM_DWORD;
	while (!r->stop) {
		struct udrv_xlist_prepare p = r->p;	/* racy on purpose */
		int err;

		for (i = 0; i < 16; i++)
			t[i].data.qw = 0;
		err = run(&p, t, 16, NULL);
		if (!err) {
			r->ok++;
			for (i = 0; i < 16; i++)
				r->wrong += t[i].data.dw != EDU_ID;
		} else if (err == ESTALE) {
			r->stale++;
		} else {
			r->other++;
		}
		atomic_fetch_add(&r->runs, 1);
	}
	return NULL;
}

static void test_races(WD_PCI_SLOT slot)
{
	static struct race r;
	WD_TRANSFER t[16];
	pthread_t th;
	int i, frees = 0;

	memset(t, 0, sizeof(t));
	for (i = 0; i < 16; i++)
		t[i].cmd = RM_DWORD;
	prepare(hcard, t, 16, &r.p);
	pthread_create(&th, NULL, racer, &r);
	/* Free and prepare again under the runs, then unregister too */
	for (i = 0; i < 2000; i++) {
		struct udrv_xlist_prepare p = r.p;

		frees += xfree(&p) == 0;
		prepare(hcard, t, 16, &p);
		r.p = p;
		if (i % 10 == 0)
			wait_runs(&r);
	}
	for (i = 0; i < 200; i++) {
		WD_CardUnregister(fd, hcard);
		WD_CardRegister(fd, slot, 0, &hcard);
		prepare(hcard, t, 16, &r.p);
		if (i % 10 == 0)
			wait_runs(&r);
	}
	r.stop = true;
	pthread_join(th, NULL);
	tap_ok(frees == 2000, "2000 frees under a running thread (%d)", frees);
	tap_ok(r.ok >= 220 && r.other == 0 && r.wrong == 0,
	       "runs racing free and unregister: %d whole runs, %d ESTALE, %d other errors, %d wrong values",
	       r.ok, r.stale, r.other, r.wrong);
	xfree(&r.p);
}

/* ---- WD_MultiTransfer's cache ----------------------------------------- */

static void test_cache(void)
{
	WD_TRANSFER t[3];
	uint32_t k, done;
	bool good = true;

	/* The same list many times (prepared from the second call on) */
	for (k = 0; k < 5; k++) {
		memset(t, 0, sizeof(t));
		t[0].cmd = WM_DWORD;
		t[0].addr = 4;
		t[0].data.dw = 0x1000 + k;
		t[1].cmd = RM_DWORD;
		t[1].addr = 4;
		t[2].cmd = RM_DWORD;
		t[2].addr = 4;
		if (WD_MultiTransfer(fd, hcard, t, 3, &done) || done != 3 ||
		    t[1].data.dw != ~(0x1000 + k) || t[2].data.dw != ~(0x1000 + k))
			good = false;
	}
	tap_ok(good, "WD_MultiTransfer 5 times, new write data each time: each read sees it");
	/* One command changed: the id register instead of the liveness one */
	t[2].addr = 0;
	t[2].data.dw = 0;
	tap_status(WD_MultiTransfer(fd, hcard, t, 3, &done), WD_STATUS_SUCCESS,
		   "the third command changed to offset 0");
	tap_ok(t[2].data.dw == EDU_ID,
	       "... the agent ran the new command: the id (0x%x)", t[2].data.dw);
	t[2].addr = 4;
	WD_MultiTransfer(fd, hcard, t, 3, &done);
	tap_ok(t[2].data.dw == ~t[0].data.dw, "changed back: the liveness register again");
	{
		WD_TRANSFER r;

		/* The read turned into a write: the liveness register shows it */
		t[2].cmd = WM_DWORD;
		t[2].data.dw = 0x55;
		WD_MultiTransfer(fd, hcard, t, 3, &done);
		memset(&r, 0, sizeof(r));
		r.cmd = RM_DWORD;
		r.addr = 4;
		WD_Transfer(fd, hcard, &r);
		tap_ok(r.data.dw == ~0x55u,
		       "the read changed to a write of 0x55: it was written (0x%x)",
		       r.data.dw);
	}
	t[2].cmd = RM_DWORD;
	t[2].addr = 2;
	tap_status(WD_MultiTransfer(fd, hcard, t, 3, &done), WD_BAD_ALIGNMENT,
		   "changed to a misaligned offset: refused as before");
}

static void test_explicit(void)
{
	WD_TRANSFER t[5];
	WD_TRANSFER_LIST l, copy;
	uint32_t k;
	bool good = true;

	mixed(t, 0);
	if (!tap_status(WD_MultiTransferPrepare(fd, hcard, t, 5, &l),
			WD_STATUS_SUCCESS, "WD_MultiTransferPrepare"))
		return;
	for (k = 0; k < 3; k++) {
		mixed(t, 0xabc0 + k);
		if (WD_MultiTransferRun(fd, &l, t) || t[1].data.dw != ~(0xabc0 + k) ||
		    t[2].data.dw != EDU_ID)
			good = false;
	}
	tap_ok(good, "WD_MultiTransferRun 3 times: each write seen by the next read");
	copy = l;
	tap_status(WD_MultiTransferFree(fd, &l), WD_STATUS_SUCCESS,
		   "WD_MultiTransferFree");
	tap_status(WD_MultiTransferRun(fd, &copy, t), WD_INVALID_HANDLE,
		   "a copy of the freed list: WD_INVALID_HANDLE");
	t[2].addr = 2;
	tap_status(WD_MultiTransferPrepare(fd, hcard, t, 5, &l),
		   WD_BAD_ALIGNMENT, "prepare of a misaligned command");
	tap_ok(strstr(WDC_GetLastErrStr(), "command 2 of 5") != NULL,
	       "... the message names it: %s", WDC_GetLastErrStr());
}

static void test_removed(WD_PCI_SLOT slot)
{
	struct udrv_xlist_prepare p;
	WD_TRANSFER t[2];
	char bdf[16], path[96];
	uint32_t done = 7;
	WDC_DEVICE_HANDLE dev;

	snprintf(bdf, sizeof(bdf), "%s", slot_str(slot));
	memset(t, 0, sizeof(t));
	t[0].cmd = RM_DWORD;
	t[1].cmd = WM_DWORD;
	t[1].addr = 4;
	prepare(hcard, t, 2, &p);
	tap_ok(sysfs_write("/sys/bus/pci/drivers/udrv/unbind", bdf) == 0,
	       "unbind %s with a list prepared", bdf);
	tap_errno(run(&p, t, 2, &done), EIO, "... the run fails");
	tap_ok(done == 0, "... and nothing ran (done %u)", done);
	tap_status(WD_MultiTransfer(fd, hcard, t, 2, &done), WD_DEVICE_REMOVED,
		   "WD_MultiTransfer: WD_DEVICE_REMOVED");
	tap_errno(xfree(&p), 0, "the list can still be freed");
	WD_CardUnregister(fd, hcard);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	sysfs_write(path, "udrv");
	tap_ok(sysfs_write("/sys/bus/pci/drivers_probe", bdf) == 0,
	       "bind %s again", bdf);
	dev = open_nth(EDU_VENDOR, EDU_DEVICE, 1);
	tap_ok(dev != NULL, "the rebound device opens");
	if (dev)
		WDC_PciDeviceClose(dev);
}

int main(void)
{
	WD_PCI_SLOT slots[2];

	tap_init("t_xlist");
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2) {
		tap_ok(false, "needs two bound edu devices");
		return tap_done();
	}
	if (!tap_status(WD_Open(&fd), WD_STATUS_SUCCESS, "open") ||
	    !tap_status(WD_CardRegister(fd, slots[1], 0, &hcard),
			WD_STATUS_SUCCESS, "register the second edu"))
		return tap_done();
	test_results();
	test_refused();
	test_unregister(slots[1]);
	test_kill(slots[1]);
	test_races(slots[1]);
	test_cache();
	test_explicit();
	test_removed(slots[1]);
	WD_Close(fd);
	WDC_DriverClose();
	return tap_done();
}
