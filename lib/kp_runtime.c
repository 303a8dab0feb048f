// SPDX-License-Identifier: MIT
/*
 * kp_runtime.c - the kp_ runtime of a Kernel PlugIn in user mode.  Built
 * as a KP is (UDRV_KP_BUILD, kp.h only), so it implements exactly what a
 * KP sees; udrv.ko implements the same names for the kernel build.
 */
#define UDRV_KP_BUILD
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <udrv/kp.h>

void *kp_malloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void kp_free(void *p)
{
	free(p);
}

void *kp_memcpy(void *dst, const void *src, size_t n)
{
	return memcpy(dst, src, n);
}

void *kp_memset(void *dst, int c, size_t n)
{
	return memset(dst, c, n);
}

void kp_printf(const char *fmt, ...)
{
	va_list ap;

	fputs("kp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* A busy wait, as udelay is: the caller holds the CPU. */
void kp_udelay(unsigned long usecs)
{
	struct timespec t0, t;
	long long ns = (long long)usecs * 1000;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000000000LL +
		 (t.tv_nsec - t0.tv_nsec) < ns);
}

uint64_t kp_time_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

void kp_spinlock_init(kp_spinlock_t *l)
{
	pthread_mutex_init(&l->lock, NULL);
}

void kp_spinlock_lock(kp_spinlock_t *l)
{
	pthread_mutex_lock(&l->lock);
}

void kp_spinlock_unlock(kp_spinlock_t *l)
{
	pthread_mutex_unlock(&l->lock);
}
