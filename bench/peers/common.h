/* SPDX-License-Identifier: MIT */
/*
 * common.h - shared by the interrupt-benchmark peers (irq_uio, irq_vfio):
 * arguments, timing, the watchdog and the RESULT line.  Header-only, so
 * each peer stays one self-contained static program without libudrv.
 *
 * Every peer is run as PROG BDF N: after a warm-up of N/10 round trips it
 * times PEER_ROUNDS rounds of N round trips and prints
 *     RESULT <name> <interrupts per second, median round, integer>
 * plus a "# ..." line with the spread.  Errors go to stderr, exit status 1.
 */
#ifndef PEERS_COMMON_H
#define PEERS_COMMON_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EDU_ID 0x00
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define EDU_BAR0_SIZE (1024 * 1024)
#define PEER_ROUNDS 5
#define PEER_WATCHDOG_S 20	/* a lost interrupt must not hang the boot */

static const char *peer_prog;

static void peer_die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void peer_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", peer_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void peer_alarm(int sig)
{
	static const char msg[] = ": watchdog: an interrupt never arrived\n";

	(void)sig;
	if (write(2, peer_prog, strlen(peer_prog)) < 0 ||
	    write(2, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

/* "00:03.0" or "0000:00:03.0" -> "0000:00:03.0" in bdf[13]. */
static void peer_args(int argc, char **argv, char *bdf, unsigned long *n)
{
	char *end;

	peer_prog = argv[0];
	if (argc != 3)
		peer_die("usage: %s BDF ROUND_TRIPS", argv[0]);
	if (strlen(argv[1]) == 7)
		snprintf(bdf, 13, "0000:%s", argv[1]);
	else if (strlen(argv[1]) == 12)
		snprintf(bdf, 13, "%s", argv[1]);
	else
		peer_die("bad BDF '%s'", argv[1]);
	errno = 0;
	*n = strtoul(argv[2], &end, 0);
	if (errno || *end || *n == 0 || *n > 100000000)
		peer_die("bad ROUND_TRIPS '%s'", argv[2]);
	signal(SIGALRM, peer_alarm);
}

static double peer_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int peer_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Warm-up, then PEER_ROUNDS timed rounds of loop(ctx, n); prints the
 * RESULT line.  loop() must do n complete round trips or exit.
 */
static void peer_measure(const char *name, void (*loop)(void *, unsigned long),
			 void *ctx, unsigned long n)
{
	double rate[PEER_ROUNDS];
	int i;

	alarm(PEER_WATCHDOG_S);
	loop(ctx, n / 10 ? n / 10 : 1);
	for (i = 0; i < PEER_ROUNDS; i++) {
		double t0 = peer_now();

		alarm(PEER_WATCHDOG_S);
		loop(ctx, n);
		rate[i] = n / (peer_now() - t0);
	}
	alarm(0);
	qsort(rate, PEER_ROUNDS, sizeof(rate[0]), peer_cmp);
	printf("# %s: %d rounds of %lu round trips: min %.0f median %.0f max %.0f /s\n",
	       name, PEER_ROUNDS, n, rate[0], rate[PEER_ROUNDS / 2],
	       rate[PEER_ROUNDS - 1]);
	printf("RESULT %s %.0f\n", name, rate[PEER_ROUNDS / 2]);
	fflush(stdout);
}

static inline void reg_write(volatile uint32_t *bar, unsigned int off,
			     uint32_t v)
{
	bar[off / 4] = v;
}

static inline uint32_t reg_read(volatile uint32_t *bar, unsigned int off)
{
	return bar[off / 4];
}

#endif
