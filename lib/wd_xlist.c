// SPDX-License-Identifier: MIT
/*
 * wd_xlist.c - WD_MultiTransfer's cache of prepared transfer lists.
 *
 * A program that issues the same list of scalar commands again and again
 * (poll a set of status registers, program a set of registers) pays for
 * the checks, here and in the agent, on every call.  The agent can check
 * a list once and keep it (UDRV_IOC_XLIST_PREPARE); a run then only moves
 * the data.  This cache does that behind WD_MultiTransfer: a list seen
 * once (and run without error) is remembered by its commands - every field
 * but `data`, which carries the values - and prepared when seen again;
 * from then on a call whose commands are equal, field by field, to the
 * remembered ones runs the prepared list.  Any other list, a list with
 * block commands or a run the agent refuses (list gone with its card,
 * device removed) takes the ordinary path, whose checks and messages are
 * unchanged.  The cache is a small table shared by the threads, under one
 * mutex that is never held across a run.
 */
#include <errno.h>
#include <stdlib.h>
#include "udrv_internal.h"

#define XC_SLOTS	8

/* The fields that say what a command does; `data` is not among them */
struct xc_key {
	uint64_t addr;
	uint32_t bar, cmd, bytes, options;
};

struct xc_slot {
	int hwd;
	uint32_t hcard;
	uint32_t n;		/* 0: a free slot */
	bool prepared;		/* else seen once: a candidate */
	uint32_t handle;
	uint64_t serial;
	uint64_t used;		/* for eviction, the least recently used */
	uint64_t hash;		/* of the keys */
	struct xc_key *key;
};

static pthread_mutex_t xc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xc_slot xc[XC_SLOTS];
static struct xc_slot *xc_last;	/* the slot found last */
static uint64_t xc_tick;

static bool key_eq(const struct xc_key *k, const WD_TRANSFER *t)
{
	return k->addr == t->addr && k->bar == t->bar && k->cmd == t->cmd &&
	       k->bytes == t->bytes && k->options == t->options;
}

static uint64_t key_mix(uint64_t h, const WD_TRANSFER *t)
{
	h = (h ^ t->addr) * 0x100000001b3ULL;
	h = (h ^ ((uint64_t)t->cmd << 32 | t->bar)) * 0x100000001b3ULL;
	return (h ^ ((uint64_t)t->options << 32 | t->bytes)) * 0x100000001b3ULL;
}

static bool xc_same(const struct xc_slot *s, int hwd, uint32_t hcard,
		    const WD_TRANSFER *t, uint32_t n, uint64_t hash)
{
	uint32_t i;

	if (s->n != n || s->hash != hash || s->hwd != hwd ||
	    s->hcard != hcard)
		return false;
	for (i = 0; i < n; i++)
		if (!key_eq(&s->key[i], &t[i]))
			return false;
	return true;
}

/*
 * The slot of these commands, or NULL; *hash gets the list's hash.  One
 * pass both hashes the list and compares it with the slot used last
 * (the common case: one list in a loop); others are compared only when
 * their hash is equal.
 */
static struct xc_slot *xc_find(int hwd, uint32_t hcard, const WD_TRANSFER *t,
			       uint32_t n, uint64_t *hash)
{
	struct xc_slot *last = xc_last;
	const struct xc_key *k;
	uint64_t h = 0xcbf29ce484222325ULL;
	bool eq;
	uint32_t i;

	eq = last && last->n == n && last->hwd == hwd && last->hcard == hcard;
	k = eq ? last->key : NULL;
	for (i = 0; i < n; i++) {
		h = key_mix(h, &t[i]);
		eq = eq && key_eq(&k[i], &t[i]);
	}
	*hash = h;
	if (eq)
		return last;
	for (i = 0; i < XC_SLOTS; i++)
		if (&xc[i] != last && xc_same(&xc[i], hwd, hcard, t, n, h))
			return &xc[i];
	return NULL;
}

static void xc_agent_free(const struct xc_slot *s)
{
	struct udrv_xlist_free f;

	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.handle = s->handle;
	f.serial = s->serial;
	/* ESTALE: the agent freed it already (its card went) */
	udrv_ioctl(s->hwd, UDRV_IOC_XLIST_FREE, &f);
}

/* Empties a slot; `agent`: also free its prepared list in the agent */
static void xc_drop(struct xc_slot *s, bool agent)
{
	if (s->prepared && agent)
		xc_agent_free(s);
	free(s->key);
	memset(s, 0, sizeof(*s));
	if (xc_last == s)
		xc_last = NULL;
}

static bool xc_prepare(struct xc_slot *s, const WD_TRANSFER *t)
{
	struct udrv_xlist_prepare p;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.hcard = s->hcard;
	p.num = s->n;
	p.cmds = (uintptr_t)t;
	if (udrv_ioctl(s->hwd, UDRV_IOC_XLIST_PREPARE, &p))
		return false;
	s->prepared = true;
	s->handle = p.handle;
	s->serial = p.serial;
	return true;
}

bool udrv_xlist_run_cached(int hwd, uint32_t hcard, WD_TRANSFER *t,
			   uint32_t n, uint32_t *done, uint32_t *status)
{
	struct udrv_xlist_run r;
	struct xc_slot *s;
	uint64_t hash;
	uint32_t i;
	int err;

	if (!n || n > UDRV_MAX_MULTI)
		return false;
	pthread_mutex_lock(&xc_lock);
	s = xc_find(hwd, hcard, t, n, &hash);
	if (s && !s->prepared && !xc_prepare(s, t)) {
		/* Refused now although it ran before: the card went, or
		 * the agent's limits; the ordinary path says which. */
		xc_drop(s, false);
		s = NULL;
	}
	if (!s) {
		pthread_mutex_unlock(&xc_lock);
		return false;
	}
	s->used = ++xc_tick;
	xc_last = s;
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.handle = s->handle;
	r.serial = s->serial;
	r.num = n;
	r.cmds = (uintptr_t)t;
	pthread_mutex_unlock(&xc_lock);

	err = udrv_ioctl(hwd, UDRV_IOC_XLIST_RUN, &r);
	if (!err) {
		*done = n;
		*status = WD_STATUS_SUCCESS;
		return true;
	}
	if (r.done) {
		/* The commands ran; the values could not be written back */
		*done = n;
		*status = udrv_ioctl_fail(err, "WD_MultiTransfer: %u commands ran, the values read could not be stored",
					  n);
		return true;
	}
	/*
	 * Nothing ran: the list is gone (its card was unregistered, another
	 * thread evicted it) or the device was removed.  Forget it, if the
	 * slot still holds it, and let the ordinary path run and report.
	 */
	pthread_mutex_lock(&xc_lock);
	for (i = 0; i < XC_SLOTS; i++)
		if (xc[i].n && xc[i].hwd == hwd && xc[i].prepared &&
		    xc[i].handle == r.handle && xc[i].serial == r.serial)
			xc_drop(&xc[i], err != ESTALE);
	pthread_mutex_unlock(&xc_lock);
	return false;
}

void udrv_xlist_note(int hwd, uint32_t hcard, const WD_TRANSFER *t,
		     uint32_t n)
{
	struct xc_slot *s = NULL;
	struct xc_key *key;
	uint64_t hash;
	uint32_t i;

	if (!n || n > UDRV_MAX_MULTI)
		return;
	for (i = 0; i < n; i++)
		if (t[i].cmd & UDRV_CMD_STRING)
			return;	/* blocks are not prepared */
	key = malloc(n * sizeof(*key));
	if (!key)
		return;
	for (i = 0; i < n; i++) {
		key[i].addr = t[i].addr;
		key[i].bar = t[i].bar;
		key[i].cmd = t[i].cmd;
		key[i].bytes = t[i].bytes;
		key[i].options = t[i].options;
	}
	pthread_mutex_lock(&xc_lock);
	if (xc_find(hwd, hcard, t, n, &hash)) {
		/* Another thread noted it meanwhile */
		pthread_mutex_unlock(&xc_lock);
		free(key);
		return;
	}
	for (i = 0; i < XC_SLOTS; i++) {
		/* A free slot, else the least recently used */
		if (!s || (s->n && (!xc[i].n || xc[i].used < s->used)))
			s = &xc[i];
	}
	xc_drop(s, true);
	s->hwd = hwd;
	s->hcard = hcard;
	s->n = n;
	s->hash = hash;
	s->key = key;
	s->used = ++xc_tick;
	pthread_mutex_unlock(&xc_lock);
}

void udrv_xlist_forget(int hwd, uint32_t hcard)
{
	uint32_t i;

	pthread_mutex_lock(&xc_lock);
	for (i = 0; i < XC_SLOTS; i++)
		if (xc[i].n && xc[i].hwd == hwd &&
		    (!hcard || xc[i].hcard == hcard))
			xc_drop(&xc[i], false);
	pthread_mutex_unlock(&xc_lock);
}
