// SPDX-License-Identifier: MIT
/*
 * kdebug.c: what the debug kernel adds.  KCOV: each thread traces the PCs
 * of its own calls; a shared set counts the distinct ones, and a program
 * (a short list of step seeds) that found new PCs joins the corpus, from
 * which later programs are mutated.  fail-nth: now and then, the n-th
 * fault site of a call (allocation, user copy) is made to fail.  On a
 * kernel without them, steps run as fresh random programs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/kcov.h>

#include "fuzz.h"

bool fz_have_kcov, fz_have_failnth;

#define COVER_WORDS (64u << 10)
#define PCSET_BITS 20
static uint64_t *pcset;			/* shared by all processes */
static uint64_t udrv_lo, udrv_hi;	/* udrv.ko's text, from /proc/modules */

static _Thread_local unsigned long *cover;
static _Thread_local int failfd = -1;
static _Thread_local bool failing;
static _Thread_local unsigned int new_pcs;

static void debugfs_set(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0)
			perror(path);
		close(fd);
	}
}

void fz_kdebug_setup(void)
{
	FILE *f;
	char line[256];

	fz_have_kcov = access("/sys/kernel/debug/kcov", R_OK | W_OK) == 0 &&
		       !fz_skip("kcov");
	fz_have_failnth = access("/proc/self/fail-nth", R_OK | W_OK) == 0 &&
			  !fz_skip("failnth");
	if (fz_have_failnth) {
		/* Sleeping allocations too; and quiet: no stack per fault. */
		static const char *const dirs[] = { "failslab", "fail_page_alloc",
						    "fail_usercopy" };

		for (size_t i = 0; i < 3; i++) {
			char p[96];

			snprintf(p, sizeof(p), "/sys/kernel/debug/%s/ignore-gfp-wait", dirs[i]);
			debugfs_set(p, "N");
			snprintf(p, sizeof(p), "/sys/kernel/debug/%s/verbose", dirs[i]);
			debugfs_set(p, "0");
		}
	}
	if (!fz_have_kcov)
		return;
	pcset = mmap(NULL, sizeof(uint64_t) << PCSET_BITS, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (pcset == MAP_FAILED) {
		fz_have_kcov = false;
		return;
	}
	f = fopen("/proc/modules", "r");
	while (f && fgets(line, sizeof(line), f)) {
		unsigned long size, addr;
		char name[64];

		if (sscanf(line, "%63s %lu %*s %*s %*s %lx", name, &size, &addr) == 3 &&
		    !strcmp(name, "udrv")) {
			udrv_lo = addr;
			udrv_hi = addr + size;
		}
	}
	if (f)
		fclose(f);
}

void fz_kdebug_thread(void)
{
	if (fz_have_failnth) {
		char p[64];

		snprintf(p, sizeof(p), "/proc/thread-self/fail-nth");
		failfd = open(p, O_RDWR | O_CLOEXEC);
	}
	if (fz_have_kcov) {
		int fd = open("/sys/kernel/debug/kcov", O_RDWR | O_CLOEXEC);

		if (fd < 0 || ioctl(fd, KCOV_INIT_TRACE, COVER_WORDS))
			return;
		cover = mmap(NULL, COVER_WORDS * sizeof(unsigned long),
			     PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (cover == MAP_FAILED || ioctl(fd, KCOV_ENABLE, KCOV_TRACE_PC)) {
			cover = NULL;
			return;
		}
		/* fd stays open: the trace lives as long as the thread */
	}
}

void fz_cover_begin(void)
{
	if (cover)
		__atomic_store_n(&cover[0], 0, __ATOMIC_RELAXED);
}

static bool pc_insert(uint64_t pc)
{
	uint64_t h = fz_mix(pc, 0) & ((1u << PCSET_BITS) - 1);

	for (unsigned int probe = 0; probe < 64; probe++) {
		uint64_t *slot = &pcset[(h + probe) & ((1u << PCSET_BITS) - 1)];
		uint64_t cur = __atomic_load_n(slot, __ATOMIC_RELAXED);

		if (cur == pc)
			return false;
		if (!cur && __atomic_compare_exchange_n(slot, &cur, pc, false,
				__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
		if (cur == pc)
			return false;
	}
	return false;	/* full around here: not counted */
}

unsigned int fz_cover_end(void)
{
	unsigned long n;
	unsigned int fresh = 0;

	if (!cover)
		return 0;
	n = __atomic_load_n(&cover[0], __ATOMIC_RELAXED);
	if (n >= COVER_WORDS)
		n = COVER_WORDS - 1;
	for (unsigned long i = 1; i <= n; i++) {
		if (!pc_insert(cover[i]))
			continue;
		fresh++;
		atomic_fetch_add_explicit(&fz_st->cover, 1, memory_order_relaxed);
		if (cover[i] >= udrv_lo && cover[i] < udrv_hi)
			atomic_fetch_add_explicit(&fz_st->cover_udrv, 1,
						  memory_order_relaxed);
	}
	new_pcs += fresh;
	return fresh;
}

void fz_fail_begin(void)
{
	char buf[16];
	int n;

	failing = failfd >= 0 && fz_chance(16);
	if (!failing)
		return;
	n = snprintf(buf, sizeof(buf), "%u", 1 + fz_below(12));
	if (write(failfd, buf, (size_t)n) != n)
		failing = false;
}

void fz_fail_end(void)
{
	char buf[16] = "";

	if (!failing)
		return;
	failing = false;
	if (pread(failfd, buf, sizeof(buf) - 1, 0) > 0 && atoi(buf) == 0)
		atomic_fetch_add_explicit(&fz_st->injected, 1,
					  memory_order_relaxed);
	if (write(failfd, "0", 1) != 1)
		return;
}

/* ---- programs and the corpus ----------------------------------------- */

#define CORPUS_MAX 512
static uint64_t corpus[CORPUS_MAX][FZ_PROG_LEN];
static unsigned int ncorpus;
static pthread_mutex_t corpus_lock = PTHREAD_MUTEX_INITIALIZER;

void fz_run_program(void)
{
	uint64_t prog[FZ_PROG_LEN];
	bool from_corpus = false;

	for (int i = 0; i < FZ_PROG_LEN; i++)
		prog[i] = fz_rnd();
	pthread_mutex_lock(&corpus_lock);
	if (ncorpus && fz_chance(2)) {
		unsigned int k = fz_below(ncorpus < CORPUS_MAX ? ncorpus : CORPUS_MAX);
		uint64_t keep = prog[0];

		memcpy(prog, corpus[k], sizeof(prog));
		from_corpus = true;
		switch (fz_below(3)) {
		case 0:		/* one step replaced */
			prog[fz_below(FZ_PROG_LEN)] = keep;
			break;
		case 1:		/* one step nudged: same call, other values */
			prog[fz_below(FZ_PROG_LEN)] ^= 1ULL << (8 + fz_below(56));
			break;
		default: {	/* spliced with another program */
			unsigned int j = fz_below(ncorpus < CORPUS_MAX ? ncorpus : CORPUS_MAX);
			unsigned int at = fz_below(FZ_PROG_LEN);

			memcpy(prog + at, corpus[j] + at,
			       (FZ_PROG_LEN - at) * sizeof(prog[0]));
		}
		}
	}
	pthread_mutex_unlock(&corpus_lock);
	(void)from_corpus;

	new_pcs = 0;
	for (int i = 0; i < FZ_PROG_LEN; i++) {
		uint64_t saved = fz_rng_state;

		if (atomic_load(&fz_st->stop))
			return;
		if (atomic_fetch_add(&fz_st->total, 1) >= fz_budget) {
			atomic_store(&fz_st->stop, 1);
			return;
		}
		fz_rng_state = prog[i] | 1;	/* a step is a function of its seed */
		fz_step();
		fz_rng_state = fz_mix(saved, prog[i]) | 1;
	}
	if (new_pcs && cover) {
		pthread_mutex_lock(&corpus_lock);
		memcpy(corpus[ncorpus % CORPUS_MAX], prog, sizeof(prog));
		ncorpus++;
		pthread_mutex_unlock(&corpus_lock);
		atomic_fetch_add_explicit(&fz_st->corpus, 1, memory_order_relaxed);
	}
}
