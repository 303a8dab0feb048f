// SPDX-License-Identifier: MIT
/*
 * calls.c: one ioctl per step, built mostly valid from the live pool (a
 * real card handle, a real BAR, an in-range aligned offset, the right
 * sizes and zero pads), then with some probability one field mutated.
 * Whatever succeeded goes back to the pool for later steps.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"

#define MUT 4		/* one call in MUT gets a mutated field */

long fz_ioctl(int fd, unsigned long cmd, void *arg)
{
	long r;

	/*
	 * Not under INT_ENABLE: request_irq() creates /proc/irq/N entries
	 * best-effort, ignoring a failed allocation, and the kernel warns
	 * later when it removes the entry that was never made.  That is the
	 * kernel's own tolerance, not udrv's; every other call is fair game.
	 */
	if (cmd != UDRV_IOC_INT_ENABLE)
		fz_fail_begin();
	fz_cover_begin();
	r = ioctl(fd, cmd, arg);
	if (r < 0)
		r = -errno;
	fz_cover_end();
	fz_fail_end();
	return r;
}

bool fz_skip(const char *cls)
{
	const char *s = getenv("UDRV_FUZZ_SKIP");
	size_t n = strlen(cls);

	for (; s && *s; s += strcspn(s, ","), s += *s == ',') {
		if (!strncmp(s, cls, n) && (s[n] == ',' || !s[n]))
			return true;
	}
	return false;
}

/* A copy of a random card (preferring ones with interrupts if asked). */
static bool pick_card(struct fz_card *out, int *idx, bool want_irq)
{
	int i;

	fz_lock();
	i = fz_any_card();
	if (want_irq && i >= 0 && !fz_pool.cards[i].irq) {
		for (int k = 0; k < 4; k++) {
			int j = fz_any_card();

			if (fz_pool.cards[j].irq) {
				i = j;
				break;
			}
		}
	}
	if (i >= 0)
		*out = fz_pool.cards[i];
	fz_unlock();
	if (idx)
		*idx = i;
	return i >= 0;
}

static bool ro(int fd)
{
	return fd == fz_pool.fds[0];
}

/* ---- transfers ------------------------------------------------------- */

static const uint64_t edu_regs[] = { 0x00, 0x04, 0x08, 0x20, 0x24, 0x60,
				     0x64 };

/* A valid command on the card's device; writes only where harmless. */
static void make_xfer(struct udrv_xfer *x, const struct fz_dev *d, int fd,
		      bool allow_string)
{
	bool write = !ro(fd) && d->kind != K_E1000E && fz_chance(2);
	int bi = fz_pick_bar(d, write, false);
	uint32_t w;
	uint64_t len, span;

	memset(x, 0, sizeof(*x));
	if (bi < 0) {
		x->cmd = UDRV_CMD_NONE;
		return;
	}
	x->bar = d->bar[bi].bar;
	len = d->bar[bi].len;
	w = fz_below(d->bar[bi].io ? 3 : 4);
	x->cmd = UDRV_CMD_XFER | w | (d->bar[bi].io ? 0 : UDRV_CMD_MEM) |
		 (write ? UDRV_CMD_WRITE : 0);
	span = 1u << w;
	if (allow_string && fz_chance(6)) {
		x->cmd |= UDRV_CMD_STRING;
		x->bytes = (uint32_t)span * (1 + fz_below(64));
		if (fz_chance(8))
			x->options = UDRV_XFER_NO_AUTOINC;
		else
			span = x->bytes;
		x->data = (uintptr_t)fz_scratch(x->bytes);
	} else {
		x->data = fz_rnd();
	}
	if (span > len) {
		x->cmd = UDRV_CMD_NONE;
		return;
	}
	if (d->kind == K_EDU && fz_chance(2))
		x->addr = edu_regs[fz_below(sizeof(edu_regs) / 8)];
	else
		x->addr = fz_below((uint32_t)(len - span < 0x2000 ? len - span + 1 : 0x2000));
	x->addr &= ~(uint64_t)((1u << w) - 1);
	if (x->addr + span > len)
		x->addr = 0;
	if (d->kind == K_EDU && x->addr == 0x64)
		x->data = ~0ULL;	/* acknowledge every cause */
}

static const struct fz_field xfer_f[] = {
	FZF(struct udrv_xfer, addr, F_OFF),
	FZF(struct udrv_xfer, bar, F_GEN),
	FZF(struct udrv_xfer, cmd, F_FLAGS),
	FZF(struct udrv_xfer, bytes, F_COUNT),
	FZF(struct udrv_xfer, options, F_FLAGS),
};

static void do_transfer(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_transfer, size, F_SIZE),
		FZF(struct udrv_transfer, hcard, F_HANDLE),
		FZF(struct udrv_transfer, xfer.data, F_PTR_OUT),
	};
	struct udrv_transfer t = { .size = sizeof(t) };
	struct fz_card c;

	if (!pick_card(&c, NULL, false))
		return;
	t.hcard = c.h;
	make_xfer(&t.xfer, &fz_devs[c.dev], c.fd, true);
	if (!fz_mutate(&t.xfer, xfer_f, 5, MUT * 2))
		fz_mutate(&t, f, (t.xfer.cmd & UDRV_CMD_STRING) ? 3 : 2, MUT);
	fz_make_safe(&t.xfer, 1, ro(c.fd));
	fz_count(OP_TRANSFER, fz_ioctl(c.fd, UDRV_IOC_TRANSFER, &t));
}

static uint32_t fill_cmds(struct udrv_xfer *x, uint32_t n, const struct fz_card *c,
			  bool strings)
{
	for (uint32_t i = 0; i < n; i++)
		make_xfer(&x[i], &fz_devs[c->dev], c->fd, strings);
	if (n && fz_chance(MUT))
		fz_mutate(&x[fz_below(n)], xfer_f, 5, 1);
	return n;
}

static void do_multi(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_multi_transfer, size, F_SIZE),
		FZF(struct udrv_multi_transfer, hcard, F_HANDLE),
		FZF(struct udrv_multi_transfer, num, F_COUNT),
		FZF(struct udrv_multi_transfer, done, F_GEN),
		FZF(struct udrv_multi_transfer, cmds, F_PTR_IN),
	};
	struct udrv_multi_transfer m = { .size = sizeof(m) };
	uint32_t n = fz_chance(50) ? fz_below(512) + 1 : fz_below(16) + 1;
	struct udrv_xfer *x = fz_cmds(n);
	struct fz_card c;

	if (!pick_card(&c, NULL, false))
		return;
	m.hcard = c.h;
	m.num = fill_cmds(x, n, &c, true);
	m.cmds = (uintptr_t)x;
	fz_mutate(&m, f, 5, MUT);
	fz_make_safe(x, n, ro(c.fd));
	fz_count(OP_MULTI, fz_ioctl(c.fd, UDRV_IOC_MULTI_TRANSFER, &m));
}

/*
 * Prepared lists: a few per process, with the commands they were made of
 * (a run passes them again, data and all: the writes' data is what the
 * safety filter saw).  Lists die with their card or file behind the
 * table's back; runs and frees of those must fail with ESTALE.
 */
#define FZ_MAX_XLISTS 8
#define FZ_XLIST_CMDS 64
static struct {
	bool used;
	int fd;
	uint32_t h, num;
	uint64_t serial;
	struct udrv_xfer cmds[FZ_XLIST_CMDS];
} xlists[FZ_MAX_XLISTS];

static void do_xlist_prepare(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_xlist_prepare, size, F_SIZE),
		FZF(struct udrv_xlist_prepare, hcard, F_HANDLE),
		FZF(struct udrv_xlist_prepare, num, F_COUNT),
		FZF(struct udrv_xlist_prepare, cmds, F_PTR_IN),
		FZF(struct udrv_xlist_prepare, pad, F_PAD),
	};
	struct udrv_xlist_prepare p = { .size = sizeof(p) };
	uint32_t n = fz_below(FZ_XLIST_CMDS) + 1;
	struct udrv_xfer *x = fz_cmds(n);
	struct fz_card c;
	long ret;
	int i;

	if (!pick_card(&c, NULL, false))
		return;
	p.hcard = c.h;
	p.num = fill_cmds(x, n, &c, false);
	p.cmds = (uintptr_t)x;
	fz_mutate(&p, f, 5, MUT);
	fz_make_safe(x, n, ro(c.fd));
	ret = fz_ioctl(c.fd, UDRV_IOC_XLIST_PREPARE, &p);
	fz_count(OP_XLIST_PREPARE, ret);
	if (ret || p.num != n)
		return;
	fz_lock();
	i = (int)fz_below(FZ_MAX_XLISTS);
	xlists[i].used = true;	/* the entry it replaces is leaked: fine */
	xlists[i].fd = c.fd;
	xlists[i].h = p.handle;
	xlists[i].serial = p.serial;
	xlists[i].num = n;
	memcpy(xlists[i].cmds, x, n * sizeof(*x));
	fz_unlock();
}

static bool pick_xlist(struct udrv_xlist_run *r, int *fd, struct udrv_xfer *x)
{
	int i = (int)fz_below(FZ_MAX_XLISTS);
	bool used;

	fz_lock();
	used = xlists[i].used;
	if (used) {
		*fd = xlists[i].fd;
		r->handle = xlists[i].h;
		r->serial = xlists[i].serial;
		r->num = xlists[i].num;
		memcpy(x, xlists[i].cmds, r->num * sizeof(*x));
	}
	fz_unlock();
	return used;
}

static void do_xlist_run(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_xlist_run, size, F_SIZE),
		FZF(struct udrv_xlist_run, handle, F_HANDLE),
		FZF(struct udrv_xlist_run, serial, F_GEN),
		FZF(struct udrv_xlist_run, num, F_COUNT),
		FZF(struct udrv_xlist_run, cmds, F_PTR_OUT),
	};
	struct udrv_xlist_run r = { .size = sizeof(r) };
	struct udrv_xfer *x = fz_cmds(FZ_XLIST_CMDS);
	int fd;

	if (!pick_xlist(&r, &fd, x))
		return;
	r.cmds = (uintptr_t)x;
	fz_mutate(&r, f, 5, MUT);
	fz_count(OP_XLIST_RUN, fz_ioctl(fd, UDRV_IOC_XLIST_RUN, &r));
}

static void do_xlist_free(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_xlist_free, size, F_SIZE),
		FZF(struct udrv_xlist_free, handle, F_HANDLE),
		FZF(struct udrv_xlist_free, serial, F_GEN),
	};
	struct udrv_xlist_free fr = { .size = sizeof(fr) };
	struct udrv_xlist_run r;
	struct udrv_xfer *x = fz_cmds(FZ_XLIST_CMDS);
	int fd;

	if (!pick_xlist(&r, &fd, x))
		return;
	fr.handle = r.handle;
	fr.serial = r.serial;
	fz_mutate(&fr, f, 3, MUT);
	fz_count(OP_XLIST_FREE, fz_ioctl(fd, UDRV_IOC_XLIST_FREE, &fr));
}

static void do_cleanup(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_cleanup_setup, size, F_SIZE),
		FZF(struct udrv_cleanup_setup, hcard, F_HANDLE),
		FZF(struct udrv_cleanup_setup, num, F_COUNT),
		FZF(struct udrv_cleanup_setup, options, F_FLAGS),
		FZF(struct udrv_cleanup_setup, cmds, F_PTR_IN),
	};
	struct udrv_cleanup_setup s = { .size = sizeof(s) };
	uint32_t n = fz_below(9);
	struct udrv_xfer *x = fz_cmds(n);
	struct fz_card c;

	if (!pick_card(&c, NULL, false))
		return;
	s.hcard = c.h;
	s.num = fill_cmds(x, n, &c, false);
	s.options = fz_chance(2) ? UDRV_CLEANUP_FORCE : 0;
	s.cmds = (uintptr_t)x;
	fz_mutate(&s, f, 5, MUT);
	fz_make_safe(x, n, ro(c.fd));
	fz_count(OP_CLEANUP, fz_ioctl(c.fd, UDRV_IOC_CLEANUP_SETUP, &s));
}

/* ---- registration and information ------------------------------------ */

static int dev_of_slot(const struct udrv_slot *s)
{
	for (unsigned int i = 0; i < fz_ndevs; i++)
		if (!memcmp(&fz_devs[i].slot, s, sizeof(*s)))
			return (int)i;
	return -1;
}

static void do_register(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_register, size, F_SIZE),
		FZF(struct udrv_register, slot.domain, F_GEN),
		FZF(struct udrv_register, slot.bus, F_GEN),
		FZF(struct udrv_register, slot.slot, F_GEN),
		FZF(struct udrv_register, slot.function, F_GEN),
		FZF(struct udrv_register, slot.pad, F_PAD),
		FZF(struct udrv_register, options, F_FLAGS),
		FZF(struct udrv_register, pad, F_PAD),
	};
	struct udrv_register r = { .size = sizeof(r) };
	int di = (int)fz_below(fz_ndevs), fd, slot = -1;
	long ret;

	if (!fz_ndevs)
		return;
	/* e1000e (or anything unknown) is only ever held by the read-only file */
	fd = fz_devs[di].kind >= K_E1000E || fz_chance(4) ? fz_pool.fds[0] :
							     fz_rw_fd();
	r.slot = fz_devs[di].slot;
	r.options = fz_chance(10) ? 0 : UDRV_REG_SHARED;
	fz_mutate(&r, f, 8, MUT);
	di = dev_of_slot(&r.slot);
	if (di >= 0 && fz_devs[di].kind >= K_E1000E)
		fd = fz_pool.fds[0];
	ret = fz_ioctl(fd, UDRV_IOC_REGISTER, &r);
	fz_count(OP_REGISTER, ret);
	if (ret < 0 || di < 0)
		return;
	fz_lock();
	for (int i = 0; i < FZ_MAX_CARDS; i++)
		if (!fz_pool.cards[i].used) {
			slot = i;
			break;
		}
	if (slot >= 0)
		fz_pool.cards[slot] = (struct fz_card){ .used = true, .fd = fd,
							.h = r.hcard, .dev = di };
	fz_unlock();
	if (slot < 0) {
		struct udrv_unregister u = { sizeof(u), r.hcard };

		fz_count(OP_UNREGISTER, fz_ioctl(fd, UDRV_IOC_UNREGISTER, &u));
	}
}

static void do_unregister(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_unregister, size, F_SIZE),
		FZF(struct udrv_unregister, hcard, F_HANDLE),
	};
	struct udrv_unregister u = { .size = sizeof(u) };
	struct fz_card c;
	long ret;

	if (!pick_card(&c, NULL, false))
		return;
	u.hcard = c.h;
	fz_mutate(&u, f, 2, MUT);
	fz_free_begin();
	ret = fz_ioctl(c.fd, UDRV_IOC_UNREGISTER, &u);
	fz_count(OP_UNREGISTER, ret);
	fz_ev("unreg", c.fd, u.hcard, NULL, 0, ret);
	fz_lock();
	if (ret == 0)
		fz_card_gone(c.fd, u.hcard);
	fz_free_end();
	fz_unlock();
}

static void do_version(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_version, size, F_SIZE),
		FZF(struct udrv_version, abi_version, F_GEN),
	};
	struct udrv_version v = { .size = sizeof(v) };

	fz_mutate(&v, f, 2, MUT);
	fz_count(OP_VERSION, fz_ioctl(fz_pool.fds[fz_below(FZ_NFD)],
				      UDRV_IOC_VERSION, &v));
}

static void do_scan(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_scan, size, F_SIZE),
		FZF(struct udrv_scan, vendor, F_GEN),
		FZF(struct udrv_scan, device, F_GEN),
		FZF(struct udrv_scan, max, F_COUNT),
		FZF(struct udrv_scan, entries, F_PTR_OUT),
	};
	struct udrv_scan s = { .size = sizeof(s) };

	s.max = fz_below(UDRV_MAX_SCAN + 1);
	s.entries = (uintptr_t)fz_scratch(s.max * sizeof(struct udrv_scan_entry));
	if (fz_chance(2) && fz_ndevs) {
		s.vendor = fz_devs[fz_below(fz_ndevs)].vendor;
		s.device = fz_chance(2) ? 0 : fz_devs[fz_below(fz_ndevs)].device;
	}
	fz_mutate(&s, f, 5, MUT);
	fz_count(OP_SCAN, fz_ioctl(fz_pool.fds[fz_below(FZ_NFD)],
				   UDRV_IOC_SCAN, &s));
}

static void do_card_info(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_card_info, size, F_SIZE),
		FZF(struct udrv_card_info, slot.bus, F_GEN),
		FZF(struct udrv_card_info, slot.slot, F_GEN),
		FZF(struct udrv_card_info, slot.function, F_GEN),
		FZF(struct udrv_card_info, slot.pad, F_PAD),
	};
	struct udrv_card_info ci;

	memset(&ci, 0, sizeof(ci));
	ci.size = sizeof(ci);
	if (fz_ndevs)
		ci.slot = fz_devs[fz_below(fz_ndevs)].slot;
	fz_mutate(&ci, f, 5, MUT);
	fz_count(OP_CARD_INFO, fz_ioctl(fz_pool.fds[fz_below(FZ_NFD)],
					UDRV_IOC_CARD_INFO, &ci));
}

/*
 * Config space: reads anywhere; a write only ever puts back the bytes just
 * read at the same place (the agent filters what it owns; this keeps
 * the rest of the device's state as it was).  A mutated write may only
 * fail: a bad pointer, size or pad, or a slot where nothing is.
 */
static void do_config(bool write)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_config, size, F_SIZE),
		FZF(struct udrv_config, slot.bus, F_GEN),
		FZF(struct udrv_config, slot.function, F_GEN),
		FZF(struct udrv_config, offset, F_OFF),
		FZF(struct udrv_config, bytes, F_COUNT),
		FZF(struct udrv_config, write, F_GEN),
		FZF(struct udrv_config, pad, F_PAD),
		FZF(struct udrv_config, buf, F_PTR_OUT),
	};
	struct udrv_config c = { .size = sizeof(c) };
	struct fz_card card;
	int fd;
	long ret;

	if (!pick_card(&card, NULL, false) ||
	    (write && fz_devs[card.dev].kind >= K_E1000E))
		return;
	fd = card.fd;
	c.slot = fz_devs[card.dev].slot;
	c.bytes = 1 + fz_below(fz_chance(4) ? 4096 : 8);
	c.offset = fz_below(fz_chance(4) ? 4096 : 256);
	c.buf = (uintptr_t)fz_scratch(c.bytes);
	if (!write) {
		fz_mutate(&c, f, 8, MUT);
		fz_count(OP_CONFIG_READ, fz_ioctl(fd, UDRV_IOC_CONFIG, &c));
		return;
	}
	if (ioctl(fd, UDRV_IOC_CONFIG, &c))
		return;
	c.write = 1;
	if (fz_chance(MUT)) {
		switch (fz_below(4)) {
		case 0:
			c.buf = fz_bad_ptr();
			break;
		case 1:
			c.size += fz_chance(2) ? 8 : -8u;
			break;
		case 2:
			c.pad[fz_below(2)] = 1;
			break;
		default:
			c.slot.bus = 0xfe;
			break;
		}
		atomic_fetch_add_explicit(&fz_st->mutated, 1, memory_order_relaxed);
	}
	ret = fz_ioctl(fd, UDRV_IOC_CONFIG, &c);
	fz_count(OP_CONFIG_WRITE, ret);
}

/* ---- interrupts ------------------------------------------------------ */

static void raise_irq(const struct fz_card *c)
{
	struct udrv_transfer t = { .size = sizeof(t), .hcard = c->h };

	if (fz_devs[c->dev].kind != K_EDU || ro(c->fd))
		return;
	t.xfer.cmd = UDRV_CMD_XFER | UDRV_CMD_MEM | UDRV_CMD_WRITE | 2;
	t.xfer.addr = 0x60;
	t.xfer.data = 1u << fz_below(8);
	fz_count(OP_TRANSFER, fz_ioctl(c->fd, UDRV_IOC_TRANSFER, &t));
}

static void do_int_enable(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_int_enable, size, F_SIZE),
		FZF(struct udrv_int_enable, hcard, F_HANDLE),
		FZF(struct udrv_int_enable, options, F_FLAGS),
		FZF(struct udrv_int_enable, num_cmds, F_COUNT),
		FZF(struct udrv_int_enable, cmds, F_PTR_IN),
		FZF(struct udrv_int_enable, max_vectors, F_COUNT),
		FZF(struct udrv_int_enable, hkp, F_GEN),
		FZF(struct udrv_int_enable, pad, F_PAD),
		FZF(struct udrv_int_enable, kp_message, F_GEN),
		FZF(struct udrv_int_enable, kp_size, F_COUNT),
		FZF(struct udrv_int_enable, kp_data, F_PTR_IN),
	};
	struct udrv_int_enable e = { .size = sizeof(e) };
	struct udrv_xfer *x = fz_cmds(3);
	struct fz_card c;
	int ci;
	long ret;

	if (!pick_card(&c, &ci, false))
		return;
	e.hcard = c.h;
	e.options = fz_below(UDRV_INT_TYPES + 1) |
		    (fz_chance(2) ? UDRV_INT_CMD_COPY : 0);
	e.max_vectors = fz_below(5);
	if (fz_devs[c.dev].kind == K_EDU) {
		/* read the cause, acknowledge it (a read on the r/o file) */
		x[0] = (struct udrv_xfer){ .addr = 0x24, .cmd = UDRV_CMD_XFER |
					   UDRV_CMD_MEM | 2 };
		x[1] = (struct udrv_xfer){ .addr = 0x64, .cmd = UDRV_CMD_XFER |
					   UDRV_CMD_MEM | UDRV_CMD_WRITE | 2,
					   .data = ~0ULL };
		e.num_cmds = 2;
		if (fz_chance(4)) {
			/*
			 * "Mine if bit 0": raise_irq sets other bits too, so
			 * the commands may call the device's own assertion
			 * not its own; the agent must survive that on a
			 * shared INTx line.
			 */
			x[2] = x[1];
			x[1] = (struct udrv_xfer){ .cmd = UDRV_CMD_MASK,
				.data = fz_skip("lyingmask") ? ~0ULL : 0x1 };
			e.num_cmds = 3;
		}
	} else {
		e.num_cmds = fill_cmds(x, fz_below(3), &c, false);
	}
	e.cmds = e.num_cmds ? (uintptr_t)x : 0;
	fz_mutate(&e, f, 8, MUT);
	fz_make_safe(x, 3, ro(c.fd));
	ret = fz_ioctl(c.fd, UDRV_IOC_INT_ENABLE, &e);
	fz_count(OP_INT_ENABLE, ret);
	if (ret == 0) {
		fz_lock();
		for (int i = 0; i < FZ_MAX_CARDS; i++)
			if (fz_pool.cards[i].used && fz_pool.cards[i].fd == c.fd &&
			    fz_pool.cards[i].h == e.hcard)
				fz_pool.cards[i].irq = true;
		fz_unlock();
		raise_irq(&c);
	}
}

static void do_int_wait(bool block)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_int_wait, size, F_SIZE),
		FZF(struct udrv_int_wait, hcard, F_HANDLE),
		FZF(struct udrv_int_wait, num_cmds, F_COUNT),
		FZF(struct udrv_int_wait, cmds, F_PTR_OUT),
		FZF(struct udrv_int_wait, count, F_GEN),
		FZF(struct udrv_int_wait, kp_count, F_GEN),	/* out only */
	};
	struct udrv_int_wait w = { .size = sizeof(w) };
	struct udrv_xfer *x = fz_scratch(UDRV_MAX_INT_CMDS * sizeof(*x));
	struct fz_card c;

	if (!pick_card(&c, NULL, true))
		return;
	w.hcard = c.h;
	/* Never 0 (no timeout): nothing might ever wake the thread. */
	w.timeout_ms = 1 + fz_below(4);
	w.num_cmds = fz_below(UDRV_MAX_INT_CMDS + 1);
	w.cmds = (uintptr_t)x;
	fz_mutate(&w, f, 6, MUT);
	if (block && fz_chance(4) == false)
		raise_irq(&c);
	fz_count(block ? OP_INT_WAIT : OP_INT_COUNT,
		 fz_ioctl(c.fd, block ? UDRV_IOC_INT_WAIT : UDRV_IOC_INT_COUNT,
			  &w));
}

static void do_int_disable(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_int_disable, size, F_SIZE),
		FZF(struct udrv_int_disable, hcard, F_HANDLE),
	};
	struct udrv_int_disable d = { .size = sizeof(d) };
	struct fz_card c;
	long ret;

	if (!pick_card(&c, NULL, true))
		return;
	d.hcard = c.h;
	fz_mutate(&d, f, 2, MUT);
	ret = fz_ioctl(c.fd, UDRV_IOC_INT_DISABLE, &d);
	fz_count(OP_INT_DISABLE, ret);
	fz_lock();
	for (int i = 0; i < FZ_MAX_CARDS; i++)
		if (fz_pool.cards[i].used && fz_pool.cards[i].fd == c.fd &&
		    fz_pool.cards[i].h == d.hcard && (!ret || ret == -EALREADY))
			fz_pool.cards[i].irq = false;
	fz_unlock();
}

static void do_int_fd(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_int_fd, size, F_SIZE),
		FZF(struct udrv_int_fd, hcard, F_HANDLE),
		FZF(struct udrv_int_fd, fd, F_GEN),
		FZF(struct udrv_int_fd, flags, F_FLAGS),
	};
	struct udrv_int_fd r = { .size = sizeof(r) };
	struct fz_card c;
	int ci, slot = -1;
	long ret;

	if (!pick_card(&c, &ci, true))
		return;
	r.hcard = c.h;
	if (fz_chance(2))	/* WD_IntWait's descriptor, the status */
		r.flags = UDRV_INT_FD_STATUS;
	fz_mutate(&r, f, 4, MUT);
	ret = fz_ioctl(c.fd, UDRV_IOC_INT_FD, &r);
	fz_count(OP_INT_FD, ret);
	if (ret != 0)
		return;
	fcntl(r.fd, F_SETFL, O_NONBLOCK);
	fz_lock();
	for (int i = 0; i < FZ_MAX_INTFDS && slot < 0; i++)
		if (!fz_pool.intfds[i].used)
			slot = i;
	if (slot < 0) {
		slot = (int)fz_below(FZ_MAX_INTFDS);
		close(fz_pool.intfds[slot].fd);
	}
	fz_pool.intfds[slot] = (struct fz_intfd){ true, r.fd, ci };
	fz_unlock();
}

static void do_intfd_read(void)
{
	struct fz_card c = { 0 };
	uint64_t n;
	int i, fd;
	long r;

	fz_lock();
	i = fz_any_intfd();
	if (i >= 0) {
		fd = fz_pool.intfds[i].fd;
		if (fz_pool.cards[fz_pool.intfds[i].card].used)
			c = fz_pool.cards[fz_pool.intfds[i].card];
	}
	fz_unlock();
	if (i < 0)
		return;
	if (c.used)
		raise_irq(&c);
	if (fz_chance(4)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		poll(&p, 1, 1);
	}
	switch (fz_below(10)) {
	case 0:
		r = read(fd, &n, 4);		/* too short */
		break;
	case 1:
		r = read(fd, (void *)(uintptr_t)fz_bad_ptr(), 8);
		break;
	case 2: case 3: {
		/* a status descriptor's size, with room for 0..19 values */
		size_t len = sizeof(struct udrv_int_status) + 8 * fz_below(20);

		r = read(fd, fz_scratch(len), len);
		break;
	}
	default:
		r = read(fd, &n, 8);
		break;
	}
	fz_count(OP_INTFD_READ, r < 0 ? -errno : r);
	if (fz_chance(16)) {
		fz_lock();
		if (fz_pool.intfds[i].used && fz_pool.intfds[i].fd == fd) {
			close(fd);
			fz_pool.intfds[i].used = false;
		}
		fz_unlock();
	}
}

/* ---- DMA ------------------------------------------------------------- */

static void do_dma_lock(bool contig)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_dma_lock, size, F_SIZE),
		FZF(struct udrv_dma_lock, hcard, F_HANDLE),
		FZF(struct udrv_dma_lock, options, F_FLAGS),
		FZF(struct udrv_dma_lock, num_pages, F_COUNT),
		FZF(struct udrv_dma_lock, user_addr, F_PTR_OUT),
		FZF(struct udrv_dma_lock, bytes, F_COUNT),
		FZF(struct udrv_dma_lock, pages, F_PTR_OUT),
		FZF(struct udrv_dma_lock, hdma, F_GEN),
		FZF(struct udrv_dma_lock, pad, F_PAD),
	};
	struct udrv_dma_lock l = { .size = sizeof(l) };
	size_t pg = 4096, ulen = 0;
	unsigned char *ubuf = NULL;
	struct fz_card c;
	int ci, slot = -1;
	long ret;

	if (!pick_card(&c, &ci, false))
		return;
	l.hcard = c.h;
	l.options = (contig ? UDRV_DMA_CONTIG : 0) | (fz_below(4) << 1) |
		    (fz_chance(2) ? UDRV_DMA_ALLOW_64BIT : 0);
	l.bytes = 1 + fz_below(fz_chance(32) ? (1u << 20) : (32u << 10));
	if (!contig) {
		size_t skew = fz_chance(2) ? fz_below(4096) : 0;

		ulen = (skew + l.bytes + pg - 1) / pg * pg;
		ubuf = mmap(NULL, ulen, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ubuf == MAP_FAILED)
			return;
		/*
		 * A read-only buffer (pinned read-only, for the device to
		 * read) is written first: never-written anonymous memory is
		 * the one shared zero page, which several buffers would then
		 * map at once, and the debug kernel's DMA-API checker gives
		 * up on syncs of a page mapped twice (see docs/dma.md).
		 */
		if (fz_chance(8)) {
			memset(ubuf, 0x5a, ulen);
			mprotect(ubuf, ulen, PROT_READ);
		}
		if (fz_chance(2))
			madvise(ubuf, ulen, MADV_WILLNEED);
		l.user_addr = (uintptr_t)ubuf + skew;
	}
	l.num_pages = contig ? 1 + fz_below(2) : (uint32_t)(ulen / pg) + fz_below(2);
	if (fz_chance(8))
		l.num_pages = fz_below(l.num_pages + 1);
	l.pages = (uintptr_t)fz_scratch(l.num_pages * sizeof(struct udrv_dma_page));
	fz_mutate(&l, f, 9, MUT);
	/*
	 * A mutated buffer address is a bad one, never the shared scratch:
	 * two buffers over one page of one device (legal) make the debug
	 * kernel's DMA-API checker give up on their syncs (its best-fit
	 * lookup refuses duplicates without an IOMMU) and warn.
	 */
	if (!contig && (l.user_addr < (uintptr_t)ubuf ||
			l.user_addr >= (uintptr_t)ubuf + ulen))
		l.user_addr = fz_bad_ptr();
	if (contig && fz_skip("bigcontig") && l.bytes > (4u << 20) &&
	    l.bytes <= UDRV_MAX_DMA_CONTIG)
		l.bytes = 4u << 20;
	ret = fz_ioctl(c.fd, UDRV_IOC_DMA_LOCK, &l);
	fz_count(contig ? OP_DMA_LOCK_CONTIG : OP_DMA_LOCK_SG, ret);
	fz_ev(contig ? "lockC" : "lockS", c.fd, ret ? 0 : l.hdma, ubuf, ulen, ret);
	if (ret == 0) {
		fz_lock();
		if (fz_pool.cards[ci].used && fz_pool.cards[ci].fd == c.fd &&
		    fz_pool.cards[ci].h == l.hcard)
			for (int i = 0; i < FZ_MAX_DMAS && slot < 0; i++)
				if (!fz_pool.dmas[i].used)
					slot = i;
		fz_ev("lockrec", c.fd, l.hdma, NULL, 0, slot);
		if (slot >= 0)
			fz_pool.dmas[slot] = (struct fz_dma){
				.used = true, .contig = contig, .fd = c.fd,
				.card = ci, .h = l.hdma, .bytes = l.bytes,
				.off = l.mmap_offset, .ubuf = ubuf,
				.ulen = ulen };
		fz_unlock();
		if (slot < 0) {
			struct udrv_dma_op op = { .size = sizeof(op),
						  .hdma = l.hdma };

			/* a free like any other: touches wait for its end */
			fz_free_begin();
			fz_count(OP_DMA_UNLOCK, fz_ioctl(c.fd, UDRV_IOC_DMA_UNLOCK,
							 &op));
			fz_lock();
			fz_free_end();
			fz_unlock();
		} else {
			return;
		}
	}
	if (ubuf)
		munmap(ubuf, ulen);
}

static bool pick_dma(struct fz_dma *out)
{
	int i;

	fz_lock();
	i = fz_any_dma();
	if (i >= 0)
		*out = fz_pool.dmas[i];
	fz_unlock();
	return i >= 0;
}

static const struct fz_field dma_op_f[] = {
	FZF(struct udrv_dma_op, size, F_SIZE),
	FZF(struct udrv_dma_op, hdma, F_DMAH),
	FZF(struct udrv_dma_op, sync, F_GEN),
	FZF(struct udrv_dma_op, pad, F_PAD),
	FZF(struct udrv_dma_op, offset, F_OFF),
	FZF(struct udrv_dma_op, length, F_COUNT),
};

static void do_dma_unlock(void)
{
	struct udrv_dma_op op = { .size = sizeof(op) };
	struct fz_dma d;
	long ret;

	if (!pick_dma(&d))
		return;
	op.hdma = d.h;
	fz_mutate(&op, dma_op_f, 6, MUT);
	fz_free_begin();
	fz_ev("unlock>", d.fd, op.hdma, NULL, 0, d.h);
	ret = fz_ioctl(d.fd, UDRV_IOC_DMA_UNLOCK, &op);
	fz_count(OP_DMA_UNLOCK, ret);
	fz_ev("unlock<", d.fd, op.hdma, NULL, 0, ret);
	fz_lock();
	if (ret == 0)
		fz_dma_gone(d.fd, op.hdma);
	fz_free_end();
	fz_unlock();
}

static void do_dma_sync(void)
{
	struct udrv_dma_op op = { .size = sizeof(op) };
	struct fz_dma d;

	if (!pick_dma(&d))
		return;
	op.hdma = d.h;
	op.sync = 1 + fz_below(2);
	if (fz_chance(2)) {
		op.offset = fz_below((uint32_t)d.bytes);
		op.length = fz_below((uint32_t)(d.bytes - op.offset) + 1);
	}
	fz_mutate(&op, dma_op_f, 6, MUT);
	fz_count(OP_DMA_SYNC, fz_ioctl(d.fd, UDRV_IOC_DMA_SYNC, &op));
}

static void do_dma_mask(void)
{
	static const struct fz_field f[] = {
		FZF(struct udrv_dma_mask, size, F_SIZE),
		FZF(struct udrv_dma_mask, hcard, F_HANDLE),
		FZF(struct udrv_dma_mask, bits, F_GEN),
		FZF(struct udrv_dma_mask, pad, F_PAD),
	};
	static const uint32_t bits[] = { 24, 28, 32, 36, 40, 48, 64 };
	struct udrv_dma_mask m = { .size = sizeof(m) };
	struct fz_card c;

	if (!pick_card(&c, NULL, false))
		return;
	m.hcard = c.h;
	m.bits = bits[fz_below(7)];
	fz_mutate(&m, f, 4, MUT);
	fz_count(OP_DMA_MASK, fz_ioctl(c.fd, UDRV_IOC_DMA_MASK, &m));
}

/* Unknown numbers, wrong sizes and directions: the argument is all zero. */
static void do_bad_ioctl(void)
{
	unsigned char *arg = fz_scratch(512);
	unsigned long cmd;

	memset(arg, 0, 512);
	switch (fz_below(4)) {
	case 0:
		cmd = _IOWR(UDRV_IOC_MAGIC, UDRV_IOC_LAST_NR + 1 + fz_below(200),
			    struct udrv_dma_op);
		break;
	case 1:
		cmd = _IOC(_IOC_READ | _IOC_WRITE, UDRV_IOC_MAGIC,
			   fz_below(UDRV_IOC_LAST_NR + 1), 8 * fz_below(40));
		break;
	case 2:
		cmd = _IOC(fz_below(4), UDRV_IOC_MAGIC,
			   fz_below(UDRV_IOC_LAST_NR + 1), sizeof(struct udrv_xfer));
		break;
	default:
		cmd = fz_rnd() & 0xffffffff;
		break;
	}
	fz_count(OP_BAD_IOCTL, fz_ioctl(fz_pool.fds[fz_below(FZ_NFD)], cmd,
					fz_chance(4) ? (void *)(uintptr_t)fz_bad_ptr() : arg));
}

/* ---- the step -------------------------------------------------------- */

struct weighted { void (*fn)(void); uint32_t w; const char *cls; };
static void cfg_read(void) { do_config(false); }
static void cfg_write(void) { do_config(true); }
static void wait_block(void) { do_int_wait(true); }
static void wait_count(void) { do_int_wait(false); }
static void lock_contig(void) { do_dma_lock(true); }
static void lock_sg(void) { do_dma_lock(false); }
static void mem_op(void) { fz_step_mem(fz_below(1000)); }

static const struct weighted steps[] = {
	{ do_version, 1, "info" }, { do_scan, 2, "info" },
	{ do_card_info, 2, "info" }, { cfg_read, 4, "config" },
	{ cfg_write, 2, "config" }, { do_register, 8, NULL },
	{ do_unregister, 3, "unregister" }, { do_transfer, 24, "xfer" },
	{ do_multi, 8, "xfer" }, { do_cleanup, 3, "xfer" },
	{ do_int_enable, 4, "irq" }, { wait_block, 1, "irq" },
	{ wait_count, 4, "irq" }, { do_int_disable, 2, "irq" },
	{ do_int_fd, 2, "irq" }, { do_intfd_read, 3, "irq" },
	{ lock_contig, 4, "dma" }, { lock_sg, 4, "dma" },
	{ do_dma_unlock, 5, "dma" }, { do_dma_sync, 4, "dma" },
	{ do_dma_mask, 1, "dma" }, { do_bad_ioctl, 2, "info" },
	{ mem_op, 14, "mmap" },
	{ fz_kp_open, 2, "kp" }, { fz_kp_call, 6, "kp" },
	{ fz_kp_close, 2, "kp" },
	{ fz_event_register, 2, "event" }, { fz_event_pull, 3, "event" },
	{ fz_event_unregister, 2, "event" },
	{ fz_debug_set, 1, "debug" }, { fz_debug_dump, 2, "debug" },
	{ fz_debug_add, 2, "debug" },
	{ do_xlist_prepare, 3, "xfer" }, { do_xlist_run, 6, "xfer" },
	{ do_xlist_free, 2, "xfer" },
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

/* UDRV_FUZZ_SKIP classes get weight 0 (parsed once). */
static uint32_t weight[NSTEPS], total_weight;
static pthread_once_t weights_once = PTHREAD_ONCE_INIT;

static void init_weights(void)
{
	for (size_t i = 0; i < NSTEPS; i++) {
		weight[i] = (steps[i].cls && fz_skip(steps[i].cls)) ||
			    (steps[i].fn == fz_kp_open && !fz_have_kp) ? 0 :
			    steps[i].w;
		total_weight += weight[i];
	}
}

void fz_step(void)
{
	uint32_t r;

	pthread_once(&weights_once, init_weights);
	r = fz_below(total_weight);
	for (size_t i = 0; i < NSTEPS; i++) {
		if (r < weight[i]) {
			steps[i].fn();
			return;
		}
		r -= weight[i];
	}
}
