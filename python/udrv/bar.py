# SPDX-License-Identifier: MIT
"""A BAR of an open device: register reads and writes.

A memory BAR the library mapped is reached through memoryviews of that
mapping (WDC_GetBarPointer): a read is an index into the view of the
access width, one load, no system call and no foreign call.  Anything the
fast path does not take (an offset beyond the BAR, a misaligned one, a
closed device) goes through the library's own WDC_ReadAddr/WriteAddr,
whose checks and messages are the ones every udrv program sees.  I/O-port
BARs, and memory BARs that could not be mapped, always take that path
(one system call per access)."""

import ctypes

from ._lib import lib, u8, u16, u32, u64
from .errors import Status, WDError, check
from .memory import Memory

CTYPES = {8: u8, 16: u16, 32: u32, 64: u64}
NO_AUTOINC = 0x1    # WDC_NO_AUTOINC: a FIFO register, every item at `off`


class Bar:
    """BAR `index`: size, type ("mem" or "io"), mapped, address, mem."""

    def __init__(self, dev, index, size, kind):
        self._dev = dev
        self.index = index
        self.size = size
        self.type = kind
        self.address = None
        self.mapped = False
        self._mem = None

    @property
    def mem(self):
        """The mapping as a writable memoryview of bytes (None if the BAR is
        not mapped).  Valid until the device closes."""
        return self._mem.view() if self._mem else None

    def __repr__(self):
        how = f"mapped at 0x{self.address:x}" if self.mapped else "through transfers"
        return f"<udrv.Bar {self.index} {self.type} {self.size} bytes, {how}>"

    # --- the library's accessors (the slow path, and its errors) ---------
    def _handle(self, call):
        h = self._dev._handle
        if not h:
            raise WDError(Status.WD_INVALID_HANDLE,
                          f"device {self._dev.slot} is closed", call)
        return h

    def _read(self, width, off):
        call = f"WDC_ReadAddr{width}"
        h = self._handle(call)
        if off < 0:
            raise ValueError(f"{call}: offset {off} is negative")
        v = CTYPES[width]()
        check(getattr(lib, call)(h, self.index, off, ctypes.byref(v)), call)
        return v.value

    def _write(self, width, off, val):
        call = f"WDC_WriteAddr{width}"
        h = self._handle(call)
        if off < 0:
            raise ValueError(f"{call}: offset {off} is negative")
        if not 0 <= val < 1 << width:
            raise ValueError(f"{call}: value {val:#x} does not fit in {width} bits")
        check(getattr(lib, call)(h, self.index, off, val), call)

    def read8(self, off):
        return self._read(8, off)

    def read16(self, off):
        return self._read(16, off)

    def read32(self, off):
        return self._read(32, off)

    def read64(self, off):
        return self._read(64, off)

    def write8(self, off, val):
        self._write(8, off, val)

    def write16(self, off, val):
        self._write(16, off, val)

    def write32(self, off, val):
        self._write(32, off, val)

    def write64(self, off, val):
        self._write(64, off, val)

    def read_block(self, off, nbytes, width=8, fifo=False):
        """WDC_ReadAddrBlock: `nbytes` bytes from `off` in accesses of
        `width` bits (from one FIFO register with fifo=True)."""
        buf = ctypes.create_string_buffer(nbytes)
        h = self._handle("WDC_ReadAddrBlock")
        check(lib.WDC_ReadAddrBlock(h, self.index, off, nbytes, buf, width // 8,
                                    NO_AUTOINC if fifo else 0), "WDC_ReadAddrBlock")
        return buf.raw

    def write_block(self, off, data, width=8, fifo=False):
        """WDC_WriteAddrBlock: the bytes of `data` from `off`."""
        data = bytes(data)
        h = self._handle("WDC_WriteAddrBlock")
        check(lib.WDC_WriteAddrBlock(h, self.index, off, len(data), data, width // 8,
                                     NO_AUTOINC if fifo else 0), "WDC_WriteAddrBlock")


class MappedBar(Bar):
    """A memory BAR reached through the library's mapping."""

    def __init__(self, dev, index, size, kind, address):
        super().__init__(dev, index, size, kind)
        self.address = address
        self.mapped = True
        self._mem = Memory(address, size, dev, f"BAR{index} of {dev.slot}")
        self._bind()

    def _bind(self):
        v = self._mem.views
        self._v8, self._v16, self._v32, self._v64 = v[8], v[16], v[32], v[64]

    def _release(self):
        try:
            self._mem.release()
        finally:
            # released views: a use falls through to the closed check;
            # after a BufferError, the views made again
            self._bind()

    def _rebind(self):
        self._mem.restore()
        self._bind()

    # The fast path: IndexError (beyond the BAR), ValueError (a released
    # view, a value too large) and misalignment fall through to the
    # library, which raises the right WDError.
    def read8(self, off):
        if off >= 0:
            try:
                return self._v8[off]
            except (IndexError, ValueError):
                pass
        return self._read(8, off)

    def read16(self, off):
        if off >= 0 and not off & 1:
            try:
                return self._v16[off >> 1]
            except (IndexError, ValueError):
                pass
        return self._read(16, off)

    def read32(self, off):
        if off >= 0 and not off & 3:
            try:
                return self._v32[off >> 2]
            except (IndexError, ValueError):
                pass
        return self._read(32, off)

    def read64(self, off):
        if off >= 0 and not off & 7:
            try:
                return self._v64[off >> 3]
            except (IndexError, ValueError):
                pass
        return self._read(64, off)

    def write8(self, off, val):
        if off >= 0:
            try:
                self._v8[off] = val
                return
            except (IndexError, ValueError):
                pass
        self._write(8, off, val)

    def write16(self, off, val):
        if off >= 0 and not off & 1:
            try:
                self._v16[off >> 1] = val
                return
            except (IndexError, ValueError):
                pass
        self._write(16, off, val)

    def write32(self, off, val):
        if off >= 0 and not off & 3:
            try:
                self._v32[off >> 2] = val
                return
            except (IndexError, ValueError):
                pass
        self._write(32, off, val)

    def write64(self, off, val):
        if off >= 0 and not off & 7:
            try:
                self._v64[off >> 3] = val
                return
            except (IndexError, ValueError):
                pass
        self._write(64, off, val)
