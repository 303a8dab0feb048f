#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Host test of the udrv Python binding, without a device (TAP):

- the ctypes structures and constants against what the C compiler says
  (argv[1]: the layout program built from tests/layout.c);
- the status codes against include/udrv/wd.h;
- register access on a fake device (libudrv's test hook: a BAR that is
  any memory): the fast path through memoryviews makes no library call,
  the errors come from the library with its messages, the guards of
  mapped memory (views released, close refused while a derived view
  lives);
- the status descriptor (status_fd, wait_fd) and prepared transfer
  lists through the real library, whose ioctls a fake agent answers
  (fake_agent.py): what reaches the agent, what comes back, argument
  checks, who closes and frees what;
- the build backend's wheel.

Run by tests/unit/python.sh (make check-host)."""

import ctypes
import hashlib
import base64
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
from tap import Tap, fd_open  # noqa: E402
import fake_agent  # noqa: E402

import udrv  # noqa: E402
from udrv import Status, _lib  # noqa: E402

t = Tap("python_host")


def layout(prog):
    c = {}
    for line in subprocess.run([prog], check=True, capture_output=True,
                               text=True).stdout.splitlines():
        name, value = line.split()
        c[name] = int(value)
    bad = []
    for s in _lib.STRUCTS:
        n = s.__name__
        if ctypes.sizeof(s) != c.get(n):
            bad.append(f"sizeof {n}: ctypes {ctypes.sizeof(s)}, C {c.get(n)}")
        for f, _ in s._fields_:
            if getattr(s, f).offset != c.get(f"{n}.{f}"):
                bad.append(f"{n}.{f}: ctypes {getattr(s, f).offset}, C {c.get(f'{n}.{f}')}")
        cfields = {k.split(".")[1] for k in c if k.startswith(n + ".")}
        if cfields - {f for f, _ in s._fields_}:
            bad.append(f"{n}: ctypes lacks {cfields - {f for f, _ in s._fields_}}")
    t.ok(not bad, f"{len(_lib.STRUCTS)} structures: sizes and offsets as in C"
         + ("".join("\n# " + b for b in bad)))
    want = {
        "WD_PCI_CARDS": _lib.MAX_SCAN, "WD_CARD_ITEMS": _lib.MAX_ITEMS,
        "UDRV_MAX_BARS": _lib.MAX_BARS, "UDRV_MAX_INT_CMDS": _lib.MAX_INT_CMDS,
        "UDRV_MAX_MULTI": _lib.MAX_MULTI,
        "UDRV_KP_MAX_OPEN_DATA": _lib.KP_MAX_OPEN_DATA,
        "UDRV_KP_MAX_CALL_DATA": _lib.KP_MAX_CALL_DATA,
        "WD_ITEM_MEM": udrv.device.ITEM_MEM, "WD_ITEM_IO": udrv.device.ITEM_IO,
        "WD_ITEM_INTERRUPT": udrv.device.ITEM_INTERRUPT,
        "WD_ITEM_PREFETCHABLE": udrv.device.ITEM_PREFETCHABLE,
        "WD_ITEM_64BIT": udrv.device.ITEM_64BIT, "WD_ITEM_MAPPABLE": udrv.device.ITEM_MAPPABLE,
        "WD_CAP_INTX": udrv.CAP_INTX, "WD_CAP_MSI": udrv.CAP_MSI,
        "WD_CAP_MSIX": udrv.CAP_MSIX, "WD_CAP_PCIE": udrv.CAP_PCIE,
        "RM_BYTE": udrv.read_cmd(0, 0, 8).cmd, "RM_WORD": udrv.read_cmd(0, 0, 16).cmd,
        "RM_DWORD": udrv.read_cmd(0, 0, 32).cmd, "RM_QWORD": udrv.read_cmd(0, 0, 64).cmd,
        "WM_BYTE": udrv.write_cmd(0, 0, 0, 8).cmd, "WM_WORD": udrv.write_cmd(0, 0, 0, 16).cmd,
        "WM_DWORD": udrv.write_cmd(0, 0, 0, 32).cmd, "WM_QWORD": udrv.write_cmd(0, 0, 0, 64).cmd,
        "RP_BYTE": udrv.read_cmd(0, 0, 8, io=True).cmd,
        "RP_DWORD": udrv.read_cmd(0, 0, 32, io=True).cmd,
        "WP_WORD": udrv.write_cmd(0, 0, 0, 16, io=True).cmd,
        "CMD_MASK": udrv.mask_cmd(0).cmd,
        "WD_INT_ACCUMULATE": udrv.read_cmd(0, 0, accumulate=True).options,
        "WDC_NO_AUTOINC": udrv.bar.NO_AUTOINC,
        "INTERRUPT_LEVEL_SENSITIVE": udrv.INTX, "INTERRUPT_MESSAGE": udrv.MSI,
        "INTERRUPT_MESSAGE_X": udrv.MSIX, "INTERRUPT_CMD_COPY": udrv.interrupt._CMD_COPY,
        "WD_DMA_TO_DEVICE": udrv.TO_DEVICE, "WD_DMA_FROM_DEVICE": udrv.FROM_DEVICE,
        "WD_DMA_TO_FROM_DEVICE": udrv.BIDIRECTIONAL,
        "DMA_ALLOW_64BIT_ADDRESS": udrv.ALLOW_64BIT_ADDRESS,
        "WD_STATUS_COUNT": len(Status),
    }
    bad = [f"{k}: Python {v}, C {c.get(k)}" for k, v in want.items() if c.get(k) != v]
    t.ok(not bad, f"{len(want)} constants as in C" + "".join("\n# " + b for b in bad))
    bad = fake_agent.check(c)
    t.ok(not bad, f"the fake agent's {len(fake_agent.STRUCTS)} ABI structures as in C"
         + "".join("\n# " + b for b in bad))
    return c


def statuses():
    with open(os.path.join(TOP, "include/udrv/wd.h")) as f:
        body = re.search(r"enum \{\s*(WD_STATUS_SUCCESS.*?)WD_STATUS_COUNT", f.read(), re.S).group(1)
    names = re.findall(r"\b(WD_[A-Z_]+)\b", body)
    t.ok(names == [s.name for s in Status], f"Status: the {len(names)} codes of wd.h, in order")
    texts = {udrv.status_str(s) for s in Status}
    t.ok(len(texts) == len(Status) and "" not in texts,
         "WD_StatusToStr has a distinct text for each")
    e = udrv.WDError(19, "WDC_ReadAddr32: offset 0x10 + 4 is beyond BAR0", "WDC_ReadAddr32")
    t.ok(e.status is Status.WD_OUT_OF_RANGE and isinstance(e, OSError) and
         str(e) == "WD_OUT_OF_RANGE: WDC_ReadAddr32: offset 0x10 + 4 is beyond BAR0",
         f"WDError: status, message, call; text \"{e}\"")
    e = udrv.WDError(999, "odd", "f")
    t.ok(e.status == 999 and str(e) == "status 999: f: odd", f"an unknown status: \"{e}\"")


def fake_device():
    size = 4096
    mem = bytearray(size)
    arr = (ctypes.c_uint8 * size).from_buffer(mem)
    h = _lib.lib.udrv_test_fake_device(ctypes.addressof(arr), size)
    dev = udrv.Device._from_handle(h)
    bar = dev.bar(0)
    t.ok(bar.mapped and bar.address == ctypes.addressof(arr) and bar.size == size,
         f"fake BAR0 seen as mapped: {bar}")

    real = udrv.bar.lib

    class NoLib:
        def __getattr__(self, name):
            raise AssertionError(f"library call {name} on the fast path")
    udrv.bar.lib = NoLib()
    try:
        bar.write32(0x10, 0x11223344)
        bar.write64(0x18, 0x0102030405060708)
        bar.write16(0x22, 0xbeef)
        bar.write8(0x25, 0x7f)
        got = (bar.read32(0x10), bar.read64(0x18), bar.read16(0x22), bar.read8(0x25),
               bar.read32(size - 4))
        t.ok(got == (0x11223344, 0x0102030405060708, 0xbeef, 0x7f, 0) and
             mem[0x10:0x14] == b"\x44\x33\x22\x11" and mem[0x25] == 0x7f,
             "8/16/32/64-bit reads and writes through the mapping, no library call")
    except AssertionError as e:
        t.ok(False, str(e))
    finally:
        udrv.bar.lib = real
    mem[0x40:0x44] = b"\x78\x56\x34\x12"
    t.ok(bar._read(32, 0x40) == 0x12345678 and bar.read32(0x40) == 0x12345678,
         "the library's WDC_ReadAddr32 and the fast path read the same")
    t.ok(bar.read_block(0x10, 4) == b"\x44\x33\x22\x11", "read_block through the library")

    for what, fn, args, st, text in (
        ("read beyond the BAR", bar.read32, (size,), Status.WD_OUT_OF_RANGE,
         "offset 0x1000 + 4 is beyond BAR0 (4096 bytes)"),
        ("64-bit write across the end", bar.write64, (size - 4, 1), Status.WD_OUT_OF_RANGE,
         "beyond BAR0"),
        ("misaligned read", bar.read32, (2,), Status.WD_BAD_ALIGNMENT,
         "not aligned to the 4-byte access width"),
        ("misaligned 16-bit write", bar.write16, (1, 1), Status.WD_BAD_ALIGNMENT, "aligned"),
        ("an inactive BAR", dev.bar, (2,), Status.WD_INVALID_PARAMETER, "BAR2 is not active"),
    ):
        t.raises(udrv.WDError, st, what, fn, *args, contains=text)
    t.raises(ValueError, None, "a negative offset", bar.read32, -4)
    t.raises(ValueError, None, "a value too large", bar.write8, 0, 256)
    t.raises(TypeError, None, "a value that is no integer", bar.write32, 0, 1.5)

    view = bar.mem[0x10:0x20].cast("I")
    t.raises(BufferError, None, "close while a cast of .mem lives", dev.close,
             contains="still in use")
    t.ok(bar.read32(0x10) == 0x11223344 and view[0] == 0x11223344,
         "after the refused close the device and the view still work")
    mine = bar.mem
    view.release()
    dev.close()
    t.raises(ValueError, None, "bar.mem taken before close is released", mine.__getitem__, 0)
    t.raises(udrv.WDError, Status.WD_INVALID_HANDLE, "read after close", bar.read32, 0x10,
             contains="closed")
    t.raises(udrv.WDError, Status.WD_INVALID_HANDLE, "write after close", bar.write32, 0, 1)
    t.raises(udrv.WDError, Status.WD_INVALID_HANDLE, "config after close", dev.cfg.read8, 0)
    dev.close()
    t.ok(dev.handle is None, "a second close is harmless")
    del arr


def slots():
    s = udrv.Slot.parse("00:03.0")
    t.ok(s == (0, 0, 3, 0) and str(s) == "0000:00:03.0" and
         udrv.Slot.parse("0001:7f:1f.7") == (1, 0x7f, 0x1f, 7), f"Slot.parse: {s}")
    for bad in ("00:20.0", "0:3", "00:03.8", "xx:03.0", ""):
        t.raises(ValueError, None, f"Slot.parse({bad!r})", udrv.Slot.parse, bad)


def no_agent():
    if os.path.exists("/dev/udrv"):
        t.skip("scan without the agent: this machine has /dev/udrv")
        return
    t.raises(udrv.WDError, Status.WD_WINDRIVER_NOT_FOUND, "scan without the agent",
             udrv.scan, contains="/dev/udrv")
    t.raises(udrv.WDError, Status.WD_WINDRIVER_NOT_FOUND, "open without the agent",
             udrv.open, 0x1234, 0x11e8)


def wheel():
    sys.path.insert(0, os.path.join(os.path.dirname(HERE), "backend"))
    import udrv_build
    with tempfile.TemporaryDirectory() as d:
        name = udrv_build.build_wheel(d)
        with zipfile.ZipFile(os.path.join(d, name)) as z:
            names = set(z.namelist())
            meta = z.read("udrv-0.1.0.dist-info/METADATA").decode()
            ok = True
            for line in z.read("udrv-0.1.0.dist-info/RECORD").decode().split():
                path, digest, _ = line.split(",")
                if digest:
                    h = base64.urlsafe_b64encode(hashlib.sha256(z.read(path)).digest())
                    ok &= digest == "sha256=" + h.rstrip(b"=").decode()
        pkg = {f"udrv/{f}" for f in os.listdir(os.path.join(os.path.dirname(HERE), "udrv"))
               if f.endswith(".py")}
        t.ok(name == "udrv-0.1.0-py3-none-any.whl" and pkg <= names and
             "Version: 0.1.0" in meta and ok,
             f"build backend: {name} with the {len(pkg)} modules, RECORD hashes right")


class FakeHandles:
    """The library, but with the handles the fake agent answers to (a fake
    device has neither a /dev/udrv descriptor nor a card)."""

    def __init__(self, real):
        self._real = real

    def __getattr__(self, name):
        return getattr(self._real, name)

    def WDC_GetWDHandle(self):
        return fake_agent.HWD

    def WDC_GetCardHandle(self, handle):
        return fake_agent.HCARD


def with_fake_agent(c, what, fn):
    """fn(dev, agent) on a fake device whose ioctls go to a FakeAgent."""
    mem = (ctypes.c_uint8 * 4096)()
    dev = udrv.Device._from_handle(_lib.lib.udrv_test_fake_device(ctypes.addressof(mem), 4096))
    mods = (udrv.interrupt, udrv.transfer)
    real = [m.lib for m in mods]
    for m in mods:
        m.lib = FakeHandles(m.lib)
    try:
        with fake_agent.FakeAgent(c) as agent:
            t.guard(what, fn, dev, agent)
            dev.close()
    finally:
        for m, r in zip(mods, real):
            m.lib = r


def transfer_lists(dev, agent):
    R, W = udrv.read_cmd, udrv.write_cmd
    n = len(agent.calls)
    t.raises(TypeError, None, "transfer_list: a command that is no Cmd",
             dev.transfer_list, [R(0, 0), (0x112, 0, 0, 0, 0)], contains="command 1")
    t.raises(ValueError, None, "transfer_list: a write value too wide for 16 bits",
             dev.transfer_list, [W(0, 4, 0x10000, 16)], contains="16 bits")
    t.ok(len(agent.calls) == n, f"neither reached the agent ({agent.calls[n:]})")
    t.raises(udrv.WDError, Status.WD_INVALID_PARAMETER, "an empty list: the library refuses",
             dev.transfer_list, [], contains="0 commands")
    agent.regs[0, 0] = 0x010000ed
    cmds = [R(0, 0), W(0, 4, 0x12345678), R(0, 4), W(0, 8, 0xab, 8), R(0, 8, 8), R(0, 16, 64)]
    with dev.transfer_list(cmds) as xl:
        t.ok(agent.calls[-1] == "UDRV_IOC_XLIST_PREPARE" and xl.prepared and len(xl) == 6
             and list(agent.lists.values())[0][1] == [(c.cmd, c.bar, c.addr) for c in cmds],
             f"prepared: the 6 commands reached the agent: {xl}")
        agent.regs[0, 16] = 0x0102030405060708
        v = xl.run()
        t.ok(v == (0x010000ed, None, 0x12345678, None, 0xab, 0x0102030405060708),
             f"run(): the values read, None for the writes: {v}")
        v = xl.run([0xdeadbeef, 0x5a])
        t.ok(v[2] == 0xdeadbeef and v[4] == 0x5a and agent.regs[0, 4] == 0xdeadbeef,
             f"run(values): the writes store the new values: {v}")
        v = xl.run()
        t.ok(agent.regs[0, 4] == 0xdeadbeef and v[2] == 0xdeadbeef,
             "run() again keeps the last values given")
        runs = agent.calls.count("UDRV_IOC_XLIST_RUN")
        t.raises(ValueError, None, "run(values): one value for two writes", xl.run, [1],
                 contains="1 values for 2 write commands")
        t.raises(ValueError, None, "run(values): too wide for 8 bits", xl.run, [1, 256],
                 contains="8 bits")
        t.raises(TypeError, None, "run(values): not an integer", xl.run, ["x", 1])
        t.ok(agent.calls.count("UDRV_IOC_XLIST_RUN") == runs,
             "none of the refused runs reached the agent")
        stale = _lib.WD_TRANSFER_LIST.from_buffer_copy(xl._c)
    t.ok(agent.calls[-1] == "UDRV_IOC_XLIST_FREE" and not agent.lists and not xl.prepared,
         "the end of the with block frees the list in the agent")
    t.raises(udrv.WDError, Status.WD_INVALID_HANDLE, "run() after free", xl.run,
             contains="freed")
    st = _lib.lib.WD_MultiTransferRun(fake_agent.HWD, ctypes.byref(stale), xl._cmds)
    t.ok(st == Status.WD_INVALID_HANDLE and agent.calls[-1] == "UDRV_IOC_XLIST_RUN" and
         "not prepared" in udrv.errors.error(st, "").message,
         f"a copy of the freed list: the library's error: {udrv.errors.error(st, '')}")
    n = len(agent.calls)
    xl.close()
    t.ok(len(agent.calls) == n, "a second close does not free again")
    xl2 = dev.transfer_list([R(0, 0)])
    dev.close()
    t.ok(agent.calls[-1] == "UDRV_IOC_XLIST_FREE" and not xl2.prepared,
         "the device's close frees the lists still prepared")


def status_fd(dev, agent):
    n = len(agent.calls)
    with dev.interrupts(udrv.MSI) as irq:
        fd = irq.status_fd()
        t.ok(fd == agent.fds[0] and irq.status_fd() == fd and
             agent.calls[n:] == ["UDRV_IOC_INT_ENABLE", "UDRV_IOC_INT_FD"],
             f"status_fd(): WD_IntStatusFd once, the same descriptor after ({fd})")
        agent.post(count=3, lost=1, vectors=1)
        s = irq.wait_fd()
        t.ok((s.count, s.lost, s.stopped, s.vectors) == (3, 1, 0, 1),
             f"wait_fd(): what the read returned: {s}")
        agent.post(count=4)
        s = irq.wait_fd(timeout=10)
        t.ok(s.count == 4, f"wait_fd(10) with an interrupt there: count {s.count}")
        t.raises(udrv.WDTimeout, Status.WD_TIME_OUT, "wait_fd(0.05) with nothing there",
                 irq.wait_fd, 0.05)
        agent.post(count=4, stopped=1)
        s = irq.wait_fd()
        t.ok(s.stopped == 1 and s.count == 4, f"a stopped status is returned as such: {s}")
    t.ok(agent.calls[-1] == "UDRV_IOC_INT_DISABLE" and not fd_open(fd),
         "the end of the with block disables and closes the descriptor")
    t.raises(udrv.WDError, Status.WD_INTERRUPT_NOT_ENABLED, "status_fd() after close",
             irq.status_fd)
    # (a timeout: were the descriptor still there, the read would block)
    t.raises(udrv.WDError, Status.WD_INTERRUPT_NOT_ENABLED, "wait_fd() after close",
             irq.wait_fd, 5)

    # A close while another thread waits on the descriptor leaves it open
    # for that thread's read, which the agent ends with `stopped` set.
    irq = dev.interrupts()
    got = []
    th = threading.Thread(target=lambda: got.append(irq.wait_fd()), daemon=True)
    th.start()
    deadline = time.monotonic() + 30
    while not irq._sfd_users and th.is_alive() and time.monotonic() < deadline:
        time.sleep(0.001)
    fd = agent.fds[-1]
    irq.close()
    still = fd_open(fd)
    agent.post(count=0, stopped=1, vectors=0)
    th.join(30)
    t.ok(still and got and got[0].stopped == 1 and not fd_open(fd),
         f"close() during wait_fd() in a thread: the descriptor stays open for its read "
         f"({still}), which returns {got[0] if got else 'nothing'}, then is closed")
    irq2 = dev.interrupts()
    fd = irq2.status_fd()
    dev.close()
    t.ok(not fd_open(fd) and agent.calls[-1] == "UDRV_IOC_INT_DISABLE",
         "the device's close disables and closes the descriptor")


def main():
    c = layout(sys.argv[1])
    statuses()
    fake_device()
    with_fake_agent(c, "transfer lists", transfer_lists)
    with_fake_agent(c, "status descriptor", status_fd)
    slots()
    no_agent()
    wheel()
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
