// SPDX-License-Identifier: MIT
/*
 * debugmon.c: the debug monitor's calls.  Settings change now and then,
 * so that the agent's own logging runs, at every level and area, under
 * everything else the fuzzer does (at IRQ time too); dumps drain the ring
 * into scratch that ends at a guard page; programs add lines of any
 * length.  A dump waits at most 20 ms: its timeout is not mutated, since
 * 0 means "until a record" and would park a worker.  The parent turns
 * logging off again at the end (fz_debug_off).
 */
#include <string.h>
#include <sys/ioctl.h>

#include "fuzz.h"

static const struct fz_field set_f[] = {
	FZF(struct udrv_debug_set, size, F_SIZE),
	FZF(struct udrv_debug_set, flags, F_FLAGS),
	FZF(struct udrv_debug_set, level, F_GEN),
	FZF(struct udrv_debug_set, areas, F_FLAGS),
	FZF(struct udrv_debug_set, old_level, F_PAD),
	FZF(struct udrv_debug_set, old_areas, F_PAD),
};

static const struct fz_field dump_f[] = {
	FZF(struct udrv_debug_dump, size, F_SIZE),
	FZF(struct udrv_debug_dump, flags, F_FLAGS),
	FZF(struct udrv_debug_dump, max, F_COUNT),
	FZF(struct udrv_debug_dump, records, F_PTR_OUT),
	FZF(struct udrv_debug_dump, got, F_PAD),
	FZF(struct udrv_debug_dump, pad, F_PAD),
	FZF(struct udrv_debug_dump, dropped, F_PAD),
};

static const struct fz_field add_f[] = {
	FZF(struct udrv_debug_add, size, F_SIZE),
	FZF(struct udrv_debug_add, level, F_GEN),
	FZF(struct udrv_debug_add, len, F_COUNT),
	FZF(struct udrv_debug_add, pad, F_PAD),
	FZF(struct udrv_debug_add, text, F_PTR_IN),
};

static int any_fd(void)
{
	int fd;

	fz_lock();
	fd = fz_pool.fds[fz_below(FZ_NFD)];
	fz_unlock();
	return fd;
}

void fz_debug_set(void)
{
	struct udrv_debug_set s = { .size = sizeof(s) };

	if (fz_chance(4))
		s.flags = UDRV_DEBUG_QUERY;
	/* mostly on, and everything now and then: the logging paths run */
	s.level = fz_chance(4) ? UDRV_DBG_OFF : 1 + fz_below(UDRV_DBG_TRACE);
	s.areas = fz_chance(3) ? UDRV_DBG_S_ALL : (uint32_t)fz_rnd() & 0xff;
	fz_mutate(&s, set_f, 6, 8);
	fz_count(OP_DEBUG_SET, fz_ioctl(any_fd(), UDRV_IOC_DEBUG_SET, &s));
}

void fz_debug_dump(void)
{
	struct udrv_debug_dump d = { .size = sizeof(d) };

	d.max = 1 + fz_below(UDRV_DEBUG_MAX_DUMP);
	/* ends at a guard page: one record too many faults, not corrupts */
	d.records = (uintptr_t)fz_scratch(d.max *
					 sizeof(struct udrv_debug_record));
	if (fz_chance(3)) {
		d.flags = UDRV_DEBUG_WAIT;
		d.timeout_ms = 1 + fz_below(20);
	}
	fz_mutate(&d, dump_f, 7, 8);
	fz_count(OP_DEBUG_DUMP, fz_ioctl(any_fd(), UDRV_IOC_DEBUG_DUMP, &d));
}

void fz_debug_add(void)
{
	struct udrv_debug_add a = { .size = sizeof(a) };
	char *text;

	a.level = 1 + fz_below(UDRV_DBG_TRACE);
	a.len = 1 + fz_below(UDRV_DEBUG_TEXT - 1);
	text = fz_scratch(a.len);	/* the last byte is the guard's neighbour */
	memset(text, 'a' + fz_below(26), a.len);
	a.text = (uintptr_t)text;
	fz_mutate(&a, add_f, 5, 8);
	fz_count(OP_DEBUG_ADD, fz_ioctl(any_fd(), UDRV_IOC_DEBUG_ADD, &a));
}

/* Back to the default (off), and the ring drained, for the tests after. */
bool fz_debug_off(int fd)
{
	struct udrv_debug_set s = { .size = sizeof(s), .level = UDRV_DBG_OFF };

	return ioctl(fd, UDRV_IOC_DEBUG_SET, &s) == 0;
}
