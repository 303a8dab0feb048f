#!/bin/sh
# irq.sh [ROUND_TRIPS] - the interrupt round-trip benchmark, guest side: one
# edu device, one boot, every path measured on the same device in turn:
#   udrv    bench_irq_udrv N       (when in PATH; edu bound with udrvctl bind;
#                                   it finds the edu bound to udrv itself)
#   uio     irq_uio BDF N          (uio_pci_generic, INTx masked by the kernel)
#   vfio    irq_vfio BDF N         (vfio-pci, MSI on an eventfd; needs IOMMU)
#   udrv-kp bench_irq_kp N         (the edu sample's Kernel PlugIn: ack and
#                                   raise in its MSI handler; and latency)
#   kernel  edu_pingpong.ko        (bare in-kernel MSI handler: the limit)
# Round trip: write 1 to BAR0+0x60 (raise) -> interrupt -> the waiting side
# wakes -> write 1 to BAR0+0x64 (acknowledge) -> next.  Every measuring
# program prints one line per path it measures,
#   RESULT <name> <interrupts per second>
# (an integer; other lines are comments); the peers and the module time 5
# rounds of N round trips after a warm-up of N/10 and give the median.  The
# module's rate is read from /sys/bus/pci/devices/BDF/pingpong_rate and
# printed the same way.
# The paths run round-robin: IRQ_ROUNDS (default 3) cycles of udrv, udrv-kp,
# uio, vfio, kernel, so that a slow spell of the host (TCG shares its cores)
# falls on every path alike instead of on whichever ran during it.  The end
# is a markdown table: each path's median over the cycles, its min-max, and
# the median's ratio to uio and to kernel.
#
# Booted by bench/run-irq as: vm/run --iommu --no-bind
#   --modules uio_pci_generic,vfio-pci,vfio_iommu_type1 --add edu_pingpong.ko
# IRQ_KO overrides the module's path (default: edu_pingpong.ko in PATH).
# Exit status: 0 when uio, vfio and kernel (and udrv when present) all gave
# a result, 1 otherwise.
# shellcheck shell=sh

# --- table ------------------------------------------------------------------
# print_table: the markdown table of the RESULT lines in $RES.
print_table() {
	echo
	echo "| path | mechanism | interrupts/s (median) | min-max over the cycles | vs uio | vs kernel |"
	echo "|---|---|---:|---:|---:|---:|"
	awk "$MEDIAN_AWK"'
	function desc(n) {
		if (n == "uio") return "uio_pci_generic: INTx, read() /dev/uioN, unmask by config write"
		if (n == "vfio") return "vfio-pci: MSI, read() on an eventfd"
		if (n == "kernel") return "edu_pingpong.ko: MSI, ack + raise in the handler"
		if (n == "udrv-kp") return "udrv Kernel PlugIn: MSI, ack + raise in funcIntAtIrqlMSI (bench_irq_kp)"
		if (n ~ /^udrv/) return "udrv: bench_irq_udrv"
		return ""
	}
	function ratio(x, y) { return y > 0 ? sprintf("%.2f", x / y) : "-" }
	{
		if (!($2 in cnt)) order[++names] = $2
		r[$2, ++cnt[$2]] = $3 + 0	# a number (see MEDIAN_AWK)
	}
	END {
		for (i = 1; i <= names; i++) med[order[i]] = median(order[i])
		for (i = 1; i <= names; i++) {
			n = order[i]
			printf "| %s | %s | %d | %d-%d (%d) | %s | %s |\n", n, desc(n),
			    med[n], lo[n], hi[n], cnt[n], ratio(med[n], med["uio"]),
			    ratio(med[n], med["kernel"])
		}
		for (i = 1; i <= names; i++)
			if (order[i] ~ /^udrv-/ && order[i] != "udrv-kp" && med[order[i]] > best) {
				best = med[order[i]]
				bname = order[i]
			}
		if (med["udrv-kp"] > 0 && best > 0)
			printf "\nKernel PlugIn vs the best user-mode path (%s): %.2fx; vs the bare module: %s\n",
			    bname, med["udrv-kp"] / best, ratio(med["udrv-kp"], med["kernel"])
		if (med["vfio"] > 0) {
			printf "\nEach udrv path against VFIO, cycle by cycle (the same cycle, minutes apart at most):\n"
			for (i = 1; i <= names; i++) {
				n = order[i]
				if (n !~ /^udrv/) continue
				line = ""
				for (c = 1; c <= cnt[n] && c <= cnt["vfio"]; c++)
					line = line sprintf(" %.2f", r[n, c] / r["vfio", c])
				printf "- %s:%s\n", n, line
			}
		}
	}' "$RES"
}

# shellcheck source-path=SCRIPTDIR source=edu-guest.sh
. "$(dirname "$0")/edu-guest.sh"

# IRQ_TABLE=FILE: only the table of FILE's RESULT lines (the host tests
# check the arithmetic this way, under the guest's busybox awk).
if [ -n "${IRQ_TABLE:-}" ]; then
	RES=$IRQ_TABLE
	print_table
	exit
fi

N=${1:-50000}
RES=/tmp/irq-results
: >"$RES"
: >/tmp/irq-latency
failed=0

find_edu || exit 1
say "edu at $bdf, $N round trips per round, kernel $(uname -r)"


# run NAME COMMAND...: run a measuring program (at most 120 s), show its
# output, keep its RESULT lines.
run() {
	name=$1
	shift
	timeout -k 5 120 "$@" >/tmp/irq-out 2>&1
	rc=$?
	cat /tmp/irq-out
	grep '^RESULT ' /tmp/irq-out >>"$RES"
	if [ $rc != 0 ] || ! grep -q '^RESULT ' /tmp/irq-out; then
		fail "$name: '$*' exited with $rc, $(grep -c '^RESULT ' /tmp/irq-out) RESULT lines"
	elif grep -Eq '^RESULT [^ ]+ (0|nan|-nan|inf)?$' /tmp/irq-out; then
		fail "$name: a RESULT without a rate"
	fi
}

# one_round: every path once, in a fixed order.
one_round() {
	# --- udrv -----------------------------------------------------------------
	if command -v bench_irq_udrv >/dev/null 2>&1; then
		say "udrv: udrvctl bind $bdf; bench_irq_udrv $N"
		if udrvctl bind "$bdf" >/tmp/irq-out 2>&1 && [ "$(driver_of)" = udrv ]; then
			run udrv bench_irq_udrv "$N"
			# The same device, its interrupts handled in a Kernel PlugIn
			if command -v bench_irq_kp >/dev/null 2>&1 &&
				insmod /lib/udrv/edu_kp.ko; then
				say "udrv-kp: edu_kp.ko; bench_irq_kp $N"
				run udrv-kp bench_irq_kp "$N"
				grep "^LATENCY " /tmp/irq-out >/tmp/irq-latency
				rmmod edu_kp || fail "rmmod edu_kp"
			else
				fail "udrv-kp: bench_irq_kp or edu_kp.ko missing"
			fi
		else
			cat /tmp/irq-out
			fail "udrvctl bind $bdf (driver: $(driver_of))"
		fi
	else
		say "udrv: bench_irq_udrv is not in PATH: skipped"
	fi

	# --- uio_pci_generic --------------------------------------------------------
	say "uio: uio_pci_generic (INTx); irq_uio $bdf $N"
	rebind uio_pci_generic && run uio irq_uio "$bdf" "$N"

	# --- vfio-pci ---------------------------------------------------------------
	say "vfio: vfio-pci (MSI, eventfd); irq_vfio $bdf $N"
	rebind vfio-pci && run vfio irq_vfio "$bdf" "$N"

	# --- bare kernel --------------------------------------------------------------
	ko=${IRQ_KO:-$(command -v edu_pingpong.ko)}
	say "kernel: edu_pingpong.ko (MSI, in-kernel handler); round_trips=$N"
	if [ -z "$ko" ] || [ ! -f "$ko" ]; then
		fail "kernel: edu_pingpong.ko not found (vm/run --add it, or set IRQ_KO)"
	elif ! insmod "$ko" round_trips="$N"; then
		fail "kernel: insmod $ko failed"
	else
		if rebind edu_pingpong && rate=$(cat "$dev/pingpong_rate") &&
			[ "${rate:-0}" -gt 0 ]; then
			say "kernel: $(cat "$dev/pingpong_round_trips") round trips in" \
				"$(cat "$dev/pingpong_elapsed_ns") ns (median of 5 rounds)"
			echo "RESULT kernel $rate" | tee -a "$RES"
		else
			fail "kernel: no rate from edu_pingpong"
			dmesg | grep edu_pingpong | tail -n 3
		fi
		# Exercise the module's remove path too.
		[ -e "$dev/driver" ] && echo "$bdf" >"$dev/driver/unbind"
		echo >"$dev/driver_override"
		rmmod edu_pingpong || fail "rmmod edu_pingpong"
	fi
}

ROUNDS=${IRQ_ROUNDS:-3}
r=1
while [ "$r" -le "$ROUNDS" ]; do
	say "cycle $r of $ROUNDS"
	one_round
	r=$((r + 1))
done

print_table

if [ -s /tmp/irq-latency ]; then
	echo
	sed 's/^LATENCY /- /' /tmp/irq-latency
fi
echo
[ $failed = 0 ] || echo "irq.sh: some measurements failed (see FAIL lines)"
exit $failed
