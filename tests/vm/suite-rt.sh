#!/bin/sh
# The part of the VM suite run on Debian's PREEMPT_RT kernel (a boot of
# its own): interrupts, whose handlers and DPCs are threads there, and the
# Kernel PlugIn's handlers.
run() {
	"$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok - $1 exited 0"
	else
		echo "not ok - $1 exited with status $rc"
	fi
}
if [ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ]; then
	echo "ok - the kernel is PREEMPT_RT ($(uname -v))"
else
	echo "not ok - the kernel is not PREEMPT_RT ($(uname -v))"
fi
for t in \
	t_irq \
	t_irqshare \
	t_irqstorm \
	t_intxdown \
	t_kp_irq \
	; do
	run "$t"
done
[ -x /bin/t_edu_kp.sh ] && run t_edu_kp.sh
if rmmod udrv; then
	echo "ok - rmmod udrv after the PREEMPT_RT tests"
else
	echo "not ok - rmmod udrv after the PREEMPT_RT tests"
fi
