#!/bin/sh
# kmemleak.sh clear|check: the suites' leak check on kernels built with
# kmemleak (the debug kernel, vm/debug-kernel); on others it does nothing and
# prints nothing.  The debug kernel does not scan on its own (a scan thread
# would race the tests for the CPUs), so the suites scan here.
#   clear  before the tests: forget what boot and setup left unreferenced,
#          so that only leaks of the tests (and of udrv.ko) are reported
#   check  after the tests and rmmod: one TAP line, the leaks as comments
f=/sys/kernel/debug/kmemleak
[ -e $f ] || exit 0

case $1 in
clear)
	echo scan >$f 2>/dev/null && echo clear >$f 2>/dev/null
	exit 0
	;;
check) ;;
*) echo "usage: kmemleak.sh clear|check" >&2; exit 2 ;;
esac

# kmemleak ignores objects younger than 5 s, and a pointer that sat only in a
# register during one scan looks like a leak: wait out the age, scan twice.
sleep 6
if ! { echo scan >$f && echo scan >$f; } 2>/dev/null; then
	echo "not ok - kmemleak: scan refused (kmemleak disabled itself? see the console log)"
	exit 1
fi
leaks=$(cat $f)
if [ -z "$leaks" ]; then
	echo "ok - kmemleak: no leaks after the tests"
	exit 0
fi
n=$(echo "$leaks" | grep -c '^unreferenced object')
echo "not ok - kmemleak: $n suspected leaks after the tests"
echo "$leaks" | sed 's/^/# /'
exit 1
