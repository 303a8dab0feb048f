// SPDX-License-Identifier: MIT
/*
 * wd_xlist.c - WD_MultiTransfer's cache of prepared transfer lists.
 *
 * A program that issues the same list of scalar commands again and again
 * (poll a set of status registers, program a set of registers) pays for
 * the checks, here and in the agent, on every call.  The agent can check
 * a list once and keep it (UDRV_IOC_XLIST_PREPARE); a run then only moves
 * the data.  This cache does that behind WD_MultiTransfer: a list seen
 * once is remembered by its hash, and prepared when seen again (the
 * agent checks it); it is then kept with its commands - every field but
 * `data`, which carries the values -
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

/*
 * The fields that say what a command does, as three words: addr, then
 * bar and cmd, then bytes and options (wd.c asserts WD_TRANSFER's layout
 * is udrv_xfer's); `data`, the fourth word, carries the values.
 */
struct xc_key {
	uint64_t w[3];
};

static void key_of(struct xc_key *k, const WD_TRANSFER *t)
{
	memcpy(k->w, t, sizeof(k->w));
}

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
/*
 * Lists seen once (missed): only their hash, so that a list used once
 * costs no copy; seen again, they are prepared.  A collision only
 * prepares the list at hand, which is checked and keyed as any other.
 */
static struct xc_cand {
	int hwd;
	uint32_t hcard, n;	/* n 0: free */
	uint64_t hash;
} xc_cand[XC_SLOTS];
static uint32_t xc_cand_next;
static struct xc_slot *xc_last;	/* the slot found last */
static uint64_t xc_tick;

static bool key_eq(const struct xc_key *k, const WD_TRANSFER *t)
{
	struct xc_key c;

	key_of(&c, t);
	return !((k->w[0] ^ c.w[0]) | (k->w[1] ^ c.w[1]) | (k->w[2] ^ c.w[2]));
}

/* The list's hash; *blocks: it has a block (string) command */
static uint64_t list_hash(const WD_TRANSFER *t, uint32_t n, bool *blocks)
{
	uint64_t h = 0xcbf29ce484222325ULL, cmds = 0;
	struct xc_key c;
	uint32_t i;

	for (i = 0; i < n; i++) {
		key_of(&c, &t[i]);
		h = (h ^ c.w[0]) * 0x100000001b3ULL;
		h = (h ^ c.w[1]) * 0x100000001b3ULL;
		h = (h ^ c.w[2]) * 0x100000001b3ULL;
		cmds |= c.w[1];		/* bar | cmd << 32 */
	}
	*blocks = (cmds >> 32) & UDRV_CMD_STRING;
	return h;
}

/*
 * Differences ORed together, four commands a turn, one test a turn: this
 * runs on every call, and under emulation a branch costs far more than
 * the loads and XORs; a different list mostly differs early.
 */
static bool keys_eq(const struct xc_slot *s, const WD_TRANSFER *t, uint32_t n)
{
	const struct xc_key *k = s->key;
	struct xc_key c[4];
	uint64_t d = 0;
	uint32_t i = 0, j;

	for (; i + 4 <= n; i += 4) {
		memcpy(c[0].w, &t[i], sizeof(c[0].w));
		memcpy(c[1].w, &t[i + 1], sizeof(c[1].w));
		memcpy(c[2].w, &t[i + 2], sizeof(c[2].w));
		memcpy(c[3].w, &t[i + 3], sizeof(c[3].w));
		for (j = 0; j < 4; j++)
			d |= (k[i + j].w[0] ^ c[j].w[0]) |
			     (k[i + j].w[1] ^ c[j].w[1]) |
			     (k[i + j].w[2] ^ c[j].w[2]);
		if (d)
			return false;
	}
	for (; i < n; i++)
		d |= !key_eq(&k[i], &t[i]);
	return !d;
}

/*
 * The slot of these commands, or NULL.  The slot found last is compared
 * first, without hashing (the common case: one list in a loop); the
 * others only when their hash is the list's.
 */
static struct xc_slot *xc_find(int hwd, uint32_t hcard, const WD_TRANSFER *t,
			       uint32_t n, uint64_t *hash, bool *blocks)
{
	struct xc_slot *s = xc_last;
	uint64_t h;
	uint32_t i;

	if (s && s->n == n && s->hwd == hwd && s->hcard == hcard &&
	    keys_eq(s, t, n))
		return s;
	h = list_hash(t, n, blocks);
	*hash = h;
	for (i = 0; i < XC_SLOTS; i++) {
		s = &xc[i];
		if (s != xc_last && s->n == n && s->hash == h &&
		    s->hwd == hwd && s->hcard == hcard && keys_eq(s, t, n))
			return s;
	}
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

static struct xc_cand *cand_find(int hwd, uint32_t hcard, uint32_t n,
				  uint64_t hash)
{
	uint32_t i;

	for (i = 0; i < XC_SLOTS; i++)
		if (xc_cand[i].n == n && xc_cand[i].hash == hash &&
		    xc_cand[i].hwd == hwd && xc_cand[i].hcard == hcard)
			return &xc_cand[i];
	return NULL;
}

static void cand_add(int hwd, uint32_t hcard, uint32_t n, uint64_t hash)
{
	struct xc_cand *c = &xc_cand[xc_cand_next++ % XC_SLOTS];

	c->hwd = hwd;
	c->hcard = hcard;
	c->n = n;
	c->hash = hash;
}

/* Prepares t[] in a free or the least recently used slot; NULL if refused */
static struct xc_slot *xc_prepare(int hwd, uint32_t hcard, const WD_TRANSFER *t,
				  uint32_t n, uint64_t hash)
{
	struct udrv_xlist_prepare p;
	struct xc_slot *s = NULL;
	struct xc_key *key;
	uint32_t i;

	key = malloc(n * sizeof(*key));
	if (!key)
		return NULL;
	for (i = 0; i < n; i++)
		key_of(&key[i], &t[i]);
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.hcard = hcard;
	p.num = n;
	p.cmds = (uintptr_t)t;
	/* Refused: a bad command, the card gone, the agent's limits */
	if (udrv_ioctl(hwd, UDRV_IOC_XLIST_PREPARE, &p)) {
		free(key);
		return NULL;
	}
	for (i = 0; i < XC_SLOTS; i++)
		if (!s || (s->n && (!xc[i].n || xc[i].used < s->used)))
			s = &xc[i];
	xc_drop(s, true);
	s->hwd = hwd;
	s->hcard = hcard;
	s->n = n;
	s->hash = hash;
	s->key = key;
	s->prepared = true;
	s->handle = p.handle;
	s->serial = p.serial;
	return s;
}

bool udrv_xlist_run_cached(int hwd, uint32_t hcard, WD_TRANSFER *t,
			   uint32_t n, uint32_t *done, uint32_t *status)
{
	struct udrv_xlist_run r;
	struct xc_slot *s;
	struct xc_cand *c;
	uint64_t hash = 0;
	bool blocks = false;
	uint32_t i;
	int err;

	if (!n || n > UDRV_MAX_MULTI)
		return false;
	pthread_mutex_lock(&xc_lock);
	s = xc_find(hwd, hcard, t, n, &hash, &blocks);
	if (!s && !blocks) {
		c = cand_find(hwd, hcard, n, hash);
		if (!c) {
			cand_add(hwd, hcard, n, hash);
		} else {
			s = xc_prepare(hwd, hcard, t, n, hash);
			c->n = 0;	/* prepared, or refused: not again */
		}
	}
	if (!s) {
		/* The ordinary path runs it and says what is wrong, if anything */
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
		    xc[i].handle == r.handle && xc[i].serial == r.serial) {
			/* Seen before: prepared again at the next call */
			cand_add(hwd, hcard, n, xc[i].hash);
			xc_drop(&xc[i], err != ESTALE);
		}
	pthread_mutex_unlock(&xc_lock);
	return false;
}

void udrv_xlist_forget(int hwd, uint32_t hcard)
{
	uint32_t i;

	pthread_mutex_lock(&xc_lock);
	for (i = 0; i < XC_SLOTS; i++) {
		if (xc[i].n && xc[i].hwd == hwd &&
		    (!hcard || xc[i].hcard == hcard))
			xc_drop(&xc[i], false);
		if (xc_cand[i].hwd == hwd &&
		    (!hcard || xc_cand[i].hcard == hcard))
			xc_cand[i].n = 0;
	}
	pthread_mutex_unlock(&xc_lock);
}

/* ---- the explicit calls ------------------------------------------------ */

uint32_t WD_MultiTransferPrepare(int hWD, uint32_t hCard, const WD_TRANSFER *t,
				 uint32_t n, WD_TRANSFER_LIST *list)
{
	struct udrv_xlist_prepare p;
	int err;

	if (list)
		memset(list, 0, sizeof(*list));
	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!hCard)
		return udrv_bad_hcard(__func__);
	if (!t)
		return udrv_null_arg(__func__, "t");
	if (!list)
		return udrv_null_arg(__func__, "list");
	if (!n || n > UDRV_MAX_MULTI)
		return udrv_fail(n ? WD_INSUFFICIENT_RESOURCES : WD_INVALID_PARAMETER,
				 "%s: %u commands (1 to %u)", __func__, n,
				 UDRV_MAX_MULTI);
	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.hcard = hCard;
	p.num = n;
	p.cmds = (uintptr_t)t;
	err = udrv_ioctl(hWD, UDRV_IOC_XLIST_PREPARE, &p);
	if (err == ENOSPC)
		return udrv_ioctl_fail(err, "%s: card %u: the handle holds %u lists or %u commands already (WD_MultiTransferFree some)",
				       __func__, hCard, UDRV_MAX_XLISTS,
				       UDRV_MAX_XLIST_CMDS);
	if (err == EFAULT || err == EBADF || err == ENOMEM || err == EIO)
		return udrv_ioctl_fail(err, "%s: card %u", __func__, hCard);
	if (err)
		return udrv_ioctl_fail(err, "%s: command %u of %u (BAR%u offset 0x%llx; block commands cannot be prepared)",
				       __func__, p.failed, n, t[p.failed].bar,
				       (unsigned long long)t[p.failed].addr);
	list->hCard = hCard;
	list->handle = p.handle;
	list->serial = p.serial;
	list->num = n;
	return WD_STATUS_SUCCESS;
}

uint32_t WD_MultiTransferRun(int hWD, const WD_TRANSFER_LIST *list,
			     WD_TRANSFER *t)
{
	struct udrv_xlist_run r;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!list)
		return udrv_null_arg(__func__, "list");
	if (!t)
		return udrv_null_arg(__func__, "t");
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.handle = list->handle;
	r.serial = list->serial;
	r.num = list->num;
	r.cmds = (uintptr_t)t;
	err = udrv_ioctl(hWD, UDRV_IOC_XLIST_RUN, &r);
	if (err == ESTALE)
		return udrv_ioctl_fail(err, "%s: list %u is not prepared on this handle (freed, or its card unregistered)",
				       __func__, list->handle);
	if (err)
		return udrv_ioctl_fail(err, "%s: list %u: %s", __func__,
				       list->handle,
				       r.done ? "the commands ran, the values read could not be stored" :
						"nothing ran");
	return WD_STATUS_SUCCESS;
}

uint32_t WD_MultiTransferFree(int hWD, WD_TRANSFER_LIST *list)
{
	struct udrv_xlist_free f;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!list)
		return udrv_null_arg(__func__, "list");
	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.handle = list->handle;
	f.serial = list->serial;
	err = udrv_ioctl(hWD, UDRV_IOC_XLIST_FREE, &f);
	memset(list, 0, sizeof(*list));
	return err ? udrv_ioctl_fail(err, "%s: list %u", __func__, f.handle) :
		     WD_STATUS_SUCCESS;
}
