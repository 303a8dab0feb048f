/* SPDX-License-Identifier: MIT */
/*
 * tap.h - minimal TAP producer for the host unit tests.  The plan line
 * comes last ("1..N" after the tests), which TAP allows.
 */
#ifndef UDRV_TAP_H
#define UDRV_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "udrv_internal.h"

static int tap_count, tap_failed;

static inline void tap_vok(int cond, const char *fmt, va_list ap)
{
	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_count);
	vprintf(fmt, ap);
	putchar('\n');
	tap_failed += !cond;
}

static inline int ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vok(cond, fmt, ap);
	va_end(ap);
	return cond;
}

static inline void skip(const char *why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
}

/* A status check that shows both names when it fails. */
static inline int is_status(uint32_t got, uint32_t want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline int is_status(uint32_t got, uint32_t want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vok(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		printf("# got %s, want %s; last error: %s\n",
		       udrv_status_name(got), udrv_status_name(want),
		       WDC_GetLastErrStr());
	return got == want;
}

/* The last-error message contains `needle`. */
static inline int err_has(const char *needle)
{
	if (strstr(WDC_GetLastErrStr(), needle))
		return 1;
	printf("# last error \"%s\" lacks \"%s\"\n", WDC_GetLastErrStr(),
	       needle);
	return 0;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif /* UDRV_TAP_H */
