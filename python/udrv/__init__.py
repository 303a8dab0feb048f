# SPDX-License-Identifier: MIT
"""udrv: user-mode PCI drivers in Python, on libudrv (through ctypes).

    import udrv
    with udrv.open(0x1234, 0x11e8) as dev:        # or slot="0000:00:03.0"
        bar = dev.bar(0)
        print(hex(bar.read32(0x00)))              # a load through the mapping
        bar.write32(0x04, 0x1234)
        print(hex(dev.cfg.read16(0x02)))          # config space

Every failed call raises WDError (status, message, call).  See
docs/python.md in the udrv sources."""

from ._lib import lib as _libudrv
from .bar import Bar, MappedBar
from .device import (CAP_INTX, CAP_MSI, CAP_MSIX, CAP_PCIE, Config, Device,
                     Found, Slot, card_info, open, read_cfg, scan)
from .dma import (ALLOW_64BIT_ADDRESS, BIDIRECTIONAL, FROM_DEVICE, TO_DEVICE,
                  DmaBuffer, Page)
from .errors import Status, WDError, WDTimeout, status_str
from .interrupt import (INTX, MSI, MSIX, Cmd, Interrupts, IntStatus, mask_cmd,
                        read_cmd, write_cmd)
from .kp import KernelPlugIn, use_user_mode
from .transfer import TransferList

__version__ = "0.1.0"


def barrier():
    """WDC_Barrier: the CPU's memory writes are visible to a device before
    what follows (a register write that starts its DMA)."""
    _libudrv.WDC_Barrier()


__all__ = [
    "Bar", "MappedBar", "Config", "Device", "Found", "Slot", "card_info",
    "open", "read_cfg", "scan", "CAP_INTX", "CAP_MSI", "CAP_MSIX", "CAP_PCIE",
    "DmaBuffer", "Page", "TO_DEVICE", "FROM_DEVICE", "BIDIRECTIONAL",
    "ALLOW_64BIT_ADDRESS", "Status", "WDError", "WDTimeout", "status_str",
    "Interrupts", "IntStatus", "Cmd", "INTX", "MSI", "MSIX", "read_cmd",
    "write_cmd", "mask_cmd", "KernelPlugIn", "use_user_mode", "barrier",
    "TransferList",
]
