#!/bin/bash
# t_install: `make install` into a DESTDIR, then the README's example
# driver compiles and links against the installed headers and library
# through pkg-config, exactly as a user would build it.
set -u
# shellcheck source=tests/unit/tap-lib.bash
. "$(dirname "$0")/tap-lib.bash"

make -s -C "$top" install DESTDIR="$tmp" PREFIX=/usr >"$tmp/log" 2>&1
ok $? "make install DESTDIR=... PREFIX=/usr"
for f in usr/include/udrv/wd.h usr/include/udrv/wdc.h usr/include/udrv/kp.h \
	 usr/include/udrv/udrv_abi.h usr/lib/libudrv.a usr/lib/libudrv.so.0 \
	 usr/lib/pkgconfig/udrv.pc usr/bin/udrvctl usr/include/udrv/wdc_access.h \
	 usr/share/udrv/kp.mk usr/share/man/man1/udrvctl.1 \
	 usr/share/bash-completion/completions/udrvctl \
	 usr/share/man/man7/udrv.7 usr/lib/udev/rules.d/70-udrv.rules \
	 usr/share/doc/udrv/examples/modprobe.d/udrv.conf \
	 usr/share/doc/udrv/examples/modules-load.d/udrv.conf; do
	test -e "$tmp/$f"
	ok $? "installed $f"
done

# The man page: renders without a warning, and documents every command
# and the exit statuses.
warn=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$tmp/usr/share/man/man1/udrvctl.1" 2>&1)
test -z "$warn"
ok $? "udrvctl.1 renders without warnings${warn:+: $warn}"
page=$(LC_ALL=C groff -man -Tascii -P-c -rLL=200n "$tmp/usr/share/man/man1/udrvctl.1" 2>/dev/null | col -b)
missing=
for c in list info bind unbind cfg read write dump irq dma "kp list" "kp call" autobind events gen log; do
	echo "$page" | grep -q "^       $c\b" || missing="$missing $c"
done
test -z "$missing"
ok $? "udrvctl.1 has an entry for every command${missing:+ (missing:$missing)}"
echo "$page" | grep -q "EXIT STATUS" && echo "$page" | grep -q "Usage  *error"
ok $? "udrvctl.1 documents the exit statuses"

warn=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$tmp/usr/share/man/man7/udrv.7" 2>&1)
test -z "$warn"
ok $? "udrv.7 renders without warnings${warn:+: $warn}"
# The udev rule: the node, the group, the mode (tests/vm/t_install.sh
# shows the real udevd applying it).
rule=$(grep -v '^#' "$tmp/usr/lib/udev/rules.d/70-udrv.rules")
case $rule in *'KERNEL=="udrv"'*'GROUP="udrv"'*'MODE="0660"'*) rc=0 ;; *) rc=1 ;; esac
ok $rc "70-udrv.rules: KERNEL==\"udrv\", GROUP=\"udrv\", MODE=\"0660\" ($rule)"
# The examples are examples: nothing in them is active as installed.
active=$(grep -hv '^#' "$tmp"/usr/share/doc/udrv/examples/*/udrv.conf | grep -v '^$')
test -z "$active"
ok $? "modprobe.d and modules-load.d examples are all comments${active:+ ($active)}"
# ldconfig runs after a real install only, never into a DESTDIR.
make -n -s -C "$top" install PREFIX=/usr DESTDIR= | grep -qx 'ldconfig'
ok $? "make install without DESTDIR runs ldconfig"
! make -n -s -C "$top" install PREFIX=/usr DESTDIR="$tmp/x" | grep -q 'ldconfig'
ok $? "make install DESTDIR=... does not"

# Bash completion, sourced from where it is installed, against a fake sysfs.
comp() {	# comp WORD...: the completions of the last word
	bash -c 'mkdir -p "$1/bus/pci/devices/0000:00:03.0" "$1/bus/pci/devices/0000:00:07.0"
		UDRV_SYSFS=$1; shift
		. "$0"
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_udrvctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		"$tmp/usr/share/bash-completion/completions/udrvctl" "$tmp/sysfs" "$@"
}
out=$(comp udrvctl c)
test "$out" = "cfg "
ok $? "completion: commands ($out)"
out=$(comp udrvctl info 0000:00:0)
test "$out" = "0000:00:03.0 0000:00:07.0 "
ok $? "completion: BDFs from sysfs ($out)"
out=$(comp udrvctl cfg 0000:00:03.0 cap_ms)
test "$out" = "CAP_MSI CAP_MSIX "
ok $? "completion: cfg register names ($out)"
out=$(comp udrvctl list -s 0000:00:07 -)
echo "$out" | grep -q -- "--json" && echo "$out" | grep -q -- "-nn"
ok $? "completion: list's options after -s SLOT ($out)"

export PKG_CONFIG_PATH=$tmp/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$tmp
awk '/^```c$/ { on = 1; next } /^```$/ { on = 0 } on' "$top/README.md" >"$tmp/drv.c"
test -s "$tmp/drv.c"
ok $? "README has an example driver"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags udrv) \
	"$tmp/drv.c" -o "$tmp/drv" $(pkg-config --libs udrv) \
	-Wl,-rpath,"$tmp/usr/lib" >"$tmp/cc.log" 2>&1
rc=$?
[ $rc -eq 0 ] || cat "$tmp/cc.log"
ok $rc "README example builds with pkg-config --cflags --libs udrv"
# The Kernel PlugIn's one build line, from the installed files (the
# user-mode half: the kernel half needs udrv.ko's exports, t_kp_build).
kpmk=$(pkg-config --variable=kpmk udrv)
kpmk=${kpmk#"$tmp"}	# pkgconf prefixes the sysroot, pkg-config does not
test "$kpmk" = /usr/share/udrv/kp.mk
ok $? "pkg-config --variable=kpmk udrv names the installed kp.mk ($kpmk)"
cp "$top"/examples/edu/kp/edu_kp*.[ch] "$tmp/"
(cd "$tmp" && make -s -f "$tmp$kpmk" KP=edu_kp SRCS="edu_kp.c edu_kp_irq.c" \
	UDRV_INCLUDE="$tmp/usr/include" so) >"$tmp/kp.log" 2>&1
rc=$?
[ $rc -eq 0 ] || cat "$tmp/kp.log"
ok $rc "the installed kp.mk builds the edu sample KP's .so from the installed headers"
echo "1..$n"
exit $failed
