// SPDX-License-Identifier: MIT
/*
 * bench_irq_udrv: interrupt round trips on edu through udrv — user mode
 * raises an interrupt (BAR0+0x60), waits for it, acknowledges it, and
 * again — by each delivery path udrv offers.  Prints one line per path,
 * "RESULT <name> <interrupts per second>", the format bench/irq.sh
 * collects for the peers (UIO, VFIO, a bare kernel module) in the same
 * boot, measured the same way (warm-up, median of 5 rounds of N).
 * Usage: bench_irq_udrv [N]
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include <udrv/wdc.h>

#define EDU_STATUS	0x24
#define EDU_RAISE	0x60
#define EDU_ACK		0x64

static WDC_DEVICE_HANDLE dev;
static int hwd;
static uint32_t hcard;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int enable(WD_INTERRUPT *in, WD_TRANSFER *cmds, uint32_t ncmds,
		  uint32_t type)
{
	memset(in, 0, sizeof(*in));
	in->cmds = cmds;
	in->num_cmds = ncmds;
	in->options = type;
	if (WD_IntEnable(hwd, hcard, in)) {
		fprintf(stderr, "bench_irq_udrv: %s\n", WDC_GetLastErrStr());
		return -1;
	}
	return 0;
}

/*
 * Each path: set up, then run(n) round trips (returns how many completed),
 * then tear down.  As the peers do: a warm-up of n/10, then ROUNDS timed
 * rounds of n, and the median rate.
 */
#define ROUNDS 5

static WD_INTERRUPT in;
static WD_TRANSFER ack_cmds[3];
static int ep, ifd;

static int setup_intx(void)
{
	memset(ack_cmds, 0, sizeof(ack_cmds));
	ack_cmds[0].cmd = RM_DWORD;
	ack_cmds[0].addr = EDU_STATUS;
	ack_cmds[1].cmd = CMD_MASK;
	ack_cmds[1].data.dw = 0xffffffff;
	ack_cmds[2].cmd = WM_DWORD;
	ack_cmds[2].addr = EDU_ACK;
	ack_cmds[2].data.dw = 0xffffffff;
	return enable(&in, ack_cmds, 3, INTERRUPT_LEVEL_SENSITIVE);
}

/* INTx, acknowledged in the kernel by commands; user mode only waits. */
static unsigned long run_intx_wait(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		if (WD_IntWait(hwd, &in, 2000))
			break;
	}
	return i;
}

static int setup_msi(void)
{
	return enable(&in, NULL, 0, INTERRUPT_MESSAGE);
}

static unsigned long run_msi_wait(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		if (WD_IntWait(hwd, &in, 2000))
			break;
		WDC_WriteAddr32(dev, 0, EDU_ACK, 1);
	}
	return i;
}

static void teardown(void)
{
	WD_IntDisable(hwd, &in);
}

/* MSI, WD_IntWaitFd on a status descriptor: WD_IntWait's whole result */
static int sfd = -1;

static int setup_status_fd(void)
{
	if (setup_msi())
		return -1;
	sfd = WD_IntStatusFd(hwd, &in);
	return sfd < 0 ? -1 : 0;
}

static unsigned long run_status_fd(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		if (WD_IntWaitFd(sfd, &in) || in.stopped)
			break;
		WDC_WriteAddr32(dev, 0, EDU_ACK, 1);
	}
	return i;
}

static void teardown_status_fd(void)
{
	WD_IntDisable(hwd, &in);
	close(sfd);
	sfd = -1;
}

static int setup_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN };

	if (setup_msi())
		return -1;
	ifd = WD_IntFd(hwd, &in);
	ep = epoll_create1(0);
	return ifd < 0 || ep < 0 ? -1 : epoll_ctl(ep, EPOLL_CTL_ADD, ifd, &ev);
}

static unsigned long run_epoll(unsigned long n)
{
	struct epoll_event got;
	unsigned long i;
	uint64_t cnt;

	for (i = 0; i < n; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		if (epoll_wait(ep, &got, 1, 2000) != 1 ||
		    read(ifd, &cnt, sizeof(cnt)) != sizeof(cnt))
			break;
		WDC_WriteAddr32(dev, 0, EDU_ACK, 1);
	}
	return i;
}

static int setup_fd(void)
{
	if (setup_msi())
		return -1;
	ifd = WD_IntFd(hwd, &in);
	return ifd < 0 ? -1 : 0;
}

/* The same mechanism as VFIO's eventfd: a blocking read() per interrupt. */
static unsigned long run_fd_read(unsigned long n)
{
	unsigned long i;
	uint64_t cnt;

	for (i = 0; i < n; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		if (read(ifd, &cnt, sizeof(cnt)) != sizeof(cnt))
			break;
		WDC_WriteAddr32(dev, 0, EDU_ACK, 1);
	}
	return i;
}

static void teardown_fd(void)
{
	teardown();
	close(ifd);
}

static void teardown_epoll(void)
{
	teardown();
	close(ep);
	close(ifd);
}

static sem_t done;
static volatile unsigned long todo;

/* The library's thread calls this per interrupt: ack, raise the next. */
static void ping(void *ctx)
{
	(void)ctx;
	WDC_WriteAddr32(dev, 0, EDU_ACK, 1);
	if (todo && --todo)
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
	else
		sem_post(&done);
}

static int setup_thread(void)
{
	sem_init(&done, 0, 0);
	if (WDC_IntEnable(dev, NULL, 0, INTERRUPT_MESSAGE, ping, NULL, false)) {
		fprintf(stderr, "bench_irq_udrv: %s\n", WDC_GetLastErrStr());
		return -1;
	}
	return 0;
}

static unsigned long run_thread(unsigned long n)
{
	struct timespec dl;

	todo = n;
	WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 60;
	return sem_timedwait(&done, &dl) == 0 ? n : 0;
}

static void teardown_thread(void)
{
	WDC_IntDisable(dev);
}

static const struct path {
	const char *name;
	int (*setup)(void);
	unsigned long (*run)(unsigned long n);
	void (*teardown)(void);
} paths[] = {
	{ "udrv-intx-cmds-IntWait", setup_intx, run_intx_wait, teardown },
	{ "udrv-msi-IntWait", setup_msi, run_msi_wait, teardown },
	{ "udrv-msi-IntWaitFd", setup_status_fd, run_status_fd,
	  teardown_status_fd },
	{ "udrv-msi-IntFd-read", setup_fd, run_fd_read, teardown_fd },
	{ "udrv-msi-IntFd-epoll", setup_epoll, run_epoll, teardown_epoll },
	{ "udrv-msi-WDC_IntEnable-thread", setup_thread, run_thread,
	  teardown_thread },
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void measure(const struct path *p, unsigned long n)
{
	double rate[ROUNDS];
	int r;

	if (p->setup()) {
		fprintf(stderr, "bench_irq_udrv: %s: setup failed\n", p->name);
		return;
	}
	p->run(n / 10 ? n / 10 : 1);
	for (r = 0; r < ROUNDS; r++) {
		double t0 = now_s();
		unsigned long got = p->run(n);

		if (got != n) {
			fprintf(stderr, "bench_irq_udrv: %s: %lu of %lu round trips\n",
				p->name, got, n);
			p->teardown();
			return;
		}
		rate[r] = n / (now_s() - t0);
	}
	p->teardown();
	qsort(rate, ROUNDS, sizeof(rate[0]), cmp_double);
	printf("RESULT %s %.0f\n", p->name, rate[ROUNDS / 2]);
	printf("# %s: min %.0f max %.0f interrupts/s over %d rounds of %lu\n",
	       p->name, rate[0], rate[ROUNDS - 1], ROUNDS, n);
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000;
	WDC_PCI_SCAN_RESULT res;
	WD_PCI_CARD_INFO info;
	uint32_t i;

	if (WDC_DriverOpen() || WDC_PciScanDevices(0x1234, 0x11e8, &res)) {
		fprintf(stderr, "bench_irq_udrv: %s\n", WDC_GetLastErrStr());
		return 1;
	}
	for (i = 0, dev = NULL; i < res.count && !dev; i++) {
		memset(&info, 0, sizeof(info));
		info.slot = res.slot[i];
		if (WDC_PciGetDeviceInfo(&info) || !info.bound ||
		    WDC_PciDeviceOpen(&dev, &info, NULL))
			dev = NULL;
	}
	if (!dev) {
		fprintf(stderr, "bench_irq_udrv: no edu bound to udrv\n");
		return 1;
	}
	hwd = WDC_GetWDHandle();
	hcard = WDC_GetCardHandle(dev);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		measure(&paths[i], n);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return 0;
}
