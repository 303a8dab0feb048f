// SPDX-License-Identifier: MIT
/*
 * kp.c: Kernel PlugIn calls against the edu sample's KP (t_fuzz loads
 * edu_kp.ko when the guest has it): opens on any card with any name and
 * open data, calls with any message, size and buffer, closes of live and
 * stale handles, each with one field mutated now and then.  Cards go
 * away under the handles (unregister, reopen, fork+exit, unbind and
 * removal), which the agent must survive.  Only messages that do not
 * write the device are sent: the KP's writes are not filtered the way
 * the fuzzer filters its own (edu's DMA engine).
 */
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

#define FZ_MAX_KPS 8
/* edu_kp's messages that leave the device alone */
enum { MSG_VERSION = 1, MSG_READ = 2, MSG_CHECKSUM = 5, MSG_READS = 6,
       MSG_STATS = 7, MSG_NOP = 8 };

static struct { bool used; int fd; uint32_t h; } kps[FZ_MAX_KPS];
bool fz_have_kp;

static const struct fz_field open_f[] = {
	FZF(struct udrv_kp_open, size, F_SIZE),
	FZF(struct udrv_kp_open, hcard, F_HANDLE),
	FZF(struct udrv_kp_open, open_data, F_PTR_IN),
	FZF(struct udrv_kp_open, open_size, F_COUNT),
};

static const struct fz_field call_f[] = {
	FZF(struct udrv_kp_call, size, F_SIZE),
	FZF(struct udrv_kp_call, hkp, F_HANDLE),
	FZF(struct udrv_kp_call, message, F_GEN),
	FZF(struct udrv_kp_call, data_size, F_COUNT),
	FZF(struct udrv_kp_call, data, F_PTR_IN),
	FZF(struct udrv_kp_call, pad, F_PAD),
};

void fz_kp_open(void)
{
	static const uint32_t layouts[] = { 1, 1, 1, 2, 0 };
	struct udrv_kp_open o = { .size = sizeof(o) };
	uint32_t *layout = fz_scratch(sizeof(uint32_t));
	int ci, fd;
	long ret;

	fz_lock();
	ci = fz_any_card();
	if (ci >= 0) {
		o.hcard = fz_pool.cards[ci].h;
		fd = fz_pool.cards[ci].fd;
	}
	fz_unlock();
	if (ci < 0)
		return;
	switch (fz_below(8)) {
	case 0:
		memcpy(o.name, "no_such_kp", 11);
		break;
	case 1:
		memset(o.name, 'x', sizeof(o.name));	/* no NUL */
		break;
	default:
		memcpy(o.name, "edu_kp", 7);
	}
	if (fz_chance(3)) {
		*layout = layouts[fz_below(5)];
		o.open_data = (uintptr_t)layout;
		o.open_size = sizeof(*layout);
	}
	fz_mutate(&o, open_f, 4, 8);
	ret = fz_ioctl(fd, UDRV_IOC_KP_OPEN, &o);
	fz_count(OP_KP_OPEN, ret);
	if (ret)
		return;
	fz_lock();
	for (int i = 0; i < FZ_MAX_KPS; i++)
		if (!kps[i].used) {
			kps[i].used = true;
			kps[i].fd = fd;
			kps[i].h = o.hkp;
			fd = -1;
			break;
		}
	fz_unlock();
	if (fd >= 0) {	/* the pool is full: close it again */
		struct udrv_kp_close c = { .size = sizeof(c), .hkp = o.hkp };

		fz_count(OP_KP_CLOSE, fz_ioctl(fd, UDRV_IOC_KP_CLOSE, &c));
	}
}

static bool pick_kp(int *fd, uint32_t *h, int *slot)
{
	int n = 0, idx[FZ_MAX_KPS];

	fz_lock();
	for (int i = 0; i < FZ_MAX_KPS; i++)
		if (kps[i].used)
			idx[n++] = i;
	if (n) {
		*slot = idx[fz_below(n)];
		*fd = kps[*slot].fd;
		*h = kps[*slot].h;
	}
	fz_unlock();
	return n > 0;
}

void fz_kp_call(void)
{
	static const uint32_t msgs[] = { MSG_VERSION, MSG_READ, MSG_CHECKSUM,
					 MSG_READS, MSG_STATS, MSG_NOP, 999 };
	struct udrv_kp_call c = { .size = sizeof(c) };
	uint32_t size = fz_chance(4) ? 0 : 4 + fz_below(252), *w;
	int fd, slot;

	if (!pick_kp(&fd, &c.hkp, &slot))
		return;
	c.message = msgs[fz_below(7)];
	w = fz_scratch(size ? size : 1);	/* ends at a guard page */
	memset(w, 0, size);
	if (size >= 8) {
		switch (c.message) {
		case MSG_READ:		/* a register of edu's BAR0, or beyond */
			w[0] = fz_chance(8) ? (uint32_t)fz_rnd() :
					      fz_below(1 << 20) & ~3u;
			break;
		case MSG_CHECKSUM:	/* a count that may lie */
			w[0] = fz_chance(4) ? (uint32_t)fz_rnd() :
					      (size - 8) / 4;
			break;
		case MSG_READS:
			w[0] = fz_chance(8) ? (uint32_t)fz_rnd() : fz_below(64);
			break;
		}
	}
	c.data = size ? (uintptr_t)w : 0;
	c.data_size = size;
	fz_mutate(&c, call_f, 6, 8);
	fz_count(OP_KP_CALL, fz_ioctl(fd, UDRV_IOC_KP_CALL, &c));
}

void fz_kp_close(void)
{
	struct udrv_kp_close c = { .size = sizeof(c) };
	int fd, slot;
	long ret;

	if (!pick_kp(&fd, &c.hkp, &slot))
		return;
	if (fz_chance(8))
		c.hkp += 1 + fz_below(3);	/* a neighbour, live or not */
	ret = fz_ioctl(fd, UDRV_IOC_KP_CLOSE, &c);
	fz_count(OP_KP_CLOSE, ret);
	fz_lock();
	if (kps[slot].used && kps[slot].fd == fd &&
	    (!ret || kps[slot].h == c.hkp))
		kps[slot].used = false;	/* closed, or gone with its card */
	fz_unlock();
}
