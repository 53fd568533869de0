#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: yardd keeps yard-dp programmed across crashes of either.
#
#   control-resync.sh YARD_DP YARDD YARDCTL
#
# Three namespaces joined by veth pairs to yard-dp (net_af_packet ports,
# which outlive a yard-dp restart as a VM's vhost-user socket would): a and
# b in network blue, c in red, router r1 between blue and red. yardd holds
# the topology, applied with yardctl. It proves that
#   - resync: kill -9 yard-dp while ping -i 0.05 runs a -> b and a -> c
#     (routed by r1), start it again with no topology: yardd alone restores
#     the state, the router too, and both pings resume (the time from
#     restart to the first answered ping of each is printed);
#   - headless: with yardd killed (-9) for 10 s, not one ping is lost;
#   - quiet restart: a restarted yardd finds the dataplane in the desired
#     state and sends it no change at all.
# Needs root, ip netns, ping; otherwise exits 77 (skipped). Everything it
# makes carries this run's pid and is removed on exit, also on failure.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 YARD_DP YARDD YARDCTL" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARDD=$(realpath "$2")
YARDCTL=$(realpath "$3")

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (namespaces, af_packet)"
for tool in ip ping python3 timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip "'$tool' is missing"
done

ID=$$
NS=("yc-$ID-a" "yc-$ID-b" "yc-$ID-c")
VETH=("yca-$ID" "ycb-$ID" "ycc-$ID")
ADDR=(10.78.0.1 10.78.0.2 10.78.1.3)
GW=(10.78.0.254 10.78.0.254 10.78.1.254)
PREFIX="yard-resync-$ID"
TMP=$(mktemp -d /tmp/yard-resync.XXXXXX)
DP_SOCK=$TMP/dp.sock
YD_SOCK=$TMP/yardd.sock
DP_PID=
YD_PID=
PING_PID=
PING2_PID=

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	for pid in $PING_PID $PING2_PID $YD_PID $DP_PID; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $PING_PID $PING2_PID $YD_PID $DP_PID; do
		timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	done
	for i in 0 1 2; do
		ip netns del "${NS[$i]}" 2>/dev/null
		ip link del "${VETH[$i]}" 2>/dev/null
	done
	rm -rf "/var/run/dpdk/$PREFIX" "$TMP"
	[ "$rc" -ne 0 ] && echo "control-resync: FAILED (exit $rc)"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*"; [ -f "$TMP/yardd.log" ] && tail -20 "$TMP/yardd.log"; exit 1; }
ctl() { "$YARDCTL" --socket "$YD_SOCK" "$@"; }
now() { date +%s.%N; }

for i in 0 1 2; do
	ip netns add "${NS[$i]}"
	ip link add "${VETH[$i]}" type veth peer name eth0 netns "${NS[$i]}"
	ip link set "${VETH[$i]}" up
	ip -n "${NS[$i]}" addr add "${ADDR[$i]}/24" dev eth0
	ip -n "${NS[$i]}" link set eth0 up
	ip -n "${NS[$i]}" link set lo up
	ip -n "${NS[$i]}" route add default via "${GW[$i]}"
done

start_dp() {
	"$YARD_DP" --socket "$DP_SOCK" --file-prefix "$PREFIX" --log-level warning \
		-- --no-pci >>"$TMP/yard-dp.log" 2>&1 &
	DP_PID=$!
}
# The host policy lets the ports open the two veths, and nothing else.
printf 'phy_driver = net_af_packet\niface = %s\niface = %s\niface = %s\n' "${VETH[@]}" >"$TMP/yardd.conf"
start_yardd() {
	"$YARDD" --socket "$YD_SOCK" --db "$TMP/yardd.db" --dataplane "$DP_SOCK" --vm-dir "$TMP/vms" \
		--config "$TMP/yardd.conf" \
		>>"$TMP/yardd.log" 2>&1 &
	YD_PID=$!
	for _ in $(seq 100); do [ -S "$YD_SOCK" ] && return; sleep 0.05; done
	fail "yardd did not create $YD_SOCK"
}
status_field() {
	ctl --json status | python3 -c "import json,sys; print(json.load(sys.stdin)$1)"
}

cat >"$TMP/topo.yaml" <<EOF
networks:
  - name: blue
  - name: red
ports:
  - {name: a, kind: phy, network: blue, devargs: "net_af_packet_a$ID,iface=${VETH[0]}"}
  - {name: b, kind: phy, network: blue, devargs: "net_af_packet_b$ID,iface=${VETH[1]}"}
  - {name: c, kind: phy, network: red, devargs: "net_af_packet_c$ID,iface=${VETH[2]}"}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: ${GW[0]}/24}
      - {network: red, address: ${GW[2]}/24}
EOF

start_dp
start_yardd
ctl apply -f "$TMP/topo.yaml"
for _ in $(seq 100); do
	[ "$(status_field "['dataplane']['connected']")" = True ] && break
	sleep 0.1
done
ip netns exec "${NS[0]}" ping -c 3 -i 0.2 -W 1 "${ADDR[1]}" >/dev/null ||
	fail "no ping through yard-dp after apply"
ip netns exec "${NS[0]}" ping -c 3 -i 0.2 -W 1 "${ADDR[2]}" >/dev/null ||
	fail "no routed ping a -> c through r1 after apply"
echo "ok: topology applied with yardctl; ping a -> b works, and a -> c through r1"
ctl list ports

# ---- Resync after kill -9 of yard-dp ----
ip netns exec "${NS[0]}" ping -D -i 0.05 "${ADDR[1]}" >"$TMP/ping.log" 2>&1 &
PING_PID=$!
ip netns exec "${NS[0]}" ping -D -i 0.05 "${ADDR[2]}" >"$TMP/ping2.log" 2>&1 &
PING2_PID=$!
sleep 1
kill -KILL "$DP_PID"
wait "$DP_PID" 2>/dev/null || true
sleep 0.5
T0=$(now)
start_dp
# resumed LOG: ms from the restart to the first ping answered in LOG after it.
resumed() {
	local t1=
	for _ in $(seq 300); do
		t1=$(python3 - "$1" "$T0" <<'PY'
import re, sys
t0 = float(sys.argv[2])
for line in open(sys.argv[1]):
    m = re.match(r"\[(\d+\.\d+)\] \d+ bytes from", line)
    if m and float(m.group(1)) > t0:
        print(m.group(1)); break
PY
)
		[ -n "$t1" ] && break
		sleep 0.1
	done
	[ -n "$t1" ] || return 1
	python3 -c "print(round(($t1 - $T0) * 1000))"
}
RESYNC_MS=$(resumed "$TMP/ping.log") || fail "ping did not resume within 30 s of yard-dp's restart"
ROUTED_MS=$(resumed "$TMP/ping2.log") || fail "the routed ping a -> c did not resume within 30 s of yard-dp's restart"
echo "ok: yard-dp restarted with no topology; yardd restored it; first ping answered ${RESYNC_MS} ms after the restart, first routed one (through r1) ${ROUTED_MS} ms"
[ "$(status_field "['dataplane']['resyncs']")" -ge 2 ] || fail "yardd did not reconnect"
kill -INT "$PING_PID" "$PING2_PID"; wait "$PING_PID" "$PING2_PID" 2>/dev/null || true; PING_PID= PING2_PID=

# ---- Headless: yardd down for 10 s ----
kill -KILL "$YD_PID"; wait "$YD_PID" 2>/dev/null || true; YD_PID=
ip netns exec "${NS[0]}" ping -q -i 0.05 -c 200 "${ADDR[1]}" >"$TMP/headless.log" 2>&1 || true
LOSS=$(sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' "$TMP/headless.log")
SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$TMP/headless.log")
[ "$LOSS" = 0 ] || fail "$LOSS% of pings lost while yardd was down"
echo "ok: yardd down (kill -9) for 10 s: $SENT pings, 0 lost"

# ---- Quiet restart: no change for a dataplane in the desired state ----
start_yardd
for _ in $(seq 100); do
	[ "$(status_field "['dataplane']['connected']")" = True ] && break
	sleep 0.1
done
OPS=$(status_field "['dataplane']['last_sync_ops']")
[ "$OPS" = 0 ] || fail "restarted yardd pushed $OPS change(s) to a dataplane already in sync"
echo "ok: restarted yardd found yard-dp in sync and pushed 0 changes"

# ---- One change costs the difference: one operation, no re-read ----
READS=$(status_field "['dataplane']['reads']")
ctl create network name=extra >/dev/null || fail "create network extra"
ctl update network name=extra mac_limit=100 >/dev/null || fail "update network extra"
OPS=$(status_field "['dataplane']['last_sync_ops']")
[ "$OPS" = 1 ] || fail "a one-object update sent $OPS operations to yard-dp"
[ "$(status_field "['dataplane']['reads']")" = "$READS" ] ||
	fail "a change read yard-dp's whole state again (topology.export)"
"$(dirname "$0")/../../tools/yard-rpc" --socket "$DP_SOCK" --compact network.list | grep -q "\"mac_limit\": *100" || fail "yard-dp did not get the update"
ctl delete network extra >/dev/null || fail "delete network extra"
echo "ok: a one-object change sent 1 operation and read nothing back"

echo
echo "== summary"
echo "  resync (yard-dp kill -9 -> first ping answered): ${RESYNC_MS} ms"
echo "  the same, routed through r1                      : ${ROUTED_MS} ms"
echo "  pings lost while yardd was down 10 s            : 0 of $SENT"
echo "  changes pushed by a restarted yardd              : 0"
