// SPDX-License-Identifier: MIT
/* Status strings, the errno -> status table, the last-error message. */
#include <errno.h>
#include <pthread.h>
#include "tap.h"

static void test_strings(void)
{
	const char *unknown = WD_StatusToStr(WD_STATUS_COUNT);
	uint32_t i, j;
	int empty = 0, dup = 0;

	for (i = 0; i < WD_STATUS_COUNT; i++) {
		const char *s = WD_StatusToStr(i);

		if (!s || !*s) {
			printf("# status %u has no string\n", i);
			empty++;
			continue;
		}
		if (!strcmp(s, unknown))
			dup++;
		for (j = 0; j < i; j++)
			if (!strcmp(s, WD_StatusToStr(j))) {
				printf("# %u and %u share \"%s\"\n", i, j, s);
				dup++;
			}
	}
	ok(!empty, "every status has a non-empty string");
	ok(!dup, "status strings are distinct (also from the unknown one)");
	ok(unknown && *unknown, "an unknown status has a string");
	ok(!strcmp(WD_StatusToStr(0xffffffffu), unknown),
	   "0xffffffff reads as unknown");
	ok(!strcmp(udrv_status_name(WD_OUT_OF_RANGE), "WD_OUT_OF_RANGE") &&
	   !strcmp(udrv_status_name(WD_STATUS_SUCCESS), "WD_STATUS_SUCCESS"),
	   "status names are the enum names");
}

static void test_errno(void)
{
	static const struct { int err; uint32_t st; } tab[] = {
		{ 0, WD_STATUS_SUCCESS },
		{ EMSGSIZE, WD_INCORRECT_VERSION },
		{ EINVAL, WD_INVALID_PARAMETER },
		{ EFAULT, WD_INVALID_PARAMETER },
		{ EBADF, WD_INVALID_HANDLE },
		{ ENODEV, WD_DEVICE_NOT_FOUND },
		{ ENOLINK, WD_NO_DEVICE_OBJECT },
		{ EBUSY, WD_RESOURCE_OVERLAP },
		{ ERANGE, WD_OUT_OF_RANGE },
		{ EILSEQ, WD_BAD_ALIGNMENT },
		{ EPERM, WD_ACCESS_DENIED },
		{ EACCES, WD_ACCESS_DENIED },
		{ ENOMEM, WD_INSUFFICIENT_RESOURCES },
		{ ENOSPC, WD_INSUFFICIENT_RESOURCES },
		{ ENOTTY, WD_NOT_IMPLEMENTED },
		{ EIO, WD_DEVICE_REMOVED },
		{ ENOTCONN, WD_INTERRUPT_NOT_ENABLED },
		{ EALREADY, WD_OPERATION_ALREADY_DONE },
		{ ENXIO, WD_FAILED_ENABLING_INTERRUPT },
		{ ETIMEDOUT, WD_TIME_OUT },
		{ EOPNOTSUPP, WD_NOT_IMPLEMENTED },
		{ EDOM, WD_OUT_OF_RANGE },		/* DMA */
		{ EDQUOT, WD_INSUFFICIENT_RESOURCES },
		{ EMFILE, WD_INSUFFICIENT_RESOURCES },
		{ EOVERFLOW, WD_INSUFFICIENT_RESOURCES },
		{ EXDEV, WD_OPERATION_FAILED },		/* not in the table */
		{ EINTR, WD_OPERATION_FAILED },		/* WD_IntWait retries */
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		is_status(udrv_errno_status(tab[i].err), tab[i].st,
			  "errno %d (%s) -> %s", tab[i].err,
			  tab[i].err ? strerror(tab[i].err) : "none",
			  udrv_status_name(tab[i].st));
	ok(udrv_errno_name(ERANGE) && !strcmp(udrv_errno_name(ERANGE), "ERANGE"),
	   "errno names come from the table");
	ok(udrv_errno_name(ENOTCONN) &&
	   !strcmp(udrv_errno_name(ENOTCONN), "ENOTCONN") &&
	   udrv_errno_name(EOPNOTSUPP) &&
	   !strcmp(udrv_errno_name(EOPNOTSUPP), "EOPNOTSUPP"),
	   "... including the interrupt errnos");
	ok(udrv_errno_name(EDOM) && !strcmp(udrv_errno_name(EDOM), "EDOM") &&
	   udrv_errno_name(EDQUOT) &&
	   !strcmp(udrv_errno_name(EDQUOT), "EDQUOT") &&
	   udrv_errno_name(EMFILE) &&
	   !strcmp(udrv_errno_name(EMFILE), "EMFILE") &&
	   udrv_errno_name(EOVERFLOW) &&
	   !strcmp(udrv_errno_name(EOVERFLOW), "EOVERFLOW"),
	   "... and the DMA errnos");
}

static void *other_thread(void *arg)
{
	*(size_t *)arg = strlen(WDC_GetLastErrStr());
	udrv_fail(WD_TIME_OUT, "theirs");
	return NULL;
}

static void test_last_error(void)
{
	char big[2000];
	size_t theirs = 1;
	pthread_t t;

	ok(udrv_fail(WD_TIME_OUT, "x %d", 42) == WD_TIME_OUT &&
	   !strcmp(WDC_GetLastErrStr(), "x 42"),
	   "udrv_fail formats and returns the status");
	udrv_fail_wrap(WD_OUT_OF_RANGE, "outer %s", "call");
	ok(!strcmp(WDC_GetLastErrStr(), "outer call: x 42"),
	   "udrv_fail_wrap keeps the old message as the tail");
	udrv_fail_append(WD_OUT_OF_RANGE, "hint %d", 7);
	ok(!strcmp(WDC_GetLastErrStr(), "outer call: x 42: hint 7"),
	   "udrv_fail_append adds to the message");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	udrv_fail(WD_OPERATION_FAILED, "%s", big);
	ok(strlen(WDC_GetLastErrStr()) > 100 &&
	   strlen(WDC_GetLastErrStr()) < sizeof(big) - 1,
	   "an overlong message is truncated");
	udrv_fail_wrap(WD_OPERATION_FAILED, "%s", big);
	ok(strlen(WDC_GetLastErrStr()) < sizeof(big) - 1,
	   "an overlong wrapped message is truncated");
	udrv_fail_append(WD_OPERATION_FAILED, "%s", big);
	ok(strlen(WDC_GetLastErrStr()) < sizeof(big) - 1,
	   "appending to a full message is safe");
	udrv_fail(WD_TIME_OUT, "mine");
	pthread_create(&t, NULL, other_thread, &theirs);
	pthread_join(t, NULL);
	ok(theirs == 0, "a new thread starts with an empty last error");
	ok(!strcmp(WDC_GetLastErrStr(), "mine"),
	   "the last error is per thread (ours unchanged)");
}

int main(void)
{
	test_strings();
	test_errno();
	test_last_error();
	return tap_done();
}
