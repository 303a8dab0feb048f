/* SPDX-License-Identifier: MIT */
/*
 * dma_common.h - what both sides of the DMA benchmark share, so that udrv
 * (bench/bench_dma_udrv.c) and VFIO (bench/peers/dma_vfio.c) are timed on
 * exactly the same buffers: timing, medians, sizes, and the buffers
 * themselves.  Header-only: the VFIO peer links no library.  The includer
 * defines `prog` (its name, for messages) before including this.
 */
#ifndef BENCH_DMA_COMMON_H
#define BENCH_DMA_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define HUGE_ALIGN	(2UL << 20)
#define PAGE		4096UL

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned long n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* "4K", "1M", "64M", "1G", "12345" -> bytes; 0 when malformed. */
static unsigned long long parse_size(const char *s, char **end)
{
	unsigned long long v = strtoull(s, end, 10);

	switch (**end) {
	case 'K': case 'k': v <<= 10; ++*end; break;
	case 'M': case 'm': v <<= 20; ++*end; break;
	case 'G': case 'g': v <<= 30; ++*end; break;
	}
	return v;
}

/* kB of the mapping at `addr` that are transparent huge pages; -1 unknown */
static long thp_kb(const void *addr)
{
	char line[256], want[32];
	unsigned long lo, hi;
	long kb = -1;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	snprintf(want, sizeof(want), "%lx-", (unsigned long)addr);
	while (fgets(line, sizeof(line), f)) {
		if (!in) {
			in = !strncmp(line, want, strlen(want));
			continue;
		}
		if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			break;	/* the next mapping's header */
	}
	fclose(f);
	return kb;
}

/*
 * An anonymous buffer starting on a 2 MiB boundary, every page written
 * once (so it exists before the first lock).
 */
static void *buf_alloc(size_t bytes, int nothp)
{
	size_t len = bytes + HUGE_ALIGN, head, tail;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b;
	size_t i;

	if (p == MAP_FAILED)
		return NULL;
	b = (char *)(((unsigned long)p + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1));
	head = b - p;
	tail = len - head - bytes;
	if (head)
		munmap(p, head);
	if (tail)
		munmap(b + bytes, tail);
	if (nothp && madvise(b, bytes, MADV_NOHUGEPAGE))
		fprintf(stderr, "%s: madvise(MADV_NOHUGEPAGE): %s\n", prog,
			strerror(errno));
	for (i = 0; i < bytes; i += PAGE)
		b[i] = (char)i;
	return b;
}

#endif
