// SPDX-License-Identifier: MIT
/*
 * t_wdport: a pci_diag-style driver for QEMU's edu written as a WinDriver
 * user writes one (WinDriver's WDC_ names, types and field names), built
 * against udrv's porting layer with only the include changed: on
 * WinDriver it would include "windrvr.h", "wdc_lib.h" and
 * "status_strings.h".  Scan by vendor/device, open, ID register, the
 * liveness register through the WDC_ calls and the direct-access
 * macros, blocks, capabilities, an MSI through WDC_IntEnable's handler,
 * debug output, sleep, close.  TAP; exit 0 only if every check matched.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <udrv/windrvr.h>

#define EDU_VENDOR_ID	0x1234
#define EDU_DEVICE_ID	0x11e8
#define EDU_AD_SPACE	0
#define EDU_ID_REG	0x00
#define EDU_LIVE_REG	0x04
#define EDU_STATUS_REG	0x20
#define EDU_IRQ_STATUS	0x24
#define EDU_IRQ_RAISE	0x60
#define EDU_IRQ_ACK	0x64
#define EDU_DMA_SRC	0x80
#define EDU_ID_VALUE	0x010000ed
#define EDU_MY_IRQ	0x4200
#define PCI_CAP_ID_MSI	0x05
#define PCI_CAP_ID_EXP	0x10

#define LOG_FILE	"/tmp/t_wdport.log"
#define INT_WAIT_SEC	5	/* failure bound only: nothing is timed */

static DWORD dwChecks, dwFailures;

static BOOL check(BOOL fOk, const CHAR *sFormat, ...)
	__attribute__((format(printf, 2, 3)));

static BOOL check(BOOL fOk, const CHAR *sFormat, ...)
{
	va_list ap;

	printf("%s %u - t_wdport: ", fOk ? "ok" : "not ok", ++dwChecks);
	va_start(ap, sFormat);
	vprintf(sFormat, ap);
	va_end(ap);
	printf("\n");
	if (!fOk) {
		dwFailures++;
		printf("# last error: %s\n", WDC_GetLastErrStr());
	}
	return fOk;
}

static BOOL check_status(DWORD dwStatus, const CHAR *sWhat)
{
	return check(dwStatus == WD_STATUS_SUCCESS, "%s: %s", sWhat,
		     Stat2Str(dwStatus));
}

/* ---- interrupts: the handler acknowledges in user mode (MSI) ---------- */

typedef struct {
	WDC_DEVICE_HANDLE hDev;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	DWORD dwCalls;
	UINT32 u32Status;
} EDU_INT_CTX;

static void DLL_IntHandler(PVOID pData)
{
	EDU_INT_CTX *pCtx = (EDU_INT_CTX *)pData;
	UINT32 u32Status = 0;

	WDC_ReadAddr32(pCtx->hDev, EDU_AD_SPACE, EDU_IRQ_STATUS, &u32Status);
	WDC_WriteAddr32(pCtx->hDev, EDU_AD_SPACE, EDU_IRQ_ACK, u32Status);
	pthread_mutex_lock(&pCtx->lock);
	pCtx->u32Status |= u32Status;
	pCtx->dwCalls++;
	pthread_cond_signal(&pCtx->cond);
	pthread_mutex_unlock(&pCtx->lock);
}

static void DiagInterrupts(WDC_DEVICE_HANDLE hDev)
{
	EDU_INT_CTX ctx;
	struct timespec deadline;
	DWORD dwStatus;

	memset(&ctx, 0, sizeof(ctx));
	ctx.hDev = hDev;
	pthread_mutex_init(&ctx.lock, NULL);
	pthread_cond_init(&ctx.cond, NULL);
	WDC_WriteAddr32(hDev, EDU_AD_SPACE, EDU_STATUS_REG, 0);
	WDC_WriteAddr32(hDev, EDU_AD_SPACE, EDU_IRQ_ACK, 0xffffffff);

	/* Edge-type interrupts need no transfer commands. */
	dwStatus = WDC_IntEnable(hDev, NULL, 0,
				 INTERRUPT_MESSAGE | INTERRUPT_MESSAGE_X,
				 DLL_IntHandler, &ctx, FALSE);
	if (!check_status(dwStatus, "WDC_IntEnable (MSI, no commands)"))
		return;
	check(WDC_IntIsEnabled(hDev) == TRUE, "WDC_IntIsEnabled after enable");

	WDC_WriteAddr32(hDev, EDU_AD_SPACE, EDU_IRQ_RAISE, EDU_MY_IRQ);
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += INT_WAIT_SEC;
	pthread_mutex_lock(&ctx.lock);
	while (!(ctx.u32Status & EDU_MY_IRQ))
		if (pthread_cond_timedwait(&ctx.cond, &ctx.lock, &deadline))
			break;
	pthread_mutex_unlock(&ctx.lock);
	check(ctx.dwCalls >= 1 && (ctx.u32Status & EDU_MY_IRQ),
	      "the handler ran and saw the raised cause (%u calls, status 0x%x)",
	      ctx.dwCalls, ctx.u32Status);

	check_status(WDC_IntDisable(hDev), "WDC_IntDisable");
	check(WDC_IntIsEnabled(hDev) == FALSE, "WDC_IntIsEnabled after disable");
	check(strcmp(WDC_IntType2Str(INTERRUPT_MESSAGE),
		     WDC_IntType2Str(INTERRUPT_MESSAGE_X)) &&
	      strcmp(WDC_IntType2Str(INTERRUPT_MESSAGE),
		     WDC_IntType2Str(INTERRUPT_LEVEL_SENSITIVE)),
	      "WDC_IntType2Str names the types apart (%s / %s / %s)",
	      WDC_IntType2Str(INTERRUPT_LEVEL_SENSITIVE),
	      WDC_IntType2Str(INTERRUPT_MESSAGE),
	      WDC_IntType2Str(INTERRUPT_MESSAGE_X));
	pthread_cond_destroy(&ctx.cond);
	pthread_mutex_destroy(&ctx.lock);
}

/* ---- registers ---------------------------------------------------------- */

static void DiagRegisters(WDC_DEVICE_HANDLE hDev)
{
	UINT32 u32Id = 0, u32Live = 0, au32Block[4], au32Fifo[4], au32Ref[4];
	UINT64 au64Out[2] = { 0x0123456789abcdefULL, 0xfedcba9876543210ULL };
	UINT64 au64In[2] = { 0, 0 };
	PVOID pBar;
	DWORD i;

	check_status(WDC_ReadAddr32(hDev, EDU_AD_SPACE, EDU_ID_REG, &u32Id),
		     "WDC_ReadAddr32 of the ID register");
	check(u32Id == EDU_ID_VALUE, "ID register is 0x%08x (0x%08x)",
	      EDU_ID_VALUE, u32Id);

	WDC_WriteAddr32(hDev, EDU_AD_SPACE, EDU_LIVE_REG, 0x12345678);
	WDC_ReadAddr32(hDev, EDU_AD_SPACE, EDU_LIVE_REG, &u32Live);
	check(u32Live == ~(UINT32)0x12345678,
	      "liveness register inverts what was written (0x%08x)", u32Live);

	pBar = WDC_GetBarPointer(hDev, EDU_AD_SPACE);
	if (check(pBar != NULL, "BAR 0 has a user-mode mapping")) {
		check(WDC_ReadMem32(pBar, EDU_ID_REG) == u32Id,
		      "WDC_ReadMem32 reads the same ID");
		WDC_WriteMem32(pBar, EDU_LIVE_REG, 0xa5a55a5a);
		WDC_ReadAddr32(hDev, EDU_AD_SPACE, EDU_LIVE_REG, &u32Live);
		check(u32Live == ~(UINT32)0xa5a55a5a,
		      "WDC_WriteMem32 reaches the device (0x%08x)", u32Live);
		WDC_WriteMem64(pBar, EDU_DMA_SRC, au64Out[1]);
		check(WDC_ReadMem64(pBar, EDU_DMA_SRC) == au64Out[1],
		      "WDC_WriteMem64 / WDC_ReadMem64 of the DMA source");
	}

	for (i = 0; i < 4; i++)
		WDC_ReadAddr32(hDev, EDU_AD_SPACE, 4 * i, &au32Ref[i]);
	memset(au32Block, 0, sizeof(au32Block));
	check_status(WDC_ReadAddrBlock(hDev, EDU_AD_SPACE, 0, sizeof(au32Block),
				       au32Block, WDC_MODE_32,
				       WDC_ADDR_RW_DEFAULT),
		     "WDC_ReadAddrBlock 16 bytes, WDC_MODE_32");
	check(!memcmp(au32Block, au32Ref, sizeof(au32Ref)),
	      "the block equals single reads");
	check_status(WDC_ReadAddrBlock(hDev, EDU_AD_SPACE, EDU_LIVE_REG,
				       sizeof(au32Fifo), au32Fifo, WDC_MODE_32,
				       WDC_ADDR_RW_NO_AUTOINC),
		     "WDC_ReadAddrBlock with WDC_ADDR_RW_NO_AUTOINC");
	check(au32Fifo[0] == au32Ref[1] && au32Fifo[3] == au32Ref[1],
	      "no-autoinc reads the liveness register each time");
	check_status(WDC_WriteAddrBlock(hDev, EDU_AD_SPACE, EDU_DMA_SRC,
					sizeof(au64Out), au64Out, WDC_MODE_64,
					WDC_ADDR_RW_DEFAULT),
		     "WDC_WriteAddrBlock 2 qwords, WDC_MODE_64");
	WDC_ReadAddrBlock(hDev, EDU_AD_SPACE, EDU_DMA_SRC, sizeof(au64In),
			  au64In, WDC_MODE_64, WDC_ADDR_RW_DEFAULT);
	check(!memcmp(au64In, au64Out, sizeof(au64In)),
	      "64-bit block read back");
}

/* ---- capabilities --------------------------------------------------------- */

static void DiagCaps(WDC_DEVICE_HANDLE hDev)
{
	WDC_PCI_SCAN_CAPS_RESULT all, msi;
	DWORD i, dwExpress = 0, dwGen;
	BOOL fIdsMatch = TRUE;

	if (!check_status(WDC_PciScanCaps(hDev, WD_PCI_CAP_ID_ALL, &all),
			  "WDC_PciScanCaps, all"))
		return;
	for (i = 0; i < all.dwNumCaps; i++) {
		BYTE bId = 0;

		WDC_PciReadCfg8(hDev, all.pciCaps[i].dwCapOffset, &bId);
		fIdsMatch &= bId == all.pciCaps[i].dwCapId;
		dwExpress += all.pciCaps[i].dwCapId == PCI_CAP_ID_EXP;
		printf("# cap 0x%02x at 0x%02x\n", all.pciCaps[i].dwCapId,
		       all.pciCaps[i].dwCapOffset);
	}
	check(fIdsMatch, "every capability's offset holds its ID");
	check_status(WDC_PciScanCaps(hDev, PCI_CAP_ID_MSI, &msi),
		     "WDC_PciScanCaps, MSI");
	check(msi.dwNumCaps == 1 && msi.pciCaps[0].dwCapId == PCI_CAP_ID_MSI,
	      "edu has one MSI capability (%u found)", msi.dwNumCaps);
	dwGen = WDC_PciGetExpressGen(hDev);
	check((dwGen > 0) == (dwExpress > 0),
	      "WDC_PciGetExpressGen %u agrees with the capability list", dwGen);
}

/* ---- the rest ----------------------------------------------------------- */

static void DiagDebugOutput(void)
{
	CHAR sLine[256] = "";
	BOOL fTrace = FALSE, fErr = FALSE, fNone = FALSE;
	FILE *f;

	remove(LOG_FILE);
	check_status(WDC_SetDebugOptions(WDC_DBG_FILE_TRACE, LOG_FILE),
		     "WDC_SetDebugOptions to a file, trace level");
	WDC_Trace("trace line %d\n", 42);
	WDC_Err("error line %s\n", "x");
	check(strstr(WDC_GetLastErrStr(), "error line x") != NULL,
	      "WDC_Err sets WDC_GetLastErrStr");
	WDC_SetDebugOptions(WDC_DBG_NONE, NULL);
	WDC_Trace("not written\n");
	f = fopen(LOG_FILE, "r");
	while (f && fgets(sLine, sizeof(sLine), f)) {
		fTrace |= !strcmp(sLine, "trace line 42\n");
		fErr |= !strcmp(sLine, "error line x\n");
		fNone |= !strcmp(sLine, "not written\n");
	}
	if (f)
		fclose(f);
	check(fTrace && fErr, "WDC_Trace and WDC_Err wrote to the file");
	check(f && !fNone, "nothing written with WDC_DBG_NONE");
	check(WDC_SetDebugOptions(0x80000000, NULL) == WD_INVALID_PARAMETER,
	      "WDC_SetDebugOptions refuses unknown options");
}

static void DiagGeneral(void)
{
	CHAR sVersion[128] = "";
	DWORD dwVersion = 0;

	check_status(WDC_Version(sVersion, sizeof(sVersion), &dwVersion),
		     "WDC_Version");
	check(!strncmp(sVersion, "udrv ", 5), "version \"%s\" (%u)", sVersion,
	      dwVersion);
	check_status(WDC_Sleep(100, WDC_SLEEP_BUSY), "WDC_Sleep busy");
	check_status(WDC_Sleep(100, WDC_SLEEP_NON_BUSY), "WDC_Sleep non-busy");
	check(WDC_Sleep(1, 0x40) == WD_INVALID_PARAMETER,
	      "WDC_Sleep refuses unknown options");
	check(strcmp(Stat2Str(WD_STATUS_SUCCESS), Stat2Str(WD_INVALID_PARAMETER)),
	      "Stat2Str names statuses apart (%s / %s)",
	      Stat2Str(WD_STATUS_SUCCESS), Stat2Str(WD_INVALID_PARAMETER));
}

static WDC_DEVICE_HANDLE DeviceFindAndOpen(DWORD dwVendorId, DWORD dwDeviceId)
{
	WDC_PCI_SCAN_RESULT scanResult;
	WD_PCI_CARD_INFO deviceInfo;
	WDC_DEVICE_HANDLE hDev = NULL;
	DWORD i, dwStatus;

	BZERO(scanResult);
	dwStatus = WDC_PciScanDevices(dwVendorId, dwDeviceId, &scanResult);
	if (!check_status(dwStatus, "WDC_PciScanDevices"))
		return NULL;
	if (!check(scanResult.dwNumDevices >= 1, "found %u edu device(s)",
		   scanResult.dwNumDevices))
		return NULL;
	check(scanResult.deviceId[0].dwVendorId == dwVendorId &&
	      scanResult.deviceId[0].dwDeviceId == dwDeviceId,
	      "the scan reports the IDs searched for");
	for (i = 0; i < scanResult.dwNumDevices && !hDev; i++) {
		BZERO(deviceInfo);
		deviceInfo.pciSlot = scanResult.deviceSlot[i];
		if (WDC_PciGetDeviceInfo(&deviceInfo) != WD_STATUS_SUCCESS)
			continue;
		if (WDC_PciDeviceOpen(&hDev, &deviceInfo, NULL) !=
		    WD_STATUS_SUCCESS)
			hDev = NULL;
		else
			printf("# opened %04x:%02x:%02x.%x\n",
			       deviceInfo.pciSlot.dwDomain,
			       deviceInfo.pciSlot.dwBus,
			       deviceInfo.pciSlot.dwSlot,
			       deviceInfo.pciSlot.dwFunction);
	}
	check(hDev != NULL, "WDC_PciDeviceOpen of a scanned edu");
	return hDev;
}

int main(void)
{
	WDC_DEVICE_HANDLE hDev;
	DWORD dwStatus;

	setvbuf(stdout, NULL, _IOLBF, 0);
	check(WDC_DriverOpen(0x80, NULL) == WD_INVALID_PARAMETER,
	      "WDC_DriverOpen refuses unknown open options");
	dwStatus = WDC_DriverOpen(WDC_DRV_OPEN_DEFAULT,
				  "6C3CC2CFE89E7AD0424A070D434A6F6DC4950E31.udrv");
	if (!check_status(dwStatus, "WDC_DriverOpen(WDC_DRV_OPEN_DEFAULT, licence)"))
		goto done;
	DiagGeneral();
	DiagDebugOutput();
	hDev = DeviceFindAndOpen(EDU_VENDOR_ID, EDU_DEVICE_ID);
	if (hDev) {
		DiagRegisters(hDev);
		DiagCaps(hDev);
		DiagInterrupts(hDev);
		check_status(WDC_PciDeviceClose(hDev), "WDC_PciDeviceClose");
	}
	check_status(WDC_DriverClose(), "WDC_DriverClose");
done:
	printf("1..%u\n", dwChecks);
	return dwFailures || !dwChecks ? 1 : 0;
}
