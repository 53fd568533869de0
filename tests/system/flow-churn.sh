#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The flow table changed under traffic, through yardctl and yardd.
#
#   flow-churn.sh YARD_DP YARDD YARDCTL
#
# yardd programs yard-dp with networks blue and red and tap ports h1, h2
# (blue) and h3 (red) moved into namespaces. While iperf3 runs TCP h1 -> h2
# and a UDP stream h2 -> h1 (its receiver checks sequence numbers), 10,000
# rules unrelated to that traffic (drop UDP to 10.99.x.y, in blue, so blue
# frames go through flow-classify while they exist) are added in four
# 'yardctl flow add -f' of 2,500 and deleted in four 'yardctl flow del' of
# 2,500. It proves that
#   - each yardctl command returns with its rules active in yard-dp (its
#     flow.list holds them all after the adds, none after the deletes);
#   - yard-dp drops none of that traffic during the changes (no drop
#     counter moves but flood-empty, red's lone port's multicast, and
#     tx-refused, the kernel's tap queue full: this is a 2-core machine at
#     load 20); TCP retransmits and UDP losses (iperf3's sequence numbers)
#     before and during are printed;
#   - 'yardctl flow list' shows a rule with the packets it matched;
#     'flow replace' of that rule into a drop drops the same ICMP flow at
#     once (flow-classify's verdict cache holds no stale verdict), and
#     replacing a rule that does not exist fails;
#   - one rule more than yard-dp's limit (--flow-max-rules, 10,000 here)
#     is refused by yardd, which names the limit, and neither yardd's store
#     nor yard-dp's table changes.
# It prints the rules changed per second end to end (yardctl -> active).
# Needs root, iproute2, iperf3; skips (77) otherwise.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 YARD_DP YARDD YARDCTL" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARDD=$(realpath "$2")
# shellcheck disable=SC2034  # read by ctl (tests/lib/netns.sh)
YARDCTL=$(realpath "$3")
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh disable=SC1091
. "$HERE/../lib/netns.sh"
yard_ns_require
START=$SECONDS
yard_ns_init yf yard-flowchurn yard-flow-churn
IPERF_PID=
UDP_PID=
RULES=2500	# per command
BATCHES=4

cleanup() {
	local rc=$?
	yard_traps_clear
	[ -z "$UDP_PID" ] || { kill "$UDP_PID" 2>/dev/null; wait "$UDP_PID" 2>/dev/null; }
	yardd_stop
	[ "$rc" = 0 ] || [ -z "${YD_LOG:-}" ] || tail -n 20 "$YD_LOG" | sed 's/^/  yardd| /'
	yard_ns_test_end flow-churn "$rc"
}
yard_traps_set cleanup

die() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
phase() { echo "== [$((SECONDS - START)) s] $*"; }
drops_total() {
	rpc stats.drops | py 'print(sum(v for k, v in d.items() if k not in ("flood-empty", "tx-refused")))'
}
dp_rules() { rpc flow.limits | py 'print(d["rules"])'; }

# Room for the 10,000 rules, not for one more.
LIMIT=10000
DP_ARGS_EXTRA=(--flow-max-rules "$LIMIT")
yard_dp_start_bare "$YARD_DP" || die "yard-dp did not start: $(tail -n 5 "$LOG")"
yardd_start "$YARDD" || die "yardd did not start: $(cat "$YD_LOG")"
yard_topology_write "$TMP/topo.yaml"
out=$(ctl apply -f "$TMP/topo.yaml" 2>&1) || die "apply: $out"
for ((t = 0; t < 100; t++)); do
	ip link show "${TAP[2]}" >/dev/null 2>&1 && break
	sleep 0.1
done
yard_ns_setup
# The ports may take a moment to be attached after yardd's push.
for ((t = 0; t < 20; t++)); do
	out=$(nsx 0 ping -c 1 -W 1 "${ADDR[1]}" 2>&1) && break
done
[ "$t" -lt 20 ] || die "ping h1 -> h2: $out"

phase "rules"
# ---- The rules: four files of 2,500 ----
python3 - "$TMP" "$RULES" "$BATCHES" <<'PY'
import sys
tmp, per, batches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for b in range(batches):
    with open("%s/rules-%d.yaml" % (tmp, b), "w") as f:
        f.write("flows:\n")
        for i in range(per):
            n = b * per + i
            f.write("  - {name: r%05d, priority: 10, network: blue, match: "
                    "{ip_proto: udp, ip_dst: 10.99.%d.%d/32, tp_dst: %d}, "
                    "action: drop}\n" % (n, n // 250, n % 250, 1000 + i))
    with open("%s/names-%d" % (tmp, b), "w") as f:
        f.write(" ".join("r%05d" % (b * per + i) for i in range(per)))
PY

phase "flow add, list, replace, del"
# ---- A rule that counts, flow list, replace ----
out=$(ctl flow add name=ping-count priority=5 network=blue \
	match:='{"ip_proto": "icmp"}' action=allow 2>&1) || die "flow add: $out"
nsx 0 ping -c 4 -i 0.1 -W 1 "${ADDR[1]}" >/dev/null 2>&1 || die "ping with ping-count"
list=$(ctl flow list)
echo "$list"
pk=$(ctl --json flow list | py 'print([e["packets"] for e in d if e["object"]["name"] == "ping-count"][0])')
[ "$pk" -ge 8 ] || die "ping-count matched $pk packets (expected >= 8: 4 requests, 4 replies)"
grep -qE '^ping-count +5 +blue +\{ip_proto: icmp\} +allow +[0-9]+ +[0-9]+ +programmed' <<<"$list" ||
	die "flow list row of ping-count"
ok "flow list: ping-count counted $pk packets"
# The same ICMP flow, now dropped: no verdict cached for the old rule
# survives the change.
out=$(ctl flow replace name=ping-count priority=6 network=blue \
	match:='{"ip_proto": "icmp"}' action=drop 2>&1) || die "flow replace: $out"
[ "$(ctl --json get flow ping-count | py 'print(d["object"]["priority"])')" = 6 ] ||
	die "replace did not change the priority"
if out=$(nsx 0 ping -c 3 -i 0.1 -W 1 "${ADDR[1]}" 2>&1); then
	die "ping passed a rule that drops it: $out"
fi
dropped=$(rpc stats.drops | py 'print(d["flow-drop"])')
[ "$dropped" -ge 3 ] || die "flow-drop counted $dropped after the replace (expected >= 3)"
if out=$(ctl flow replace name=nope priority=1 action=allow 2>&1); then
	die "replace of a rule that does not exist passed"
fi
grep -q "no flow called 'nope'" <<<"$out" || die "replace nope: $out"
out=$(ctl flow del ping-count 2>&1) || die "flow del: $out"
ok "flow add, list, replace, del"

phase "iperf3 before"
# ---- Under traffic: 4 x 2,500 added, 4 x 2,500 deleted ----
# One test each: TCP to h2 on 5201, UDP to h1 on 5202.
servers_start() {
	[ -z "$IPERF_PID" ] || wait "$IPERF_PID" 2>/dev/null || true
	[ -z "$UDP_PID" ] || wait "$UDP_PID" 2>/dev/null || true
	nsx 1 iperf3 -s -1 -B "${ADDR[1]}" >/dev/null 2>&1 &
	IPERF_PID=$!
	nsx 0 iperf3 -s -1 -B "${ADDR[0]}" -p 5202 >/dev/null 2>&1 &
	UDP_PID=$!
	for ((t = 0; t < 50; t++)); do
		nsx 1 ss -Hltn "sport = :5201" 2>/dev/null | grep -q . &&
		nsx 0 ss -Hltn "sport = :5202" 2>/dev/null | grep -q . && return
		sleep 0.1
	done
}
servers_start
# Before: 3 s of TCP and UDP.
nsx 0 timeout 20 iperf3 -c "${ADDR[1]}" -t 3 -J >"$TMP/tcp-before.json" &
TCP_C=$!
nsx 1 timeout 20 iperf3 -c "${ADDR[0]}" -p 5202 -u -b 5M -l 1000 -t 3 -J \
	>"$TMP/udp-before.json" || die "iperf3 UDP before: $(tail -n 5 "$TMP/udp-before.json")"
wait "$TCP_C" || die "iperf3 TCP before: $(tail -n 5 "$TMP/tcp-before.json")"
servers_start
D0=$(drops_total)
DUR=20
nsx 0 timeout 60 iperf3 -c "${ADDR[1]}" -t "$DUR" -J >"$TMP/tcp-during.json" &
TCP_C=$!
nsx 1 timeout 60 iperf3 -c "${ADDR[0]}" -p 5202 -u -b 5M -l 1000 -t "$DUR" -J \
	>"$TMP/udp-during.json" &
UDP_C=$!
sleep 1
phase "adds"
T0=$(date +%s.%N)
for ((b = 0; b < BATCHES; b++)); do
	out=$(ctl flow add -f "$TMP/rules-$b.yaml" 2>&1) || die "flow add batch $b: $out"
done
T1=$(date +%s.%N)
n=$(dp_rules)
[ "$n" = $((RULES * BATCHES)) ] || die "yard-dp holds $n rules after the adds (expected $((RULES * BATCHES)))"
phase "past the limit"
# Past the limit: refused by yardd before it stores anything.
if out=$(ctl flow add name=one-more priority=1 action=drop 2>&1); then
	die "a rule past the limit of $LIMIT was taken"
fi
grep -q "at most $LIMIT (yard-dp --flow-max-rules)" <<<"$out" || die "past the limit: $out"
n=$(dp_rules)
[ "$n" = $((RULES * BATCHES)) ] || die "yard-dp holds $n rules after the refused add"
# The store: networks blue and red, ports h1..h3, the rules.
n=$(ctl --json status | py 'print(d["store"]["objects"])')
[ "$n" = $((5 + RULES * BATCHES)) ] || die "yardd stores $n objects after the refused add"
ok "past the limit: refused ($out), the table as it was"
phase "deletes"
T2=$(date +%s.%N)
for ((b = 0; b < BATCHES; b++)); do
	# shellcheck disable=SC2046  # one name per argument
	out=$(ctl flow del $(cat "$TMP/names-$b") 2>&1) || die "flow del batch $b: $out"
done
T3=$(date +%s.%N)
n=$(dp_rules)
[ "$n" = 0 ] || die "yard-dp holds $n rules after the deletes (expected 0)"
phase "end of iperf3"
wait "$TCP_C" || die "iperf3 TCP during: $(tail -n 5 "$TMP/tcp-during.json")"
wait "$UDP_C" || die "iperf3 UDP during: $(tail -n 5 "$TMP/udp-during.json")"
D1=$(drops_total)
wait "$IPERF_PID" 2>/dev/null || true
IPERF_PID=
wait "$UDP_PID" 2>/dev/null || true
UDP_PID=

echo "rules changed per second, yardctl -> active in yard-dp (batches of $RULES):"
python3 -c 'import sys
n, t0, t1, t2, t3 = int(sys.argv[1]), *map(float, sys.argv[2:])
print("  add %d in %.2f s: %.0f rules/s; delete %d in %.2f s: %.0f rules/s"
      % (n, t1 - t0, n / (t1 - t0), n, t3 - t2, n / (t3 - t2)))' \
	$((RULES * BATCHES)) "$T0" "$T1" "$T2" "$T3"
rt_before=$(py 'print(d["end"]["sum_sent"]["retransmits"])' <"$TMP/tcp-before.json")
rt_during=$(py 'print(d["end"]["sum_sent"]["retransmits"])' <"$TMP/tcp-during.json")
rate_before=$(py 'print("%.0f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))' <"$TMP/tcp-before.json")
rate_during=$(py 'print("%.0f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))' <"$TMP/tcp-during.json")
udp_of() { py 's = d["end"]["sum"]; print(s["packets"], s["lost_packets"])' <"$1"; }
read -r udp_pkts0 udp_lost0 <<<"$(udp_of "$TMP/udp-before.json")"
read -r udp_pkts udp_lost <<<"$(udp_of "$TMP/udp-during.json")"
echo "TCP h1 -> h2: before ${rate_before} Mbit/s, $rt_before retransmits in 3 s;" \
	"during ${rate_during} Mbit/s, $rt_during retransmits in $DUR s"
echo "UDP h2 -> h1 (5 Mbit/s): before $udp_lost0 of $udp_pkts0 lost in 3 s;" \
	"during $udp_lost of $udp_pkts lost in $DUR s"
echo "yard-dp drops during: $((D1 - D0)) (flood-empty and tx-refused aside)"
[ "$((D1 - D0))" = 0 ] || { rpc stats.drops; die "yard-dp dropped $((D1 - D0)) frames during the changes"; }
[ "$udp_pkts" -gt 1000 ] || die "the UDP stream sent only $udp_pkts datagrams"
ok "10,000 rules added and deleted under traffic: yard-dp lost nothing"

