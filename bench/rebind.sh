#!/bin/sh
# rebind.sh - sourced by the guest-side benchmark scripts (irq.sh, dma.sh)
# to move one device ($dev, $bdf) between drivers in the same boot.
# shellcheck disable=SC2154 # $dev, $bdf and fail come from the caller
# Needs a `fail` function from the script that sources it.

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
