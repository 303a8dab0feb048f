#!/bin/bash
# t_dkms: `make dkms-src DESTDIR=...` installs a module source tree that
# builds on its own, for both kernel lines: with nothing from the
# repository (no UDRV_* variables, no path back into it: every file the
# compiler read is inside the tree or the kernel's), without -Werror unless
# asked (UDRV_WERROR=1), with the Makefile's VERSION, and through the very
# command dkms.conf gives DKMS (its MAKE[0], evaluated as DKMS does). The
# tree is moved before it is built, as DKMS copies it to its build area.
set -u
# shellcheck source=tests/unit/tap-lib.bash
. "$(dirname "$0")/tap-lib.bash"

version=$(sed -n 's/^VERSION *:= *//p' "$top/Makefile")
make -s -C "$top" dkms-src DESTDIR="$tmp/root" >"$tmp/log" 2>&1
ok $? "make dkms-src DESTDIR=..."
src=$tmp/root/usr/src/udrv-$version
missing=
for f in dkms.conf VERSION Kbuild include/uapi/udrv_abi.h \
	 $(cd "$top/kernel" && ls ./*.c ./*.h); do
	[ -f "$src/$f" ] || missing="$missing $f"
done
test -z "$missing"
ok $? "usr/src/udrv-$version holds dkms.conf, VERSION, Kbuild, the uapi header and every kernel/ source${missing:+ (missing:$missing)}"

# dkms.conf, read the way DKMS reads it (it is a shell fragment).
# DKMS sets kernel_source_dir and dkms_tree before reading it.
conf() {
	(: "${kernel_source_dir:=}" "${dkms_tree:=}"
	 . "$src/dkms.conf" && eval "echo \"$1\"")
}
test "$(conf '$PACKAGE_NAME $PACKAGE_VERSION ${BUILT_MODULE_NAME[0]} $AUTOINSTALL')" = \
	"udrv $version udrv yes"
ok $? "dkms.conf: udrv $version, module udrv, AUTOINSTALL ($(conf '$PACKAGE_NAME $PACKAGE_VERSION ${BUILT_MODULE_NAME[0]} $AUTOINSTALL'))"

# build VER DIR [VAR=VALUE...]: the tree copied to DIR, built there with
# dkms.conf's MAKE[0] in a clean environment, from /.
build() {
	local ver=$1 dir=$2 cmd
	shift 2
	cp -r "$src" "$dir"
	# shellcheck disable=SC2016 # expanded by conf, with DKMS's variables
	cmd=$(kernel_source_dir=/lib/modules/$ver/build dkms_tree=${dir%/*} \
		conf '${MAKE[0]}') || return 1
	# dkms_tree/PACKAGE_NAME/PACKAGE_VERSION/build is DKMS's layout: the
	# command names $dkms_tree/udrv/VERSION/build; point it at DIR.
	cmd=${cmd//${dir%/*}\/udrv\/$version\/build/$dir}
	# shellcheck disable=SC2086 # a command line, as DKMS runs it
	(cd / && env -i PATH="$PATH" HOME=/tmp $cmd "$@") >"$dir.log" 2>&1
}

for line in 6.1 6.12; do
	ver=$("$top/vm/kernels" "$line" 2>/dev/null)
	if [ -z "$ver" ] || [ ! -d "/lib/modules/$ver/build" ]; then
		echo "ok $((n + 1)) - $line: the installed tree builds # SKIP no $line kernel headers (vm/deps installs them)"
		n=$((n + 1))
		continue
	fi
	dir=$tmp/b-$line
	build "$ver" "$dir"
	rc=$?
	[ $rc -eq 0 ] || tail -n 20 "$dir.log"
	ok $rc "$ver: the installed tree, moved, builds with dkms.conf's MAKE[0]"
	got=$(modinfo -F version "$dir/udrv.ko" 2>/dev/null)
	magic=$(modinfo -F vermagic "$dir/udrv.ko" 2>/dev/null)
	test "$got" = "$version" && test "${magic%% *}" = "$ver"
	ok $? "$ver: udrv.ko version '$got' (the Makefile's '$version'), vermagic '${magic%% *}'"
	# What the compiler read, from Kbuild's dependency records: the tree
	# itself and the kernel's headers, nothing of the repository.
	outside=$(cat "$dir"/.*.o.cmd 2>/dev/null | tr ' \\' '\n\n' |
		grep -F "$top" | sort -u | head -n 3)
	test -n "$(ls "$dir"/.main.o.cmd 2>/dev/null)" && test -z "$outside"
	ok $? "$ver: no file from the repository in the build${outside:+: $outside}"
	! grep -q -- ' -Werror ' "$dir/.main.o.cmd" 2>/dev/null &&
		test -f "$dir/.main.o.cmd"
	ok $? "$ver: no -Werror by default"
done

# UDRV_WERROR=1 still turns it on in the installed tree (the switch works,
# so the check above can see it): one object is enough.
ver=$("$top/vm/kernels" 6.1 2>/dev/null)
if [ -n "$ver" ] && [ -d "/lib/modules/$ver/build" ]; then
	cp -r "$src" "$tmp/werror"
	(cd / && env -i PATH="$PATH" make -C "/lib/modules/$ver/build" \
		M="$tmp/werror" UDRV_WERROR=1 main.o) >"$tmp/werror.log" 2>&1
	grep -q -- ' -Werror ' "$tmp/werror/.main.o.cmd" 2>/dev/null
	ok $? "$ver: UDRV_WERROR=1 gives -Werror"
else
	echo "ok $((n + 1)) - UDRV_WERROR=1 gives -Werror # SKIP no 6.1 kernel headers"
	n=$((n + 1))
fi

# Negative control for the "nothing of the repository" check: a tree with
# the include/ it needs missing must not build (the check above would be
# worthless if the build found the headers some other way).
rm -rf "$src/include"
build "$ver" "$tmp/noinc" >/dev/null 2>&1
test $? -ne 0
ok $? "the tree without its include/ does not build (the headers come from the tree)"
echo "1..$n"
exit $failed
