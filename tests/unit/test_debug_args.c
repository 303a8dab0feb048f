// SPDX-License-Identifier: MIT
/*
 * The debug monitor's library side without a kernel: argument checks
 * before any ioctl, what WD_DebugAdd and WD_DebugDump send, the lines
 * WD_DebugDump makes of the agent's records (a "dropped" line first when
 * the ring overflowed), that it never takes more records than fit, and
 * udrvctl log's level and area names.
 */
#include <errno.h>
#include <stdlib.h>
#include "tap.h"
#include "../../tools/udrvctl/log_args.h"

#define FAKE_FD 1000

static int ioctls;
static int answer;			/* errno the fake agent gives */
static struct udrv_debug_add last_add;
static char last_text[UDRV_DEBUG_TEXT + 8];
static struct udrv_debug_set last_set;
static uint32_t dump_calls, dump_max[8], queued;
static uint64_t dropped;

static int agent(int fd, unsigned long req, void *arg)
{
	(void)fd;
	ioctls++;
	if (answer) {
		errno = answer;
		return -1;
	}
	if (req == UDRV_IOC_DEBUG_ADD) {
		memcpy(&last_add, arg, sizeof(last_add));
		memset(last_text, 0, sizeof(last_text));
		memcpy(last_text, (void *)(uintptr_t)last_add.text,
		       last_add.len);
	} else if (req == UDRV_IOC_DEBUG_SET) {
		struct udrv_debug_set *s = arg;

		last_set = *s;
		s->old_level = D_INFO;
		s->old_areas = S_INT | S_DMA;
	} else if (req == UDRV_IOC_DEBUG_DUMP) {
		struct udrv_debug_dump *d = arg;
		struct udrv_debug_record *r = (void *)(uintptr_t)d->records;
		uint32_t i;

		if (dump_calls < 8)
			dump_max[dump_calls] = d->max;
		dump_calls++;
		d->dropped = dropped;
		dropped = 0;
		for (i = 0; i < d->max && queued; i++, queued--) {
			memset(&r[i], 0, sizeof(r[i]));
			r[i].seq = i;
			r[i].time_ns = 12345678901ull;
			r[i].pid = 42;
			r[i].level = D_TRACE;
			r[i].area = S_INT;
			strcpy(r[i].comm, "edu_irq");
			r[i].len = (uint16_t)sprintf(r[i].text,
						     "0000:00:03.0: interrupt %u", i);
		}
		d->got = i;
	} else {
		errno = ENOTTY;
		return -1;
	}
	return 0;
}

static void test_args(void)
{
	char buf[4 * UDRV_DEBUG_LINE_MAX];
	size_t got = 7;
	uint32_t l, a;

	ioctls = 0;
	udrv_test_ioctl = agent;
	is_status(WD_DebugSet(-1, D_TRACE, S_ALL), WD_INVALID_HANDLE,
		  "WD_DebugSet(hWD -1)");
	is_status(WD_DebugSet(FAKE_FD, 5, S_ALL), WD_INVALID_PARAMETER,
		  "WD_DebugSet(level 5)");
	ok(err_has("D_TRACE"), "... says which levels there are");
	is_status(WD_DebugSet(FAKE_FD, D_INFO, 0x100), WD_INVALID_PARAMETER,
		  "WD_DebugSet(areas 0x100)");
	is_status(WD_DebugGet(FAKE_FD, NULL, &a), WD_INVALID_PARAMETER,
		  "WD_DebugGet(level NULL)");
	is_status(WD_DebugGet(FAKE_FD, &l, NULL), WD_INVALID_PARAMETER,
		  "WD_DebugGet(areas NULL)");
	is_status(WD_DebugDump(FAKE_FD, NULL, sizeof(buf), &got),
		  WD_INVALID_PARAMETER, "WD_DebugDump(buf NULL)");
	ok(got == 0, "... and *got is 0");
	is_status(WD_DebugDump(FAKE_FD, buf, sizeof(buf), NULL),
		  WD_INVALID_PARAMETER, "WD_DebugDump(got NULL)");
	is_status(WD_DebugDump(FAKE_FD, buf, UDRV_DEBUG_LINE_MAX, &got),
		  WD_INVALID_PARAMETER, "WD_DebugDump(len of one line)");
	ok(err_has("at least"), "... says how much to give");
	is_status(WD_DebugDump(-1, buf, sizeof(buf), &got), WD_INVALID_HANDLE,
		  "WD_DebugDump(hWD -1)");
	is_status(WD_DebugAdd(FAKE_FD, NULL, D_INFO), WD_INVALID_PARAMETER,
		  "WD_DebugAdd(msg NULL)");
	is_status(WD_DebugAdd(FAKE_FD, "x", D_OFF), WD_INVALID_PARAMETER,
		  "WD_DebugAdd(level D_OFF)");
	is_status(WD_DebugAdd(FAKE_FD, "x", 5), WD_INVALID_PARAMETER,
		  "WD_DebugAdd(level 5)");
	is_status(WD_DebugAdd(FAKE_FD, "\n", D_INFO), WD_INVALID_PARAMETER,
		  "WD_DebugAdd(only a newline)");
	is_status(WD_DebugAdd(-1, "x", D_INFO), WD_INVALID_HANDLE,
		  "WD_DebugAdd(hWD -1)");
	ok(ioctls == 0, "no bad argument reached the agent");
	udrv_test_ioctl = NULL;
}

static void test_calls(void)
{
	char big[600];
	uint32_t l = 0, a = 0;

	udrv_test_ioctl = agent;
	answer = 0;
	is_status(WD_DebugAdd(FAKE_FD, "hello\n", D_WARN), WD_STATUS_SUCCESS,
		  "WD_DebugAdd");
	ok(last_add.size == sizeof(last_add) && last_add.level == D_WARN &&
	   last_add.len == 5 && !strcmp(last_text, "hello") && !last_add.pad,
	   "... sends the text without its newline");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	is_status(WD_DebugAdd(FAKE_FD, big, D_INFO), WD_STATUS_SUCCESS,
		  "WD_DebugAdd(599 bytes)");
	ok(last_add.len == UDRV_DEBUG_TEXT - 1, "... cut to %u bytes",
	   UDRV_DEBUG_TEXT - 1);
	is_status(WD_DebugSet(FAKE_FD, D_TRACE, S_IO | S_INT),
		  WD_STATUS_SUCCESS, "WD_DebugSet");
	ok(last_set.size == sizeof(last_set) && !last_set.flags &&
	   last_set.level == D_TRACE && last_set.areas == (S_IO | S_INT),
	   "... sends level and areas");
	is_status(WD_DebugGet(FAKE_FD, &l, &a), WD_STATUS_SUCCESS,
		  "WD_DebugGet");
	ok(last_set.flags == UDRV_DEBUG_QUERY && !last_set.level &&
	   !last_set.areas && l == D_INFO && a == (S_INT | S_DMA),
	   "... queries and returns the setting");
	answer = EPERM;
	is_status(WD_DebugSet(FAKE_FD, D_TRACE, S_ALL), WD_ACCESS_DENIED,
		  "WD_DebugSet refused (EPERM)");
	ok(err_has("CAP_SYS_ADMIN"), "... says what it needs");
	answer = 0;
	udrv_test_ioctl = NULL;
}

static void test_dump(void)
{
	char *buf = malloc(100 * UDRV_DEBUG_LINE_MAX);
	size_t got = 0;
	unsigned int lines;
	char *nl;

	udrv_test_ioctl = agent;
	dump_calls = 0;
	queued = 3;
	dropped = 17;
	is_status(WD_DebugDump(FAKE_FD, buf, 4 * UDRV_DEBUG_LINE_MAX, &got),
		  WD_STATUS_SUCCESS, "WD_DebugDump");
	ok(dump_max[0] == 3, "... asks for no more records than fit (3 of 4 lines, one kept for the dropped line): %u",
	   dump_max[0]);
	ok(got == strlen(buf), "... *got is the text's length");
	nl = strchr(buf, '\n');
	ok(nl && strstr(buf, "17 records dropped") && strstr(buf, "17") < nl,
	   "... the first line says 17 were dropped");
	ok(strstr(buf, "[   12.345678] udrv: TRACE INT   edu_irq[42] 0000:00:03.0: interrupt 0\n") != NULL,
	   "... then a line per record: time, level, area, process, text");
	ok(strstr(buf, "interrupt 2\n") != NULL, "... all 3 of them");
	dump_calls = 0;
	queued = 1000;
	is_status(WD_DebugDump(FAKE_FD, buf, 100 * UDRV_DEBUG_LINE_MAX, &got),
		  WD_STATUS_SUCCESS, "WD_DebugDump of 1000 records into 100 lines of room");
	for (lines = 0, nl = buf; (nl = strchr(nl, '\n')); nl++)
		lines++;
	ok(dump_max[0] == UDRV_DEBUG_MAX_DUMP && dump_calls > 1 &&
	   lines == 1000 - queued && queued > 0,
	   "... %u at a time, and every record taken is printed (%u of 1000)",
	   UDRV_DEBUG_MAX_DUMP, lines);
	dump_calls = 0;
	queued = 0;
	is_status(WD_DebugDump(FAKE_FD, buf, 4 * UDRV_DEBUG_LINE_MAX, &got),
		  WD_STATUS_SUCCESS, "WD_DebugDump of nothing");
	ok(got == 0 && buf[0] == 0 && dump_calls == 1, "... is empty");
	answer = EPERM;
	is_status(WD_DebugDump(FAKE_FD, buf, 4 * UDRV_DEBUG_LINE_MAX, &got),
		  WD_ACCESS_DENIED, "WD_DebugDump refused (EPERM)");
	answer = 0;
	free(buf);
	udrv_test_ioctl = NULL;
}

static void test_names(void)
{
	uint32_t v = 99;
	char buf[128];

	ok(!ctl_log_level("trace", &v) && v == D_TRACE, "level trace");
	ok(!ctl_log_level("OFF", &v) && v == D_OFF, "level OFF");
	ok(ctl_log_level("verbose", &v) == -1, "level verbose: refused");
	ok(!ctl_log_areas("io,int,kp", &v) && v == (S_IO | S_INT | S_KER_PLUG),
	   "areas io,int,kp");
	ok(!ctl_log_areas("all", &v) && v == S_ALL, "areas all");
	ok(ctl_log_areas("io,", &v) == -1 && ctl_log_areas("", &v) == -1 &&
	   ctl_log_areas("io,disk", &v) == -1 && ctl_log_areas(",io", &v) == -1,
	   "areas 'io,', '', 'io,disk', ',io': refused");
	ok(!strcmp(ctl_log_setting(D_TRACE, S_IO | S_DMA, buf, sizeof(buf)),
		   "trace io,dma"), "setting: %s", buf);
	ok(!strcmp(ctl_log_setting(D_INFO, 0, buf, sizeof(buf)), "off"),
	   "setting with no area: off");
}

int main(void)
{
	test_args();
	test_calls();
	test_dump();
	test_names();
	return tap_done();
}
