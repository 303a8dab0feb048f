# SPDX-License-Identifier: MIT
"""DMA buffers: contiguous ones the agent allocates (WDC_DMAContigBufLock)
and the caller's own memory pinned (WDC_DMASGBufLock), seen as memoryviews,
with their device addresses."""

import ctypes
from collections import namedtuple

from ._lib import lib, WD_DMA, P, VOIDP
from .errors import check
from .memory import Memory

TO_DEVICE = 0x2         # WD_DMA_TO_DEVICE
FROM_DEVICE = 0x4       # WD_DMA_FROM_DEVICE
BIDIRECTIONAL = TO_DEVICE | FROM_DEVICE
ALLOW_64BIT_ADDRESS = 0x8

Page = namedtuple("Page", "bus_addr length")


class DmaBuffer:
    """A locked DMA buffer: mem (memoryview of bytes), pages (Page list:
    the device addresses), bus_addr (the first page's), handle (hDma, for
    a Kernel PlugIn's WDC_DMABufGet), sync_io() before the device reads
    or writes it, sync_cpu() before the CPU reads what it wrote; close()
    (WDC_DMABufUnlock), or the device's close."""

    def __init__(self, dev, dma, what, pinned=None):
        self._dev = dev
        self._dma = dma
        self._pinned = pinned   # the caller's buffer, held while locked
        d = dma.contents
        self.handle = d.hDma
        self.size = d.bytes
        self.pages = [Page(d.pages[i].bus_addr, d.pages[i].length)
                      for i in range(d.num_pages)]
        self.bus_addr = self.pages[0].bus_addr if self.pages else None
        self.address = d.user_addr
        self._mem = Memory(d.user_addr, d.bytes, self, what)
        dev._children.append(self)

    @classmethod
    def contig(cls, dev, nbytes, direction):
        """Physically contiguous, allocated and mapped by the agent."""
        cpu, dma = VOIDP(), P(WD_DMA)()
        check(lib.WDC_DMAContigBufLock(dev._need("WDC_DMAContigBufLock"), ctypes.byref(cpu),
                                       direction, nbytes, ctypes.byref(dma)),
              "WDC_DMAContigBufLock")
        return cls(dev, dma, f"contiguous DMA buffer of {dev.slot}")

    @classmethod
    def sg(cls, dev, buffer, direction):
        """The caller's writable buffer (bytearray, mmap, array, ...),
        pinned: while locked it cannot be resized or freed."""
        arr = (ctypes.c_char * memoryview(buffer).nbytes).from_buffer(buffer)
        dma = P(WD_DMA)()
        check(lib.WDC_DMASGBufLock(dev._need("WDC_DMASGBufLock"), ctypes.addressof(arr),
                                   direction, len(arr), ctypes.byref(dma)),
              "WDC_DMASGBufLock")
        return cls(dev, dma, f"scatter-gather DMA buffer of {dev.slot}", pinned=arr)

    @property
    def mem(self):
        return self._mem.view() if self._dma else None

    def sync_io(self, off=0, nbytes=0):
        """WDC_DMASyncIoRange: the CPU's writes reach the device (0: to the end)."""
        check(lib.WDC_DMASyncIoRange(self._need("WDC_DMASyncIoRange"), off, nbytes),
              "WDC_DMASyncIoRange")

    def sync_cpu(self, off=0, nbytes=0):
        """WDC_DMASyncCpuRange: the device's writes become visible to the CPU."""
        check(lib.WDC_DMASyncCpuRange(self._need("WDC_DMASyncCpuRange"), off, nbytes),
              "WDC_DMASyncCpuRange")

    def _need(self, call):
        if not self._dma:
            from .errors import Status, WDError
            raise WDError(Status.WD_INVALID_HANDLE, "the DMA buffer is unlocked", call)
        return self._dma

    def _release(self):
        self._mem.release()

    def _rebind(self):
        self._mem.restore()

    def _close(self):
        if self._dma:
            dma, self._dma = self._dma, None
            self._pinned = None
            check(lib.WDC_DMABufUnlock(dma), "WDC_DMABufUnlock")
        if self in self._dev._children:
            self._dev._children.remove(self)

    def close(self):
        """WDC_DMABufUnlock; BufferError while a view derived from mem lives."""
        if self._dma:
            self._mem.release()
        self._close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return f"<udrv.DmaBuffer {self.size} bytes at bus 0x{self.bus_addr or 0:x}>"
