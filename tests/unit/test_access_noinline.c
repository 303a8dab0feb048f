// SPDX-License-Identifier: MIT
/*
 * test_access again, every accessor through the library's function: the
 * in-line fast path (<udrv/wdc_inline.h>) and the functions it falls back
 * to must agree on every result, value and message.
 */
#define UDRV_NO_INLINE_ACCESS
#include "test_access.c"
