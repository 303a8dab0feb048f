// SPDX-License-Identifier: MIT
/*
 * bench_irq_udrv: interrupt round trips on edu through udrv — user mode
 * raises an interrupt (BAR0+0x60), waits for it, acknowledges it, and
 * again — by each delivery path udrv offers.  Prints one line per path,
 * "RESULT <name> <interrupts per second>", the format bench/irq.sh
 * collects for the peers (UIO, VFIO, a bare kernel module) in the same
 * boot.  Usage: bench_irq_udrv [N]
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

static void result(const char *name, unsigned long n, double secs)
{
	printf("RESULT %s %.0f\n", name, n / secs);
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

/* INTx, acknowledged in the kernel by commands; user mode only waits. */
static void intx_wait(unsigned long n)
{
	WD_TRANSFER c[3];
	WD_INTERRUPT in;
	unsigned long i;
	double t0;

	memset(c, 0, sizeof(c));
	c[0].cmd = RM_DWORD;
	c[0].addr = EDU_STATUS;
	c[1].cmd = CMD_MASK;
	c[1].data.dw = 0xffffffff;
	c[2].cmd = WM_DWORD;
	c[2].addr = EDU_ACK;
	c[2].data.dw = 0xffffffff;
	if (enable(&in, c, 3, INTERRUPT_LEVEL_SENSITIVE))
		return;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		if (WD_IntWait(hwd, &in, 2000))
			break;
	}
	result("udrv-intx-cmds-IntWait", i, now_s() - t0);
	WD_IntDisable(hwd, &in);
}

static void msi_wait(unsigned long n)
{
	WD_INTERRUPT in;
	unsigned long i;
	double t0;

	if (enable(&in, NULL, 0, INTERRUPT_MESSAGE))
		return;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		if (WD_IntWait(hwd, &in, 2000))
			break;
		WDC_WriteAddr32(dev, 0, EDU_ACK, 1);
	}
	result("udrv-msi-IntWait", i, now_s() - t0);
	WD_IntDisable(hwd, &in);
}

static void msi_epoll(unsigned long n)
{
	struct epoll_event ev = { .events = EPOLLIN }, got;
	WD_INTERRUPT in;
	unsigned long i;
	uint64_t cnt;
	double t0;
	int fd, ep;

	if (enable(&in, NULL, 0, INTERRUPT_MESSAGE))
		return;
	fd = WD_IntFd(hwd, &in);
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
		if (epoll_wait(ep, &got, 1, 2000) != 1 ||
		    read(fd, &cnt, sizeof(cnt)) != sizeof(cnt))
			break;
		WDC_WriteAddr32(dev, 0, EDU_ACK, 1);
	}
	result("udrv-msi-IntFd-epoll", i, now_s() - t0);
	WD_IntDisable(hwd, &in);
	close(ep);
	close(fd);
}

static sem_t done;
static unsigned long todo;

/* The library's thread calls this per interrupt: ack, raise the next. */
static void ping(void *ctx)
{
	(void)ctx;
	WDC_WriteAddr32(dev, 0, EDU_ACK, 1);
	if (--todo)
		WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
	else
		sem_post(&done);
}

static void msi_thread(unsigned long n)
{
	struct timespec dl;
	double t0;

	sem_init(&done, 0, 0);
	todo = n;
	if (WDC_IntEnable(dev, NULL, 0, INTERRUPT_MESSAGE, ping, NULL, false)) {
		fprintf(stderr, "bench_irq_udrv: %s\n", WDC_GetLastErrStr());
		return;
	}
	t0 = now_s();
	WDC_WriteAddr32(dev, 0, EDU_RAISE, 1);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 120;
	if (sem_timedwait(&done, &dl) == 0)
		result("udrv-msi-WDC_IntEnable-thread", n, now_s() - t0);
	WDC_IntDisable(dev);
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
	intx_wait(n);
	msi_wait(n);
	msi_epoll(n);
	msi_thread(n);
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	return 0;
}
