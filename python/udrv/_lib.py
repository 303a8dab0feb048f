# SPDX-License-Identifier: MIT
"""libudrv through ctypes: loading the library, the C structures of
include/udrv/wd.h and wdc.h mirrored field by field, and the prototypes.

ctypes needs nothing outside the standard library; the structures here
must follow wd.h exactly (tests/test_host.py compares every size and
offset with what a C compiler says)."""

import ctypes
import os

# include/uapi/udrv_abi.h
MAX_BARS = 6
MAX_ITEMS = 8
MAX_SCAN = 256
MAX_INT_CMDS = 16
MAX_MULTI = 4096
KP_MAX_OPEN_DATA = 4096
KP_MAX_CALL_DATA = 64 * 1024

u8, u16, u32, u64 = ctypes.c_uint8, ctypes.c_uint16, ctypes.c_uint32, ctypes.c_uint64


class WD_PCI_SLOT(ctypes.Structure):
    _fields_ = [("domain", u16), ("bus", u8), ("slot", u8), ("function", u8)]


class WD_PCI_ID(ctypes.Structure):
    _fields_ = [("vendor", u16), ("device", u16)]


class WDC_PCI_SCAN_RESULT(ctypes.Structure):
    _fields_ = [("count", u32), ("id", WD_PCI_ID * MAX_SCAN),
                ("slot", WD_PCI_SLOT * MAX_SCAN)]


class WD_ITEM(ctypes.Structure):
    _fields_ = [("type", u32), ("bar", u32), ("phys_addr", u64),
                ("length", u64), ("flags", u32), ("irq", u32)]


class WD_PCI_CARD_INFO(ctypes.Structure):
    _fields_ = [("slot", WD_PCI_SLOT), ("id", WD_PCI_ID),
                ("subsys_vendor", u16), ("subsys_device", u16),
                ("class_code", u32), ("revision", u8), ("caps", u32),
                ("msi_vectors", u32), ("msix_vectors", u32), ("bound", u32),
                ("num_items", u32), ("item", WD_ITEM * MAX_ITEMS),
                ("cfg_size", u32)]


class _TransferData(ctypes.Union):
    _fields_ = [("b", u8), ("w", u16), ("dw", u32), ("qw", u64),
                ("buf", ctypes.c_void_p)]


class WD_TRANSFER(ctypes.Structure):
    _fields_ = [("addr", u64), ("bar", u32), ("cmd", u32), ("bytes", u32),
                ("options", u32), ("data", _TransferData)]


class WD_TRANSFER_LIST(ctypes.Structure):
    _fields_ = [("hCard", u32), ("handle", u32), ("serial", u64), ("num", u32),
                ("reserved", u32)]


class WD_INTERRUPT(ctypes.Structure):
    _fields_ = [("hInterrupt", u32), ("options", u32),
                ("cmds", ctypes.POINTER(WD_TRANSFER)), ("num_cmds", u32),
                ("hKernelPlugIn", u32), ("count", u32), ("lost", u32),
                ("stopped", u32), ("last_message", u32), ("vectors", u64),
                ("enabled_type", u32), ("kp_message", u32),
                ("kp_data", ctypes.c_void_p), ("kp_size", u32),
                ("kp_count", u32)]


class WD_DMA_PAGE(ctypes.Structure):
    _fields_ = [("bus_addr", u64), ("length", u64)]


class WD_DMA(ctypes.Structure):
    _fields_ = [("hDma", u32), ("user_addr", ctypes.c_void_p),
                ("bytes", u64), ("options", u32), ("num_pages", u32),
                ("pages", ctypes.POINTER(WD_DMA_PAGE))]


STRUCTS = (WD_PCI_SLOT, WD_PCI_ID, WDC_PCI_SCAN_RESULT, WD_ITEM,
           WD_PCI_CARD_INFO, WD_TRANSFER, WD_TRANSFER_LIST, WD_INTERRUPT,
           WD_DMA_PAGE, WD_DMA)

DEV = ctypes.c_void_p           # WDC_DEVICE_HANDLE
P = ctypes.POINTER
VOIDP = ctypes.c_void_p

# name: (restype, argtypes); restype u32 is a WD_ status
PROTOTYPES = {
    "WD_StatusToStr": (ctypes.c_char_p, [u32]),
    "WDC_GetLastErrStr": (ctypes.c_char_p, []),
    "WDC_DriverOpen": (u32, []),
    "WDC_DriverClose": (u32, []),
    "WDC_GetWDHandle": (ctypes.c_int, []),
    "WDC_PciScanDevices": (u32, [u16, u16, P(WDC_PCI_SCAN_RESULT)]),
    "WDC_PciGetDeviceInfo": (u32, [P(WD_PCI_CARD_INFO)]),
    "WDC_PciDeviceOpen": (u32, [P(DEV), P(WD_PCI_CARD_INFO), VOIDP]),
    "WDC_PciDeviceClose": (u32, [DEV]),
    "WDC_GetCardHandle": (u32, [DEV]),
    "WDC_GetBarPointer": (VOIDP, [DEV, u32]),
    "WDC_GetAddrSpaceSize": (u32, [DEV, u32, P(u64)]),
    "WDC_AddrSpaceIsActive": (ctypes.c_bool, [DEV, u32]),
    "WDC_PciReadCfgBySlot": (u32, [WD_PCI_SLOT, u32, VOIDP, u32]),
    "WDC_ReadAddrBlock": (u32, [DEV, u32, u64, ctypes.c_size_t, VOIDP, u32, u32]),
    "WDC_WriteAddrBlock": (u32, [DEV, u32, u64, ctypes.c_size_t, VOIDP, u32, u32]),
    "WDC_PciReadCfg": (u32, [DEV, u32, VOIDP, u32]),
    "WDC_PciWriteCfg": (u32, [DEV, u32, VOIDP, u32]),
    "WDC_Barrier": (None, []),
    "WD_IntEnable": (u32, [ctypes.c_int, u32, P(WD_INTERRUPT)]),
    "WD_IntWait": (u32, [ctypes.c_int, P(WD_INTERRUPT), u32]),
    "WD_IntCount": (u32, [ctypes.c_int, P(WD_INTERRUPT)]),
    "WD_IntDisable": (u32, [ctypes.c_int, P(WD_INTERRUPT)]),
    "WD_IntFd": (ctypes.c_int, [ctypes.c_int, P(WD_INTERRUPT)]),
    "WD_IntStatusFd": (ctypes.c_int, [ctypes.c_int, P(WD_INTERRUPT)]),
    "WD_IntWaitFd": (u32, [ctypes.c_int, P(WD_INTERRUPT)]),
    "WD_MultiTransferPrepare": (u32, [ctypes.c_int, u32, P(WD_TRANSFER), u32,
                                      P(WD_TRANSFER_LIST)]),
    "WD_MultiTransferRun": (u32, [ctypes.c_int, P(WD_TRANSFER_LIST), P(WD_TRANSFER)]),
    "WD_MultiTransferFree": (u32, [ctypes.c_int, P(WD_TRANSFER_LIST)]),
    "WDC_DMASetMask": (u32, [DEV, ctypes.c_uint]),
    "WDC_DMAContigBufLock": (u32, [DEV, P(VOIDP), u32, ctypes.c_size_t, P(P(WD_DMA))]),
    "WDC_DMASGBufLock": (u32, [DEV, VOIDP, u32, ctypes.c_size_t, P(P(WD_DMA))]),
    "WDC_DMABufUnlock": (u32, [P(WD_DMA)]),
    "WDC_DMASyncCpuRange": (u32, [P(WD_DMA), u64, u64]),
    "WDC_DMASyncIoRange": (u32, [P(WD_DMA), u64, u64]),
    "WDC_KernelPlugInOpen": (u32, [DEV, ctypes.c_char_p, VOIDP, u32]),
    "WDC_CallKerPlug": (u32, [DEV, u32, VOIDP, u32, P(u32)]),
    "WDC_KernelPlugInUseUserMode": (u32, [ctypes.c_char_p, ctypes.c_char_p]),
    "WDC_KernelPlugInClose": (u32, [DEV]),
    # test hooks of libudrv (udrv_internal.h), for the host tests only
    "udrv_test_fake_device": (DEV, [VOIDP, u64]),
}
for _w, _t in ((8, u8), (16, u16), (32, u32), (64, u64)):
    PROTOTYPES[f"WDC_ReadAddr{_w}"] = (u32, [DEV, u32, u64, P(_t)])
    PROTOTYPES[f"WDC_WriteAddr{_w}"] = (u32, [DEV, u32, u64, _t])
for _w, _t in ((8, u8), (16, u16), (32, u32)):
    PROTOTYPES[f"WDC_PciReadCfg{_w}"] = (u32, [DEV, u32, P(_t)])
    PROTOTYPES[f"WDC_PciWriteCfg{_w}"] = (u32, [DEV, u32, _t])


def _load():
    """libudrv: $UDRV_LIBRARY if set, else libudrv.so.0 / libudrv.so from
    the dynamic linker's search path (make install puts it in PREFIX/lib).

    RTLD_GLOBAL: a Kernel PlugIn run in user mode (UDRV_KP_USER) is a .so
    built without libudrv that takes the kp_ runtime from the process."""
    env = os.environ.get("UDRV_LIBRARY")
    names = [env] if env else ["libudrv.so.0", "libudrv.so"]
    errors = []
    for name in names:
        try:
            return ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
        except OSError as e:
            errors.append(str(e))
    raise ImportError("udrv: cannot load libudrv (set UDRV_LIBRARY to its "
                      "path, or install it: make install): " + "; ".join(errors))


lib = _load()
for _name, (_res, _args) in PROTOTYPES.items():
    _f = getattr(lib, _name, None)
    if _f is None:
        continue    # a test hook missing from an installed library
    _f.restype = _res
    _f.argtypes = _args
