#!/bin/bash
# t_module_build: `make module` builds for the running kernel or fails
# naming the missing headers package (never for another installed kernel
# by guess), and udrv.ko carries the Makefile's VERSION (modinfo).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

# A running kernel without headers: KRUN stands for `uname -r`.
make -s -C "$top" module KRUN=0.0.0-nohdr >"$tmp/out" 2>&1
rc=$?
test $rc -ne 0
ok $? "make module without the running kernel's headers fails (exit $rc)"
grep -q "install linux-headers-0.0.0-nohdr" "$tmp/out"
ok $? "... naming the package: $(head -c 200 "$tmp/out" | tr '\n' ' ')"

kdir=$(ls -d /lib/modules/*-cloud-amd64/build 2>/dev/null | head -n 1)
if [ -z "$kdir" ]; then
	echo "ok $((n + 1)) - udrv.ko's version # SKIP no Debian cloud kernel headers"
	n=$((n + 1))
else
	ver=$(basename "$(dirname "$kdir")")
	make -s -C "$top" module KDIR="$kdir" >"$tmp/build" 2>&1
	want=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")
	got=$(modinfo -F version "$top/build/kmod/$ver/udrv.ko" 2>/dev/null)
	test -n "$want" && test "$got" = "$want"
	ok $? "modinfo udrv.ko ($ver): version '$got', the Makefile's '$want'"
fi
echo "1..$n"
