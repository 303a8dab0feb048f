#!/bin/sh
# t_gen: udrvctl gen in the guest, against the real edu as the agent
# reports it: a project without a Kernel PlugIn (myedu: no acknowledge
# register named, the safe defaults), one with (myedukp: --status 0:0x24
# --ack 0:0x64, edu's interrupt status and acknowledge), and one with a
# Kernel PlugIn but no acknowledge register (myedunoack: its KP must
# refuse INTx).  The guest
# has no compiler: the two projects leave on stdout as a tar.gz in base64
# between "UDRV-GEN-BEGIN <sha256>" and "UDRV-GEN-END"; tests/gen-build
# (host) builds them after this boot and the hot-plug boot runs what it
# built on edu (t_gen_run.sh).
n=0
fails=0
ok() {	# ok DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - t_gen: $desc"
	else
		echo "not ok $n - t_gen: $desc"
		fails=$((fails + 1))
	fi
}
has() { grep -q -- "$2" "$1"; }

rm -rf /tmp/gen
mkdir -p /tmp/gen
ok "udrvctl gen myedu 1234:11e8 (from the agent)" \
	udrvctl gen myedu 1234:11e8 -o /tmp/gen/myedu
ok "udrvctl gen myedukp 1234:11e8 --kp --status 0:0x24 --ack 0:0x64" \
	udrvctl gen myedukp 1234:11e8 --kp --status 0:0x24 --ack 0:0x64 -o /tmp/gen/myedukp
ok "udrvctl gen myedunoack 1234:11e8 --kp (no acknowledge register)" \
	udrvctl gen myedunoack 1234:11e8 --kp -o /tmp/gen/myedunoack
d=/tmp/gen/myedu/myedu.desc
[ -f $d ] || : >$d
sed 's/^/# /' $d
ok "the description: edu's BAR0, 1 MiB of 32-bit non-prefetchable memory" \
	has $d '^bar 0 mem 1048576 32-bit non-prefetchable$'
ok "the description: INTx and one MSI vector" \
	sh -c "grep -q '^intx yes$' $d && grep -q '^msi 1$' $d"
ok "the KP project has its Kernel PlugIn and config header" \
	sh -c 'test -f /tmp/gen/myedukp/myedukp_kp.c && grep -q "MYEDUKP_IRQ_ACK_OFF	0x64" /tmp/gen/myedukp/myedukp_config.h'
(cd /tmp/gen && tar czf /tmp/gen.tgz myedu myedukp myedunoack)
ok "tar czf of the projects" test -s /tmp/gen.tgz
sum=$(sha256sum /tmp/gen.tgz | cut -d' ' -f1)
echo "UDRV-GEN-BEGIN $sum"
base64 /tmp/gen.tgz
echo "UDRV-GEN-END"
echo "1..$n"
[ "$fails" -eq 0 ]
