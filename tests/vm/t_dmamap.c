// SPDX-License-Identifier: MIT
/*
 * t_dmamap: the mappings of a contiguous DMA buffer against everything
 * that can reshape them or outlive the buffer, each checked the moment
 * DMA_UNLOCK returns (every page of every piece must fault from then on):
 *
 *  1. split: a page in the middle unmapped, the tail moved elsewhere with
 *     mremap, the head shrunk: each piece still reads its own page of the
 *     buffer (the fault finds the page from the piece's file offset), and
 *     none reads anything after the unlock.
 *  2. fork: a child never inherits the mapping (VM_DONTCOPY), not even a
 *     child forked while another thread faults the mapping in.
 *  3. handle reuse: a buffer unlocked while mapped keeps its handle until
 *     the mapping goes, so no stale mapping can name a newer buffer; once
 *     the mapping is gone the handle comes back (IDA, lowest first), and
 *     a new mapping of that handle reads the new buffer.
 *  4. a file closed while its buffer is mapped: the mapping keeps the file
 *     and the buffer (legitimately still readable, the same pages, not
 *     freed memory); unmapping it frees them (dma_stats back to before).
 *  5. faults racing the unlock on two vCPUs: one thread keeps faulting the
 *     pages in (each round a fresh mapping, so every touch is a fault),
 *     the other unlocks; after the unlock, nothing may read.
 *  6. the card's UNREGISTER racing a DMA_UNLOCK of one of its buffers (the
 *     sequence behind t_fuzz's "DMA mapping still worked after
 *     DMA_UNLOCK" reports): the unlock takes the buffer out of the file's
 *     table first, so UNREGISTER does not see it and can return while the
 *     unlock is still revoking the mapping.  A read in that window is
 *     legitimate, but must read the buffer's own bytes (its pages are
 *     freed only after the mapping is zapped); once both calls have
 *     returned, nothing reads.  The diagnostic counts the windows seen.
 *
 * These are the sequences the fuzzer (t_fuzz) runs at random; here each
 * is deterministic and its expectation exact.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <udrv_abi.h>

#include "common/tap.h"

#define PG 4096

static WD_PCI_SLOT edu[2];

/* ---- touching: true if reading the word faults (per thread) ---- */

static _Thread_local sigjmp_buf fault_jmp;
static _Thread_local volatile sig_atomic_t fault_armed;

static void on_fault(int sig)
{
	(void)sig;
	if (fault_armed)
		siglongjmp(fault_jmp, 1);
	_exit(99);
}

static bool faults(const volatile void *p)
{
	bool faulted = true;

	if (!sigsetjmp(fault_jmp, 1)) {
		fault_armed = 1;
		(void)*(const volatile uint32_t *)p;
		faulted = false;
	}
	fault_armed = 0;
	return faulted;
}

/* The word at p, or ~0 if reading faults. */
static uint32_t peek(const volatile void *p)
{
	uint32_t v = ~0u;

	if (!sigsetjmp(fault_jmp, 1)) {
		fault_armed = 1;
		v = *(const volatile uint32_t *)p;
	}
	fault_armed = 0;
	return v;
}

static void catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* ---- raw agent calls ---- */

static int reg(int fd, WD_PCI_SLOT s, uint32_t *h)
{
	struct udrv_register r;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.slot.domain = s.domain;
	r.slot.bus = s.bus;
	r.slot.slot = s.slot;
	r.slot.function = s.function;
	r.options = UDRV_REG_SHARED;
	if (ioctl(fd, UDRV_IOC_REGISTER, &r))
		return -errno;
	*h = r.hcard;
	return 0;
}

static int unreg(int fd, uint32_t h)
{
	struct udrv_unregister u = { .size = sizeof(u), .hcard = h };

	return ioctl(fd, UDRV_IOC_UNREGISTER, &u) ? -errno : 0;
}

struct buf {
	uint32_t h;
	uint64_t off;
};

static int lock(int fd, uint32_t hcard, unsigned int pages, struct buf *b)
{
	struct udrv_dma_page pg[2];
	struct udrv_dma_lock l;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.hcard = hcard;
	l.options = UDRV_DMA_CONTIG;
	l.bytes = (uint64_t)pages * PG;
	l.num_pages = 2;
	l.pages = (uintptr_t)pg;
	if (ioctl(fd, UDRV_IOC_DMA_LOCK, &l))
		return -errno;
	b->h = l.hdma;
	b->off = l.mmap_offset;
	return 0;
}

static int unlock(int fd, uint32_t hdma)
{
	struct udrv_dma_op op = { .size = sizeof(op), .hdma = hdma };

	return ioctl(fd, UDRV_IOC_DMA_UNLOCK, &op) ? -errno : 0;
}

static void *map(int fd, const struct buf *b, unsigned int pages)
{
	void *p = mmap(NULL, (size_t)pages * PG, PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, (off_t)b->off);

	return p == MAP_FAILED ? NULL : p;
}

static long dma_buffers(void)
{
	FILE *f = fopen("/sys/bus/pci/drivers/udrv/dma_stats", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "buffers %ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* ---- 1: pieces of a mapping ---- */

static void test_split(int fd, uint32_t hcard)
{
	struct buf b;
	unsigned char *p, *tail, *hole;
	bool own = true, gone = true;
	unsigned int i;

	if (lock(fd, hcard, 6, &b) || !(p = map(fd, &b, 6))) {
		tap_ok(false, "1: lock and map a 6-page buffer");
		return;
	}
	for (i = 0; i < 6; i++)
		*(volatile uint32_t *)(p + i * PG) = 0xb0 + i;
	/* pieces: [0] [2] [3..4 moved] ; page 1 unmapped, page 5 shrunk off */
	/* somewhere to move the tail to: as large as the move */
	hole = mmap(NULL, 3 * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + PG, PG);
	tail = mremap(p + 3 * PG, 3 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
		      hole == MAP_FAILED ? NULL : hole);
	if (hole == MAP_FAILED || tail == MAP_FAILED ||
	    mremap(tail, 3 * PG, 2 * PG, 0) != tail) {
		tap_ok(false, "1: munmap, mremap move and shrink: %s",
		       strerror(errno));
		return;
	}
	own = peek(p) == 0xb0 && peek(p + 2 * PG) == 0xb2 &&
	      peek(tail) == 0xb3 && peek(tail + PG) == 0xb4;
	tap_ok(own, "1: each piece reads its own page: %#x %#x %#x %#x",
	       peek(p), peek(p + 2 * PG), peek(tail), peek(tail + PG));
	tap_ok(unlock(fd, b.h) == 0, "1: unlock");
	gone = faults(p) && faults(p + 2 * PG) && faults(tail) &&
	       faults(tail + PG);
	tap_ok(gone, "1: after the unlock no piece reads anything: %d %d %d %d",
	       faults(p), faults(p + 2 * PG), faults(tail), faults(tail + PG));
	munmap(p, 3 * PG);
	munmap(tail, 2 * PG);
}

/* ---- 2: fork ---- */

struct toucher {
	volatile unsigned char *p;
	atomic_int stop;
	atomic_ulong n;
};

static void *touch_loop(void *arg)
{
	struct toucher *t = arg;

	while (!atomic_load(&t->stop)) {
		(void)faults(t->p);
		atomic_fetch_add(&t->n, 1);
	}
	return NULL;
}

static void test_fork(int fd, uint32_t hcard)
{
	struct toucher t = { 0 };
	struct buf b;
	pthread_t th;
	int reached = 0, forks = 200, st;

	if (lock(fd, hcard, 1, &b) || !(t.p = map(fd, &b, 1))) {
		tap_ok(false, "2: lock and map");
		return;
	}
	pthread_create(&th, NULL, touch_loop, &t);
	for (int i = 0; i < forks; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(faults(t.p) ? 0 : 1);
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st))
			reached++;
	}
	atomic_store(&t.stop, 1);
	pthread_join(th, NULL);
	tap_ok(!reached, "2: %d forked children, %d reached the mapping",
	       forks, reached);
	unlock(fd, b.h);
	tap_ok(faults(t.p), "2: the parent's mapping faults after the unlock");
	munmap((void *)t.p, PG);
}

/* ---- 3: handle reuse ---- */

static void test_reuse(int fd, uint32_t hcard)
{
	struct buf a, b, c;
	unsigned char *pa, *pc;

	if (lock(fd, hcard, 2, &a) || !(pa = map(fd, &a, 2))) {
		tap_ok(false, "3: lock and map");
		return;
	}
	*(volatile uint32_t *)pa = 0xa11ce;
	unlock(fd, a.h);
	tap_ok(faults(pa) && faults(pa + PG), "3: unlocked, its mapping faults");
	if (lock(fd, hcard, 2, &b)) {
		tap_ok(false, "3: lock another");
		return;
	}
	tap_ok(b.h != a.h, "3: a new buffer does not get the handle a live "
	       "mapping still names (%u, %u)", a.h, b.h);
	tap_ok(faults(pa), "3: the old mapping still faults");
	munmap(pa, 2 * PG);
	unlock(fd, b.h);
	/* Nothing names a.h now: lowest first, it comes back. */
	if (lock(fd, hcard, 2, &c) || !(pc = map(fd, &c, 2))) {
		tap_ok(false, "3: lock and map a third");
		return;
	}
	tap_ok(c.h == a.h || c.h == b.h, "3: the handle comes back once "
	       "unmapped (%u; had %u, %u)", c.h, a.h, b.h);
	tap_ok(peek(pc) == 0, "3: the new buffer reads its own zeros (%#x)",
	       peek(pc));
	unlock(fd, c.h);
	tap_ok(faults(pc), "3: and faults after its unlock");
	munmap(pc, 2 * PG);
}

/* ---- 4: the file closed under its mapping ---- */

static void test_closed_file(void)
{
	long before = dma_buffers();
	uint32_t hcard;
	struct buf b;
	unsigned char *p;
	int fd = open(UDRV_DEVICE_PATH, O_RDWR);

	if (fd < 0 || reg(fd, edu[1], &hcard) || lock(fd, hcard, 1, &b) ||
	    !(p = map(fd, &b, 1))) {
		tap_ok(false, "4: open, register, lock and map");
		return;
	}
	*(volatile uint32_t *)p = 0xc105ed;
	close(fd);
	tap_ok(peek(p) == 0xc105ed && dma_buffers() == before + 1,
	       "4: the mapping keeps its file and buffer: reads %#x, %ld "
	       "buffers (before %ld)", peek(p), dma_buffers(), before);
	munmap(p, PG);
	tap_ok(dma_buffers() == before, "4: unmapped, the buffer goes: %ld "
	       "buffers (before %ld)", dma_buffers(), before);
}

/* ---- 5: faults racing the unlock ---- */

struct racer {
	int fd;
	struct buf b;
	volatile unsigned char *p;
	atomic_int round, done;		/* round -1: exit */
};

static void *fault_thread(void *arg)
{
	struct racer *r = arg;
	int seen = 0, n;

	for (;;) {
		while ((n = atomic_load(&r->round)) == seen)
			;
		if (n < 0)
			return NULL;
		seen = n;
		for (int i = 0; i < 4; i++)
			(void)faults(r->p + i * PG);
		atomic_store(&r->done, n);
	}
}

static void test_fault_race(int fd, uint32_t hcard)
{
	struct racer r = { .fd = fd };
	int rounds = 1500, stale = 0, hit = 0;
	pthread_t th;

	pthread_create(&th, NULL, fault_thread, &r);
	for (int i = 1; i <= rounds; i++) {
		if (lock(fd, hcard, 4, &r.b) || !(r.p = map(fd, &r.b, 4))) {
			tap_ok(false, "5: lock and map, round %d", i);
			break;
		}
		atomic_store(&r.round, i);
		for (volatile int d = 0; d < (i % 64) * 50; d++)
			;
		unlock(fd, r.b.h);
		for (int k = 0; k < 4; k++)
			if (!faults(r.p + k * PG)) {
				stale++;
				break;
			}
		while (atomic_load(&r.done) != i)
			;
		/* and once the faulting thread is done with the round */
		for (int k = 0; k < 4; k++)
			if (!faults(r.p + k * PG)) {
				stale++;
				break;
			}
		hit += 1;
		munmap((void *)r.p, 4 * PG);
	}
	atomic_store(&r.round, -1);
	pthread_join(th, NULL);
	tap_ok(!stale, "5: %d rounds of faults racing the unlock, %d stale",
	       hit, stale);
}

/* ---- 6: UNREGISTER racing DMA_UNLOCK of the card's buffer ---- */

#define RACE_PAGES 16
#define PATTERN 0x5eed5eedu

struct unlocker {
	pthread_t t;
	int fd;
	uint32_t h;
	atomic_int round, done;		/* round -1: exit */
	int ret;
};

static void *unlock_thread(void *arg)
{
	struct unlocker *u = arg;
	int seen = 0, n;

	for (;;) {
		while ((n = atomic_load(&u->round)) == seen)
			;
		if (n < 0)
			return NULL;
		seen = n;
		u->ret = unlock(u->fd, u->h);
		atomic_store(&u->done, n);
	}
}

static void test_unreg_race(int fd)
{
	struct unlocker u = { .fd = fd };
	int rounds = 300, windows = 0, wrong = 0, stale = 0, fail = 0;
	long before = dma_buffers();

	pthread_create(&u.t, NULL, unlock_thread, &u);
	for (int i = 1; i <= rounds && !fail; i++) {
		uint32_t hcard, v;
		struct buf b;
		unsigned char *p;

		if (reg(fd, edu[0], &hcard) || lock(fd, hcard, RACE_PAGES, &b) ||
		    !(p = map(fd, &b, RACE_PAGES))) {
			fail = i;
			break;
		}
		for (int k = 0; k < RACE_PAGES; k++)
			*(volatile uint32_t *)(p + k * PG) = PATTERN;
		u.h = b.h;
		atomic_store(&u.round, i);
		for (volatile int d = 0; d < (i % 32) * 40; d++)
			;
		unreg(fd, hcard);
		/* UNREGISTER returned: the unlock may still be in flight */
		if (atomic_load(&u.done) != i) {
			for (int k = RACE_PAGES - 1; k >= 0; k--) {
				v = peek(p + k * PG);
				if (v == ~0u)
					continue;
				windows++;
				wrong += v != PATTERN;
				break;
			}
		}
		while (atomic_load(&u.done) != i)
			;
		for (int k = 0; k < RACE_PAGES; k++)
			if (!faults(p + k * PG)) {
				stale++;
				break;
			}
		munmap(p, RACE_PAGES * PG);
	}
	atomic_store(&u.round, -1);
	pthread_join(u.t, NULL);
	tap_ok(!fail, "6: register, lock and map (round %d)", fail);
	tap_diag("6: %d of %d rounds: UNREGISTER returned while the unlock "
		 "was still revoking a readable mapping", windows, rounds);
	tap_ok(!wrong, "6: a read in that window reads the buffer's own "
	       "bytes (%d of %d did not)", wrong, windows);
	tap_ok(!stale, "6: once both calls returned, nothing reads (%d "
	       "rounds did)", stale);
	tap_ok(dma_buffers() == before, "6: no buffer left (%ld, before %ld)",
	       dma_buffers(), before);
}

int main(void)
{
	uint32_t hcard;
	long before;
	int fd;

	tap_init("t_dmamap");
	catch_faults();
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, edu, 2) < 2) {
		tap_ok(false, "needs two bound edu devices");
		return tap_done();
	}
	before = dma_buffers();
	fd = open(UDRV_DEVICE_PATH, O_RDWR);
	if (fd < 0 || reg(fd, edu[0], &hcard)) {
		tap_ok(false, "register edu");
		return tap_done();
	}
	test_split(fd, hcard);
	test_fork(fd, hcard);
	test_reuse(fd, hcard);
	test_closed_file();
	test_fault_race(fd, hcard);
	unreg(fd, hcard);
	test_unreg_race(fd);
	close(fd);
	tap_ok(dma_buffers() == before, "no buffer left: %ld (before %ld)",
	       dma_buffers(), before);
	return tap_done();
}
