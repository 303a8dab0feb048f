/* SPDX-License-Identifier: MIT */
/*
 * wdc_access.h - the WDC_ calls that exist in both worlds: in user mode
 * (libudrv, through the BAR mapping) and in a Kernel PlugIn (udrv.ko,
 * through the agent's mapping).  Same names, signatures, checks and
 * status codes in both; wdc.h and kp.h include this one list.
 */
#ifndef UDRV_WDC_ACCESS_H
#define UDRV_WDC_ACCESS_H

#include "wd.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct WDC_DEVICE *WDC_DEVICE_HANDLE;

uint32_t WDC_ReadAddr8(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
		       uint8_t *val);
uint32_t WDC_ReadAddr16(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			uint16_t *val);
uint32_t WDC_ReadAddr32(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			uint32_t *val);
uint32_t WDC_ReadAddr64(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			uint64_t *val);
uint32_t WDC_WriteAddr8(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			uint8_t val);
uint32_t WDC_WriteAddr16(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			 uint16_t val);
uint32_t WDC_WriteAddr32(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			 uint32_t val);
uint32_t WDC_WriteAddr64(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			 uint64_t val);
uint32_t WDC_ReadAddrBlock(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			   size_t bytes, void *buf, uint32_t width,
			   uint32_t options);
uint32_t WDC_WriteAddrBlock(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			    size_t bytes, const void *buf, uint32_t width,
			    uint32_t options);
uint32_t WDC_MultiTransfer(WDC_DEVICE_HANDLE dev, WD_TRANSFER *t, uint32_t n);
uint32_t WDC_PciReadCfg8(WDC_DEVICE_HANDLE dev, uint32_t off, uint8_t *val);
uint32_t WDC_PciReadCfg16(WDC_DEVICE_HANDLE dev, uint32_t off, uint16_t *val);
uint32_t WDC_PciReadCfg32(WDC_DEVICE_HANDLE dev, uint32_t off, uint32_t *val);
uint32_t WDC_PciWriteCfg8(WDC_DEVICE_HANDLE dev, uint32_t off, uint8_t val);
uint32_t WDC_PciWriteCfg16(WDC_DEVICE_HANDLE dev, uint32_t off, uint16_t val);
uint32_t WDC_PciWriteCfg32(WDC_DEVICE_HANDLE dev, uint32_t off, uint32_t val);
uint32_t WDC_PciReadCfg(WDC_DEVICE_HANDLE dev, uint32_t off, void *buf,
			uint32_t bytes);
uint32_t WDC_PciWriteCfg(WDC_DEVICE_HANDLE dev, uint32_t off, const void *buf,
			 uint32_t bytes);
void *WDC_GetDevContext(WDC_DEVICE_HANDLE dev);
void WDC_Barrier(void);
/*
 * (udrv) A DMA buffer the same card registration locked, by handle: its
 * device addresses and, if contiguous, a CPU address valid in the
 * caller's mode.  Process context only.  While got, unlocking it fails
 * (WD_RESOURCE_OVERLAP); WDC_DMABufPut lets go, as does closing the KP.
 */
uint32_t WDC_DMABufGet(WDC_DEVICE_HANDLE dev, uint32_t hDma, WD_DMA **dma);
uint32_t WDC_DMABufPut(WDC_DEVICE_HANDLE dev, WD_DMA *dma);

/* In user mode, the single-register accessors' fast path in line. */
#include "wdc_inline.h"

#ifdef __cplusplus
}
#endif

#endif /* UDRV_WDC_ACCESS_H */
