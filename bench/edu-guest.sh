#!/bin/sh
# edu-guest.sh - sourced by the guest-side benchmark scripts (irq.sh,
# dma.sh): messages, finding the edu device, and moving it between drivers
# in the same boot.  The caller sets `failed=0` first.
# shellcheck disable=SC2034 # failed, bdf and dev are the caller's

say() { echo "# $*"; }
fail() { echo "FAIL: $*"; failed=1; }

# find_edu: sets bdf and dev to the first edu (1234:11e8), or fails.
find_edu() {
	bdf=
	for d in /sys/bus/pci/devices/*; do
		if [ "$(cat "$d/vendor"):$(cat "$d/device")" = 0x1234:0x11e8 ]; then
			bdf=${d##*/}
			break
		fi
	done
	[ -n "$bdf" ] || { fail "no edu device (1234:11e8)"; return 1; }
	dev=/sys/bus/pci/devices/$bdf
}

driver_of() {
	d=$(readlink "$dev/driver" 2>/dev/null) || d=none
	echo "${d##*/}"
}

# rebind DRIVER: driver_override, unbind from the current driver, reprobe.
rebind() {
	echo "$1" >"$dev/driver_override"
	[ -e "$dev/driver" ] && echo "$bdf" >"$dev/driver/unbind"
	echo "$bdf" >/sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(driver_of)" = "$1" ] || {
		fail "$bdf: bind to $1 failed (driver: $(driver_of))"
		return 1
	}
}
