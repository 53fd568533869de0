#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Seeing the counters from outside (issue 16): three hosts in namespaces
# on yard-dp's tap ports, programmed by yardd, h1 pinging h2; then
#  - yardd --metrics serves text that promtool accepts, whose port
#    counters equal yardctl stats ports, and refuses a non-loopback
#    address unless --metrics-public;
#  - dpdk-telemetry.py reads /yard/ports (yard-dp without hugepages) with
#    the same counters, and /yard/nodes, /yard/drops, /yard/fdb answer;
#  - yardctl top -b -n 2 prints rates for the ports carrying traffic.
# Usage: see-metrics.sh YARD_DP YARDD YARDCTL. Needs root.
set -euo pipefail

YARD_DP=$1
YARDD=$2
YARDCTL=$3
HERE=$(dirname "$0")
# shellcheck source=../lib/netns.sh
. "$HERE/../lib/netns.sh"
yard_ns_require
for tool in curl promtool dpdk-telemetry.py; do
	command -v "$tool" >/dev/null || { echo "SKIP: '$tool' is missing"; exit 77; }
done
START=$SECONDS
yard_ns_init ym yard-metrics yard-metrics

cleanup() {
	local rc=$?
	yard_traps_clear
	[ -n "${PUB_PID:-}" ] && { proc_stop "$PUB_PID"; rm -f "$TMP/pub.sock"; }
	yardd_stop
	[ "$rc" = 0 ] || [ ! -s "${YD_LOG:-/dev/null}" ] || tail -n 20 "$YD_LOG"
	yard_ns_test_end see-metrics "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; exit 1; }
free_port() { python3 -c "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }
# The counters of every port, stable: two readings in a row that agree.
stats_stable() {
	local i
	for ((i = 0; i < 20; i++)); do
		ctl --json stats ports >"$TMP/s1.json"
		"$@"
		ctl --json stats ports >"$TMP/s2.json"
		cmp -s "$TMP/s1.json" "$TMP/s2.json" && return 0
		sleep 0.2
	done
	fail "the port counters never held still for a reading"
}

# ---- Non-loopback addresses: refused unless told ----
MPORT=$(free_port)
rc=0
# (timeout: a yardd that does not refuse serves until stopped.)
out=$(timeout 5 "$YARDD" --socket "$TMP/pub.sock" --db "$TMP/pub.db" \
	--dataplane "$TMP/none.sock" --metrics "0.0.0.0:$MPORT" 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "yardd --metrics 0.0.0.0:$MPORT: exit $rc, not 1: $out"
grep -q "not a loopback address.*--metrics-public" <<<"$out" ||
	fail "yardd --metrics 0.0.0.0: no clear refusal: $out"
rc=0
out=$(timeout 5 "$YARDD" --socket "$TMP/pub.sock" --db "$TMP/pub.db" \
	--metrics "localhost:99999" 2>&1) || rc=$?
if [ "$rc" != 1 ] || ! grep -q "not a number in 1..65535" <<<"$out"; then
	fail "yardd --metrics localhost:99999: exit $rc: $out"
fi
"$YARDD" --socket "$TMP/pub.sock" --db "$TMP/pub.db" --dataplane "$TMP/none.sock" \
	--metrics "0.0.0.0:$MPORT" --metrics-public >"$TMP/pub.log" 2>&1 &
PUB_PID=$!
for _ in $(seq 50); do
	curl -sf "http://127.0.0.1:$MPORT/metrics" >"$TMP/pub.txt" 2>/dev/null && break
	sleep 0.1
done
grep -qx "yard_dataplane_connected 0" "$TMP/pub.txt" ||
	fail "--metrics-public 0.0.0.0:$MPORT does not serve: $(cat "$TMP/pub.log")"
proc_stop "$PUB_PID"
PUB_PID=
echo "ok: 0.0.0.0 refused without --metrics-public, served with it"

# ---- yard-dp (no hugepages) and yardd with metrics on loopback ----
MPORT=$(free_port)
YD_EXTRA=(--metrics "127.0.0.1:$MPORT")
# Telemetry needs no hugepages: the socket is in the EAL's runtime dir.
DP_EAL_EXTRA=(--no-huge)
yard_dp_start_bare "$YARD_DP" || fail "yard-dp did not start: $(cat "$LOG")"
yardd_start "$YARDD" || fail "yardd did not start: $(cat "$YD_LOG")"
yard_topology_write "$TMP/topology.yaml"
ctl apply -f "$TMP/topology.yaml" >/dev/null || fail "apply"
for _ in $(seq 100); do
	ip link show "${TAP[2]}" >/dev/null 2>&1 && break
	sleep 0.1
done
yard_ns_setup
out=$(nsx 0 ping -c 5 -i 0.2 -W 2 "${ADDR[1]}" 2>&1) || fail "h1 -> h2: $out"

# ---- Prometheus text ----
stats_stable curl -sf -o "$TMP/metrics.txt" "http://127.0.0.1:$MPORT/metrics"
promtool check metrics <"$TMP/metrics.txt" >"$TMP/promtool.txt" 2>&1 ||
	fail "promtool check metrics: $(cat "$TMP/promtool.txt")"
"$HERE/see-check.py" prom "$TMP/metrics.txt" "$TMP/s1.json" ||
	fail "the metrics' port counters differ from yardctl stats ports"
grep -q '^yard_port_rx_packets_total{port="h1",network="blue"} [1-9]' "$TMP/metrics.txt" ||
	fail "h1 received nothing, by the metrics"
for m in yard_dataplane_connected yard_drops_total yard_node_cycles_per_packet \
	yard_fdb_learned_entries 'yard_objects{kind="port",status="programmed"} 3' \
	yard_vms yard_dataplane_resyncs_total; do
	grep -q "^$m" "$TMP/metrics.txt" || fail "no '$m' in the metrics"
done
grep -q '^yard_fdb_learned_entries{network="blue"} [1-9]' "$TMP/metrics.txt" ||
	fail "network blue learned no MAC, by the metrics"
curl -sf -H 'Accept: application/openmetrics-text; version=1.0.0' \
	"http://127.0.0.1:$MPORT/metrics" >"$TMP/om.txt"
tail -n 1 "$TMP/om.txt" | grep -qx "# EOF" || fail "OpenMetrics answer lacks '# EOF'"
grep -q "^# TYPE yard_port_rx_packets counter" "$TMP/om.txt" ||
	fail "OpenMetrics counter family not named without _total"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/other")
[ "$code" = 404 ] || fail "GET /other: HTTP $code, not 404"
# What a scrape costs: yardd's own gathering (4 calls to yard-dp), and
# the whole request as curl sees it, 20 scrapes on one connection.
URL="http://127.0.0.1:$MPORT/metrics"
args=()
for _ in $(seq 20); do args+=(-o /dev/null "$URL"); done
total=$(curl -sf -w '%{time_total}\n' "${args[@]}" |
	python3 -c "import sys; t = [float(l) for l in sys.stdin]; print(round(sum(t) / len(t) * 1000, 2))")
gather=$(curl -sf "$URL" | sed -n 's/^yard_metrics_scrape_seconds //p')
echo "ok: promtool accepts the metrics; port counters equal yardctl's; a scrape" \
	"with 3 ports: $total ms by curl, $(python3 -c "print(round($gather * 1000, 2))") ms gathering in yardd"

# ---- Telemetry ----
stats_stable sh -c "echo /yard/ports | dpdk-telemetry.py -f '$PREFIX' >'$TMP/tel.txt'"
"$HERE/see-check.py" tel "$TMP/tel.txt" "$TMP/s1.json" ||
	fail "/yard/ports differs from yardctl stats ports: $(cat "$TMP/tel.txt")"
printf '/yard/nodes\n/yard/drops\n/yard/fdb\n/yard/ports,h3\n' |
	dpdk-telemetry.py -f "$PREFIX" >"$TMP/tel2.txt"
python3 - "$TMP/tel2.txt" <<'PY' || fail "telemetry: $(cat "$TMP/tel2.txt")"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert r[0]["/yard/nodes"]["l2_input"]["node"] == "l2-input", r[0]
assert r[0]["/yard/nodes"]["l2_input"]["packets"] > 0, r[0]
assert "port_unattached" in r[1]["/yard/drops"], r[1]
assert r[2]["/yard/fdb"]["blue"]["learned"] >= 2, r[2]
assert list(r[3]["/yard/ports"]) == ["h3"], r[3]
PY
echo "ok: dpdk-telemetry.py -f $PREFIX reads /yard/ports (same counters), nodes, drops, fdb"

# ---- yardctl top ----
nsx 0 ping -i 0.02 -W 1 "${ADDR[1]}" >/dev/null 2>&1 &
PING_PID=$!
ctl top -b -n 2 -i 0.5 >"$TMP/top.txt" || fail "yardctl top -b -n 2 failed"
kill "$PING_PID" 2>/dev/null
wait "$PING_PID" 2>/dev/null || true
"$HERE/see-check.py" top "$TMP/top.txt" h1 ||
	fail "yardctl top: $(cat "$TMP/top.txt")"
sed -n '/^PORT/,/^$/p' "$TMP/top.txt" | head -n 4 | sed 's/^/  /'
echo "ok: yardctl top -b -n 2 shows h1's rates"
