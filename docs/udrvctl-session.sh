#!/bin/sh
# The session of docs/udrvctl.md, run in a fresh VM from the top of the tree:
#   vm/run --kernel 6.1 --memory 1G --qemu "-smp 2" --no-bind --device edu,addr=3 \
#     --qemu "-netdev user,id=n0,restrict=on" --device e1000e,netdev=n0,addr=2 \
#     --device pci-serial,addr=0x11 \
#     --device pcie-root-port,id=rp1,chassis=1,slot=1,addr=0xa --device edu,bus=rp1 \
#     --add docs/udrvctl-session.sh \
#     --add build/gen-vm/6.1/bin/myedukp_diag --add build/gen-vm/6.1/bin/myedukp_kp.ko \
#     -- 'sh /bin/udrvctl-session.sh'
# The two myedukp files are the project this session generates, as
# `make check` (tests/gen-build) built it on the host from an earlier boot:
# the guest has no compiler.  Without them the run steps say "not found".
run() { echo "\$ $*"; "$@"; rc=$?; [ $rc -ne 0 ] && echo "[exit status $rc]"; return 0; }
run udrvctl list
run udrvctl list -nn
run udrvctl bind 00:03.0
run udrvctl list -d 1234:11e8
run udrvctl info 00:03.0
run udrvctl info --json 00:03.0
run udrvctl info 00:02.0
run udrvctl info 00:0a.0
run udrvctl list -v -s 01:00.0
run udrvctl cfg 00:03.0
run udrvctl cfg 00:03.0 VENDOR_ID
run udrvctl cfg 00:03.0 COMMAND
run udrvctl cfg 00:03.0 STATUS.B
run udrvctl cfg 00:03.0 CAP_MSI
run udrvctl cfg 00:03.0 CAP_MSI+2
run udrvctl cfg --json 00:03.0 CAP_MSI+2
run udrvctl cfg 00:0a.0 CAP_EXP+0x12
run udrvctl cfg 00:03.0 INTERRUPT_LINE
run udrvctl cfg 00:03.0 INTERRUPT_LINE=0x0a
run udrvctl cfg 00:03.0 INTERRUPT_LINE
run udrvctl read 00:03.0 0 0
run udrvctl read --json 00:03.0 0 0
run udrvctl write 00:03.0 0 4 0x12345678
run udrvctl read 00:03.0 0 4
run udrvctl write 00:03.0 0 0x80 0x1122334455667788 8
run udrvctl read 00:03.0 0 0x80 8
run udrvctl dump 00:03.0 0 0 32
echo '$ udrvctl irq 00:03.0 --count 2 --status 0:0x24 --ack 0:0x64:0xffffffff &'
udrvctl irq 00:03.0 --count 2 --status 0:0x24 --ack 0:0x64:0xffffffff 2>/tmp/irq.err &
pid=$!
while ! grep -q enabled /tmp/irq.err 2>/dev/null; do sleep 0.1; done
cat /tmp/irq.err
echo '$ udrvctl write 00:03.0 0 0x60 0x1'
udrvctl write 00:03.0 0 0x60 0x1
sleep 0.5
echo '$ udrvctl write 00:03.0 0 0x60 0x4'
udrvctl write 00:03.0 0 0x60 0x4
wait $pid
sleep 0.2
tail -1 /tmp/irq.err
run udrvctl dma 00:03.0
run udrvctl dma 00:03.0 --sg
run insmod /lib/udrv/edu_kp.ko
run udrvctl kp list
run udrvctl kp call edu_kp 1 0000000000000000000000000000000000000000000000000000000000000000 --dev 00:03.0
run rmmod edu_kp
# a driver project: generated here, built on the host, run here
run udrvctl gen myedukp 1234:11e8 --kp --status 0:0x24 --ack 0:0x64 -o /tmp/myedukp
run ls /tmp/myedukp
run grep -A2 "YOUR CHOICE" /tmp/myedukp/myedukp_config.h
run myedukp_diag read 0 0
run myedukp_diag irq --raise 0:0x60:1 --count 2
run insmod /bin/myedukp_kp.ko
run myedukp_diag kp version
run myedukp_diag kp irq --intx --raise 0:0x60:1 --count 2
run rmmod myedukp_kp
# the debug monitor
run udrvctl log
run udrvctl log --level trace
run udrvctl read 00:03.0 0 4
echo '$ udrvctl irq 00:03.0 --count 1 --status 0:0x24 --ack 0:0x64:0xffffffff &'
udrvctl irq 00:03.0 --count 1 --status 0:0x24 --ack 0:0x64:0xffffffff 2>/tmp/irq2.err &
pid=$!
while ! grep -q enabled /tmp/irq2.err 2>/dev/null; do sleep 0.1; done
echo '$ udrvctl write 00:03.0 0 0x60 0x1'
udrvctl write 00:03.0 0 0x60 0x1
wait $pid
run udrvctl dma 00:03.0
run udrvctl log
run udrvctl log --level off
run udrvctl bind 00:11.0
run udrvctl list -s 00:11.0
run udrvctl unbind 00:11.0
run udrvctl list -s 00:11.0
run udrvctl read 00:03.0 0 0x100000
run udrvctl cfg 00:03.0 0x100
run udrvctl cfg 00:03.0 CAP_MSIX
run udrvctl cfg 00:03.0 BASE_ADDRESS_0=0
run udrvctl read 00:40.0 0 0
run udrvctl read 00:03.0 0 0xzz
run udrvctl read 00:03.0 0
run udrvctl unbind 00:03.0
run udrvctl read 00:03.0 0 0
run udrvctl cfg 00:03.0 INTERRUPT_LINE 1
run udrvctl read --help
