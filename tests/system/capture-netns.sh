#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: yardctl capture, through yardd, on a yard-dp switching real
# Linux traffic between network namespaces.
#
#   capture-netns.sh YARD_DP YARDD YARDCTL
#
# h1 and h2 in network blue (h1 with port security on its own MAC), h3 a
# trunk port of red (VLAN 30). It proves that
#   - a capture with a filter holds exactly the packets the filter selects,
#     on the right port and direction, read back by tshark (from a file and
#     streamed to tshark through a pipe);
#   - a capture whose ring is full loses copies, never forwarded packets;
#   - capture --drops shows a spoofed frame (src-mac-spoof) and a frame of
#     an unknown VLAN (unknown-vlan), the reason and the node that dropped
#     each in the packet comment;
#   - yardctl trace shows the node path and decisions of a switched frame
#     and of a dropped one;
#   - hostile use: a filter that does not compile gets libpcap's message,
#     10 captures and 10 traces at once, a client killed or cut off mid-stream: yard-dp
#     keeps forwarding, its sessions and descriptors come back to where
#     they were.
#
# Needs root, iproute2, ping, tshark and Debian's python3 with scapy;
# otherwise it exits 77 (skipped).

set -euo pipefail

[ $# -eq 3 ] || { echo "usage: $0 YARD_DP YARDD YARDCTL" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARDD=$(realpath "$2")
YARDCTL=$(realpath "$3")

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh disable=SC1091  # -x follows
. "$HERE/../lib/netns.sh"

yard_ns_require
command -v tshark >/dev/null 2>&1 || { echo "SKIP: tshark is missing"; exit 77; }
/usr/bin/python3 -c 'import scapy.all' 2>/dev/null ||
	{ echo "SKIP: /usr/bin/python3 has no scapy"; exit 77; }

START=$SECONDS
yard_ns_init yc yard-test yard-capture
YD_PID=
FAILED=0
H1_MAC=02:00:00:00:c1:01

cleanup() {
	local rc=$?
	yard_traps_clear
	yardd_stop
	yard_ns_test_end capture-netns "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; FAILED=1; }
die() { echo "FAIL: $*"; exit 1; }
stat_of() {	# stat_of PORT FIELD
	rpc port.stats "{\"name\": \"$1\"}" | py "print(d[0]['stats']['$2'])"
}
# count FILE FILTER: packets of the pcapng FILE that the display FILTER keeps.
count() { tshark -r "$1" -Y "$2" 2>/dev/null | wc -l; }
sessions() { rpc capture.list | py 'print(len(d))'; }
fds() { find "/proc/$DP_PID/fd" -mindepth 1 2>/dev/null | wc -l; }
fd_list() { find "/proc/$DP_PID/fd" -mindepth 1 -printf '%l\n' 2>/dev/null | sort; }

# ---- yard-dp programmed by yardd ----
cat >"$TMP/topology.yaml" <<EOF
networks:
  - name: blue
  - name: red
ports:
  - {name: h1, kind: tap, network: blue, security: true, mac: "$H1_MAC",
     devargs: "net_tap0,iface=${TAP[0]}"}
  - {name: h2, kind: tap, network: blue, devargs: "net_tap1,iface=${TAP[1]}"}
  - {name: h3, kind: tap, trunk: [{network: red, vlan: 30}],
     devargs: "net_tap2,iface=${TAP[2]}"}
EOF
yard_dp_start_bare "$YARD_DP" || die "yard-dp did not start"
yardd_start "$YARDD" || die "yardd did not start"
ctl apply -f "$TMP/topology.yaml" >/dev/null || die "apply failed"
for ((t = 0; t < 100; t++)); do
	ip link show "${TAP[2]}" >/dev/null 2>&1 && break
	sleep 0.1
done
# h1 sends from the one MAC its port allows from its first frame on.
ip link set "${TAP[0]}" address "$H1_MAC"
yard_ns_setup
out=$(nsx 0 ping -c 3 -i 0.2 -W 1 "${ADDR[1]}" 2>&1) || true
[ "$(loss "$out")" != 100 ] || die "h1 cannot ping h2 before any capture: $out"
echo "ok: yard-dp up, programmed by yardd; h1 pings h2"
FDS0=$(fds)
fd_list >"$TMP/fds0"

# wait_started LOG [WORD]: until yardctl says it runs (up to 5 s).
wait_started() {
	for ((t = 0; t < 50; t++)); do
		grep -q "${2:-started}" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ---- 1. A filter selects the echo replies h2 receives ----
ctl capture h2 --rx --filter 'icmp[icmptype] == icmp-echoreply' --duration 4 \
	-w "$TMP/replies.pcapng" 2>"$TMP/cap1.log" &
CAP=$!
wait_started "$TMP/cap1.log" || die "capture 1 did not start: $(cat "$TMP/cap1.log")"
nsx 1 ping -c 5 -i 0.1 -W 1 "${ADDR[0]}" >/dev/null 2>&1 ||
	fail "ping h2 -> h1 lost packets during a capture"
nsx 0 ping -c 3 -i 0.1 -W 1 "${ADDR[1]}" >/dev/null 2>&1 ||
	fail "ping h1 -> h2 lost packets during a capture"
wait "$CAP" || fail "yardctl capture 1 exited $?: $(cat "$TMP/cap1.log")"
all=$(count "$TMP/replies.pcapng" "frame")
rep=$(count "$TMP/replies.pcapng" "icmp.type == 0")
rx=$(tshark -r "$TMP/replies.pcapng" -T fields -e frame.interface_name 2>/dev/null | sort -u | tr '\n' ' ')
echo "capture h2 --rx 'echo replies': $all packets, $rep echo replies, interfaces: $rx"
# What port h2 receives is what host h2 sends: its 5 echo requests to h1
# and its 3 replies to h1's requests. The filter keeps the 3 replies.
[ "$all" -eq 3 ] && [ "$rep" -eq 3 ] ||
	fail "expected exactly the 3 echo replies host h2 sent, got $all packets ($rep replies)"
[ "$rx" = "h2:rx " ] || fail "expected the packets on interface h2:rx only, got '$rx'"

# ---- 2. Streamed to tshark: -w - | tshark -r - ----
( ctl capture h1 --rx --filter icmp -c 4 -w - 2>"$TMP/cap2.log" |
	tshark -r - -T fields -e icmp.type >"$TMP/stream.txt" 2>/dev/null ) &
CAP=$!
wait_started "$TMP/cap2.log" || die "capture 2 did not start: $(cat "$TMP/cap2.log")"
nsx 0 ping -c 6 -i 0.1 -W 1 "${ADDR[1]}" >/dev/null 2>&1 || true
wait "$CAP" || fail "yardctl capture -w - | tshark -r - failed: $(cat "$TMP/cap2.log")"
got=$(tr '\n' ' ' <"$TMP/stream.txt")
echo "capture h1 --rx icmp -c 4 through a pipe: icmp types '$got'"
[ "$got" = "8 8 8 8 " ] || fail "expected 4 echo requests (type 8) from the pipe, got '$got'"

# ---- 3. A full ring loses copies, not packets ----
counters() { rpc port.stats | py 'print(" ".join(str(p["stats"][k]) for p in d for k in ("rx_packets", "tx_packets") if p["name"] in ("h1", "h2")))'; }
read -r rx1 _ _ tx2 <<<"$(counters)"
id=$(rpc capture.start '{"port": "h1", "ring": 16}' | py 'print(d["id"])')
T3=$SECONDS
out=$(nsx 0 ping -c 200 -i 0.005 -W 1 "${ADDR[1]}" 2>&1) || true
echo "(ping: $((SECONDS - T3)) s)"
st=$(rpc capture.stop "{\"id\": $id}")
read -r a _ _ b <<<"$(counters)"
rx1=$((a - rx1)); tx2=$((b - tx2))
copied=$(py 'print(d["copied"])' <<<"$st"); lost=$(py 'print(d["lost"])' <<<"$st")
echo "ring of 16 never read: copied $copied, lost $lost; ping loss $(loss "$out")%; h1 rx $rx1, h2 tx $tx2"
[ "$copied" -eq 16 ] || fail "a ring of 16 copied $copied (expected 16)"
[ "$lost" -gt 0 ] || fail "a full ring counted no lost copy"
[ "$(loss "$out")" = 0 ] || fail "a full capture ring cost forwarded packets: $(loss "$out")% ping loss"
[ "$rx1" -eq "$tx2" ] || fail "h1 received $rx1 but h2 sent $tx2 while the ring was full"

# ---- 4. Drops with their reason: port security, unknown VLAN ----
# A filter keeps out the drops of the hosts' own chatter; -c ends it.
ctl capture --drops --filter 'ether src 02:00:00:00:99:99 or ether src 02:00:00:00:33:33' \
	-c 2 --duration 30 -w "$TMP/drops.pcapng" 2>"$TMP/cap4.log" &
CAP=$!
wait_started "$TMP/cap4.log" || die "capture 4 did not start: $(cat "$TMP/cap4.log")"
nsx 0 /usr/bin/python3 -c "
from scapy.all import Ether, IP, UDP, sendp
sendp(Ether(src='02:00:00:00:99:99', dst='ff:ff:ff:ff:ff:ff')/IP(src='${ADDR[0]}', dst='${ADDR[1]}')/UDP(dport=9), iface='${TAP[0]}', verbose=False)"
nsx 2 /usr/bin/python3 -c "
from scapy.all import Ether, Dot1Q, IP, UDP, sendp
sendp(Ether(src='02:00:00:00:33:33', dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=999)/IP(src='10.9.9.9', dst='10.9.9.8')/UDP(dport=9), iface='${TAP[2]}', verbose=False)"
wait "$CAP" || fail "yardctl capture --drops exited $?: $(cat "$TMP/cap4.log")"
tshark -r "$TMP/drops.pcapng" -T fields -e frame.interface_name -e frame.comment \
	2>/dev/null | sort | uniq -c | sed 's/^/  /'
spoof=$(count "$TMP/drops.pcapng" 'frame.comment == "dropped by eth-input: src-mac-spoof" && eth.src == 02:00:00:00:99:99')
vlan=$(count "$TMP/drops.pcapng" 'frame.comment == "dropped by eth-input: unknown-vlan" && vlan.id == 999')
[ "$spoof" -eq 1 ] || fail "expected the spoofed frame with 'dropped by eth-input: src-mac-spoof', found $spoof"
[ "$vlan" -eq 1 ] || fail "expected the VLAN 999 frame with 'dropped by eth-input: unknown-vlan', found $vlan"
# --reason selects: of a spoofed frame and a VLAN 999 one, the second.
ctl capture --drops --reason unknown-vlan -c 1 --duration 30 -w "$TMP/vlan.pcapng" 2>"$TMP/cap5.log" &
CAP=$!
wait_started "$TMP/cap5.log" || die "capture 5 did not start"
nsx 0 /usr/bin/python3 -c "
from scapy.all import Ether, IP, UDP, sendp
sendp(Ether(src='02:00:00:00:99:99', dst='ff:ff:ff:ff:ff:ff')/IP()/UDP(), iface='${TAP[0]}', verbose=False)"
nsx 2 /usr/bin/python3 -c "
from scapy.all import Ether, Dot1Q, IP, UDP, sendp
sendp(Ether(src='02:00:00:00:33:33', dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=999)/IP()/UDP(), iface='${TAP[2]}', verbose=False)"
wait "$CAP" || fail "yardctl capture --drops --reason exited $?"
n=$(count "$TMP/vlan.pcapng" frame)
v=$(count "$TMP/vlan.pcapng" 'vlan.id == 999')
echo "capture --drops --reason unknown-vlan: $n packets, $v of VLAN 999"
[ "$n" -eq 1 ] && [ "$v" -eq 1 ] || fail "capture --drops --reason unknown-vlan: $n packets ($v of VLAN 999), expected the one VLAN 999 frame"

# ---- 5. Live trace: a switched frame and a dropped one ----
ctl trace h1 -c 1 --filter 'icmp[icmptype] == icmp-echo' --duration 5 \
	>"$TMP/trace1.txt" 2>"$TMP/trace1.log" &
CAP=$!
wait_started "$TMP/trace1.log" 'tracing' || die "trace 1 did not start: $(cat "$TMP/trace1.log")"
nsx 0 ping -c 2 -i 0.2 -W 1 "${ADDR[1]}" >/dev/null 2>&1 || true
wait "$CAP" || fail "yardctl trace exited $?: $(cat "$TMP/trace1.log")"
echo "trace h1 (echo request):"; sed 's/^/  /' "$TMP/trace1.txt"
grep -q "^#1 in=h1 len=98 $H1_MAC > .* vlan=-: port-rx > eth-input (network blue) > l2-input (fdb-hit h2) > port-tx => out h2$" \
	"$TMP/trace1.txt" || fail "the trace of h1's echo request is not the switched path to h2"
[ "$(wc -l <"$TMP/trace1.txt")" -eq 1 ] || fail "trace -c 1 printed $(wc -l <"$TMP/trace1.txt") lines"

ctl trace h3 -c 1 --duration 5 >"$TMP/trace2.txt" 2>"$TMP/trace2.log" &
CAP=$!
wait_started "$TMP/trace2.log" 'tracing' || die "trace 2 did not start"
nsx 2 /usr/bin/python3 -c "
from scapy.all import Ether, Dot1Q, IP, UDP, sendp
sendp(Ether(src='02:00:00:00:33:33', dst='ff:ff:ff:ff:ff:ff')/Dot1Q(vlan=999)/IP()/UDP(), iface='${TAP[2]}', verbose=False)"
wait "$CAP" || fail "yardctl trace exited $?"
echo "trace h3 (VLAN 999):"; sed 's/^/  /' "$TMP/trace2.txt"
grep -q "^#1 in=h3 len=.* 02:00:00:00:33:33 > ff:ff:ff:ff:ff:ff vlan=999: port-rx > eth-input > drop => dropped by eth-input (unknown-vlan)$" \
	"$TMP/trace2.txt" || fail "the trace of the VLAN 999 frame is not a drop by eth-input for unknown-vlan"

# ---- 6. Hostile use ----
if ctl capture h1 --filter 'icmp and and' -c 1 -w "$TMP/bad.pcapng" 2>"$TMP/bad.log"; then
	fail "a filter that does not compile was accepted"
fi
echo "bad filter: $(head -n 1 "$TMP/bad.log")"
grep -q "does not compile" "$TMP/bad.log" || fail "no clear error for a bad filter: $(cat "$TMP/bad.log")"
[ ! -e "$TMP/bad.pcapng" ] || fail "a refused capture left its file behind"

pids=()
for ((i = 0; i < 10; i++)); do
	ctl capture "h$((i % 2 + 1))" --filter icmp --duration 8 -w /dev/null 2>/dev/null &
	pids+=($!)
	ctl trace -c 10000 --duration 8 >/dev/null 2>&1 &
	pids+=($!)
done
for ((t = 0; t < 60; t++)); do
	busy=$(sessions)
	[ "$busy" -lt 20 ] || break
	sleep 0.1
done
out=$(nsx 0 ping -c 10 -i 0.05 -W 1 "${ADDR[1]}" 2>&1) || true
bad=0
for p in "${pids[@]}"; do wait "$p" || bad=$((bad + 1)); done
echo "10 captures and 10 traces at once: $busy sessions open, $bad failed, ping loss $(loss "$out")%"
[ "$busy" -eq 20 ] || fail "expected 20 sessions open at once, saw $busy"
[ "$bad" -eq 0 ] || fail "$bad of 20 concurrent captures and traces failed"
[ "$(loss "$out")" = 0 ] || fail "ping lost $(loss "$out")% during 20 captures"

# A reader that goes away (head), a client killed mid-stream.
( ctl capture h1 -w - 2>/dev/null | head -c 100 >/dev/null ) &
HEADP=$!
"$YARDCTL" --socket "$YD_SOCK" capture h1 -w "$TMP/killed.pcapng" 2>/dev/null &
KILLP=$!
sleep 0.5
nsx 0 ping -c 5 -i 0.05 -W 1 "${ADDR[1]}" >/dev/null 2>&1 || true
wait "$HEADP" || true
kill -KILL "$KILLP"; wait "$KILLP" 2>/dev/null || true
sleep 12	# A session nobody read for 10 s is closed.
out=$(nsx 0 ping -c 5 -i 0.05 -W 1 "${ADDR[1]}" 2>&1) || true
left=$(sessions); FDS1=$(fds)
echo "after a cut pipe and a killed client: $left sessions, yard-dp fds $FDS0 -> $FDS1, ping loss $(loss "$out")%"
[ "$left" -eq 0 ] || fail "$left capture sessions left behind: $(rpc capture.list)"
[ "$FDS1" -eq "$FDS0" ] ||
	fail "yard-dp has $FDS1 descriptors open, $FDS0 before: $(fd_list | diff "$TMP/fds0" - | grep '^[<>]' | tr '\n' ' ')"
[ "$(loss "$out")" = 0 ] || fail "yard-dp stopped forwarding after hostile captures"

if [ "$FAILED" -ne 0 ]; then
	echo "RESULT: FAIL"
	exit 1
fi
echo "RESULT: PASS"
exit 0
