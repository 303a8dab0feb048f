#!/bin/sh
# Sourced by the guest's suite scripts (suite.sh, suite-iommu.sh,
# suite-rt.sh): run PROGRAM [ARGS]: its TAP, then its exit status as one
# more test line, so that a crash cutting a program's output short still
# counts as a failure.
# shellcheck shell=sh
run() {
	"$@"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "ok - $1 exited 0"
	else
		echo "not ok - $1 exited with status $rc"
	fi
}
