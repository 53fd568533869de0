#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: what a client can make yardd and yard-dp do as root with a
# port (issue 11, H1, H2, H4).
#
#   security-ports.sh YARD_DP YARDD YARDCTL YARD_RPC
#
# Through yardd (yardctl), each refused with its message, nothing stored,
# the victim file untouched:
#   - a pcap port whose tx_pcap is a host file (it would be truncated);
#   - a pcap port with iface=lo (it would sniff the host's loopback);
#   - a vhost socket carrying devargs (",iommu-support=1,...");
#   - a vhost socket outside the vhost directory, and one shared by two
#     ports;
#   - a server-mode vhost port on an existing file: yardd stores it, yard-dp
#     refuses it (the port is in error), the file stays.
# Straight to yard-dp (yard-rpc, no policy in front): a phy port made a
# net_pcap writer, a pcap port of another driver, a socket with devargs, a
# shared socket and a server socket on an existing file are refused.
# And what is allowed still works: a pcap file inside pcap_dir, a vhost
# socket inside vhost_dir.
# Needs root (DPDK runtime directory); otherwise exits 77. Everything it
# makes carries this run's pid and is removed on exit, also on failure.
set -euo pipefail

[ $# -eq 4 ] || { echo "usage: $0 YARD_DP YARDD YARDCTL YARD_RPC" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARDD=$(realpath "$2")
YARDCTL=$(realpath "$3")
YARD_RPC=$(realpath "$4")

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (DPDK runtime directory)"
command -v timeout >/dev/null 2>&1 || skip "'timeout' is missing"

ID=$$
PREFIX="yard-secports-$ID"
TMP=$(mktemp -d /tmp/yard-secports.XXXXXX)
DP_PID=
YD_PID=
FAILS=0

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	for pid in $YD_PID $DP_PID; do kill -TERM "$pid" 2>/dev/null; done
	for pid in $YD_PID $DP_PID; do
		timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "/var/run/dpdk/$PREFIX" "$TMP"
	[ "$rc" -ne 0 ] && echo "security-ports: FAILED (exit $rc)"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() { echo "FAIL: $*"; tail -20 "$TMP/log"; exit 1; }
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ctl() { "$YARDCTL" --socket "$TMP/yardd.sock" "$@"; }
rpc() { "$YARD_RPC" --socket "$TMP/dp.sock" --compact "$@"; }

mkdir -p "$TMP/vhost" "$TMP/pcap"
echo precious >"$TMP/victim"
echo precious >"$TMP/vhost/taken.sock"
printf 'vhost_dir = %s/vhost\npcap_dir = %s/pcap\nphy_driver = net_null\n' \
	"$TMP" "$TMP" >"$TMP/yardd.conf"
# An empty pcap file (global header only) for the allowed pcap port.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\0\0\x01\0\0\0' \
	>"$TMP/pcap/in.pcap"

"$YARD_DP" --socket "$TMP/dp.sock" --file-prefix "$PREFIX" --log-level warning \
	-- --no-pci --no-huge -m 512 >>"$TMP/log" 2>&1 &
DP_PID=$!
"$YARDD" --socket "$TMP/yardd.sock" --db "$TMP/yardd.db" --dataplane "$TMP/dp.sock" \
	--vm-dir "$TMP/vms" --config "$TMP/yardd.conf" >>"$TMP/log" 2>&1 &
YD_PID=$!
for _ in $(seq 200); do
	ctl status 2>/dev/null | grep -q 'connected.*yes\|connected: *true' && break
	[ -S "$TMP/yardd.sock" ] && [ -S "$TMP/dp.sock" ] &&
		ctl --json status 2>/dev/null | grep -q '"connected": true' && break
	sleep 0.1
done
ctl --json status | grep -q '"connected": true' || die "yardd is not connected to yard-dp"
ctl create network name=lan >/dev/null || die "create network lan"

# victim_intact FILE DESC
victim_intact() {
	if [ "$(cat "$1" 2>/dev/null)" = precious ]; then ok "$2: $1 untouched"
	else bad "$2: $1 was changed or removed"; fi
}
# refused DESC PATTERN -- CMD...: CMD fails and says PATTERN.
refused() {
	local desc=$1 pat=$2 rc=0
	shift 3
	"$@" >"$TMP/out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		bad "$desc: accepted: $(cat "$TMP/out")"
	elif ! grep -qF -- "$pat" "$TMP/out"; then
		bad "$desc: the message lacks '$pat': $(cat "$TMP/out")"
	else
		ok "$desc: $(head -c 300 "$TMP/out")"
	fi
}
# port_status NAME: its status in yardd, once yard-dp has been programmed.
port_status() { ctl --json get port "$1" | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p' | head -1; }

# ---- Through yardd ----
refused "H1 pcap tx_pcap on a host file" "devargs key 'tx_pcap'" -- \
	ctl create port name=p1 kind=pcap network=lan \
	"devargs=net_pcap_evil$ID,tx_pcap=$TMP/victim"
victim_intact "$TMP/victim" "H1 pcap write"
refused "H1 pcap sniffing lo" "host interface 'lo' is not allowed" -- \
	ctl create port name=p2 kind=pcap network=lan "devargs=net_pcap_sniff$ID,iface=lo"
refused "H1 phy made a pcap writer" "nor a device of an allowed phy driver" -- \
	ctl create port name=p3 kind=phy network=lan \
	"devargs=net_pcap_phy$ID,rx_pcap=$TMP/pcap/in.pcap,tx_pcap=$TMP/victim"
victim_intact "$TMP/victim" "H1 phy write"
refused "H4 devargs in a vhost socket" "is not $TMP/vhost/NAME.sock" -- \
	ctl create port name=v0 kind=vhost network=lan \
	"socket=$TMP/vhost/v0.sock,iommu-support=1,postcopy-support=1,tso=1"
refused "H2 server socket outside the vhost dir" "is not $TMP/vhost/NAME.sock" -- \
	ctl create port name=v9 kind=vhost network=lan mode=server "socket=$TMP/victim"
victim_intact "$TMP/victim" "H2 via yardd"
ctl create port name=v1 kind=vhost network=lan "socket=$TMP/vhost/shared.sock" >/dev/null ||
	bad "a vhost socket inside vhost_dir is refused"
refused "H4 two ports on one socket" "belongs to port 'v1' already" -- \
	ctl create port name=v2 kind=vhost network=lan "socket=$TMP/vhost/shared.sock"
# Allowed: a pcap port writing inside pcap_dir.
ctl create port name=p4 kind=pcap network=lan \
	"devargs=net_pcap_ok$ID,rx_pcap=$TMP/pcap/in.pcap,tx_pcap=$TMP/pcap/out.pcap" \
	>/dev/null || bad "a pcap port inside pcap_dir is refused"
# H2 with a socket in the vhost dir where a file already is: yard-dp's turn.
# yardctl exits 1: the port it created ends in error.
ctl create port name=v3 kind=vhost network=lan mode=server \
	"socket=$TMP/vhost/taken.sock" >/dev/null 2>&1 &&
	bad "create v3 exited 0 although the port ends in error"
for _ in $(seq 50); do [ "$(port_status v3)" = error ] && break; sleep 0.1; done
st=$(port_status v3)
if [ "$st" = error ] && ctl --json get port v3 | grep -qF "exists already"; then
	ok "H2 server socket on an existing file: port v3 in error: $(ctl --json get port v3 | grep -o '"message": "[^"]*"')"
else
	bad "H2 server socket on an existing file: status '$st', want error (exists already)"
fi
ctl delete port v3 >/dev/null || bad "delete v3"
sleep 0.3
victim_intact "$TMP/vhost/taken.sock" "H2 via yardd"
for p in v1 p4; do
	st=$(port_status "$p")
	[ "$st" = programmed ] && ok "allowed port $p programmed" || bad "port $p is '$st', want programmed"
done

# ---- Straight to yard-dp: no policy, but no port beyond its kind ----
refused "yard-dp: phy made a pcap writer" "is a net_pcap device; make it a port of kind pcap" -- \
	rpc port.add "{\"name\": \"d1\", \"kind\": \"phy\", \"network\": \"lan\", \"devargs\": \"net_pcap_d1$ID,rx_pcap=$TMP/pcap/in.pcap,tx_pcap=$TMP/victim\"}"
victim_intact "$TMP/victim" "yard-dp phy write"
refused "yard-dp: a pcap port of net_tap" "a pcap port takes a net_pcap device" -- \
	rpc port.add "{\"name\": \"d2\", \"kind\": \"pcap\", \"network\": \"lan\", \"devargs\": \"net_tap_d2$ID\"}"
refused "yard-dp: a bus prefix" "do not start with a device name" -- \
	rpc port.add "{\"name\": \"d3\", \"kind\": \"phy\", \"network\": \"lan\", \"devargs\": \"vdev:net_pcap_d3$ID\"}"
refused "yard-dp: devargs in a socket" "free of devargs separators" -- \
	rpc port.add "{\"name\": \"d4\", \"kind\": \"vhost\", \"network\": \"lan\", \"socket\": \"$TMP/d4.sock,iommu-support=1\"}"
refused "yard-dp: a shared socket" "belongs to port v1 already" -- \
	rpc port.add "{\"name\": \"d5\", \"kind\": \"vhost\", \"network\": \"lan\", \"socket\": \"$TMP/vhost/shared.sock\"}"
refused "yard-dp: a server socket on a file" "exists already (not a socket)" -- \
	rpc port.add "{\"name\": \"d6\", \"kind\": \"vhost\", \"network\": \"lan\", \"mode\": \"server\", \"socket\": \"$TMP/victim\"}"
victim_intact "$TMP/victim" "yard-dp server socket"

[ "$FAILS" -eq 0 ] || die "$FAILS check(s) failed"
echo "security-ports: all checks passed"
