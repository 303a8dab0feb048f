# SPDX-License-Identifier: MIT
"""Mapped memory (a BAR, a DMA buffer) as memoryviews, and the guard that
keeps Python from touching it once it is unmapped.

The views are plain memoryviews of the library's own mapping: indexing
one is a single load or store of the item's width, no system call.
The views this module hands out are released when the memory goes (a
use after that raises ValueError instead of faulting); a view the caller
derived from them (a slice, a cast) cannot be released from here, so
while one is alive the memory refuses to go (BufferError), like
mmap.close() with exports."""

import ctypes
import sys

FORMATS = {8: "B", 16: "H", 32: "I", 64: "Q"}


class Memory:
    def __init__(self, address, size, owner, what):
        self.address = address
        self.size = size
        self.what = what
        self._arr = (ctypes.c_uint8 * size).from_address(address)
        # A caller's view holds the array, the array the owner: the device
        # cannot be collected (and unmapped) under a live view.
        self._arr.udrv_owner = owner
        self._views = None
        self._make_views()

    def _make_views(self):
        base = memoryview(self._arr).cast("B")
        self.views = {8: base}
        for width in (16, 32, 64):
            n = width // 8
            self.views[width] = base[:self.size // n * n].cast(FORMATS[width])

    def view(self):
        """The whole range as bytes (memoryview, format 'B')."""
        return self.views[8]

    def release(self):
        """Releases our views; if a view derived from them is still alive,
        makes ours again and raises BufferError."""
        for v in self.views.values():
            v.release()
        # Left: self._arr and getrefcount's argument.  One more is the
        # managed buffer a surviving view still holds.
        if sys.getrefcount(self._arr) > 2:
            self._make_views()
            raise BufferError(
                f"{self.what}: a memoryview of it is still in use (a slice "
                f"or cast of .mem?): release it (del, or .release()) first")

    def restore(self):
        """Views again, after a release that turned out premature."""
        self._make_views()
