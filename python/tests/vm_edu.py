#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The udrv Python binding against QEMU's edu device, in the VM
(tests/vm/t_python.sh runs it; vm/run --python gives the guest Python):
registers through the mapping, config space, interrupts (MSI and INTx
with IRQ-time commands; wait() and the status descriptor's wait_fd()),
prepared transfer lists, a DMA round trip through edu's engine, the edu
Kernel PlugIn in the kernel and in user mode, and the errors.  TAP."""

import ctypes
import os
import select
import struct
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap, fd_open  # noqa: E402

import udrv  # noqa: E402
from udrv import Status  # noqa: E402

EDU = (0x1234, 0x11e8)
ID, LIVENESS, STATUS = 0x00, 0x04, 0x20
IRQ_STATUS, IRQ_RAISE, IRQ_ACK = 0x24, 0x60, 0x64
DMA_SRC, DMA_DST, DMA_COUNT, DMA_CMD = 0x80, 0x88, 0x90, 0x98
DMA_START, DMA_TO_RAM = 0x1, 0x2
WINDOW, CHUNK = 0x40000, 2048     # edu's buffer; QEMU 7.2: never up to 0x41000
KO, SO = "/lib/udrv/edu_kp.ko", "/lib/udrv/edu_kp.so"

t = Tap("python_edu")


def bound_edus():
    return [f.slot for f in udrv.scan(*EDU) if udrv.card_info(f.slot).bound]


def registers(dev):
    bar = dev.bar(0)
    t.ok(bar.mapped and bar.address and bar.size == 1 << 20 and len(bar.mem) == bar.size,
         f"BAR0 mapped by the library: {bar}")
    # No library call on the fast path: count the calls that fall through.
    slow = []
    real_read, real_write = bar._read, bar._write
    bar._read = lambda *a: slow.append(a) or real_read(*a)
    bar._write = lambda *a: slow.append(a) or real_write(*a)
    try:
        ident = bar.read32(ID)
        t.ok(ident == 0x010000ed, f"ID 0x{ident:08x} through the mapping (edu answers "
                                  f"only 32-bit loads there: one load)")
        good = 0
        for x in (0x12345678, 0xdeadbeef, 0, 0xffffffff):
            bar.write32(LIVENESS, x)
            good += bar.read32(LIVENESS) == x ^ 0xffffffff
        t.ok(good == 4, f"liveness register: 4 writes read back complemented ({good})")
        bar.write64(DMA_SRC, 0x123456789abc)
        v = bar.read64(DMA_SRC)
        t.ok(v == 0x123456789abc, f"64-bit DMA source register written and read: 0x{v:x}")
        t.ok(not slow, f"none of these went through the library's calls ({len(slow)} did)")
    finally:
        bar._read, bar._write = real_read, real_write
    v = bar._read(32, ID)
    t.ok(v == 0x010000ed, f"the same ID through WDC_ReadAddr32: 0x{v:08x}")
    t.ok(bar.mem.cast("I")[0] == 0x010000ed, "and through bar.mem.cast('I')[0]")


def config(dev):
    cfg = dev.cfg
    vid, did = cfg.read16(0), cfg.read16(2)
    t.ok((vid, did) == EDU, f"config vendor:device {vid:04x}:{did:04x}")
    t.ok(cfg.read32(0) == 0x11e81234 and cfg.read(0, 4) == b"\x34\x12\xe8\x11",
         "config read32 and read(0, 4) agree")
    by_slot = udrv.read_cfg(dev.slot, 0, 4)
    t.ok(by_slot == b"\x34\x12\xe8\x11", f"read_cfg by slot {dev.slot}: {by_slot.hex()}")
    line = cfg.read8(0x3c)
    cfg.write8(0x3c, line ^ 0x5a)
    back = cfg.read8(0x3c)
    cfg.write8(0x3c, line)
    t.ok(back == line ^ 0x5a and cfg.read8(0x3c) == line,
         f"config write8 of the interrupt line register: 0x{back:02x}, restored")
    t.raises(udrv.WDError, Status.WD_ACCESS_DENIED, "config write to BAR0 refused",
             cfg.write32, 0x10, 0)
    info = dev.info
    t.ok(info.bars[0].index == 0 and info.bars[0].type == "mem" and
         info.bars[0].length == 1 << 20 and info.bound and info.cfg_size in (256, 4096),
         f"card info: {info.bars[0]}, irq {info.irq}")


def quiet(bar):
    bar.write32(STATUS, 0)
    bar.write32(IRQ_ACK, 0xffffffff)


def interrupts(dev):
    bar = dev.bar(0)
    quiet(bar)
    with dev.interrupts(udrv.MSI) as irq:
        t.ok(irq.type == "msi" and irq.enabled, f"MSI enabled ({irq.type})")
        bar.write32(IRQ_RAISE, 0x8000)
        s = irq.wait(timeout=10)
        cause = bar.read32(IRQ_STATUS)
        bar.write32(IRQ_ACK, cause)
        t.ok(s.count == 1 and s.lost == 0 and cause == 0x8000,
             f"raise 0x8000: wait() returns count {s.count}, lost {s.lost}, status 0x{cause:x}")
        it = irq.events(timeout=10)
        counts = []
        for _ in range(3):
            bar.write32(IRQ_RAISE, 0x8000)
            counts.append(next(it).count)
            bar.write32(IRQ_ACK, 0x8000)
        t.ok(counts == [2, 3, 4], f"the iterator: one wake-up per raise, counts {counts}")
        t.raises(udrv.WDTimeout, Status.WD_TIME_OUT, "nothing raised: wait(0.1) times out",
                 irq.wait, 0.1)
        t.ok(issubclass(udrv.WDTimeout, TimeoutError), "WDTimeout is a TimeoutError")
    t.ok(not irq.enabled, "interrupts disabled at the end of the with block")
    t.raises(udrv.WDError, Status.WD_INTERRUPT_NOT_ENABLED, "wait() after disable",
             irq.wait, 1)
    t.ok(list(irq.events()) == [], "the iterator of disabled interrupts ends at once")

    cmds = [udrv.read_cmd(0, IRQ_STATUS), udrv.mask_cmd(0xffffffff),
            udrv.write_cmd(0, IRQ_ACK, 0xffffffff)]
    with dev.interrupts(udrv.INTX, cmds, copy=True) as irq:
        t.ok(irq.type == "intx", f"INTx with 3 IRQ-time commands enabled ({irq.type})")
        bar.write32(IRQ_RAISE, 0x4000)
        s = irq.wait(timeout=10)
        pending = bar.read32(IRQ_STATUS)
        t.ok(s.count == 1 and s.values[0] == 0x4000 and s.values[1:] == (None, None),
             f"raise 0x4000: status read at IRQ time {s.values}, count {s.count}")
        t.ok(pending == 0, f"acknowledged in the kernel: status now 0x{pending:x}")
    quiet(bar)


def ready(fd):
    """The status descriptor is readable (an interrupt is there): a
    guard, so that a lost interrupt fails the test instead of hanging it."""
    return bool(select.select([fd], [], [], 10)[0])


def status_descriptor(dev):
    bar = dev.bar(0)
    quiet(bar)
    with dev.interrupts(udrv.MSI) as irq:
        bar.write32(IRQ_RAISE, 1)
        s1 = irq.wait(timeout=10)
        bar.write32(IRQ_ACK, 1)
        fd = irq.status_fd()
        t.ok(fd >= 0 and irq.status_fd() == fd and not ready_now(fd),
             f"status_fd(): descriptor {fd}, the same on a second call, not readable "
             f"with nothing raised")
        bar.write32(IRQ_RAISE, 1)
        if t.ok(ready(fd), "raise 1: the status descriptor becomes readable"):
            s2 = irq.wait_fd()
            bar.write32(IRQ_ACK, 1)
            t.ok(s2.count == s1.count + 1 and s2.lost == 0 and not s2.stopped and
                 s2.vectors == 1 and s2.enabled_type == s1.enabled_type,
                 f"wait_fd() after wait(): count {s1.count} then {s2.count}, lost "
                 f"{s2.lost}, stopped {s2.stopped}, vectors {s2.vectors}")
        t.raises(udrv.WDTimeout, Status.WD_TIME_OUT,
                 "wait() after wait_fd() took the interrupt: the same cursor, times out",
                 irq.wait, 0.1)
        bar.write32(IRQ_RAISE, 1)
        s3 = irq.wait(timeout=10)
        bar.write32(IRQ_ACK, 1)
        t.raises(udrv.WDTimeout, Status.WD_TIME_OUT,
                 f"wait() took interrupt {s3.count}: wait_fd(0.1) times out", irq.wait_fd, 0.1)

        # Interrupts disabled while a thread waits on the descriptor.
        got = []
        th = threading.Thread(target=lambda: got.append(irq.wait_fd()), daemon=True)
        th.start()
        deadline = time.monotonic() + 30
        while not irq._sfd_users and th.is_alive() and time.monotonic() < deadline:
            time.sleep(0.001)
        irq.close()
        th.join(30)
        t.ok(got and got[0].stopped == 1 and got[0].count == s3.count,
             f"close() while a thread is in wait_fd(): it returns stopped "
             f"{got[0].stopped if got else '(nothing)'}, count "
             f"{got[0].count if got else '-'}")
    t.ok(not fd_open(fd), f"descriptor {fd} closed with the interrupts")
    t.raises(udrv.WDError, Status.WD_INTERRUPT_NOT_ENABLED, "wait_fd() after disable",
             irq.wait_fd, 1)

    cmds = [udrv.read_cmd(0, IRQ_STATUS), udrv.mask_cmd(0xffffffff),
            udrv.write_cmd(0, IRQ_ACK, 0xffffffff)]
    with dev.interrupts(udrv.INTX, cmds, copy=True) as irq:
        fd = irq.status_fd()
        bar.write32(IRQ_RAISE, 0x4000)
        if t.ok(ready(fd), "INTx, raise 0x4000: the status descriptor becomes readable"):
            s = irq.wait_fd()
            t.ok(s.count == 1 and s.values == (0x4000, None, None),
                 f"wait_fd(): the status read at IRQ time {s.values}, count {s.count}")
    quiet(bar)


def ready_now(fd):
    return bool(select.select([fd], [], [], 0)[0])


def transfer_lists(dev):
    R, W = udrv.read_cmd, udrv.write_cmd
    with dev.transfer_list([R(0, ID)] * 4) as xl:
        v = xl.run()
        t.ok(v == (0x010000ed,) * 4, f"a prepared list of 4 reads of the ID: "
                                     f"{' '.join(f'0x{x:08x}' for x in v)}")
        t.ok(xl.run() == v, "run again: the same")
    good = 0
    with dev.transfer_list([W(0, LIVENESS, 0x12345678), R(0, LIVENESS), R(0, ID)]) as xl:
        v = xl.run()
        t.ok(v == (None, 0x12345678 ^ 0xffffffff, 0x010000ed),
             f"write 0x12345678 to liveness, read it back, read the ID: {v}")
        for x in (0xdeadbeef, 0, 0xffffffff, 0x0badf00d):
            v = xl.run([x])
            good += v[1] == x ^ 0xffffffff and v[2] == 0x010000ed
        stale = udrv._lib.WD_TRANSFER_LIST.from_buffer_copy(xl._c)
    t.ok(good == 4, f"run(values): 4 new values written, each read back complemented ({good})")
    t.ok(dev.bar(0).read32(LIVENESS) == 0x0badf00d ^ 0xffffffff,
         "the last value run wrote is in the register")
    t.raises(udrv.WDError, Status.WD_INVALID_HANDLE, "run() of a freed list", xl.run,
             contains="freed")
    lib = udrv._lib.lib
    st = lib.WD_MultiTransferRun(lib.WDC_GetWDHandle(), ctypes.byref(stale), xl._cmds)
    e = udrv.errors.error(st, "WD_MultiTransferRun")
    t.ok(st == Status.WD_INVALID_HANDLE and "not prepared" in e.message,
         f"a copy of the freed list, run by the library: refused by the agent: {e}")
    t.raises(udrv.WDError, None, "a read beyond BAR0: refused at prepare",
             dev.transfer_list, [R(0, ID), R(0, 1 << 20)], contains="command 1 of 2")
    t.raises(udrv.WDError, Status.WD_INVALID_PARAMETER, "an empty list",
             dev.transfer_list, [])


def edu_dma(bar, src, dst, n, to_ram):
    udrv.barrier()
    bar.write64(DMA_SRC, src)
    bar.write64(DMA_DST, dst)
    bar.write64(DMA_COUNT, n)
    bar.write32(DMA_CMD, DMA_START | (DMA_TO_RAM if to_ram else 0))
    deadline = time.monotonic() + 10   # edu takes ~100 ms; a busy host more
    while bar.read32(DMA_CMD) & DMA_START:
        if time.monotonic() > deadline:
            raise RuntimeError("edu's DMA did not finish in 10 s")
        time.sleep(0.001)
    udrv.barrier()


def pieces(pages, n):
    """(bus address, length) of the first n bytes, at most CHUNK each."""
    for p in pages:
        for off in range(0, p.length, CHUNK):
            if n <= 0:
                return
            k = min(CHUNK, p.length - off, n)
            yield p.bus_addr + off, k
            n -= k


def move(bar, a, b, n):
    """n bytes from buffer a to buffer b through edu's window, in chunks
    that lie within one page-list entry of each (as examples/edu/edu_dma.c)."""
    src, dst = list(pieces(a.pages, n)), list(pieces(b.pages, n))
    while src:
        (sa, sl), (da, dl) = src.pop(0), dst.pop(0)
        k = min(sl, dl)
        edu_dma(bar, sa, WINDOW, k, False)
        edu_dma(bar, WINDOW, da, k, True)
        if sl > k:
            src.insert(0, (sa + k, sl - k))
        if dl > k:
            dst.insert(0, (da + k, dl - k))


def round_trip(bar, a, b, n):
    pattern = bytes((i * 7 + 3) & 0xff for i in range(n))
    a.mem[:n] = pattern
    b.mem[:n] = bytes(n)
    a.sync_io(0, n)
    b.sync_io(0, n)
    move(bar, a, b, n)
    b.sync_cpu(0, n)
    return bytes(b.mem[:n]) == pattern


def dma(dev):
    bar = dev.bar(0)
    dev.dma_set_mask(28)
    a = dev.dma_contig(4096, udrv.TO_DEVICE)
    b = dev.dma_contig(4096, udrv.FROM_DEVICE)
    t.ok(len(a.pages) == 1 and a.bus_addr + 4096 <= 1 << 28 and b.bus_addr + 4096 <= 1 << 28
         and a.handle and len(a.mem) == 4096,
         f"two contiguous buffers below the 28-bit mask: {a}, {b}")
    t.ok(round_trip(bar, a, b, 4096), "4096 bytes RAM -> edu -> RAM through memoryviews: equal")
    view = a.mem[100:200]
    t.raises(BufferError, None, "unlocking while a slice of .mem lives is refused", a.close)
    t.ok(a.mem[100] == view[0], "and the buffer still works")
    view.release()
    a.close()
    mem = b.mem
    b.close()
    t.raises(ValueError, None, "the buffer's own view after unlock: released", mem.__getitem__, 0)
    t.raises(udrv.WDError, Status.WD_INVALID_HANDLE, "sync of an unlocked buffer", b.sync_cpu)


def dma_sg(slot):
    # The third edu of the main boot has a 64-bit DMA mask: the guest's
    # own pages are reachable wherever they are.
    with udrv.open(slot=slot) as dev:
        dev.dma_set_mask(64)
        bufs = [bytearray(8192), bytearray(8192)]
        a = dev.dma_sg(bufs[0], udrv.TO_DEVICE)
        b = dev.dma_sg(bufs[1], udrv.FROM_DEVICE)
        t.ok(sum(p.length for p in a.pages) == 8192, f"scatter-gather: a bytearray, {a.pages}")
        t.raises(BufferError, None, "a locked bytearray cannot be resized", bufs[0].extend, b"x")
        ok = round_trip(dev.bar(0), a, b, 8192)
        t.ok(ok and bufs[1] == bufs[0],
             "8192 bytes bytearray -> edu -> bytearray, following the page lists: "
             "equal, seen in the bytearray itself")


def kernel_plugin(dev):
    loaded = False
    if "edu_kp " not in open("/proc/modules").read():
        subprocess.run(["insmod", KO], check=True)
        loaded = True
    try:
        kp_checks(dev, "in the kernel")
    finally:
        if loaded:
            subprocess.run(["rmmod", "edu_kp"], check=True)
    t.raises(udrv.WDError, Status.WD_KERPLUG_FAILURE, "a KP not loaded",
             dev.kernel_plugin, "no_such_kp", contains="not loaded")
    if os.path.exists(SO):
        udrv.use_user_mode("edu_kp", SO)
        kp_checks(dev, "in user mode (the same KP source, in this process)")
    else:
        t.skip(f"no {SO}")


def kp_checks(dev, where):
    with dev.kernel_plugin("edu_kp", struct.pack("<I", 1)) as kp:
        v = bytearray(32)
        r = kp.call(1, v)
        ver, text = struct.unpack_from("<I", v)[0], bytes(v[4:]).split(b"\0")[0]
        t.ok(r == 0 and ver == 1 and text.startswith(b"edu_kp"),
             f"KP {where}: version message: result {r}, layout {ver}, {text!r}")
        reg = bytearray(struct.pack("<II", LIVENESS, 0x12345678))
        r1 = kp.call(3, reg)
        reg = bytearray(struct.pack("<II", LIVENESS, 0))
        r2 = kp.call(2, reg)
        val = struct.unpack("<II", reg)[1]
        t.ok(r1 == 0 and r2 == 0 and val == 0x12345678 ^ 0xffffffff,
             f"KP {where}: register write then read: 0x{val:08x}")
        f = bytearray(struct.pack("<II", 12, 0))
        r = kp.call(4, f)
        t.ok(r == 0 and struct.unpack("<II", f)[1] == 479001600,
             f"KP {where}: 12! computed by the device: {struct.unpack('<II', f)[1]}")
        t.ok(kp.call(999) == 2, f"KP {where}: an unknown message: the KP's result 2")
        t.raises(TypeError, None, "call data must be writable", kp.call, 1, b"abc")


def errors(dev):
    bar = dev.bar(0)
    t.raises(udrv.WDError, Status.WD_OUT_OF_RANGE, "read beyond BAR0",
             bar.read32, 1 << 20, contains="beyond BAR0")
    t.raises(udrv.WDError, Status.WD_BAD_ALIGNMENT, "misaligned 32-bit read",
             bar.read32, 2, contains="aligned")
    t.raises(ValueError, None, "a value too large for write32", bar.write32, LIVENESS, 1 << 32)
    t.raises(udrv.WDError, Status.WD_INVALID_PARAMETER, "an inactive BAR", dev.bar, 1)
    t.raises(udrv.WDError, Status.WD_RESOURCE_OVERLAP, "a second open of the same edu",
             udrv.open, slot=dev.slot, contains="already owned")
    t.raises(udrv.WDError, Status.WD_NO_DEVICE_OBJECT, "the host bridge, not bound",
             udrv.open, slot="00:00.0", contains="udrvctl bind")
    t.raises(udrv.WDError, None, "a slot where there is no device",
             udrv.open, slot="0000:3f:1f.7")
    t.raises(udrv.WDError, Status.WD_DEVICE_NOT_FOUND, "no such vendor:device",
             udrv.open, 0x1234, 0x0bad)
    t.raises(ValueError, None, "a malformed slot", udrv.Slot.parse, "00:3z.0")
    e = udrv.WDError(Status.WD_OUT_OF_RANGE, "m", "f")
    t.ok(e.status == 19 and e.message == "m" and e.call == "f" and isinstance(e, OSError),
         f"WDError carries status, message and call: {e}")


def closed():
    slot = bound_edus()[0]
    dev = udrv.open(slot=slot)
    bar = dev.bar(0)
    view = bar.mem[0:16]
    t.raises(BufferError, None, "closing while a slice of BAR0's view lives is refused",
             dev.close)
    t.ok(bar.read32(ID) == 0x010000ed, "and the device still works")
    del view
    dev.close()
    t.raises(udrv.WDError, Status.WD_INVALID_HANDLE, "a read after close",
             bar.read32, ID, contains="closed")
    t.raises(udrv.WDError, Status.WD_INVALID_HANDLE, "a config read after close",
             dev.cfg.read16, 0)
    dev2 = udrv.open(slot=slot)
    t.ok(dev2.bar(0).read32(ID) == 0x010000ed, "open again after close")
    dev2.close()


def main():
    edus = bound_edus()
    if not t.ok(edus, f"bound edu devices: {', '.join(map(str, edus))}"):
        return t.done()
    with udrv.open(*EDU) as dev:
        t.ok(dev.slot == edus[0] or dev.slot in edus, f"udrv.open(0x1234, 0x11e8): {dev}")
        for name, fn in (("registers", registers), ("config", config),
                         ("interrupts", interrupts),
                         ("status descriptor", status_descriptor),
                         ("transfer lists", transfer_lists), ("dma", dma),
                         ("errors", errors)):
            t.guard(name, fn, dev)
        if os.path.exists(KO):
            t.guard("kernel plugin", kernel_plugin, dev)
        else:
            t.skip(f"Kernel PlugIn: no {KO} in this guest")
    sg = udrv.Slot.parse("00:09.0")
    if sg in edus:
        t.guard("dma sg", dma_sg, sg)
    else:
        t.skip("scatter-gather: no edu with a 64-bit DMA mask at 00:09.0 in this guest")
    t.guard("close", closed)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
