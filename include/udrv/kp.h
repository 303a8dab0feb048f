/* SPDX-License-Identifier: MIT */
/*
 * kp.h - the Kernel PlugIn: the one header a KP source includes, in both
 * of its builds.
 *
 * - Kernel build (kbuild defines __KERNEL__): the KP is a module that
 *   calls udrv.ko's exported WDC_ accessors and kp_ runtime.
 * - User-mode build (the KP build fragment defines UDRV_KP_BUILD): the
 *   same source becomes a .so that libudrv loads in-process, where the
 *   same calls go through libudrv.
 *
 * In both builds the KP sees exactly what exists in both: the types and
 * constants of wd.h, the accessors of wdc_access.h, the callbacks below
 * and the kp_ runtime.  Anything else fails to compile in the build where
 * it cannot work (no libc in the kernel, no kmalloc in user mode, no
 * WDC_IntEnable or other user-mode WDC_ call in either: <udrv/wdc.h>
 * refuses to be included by a KP).
 *
 * An application or libudrv that includes kp.h without UDRV_KP_BUILD gets
 * the whole user-mode API as well (wdc.h).
 */
#ifndef UDRV_KP_H
#define UDRV_KP_H

#if defined(__KERNEL__) || defined(UDRV_KP_BUILD)
#define UDRV_KP_CODE 1
#define UDRV_WD_TYPES_ONLY
#include "wd.h"
#include "wdc_access.h"
#else
#include "wdc.h"
#endif

#ifdef __KERNEL__
#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/spinlock.h>
#elif defined(UDRV_KP_BUILD)
#include <pthread.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The KP_INIT.version this header describes. */
#define KP_VERSION	1

typedef struct KP_OPEN_CALL {
	void (*funcClose)(void *drv_ctx);
	void (*funcCall)(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call);
	bool (*funcIntEnable)(void *drv_ctx, WD_KERNEL_PLUGIN_CALL *call,
			      void **int_ctx);
	void (*funcIntDisable)(void *int_ctx);
	bool (*funcIntAtIrql)(void *int_ctx, bool *is_my_interrupt);
	uint32_t (*funcIntAtDpc)(void *int_ctx, uint32_t count);
	bool (*funcIntAtIrqlMSI)(void *int_ctx, uint32_t last_message,
				 bool *is_my_interrupt);
	uint32_t (*funcIntAtDpcMSI)(void *int_ctx, uint32_t count,
				    uint32_t last_message);
	bool (*funcEvent)(void *drv_ctx, uint32_t action);
} KP_OPEN_CALL;

typedef bool (*KP_FUNC_OPEN)(KP_OPEN_CALL *kp, WDC_DEVICE_HANDLE dev,
			     const void *open_data, uint32_t size,
			     void **drv_ctx);

typedef struct {
	uint32_t version;	/* KP_VERSION */
	char name[32];		/* unique among loaded KPs, NUL-terminated */
	KP_FUNC_OPEN funcOpen;
} KP_INIT;

/* The one symbol every KP defines. */
bool KP_Init(KP_INIT *init);

#ifdef UDRV_KP_CODE
/*
 * The runtime.  kp_malloc may sleep: call it from funcOpen, funcCall,
 * funcClose, funcIntEnable, funcIntDisable, funcIntAtDpc*, funcEvent -
 * never from an interrupt handler (funcIntAtIrql*).  kp_free, kp_memcpy,
 * kp_memset, kp_printf, kp_udelay, kp_time_ns, the spinlocks and the
 * atomics may be called anywhere, interrupt handlers included.
 */
void *kp_malloc(size_t size);		/* zeroed; NULL if out of memory */
void kp_free(void *p);			/* NULL is fine */
void *kp_memcpy(void *dst, const void *src, size_t n);
void *kp_memset(void *dst, int c, size_t n);
/* To the kernel log (KERN_INFO) or to stderr, prefixed "kp: " */
void kp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kp_udelay(unsigned long usecs);	/* busy-waits; keep it short */
/* CLOCK_MONOTONIC in nanoseconds, the same clock in both modes */
uint64_t kp_time_ns(void);

/*
 * A line in udrv's debug monitor (docs/debug-monitor.md), area S_KER_PLUG,
 * level D_ERROR..D_TRACE; callable anywhere, interrupt handlers included,
 * and nearly free while the monitor is off.  hWD is ignored (a KP has
 * none; pass 0): in the kernel udrv.ko records the line, in user mode
 * libudrv sends it on its own handle.
 */
#ifdef __KERNEL__
uint32_t WD_DebugAdd(int hWD, const char *msg, uint32_t level);
#else
uint32_t udrv_kp_debug_add(int hWD, const char *msg, uint32_t level);
#define WD_DebugAdd udrv_kp_debug_add
#endif

/*
 * A spinlock that is safe against the KP's own interrupt handler: in the
 * kernel it disables local interrupts while held (spin_lock_irqsave); in
 * user mode, where the handler runs in a thread, it is a mutex.
 */
#ifdef __KERNEL__
typedef struct {
	spinlock_t lock;
	unsigned long flags;
} kp_spinlock_t;
/* A macro: each place that initialises a lock gives it its own lockdep class */
#define kp_spinlock_init(l)	spin_lock_init(&(l)->lock)
static inline void kp_spinlock_lock(kp_spinlock_t *l)
{
	unsigned long flags;

	spin_lock_irqsave(&l->lock, flags);
	l->flags = flags;
}

static inline void kp_spinlock_unlock(kp_spinlock_t *l)
{
	spin_unlock_irqrestore(&l->lock, l->flags);
}
#else
typedef struct {
	pthread_mutex_t lock;
} kp_spinlock_t;
void kp_spinlock_init(kp_spinlock_t *l);
void kp_spinlock_lock(kp_spinlock_t *l);
void kp_spinlock_unlock(kp_spinlock_t *l);
#endif

/* Atomics on a 32-bit counter, full barriers; each returns the new value */
#ifdef __KERNEL__
typedef atomic_t kp_atomic_t;
static inline int32_t kp_atomic_read(kp_atomic_t *a)
{
	return atomic_read(a);
}

static inline void kp_atomic_set(kp_atomic_t *a, int32_t v)
{
	atomic_set(a, v);
}

static inline int32_t kp_atomic_add(kp_atomic_t *a, int32_t v)
{
	return atomic_add_return(v, a);
}

/* Sets *a to `new` if it was `old`; returns what it was. */
static inline int32_t kp_atomic_cmpxchg(kp_atomic_t *a, int32_t old,
					int32_t new)
{
	return atomic_cmpxchg(a, old, new);
}
#else
typedef struct {
	int32_t counter;
} kp_atomic_t;
static inline int32_t kp_atomic_read(kp_atomic_t *a)
{
	return __atomic_load_n(&a->counter, __ATOMIC_SEQ_CST);
}

static inline void kp_atomic_set(kp_atomic_t *a, int32_t v)
{
	__atomic_store_n(&a->counter, v, __ATOMIC_SEQ_CST);
}

static inline int32_t kp_atomic_add(kp_atomic_t *a, int32_t v)
{
	return __atomic_add_fetch(&a->counter, v, __ATOMIC_SEQ_CST);
}

static inline int32_t kp_atomic_cmpxchg(kp_atomic_t *a, int32_t old,
					int32_t new_)
{
	__atomic_compare_exchange_n(&a->counter, &old, new_, false,
				    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	return old;
}
#endif
static inline int32_t kp_atomic_inc(kp_atomic_t *a)
{
	return kp_atomic_add(a, 1);
}

static inline int32_t kp_atomic_dec(kp_atomic_t *a)
{
	return kp_atomic_add(a, -1);
}

/*
 * The module glue: one line in the KP source, e.g. UDRV_KP_MODULE("GPL");
 * udrv.ko exports its symbols GPL-only, so the license must be
 * GPL-compatible ("GPL", "Dual MIT/GPL", ...).  In the kernel build the
 * module registers the KP (by KP_INIT.name) when it loads and unregisters
 * it when it unloads; in the user-mode build it marks the .so for libudrv.
 */
#ifdef __KERNEL__
int udrv_kp_register(bool (*init)(KP_INIT *), struct module *owner);
void udrv_kp_unregister(struct module *owner);
#define UDRV_KP_MODULE(license)						\
	static int __init udrv_kp_module_init(void)			\
	{								\
		return udrv_kp_register(KP_Init, THIS_MODULE);		\
	}								\
	static void __exit udrv_kp_module_exit(void)			\
	{								\
		udrv_kp_unregister(THIS_MODULE);			\
	}								\
	module_init(udrv_kp_module_init);				\
	module_exit(udrv_kp_module_exit);				\
	MODULE_LICENSE(license);					\
	MODULE_DESCRIPTION("udrv Kernel PlugIn");			\
	MODULE_IMPORT_NS(UDRV)
#else
#define UDRV_KP_MODULE(license)						\
	__attribute__((visibility("default"), used))			\
	const unsigned int udrv_kp_version = KP_VERSION
#endif
#endif /* UDRV_KP_CODE */

#ifdef __cplusplus
}
#endif

#endif /* UDRV_KP_H */
