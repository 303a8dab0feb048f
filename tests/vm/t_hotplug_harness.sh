#!/bin/sh
# t_hotplug_harness: vm/run --hotplug works. The guest asks the host
# (vmctl) to hot-remove an edu bound to udrv: it must be gone from sysfs
# when device_del answers, with udrv's "unbound" in the kernel log; then
# to hot-add it back: it must reappear at the same address, bind to udrv
# again and answer (edu's ID register, BAR0 offset 0, reads 0x010000ed).
# Three cycles. Needs (vm/README.md, "Hotplug"):
#   vm/run --hotplug --device pcie-root-port,id=rp1,chassis=1,slot=1 \
#     --device edu,id=hp1,bus=rp1 --bind 1234:11e8 -- t_hotplug_harness.sh
# HP_ID, HP_BUS and HP_CYCLES change the id, the port and the count. The
# times printed as comments are the guest's uptime differences, for the
# README; nothing is asserted on them.
id=${HP_ID:-hp1}
bus=${HP_BUS:-rp1}
cycles=${HP_CYCLES:-3}
n=0
fails=0
ok() {	# ok DESCRIPTION COMMAND...: passes if COMMAND succeeds
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - t_hotplug_harness: $desc"
	else
		echo "not ok $n - t_hotplug_harness: $desc"
		fails=$((fails + 1))
	fi
}
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
unbound_count() { dmesg | grep -c "$bdf: udrv: unbound"; }
driver_is_udrv() { [ "$(readlink "/sys/bus/pci/devices/$bdf/driver" 2>/dev/null | sed 's,.*/,,')" = udrv ]; }
# Waits for the hot-added device: the kernel enumerates it some time after
# QEMU created it (pciehp: presence detect, link up). Not a timed
# assertion: the bound is there only so that a lost device ends the test.
appears() {
	i=0
	while [ ! -e "/sys/bus/pci/devices/$bdf" ]; do
		i=$((i + 1))
		[ $i -le 600 ] || return 1
		usleep 100000
	done
}

ok "vmctl ping: the host answers" vmctl ping
bdf=$(udrvctl list | awk '$2 == "1234:11e8" && $3 == "bound" { print $1; exit }')
ok "an edu is bound to udrv ($bdf)" test -n "$bdf"
[ -n "$bdf" ] || { echo "1..$n"; exit 1; }
ok "it answers" test "$(udrvctl read "$bdf" 0 0)" = "0x010000ed"

c=1
while [ $c -le "$cycles" ]; do
	before=$(unbound_count)
	t0=$(now_ms)
	ok "cycle $c: vmctl device_del $id" vmctl device_del "$id"
	t1=$(now_ms)
	ok "cycle $c: gone from /sys/bus/pci/devices" test ! -e "/sys/bus/pci/devices/$bdf"
	ok "cycle $c: the kernel log says udrv unbound it" test "$(unbound_count)" -eq $((before + 1))
	ok "cycle $c: device_del of a deleted id fails" sh -c "! vmctl device_del $id 2>/dev/null"
	t2=$(now_ms)
	ok "cycle $c: vmctl device_add edu,id=$id,bus=$bus" vmctl device_add "edu,id=$id,bus=$bus"
	t3=$(now_ms)
	ok "cycle $c: it reappears at $bdf" appears
	t4=$(now_ms)
	ok "cycle $c: udrvctl bind" udrvctl bind "$bdf"
	ok "cycle $c: bound to udrv" driver_is_udrv
	ok "cycle $c: it answers again" test "$(udrvctl read "$bdf" 0 0)" = "0x010000ed"
	echo "# cycle $c: device_del $((t1 - t0)) ms, device_add $((t3 - t2)) ms + $((t4 - t3)) ms until in sysfs"
	c=$((c + 1))
done
ok "device_add of an unknown driver fails with QEMU's message" \
	sh -c "vmctl device_add nosuchdevice,id=x 2>&1 | grep -q nosuchdevice"
ok "an unknown request fails" sh -c "! vmctl frobnicate 2>/dev/null"
# ttyS3 has no UART (vm/run gives the guest three ports): as without --hotplug.
ok "no port, no host: fails at once" sh -c "! VMCTL_PORT=/dev/ttyS3 vmctl ping 2>/dev/null"
echo "1..$n"
[ $fails -eq 0 ]
