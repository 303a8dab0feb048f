# SPDX-License-Identifier: MIT
"""A device's Kernel PlugIn: messages to it (WDC_KernelPlugInOpen,
WDC_CallKerPlug, WDC_KernelPlugInClose).  The KP runs in the kernel
(insmod my_kp.ko) or, with UDRV_KP_USER=my_kp=./my_kp.so or
use_user_mode(), in this process (libudrv is loaded RTLD_GLOBAL for it)."""

import ctypes

from ._lib import lib, u32
from .errors import check


def use_user_mode(name, so_path):
    """WDC_KernelPlugInUseUserMode: open KP `name` from this .so in-process."""
    check(lib.WDC_KernelPlugInUseUserMode(name.encode(), str(so_path).encode()),
          "WDC_KernelPlugInUseUserMode")


class KernelPlugIn:
    """Device.kernel_plugin(name, open_data): the open KP of the device."""

    def __init__(self, dev, name, open_data=b""):
        self._dev = dev
        self.name = name
        data = bytes(open_data)
        check(lib.WDC_KernelPlugInOpen(dev._need("WDC_KernelPlugInOpen"), name.encode(),
                                       data or None, len(data)), "WDC_KernelPlugInOpen")
        self._open = True
        dev._children.append(self)

    def call(self, message, data=None):
        """Sends `message` with `data`, a writable buffer (bytearray, a
        ctypes Structure, memoryview, ...) or None; the KP's changes to the
        data are written back into it.  Returns the KP's result
        (call->result); a failure of the call itself raises WDError."""
        result = u32()
        if data is None:
            ptr, size = None, 0
        else:
            if isinstance(data, (bytes, str)):
                raise TypeError("KernelPlugIn.call: data must be writable "
                                "(bytearray, ctypes structure), not bytes")
            size = memoryview(data).nbytes
            # held until the call returns: an export, so `data` cannot move
            ptr = (ctypes.c_char * size).from_buffer(data) if size else None
        h = self._dev._need("WDC_CallKerPlug")
        check(lib.WDC_CallKerPlug(h, message, ptr, size, ctypes.byref(result)),
              "WDC_CallKerPlug")
        return result.value

    def _close(self):
        if self._open:
            self._open = False
            check(lib.WDC_KernelPlugInClose(self._dev._handle), "WDC_KernelPlugInClose")
        if self in self._dev._children:
            self._dev._children.remove(self)

    def close(self):
        self._close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
