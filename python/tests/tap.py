# SPDX-License-Identifier: MIT
"""TAP lines in the format of tests/vm/common/tap.c: "ok N - PROG: what",
"not ok N - ...", "ok N - ... # SKIP", then "1..N"."""

import os
import sys
import traceback


def fd_open(fd):
    """True while fd is an open descriptor (the tests check who closes it)."""
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


class Tap:
    def __init__(self, prog):
        self.prog = prog
        self.n = 0
        self.failed = 0
        sys.stdout.reconfigure(line_buffering=True)

    def ok(self, cond, what):
        self.n += 1
        print(f"{'ok' if cond else 'not ok'} {self.n} - {self.prog}: {what}")
        if not cond:
            self.failed += 1
        return bool(cond)

    def skip(self, what):
        self.n += 1
        print(f"ok {self.n} - {self.prog}: {what} # SKIP")

    def diag(self, text):
        for line in str(text).splitlines():
            print(f"# {self.prog}: {line}")

    def raises(self, exc, status, what, fn, *args, contains=None, **kwargs):
        """fn(*args, **kwargs) raises exc (with .status == status if given, and
        `contains` in its text if given)."""
        try:
            fn(*args, **kwargs)
        except exc as e:
            good = (status is None or getattr(e, "status", None) == status) and \
                   (contains is None or contains in str(e))
            if not good:
                self.diag(f"  raised {type(e).__name__}: {e}")
            return self.ok(good, f"{what}: {e}")
        except Exception as e:  # noqa: BLE001 - reported as the failure
            self.diag(traceback.format_exc())
            return self.ok(False, f"{what}: raised {type(e).__name__}: {e}, want {exc.__name__}")
        return self.ok(False, f"{what}: nothing raised, want {exc.__name__}")

    def guard(self, what, fn, *args):
        """Runs a group of checks; an exception out of it is one failure."""
        try:
            fn(*args)
        except Exception as e:  # noqa: BLE001 - reported as the failure
            self.diag(traceback.format_exc())
            self.ok(False, f"{what}: unexpected {type(e).__name__}: {e}")

    def done(self):
        print(f"1..{self.n}")
        return 1 if self.failed else 0
