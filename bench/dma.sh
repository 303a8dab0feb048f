#!/bin/sh
# dma.sh [SIZE:REPS ...] - the DMA lock benchmark, guest side: one edu, one
# boot, the same buffer sizes through both paths in turn:
#   udrv   bench_dma_udrv        edu bound with udrvctl bind: WD_DMALock +
#                                WD_DMAUnlock of a scatter-gather buffer
#          bench_dma_udrv --hold the same with one more small buffer held
#                                locked, so that the agent's bus-master bit
#                                stays set (see bench_dma_udrv.c)
#   vfio   dma_vfio BDF          edu rebound to vfio-pci: VFIO_IOMMU_MAP_DMA
#                                + VFIO_IOMMU_UNMAP_DMA (type-1 container)
# Default SIZE:REPS: 4K:2000 1M:200 64M:20 1G:5.  Buffers: anonymous mmap,
# 2 MiB-aligned, every page touched before the first lock (see
# bench_dma_udrv.c).  Everything is measured twice: with the kernel's THP
# default ("always": the 64M and 1G buffers are huge pages) and with the
# buffers madvise(MADV_NOHUGEPAGE)d (4 KiB pages only; DMA_NOTHP=0 in the
# environment skips this second pass).
# Every program prints "RESULT <name> <microseconds>" lines (medians; other
# lines are comments).  The paths run round-robin, DMA_CYCLES (default 3)
# cycles of udrv then VFIO, so that a slow spell of the host falls on both
# sides alike; each figure is the median over the cycles.  The end is two
# markdown tables per THP mode: the lock + unlock times with the ratio
# udrv/vfio, then ns per page and the lock/unlock split.
#
# Booted by bench/run-dma as: vm/run --iommu --memory 2G --no-bind
#   --modules vfio-pci,vfio_iommu_type1
# (the emulated IOMMU: VFIO needs it; udrv's addresses are then IOVAs too).
# Exit status: 0 when every program gave all its results, 1 otherwise.
# shellcheck shell=sh

RES=/tmp/dma-results
: >"$RES"
failed=0

# shellcheck source-path=SCRIPTDIR source=edu-guest.sh
. "$(dirname "$0")/edu-guest.sh"

find_edu || exit 1
grp=$(readlink "$dev/iommu_group" 2>/dev/null)
say "edu at $bdf, kernel $(uname -r), $(grep MemTotal /proc/meminfo | tr -s ' ')," \
	"THP $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
say "IOMMU group ${grp##*/}, default domain type" \
	"$(cat "/sys/kernel/iommu_groups/${grp##*/}/type" 2>/dev/null || echo '?')"
dmesg | grep -E 'DMAR: (Intel|Host address width|IOMMU)|iommu: Default domain|iommu: DMA domain TLB' | sed 's/^/# dmesg: /'


# run NAME COMMAND...: at most 240 s; show the output, keep the RESULTs.
run() {
	name=$1
	shift
	t0=$(date +%s)
	timeout -k 5 240 "$@" >/tmp/dma-out 2>&1
	rc=$?
	cat /tmp/dma-out
	say "$name: $(($(date +%s) - t0)) s, exit status $rc"
	grep '^RESULT ' /tmp/dma-out >>"$RES"
	if [ $rc != 0 ] || ! grep -q '^RESULT ' /tmp/dma-out; then
		fail "$name: '$*' exited with $rc, $(grep -c '^RESULT ' /tmp/dma-out) RESULT lines"
	fi
}

modes=thp
[ "${DMA_NOTHP:-1}" = 1 ] && modes="thp nothp"
flag() { [ "$1" = nothp ] && echo --no-thp; }

# one_cycle SIZE:REPS...: udrv, then VFIO, every size and mode once.
one_cycle() {
	# Whatever the last cycle left the device bound to lets it go first.
	if [ -e "$dev/driver" ]; then
		echo "$bdf" >"$dev/driver/unbind"
		echo >"$dev/driver_override"
	fi
	# --- udrv ---------------------------------------------------------------------
	say "udrv: udrvctl bind $bdf; bench_dma_udrv $*"
	if udrvctl bind "$bdf" >/tmp/dma-out 2>&1 && [ "$(driver_of)" = udrv ]; then
		say "udrv: default domain type now" \
			"$(cat "/sys/kernel/iommu_groups/${grp##*/}/type" 2>/dev/null || echo '?')"
		for m in $modes; do
			# shellcheck disable=SC2046
			run "udrv ($m)" bench_dma_udrv $(flag "$m") "$@"
			# shellcheck disable=SC2046
			run "udrv ($m, held)" bench_dma_udrv $(flag "$m") --hold "$@"
		done
		stats=/sys/bus/pci/drivers/udrv/dma_stats
		[ -r $stats ] && say "udrv: dma_stats after the runs: $(tr "\n" " " <$stats)"
	else
		cat /tmp/dma-out
		fail "udrvctl bind $bdf (driver: $(driver_of))"
	fi

	# --- vfio-pci -----------------------------------------------------------------
	say "vfio: vfio-pci; dma_vfio $bdf $*"
	if rebind vfio-pci; then
		for m in $modes; do
			# shellcheck disable=SC2046
			run "vfio ($m)" dma_vfio $(flag "$m") "$bdf" "$@"
		done
	fi
}

CYCLES=${DMA_CYCLES:-3}
c=1
while [ "$c" -le "$CYCLES" ]; do
	say "cycle $c of $CYCLES"
	one_cycle "$@"
	c=$((c + 1))
done
grep -E '^(Mem(Free|Available)|AnonHugePages)' /proc/meminfo | tr -s ' ' | sed 's/^/# at the end: /'

# --- tables -------------------------------------------------------------------
for m in $modes; do
	sfx=
	[ "$m" = nothp ] && sfx=-nothp
	echo
	if [ "$m" = thp ]; then
		echo "Buffers with the kernel's THP policy ($(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)), $(uname -r):"
	else
		echo "Buffers madvise(MADV_NOHUGEPAGE) (4 KiB pages only), $(uname -r):"
	fi
	awk -v sfx="$sfx" "$MEDIAN_AWK"'
	function bytes(s,   n, u) {
		n = s + 0; u = substr(s, length(s))
		if (u == "K") n *= 1024
		else if (u == "M") n *= 1048576
		else if (u == "G") n *= 1073741824
		return n
	}
	function v(k) { return (k in med) ? med[k] : "-" }
	function ratio(x, y) { return (x != "-" && y != "-" && y > 0) ? sprintf("%.2f", x / y) : "-" }
	function per(x, p) { return x != "-" ? sprintf("%.1f", x * 1000 / p) : "-" }
	{ r[$2, ++cnt[$2]] = $3 + 0 }	# a number (see MEDIAN_AWK)
	$2 ~ /^(udrv-sg|vfio-map)-/ {
		s = $2; sub(/^(udrv-sg|vfio-map)-/, "", s); sub(/-held$/, "", s)
		if (sfx != "") { if (s !~ /-nothp$/) next; sub(/-nothp$/, "", s) }
		else if (s ~ /-nothp$/) next
		if (!(s in seen)) { seen[s] = 1; order[++n] = s }
	}
	END {
		for (k in cnt) med[k] = median(k)
		print ""
		print "| size | pages | udrv lock+unlock µs | udrv, bus master held µs | vfio map+unmap µs | udrv/vfio | held/vfio |"
		print "|---|---:|---:|---:|---:|---:|---:|"
		for (i = 1; i <= n; i++) {
			s = order[i]; p = int((bytes(s) + 4095) / 4096)
			u = v("udrv-sg-" s sfx); h = v("udrv-sg-" s sfx "-held")
			f = v("vfio-map-" s sfx)
			printf "| %s | %d | %s | %s | %s | %s | %s |\n", s, p, u, h, f,
			    ratio(u, f), ratio(h, f)
		}
		print ""
		print "| size | udrv ns/page | held ns/page | vfio ns/page | udrv lock / unlock µs | held lock / unlock µs | vfio map / unmap µs |"
		print "|---|---:|---:|---:|---:|---:|---:|"
		for (i = 1; i <= n; i++) {
			s = order[i]; p = int((bytes(s) + 4095) / 4096)
			printf "| %s | %s | %s | %s | %s / %s | %s / %s | %s / %s |\n", s,
			    per(v("udrv-sg-" s sfx), p), per(v("udrv-sg-" s sfx "-held"), p),
			    per(v("vfio-map-" s sfx), p),
			    v("udrv-lock-" s sfx), v("udrv-unlock-" s sfx),
			    v("udrv-lock-" s sfx "-held"), v("udrv-unlock-" s sfx "-held"),
			    v("vfio-maponly-" s sfx), v("vfio-unmap-" s sfx)
		}
	}' "$RES"
done
echo
[ $failed = 0 ] || echo "dma.sh: some measurements failed (see FAIL lines)"
exit $failed
