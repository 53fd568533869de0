#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# yard-dp's runtime views through yardd and yardctl: neigh list, vtep list,
# flow stats and router stats, as tables and with --json.
#
#   control-views.sh YARD_DP YARDD YARDCTL
#
# The topology: network blue with router r1 on it; flows no-ssh (drop
# tcp/22 in blue) and allow-all; an overlay on a pcap underlay port (ul1:
# no network, no trunk) with peers 192.0.2.11 and 192.0.2.12; a tap port h1
# in blue, created last, into which the test sends an ARP request from
# 10.0.1.50 to r1 and three TCP packets to port 22 once everything is
# programmed. (Not a pcap rx port: yard-dp may poll a new port before it
# is attached to its network, and drop its first packets as
# port-unattached.) It proves that
#   - vtep list shows both peers, and --json parses with their addresses;
#   - flow stats shows each rule with its priority and action, and no-ssh
#     counted exactly the three TCP packets and their bytes;
#   - neigh list shows 10.0.1.50 learned by r1 on blue; --router r1 keeps
#     it, --router of an unknown router fails with exit 1 and says so;
#   - router stats shows the counters, neigh_learned at least 1;
#   - every view fails with exit 1 while yard-dp is not connected.
# Needs root (yard-dp); skips (77) otherwise.
set -euo pipefail

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ $# -eq 3 ] || { echo "usage: $0 YARD_DP YARDD YARDCTL" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARDD=$(realpath "$2")
# shellcheck disable=SC2034  # read by ctl (tests/lib/netns.sh)
YARDCTL=$(realpath "$3")
command -v python3 >/dev/null || { echo "SKIP: needs python3"; exit 77; }
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
yard_run_init yard-ctlviews yard-ctlviews
TAPNAME=ycv-$$

cleanup() {
	local rc=$?
	yard_traps_clear
	yardd_stop
	if [ -n "$DP_PID" ]; then
		yard_dp_stop
		[ "$rc" = 0 ] || sed 's/^/  yard-dp| /' "$LOG" | tail -30
	fi
	[ "$rc" = 0 ] || [ -z "${YD_LOG:-}" ] || sed 's/^/  yardd| /' "$YD_LOG" | tail -30
	ip link del "$TAPNAME" 2>/dev/null
	yard_run_cleanup
	exit "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
# j EXPR: EXPR on the JSON read from stdin (as d); fails when it does not parse.
j() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))' "$1"
}
# has TEXT PATTERN WHAT: TEXT holds PATTERN (an extended regex).
has() {
	grep -qE -- "$2" <<<"$1" && return
	ctl stats ports 2>&1 || true
	ctl stats drops 2>&1 || true
	fail "$3: no '$2' in:"$'\n'"$1"
}

# h1's packets, written by hand so that every byte is visible here: sent
# from the kernel side of h1's tap. Prints the length of one TCP packet.
cat >"$TMP/send.py" <<'PY'
import socket, struct, sys

def mac(s): return bytes(int(x, 16) for x in s.split(":"))
def ip(s): return bytes(int(x) for x in s.split("."))

def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

H = mac("02:00:00:00:00:50")
# Who has 10.0.1.1 (r1 on blue), tell 10.0.1.50: r1 learns 10.0.1.50.
arp = (b"\xff" * 6 + H + b"\x08\x06" +
       struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) +
       H + ip("10.0.1.50") + b"\0" * 6 + ip("10.0.1.1"))
arp += b"\0" * (60 - len(arp))

def tcp22(sport):
    tcp = struct.pack("!HHIIBBHHH", sport, 22, 1, 0, 5 << 4, 0x02, 8192, 0, 0)
    iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), sport, 0, 64,
                      6, 0, ip("10.0.1.50"), ip("10.0.1.60"))
    iph = iph[:10] + struct.pack("!H", csum(iph)) + iph[12:]
    return mac("02:00:00:00:00:60") + H + b"\x08\x00" + iph + tcp

pkts = [tcp22(40000 + i) for i in range(3)]
if sys.argv[2] == "send":
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((sys.argv[1], 0))
    for p in [arp] + pkts:
        s.send(p)
print(len(pkts[0]))
PY
TCP_LEN=$(python3 "$TMP/send.py" - length)

YD_CONF=$TMP/yardd.conf
printf 'pcap_dir = %s\n' "$TMP" >"$YD_CONF"
yard_dp_start_bare "$YARD_DP" || fail "yard-dp did not start: $(cat "$LOG")"
yardd_start "$YARDD" || fail "yardd did not start: $(cat "$YD_LOG")"

cat >"$TMP/topo.yaml" <<EOF
networks:
  - {name: blue, vni: 1001}
ports:
  - {name: ul1, kind: pcap, devargs: "net_pcap_ul$$,tx_pcap=$TMP/ul1-tx.pcap"}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
overlay:
  port: ul1
  address: 192.0.2.10/24
  gateway: 192.0.2.1
  peers:
    - {vni: 1001, vteps: [192.0.2.11, 192.0.2.12]}
flows:
  - {name: no-ssh, priority: 100, network: blue, match: {ip_proto: tcp, tp_dst: 22}, action: drop}
  - {name: allow-all, priority: 0, action: allow}
EOF
out=$(ctl apply -f "$TMP/topo.yaml" 2>&1) || fail "apply: $out"
out=$(ctl create port name=h1 kind=tap network=blue \
	devargs="net_tap_cv$$,iface=$TAPNAME" 2>&1) || fail "create port h1: $out"
has "$out" "programmed" "create port h1"
# No IPv6 chatter from the kernel: only these packets go in.
sysctl -qw "net.ipv6.conf.$TAPNAME.disable_ipv6=1" 2>/dev/null || true
ip link set "$TAPNAME" up || fail "cannot bring $TAPNAME up"
python3 "$TMP/send.py" "$TAPNAME" send >/dev/null || fail "cannot send on $TAPNAME"

# The three TCP packets reach no-ssh within a few seconds.
for _ in $(seq 50); do
	n=$(ctl --json flow stats | j "[f['packets'] for f in d if f['name'] == 'no-ssh'][0]")
	[ "$n" = 3 ] && break
	sleep 0.1
done

echo "== vtep list"
out=$(ctl vtep list) || fail "vtep list: exit $?"
echo "$out"
has "$out" "^VTEP +RESOLVED +RX_PKTS +RX_BYTES +TX_PKTS +TX_BYTES +INNER_MTU +VNIS$" "vtep list header"
has "$out" "^192\.0\.2\.11 +(yes|no) .* 1450 +1001$" "vtep list (inner MTU, VNI)"
has "$out" "^192\.0\.2\.12 +(yes|no) " "vtep list"
got=$(ctl --json vtep list | j "' '.join(sorted(v['vtep'] for v in d))") ||
	fail "vtep list --json does not parse"
[ "$got" = "192.0.2.11 192.0.2.12" ] || fail "vtep list --json: '$got'"
ok "vtep list: both peers, as a table and as JSON"

echo "== flow stats"
out=$(ctl flow stats) || fail "flow stats: exit $?"
echo "$out"
has "$out" "^NAME +PRIORITY +ACTION +PACKETS +BYTES$" "flow stats header"
has "$out" "^no-ssh +100 +drop +3 +$((3 * TCP_LEN))$" "flow stats no-ssh"
has "$out" "^allow-all +0 +allow +[0-9]+ +[0-9]+$" "flow stats allow-all"
got=$(ctl --json flow stats | j "'/'.join('%s:%d:%d' % (f['name'], f['packets'], f['bytes']) for f in d if f['name'] == 'no-ssh')") ||
	fail "flow stats --json does not parse"
[ "$got" = "no-ssh:3:$((3 * TCP_LEN))" ] || fail "flow stats --json: '$got'"
ok "flow stats: both rules; no-ssh dropped exactly the 3 TCP/22 packets"

echo "== neigh list"
out=$(ctl neigh list) || fail "neigh list: exit $?"
echo "$out"
has "$out" "^ROUTER +NETWORK +IP +MAC +AGE$" "neigh list header"
has "$out" "^r1 +blue +10\.0\.1\.50 +02:00:00:00:00:50 +[0-9]+$" "neigh list"
out=$(ctl neigh list --router r1) || fail "neigh list --router r1: exit $?"
has "$out" "^r1 +blue +10\.0\.1\.50 " "neigh list --router r1"
got=$(ctl --json neigh list --router=r1 | j "' '.join(n['router'] + '/' + n['ip'] + '/' + n['mac'] for n in d)") ||
	fail "neigh list --json does not parse"
[ "$got" = "r1/10.0.1.50/02:00:00:00:00:50" ] || fail "neigh list --json: '$got'"
rc=0
out=$(ctl neigh list --router nosuch-$$ 2>&1) || rc=$?
[ "$rc" = 1 ] || fail "neigh list --router nosuch-$$: exit $rc, want 1"
has "$out" "no router called 'nosuch-$$'" "neigh list --router nosuch"
ok "neigh list: 10.0.1.50 learned by r1; --router filters and checks"

echo "== router stats"
out=$(ctl router stats) || fail "router stats: exit $?"
echo "$out"
has "$out" "^COUNTER +VALUE$" "router stats header"
for c in neigh_learned neigh_updated neigh_aged neigh_queue_full arp_requests \
	held released icmp_sent icmp_suppressed; do
	has "$out" "^$c +[0-9]+$" "router stats"
done
got=$(ctl --json router stats | j "d['neigh_learned'] >= 1") ||
	fail "router stats --json does not parse"
[ "$got" = true ] || fail "router stats --json: neigh_learned is 0"
ok "router stats: every counter; neigh_learned >= 1"

echo "== without yard-dp"
yard_dp_stop
DP_PID=
for cmd in "vtep list" "flow stats" "neigh list" "router stats"; do
	rc=0
	# shellcheck disable=SC2086  # the subcommand is two words
	out=$(ctl $cmd 2>&1) || rc=$?
	[ "$rc" = 1 ] || fail "$cmd without yard-dp: exit $rc, want 1: $out"
done
ok "every view fails with exit 1 while yard-dp is away: $out"
