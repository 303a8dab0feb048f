/* SPDX-License-Identifier: MIT */
/*
 * windrvr.h - the WinDriver porting layer: lets a PCI driver written for
 * WinDriver's published WDC_ API build against udrv with only its
 * #include changed (to <udrv/windrvr.h>).  Named after WinDriver's main
 * header, the one such code includes first.  Written from WinDriver's
 * published user manual and function reference, never its code; the
 * map, and what does not map, is docs/porting.md.
 *
 * Include it last: it defines WinDriver's field names as macros naming
 * udrv's fields (dwNumDevices -> count, pciSlot -> slot, ...), which
 * rename those words in everything that follows.  Define
 * UDRV_WINDRVR_NO_FIELD_NAMES to leave them out.
 */
#ifndef UDRV_WINDRVR_H
#define UDRV_WINDRVR_H

#include <stdint.h>
#include <string.h>
#include "wdc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- WinDriver's scalar types (fixed widths, as on 64-bit Linux) ------- */
typedef uint8_t BYTE;
typedef uint16_t WORD;
typedef uint32_t DWORD;
typedef uint32_t UINT32;
typedef uint64_t UINT64;
typedef uint64_t KPTR;		/* udrv: an offset within a BAR */
typedef uintptr_t UPTR;
typedef uint64_t PHYS_ADDR;
typedef void *PVOID;
typedef char CHAR;
typedef int BOOL;
#ifndef TRUE
#define TRUE	1
#endif
#ifndef FALSE
#define FALSE	0
#endif

typedef WDC_INT_HANDLER INT_HANDLER;

#define BZERO(buf)	memset(&(buf), 0, sizeof(buf))

/* ---- WDC_DriverOpen(openOptions, license) --------------------------- */
typedef enum {
	WDC_DRV_OPEN_CHECK_VER = 0x1,
	WDC_DRV_OPEN_REG_LIC = 0x2,
	WDC_DRV_OPEN_BASIC = 0x0,
	WDC_DRV_OPEN_KP = WDC_DRV_OPEN_BASIC,
	WDC_DRV_OPEN_ALL = WDC_DRV_OPEN_CHECK_VER | WDC_DRV_OPEN_REG_LIC,
	WDC_DRV_OPEN_DEFAULT = WDC_DRV_OPEN_ALL
} WDC_DRV_OPEN_OPTIONS;

/*
 * (udrv) WinDriver's two-argument open: the options are checked (only the
 * bits above), the licence string is accepted and ignored (udrv needs
 * none).  Then as WDC_DriverOpen().
 */
uint32_t WDC_DriverOpenLicensed(uint32_t options, const char *license);

/*
 * WDC_DriverOpen() stays udrv's call; WDC_DriverOpen(options, license)
 * becomes WDC_DriverOpenLicensed.  The third argument of UDRV_ARG3_
 * picks the function by how many arguments there are; the name
 * WDC_DriverOpen inside its own expansion is not expanded again, so it
 * names the function.
 */
#define UDRV_ARG3_(a, b, c, ...)	c
#define WDC_DriverOpen(...)						\
	UDRV_ARG3_(__VA_ARGS__, WDC_DriverOpenLicensed, WDC_DriverOpen, )\
	(__VA_ARGS__)

/* ---- address access -------------------------------------------------- */
typedef enum {
	WDC_SIZE_8 = 1, WDC_SIZE_16 = 2, WDC_SIZE_32 = 4, WDC_SIZE_64 = 8
} WDC_ADDR_SIZE;

/* udrv's block calls take the width in bytes: WinDriver's modes are those */
typedef enum {
	WDC_MODE_8 = WDC_SIZE_8,
	WDC_MODE_16 = WDC_SIZE_16,
	WDC_MODE_32 = WDC_SIZE_32,
	WDC_MODE_64 = WDC_SIZE_64
} WDC_ADDR_MODE;

typedef enum {
	WDC_ADDR_RW_DEFAULT = 0,
	WDC_ADDR_RW_NO_AUTOINC = WDC_NO_AUTOINC
} WDC_ADDR_RW_OPTIONS;

#define WDC_ADDR_MODE_TO_SIZE(mode)	((DWORD)(mode))
#define WDC_SIZE_TO_MODE(size)		((WDC_ADDR_MODE)(size))

/*
 * Direct access through a user-mode mapping: `addr` is what
 * WDC_GetBarPointer returns (WinDriver: the address space's
 * pUserDirectMemAddr).  One volatile load or store, no checks.
 */
#define UDRV_DIRECT_(type, addr, off) \
	(*(volatile type *)((UPTR)(addr) + (UPTR)(off)))
#define WDC_ReadMem8(addr, off)		UDRV_DIRECT_(BYTE, addr, off)
#define WDC_ReadMem16(addr, off)	UDRV_DIRECT_(WORD, addr, off)
#define WDC_ReadMem32(addr, off)	UDRV_DIRECT_(UINT32, addr, off)
#define WDC_ReadMem64(addr, off)	UDRV_DIRECT_(UINT64, addr, off)
#define WDC_WriteMem8(addr, off, val) \
	((void)(UDRV_DIRECT_(BYTE, addr, off) = (BYTE)(val)))
#define WDC_WriteMem16(addr, off, val) \
	((void)(UDRV_DIRECT_(WORD, addr, off) = (WORD)(val)))
#define WDC_WriteMem32(addr, off, val) \
	((void)(UDRV_DIRECT_(UINT32, addr, off) = (UINT32)(val)))
#define WDC_WriteMem64(addr, off, val) \
	((void)(UDRV_DIRECT_(UINT64, addr, off) = (UINT64)(val)))

/* ---- card items ------------------------------------------------------ */
#define ITEM_NONE	0
#define ITEM_MEMORY	WD_ITEM_MEM
#define ITEM_IO		WD_ITEM_IO
#define ITEM_INTERRUPT	WD_ITEM_INTERRUPT

/* ---- PCI capabilities ------------------------------------------------ */
#define WD_PCI_MAX_CAPS		48	/* what a 256-byte config space can hold */
#define WD_PCI_CAP_ID_ALL	0

typedef struct {
	DWORD dwCapId;
	DWORD dwCapOffset;
} WD_PCI_CAP;

typedef struct {
	DWORD dwNumCaps;
	WD_PCI_CAP pciCaps[WD_PCI_MAX_CAPS];
} WDC_PCI_SCAN_CAPS_RESULT;

/* The standard capabilities (list at 0x34) with this ID; 0 = all. */
uint32_t WDC_PciScanCaps(WDC_DEVICE_HANDLE hDev, uint32_t dwCapId,
			 WDC_PCI_SCAN_CAPS_RESULT *pScanCapsResult);
/*
 * The PCI Express generation of the device's link (Link Capabilities'
 * maximum speed: 1 = 2.5 GT/s ...), 0 if it is not PCI Express or its
 * config space cannot be read.
 */
uint32_t WDC_PciGetExpressGen(WDC_DEVICE_HANDLE hDev);

/* ---- general --------------------------------------------------------- */
/*
 * The version as "udrv <library version>" (and the agent's, once the
 * driver is open) into sVersion (dwLen bytes, may be 0), and as a number
 * (major * 100 + minor * 10 + patch) into *pdwVersion (may be NULL).
 */
uint32_t WDC_Version(char *sVersion, uint32_t dwLen, uint32_t *pdwVersion);

typedef enum {
	WDC_SLEEP_BUSY = 0,
	WDC_SLEEP_NON_BUSY = 1
} WDC_SLEEP_OPTIONS;
#define SLEEP_BUSY	WDC_SLEEP_BUSY
#define SLEEP_NON_BUSY	WDC_SLEEP_NON_BUSY

/* Busy: spins on the monotonic clock; non-busy: sleeps (EINTR resumed). */
uint32_t WDC_Sleep(uint32_t dwMicroSecs, uint32_t options);

/* The name of an enabled interrupt type (WD_INTERRUPT's enabled_type). */
const char *WDC_IntType2Str(uint32_t dwIntType);

/* WinDriver's name for WD_StatusToStr. */
const char *Stat2Str(uint32_t dwStatus);

/* ---- debug output ---------------------------------------------------- */
typedef enum {
	WDC_DBG_OUT_DBM = 0x1,		/* to the debug monitor (WD_DebugAdd) */
	WDC_DBG_OUT_FILE = 0x2,		/* to sDbgFile, stderr if NULL */
	WDC_DBG_LEVEL_ERR = 0x10,	/* WDC_Err only */
	WDC_DBG_LEVEL_TRACE = 0x20,	/* WDC_Err and WDC_Trace */
	WDC_DBG_NONE = 0x100,		/* nothing */
	WDC_DBG_DEFAULT = WDC_DBG_OUT_DBM | WDC_DBG_LEVEL_TRACE,
	WDC_DBG_DBM_ERR = WDC_DBG_OUT_DBM | WDC_DBG_LEVEL_ERR,
	WDC_DBG_DBM_TRACE = WDC_DBG_OUT_DBM | WDC_DBG_LEVEL_TRACE,
	WDC_DBG_FILE_ERR = WDC_DBG_OUT_FILE | WDC_DBG_LEVEL_ERR,
	WDC_DBG_FILE_TRACE = WDC_DBG_OUT_FILE | WDC_DBG_LEVEL_TRACE,
	WDC_DBG_FULL = WDC_DBG_OUT_DBM | WDC_DBG_OUT_FILE |
		       WDC_DBG_LEVEL_TRACE
} WDC_DBG_OPTIONS;

/*
 * Where WDC_Err and WDC_Trace write, and which of them.  Until it is
 * called nothing is written.  With WDC_DBG_OUT_FILE, sDbgFile is opened
 * for appending (NULL: stderr).  Fails with WD_INVALID_PARAMETER on
 * unknown bits, WD_OPERATION_FAILED if the file cannot be opened.
 */
uint32_t WDC_SetDebugOptions(uint32_t dbgOptions, const char *sDbgFile);
/* WDC_Err also sets the message WDC_GetLastErrStr returns. */
void WDC_Err(const char *format, ...) __attribute__((format(printf, 1, 2)));
void WDC_Trace(const char *format, ...) __attribute__((format(printf, 1, 2)));

#ifdef __cplusplus
}
#endif

/*
 * ---- WinDriver's field names --------------------------------------------
 * Only where udrv's structure has the same shape under another name.
 * Not mapped (the shapes differ): WD_PCI_CARD_INFO's Card.Item[] (udrv:
 * num_items, item[] of WD_ITEM), WD_TRANSFER's pPort (udrv: bar + addr)
 * and fAutoinc (udrv: options & WD_NO_AUTOINC); see docs/porting.md.
 */
#ifndef UDRV_WINDRVR_NO_FIELD_NAMES
/* WDC_PCI_SCAN_RESULT */
#define dwNumDevices	count
#define deviceId	id
#define deviceSlot	slot
/* WD_PCI_CARD_INFO */
#define pciSlot		slot
/* WD_PCI_ID, WD_PCI_SLOT */
#define dwVendorId	vendor
#define dwDeviceId	device
#define dwDomain	domain
#define dwBus		bus
#define dwSlot		slot
#define dwFunction	function
/* WD_TRANSFER */
#define cmdTrans	cmd
#define Data		data
#define Byte		b
#define Word		w
#define Dword		dw
#define Qword		qw
#define pBuffer		buf
/* WD_INTERRUPT */
#define dwCounter	count
#define dwLost		lost
#define fStopped	stopped
#define dwLastMessage	last_message
#define dwEnabledIntType enabled_type
#endif

#endif /* UDRV_WINDRVR_H */
