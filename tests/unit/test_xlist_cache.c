// SPDX-License-Identifier: MIT
/*
 * WD_MultiTransfer's cache of prepared lists (lib/wd_xlist.c) against a
 * fake agent that keeps prepared lists as udrv.ko does: which ioctls a
 * call issues, that a changed command never runs a stale list (the fake
 * registers answer with their address, so a stale list reads the wrong
 * values), and how the cache reacts to a list the agent dropped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "tap.h"

#define HWD 3
#define HCARD 7
#define MAXL 16

/* A register's fake value: its address, tagged */
#define REG(addr) (0x5a000000u | (uint32_t)(addr))

static struct {
	struct udrv_xfer cmds[MAXL][64];
	uint32_t num[MAXL];
	uint64_t serial[MAXL];
	uint64_t next_serial;
	int multi, prepare, run, freed;
	int run_err, run_done;		/* the next run fails so */
	uint32_t last_write;
} F;

static void fake_access(const struct udrv_xfer *k, WD_TRANSFER *t)
{
	if (k->cmd & UDRV_CMD_WRITE)
		F.last_write = (uint32_t)t->data.qw;
	else if (k->cmd)
		t->data.qw = REG(k->addr);
}

static int fake(int fd, unsigned long req, void *arg)
{
	(void)fd;
	switch (req) {
	case UDRV_IOC_MULTI_TRANSFER: {
		struct udrv_multi_transfer *m = arg;
		WD_TRANSFER *t = (void *)(uintptr_t)m->cmds;
		uint32_t i;

		F.multi++;
		if (m->hcard != HCARD)
			return errno = EBADF, -1;
		for (i = 0; i < m->num; i++)
			fake_access((const struct udrv_xfer *)&t[i], &t[i]);
		m->done = m->num;
		return 0;
	}
	case UDRV_IOC_XLIST_PREPARE: {
		struct udrv_xlist_prepare *p = arg;
		uint32_t h;

		F.prepare++;
		if (p->hcard != HCARD || p->num > 64)
			return errno = EINVAL, -1;
		for (h = 1; h < MAXL && F.num[h]; h++)
			;
		if (h == MAXL)
			return errno = ENOSPC, -1;
		memcpy(F.cmds[h], (void *)(uintptr_t)p->cmds,
		       p->num * sizeof(struct udrv_xfer));
		F.num[h] = p->num;
		F.serial[h] = ++F.next_serial;
		p->handle = h;
		p->serial = F.serial[h];
		return 0;
	}
	case UDRV_IOC_XLIST_RUN: {
		struct udrv_xlist_run *r = arg;
		WD_TRANSFER *t = (void *)(uintptr_t)r->cmds;
		uint32_t i, h = r->handle;

		F.run++;
		if (h >= MAXL || !F.num[h] || F.serial[h] != r->serial)
			return errno = ESTALE, -1;
		if (r->num != F.num[h])
			return errno = EINVAL, -1;
		if (F.run_err) {
			r->done = (uint32_t)F.run_done;
			errno = F.run_err;
			F.run_err = 0;
			return -1;
		}
		/* The prepared commands, not the caller's */
		for (i = 0; i < r->num; i++)
			fake_access(&F.cmds[h][i], &t[i]);
		return 0;
	}
	case UDRV_IOC_XLIST_FREE: {
		struct udrv_xlist_free *f = arg;

		if (f->handle >= MAXL || !F.num[f->handle] ||
		    F.serial[f->handle] != f->serial)
			return errno = ESTALE, -1;
		F.num[f->handle] = 0;
		F.freed++;
		return 0;
	}
	case UDRV_IOC_UNREGISTER:
		memset(F.num, 0, sizeof(F.num));	/* the lists go too */
		return 0;
	}
	errno = ENOTTY;
	return -1;
}

static void reset_counts(void)
{
	F.multi = F.prepare = F.run = F.freed = 0;
}

static int counts(int multi, int prepare, int run)
{
	if (F.multi == multi && F.prepare == prepare && F.run == run)
		return 1;
	printf("# multi %d prepare %d run %d, want %d %d %d\n", F.multi,
	       F.prepare, F.run, multi, prepare, run);
	return 0;
}

static int values_ok(const WD_TRANSFER *t, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (t[i].cmd == RM_DWORD && t[i].data.dw != REG(t[i].addr)) {
			printf("# command %u read 0x%x, want 0x%x\n", i,
			       t[i].data.dw, REG(t[i].addr));
			return 0;
		}
	return 1;
}

static uint32_t multi(WD_TRANSFER *t, uint32_t n, uint32_t *done)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (t[i].cmd == RM_DWORD)
			t[i].data.qw = 0;
	return WD_MultiTransfer(HWD, HCARD, t, n, done);
}

static void fill(WD_TRANSFER *t, uint32_t n)
{
	uint32_t i;

	memset(t, 0, n * sizeof(*t));
	for (i = 0; i < n; i++) {
		t[i].cmd = RM_DWORD;
		t[i].addr = 4 * i;
	}
}

static void test_reuse(void)
{
	WD_TRANSFER t[8];
	uint32_t done;

	fill(t, 8);
	reset_counts();
	is_status(multi(t, 8, &done), WD_STATUS_SUCCESS, "first call");
	ok(counts(1, 0, 0) && values_ok(t, 8) && done == 8,
	   "... a multi-transfer, values read, done 8");
	is_status(multi(t, 8, &done), WD_STATUS_SUCCESS, "second call");
	ok(counts(1, 1, 1) && values_ok(t, 8) && done == 8,
	   "... prepares the list and runs it");
	is_status(multi(t, 8, &done), WD_STATUS_SUCCESS, "third call");
	ok(counts(1, 1, 2) && values_ok(t, 8) && done == 8,
	   "... runs the prepared list only");

	/* Each field of the key, changed in one command */
	t[5].addr = 0x40;
	is_status(multi(t, 8, &done), WD_STATUS_SUCCESS,
		  "one command's offset changed");
	ok(counts(2, 1, 2) && values_ok(t, 8) && t[5].data.dw == REG(0x40),
	   "... not the stale list: a multi-transfer reads the new offset");
	t[5].addr = 4 * 5;
	is_status(multi(t, 8, &done), WD_STATUS_SUCCESS, "changed back");
	ok(counts(2, 1, 3) && values_ok(t, 8),
	   "... the list prepared before runs again");
	t[2].bar = 1;
	multi(t, 8, &done);
	ok(counts(3, 1, 3), "another BAR in one command: not the cached list");
	t[2].bar = 0;
	t[2].cmd = RM_WORD;
	multi(t, 8, &done);
	ok(counts(4, 1, 3), "another width: not the cached list");
	t[2].cmd = RM_DWORD;
	t[2].options = WDC_NO_AUTOINC;
	multi(t, 8, &done);
	ok(counts(5, 1, 3), "other options: not the cached list");
	t[2].options = 0;
	t[2].bytes = 4;
	multi(t, 8, &done);
	ok(counts(6, 1, 3), "another byte count: not the cached list");
	t[2].bytes = 0;
	multi(t, 7, &done);
	ok(counts(7, 1, 3), "a shorter list: not the cached list");
	multi(t, 8, &done);
	ok(counts(7, 1, 4) && values_ok(t, 8),
	   "the original again: the prepared list");
}

static void test_writes(void)
{
	WD_TRANSFER t[2];
	uint32_t done, i;

	memset(t, 0, sizeof(t));
	t[0].cmd = WM_DWORD;
	t[0].addr = 4;
	t[1].cmd = RM_DWORD;
	for (i = 0; i < 3; i++) {
		t[0].data.dw = 100 + i;
		multi(t, 2, &done);
		ok(F.last_write == 100 + i && values_ok(t, 2),
		   "write data taken from the call, run %u", i);
	}
}

static void test_agent_dropped(void)
{
	WD_TRANSFER t[4];
	uint32_t done;

	fill(t, 4);
	multi(t, 4, &done);
	multi(t, 4, &done);
	reset_counts();
	/* The agent dropped the list behind the library's back */
	memset(F.num, 0, sizeof(F.num));
	is_status(multi(t, 4, &done), WD_STATUS_SUCCESS,
		  "the agent no longer has the list");
	ok(counts(1, 0, 1) && values_ok(t, 4),
	   "... the run fails (ESTALE), a multi-transfer does the work");
	multi(t, 4, &done);
	ok(counts(1, 1, 2), "... then it is prepared again");

	reset_counts();
	F.run_err = EIO;
	F.run_done = 0;
	is_status(multi(t, 4, &done), WD_STATUS_SUCCESS,
		  "a run that did nothing (EIO) falls back");
	ok(counts(1, 0, 1) && F.freed == 1,
	   "... to a multi-transfer, and the list is freed in the agent");

	multi(t, 4, &done);
	multi(t, 4, &done);
	reset_counts();
	F.run_err = EFAULT;
	F.run_done = 4;
	is_status(multi(t, 4, &done), WD_INVALID_PARAMETER,
		  "a run whose values could not be written back");
	ok(counts(0, 0, 1) && done == 4,
	   "... is not run again (the commands ran): done 4");

	is_status(WD_CardUnregister(HWD, HCARD), WD_STATUS_SUCCESS,
		  "WD_CardUnregister");
	reset_counts();
	multi(t, 4, &done);
	ok(counts(1, 0, 0), "after it, the card's lists are forgotten");
}

static void test_blocks_not_cached(void)
{
	WD_TRANSFER t[2];
	uint32_t done, buf[4];

	memset(t, 0, sizeof(t));
	t[0].cmd = RM_DWORD;
	t[1].cmd = RM_SDWORD;
	t[1].bytes = sizeof(buf);
	t[1].data.buf = buf;
	reset_counts();
	multi(t, 2, &done);
	multi(t, 2, &done);
	multi(t, 2, &done);
	ok(counts(3, 0, 0), "a list with a block is never prepared");
}

static void test_many_lists(void)
{
	WD_TRANSFER t[20][2];
	uint32_t done, i, k;
	int all = 1;

	for (i = 0; i < 20; i++) {
		fill(t[i], 2);
		t[i][1].addr = 0x100 + 4 * i;
	}
	/*
	 * More lists than the cache holds, each twice (prepared at the
	 * second call): each evicts, and frees, another.
	 */
	reset_counts();
	for (k = 0; k < 3; k++)
		for (i = 0; i < 20; i++) {
			multi(t[i], 2, &done);
			all &= values_ok(t[i], 2);
			multi(t[i], 2, &done);
			all &= values_ok(t[i], 2);
		}
	ok(all, "20 lists in turn: every value from its own list");
	ok(F.prepare == 60 && F.run == 60 && F.freed >= 50,
	   "... each prepared, run once, evicted and freed (%d %d %d)",
	   F.prepare, F.run, F.freed);
	for (i = 0, k = 0; i < MAXL; i++)
		k += !!F.num[i];
	ok(k <= 8, "the agent holds at most the cache's 8 lists (%u)", k);
}

static void test_explicit(void)
{
	WD_TRANSFER t[4];
	WD_TRANSFER_LIST l, copy;
	uint32_t k;
	bool good = true;

	fill(t, 4);
	is_status(WD_MultiTransferPrepare(HWD, HCARD, t, 4, &l),
		  WD_STATUS_SUCCESS, "WD_MultiTransferPrepare");
	ok(l.hCard == HCARD && l.num == 4 && l.handle && l.serial,
	   "... fills the list");
	reset_counts();
	for (k = 0; k < 3; k++) {
		fill(t, 4);
		good &= WD_MultiTransferRun(HWD, &l, t) == WD_STATUS_SUCCESS &&
			values_ok(t, 4);
	}
	ok(good && counts(0, 0, 3), "3 runs: values read, one ioctl each");
	t[1].addr = 0x80;
	t[1].data.qw = 0;
	WD_MultiTransferRun(HWD, &l, t);
	ok(t[1].data.dw == REG(4),
	   "a run runs the prepared commands, not the array's");
	copy = l;
	is_status(WD_MultiTransferFree(HWD, &l), WD_STATUS_SUCCESS,
		  "WD_MultiTransferFree");
	ok(l.handle == 0 && l.serial == 0, "... clears the list");
	is_status(WD_MultiTransferRun(HWD, &copy, t), WD_INVALID_HANDLE,
		  "a copy of the freed list is refused");
	ok(err_has("not prepared"), "... saying so");
	is_status(WD_MultiTransferFree(HWD, &copy), WD_INVALID_HANDLE,
		  "freeing it again is refused");
	is_status(WD_MultiTransferPrepare(HWD, HCARD, t, 0, &l),
		  WD_INVALID_PARAMETER, "prepare of 0 commands");
	is_status(WD_MultiTransferPrepare(HWD, HCARD, t, UDRV_MAX_MULTI + 1, &l),
		  WD_INSUFFICIENT_RESOURCES, "prepare of 4097 commands");
	is_status(WD_MultiTransferPrepare(HWD, HCARD, NULL, 1, &l),
		  WD_INVALID_PARAMETER, "prepare without commands");
	is_status(WD_MultiTransferPrepare(HWD, 0, t, 1, &l),
		  WD_INVALID_HANDLE, "prepare without a card");
	is_status(WD_MultiTransferRun(HWD, NULL, t), WD_INVALID_PARAMETER,
		  "run without a list");
}

int main(void)
{
	udrv_test_ioctl = fake;
	test_reuse();
	test_writes();
	test_agent_dropped();
	test_blocks_not_cached();
	test_many_lists();
	test_explicit();
	return tap_done();
}
