// SPDX-License-Identifier: MIT
/*
 * mutate.c: the random source, one-field mutations of a mostly valid
 * structure, and the thread's scratch buffers.  Every buffer the kernel
 * may read commands from or write results to ends at a PROT_NONE page, so
 * an overrun by a wrong count faults instead of reading or clobbering
 * something else (a command read from stray memory could reach edu's DMA
 * registers).
 */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

_Thread_local uint64_t fz_rng_state = 0x9e3779b97f4a7c15ULL;

uint64_t fz_mix(uint64_t a, uint64_t b)
{
	uint64_t z = a + 0x9e3779b97f4a7c15ULL * (b + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t fz_rnd(void)
{
	uint64_t x = fz_rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	fz_rng_state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

#define SCRATCH_BYTES (256u << 10)
#define CMDS_BYTES ((UDRV_MAX_MULTI + 1) * sizeof(struct udrv_xfer))

static _Thread_local unsigned char *scratch;	/* SCRATCH_BYTES, guard after */
static _Thread_local struct udrv_xfer *cmds;	/* MAX_MULTI + 1, guard after */
static unsigned char *guard;			/* one PROT_NONE page */

static void *guarded(size_t bytes)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (bytes + pg - 1) / pg * pg;
	unsigned char *p = mmap(NULL, len + pg, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	mprotect(p + len, pg, PROT_NONE);
	if (!guard)
		guard = p + len;
	return p + len - bytes;
}

void fz_thread_buffers(void)
{
	scratch = guarded(SCRATCH_BYTES);
	cmds = guarded(CMDS_BYTES);
}

void *fz_scratch(size_t bytes)
{
	if (bytes > SCRATCH_BYTES)
		bytes = SCRATCH_BYTES;
	return scratch + SCRATCH_BYTES - bytes;
}

/*
 * The caller fills at most n entries; all others hold harmless NONE
 * commands, whatever count a mutation makes the kernel read.
 */
struct udrv_xfer *fz_cmds(uint32_t n)
{
	static _Thread_local uint32_t dirty;

	memset(cmds, 0, dirty * sizeof(*cmds));
	dirty = n;
	return cmds;
}

/* Pointers the kernel must refuse: nothing of ours is ever there. */
uint64_t fz_bad_ptr(void)
{
	switch (fz_below(7)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return 0x1000;
	case 3:
		return 0xffff888000000000ULL;	/* the direct map */
	case 4:
		return 0xffffffffffffffffULL;
	case 5:
		return (uintptr_t)guard;
	default:
		return 0x0000800000000000ULL - 8;	/* end of user space */
	}
}

static uint64_t boundary(uint64_t cur, size_t size)
{
	uint64_t top = size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;

	switch (fz_below(10)) {
	case 0:
		return 0;
	case 1:
		return cur + 1;
	case 2:
		return cur - 1;
	case 3:
		return top;
	case 4:
		return top >> 1;
	case 5:
		return (top >> 1) + 1;
	case 6:
		return cur ^ (1ULL << fz_below(size * 8));
	case 7:
		return cur * 2 + 1;
	case 8:
		return 1ULL << fz_below(size * 8);
	default:
		return fz_rnd();
	}
}

static uint64_t other_handle(bool dma)
{
	uint64_t v = 0;

	fz_lock();
	if (fz_chance(2)) {
		int i = dma ? fz_any_dma() : fz_any_card();

		if (i >= 0)
			v = dma ? fz_pool.dmas[i].h : fz_pool.cards[i].h;
	} else {
		unsigned int n = dma ? fz_pool.nfreed_dmas :
				       fz_pool.nfreed_cards;

		if (n)
			v = dma ? fz_pool.freed_dmas[fz_below(n < FZ_FREED ? n : FZ_FREED)] :
				  fz_pool.freed_cards[fz_below(n < FZ_FREED ? n : FZ_FREED)];
	}
	fz_unlock();
	if (!v)
		v = fz_chance(2) ? UDRV_MAX_HANDLE : UDRV_MAX_HANDLE + 1;
	return v;
}

bool fz_mutate(void *s, const struct fz_field *f, size_t n, uint32_t one_in)
{
	unsigned char *p = s;
	uint64_t cur = 0, v;

	if (!n || !fz_chance(one_in))
		return false;
	f += fz_below(n);
	memcpy(&cur, p + f->off, f->size);	/* little-endian */
	switch (f->kind) {
	case F_HANDLE:
	case F_DMAH:
		v = fz_chance(3) ? boundary(cur, f->size) :
				   other_handle(f->kind == F_DMAH);
		break;
	case F_PTR_IN:
		/* Never a readable stray pointer: commands could come from it. */
		v = fz_bad_ptr();
		break;
	case F_PTR_OUT:
		v = fz_chance(2) ? fz_bad_ptr() :
		    (uintptr_t)fz_scratch(fz_below(64) + 1);
		break;
	case F_PAD:
		v = cur | (1ULL << fz_below(f->size * 8));
		break;
	case F_FLAGS:
		v = fz_chance(4) ? ~0ULL : cur ^ (1ULL << fz_below(32));
		break;
	default:
		v = boundary(cur, f->size);
		break;
	}
	memcpy(p + f->off, &v, f->size);
	atomic_fetch_add_explicit(&fz_st->mutated, 1, memory_order_relaxed);
	return true;
}
