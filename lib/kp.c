// SPDX-License-Identifier: MIT
/*
 * kp.c - Kernel PlugIn calls: the WD_ ioctls, and the WDC_ calls that go
 * to the kernel KP or, for a KP the caller asked to run in user mode, to
 * the same KP loaded in-process (kp_user.c).
 */
#include <errno.h>
#include "kp_internal.h"

static uint32_t kp_ioctl_fail(int err, const char *fn, const char *name,
			      uint32_t h)
{
	if (err == ENOENT)
		return udrv_fail(WD_KERPLUG_FAILURE,
				 "%s: Kernel PlugIn '%s' is not loaded (insmod its .ko after udrv.ko; udrvctl kp list shows what is)",
				 fn, name);
	if (err == ECONNREFUSED)
		return udrv_fail(WD_KERPLUG_FAILURE,
				 "%s: the funcOpen of Kernel PlugIn '%s' refused to open (see its kernel log lines)",
				 fn, name);
	if (name)
		return udrv_ioctl_fail(err, "%s: Kernel PlugIn '%s'", fn, name);
	return udrv_ioctl_fail(err, "%s: Kernel PlugIn handle %u", fn, h);
}

/* A (pointer, size) pair: NULL only with size 0, size within `max`. */
static uint32_t check_data(const char *fn, const char *what, const void *p,
			   uint32_t size, uint32_t max)
{
	if (!p && size)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: %s is NULL but its size is %u", fn, what,
				 size);
	if (size > max)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: %s of %u bytes is over the limit of %u",
				 fn, what, size, max);
	return WD_STATUS_SUCCESS;
}

static uint32_t check_name(const char *fn, const char *name)
{
	size_t len;

	if (!name)
		return udrv_null_arg(fn, "name");
	len = strnlen(name, UDRV_KP_NAME_LEN);
	if (!len || len >= UDRV_KP_NAME_LEN)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: a Kernel PlugIn name has 1 to %d characters",
				 fn, UDRV_KP_NAME_LEN - 1);
	return WD_STATUS_SUCCESS;
}

uint32_t WD_KernelPlugInOpen(int hWD, uint32_t hCard, const char *name,
			     const void *open_data, uint32_t size,
			     uint32_t *hKernelPlugIn)
{
	struct udrv_kp_open o;
	uint32_t st;
	int err;

	st = udrv_check_card_call(__func__, hWD, hCard, hKernelPlugIn,
				  "hKernelPlugIn");
	if (!st)
		st = check_name(__func__, name);
	if (!st)
		st = check_data(__func__, "open_data", open_data, size,
				UDRV_KP_MAX_OPEN_DATA);
	if (st)
		return st;
	*hKernelPlugIn = 0;
	memset(&o, 0, sizeof(o));
	o.size = sizeof(o);
	o.hcard = hCard;
	memcpy(o.name, name, strlen(name));
	o.open_data = (uintptr_t)open_data;
	o.open_size = size;
	err = udrv_ioctl(hWD, UDRV_IOC_KP_OPEN, &o);
	if (err)
		return kp_ioctl_fail(err, __func__, name, 0);
	*hKernelPlugIn = o.hkp;
	return WD_STATUS_SUCCESS;
}

uint32_t WD_KernelPlugInCall(int hWD, WD_KERNEL_PLUGIN_CALL *call)
{
	struct udrv_kp_call c;
	uint32_t st;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!call)
		return udrv_null_arg(__func__, "call");
	if (!call->hKernelPlugIn)
		return udrv_fail(WD_INVALID_HANDLE,
				 "%s: hKernelPlugIn is 0 (open the KP first)",
				 __func__);
	st = check_data(__func__, "data", call->data, call->size,
			UDRV_KP_MAX_CALL_DATA);
	if (st)
		return st;
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.hkp = call->hKernelPlugIn;
	c.message = call->message;
	c.data = (uintptr_t)call->data;
	c.data_size = call->size;
	err = udrv_ioctl(hWD, UDRV_IOC_KP_CALL, &c);
	if (err)
		return kp_ioctl_fail(err, __func__, NULL, call->hKernelPlugIn);
	call->result = c.result;
	return WD_STATUS_SUCCESS;
}

uint32_t WD_KernelPlugInClose(int hWD, uint32_t hKernelPlugIn)
{
	struct udrv_kp_close c;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!hKernelPlugIn)
		return udrv_fail(WD_INVALID_HANDLE, "%s: hKernelPlugIn is 0",
				 __func__);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.hkp = hKernelPlugIn;
	err = udrv_ioctl(hWD, UDRV_IOC_KP_CLOSE, &c);
	return err ? kp_ioctl_fail(err, __func__, NULL, hKernelPlugIn) :
		     WD_STATUS_SUCCESS;
}

uint32_t WDC_KernelPlugInOpen(WDC_DEVICE_HANDLE dev, const char *name,
			      const void *open_data, uint32_t size)
{
	uint32_t st;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE, "%s: device handle is NULL",
				 __func__);
	st = check_name(__func__, name);
	if (!st)
		st = check_data(__func__, "open_data", open_data, size,
				UDRV_KP_MAX_OPEN_DATA);
	if (st)
		return st;
	if (dev->kp.open)
		return udrv_fail(WD_OPERATION_ALREADY_DONE,
				 "%s: %s has Kernel PlugIn '%s' open already (one per device handle; WDC_KernelPlugInClose first)",
				 __func__, dev->name, dev->kp.name);
	if (udrv_kp_user_path(name))
		return udrv_kp_user_open(dev, name, open_data, size);
	st = WD_KernelPlugInOpen(dev->hwd, dev->hcard, name, open_data, size,
				 &dev->kp.handle);
	if (st)
		return udrv_fail_wrap(st, "%s: %s", __func__, dev->name);
	dev->kp.open = true;
	snprintf(dev->kp.name, sizeof(dev->kp.name), "%s", name);
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_CallKerPlug(WDC_DEVICE_HANDLE dev, uint32_t message, void *data,
			 uint32_t size, uint32_t *result)
{
	WD_KERNEL_PLUGIN_CALL call;
	uint32_t st;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE, "%s: device handle is NULL",
				 __func__);
	if (!dev->kp.open)
		return udrv_fail(WD_INVALID_HANDLE,
				 "%s: %s has no Kernel PlugIn open (WDC_KernelPlugInOpen)",
				 __func__, dev->name);
	st = check_data(__func__, "data", data, size, UDRV_KP_MAX_CALL_DATA);
	if (st)
		return st;
	memset(&call, 0, sizeof(call));
	call.hKernelPlugIn = dev->kp.handle;
	call.message = message;
	call.data = data;
	call.size = size;
	st = dev->kp.user ? udrv_kp_user_call(dev, &call) :
			    WD_KernelPlugInCall(dev->hwd, &call);
	if (st)
		return st;
	if (result)
		*result = call.result;
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_KernelPlugInClose(WDC_DEVICE_HANDLE dev)
{
	uint32_t st;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE, "%s: device handle is NULL",
				 __func__);
	if (!dev->kp.open)
		return udrv_fail(WD_OPERATION_ALREADY_DONE,
				 "%s: %s has no Kernel PlugIn open", __func__,
				 dev->name);
	/* funcIntDisable before funcClose, as in the agent */
	udrv_int_kp_closing(dev);
	if (dev->kp.user) {
		udrv_kp_user_close(dev);
		st = WD_STATUS_SUCCESS;
	} else {
		st = WD_KernelPlugInClose(dev->hwd, dev->kp.handle);
	}
	/* Closed in any case: a failure means the agent closed it already. */
	memset(&dev->kp, 0, sizeof(dev->kp));
	return st;
}
