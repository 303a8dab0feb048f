# SPDX-License-Identifier: MIT
"""Prepared transfer lists (WD_MultiTransferPrepare, WD_MultiTransferRun,
WD_MultiTransferFree): a list of register reads and writes the agent
checks once and keeps; each run is one system call that moves only the
data.  For a batch of accesses repeated many times, on a BAR the
mapping does not reach (I/O ports) or where one call per batch matters."""

import ctypes

from . import _lib
from ._lib import lib
from .errors import Status, WDError, check
from .interrupt import _WRITE, _XFER, Cmd

_WIDTH_BITS = (8, 16, 32, 64)     # the low two bits of a transfer command


class TransferList:
    """Device.transfer_list(cmds): a prepared list of read_cmd() and
    write_cmd() commands.  run() runs it and returns the values read;
    close() frees it (also the end of a with block, and the device's
    close)."""

    def __init__(self, dev, cmds):
        cmds = list(cmds)
        for i, c in enumerate(cmds):
            if not isinstance(c, Cmd):
                raise TypeError(f"WD_MultiTransferPrepare: command {i} is a "
                                f"{type(c).__name__}, not a Cmd (read_cmd, write_cmd)")
        self._dev = dev
        self._hwd = lib.WDC_GetWDHandle()
        self._cmds = (_lib.WD_TRANSFER * max(len(cmds), 1))()
        self._writes = []       # (index, width) of each write command
        self._reads = []
        for i, (t, c) in enumerate(zip(self._cmds, cmds)):
            t.cmd, t.bar, t.addr, t.options = c.cmd, c.bar, c.addr, c.options
            if c.cmd & _XFER and c.cmd & _WRITE:
                self._writes.append((i, _WIDTH_BITS[c.cmd & 3]))
                self._set(i, _WIDTH_BITS[c.cmd & 3], c.value, "WD_MultiTransferPrepare")
            self._reads.append(bool(c.cmd & _XFER and not c.cmd & _WRITE))
        self.size = len(cmds)
        self._prepared = False
        self._c = _lib.WD_TRANSFER_LIST()
        hcard = lib.WDC_GetCardHandle(dev._need("WD_MultiTransferPrepare"))
        check(lib.WD_MultiTransferPrepare(self._hwd, hcard, self._cmds, len(cmds),
                                          ctypes.byref(self._c)),
              "WD_MultiTransferPrepare")
        self._prepared = True
        dev._children.append(self)

    def _set(self, i, width, value, call="WD_MultiTransferRun"):
        if not isinstance(value, int):
            raise TypeError(f"{call}: command {i}: value {value!r} "
                            "is not an integer")
        if not 0 <= value < 1 << width:
            raise ValueError(f"{call}: command {i}: value {value:#x} "
                             f"does not fit in {width} bits")
        self._cmds[i].data.qw = value

    @property
    def prepared(self):
        return self._prepared

    def run(self, values=None):
        """WD_MultiTransferRun: runs the commands in order, all or none.
        values: the data of the write commands for this run and the next
        ones, one per write command in list order (None: as before).
        Returns a tuple with one item per command: the value read, or
        None for a write."""
        if not self._prepared:
            raise WDError(Status.WD_INVALID_HANDLE, "the transfer list is freed",
                          "WD_MultiTransferRun")
        if values is not None:
            values = list(values)
            if len(values) != len(self._writes):
                raise ValueError(f"WD_MultiTransferRun: {len(values)} values for "
                                 f"{len(self._writes)} write commands")
            for (i, width), v in zip(self._writes, values):
                self._set(i, width, v)
        check(lib.WD_MultiTransferRun(self._hwd, ctypes.byref(self._c), self._cmds),
              "WD_MultiTransferRun")
        return tuple(self._cmds[i].data.qw if r else None
                     for i, r in enumerate(self._reads))

    def _close(self):
        if self._prepared:
            # The library zeroes the list even when the free fails: it is
            # gone either way.
            self._prepared = False
            check(lib.WD_MultiTransferFree(self._hwd, ctypes.byref(self._c)),
                  "WD_MultiTransferFree")
        if self in self._dev._children:
            self._dev._children.remove(self)

    def close(self):
        """WD_MultiTransferFree (a second close does nothing)."""
        self._close()

    free = close

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __len__(self):
        return self.size

    def __repr__(self):
        state = f"list {self._c.handle}" if self._prepared else "not prepared"
        return f"<udrv.TransferList {self.size} commands, {state}>"
