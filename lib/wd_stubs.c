// SPDX-License-Identifier: MIT
/*
 * wd_stubs.c - WD_ calls whose kernel side does not exist yet: the debug
 * monitor.  They fail honestly with
 * WD_NOT_IMPLEMENTED instead of pretending.
 */
#include "udrv_internal.h"

#define NOT_YET(fn, what) \
	udrv_fail(WD_NOT_IMPLEMENTED, \
		  "%s: %s not implemented yet in this udrv version", fn, what)

#define DBG_NOT_YET()	NOT_YET(__func__, "the debug monitor is")

uint32_t WD_DebugSet(int hWD, uint32_t level, uint32_t areas)
{
	(void)hWD, (void)level, (void)areas;
	return DBG_NOT_YET();
}

uint32_t WD_DebugDump(int hWD, char *buf, size_t len, size_t *got)
{
	(void)hWD, (void)buf, (void)len;
	if (got)
		*got = 0;
	return DBG_NOT_YET();
}

uint32_t WD_DebugAdd(int hWD, const char *msg, uint32_t level)
{
	(void)hWD, (void)msg, (void)level;
	return DBG_NOT_YET();
}
