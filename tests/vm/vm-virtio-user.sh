#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# VM suite: two DPDK virtio_user "VMs" (vhost-peer) on two vhost ports of
# yard-dp. One sends exactly 1,000,000 frames, the other counts what it
# gets; every frame must be accounted for: received by yard-dp on the
# first port, and either sent on the second port (and received by the
# peer) or counted as a drop with its reason. It asserts these identities,
# not a delivery rate, so that it holds on a loaded machine too.
#
#   vm-virtio-user.sh YARD_DP VHOST_PEER [QUEUES]
#
# Multiqueue, with QUEUES > 1: yard-dp runs QUEUES workers, the sender has
# QUEUES queue pairs and sends on each in turn, the receiver has one. Then
# each of the first port's rx queues must have carried frames (each worker
# polled its own), and each of the second port's tx queues (one per worker)
# must have sent some: the workers whose queue pair the receiver left
# disabled send on its enabled one instead of refusing the frames.
#
# virtio_user shares its memory with the switch only from hugepages: the
# test reserves 512 x 2 MB when fewer are free, and gives them back.
set -euo pipefail
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: $0 YARD_DP VHOST_PEER [QUEUES]" >&2; exit 2; }
YARD_DP=$(realpath "$1")
PEER=$(realpath "$2")
QUEUES=${3:-1}
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (hugepages)"; exit 77; }
HERE=$(cd "$(dirname "$0")" && pwd)
RPC="$HERE/../../tools/yard-rpc"
COUNT=1000000
ID=$$
TMP=$(mktemp -d /tmp/yard-vu.XXXXXX)
# shellcheck source=tests/lib/vhost-peer.sh disable=SC1091
. "$HERE/../lib/vhost-peer.sh"
DP_PID=
RX_PID=

cleanup() {
	local rc=$?
	set +e
	for p in $RX_PID $DP_PID; do kill -TERM "$p" 2>/dev/null; done
	for p in $RX_PID $DP_PID; do
		timeout 10 tail --pid="$p" -f /dev/null || kill -KILL "$p"
	done 2>/dev/null
	rm -rf "$TMP" /var/run/dpdk/yard-vu-*-"$ID"
	rm -f /dev/hugepages/yard-vu-*-"$ID"map_* 2>/dev/null
	yard_huge_release
	exit "$rc"
}
trap cleanup EXIT
yard_huge_reserve

cat >"$TMP/topo.yaml" <<YAML
networks: [{name: blue}]
ports:
  - {name: a, kind: vhost, network: blue, socket: $TMP/a.sock, mode: server,
     mac: "02:00:00:00:00:0a"}
  - {name: b, kind: vhost, network: blue, socket: $TMP/b.sock, mode: server,
     mac: "02:00:00:00:00:0b"}
YAML
"$YARD_DP" --socket "$TMP/dp.sock" --topology "$TMP/topo.yaml" \
	--file-prefix "yard-vu-dp-$ID" --log-level warning --workers "$QUEUES" -- --no-pci \
	>"$TMP/dp.log" 2>&1 &
DP_PID=$!
for _ in $(seq 100); do [ -S "$TMP/a.sock" ] && [ -S "$TMP/dp.sock" ] && break; sleep 0.1; done
rpc() { "$RPC" --socket "$TMP/dp.sock" --compact "$@"; }
# The receiver never sends, so the switch cannot learn it: say where it is.
rpc fdb.add '{"network": "blue", "mac": "02:00:00:00:00:0b", "port": "b"}' >/dev/null

peer() { local name=$1; shift; yard_peer "yard-vu-$name-$ID" "$@"; }
peer rx "$TMP/b.sock" 02:00:00:00:00:0b 0 1 rx "$TMP/b.sock" 2000 >"$TMP/rx.log" 2>&1 &
RX_PID=$!
sleep 2
peer tx "$TMP/a.sock" 02:00:00:00:00:0a 1 "$QUEUES" \
	tx "$TMP/a.sock" "$COUNT" 02:00:00:00:00:0a 02:00:00:00:00:0b >"$TMP/tx.log" 2>&1 ||
	{ cat "$TMP/tx.log"; echo "FAIL: the sender failed"; exit 1; }
wait "$RX_PID" || true
RX_PID=
cat "$TMP/tx.log" "$TMP/rx.log" | grep -E '^(sent|received|queues)'
rpc port.stats >"$TMP/stats.json"
rpc stats.drops >"$TMP/drops.json"
/usr/bin/python3 - "$TMP" "$COUNT" "$QUEUES" <<'PY'
import json, re, sys
tmp, count, queues = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ports = {p["name"]: p for p in json.load(open(f"{tmp}/stats.json"))}
stats = {n: p["stats"] for n, p in ports.items()}
drops = {k: v for k, v in json.load(open(f"{tmp}/drops.json")).items() if v}
sent = int(re.search(r"sent (\d+)", open(f"{tmp}/tx.log").read()).group(1))
got = int(re.search(r"received (\d+)", open(f"{tmp}/rx.log").read()).group(1))
a, b = stats["a"], stats["b"]
print(f"yard-dp: a rx {a['rx_packets']}, b tx {b['tx_packets']}, drops {drops}")
bad = []
if sent != count: bad.append(f"the sender sent {sent}, not {count}")
if a["rx_packets"] != sent: bad.append(f"yard-dp received {a['rx_packets']} of {sent}")
if a["rx_packets"] != b["tx_packets"] + sum(drops.values()):
    bad.append("frames unaccounted for: a.rx != b.tx + drops")
if set(drops) - {"tx-refused"}: bad.append(f"unexpected drop reasons {drops}")
if got != b["tx_packets"]: bad.append(f"the receiver got {got}, yard-dp sent {b['tx_packets']}")
# A starved receiver (a busy machine) takes fewer frames: the switch then
# refuses the rest, counted as tx-refused. The identities above hold
# whatever the load; how many arrive says only how busy the machine was.
if got == 0: bad.append("no frame arrived")
rxq = [q["rx_packets"] for q in ports["a"]["queues"]]
txq = [q["tx_packets"] for q in ports["b"]["queues"]]
print(f"a: rx per queue {rxq}; b: tx per queue {txq}")
if len(rxq) != queues or 0 in rxq: bad.append(f"a's {queues} rx queues carried {rxq}")
if len(txq) != queues or 0 in txq: bad.append(f"b's {queues} tx queues (workers) sent {txq}")
if sum(txq) != b["tx_packets"]: bad.append(f"b's queues sum to {sum(txq)}, not {b['tx_packets']}")
print(f"delivered {got} of {count} ({100 * got / count:.1f}%)")
for m in bad: print("FAIL:", m)
print("PASS" if not bad else "FAIL")
sys.exit(1 if bad else 0)
PY
