// SPDX-License-Identifier: MIT
/*
 * wdc_int.c - WDC_IntEnable and friends: interrupts of a device handle,
 * delivered to a handler on a library thread.
 *
 * The thread loops on WD_IntWaitFd, on a status descriptor of its own
 * (WD_IntWait without a timeout, minus the ioctl's card lookup; WD_IntWait
 * itself if the agent has no such descriptor), and calls the handler once
 * per wake-up; it ends when the wait reports `stopped` (WD_IntDisable,
 * unregister, device removal) or fails.  WDC_IntDisable disables, which
 * wakes the thread, and joins it, so that when it returns the handler is
 * not running and will not run again.  The handler's own thread cannot
 * join itself: WDC_IntDisable (and WDC_PciDeviceClose) called from the
 * handler fail with WD_OPERATION_FAILED instead of deadlocking.
 *
 * States (dev->irq.state, under dev->irq.lock): OFF -> ON in
 * WDC_IntEnable (which holds the lock throughout, thread creation
 * included), ON -> DISABLING -> OFF in WDC_IntDisable (the lock is
 * dropped while it joins; other callers wait on `idle`).  A thread that
 * stopped on its own stays ON with `exited` set until someone joins it.
 */
#include <signal.h>
#include <unistd.h>
#include "kp_internal.h"

void udrv_int_dev_init(WDC_DEVICE_HANDLE dev)
{
	struct udrv_dev_int *in = &dev->irq;

	pthread_mutex_init(&in->lock, NULL);
	pthread_cond_init(&in->idle, NULL);
	pthread_mutex_init(&dev->ev_lock, NULL);
	in->state = UDRV_WDC_INT_OFF;
}

/* The handler's thread: true while the device has one (lock held). */
static bool on_handler_thread(const struct udrv_dev_int *in)
{
	return in->state != UDRV_WDC_INT_OFF &&
	       pthread_equal(in->thread, pthread_self());
}

static void *int_thread(void *arg)
{
	WDC_DEVICE_HANDLE dev = arg;
	struct udrv_dev_int *in = &dev->irq;
	WD_INTERRUPT *w = &in->wait;
	uint32_t st;
	bool stop;
	int sfd;

	/* WDC_IntEnable publishes the state before letting us run. */
	pthread_mutex_lock(&in->lock);
	pthread_mutex_unlock(&in->lock);
	/* Only this thread uses it: no other can close it under a read */
	sfd = WD_IntStatusFd(dev->hwd, w);
	for (;;) {
		uint32_t wake = 1, handled = 0, kp_stop = 0;

		st = sfd >= 0 ? WD_IntWaitFd(sfd, w) : WD_IntWait(dev->hwd, w, 0);
		stop = st || w->stopped;
		/* A user-mode KP's handlers decide what is delivered. */
		if (!stop && in->kp_user) {
			wake = udrv_kp_user_int_run(dev, w, &handled, &kp_stop);
			if (kp_stop) {
				WD_IntDisable(dev->hwd, w);
				w->stopped = kp_stop;
				stop = true;
			}
		}
		pthread_mutex_lock(&in->lock);
		if (!stop && in->kp_user) {
			in->snap.kp_count += handled;
			in->snap.count += wake;
			in->snap.lost += wake > 1 ? wake - 1 : 0;
			in->snap.last_message = w->last_message;
			in->snap.vectors = w->vectors;
			in->snap.enabled_type = w->enabled_type;
		} else if (stop) {
			/* Not delivered: the snapshot keeps the last one. */
			in->snap.stopped = w->stopped ? w->stopped :
							UDRV_STOP_DISABLED;
			in->exited = true;
		} else {
			in->snap.count = w->count;
			in->snap.lost = w->lost;
			in->snap.last_message = w->last_message;
			in->snap.vectors = w->vectors;
			in->snap.enabled_type = w->enabled_type;
			in->snap.kp_count = w->kp_count;
		}
		pthread_mutex_unlock(&in->lock);
		if (stop && in->kp_user && w->stopped == UDRV_STOP_REMOVED)
			udrv_kp_user_removed(dev);
		if (stop) {
			if (sfd >= 0)
				close(sfd);
			return NULL;
		}
		if (wake)
			in->handler(in->ctx);
	}
}

/* Joins a thread that stopped on its own, so that the device is OFF. */
static void reap_locked(WDC_DEVICE_HANDLE dev)
{
	struct udrv_dev_int *in = &dev->irq;

	if (in->state == UDRV_WDC_INT_ON && in->exited) {
		pthread_join(in->thread, NULL);
		if (in->kp_user)
			udrv_kp_user_int_disable(dev);
		in->state = UDRV_WDC_INT_OFF;
	}
}

static const char *caps_str(uint32_t caps, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", caps & WD_CAP_INTX ? ", INTx" : "",
		 caps & WD_CAP_MSI ? ", MSI" : "",
		 caps & WD_CAP_MSIX ? ", MSI-X" : "",
		 caps & (WD_CAP_INTX | WD_CAP_MSI | WD_CAP_MSIX) ? "" :
								   ", none");
	return buf + 2;
}

static uint32_t enable_fail(WDC_DEVICE_HANDLE dev, uint32_t st)
{
	char caps[32];

	switch (st) {
	case WD_RESOURCE_OVERLAP:
		return udrv_fail(st,
				 "WDC_IntEnable: interrupts are already enabled on %s by another handle (one enablement per device)",
				 dev->name);
	case WD_FAILED_ENABLING_INTERRUPT:
		return udrv_fail_wrap(st, "WDC_IntEnable: %s (interrupts: %s)",
				      dev->name,
				      caps_str(dev->info.caps, caps,
					       sizeof(caps)));
	default:
		return udrv_fail_wrap(st, "WDC_IntEnable: %s", dev->name);
	}
}

uint32_t WDC_IntEnable(WDC_DEVICE_HANDLE dev, WD_TRANSFER *cmds,
		       uint32_t num_cmds, uint32_t options,
		       WDC_INT_HANDLER handler, void *ctx, bool useKP)
{
	struct udrv_dev_int *in;
	sigset_t all, old;
	uint32_t st;
	int err;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_IntEnable: device handle is NULL");
	if (!handler)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_IntEnable: handler is NULL");
	if (useKP && !dev->kp.open)
		return udrv_fail(WD_KERPLUG_FAILURE,
				 "WDC_IntEnable: useKP, but %s has no Kernel PlugIn open (WDC_KernelPlugInOpen first)",
				 dev->name);
	if (useKP && num_cmds)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_IntEnable: with useKP no transfer commands run: the Kernel PlugIn's funcIntAtIrql acknowledges the device (num_cmds must be 0)");
	in = &dev->irq;
	pthread_mutex_lock(&in->lock);
	if (on_handler_thread(in)) {
		pthread_mutex_unlock(&in->lock);
		return udrv_fail(WD_RESOURCE_OVERLAP,
				 "WDC_IntEnable: called from the interrupt handler of %s: interrupts are enabled already",
				 dev->name);
	}
	while (in->state == UDRV_WDC_INT_DISABLING)
		pthread_cond_wait(&in->idle, &in->lock);
	reap_locked(dev);
	if (in->state != UDRV_WDC_INT_OFF) {
		pthread_mutex_unlock(&in->lock);
		return udrv_fail(WD_RESOURCE_OVERLAP,
				 "WDC_IntEnable: interrupts are already enabled on %s by this handle (WDC_IntDisable first)",
				 dev->name);
	}
	memset(&in->wait, 0, sizeof(in->wait));
	in->wait.cmds = cmds;
	in->wait.num_cmds = num_cmds;
	in->wait.options = options;
	in->kp_user = useKP && dev->kp.user;
	in->wait.hKernelPlugIn = useKP && !in->kp_user ? dev->kp.handle : 0;
	if (in->kp_user) {
		/* The agent masks INTx until the next wait, as without commands */
		st = udrv_kp_user_int_enable(dev, &in->wait.options);
		if (st) {
			in->kp_user = false;
			pthread_mutex_unlock(&in->lock);
			return st;
		}
	}
	st = WD_IntEnable(dev->hwd, dev->hcard, &in->wait);
	if (st) {
		if (in->kp_user)
			udrv_kp_user_int_disable(dev);
		pthread_mutex_unlock(&in->lock);
		return enable_fail(dev, st);
	}
	in->snap = in->wait;
	in->ever = true;
	in->exited = false;
	in->handler = handler;
	in->ctx = ctx;
	/* Signals go to the program's threads, never to the handler's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&in->thread, NULL, int_thread, dev);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		WD_IntDisable(dev->hwd, &in->wait);
		if (in->kp_user)
			udrv_kp_user_int_disable(dev);
		in->snap.stopped = UDRV_STOP_DISABLED;
		pthread_mutex_unlock(&in->lock);
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "WDC_IntEnable: %s: cannot start the interrupt thread: %s",
				 dev->name, strerror(err));
	}
	pthread_setname_np(in->thread, "udrv-irq");
	in->state = UDRV_WDC_INT_ON;
	pthread_mutex_unlock(&in->lock);
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_IntDisable(WDC_DEVICE_HANDLE dev)
{
	struct udrv_dev_int *in;
	WD_INTERRUPT intr;
	bool waited = false;
	pthread_t thread;
	uint32_t st;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_IntDisable: device handle is NULL");
	in = &dev->irq;
	pthread_mutex_lock(&in->lock);
	if (on_handler_thread(in)) {
		pthread_mutex_unlock(&in->lock);
		return udrv_fail(WD_OPERATION_FAILED,
				 "WDC_IntDisable: called from the interrupt handler of %s, which it would have to wait for: disable from another thread",
				 dev->name);
	}
	while (in->state == UDRV_WDC_INT_DISABLING) {
		pthread_cond_wait(&in->idle, &in->lock);
		waited = true;
	}
	if (in->state == UDRV_WDC_INT_OFF) {
		pthread_mutex_unlock(&in->lock);
		return udrv_fail(WD_INTERRUPT_NOT_ENABLED,
				 "WDC_IntDisable: interrupts are not enabled on %s%s",
				 dev->name, waited ?
				 " (another thread has just disabled them)" :
				 "");
	}
	in->state = UDRV_WDC_INT_DISABLING;
	thread = in->thread;
	pthread_mutex_unlock(&in->lock);

	/* Wakes the thread's WD_IntWait with `stopped` set. */
	memset(&intr, 0, sizeof(intr));
	intr.hInterrupt = dev->hcard;
	st = WD_IntDisable(dev->hwd, &intr);
	/* Already off: the thread stopped on its own (or WD_IntDisable). */
	if (st == WD_OPERATION_ALREADY_DONE)
		st = WD_STATUS_SUCCESS;
	else if (st)
		udrv_fail_wrap(st, "WDC_IntDisable: %s", dev->name);
	pthread_join(thread, NULL);
	/* No handler runs any more: as the agent, funcIntDisable now */
	if (in->kp_user)
		udrv_kp_user_int_disable(dev);

	pthread_mutex_lock(&in->lock);
	in->state = UDRV_WDC_INT_OFF;
	if (!in->snap.stopped)
		in->snap.stopped = UDRV_STOP_DISABLED;
	pthread_cond_broadcast(&in->idle);
	pthread_mutex_unlock(&in->lock);
	return st;
}

bool WDC_IntIsEnabled(WDC_DEVICE_HANDLE dev)
{
	bool on;

	if (!dev)
		return false;
	pthread_mutex_lock(&dev->irq.lock);
	on = dev->irq.state == UDRV_WDC_INT_ON && !dev->irq.exited;
	pthread_mutex_unlock(&dev->irq.lock);
	return on;
}

uint32_t WDC_IntGetStatus(WDC_DEVICE_HANDLE dev, WD_INTERRUPT *out)
{
	bool ever;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_IntGetStatus: device handle is NULL");
	if (!out)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_IntGetStatus: out is NULL");
	pthread_mutex_lock(&dev->irq.lock);
	ever = dev->irq.ever;
	if (ever)
		*out = dev->irq.snap;
	pthread_mutex_unlock(&dev->irq.lock);
	if (!ever)
		return udrv_fail(WD_INTERRUPT_NOT_ENABLED,
				 "WDC_IntGetStatus: interrupts were never enabled on %s (WDC_IntEnable first)",
				 dev->name);
	return WD_STATUS_SUCCESS;
}

uint32_t udrv_int_dev_close(WDC_DEVICE_HANDLE dev, const char *fn)
{
	struct udrv_dev_int *in = &dev->irq;
	bool self, busy;

	pthread_mutex_lock(&in->lock);
	self = on_handler_thread(in);
	busy = in->state != UDRV_WDC_INT_OFF;
	pthread_mutex_unlock(&in->lock);
	if (self)
		return udrv_fail(WD_OPERATION_FAILED,
				 "%s: called from the interrupt handler of %s, which it would have to wait for: close the device from another thread",
				 fn, dev->name);
	if (busy)
		WDC_IntDisable(dev);	/* not enabled: someone beat us to it */
	pthread_cond_destroy(&in->idle);
	pthread_mutex_destroy(&in->lock);
	return WD_STATUS_SUCCESS;
}

void udrv_int_kp_closing(WDC_DEVICE_HANDLE dev)
{
	struct udrv_dev_int *in = &dev->irq;
	bool routed;

	pthread_mutex_lock(&in->lock);
	routed = in->state != UDRV_WDC_INT_OFF &&
		 (in->kp_user || in->wait.hKernelPlugIn);
	pthread_mutex_unlock(&in->lock);
	if (routed)
		WDC_IntDisable(dev);
}
