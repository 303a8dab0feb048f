#!/bin/sh
# The part of the VM suite run on Debian's PREEMPT_RT kernel (a boot of
# its own): interrupts, whose handlers and DPCs are threads there, and the
# Kernel PlugIn's handlers.
# shellcheck source-path=SCRIPTDIR source=suite-lib.sh
. "$(dirname "$0")/suite-lib.sh"
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
run t_edu_kp.sh
if rmmod udrv; then
	echo "ok - rmmod udrv after the PREEMPT_RT tests"
else
	echo "not ok - rmmod udrv after the PREEMPT_RT tests"
fi
