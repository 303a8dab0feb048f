/* SPDX-License-Identifier: MIT */
/*
 * wd.h - udrv types, status codes and the low-level WD_ calls (one ioctl
 * each).  The names follow the published WinDriver API; the types are C99.
 * See docs/api.md for the semantics and udrv's additions.  A Kernel
 * PlugIn build (kp.h defines UDRV_WD_TYPES_ONLY) sees the types and
 * constants only: the WD_ calls are ioctls of user mode.
 */
#ifndef UDRV_WD_H
#define UDRV_WD_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#include "udrv_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: every call returns one. */
enum {
	WD_STATUS_SUCCESS = 0,
	WD_INVALID_HANDLE = 1,
	WD_INVALID_PARAMETER,
	WD_DEVICE_NOT_FOUND,
	WD_RESOURCE_OVERLAP,
	WD_NOT_IMPLEMENTED,
	WD_INSUFFICIENT_RESOURCES,
	WD_TIME_OUT,
	WD_OPERATION_FAILED,
	WD_OPERATION_ALREADY_DONE,
	WD_INTERRUPT_NOT_ENABLED,
	WD_FAILED_ENABLING_INTERRUPT,
	WD_KERPLUG_FAILURE,
	WD_INCORRECT_VERSION,
	WD_WINDRIVER_NOT_FOUND,
	WD_NO_DEVICE_OBJECT,
	WD_DEVICE_REMOVED,
	WD_ACCESS_DENIED,
	WD_BAD_ALIGNMENT,
	WD_OUT_OF_RANGE,
	WD_STATUS_COUNT		/* not a status: one past the last */
};

#ifndef UDRV_WD_TYPES_ONLY
const char *WD_StatusToStr(uint32_t status);
#endif

#define WD_PCI_CARDS		UDRV_MAX_SCAN
#define WD_CARD_ITEMS		UDRV_MAX_ITEMS

#define WD_CAP_INTX		UDRV_CAP_INTX
#define WD_CAP_MSI		UDRV_CAP_MSI
#define WD_CAP_MSIX		UDRV_CAP_MSIX
#define WD_CAP_PCIE		UDRV_CAP_PCIE

#define WD_ITEM_PREFETCHABLE	UDRV_ITEMF_PREFETCH
#define WD_ITEM_64BIT		UDRV_ITEMF_64BIT
#define WD_ITEM_MAPPABLE	UDRV_ITEMF_MMAP	/* (udrv) mmap is allowed */

#define WD_SHARED		UDRV_REG_SHARED
#define WD_FORCE_CLEANUP	UDRV_CLEANUP_FORCE
#define WDC_NO_AUTOINC		UDRV_XFER_NO_AUTOINC
#define WD_NO_AUTOINC		UDRV_XFER_NO_AUTOINC
/* (udrv) IRQ-time read: OR the values read until a wait returns them */
#define WD_INT_ACCUMULATE	UDRV_XFER_INT_ACCUMULATE

/* Transfer commands (see udrv_abi.h for the encoding). */
#define CMD_NONE	UDRV_CMD_NONE
#define CMD_MASK	UDRV_CMD_MASK
#define UDRV_PORT_(w, wr, s) \
	(UDRV_CMD_XFER | ((wr) ? UDRV_CMD_WRITE : 0) | \
	 ((s) ? UDRV_CMD_STRING : 0) | (w))
#define UDRV_MEM_(w, wr, s)	(UDRV_PORT_(w, wr, s) | UDRV_CMD_MEM)
#define RP_BYTE		UDRV_PORT_(0, 0, 0)
#define RP_WORD		UDRV_PORT_(1, 0, 0)
#define RP_DWORD	UDRV_PORT_(2, 0, 0)
#define WP_BYTE		UDRV_PORT_(0, 1, 0)
#define WP_WORD		UDRV_PORT_(1, 1, 0)
#define WP_DWORD	UDRV_PORT_(2, 1, 0)
#define RP_SBYTE	UDRV_PORT_(0, 0, 1)
#define RP_SWORD	UDRV_PORT_(1, 0, 1)
#define RP_SDWORD	UDRV_PORT_(2, 0, 1)
#define WP_SBYTE	UDRV_PORT_(0, 1, 1)
#define WP_SWORD	UDRV_PORT_(1, 1, 1)
#define WP_SDWORD	UDRV_PORT_(2, 1, 1)
#define RM_BYTE		UDRV_MEM_(0, 0, 0)
#define RM_WORD		UDRV_MEM_(1, 0, 0)
#define RM_DWORD	UDRV_MEM_(2, 0, 0)
#define RM_QWORD	UDRV_MEM_(3, 0, 0)
#define WM_BYTE		UDRV_MEM_(0, 1, 0)
#define WM_WORD		UDRV_MEM_(1, 1, 0)
#define WM_DWORD	UDRV_MEM_(2, 1, 0)
#define WM_QWORD	UDRV_MEM_(3, 1, 0)
#define RM_SBYTE	UDRV_MEM_(0, 0, 1)
#define RM_SWORD	UDRV_MEM_(1, 0, 1)
#define RM_SDWORD	UDRV_MEM_(2, 0, 1)
#define RM_SQWORD	UDRV_MEM_(3, 0, 1)
#define WM_SBYTE	UDRV_MEM_(0, 1, 1)
#define WM_SWORD	UDRV_MEM_(1, 1, 1)
#define WM_SDWORD	UDRV_MEM_(2, 1, 1)
#define WM_SQWORD	UDRV_MEM_(3, 1, 1)

/* Interrupt options (issue: interrupts). */
#define INTERRUPT_LEVEL_SENSITIVE	0x01
#define INTERRUPT_MESSAGE		0x02
#define INTERRUPT_MESSAGE_X		0x04
#define INTERRUPT_CMD_COPY		0x08

/* DMA options (issue: DMA). */
#define DMA_KERNEL_BUFFER_ALLOC		0x01
#define WD_DMA_TO_DEVICE		0x02
#define WD_DMA_FROM_DEVICE		0x04
#define WD_DMA_TO_FROM_DEVICE		(WD_DMA_TO_DEVICE | WD_DMA_FROM_DEVICE)
#define DMA_ALLOW_64BIT_ADDRESS		0x08

/* Debug levels and areas. */
enum { D_OFF = 0, D_ERROR = 1, D_WARN = 2, D_INFO = 3, D_TRACE = 4 };
enum {
	S_IO = 0x1, S_MEM = 0x2, S_INT = 0x4, S_PCI = 0x8, S_DMA = 0x10,
	S_KER_PLUG = 0x20, S_EVENT = 0x40, S_MISC = 0x80, S_ALL = 0xff
};

typedef struct {
	uint16_t domain;
	uint8_t bus, slot, function;
} WD_PCI_SLOT;

typedef struct {
	uint16_t vendor, device;
} WD_PCI_ID;

enum { WD_ITEM_MEM = UDRV_ITEM_MEM, WD_ITEM_IO = UDRV_ITEM_IO,
	WD_ITEM_INTERRUPT = UDRV_ITEM_INTERRUPT };

typedef struct {
	uint32_t type;		/* WD_ITEM_MEM / WD_ITEM_IO / WD_ITEM_INTERRUPT */
	uint32_t bar;		/* BAR index for MEM/IO */
	uint64_t phys_addr;	/* bus address (informational only) */
	uint64_t length;
	uint32_t flags;		/* WD_ITEM_PREFETCHABLE, WD_ITEM_64BIT, ... */
	uint32_t irq;		/* for INTERRUPT */
} WD_ITEM;

typedef struct {
	WD_PCI_SLOT slot;	/* in */
	WD_PCI_ID id;
	uint16_t subsys_vendor, subsys_device;
	uint32_t class_code;	/* 24-bit class/subclass/prog-if */
	uint8_t revision;
	uint32_t caps;		/* WD_CAP_MSI, WD_CAP_MSIX, WD_CAP_PCIE, WD_CAP_INTX */
	uint32_t msi_vectors, msix_vectors;
	uint32_t bound;		/* 1 if bound to udrv (usable) */
	uint32_t num_items;
	WD_ITEM item[WD_CARD_ITEMS];	/* BARs then the interrupt */
	uint32_t cfg_size;	/* (udrv) 256 or 4096 */
} WD_PCI_CARD_INFO;

typedef struct {		/* one register transfer command */
	uint64_t addr;		/* offset within the BAR */
	uint32_t bar;
	uint32_t cmd;
	uint32_t bytes;		/* for string/block commands */
	uint32_t options;	/* WD_NO_AUTOINC for FIFO-style blocks */
	union {
		uint8_t b;
		uint16_t w;
		uint32_t dw;
		uint64_t qw;
		void *buf;
	} data;
} WD_TRANSFER;

#ifndef UDRV_WD_TYPES_ONLY
uint32_t WD_Open(int *hWD);
void WD_Close(int hWD);
uint32_t WD_Version(int hWD, uint32_t *version, char *text, size_t textlen);
uint32_t WD_PciScanCards(int hWD, WD_PCI_ID search, WD_PCI_SLOT *slots,
			 WD_PCI_ID *ids, uint32_t max, uint32_t *found);
uint32_t WD_PciGetCardInfo(int hWD, WD_PCI_CARD_INFO *info);
uint32_t WD_PciConfigDump(int hWD, WD_PCI_SLOT slot, uint32_t offset,
			  void *buf, uint32_t bytes, bool write);
uint32_t WD_CardRegister(int hWD, WD_PCI_SLOT slot, uint32_t options,
			 uint32_t *hCard);
uint32_t WD_CardUnregister(int hWD, uint32_t hCard);
uint32_t WD_CardCleanupSetup(int hWD, uint32_t hCard, const WD_TRANSFER *cmds,
			     uint32_t n, uint32_t options);
uint32_t WD_Transfer(int hWD, uint32_t hCard, WD_TRANSFER *t);
uint32_t WD_MultiTransfer(int hWD, uint32_t hCard, WD_TRANSFER *t, uint32_t n,
			  uint32_t *done);
#endif

/*
 * A prepared transfer list (udrv's addition): the agent checks the
 * commands once and keeps them; a run moves only the data.  Held by
 * value: a copy of a freed list is refused (WD_INVALID_HANDLE), it never
 * runs another list.
 */
typedef struct {
	uint32_t hCard;
	uint32_t handle;	/* the agent's */
	uint64_t serial;	/* never repeats while udrv.ko is loaded */
	uint32_t num;		/* commands */
	uint32_t reserved;
} WD_TRANSFER_LIST;

#ifndef UDRV_WD_TYPES_ONLY
uint32_t WD_MultiTransferPrepare(int hWD, uint32_t hCard, const WD_TRANSFER *t,
				 uint32_t n, WD_TRANSFER_LIST *list);
uint32_t WD_MultiTransferRun(int hWD, const WD_TRANSFER_LIST *list,
			     WD_TRANSFER *t);
uint32_t WD_MultiTransferFree(int hWD, WD_TRANSFER_LIST *list);
#endif

/* interrupts */
typedef struct {
	uint32_t hInterrupt;
	uint32_t options;
	WD_TRANSFER *cmds;
	uint32_t num_cmds;
	uint32_t hKernelPlugIn;
	uint32_t count;
	uint32_t lost;
	uint32_t stopped;
	uint32_t last_message;
	uint64_t vectors;
	uint32_t enabled_type;
	/*
	 * (udrv) With hKernelPlugIn: the message and data funcIntEnable gets
	 * (a copy of at most UDRV_KP_MAX_INT_DATA bytes); out: how many
	 * interrupts the Kernel PlugIn handled, wake-ups or not.
	 */
	uint32_t kp_message;
	void *kp_data;
	uint32_t kp_size;
	uint32_t kp_count;
} WD_INTERRUPT;

#ifndef UDRV_WD_TYPES_ONLY
uint32_t WD_IntEnable(int hWD, uint32_t hCard, WD_INTERRUPT *intr);
uint32_t WD_IntWait(int hWD, WD_INTERRUPT *intr, uint32_t timeout_ms);
uint32_t WD_IntCount(int hWD, WD_INTERRUPT *intr);
uint32_t WD_IntDisable(int hWD, WD_INTERRUPT *intr);
int WD_IntFd(int hWD, WD_INTERRUPT *intr);
/*
 * (udrv) WD_IntWait without a timeout, on a descriptor the caller owns:
 * WD_IntStatusFd returns it (close-on-exec; -1 and errno on failure), and
 * WD_IntWaitFd(fd, intr) blocks on it and fills intr exactly as
 * WD_IntWait(hWD, intr, 0) does, the same cursor included, but with one
 * read() that needs no card lookup: the fastest wait with the whole
 * status.  Close it with close(); after interrupts are disabled it
 * returns at once with `stopped` set.
 */
int WD_IntStatusFd(int hWD, WD_INTERRUPT *intr);
uint32_t WD_IntWaitFd(int fd, WD_INTERRUPT *intr);
#endif

/* DMA */
typedef struct {
	uint64_t bus_addr;
	uint64_t length;
} WD_DMA_PAGE;

typedef struct {
	uint32_t hDma;
	void *user_addr;
	uint64_t bytes;
	uint32_t options;
	uint32_t num_pages;
	WD_DMA_PAGE *pages;
} WD_DMA;

#ifndef UDRV_WD_TYPES_ONLY
uint32_t WD_DMALock(int hWD, uint32_t hCard, WD_DMA *dma);
uint32_t WD_DMAUnlock(int hWD, WD_DMA *dma);
uint32_t WD_DMASyncCpu(int hWD, WD_DMA *dma);
uint32_t WD_DMASyncIo(int hWD, WD_DMA *dma);
#endif
/* udrv additions: sync only [offset, offset + bytes); bytes 0 = to the end */
#ifndef UDRV_WD_TYPES_ONLY
uint32_t WD_DMASyncCpuRange(int hWD, WD_DMA *dma, uint64_t offset,
			    uint64_t bytes);
uint32_t WD_DMASyncIoRange(int hWD, WD_DMA *dma, uint64_t offset,
			   uint64_t bytes);
uint32_t WD_SetDmaMask(int hWD, uint32_t hCard, unsigned int bits);
#endif

/* Kernel PlugIn */
typedef struct {
	uint32_t hKernelPlugIn;
	uint32_t message;
	void *data;
	uint32_t size;
	uint32_t result;
} WD_KERNEL_PLUGIN_CALL;

#ifndef UDRV_WD_TYPES_ONLY
uint32_t WD_KernelPlugInOpen(int hWD, uint32_t hCard, const char *name,
			     const void *open_data, uint32_t size,
			     uint32_t *hKernelPlugIn);
uint32_t WD_KernelPlugInCall(int hWD, WD_KERNEL_PLUGIN_CALL *call);
uint32_t WD_KernelPlugInClose(int hWD, uint32_t hKernelPlugIn);
#endif

/* events */
enum { WD_INSERT = 1, WD_REMOVE = 2 };
#ifndef UDRV_WD_TYPES_ONLY
uint32_t WD_EventRegister(int hWD, uint32_t hCard_or_0, uint32_t actions,
			  uint32_t *hEvent);
/*
 * udrv addition: events of the devices with this ID, 0 matching any
 * vendor or device, also of devices that are not there yet.
 */
uint32_t WD_EventRegisterId(int hWD, WD_PCI_ID id, uint32_t actions,
			    uint32_t *hEvent);
uint32_t WD_EventPull(int hWD, uint32_t hEvent, uint32_t *action,
		      WD_PCI_SLOT *slot, uint32_t timeout_ms);
uint32_t WD_EventUnregister(int hWD, uint32_t hEvent);
#endif

/* debug monitor (docs/debug-monitor.md) */
/* udrv: the longest line WD_DebugDump writes, its newline included */
#define UDRV_DEBUG_LINE_MAX	320
#ifndef UDRV_WD_TYPES_ONLY
uint32_t WD_DebugSet(int hWD, uint32_t level, uint32_t areas);
uint32_t WD_DebugDump(int hWD, char *buf, size_t len, size_t *got);
uint32_t WD_DebugAdd(int hWD, const char *msg, uint32_t level);
/*
 * udrv additions: the current setting; and WD_DebugDump that waits up to
 * timeout_ms (0: until a line comes) when there is no line yet.
 */
uint32_t WD_DebugGet(int hWD, uint32_t *level, uint32_t *areas);
uint32_t WD_DebugDumpWait(int hWD, char *buf, size_t len, size_t *got,
			  uint32_t timeout_ms);
#endif

#ifdef __cplusplus
}
#endif

#endif /* UDRV_WD_H */
