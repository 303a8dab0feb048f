#!/bin/sh
# The hot-plug boot's suite (tests/run-vm; vm/run --hotplug with the edu
# "hp1" behind the root port "rp1"): the harness itself, then events and
# removal in use, the edu sample on the re-added device, and the module
# unloading once everything is gone.
# shellcheck source-path=SCRIPTDIR source=suite-lib.sh
. "$(dirname "$0")/suite-lib.sh"

kmemleak.sh clear
# First, on the device as it booted: udrvctl gen's projects, built on the
# host after the main boot (tests/gen-build)
run t_gen_run.sh
run t_hotplug_harness.sh
run t_hotplug
# The sample, on the device that came back (and was bound by autobind)
run_sample edu_demo
if rmmod udrv; then
	echo "ok - rmmod udrv after the removals"
else
	echo "not ok - rmmod udrv failed after the removals"
fi
kmemleak.sh check
