// SPDX-License-Identifier: MIT
/*
 * t_intstatus: the interrupt status descriptor (WD_IntStatusFd,
 * WD_IntWaitFd; UDRV_INT_FD_STATUS).  Its read() must be WD_IntWait
 * without a timeout: the same cursor (what one consumed the other does
 * not see again), the same count, lost, vectors and IRQ-time values, the
 * same INTx unmasking; a wake-up with `stopped` on disable, also for a
 * reader blocked in another thread; and every bad input refused.
 *
 * edu: 0x24 interrupt status, 0x60 raise, 0x64 acknowledge.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "common/tap.h"

#define EDU_STATUS	0x24
#define EDU_RAISE	0x60
#define EDU_ACK		0x64
#define N		50

static int hwd;

/* Raises and waits until the agent counted it, without consuming it. */
static bool raise_counted(WDC_DEVICE_HANDLE a, WD_INTERRUPT *in, uint32_t bit)
{
	WD_INTERRUPT c = *in;
	uint32_t before, i;

	if (WD_IntCount(hwd, &c))
		return false;
	before = c.count;
	WDC_WriteAddr32(a, 0, EDU_RAISE, bit);
	for (i = 0; i < 2000; i++) {
		if (WD_IntCount(hwd, &c) || c.count != before)
			return c.count == before + 1;
		usleep(1000);
	}
	return false;
}

static void test_msi(WDC_DEVICE_HANDLE a)
{
	struct udrv_int_status st;
	WD_INTERRUPT in;
	uint32_t i, good = 0;
	int fd, err;

	setup_intr(&in, NULL, 0, INTERRUPT_MESSAGE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &in),
			WD_STATUS_SUCCESS, "MSI on edu"))
		return;
	fd = WD_IntStatusFd(hwd, &in);
	if (!tap_ok(fd >= 0, "WD_IntStatusFd gives a descriptor (%d)", fd)) {
		WD_IntDisable(hwd, &in);
		return;
	}
	tap_ok(fcntl(fd, F_GETFD) & FD_CLOEXEC, "... close-on-exec");
	for (i = 0; i < N; i++) {
		WDC_WriteAddr32(a, 0, EDU_RAISE, 1);
		if (WD_IntWaitFd(fd, &in))
			break;
		good += in.count == i + 1 && in.lost == 0 && in.vectors == 1 &&
			in.last_message == 0 && !in.stopped &&
			in.enabled_type == INTERRUPT_MESSAGE;
		WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	}
	tap_ok(good == N, "%u MSIs, each returned once with count, lost 0, vector 0x1 (%u)",
	       N, good);

	/* Two raises before one read: one wake-up, one lost. */
	raise_counted(a, &in, 1);
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	raise_counted(a, &in, 1);
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	tap_status(WD_IntWaitFd(fd, &in), WD_STATUS_SUCCESS,
		   "two MSIs, one read");
	tap_ok(in.count == N + 2 && in.lost == 1,
	       "... count %u (want %u), lost %u (want 1)", in.count, N + 2,
	       in.lost);

	/* The cursor is WD_IntWait's: what one took, the other does not */
	tap_status(WD_IntWait(hwd, &in, 50), WD_TIME_OUT,
		   "WD_IntWait after the read: nothing left to take");
	raise_counted(a, &in, 1);
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	tap_status(WD_IntWait(hwd, &in, 2000), WD_STATUS_SUCCESS,
		   "WD_IntWait takes the next MSI");
	fcntl(fd, F_SETFL, O_NONBLOCK);
	err = read(fd, &st, sizeof(st)) < 0 ? errno : 0;
	tap_ok(err == EAGAIN, "... so the descriptor has nothing: EAGAIN (%s)",
	       strerror(err));
	err = read(fd, &st, sizeof(st) - 1) < 0 ? errno : 0;
	tap_ok(err == EINVAL, "a read shorter than the status: EINVAL (%s)",
	       strerror(err));
	fcntl(fd, F_SETFL, 0);

	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS, "disable");
	tap_status(WD_IntWaitFd(fd, &in), WD_STATUS_SUCCESS,
		   "a read after disable returns at once");
	tap_ok(in.stopped == UDRV_STOP_DISABLED, "... with stopped = disabled (%u)",
	       in.stopped);
	close(fd);
}

/* INTx acknowledged at IRQ time, values copied: read returns them. */
static void test_intx_copy(WDC_DEVICE_HANDLE a)
{
	struct {
		struct udrv_int_status s;
		uint64_t v[3];
	} r;
	WD_TRANSFER cmds[3];
	WD_INTERRUPT in;
	uint32_t i, good = 0;
	ssize_t got;
	int fd;

	edu_ack_cmds(cmds, 0xffffffff);
	setup_intr(&in, cmds, 3, INTERRUPT_LEVEL_SENSITIVE | INTERRUPT_CMD_COPY);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &in),
			WD_STATUS_SUCCESS, "INTx with ack commands, values copied"))
		return;
	fd = WD_IntStatusFd(hwd, &in);
	for (i = 0; i < N; i++) {
		cmds[0].data.dw = 0;
		WDC_WriteAddr32(a, 0, EDU_RAISE, 1u << (i % 8));
		if (WD_IntWaitFd(fd, &in))
			break;
		good += cmds[0].data.dw == 1u << (i % 8) && in.count == i + 1;
	}
	tap_ok(good == N, "%u INTx: the status read at IRQ time comes back each time (%u)",
	       N, good);
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x40);
	got = read(fd, &r, sizeof(r));
	tap_ok(got == (ssize_t)sizeof(r) && r.v[0] == 0x40,
	       "raw read with room for 3 values: %zd bytes, value 0x%llx",
	       got, (unsigned long long)r.v[0]);
	WDC_WriteAddr32(a, 0, EDU_RAISE, 0x20);
	got = read(fd, &r, sizeof(r.s) + 4);
	tap_ok(got == (ssize_t)sizeof(r.s),
	       "room for no whole value: the status alone (%zd bytes)", got);
	WD_IntDisable(hwd, &in);
	close(fd);
}

struct reader {
	WD_INTERRUPT in;
	int fd;
	uint32_t status;
};

static void *reader(void *arg)
{
	struct reader *r = arg;

	r->status = WD_IntWaitFd(r->fd, &r->in);
	return NULL;
}

static void test_disable_wakes(WDC_DEVICE_HANDLE a)
{
	struct reader r = { .status = 0xffff };
	WD_INTERRUPT in;
	pthread_t t;

	setup_intr(&in, NULL, 0, INTERRUPT_MESSAGE);
	if (!tap_status(WD_IntEnable(hwd, WDC_GetCardHandle(a), &in),
			WD_STATUS_SUCCESS, "MSI again"))
		return;
	r.in = in;
	r.fd = WD_IntStatusFd(hwd, &in);
	pthread_create(&t, NULL, reader, &r);
	usleep(200000);
	tap_status(WD_IntDisable(hwd, &in), WD_STATUS_SUCCESS,
		   "disable while another thread reads the descriptor");
	pthread_join(t, NULL);
	tap_ok(r.status == WD_STATUS_SUCCESS &&
	       r.in.stopped == UDRV_STOP_DISABLED,
	       "the blocked read woke up with stopped = disabled (status %u, stopped %u)",
	       r.status, r.in.stopped);
	close(r.fd);
}

static void test_bad(WDC_DEVICE_HANDLE a)
{
	struct udrv_int_fd r;
	WD_INTERRUPT in;
	int fd, err;

	tap_status(WD_IntWaitFd(-1, &in), WD_INVALID_HANDLE,
		   "WD_IntWaitFd(-1): invalid handle");
	tap_status(WD_IntWaitFd(0, NULL), WD_INVALID_PARAMETER,
		   "WD_IntWaitFd with intr NULL");
	setup_intr(&in, NULL, 0, INTERRUPT_MESSAGE);
	in.hInterrupt = WDC_GetCardHandle(a);
	err = WD_IntStatusFd(hwd, &in) < 0 ? errno : 0;
	tap_ok(err == ENOTCONN,
	       "a status descriptor without interrupts enabled: ENOTCONN (%s)",
	       strerror(err));
	if (WD_IntEnable(hwd, WDC_GetCardHandle(a), &in))
		return;
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.hcard = in.hInterrupt;
	r.flags = 2;
	err = ioctl(hwd, UDRV_IOC_INT_FD, &r) < 0 ? errno : 0;
	tap_ok(err == EINVAL, "an unknown flag: EINVAL (%s)", strerror(err));
	fd = WD_IntFd(hwd, &in);
	WDC_WriteAddr32(a, 0, EDU_RAISE, 1);
	tap_status(WD_IntWaitFd(fd, &in), WD_INVALID_HANDLE,
		   "WD_IntWaitFd on a counting descriptor (WD_IntFd) is refused");
	WDC_WriteAddr32(a, 0, EDU_ACK, 0xffffffff);
	close(fd);
	WD_IntDisable(hwd, &in);
}

int main(void)
{
	WDC_DEVICE_HANDLE a;

	tap_init("t_intstatus");
	if (WDC_DriverOpen()) {
		tap_ok(false, "open the agent");
		return tap_done();
	}
	hwd = WDC_GetWDHandle();
	a = open_nth(EDU_VENDOR, EDU_DEVICE, 0);
	if (!tap_ok(a != NULL, "open an edu"))
		return tap_done();
	test_msi(a);
	test_intx_copy(a);
	test_disable_wakes(a);
	test_bad(a);
	WDC_PciDeviceClose(a);
	WDC_DriverClose();
	return tap_done();
}
