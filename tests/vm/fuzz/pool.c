// SPDX-License-Identifier: MIT
/*
 * pool.c: the live resources of one worker process, shared by its threads:
 * open files of /dev/udrv, registered cards, DMA buffers, mappings and
 * interrupt descriptors.  Calls run outside the lock, so threads collide
 * in the agent; the pool only learns what succeeded.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

struct fz_pool fz_pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

void fz_lock(void)
{
	pthread_mutex_lock(&fz_pool.lock);
}

void fz_unlock(void)
{
	pthread_mutex_unlock(&fz_pool.lock);
}

void fz_pool_init(void)
{
	for (int i = 0; i < FZ_NFD; i++)
		fz_pool.fds[i] = open(UDRV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
}

#define ANY(arr, max) do { \
	int idx[max], n = 0; \
	for (int i = 0; i < (max); i++) \
		if (arr[i].used) \
			idx[n++] = i; \
	return n ? idx[fz_below(n)] : -1; \
} while (0)

int fz_any_card(void)
{
	ANY(fz_pool.cards, FZ_MAX_CARDS);
}

int fz_any_dma(void)
{
	ANY(fz_pool.dmas, FZ_MAX_DMAS);
}

int fz_any_map(void)
{
	ANY(fz_pool.maps, FZ_MAX_MAPS);
}

int fz_any_intfd(void)
{
	ANY(fz_pool.intfds, FZ_MAX_INTFDS);
}

int fz_rw_fd(void)
{
	return fz_pool.fds[1 + fz_below(FZ_NFD - 1)];
}

static void remember(uint32_t *ring, unsigned int *n, uint32_t h)
{
	ring[(*n)++ % FZ_FREED] = h;
}

static void maps_freed(enum fz_map_kind kind, int fd, uint32_t obj)
{
	for (int i = 0; i < FZ_MAX_MAPS; i++) {
		struct fz_map *m = &fz_pool.maps[i];

		if (m->used && m->kind == kind && m->fd == fd && m->obj == obj) {
			m->freed = true;
			fz_ev("freed", fd, obj, m->addr, m->len, i);
		}
	}
}

static void dma_drop(struct fz_dma *d)
{
	remember(fz_pool.freed_dmas, &fz_pool.nfreed_dmas, d->h);
	fz_ev("drop", d->fd, d->h, d->ubuf, d->ulen, d->contig);
	if (d->ubuf)
		munmap(d->ubuf, d->ulen);
	d->used = false;
}

void fz_dma_gone(int fd, uint32_t h)
{
	for (int i = 0; i < FZ_MAX_DMAS; i++) {
		struct fz_dma *d = &fz_pool.dmas[i];

		if (d->used && d->fd == fd && d->h == h) {
			maps_freed(MAP_DMA, fd, h);
			dma_drop(d);
		}
	}
}

void fz_free_begin(void)
{
	fz_lock();
	fz_pool.freeing++;
	fz_unlock();
}

void fz_free_end(void)
{
	fz_pool.freeing--;
	fz_pool.frees++;
}

void fz_card_gone(int fd, uint32_t h)
{
	for (int i = 0; i < FZ_MAX_CARDS; i++) {
		struct fz_card *c = &fz_pool.cards[i];

		if (!c->used || c->fd != fd || c->h != h)
			continue;
		c->used = false;
		remember(fz_pool.freed_cards, &fz_pool.nfreed_cards, h);
		maps_freed(MAP_BAR, fd, h);
		/* The card's DMA buffers went with it. */
		for (int k = 0; k < FZ_MAX_DMAS; k++)
			if (fz_pool.dmas[k].used && fz_pool.dmas[k].card == i)
				fz_dma_gone(fd, fz_pool.dmas[k].h);
		for (int k = 0; k < FZ_MAX_INTFDS; k++)
			if (fz_pool.intfds[k].used && fz_pool.intfds[k].card == i) {
				close(fz_pool.intfds[k].fd);
				fz_pool.intfds[k].used = false;
			}
	}
}

/*
 * Close a read-write file with whatever it holds, and open a new one.
 * Mappings keep the old file alive, so what they map is not freed: they
 * become "unsure" rather than stale.
 */
void fz_reopen(void)
{
	int slot = 1 + fz_below(FZ_NFD - 1), fd, nfd;

	fz_lock();
	fd = fz_pool.fds[slot];
	for (int i = 0; i < FZ_MAX_MAPS; i++)
		if (fz_pool.maps[i].used && fz_pool.maps[i].fd == fd)
			fz_pool.maps[i].unsure = true;
	for (int i = 0; i < FZ_MAX_CARDS; i++) {
		struct fz_card *c = &fz_pool.cards[i];

		if (c->used && c->fd == fd) {
			for (int k = 0; k < FZ_MAX_INTFDS; k++)
				if (fz_pool.intfds[k].used &&
				    fz_pool.intfds[k].card == i) {
					close(fz_pool.intfds[k].fd);
					fz_pool.intfds[k].used = false;
				}
			c->used = false;
		}
	}
	for (int i = 0; i < FZ_MAX_DMAS; i++)
		if (fz_pool.dmas[i].used && fz_pool.dmas[i].fd == fd)
			dma_drop(&fz_pool.dmas[i]);
	close(fd);
	nfd = open(UDRV_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	fz_ev("reopen", fd, 0, NULL, 0, nfd);
	fz_pool.fds[slot] = nfd;
	fz_pool.frees++;
	fz_unlock();
	fz_count(OP_REOPEN, nfd < 0 ? -1 : 0);
}

void fz_close_all(void)
{
	fz_lock();
	for (int i = 0; i < FZ_MAX_MAPS; i++)
		if (fz_pool.maps[i].used) {
			munmap(fz_pool.maps[i].addr, fz_pool.maps[i].len);
			fz_pool.maps[i].used = false;
		}
	for (int i = 0; i < FZ_MAX_INTFDS; i++)
		if (fz_pool.intfds[i].used)
			close(fz_pool.intfds[i].fd);
	for (int i = 0; i < FZ_NFD; i++)
		close(fz_pool.fds[i]);
	fz_unlock();
}
