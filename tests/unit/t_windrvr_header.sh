#!/bin/bash
# t_windrvr_header: the WinDriver porting layer builds on its own, in strict
# C11 (-pedantic-errors: the argument-counting WDC_DriverOpen macro must be
# standard C) and in C++, with both forms of WDC_DriverOpen in one file.
set -u
cd "$(dirname "$0")/../.." || exit 1
src='#include <udrv/windrvr.h>
int f(void);
int f(void)
{
	return (int)WDC_DriverOpen() +
	       (int)WDC_DriverOpen(WDC_DRV_OPEN_DEFAULT, "licence");
}'
echo "1..2"
if out=$(${CC:-cc} -std=c11 -pedantic-errors -Wall -Wextra -Werror \
	-Iinclude -Iinclude/uapi -fsyntax-only -x c - <<<"$src" 2>&1); then
	echo "ok 1 - windrvr.h alone, C11 -pedantic-errors, both WDC_DriverOpen forms"
else
	echo "not ok 1 - windrvr.h alone in strict C11:"
	sed 's/^/# /' <<<"$out"
fi
if ! command -v "${CXX:-c++}" >/dev/null; then
	echo "not ok 2 - no C++ compiler (${CXX:-c++}) to check windrvr.h in C++"
elif out=$(${CXX:-c++} -std=c++17 -Wall -Wextra -Werror \
	-Iinclude -Iinclude/uapi -fsyntax-only -x c++ - <<<"$src" 2>&1); then
	echo "ok 2 - windrvr.h alone in C++17"
else
	echo "not ok 2 - windrvr.h alone in C++17:"
	sed 's/^/# /' <<<"$out"
fi
