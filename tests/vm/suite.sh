#!/bin/sh
# The VM test suite, run inside the guest by tests/run-vm: each program
# prints TAP; its exit status is one more test line, so a crash that cuts
# a program's output short still counts as a failure.
# shellcheck source-path=SCRIPTDIR source=suite-lib.sh
. "$(dirname "$0")/suite-lib.sh"

kmemleak.sh clear

# One program per line: branches that add tests merge without conflicts.
for t in \
	t_pci \
	t_edu \
	t_bad \
	t_owner \
	t_abi \
	t_iobar \
	t_subpage \
	t_irq \
	t_intstatus \
	t_irqshare \
	t_irqacc \
	t_irqstorm \
	t_intxdown \
	t_msix \
	t_dma \
	t_dmamap \
	t_dmaoverlap \
	t_race \
	t_xlist \
	t_unbind \
	t_cfg \
	t_bridge \
	t_protect \
	t_kill \
	t_kp \
	t_kp_irq \
	t_debug \
	t_kprace \
	t_m32 \
	t_wdport \
	t_nonroot \
	t_fuzz \
	; do
	run "$t"
done
run t_udrvctl.sh
# udrvctl gen on edu: the projects go to the host (tests/gen-build)
run t_gen.sh
# The samples are tests too: each exits 0 only if every check matched.
run_sample edu_demo
run_sample edu_irq
run_sample edu_dma
run t_edu_kp.sh
# The Python binding (the guest's Python: tests/run-vm boots with --python)
run t_python.sh
# udrv as installed on a machine (tests/run-vm boots with --install):
# modprobe from updates/, the real udevd's group rule, edu_demo as a
# group member; it reloads udrv.ko, so it comes after everything else.
run t_install.sh

# Last: with nothing held any more, the module unloads.
if rmmod udrv; then
	echo "ok - rmmod udrv once every holder is gone"
else
	echo "not ok - rmmod udrv failed"
fi
if [ ! -e /dev/udrv ]; then
	echo "ok - /dev/udrv is gone after rmmod"
else
	echo "not ok - /dev/udrv still exists after rmmod"
fi
# Last of all, with udrv.ko gone: what it allocated and never freed.
kmemleak.sh check
