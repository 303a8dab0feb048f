// SPDX-License-Identifier: MIT
/*
 * mem.c: what a process does with the mmap offsets the agent hands out:
 * map them (BARs and contiguous DMA buffers), touch them, unmap, move,
 * shrink, discard and fork.  A fault is fine once the object is gone
 * (the agent zaps the mapping); a mapping that still works after its
 * card was unregistered or its buffer unlocked is a finding.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

static _Thread_local sigjmp_buf touch_jb;
static _Thread_local volatile sig_atomic_t in_touch;

static void on_fault(int sig)
{
	if (in_touch)
		siglongjmp(touch_jb, 1);
	signal(sig, SIG_DFL);	/* not ours: die of it, visibly */
}

void fz_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

bool fz_touch(volatile unsigned char *p, size_t at, bool write)
{
	if (sigsetjmp(touch_jb, 1)) {
		in_touch = 0;
		return true;
	}
	in_touch = 1;
	(void)*(volatile uint32_t *)(p + at);
	if (write)
		*(volatile uint32_t *)(p + at) = (uint32_t)fz_rnd();
	in_touch = 0;
	return false;
}

/* May a word at `at` (bytes into the BAR) of this mapping be written? */
static bool may_write(const struct fz_map *m, uint64_t at)
{
	const struct fz_dev *d = &fz_devs[m->dev];

	if (!m->writable)
		return false;
	if (m->kind == MAP_DMA)
		return true;
	if (m->bar == 0 && at < 0xa0 && at + 4 > 0x80)
		return false;
	return d->kind == K_EDU || d->kind == K_TESTDEV ||
	       (d->kind == K_IVSHMEM && m->bar == 2);
}

static int free_map_slot(void)
{
	int i;

	for (i = 0; i < FZ_MAX_MAPS; i++)
		if (!fz_pool.maps[i].used)
			return i;
	i = (int)fz_below(FZ_MAX_MAPS);
	fz_ev("evict", fz_pool.maps[i].fd, fz_pool.maps[i].obj,
	      fz_pool.maps[i].addr, fz_pool.maps[i].len, i);
	munmap(fz_pool.maps[i].addr, fz_pool.maps[i].len);
	fz_pool.maps[i].used = false;
	return i;
}

/* A free that ran since the object was picked makes the mapping unsure. */
static void add_map(const struct fz_map *m)
{
	int i;

	fz_lock();
	i = free_map_slot();
	fz_pool.maps[i] = *m;
	if (fz_pool.frees != m->epoch || fz_pool.freeing)
		fz_pool.maps[i].unsure = true;
	fz_ev(m->kind == MAP_DMA ? "addmapD" : "addmapB", m->fd, m->obj,
	      m->addr, m->len, i * 2 + fz_pool.maps[i].unsure);
	fz_unlock();
}

static void map_bar(void)
{
	struct fz_map m = { .used = true, .kind = MAP_BAR };
	struct fz_card c;
	const struct fz_dev *d;
	uint64_t maplen, off, len;
	int bi, ci, prot, flags = MAP_SHARED;
	bool mutated = fz_chance(4);
	void *p;

	fz_lock();
	ci = fz_any_card();
	if (ci >= 0)
		c = fz_pool.cards[ci];
	m.epoch = fz_pool.freeing ? ~0UL : fz_pool.frees; /* ~0: unsure */
	fz_unlock();
	if (ci < 0)
		return;
	d = &fz_devs[c.dev];
	bi = fz_pick_bar(d, false, true);
	if (bi < 0)
		return;
	maplen = (d->bar[bi].len + 4095) & ~4095ULL;
	m.bar = d->bar[bi].bar;
	m.in_bar = (uint64_t)fz_below((uint32_t)(maplen / 4096)) * 4096;
	if (m.in_bar > 0x10000)
		m.in_bar &= 0xffff;	/* mostly the registers */
	len = 4096 * (1 + fz_below(4));
	if (len > maplen - m.in_bar)
		len = maplen - m.in_bar;
	off = UDRV_MMAP_OFFSET(c.h, m.bar) + m.in_bar;
	prot = c.fd == fz_pool.fds[0] || d->kind >= K_E1000E ? PROT_READ :
		PROT_READ | PROT_WRITE;
	if (mutated) {
		switch (fz_below(6)) {
		case 0:
			len = maplen - m.in_bar + 4096;
			break;
		case 1:
			off += (uint64_t)1 << (UDRV_MMAP_BAR_SHIFT + fz_below(4));
			break;
		case 2:
			off = UDRV_MMAP_OFFSET(c.h + 1 + fz_below(3), m.bar);
			break;
		case 3:
			flags = MAP_PRIVATE;
			break;
		case 4:
			off = UDRV_MMAP_OFFSET(c.h, m.bar) + maplen;
			break;
		default:
			off |= UDRV_MMAP_DMA;
			break;
		}
	}
	p = mmap(NULL, len, prot, flags, c.fd, (off_t)off);
	fz_count(OP_MMAP_BAR, p == MAP_FAILED ? -errno : 0);
	if (p != MAP_FAILED)
		fz_ev("mmapB", c.fd, c.h, p, len, mutated);
	if (p == MAP_FAILED)
		return;
	m.addr = p;
	m.len = len;
	m.fd = c.fd;
	m.dev = c.dev;
	m.obj = c.h;
	m.bar_len = d->bar[bi].len;
	m.writable = !mutated && (prot & PROT_WRITE);
	m.unsure = mutated;
	add_map(&m);
}

static void map_dma(void)
{
	struct fz_map m = { .used = true, .kind = MAP_DMA };
	struct fz_dma d;
	uint64_t off, len;
	bool mutated = fz_chance(4);
	void *p;
	int i;

	fz_lock();
	i = fz_any_dma();
	if (i >= 0)
		d = fz_pool.dmas[i];
	m.epoch = fz_pool.freeing ? ~0UL : fz_pool.frees; /* ~0: unsure */
	fz_unlock();
	if (i < 0 || !d.contig)
		return;
	off = d.off;
	len = (d.bytes + 4095) & ~4095ULL;
	if (fz_chance(4))
		len = 4096;
	if (mutated) {
		switch (fz_below(4)) {
		case 0:
			len += 4096;
			break;
		case 1:
			off += 4096;
			break;
		case 2:
			off += 1ULL << UDRV_MMAP_BAR_SHIFT;
			break;
		default:
			off &= ~UDRV_MMAP_DMA;
			break;
		}
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, (off_t)off);
	fz_count(OP_MMAP_DMA, p == MAP_FAILED ? -errno : 0);
	fz_ev("mmapD", d.fd, d.h, p == MAP_FAILED ? NULL : p, len,
	      p == MAP_FAILED ? -errno : mutated);
	if (p == MAP_FAILED)
		return;
	m.addr = p;
	m.len = len;
	m.fd = d.fd;
	m.obj = d.h;
	m.bar_len = len;
	m.writable = !mutated;
	m.unsure = mutated;
	add_map(&m);
}

/* Whether the object a mapping was made for has a live namesake. */
static bool handle_alive(const struct fz_map *m)
{
	if (m->kind == MAP_DMA) {
		struct udrv_dma_op op = { .size = sizeof(op), .hdma = m->obj,
					  .sync = UDRV_SYNC_FOR_CPU };

		return ioctl(m->fd, UDRV_IOC_DMA_SYNC, &op) == 0;
	} else {
		/* An empty cleanup list: the lightest call that needs a card */
		struct udrv_cleanup_setup q = { .size = sizeof(q),
						.hcard = m->obj };

		return ioctl(m->fd, UDRV_IOC_CLEANUP_SETUP, &q) == 0;
	}
}

/* The line of /proc/self/maps that holds `addr` (for the report). */
static const char *vma_of(const void *addr, char *buf, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char line[256];

	snprintf(buf, len, "none");
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 &&
		    (unsigned long)addr >= lo && (unsigned long)addr < hi) {
			line[strcspn(line, "\n")] = 0;
			snprintf(buf, len, "%s", line);
			break;
		}
	fclose(f);
	return buf;
}

/*
 * What the mapping's VMA really maps, from its file offset: a DMA
 * buffer's handle.  True if that handle is alive in one of this
 * process's files (the pool's bookkeeping lost track of a namesake; the
 * agent kept its promise).
 */
static bool maps_live_object(const struct fz_map *m, const void *touched)
{
	unsigned long long off = 0;
	char vma[256], perms[8];
	unsigned long lo, hi;
	uint32_t h;

	if (m->kind != MAP_DMA)
		return false;
	/*
	 * The byte touched must be in a VMA of this very buffer; anything
	 * else (the pool's idea of the mapping's extent went wrong) is not
	 * the agent's doing.
	 */
	if (sscanf(vma_of(touched, vma, sizeof(vma)), "%lx-%lx %7s %llx", &lo,
		   &hi, perms, &off) != 4 || !(off & UDRV_MMAP_DMA) ||
	    !strstr(vma, "/dev/udrv"))
		return true;
	h = (uint32_t)((off & ~UDRV_MMAP_DMA) >> UDRV_MMAP_BAR_SHIFT);
	if (h != m->obj)
		return true;
	for (int i = 0; i < FZ_NFD; i++) {
		struct fz_map probe = *m;

		probe.fd = fz_pool.fds[i];
		probe.obj = h;
		if (handle_alive(&probe))
			return true;
	}
	return false;
}

static void touch(void)
{
	struct fz_map *m;
	size_t span, at;
	bool faulted, wr;
	int i;

	fz_lock();
	i = fz_any_map();
	if (i < 0) {
		fz_unlock();
		return;
	}
	m = &fz_pool.maps[i];
	span = m->len;
	if (m->kind == MAP_BAR && m->bar_len > m->in_bar &&
	    m->bar_len - m->in_bar < span)
		span = m->bar_len - m->in_bar;
	if (span < 4) {
		fz_unlock();
		return;
	}
	at = fz_below((uint32_t)(span / 4)) * 4;
	wr = fz_chance(2) && may_write(m, m->in_bar + at);
	faulted = fz_touch(m->addr, at, wr);
	if (m->kind == MAP_DMA)
		fz_ev("touch", m->fd, m->obj, (char *)m->addr + at, 4,
		      faulted | m->freed << 1 | m->unsure << 2);
	if (faulted)
		atomic_fetch_add(&fz_st->faults, 1);
	if (faulted && !m->freed && !m->unsure)
		atomic_fetch_add(&fz_st->faults_live, 1);
	if (faulted && m->freed && !m->unsure)
		atomic_fetch_add(&fz_st->faults_freed, 1);
	/*
	 * The pool can be wrong about what a mapping maps: between a call
	 * and the pool update, other threads may free an object and make a
	 * new one that gets the same handle.  Ask the agent whether the
	 * handle names a live object in that file before calling it stale.
	 */
	/*
	 * The free the pool learnt of may not be the call that tears the
	 * object down: UNREGISTER returns, and the pool marks the card's
	 * buffers freed, while another thread's DMA_UNLOCK of one of them
	 * has taken it out of the file's table (so UNREGISTER did not see
	 * it) but not yet revoked its mappings.  Until that call returns the
	 * mapping may still work, legitimately.  So a touch made while any
	 * free is in flight proves nothing; a mapping that really outlived
	 * its object keeps working and is caught by a later touch.
	 */
	if (!faulted && m->freed && !m->unsure && fz_pool.freeing) {
		atomic_fetch_add(&fz_st->raced, 1);
	} else if (!faulted && m->freed && !m->unsure &&
	    (handle_alive(m) || maps_live_object(m, (char *)m->addr + at))) {
		atomic_fetch_add(&fz_st->reused, 1);
	} else if (!faulted && m->freed && !m->unsure &&
		   !atomic_fetch_add(&fz_st->stale, 1)) {
		char vma[96];
		bool again = fz_touch(m->addr, at, false);

		fz_ev_dump(m->obj, m->addr, m->len, fz_st->stale_log,
			   sizeof(fz_st->stale_log));
		snprintf(fz_st->stale_log + strlen(fz_st->stale_log),
			 sizeof(fz_st->stale_log) - strlen(fz_st->stale_log),
			 "touched again: %s; handle alive now: %d\n",
			 again ? "faulted" : "worked", handle_alive(m));
		snprintf(fz_st->stale_what, sizeof(fz_st->stale_what),
			 "%s mapping (handle %u, %s) still worked after %s at %p (+0x%zx of 0x%zx); its VMA: %s",
			 m->kind == MAP_BAR ? "BAR" : "DMA", m->obj,
			 m->kind == MAP_BAR ? fz_devs[m->dev].bdf : "contig",
			 m->kind == MAP_BAR ? "UNREGISTER" : "DMA_UNLOCK",
			 m->addr, at, m->len,
			 vma_of((char *)m->addr + at, vma, sizeof(vma)));
	}
	fz_unlock();
	fz_count(OP_TOUCH, faulted ? -14 : 0);
}

static void unmap(void)
{
	int i;
	long r = 0;

	fz_lock();
	i = fz_any_map();
	if (i >= 0) {
		struct fz_map *m = &fz_pool.maps[i];

		if (m->len > 4096 && fz_chance(3) && !fz_skip("split")) {
			/* drop the first page only */
			r = munmap(m->addr, 4096);
			fz_ev("unmap1", m->fd, m->obj, m->addr, m->len, r);
			if (!r) {
				m->addr = (char *)m->addr + 4096;
				m->len -= 4096;
				m->in_bar += 4096;
			}
		} else {
			r = munmap(m->addr, m->len);
			fz_ev("unmap", m->fd, m->obj, m->addr, m->len, r);
			m->used = false;
		}
	}
	fz_unlock();
	if (i >= 0)
		fz_count(OP_MUNMAP, r ? -errno : 0);
}

static void remap(void)
{
	int i, e = 0;
	bool called = false;
	void *p = MAP_FAILED;

	fz_lock();
	i = fz_any_map();
	if (i >= 0) {
		struct fz_map *m = &fz_pool.maps[i];

		switch (fz_below(3)) {
		case 0:	/* grow: VM_DONTEXPAND refuses */
			p = mremap(m->addr, m->len, m->len + 4096, MREMAP_MAYMOVE);
			called = true;
			if (p != MAP_FAILED)
				m->len += 4096, m->unsure = true;
			break;
		case 1:	/* shrink */
			if (m->len > 4096 && !fz_skip("split")) {
				p = mremap(m->addr, m->len, m->len - 4096, 0);
				called = true;
				if (p != MAP_FAILED)
					m->len -= 4096;
			}
			break;
		default: /* move */
			p = mremap(m->addr, m->len, m->len, MREMAP_MAYMOVE);
			called = true;
			break;
		}
		e = errno;
		if (called)
			fz_ev("mremap", m->fd, m->obj, m->addr, m->len,
			      p == MAP_FAILED ? -e : (long)((uintptr_t)p - (uintptr_t)m->addr));
		if (p != MAP_FAILED)
			m->addr = p;
	}
	fz_unlock();
	if (called)
		fz_count(OP_MREMAP, p == MAP_FAILED ? -e : 0);
}

static void discard(void)
{
	int i, r = -1;

	fz_lock();
	i = fz_any_map();
	if (i >= 0) {
		r = madvise(fz_pool.maps[i].addr, fz_pool.maps[i].len,
			    MADV_DONTNEED);
		if (!r)
			fz_pool.maps[i].unsure = true;
	}
	fz_unlock();
	if (i >= 0)
		fz_count(OP_MADVISE, r ? -errno : 0);
}

/* The mappings are VM_DONTCOPY: a child must not reach them. */
static void fork_touch(void)
{
	struct fz_map m;
	int i, st = 0;
	pid_t pid;

	/*
	 * Forked under the pool's lock: no other thread can unmap the
	 * mapping and let something else take its address meanwhile.
	 */
	fz_lock();
	i = fz_any_map();
	if (i >= 0)
		m = fz_pool.maps[i];
	pid = i < 0 ? -1 : fork();
	if (pid == 0)
		_exit(fz_touch(m.addr, 0, false) ? 2 : 0);
	fz_unlock();
	if (i < 0)
		return;
	if (pid > 0)
		waitpid(pid, &st, 0);
	fz_count(OP_FORK, pid < 0 ? -errno : 0);
	if (pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		atomic_fetch_add(&fz_st->fork_touch_ok, 1);
}

void fz_step_mem(uint32_t which)
{
	if (fz_skip("mmap"))
		return;
	if (which < 150)
		map_bar();
	else if (which < 300)
		map_dma();
	else if (which < 420)
		unmap();
	else if (which < 470)
		remap();
	else if (which < 510)
		discard();
	else if (which < 512 && !fz_skip("fork"))
		fork_touch();
	else if (which < 515)
		fz_reopen();
	else
		touch();
}
