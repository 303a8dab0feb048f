// SPDX-License-Identifier: MIT
/*
 * t_kp: the kernel side of the Kernel PlugIn through its raw ioctls
 * (UDRV_IOC_KP_OPEN/CALL/CLOSE), with the test KP t_kp_mod.ko
 * (tests/vm/kp) on edu devices:
 *  - open, messages (echo of the data, a register read, config access,
 *    the accessors' checks, WDC_GetDevContext), close;
 *  - each bad input with its own errno: unknown name ENOENT, a card this
 *    file did not register EBADF, data over the limits E2BIG, NULL data
 *    with a size EINVAL, a funcOpen that refuses ECONNREFUSED, call and
 *    close on a closed or another file's handle EBADF, a second KP of the
 *    same name refused at insmod with its kernel log line;
 *  - lifetimes: rmmod of the KP refused while a handle is open, rmmod
 *    udrv refused while the KP is loaded; funcClose runs exactly once at
 *    close, card unregister, SIGKILL of the owner and unbind of the
 *    device (a counter of the KP, read through another handle), after
 *    which calls get EIO; funcClose waits for the calls in progress on
 *    its handle (KP_CLOSE and unbind during a call); two threads' calls
 *    on one handle run concurrently (they meet inside the KP).
 * The KP is unloaded at the end, so that udrv.ko can be.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"
#include "kp/t_kp_msgs.h"

#define EDU_ID		0x010000ed
#define SYSFS_KPS	"/sys/bus/pci/drivers/udrv/kernel_plugins"

/* Each returns 0 or the errno of the ioctl. */
static int kp_open(int fd, uint32_t hcard, const char *name, const void *data,
		   uint32_t size, uint32_t *hkp)
{
	struct udrv_kp_open o;

	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.hcard = hcard;
	snprintf(o.name, sizeof(o.name), "%s", name);
	o.open_data = (uintptr_t)data;
	o.open_size = size;
	if (ioctl(fd, UDRV_IOC_KP_OPEN, &o))
		return errno;
	*hkp = o.hkp;
	return 0;
}

static int kp_call(int fd, uint32_t hkp, uint32_t msg, void *data,
		   uint32_t size, uint32_t *result)
{
	struct udrv_kp_call c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.hkp = hkp;
	c.message = msg;
	c.data = (uintptr_t)data;
	c.data_size = size;
	c.result = 0xdeadbeef;
	if (ioctl(fd, UDRV_IOC_KP_CALL, &c))
		return errno;
	if (result)
		*result = c.result;
	return 0;
}

static int kp_close(int fd, uint32_t hkp)
{
	struct udrv_kp_close c = { .size = sizeof(c), .hkp = hkp };

	return ioctl(fd, UDRV_IOC_KP_CLOSE, &c) ? errno : 0;
}

/* funcClose calls so far, read through handle hkp; -1 on error */
static long closes(int fd, uint32_t hkp)
{
	uint32_t r = 0;

	return kp_call(fd, hkp, T_KP_CLOSES, NULL, 0, &r) ? -1 : (long)r;
}

static bool errno_is(int got, int want, const char *what)
{
	return tap_ok(got == want, "%s: %s (got %s)", what, strerror(want),
		      got ? strerror(got) : "success");
}

static int sh(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : 255;
}

static bool file_has(const char *path, const char *needle)
{
	char buf[4096];
	size_t n;
	FILE *f = fopen(path, "r");

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, needle);
}

static bool dmesg_has(const char *needle)
{
	char line[512];
	bool found = false;
	FILE *p = popen("dmesg", "r");

	if (!p)
		return false;
	while (fgets(line, sizeof(line), p))
		if (strstr(line, needle))
			found = true;
	pclose(p);
	return found;
}

/* closes=N of the KP in sysfs; -1 if it is not listed */
static long sysfs_closes(void)
{
	char buf[4096], *p;
	size_t n;
	FILE *f = fopen(SYSFS_KPS, "r");

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strstr(buf, "closes=");
	return p ? strtol(p + 7, NULL, 10) : -1;
}

struct meet {
	int fd;
	uint32_t hkp;
	uint32_t result;
	int err;
};

static void *meet_thread(void *arg)
{
	struct meet *m = arg;

	m->err = kp_call(m->fd, m->hkp, T_KP_RENDEZVOUS, NULL, 0, &m->result);
	return NULL;
}

static void test_messages(int fd, uint32_t hkp)
{
	char echo[] = "abcdef";
	uint32_t r = 0, v = 0;
	uint16_t vid = 0;

	bool ok;

	/* Each call runs before its tap line: its values are printed */
	ok = !kp_call(fd, hkp, T_KP_ECHO, echo, 6, &r);
	tap_ok(ok && !memcmp(echo, "fedcba", 6) && r == 6,
	       "echo: the data came back reversed (%.6s, result %u)", echo, r);
	ok = !kp_call(fd, hkp, T_KP_READ_ID, &v, 4, &r);
	tap_ok(ok && !r && v == EDU_ID,
	       "the KP reads edu's ID register in ring 0 (0x%x, status %u)",
	       v, r);
	v = 0;
	ok = !kp_call(fd, hkp, T_KP_MULTI_ID, &v, 4, &r);
	tap_ok(ok && !r && v == EDU_ID, "WDC_MultiTransfer in the KP (0x%x, status %u)",
	       v, r);
	v = 0x12345678;
	ok = !kp_call(fd, hkp, T_KP_SCRATCH, &v, 4, &r);
	tap_ok(ok && !r && v == ~0x12345678u,
	       "a register write then read in the KP (0x%x, status %u)", v, r);
	tap_ok(!kp_call(fd, hkp, T_KP_CTX, NULL, 0, &r) && r == 1,
	       "WDC_GetDevContext gives funcOpen's drv_ctx");
	ok = !kp_call(fd, hkp, T_KP_BAD_READ, NULL, 0, &r);
	tap_ok(ok && r == WD_OUT_OF_RANGE,
	       "a read past the BAR is refused in the kernel too (status %u)",
	       r);
	ok = !kp_call(fd, hkp, T_KP_CFG_VID, &vid, 2, &r);
	tap_ok(ok && !r && vid == EDU_VENDOR, "config read in the KP (vendor 0x%x)", vid);
	ok = !kp_call(fd, hkp, T_KP_CFG_BAR_WRITE, NULL, 0, &r);
	tap_ok(ok && r == WD_ACCESS_DENIED,
	       "config write to a BAR register refused as in user mode (status %u)",
	       r);
	tap_ok(dmesg_has("udrv: kp t_kp: WDC_ReadAddr32: offset 0x100000"),
	       "the failed check is in the kernel log, naming the KP");
}

static void test_bad_input(int fd, uint32_t hcard, uint32_t hkp,
			   uint32_t foreign_card)
{
	static char big[UDRV_KP_MAX_CALL_DATA + 1];
	struct udrv_kp_call c;
	uint32_t h = 0;
	long before, after;
	int err;

	errno_is(kp_open(fd, hcard, "no_such_kp", NULL, 0, &h), ENOENT,
		 "open of an unknown KP");
	errno_is(kp_open(fd, 0xfff0, T_KP_NAME, NULL, 0, &h), EBADF,
		 "open on a card handle that does not exist");
	errno_is(kp_open(fd, foreign_card, T_KP_NAME, NULL, 0, &h), EBADF,
		 "open on another file's card");
	errno_is(kp_open(fd, hcard, "", NULL, 0, &h), EINVAL,
		 "open with an empty name");
	errno_is(kp_open(fd, hcard, T_KP_NAME, big,
			 UDRV_KP_MAX_OPEN_DATA + 1, &h), E2BIG,
		 "open data over the limit");
	errno_is(kp_open(fd, hcard, T_KP_NAME, NULL, 4, &h), EINVAL,
		 "open with NULL data and a size");
	before = closes(fd, hkp);
	errno_is(kp_open(fd, hcard, T_KP_NAME, "nope", 4, &h), ECONNREFUSED,
		 "funcOpen refuses");
	tap_ok(closes(fd, hkp) == before,
	       "no funcClose for a refused open (%ld)", before);
	errno_is(kp_call(fd, hkp, T_KP_ECHO, big, UDRV_KP_MAX_CALL_DATA + 1,
			 NULL), E2BIG, "call data over the limit");
	errno_is(kp_call(fd, hkp, T_KP_ECHO, NULL, 8, NULL), EINVAL,
		 "call with NULL data and a size");
	tap_ok(!kp_call(fd, hkp, T_KP_ECHO, big, UDRV_KP_MAX_CALL_DATA, NULL),
	       "call data at the limit");
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.hkp = hkp;
	c.pad = 1;
	errno_is(ioctl(fd, UDRV_IOC_KP_CALL, &c) ? errno : 0, EINVAL,
		 "call with non-zero padding");
	errno_is(kp_call(fd, 0, T_KP_ECHO, NULL, 0, NULL), EBADF,
		 "call on handle 0");
	/* A pointer with size 0 is fine: nothing is copied */
	tap_ok(!kp_open(fd, hcard, T_KP_NAME, big, 0, &h),
	       "open with a pointer and size 0");
	before = closes(fd, hkp);
	err = kp_close(fd, h);
	after = closes(fd, hkp);
	tap_ok(!err && after == before + 1,
	       "close: funcClose ran once (%ld -> %ld)", before, after);
	errno_is(kp_call(fd, h, T_KP_ECHO, NULL, 0, NULL), EBADF,
		 "call on a closed handle");
	errno_is(kp_close(fd, h), EBADF, "close of a closed handle");
	tap_ok(closes(fd, hkp) == before + 1,
	       "a second close ran no funcClose");
}

/* Another file's KP handle is not ours, whatever its number. */
static void test_foreign(int fd, uint32_t hkp, WD_PCI_SLOT slot)
{
	uint32_t hb = 0, hk1 = 0, hk2 = 0, other;
	int fdb = -1;

	if (WD_Open(&fdb) || WD_CardRegister(fdb, slot, WD_SHARED, &hb) ||
	    kp_open(fdb, hb, T_KP_NAME, NULL, 0, &hk1) ||
	    kp_open(fdb, hb, T_KP_NAME, NULL, 0, &hk2)) {
		tap_ok(false, "a second file opens the KP");
		return;
	}
	other = hk1 != hkp ? hk1 : hk2;
	errno_is(kp_call(fd, other, T_KP_ECHO, NULL, 0, NULL), EBADF,
		 "call on another file's handle");
	errno_is(kp_close(fd, other), EBADF, "close of another file's handle");
	tap_ok(!kp_call(fdb, other, T_KP_ECHO, NULL, 0, NULL),
	       "the other file's handle still works");
	WD_Close(fdb);
}

/* A child opens the KP on a file of its own and is killed. */
static void test_sigkill(int fd, uint32_t hkp, WD_PCI_SLOT slot)
{
	int ready[2];
	long before, after;
	char c = 0;
	pid_t pid;
	int st;

	if (pipe(ready))
		return;
	pid = fork();
	if (pid == 0) {
		uint32_t hc = 0, hk = 0;
		int cfd;

		close(ready[0]);
		if (WD_Open(&cfd) || WD_CardRegister(cfd, slot, WD_SHARED, &hc) ||
		    kp_open(cfd, hc, T_KP_NAME, NULL, 0, &hk))
			_exit(3);
		if (write(ready[1], "o", 1) != 1)
			_exit(4);
		for (;;)
			pause();
	}
	close(ready[1]);
	tap_ok(read(ready[0], &c, 1) == 1 && c == 'o',
	       "a child opened the KP");
	close(ready[0]);
	before = closes(fd, hkp);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	after = closes(fd, hkp);
	tap_ok(after == before + 1,
	       "SIGKILL of the child: funcClose ran (%ld -> %ld)", before,
	       after);
	tap_ok(file_has(SYSFS_KPS, "handles=1 "),
	       "sysfs: only our handle is open");
}

/* Unregistering the card closes its KP handles. */
static void test_unregister(int fd, uint32_t hkp, WD_PCI_SLOT slot)
{
	uint32_t hc = 0, hk = 0;
	long before, after;

	if (WD_CardRegister(fd, slot, 0, &hc) ||
	    kp_open(fd, hc, T_KP_NAME, NULL, 0, &hk)) {
		tap_ok(false, "open the KP on a second card");
		return;
	}
	before = closes(fd, hkp);
	tap_status(WD_CardUnregister(fd, hc), WD_STATUS_SUCCESS,
		   "unregister the card with a KP handle open");
	after = closes(fd, hkp);
	tap_ok(after == before + 1,
	       "card unregister: funcClose ran (%ld -> %ld)", before, after);
	errno_is(kp_call(fd, hk, T_KP_ECHO, NULL, 0, NULL), EBADF,
		 "call on a handle of the unregistered card");
}

/* Unbind (as hot-removal) with a handle open: closed, then EIO. */
static void test_unbind(int fd, uint32_t hkp, WD_PCI_SLOT slot)
{
	uint32_t hc = 0, hk = 0, v = 0;
	char bdf[16], path[96];
	long before, after;

	snprintf(bdf, sizeof(bdf), "%s", slot_str(slot));
	if (WD_CardRegister(fd, slot, 0, &hc) ||
	    kp_open(fd, hc, T_KP_NAME, NULL, 0, &hk) ||
	    kp_call(fd, hk, T_KP_READ_ID, &v, 4, NULL) || v != EDU_ID) {
		tap_ok(false, "open the KP on %s", bdf);
		return;
	}
	before = closes(fd, hkp);
	tap_ok(sysfs_write("/sys/bus/pci/drivers/udrv/unbind", bdf) == 0,
	       "unbind %s with a KP handle open", bdf);
	after = closes(fd, hkp);
	tap_ok(after == before + 1,
	       "unbind: funcClose ran (%ld -> %ld)", before, after);
	errno_is(kp_call(fd, hk, T_KP_READ_ID, &v, 4, NULL), EIO,
		 "call after the device went");
	tap_ok(!kp_close(fd, hk), "close after the device went succeeds");
	tap_ok(closes(fd, hkp) == before + 1, "and runs no second funcClose");
	errno_is(kp_close(fd, hk), EBADF, "then the handle is gone");
	tap_status(WD_CardUnregister(fd, hc), WD_STATUS_SUCCESS,
		   "unregister the removed card");
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override",
		 bdf);
	sysfs_write(path, "udrv");
	tap_ok(sysfs_write("/sys/bus/pci/drivers_probe", bdf) == 0,
	       "bind %s again", bdf);
}

struct spin {
	int fd;
	uint32_t hkp;
	uint32_t result;
	int err;
};

static void *spin_thread(void *arg)
{
	struct spin *sp = arg;
	uint32_t ms = 1500;

	sp->err = kp_call(sp->fd, sp->hkp, T_KP_SPIN, &ms, 4, &sp->result);
	return NULL;
}

/*
 * funcClose waits for the calls in progress on its handle: a thread's
 * call busy-waits in the KP while the handle is closed (KP_CLOSE, or an
 * unbind of the device); the KP counts a funcClose that finds a call of
 * its handle still running.
 */
static void test_close_waits(int fd, uint32_t hkp, WD_PCI_SLOT slot,
			     bool unbind)
{
	const char *how = unbind ? "unbind" : "KP_CLOSE";
	struct spin sp = { fd, 0, 0, -1 };
	uint32_t hc = 0, n = 0, bad = 1;
	char bdf[16], path[96];
	long before, after;
	pthread_t th;
	int i;

	snprintf(bdf, sizeof(bdf), "%s", slot_str(slot));
	if (WD_CardRegister(fd, slot, 0, &hc) ||
	    kp_open(fd, hc, T_KP_NAME, NULL, 0, &sp.hkp)) {
		tap_ok(false, "%s during a call: open the KP on %s", how, bdf);
		return;
	}
	before = closes(fd, hkp);
	pthread_create(&th, NULL, spin_thread, &sp);
	/* Until the call is inside the KP (bounded: ~5 s) */
	for (i = 0; i < 5000; i++) {
		if (!kp_call(fd, hkp, T_KP_SPINNING, NULL, 0, &n) && n)
			break;
		usleep(1000);
	}
	tap_ok(n == 1, "%s during a call: the call is running in the KP",
	       how);
	if (unbind)
		tap_ok(sysfs_write("/sys/bus/pci/drivers/udrv/unbind", bdf) == 0,
		       "%s during a call: unbind %s", how, bdf);
	else
		tap_ok(!kp_close(fd, sp.hkp), "%s during a call: close", how);
	pthread_join(th, NULL);
	after = closes(fd, hkp);
	kp_call(fd, hkp, T_KP_BAD_CLOSES, NULL, 0, &bad);
	tap_ok(!sp.err && sp.result == 1,
	       "%s during a call: the call completed", how);
	tap_ok(after == before + 1 && bad == 0,
	       "%s during a call: funcClose ran once (%ld -> %ld), after the call returned (%u overlapped)",
	       how, before, after, bad);
	if (unbind)
		kp_close(fd, sp.hkp);
	tap_status(WD_CardUnregister(fd, hc), WD_STATUS_SUCCESS,
		   "%s during a call: unregister the card", how);
	if (unbind) {
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/driver_override", bdf);
		sysfs_write(path, "udrv");
		tap_ok(sysfs_write("/sys/bus/pci/drivers_probe", bdf) == 0,
		       "bind %s again", bdf);
	}
}

static void test_concurrent(int fd, uint32_t hkp)
{
	struct meet m[2] = { { fd, hkp, 0, -1 }, { fd, hkp, 0, -1 } };
	pthread_t th[2];
	int i;

	for (i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, meet_thread, &m[i]);
	for (i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	tap_ok(!m[0].err && !m[1].err && m[0].result == 1 && m[1].result == 1,
	       "two threads' calls on one handle met inside the KP (%u, %u)",
	       m[0].result, m[1].result);
}

int main(void)
{
	WD_PCI_SLOT slots[2];
	uint32_t hcard = 0, hkp = 0;
	long before, after;
	int fd = -1, err;

	tap_init("t_kp");
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, slots, 2) < 2) {
		tap_ok(false, "needs two bound edu devices");
		return tap_done();
	}
	WDC_DriverClose();
	if (!tap_ok(sh("insmod /lib/udrv/t_kp_mod.ko") == 0,
		    "insmod t_kp_mod.ko"))
		return tap_done();
	tap_ok(file_has(SYSFS_KPS, "t_kp module=t_kp_mod version=1 handles=0"),
	       "sysfs lists the KP");
	tap_ok(sh("insmod /lib/udrv/t_kp_dup.ko 2>/dev/null") != 0,
	       "a second KP named t_kp fails to load");
	tap_ok(dmesg_has("udrv: Kernel PlugIn 't_kp' is already loaded (module t_kp_mod); not loading module t_kp_dup"),
	       "and the kernel log says why");
	tap_ok(sh("rmmod udrv 2>/dev/null") != 0 &&
	       access("/sys/module/udrv/holders/t_kp_mod", F_OK) == 0,
	       "rmmod udrv is refused while the KP is loaded (it holds udrv)");

	if (!tap_status(WD_Open(&fd), WD_STATUS_SUCCESS, "open") ||
	    !tap_status(WD_CardRegister(fd, slots[0], WD_SHARED, &hcard),
			WD_STATUS_SUCCESS, "register the first edu (shared)"))
		return tap_done();
	err = kp_open(fd, hcard, T_KP_NAME, "hello", 5, &hkp);
	if (!tap_ok(!err && hkp, "open the KP (handle %u)", hkp))
		return tap_done();
	tap_ok(sh("rmmod t_kp_mod 2>/dev/null") != 0,
	       "rmmod of the KP is refused while a handle is open");

	test_messages(fd, hkp);
	{
		/* A card registered by another file */
		uint32_t hb = 0;
		int fdb = -1;

		if (!WD_Open(&fdb) &&
		    !WD_CardRegister(fdb, slots[0], WD_SHARED, &hb))
			test_bad_input(fd, hcard, hkp, hb);
		else
			tap_ok(false, "a second file registers the edu");
		WD_Close(fdb);
	}
	test_foreign(fd, hkp, slots[0]);
	test_concurrent(fd, hkp);
	test_sigkill(fd, hkp, slots[0]);
	test_unregister(fd, hkp, slots[1]);
	test_unbind(fd, hkp, slots[1]);
	test_close_waits(fd, hkp, slots[1], false);
	test_close_waits(fd, hkp, slots[1], true);

	before = sysfs_closes();
	err = kp_close(fd, hkp);
	after = sysfs_closes();
	tap_ok(!err && after == before + 1,
	       "close the KP: funcClose ran (sysfs closes %ld -> %ld)", before,
	       after);
	tap_ok(file_has(SYSFS_KPS, "handles=0 "), "sysfs: no handle open");
	{
		/* Closing the file closes what is left */
		uint32_t h2 = 0;

		tap_ok(!kp_open(fd, hcard, T_KP_NAME, NULL, 0, &h2),
		       "open once more, then close the file");
		before = sysfs_closes();
		WD_Close(fd);
		after = sysfs_closes();
		tap_ok(file_has(SYSFS_KPS, "handles=0 ") &&
		       after == before + 1,
		       "closing the file closed the handle (closes %ld -> %ld)",
		       before, after);
	}
	tap_ok(sh("rmmod t_kp_mod") == 0, "rmmod of the KP once closed");
	tap_ok(!file_has(SYSFS_KPS, "t_kp"), "sysfs no longer lists it");
	return tap_done();
}
