#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: yardd restores a router after yard-dp dies under routed
# traffic.
#
#   rt-resync.sh YARD_DP YARDD YARDCTL
#
# Two namespaces on veth pairs (net_af_packet ports, which outlive a
# yard-dp restart): a (10.79.1.2) in network blue, b (10.79.2.2) in red;
# router r1 joins them (10.79.1.1, 10.79.2.1), applied with yardctl. It
# proves that
#   - a pings b through r1, and yardctl lists r1 as programmed;
#   - kill -9 of yard-dp under ping -i 0.05, then a restart with no
#     topology: yardd alone gives r1 back (same interface MACs, so the
#     hosts' ARP caches stay right) and the ping resumes; the time from
#     restart to the first routed answer is printed;
#   - yardctl lists r1 as programmed again.
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
NS=("yrr-$ID-a" "yrr-$ID-b")
VETH=("yrra-$ID" "yrrb-$ID")
ADDR=(10.79.1.2 10.79.2.2)
GW=(10.79.1.1 10.79.2.1)
PREFIX="yard-rt-resync-$ID"
TMP=$(mktemp -d /tmp/yard-rt-resync.XXXXXX)
DP_SOCK=$TMP/dp.sock
YD_SOCK=$TMP/yardd.sock
DP_PID=
YD_PID=
PING_PID=

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	for pid in $PING_PID $YD_PID $DP_PID; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $PING_PID $YD_PID $DP_PID; do
		timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	done
	for i in 0 1; do
		ip netns del "${NS[$i]}" 2>/dev/null
		ip link del "${VETH[$i]}" 2>/dev/null
	done
	rm -rf "/var/run/dpdk/$PREFIX" "$TMP"
	[ "$rc" -ne 0 ] && echo "rt-resync: FAILED (exit $rc)"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*"; [ -f "$TMP/yardd.log" ] && tail -20 "$TMP/yardd.log"; exit 1; }
ctl() { "$YARDCTL" --socket "$YD_SOCK" "$@"; }
now() { date +%s.%N; }

for i in 0 1; do
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
printf 'phy_driver = net_af_packet\niface = %s\niface = %s\n' "${VETH[@]}" >"$TMP/yardd.conf"
start_yardd() {
	"$YARDD" --socket "$YD_SOCK" --db "$TMP/yardd.db" --dataplane "$DP_SOCK" --vm-dir "$TMP/vms" \
		--config "$TMP/yardd.conf" \
		>>"$TMP/yardd.log" 2>&1 &
	YD_PID=$!
	for _ in $(seq 100); do [ -S "$YD_SOCK" ] && return; sleep 0.05; done
	fail "yardd did not create $YD_SOCK"
}
# r1's status in yardctl's list: programmed, not pending.
check_programmed() {
	ctl --json list routers | python3 -c '
import json, sys
rows = json.load(sys.stdin)
rows = rows.get("routers", rows) if isinstance(rows, dict) else rows
st = [r.get("status") for r in rows if r.get("object", r).get("name") == "r1"]
sys.exit(0 if st == ["programmed"] else "r1: %s" % st)'
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
  - {name: b, kind: phy, network: red, devargs: "net_af_packet_b$ID,iface=${VETH[1]}"}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: ${GW[0]}/24}
      - {network: red, address: ${GW[1]}/24}
EOF

start_dp
start_yardd
ctl apply -f "$TMP/topo.yaml"
for _ in $(seq 100); do
	[ "$(status_field "['dataplane']['connected']")" = True ] && break
	sleep 0.1
done
ip netns exec "${NS[0]}" ping -c 3 -i 0.2 -W 1 "${ADDR[1]}" >/dev/null ||
	fail "no routed ping a -> b through r1 after apply"
check_programmed || fail "r1 is not programmed"
echo "ok: r1 applied with yardctl and programmed; a pings b through it"

# ---- kill -9 of yard-dp under a routed ping ----
ip netns exec "${NS[0]}" ping -D -i 0.05 "${ADDR[1]}" >"$TMP/ping.log" 2>&1 &
PING_PID=$!
sleep 1
kill -KILL "$DP_PID"
wait "$DP_PID" 2>/dev/null || true
sleep 0.5
T0=$(now)
start_dp
T1=
for _ in $(seq 300); do
	T1=$(python3 - "$TMP/ping.log" "$T0" <<'PY'
import re, sys
t0 = float(sys.argv[2])
for line in open(sys.argv[1]):
    m = re.match(r"\[(\d+\.\d+)\] \d+ bytes from", line)
    if m and float(m.group(1)) > t0:
        print(m.group(1)); break
PY
)
	[ -n "$T1" ] && break
	sleep 0.1
done
[ -n "$T1" ] || fail "the routed ping did not resume within 30 s of yard-dp's restart"
RESYNC_MS=$(python3 -c "print(round(($T1 - $T0) * 1000))")
kill -INT "$PING_PID"; wait "$PING_PID" 2>/dev/null || true; PING_PID=
check_programmed || fail "r1 is not programmed after the restart"
echo "ok: yard-dp killed (-9) under a routed ping and restarted with no topology; yardd restored r1; first routed answer ${RESYNC_MS} ms after the restart"

echo
echo "== summary"
echo "  routed resync (yard-dp kill -9 -> first ping through r1 answered): ${RESYNC_MS} ms"
