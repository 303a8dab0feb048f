// SPDX-License-Identifier: MIT
/*
 * t_fuzz: programs of calls over live resources.  Several processes, each
 * with several threads sharing its open files of /dev/udrv, register the
 * bound devices and run random steps: ioctls built mostly valid from what
 * is live (card and DMA handles, BARs, offsets, mmap offsets, interrupt
 * descriptors) with one field mutated now and then, and mmap, munmap,
 * mremap, madvise, fork and touches on the mappings.  Meanwhile the parent
 * unbinds and rebinds an edu, and removes and rescans it.  On the debug
 * kernel, KCOV steers the programs and fail-nth fails allocations and
 * user copies.
 *
 * The verdict that matters most is the kernel log (the VM harness fails a
 * boot on any Oops, BUG or WARNING).  Here: every key call succeeded at
 * least once (so the run got past validation), no mapping outlived the
 * object it maps, no worker died, and the devices are bound again.
 *
 * Safety: nothing ever writes edu's DMA registers (BAR0 0x80-0x9f): with
 * no IOMMU they would make the device write guest memory.  See
 * fuzz/devices.c for the write filter and fuzz/calls.c for config space.
 *
 * Environment: UDRV_FUZZ_CALLS (steps, default 1000000), UDRV_FUZZ_SECONDS
 * (time bound, default 300), UDRV_FUZZ_SEED (printed; replays the random
 * choices, not the interleaving), UDRV_FUZZ_PROCS (2), UDRV_FUZZ_THREADS
 * (3 per process), UDRV_FUZZ_SKIP (comma list of classes to leave out,
 * e.g. while a known defect is being fixed: steps info, config,
 * unregister, xfer, irq, dma, mmap, kp, event, debug; fork; split (partial munmap, mremap
 * shrink); lyingmask (an INTx command list that disowns the device's
 * own interrupt); unbind, remove; kcov, failnth;
 * bigcontig clamps contiguous DMA buffers to 4 MiB).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/tap.h"
#include "fuzz/fuzz.h"

unsigned long fz_budget = 1000000;
static unsigned long seconds = 300, seed;
static unsigned int nprocs = 2, nthreads = 3;
static struct timespec t0;

#define STUCK_GRACE 60	/* seconds a worker may overrun the bound */

static double elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
}

double fz_progress(void)
{
	double a = (double)atomic_load(&fz_st->total) / (double)fz_budget;
	double b = elapsed() / (double)seconds;

	return a > b ? a : b;
}

static unsigned long env(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v && *v ? strtoul(v, NULL, 0) : def;
}

static void *thread_main(void *arg)
{
	uintptr_t id = (uintptr_t)arg;

	fz_rng_state = fz_mix(seed, id) | 1;
	fz_thread_buffers();
	fz_kdebug_thread();
	while (!atomic_load(&fz_st->stop))
		fz_run_program();
	return NULL;
}

static void worker(unsigned int proc)
{
	pthread_t th[16];

	fz_signals();
	fz_pool_init();
	for (unsigned int t = 0; t < nthreads; t++)
		pthread_create(&th[t], NULL, thread_main,
			       (void *)(uintptr_t)(proc * 64 + t));
	for (unsigned int t = 0; t < nthreads; t++)
		pthread_join(th[t], NULL);
	fz_close_all();
	_exit(0);
}

/* The fuzzer may have set any DMA mask; later tests expect the default. */
static bool restore_masks(void)
{
	int fd = open(UDRV_DEVICE_PATH, O_RDWR);
	bool ok = fd >= 0;

	for (unsigned int i = 0; ok && i < fz_ndevs; i++) {
		struct udrv_register r = { .size = sizeof(r),
					   .slot = fz_devs[i].slot,
					   .options = UDRV_REG_SHARED };
		struct udrv_dma_mask m = { .size = sizeof(m), .bits = 32 };
		struct udrv_unregister u = { .size = sizeof(u) };

		if (ioctl(fd, UDRV_IOC_REGISTER, &r)) {
			ok = false;
			break;
		}
		m.hcard = u.hcard = r.hcard;
		if (ioctl(fd, UDRV_IOC_DMA_MASK, &m))
			ok = false;
		ioctl(fd, UDRV_IOC_UNREGISTER, &u);
	}
	if (fd >= 0)
		close(fd);
	return ok;
}

static void key(enum fz_op op, const char *skip_cls)
{
	if (skip_cls && fz_skip(skip_cls)) {
		tap_skip("%s: class '%s' skipped", fz_op_name(op), skip_cls);
		return;
	}
	tap_ok(fz_st->ok[op] > 0, "%s succeeded %lu times of %lu",
	       fz_op_name(op), (unsigned long)fz_st->ok[op],
	       (unsigned long)fz_st->calls[op]);
}

int main(void)
{
	pid_t pids[16];
	pthread_t hp;
	bool hp_on = false, died = false, stuck = false;
	unsigned int running;
	int fd;

	tap_init("t_fuzz");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fz_budget = env("UDRV_FUZZ_CALLS", 1000000);
	seconds = env("UDRV_FUZZ_SECONDS", 300);
	seed = env("UDRV_FUZZ_SEED", (unsigned long)time(NULL) ^ ((unsigned long)getpid() << 16));
	nprocs = (unsigned int)env("UDRV_FUZZ_PROCS", 2);
	nthreads = (unsigned int)env("UDRV_FUZZ_THREADS", 3);
	if (nprocs < 1 || nprocs > 16)
		nprocs = 2;
	if (nthreads < 1 || nthreads > 16)
		nthreads = 3;
	tap_diag("UDRV_FUZZ_SEED=%lu UDRV_FUZZ_CALLS=%lu UDRV_FUZZ_SECONDS=%lu "
		 "procs=%u threads=%u skip=%s", seed, fz_budget, seconds, nprocs,
		 nthreads, getenv("UDRV_FUZZ_SKIP") ? getenv("UDRV_FUZZ_SKIP") : "");

	fz_st = mmap(NULL, sizeof(*fz_st), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fd = open(UDRV_DEVICE_PATH, O_RDWR);
	if (fz_st == MAP_FAILED || fd < 0 || fz_find_devices(fd) <= 0) {
		tap_ok(false, "open /dev/udrv and find bound devices");
		return tap_done();
	}
	close(fd);
	for (unsigned int i = 0; i < fz_ndevs; i++)
		tap_diag("device %s %04x:%04x, %u BARs", fz_devs[i].bdf,
			 fz_devs[i].vendor, fz_devs[i].device, fz_devs[i].nbars);
	fz_kdebug_setup();
	/* The edu sample's Kernel PlugIn, when the guest has it */
	fz_have_kp = access("/lib/udrv/edu_kp.ko", R_OK) == 0 &&
		     system("insmod /lib/udrv/edu_kp.ko") == 0;
	tap_diag("Kernel PlugIn calls: %s", fz_have_kp ? "on (edu_kp)" :
		 "off (no /lib/udrv/edu_kp.ko)");
	tap_diag("KCOV %s, fail-nth %s", fz_have_kcov ? "on" :
		 "absent (not a debug kernel): programs are random",
		 fz_have_failnth ? "on" : "absent (not a debug kernel)");

	for (unsigned int p = 0; p < nprocs; p++) {
		pids[p] = fork();
		if (pids[p] == 0)
			worker(p);
	}
	if (!fz_skip("unbind") || !fz_skip("remove"))
		hp_on = !pthread_create(&hp, NULL, fz_hotplug_thread, NULL);
	for (running = nprocs; running;) {
		struct timespec nap = { 0, 100000000 };
		int st;

		if (elapsed() > (double)seconds)
			atomic_store(&fz_st->stop, 1);
		if (elapsed() > (double)seconds + STUCK_GRACE) {
			/*
			 * Workers stuck in the kernel past the time bound: a
			 * hang (deadlock).  Their stacks go to the kernel log
			 * and the verdict is given without them.
			 */
			int sq = open("/proc/sysrq-trigger", O_WRONLY);

			if (sq >= 0) {
				if (write(sq, "w", 1) != 1)
					tap_diag("sysrq-w failed");
				close(sq);
			}
			tap_diag("%u worker(s) still in the kernel %d s after the "
				 "time bound: blocked tasks in the kernel log",
				 running, STUCK_GRACE);
			died = stuck = true;
			break;
		}
		for (unsigned int p = 0; p < nprocs; p++) {
			if (pids[p] <= 0 || waitpid(pids[p], &st, WNOHANG) != pids[p])
				continue;
			if (!WIFEXITED(st) || WEXITSTATUS(st)) {
				tap_diag("worker %u ended with status 0x%x", p, st);
				died = true;
			}
			pids[p] = 0;
			running--;
		}
		if (running)
			nanosleep(&nap, NULL);
	}
	atomic_store(&fz_st->stop, 1);
	if (hp_on && !stuck)
		pthread_join(hp, NULL);

	{
		double s = elapsed();
		unsigned long calls = 0;

		for (int op = 0; op < FZ_NOPS; op++)
			calls += fz_st->calls[op];
		tap_diag("%lu steps, %lu calls in %.1f s: %.0f calls/s; %lu mutated",
			 (unsigned long)fz_st->total, calls, s, calls / s,
			 (unsigned long)fz_st->mutated);
	}
	fz_print_stats();
	tap_diag("touch faults %lu (%lu on mappings of objects the pool thought "
		 "live: unbind, remove, races), fail-nth faults injected %lu; "
		 "%lu touches of a freed object's mapping reached a live object "
		 "of the same handle (pool raced), %lu worked while a free was "
		 "in flight (not conclusive)",
		 (unsigned long)fz_st->faults, (unsigned long)fz_st->faults_live,
		 (unsigned long)fz_st->injected, (unsigned long)fz_st->reused,
		 (unsigned long)fz_st->raced);
	if (fz_have_kcov)
		tap_diag("coverage: %lu kernel PCs, %lu in udrv.ko; corpus %lu programs",
			 (unsigned long)fz_st->cover,
			 (unsigned long)fz_st->cover_udrv,
			 (unsigned long)fz_st->corpus);

	tap_ok(!died, "every worker process exited normally, in time");
	if (stuck)	/* the rest would block on what the workers hold */
		return tap_done();
	key(OP_REGISTER, NULL);
	key(OP_TRANSFER, NULL);
	key(OP_MULTI, NULL);
	key(OP_XLIST_PREPARE, "xfer");
	key(OP_XLIST_RUN, "xfer");
	key(OP_INT_ENABLE, NULL);
	tap_ok(fz_st->ok[OP_INT_WAIT] + fz_st->ok[OP_INTFD_READ] > 0,
	       "an interrupt was received: INT_WAIT ok %lu, read(int fd) ok %lu",
	       (unsigned long)fz_st->ok[OP_INT_WAIT],
	       (unsigned long)fz_st->ok[OP_INTFD_READ]);
	key(OP_DMA_LOCK_CONTIG, NULL);
	key(OP_DMA_LOCK_SG, NULL);
	key(OP_DMA_UNLOCK, NULL);
	key(OP_MMAP_BAR, "mmap");
	key(OP_MMAP_DMA, "mmap");
	key(OP_DEBUG_SET, "debug");
	key(OP_DEBUG_DUMP, "debug");
	key(OP_DEBUG_ADD, "debug");
	tap_ok(fz_st->stale == 0 && fz_st->faults_freed > 0,
	       "no mapping outlived its object (%lu stale, %lu faulted)%s%s",
	       (unsigned long)fz_st->stale,
	       (unsigned long)fz_st->faults_freed,
	       fz_st->stale ? ": first: " : "", fz_st->stale_what);
	if (fz_st->stale) {
		/* The pool's events before the first stale touch, one a line */
		for (char *l = fz_st->stale_log, *nl; *l; l = nl + 1) {
			nl = strchr(l, '\n');
			if (!nl)
				break;
			*nl = 0;
			tap_diag("  %s", l);
		}
	}
	tap_ok(fz_st->fork_touch_ok == 0,
	       "no forked child reached a mapping (%lu)",
	       (unsigned long)fz_st->fork_touch_ok);
	if (fz_have_kp) {
		key(OP_KP_OPEN, "kp");
		key(OP_KP_CALL, "kp");
		/* Every handle went with its process, card or device. */
		tap_ok(system("rmmod edu_kp") == 0,
		       "the Kernel PlugIn unloads: no handle outlived the workers");
	} else {
		tap_skip_provided("Kernel PlugIn calls: no edu_kp.ko in the guest");
	}
	tap_ok(fz_rebind_all(), "every device is bound to udrv again");
	tap_ok(restore_masks(), "DMA masks back to 32 bits");
	{
		struct udrv_version v = { .size = sizeof(v) };

		fd = open(UDRV_DEVICE_PATH, O_RDWR);
		tap_ok(fd >= 0 && fz_debug_off(fd),
		       "the debug monitor off again, as later tests expect");
		tap_ok(fd >= 0 && !ioctl(fd, UDRV_IOC_VERSION, &v) &&
		       v.abi_version == UDRV_ABI_VERSION,
		       "the agent still answers");
		if (fd >= 0)
			close(fd);
	}
	return tap_done();
}
