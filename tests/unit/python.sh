#!/bin/bash
# python: the Python binding's host test (python/tests/test_host.py):
# its ctypes mirror of wd.h against the C compiler, register access on a
# fake device, its errors, its build backend.  Debian's python3 (or
# $PYTHON), libudrv from this tree with its test hooks (the installed
# libudrv.so exports only the public API).
set -u
cd "$(dirname "$0")/../.." || exit 1
py=${PYTHON:-/usr/bin/python3}
if [ ! -x "$py" ]; then
	echo "1..1"
	echo "not ok 1 - python: no $py (apt-get install python3)"
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! ${MAKE:-make} -s build/tests/lib/libudrv_hooks.so >"$tmp/make.log" 2>&1 ||
	! ${CC:-cc} -std=c11 -Wall -Wextra -Werror -Iinclude -Iinclude/uapi \
		-o "$tmp/layout" python/tests/layout.c 2>>"$tmp/make.log"; then
	echo "1..1"
	echo "not ok 1 - python: building libudrv_hooks.so or the layout program failed"
	sed 's/^/# /' "$tmp/make.log"
	exit 1
fi
UDRV_LIBRARY=$PWD/build/tests/lib/libudrv_hooks.so PYTHONDONTWRITEBYTECODE=1 \
	exec "$py" python/tests/test_host.py "$tmp/layout"
