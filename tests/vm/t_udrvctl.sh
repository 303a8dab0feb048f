#!/bin/sh
# t_udrvctl: the command-line tool inside the VM, against the first edu:
# discovery, register and config access, bind/unbind, and its errors
# (non-zero exit, message on stderr).
n=0
fails=0
ok() {	# ok DESCRIPTION COMMAND...: passes if COMMAND succeeds
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - t_udrvctl: $desc"
	else
		echo "not ok $n - t_udrvctl: $desc"
		fails=$((fails + 1))
	fi
}
has() { echo "$1" | grep -q -- "$2"; }
fails_with() {	# fails_with PATTERN COMMAND...: non-zero exit, PATTERN on stderr
	pat=$1
	shift
	err=$("$@" 2>&1 >/dev/null)
	rc=$?
	[ "$rc" -ne 0 ] && echo "$err" | grep -q -- "$pat"
}

edu=$(udrvctl list | awk '$2 == "1234:11e8" && $3 == "bound" { print $1; exit }')
ok "list shows a bound edu ($edu)" test -n "$edu"
out=$(udrvctl list)
ok "list shows the host bridge unbound" has "$out" "0000:00:00.0 8086:29c0 -"
out=$(udrvctl info "$edu")
ok "info: BAR0 1 MiB memory" has "$out" "BAR0: memory at 0x[0-9a-f]*, 1 MiB, 32-bit, non-prefetchable, mappable"
ok "info: MSI 1 vector" has "$out" "MSI 1 vector"
ok "read id" test "$(udrvctl read "$edu" 0 0)" = "0x010000ed"
ok "read id, short BDF" test "$(udrvctl read "${edu#0000:}" 0 0x0 4)" = "0x010000ed"
ok "write liveness" udrvctl write "$edu" 0 4 0x1234
ok "read liveness inverted" test "$(udrvctl read "$edu" 0 4)" = "0xffffedcb"
ok "write 64-bit" udrvctl write "$edu" 0 0x80 0x1122334455667788 8
ok "read 64-bit" test "$(udrvctl read "$edu" 0 0x80 8)" = "0x1122334455667788"
ok "cfg vendor/device" test "$(udrvctl cfg "$edu" 0)" = "0x11e81234"
ok "cfg 16-bit" test "$(udrvctl cfg "$edu" 2 2)" = "0x11e8"
out=$(udrvctl cfg "$edu")
ok "cfg dump starts like lspci -xxx" has "$out" "^00: 34 12 e8 11"
ok "cfg dump has 16 lines of 256 bytes" test "$(echo "$out" | wc -l)" -eq 16
out=$(udrvctl dump "$edu" 0 0 16)
ok "dump shows id and liveness" has "$out" "^00000000: 010000ed ffffedcb"

ok "read beyond the BAR fails with the numbers" \
	fails_with "0x100000 + 4 is beyond BAR0" udrvctl read "$edu" 0 0x100000
ok "read of BAR7 fails" fails_with "BAR7" udrvctl read "$edu" 7 0
ok "misaligned read fails" fails_with "align" udrvctl read "$edu" 0 2
ok "empty slot fails" fails_with "no PCI device" udrvctl read 00:1e.7 0 0
ok "bad BDF fails" fails_with "" udrvctl read 00:40.0 0 0
ok "bad number fails" fails_with "" udrvctl read "$edu" 0 0xzz
ok "cfg write to BAR0 refused" fails_with "" udrvctl cfg "$edu" 0x10 4 0
ok "unknown command exits 2" sh -c 'udrvctl bogus 2>/dev/null; [ $? -eq 2 ]'

ok "unbind" udrvctl unbind "$edu"
ok "unbound: no driver at all" test ! -e "/sys/bus/pci/devices/$edu/driver"
ok "unbound device refuses access, says how to bind" \
	fails_with "udrvctl bind $edu" udrvctl read "$edu" 0 0
ok "bind" udrvctl bind "$edu"
ok "bound again" test "$(basename "$(readlink "/sys/bus/pci/devices/$edu/driver")")" = udrv
ok "works after rebinding" test "$(udrvctl read "$edu" 0 0)" = "0x010000ed"

echo "1..$n"
[ "$fails" -eq 0 ]
