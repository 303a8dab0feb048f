// SPDX-License-Identifier: MIT
/*
 * trace.c: a ring of the pool's recent events (maps made and dropped,
 * buffers locked and gone, unlock calls, reopens), per process, so that a
 * stale-mapping report can show the sequence that led to it: the touch
 * itself is too late to tell a kernel defect from a bookkeeping slip.
 */
#include <stdio.h>

#include "fuzz.h"

#define FZ_EVS 4096

struct fz_ev {
	unsigned long seq;
	int tid, fd;
	char what[12];
	uint32_t h;
	uintptr_t addr;
	size_t len;
	long r;
	unsigned long frees;
	unsigned int freeing;
};

static struct fz_ev evs[FZ_EVS];
static atomic_ulong nevs;
static atomic_int ntids;
static _Thread_local int tid;	/* no syscall: the trace must not slow the races */

void fz_ev(const char *what, int fd, uint32_t h, const void *addr,
	   size_t len, long r)
{
	unsigned long seq = atomic_fetch_add(&nevs, 1);
	struct fz_ev *e = &evs[seq % FZ_EVS];

	e->seq = seq;
	if (!tid)
		tid = atomic_fetch_add(&ntids, 1) + 1;
	e->tid = tid;
	e->fd = fd;
	snprintf(e->what, sizeof(e->what), "%s", what);
	e->h = h;
	e->addr = (uintptr_t)addr;
	e->len = len;
	e->r = r;
	/* read without the lock by some callers: a hint only */
	e->frees = fz_pool.frees;
	e->freeing = fz_pool.freeing;
}

static bool near(const struct fz_ev *e, uintptr_t a, size_t len)
{
	return e->addr && e->addr < a + len + 0x4000 && a < e->addr + e->len + 0x4000;
}

/* The last events on handle h or near [addr, addr + len), oldest first. */
void fz_ev_dump(uint32_t h, const void *addr, size_t len, char *out,
		size_t outlen)
{
	unsigned long end = atomic_load(&nevs), first;
	unsigned long pick[48];
	size_t n = 0, o = 0;

	first = end > FZ_EVS ? end - FZ_EVS : 0;
	for (unsigned long s = end; s-- > first && n < 48;) {
		const struct fz_ev *e = &evs[s % FZ_EVS];

		if (e->seq == s && (e->h == h || near(e, (uintptr_t)addr, len)))
			pick[n++] = s;
	}
	out[0] = 0;
	while (n-- && o + 1 < outlen) {
		const struct fz_ev *e = &evs[pick[n] % FZ_EVS];
		int k = snprintf(out + o, outlen - o,
				 "#%lu t%d %s fd=%d h=%u %#lx+%#zx r=%ld frees=%lu/%u\n",
				 e->seq, e->tid, e->what, e->fd, e->h,
				 (unsigned long)e->addr, e->len, e->r, e->frees,
				 e->freeing);

		if (k < 0)
			break;
		o += (size_t)k;
	}
}
