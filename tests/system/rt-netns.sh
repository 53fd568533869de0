#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: yard-dp routing real Linux traffic between network namespaces.
#
#   rt-netns.sh YARD_DP
#
# Three tap ports, each in its own namespace: h1 in network blue
# (10.77.1.2), h2 in red (10.77.2.2), h3 in green (10.77.1.3). Router r1
# joins blue and red; router r2 has the same subnet as blue, on green. It
# proves that
#   - h1 and h2 ping each other through r1, and both ping r1's addresses;
#   - `ping -t 1` gets time exceeded from r1's address on blue;
#   - iperf3 h1 -> h2 through r1 runs (its rate is printed);
#   - green stays apart: h3 pings r2 (10.77.1.1 there) but reaches neither
#     h1 (its subnet, another network) nor h2 (r2 has no route);
#   - neigh.list shows what r1 learned;
#   - a route added with route.add through h2 reaches an address on h2's
#     loopback, and stops doing so after route.del;
#   - topology.export gives the routers back.
# Needs root, iproute2, ping and iperf3; otherwise it exits 77. Everything
# it creates carries this run's pid and is removed on exit.

set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 YARD_DP" >&2; exit 2; }
YARD_DP=$(realpath "$1")
[ -x "$YARD_DP" ] || { echo "rt-netns: $1: not an executable" >&2; exit 2; }

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh disable=SC1091
. "$HERE/../lib/netns.sh"

yard_ns_require

START=$SECONDS
yard_ns_init yr yard-test yard-rt-netns
ADDR=(10.77.1.2 10.77.2.2 10.77.1.3)
GW=(10.77.1.1 10.77.2.1 10.77.1.1)
IPERF_PID=
FAILED=0

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
	local rc=$?
	yard_traps_clear
	yard_ns_test_end rt-netns "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; FAILED=1; }
die() { echo "FAIL: $*"; exit 1; }
diagnose() {
	echo "---- neigh.list ----"; rpc neigh.list || true
	echo "---- stats.drops ----"
	rpc stats.drops | py 'print({k: v for k, v in d.items() if v})' || true
}
# ping_loss I DST [ARGS...]: loss % of a ping from host I.
ping_loss() {
	local i=$1 dst=$2 out l
	shift 2
	out=$(nsx "$i" ping -c 10 -i 0.05 -W 1 "$@" "$dst" 2>&1) || true
	l=$(loss "$out")
	echo "${l:-100}"
}

cat >"$TMP/topology.yaml" <<EOT
networks:
  - name: blue
  - name: red
  - name: green
ports:
  - {name: h1, kind: tap, network: blue, devargs: "net_tap0,iface=${TAP[0]}"}
  - {name: h2, kind: tap, network: red, devargs: "net_tap1,iface=${TAP[1]}"}
  - {name: h3, kind: tap, network: green, devargs: "net_tap2,iface=${TAP[2]}"}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: 10.77.1.1/24}
      - {network: red, address: 10.77.2.1/24}
  - name: r2
    interfaces:
      - {network: green, address: 10.77.1.1/24}
EOT

yard_dp_start "$YARD_DP" "$TMP/topology.yaml" || case $? in
	1) die "yard-dp exited during start-up" ;;
	*) die "yard-dp not ready after 20 s" ;;
esac
yard_ns_setup
for i in 0 1 2; do
	nsx "$i" ip route add default via "${GW[$i]}"
done
echo "ok: h1 ${ADDR[0]} (blue), h2 ${ADDR[1]} (red), h3 ${ADDR[2]} (green)"

# ---- 1. Through r1, and to r1 ----
L12=$(ping_loss 0 "${ADDR[1]}")
L21=$(ping_loss 1 "${ADDR[0]}")
L1R=$(ping_loss 0 10.77.2.1)
echo "ping h1 -> h2: $L12% loss; h2 -> h1: $L21%; h1 -> r1 10.77.2.1: $L1R%"
[ "$L12" -eq 0 ] || fail "h1 -> h2 through r1 lost $L12% (want 0%)"
[ "$L21" -eq 0 ] || fail "h2 -> h1 through r1 lost $L21% (want 0%)"
[ "$L1R" -eq 0 ] || fail "h1 -> r1's red address lost $L1R% (want 0%)"

# ---- 2. TTL 1: time exceeded from r1's blue address ----
out=$(nsx 0 ping -c 1 -t 1 -W 1 "${ADDR[1]}" 2>&1) || true
if grep -q "From 10.77.1.1.*Time to live exceeded" <<<"$out"; then
	echo "ok: ping -t 1: time exceeded from 10.77.1.1"
else
	echo "$out"
	fail "ping -t 1 h1 -> h2: no time exceeded from 10.77.1.1"
fi

# ---- 3. iperf3 through r1 ----
nsx 1 iperf3 -s -1 -B "${ADDR[1]}" >"$TMP/iperf-server.log" 2>&1 &
IPERF_PID=$!
for ((t = 0; t < 50; t++)); do
	nsx 1 ss -Hltn "sport = :5201" 2>/dev/null | grep -q . && break
	sleep 0.1
done
RATE=
if out=$(nsx 0 timeout 30 iperf3 -c "${ADDR[1]}" -t 3 -f m 2>&1); then
	RATE=$(awk '/receiver/ { print $(NF-2), $(NF-1) }' <<<"$out" | tail -n 1)
	echo "iperf3 h1 -> h2 through r1: $RATE"
else
	echo "$out" | tail -n 5
	fail "iperf3 h1 -> h2 through r1 failed"
fi
wait "$IPERF_PID" 2>/dev/null || true
IPERF_PID=

echo "drops after iperf3: $(rpc stats.drops | py 'print({k: v for k, v in d.items() if v})')"
echo "router: $(rpc router.stats)"

# ---- 4. Green is another tenant ----
L3R=$(ping_loss 2 10.77.1.1)
L31=$(ping_loss 2 "${ADDR[0]}")
L32=$(ping_loss 2 "${ADDR[1]}")
echo "ping h3 -> r2: $L3R% loss; h3 -> h1: $L31%; h3 -> h2: $L32%"
[ "$L3R" -eq 0 ] || fail "h3 -> r2 (10.77.1.1 on green) lost $L3R% (want 0%)"
[ "$L31" -eq 100 ] || fail "h3 reached h1 in another network ($L31% loss, want 100%)"
[ "$L32" -eq 100 ] || fail "h3 reached h2 through r2, which has no such route ($L32% loss, want 100%)"

# ---- 5. What r1 learned ----
NEIGH=$(rpc neigh.list '{"router": "r1"}' | py 'print(" ".join(sorted(n["ip"] for n in d)))')
echo "r1 neighbors: $NEIGH"
[ "$NEIGH" = "${ADDR[0]} ${ADDR[1]}" ] || fail "r1's neighbors are '$NEIGH' (want '${ADDR[0]} ${ADDR[1]}')"
N2=$(rpc neigh.list '{"router": "r2"}' | py 'print(" ".join(sorted(n["ip"] for n in d)))')
[ "$N2" = "${ADDR[2]}" ] || fail "r2's neighbors are '$N2' (want '${ADDR[2]}')"

# ---- 6. A namespace as a route's next hop, added and removed live ----
nsx 1 ip addr add 10.99.0.1/32 dev lo
rpc route.add '{"router": "r1", "prefix": "10.99.0.0/16", "via": ["10.77.2.2"]}' >/dev/null
LV=$(ping_loss 0 10.99.0.1)
rpc route.del '{"router": "r1", "prefix": "10.99.0.0/16"}' >/dev/null
LD=$(ping_loss 0 10.99.0.1)
echo "ping h1 -> 10.99.0.1 via h2: $LV% loss; after route.del: $LD%"
[ "$LV" -eq 0 ] || fail "route 10.99.0.0/16 via h2: $LV% loss (want 0%)"
[ "$LD" -eq 100 ] || fail "after route.del 10.99.0.1 still answers ($LD% loss, want 100%)"

# ---- 7. Export: the routers as applied, generated MACs included ----
EXP=$(rpc topology.export | py '
print(" ".join("%s:%s" % (r["name"], ",".join(i["network"] + "=" + i["address"]
      for i in r["interfaces"])) for r in d.get("routers", [])))')
echo "exported routers: $EXP"
[ "$EXP" = "r1:blue=10.77.1.1/24,red=10.77.2.1/24 r2:green=10.77.1.1/24" ] ||
	fail "topology.export gives routers '$EXP'"

[ "$FAILED" -eq 0 ] || { diagnose; echo "RESULT: FAIL"; exit 1; }
echo "== summary: 0% loss through r1, time exceeded seen, iperf3 ${RATE:-?}, green isolated"
echo "RESULT: PASS"
