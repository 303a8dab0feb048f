# SPDX-License-Identifier: MIT
"""A stand-in for udrv.ko on the host, for test_host.py: libudrv's test
hook udrv_test_ioctl (in libudrv_hooks.so) sends the library's ioctls
here, so the binding's calls run through the real library.  It answers
the few the status descriptor and the prepared transfer lists need:
interrupt enable/disable, the status descriptor (the read end of a pipe
the test writes struct udrv_int_status records into) and the transfer
lists (registers as a dict).  Everything else fails with ENOTTY."""

import ctypes
import errno
import os

from udrv import _lib

u32, u64, s32 = ctypes.c_uint32, ctypes.c_uint64, ctypes.c_int32


# include/uapi/udrv_abi.h; check() compares them with the C compiler
class udrv_int_enable(ctypes.Structure):
    _fields_ = [("size", u32), ("hcard", u32), ("options", u32), ("num_cmds", u32),
                ("cmds", u64), ("max_vectors", u32), ("hkp", u32),
                ("enabled_type", u32), ("num_vectors", u32), ("irq", u32),
                ("pad", u32), ("kp_message", u32), ("kp_size", u32), ("kp_data", u64)]


class udrv_int_fd(ctypes.Structure):
    _fields_ = [("size", u32), ("hcard", u32), ("fd", s32), ("flags", u32)]


class udrv_int_status(ctypes.Structure):
    _fields_ = [("count", u32), ("lost", u32), ("stopped", u32), ("last_message", u32),
                ("vectors", u64), ("enabled_type", u32), ("kp_count", u32)]


class udrv_xlist_prepare(ctypes.Structure):
    _fields_ = [("size", u32), ("hcard", u32), ("num", u32), ("failed", u32),
                ("cmds", u64), ("serial", u64), ("handle", u32), ("pad", u32)]


class udrv_xlist_run(ctypes.Structure):
    _fields_ = [("size", u32), ("handle", u32), ("serial", u64), ("num", u32),
                ("done", u32), ("cmds", u64)]


class udrv_xlist_free(ctypes.Structure):
    _fields_ = [("size", u32), ("handle", u32), ("serial", u64)]


STRUCTS = (udrv_int_enable, udrv_int_fd, udrv_int_status, udrv_xlist_prepare,
           udrv_xlist_run, udrv_xlist_free)
IOCTLS = ("UDRV_IOC_INT_ENABLE", "UDRV_IOC_INT_DISABLE", "UDRV_IOC_INT_FD",
          "UDRV_IOC_XLIST_PREPARE", "UDRV_IOC_XLIST_RUN", "UDRV_IOC_XLIST_FREE")
HWD, HCARD = 1000, 7            # what the fake handles look like
MSI = 0x2

HOOK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p,
                        use_errno=True)


def check(c):
    """The mismatches of the structures above with the layout program's
    output `c` (name -> value)."""
    bad = []
    for s in STRUCTS:
        n = s.__name__
        if ctypes.sizeof(s) != c.get(n):
            bad.append(f"sizeof {n}: ctypes {ctypes.sizeof(s)}, C {c.get(n)}")
        for k, v in c.items():
            if k.startswith(n + ".") and getattr(s, k.split(".")[1]).offset != v:
                bad.append(f"{k}: ctypes {getattr(s, k.split('.')[1]).offset}, C {v}")
    return bad


class FakeAgent:
    """with FakeAgent(layout) as agent: the library's ioctls come here.
    agent.calls: the ioctl names in order; agent.regs: the registers the
    transfer lists read and write ((bar, offset) -> value)."""

    def __init__(self, layout):
        self.req = {layout[n]: n for n in IOCTLS}
        self.status_flag = layout["UDRV_INT_FD_STATUS"]
        self.calls = []
        self.regs = {}
        self.lists = {}         # handle -> (serial, [(cmd, bar, addr)])
        self.next = 1
        self.pipe = None
        self.fds = []           # descriptors handed out
        self._hook = HOOK(self._ioctl)
        self._ptr = ctypes.c_void_p.in_dll(_lib.lib, "udrv_test_ioctl")

    def __enter__(self):
        self.pipe = os.pipe()
        self._ptr.value = ctypes.cast(self._hook, ctypes.c_void_p).value
        return self

    def __exit__(self, *exc):
        self._ptr.value = None
        for fd in self.pipe:
            os.close(fd)

    def post(self, count, stopped=0, lost=0, vectors=1):
        """What the agent's status read returns next."""
        s = udrv_int_status(count=count, lost=lost, stopped=stopped, vectors=vectors,
                            enabled_type=MSI)
        os.write(self.pipe[1], bytes(s))

    def _ioctl(self, fd, req, arg):
        name = self.req.get(req)
        self.calls.append(name or hex(req))
        err = errno.ENOTTY
        if fd == HWD and name:
            err = getattr(self, name[9:].lower())(arg)
        if err:
            ctypes.set_errno(err)
            return -1
        return 0

    def int_enable(self, arg):
        e = udrv_int_enable.from_address(arg)
        e.enabled_type = MSI
        return 0 if e.hcard == HCARD else errno.EBADF

    def int_disable(self, arg):
        return 0

    def int_fd(self, arg):
        r = udrv_int_fd.from_address(arg)
        if r.flags != self.status_flag:
            return errno.EINVAL
        r.fd = os.dup(self.pipe[0])
        self.fds.append(r.fd)
        return 0

    def xlist_prepare(self, arg):
        p = udrv_xlist_prepare.from_address(arg)
        t = (_lib.WD_TRANSFER * p.num).from_address(p.cmds)
        p.handle, p.serial = self.next, 5000 + self.next
        self.lists[p.handle] = (p.serial, [(x.cmd, x.bar, x.addr) for x in t])
        self.next += 1
        return 0

    def xlist_run(self, arg):
        r = udrv_xlist_run.from_address(arg)
        serial, cmds = self.lists.get(r.handle, (None, []))
        if serial != r.serial or r.num != len(cmds):
            return errno.ESTALE
        t = (_lib.WD_TRANSFER * r.num).from_address(r.cmds)
        for x, (cmd, bar, addr) in zip(t, cmds):
            mask = (1 << (8 << (cmd & 3))) - 1
            if cmd & 0x008:     # a write: the data of this run
                self.regs[bar, addr] = x.data.qw & mask
            else:
                x.data.qw = self.regs.get((bar, addr), 0) & mask
        return 0

    def xlist_free(self, arg):
        f = udrv_xlist_free.from_address(arg)
        if self.lists.get(f.handle, (None,))[0] != f.serial:
            return errno.ESTALE
        del self.lists[f.handle]
        return 0
