#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# VM suite: a VM comes and goes 20 times on one vhost port; yard-dp's open
# descriptors come back to the same count and its resident memory to where
# it was (within 2 MiB: malloc arenas), and a second VM on another port
# keeps answering pings throughout: a guest that comes and goes stalls no
# other port.
#
#   vm-churn.sh YARD_DP YARDD YARDCTL BUILD_GUEST GUEST_DIR [CYCLES]
set -euo pipefail
[ $# -ge 5 ] || { echo "usage: $0 YARD_DP YARDD YARDCTL BUILD_GUEST GUEST_DIR [CYCLES]" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARDD=$(realpath "$2")
YARDCTL=$(realpath "$3")
BUILD_GUEST=$(realpath "$4")
GUEST_DIR=$5
CYCLES=${6:-20}
# shellcheck source=tests/lib/vm.sh disable=SC1091
. "$(dirname "$0")/../lib/vm.sh"
yard_vm_init churn
fds() { ls "/proc/$DP_PID/fd" | wc -l; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$DP_PID/status"; }

"$BUILD_GUEST" "$GUEST_DIR" >/dev/null
yard_dp_up
yardd_up

cat >"$TMP/topo.yaml" <<EOF
networks: [{name: blue}]
ports:
  - {name: steady-eth0, kind: vhost, network: blue, socket: $TMP/steady.sock}
  - {name: churn-eth0, kind: vhost, network: blue, socket: $TMP/churn.sock}
vms:
  - name: steady
    nics: [steady-eth0]
    kernel: $GUEST_DIR/vmlinux
    initrd: $GUEST_DIR/initramfs.cpio.gz
    cmdline: 'quiet yard.ip=10.93.0.1/24'
EOF
ctl apply -f "$TMP/topo.yaml" >/dev/null
wait_console steady 'yard-guest: ready' 60 || fail "the steady VM did not boot"

churn_vm() {
	ctl vm create churn nics=churn-eth0 "kernel=$GUEST_DIR/vmlinux" \
		"initrd=$GUEST_DIR/initramfs.cpio.gz" \
		'cmdline=quiet yard.ip=10.93.0.2/24 yard.run="ping -c 1 -W 3 10.93.0.1"' >/dev/null
}
# One cycle first, so that what a first connection allocates once (vhost
# queues, the mempool's per-lcore caches) is in the baseline.
churn_vm
wait_console churn 'yard-guest: run exit=0' 60 || fail "warm-up cycle: no ping answer"
ctl vm delete churn >/dev/null
sleep 1
FD0=$(fds)
RSS0=$(rss_kb)
T0=$SECONDS
LAST_PID=
for i in $(seq "$CYCLES"); do
	[ -e "$TMP/vms/churn" ] && fail "cycle $i: the deleted VM's state directory is still there"
	churn_vm
	PID=$(cat "$TMP/vms/churn/qemu.pid" 2>/dev/null || echo none)
	[ "$PID" != none ] && [ "$PID" != "$LAST_PID" ] && kill -0 "$PID" ||
		fail "cycle $i: no new QEMU runs (pid $PID, before $LAST_PID)"
	LAST_PID=$PID
	wait_console churn 'yard-guest: run exit=' 60 || fail "cycle $i: the VM did not boot"
	console churn | grep -q 'run exit=0' || fail "cycle $i: the churned VM could not ping the steady one"
	ctl vm stop churn >/dev/null
	ctl vm delete churn >/dev/null
done
sleep 1
FD1=$(fds)
RSS1=$(rss_kb)
echo "ok: $CYCLES create/start/stop/delete cycles in $((SECONDS - T0)) s, each VM pinged the steady one"
echo "    yard-dp descriptors: $FD0 before, $FD1 after; resident memory: $RSS0 KiB before, $RSS1 KiB after"
[ "$FD1" -eq "$FD0" ] || fail "yard-dp leaked $((FD1 - FD0)) descriptors"
[ "$RSS1" -le $((RSS0 + 2048)) ] || fail "yard-dp's memory grew by $((RSS1 - RSS0)) KiB"
if [ -f "$TMP/vms/churn/qemu.pid" ] && kill -0 "$(cat "$TMP/vms/churn/qemu.pid")" 2>/dev/null; then
	fail "a churned QEMU still runs"
fi
ctl stats ports
echo "PASS"
