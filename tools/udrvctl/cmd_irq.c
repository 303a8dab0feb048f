// SPDX-License-Identifier: MIT
/*
 * cmd_irq.c - udrvctl irq: enable a device's interrupts, optionally with
 * commands the kernel runs at IRQ time, and print one line per wake-up:
 *
 *   SECONDS.MICROS count=TOTAL vector=LAST_MESSAGE lost=LOST [status=0x...]
 *
 * (status: the value the --status read returned at IRQ time).  Stops after
 * --count wake-ups, at SIGINT/SIGTERM, or with exit status 1 when a wait
 * times out.  A second thread takes the signals and disables the
 * interrupts, which wakes the waiting main thread: the stop is always
 * clean, the agent never keeps a handler behind us.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cmds.h"
#include "irq_args.h"
#include "parse.h"

struct irq_run {
	int hwd;
	WD_INTERRUPT intr;	/* the signal thread's copy: hInterrupt */
	atomic_int signo;	/* the signal that stopped us, 0 if none */
};

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGUSR1);	/* from the main thread: just return */
}

static void *signal_thread(void *arg)
{
	struct irq_run *r = arg;
	sigset_t set;
	int sig = 0;

	stop_signals(&set);
	if (sigwait(&set, &sig) || sig == SIGUSR1)
		return NULL;
	atomic_store(&r->signo, sig);
	/* Wakes the main thread's WD_IntWait with `stopped` set. */
	WD_IntDisable(r->hwd, &r->intr);
	return NULL;
}

static const char *type_name(uint32_t t)
{
	return t == INTERRUPT_LEVEL_SENSITIVE ? "INTx" :
	       t == INTERRUPT_MESSAGE ? "MSI" :
	       t == INTERRUPT_MESSAGE_X ? "MSI-X" : "unknown type";
}

static void print_line(const struct timespec *t0, const WD_INTERRUPT *in,
		       const struct ctl_irq_args *a, const WD_TRANSFER *cmds)
{
	struct timespec t;
	long long us;

	clock_gettime(CLOCK_MONOTONIC, &t);
	us = (long long)(t.tv_sec - t0->tv_sec) * 1000000 +
	     (t.tv_nsec - t0->tv_nsec) / 1000;
	printf("%lld.%06lld count=%u vector=%u lost=%u", us / 1000000,
	       us % 1000000, in->count, in->last_message, in->lost);
	if (a->have_status)	/* the first command: RM_DWORD */
		printf(" status=0x%08x", cmds[0].data.dw);
	putchar('\n');
}

/* Waits and prints until done; the exit status. */
static int wait_loop(int hwd, WD_INTERRUPT *in,
		     const struct ctl_irq_args *a, const WD_TRANSFER *cmds,
		     struct irq_run *run)
{
	struct timespec t0;
	uint32_t got = 0, st;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		st = WD_IntWait(hwd, in, a->timeout_ms);
		if (st == WD_TIME_OUT) {
			fprintf(stderr, "udrvctl irq: no interrupt within %u ms (%u wake-up%s so far)\n",
				a->timeout_ms, got, got == 1 ? "" : "s");
			return 1;
		}
		if (st && atomic_load(&run->signo))
			break;	/* disabled by the signal between two waits */
		if (st)
			return ctl_lib_error("irq");
		if (in->stopped) {
			if (atomic_load(&run->signo))
				break;
			fprintf(stderr, "udrvctl irq: %s\n",
				in->stopped == UDRV_STOP_REMOVED ?
				"the device went away (unbound or removed)" :
				"interrupts were disabled by someone else");
			return 1;
		}
		print_line(&t0, in, a, cmds);
		if (a->count && ++got >= a->count)
			return 0;
	}
	if (a->count) {
		fprintf(stderr, "udrvctl irq: stopped by %s after %u of %u wake-ups\n",
			atomic_load(&run->signo) == SIGINT ? "SIGINT" :
							     "SIGTERM",
			got, a->count);
		return 1;
	}
	return 0;
}

static int run_irq(WDC_DEVICE_HANDLE dev, const struct ctl_irq_args *a)
{
	WD_TRANSFER cmds[UDRV_MAX_INT_CMDS];
	struct irq_run run;
	char bdf[CTL_BDF_LEN];
	WD_INTERRUPT in;
	pthread_t th;
	int hwd = WDC_GetWDHandle(), ret, err;
	uint32_t st;

	memset(&in, 0, sizeof(in));
	in.cmds = cmds;
	in.num_cmds = ctl_irq_cmds(a, cmds);
	in.options = ctl_irq_options(a);
	ctl_fmt_bdf(a->slot, bdf);
	st = WD_IntEnable(hwd, WDC_GetCardHandle(dev), &in);
	if (st == WD_RESOURCE_OVERLAP) {
		fprintf(stderr, "udrvctl irq: %s: interrupts are already enabled by another program or handle (one enablement per device)\n",
			bdf);
		return 1;
	}
	if (st)
		return ctl_lib_error("irq");
	fprintf(stderr, "udrvctl irq: %s: %s enabled, %u command%s at IRQ time; ",
		bdf, type_name(in.enabled_type), in.num_cmds,
		in.num_cmds == 1 ? "" : "s");
	if (a->count)
		fprintf(stderr, "waiting for %u wake-up%s\n", a->count,
			a->count == 1 ? "" : "s");
	else
		fprintf(stderr, "waiting until SIGINT (Ctrl-C) or SIGTERM\n");
	if (in.enabled_type == INTERRUPT_LEVEL_SENSITIVE && !a->num_ack)
		fprintf(stderr, "udrvctl irq: note: INTx without --ack: the kernel masks INTx at each interrupt until the next wait, and nothing acknowledges the device\n");

	memset(&run, 0, sizeof(run));
	run.hwd = hwd;
	run.intr = in;
	atomic_init(&run.signo, 0);
	err = pthread_create(&th, NULL, signal_thread, &run);
	if (err) {
		fprintf(stderr, "udrvctl irq: cannot start a thread: %s\n",
			strerror(err));
		WD_IntDisable(hwd, &in);
		return 1;
	}
	ret = wait_loop(hwd, &in, a, cmds, &run);
	pthread_kill(th, SIGUSR1);
	pthread_join(th, NULL);
	if (!atomic_load(&run.signo) && WD_IntDisable(hwd, &in) &&
	    !in.stopped)
		ret = ctl_lib_error("irq");
	fprintf(stderr, "udrvctl irq: %u interrupt%s, %u lost\n", in.count,
		in.count == 1 ? "" : "s", in.lost);
	return ret;
}

int cmd_irq(int argc, char **argv)
{
	struct ctl_irq_args a;
	WDC_DEVICE_HANDLE dev;
	sigset_t set;
	char err[200];
	int ret;

	if (ctl_irq_parse(argc, argv, &a, err, sizeof(err)))
		return ctl_usage_error("irq: %s", err);
	/* Before any thread: they all inherit the mask, one takes them. */
	stop_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = ctl_open_lib("irq");
	if (ret)
		return ret;
	ret = ctl_open_device("irq", a.slot, &dev);
	if (!ret) {
		ret = run_irq(dev, &a);
		WDC_PciDeviceClose(dev);
	}
	WDC_DriverClose();
	return ret;
}
