/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - the parts of t_fuzz: live-resource pools, call builders with
 * one-field mutations, memory operations on the mappings, hot-unplug,
 * kernel debug helpers (KCOV, fail-nth) and the per-call statistics.
 */
#ifndef UDRV_FUZZ_H
#define UDRV_FUZZ_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <udrv_abi.h>

/* ---- random numbers (per thread; seeded from UDRV_FUZZ_SEED) ---------- */
extern _Thread_local uint64_t fz_rng_state;
uint64_t fz_rnd(void);
static inline uint32_t fz_below(uint32_t n) { return n ? fz_rnd() % n : 0; }
static inline bool fz_chance(uint32_t one_in) { return fz_below(one_in) == 0; }
uint64_t fz_mix(uint64_t a, uint64_t b);

/* ---- statistics, shared by all processes ----------------------------- */
enum fz_op {
	OP_VERSION, OP_SCAN, OP_CARD_INFO, OP_CONFIG_READ, OP_CONFIG_WRITE,
	OP_REGISTER, OP_UNREGISTER, OP_TRANSFER, OP_MULTI, OP_CLEANUP,
	OP_INT_ENABLE, OP_INT_WAIT, OP_INT_COUNT, OP_INT_DISABLE, OP_INT_FD,
	OP_INTFD_READ, OP_DMA_LOCK_CONTIG, OP_DMA_LOCK_SG, OP_DMA_UNLOCK,
	OP_DMA_SYNC, OP_DMA_MASK, OP_BAD_IOCTL, OP_MMAP_BAR, OP_MMAP_DMA,
	OP_MUNMAP, OP_MREMAP, OP_MADVISE, OP_TOUCH, OP_FORK, OP_REOPEN,
	OP_UNBIND, OP_REBIND, OP_REMOVE, OP_RESCAN,
	OP_KP_OPEN, OP_KP_CALL, OP_KP_CLOSE,
	OP_EVENT_REGISTER, OP_EVENT_PULL, OP_EVENT_UNREGISTER,
	OP_DEBUG_SET, OP_DEBUG_DUMP, OP_DEBUG_ADD,
	OP_XLIST_PREPARE, OP_XLIST_RUN, OP_XLIST_FREE,
	FZ_NOPS
};
#define FZ_NERR 140

struct fz_stats {
	atomic_ulong calls[FZ_NOPS];
	atomic_ulong ok[FZ_NOPS];
	atomic_ulong err[FZ_NOPS][FZ_NERR];
	atomic_ulong mutated;		/* calls with one field mutated */
	atomic_ulong total;		/* steps handed out (the budget) */
	atomic_ulong stale;		/* mapping worked after its object died */
	atomic_ulong reused;		/* ... but its handle names a live one */
	atomic_ulong raced;		/* ... while a free was still in flight */
	atomic_ulong faults;		/* touches that faulted (fine) */
	atomic_ulong faults_live;	/* of them, on a mapping of a live object */
	atomic_ulong faults_freed;	/* ... of a freed one, as they must */
	atomic_ulong fork_touch_ok;	/* a DONTCOPY mapping reached in a child */
	atomic_ulong injected;		/* fail-nth faults that fired */
	atomic_ulong cover;		/* distinct kernel PCs seen */
	atomic_ulong cover_udrv;	/* of them, in udrv.ko */
	atomic_ulong corpus;		/* programs kept for new coverage */
	atomic_int stop;
	char stale_what[320];
	char stale_log[6144];	/* the pool's events before it */
};
extern struct fz_stats *fz_st;
const char *fz_op_name(enum fz_op op);
/* Counts one call: ret >= 0 is success, else -errno. */
void fz_count(enum fz_op op, long ret);
void fz_print_stats(void);

/* ---- devices --------------------------------------------------------- */
enum fz_kind { K_EDU, K_TESTDEV, K_IVSHMEM, K_E1000E, K_OTHER };
#define FZ_MAX_DEVS 12

struct fz_dev {
	struct udrv_slot slot;
	uint16_t vendor, device;
	enum fz_kind kind;
	char bdf[16];
	uint32_t nbars;			/* items that are BARs */
	struct { uint32_t bar; uint64_t len; bool io, mmap; } bar[UDRV_MAX_BARS];
};
extern struct fz_dev fz_devs[FZ_MAX_DEVS];
extern unsigned int fz_ndevs;
int fz_find_devices(int fd);
/* Pick a BAR of the device that allows what's asked (-1 if none). */
int fz_pick_bar(const struct fz_dev *d, bool for_write, bool want_mem);
/*
 * The safety filter.  Turns a command that writes where it must not into
 * a read: anything on the read-only file (e1000e lives only there), any
 * write reaching BAR0 0x80-0x9f of any device (edu's DMA engine: without
 * an IOMMU it would write guest memory), ivshmem writes outside BAR2.
 */
void fz_make_safe(struct udrv_xfer *x, uint32_t n, bool ro_file);

/* ---- the pool of live resources (per process) ------------------------ */
#define FZ_NFD 4		/* fds[0] is the read-only file, never closed */
#define FZ_MAX_CARDS 32
#define FZ_MAX_DMAS 48
#define FZ_MAX_MAPS 32
#define FZ_MAX_INTFDS 8
#define FZ_FREED 16

struct fz_card { bool used, irq; int fd; uint32_t h; int dev; };
struct fz_dma {
	bool used, contig;
	int fd, card;
	uint32_t h;
	uint64_t bytes, off;
	void *ubuf;
	size_t ulen;
};
enum fz_map_kind { MAP_BAR, MAP_DMA };
struct fz_map {
	bool used, writable, freed, unsure;
	enum fz_map_kind kind;
	int fd, dev;
	uint32_t obj;		/* card or DMA handle */
	void *addr;
	size_t len;
	uint64_t bar_len;	/* touch within this (BAR maps) */
	unsigned long epoch;	/* fz_pool.frees when the object was picked */
	uint64_t in_bar;	/* where the mapping starts in the BAR */
	uint32_t bar;
};
struct fz_intfd { bool used; int fd; int card; };

struct fz_pool {
	pthread_mutex_t lock;
	int fds[FZ_NFD];
	struct fz_card cards[FZ_MAX_CARDS];
	struct fz_dma dmas[FZ_MAX_DMAS];
	struct fz_map maps[FZ_MAX_MAPS];
	struct fz_intfd intfds[FZ_MAX_INTFDS];
	uint32_t freed_cards[FZ_FREED], freed_dmas[FZ_FREED];
	unsigned int nfreed_cards, nfreed_dmas;
	/*
	 * Frees done and in flight.  A mapping made while one ran may map
	 * a namesake the pool does not know (the free's record lags its
	 * call): such a mapping is "unsure".
	 */
	unsigned long frees;
	unsigned int freeing;
};
extern struct fz_pool fz_pool;
void fz_pool_init(void);
void fz_lock(void);
void fz_unlock(void);
/* Random live entries, or -1; call with the lock held. */
int fz_any_card(void);
int fz_any_dma(void);
int fz_any_map(void);
int fz_any_intfd(void);
int fz_rw_fd(void);		/* a read-write file's descriptor */
void fz_card_gone(int fd, uint32_t h);	/* lock held */
void fz_dma_gone(int fd, uint32_t h);	/* lock held */
void fz_reopen(void);

/* ---- Kernel PlugIn calls (kp.c), when edu_kp.ko is loaded ---------- */
extern bool fz_have_kp;
void fz_kp_open(void);
void fz_kp_call(void);
void fz_kp_close(void);

/* ---- plug-and-play events (events.c) --------------------------------- */
void fz_event_register(void);
void fz_event_pull(void);
void fz_event_unregister(void);

/* ---- the debug monitor (debugmon.c) ---------------------------------- */
void fz_debug_set(void);
void fz_debug_dump(void);
void fz_debug_add(void);
bool fz_debug_off(int fd);		/* true if it took */
void fz_free_begin(void);		/* before a call that frees */
void fz_free_end(void);			/* after it, lock held */

/* ---- mutation helpers ------------------------------------------------ */
enum fz_fkind { F_SIZE, F_HANDLE, F_DMAH, F_PTR_OUT, F_PTR_IN, F_COUNT,
		F_FLAGS, F_PAD, F_OFF, F_GEN };
struct fz_field { size_t off, size; enum fz_fkind kind; };
#define FZF(type, member, k) \
	{ offsetof(type, member), sizeof(((type *)0)->member), k }
/* With probability 1/`one_in`, mutate one of the fields; true if it did. */
bool fz_mutate(void *s, const struct fz_field *f, size_t n,
	       uint32_t one_in);
/* Thread-local scratch: output buffers and command arrays, guard after. */
void fz_thread_buffers(void);
void *fz_scratch(size_t bytes);	/* ends right at a guard page */
struct udrv_xfer *fz_cmds(uint32_t n);	/* rest NONE, guard after MAX */
uint64_t fz_bad_ptr(void);

/* ---- calls ----------------------------------------------------------- */
/* One random step: an ioctl or a memory operation. */
void fz_step(void);
void fz_step_mem(uint32_t which);
void fz_signals(void);
/* Reads (and maybe writes) a mapping; true if it faulted. */
bool fz_touch(volatile unsigned char *p, size_t at, bool write);
/* Ioctl through the fault-injection and coverage hooks. */
long fz_ioctl(int fd, unsigned long cmd, void *arg);
bool fz_skip(const char *cls);	/* UDRV_FUZZ_SKIP lists it */
void fz_close_all(void);

/* ---- kernel debug: KCOV and fail-nth --------------------------------- */
extern bool fz_have_kcov, fz_have_failnth;
void fz_kdebug_setup(void);		/* once, in the parent */
void fz_kdebug_thread(void);		/* once per worker thread */
void fz_cover_begin(void);
/* Returns how many new PCs the last call found. */
unsigned int fz_cover_end(void);
void fz_fail_begin(void);
void fz_fail_end(void);
/* Programs of steps, and the corpus of those that found coverage. */
#define FZ_PROG_LEN 8
void fz_run_program(void);

/* ---- event trace (trace.c), for stale-mapping reports ---------------- */
void fz_ev(const char *what, int fd, uint32_t h, const void *addr,
	   size_t len, long r);
void fz_ev_dump(uint32_t h, const void *addr, size_t len, char *out,
		size_t outlen);

/* ---- hot-unplug ------------------------------------------------------ */
void *fz_hotplug_thread(void *unused);
double fz_progress(void);	/* 0..1 of the budget (calls or time) */
extern unsigned long fz_budget;
bool fz_rebind_all(void);

#endif
