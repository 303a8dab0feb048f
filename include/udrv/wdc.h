/* SPDX-License-Identifier: MIT */
/*
 * wdc.h - the high-level WDC_ API most drivers use: device handles,
 * register accessors that go through the BAR mapping, config space,
 * interrupts, DMA, Kernel PlugIn and events.
 */
#ifndef UDRV_WDC_H
#define UDRV_WDC_H

#if defined(__KERNEL__) || defined(UDRV_KP_BUILD)
#error "<udrv/wdc.h> is the user-mode API: a Kernel PlugIn includes only <udrv/kp.h>, which declares what exists in both modes"
#endif

#include "wd.h"
#include "wdc_access.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*WDC_INT_HANDLER)(void *ctx);
typedef void (*WDC_EVENT_HANDLER)(WDC_DEVICE_HANDLE dev, uint32_t action,
				  void *ctx);

typedef struct {
	uint32_t count;
	WD_PCI_ID id[WD_PCI_CARDS];
	WD_PCI_SLOT slot[WD_PCI_CARDS];
} WDC_PCI_SCAN_RESULT;

uint32_t WDC_DriverOpen(void);
uint32_t WDC_DriverClose(void);
uint32_t WDC_PciScanDevices(uint16_t vendor, uint16_t device,
			    WDC_PCI_SCAN_RESULT *res);
uint32_t WDC_PciGetDeviceInfo(WD_PCI_CARD_INFO *info);
uint32_t WDC_PciDeviceOpen(WDC_DEVICE_HANDLE *dev, const WD_PCI_CARD_INFO *info,
			   void *ctx);
uint32_t WDC_PciDeviceClose(WDC_DEVICE_HANDLE dev);
int WDC_GetWDHandle(void);
uint32_t WDC_GetCardHandle(WDC_DEVICE_HANDLE dev);
uint32_t WDC_CardCleanupSetup(WDC_DEVICE_HANDLE dev, const WD_TRANSFER *cmds,
			      uint32_t n, uint32_t options);
const char *WDC_GetLastErrStr(void);

bool WDC_AddrSpaceIsActive(WDC_DEVICE_HANDLE dev, uint32_t bar);
uint32_t WDC_GetAddrSpaceSize(WDC_DEVICE_HANDLE dev, uint32_t bar,
			      uint64_t *size);
void *WDC_GetBarPointer(WDC_DEVICE_HANDLE dev, uint32_t bar);
uint32_t WDC_PciReadCfgBySlot(WD_PCI_SLOT slot, uint32_t off, void *buf,
			      uint32_t bytes);

/* interrupts */
uint32_t WDC_IntEnable(WDC_DEVICE_HANDLE dev, WD_TRANSFER *cmds,
		       uint32_t num_cmds, uint32_t options,
		       WDC_INT_HANDLER handler, void *ctx, bool useKP);
uint32_t WDC_IntDisable(WDC_DEVICE_HANDLE dev);
bool WDC_IntIsEnabled(WDC_DEVICE_HANDLE dev);
uint32_t WDC_IntGetStatus(WDC_DEVICE_HANDLE dev, WD_INTERRUPT *out);

/* DMA */
uint32_t WDC_DMASetMask(WDC_DEVICE_HANDLE dev, unsigned int bits);
uint32_t WDC_DMAContigBufLock(WDC_DEVICE_HANDLE dev, void **buf,
			      uint32_t options, size_t bytes, WD_DMA **dma);
uint32_t WDC_DMASGBufLock(WDC_DEVICE_HANDLE dev, void *buf, uint32_t options,
			  size_t bytes, WD_DMA **dma);
uint32_t WDC_DMABufUnlock(WD_DMA *dma);
uint32_t WDC_DMASyncCpu(WD_DMA *dma);
uint32_t WDC_DMASyncIo(WD_DMA *dma);
/* udrv additions: sync only [offset, offset + bytes); bytes 0 = to the end */
uint32_t WDC_DMASyncCpuRange(WD_DMA *dma, uint64_t offset, uint64_t bytes);
uint32_t WDC_DMASyncIoRange(WD_DMA *dma, uint64_t offset, uint64_t bytes);

/* Kernel PlugIn */
uint32_t WDC_KernelPlugInOpen(WDC_DEVICE_HANDLE dev, const char *name,
			      const void *open_data, uint32_t size);
uint32_t WDC_CallKerPlug(WDC_DEVICE_HANDLE dev, uint32_t message, void *data,
			 uint32_t size, uint32_t *result);
uint32_t WDC_KernelPlugInUseUserMode(const char *name, const char *so_path);
/* udrv addition: close the device's KP (WDC_PciDeviceClose does too) */
uint32_t WDC_KernelPlugInClose(WDC_DEVICE_HANDLE dev);

/* events */
uint32_t WDC_EventRegister(WDC_DEVICE_HANDLE dev, uint32_t actions,
			   WDC_EVENT_HANDLER handler, void *ctx);
uint32_t WDC_EventUnregister(WDC_DEVICE_HANDLE dev);

#ifdef __cplusplus
}
#endif

#endif /* UDRV_WDC_H */
