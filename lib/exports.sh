#!/bin/sh
# exports.sh TOP - print the names of the functions declared in the public
# headers (TOP/include/udrv/*.h), one a line, sorted. libudrv.so exports
# exactly these (the linker version script is made from this list) and the
# host test t_exports.sh checks the library against it: a function becomes
# public by being declared in a public header, nothing else to update.
#
# GCC's -aux-info lists every prototype a translation unit sees, with the
# file it comes from; two passes, as a user program and as a Kernel
# PlugIn's user-mode build (UDRV_KP_BUILD: the kp_ runtime libudrv gives a
# KP's .so). Static inline functions are not the library's.
set -eu
top=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for h in "$top"/include/udrv/*.h; do
	echo "#include <udrv/${h##*/}>"
done >"$tmp/user.c"
echo "#include <udrv/kp.h>" >"$tmp/kp.c"
aux() { # aux NAME [DEFINE]
	${CC:-gcc} -std=c11 -D_GNU_SOURCE ${2:+"$2"} -I"$top/include" -I"$top/include/uapi" \
		-aux-info "$tmp/$1.aux" -fsyntax-only "$tmp/$1.c"
}
aux user
aux kp -DUDRV_KP_BUILD
cat "$tmp/user.aux" "$tmp/kp.aux" | grep '^/\* [^ ]*include/udrv/[^ ]*\.h:' |
	grep -v ' static ' | sed -E 's/^.*[ *]([A-Za-z_][A-Za-z0-9_]*) \(.*$/\1/' |
	LC_ALL=C sort -u
