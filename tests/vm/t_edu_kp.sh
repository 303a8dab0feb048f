#!/bin/sh
# t_edu_kp: the edu sample's Kernel PlugIn, in the kernel and in user
# mode: the same application binary, the same checks, twice; and udrvctl
# kp against it.  Ends with the KP unloaded (rmmod udrv comes later).
n=0
fails=0
ok() {	# ok DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - t_edu_kp: $desc"
	else
		echo "not ok $n - t_edu_kp: $desc"
		fails=$((fails + 1))
	fi
}
has() { echo "$1" | grep -q -- "$2"; }

ok "insmod edu_kp.ko (built by kp.mk)" insmod /lib/udrv/edu_kp.ko
out=$(udrvctl kp list)
ok "udrvctl kp list shows it: $out" has "$out" "^edu_kp module=edu_kp"
ok "edu_kp_app, the KP in the kernel" edu_kp_app
ok "edu_kp_app unchanged, the same KP source in user mode (UDRV_KP_USER)" \
	env UDRV_KP_USER=edu_kp=/lib/udrv/edu_kp.so edu_kp_app
# Both modes at once, one per edu: the two share an INTx line, and each
# application checks its own counts exactly.
both() {
	env UDRV_KP_USER=edu_kp=/lib/udrv/edu_kp.so edu_kp_app 00:03.0 >/tmp/edu_kp_user.out 2>&1 &
	pid=$!
	edu_kp_app 00:07.0 >/tmp/edu_kp_kernel.out 2>&1
	k=$?
	wait $pid
	u=$?
	[ $k -eq 0 ] || sed 's/^/# kernel mode: /' /tmp/edu_kp_kernel.out | grep -v " ok$"
	[ $u -eq 0 ] || sed 's/^/# user mode: /' /tmp/edu_kp_user.out | grep -v " ok$"
	[ $k -eq 0 ] && [ $u -eq 0 ]
}
ok "edu_kp_app in user mode on edu 03 and in the kernel on edu 07 at once (shared INTx)" both
out=$(udrvctl kp call edu_kp 1 0000000000000000000000000000000000000000000000000000000000000000 2>&1)
ok "udrvctl kp call edu_kp 1 (version): $(echo "$out" | tr '\n' ' ')" \
	has "$out" "^010000006564755f6b7020312e30"
out=$(udrvctl kp call edu_kp 999 2>&1)
ok "udrvctl kp call of an unknown message: the KP's result 2" has "$out" "result 2"
out=$(udrvctl kp call no_such_kp 1 2>&1)
rc=$?
ok "udrvctl kp call of a KP not loaded fails, saying so" \
	test "$rc" -ne 0 -a -n "$(echo "$out" | grep "not loaded")"
out=$(udrvctl kp list)
ok "every handle closed again: $out" has "$out" "handles=0"
ok "rmmod edu_kp" rmmod edu_kp
echo "1..$n"
[ "$fails" -eq 0 ]
