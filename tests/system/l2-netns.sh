#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: yard-dp switching real Linux traffic between network namespaces.
#
#   l2-netns.sh YARD_DP
#
# Three tap ports, each moved into its own namespace: h1 and h2 in network
# "blue", h3 in network "red". It proves that
#   - blue forwards: ping h1 -> h2 loses nothing, iperf3 h1 -> h2 runs;
#   - red is isolated: ping h1 <-> h3 loses everything, and h3's port never
#     sends out any of blue's traffic (its tx counter stays tiny);
#   - yard-dp stops cleanly (exit 0) on SIGTERM.
# It prints loss, iperf3 rate and the cycles per packet of every graph node.
#
# Needs root, iproute2 (ip netns), ping and iperf3; otherwise it exits 77
# (skipped). Everything it creates carries this run's pid in its name and is
# removed on exit, also on failure or interruption.

set -euo pipefail

usage() { echo "usage: $0 YARD_DP" >&2; exit 2; }
[ $# -eq 1 ] || usage
YARD_DP=$1
[ -x "$YARD_DP" ] || { echo "l2-netns: $YARD_DP: not an executable" >&2; exit 2; }
YARD_DP=$(realpath "$YARD_DP")

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh disable=SC1091  # -x follows
. "$HERE/../lib/netns.sh"

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (namespaces and taps)"
for tool in ip ping iperf3 python3 ss timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip "'$tool' is missing"
done
ip netns list >/dev/null 2>&1 || skip "'ip netns' does not work here"
[ -e /dev/net/tun ] || skip "/dev/net/tun is missing"

# ---- Names unique to this run: NS, TAP, ADDR, PREFIX, TMP, SOCK, LOG ----
START=$SECONDS
yard_ns_init ys yard-test yard-l2-netns
IPERF_PID=
FAILED=0

# ---- Cleanup: runs on every exit ----
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
	local rc=$?
	yard_traps_clear	# and set +e
	if [ -n "$IPERF_PID" ]; then
		kill "$IPERF_PID" 2>/dev/null
		wait "$IPERF_PID" 2>/dev/null
	fi
	if [ -n "$DP_PID" ]; then
		yard_dp_stop
		case $DP_STOP in
		killed)
			echo "FAIL: yard-dp still running 10 s after SIGTERM; killing it"
			rc=1 ;;
		gone)
			echo "FAIL: yard-dp had already exited (status $DP_STATUS)"
			rc=1 ;;
		*)
			if [ "$DP_STATUS" -ne 0 ]; then
				echo "FAIL: yard-dp exited $DP_STATUS after SIGTERM (expected 0)"
				rc=1
			else
				echo "ok: yard-dp stopped cleanly on SIGTERM (exit 0)"
			fi ;;
		esac
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -s "$LOG" ]; then
			echo "---- yard-dp log (last 40 lines) ----"
			tail -n 40 "$LOG"
			echo "-------------------------------------"
		fi
	fi
	# Namespaces and what runs in them (ping, iperf3), taps, DPDK files, TMP.
	yard_ns_cleanup
	echo "l2-netns: $((SECONDS - START)) s, exit $rc"
	exit "$rc"
}
yard_traps_set cleanup

# ---- Helpers (rpc, py, nsx and loss come from tests/lib/netns.sh) ----
fail() { echo "FAIL: $*"; FAILED=1; }
die() { echo "FAIL: $*"; exit 1; }
stat_of() {	# stat_of PORT FIELD
	rpc port.stats "{\"name\": \"$1\"}" | py "print(d[0]['stats']['$2'])"
}
print_ports() {
	rpc port.stats | py '
print("  %-6s %-8s %12s %12s %8s %9s" % ("port", "network", "rx_packets",
      "tx_packets", "drops", "tx_drops"))
for p in d:
    s = p["stats"]
    print("  %-6s %-8s %12d %12d %8d %9d" % (p["name"], p.get("network", ""),
          s["rx_packets"], s["tx_packets"], s["drops"], s["tx_drops"]))'
}
print_fdb() {
	rpc fdb.list | py '
print("  %-8s %-18s %-6s %-6s %s" % ("network", "mac", "port", "static", "age"))
for e in d:
    print("  %-8s %-18s %-6s %-6s %s" % (e["network"], e["mac"], e["port"],
          "yes" if e["static"] else "no", e["age"]))'
}
print_drops() {
	rpc stats.drops | py '
nz = {k: v for k, v in d.items() if v}
print("\n".join("  %-28s %d" % kv for kv in sorted(nz.items()))
      if nz else "  (no drops)")'
}
print_nodes() {
	rpc stats.nodes | py '
print("  %-20s %12s %12s %14s" % ("node", "packets", "calls", "cycles/packet"))
for n in d:
    print("  %-20s %12d %12d %14.1f" % (n["node"], n["packets"], n["calls"],
          n["cycles_per_packet"]))'
}
diagnose() {
	echo "---- port.stats ----"; print_ports || true
	echo "---- fdb.list ----"; print_fdb || true
	echo "---- stats.drops ----"; print_drops || true
}

# ---- Start yard-dp ----
yard_topology_write "$TMP/topology.yaml"

echo "== yard-dp: $YARD_DP (file prefix $PREFIX)"
# Start it and wait for the API and the three taps (up to ~20 s).
yard_dp_start "$YARD_DP" "$TMP/topology.yaml" || case $? in
	1) die "yard-dp exited during start-up" ;;
	*) die "yard-dp not ready after 20 s (socket or taps missing)" ;;
esac
echo "ok: yard-dp up after $((SECONDS - START)) s: $(rpc version)"

# ---- Namespaces ----
yard_ns_setup
echo "ok: h1 ${ADDR[0]} and h2 ${ADDR[1]} in blue, h3 ${ADDR[2]} in red"

# ---- 1. Blue forwards: h1 -> h2 ----
out=$(nsx 0 ping -c 20 -i 0.05 -W 1 "${ADDR[1]}" 2>&1) || true
LOSS_12=$(loss "$out"); LOSS_12=${LOSS_12:-100}
echo "ping h1 -> h2 (blue): ${LOSS_12}% loss"
if [ "$LOSS_12" -ne 0 ]; then
	echo "$out" | tail -n 4
	diagnose
	die "ping inside blue lost ${LOSS_12}% (expected 0%)"
fi
# Frames flow, so no tap may read "down": yard-dp cannot see a tap moved
# into another namespace and must say "unknown" rather than a wrong state.
links=$(rpc port.list | py 'print(" ".join(p["name"] + "=" + p["link"] for p in d))')
echo "links with the taps in namespaces: $links"
case " $links " in *=down*) fail "a tap that forwards reads down: $links" ;; esac

# ---- 2. Red is isolated: h1 -> h3 and h3 -> h1 ----
out=$(nsx 0 ping -c 5 -i 0.2 -W 1 "${ADDR[2]}" 2>&1) || true
LOSS_13=$(loss "$out"); LOSS_13=${LOSS_13:-100}
out=$(nsx 2 ping -c 5 -i 0.2 -W 1 "${ADDR[0]}" 2>&1) || true
LOSS_31=$(loss "$out"); LOSS_31=${LOSS_31:-100}
echo "ping h1 -> h3 (blue to red): ${LOSS_13}% loss"
echo "ping h3 -> h1 (red to blue): ${LOSS_31}% loss"
[ "$LOSS_13" -eq 100 ] || fail "h1 reached h3 across networks (${LOSS_13}% loss, expected 100%)"
[ "$LOSS_31" -eq 100 ] || fail "h3 reached h1 across networks (${LOSS_31}% loss, expected 100%)"

# ---- 3. iperf3 h1 -> h2 ----
nsx 1 iperf3 -s -1 -B "${ADDR[1]}" >"$TMP/iperf-server.log" 2>&1 &
IPERF_PID=$!
for ((t = 0; t < 50; t++)); do
	nsx 1 ss -Hltn "sport = :5201" 2>/dev/null | grep -q . && break
	sleep 0.1
done
IPERF_RATE=
if out=$(nsx 0 timeout 30 iperf3 -c "${ADDR[1]}" -t 3 -f m 2>&1); then
	IPERF_RATE=$(awk '/receiver/ { print $(NF-2), $(NF-1) }' <<<"$out" | tail -n 1)
	echo "iperf3 h1 -> h2 (3 s, TCP):"
	grep -E 'sender|receiver' <<<"$out" | sed 's/^/  /'
else
	echo "$out" | tail -n 5
	diagnose
	fail "iperf3 h1 -> h2 failed"
fi
wait "$IPERF_PID" 2>/dev/null || true
IPERF_PID=

# ---- 4. Counters ----
echo "port counters:"
print_ports
H3_TX=$(stat_of h3 tx_packets)
H1_RX=$(stat_of h1 rx_packets)
H2_RX=$(stat_of h2 rx_packets)
[ "$H3_TX" -lt 10 ] || fail "h3 (red) sent $H3_TX packets: blue traffic leaked into red (expected < 10)"
[ "$H1_RX" -gt 1000 ] || fail "h1 received only $H1_RX packets from its tap (expected > 1000 after iperf3)"
[ "$H2_RX" -gt 1000 ] || fail "h2 received only $H2_RX packets from its tap (expected > 1000 after iperf3)"
echo "drops by reason:"
print_drops
echo "graph nodes:"
print_nodes

# ---- Summary ----
echo
echo "== summary"
echo "  ping h1 -> h2 (blue)        : ${LOSS_12}% loss (want 0%)"
echo "  ping h1 -> h3 (blue -> red) : ${LOSS_13}% loss (want 100%)"
echo "  ping h3 -> h1 (red -> blue) : ${LOSS_31}% loss (want 100%)"
echo "  iperf3 h1 -> h2             : ${IPERF_RATE:-failed}"
echo "  h3 tx_packets               : $H3_TX (want < 10)"
echo "  h1 / h2 rx_packets          : $H1_RX / $H2_RX (want > 1000)"
echo "  cycles/packet by node       :" \
	"$(rpc stats.nodes | py 'print(", ".join("%s %.0f" % (n["node"], n["cycles_per_packet"]) for n in d if n["packets"]))')"
if [ "$FAILED" -ne 0 ]; then
	echo "RESULT: FAIL"
	exit 1
fi
echo "RESULT: PASS (yard-dp stop checked next)"
exit 0
