#!/bin/sh
# debug_cost.sh [ROUNDS] [REG_N] [IRQ_N] - what the debug monitor costs
# while it is off, guest side: in ONE boot, udrv.ko as built before the
# debug monitor (/bin/udrv_old.ko: that kernel/ with the current ABI
# header, see bench/run-debug) and the current one (/lib/udrv/udrv.ko),
# swapped with rmmod/insmod: ROUNDS pairs of short runs, in the order
# new old, old new, new old... so that a drift of the host (shared, loaded
# by other VMs) hits both alike.  The benchmark binaries are the same for
# both.  After a warm-up run, each run
# is bench_regs (a register read by mapping, by WD_MultiTransfer and by one
# WD_Transfer ioctl) and bench_irq_udrv (interrupt round trips, five
# delivery paths).  Last, one run of the current module with the monitor
# on (trace, all areas), for scale.
# Prints "COST <module> <round> <metric> <value>" lines, then a table: per
# metric the median of old and new, and new/old per pair (median, and the
# quartiles).  reg-read-mapped never enters udrv.ko: its ratio shows the
# noise of the measurement itself.
# Booted by bench/run-debug.
# shellcheck shell=sh

ROUNDS=${1:-15}
REG_N=${2:-30000}
IRQ_N=${3:-1000}
RES=/tmp/debug-cost
: >"$RES"
bdf=0000:00:03.0
failed=0

say() { echo "# $*"; }

load() {
	rmmod udrv 2>/dev/null
	insmod "$1" || { echo "FAIL: insmod $1"; failed=1; return 1; }
	d=$(readlink /sys/bus/pci/devices/$bdf/driver 2>/dev/null)
	[ "${d##*/}" = udrv ] || echo $bdf >/sys/bus/pci/drivers_probe
	d=$(readlink /sys/bus/pci/devices/$bdf/driver 2>/dev/null)
	[ "${d##*/}" = udrv ] || { echo "FAIL: $bdf not bound"; failed=1; return 1; }
}

# one NAME ROUND: both benchmarks, their figures into $RES
one() {
	say "$1 round $2: bench_regs $REG_N; bench_irq_udrv $IRQ_N"
	bench_regs "$REG_N" >/tmp/regs.out 2>&1 || { cat /tmp/regs.out; failed=1; }
	bench_irq_udrv "$IRQ_N" >/tmp/irq.out 2>&1 || { cat /tmp/irq.out; failed=1; }
	awk -F'|' -v m="$1" -v r="$2" '
		/WDC_ReadAddr32/ { print "COST", m, r, "reg-read-mapped-ns", $3 + 0 }
		/WD_MultiTransfer/ { print "COST", m, r, "reg-read-multi-ns", $3 + 0 }
		/WD_Transfer \(one ioctl/ { print "COST", m, r, "reg-read-ioctl-ns", $3 + 0 }
	' /tmp/regs.out >>"$RES"
	awk -v m="$1" -v r="$2" '/^RESULT / {
		# a rate: its inverse, microseconds per round trip
		printf "COST %s %s irq-%s-us %.2f\n", m, r, substr($2, 6), 1e6 / $3 }' \
		/tmp/irq.out >>"$RES"
}

say "kernel $(uname -r), $ROUNDS rounds per module"
# Warm-up: the tail of the boot makes a first run slower
one warmup 1 >/dev/null
r=1
while [ $r -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then
		load /lib/udrv/udrv.ko && one new $r
		load /bin/udrv_old.ko && one old $r
	else
		load /bin/udrv_old.ko && one old $r
		load /lib/udrv/udrv.ko && one new $r
	fi
	r=$((r + 1))
done
load /lib/udrv/udrv.ko && udrvctl log --level trace --areas all >/dev/null &&
	one trace 1
udrvctl log --level off >/dev/null
cat "$RES"

# The table: per metric, old and new medians, new/old per round
awk '
function med(a, n,   i, j, t) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$1 == "COST" { v[$2, $3, $4] = $5; if (!($4 in seen)) { seen[$4] = 1; order[++nm] = $4 }
	if ($3 > R) R = $3 }
END {
	print "| metric (lower is better) | old | new, monitor off | new/old per pair: median (quartiles) | new, trace on all areas |"
	print "|---|---:|---:|---|---:|"
	for (k = 1; k <= nm; k++) {
		m = order[k]; n = 0
		for (r = 1; r <= R; r++) {
			if (!(("old" SUBSEP r SUBSEP m) in v) || !(("new" SUBSEP r SUBSEP m) in v)) continue
			o[++n] = v["old", r, m]; w[n] = v["new", r, m]
			q[n] = w[n] / o[n]
		}
		if (!n) continue
		mq = med(q, n)	# sorts q
		lo = q[int((n + 3) / 4)]; hi = q[n + 1 - int((n + 3) / 4)]
		printf "| %s | %.1f | %.1f | %.3f (%.3f-%.3f) | %s |\n", m, med(o, n), med(w, n),
			mq, lo, hi, (("trace" SUBSEP 1 SUBSEP m) in v) ? sprintf("%.1f", v["trace", 1, m]) : "-"
	}
}' "$RES"
exit $failed
