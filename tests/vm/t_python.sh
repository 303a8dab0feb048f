#!/bin/sh
# t_python: the udrv Python binding against edu (python/tests/vm_edu.py)
# and its sample (python/examples/edu.py).  Needs the guest's Python:
# vm/run --python, which tests/run-vm gives the main boot; without it
# this is a failure, not a skip.
d=/usr/share/udrv/python
if ! command -v python3 >/dev/null || [ ! -f $d/vm_edu.py ]; then
	echo "not ok 1 - t_python: no python3 or $d/vm_edu.py in the guest (vm/run --python)"
	echo "1..1"
	exit 1
fi
# vm_edu.py's lines, then the example's as one more: one plan for both,
# printed last (the harness compares it with the lines).
python3 $d/vm_edu.py >/tmp/vm_edu.out 2>&1
rc=$?
grep -v '^1\.\.[0-9]*$' /tmp/vm_edu.out
n=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' /tmp/vm_edu.out | tail -n 1)
if [ -z "$n" ]; then
	echo "not ok - t_python: vm_edu.py printed no plan (exit status $rc)"
	exit 1
fi
n=$((n + 1))
if python3 $d/edu.py >/tmp/edu_py.out 2>&1; then
	echo "ok $n - t_python: examples/edu.py exited 0"
else
	sed 's/^/# /' /tmp/edu_py.out
	echo "not ok $n - t_python: examples/edu.py failed"
	rc=1
fi
echo "1..$n"
exit $rc
