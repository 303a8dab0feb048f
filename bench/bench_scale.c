// SPDX-License-Identifier: MIT
/*
 * bench_scale: how udrv's costs grow with the number of devices, threads
 * and processes (bench/scale.sh runs it; docs/performance.md, "Scale").
 *
 *   bench_scale irq-threads N COUNT [pin]
 *                                     one process, N threads, thread i
 *                                     owns the i-th edu bound to udrv
 *   bench_scale irq-procs N COUNT [pin]
 *                                     N processes, each its own edu
 *   bench_scale transfer-procs N COUNT
 *                                     N processes, each WD_Transfer reads
 *                                     of its own edu's id register
 *   bench_scale version-procs N COUNT
 *                                     N processes, WD_Version calls: an
 *                                     ioctl that touches no device, the
 *                                     control for the two above (how the
 *                                     agent alone scales, without QEMU's
 *                                     device emulation)
 *   bench_scale scan COUNT            WDC_PciScanDevices (edu only, and
 *                                     every device) against the same walk
 *                                     of sysfs that libpci does
 *
 * An interrupt round trip is the one bench_irq_udrv times for
 * WD_IntWaitFd: raise (BAR0+0x60), wait on the status descriptor,
 * acknowledge (BAR0+0x64).  Every worker does COUNT operations per round
 * between two barriers; a round's aggregate rate is all workers' operations
 * over the time from the first start to the last end.  After a warm-up,
 * ROUNDS rounds; the output is the median and the min-max:
 *   RESULT <kind>[-pin]-<N> <aggregate per second> <min> <max>
 *
 * "pin": worker i runs on CPU i % ncpus and so does its device's MSI
 * (/proc/irq/N/smp_affinity_list), as irqbalance or a tuned driver would
 * place them.  Without it the kernel places both, and a wake-up often
 * crosses CPUs: under TCG that is an idle vCPU's wake-up, which costs more
 * than the whole round trip on one CPU.
 */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <udrv/wdc.h>

#define ROUNDS 5
#define MAX_WORKERS 32
#define EDU_ID		0x00
#define EDU_RAISE	0x60
#define EDU_ACK		0x64

/* Shared between the workers (threads or processes) and the parent. */
struct shared {
	pthread_barrier_t bar;
	int failed;
	double t0[ROUNDS][MAX_WORKERS];
	double t1[ROUNDS][MAX_WORKERS];
};

static struct shared *sh;
static const char *kind;
static unsigned long count;
static int pin;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One worker's device and what it needs for its operation. */
struct worker {
	int idx;
	WD_PCI_SLOT slot;
	WDC_DEVICE_HANDLE dev;
	WD_INTERRUPT in;
	int sfd;
	WD_TRANSFER tr;
};

/* Opens the idx-th edu bound to udrv (the driver must be open). */
static int open_edu(struct worker *w)
{
	WDC_PCI_SCAN_RESULT res;
	WD_PCI_CARD_INFO info;
	uint32_t i;
	int seen = 0;

	if (WDC_PciScanDevices(0x1234, 0x11e8, &res))
		return -1;
	for (i = 0; i < res.count; i++) {
		memset(&info, 0, sizeof(info));
		info.slot = res.slot[i];
		if (WDC_PciGetDeviceInfo(&info) || !info.bound)
			continue;
		if (seen++ == w->idx) {
			w->slot = info.slot;
			return WDC_PciDeviceOpen(&w->dev, &info, NULL) ? -1 : 0;
		}
	}
	fprintf(stderr, "bench_scale: no edu #%d bound to udrv (%d bound)\n",
		w->idx, seen);
	return -1;
}

static int irq_kind(void)
{
	return !strncmp(kind, "irq-", 4);
}

/* This worker, and its device's MSI vectors, on CPU idx % ncpus */
static int pin_worker(struct worker *w)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int cpu = w->idx % (ncpu > 0 ? ncpu : 1), n = 0;
	char path[300];
	struct dirent *e;
	cpu_set_t set;
	FILE *f;
	DIR *d;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%04x:%02x:%02x.%x/msi_irqs",
		 w->slot.domain, w->slot.bus, w->slot.slot, w->slot.function);
	d = opendir(path);
	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/irq/%s/smp_affinity_list",
			 e->d_name);
		f = fopen(path, "w");
		if (!f || fprintf(f, "%d\n", cpu) < 0 || fclose(f)) {
			closedir(d);
			return -1;
		}
		n++;
	}
	closedir(d);
	return n ? 0 : -1;
}

static int setup(struct worker *w)
{
	if (open_edu(w))
		return -1;
	if (irq_kind()) {
		memset(&w->in, 0, sizeof(w->in));
		w->in.options = INTERRUPT_MESSAGE;
		if (WD_IntEnable(WDC_GetWDHandle(), WDC_GetCardHandle(w->dev),
				 &w->in))
			return -1;
		if (pin && pin_worker(w)) {
			perror("bench_scale: pinning");
			return -1;
		}
		w->sfd = WD_IntStatusFd(WDC_GetWDHandle(), &w->in);
		return w->sfd < 0 ? -1 : 0;
	}
	memset(&w->tr, 0, sizeof(w->tr));
	w->tr.cmd = RM_DWORD;
	w->tr.addr = EDU_ID;
	return 0;
}

/* n operations; returns how many completed */
static unsigned long work(struct worker *w, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (irq_kind()) {
			WDC_WriteAddr32(w->dev, 0, EDU_RAISE, 1);
			if (WD_IntWaitFd(w->sfd, &w->in) || w->in.stopped)
				break;
			WDC_WriteAddr32(w->dev, 0, EDU_ACK, 1);
		} else if (kind[0] == 'v') {
			uint32_t v;

			if (WD_Version(WDC_GetWDHandle(), &v, NULL, 0))
				break;
		} else if (WD_Transfer(WDC_GetWDHandle(),
				       WDC_GetCardHandle(w->dev), &w->tr) ||
			   w->tr.data.dw != 0x010000ed) {
			break;
		}
	}
	return i;
}

static void teardown(struct worker *w)
{
	if (irq_kind()) {
		WD_IntDisable(WDC_GetWDHandle(), &w->in);
		close(w->sfd);
	}
	WDC_PciDeviceClose(w->dev);
}

/*
 * Every worker: set up, then a barrier (the parent checks for failures),
 * a warm-up, and ROUNDS timed rounds, each between two barriers.  A
 * failed worker still meets every barrier, so nobody waits for it forever.
 */
static void run_worker(struct worker *w)
{
	int ok = !setup(w), r;

	if (!ok) {
		fprintf(stderr, "bench_scale: worker %d: %s\n", w->idx,
			WDC_GetLastErrStr());
		__atomic_store_n(&sh->failed, 1, __ATOMIC_SEQ_CST);
	}
	pthread_barrier_wait(&sh->bar);
	if (ok && work(w, count / 10 ? count / 10 : 1) != (count / 10 ? count / 10 : 1))
		__atomic_store_n(&sh->failed, 1, __ATOMIC_SEQ_CST);
	for (r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(&sh->bar);
		sh->t0[r][w->idx] = now_s();
		if (ok && work(w, count) != count) {
			fprintf(stderr, "bench_scale: worker %d: round %d cut short\n",
				w->idx, r);
			__atomic_store_n(&sh->failed, 1, __ATOMIC_SEQ_CST);
			ok = 0;
		}
		sh->t1[r][w->idx] = now_s();
		pthread_barrier_wait(&sh->bar);
	}
	if (ok)
		teardown(w);
}

static void *thread_main(void *arg)
{
	run_worker(arg);
	return NULL;
}

/* The parent: meets the workers at every barrier, then reports. */
static int report(int n)
{
	double rate[ROUNDS];
	int r, i;

	pthread_barrier_wait(&sh->bar);
	for (r = 0; r < ROUNDS; r++) {
		pthread_barrier_wait(&sh->bar);
		pthread_barrier_wait(&sh->bar);
	}
	if (__atomic_load_n(&sh->failed, __ATOMIC_SEQ_CST))
		return 1;
	for (r = 0; r < ROUNDS; r++) {
		double a = sh->t0[r][0], b = sh->t1[r][0];

		for (i = 1; i < n; i++) {
			a = sh->t0[r][i] < a ? sh->t0[r][i] : a;
			b = sh->t1[r][i] > b ? sh->t1[r][i] : b;
		}
		rate[r] = (double)n * count / (b - a);
	}
	qsort(rate, ROUNDS, sizeof(rate[0]), cmp_double);
	printf("RESULT %s%s-%d %.0f %.0f %.0f\n", kind, pin ? "-pin" : "", n,
	       rate[ROUNDS / 2], rate[0], rate[ROUNDS - 1]);
	return 0;
}

static int run_workers(int n, int procs)
{
	static struct worker w[MAX_WORKERS];
	pthread_t tid[MAX_WORKERS];
	pthread_barrierattr_t ba;
	int i, rc, status;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 1;
	pthread_barrierattr_init(&ba);
	pthread_barrierattr_setpshared(&ba, PTHREAD_PROCESS_SHARED);
	pthread_barrier_init(&sh->bar, &ba, n + 1);
	if (!procs && WDC_DriverOpen()) {
		fprintf(stderr, "bench_scale: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	for (i = 0; i < n; i++) {
		w[i].idx = i;
		if (!procs) {
			if (pthread_create(&tid[i], NULL, thread_main, &w[i]))
				return 1;
			continue;
		}
		switch (fork()) {
		case -1:
			return 1;
		case 0:
			/* Each process opens udrv itself: its own owner. */
			if (WDC_DriverOpen()) {
				fprintf(stderr, "bench_scale: %s\n",
					WDC_GetLastErrStr());
				sh->failed = 1;
			}
			run_worker(&w[i]);
			WDC_DriverClose();
			_exit(0);
		}
	}
	rc = report(n);
	for (i = 0; i < n; i++) {
		if (!procs)
			pthread_join(tid[i], NULL);
		else if (wait(&status) < 0 || !WIFEXITED(status) ||
			 WEXITSTATUS(status))
			rc = 1;
	}
	if (!procs)
		WDC_DriverClose();
	return rc;
}

/*
 * The baseline for a scan: what libpci (lspci) does without udrv, one
 * directory entry and two small files per device.
 */
static int sysfs_scan(uint16_t vendor, uint16_t device, int *found)
{
	char path[300], buf[16];
	struct dirent *e;
	DIR *d = opendir("/sys/bus/pci/devices");
	FILE *f;
	unsigned int v, dv;

	if (!d)
		return -1;
	*found = 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor",
			 e->d_name);
		f = fopen(path, "r");
		if (!f || !fgets(buf, sizeof(buf), f))
			goto bad;
		fclose(f);
		v = strtoul(buf, NULL, 16);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/device",
			 e->d_name);
		f = fopen(path, "r");
		if (!f || !fgets(buf, sizeof(buf), f))
			goto bad;
		fclose(f);
		dv = strtoul(buf, NULL, 16);
		if ((!vendor || v == vendor) && (!device || dv == device))
			++*found;
	}
	closedir(d);
	return 0;
bad:
	if (f)
		fclose(f);
	closedir(d);
	return -1;
}

/* Median µs per call over ROUNDS rounds of count calls; -1 on failure */
static double time_scan(int udrv, uint16_t vendor, uint16_t device,
			int *found)
{
	static WDC_PCI_SCAN_RESULT res;
	double us[ROUNDS];
	unsigned long i;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_s();

		for (i = 0; i < count; i++) {
			if (udrv) {
				if (WDC_PciScanDevices(vendor, device, &res))
					return -1;
				*found = res.count;
			} else if (sysfs_scan(vendor, device, found)) {
				return -1;
			}
		}
		us[r] = (now_s() - t0) / count * 1e6;
	}
	qsort(us, ROUNDS, sizeof(us[0]), cmp_double);
	return us[ROUNDS / 2];
}

static int scan(void)
{
	int edus, all, e2, a2;
	double ue, ua, se, sa;

	if (WDC_DriverOpen()) {
		fprintf(stderr, "bench_scale: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	/* Interleaved: a slow spell of the host falls on both sides. */
	ue = time_scan(1, 0x1234, 0x11e8, &edus);
	se = time_scan(0, 0x1234, 0x11e8, &e2);
	ua = time_scan(1, 0, 0, &all);
	sa = time_scan(0, 0, 0, &a2);
	WDC_DriverClose();
	if (ue < 0 || se < 0 || ua < 0 || sa < 0) {
		fprintf(stderr, "bench_scale: scan failed: %s\n",
			WDC_GetLastErrStr());
		return 1;
	}
	/* Both sides must have seen the same bus. */
	if (edus != e2 || all != a2) {
		fprintf(stderr, "bench_scale: udrv found %d edu / %d devices, sysfs %d / %d\n",
			edus, all, e2, a2);
		return 1;
	}
	printf("RESULT scan-edu-%d %.2f\n", edus, ue);
	printf("RESULT sysfs-edu-%d %.2f\n", edus, se);
	printf("RESULT scan-all-%d %.2f\n", all, ua);
	printf("RESULT sysfs-all-%d %.2f\n", all, sa);
	return 0;
}

int main(int argc, char **argv)
{
	int n;

	if (argc == 3 && !strcmp(argv[1], "scan")) {
		count = strtoul(argv[2], NULL, 0);
		return count ? scan() : 2;
	}
	if (argc == 5 && !strcmp(argv[4], "pin"))
		pin = 1;
	else if (argc != 4)
		goto usage;
	kind = argv[1];
	n = atoi(argv[2]);
	count = strtoul(argv[3], NULL, 0);
	if (n < 1 || n > MAX_WORKERS || !count)
		goto usage;
	if (!strcmp(kind, "irq-threads"))
		return run_workers(n, 0);
	if (!strcmp(kind, "irq-procs") || !strcmp(kind, "transfer-procs") ||
	    !strcmp(kind, "version-procs"))
		return run_workers(n, 1);
usage:
	fprintf(stderr, "usage: bench_scale irq-threads|irq-procs|transfer-procs|version-procs N COUNT [pin]\n"
		"       bench_scale scan COUNT\n");
	return 2;
}
