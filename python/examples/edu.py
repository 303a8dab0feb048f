#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""edu.py - examples/edu/edu_demo.c in Python: a user-mode driver for
QEMU's educational PCI device (-device edu).  It finds the device, checks
its identification and liveness registers and lets it compute a few
factorials, polling the status register.  Exit status 0 only if every
check passed.

Run where edu is bound to udrv:  udrvctl bind 00:03.0; python3 edu.py"""

import sys
import time

import udrv

EDU_VENDOR, EDU_DEVICE, EDU_BAR = 0x1234, 0x11e8, 0

# BAR0 registers; below 0x80 edu answers 32-bit accesses only.
EDU_ID = 0x00           # 0xRRrr00ed: major, minor version
EDU_LIVENESS = 0x04     # reads back the complement
EDU_FACTORIAL = 0x08    # write n, read n! (32-bit wrapping)
EDU_STATUS = 0x20
EDU_STATUS_COMPUTING = 0x01

POLL_TIMEOUT = 10.0     # s; edu computes in a QEMU thread a busy host may not run

checks = failures = 0


def report(ok, line):
    global checks, failures
    print(f"  {line:<52} {'ok' if ok else 'FAILED'}")
    checks += 1
    failures += not ok


def wait_idle(bar):
    """The status once the device is not computing; None on timeout."""
    deadline, polls = time.monotonic() + POLL_TIMEOUT, 0
    while True:
        status = bar.read32(EDU_STATUS)
        if not status & EDU_STATUS_COMPUTING:
            return status
        polls += 1
        if polls >= 100000 and time.monotonic() > deadline:
            return None


def check_id(bar):
    ident = bar.read32(EDU_ID)
    report(ident == 0x010000ed,
           f"id 0x{ident:08x}: edu version {ident >> 24}.{(ident >> 16) & 0xff}")


def check_liveness(bar, x):
    bar.write32(EDU_LIVENESS, x)
    v = bar.read32(EDU_LIVENESS)
    want = x ^ 0xffffffff
    report(v == want, f"liveness 0x{x:08x} -> 0x{v:08x} (want 0x{want:08x})")


def check_factorial(bar, n):
    want = 1
    for i in range(2, n + 1):
        want = want * i & 0xffffffff    # wraps like the device
    if wait_idle(bar) is None:
        report(False, f"{n}!: still computing after {POLL_TIMEOUT:.0f} s")
        return
    bar.write32(EDU_FACTORIAL, n)
    if wait_idle(bar) is None:
        report(False, f"{n}!: still computing after {POLL_TIMEOUT:.0f} s")
        return
    got = bar.read32(EDU_FACTORIAL)
    report(got == want, f"{n}! = {got} (want {want})")


def run(bar):
    bar.write32(EDU_STATUS, 0)  # no interrupt when a factorial is done: we poll
    check_id(bar)
    for x in (0x12345678, 0xdeadbeef, 0):
        check_liveness(bar, x)
    for n in (0, 5, 12, 13):
        check_factorial(bar, n)
    if failures:
        print(f"edu.py: {failures} of {checks} checks FAILED")
        return 1
    print(f"edu.py: all {checks} checks passed")
    return 0


def main():
    try:
        dev = udrv.open(EDU_VENDOR, EDU_DEVICE)
    except udrv.WDError as e:
        # e.g. "WD_NO_DEVICE_OBJECT: WDC_PciDeviceOpen: device 0000:00:03.0
        # is not bound to udrv: run udrvctl bind 0000:00:03.0"
        print(f"edu.py: {e}", file=sys.stderr)
        return 1
    with dev:
        bar = dev.bar(EDU_BAR)
        print(f"edu.py: edu {EDU_VENDOR:04x}:{EDU_DEVICE:04x} at {dev.slot}, BAR0 "
              f"{bar.size >> 10} KiB, "
              f"{'mapped (no syscall per access)' if bar.mapped else 'through transfers'}")
        try:
            return run(bar)
        except udrv.WDError as e:
            print(f"edu.py: {e}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
