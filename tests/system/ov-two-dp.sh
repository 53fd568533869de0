#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: two yard-dp processes, each with its own VTEP, stretch one
# network across a shared underlay.
#
#   ov-two-dp.sh YARD_DP [YARD_DP_B]
#
# Two yard-dp processes, A and B (YARD_DP_B: B's binary, default YARD_DP),
# each with its own API socket and DPDK file prefix and two tap ports:
#   h (network blue, VNI 1001): moved into a namespace of its own, the host
#      behind that side: 10.77.0.1 behind A, 10.77.0.2 behind B, MTU 1450;
#   ul (no network): the overlay's underlay; both underlay taps go into ONE
#      namespace where a Linux bridge joins them (the underlay "switch").
# A's VTEP is 192.0.2.1, B's 192.0.2.2, each the other's only peer in VNI
# 1001. It proves that the hosts ping each other both ways with no loss
# (ARP across the overlay, each VTEP resolving the other with ARP,
# encapsulation one yard-dp decapsulates), that iperf3 runs across (its
# rate is printed), that vtep.list on each side shows the peer resolved
# with traffic both ways, and that fdb.list on each side shows the far
# host's MAC behind the peer's VTEP. Needs root, iproute2 with bridges,
# ping and iperf3; otherwise it exits 77. Everything carries this run's
# pid and goes on exit.

set -euo pipefail

[ $# -eq 1 ] || [ $# -eq 2 ] || { echo "usage: $0 YARD_DP [YARD_DP_B]" >&2; exit 2; }
YARD_DP_A=$(realpath "$1")
YARD_DP_B=$(realpath "${2:-$1}")
for b in "$YARD_DP_A" "$YARD_DP_B"; do
	[ -x "$b" ] || { echo "ov-two-dp: $b: not an executable" >&2; exit 2; }
done

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh disable=SC1091
. "$HERE/../lib/netns.sh"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (namespaces, taps, a bridge)"
for tool in ip ping iperf3 python3 ss timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip "'$tool' is missing"
done
ip netns list >/dev/null 2>&1 || skip "'ip netns' does not work here"
[ -e /dev/net/tun ] || skip "/dev/net/tun is missing"

START=$SECONDS
ID=$$
# One temp dir for both sides; netns.sh's TMP, SOCK, LOG, PREFIX, DP_PID
# are side A's, the *_B variables side B's.
yard_run_init yard-test-a yard-ov-two-dp
PREFIX_B=yard-test-b-$ID
SOCK_B=$TMP/dp-b.sock
LOG_B=$TMP/yard-dp-b.log
DP_PID_B=
# nsx 0, 1, 2: host A, host B, the underlay (the bridge).
NS=("y2-$ID-ha" "y2-$ID-hb" "y2-$ID-ul")
# Taps: the hosts' and the underlay ports'; the bridge.
TAP_H=("y2ha-$ID" "y2hb-$ID")
TAP_U=("y2ua-$ID" "y2ub-$ID")
BR=y2br-$ID
IPERF_PID=
FAILED=0

# dp_stop_report NAME PID LOGFILE RC: stop one yard-dp, print a failure
# and its log's tail. Sets RC_OUT (RC, or 1 when the stop went wrong).
dp_stop_report() {
	RC_OUT=$4
	proc_stop "$2"
	if [ "$STOP_HOW" != term ] || [ "$STOP_STATUS" -ne 0 ]; then
		echo "FAIL: yard-dp $1 stop: $STOP_HOW, status $STOP_STATUS"
		RC_OUT=1
	fi
	if [ "$RC_OUT" -ne 0 ] && [ "$RC_OUT" -ne 77 ] && [ -s "$3" ]; then
		echo "---- yard-dp $1 log (last 30 lines) ----"
		tail -n 30 "$3"
	fi
}

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
	local rc=$? i p
	yard_traps_clear
	if [ -n "$IPERF_PID" ]; then
		kill "$IPERF_PID" 2>/dev/null
		wait "$IPERF_PID" 2>/dev/null
	fi
	if [ -n "$DP_PID" ]; then
		dp_stop_report A "$DP_PID" "$LOG" "$rc"
		rc=$RC_OUT
	fi
	if [ -n "$DP_PID_B" ]; then
		dp_stop_report B "$DP_PID_B" "$LOG_B" "$rc"
		rc=$RC_OUT
	fi
	for i in 0 1 2; do
		for p in $(ip netns pids "${NS[$i]}" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "${NS[$i]}" 2>/dev/null
	done
	# Taps still in the root namespace (an early failure); the bridge is
	# gone with its namespace, but may not have got there.
	for i in 0 1; do
		ip link del "${TAP_H[$i]}" 2>/dev/null
		ip link del "${TAP_U[$i]}" 2>/dev/null
	done
	ip link del "$BR" 2>/dev/null
	if [ -z "$DP_PID_B" ] || ! kill -0 "$DP_PID_B" 2>/dev/null; then
		rm -rf "/var/run/dpdk/$PREFIX_B"
	fi
	yard_run_cleanup	# A's DPDK files and TMP
	echo "ov-two-dp: $((SECONDS - START)) s, exit $rc"
	exit "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; FAILED=1; }
die() { echo "FAIL: $*"; exit 1; }
# rpc_b METHOD [PARAMS]: rpc, to yard-dp B.
rpc_b() { "$YARD_RPC" --socket "$SOCK_B" --compact "$@"; }
diagnose() {
	local side
	for side in A B; do
		local call=rpc
		[ "$side" = A ] || call=rpc_b
		echo "---- $side: vtep.list ----"; $call vtep.list || true
		echo "---- $side: fdb.list ----"; $call fdb.list || true
		echo "---- $side: stats.drops ----"
		$call stats.drops | py 'print({k: v for k, v in d.items() if v})' || true
	done
}
# ping_loss I DST: loss % of 20 pings from namespace I.
ping_loss() {
	local out l
	out=$(nsx "$1" ping -c 20 -i 0.05 -W 1 "$2" 2>&1) || true
	l=$(loss "$out")
	echo "${l:-100}"
}

# topology_write FILE SIDE(0|1) VTEP PEER MAC
topology_write() {
	cat >"$1" <<EOT
networks:
  - {name: blue, vni: 1001}
ports:
  - {name: h, kind: tap, network: blue, devargs: "net_tap0,iface=${TAP_H[$2]}"}
  - {name: ul, kind: tap, devargs: "net_tap1,iface=${TAP_U[$2]}", mac: "$5"}
overlay:
  port: ul
  address: $3/24
  peers:
    - {vni: 1001, vteps: [$4]}
EOT
}
topology_write "$TMP/topology-a.yaml" 0 192.0.2.1 192.0.2.2 02:00:00:00:0a:fe
topology_write "$TMP/topology-b.yaml" 1 192.0.2.2 192.0.2.1 02:00:00:00:0b:fe

# dp_ready PID SOCKET SIDE: 0 once yard-dp answers on SOCKET and its two
# taps exist; 1 if it exited; 2 after ~20 s.
dp_ready() {
	local t
	for ((t = 0; t < 200; t++)); do
		kill -0 "$1" 2>/dev/null || return 1
		if [ -S "$2" ] &&
		   "$YARD_RPC" --socket "$2" --compact version >/dev/null 2>&1 &&
		   ip link show "${TAP_H[$3]}" >/dev/null 2>&1 &&
		   ip link show "${TAP_U[$3]}" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 2
}

# --no-pci: the taps are all they need; EAL must never probe the host's NICs.
# shellcheck disable=SC2153  # PREFIX: set by yard_run_init
"$YARD_DP_A" --socket "$SOCK" --workers 1 --topology "$TMP/topology-a.yaml" \
	--file-prefix "$PREFIX" -- --no-pci >"$LOG" 2>&1 &
DP_PID=$!
"$YARD_DP_B" --socket "$SOCK_B" --workers 1 --topology "$TMP/topology-b.yaml" \
	--file-prefix "$PREFIX_B" -- --no-pci >"$LOG_B" 2>&1 &
DP_PID_B=$!
dp_ready "$DP_PID" "$SOCK" 0 || case $? in
	1) die "yard-dp A exited during start-up" ;;
	*) die "yard-dp A not ready after 20 s" ;;
esac
dp_ready "$DP_PID_B" "$SOCK_B" 1 || case $? in
	1) die "yard-dp B exited during start-up" ;;
	*) die "yard-dp B not ready after 20 s" ;;
esac

# The underlay: both underlay taps in one namespace, joined by a bridge.
ip netns add "${NS[2]}"
nsx 2 ip link set lo up
nsx 2 ip link add "$BR" type bridge
# The tap PMD gives the kernel's end of each tap the port's MAC, the VTEP's:
# a bridge port's own MAC is a local address of the bridge, which would
# keep frames to that VTEP for itself. The kernel ends get MACs of their own.
for i in 0 1; do
	ip link set "${TAP_U[$i]}" netns "${NS[2]}"
	nsx 2 ip link set "${TAP_U[$i]}" address "02:00:00:00:0$i:01"
	nsx 2 ip link set "${TAP_U[$i]}" master "$BR"
	nsx 2 ip link set "${TAP_U[$i]}" up
done
nsx 2 ip link set "$BR" up
# The hosts, one behind each yard-dp.
for i in 0 1; do
	ip netns add "${NS[$i]}"
	ip link set "${TAP_H[$i]}" netns "${NS[$i]}"
	nsx "$i" ip link set lo up
	nsx "$i" ip addr add "10.77.0.$((i + 1))/24" dev "${TAP_H[$i]}"
	nsx "$i" ip link set "${TAP_H[$i]}" mtu 1450
	nsx "$i" ip link set "${TAP_H[$i]}" up
done
echo "ok: host A 10.77.0.1 - yard-dp A (VTEP 192.0.2.1) - bridge $BR - (VTEP 192.0.2.2) yard-dp B - host B 10.77.0.2"

# ---- 1. Across the overlay, both ways ----
L1=$(ping_loss 0 10.77.0.2)
L2=$(ping_loss 1 10.77.0.1)
echo "ping A -> B: $L1% loss; B -> A: $L2%"
[ "$L1" -eq 0 ] || fail "host A -> host B lost $L1% (want 0%)"
[ "$L2" -eq 0 ] || fail "host B -> host A lost $L2% (want 0%)"

# ---- 2. iperf3 across ----
nsx 1 iperf3 -s -1 -B 10.77.0.2 >"$TMP/iperf-server.log" 2>&1 &
IPERF_PID=$!
for ((t = 0; t < 50; t++)); do
	nsx 1 ss -Hltn "sport = :5201" 2>/dev/null | grep -q . && break
	sleep 0.1
done
if out=$(nsx 0 timeout 20 iperf3 -c 10.77.0.2 -t 3 -f m 2>&1); then
	rate=$(awk '/receiver/ { print $(NF-2), $(NF-1) }' <<<"$out" | tail -n 1)
	echo "iperf3 host A -> host B across two yard-dp VTEPs: $rate"
	[ -n "$rate" ] || fail "iperf3 printed no receiver rate"
else
	echo "$out" | tail -n 5
	fail "iperf3 host A -> host B failed"
	# No client reached the server: it would wait for one for ever.
	kill "$IPERF_PID" 2>/dev/null || true
fi
wait "$IPERF_PID" 2>/dev/null || true
IPERF_PID=

# ---- 3. What each yard-dp shows ----
# check_side NAME RPC PEER: vtep.list shows PEER resolved with at least 20
# packets each way (the pings); fdb.list the far host's MAC behind it.
check_side() {
	local vt fdb mac
	vt=$($2 vtep.list)
	if PEER=$3 py 'import os; v = [e for e in d if e["vtep"] == os.environ["PEER"]]; exit(0 if len(v) == 1 and v[0]["resolved"] and v[0]["rx_packets"] >= 20 and v[0]["tx_packets"] >= 20 else 1)' <<<"$vt"; then
		echo "ok: $1: vtep.list: $(PEER=$3 py 'import os; v = [e for e in d if e["vtep"] == os.environ["PEER"]][0]; print(v["vtep"], "resolved, rx", v["rx_packets"], "tx", v["tx_packets"])' <<<"$vt")"
	else
		fail "$1: vtep.list does not show $3 resolved with traffic both ways: $vt"
	fi
	fdb=$($2 fdb.list)
	mac=$(nsx "$4" cat "/sys/class/net/${TAP_H[$4]}/address")
	if MAC=$mac PORT="vtep $3" py 'import os; exit(0 if any(e["mac"].lower() == os.environ["MAC"] and e["port"] == os.environ["PORT"] for e in d) else 1)' <<<"$fdb"; then
		echo "ok: $1: fdb.list: the far host $mac behind vtep $3"
	else
		fail "$1: fdb.list does not show the far host $mac behind vtep $3: $fdb"
	fi
}
check_side A rpc 192.0.2.2 1
check_side B rpc_b 192.0.2.1 0

[ "$FAILED" -eq 0 ] || { diagnose; exit 1; }
echo "ov-two-dp: PASS"
