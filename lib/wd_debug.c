// SPDX-License-Identifier: MIT
/*
 * wd_debug.c - the debug monitor (docs/debug-monitor.md): WD_DebugSet,
 * WD_DebugDump, WD_DebugAdd and the udrv additions WD_DebugGet and
 * WD_DebugDumpWait.  The agent keeps binary records; the lines are made
 * here, so the format can change without the ABI.
 */
#include <errno.h>
#include <inttypes.h>
#include "udrv_internal.h"

_Static_assert(D_OFF == UDRV_DBG_OFF && D_TRACE == UDRV_DBG_TRACE, "D_");
_Static_assert(S_IO == UDRV_DBG_S_IO && S_MEM == UDRV_DBG_S_MEM &&
	       S_INT == UDRV_DBG_S_INT && S_PCI == UDRV_DBG_S_PCI &&
	       S_DMA == UDRV_DBG_S_DMA && S_KER_PLUG == UDRV_DBG_S_KP &&
	       S_EVENT == UDRV_DBG_S_EVENT && S_MISC == UDRV_DBG_S_MISC &&
	       S_ALL == UDRV_DBG_S_ALL, "S_");
/* The longest line: the prefix below, the text and the newline */
_Static_assert(UDRV_DEBUG_LINE_MAX >= 24 + 6 + 6 + 16 + 12 + UDRV_DEBUG_TEXT,
	       "UDRV_DEBUG_LINE_MAX");

static const char *level_name(unsigned int level)
{
	static const char *const names[] = { "OFF", "ERROR", "WARN", "INFO",
					     "TRACE" };

	return level < 5 ? names[level] : "?";
}

static const char *area_name(unsigned int area)
{
	static const char *const names[] = { "IO", "MEM", "INT", "PCI", "DMA",
					     "KP", "EVENT", "MISC" };
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (area == 1u << i)
			return names[i];
	return "?";
}

/*
 * "[   12.345678] udrv: TRACE INT   edu_irq[123] 0000:00:03.0: ..." with
 * the kernel log's timestamp, so the lines sort among dmesg's.
 */
size_t udrv_debug_format(const struct udrv_debug_record *r, char *buf,
			 size_t len)
{
	char comm[sizeof(r->comm) + 1];
	size_t i;
	int n;

	for (i = 0; i < sizeof(r->comm) && r->comm[i]; i++)
		comm[i] = (unsigned char)r->comm[i] < 0x20 ? '?' : r->comm[i];
	comm[i] = 0;
	n = snprintf(buf, len, "[%5" PRIu64 ".%06" PRIu64 "] udrv: %-5s %-5s %s[%u] %.*s\n",
		     (uint64_t)r->time_ns / 1000000000u,
		     (uint64_t)r->time_ns % 1000000000u / 1000,
		     level_name(r->level), area_name(r->area), comm, r->pid,
		     (int)strnlen(r->text, sizeof(r->text)), r->text);
	if (n < 0)
		return 0;
	return (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}

static uint32_t debug_fail(int err, const char *fn)
{
	if (err == EPERM)
		return udrv_fail(WD_ACCESS_DENIED,
				 "%s: the debug monitor shows every process's activity: it needs CAP_SYS_ADMIN (run as root)",
				 fn);
	if (err == EBADF)
		return udrv_fail(WD_ACCESS_DENIED,
				 "%s: this udrv handle is open read-only", fn);
	return udrv_ioctl_fail(err, "%s", fn);
}

static uint32_t debug_set(const char *fn, int hWD, uint32_t flags,
			  uint32_t *level, uint32_t *areas)
{
	struct udrv_debug_set s;
	int err;

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.flags = flags;
	if (!flags) {
		s.level = *level;
		s.areas = *areas;
	}
	err = udrv_ioctl(hWD, UDRV_IOC_DEBUG_SET, &s);
	if (err)
		return debug_fail(err, fn);
	*level = s.old_level;
	*areas = s.old_areas;
	return WD_STATUS_SUCCESS;
}

uint32_t WD_DebugSet(int hWD, uint32_t level, uint32_t areas)
{
	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (level > D_TRACE)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: level %u: give D_OFF, D_ERROR, D_WARN, D_INFO or D_TRACE",
				 __func__, level);
	if (areas & ~(uint32_t)S_ALL)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: areas 0x%x: only S_ bits (S_ALL = 0x%x)",
				 __func__, areas, (unsigned int)S_ALL);
	return debug_set(__func__, hWD, 0, &level, &areas);
}

uint32_t WD_DebugGet(int hWD, uint32_t *level, uint32_t *areas)
{
	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!level)
		return udrv_null_arg(__func__, "level");
	if (!areas)
		return udrv_null_arg(__func__, "areas");
	return debug_set(__func__, hWD, UDRV_DEBUG_QUERY, level, areas);
}

static size_t put_dropped(uint64_t dropped, char *buf, size_t len)
{
	int n = snprintf(buf, len,
			 "[%5s.%6s] udrv: %" PRIu64 " records dropped: the ring overflowed\n",
			 "", "", dropped);

	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
}

/*
 * As many lines as surely fit: records taken from the agent are gone from
 * this handle's view, so none may be taken that cannot be written.
 */
static uint32_t debug_dump(const char *fn, int hWD, char *buf, size_t len,
			   size_t *got, uint32_t flags, uint32_t timeout_ms)
{
	struct udrv_debug_record rec[UDRV_DEBUG_MAX_DUMP];
	struct udrv_debug_dump d;
	size_t done = 0, room;
	uint32_t i;
	int err;

	if (got)
		*got = 0;
	if (hWD < 0)
		return udrv_bad_hwd(fn, hWD);
	if (!buf)
		return udrv_null_arg(fn, "buf");
	if (!got)
		return udrv_null_arg(fn, "got");
	if (len < 2 * UDRV_DEBUG_LINE_MAX)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: len %zu: give at least %u bytes (two lines)",
				 fn, len, 2 * UDRV_DEBUG_LINE_MAX);
	/* Room for a "dropped" line first, then whole records */
	while ((room = (len - done) / UDRV_DEBUG_LINE_MAX) >= 2) {
		memset(&d, 0, sizeof(d));
		d.size = sizeof(d);
		d.flags = done ? 0 : flags;
		d.timeout_ms = done ? 0 : timeout_ms;
		d.max = room - 1 < UDRV_DEBUG_MAX_DUMP ? room - 1 :
			UDRV_DEBUG_MAX_DUMP;
		d.records = (uintptr_t)rec;
		err = udrv_ioctl(hWD, UDRV_IOC_DEBUG_DUMP, &d);
		if (err)
			return debug_fail(err, fn);
		if (d.dropped)
			done += put_dropped(d.dropped, buf + done, len - done);
		for (i = 0; i < d.got; i++)
			done += udrv_debug_format(&rec[i], buf + done,
						  len - done);
		if (d.got < d.max)
			break;
	}
	buf[done] = 0;
	*got = done;
	return WD_STATUS_SUCCESS;
}

uint32_t WD_DebugDump(int hWD, char *buf, size_t len, size_t *got)
{
	return debug_dump(__func__, hWD, buf, len, got, 0, 0);
}

uint32_t WD_DebugDumpWait(int hWD, char *buf, size_t len, size_t *got,
			  uint32_t timeout_ms)
{
	return debug_dump(__func__, hWD, buf, len, got, UDRV_DEBUG_WAIT,
			  timeout_ms);
}

uint32_t WD_DebugAdd(int hWD, const char *msg, uint32_t level)
{
	struct udrv_debug_add a;
	size_t n;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!msg)
		return udrv_null_arg(__func__, "msg");
	if (level < D_ERROR || level > D_TRACE)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: level %u: give D_ERROR, D_WARN, D_INFO or D_TRACE",
				 __func__, level);
	/* A line is a line: its newline goes, and what is too long */
	n = strnlen(msg, UDRV_DEBUG_TEXT - 1);
	while (n && msg[n - 1] == '\n')
		n--;
	if (!n)
		return udrv_fail(WD_INVALID_PARAMETER, "%s: msg is empty",
				 __func__);
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.level = level;
	a.len = n;
	a.text = (uintptr_t)msg;
	err = udrv_ioctl(hWD, UDRV_IOC_DEBUG_ADD, &a);
	return err ? debug_fail(err, __func__) : WD_STATUS_SUCCESS;
}

uint32_t udrv_kp_debug_add(int hWD, const char *msg, uint32_t level)
{
	(void)hWD;
	return WD_DebugAdd(WDC_GetWDHandle(), msg, level);
}
