# Sourced by the host's shell tests (tests/unit/t_*.sh): the repository's
# top, a scratch directory removed on exit, and TAP lines.  Not a *.sh and
# not executable, so tests/run-host does not run it as a test.
# ok STATUS TEXT: "ok" when STATUS is 0, else "not ok" (and failed=1).
# skip TEXT WHY: a skip, counted as a test line.
# shellcheck shell=bash disable=SC2034 # top, tmp and failed are the test's
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; failed=1; fi
}
skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
