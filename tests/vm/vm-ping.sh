#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# VM suite: QEMU guests on yard-dp, run by yardd.
#
#   vm-ping.sh YARD_DP YARDD YARDCTL BUILD_GUEST GUEST_DIR
#
# One topology, applied with yardctl: networks blue and red, three vhost
# ports, three VMs (the busybox guest of hv-integration/guest). It proves
#   - vm1 and vm2 in blue ping each other with 0% loss; vm3 in red reaches
#     neither; the time from apply to vm2's first answered ping is printed;
#   - restart: kill -9 yard-dp while vm2 pings vm1, start it again empty:
#     yardd reprograms it, the vhost-user connections come back, the ping
#     resumes, the guests were not rebooted (same QEMU pids, one boot in
#     the console); the gap is printed in ms;
#   - adoption: kill -9 yardd and start it again: it finds the running
#     QEMUs through their pid files and QMP sockets (same pids), and starts
#     none twice.
# Needs root and qemu-system-x86_64; otherwise exits 77 (skipped).
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: $0 YARD_DP YARDD YARDCTL BUILD_GUEST GUEST_DIR" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARDD=$(realpath "$2")
YARDCTL=$(realpath "$3")
BUILD_GUEST=$(realpath "$4")
GUEST_DIR=$5
# shellcheck source=tests/lib/vm.sh disable=SC1091
. "$(dirname "$0")/../lib/vm.sh"
yard_vm_init vm
now() { date +%s.%N; }

"$BUILD_GUEST" "$GUEST_DIR" >/dev/null
vm() { # NAME NETWORK IP RUN
	cat <<EOF
  - name: $1
    nics: [$1-eth0]
    kernel: $GUEST_DIR/vmlinux
    initrd: $GUEST_DIR/initramfs.cpio.gz
    cmdline: 'quiet yard.ip=$3/24 yard.run="$4"'
EOF
}
{
	cat <<EOF
networks:
  - name: blue
  - name: red
ports:
  - {name: vm1-eth0, kind: vhost, network: blue, socket: $TMP/vm1.sock, mac: "52:54:00:92:00:01", ips: [10.92.0.1]}
  - {name: vm2-eth0, kind: vhost, network: blue, socket: $TMP/vm2.sock, mac: "52:54:00:92:00:02", ips: [10.92.0.2]}
  - {name: vm3-eth0, kind: vhost, network: red, socket: $TMP/vm3.sock, mac: "52:54:00:92:00:03", ips: [10.92.0.3]}
vms:
EOF
	vm vm1 blue 10.92.0.1 "sleep 100000"
	vm vm2 blue 10.92.0.2 "ping -i 0.1 10.92.0.1"
	vm vm3 red 10.92.0.3 "ping -c 5 -W 1 10.92.0.1"
} >"$TMP/topo.yaml"

yard_dp_up
yardd_up
T0=$(now)
ctl apply -f "$TMP/topo.yaml"

# ---- Boot and ping ----
FIRST=
for _ in $(seq 600); do
	if console vm2 | grep -q 'bytes from'; then FIRST=$(now); break; fi
	sleep 0.1
done
[ -n "$FIRST" ] || fail "vm2 got no ping answer within 60 s"
BOOT_MS=$(python3 -c "print(round(($FIRST - $T0) * 1000))")
echo "ok: vm2 pinged vm1 ${BOOT_MS} ms after the apply (boot of 3 VMs under $(grep -o 'tcg\|kvm' "$TMP/yardd.log" | head -1))"
ctl vm list
grep -q 'accel\|probe\|KVM\|kvm' "$TMP/yardd.log" && grep -iE 'probe|kvm' "$TMP/yardd.log" | head -2

for _ in $(seq 150); do console vm3 | grep -q 'packet loss' && break; sleep 0.1; done
console vm3 | grep -q '100% packet loss' || fail "vm3 (red) reached vm1: $(console vm3 | grep 'packet loss')"
echo "ok: vm3 in red cannot reach vm1: $(console vm3 | grep -o '[0-9]* packets transmitted.*loss')"

seqs() { console vm2 | sed -n 's/.*seq=\([0-9]*\).*/\1/p'; }
sleep 2
python3 - "$(seqs | tr '\n' ' ')" <<'PY' || fail "vm2's ping lost answers inside blue"
import sys
s = [int(x) for x in sys.argv[1].split()]
missing = sorted(set(range(s[0], s[-1] + 1)) - set(s))
print(f"ok: vm2 -> vm1: {len(s)} answers, seq {s[0]}..{s[-1]}, {len(missing)} lost (0%)" if not missing
      else f"lost seqs: {missing}")
sys.exit(1 if missing else 0)
PY

# ---- Restart of yard-dp under running guests ----
P1=$(qemu_pid vm1)
P2=$(qemu_pid vm2)
# QEMU runs as the policy's qemu_user (nobody here) under seccomp.
for pid in "$P1" "$P2"; do
	uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
	sec=$(awk '/^Seccomp:/ {print $2}' "/proc/$pid/status")
	[ "$uid" = "$(id -u nobody)" ] && [ "$sec" = 2 ] ||
		fail "QEMU $pid runs as uid $uid with Seccomp $sec, want $(id -u nobody) and 2"
done
echo "ok: QEMU runs as nobody (uid $(id -u nobody)) with seccomp filtering (Seccomp: 2)"
BEFORE=$(seqs | tail -1)
kill -KILL "$DP_PID"
wait "$DP_PID" 2>/dev/null || true
yard_dp_up
for _ in $(seq 300); do
	[ "$(seqs | tail -1)" -gt "$((BEFORE + 5))" ] && break
	sleep 0.1
done
# Pings sent while yard-dp was away wait in the vring and are answered
# late, or are lost: the stall is the longest round trip after the kill,
# and the lost ones are the missing sequence numbers.
read -r GAP LOST < <(console vm2 | python3 -c "
import re, sys
before = $BEFORE
rt = {int(m.group(1)): float(m.group(2)) for m in
      re.finditer(r'seq=(\d+) ttl=\d+ time=([0-9.]+) ms', sys.stdin.read())}
after = sorted(k for k in rt if k > before)
if not after:
    print(-1, -1)
else:
    lost = len(set(range(before + 1, after[-1] + 1)) - set(after))
    print(round(max(rt[k] for k in after)), lost)")
[ "$GAP" -ge 0 ] || fail "vm2's ping did not resume after yard-dp's restart"
[ "$(qemu_pid vm1)" = "$P1" ] && [ "$(qemu_pid vm2)" = "$P2" ] || fail "a QEMU was restarted"
[ "$(console vm2 | grep -c 'yard-guest: eth0 10.92.0.2/24 up')" -eq 1 ] || fail "vm2 rebooted"
echo "ok: yard-dp kill -9 + restart: guests kept running (same QEMU pids, one boot); ping stalled ${GAP} ms, ${LOST} lost"

# ---- yardd restart: adoption ----
kill -KILL "$YD_PID"
wait "$YD_PID" 2>/dev/null || true
YD_PID=
yardd_up
sleep 3
for v in vm1 vm2 vm3; do
	ctl --json vm list | python3 -c "
import json, sys
st = {o['object']['name']: o['status'] for o in json.load(sys.stdin)}
sys.exit(0 if st.get('$v') == 'running' else 1)" || fail "$v is not running after yardd's restart"
done
[ "$(qemu_pid vm1)" = "$P1" ] && [ "$(qemu_pid vm2)" = "$P2" ] || fail "yardd started a VM twice"
ADOPTED=$(grep -c '^yardd: vm .*: adopted' "$TMP/yardd.log" || true)
[ "$ADOPTED" -eq 3 ] || fail "yardd adopted $ADOPTED of 3 running QEMUs"
echo "ok: yardd kill -9 + restart: 3 VMs adopted, none started twice"

echo
echo "== summary"
echo "  apply -> first ping answered (3 VMs, TCG): ${BOOT_MS} ms"
echo "  yard-dp restart under running guests     : ping stalled ${GAP} ms, ${LOST} lost"
echo "PASS"
