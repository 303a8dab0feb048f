#!/bin/sh
# edu-guest.sh - sourced by the guest-side benchmark scripts (irq.sh,
# dma.sh): messages, finding the edu device, and moving it between drivers
# in the same boot.  The caller sets `failed=0` first.
# shellcheck disable=SC2034 # failed, bdf, dev and MEDIAN_AWK are the caller's

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

# The awk function of the scripts' tables, prepended to their programs:
# median(k), the median of r[k, 1..cnt[k]] (one value per cycle: few, so an
# insertion sort), leaving their min and max in lo[k] and hi[k].  The
# caller stores the values as numbers ($3 + 0): busybox awk compares what
# a function returns as text otherwise.
MEDIAN_AWK='
function median(k,    i, j, t, a, m) {
	m = cnt[k]
	for (i = 1; i <= m; i++) a[i] = r[k, i]
	for (i = 2; i <= m; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	lo[k] = a[1]; hi[k] = a[m]
	return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
}
'
