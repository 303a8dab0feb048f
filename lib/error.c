// SPDX-License-Identifier: MIT
/*
 * error.c - the per-thread last-error message.  The library never prints:
 * a failing call leaves its explanation here for WDC_GetLastErrStr().
 */
#include <stdarg.h>
#include "udrv_internal.h"

#define ERR_MAX 512

static _Thread_local char last_err[ERR_MAX];

const char *WDC_GetLastErrStr(void)
{
	return last_err;
}

uint32_t udrv_fail(uint32_t status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
	return status;
}

uint32_t udrv_fail_wrap(uint32_t status, const char *fmt, ...)
{
	char old[ERR_MAX];
	size_t n;
	va_list ap;

	memcpy(old, last_err, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(last_err, sizeof(last_err), fmt, ap);
	va_end(ap);
	n = strlen(last_err);
	if (old[0] && n < sizeof(last_err))
		snprintf(last_err + n, sizeof(last_err) - n, ": %s", old);
	return status;
}

uint32_t udrv_fail_append(uint32_t status, const char *fmt, ...)
{
	size_t n = strlen(last_err);
	va_list ap;

	if (n + 2 >= sizeof(last_err))
		return status;
	memcpy(last_err + n, ": ", 3);
	va_start(ap, fmt);
	vsnprintf(last_err + n + 2, sizeof(last_err) - n - 2, fmt, ap);
	va_end(ap);
	return status;
}
