// SPDX-License-Identifier: MIT
/*
 * Argument validation of the WD_ and WDC_ calls without a kernel: wrong
 * arguments fail with the right status and a message, before any ioctl.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tap.h"

#define FAKE_FD 1000	/* never opened: the ioctl hook answers */

static int ioctls;

static int count_ioctl(int fd, unsigned long req, void *arg)
{
	(void)fd, (void)req, (void)arg;
	ioctls++;
	errno = ENOTTY;
	return -1;
}

static void test_open(void)
{
	char dir[] = "/tmp/udrv-test-XXXXXX", path[64];
	int h = 5;

	is_status(WD_Open(NULL), WD_INVALID_PARAMETER, "WD_Open(NULL)");
	setenv("UDRV_DEVICE", "/nonexistent/udrv", 1);
	is_status(WD_Open(&h), WD_WINDRIVER_NOT_FOUND,
		  "WD_Open with a missing device node -> WD_WINDRIVER_NOT_FOUND");
	ok(h == -1, "... and hWD is -1");
	ok(err_has("/nonexistent/udrv") && err_has("udrv.ko"),
	   "... the message names the path and the agent");
	is_status(WDC_DriverOpen(), WD_WINDRIVER_NOT_FOUND,
		  "WDC_DriverOpen without the agent");
	ok(WDC_GetWDHandle() == -1, "WDC_GetWDHandle is -1 when not open");
	setenv("UDRV_DEVICE", "/dev/null", 1);
	is_status(WD_Open(&h), WD_INCORRECT_VERSION,
		  "WD_Open on a node that is not udrv -> WD_INCORRECT_VERSION");
	ok(err_has("not the udrv agent"), "... and says so");
	if (mkdtemp(dir)) {
		snprintf(path, sizeof(path), "%s/udrv", dir);
		close(open(path, O_CREAT | O_WRONLY, 0));
		setenv("UDRV_DEVICE", path, 1);
		if (geteuid() == 0) {
			/* root bypasses file permissions: a child drops them */
			pid_t pid;
			int st = 0;

			chmod(dir, 0755);
			pid = fork();
			if (pid == 0) {
				if (setgroups(0, NULL) || setgid(65534) ||
				    setuid(65534) || geteuid() == 0)
					_exit(10);
				_exit(WD_Open(&h) == WD_ACCESS_DENIED ? 0 : 11);
			}
			waitpid(pid, &st, 0);
			ok(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
			   "WD_Open without permission (as uid 65534) -> WD_ACCESS_DENIED (exit %d)",
			   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		} else {
			is_status(WD_Open(&h), WD_ACCESS_DENIED,
				  "WD_Open without permission -> WD_ACCESS_DENIED");
		}
		unlink(path);
		rmdir(dir);
	}
	unsetenv("UDRV_DEVICE");
}

static void test_bad_hwd(void)
{
	WD_PCI_SLOT slot = { 0, 0, 3, 0 };
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WD_PCI_ID any = { 0, 0 };
	WD_TRANSFER t = { .cmd = RM_DWORD };
	uint32_t v, found, h;
	uint8_t b[4];
	char text[8];

	is_status(WD_Version(-1, &v, text, sizeof(text)), WD_INVALID_HANDLE,
		  "WD_Version(hWD -1)");
	is_status(WD_PciScanCards(-1, any, NULL, NULL, 0, &found),
		  WD_INVALID_HANDLE, "WD_PciScanCards(hWD -1)");
	is_status(WD_PciGetCardInfo(-1, &info), WD_INVALID_HANDLE,
		  "WD_PciGetCardInfo(hWD -1)");
	is_status(WD_PciConfigDump(-1, slot, 0, b, 4, false),
		  WD_INVALID_HANDLE, "WD_PciConfigDump(hWD -1)");
	is_status(WD_CardRegister(-1, slot, 0, &h), WD_INVALID_HANDLE,
		  "WD_CardRegister(hWD -1)");
	is_status(WD_CardUnregister(-1, 1), WD_INVALID_HANDLE,
		  "WD_CardUnregister(hWD -1)");
	is_status(WD_CardCleanupSetup(-1, 1, NULL, 0, 0), WD_INVALID_HANDLE,
		  "WD_CardCleanupSetup(hWD -1)");
	is_status(WD_Transfer(-1, 1, &t), WD_INVALID_HANDLE,
		  "WD_Transfer(hWD -1)");
	is_status(WD_MultiTransfer(-1, 1, &t, 1, NULL), WD_INVALID_HANDLE,
		  "WD_MultiTransfer(hWD -1)");
	ok(err_has("-1"), "... the message shows the bad handle");
	{
		/* harmless: it closes no descriptor of the caller's */
		int pfd[2];

		if (pipe(pfd)) {
			ok(0, "pipe");
			return;
		}
		WD_Close(-1);
		ok(fcntl(pfd[0], F_GETFD) != -1 &&
		   fcntl(pfd[1], F_GETFD) != -1,
		   "WD_Close(-1) is harmless: the caller's descriptors stay open");
		close(pfd[0]);
		close(pfd[1]);
	}
}

static void test_bad_args(void)
{
	WD_PCI_SLOT slot = { 0, 0, 3, 0 }, bad_dev = { 0, 0, 32, 0 },
		    bad_fn = { 0, 0, 3, 8 };
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 32, 0 } };
	WD_PCI_ID any = { 0, 0 };
	WD_PCI_SLOT slots[2];
	WD_PCI_ID ids[2];
	WD_TRANSFER t, list[4], cl[UDRV_MAX_CLEANUP + 1];
	uint32_t v, found, h, done = 99;
	uint8_t b[8], buf[16];

	ioctls = 0;
	udrv_test_ioctl = count_ioctl;
	is_status(WD_Version(FAKE_FD, NULL, NULL, 0), WD_INVALID_PARAMETER,
		  "WD_Version(version NULL)");
	is_status(WD_Version(FAKE_FD, &v, NULL, 8), WD_INVALID_PARAMETER,
		  "WD_Version(text NULL, textlen 8)");
	is_status(WD_PciScanCards(FAKE_FD, any, slots, ids, 2, NULL),
		  WD_INVALID_PARAMETER, "WD_PciScanCards(found NULL)");
	is_status(WD_PciScanCards(FAKE_FD, any, NULL, ids, 2, &found),
		  WD_INVALID_PARAMETER, "WD_PciScanCards(slots NULL, max 2)");
	is_status(WD_PciScanCards(FAKE_FD, any, slots, NULL, 2, &found),
		  WD_INVALID_PARAMETER, "WD_PciScanCards(ids NULL, max 2)");
	is_status(WD_PciGetCardInfo(FAKE_FD, NULL), WD_INVALID_PARAMETER,
		  "WD_PciGetCardInfo(NULL)");
	is_status(WD_PciGetCardInfo(FAKE_FD, &info), WD_INVALID_PARAMETER,
		  "WD_PciGetCardInfo(device 0x20)");
	ok(err_has("0000:00:20.0"), "... the message shows the slot");
	is_status(WD_PciConfigDump(FAKE_FD, bad_fn, 0, b, 4, false),
		  WD_INVALID_PARAMETER, "WD_PciConfigDump(function 8)");
	is_status(WD_PciConfigDump(FAKE_FD, slot, 0, NULL, 4, false),
		  WD_INVALID_PARAMETER, "WD_PciConfigDump(buf NULL)");
	is_status(WD_PciConfigDump(FAKE_FD, slot, 0, b, 0, false),
		  WD_INVALID_PARAMETER, "WD_PciConfigDump(0 bytes)");
	is_status(WD_PciConfigDump(FAKE_FD, slot, 4096, b, 1, false),
		  WD_OUT_OF_RANGE, "WD_PciConfigDump(offset 4096)");
	is_status(WD_PciConfigDump(FAKE_FD, slot, 4000, b, 200, false),
		  WD_OUT_OF_RANGE, "WD_PciConfigDump(4000 + 200)");
	ok(err_has("0xfa0 + 200"), "... the message shows offset and size");
	is_status(WD_CardRegister(FAKE_FD, slot, 0, NULL), WD_INVALID_PARAMETER,
		  "WD_CardRegister(hCard NULL)");
	is_status(WD_CardRegister(FAKE_FD, bad_dev, 0, &h),
		  WD_INVALID_PARAMETER, "WD_CardRegister(device 32)");
	is_status(WD_CardRegister(FAKE_FD, slot, 0x80, &h),
		  WD_INVALID_PARAMETER, "WD_CardRegister(unknown option)");
	is_status(WD_CardUnregister(FAKE_FD, 0), WD_INVALID_HANDLE,
		  "WD_CardUnregister(hCard 0)");

	is_status(WD_Transfer(FAKE_FD, 1, NULL), WD_INVALID_PARAMETER,
		  "WD_Transfer(NULL)");
	is_status(WD_Transfer(FAKE_FD, 0, &t), WD_INVALID_HANDLE,
		  "WD_Transfer(hCard 0)");
	memset(&t, 0, sizeof(t));
	t.cmd = 0x200;
	is_status(WD_Transfer(FAKE_FD, 1, &t), WD_INVALID_PARAMETER,
		  "WD_Transfer(unknown command)");
	t.cmd = 0x002;
	is_status(WD_Transfer(FAKE_FD, 1, &t), WD_INVALID_PARAMETER,
		  "WD_Transfer(command without the transfer bit)");
	t.cmd = RM_DWORD;
	t.bar = 6;
	is_status(WD_Transfer(FAKE_FD, 1, &t), WD_INVALID_PARAMETER,
		  "WD_Transfer(BAR 6)");
	ok(err_has("BAR6"), "... the message names the BAR");
	t.bar = 0;
	t.cmd = UDRV_PORT_(3, 0, 0);
	is_status(WD_Transfer(FAKE_FD, 1, &t), WD_INVALID_PARAMETER,
		  "WD_Transfer(64-bit port read)");
	t.cmd = RM_DWORD;
	t.addr = 2;
	is_status(WD_Transfer(FAKE_FD, 1, &t), WD_BAD_ALIGNMENT,
		  "WD_Transfer(32-bit at offset 2)");
	t.addr = 0;
	t.options = 0x10;
	is_status(WD_Transfer(FAKE_FD, 1, &t), WD_INVALID_PARAMETER,
		  "WD_Transfer(unknown option)");
	t.options = 0;
	t.cmd = RM_SDWORD;
	t.bytes = 6;
	t.data.buf = buf;
	is_status(WD_Transfer(FAKE_FD, 1, &t), WD_INVALID_PARAMETER,
		  "WD_Transfer(6 bytes of dwords)");
	ok(err_has("6 bytes") && err_has("4-byte"),
	   "... the message shows the numbers");
	t.bytes = 0;
	is_status(WD_Transfer(FAKE_FD, 1, &t), WD_INVALID_PARAMETER,
		  "WD_Transfer(block of 0 bytes)");
	t.bytes = 8;
	t.data.buf = NULL;
	is_status(WD_Transfer(FAKE_FD, 1, &t), WD_INVALID_PARAMETER,
		  "WD_Transfer(string, buf NULL)");

	is_status(WD_MultiTransfer(FAKE_FD, 1, NULL, 3, &done),
		  WD_INVALID_PARAMETER, "WD_MultiTransfer(NULL, 3)");
	ok(done == 0, "... done is 0");
	memset(list, 0, sizeof(list));
	list[0].cmd = RM_DWORD;
	list[1].cmd = CMD_NONE;
	list[2].cmd = RM_QWORD;
	list[2].addr = 4;
	list[3].cmd = RM_DWORD;
	is_status(WD_MultiTransfer(FAKE_FD, 1, list, 4, &done),
		  WD_BAD_ALIGNMENT, "WD_MultiTransfer(misaligned 3rd command)");
	ok(err_has("command 2"), "... the message names the command");

	memset(cl, 0, sizeof(cl));
	cl[0].cmd = WM_SDWORD;
	cl[0].bytes = 4;
	cl[0].data.buf = buf;
	is_status(WD_CardCleanupSetup(FAKE_FD, 1, cl, 1, 0),
		  WD_INVALID_PARAMETER, "WD_CardCleanupSetup(string command)");
	cl[0].cmd = WM_DWORD;
	is_status(WD_CardCleanupSetup(FAKE_FD, 1, cl, UDRV_MAX_CLEANUP + 1, 0),
		  WD_INSUFFICIENT_RESOURCES,
		  "WD_CardCleanupSetup(too many commands)");
	is_status(WD_CardCleanupSetup(FAKE_FD, 1, NULL, 1, 0),
		  WD_INVALID_PARAMETER, "WD_CardCleanupSetup(cmds NULL)");
	is_status(WD_CardCleanupSetup(FAKE_FD, 1, cl, 1, 0x10),
		  WD_INVALID_PARAMETER, "WD_CardCleanupSetup(unknown option)");
	ok(ioctls == 0, "no argument error reached the agent (%d ioctls)",
	   ioctls);
	udrv_test_ioctl = NULL;
}

/* Nothing is left unimplemented: the debug calls reach the agent. */
static void test_not_implemented(void)
{
	ioctls = 0;
	udrv_test_ioctl = count_ioctl;
	is_status(WD_DebugSet(FAKE_FD, D_TRACE, S_ALL), WD_NOT_IMPLEMENTED,
		  "WD_DebugSet on an agent without it (ENOTTY)");
	ok(ioctls == 1 && err_has("WD_DebugSet") && err_has("ENOTTY"),
	   "... asked the agent, whose answer it names");
	udrv_test_ioctl = NULL;
}

static void test_event_args(void)
{
	WDC_DEVICE_HANDLE dev;
	uint32_t h = 7, a = 7;
	uint8_t bar[64];

	ioctls = 0;
	udrv_test_ioctl = count_ioctl;
	is_status(WD_EventRegister(FAKE_FD, 0, 0, &h), WD_INVALID_PARAMETER,
		  "WD_EventRegister(no action)");
	ok(err_has("give WD_INSERT, WD_REMOVE or both") && h == 0,
	   "... says what to give, and clears *hEvent");
	is_status(WD_EventRegister(FAKE_FD, 0, 4, &h), WD_INVALID_PARAMETER,
		  "WD_EventRegister(unknown action 4)");
	is_status(WD_EventRegister(FAKE_FD, 0, WD_INSERT, NULL),
		  WD_INVALID_PARAMETER, "WD_EventRegister(hEvent NULL)");
	is_status(WD_EventRegister(-1, 0, WD_INSERT, &h), WD_INVALID_HANDLE,
		  "WD_EventRegister(hWD -1)");
	is_status(WD_EventPull(FAKE_FD, 1, NULL, NULL, 0),
		  WD_INVALID_PARAMETER, "WD_EventPull(action NULL)");
	is_status(WD_EventPull(-1, 1, &a, NULL, 0), WD_INVALID_HANDLE,
		  "WD_EventPull(hWD -1)");
	is_status(WD_EventUnregister(-1, 1), WD_INVALID_HANDLE,
		  "WD_EventUnregister(hWD -1)");
	is_status(WDC_EventRegister(NULL, WD_INSERT, NULL, NULL),
		  WD_INVALID_HANDLE, "WDC_EventRegister(NULL device)");
	is_status(WDC_EventUnregister(NULL), WD_INVALID_HANDLE,
		  "WDC_EventUnregister(NULL device)");
	dev = udrv_test_fake_device(bar, sizeof(bar));
	is_status(WDC_EventRegister(dev, WD_INSERT, NULL, NULL),
		  WD_INVALID_PARAMETER, "WDC_EventRegister(handler NULL)");
	WDC_PciDeviceClose(dev);
	ok(ioctls == 0, "no argument error reached the agent (%d ioctls)",
	   ioctls);
	udrv_test_ioctl = NULL;
}

/* WD_IntEnable with `n` commands from `c`, through the counting hook. */
static uint32_t int_enable(WD_TRANSFER *c, uint32_t n, uint32_t options)
{
	WD_INTERRUPT in;

	memset(&in, 0, sizeof(in));
	in.cmds = c;
	in.num_cmds = n;
	in.options = options;
	return WD_IntEnable(FAKE_FD, 1, &in);
}

static void test_int_args(void)
{
	WD_TRANSFER c[UDRV_MAX_INT_CMDS + 1];
	WD_INTERRUPT in;
	uint8_t buf[8];
	int fd;

	ioctls = 0;
	udrv_test_ioctl = count_ioctl;
	memset(&in, 0, sizeof(in));
	is_status(WD_IntEnable(-1, 1, &in), WD_INVALID_HANDLE,
		  "WD_IntEnable(hWD -1)");
	is_status(WD_IntEnable(FAKE_FD, 0, &in), WD_INVALID_HANDLE,
		  "WD_IntEnable(hCard 0)");
	is_status(WD_IntEnable(FAKE_FD, 1, NULL), WD_INVALID_PARAMETER,
		  "WD_IntEnable(intr NULL)");
	ok(err_has("intr is NULL"), "... names the argument");
	is_status(int_enable(NULL, 0, 0x10), WD_INVALID_PARAMETER,
		  "WD_IntEnable(unknown option 0x10)");
	ok(err_has("0x10"), "... shows it");
	{
		WD_TRANSFER one[1];

		memset(one, 0, sizeof(one));
		one[0].cmd = RM_DWORD;
		in.hKernelPlugIn = 3;
		in.cmds = one;
		in.num_cmds = 1;
		is_status(WD_IntEnable(FAKE_FD, 1, &in), WD_INVALID_PARAMETER,
			  "WD_IntEnable(hKernelPlugIn 3 with a command)");
		ok(err_has("no transfer commands run"),
		   "... says a KP acknowledges the device itself");
		in.cmds = NULL;
		in.num_cmds = 0;
		in.kp_size = UDRV_KP_MAX_INT_DATA + 1;
		in.kp_data = one;
		is_status(WD_IntEnable(FAKE_FD, 1, &in), WD_INVALID_PARAMETER,
			  "WD_IntEnable(kp_size over the limit)");
		ok(err_has("over the limit of 4096"), "... names the limit");
		in.kp_data = NULL;
		in.kp_size = 8;
		is_status(WD_IntEnable(FAKE_FD, 1, &in), WD_INVALID_PARAMETER,
			  "WD_IntEnable(kp_data NULL, kp_size 8)");
		in.hKernelPlugIn = 0;
		in.kp_size = 0;
		in.kp_message = 5;
		is_status(WD_IntEnable(FAKE_FD, 1, &in), WD_INVALID_PARAMETER,
			  "WD_IntEnable(kp_message without hKernelPlugIn)");
		ok(err_has("hKernelPlugIn is 0"), "... says why");
		in.kp_message = 0;
	}
	is_status(int_enable(NULL, 2, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(2 commands, cmds NULL)");

	memset(c, 0, sizeof(c));
	is_status(int_enable(c, UDRV_MAX_INT_CMDS + 1, 0),
		  WD_INSUFFICIENT_RESOURCES, "WD_IntEnable(17 commands)");
	ok(err_has("17 interrupt commands, at most 16"), "... says the limit");
	c[0].cmd = CMD_MASK;
	c[0].data.dw = 1;
	is_status(int_enable(c, 1, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(CMD_MASK first)");
	ok(err_has("command 0: CMD_MASK must follow a read command"),
	   "... explains");
	c[0].cmd = WM_DWORD;
	c[1].cmd = CMD_MASK;
	c[1].data.dw = 1;
	is_status(int_enable(c, 2, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(CMD_MASK after a write)");
	ok(err_has("command 1"), "... names the command");
	c[0].cmd = RM_DWORD;
	c[1].data.dw = 0;
	is_status(int_enable(c, 2, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(CMD_MASK with mask 0)");
	c[1].data.dw = 1;
	c[1].options = WD_NO_AUTOINC;
	is_status(int_enable(c, 2, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(CMD_MASK with options)");
	c[1].options = 0;
	c[2].cmd = RM_SDWORD;
	c[2].bytes = 8;
	c[2].data.buf = buf;
	is_status(int_enable(c, 3, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(string command in the list)");
	ok(err_has("command 2") && err_has("string"), "... says so");
	memset(&c[2], 0, sizeof(c[2]));
	c[2].cmd = WM_DWORD;
	c[2].addr = 0x66;
	is_status(int_enable(c, 3, 0), WD_BAD_ALIGNMENT,
		  "WD_IntEnable(misaligned acknowledge)");
	c[2].addr = 0x64;
	c[2].bar = 6;
	is_status(int_enable(c, 3, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(BAR 6)");
	c[2].bar = 0;
	c[2].cmd = 0x300;
	is_status(int_enable(c, 3, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(unknown command)");
	c[2].cmd = WM_DWORD;
	c[2].options = WD_INT_ACCUMULATE;
	is_status(int_enable(c, 3, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(WD_INT_ACCUMULATE on a write)");
	ok(err_has("command 2") && err_has("read commands only"),
	   "... says it is for reads");
	c[2].options = 0;
	c[1].options = WD_INT_ACCUMULATE;
	is_status(int_enable(c, 3, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(CMD_MASK with WD_INT_ACCUMULATE)");
	c[1].options = 0;
	c[0].options = WD_INT_ACCUMULATE | 0x10;
	is_status(int_enable(c, 3, 0), WD_INVALID_PARAMETER,
		  "WD_IntEnable(accumulating read with an unknown option)");
	c[0].options = 0;
	ok(ioctls == 0, "no invalid interrupt list reached the agent (%d ioctls)",
	   ioctls);
	c[3].cmd = CMD_NONE;
	c[4].cmd = RP_BYTE;
	c[4].bar = 2;
	c[4].options = WD_INT_ACCUMULATE;
	c[5].cmd = CMD_MASK;
	c[5].data.b = 0x80;
	c[6].cmd = CMD_MASK;	/* masks the same value again */
	c[6].data.b = 0x01;
	is_status(int_enable(c, 7, INTERRUPT_MESSAGE | INTERRUPT_CMD_COPY),
		  WD_NOT_IMPLEMENTED,
		  "a valid list {RM, MASK, WM, NONE, RP (accumulating), MASK, MASK} reaches the agent");
	ok(ioctls == 1, "... one ioctl (the hook answers ENOTTY)");

	ioctls = 0;
	memset(&in, 0, sizeof(in));
	is_status(WD_IntWait(-1, &in, 0), WD_INVALID_HANDLE,
		  "WD_IntWait(hWD -1)");
	is_status(WD_IntWait(FAKE_FD, NULL, 0), WD_INVALID_PARAMETER,
		  "WD_IntWait(intr NULL)");
	is_status(WD_IntWait(FAKE_FD, &in, 0), WD_INTERRUPT_NOT_ENABLED,
		  "WD_IntWait(hInterrupt 0)");
	ok(err_has("WD_IntEnable first"), "... says to enable first");
	is_status(WD_IntCount(-1, &in), WD_INVALID_HANDLE,
		  "WD_IntCount(hWD -1)");
	is_status(WD_IntCount(FAKE_FD, NULL), WD_INVALID_PARAMETER,
		  "WD_IntCount(intr NULL)");
	is_status(WD_IntCount(FAKE_FD, &in), WD_INTERRUPT_NOT_ENABLED,
		  "WD_IntCount(hInterrupt 0)");
	is_status(WD_IntDisable(-1, &in), WD_INVALID_HANDLE,
		  "WD_IntDisable(hWD -1)");
	is_status(WD_IntDisable(FAKE_FD, NULL), WD_INVALID_PARAMETER,
		  "WD_IntDisable(intr NULL)");
	is_status(WD_IntDisable(FAKE_FD, &in), WD_INTERRUPT_NOT_ENABLED,
		  "WD_IntDisable(hInterrupt 0)");
	errno = 0;
	fd = WD_IntFd(-1, &in);
	ok(fd == -1 && errno == EBADF, "WD_IntFd(hWD -1) -> -1, EBADF");
	fd = WD_IntFd(FAKE_FD, NULL);
	ok(fd == -1 && errno == EINVAL, "WD_IntFd(intr NULL) -> -1, EINVAL");
	fd = WD_IntFd(FAKE_FD, &in);
	ok(fd == -1 && errno == ENOTCONN && err_has("WD_IntFd"),
	   "WD_IntFd(hInterrupt 0) -> -1, ENOTCONN, with a message");
	ok(ioctls == 0, "no argument error reached the agent (%d ioctls)",
	   ioctls);
	udrv_test_ioctl = NULL;
}

static int handler_calls;

static void handler(void *ctx)
{
	(void)ctx;
	handler_calls++;
}

static void test_wdc_int_args(void)
{
	uint32_t bar0[64];
	WDC_DEVICE_HANDLE dev = udrv_test_fake_device(bar0, sizeof(bar0));
	WD_INTERRUPT st;

	is_status(WDC_IntEnable(NULL, NULL, 0, 0, handler, NULL, false),
		  WD_INVALID_HANDLE, "WDC_IntEnable(NULL device)");
	is_status(WDC_IntEnable(dev, NULL, 0, 0, NULL, NULL, false),
		  WD_INVALID_PARAMETER, "WDC_IntEnable(handler NULL)");
	ok(err_has("handler is NULL"), "... says so");
	is_status(WDC_IntEnable(dev, NULL, 0, 0, handler, NULL, true),
		  WD_KERPLUG_FAILURE, "WDC_IntEnable(useKP) with no KP open");
	ok(err_has("no Kernel PlugIn open"),
	   "... says WDC_KernelPlugInOpen comes first");
	is_status(WDC_IntEnable(dev, NULL, 0, 0, handler, NULL, false),
		  WD_INVALID_HANDLE, "WDC_IntEnable on a device without an agent");
	ok(err_has("WDC_IntEnable: fake"), "... the message names the device");
	ok(!WDC_IntIsEnabled(dev) && !WDC_IntIsEnabled(NULL),
	   "WDC_IntIsEnabled: false (and false for NULL)");
	is_status(WDC_IntDisable(NULL), WD_INVALID_HANDLE,
		  "WDC_IntDisable(NULL device)");
	is_status(WDC_IntDisable(dev), WD_INTERRUPT_NOT_ENABLED,
		  "WDC_IntDisable when not enabled");
	ok(err_has("not enabled on fake"), "... says so");
	is_status(WDC_IntGetStatus(NULL, &st), WD_INVALID_HANDLE,
		  "WDC_IntGetStatus(NULL device)");
	is_status(WDC_IntGetStatus(dev, NULL), WD_INVALID_PARAMETER,
		  "WDC_IntGetStatus(out NULL)");
	is_status(WDC_IntGetStatus(dev, &st), WD_INTERRUPT_NOT_ENABLED,
		  "WDC_IntGetStatus before any WDC_IntEnable");
	ok(handler_calls == 0, "the handler was never called");
	is_status(WDC_PciDeviceClose(dev), WD_STATUS_SUCCESS,
		  "WDC_PciDeviceClose of that device");
}

static void test_wdc_args(void)
{
	WDC_PCI_SCAN_RESULT *res = malloc(sizeof(*res));
	WD_PCI_CARD_INFO info = { 0 };
	WDC_DEVICE_HANDLE dev = (WDC_DEVICE_HANDLE)1;
	WD_PCI_SLOT slot = { 0 };
	uint64_t size;
	uint32_t v;
	uint8_t b[4];

	is_status(WDC_PciScanDevices(0, 0, res), WD_INVALID_HANDLE,
		  "WDC_PciScanDevices before WDC_DriverOpen");
	ok(err_has("WDC_DriverOpen"), "... says to call WDC_DriverOpen");
	is_status(WDC_PciScanDevices(0, 0, NULL), WD_INVALID_PARAMETER,
		  "WDC_PciScanDevices(NULL)");
	is_status(WDC_PciGetDeviceInfo(&info), WD_INVALID_HANDLE,
		  "WDC_PciGetDeviceInfo before WDC_DriverOpen");
	is_status(WDC_PciReadCfgBySlot(slot, 0, b, 4), WD_INVALID_HANDLE,
		  "WDC_PciReadCfgBySlot before WDC_DriverOpen");
	is_status(WDC_DriverClose(), WD_OPERATION_ALREADY_DONE,
		  "WDC_DriverClose without WDC_DriverOpen");
	is_status(WDC_PciDeviceOpen(NULL, &info, NULL), WD_INVALID_PARAMETER,
		  "WDC_PciDeviceOpen(dev NULL)");
	is_status(WDC_PciDeviceOpen(&dev, NULL, NULL), WD_INVALID_PARAMETER,
		  "WDC_PciDeviceOpen(info NULL)");
	ok(dev == NULL, "... and clears *dev");
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_INVALID_HANDLE,
		  "WDC_PciDeviceOpen before WDC_DriverOpen");
	is_status(WDC_PciDeviceClose(NULL), WD_INVALID_HANDLE,
		  "WDC_PciDeviceClose(NULL)");
	is_status(WDC_ReadAddr32(NULL, 0, 0, &v), WD_INVALID_HANDLE,
		  "WDC_ReadAddr32(NULL device)");
	is_status(WDC_WriteAddr8(NULL, 0, 0, 1), WD_INVALID_HANDLE,
		  "WDC_WriteAddr8(NULL device)");
	is_status(WDC_ReadAddrBlock(NULL, 0, 0, 4, b, 4, 0), WD_INVALID_HANDLE,
		  "WDC_ReadAddrBlock(NULL device)");
	is_status(WDC_MultiTransfer(NULL, NULL, 0), WD_INVALID_HANDLE,
		  "WDC_MultiTransfer(NULL device)");
	is_status(WDC_PciReadCfg32(NULL, 0, &v), WD_INVALID_HANDLE,
		  "WDC_PciReadCfg32(NULL device)");
	is_status(WDC_PciWriteCfg(NULL, 0, b, 4), WD_INVALID_HANDLE,
		  "WDC_PciWriteCfg(NULL device)");
	is_status(WDC_CardCleanupSetup(NULL, NULL, 0, 0), WD_INVALID_HANDLE,
		  "WDC_CardCleanupSetup(NULL device)");
	is_status(WDC_GetAddrSpaceSize(NULL, 0, &size), WD_INVALID_HANDLE,
		  "WDC_GetAddrSpaceSize(NULL device)");
	ok(!WDC_AddrSpaceIsActive(NULL, 0) && !WDC_GetBarPointer(NULL, 0) &&
	   !WDC_GetDevContext(NULL) && !WDC_GetCardHandle(NULL),
	   "getters on a NULL device return nothing");
	free(res);
}

int main(void)
{
	test_open();
	test_bad_hwd();
	test_bad_args();
	test_not_implemented();
	test_event_args();
	test_int_args();
	test_wdc_int_args();
	test_wdc_args();
	return tap_done();
}
