#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: yard-dp's VTEP against the Linux kernel's own vxlan device.
#
#   ov-kernel.sh YARD_DP
#
# Three tap ports of yard-dp, each moved into a namespace of its own:
#   h1 (network blue, VNI 1001): a host, 10.77.0.1;
#   ul (no network): the overlay's underlay; its namespace is the "other
#      host": 192.0.2.2 on the tap and a kernel vxlan device vx0 (VNI 1001,
#      remote 192.0.2.1 = yard-dp's VTEP) holding 10.77.0.2;
#   h3 (network red, not stretched): 10.77.0.3.
# It proves that h1 and the kernel's vx0 ping each other with no loss
# (ARP across the overlay, decapsulation, learning behind the VTEP,
# encapsulation the kernel accepts), that the kernel side pings the VTEP's
# own address, that iperf3 runs across (its rate is printed), that h3 in
# another network reaches nothing there, and that vtep.list and fdb.list
# show the peer. The hosts' MTU is 1450: VXLAN takes 50 bytes of the
# underlay's 1500; vtep.list says so, and once h1 is set to 1500 a
# full-size packet with DF gets ICMP fragmentation needed (MTU 1450),
# which h1's kernel takes as the path MTU. Needs root, iproute2 with vxlan, ping and iperf3;
# otherwise it exits 77. Everything carries this run's pid and goes on exit.

set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 YARD_DP" >&2; exit 2; }
YARD_DP=$(realpath "$1")
[ -x "$YARD_DP" ] || { echo "ov-kernel: $1: not an executable" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh disable=SC1091
. "$HERE/../lib/netns.sh"

yard_ns_require

START=$SECONDS
yard_ns_init yv yard-test yard-ov-kernel
IPERF_PID=
FAILED=0

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
	local rc=$?
	yard_traps_clear
	yard_ns_test_end ov-kernel "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; FAILED=1; }
die() { echo "FAIL: $*"; exit 1; }
diagnose() {
	echo "---- vtep.list ----"; rpc vtep.list || true
	echo "---- fdb.list ----"; rpc fdb.list || true
	echo "---- stats.drops ----"
	rpc stats.drops | py 'print({k: v for k, v in d.items() if v})' || true
}
# ping_loss I DST: loss % of 20 pings from namespace I.
ping_loss() {
	local out l
	out=$(nsx "$1" ping -c 20 -i 0.05 -W 1 "$2" 2>&1) || true
	l=$(loss "$out")
	echo "${l:-100}"
}

cat >"$TMP/topology.yaml" <<EOT
networks:
  - {name: blue, vni: 1001}
  - name: red
ports:
  - {name: h1, kind: tap, network: blue, devargs: "net_tap0,iface=${TAP[0]}"}
  - {name: ul, kind: tap, devargs: "net_tap1,iface=${TAP[1]}", mac: "02:00:00:00:00:fe"}
  - {name: h3, kind: tap, network: red, devargs: "net_tap2,iface=${TAP[2]}"}
overlay:
  port: ul
  address: 192.0.2.1/24
  peers:
    - {vni: 1001, vteps: [192.0.2.2]}
EOT

yard_dp_start "$YARD_DP" "$TMP/topology.yaml" || case $? in
	1) die "yard-dp exited during start-up" ;;
	*) die "yard-dp not ready after 20 s" ;;
esac
for i in 0 1 2; do
	ip netns add "${NS[$i]}"
	ip link set "${TAP[$i]}" netns "${NS[$i]}"
	nsx "$i" ip link set lo up
	nsx "$i" ip link set "${TAP[$i]}" up
done
nsx 0 ip addr add 10.77.0.1/24 dev "${TAP[0]}"
nsx 0 ip link set "${TAP[0]}" mtu 1450
nsx 2 ip addr add 10.77.0.3/24 dev "${TAP[2]}"
# The other host: the kernel's VTEP on the underlay.
nsx 1 ip addr add 192.0.2.2/24 dev "${TAP[1]}"
nsx 1 ip link add vx0 type vxlan id 1001 local 192.0.2.2 remote 192.0.2.1 \
	dstport 4789 dev "${TAP[1]}"
nsx 1 ip addr add 10.77.0.2/24 dev vx0
nsx 1 ip link set vx0 up
echo "ok: h1 10.77.0.1 (blue) | kernel VTEP 192.0.2.2, vx0 10.77.0.2 | h3 10.77.0.3 (red)"

# ---- 1. Across the overlay, both ways; and to the VTEP itself ----
L1=$(ping_loss 0 10.77.0.2)
L2=$(ping_loss 1 10.77.0.1)
LV=$(ping_loss 1 192.0.2.1)
echo "ping h1 -> vx0: $L1% loss; vx0 -> h1: $L2%; kernel -> VTEP 192.0.2.1: $LV%"
[ "$L1" -eq 0 ] || fail "h1 -> the kernel's vx0 lost $L1% (want 0%)"
[ "$L2" -eq 0 ] || fail "the kernel's vx0 -> h1 lost $L2% (want 0%)"
[ "$LV" -eq 0 ] || fail "the kernel host -> the VTEP's address lost $LV% (want 0%)"

# ---- 2. What yard-dp shows ----
vt=$(rpc vtep.list)
if py 'v = d[0]; exit(0 if v["vtep"] == "192.0.2.2" and v["resolved"] and v["rx_packets"] >= 20 and v["tx_packets"] >= 20 else 1)' <<<"$vt"; then
	echo "ok: vtep.list: $(py 'v = d[0]; print(v["vtep"], "rx", v["rx_packets"], "tx", v["tx_packets"])' <<<"$vt")"
else
	fail "vtep.list does not show 192.0.2.2 resolved with traffic both ways: $vt"
fi
if rpc fdb.list | py 'exit(0 if any(e["port"] == "vtep 192.0.2.2" for e in d) else 1)'; then
	echo "ok: fdb.list: vx0's MAC learned behind vtep 192.0.2.2"
else
	fail "fdb.list shows no MAC behind vtep 192.0.2.2"
fi

st=$(rpc overlay.stats)
if py 'exit(0 if d == {"hold_full": 0, "events_lost": 0} else 1)' <<<"$st"; then
	echo "ok: overlay.stats: nothing lost ($st)"
else
	fail "overlay.stats shows losses: $st"
fi

# ---- 3. iperf3 across ----
nsx 1 iperf3 -s -1 -B 10.77.0.2 >"$TMP/iperf-server.log" 2>&1 &
IPERF_PID=$!
for ((t = 0; t < 50; t++)); do
	nsx 1 ss -Hltn "sport = :5201" 2>/dev/null | grep -q . && break
	sleep 0.1
done
if out=$(nsx 0 timeout 30 iperf3 -c 10.77.0.2 -t 3 -f m 2>&1); then
	echo "iperf3 h1 -> the kernel's vx0 across the overlay: $(awk '/receiver/ { print $(NF-2), $(NF-1) }' <<<"$out" | tail -n 1)"
else
	echo "$out" | tail -n 5
	fail "iperf3 h1 -> vx0 failed"
fi
wait "$IPERF_PID" 2>/dev/null || true
IPERF_PID=

# ---- 4. Another network reaches nothing across ----
L3=$(ping_loss 2 10.77.0.2)
echo "ping h3 (red) -> vx0: $L3% loss"
[ "$L3" -eq 100 ] || fail "h3 in red reached the overlay of blue ($L3% loss, want 100%)"

# ---- 5. Too big for the underlay: ICMP fragmentation needed, MTU 1450 ----
if py 'v = d[0]; exit(0 if v["inner_mtu"] == 1450 and v["vnis"] == [1001] else 1)' <<<"$(rpc vtep.list)"; then
	echo "ok: vtep.list: inner MTU 1450 for VNI 1001"
else
	fail "vtep.list does not show inner_mtu 1450 for VNI 1001: $(rpc vtep.list)"
fi
nsx 0 ip link set "${TAP[0]}" mtu 1500
out=$(nsx 0 ping -c 2 -i 0.2 -W 1 -M do -s 1472 10.77.0.2 2>&1) || true
pmtu=$(nsx 0 ip route get 10.77.0.2 2>&1) || true
echo "ping -M do -s 1472 with h1 at MTU 1500: $(grep -m1 -io 'frag needed.*' <<<"$out" || echo "no ICMP"); route: $pmtu"
grep -qi "frag needed and DF set (mtu = 1450)" <<<"$out" ||
	fail "no ICMP fragmentation needed (mtu 1450) came back: $out"
grep -q "mtu 1450" <<<"$pmtu" || fail "h1 did not learn the path MTU 1450: $pmtu"
tb=$(rpc stats.drops | py 'print(d.get("vxlan-too-big", 0))')
echo "stats.drops: vxlan-too-big $tb"
[ "$tb" -ge 1 ] || fail "the oversize packet was not counted as vxlan-too-big"

[ "$FAILED" -eq 0 ] || { diagnose; exit 1; }
echo "ov-kernel: PASS"
