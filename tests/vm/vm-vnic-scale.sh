#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# VM suite: many vNICs on one yard-dp, through yardd and yardctl. COUNT
# (200 by default, past the 32 ethdevs of Debian's DPDK) vhost ports in
# server mode are created with one `yardctl apply`; two DPDK virtio_user
# "VMs" (vhost-peer) come up on a sample of them (the first and the last
# port) and frames pass from one to the other; every other port reads link
# down; the poll loop's cost per call with all of them idle is printed next
# to its cost with none. Then every port is deleted: their sockets are gone,
# and yard-dp's open files come back to the count before and its resident
# memory to within 4 MiB of it. It also prints memory per idle vNIC.
#
#   vm-vnic-scale.sh YARD_DP YARDD YARDCTL VHOST_PEER [COUNT]
#
# virtio_user shares its memory with the switch only from hugepages: the
# test reserves 512 x 2 MB when fewer are free, and gives them back.
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 YARD_DP YARDD YARDCTL VHOST_PEER [COUNT]" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARDD=$(realpath "$2")
YARDCTL=$(realpath "$3")
PEER=$(realpath "$4")
COUNT=${5:-200}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (hugepages)"; exit 77; }
HERE=$(cd "$(dirname "$0")" && pwd)
RPC="$HERE/../../tools/yard-rpc"
ID=$$
TMP=$(mktemp -d /tmp/yard-vscale.XXXXXX)
PREFIX=yard-vscale-dp-$ID
# shellcheck source=tests/lib/vhost-peer.sh disable=SC1091
. "$HERE/../lib/vhost-peer.sh"
DP_PID=
YD_PID=
RX_PID=

cleanup() {
	local rc=$?
	set +e
	for p in $RX_PID $YD_PID $DP_PID; do kill -TERM "$p" 2>/dev/null; done
	for p in $RX_PID $YD_PID $DP_PID; do
		timeout 10 tail --pid="$p" -f /dev/null || kill -KILL "$p"
	done 2>/dev/null
	[ "$rc" -ne 0 ] && [ -f "$TMP/yard-dp.log" ] && tail -n 20 "$TMP/yard-dp.log"
	rm -rf "$TMP" /var/run/dpdk/yard-vscale-*-"$ID"
	rm -f /dev/hugepages/yard-vscale-*-"$ID"map_* 2>/dev/null
	yard_huge_release
	exit "$rc"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }
rpc() { "$RPC" --socket "$TMP/dp.sock" --compact "$@"; }
ctl() { "$YARDCTL" --socket "$TMP/yardd.sock" "$@"; }
fds() { find "/proc/$DP_PID/fd" -mindepth 1 | wc -l; }
status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$DP_PID/status"; }
# cycles per call of port-rx, from the workers' node statistics.
poll_cycles() {
	rpc stats.nodes | /usr/bin/python3 -c '
import json, sys
n = {x["node"]: x for x in json.load(sys.stdin)}["port-rx"]
print(n["cycles"], n["calls"])'
}
# Cycles per call over 0.5 s, the least of three (a busy machine adds,
# never takes away).
poll_cost() {
	local c0 k0 c1 k1 best= i c
	for i in 1 2 3; do
		read -r c0 k0 < <(poll_cycles)
		sleep 0.5
		read -r c1 k1 < <(poll_cycles)
		c=$(((c1 - c0) / ((k1 - k0) > 0 ? (k1 - k0) : 1)))
		[ -z "$best" ] || [ "$c" -lt "$best" ] && best=$c
	done
	echo "$best"
}

yard_huge_reserve

"$YARD_DP" --socket "$TMP/dp.sock" --file-prefix "$PREFIX" --workers 1 \
	--log-level warning -- --no-pci >"$TMP/yard-dp.log" 2>&1 &
DP_PID=$!
for _ in $(seq 100); do [ -S "$TMP/dp.sock" ] && break; sleep 0.1; done
printf 'vhost_dir = %s\n' "$TMP" >"$TMP/yardd.conf"
"$YARDD" --socket "$TMP/yardd.sock" --db "$TMP/yardd.db" --dataplane "$TMP/dp.sock" \
	--vm-dir "$TMP/vms" --config "$TMP/yardd.conf" >"$TMP/yardd.log" 2>&1 &
YD_PID=$!
for _ in $(seq 100); do [ -S "$TMP/yardd.sock" ] && break; sleep 0.1; done

read -r ports_max vnics_max < <(rpc version | /usr/bin/python3 -c '
import json, sys; d = json.load(sys.stdin); print(d["ports_max"], d.get("vnics_max", 0))')
echo "yard-dp: ports_max $ports_max, vnics_max $vnics_max"
[ "$COUNT" -le "$vnics_max" ] || fail "$COUNT vNICs wanted, yard-dp holds $vnics_max"

echo "networks: [{name: blue}]" >"$TMP/empty.yaml"
# One vNIC first, so that what the first one starts once (rte_vhost's
# threads and their pipe) is in the baseline.
cat "$TMP/empty.yaml" - >"$TMP/one.yaml" <<EOF
ports: [{name: warm, kind: vhost, network: blue, mode: server, socket: $TMP/warm.sock}]
EOF
ctl apply -f "$TMP/one.yaml" >/dev/null || fail "apply of one vhost port failed"
ctl apply -f "$TMP/empty.yaml" >/dev/null || fail "apply of the network failed"
[ -e "$TMP/warm.sock" ] && fail "the deleted port's socket is still there"
sleep 1
fd0=$(fds)
rss0=$(status_kb VmRSS)
huge0=$(status_kb HugetlbPages)
cost0=$(poll_cost)

name() { printf 'v%03d' "$1"; }
mac() { printf '02:00:00:00:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }
{
	echo "networks: [{name: blue}]"
	echo "ports:"
	for ((i = 0; i < COUNT; i++)); do
		echo "  - {name: $(name "$i"), kind: vhost, network: blue, mode: server, socket: $TMP/$(name "$i").sock}"
	done
} >"$TMP/many.yaml"
t0=$(date +%s.%N)
ctl apply -f "$TMP/many.yaml" >"$TMP/apply.out" || { cat "$TMP/apply.out"; fail "apply of $COUNT vhost ports failed"; }
t1=$(date +%s.%N)
n=$(rpc port.list | /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$n" -eq "$COUNT" ] || fail "yard-dp holds $n ports, not $COUNT"
for ((i = 0; i < COUNT; i++)); do
	[ -S "$TMP/$(name "$i").sock" ] || fail "no socket for port $(name "$i")"
done
sleep 1
fd1=$(fds)
rss1=$(status_kb VmRSS)
huge1=$(status_kb HugetlbPages)
cost1=$(poll_cost)
echo "created $COUNT vNICs in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s; open files $fd0 -> $fd1"
echo "memory per idle vNIC: $(((rss1 - rss0) / COUNT)) KiB resident, $(((huge1 - huge0) / COUNT)) KiB of hugepages"
echo "port-rx: $cost0 cycles per call with no vNIC, $cost1 with $COUNT idle"

# The sample: a receiver on the last port, a sender on the first.
first=$(name 0)
last=$(name $((COUNT - 1)))
peer() { local name=$1; shift; yard_peer "yard-vscale-$name-$ID" "$@"; }
rpc fdb.add "{\"network\": \"blue\", \"mac\": \"$(mac 2)\", \"port\": \"$last\"}" >/dev/null
peer rx "$TMP/$last.sock" "$(mac 2)" 0 1 rx "$TMP/$last.sock" 2000 >"$TMP/rx.log" 2>&1 &
RX_PID=$!
sleep 2
peer tx "$TMP/$first.sock" "$(mac 1)" 1 1 tx "$TMP/$first.sock" 100000 "$(mac 1)" "$(mac 2)" \
	>"$TMP/tx.log" 2>&1 || { cat "$TMP/tx.log"; fail "the sender failed"; }
wait "$RX_PID" || true
RX_PID=
cat "$TMP/tx.log" "$TMP/rx.log" | grep -E '^(sent|received)'
sleep 1
rpc port.stats >"$TMP/stats.json"
/usr/bin/python3 - "$TMP" "$first" "$last" <<'PY' || fail "frames did not pass on the sample"
import json, re, sys
tmp, first, last = sys.argv[1:4]
ports = {p["name"]: p for p in json.load(open(f"{tmp}/stats.json"))}
got = int(re.search(r"received (\d+)", open(f"{tmp}/rx.log").read()).group(1))
a, b = ports[first], ports[last]
bad = []
if a["stats"]["rx_packets"] != 100000:
    bad.append(f"{first} received {a['stats']['rx_packets']} of 100000")
if got == 0 or got != b["stats"]["tx_packets"]:
    bad.append(f"the receiver got {got}, {last} sent {b['stats']['tx_packets']}")
if b["queues"][0]["tx_packets"] != b["stats"]["tx_packets"]:
    bad.append(f"{last}: queue 0 counted {b['queues'][0]['tx_packets']}")
# The peers have gone: every link is down again.
up = [n for n, p in ports.items() if p["link"] != "down"]
if up: bad.append(f"links not down: {up[:5]}")
events = a["link_events"], b["link_events"]
if events != (2, 2): bad.append(f"link events {events}, not (2, 2)")
print(f"sample: {first} -> {last}: {got} frames; {len(ports)} ports listed")
for m in bad: print("FAIL:", m)
sys.exit(1 if bad else 0)
PY

ctl apply -f "$TMP/empty.yaml" >/dev/null || fail "deleting the ports failed"
n=$(rpc port.list | /usr/bin/python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$n" -eq 0 ] || fail "$n ports left after deleting them all"
left=$(find "$TMP" -name 'v*.sock' | wc -l)
[ "$left" -eq 0 ] || fail "$left sockets left behind"
sleep 1
fd2=$(fds)
rss2=$(status_kb VmRSS)
echo "deleted: open files $fd2 (before: $fd0), resident $rss2 KiB (before: $rss0 KiB)"
[ "$fd2" -eq "$fd0" ] || fail "open files $fd2 after deleting, $fd0 before"
[ $((rss2 - rss0)) -le 4096 ] || fail "resident memory grew by $((rss2 - rss0)) KiB"
echo PASS
