#!/bin/bash
# t_kp_build: what a Kernel PlugIn may not call fails at build time in the
# mode where it cannot work, through the users' own build line (kp.mk):
# libc in the kernel build, kernel calls in the user-mode build, the
# user-mode WDC_ API (wdc.h, WDC_IntEnable) in both; a good KP (the edu
# sample) builds in both.  The kernel half needs kernel headers (a
# Debian cloud kernel's, as for udrv.ko); without them it is skipped.
set -u
# shellcheck source=tests/unit/tap-lib.bash
. "$(dirname "$0")/tap-lib.bash"

kdir=$(ls -d /lib/modules/*-cloud-amd64/build 2>/dev/null | sort | head -1)
ver=$(basename "$(dirname "$kdir" 2>/dev/null)" 2>/dev/null)
if [ -n "$kdir" ] && make -s -C "$top" module KDIR="$kdir" >"$tmp/module.log" 2>&1; then
	symvers=$top/build/kmod/$ver/Module.symvers
else
	kdir=
fi

# build MODE NAME: kp.mk's so or ko target on $tmp/NAME.c; log in $tmp/NAME.MODE.log
build() {
	make -s -f "$top/kp/kp.mk" KP="$2" SRCS="$tmp/$2.c${3:+ $tmp/$3.c}" OUT="$tmp/out" \
		UDRV_INCLUDE="$top/include $top/include/uapi" KDIR="${kdir:-/nonexistent}" \
		UDRV_SYMVERS="${symvers:-}" "$1" >"$tmp/$2.$1.log" 2>&1
}

# expect MODE NAME TEXT WHAT: the build fails and its log says TEXT
expect_fail() {
	if [ "$1" = ko ] && [ -z "$kdir" ]; then
		skip "$4" "no kernel headers (linux-headers-cloud-amd64)"
		return
	fi
	build "$1" "$2"
	local rc=$?
	if [ $rc -ne 0 ] && grep -q -- "$3" "$tmp/$2.$1.log"; then
		ok 0 "$4"
	else
		sed 's/^/# /' "$tmp/$2.$1.log" | head -20
		ok 1 "$4"
	fi
}

kp() { # NAME BODY: a KP source whose funcCall runs BODY
	cat >"$tmp/$1.c" <<EOF2
#include <udrv/kp.h>
${3:-}
static void call(void *ctx, WD_KERNEL_PLUGIN_CALL *c)
{
	(void)ctx;
	$2
	c->result = 0;
}

static bool open_kp(KP_OPEN_CALL *kp, WDC_DEVICE_HANDLE dev, const void *d,
		    uint32_t size, void **ctx)
{
	(void)dev, (void)d, (void)size;
	kp->funcCall = call;
	*ctx = NULL;
	return true;
}

bool KP_Init(KP_INIT *init)
{
	init->version = KP_VERSION;
	kp_memcpy(init->name, "$1", sizeof("$1"));
	init->funcOpen = open_kp;
	return true;
}

UDRV_KP_MODULE("GPL");
EOF2
}

kp libc 'printf("hello\n");' '#include <stdio.h>'
expect_fail ko libc "stdio.h" "kernel build: a KP including <stdio.h> fails"
kp libc2 'char *p = malloc(4); (void)p;'
expect_fail ko libc2 "implicit declaration of function .malloc" "kernel build: a KP calling malloc fails"
kp kcall 'void *p = kmalloc(4, 0); (void)p;'
expect_fail so kcall "implicit declaration of function .kmalloc" "user-mode build: a KP calling kmalloc fails"
kp kinc 'c->result = 1;' '#include <linux/slab.h>'
expect_fail so kinc "linux/slab.h" "user-mode build: a KP including <linux/slab.h> fails"
for mode in so ko; do
	kp wdc "c->result = 1;" '#include <udrv/wdc.h>'
	expect_fail $mode wdc "is the user-mode API" "$mode build: a KP including <udrv/wdc.h> fails, saying why"
	kp intr 'WDC_IntEnable(NULL, NULL, 0, 0, NULL, NULL, false);'
	expect_fail $mode intr "implicit declaration of function .WDC_IntEnable" "$mode build: a KP calling WDC_IntEnable fails"
	kp wdcall 'WD_Transfer(3, 1, NULL);'
	expect_fail $mode wdcall "implicit declaration of function .WD_Transfer" "$mode build: a KP calling WD_Transfer (an ioctl) fails"
done

# docs/kernel-plugin.md's (first) example, as a user would copy it
awk '/^   ```c$/ && !seen { on = 1; seen = 1; next } /^   ```$/ { on = 0 } on' \
	"$top/docs/kernel-plugin.md" | sed 's/^   //' >"$tmp/my_kp.c"
build so my_kp
rc=$?
[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/my_kp.so.log" | head -20
ok $rc "user-mode build: docs/kernel-plugin.md's example KP builds (-Werror)"
if [ -n "$kdir" ]; then
	build ko my_kp
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/my_kp.ko.log" | tail -20
	ok $rc "kernel build: docs/kernel-plugin.md's example KP builds (-Werror)"
fi

cp "$top"/examples/edu/kp/edu_kp*.[ch] "$tmp/"
build so edu_kp edu_kp_irq
ok $? "user-mode build: the edu sample KP builds (-Werror)"
if [ -n "$kdir" ]; then
	build ko edu_kp edu_kp_irq
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$tmp/edu_kp.ko.log" | tail -20
	ok $rc "kernel build ($ver): the edu sample KP builds (-Werror), against udrv.ko's exports"
else
	skip "kernel build: the edu sample KP builds" "no kernel headers"
fi
echo "1..$n"
exit $failed
