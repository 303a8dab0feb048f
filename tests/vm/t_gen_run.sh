#!/bin/sh
# t_gen_run: what udrvctl gen wrote for edu in the main boot (t_gen.sh),
# built on the host by tests/gen-build, run here on edu (the hot-plug
# boot's, 0000:01:00.0 behind a root port): the diagnostic programs read
# edu's ID, write and read back its liveness register, dump BAR0 and
# receive interrupts raised through edu's 0x60 register - MSI with the
# safe defaults (myedu: no acknowledge named), INTx acknowledged at IRQ
# time by the commands --status/--ack made (myedukp); the generated Kernel
# PlugIn, loaded with insmod, answers its messages and handles MSI and
# INTx; the same KP source as a .so in user mode; and a KP generated
# without an acknowledge register refuses INTx (the safe default) but
# handles MSI.  A program missing here
# means its host build failed: build/logs/gen-KERNEL.log says why.
n=0
fails=0
ok() {	# ok DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - t_gen_run: $desc"
	else
		echo "not ok $n - t_gen_run: $desc"
		fails=$((fails + 1))
	fi
}
# out WANT COMMAND...: COMMAND exits 0 and prints a line matching WANT
out() {
	want=$1
	shift
	"$@" >/tmp/gen_run.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/gen_run.out
	[ $rc -eq 0 ] && grep -q -- "$want" /tmp/gen_run.out
}
# lines N WANT COMMAND...: exits 0, N lines match WANT
lines() {
	cnt=$1 want=$2
	shift 2
	"$@" >/tmp/gen_run.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/gen_run.out
	[ $rc -eq 0 ] && [ "$(grep -c -- "$want" /tmp/gen_run.out)" -eq "$cnt" ]
}
# refused WANT COMMAND...: COMMAND fails (exit 1) saying WANT
refused() {
	want=$1
	shift
	"$@" >/tmp/gen_run.out 2>&1
	rc=$?
	sed 's/^/# /' /tmp/gen_run.out
	[ $rc -eq 1 ] && grep -q -- "$want" /tmp/gen_run.out
}
there() { [ -x "/bin/$1" ] || [ -f "/bin/$1" ]; }

for f in myedu_diag myedukp_diag myedukp_diag_dyn myedukp_kp.ko myedukp_kp.so \
	myedunoack_diag myedunoack_kp.ko; do
	ok "$f is in the guest (built on the host by tests/gen-build)" there $f
done

if there myedu_diag; then
	ok "myedu_diag info: edu, 1234:11e8" out "1234:11e8" myedu_diag info
	ok "myedu_diag read 0 0: edu's ID 0x010000ed" out "^0x010000ed$" myedu_diag read 0 0
	ok "myedu_diag write 0 4 0x12345678, read back: inverted (edu's liveness)" \
		sh -c 'myedu_diag write 0 4 0x12345678 && myedu_diag read 0 4 | grep -q "^0xedcba987$"'
	ok "myedu_diag dump 0 0 16: the ID first" out "^00000000: 010000ed" myedu_diag dump 0 0 16
	ok "myedu_diag irq: 2 MSIs raised through 0x60, no acknowledge register (the safe default)" \
		lines 2 "^interrupt [12]: MSI vector 0" myedu_diag irq --raise 0:0x60:1 --count 2
	# As a user would: nothing acknowledged those, edu still asserts its causes
	ok "myedu_diag write 0 0x64 0xffffffff: acknowledged by hand" myedu_diag write 0 0x64 0xffffffff
fi
if there myedukp_diag; then
	ok "myedukp_diag irq --intx: 2 interrupts, acknowledged at IRQ time (status 0x24, ack 0x64)" \
		lines 2 "^interrupt [12]: INTx vector 0, count [12], lost 0, status 0x00000001" \
		myedukp_diag irq --intx --raise 0:0x60:1 --count 2
	ok "  then edu's interrupt status is 0" out "^0x00000000$" myedukp_diag read 0 0x24
fi
if there myedukp_diag && there myedukp_kp.ko; then
	ok "insmod myedukp_kp.ko (the generated Kernel PlugIn)" insmod /bin/myedukp_kp.ko
	ok "myedukp_diag kp version" out "^myedukp_kp version 1$" myedukp_diag kp version
	ok "myedukp_diag kp read 0 0: the KP reads edu's ID" out "^0x010000ed$" myedukp_diag kp read 0 0
	ok "myedukp_diag kp irq: 2 MSIs handled by the KP in the kernel" \
		lines 2 "^interrupt [12]: MSI vector 0, count [12], lost 0, kp [12]$" \
		myedukp_diag kp irq --raise 0:0x60:1 --count 2
	ok "myedukp_diag kp irq --intx: 2 INTx acknowledged by the KP in the kernel" \
		lines 2 "^interrupt [12]: INTx vector 0, count [12], lost 0, kp [12]$" \
		myedukp_diag kp irq --intx --raise 0:0x60:1 --count 2
	ok "myedukp_diag kp count: 4 handled" out "^handled 4, not mine" myedukp_diag kp count
	ok "  edu's interrupt status is 0: the KP acknowledged" out "^0x00000000$" myedukp_diag read 0 0x24
	ok "rmmod myedukp_kp" rmmod myedukp_kp
fi
if there myedunoack_diag && there myedunoack_kp.ko; then
	ok "insmod myedunoack_kp.ko (a KP generated without --ack)" insmod /bin/myedunoack_kp.ko
	ok "myedunoack_diag kp irq --intx: refused (no INTx handler), saying why" \
		refused "acknowledge register" myedunoack_diag kp irq --intx --raise 0:0x60:1
	ok "myedunoack_diag kp irq: MSI works without an acknowledge" \
		lines 1 "^interrupt 1: MSI vector 0, count 1, lost 0, kp 1$" \
		myedunoack_diag kp irq --raise 0:0x60:1
	ok "  acknowledged by hand: write 0 0x64 0xffffffff" myedunoack_diag write 0 0x64 0xffffffff
	ok "rmmod myedunoack_kp" rmmod myedunoack_kp
fi
if there myedukp_diag_dyn && there myedukp_kp.so; then
	export UDRV_KP_USER=myedukp_kp=/bin/myedukp_kp.so
	ok "user mode (UDRV_KP_USER): myedukp_diag kp version" out "^myedukp_kp version 1$" myedukp_diag_dyn kp version
	ok "user mode: kp irq --intx, 2 interrupts acknowledged by the KP's .so" \
		lines 2 "^interrupt [12]: INTx vector 0, count [12], lost 0, kp [12]$" \
		myedukp_diag_dyn kp irq --intx --raise 0:0x60:1 --count 2
	unset UDRV_KP_USER
fi
echo "1..$n"
[ "$fails" -eq 0 ]
