#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: l2-input's verdicts follow the FDB at once under a steady
# flow (l2-input keeps the last flow's verdict from one vector to the next;
# every FDB change must end that).
#
#   l2-verdict.sh YARD_DP YARD_RPC
#
# One flow, replayed forever from a net_pcap source, into a network with
# two net_null sinks. Its destination is first unknown (flooded to both
# sinks), then a static entry on sink b (only b), deleted (both again), then
# moved to sink a (only a). After each change the sinks' tx counters are
# read twice, 0.3 s apart, starting 0.2 s after the change was acknowledged:
# a sink that should be silent must not have grown, the other must have.
# A verdict kept past the change would show within the clock's one second.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 YARD_DP YARD_RPC" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARD_RPC=$(realpath "$2")
ID=$$
PREFIX="yard-verdict-$ID"
TMP=$(mktemp -d /tmp/yard-verdict.XXXXXX)
DP_PID=
DST=02:00:00:01:00:00

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	if [ -n "$DP_PID" ]; then
		kill -TERM "$DP_PID" 2>/dev/null
		timeout 10 tail --pid="$DP_PID" -f /dev/null 2>/dev/null || kill -KILL "$DP_PID" 2>/dev/null
	fi
	rm -rf "/var/run/dpdk/$PREFIX" "$TMP"
	[ "$rc" -ne 0 ] && echo "l2-verdict: FAILED (exit $rc)"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*"; tail -20 "$TMP/dp.log"; exit 1; }
rpc() { "$YARD_RPC" --socket "$TMP/dp.sock" --compact "$@"; }
tx() { rpc port.stats "{\"name\": \"$1\"}" | /usr/bin/python3 -c \
	'import json, sys; print(json.load(sys.stdin)[0]["stats"]["tx_packets"])'; }

# 64 frames of one flow, from 02:00:00:00:00:01 to $DST.
/usr/bin/python3 - "$TMP/src.pcap" <<'PY'
import struct, sys
frame = (bytes.fromhex('020000010000' '020000000001' '0800') +
         bytes.fromhex('4500002e000000004011') + b'\0\0' +
         bytes([10, 0, 0, 1, 10, 0, 0, 2]) + bytes(26))
with open(sys.argv[1], 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(64):
        f.write(struct.pack('<IIII', 1, i, len(frame), len(frame)) + frame)
PY
cat > "$TMP/topo.yaml" <<YAML
networks: [{name: n}]
ports:
  - {name: src, kind: pcap, network: n,
     devargs: "net_pcap_q$ID,rx_pcap=$TMP/src.pcap,infinite_rx=1"}
  - {name: a, kind: phy, network: n, devargs: "net_null_a$ID,no-rx=1"}
  - {name: b, kind: phy, network: n, devargs: "net_null_b$ID,no-rx=1"}
YAML
"$YARD_DP" --socket "$TMP/dp.sock" --topology "$TMP/topo.yaml" \
	--file-prefix "$PREFIX" --log-level warning -- --no-pci --no-huge -m 512 \
	>"$TMP/dp.log" 2>&1 &
DP_PID=$!
for _ in $(seq 100); do [ -S "$TMP/dp.sock" ] && break; sleep 0.1; done
[ -S "$TMP/dp.sock" ] || fail "yard-dp did not open its socket"

# expect WHAT A_GROWS B_GROWS: the verdict after a change.
expect() {
	local what=$1 a0 b0 a1 b1
	sleep 0.2
	a0=$(tx a); b0=$(tx b)
	sleep 0.3
	a1=$(tx a); b1=$(tx b)
	echo "$what: sink a +$((a1 - a0)), sink b +$((b1 - b0))"
	if [ "$2" = yes ]; then [ "$a1" -gt "$a0" ] || fail "$what: a got nothing"
	else [ "$a1" -eq "$a0" ] || fail "$what: a still gets frames"; fi
	if [ "$3" = yes ]; then [ "$b1" -gt "$b0" ] || fail "$what: b got nothing"
	else [ "$b1" -eq "$b0" ] || fail "$what: b still gets frames"; fi
}

for round in 1 2 3; do
	expect "round $round, unknown destination (flood)" yes yes
	rpc fdb.add "{\"network\": \"n\", \"mac\": \"$DST\", \"port\": \"b\"}" >/dev/null
	expect "round $round, static entry on b" no yes
	rpc fdb.del "{\"network\": \"n\", \"mac\": \"$DST\"}" >/dev/null
	expect "round $round, entry deleted (flood)" yes yes
	rpc fdb.add "{\"network\": \"n\", \"mac\": \"$DST\", \"port\": \"a\"}" >/dev/null
	expect "round $round, static entry on a" yes no
	rpc fdb.del "{\"network\": \"n\", \"mac\": \"$DST\"}" >/dev/null
done
echo "l2-verdict: OK"
