#!/bin/sh
# Sourced by the guest's suite scripts (suite.sh, suite-iommu.sh,
# suite-rt.sh, suite-hotplug.sh).
#
# run PROGRAM [ARGS]: its TAP, then two more test lines: its exit status,
# and its plan ("1..N", which every test program prints last) against the
# result lines it printed, so that a program that exits 0 half-way, or
# whose output a crash cuts short, still counts as a failure.
# run_sample PROGRAM [ARGS]: a sample, which prints no TAP: exit status only.
# shellcheck shell=sh
run_sample() {
	"$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok - $1 exited 0"
	else
		echo "not ok - $1 exited with status $rc"
	fi
}

run() {
	# A missing program is a failure, never a silent skip.
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "not ok - $1: no such program in the guest"
		return
	fi
	t0=$(cut -d' ' -f1 /proc/uptime)
	# Through tee, so that the output still streams to the console (a hang
	# shows how far the program got); the status comes back through a file.
	{ "$@"; echo $? >/tmp/suite-run.rc; } 2>&1 | tee /tmp/suite-run.out
	rc=$(cat /tmp/suite-run.rc 2>/dev/null)
	# Its time, as a TAP comment: where the suite's minutes go.
	echo "# $1: $(awk -v a="$t0" -v b="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN { printf "%.1f", b - a }') s"
	if [ "$rc" = 0 ]; then
		echo "ok - $1 exited 0"
	else
		echo "not ok - $1 exited with status ${rc:-unknown}"
	fi
	results=$(grep -c -E '^(not )?ok( |$)' /tmp/suite-run.out)
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' /tmp/suite-run.out | tail -n 1)
	if [ -z "$plan" ]; then
		echo "not ok - $1 printed no plan (1..N) after $results result lines"
	elif [ "$plan" -ne "$results" ]; then
		echo "not ok - $1: plan 1..$plan, but $results result lines"
	else
		echo "ok - $1: plan 1..$plan matches its result lines"
	fi
	rm -f /tmp/suite-run.rc /tmp/suite-run.out
}
