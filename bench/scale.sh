#!/bin/sh
# scale.sh devices IRQ_COUNT TRANSFER_COUNT | scale.sh scan COUNT
# The scale benchmark, guest side (bench/run-scale boots it):
#   devices  8 edu devices bound to udrv, 2 vCPUs: interrupt round trips
#            from 1, 2 and 4 devices at once (one process, a thread per
#            device), then 1, 2, 4 and 8 processes each owning its own
#            device (interrupt round trips; WD_Transfer reads); the
#            interrupt runs again with each worker and its MSI pinned;
#            WD_Version from 1 to 8 processes is the control (the agent
#            alone, no device emulated)
#   scan     WDC_PciScanDevices against a sysfs walk, with the devices
#            this boot has
# Every line bench_scale prints goes through; "RESULT" lines are the data
# (bench/plot-scale reads them).  Exit status 1 if any run failed.
# shellcheck shell=sh

failed=0
# run COMMAND...: at most 300 s (a lost interrupt would block for ever)
run() {
	echo "# $*"
	timeout -k 5 300 "$@" || { echo "FAIL: '$*' exited with $?"; failed=1; }
}

echo "# kernel $(uname -r), $(nproc) CPUs, $(grep -c '^' /proc/bus/pci/devices) PCI functions"
case ${1:-} in
devices)
	irq=${2:-20000} tr=${3:-20000}
	# Each twice: placed by the kernel, and pinned (worker i and its
	# device's MSI on CPU i % 2; bench_scale.c says why it matters).
	for pin in "" pin; do
		for n in 1 2 4; do run bench_scale irq-threads "$n" "$irq" $pin; done
		for n in 1 2 4 8; do run bench_scale irq-procs "$n" "$irq" $pin; done
	done
	for n in 1 2 4 8; do run bench_scale transfer-procs "$n" "$tr"; done
	# The control: an ioctl that touches no device (no QEMU emulation)
	for n in 1 2 4 8; do run bench_scale version-procs "$n" "$tr"; done
	;;
scan)
	run bench_scale scan "${2:-200}"
	;;
*)
	echo "usage: scale.sh devices IRQ_COUNT TRANSFER_COUNT | scale.sh scan COUNT" >&2
	exit 2
	;;
esac
exit $failed
