# SPDX-License-Identifier: MIT
"""Interrupts of an open device: WD_IntEnable, then a blocking wait
(WD_IntWait, or WD_IntWaitFd on the object's status descriptor) or an
iterator of wake-ups; fileno() for select/poll.

The wait is a foreign call, which releases the GIL: other Python threads
run meanwhile."""

import ctypes
import os
import select
import threading
from collections import namedtuple

from . import _lib
from ._lib import lib
from .errors import Status, WDError, WDTimeout, check, error

INTX = 0x01         # INTERRUPT_LEVEL_SENSITIVE
MSI = 0x02          # INTERRUPT_MESSAGE
MSIX = 0x04         # INTERRUPT_MESSAGE_X
_CMD_COPY = 0x08    # INTERRUPT_CMD_COPY
TYPE_NAMES = {INTX: "intx", MSI: "msi", MSIX: "msix"}

# transfer commands (wd.h): XFER | MEM | WRITE | width
_XFER, _MEM, _WRITE, CMD_MASK = 0x100, 0x010, 0x008, 0x001
_WIDTH = {8: 0, 16: 1, 32: 2, 64: 3}
ACCUMULATE = 0x2    # WD_INT_ACCUMULATE

Cmd = namedtuple("Cmd", "cmd bar addr value options")


def read_cmd(bar, off, width=32, io=False, accumulate=False):
    """An IRQ-time read of a register (its value comes back with copy=True)."""
    return Cmd(_XFER | (0 if io else _MEM) | _WIDTH[width], bar, off, 0,
               ACCUMULATE if accumulate else 0)


def write_cmd(bar, off, value, width=32, io=False):
    """An IRQ-time write (an acknowledge)."""
    return Cmd(_XFER | (0 if io else _MEM) | _WRITE | _WIDTH[width], bar, off, value, 0)


def mask_cmd(mask):
    """CMD_MASK: the interrupt is the device's iff the last value read & mask."""
    return Cmd(CMD_MASK, 0, 0, mask, 0)


# One wake-up.  values: with copy=True, what each command read at IRQ
# time (None for the others).
IntStatus = namedtuple("IntStatus", "count lost stopped last_message vectors "
                       "enabled_type kp_count values")

# Ctrl-C reaches Python between two waits: a wait without a timeout is
# made of waits of this many ms.
_SLICE_MS = 1000


class Interrupts:
    """Enabled interrupts of a device (Device.interrupts(types, cmds, copy)).

    types: INTX | MSI | MSIX, the ones accepted (0: any; the agent takes
    the best the device has: type says which); cmds: for INTx, what the
    kernel does at IRQ time (read_cmd, mask_cmd, write_cmd); copy: return
    the values read (IntStatus.values)."""

    def __init__(self, dev, types=0, cmds=(), copy=False):
        self._dev = dev
        self._hwd = lib.WDC_GetWDHandle()
        # The status descriptor (WD_IntStatusFd), opened on first use.  A
        # close while wait_fd() uses it in another thread leaves it to
        # that thread to close, so that its read() never meets a closed
        # or reused descriptor number.
        self._sfd = None
        self._sfd_lock = threading.Lock()
        self._sfd_users = 0
        self._sfd_stale = None
        cmds = list(cmds)
        self._cmds = (_lib.WD_TRANSFER * max(len(cmds), 1))()
        for t, c in zip(self._cmds, cmds):
            t.cmd, t.bar, t.addr, t.options = c.cmd, c.bar, c.addr, c.options
            t.data.qw = c.value
        self._ncmds = len(cmds)
        self._reads = [c.cmd & _XFER and not c.cmd & _WRITE for c in cmds]
        c = self._c = _lib.WD_INTERRUPT()
        c.options = types | (_CMD_COPY if copy else 0)
        if cmds:
            c.cmds = self._cmds
            c.num_cmds = len(cmds)
        hcard = lib.WDC_GetCardHandle(dev._need("WD_IntEnable"))
        check(lib.WD_IntEnable(self._hwd, hcard, ctypes.byref(c)), "WD_IntEnable")
        self.type = TYPE_NAMES.get(c.enabled_type, c.enabled_type)
        dev._children.append(self)

    @property
    def enabled(self):
        return bool(self._c.hInterrupt)

    def _status(self):
        c = self._c
        vals = tuple(self._cmds[i].data.qw if r else None
                     for i, r in enumerate(self._reads))
        return IntStatus(c.count, c.lost, c.stopped, c.last_message, c.vectors,
                         c.enabled_type, c.kp_count, vals)

    def wait(self, timeout=None):
        """Blocks until an interrupt arrived since the previous wait (one
        that came before this call returns at once); returns its IntStatus.
        timeout in seconds (None: no limit); WDTimeout when it passes."""
        if not self._c.hInterrupt:
            raise WDError(Status.WD_INTERRUPT_NOT_ENABLED,
                          "interrupts are disabled", "WD_IntWait")
        if timeout is not None:
            ms = max(1, round(timeout * 1000))
            check(lib.WD_IntWait(self._hwd, ctypes.byref(self._c), ms), "WD_IntWait")
            return self._status()
        while True:
            st = lib.WD_IntWait(self._hwd, ctypes.byref(self._c), _SLICE_MS)
            if st != Status.WD_TIME_OUT:
                check(st, "WD_IntWait")
                return self._status()

    def events(self, timeout=None):
        """An iterator of wake-ups (wait(timeout) each); ends when the
        interrupts are disabled or stopped (the device went away)."""
        while self._c.hInterrupt:
            try:
                s = self.wait(timeout)
            except WDTimeout:
                raise
            except WDError as e:
                if e.status == Status.WD_INTERRUPT_NOT_ENABLED:
                    return
                raise
            yield s
            if s.stopped:
                return

    __iter__ = events

    def count(self):
        """WD_IntCount: the counters now, without waiting."""
        check(lib.WD_IntCount(self._hwd, ctypes.byref(self._c)), "WD_IntCount")
        return self._status()

    def fileno(self):
        """WD_IntFd: a descriptor readable when an interrupt came (read 8
        bytes: how many); the caller closes it (os.close)."""
        fd = lib.WD_IntFd(self._hwd, ctypes.byref(self._c))
        if fd < 0:
            raise error(Status.WD_OPERATION_FAILED, "WD_IntFd")
        return fd

    # --- the status descriptor -------------------------------------------
    def _sfd_enter(self, call):
        with self._sfd_lock:
            if self._sfd is None:
                if not self._c.hInterrupt:
                    raise WDError(Status.WD_INTERRUPT_NOT_ENABLED,
                                  "interrupts are disabled", call)
                fd = lib.WD_IntStatusFd(self._hwd, ctypes.byref(self._c))
                if fd < 0:
                    raise error(Status.WD_OPERATION_FAILED, "WD_IntStatusFd")
                self._sfd = fd
            self._sfd_users += 1
            return self._sfd

    def _sfd_leave(self):
        fd = None
        with self._sfd_lock:
            self._sfd_users -= 1
            if not self._sfd_users:
                fd, self._sfd_stale = self._sfd_stale, None
        if fd is not None:
            os.close(fd)

    def _sfd_drop(self):
        with self._sfd_lock:
            fd, self._sfd = self._sfd, None
            if fd is not None and self._sfd_users:
                fd, self._sfd_stale = None, fd
        if fd is not None:
            os.close(fd)

    def status_fd(self):
        """WD_IntStatusFd: the object's status descriptor (opened on first
        use, closed by close()): readable (select/poll) when wait_fd()
        would return at once.  Do not close or read it yourself."""
        fd = self._sfd_enter("WD_IntStatusFd")
        self._sfd_leave()
        return fd

    def wait_fd(self, timeout=None):
        """WD_IntWaitFd: wait() through the status descriptor, one read()
        per wake-up; the same IntStatus and the same cursor as wait() (an
        interrupt one returned, the other does not return again).  With a
        timeout (seconds) the descriptor is polled first (a second system
        call): WDTimeout when it passes.  Without one the read blocks until
        an interrupt comes or the interrupts are disabled (close() in
        another thread: an IntStatus with stopped set); Ctrl-C gets through
        only then."""
        fd = self._sfd_enter("WD_IntWaitFd")
        try:
            if timeout is not None:
                ms = max(1, round(timeout * 1000))
                p = select.poll()
                p.register(fd, select.POLLIN)
                if not p.poll(ms):
                    raise WDTimeout(Status.WD_TIME_OUT,
                                    f"no interrupt within {ms} ms (status descriptor "
                                    f"{fd})", "WD_IntWaitFd")
            check(lib.WD_IntWaitFd(fd, ctypes.byref(self._c)), "WD_IntWaitFd")
            return self._status()
        finally:
            self._sfd_leave()

    # --- the end ------------------------------------------------------------
    def _close(self):
        try:
            if self._c.hInterrupt:
                check(lib.WD_IntDisable(self._hwd, ctypes.byref(self._c)),
                      "WD_IntDisable")
                self._c.hInterrupt = 0
        finally:
            # after the disable: a wait_fd() blocked on it returns stopped
            self._sfd_drop()
        if self in self._dev._children:
            self._dev._children.remove(self)

    def close(self):
        """WD_IntDisable; closes the status descriptor."""
        self._close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
