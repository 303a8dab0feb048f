// SPDX-License-Identifier: MIT
/*
 * status.c - status codes: their messages, their names, and the mapping
 * from the agent's errnos (the table at the bottom of udrv_abi.h).
 */
#include <errno.h>
#include "udrv_internal.h"

static const struct {
	const char *name;
	const char *text;
} status_tab[WD_STATUS_COUNT] = {
#define S(code, msg) [code] = { #code, msg }
	S(WD_STATUS_SUCCESS, "Success"),
	S(WD_INVALID_HANDLE, "Invalid handle"),
	S(WD_INVALID_PARAMETER, "Invalid parameter"),
	S(WD_DEVICE_NOT_FOUND, "Device not found"),
	S(WD_RESOURCE_OVERLAP, "Device or resource already owned"),
	S(WD_NOT_IMPLEMENTED, "Not implemented in this udrv version"),
	S(WD_INSUFFICIENT_RESOURCES, "Insufficient resources"),
	S(WD_TIME_OUT, "Timed out"),
	S(WD_OPERATION_FAILED, "Operation failed"),
	S(WD_OPERATION_ALREADY_DONE, "Operation already done"),
	S(WD_INTERRUPT_NOT_ENABLED, "Interrupt not enabled"),
	S(WD_FAILED_ENABLING_INTERRUPT, "Failed enabling interrupt"),
	S(WD_KERPLUG_FAILURE, "Kernel PlugIn failure"),
	S(WD_INCORRECT_VERSION,
	  "Library and kernel agent versions do not match"),
	S(WD_WINDRIVER_NOT_FOUND,
	  "Kernel agent not found (udrv.ko not loaded or /dev/udrv missing)"),
	S(WD_NO_DEVICE_OBJECT, "Device is not bound to udrv"),
	S(WD_DEVICE_REMOVED, "Device was removed or unbound"),
	S(WD_ACCESS_DENIED, "Access denied"),
	S(WD_BAD_ALIGNMENT, "Offset not aligned to the access width"),
	S(WD_OUT_OF_RANGE, "Offset or size out of range"),
#undef S
};

const char *WD_StatusToStr(uint32_t status)
{
	if (status < WD_STATUS_COUNT)
		return status_tab[status].text;
	return "Unknown status code";
}

const char *udrv_status_name(uint32_t status)
{
	if (status < WD_STATUS_COUNT)
		return status_tab[status].name;
	return "WD_UNKNOWN_STATUS";
}

static const struct {
	int err;
	uint32_t status;
	const char *name;
} errno_tab[] = {
#define E(e, s) { e, s, #e }
	E(EMSGSIZE, WD_INCORRECT_VERSION),
	E(EINVAL, WD_INVALID_PARAMETER),
	E(EFAULT, WD_INVALID_PARAMETER),
	E(EBADF, WD_INVALID_HANDLE),
	E(ESTALE, WD_INVALID_HANDLE),
	E(ENODEV, WD_DEVICE_NOT_FOUND),
	E(ENOLINK, WD_NO_DEVICE_OBJECT),
	E(EBUSY, WD_RESOURCE_OVERLAP),
	E(ERANGE, WD_OUT_OF_RANGE),
	E(EILSEQ, WD_BAD_ALIGNMENT),
	E(EPERM, WD_ACCESS_DENIED),
	E(EACCES, WD_ACCESS_DENIED),
	E(ENOMEM, WD_INSUFFICIENT_RESOURCES),
	E(ENOSPC, WD_INSUFFICIENT_RESOURCES),
	E(ENOTTY, WD_NOT_IMPLEMENTED),
	E(EIO, WD_DEVICE_REMOVED),
	E(ENOTCONN, WD_INTERRUPT_NOT_ENABLED),
	E(EALREADY, WD_OPERATION_ALREADY_DONE),
	E(ENXIO, WD_FAILED_ENABLING_INTERRUPT),
	E(ETIMEDOUT, WD_TIME_OUT),
	E(EOPNOTSUPP, WD_NOT_IMPLEMENTED),
	E(EDOM, WD_OUT_OF_RANGE),
	E(EDQUOT, WD_INSUFFICIENT_RESOURCES),
	E(EMFILE, WD_INSUFFICIENT_RESOURCES),
	E(EOVERFLOW, WD_INSUFFICIENT_RESOURCES),
	E(ENOEXEC, WD_INCORRECT_VERSION),
	E(E2BIG, WD_INSUFFICIENT_RESOURCES),
	E(ENOENT, WD_KERPLUG_FAILURE),
	E(ECONNREFUSED, WD_KERPLUG_FAILURE),
#undef E
};

uint32_t udrv_errno_status(int err)
{
	size_t i;

	if (!err)
		return WD_STATUS_SUCCESS;
	for (i = 0; i < sizeof(errno_tab) / sizeof(errno_tab[0]); i++)
		if (errno_tab[i].err == err)
			return errno_tab[i].status;
	return WD_OPERATION_FAILED;
}

const char *udrv_errno_name(int err)
{
	size_t i;

	for (i = 0; i < sizeof(errno_tab) / sizeof(errno_tab[0]); i++)
		if (errno_tab[i].err == err)
			return errno_tab[i].name;
	return NULL;
}
