#!/bin/bash
# t_exports: libudrv.so exports exactly the functions the public headers
# (include/udrv/*.h) declare: no test hook, no internal call, nothing
# undeclared; and every declared function is there (but KP_Init, which a
# Kernel PlugIn defines, not the library).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}

make -s -C "$top" lib >"$tmp/log" 2>&1
ok $? "make lib"
"$top/lib/exports.sh" "$top" >"$tmp/declared"
ok $? "lib/exports.sh lists the declarations"
# The list itself must be right, or the comparison proves nothing.
miss=
for f in WD_Open WDC_DriverOpen WDC_ReadAddr32 WD_StatusToStr kp_malloc udrv_kp_debug_add; do
	grep -qx "$f" "$tmp/declared" || miss="$miss $f"
done
test -z "$miss"
ok $? "the declarations include the API of every header${miss:+ (missing:$miss)}"
! grep -q '^udrv_test_' "$tmp/declared"
ok $? "no test hook is declared in a public header"

nm -D --defined-only "$top/build/lib/libudrv.so" | awk '{ print $NF }' |
	LC_ALL=C sort -u >"$tmp/exported"
grep -vx KP_Init "$tmp/declared" >"$tmp/want"
extra=$(LC_ALL=C comm -13 "$tmp/want" "$tmp/exported" | tr '\n' ' ')
test -z "$extra"
ok $? "libudrv.so exports nothing undeclared${extra:+ (extra: $extra)}"
missing=$(LC_ALL=C comm -23 "$tmp/want" "$tmp/exported" | tr '\n' ' ')
test -z "$missing"
ok $? "libudrv.so exports every declared function${missing:+ (missing: $missing)}"
echo "1..$n"
