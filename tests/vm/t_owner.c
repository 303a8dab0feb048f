// SPDX-License-Identifier: MIT
/*
 * t_owner: ownership of a card across processes, release on SIGKILL, and
 * the cleanup commands that leave the hardware in a known state.  The
 * cleanup commands write edu's liveness register, whose read-back (~value)
 * shows afterwards whether, and which, cleanup ran.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"

#define EDU_LIVE 0x04

static WD_PCI_SLOT slot;

enum how { BY_KILL, BY_UNREGISTER, BY_EXIT };

/*
 * A child registers the card (exclusively), maps BAR0, installs a cleanup
 * command writing `cleanup_val` (with `opts`), writes `own_val` through the
 * mapping and then goes away `how`.  Returns the child's exit status.
 */
static int child_session(uint32_t cleanup_val, uint32_t opts, uint32_t own_val,
			 enum how how)
{
	int pfd[2], st;
	char c = 0;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		WD_TRANSFER cmd;
		uint32_t h;
		int fd;
		volatile uint32_t *bar;

		close(pfd[0]);
		if (WD_Open(&fd) || WD_CardRegister(fd, slot, 0, &h))
			_exit(2);
		bar = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			   UDRV_MMAP_OFFSET(h, 0));
		if (bar == MAP_FAILED)
			_exit(3);
		memset(&cmd, 0, sizeof(cmd));
		cmd.cmd = WM_DWORD;
		cmd.addr = EDU_LIVE;
		cmd.data.dw = cleanup_val;
		if (WD_CardCleanupSetup(fd, h, &cmd, 1, opts))
			_exit(4);
		bar[EDU_LIVE / 4] = own_val;
		if (how == BY_UNREGISTER && WD_CardUnregister(fd, h))
			_exit(5);
		if (write(pfd[1], "r", 1) != 1)
			_exit(6);
		if (how == BY_KILL)
			for (;;)
				pause();
		_exit(0);
	}
	close(pfd[1]);
	if (read(pfd[0], &c, 1) != 1)
		c = 0;
	close(pfd[0]);
	if (how == BY_KILL)
		kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return c == 'r' ? st : -1;
}

static uint32_t read_live_fresh(uint32_t *status)
{
	uint32_t h = 0, st;
	int fd;
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	*status = WD_Open(&fd);
	if (*status)
		return 0;
	/* The dead owner must be gone already: no retry, no sleep. */
	*status = WD_CardRegister(fd, slot, 0, &h);
	if (!*status) {
		t.cmd = RM_DWORD;
		t.addr = EDU_LIVE;
		st = WD_Transfer(fd, h, &t);
		if (st)
			*status = st;
		WD_CardUnregister(fd, h);
	}
	WD_Close(fd);
	return t.data.dw;
}

static void test_exclusive(void)
{
	WD_PCI_SLOT s = slot;
	uint32_t h1, h2, h3;
	int a, b;

	WD_Open(&a);
	WD_Open(&b);
	tap_status(WD_CardRegister(a, s, 0, &h1), WD_STATUS_SUCCESS,
		   "first file registers exclusively");
	tap_status(WD_CardRegister(b, s, 0, &h2), WD_RESOURCE_OVERLAP,
		   "second file: exclusive registration refused");
	tap_status(WD_CardRegister(b, s, WD_SHARED, &h2), WD_RESOURCE_OVERLAP,
		   "second file: shared registration refused while exclusive");
	tap_status(WD_CardRegister(a, s, WD_SHARED, &h3), WD_RESOURCE_OVERLAP,
		   "the same file cannot register the card twice");
	WD_CardUnregister(a, h1);
	tap_status(WD_CardRegister(a, s, WD_SHARED, &h1), WD_STATUS_SUCCESS,
		   "shared registration");
	tap_status(WD_CardRegister(b, s, WD_SHARED, &h2), WD_STATUS_SUCCESS,
		   "second shared registration");
	tap_ok(h1 != h2, "the two registrations have distinct handles");
	{
		int c;

		WD_Open(&c);
		tap_status(WD_CardRegister(c, s, 0, &h3), WD_RESOURCE_OVERLAP,
			   "exclusive registration refused while shared");
		WD_Close(c);
	}
	WD_Close(a);	/* closing releases without an explicit unregister */
	WD_CardUnregister(b, h2);
	WD_Close(b);
}

static void test_other_process(void)
{
	pid_t pid;
	int st, fd;
	uint32_t h;

	WD_Open(&fd);
	WD_CardRegister(fd, slot, 0, &h);
	pid = fork();
	if (pid == 0) {
		int mine;
		uint32_t h2, r;

		if (WD_Open(&mine))
			_exit(10);
		r = WD_CardRegister(mine, slot, 0, &h2);
		_exit(r == WD_RESOURCE_OVERLAP ? 0 : 11);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "a second process gets WD_RESOURCE_OVERLAP (exit %d)",
	       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	WD_Close(fd);
}

int main(void)
{
	uint32_t status, v;
	int st;

	tap_init("t_owner");
	if (WDC_DriverOpen() || !find_bound(EDU_VENDOR, EDU_DEVICE, &slot, 1)) {
		tap_ok(false, "needs a bound edu: %s", WDC_GetLastErrStr());
		return tap_done();
	}
	test_exclusive();
	test_other_process();

	st = child_session(0xc1ea0001, 0, 0x11111111, BY_KILL);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "child holding card and mapping killed with SIGKILL");
	v = read_live_fresh(&status);
	tap_status(status, WD_STATUS_SUCCESS,
		   "card free at once after SIGKILL: the next process registers");
	tap_ok(v == ~0xc1ea0001u, "cleanup commands ran on SIGKILL (0x%x)", v);

	st = child_session(0xc1ea0002, 0, 0x22222222, BY_UNREGISTER);
	v = read_live_fresh(&status);
	tap_ok(WIFEXITED(st) && !WEXITSTATUS(st) && !status &&
	       v == ~0x22222222u,
	       "cleanup did not run on a normal unregister (0x%x)", v);

	st = child_session(0xc1ea0003, WD_FORCE_CLEANUP, 0x33333333,
			   BY_UNREGISTER);
	v = read_live_fresh(&status);
	tap_ok(WIFEXITED(st) && !WEXITSTATUS(st) && !status &&
	       v == ~0xc1ea0003u,
	       "WD_FORCE_CLEANUP runs cleanup on unregister (0x%x)", v);

	st = child_session(0xc1ea0004, 0, 0x44444444, BY_EXIT);
	v = read_live_fresh(&status);
	tap_ok(WIFEXITED(st) && !status && v == ~0xc1ea0004u,
	       "cleanup ran when the owner exited without unregistering (0x%x)",
	       v);

	{
		WD_TRANSFER many[65];
		uint32_t h;
		int fd;

		memset(many, 0, sizeof(many));
		WD_Open(&fd);
		WD_CardRegister(fd, slot, 0, &h);
		tap_status(WD_CardCleanupSetup(fd, h, many, 65, 0),
			   WD_INSUFFICIENT_RESOURCES, "65 cleanup commands refused");
		many[0].cmd = RM_SDWORD;
		many[0].bytes = 4;
		tap_status(WD_CardCleanupSetup(fd, h, many, 1, 0),
			   WD_INVALID_PARAMETER, "string cleanup command refused");
		many[0].cmd = WM_DWORD;
		many[0].addr = 0x100000;
		tap_status(WD_CardCleanupSetup(fd, h, many, 1, 0),
			   WD_OUT_OF_RANGE, "cleanup command beyond the BAR refused");
		tap_status(WD_CardCleanupSetup(fd, h, many, 1, 0x10),
			   WD_INVALID_PARAMETER, "cleanup with unknown options refused");
		WD_Close(fd);
	}
	WDC_DriverClose();
	return tap_done();
}
