# SPDX-License-Identifier: MIT
"""Finding devices, opening one, its config space."""

import ctypes
import re
import sys
from collections import namedtuple

from . import _lib
from ._lib import lib, u8, u16, u32
from .bar import Bar, MappedBar
from .errors import Status, WDError, check

ITEM_MEM, ITEM_IO, ITEM_INTERRUPT = 1, 2, 3
CAP_INTX, CAP_MSI, CAP_MSIX, CAP_PCIE = 0x1, 0x2, 0x4, 0x8
ITEM_PREFETCHABLE, ITEM_64BIT, ITEM_MAPPABLE = 0x1, 0x2, 0x4


class Slot(namedtuple("Slot", "domain bus slot function")):
    """A PCI address; str() is "0000:00:03.0"."""
    __slots__ = ()

    def __str__(self):
        return f"{self.domain:04x}:{self.bus:02x}:{self.slot:02x}.{self.function:x}"

    @classmethod
    def parse(cls, text):
        """ "0000:00:03.0" or "00:03.0" (domain 0)."""
        if isinstance(text, cls):
            return text
        m = re.fullmatch(r"(?:([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):"
                         r"([0-9a-fA-F]{1,2})\.([0-7])", str(text))
        if not m or int(m.group(3), 16) > 31:
            raise ValueError(f"not a PCI address: {text!r} (want DDDD:BB:SS.F or BB:SS.F)")
        return cls(int(m.group(1) or "0", 16), int(m.group(2), 16),
                   int(m.group(3), 16), int(m.group(4)))

    def _c(self):
        return _lib.WD_PCI_SLOT(self.domain, self.bus, self.slot, self.function)

    @classmethod
    def _from_c(cls, s):
        return cls(s.domain, s.bus, s.slot, s.function)


Found = namedtuple("Found", "slot vendor device")
BarInfo = namedtuple("BarInfo", "index type phys_addr length flags")
CardInfo = namedtuple("CardInfo", "slot vendor device subsys_vendor subsys_device "
                      "class_code revision caps msi_vectors msix_vectors bound "
                      "bars irq cfg_size")


class _Driver:
    """WDC_DriverOpen ... WDC_DriverClose (the library counts them)."""

    def __enter__(self):
        check(lib.WDC_DriverOpen(), "WDC_DriverOpen")
        return self

    def __exit__(self, *exc):
        lib.WDC_DriverClose()


def scan(vendor=0, device=0):
    """WDC_PciScanDevices: the devices with this ID (0: any), bound to udrv
    or not, as Found(slot, vendor, device)."""
    res = _lib.WDC_PCI_SCAN_RESULT()
    with _Driver():
        check(lib.WDC_PciScanDevices(vendor, device, ctypes.byref(res)),
              "WDC_PciScanDevices")
    return [Found(Slot._from_c(res.slot[i]), res.id[i].vendor, res.id[i].device)
            for i in range(res.count)]


def _card_info(c):
    bars, irq = [], None
    for it in c.item[:c.num_items]:
        if it.type in (ITEM_MEM, ITEM_IO):
            bars.append(BarInfo(it.bar, "mem" if it.type == ITEM_MEM else "io",
                                it.phys_addr, it.length, it.flags))
        elif it.type == ITEM_INTERRUPT:
            irq = it.irq
    return CardInfo(Slot._from_c(c.slot), c.id.vendor, c.id.device, c.subsys_vendor,
                    c.subsys_device, c.class_code, c.revision, c.caps, c.msi_vectors,
                    c.msix_vectors, bool(c.bound), bars, irq, c.cfg_size)


def card_info(slot):
    """WDC_PciGetDeviceInfo: a device's IDs, BARs, interrupt, capabilities."""
    c = _lib.WD_PCI_CARD_INFO()
    c.slot = Slot.parse(slot)._c()
    with _Driver():
        check(lib.WDC_PciGetDeviceInfo(ctypes.byref(c)), "WDC_PciGetDeviceInfo")
    return _card_info(c)


def read_cfg(slot, off, nbytes):
    """WDC_PciReadCfgBySlot: config space of any device, opened or not."""
    buf = ctypes.create_string_buffer(nbytes)
    with _Driver():
        check(lib.WDC_PciReadCfgBySlot(Slot.parse(slot)._c(), off, buf, nbytes),
              "WDC_PciReadCfgBySlot")
    return buf.raw


def open(vendor=None, device=None, *, slot=None, index=0):  # noqa: A001
    """Opens a device: by slot ("0000:00:03.0"), or the index-th device of
    vendor:device (0 or None: any) that a scan finds.  Returns a Device (a
    context manager: close() at the end of the with block)."""
    if slot is None:
        found = scan(vendor or 0, device or 0)
        if len(found) <= index:
            want = f"{vendor or 0:04x}:{device or 0:04x}"
            raise WDError(Status.WD_DEVICE_NOT_FOUND,
                          f"no PCI device {want}" + (f" number {index}" if index else "")
                          + f" ({len(found)} found; see udrvctl list)", "udrv.open")
        slot = found[index].slot
    return Device(Slot.parse(slot))


class Device:
    """An open device (WDC_PciDeviceOpen).

    slot, info (CardInfo), bars (index -> Bar, active BARs only), bar(i),
    cfg (config space); interrupts(), transfer_list(), dma_contig(),
    dma_sg(), dma_set_mask(), kernel_plugin(); close()."""

    def __init__(self, slot, _handle=None):
        self.slot = slot
        self._children = []     # interrupts, DMA buffers, the KP: closed first
        self._driver = None
        if _handle is None:
            info = _lib.WD_PCI_CARD_INFO()
            info.slot = slot._c()
            self._driver = _Driver().__enter__()
            h = _lib.DEV()
            st = lib.WDC_PciDeviceOpen(ctypes.byref(h), ctypes.byref(info), None)
            if st:
                err = WDError(st, _last(), "WDC_PciDeviceOpen")
                self._driver.__exit__()
                raise err
            self._handle = h.value
            try:
                self._setup(info)
            except BaseException:
                lib.WDC_PciDeviceClose(self._handle)
                self._handle = None
                self._driver.__exit__()
                raise
        else:   # a handle from elsewhere (tests: udrv_test_fake_device)
            self._handle = _handle
            self._setup(None)

    def _setup(self, info):
        if info is not None:
            # the library's view, which the open refreshed
            check(lib.WDC_PciGetDeviceInfo(ctypes.byref(info)), "WDC_PciGetDeviceInfo")
            self.info = _card_info(info)
            sizes = [(b.index, b.type) for b in self.info.bars]
        else:
            self.info = None
            sizes = [(i, "mem") for i in range(_lib.MAX_BARS)]
        self.bars = {}
        for i, kind in sizes:
            if not lib.WDC_AddrSpaceIsActive(self._handle, i):
                continue
            size = _lib.u64()
            check(lib.WDC_GetAddrSpaceSize(self._handle, i, ctypes.byref(size)),
                  "WDC_GetAddrSpaceSize")
            addr = lib.WDC_GetBarPointer(self._handle, i)
            if addr:
                self.bars[i] = MappedBar(self, i, size.value, kind, addr)
            else:
                self.bars[i] = Bar(self, i, size.value, kind)
        self.cfg = Config(self)

    @classmethod
    def _from_handle(cls, handle, name="fake"):
        return cls(name, _handle=handle)

    def bar(self, i):
        """BAR i; WDError WD_INVALID_PARAMETER if it is not active."""
        try:
            return self.bars[i]
        except KeyError:
            raise WDError(Status.WD_INVALID_PARAMETER,
                          f"BAR{i} is not active on {self.slot} "
                          f"(active: {sorted(self.bars)})", "udrv.Device.bar") from None

    @property
    def handle(self):
        """The WDC_DEVICE_HANDLE (an int) for calls of your own through
        udrv._lib.lib; None once closed."""
        return self._handle

    @property
    def card_handle(self):
        return lib.WDC_GetCardHandle(self._handle)

    def _need(self, call):
        if not self._handle:
            raise WDError(Status.WD_INVALID_HANDLE, f"device {self.slot} is closed", call)
        return self._handle

    # --- interrupts, transfer lists, DMA, Kernel PlugIn (their modules) ---
    def interrupts(self, types=0, cmds=(), copy=False):
        from .interrupt import Interrupts
        return Interrupts(self, types, cmds, copy)

    def transfer_list(self, cmds):
        """WD_MultiTransferPrepare: a TransferList of read_cmd() and
        write_cmd() commands, checked once; run() returns the values read."""
        from .transfer import TransferList
        return TransferList(self, cmds)

    def dma_set_mask(self, bits):
        """WDC_DMASetMask: the device reaches `bits` address bits."""
        check(lib.WDC_DMASetMask(self._need("WDC_DMASetMask"), bits), "WDC_DMASetMask")

    def dma_contig(self, nbytes, direction):
        from .dma import DmaBuffer
        return DmaBuffer.contig(self, nbytes, direction)

    def dma_sg(self, buffer, direction):
        from .dma import DmaBuffer
        return DmaBuffer.sg(self, buffer, direction)

    def kernel_plugin(self, name, open_data=b""):
        from .kp import KernelPlugIn
        return KernelPlugIn(self, name, open_data)

    # --- closing ----------------------------------------------------------
    def close(self):
        """Closes what was opened on the device (interrupts, DMA buffers,
        the KP), then the device.  BufferError, and nothing closed, while
        a memoryview derived from a BAR's or DMA buffer's .mem is alive."""
        if not self._handle:
            return
        mapped = [b for b in self.bars.values() if isinstance(b, MappedBar)]
        mems = [c for c in self._children if hasattr(c, "_release")] + mapped
        done = []
        try:
            for m in mems:
                m._release()
                done.append(m)
        except BufferError:
            for m in done:
                m._rebind()
            raise
        # Everything is closed even if a part fails; the first failure is
        # raised at the end.
        err = None
        for c in reversed(list(self._children)):
            try:
                c._close()
            except WDError as e:
                err = err or e
        self._children = []
        h, self._handle = self._handle, None
        st = lib.WDC_PciDeviceClose(h)
        if st and not err:
            err = WDError(st, _last(), "WDC_PciDeviceClose")
        if self._driver:
            self._driver.__exit__()
        if err:
            raise err

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # At exit the process's end releases everything in the agent.
        if getattr(self, "_handle", None) and not sys.is_finalizing():
            try:
                self.close()
            except Exception:   # noqa: BLE001 - nothing to report to
                pass

    def __repr__(self):
        return f"<udrv.Device {self.slot}{'' if self._handle else ' closed'}>"


def _last():
    m = lib.WDC_GetLastErrStr()
    return m.decode(errors="replace") if m else ""


class Config:
    """Config space of an open device (WDC_PciReadCfg*, WDC_PciWriteCfg*):
    one system call per access.  Writes to the BARs, the command register's
    decode and bus-master bits and MSI/MSI-X are refused."""

    def __init__(self, dev):
        self._dev = dev

    def _read(self, width, t, off):
        call = f"WDC_PciReadCfg{width}"
        v = t()
        check(getattr(lib, call)(self._dev._need(call), off, ctypes.byref(v)), call)
        return v.value

    def _write(self, width, off, val):
        call = f"WDC_PciWriteCfg{width}"
        if not 0 <= val < 1 << width:
            raise ValueError(f"{call}: value {val:#x} does not fit in {width} bits")
        check(getattr(lib, call)(self._dev._need(call), off, val), call)

    def read8(self, off):
        return self._read(8, u8, off)

    def read16(self, off):
        return self._read(16, u16, off)

    def read32(self, off):
        return self._read(32, u32, off)

    def write8(self, off, val):
        self._write(8, off, val)

    def write16(self, off, val):
        self._write(16, off, val)

    def write32(self, off, val):
        self._write(32, off, val)

    def read(self, off, nbytes):
        buf = ctypes.create_string_buffer(nbytes)
        check(lib.WDC_PciReadCfg(self._dev._need("WDC_PciReadCfg"), off, buf, nbytes),
              "WDC_PciReadCfg")
        return buf.raw

    def write(self, off, data):
        data = bytes(data)
        check(lib.WDC_PciWriteCfg(self._dev._need("WDC_PciWriteCfg"), off, data, len(data)),
              "WDC_PciWriteCfg")
