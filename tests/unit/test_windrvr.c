// SPDX-License-Identifier: MIT
/*
 * The WinDriver porting layer on the host: windrvr.h comes first, so it
 * builds on its own in the project's C11 flags; then that its macros
 * name the right udrv calls and fields, and the calls that need no
 * device.  The device-facing half runs in the VM (tests/vm/t_wdport.c).
 */
#include <udrv/windrvr.h>
#include <stddef.h>
#include "tap.h"

_Static_assert(sizeof(DWORD) == 4 && sizeof(WORD) == 2 && sizeof(BYTE) == 1 &&
	       sizeof(UINT64) == 8 && sizeof(KPTR) == 8,
	       "WinDriver's scalar types have their widths");
_Static_assert(WDC_MODE_8 == 1 && WDC_MODE_16 == 2 && WDC_MODE_32 == 4 &&
	       WDC_MODE_64 == 8, "modes are udrv's block widths in bytes");
_Static_assert(WDC_ADDR_RW_NO_AUTOINC == WDC_NO_AUTOINC &&
	       WDC_ADDR_RW_DEFAULT == 0, "read/write options");
_Static_assert(offsetof(WDC_PCI_SCAN_RESULT, dwNumDevices) ==
	       offsetof(WDC_PCI_SCAN_RESULT, count) &&
	       offsetof(WDC_PCI_SCAN_RESULT, deviceSlot) ==
	       offsetof(WDC_PCI_SCAN_RESULT, slot),
	       "scan result field names");
_Static_assert(offsetof(WD_TRANSFER, cmdTrans) == offsetof(WD_TRANSFER, cmd),
	       "transfer field names");

static void test_driver_open(void)
{
	/* Without the parentheses the name is the function, not the macro. */
	uint32_t (*plain)(void) = WDC_DriverOpen;

	ok(plain != NULL, "WDC_DriverOpen still names udrv's function");
	ok(WDC_DriverOpen(0x80, "licence") == WD_INVALID_PARAMETER &&
	   strstr(WDC_GetLastErrStr(), "open options"),
	   "two arguments go to WDC_DriverOpenLicensed (checks the options)");
	/* Whether or not this host has /dev/udrv: udrv's open ran. */
	udrv_fail(0, "%s", "");
	if (WDC_DriverOpen(WDC_DRV_OPEN_DEFAULT, NULL) == WD_STATUS_SUCCESS)
		ok(WDC_DriverClose() == WD_STATUS_SUCCESS,
		   "known options pass on to WDC_DriverOpen (opened)");
	else
		ok(strstr(WDC_GetLastErrStr(), "WD_Open") != NULL,
		   "known options pass on to WDC_DriverOpen (%s)",
		   WDC_GetLastErrStr());
}

static void test_mem_macros(void)
{
	uint64_t buf[2] = { 0, 0 };
	PVOID p = buf;

	WDC_WriteMem64(p, 8, 0x1122334455667788ULL);
	WDC_WriteMem32(p, 0, 0xaabbccdd);
	WDC_WriteMem16(p, 4, 0xeeff);
	WDC_WriteMem8(p, 6, 0x99);
	ok(buf[0] == 0x0099eeffaabbccddULL && buf[1] == 0x1122334455667788ULL,
	   "WDC_WriteMem8..64 store at addr + off");
	ok(WDC_ReadMem8(p, 6) == 0x99 && WDC_ReadMem16(p, 4) == 0xeeff &&
	   WDC_ReadMem32(p, 0) == 0xaabbccdd &&
	   WDC_ReadMem64(p, 8) == 0x1122334455667788ULL,
	   "WDC_ReadMem8..64 load from addr + off");
}

static void test_small_calls(void)
{
	char v[64] = "";
	DWORD dwVersion = 0;
	WDC_PCI_SCAN_RESULT scan;
	DWORD dwStatus = WDC_Version(v, sizeof(v), &dwVersion);

	ok(!strcmp(Stat2Str(WD_TIME_OUT), WD_StatusToStr(WD_TIME_OUT)),
	   "Stat2Str is WD_StatusToStr");
	ok(dwStatus == WD_STATUS_SUCCESS && !strncmp(v, "udrv ", 5) &&
	   dwVersion == 10,
	   "WDC_Version without the driver open: \"%s\" %u", v, dwVersion);
	ok(WDC_Version(NULL, 4, NULL) == WD_INVALID_PARAMETER,
	   "WDC_Version refuses a NULL buffer with a length");
	ok(WDC_Sleep(10, WDC_SLEEP_BUSY) == WD_STATUS_SUCCESS &&
	   WDC_Sleep(10, WDC_SLEEP_NON_BUSY) == WD_STATUS_SUCCESS &&
	   WDC_Sleep(10, 2) == WD_INVALID_PARAMETER, "WDC_Sleep options");
	ok(strstr(WDC_IntType2Str(INTERRUPT_MESSAGE_X), "MSI-X") &&
	   !strcmp(WDC_IntType2Str(12345), "Unknown"), "WDC_IntType2Str");
	ok(WDC_PciScanCaps(NULL, 0, NULL) == WD_INVALID_PARAMETER,
	   "WDC_PciScanCaps refuses a NULL result");
	ok(WDC_PciGetExpressGen(NULL) == 0,
	   "WDC_PciGetExpressGen of no device is 0");
	BZERO(scan);
	scan.dwNumDevices = 3;
	ok(scan.count == 3, "dwNumDevices is count");
	WDC_Err("port %d", 7);
	ok(!strcmp(WDC_GetLastErrStr(), "port 7"),
	   "WDC_Err sets the last error even with output off");
}

int main(void)
{
	test_driver_open();
	test_mem_macros();
	test_small_calls();
	return tap_done();
}
