#!/bin/bash
# abi_layout: include/uapi/udrv_abi.h has one layout for every compiler and
# word size.  On x86_64 -Wpadded reports any padding the compiler inserts
# (before a __u64 at an offset that is not a multiple of 8, or at the end);
# a structure with none, and a size that is a multiple of 8, is laid out
# the same by i386, whose __u64 is only 4-byte aligned.  This is what broke
# udrv_card_info (312 vs 308 bytes) and udrv_config (40 vs 36) in ABI 1.
set -u
cd "$(dirname "$0")/../.." || exit 1
hdr=include/uapi/udrv_abi.h
structs=$(sed -n 's/^struct \(udrv_[a-z0-9_]*\) {$/\1/p' "$hdr")
echo "1..2"
src=$(mktemp --suffix=.c)
trap 'rm -f "$src"' EXIT
{
	echo '#include "udrv_abi.h"'
	for s in $structs; do
		echo "struct $s v_$s;"
		echo "_Static_assert(sizeof(struct $s) % 8 == 0, \"$s: size not a multiple of 8\");"
	done
} >"$src"
if out=$(${CC:-cc} -std=c11 -Wpadded -Werror -Iinclude/uapi -fsyntax-only "$src" 2>&1); then
	echo "ok 1 - no implicit padding in $(wc -w <<<"$structs") ABI structures"
else
	echo "not ok 1 - implicit padding in the ABI:"
	sed 's/^/# /' <<<"$out"
fi
# The ioctl numbers encode the sizes: none may collide.
dups=$(grep -o '^#define UDRV_IOC_[A-Z_]*[[:space:]]*_IO[A-Z]*(UDRV_IOC_MAGIC, 0x[0-9a-f]*' "$hdr" |
	awk '{print $NF}' | sort | uniq -d | grep -v -x -e '' || true)
[ -z "$dups" ] && echo "ok 2 - every ioctl has its own number" ||
	echo "not ok 2 - ioctl numbers used twice: $dups"
