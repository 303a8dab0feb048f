// SPDX-License-Identifier: MIT
/*
 * The Kernel PlugIn calls without a kernel: argument checks before any
 * ioctl, the agent's errnos turned into statuses and messages, and a KP
 * run in user mode (tests/unit/kp/t_ukp.c, built by kp.mk) against a fake
 * device: open data and messages copied both ways, the accessors through
 * the device's mapping, funcClose, the environment switch, the refusals;
 * under the sanitizers, a KP that writes past its message is caught.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define FAKE_FD 1000

enum { MSG_READ = 1, MSG_REVERSE, MSG_OVERRUN, MSG_CTX, MSG_BAD_READ,
	MSG_DEBUG };

static int ioctls, answer;

static int hook(int fd, unsigned long req, void *arg)
{
	(void)fd, (void)req, (void)arg;
	ioctls++;
	errno = answer;
	return -1;
}

static void test_wd_args(void)
{
	static char big[UDRV_KP_MAX_CALL_DATA + 1];
	char long_name[UDRV_KP_NAME_LEN + 1];
	WD_KERNEL_PLUGIN_CALL c;
	uint32_t h = 7;

	memset(long_name, 'k', UDRV_KP_NAME_LEN);
	long_name[UDRV_KP_NAME_LEN] = 0;

	ioctls = 0;
	answer = ENOTTY;
	udrv_test_ioctl = hook;
	is_status(WD_KernelPlugInOpen(-1, 1, "kp", NULL, 0, &h),
		  WD_INVALID_HANDLE, "WD_KernelPlugInOpen(hWD -1)");
	is_status(WD_KernelPlugInOpen(FAKE_FD, 0, "kp", NULL, 0, &h),
		  WD_INVALID_HANDLE, "WD_KernelPlugInOpen(hCard 0)");
	is_status(WD_KernelPlugInOpen(FAKE_FD, 1, NULL, NULL, 0, &h),
		  WD_INVALID_PARAMETER, "WD_KernelPlugInOpen(name NULL)");
	is_status(WD_KernelPlugInOpen(FAKE_FD, 1, "", NULL, 0, &h),
		  WD_INVALID_PARAMETER, "WD_KernelPlugInOpen(name empty)");
	is_status(WD_KernelPlugInOpen(FAKE_FD, 1, long_name, NULL, 0, &h),
		  WD_INVALID_PARAMETER, "WD_KernelPlugInOpen(name of 32 characters)");
	is_status(WD_KernelPlugInOpen(FAKE_FD, 1, "kp", NULL, 4, &h),
		  WD_INVALID_PARAMETER, "WD_KernelPlugInOpen(open_data NULL, size 4)");
	ok(err_has("open_data is NULL but its size is 4"), "... says so");
	is_status(WD_KernelPlugInOpen(FAKE_FD, 1, "kp", big,
				      UDRV_KP_MAX_OPEN_DATA + 1, &h),
		  WD_INVALID_PARAMETER, "WD_KernelPlugInOpen(4097 bytes of open data)");
	ok(err_has("over the limit of 4096"), "... names the limit");
	memset(&c, 0, sizeof(c));
	is_status(WD_KernelPlugInCall(FAKE_FD, NULL), WD_INVALID_PARAMETER,
		  "WD_KernelPlugInCall(NULL)");
	is_status(WD_KernelPlugInCall(FAKE_FD, &c), WD_INVALID_HANDLE,
		  "WD_KernelPlugInCall(hKernelPlugIn 0)");
	c.hKernelPlugIn = 1;
	c.size = 8;
	is_status(WD_KernelPlugInCall(FAKE_FD, &c), WD_INVALID_PARAMETER,
		  "WD_KernelPlugInCall(data NULL, size 8)");
	c.data = big;
	c.size = sizeof(big);
	is_status(WD_KernelPlugInCall(FAKE_FD, &c), WD_INVALID_PARAMETER,
		  "WD_KernelPlugInCall(65537 bytes)");
	is_status(WD_KernelPlugInClose(FAKE_FD, 0), WD_INVALID_HANDLE,
		  "WD_KernelPlugInClose(0)");
	ok(ioctls == 0, "no argument error reached the agent (%d ioctls)",
	   ioctls);

	answer = ENOENT;
	is_status(WD_KernelPlugInOpen(FAKE_FD, 1, "nokp", NULL, 0, &h),
		  WD_KERPLUG_FAILURE, "an unknown KP: WD_KERPLUG_FAILURE");
	ok(err_has("'nokp' is not loaded"), "... names it, says \"not loaded\"");
	ok(h == 0, "... and *hKernelPlugIn is 0");
	answer = ECONNREFUSED;
	is_status(WD_KernelPlugInOpen(FAKE_FD, 1, "kp", NULL, 0, &h),
		  WD_KERPLUG_FAILURE, "funcOpen refused: WD_KERPLUG_FAILURE");
	ok(err_has("funcOpen of Kernel PlugIn 'kp' refused"), "... says so");
	answer = EBADF;
	c.size = 8;
	is_status(WD_KernelPlugInCall(FAKE_FD, &c), WD_INVALID_HANDLE,
		  "a call on a closed handle: WD_INVALID_HANDLE");
	answer = EIO;
	is_status(WD_KernelPlugInCall(FAKE_FD, &c), WD_DEVICE_REMOVED,
		  "a call after removal: WD_DEVICE_REMOVED");
	ok(ioctls == 4, "one ioctl each (%d)", ioctls);
	udrv_test_ioctl = NULL;
}

static const char *so_path(void)
{
	const char *dir = getenv("UDRV_TEST_KP_DIR");
	static char p[512];

#ifdef __SANITIZE_ADDRESS__
	snprintf(p, sizeof(p), "%s/t_ukp_san.so", dir ? dir : "build/tests/kp");
#else
	snprintf(p, sizeof(p), "%s/t_ukp.so", dir ? dir : "build/tests/kp");
#endif
	return p;
}

static void test_user_mode(void)
{
	static uint32_t bar0[64];
	WDC_DEVICE_HANDLE dev = udrv_test_fake_device(bar0, sizeof(bar0));
	uint32_t word = 42, no = 0, res = 0, w[2];
	char msg[5] = "abcde";
	char env[600];

	bar0[3] = 0x1234abcd;
	is_status(WDC_KernelPlugInUseUserMode("t_ukp", so_path()),
		  WD_STATUS_SUCCESS, "WDC_KernelPlugInUseUserMode(t_ukp)");
	is_status(WDC_KernelPlugInOpen(dev, "t_ukp", &no, sizeof(no)),
		  WD_KERPLUG_FAILURE, "a funcOpen that refuses");
	ok(err_has("refused to open"), "... says so");
	is_status(WDC_KernelPlugInOpen(dev, "t_ukp", &word, sizeof(word)),
		  WD_STATUS_SUCCESS, "open in user mode (funcOpen saw no context yet)");
	is_status(WDC_KernelPlugInOpen(dev, "t_ukp", &word, sizeof(word)),
		  WD_OPERATION_ALREADY_DONE, "a second open on the same handle");
	w[0] = 12;
	if (is_status(WDC_CallKerPlug(dev, MSG_READ, w, 4, &res),
		      WD_STATUS_SUCCESS, "a register read in the KP"))
		ok(!res && w[0] == 0x1234abcd,
		   "... through the device's mapping (0x%x, status %u)", w[0],
		   res);
	if (is_status(WDC_CallKerPlug(dev, MSG_REVERSE, msg, 5, &res),
		      WD_STATUS_SUCCESS, "a message"))
		ok(!memcmp(msg, "edcba", 5) && res == 42,
		   "... copied in and back (%.5s), result %u from the open data",
		   msg, res);
	is_status(WDC_CallKerPlug(dev, MSG_CTX, NULL, 0, &res),
		  WD_STATUS_SUCCESS, "a message without data");
	ok(res == 1, "... WDC_GetDevContext in the KP is its drv_ctx");
	w[0] = 0;
	WDC_CallKerPlug(dev, MSG_BAD_READ, w, 4, &res);
	ok(res == WD_OUT_OF_RANGE && err_has("is beyond BAR0"),
	   "the KP's accessor refuses beyond the BAR, as in user mode (%u)",
	   res);
	/* Not the 0 it passed: the library's own handle, not open here */
	WDC_CallKerPlug(dev, MSG_DEBUG, NULL, 0, &res);
	ok(res == WD_INVALID_HANDLE &&
	   err_has("WD_DebugAdd: invalid udrv handle -1"),
	   "the KP's WD_DebugAdd goes to libudrv on the library's handle (%u)",
	   res);
	is_status(WDC_CallKerPlug(dev, 9, NULL, 0, &res), WD_STATUS_SUCCESS,
		  "an unknown message");
	ok(res == 0xdead, "... the KP's answer (0x%x)", res);
	is_status(WDC_KernelPlugInClose(dev), WD_STATUS_SUCCESS, "close");
	ok(bar0[4] == 0xc105ed, "... funcClose ran");
	is_status(WDC_CallKerPlug(dev, MSG_CTX, NULL, 0, &res),
		  WD_INVALID_HANDLE, "a call after close");

	/* The environment: the same open, no code change. */
	WDC_KernelPlugInUseUserMode("t_ukp", "/nonexistent/t_ukp.so");
	is_status(WDC_KernelPlugInOpen(dev, "t_ukp", &word, sizeof(word)),
		  WD_KERPLUG_FAILURE, "a missing .so");
	ok(err_has("/nonexistent/t_ukp.so"), "... names it");
	WDC_KernelPlugInUseUserMode("other", so_path());
	is_status(WDC_KernelPlugInOpen(dev, "other", &word, sizeof(word)),
		  WD_KERPLUG_FAILURE, "a .so whose KP has another name");
	ok(err_has("KP_INIT.name is 't_ukp'"), "... says which");
	snprintf(env, sizeof(env), "x=y,t_env=%s", so_path());
	setenv("UDRV_KP_USER", env, 1);
	is_status(WDC_KernelPlugInOpen(dev, "t_env", &word, sizeof(word)),
		  WD_KERPLUG_FAILURE, "UDRV_KP_USER is read (t_env=.so, named t_ukp)");
	ok(err_has("KP_INIT.name is 't_ukp'"), "... the .so was loaded");
	bar0[4] = 0;
	WDC_PciDeviceClose(dev);
	unsetenv("UDRV_KP_USER");
}

/* An agent whose interrupt reports, at once, that the device went. */
static int removed_hook(int fd, unsigned long req, void *arg)
{
	(void)fd;
	if (req == UDRV_IOC_INT_FD) {	/* no status descriptor: WD_IntWait */
		errno = EINVAL;
		return -1;
	}
	if (req == UDRV_IOC_INT_WAIT)
		((struct udrv_int_wait *)arg)->stopped = UDRV_STOP_REMOVED;
	return 0;
}

static void noop(void *ctx)
{
	(void)ctx;
}

/*
 * In user mode the library hears of a removal through the KP's interrupt:
 * funcEvent(WD_REMOVE) on the interrupt thread, then funcIntDisable, then
 * funcClose, as the agent does in the kernel.
 */
static void test_user_removed(void)
{
	static uint32_t bar0[64];
	WDC_DEVICE_HANDLE dev = udrv_test_fake_device(bar0, sizeof(bar0));
	uint32_t word = 1;
	int i;

	dev->hwd = FAKE_FD;	/* the interrupt calls reach removed_hook */
	dev->hcard = 7;
	udrv_test_ioctl = removed_hook;
	WDC_KernelPlugInUseUserMode("t_ukp", so_path());
	is_status(WDC_KernelPlugInOpen(dev, "t_ukp", &word, sizeof(word)),
		  WD_STATUS_SUCCESS, "removal: a user-mode KP open");
	is_status(WDC_IntEnable(dev, NULL, 0, INTERRUPT_MESSAGE, noop, NULL,
				true),
		  WD_STATUS_SUCCESS, "removal: its interrupt enabled (useKP)");
	/* The thread ends by itself; bounded, so that a hang fails */
	for (i = 0; i < 5000 && WDC_IntIsEnabled(dev) && !bar0[6]; i++)
		usleep(1000);
	WDC_IntDisable(dev);
	WDC_KernelPlugInClose(dev);
	ok(bar0[5] == WD_REMOVE && bar0[6] && bar0[6] < bar0[7] &&
	   bar0[7] < bar0[8],
	   "removal: funcEvent(WD_REMOVE) at %u, funcIntDisable at %u, funcClose at %u",
	   bar0[6], bar0[7], bar0[8]);
	udrv_test_ioctl = NULL;
	dev->hwd = -1;
	WDC_PciDeviceClose(dev);
}

/* A KP bug caught in user mode: one byte written past the message. */
static void test_overrun(void)
{
#ifdef __SANITIZE_ADDRESS__
	char log[] = "/tmp/test_kp_asan.XXXXXX", text[4096] = "";
	int status = 0, fd = mkstemp(log);
	pid_t pid = fork();

	if (pid == 0) {
		static uint32_t bar0[64];
		WDC_DEVICE_HANDLE dev = udrv_test_fake_device(bar0, sizeof(bar0));
		uint32_t word = 1, res;
		char msg[16];

		WDC_KernelPlugInUseUserMode("t_ukp", so_path());
		if (WDC_KernelPlugInOpen(dev, "t_ukp", &word, sizeof(word)))
			_exit(3);
		dup2(fd, 2);	/* the report, out of the TAP stream */
		WDC_CallKerPlug(dev, MSG_OVERRUN, msg, sizeof(msg), &res);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	if (lseek(fd, 0, SEEK_SET) || read(fd, text, sizeof(text) - 1) < 0)
		text[0] = 0;
	close(fd);
	unlink(log);
	ok(WIFEXITED(status) && WEXITSTATUS(status) != 0 &&
	   WEXITSTATUS(status) != 3 && strstr(text, "heap-buffer-overflow"),
	   "AddressSanitizer stops a KP writing past its message (exit %d, a heap-buffer-overflow report)",
	   WIFEXITED(status) ? WEXITSTATUS(status) : -1);
#else
	skip("needs the sanitizer build (tests/san)",
	     "AddressSanitizer stops a KP writing past its message");
#endif
}

int main(void)
{
	test_wd_args();
	test_user_mode();
	test_user_removed();
	test_overrun();
	return tap_done();
}
