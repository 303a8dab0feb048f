#!/bin/bash
# t_gen: udrvctl gen from recorded device descriptions (--from, no device
# needed): every generated project builds with pkg-config against an
# installed udrv, warnings as errors (and the project's own stricter
# flags), with and without --kp, with and without a named acknowledge
# register, for memory and I/O BARs; its Kernel PlugIn builds in user
# mode and, with kernel headers, as a module; the diagnostic program runs
# (usage, and a clean failure without /dev/udrv); a description written
# by gen reproduces the project; bad arguments are refused.  Template
# breakage shows here without a VM (the VM suite runs the result on edu).
set -u
# shellcheck source=tests/unit/tap-lib.bash
. "$(dirname "$0")/tap-lib.bash"
# show LOG: its end, as TAP comments
show() { tail -n 25 "$1" | sed 's/^/# /'; }

make -s -C "$top" build/bin/udrvctl install PREFIX="$tmp/prefix" >"$tmp/install.log" 2>&1
rc=$?
[ $rc -eq 0 ] || show "$tmp/install.log"
ok $rc "udrvctl built, udrv installed into a prefix"
ctl=$top/build/bin/udrvctl
export PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig

kdir=$(ls -d /lib/modules/*-cloud-amd64/build 2>/dev/null | sort | head -1)
ver=$(basename "$(dirname "$kdir" 2>/dev/null)" 2>/dev/null)
if [ -n "$kdir" ] && make -s -C "$top" module KDIR="$kdir" >"$tmp/module.log" 2>&1; then
	symvers=$top/build/kmod/$ver/Module.symvers
else
	kdir=
fi

cat >"$tmp/edu.desc" <<'EOD'
# QEMU's edu, as the agent reports it
id 1234:11e8
bar 0 mem 1048576 32-bit non-prefetchable
intx yes
msi 1
msix 0
EOD
cat >"$tmp/other.desc" <<'EOD'
id 8086:10d3
bar 0 mem 131072 32-bit non-prefetchable
bar 2 io 32
bar 3 mem 16384 64-bit prefetchable
intx no
msi 0
msix 5
EOD

# gen_build DIR NAME DESC GEN-OPTIONS...: gen, then make with the
# project's own stricter warnings on top of the generated Makefile's
gen_build() {
	local dir=$tmp/$1 name=$2 desc=$3 id
	shift 3
	id=$(sed -n 's/^id //p' "$desc")
	"$ctl" gen "$name" "$id" --from "$desc" -o "$dir" "$@" >"$tmp/$name.gen.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || show "$tmp/$name.gen.log"
	ok $rc "gen $name $* (from $(basename "$desc"))"
	make -C "$dir" CFLAGS="-O2 -g -Wshadow -Wstrict-prototypes -Wmissing-prototypes" \
		>"$tmp/$name.make.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || show "$tmp/$name.make.log"
	ok $rc "$name: library and diagnostic program build (pkg-config udrv, -Wall -Wextra -Werror -Wshadow ...)"
}

# kp_build DIR NAME: the KP's one build line, both forms
kp_build() {
	make -C "$tmp/$1" kp-so >"$tmp/$2.so.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || show "$tmp/$2.so.log"
	ok $rc "$2: the Kernel PlugIn builds in user mode (make kp-so: kp.mk, -Werror)"
	if [ -z "$kdir" ]; then
		skip "$2: the Kernel PlugIn builds as a module" "no kernel headers"
		return
	fi
	make -C "$tmp/$1" kp-ko KDIR="$kdir" UDRV_SYMVERS="$symvers" >"$tmp/$2.ko.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || show "$tmp/$2.ko.log"
	ok $rc "$2: the Kernel PlugIn builds as a module for $ver (make kp-ko, against udrv.ko's exports)"
}

gen_build p1 myedu "$tmp/edu.desc"
gen_build p2 myedukp "$tmp/edu.desc" --kp --status 0:0x24 --ack 0:0x64
kp_build p2 myedukp
gen_build p3 noack "$tmp/edu.desc" --kp
kp_build p3 noack
grep -q 'define NOACK_IRQ_HAVE_ACK	0' "$tmp/p3/noack_config.h"
ok $? "noack: without --ack, the config header says HAVE_ACK 0 (the safe default)"
gen_build p4 other "$tmp/other.desc" --kp --status 2:0x4 --ack 2:0x8
make -C "$tmp/p4" kp-so >"$tmp/other.so.log" 2>&1
rc=$?
[ $rc -eq 0 ] || show "$tmp/other.so.log"
ok $rc "other (I/O BAR registers, 64-bit BAR, MSI-X only): the Kernel PlugIn builds in user mode"
grep -q 'other_bar2_read32' "$tmp/p4/other.h" && grep -q 'other_bar3_write32' "$tmp/p4/other.h" &&
	! grep -q 'other_bar1_' "$tmp/p4/other.h"
ok $? "other: one accessor pair per BAR the device has (0, 2, 3), none for BAR1"

# libudrv.so from the prefix, as a user of a non-default PREFIX would
export LD_LIBRARY_PATH=$tmp/prefix/lib
out=$("$tmp/p2/myedukp_diag" -h 2>&1)
rc=$?
[ $rc -eq 0 ] && grep -q "kp irq" <<<"$out"
ok $? "myedukp_diag -h: exit 0, lists the kp commands"
out=$(UDRV_DEVICE=$tmp/no-such-device "$tmp/p1/myedu_diag" read 0 0 2>&1)
rc=$?
echo "# $out"
[ $rc -eq 1 ] && grep -q "myedu_diag: open:" <<<"$out"
ok $? "myedu_diag without udrv: exit 1 and says why"
"$tmp/p1/myedu_diag" read 2>/dev/null
ok $(($? != 2)) "myedu_diag read without arguments: usage error (2)"

# The project's description reproduces it (README quotes the command line)
"$ctl" gen myedu 1234:11e8 --from "$tmp/p1/myedu.desc" -o "$tmp/p1b" >/dev/null 2>&1 &&
	diff -r -x README.md -x '*.o' -x '*.a' -x myedu_diag "$tmp/p1" "$tmp/p1b" >"$tmp/diff.log"
rc=$?
[ $rc -eq 0 ] || show "$tmp/diff.log"
ok $rc "gen --from the project's own myedu.desc writes the same project"

# refused: exit status 2 (usage) or 1 (failed)
refused() { # WANT WHAT ARGS...
	local want=$1 what=$2
	shift 2
	"$ctl" gen "$@" >"$tmp/refused.log" 2>&1
	rc=$?
	[ $rc -eq "$want" ] || show "$tmp/refused.log"
	ok $((rc != want)) "gen refuses $what (exit $want): $(head -n 1 "$tmp/refused.log")"
}
refused 2 "a NAME that is no C identifier" 9lives 1234:11e8 --from "$tmp/edu.desc" -o "$tmp/x1"
refused 2 "an --ack beyond its BAR" e 1234:11e8 --from "$tmp/edu.desc" --ack 0:0x100000 -o "$tmp/x2"
refused 2 "an --ack on a BAR the device lacks" e 1234:11e8 --from "$tmp/edu.desc" --ack 1:0 -o "$tmp/x3"
refused 2 "--status without --ack" e 1234:11e8 --from "$tmp/edu.desc" --status 0:0x24 -o "$tmp/x4"
refused 1 "a description of another device" e 8086:10d3 --from "$tmp/edu.desc" -o "$tmp/x5"
refused 1 "to overwrite an existing project without --force" myedu 1234:11e8 --from "$tmp/edu.desc" -o "$tmp/p1"
"$ctl" gen myedu 1234:11e8 --from "$tmp/edu.desc" -o "$tmp/p1" --force >/dev/null 2>&1
ok $? "gen --force overwrites it"
echo "1..$n"
exit $failed
