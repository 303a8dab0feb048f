#!/bin/bash
# t_module_build: `make module` builds for the running kernel or fails
# naming the missing headers package (never for another installed kernel
# by guess), and udrv.ko carries the Makefile's VERSION (modinfo); make
# modules_install puts it where modprobe finds it.
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
	# make modules_install into a DESTDIR: updates/, depmod -b there, and
	# modprobe (kmod's, reading that root) resolves udrv to it.
	make -s -C "$top" modules_install KDIR="$kdir" DESTDIR="$tmp/root" >"$tmp/mi" 2>&1
	rc=$?
	[ $rc -eq 0 ] || tail -n 5 "$tmp/mi"
	ok $rc "make modules_install KDIR=$kdir DESTDIR=..."
	dep=$(cat "$tmp/root/lib/modules/$ver/modules.dep" 2>/dev/null)
	case $dep in updates/udrv.ko*:*) rc=0 ;; *) rc=1 ;; esac
	ok $rc "depmod -b DESTDIR: modules.dep has udrv in updates/ ($dep)"
	how=$(modprobe -d "$tmp/root" -S "$ver" --show-depends udrv 2>&1)
	case $how in "insmod $tmp/root/lib/modules/$ver/updates/udrv.ko"*) rc=0 ;; *) rc=1 ;; esac
	ok $rc "modprobe -d DESTDIR -S $ver udrv loads updates/udrv.ko ($how)"
fi
# Without a built module, modules_install says what to run first.
make -s -C "$top" modules_install KDIR=/lib/modules/0.0.0-none/build DESTDIR="$tmp/none" >"$tmp/out" 2>&1
rc=$?
test $rc -ne 0 && grep -q "run make module KDIR=/lib/modules/0.0.0-none/build first" "$tmp/out" &&
	test ! -e "$tmp/none"
ok $? "modules_install without udrv.ko fails naming make module ($(head -c 200 "$tmp/out" | tr '\n' ' '))"
echo "1..$n"
