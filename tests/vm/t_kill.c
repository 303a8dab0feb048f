// SPDX-License-Identifier: MIT
/*
 * t_kill: a long transfer call must not make its process unkillable.
 *
 * One multi-transfer of 4096 block reads of 64 MiB each used to be hours
 * of register I/O inside one ioctl, deaf to SIGKILL.  Now a call may move
 * at most UDRV_MAX_MULTI_BYTES in blocks (E2BIG beyond, before any I/O),
 * and a fatal signal ends a call between blocks and within one.
 *
 * No timing is asserted: the parent kills each child and waits for it.
 * On an agent without the fix the first wait lasts hours and the VM
 * harness times out.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/tap.h"

#define BLOCK	(64u << 20)

static struct udrv_xfer cmds[UDRV_MAX_MULTI];

static int multi(int fd, uint32_t h, uint32_t n)
{
	struct udrv_multi_transfer m;

	memset(&m, 0, sizeof(m));
	m.size = sizeof(m);
	m.hcard = h;
	m.num = n;
	m.cmds = (uintptr_t)cmds;
	return ioctl(fd, UDRV_IOC_MULTI_TRANSFER, &m) < 0 ? errno : 0;
}

/* n block reads of `bytes` each from edu's identification register. */
static void fill(void *buf, uint32_t n, uint32_t bytes)
{
	uint32_t i;

	memset(cmds, 0, sizeof(cmds));
	for (i = 0; i < n; i++) {
		cmds[i].cmd = RM_SDWORD;
		cmds[i].options = UDRV_XFER_NO_AUTOINC;
		cmds[i].bytes = bytes;
		cmds[i].data = (uintptr_t)buf;
	}
}

/* Starts a child that runs `n` blocks per call, `loop` forever or once. */
static pid_t start(int fd, uint32_t h, uint32_t n, uint32_t bytes, int loop)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		void *buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int err;

		if (buf == MAP_FAILED)
			_exit(3);
		fill(buf, n, bytes);
		if (write(p[1], "g", 1) != 1)
			_exit(4);
		do
			err = multi(fd, h, n);
		while (loop && !err);
		_exit(err == E2BIG ? 0 : 5);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		tap_diag("the child did not start");
	close(p[0]);
	return pid;
}

int main(void)
{
	WD_PCI_SLOT s;
	uint32_t h;
	pid_t pid;
	int fd, st;

	tap_init("t_kill");
	if (WDC_DriverOpen() || !find_bound(EDU_VENDOR, EDU_DEVICE, &s, 1) ||
	    WD_Open(&fd) || WD_CardRegister(fd, s, WD_SHARED, &h)) {
		tap_ok(false, "register an edu");
		return tap_done();
	}

	/* 256 GiB in one call: refused at once, or killed. */
	pid = start(fd, h, UDRV_MAX_MULTI, BLOCK, 0);
	usleep(300 * 1000);	/* most likely inside the ioctl by now */
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok((WIFEXITED(st) && WEXITSTATUS(st) == 0) ||
	       (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL),
	       "4096 blocks of 64 MiB: E2BIG or killed (status 0x%x)", st);

	/* Within the budget, calls without end: only SIGKILL ends them. */
	pid = start(fd, h, 4, BLOCK / 4, 1);
	usleep(300 * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "calls of 4 blocks of 16 MiB end by SIGKILL (status 0x%x)", st);

	/* One 64 MiB block, killed inside. */
	pid = start(fd, h, 1, BLOCK, 1);
	usleep(300 * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "a single 64 MiB block ends by SIGKILL (status 0x%x)", st);

	memset(cmds, 0, sizeof(cmds));
	cmds[0].cmd = RM_DWORD;
	tap_ok(multi(fd, h, 1) == 0, "the card still works afterwards");
	WD_CardUnregister(fd, h);
	WD_Close(fd);
	WDC_DriverClose();
	return tap_done();
}
