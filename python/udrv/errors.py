# SPDX-License-Identifier: MIT
"""WD_ status codes and the exception every failed call raises."""

import enum

from ._lib import lib


class Status(enum.IntEnum):
    """The WD_ status codes of include/udrv/wd.h, in its order."""
    WD_STATUS_SUCCESS = 0
    WD_INVALID_HANDLE = 1
    WD_INVALID_PARAMETER = 2
    WD_DEVICE_NOT_FOUND = 3
    WD_RESOURCE_OVERLAP = 4
    WD_NOT_IMPLEMENTED = 5
    WD_INSUFFICIENT_RESOURCES = 6
    WD_TIME_OUT = 7
    WD_OPERATION_FAILED = 8
    WD_OPERATION_ALREADY_DONE = 9
    WD_INTERRUPT_NOT_ENABLED = 10
    WD_FAILED_ENABLING_INTERRUPT = 11
    WD_KERPLUG_FAILURE = 12
    WD_INCORRECT_VERSION = 13
    WD_WINDRIVER_NOT_FOUND = 14
    WD_NO_DEVICE_OBJECT = 15
    WD_DEVICE_REMOVED = 16
    WD_ACCESS_DENIED = 17
    WD_BAD_ALIGNMENT = 18
    WD_OUT_OF_RANGE = 19


def status_str(status):
    """WD_StatusToStr: what a status means, in words."""
    s = lib.WD_StatusToStr(int(status))
    return s.decode(errors="replace") if s else ""


class WDError(OSError):
    """A libudrv call failed.

    status   the WD_ status (a Status when it is a known one)
    message  the library's last-error text (WDC_GetLastErrStr), which
             says what went wrong: "offset 0x100000 + 4 is beyond BAR0
             (1048576 bytes)"
    call     the C function that failed
    """

    def __init__(self, status, message, call=""):
        try:
            status = Status(status)
            name = status.name
        except ValueError:
            name = f"status {status}"
        self.status = status
        self.message = message
        self.call = call
        # The library's messages mostly start with the call's name already.
        where = f"{call}: " if call and not message.startswith(call) else ""
        super().__init__(f"{name}: {where}{message}")


class WDTimeout(WDError, TimeoutError):
    """WD_TIME_OUT: nothing happened within the time given."""


def error(status, call, message=None):
    """The exception for `status` from `call`, with the library's message
    (read at once: it is per thread and the next failing call replaces
    it)."""
    if message is None:
        m = lib.WDC_GetLastErrStr()
        message = m.decode(errors="replace") if m else status_str(status)
    cls = WDTimeout if status == Status.WD_TIME_OUT else WDError
    return cls(status, message, call)


def check(status, call):
    """Raises the WDError of a failed call; returns nothing otherwise."""
    if status:
        raise error(status, call)
