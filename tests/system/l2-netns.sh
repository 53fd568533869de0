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
YARD_RPC=$(realpath "$HERE/../../tools/yard-rpc")

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (namespaces and taps)"
for tool in ip ping iperf3 python3 ss timeout; do
	command -v "$tool" >/dev/null 2>&1 || skip "'$tool' is missing"
done
ip netns list >/dev/null 2>&1 || skip "'ip netns' does not work here"
[ -e /dev/net/tun ] || skip "/dev/net/tun is missing"

# ---- Names unique to this run ----
ID=$$
NS=("ys-$ID-h1" "ys-$ID-h2" "ys-$ID-h3")
TAP=("ys1-$ID" "ys2-$ID" "ys3-$ID")		# kernel names: <= 15 chars
ADDR=(10.77.0.1 10.77.0.2 10.77.0.3)
PREFIX="yard-test-$ID"
START=$SECONDS

TMP=$(mktemp -d /tmp/yard-l2-netns.XXXXXX)
SOCK=$TMP/dp.sock
LOG=$TMP/yard-dp.log
DP_PID=
IPERF_PID=
FAILED=0

# ---- Cleanup: runs on every exit ----
# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
	local rc=$? st i
	set +e
	trap - EXIT INT TERM PIPE
	# Finish even if whoever reads our output has gone (e.g. "| head").
	trap '' PIPE
	if [ -n "$IPERF_PID" ]; then
		kill "$IPERF_PID" 2>/dev/null
		wait "$IPERF_PID" 2>/dev/null
	fi
	if [ -n "$DP_PID" ]; then
		if kill -0 "$DP_PID" 2>/dev/null; then
			kill -TERM "$DP_PID"
			for ((i = 0; i < 100; i++)); do
				kill -0 "$DP_PID" 2>/dev/null || break
				sleep 0.1
			done
			if kill -0 "$DP_PID" 2>/dev/null; then
				echo "FAIL: yard-dp still running 10 s after SIGTERM; killing it"
				kill -KILL "$DP_PID"
				wait "$DP_PID" 2>/dev/null
				rc=1
			else
				wait "$DP_PID"; st=$?
				if [ "$st" -ne 0 ]; then
					echo "FAIL: yard-dp exited $st after SIGTERM (expected 0)"
					rc=1
				else
					echo "ok: yard-dp stopped cleanly on SIGTERM (exit 0)"
				fi
			fi
		else
			wait "$DP_PID"; st=$?
			echo "FAIL: yard-dp had already exited (status $st)"
			rc=1
		fi
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -s "$LOG" ]; then
			echo "---- yard-dp log (last 40 lines) ----"
			tail -n 40 "$LOG"
			echo "-------------------------------------"
		fi
	fi
	for i in 0 1 2; do
		# Processes this test started inside the namespace (ping, iperf3).
		for p in $(ip netns pids "${NS[$i]}" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null
		done
		ip netns del "${NS[$i]}" 2>/dev/null
		# A tap that never left the root namespace (early failure).
		ip link del "${TAP[$i]}" 2>/dev/null
	done
	# DPDK leaves its runtime files (config, fbarrays: ~6 MB of tmpfs)
	# behind at exit; the prefix is this run's own, so remove them.
	if [ -z "$DP_PID" ] || ! kill -0 "$DP_PID" 2>/dev/null; then
		rm -rf "/var/run/dpdk/$PREFIX"
	fi
	rm -rf "$TMP"
	echo "l2-netns: $((SECONDS - START)) s, exit $rc"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exec >/dev/null; exit 141' PIPE

# ---- Helpers ----
rpc() { "$YARD_RPC" --socket "$SOCK" --compact "$@"; }
# py EXPR: evaluate a Python statement with `d` = the JSON on stdin.
py() { python3 -c "import json, sys; d = json.load(sys.stdin); $1"; }
fail() { echo "FAIL: $*"; FAILED=1; }
die() { echo "FAIL: $*"; exit 1; }
nsx() { local i=$1; shift; ip netns exec "${NS[$i]}" "$@"; }
# loss OUTPUT: the packet loss percentage ping printed (integer part).
loss() { sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' <<<"$1" | cut -d. -f1; }
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
cat >"$TMP/topology.yaml" <<EOF
networks:
  - name: blue
  - name: red
ports:
  - {name: h1, kind: tap, network: blue, devargs: "net_tap0,iface=${TAP[0]}"}
  - {name: h2, kind: tap, network: blue, devargs: "net_tap1,iface=${TAP[1]}"}
  - {name: h3, kind: tap, network: red,  devargs: "net_tap2,iface=${TAP[2]}"}
EOF

echo "== yard-dp: $YARD_DP (file prefix $PREFIX)"
# --no-pci: the taps are all we need; never let EAL probe the host's NICs.
"$YARD_DP" --socket "$SOCK" --workers 1 --topology "$TMP/topology.yaml" \
	--file-prefix "$PREFIX" -- --no-pci >"$LOG" 2>&1 &
DP_PID=$!

# Wait for the API and the three taps (up to ~20 s).
ready=0
for ((t = 0; t < 200; t++)); do
	kill -0 "$DP_PID" 2>/dev/null || die "yard-dp exited during start-up"
	if [ -S "$SOCK" ] && rpc version >/dev/null 2>&1 &&
	   ip link show "${TAP[0]}" >/dev/null 2>&1 &&
	   ip link show "${TAP[1]}" >/dev/null 2>&1 &&
	   ip link show "${TAP[2]}" >/dev/null 2>&1; then
		ready=1
		break
	fi
	sleep 0.1
done
[ "$ready" -eq 1 ] || die "yard-dp not ready after 20 s (socket or taps missing)"
echo "ok: yard-dp up after $((SECONDS - START)) s: $(rpc version)"

# ---- Namespaces ----
for i in 0 1 2; do
	ip netns add "${NS[$i]}"
	ip link set "${TAP[$i]}" netns "${NS[$i]}"
	nsx "$i" ip link set lo up
	nsx "$i" ip addr add "${ADDR[$i]}/24" dev "${TAP[$i]}"
	nsx "$i" ip link set "${TAP[$i]}" up
done
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
