// SPDX-License-Identifier: MIT
/*
 * wdc_compat.c - the calls of the WinDriver porting layer (windrvr.h)
 * that need code: the licensed open, version, sleep, debug output, the
 * capability walk and the few name lookups.  Everything else in the
 * layer is a macro or a type over udrv's own API (docs/porting.md).
 */
#include <errno.h>
#include <stdarg.h>
#include <time.h>
#define UDRV_WINDRVR_NO_FIELD_NAMES	/* lib code uses udrv's names */
#include "windrvr.h"
#include "udrv_internal.h"

#define PCI_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_CAP_PTR		0x34
#define PCI_CAP_ID_EXP		0x10
#define PCI_EXP_LNKCAP		0x0c
#define PCI_EXP_LNKCAP_SLS	0x0f

uint32_t WDC_DriverOpenLicensed(uint32_t options, const char *license)
{
	(void)license;	/* udrv has no licences: any string, or NULL */
	if (options & ~(uint32_t)WDC_DRV_OPEN_ALL)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_DriverOpen: unknown open options 0x%x (WDC_DRV_OPEN_CHECK_VER, WDC_DRV_OPEN_REG_LIC)",
				 options & ~(uint32_t)WDC_DRV_OPEN_ALL);
	return WDC_DriverOpen();
}

static uint32_t version_number(const char *v)
{
	unsigned int major = 0, minor = 0, patch = 0;

	if (sscanf(v, "%u.%u.%u", &major, &minor, &patch) < 1)
		return 0;
	return major * 100 + minor * 10 + patch;
}

uint32_t WDC_Version(char *sVersion, uint32_t dwLen, uint32_t *pdwVersion)
{
	char agent[64] = "";
	uint32_t abi = 0;
	int hwd = WDC_GetWDHandle();

	if (!sVersion && dwLen)
		return udrv_null_arg(__func__, "sVersion");
	if (hwd >= 0 && WD_Version(hwd, &abi, agent, sizeof(agent)))
		return udrv_fail_wrap(WD_OPERATION_FAILED, "WDC_Version");
	if (dwLen) {
		if (hwd >= 0)
			snprintf(sVersion, dwLen, "udrv %s (agent %s, ABI %u)",
				 UDRV_VERSION, agent, abi);
		else
			snprintf(sVersion, dwLen, "udrv %s", UDRV_VERSION);
	}
	if (pdwVersion)
		*pdwVersion = version_number(UDRV_VERSION);
	return WD_STATUS_SUCCESS;
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

uint32_t WDC_Sleep(uint32_t dwMicroSecs, uint32_t options)
{
	struct timespec left;

	if (options & ~(uint32_t)WDC_SLEEP_NON_BUSY)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_Sleep: unknown options 0x%x (WDC_SLEEP_BUSY, WDC_SLEEP_NON_BUSY)",
				 options);
	if (!(options & WDC_SLEEP_NON_BUSY)) {
		uint64_t end = now_ns() + (uint64_t)dwMicroSecs * 1000u;

		while (now_ns() < end)
			;
		return WD_STATUS_SUCCESS;
	}
	left.tv_sec = dwMicroSecs / 1000000u;
	left.tv_nsec = (long)(dwMicroSecs % 1000000u) * 1000;
	while (nanosleep(&left, &left))
		if (errno != EINTR)
			return udrv_fail(WD_OPERATION_FAILED,
					 "WDC_Sleep: nanosleep: %s",
					 strerror(errno));
	return WD_STATUS_SUCCESS;
}

const char *WDC_IntType2Str(uint32_t dwIntType)
{
	switch (dwIntType) {
	case INTERRUPT_LEVEL_SENSITIVE:
		return "Level Sensitive";
	case INTERRUPT_MESSAGE:
		return "Message Signaled (MSI)";
	case INTERRUPT_MESSAGE_X:
		return "Extended Message Signaled (MSI-X)";
	case 0:
		return "None";
	default:
		return "Unknown";
	}
}

const char *Stat2Str(uint32_t dwStatus)
{
	return WD_StatusToStr(dwStatus);
}

/* ---- capabilities -------------------------------------------------------- */

uint32_t WDC_PciScanCaps(WDC_DEVICE_HANDLE hDev, uint32_t dwCapId,
			 WDC_PCI_SCAN_CAPS_RESULT *res)
{
	uint16_t status;
	uint8_t pos, id, seen = 0;
	uint32_t st;

	if (!res)
		return udrv_null_arg(__func__, "pScanCapsResult");
	memset(res, 0, sizeof(*res));
	st = WDC_PciReadCfg16(hDev, PCI_STATUS, &status);
	if (st)
		return udrv_fail_wrap(st, "WDC_PciScanCaps");
	if (!(status & PCI_STATUS_CAP_LIST))
		return WD_STATUS_SUCCESS;
	st = WDC_PciReadCfg8(hDev, PCI_CAP_PTR, &pos);
	/*
	 * The low two bits of a pointer are reserved; a list that loops or
	 * leaves the header's 256 bytes ends the walk.
	 */
	while (!st && (pos &= 0xfc) >= 0x40 && seen++ < WD_PCI_MAX_CAPS) {
		st = WDC_PciReadCfg8(hDev, pos, &id);
		if (st || id == 0xff)
			break;
		if (dwCapId == WD_PCI_CAP_ID_ALL || id == dwCapId) {
			WD_PCI_CAP *c = &res->pciCaps[res->dwNumCaps++];

			c->dwCapId = id;
			c->dwCapOffset = pos;
		}
		st = WDC_PciReadCfg8(hDev, pos + 1, &pos);
	}
	return st ? udrv_fail_wrap(st, "WDC_PciScanCaps") : WD_STATUS_SUCCESS;
}

uint32_t WDC_PciGetExpressGen(WDC_DEVICE_HANDLE hDev)
{
	WDC_PCI_SCAN_CAPS_RESULT caps;
	uint32_t lnkcap;

	if (WDC_PciScanCaps(hDev, PCI_CAP_ID_EXP, &caps) || !caps.dwNumCaps)
		return 0;
	if (WDC_PciReadCfg32(hDev, caps.pciCaps[0].dwCapOffset +
			     PCI_EXP_LNKCAP, &lnkcap))
		return 0;
	return lnkcap & PCI_EXP_LNKCAP_SLS;
}

/* ---- debug output ------------------------------------------------------ */

#define DBG_OUT		(WDC_DBG_OUT_DBM | WDC_DBG_OUT_FILE)
#define DBG_KNOWN	(DBG_OUT | WDC_DBG_LEVEL_ERR | WDC_DBG_LEVEL_TRACE | \
			 WDC_DBG_NONE)

static pthread_mutex_t dbg_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t dbg_options = WDC_DBG_NONE;
static FILE *dbg_file;		/* NULL: stderr */

uint32_t WDC_SetDebugOptions(uint32_t dbgOptions, const char *sDbgFile)
{
	FILE *f = NULL;

	if (dbgOptions & ~(uint32_t)DBG_KNOWN)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_SetDebugOptions: unknown options 0x%x",
				 dbgOptions & ~(uint32_t)DBG_KNOWN);
	if ((dbgOptions & WDC_DBG_OUT_FILE) && sDbgFile) {
		f = fopen(sDbgFile, "ae");
		if (!f)
			return udrv_fail(WD_OPERATION_FAILED,
					 "WDC_SetDebugOptions: %s: %s",
					 sDbgFile, strerror(errno));
	}
	pthread_mutex_lock(&dbg_lock);
	if (dbg_file)
		fclose(dbg_file);
	dbg_file = f;
	dbg_options = dbgOptions;
	pthread_mutex_unlock(&dbg_lock);
	return WD_STATUS_SUCCESS;
}

static void dbg_out(bool err, const char *msg)
{
	uint32_t o;

	pthread_mutex_lock(&dbg_lock);
	o = dbg_options;
	if ((o & WDC_DBG_NONE) ||
	    !(o & (err ? WDC_DBG_LEVEL_ERR | WDC_DBG_LEVEL_TRACE :
			 WDC_DBG_LEVEL_TRACE))) {
		pthread_mutex_unlock(&dbg_lock);
		return;
	}
	if (o & WDC_DBG_OUT_FILE) {
		FILE *f = dbg_file ? dbg_file : stderr;

		fputs(msg, f);
		fflush(f);
	}
	pthread_mutex_unlock(&dbg_lock);
	/* The monitor is best effort: a program without one still runs. */
	if ((o & WDC_DBG_OUT_DBM) && WDC_GetWDHandle() >= 0)
		WD_DebugAdd(WDC_GetWDHandle(), msg, err ? D_ERROR : D_TRACE);
}

void WDC_Err(const char *format, ...)
{
	char msg[UDRV_DEBUG_LINE_MAX];
	va_list ap;

	va_start(ap, format);
	vsnprintf(msg, sizeof(msg), format, ap);
	va_end(ap);
	udrv_fail(0, "%s", msg);
	dbg_out(true, msg);
}

void WDC_Trace(const char *format, ...)
{
	char msg[UDRV_DEBUG_LINE_MAX];
	va_list ap;

	va_start(ap, format);
	vsnprintf(msg, sizeof(msg), format, ap);
	va_end(ap);
	dbg_out(false, msg);
}
