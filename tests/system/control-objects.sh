#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: yardd's desired state, object by object, through yardctl.
#
#   control-objects.sh YARDD YARDCTL [YARD_DP]
#
# It proves that
#   - round trip: a topology with every section (networks with vni,
#     mac_limit and ageing; access and trunk ports with mac, ips and
#     security; a router with interfaces and ECMP routes; overlay; flows;
#     a vm whose nic is a vhost port) survives export | apply unchanged:
#     0 created/updated/deleted and byte-identical exports, in YAML and JSON;
#   - objects: create (KEY=VALUE and -f FILE), update, get and delete of
#     every kind; a delete of a network that a port uses, a create of an
#     existing name, a delete or update of a missing one all fail with
#     exit 1, a message saying why, and no change at all;
#   - validation: an invalid document (unknown key, bad MAC, dangling
#     network) given to apply fails with exit 1, names the key and the
#     line, and leaves the store as it was;
#   - statuses: networks, ports, routers, the overlay and flows are
#     'unprogrammed' without a dataplane, vms 'unprogrammed' (they
#     start once yard-dp holds their ports); with YARD_DP (and root)
#     yard-dp is started with null ports and they become 'programmed';
#   - crash safety: 1,000 applies (document i = networks n1..ni) from one
#     client, yardd killed (-9) in the middle, three times: the database
#     passes PRAGMA integrity_check, holds exactly n1..nk with k the last
#     acknowledged apply (or the one in flight), and a restarted yardd
#     exports those k networks.
# yardd needs no root and no dataplane: this test runs as any user; only
# the yard-dp part needs root and is skipped (with a note) otherwise.
# Everything it makes carries this run's pid and is removed on exit.
set -euo pipefail

[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "usage: $0 YARDD YARDCTL [YARD_DP]" >&2; exit 2; }
YARDD=$(realpath "$1")
YARDCTL=$(realpath "$2")
YARD_DP=
[ $# -eq 3 ] && YARD_DP=$(realpath "$3")
PY=/usr/bin/python3

skip() { echo "SKIP: $*"; exit 77; }
[ -x "$PY" ] || skip "$PY is missing"
"$PY" -c 'import sqlite3' 2>/dev/null || skip "python3 has no sqlite3 module"
command -v timeout >/dev/null 2>&1 || skip "'timeout' is missing"

ID=$$
TMP=$(mktemp -d /tmp/yard-objects.XXXXXX)
# The host policy: net_null devices, vhost sockets in $TMP, VM images (empty
# files: no VM boots here) in $TMP/images.
mkdir "$TMP/images"
touch "$TMP/images/vmlinuz" "$TMP/images/fvm.qcow2" "$TMP/images/fvm2.qcow2"
# QEMU's user does not exist: yardd says so at start and no VM starts.
printf 'phy_driver = net_null\nvhost_dir = %s\nimage_dir = %s/images\nqemu_user = yard-nosuch-%s\n' \
	"$TMP" "$TMP" "$ID" >"$TMP/yardd.conf"
YD_SOCK=$TMP/yardd.sock
DP_SOCK=$TMP/dp.sock
PREFIX="yard-objects-$ID"
YD_PID=
DP_PID=
DRV_PID=
DP_STARTED=
FAILS=0

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	for pid in $DRV_PID $YD_PID $DP_PID; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $DRV_PID $YD_PID $DP_PID; do
		timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "$TMP"
	[ -n "$DP_STARTED" ] && rm -rf "/var/run/dpdk/$PREFIX"
	[ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && echo "control-objects: FAILED (exit $rc)"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# fail: the test cannot go on. bad: one check failed; the others still run.
fail() {
	echo "FAIL: $*"
	for log in "$TMP"/*.log; do
		[ -s "$log" ] && { echo "--- ${log##*/}"; tail -15 "$log"; }
	done
	exit 1
}
bad() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; }
ctl() { "$YARDCTL" --socket "$YD_SOCK" "$@"; }
# j EXPR: evaluate EXPR on the JSON document read from stdin (as d).
j() {
	"$PY" -c 'import json, sys
d = json.load(sys.stdin)
v = eval(sys.argv[1])
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))' "$1"
}
# rpc SOCK METHOD [PARAMS]: one JSON-RPC request; prints the whole answer.
cat >"$TMP/rpc.py" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
req = {"jsonrpc": "2.0", "id": 1, "method": sys.argv[2]}
if len(sys.argv) > 3:
    req["params"] = json.loads(sys.argv[3])
s.sendall(json.dumps(req).encode() + b"\n")
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(1 << 20)
    if not chunk:
        break
    buf += chunk
print(buf.decode().strip())
PY
rpc() { "$PY" "$TMP/rpc.py" "$@"; }

# start_yardd DB SOCK DATAPLANE LOG: sets YD_PID; waits until it answers.
start_yardd() {
	rm -f "$2"
	"$YARDD" --socket "$2" --db "$1" --dataplane "$3" --vm-dir "$TMP/vms" \
		--config "$TMP/yardd.conf" >>"$4" 2>&1 &
	YD_PID=$!
	for _ in $(seq 200); do
		"$YARDCTL" --socket "$2" status >/dev/null 2>&1 && return
		kill -0 "$YD_PID" 2>/dev/null || fail "yardd exited at start ($4)"
		sleep 0.05
	done
	fail "yardd does not answer on $2"
}
stop_yardd() {
	[ -n "$YD_PID" ] || return 0
	kill -TERM "$YD_PID" 2>/dev/null || true
	wait "$YD_PID" 2>/dev/null || true
	YD_PID=
}
generation() { ctl --json status | j "d['store']['generation']"; }

# Snapshot of the store as yardctl shows it: both exports and the generation.
snap() {
	ctl export >"$TMP/$1.yaml"
	ctl export --format json >"$TMP/$1.json"
	generation >"$TMP/$1.gen"
}
# same_as SNAP WHAT: the store is exactly as in snapshot SNAP.
same_as() {
	local now="now-$RANDOM"
	snap "$now"
	if cmp -s "$TMP/$1.yaml" "$TMP/$now.yaml" && cmp -s "$TMP/$1.json" "$TMP/$now.json" &&
		cmp -s "$TMP/$1.gen" "$TMP/$now.gen"; then
		return 0
	fi
	bad "$2 changed the store (generation $(cat "$TMP/$1.gen") -> $(cat "$TMP/$now.gen"))"
	diff "$TMP/$1.yaml" "$TMP/$now.yaml" | head -20 || true
	return 1
}
# must_fail DESC SNAP PATTERN... -- CMD...: CMD exits 1, its stderr holds
# every PATTERN (fixed strings), and the store is still snapshot SNAP.
must_fail() {
	local desc=$1 snapname=$2 rc=0 p
	local -a pats=()
	shift 2
	while [ "$1" != -- ]; do pats+=("$1"); shift; done
	shift
	"$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
	if [ "$rc" -ne 1 ]; then
		bad "$desc: exit $rc, want 1 ($(head -c 300 "$TMP/err"))"
		return
	fi
	for p in "${pats[@]}"; do
		grep -qF -- "$p" "$TMP/err" || { bad "$desc: the message lacks '$p': $(cat "$TMP/err")"; return; }
	done
	same_as "$snapname" "$desc" || return
	ok "$desc: exit 1, store unchanged: $(head -c 200 "$TMP/err")"
}
# expect DESC GOT WANT
expect() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '$2', want '$3'"; fi
}

# ---------------------------------------------------------------------------
# The topology with every section. Ports are null devices, so that yard-dp
# can really hold them; the vhost port's socket lives in $TMP.
cat >"$TMP/topo.yaml" <<EOF
networks:
  - {name: blue, vni: 1001, mac_limit: 4096, ageing: 60}
  - {name: red, vni: 1002, ageing: 0, arp_suppress: true}
  - {name: green, mac_limit: 65536}
ports:
  - name: vm1-eth0
    kind: vhost
    network: blue
    socket: $TMP/vm1-eth0.sock
    mac: "52:54:00:AA:00:01"
    ips: [10.0.1.11, 10.0.1.12]
  - name: up1
    kind: phy
    devargs: "net_null_up$ID,no-rx=1"
    trunk:
      - {network: blue, vlan: 100}
      - {network: red, vlan: 200}
  - {name: acc1, kind: phy, network: green, devargs: "net_null_acc$ID,no-rx=1",
     mac: "02:00:00:00:00:05", ips: [10.0.3.2], security: true}
  - {name: ul1, kind: phy, devargs: "net_null_ul$ID,no-rx=1"}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
      - {network: red, address: 10.0.2.1/24}
    routes:
      - {prefix: 0.0.0.0/0, via: [10.0.1.254, 10.0.2.254]}
      - {prefix: 192.168.0.0/16, via: [10.0.2.253]}
overlay:
  port: ul1
  address: 192.0.2.10/24
  gateway: 192.0.2.1
  peers:
    - {vni: 1001, vteps: [192.0.2.11, 192.0.2.12]}
flows:
  - {name: no-ssh, priority: 100, network: blue, match: {ip_proto: tcp, tp_dst: 22}, action: drop}
  - name: mirror-web
    priority: 50
    match: {in_port: vm1-eth0, eth_type: 0x0800, ip_dst: 10.0.0.0/8, ip_proto: tcp, tp_dst: "80-90"}
    action: {mirror: acc1}
  - {name: allow-all, priority: 0, action: allow}
vms:
  - {name: vm1, cpus: 2, memory: 1024M, nics: [vm1-eth0], accel: tcg,
     kernel: $TMP/images/vmlinuz, cmdline: "console=ttyS0 quiet"}
EOF
ALL="network/blue network/red network/green port/vm1-eth0 port/up1 port/acc1 port/ul1 router/r1 overlay flow/no-ssh flow/mirror-web flow/allow-all vm/vm1"

start_yardd "$TMP/yardd.db" "$YD_SOCK" "$DP_SOCK" "$TMP/yardd.log"

echo "== store round trip"
ctl --json apply -f "$TMP/topo.yaml" >"$TMP/apply.json" || fail "apply of the full topology failed"
expect "apply creates every object" \
	"$(j "' '.join(d['created']) + '|%d|%d|%d' % (len(d['updated']), len(d['deleted']), d['unchanged'])" <"$TMP/apply.json")" \
	"$ALL|0|0|0"
snap full
ctl export --format json | j "' '.join([
    d['ports'][0]['mac'],                       # lower case
    str('security' in d['ports'][0]),           # vhost default: omitted
    str(d['ports'][2].get('security')),         # phy non-default: kept
    str('mac_limit' in d['networks'][2]),       # the default: omitted
    d['vms'][0]['memory'],                      # 1024M -> 1G
    d['routers'][0]['interfaces'][0]['mac'],
    ','.join(d['routers'][0]['routes'][0]['via'])])" >"$TMP/canon"
expect "export is canonical (MAC lower case, defaults omitted, memory normalised)" \
	"$(cat "$TMP/canon")" "52:54:00:aa:00:01 False True False 1G 02:00:00:00:01:01 10.0.1.254,10.0.2.254"
for fmt in yaml json; do
	ctl export --format "$fmt" >"$TMP/rt1.$fmt"
	ctl --json apply -f "$TMP/rt1.$fmt" >"$TMP/rt.json" || { bad "apply of the $fmt export failed"; continue; }
	expect "apply of the $fmt export: created/updated/deleted/unchanged" \
		"$(j "'%d/%d/%d/%d' % (len(d['created']), len(d['updated']), len(d['deleted']), d['unchanged'])" <"$TMP/rt.json")" \
		"0/0/0/13"
	ctl export --format "$fmt" >"$TMP/rt2.$fmt"
	if cmp -s "$TMP/rt1.$fmt" "$TMP/rt2.$fmt"; then
		ok "second $fmt export is byte-identical ($(wc -c <"$TMP/rt1.$fmt") bytes)"
	else
		bad "second $fmt export differs:"; diff "$TMP/rt1.$fmt" "$TMP/rt2.$fmt" | head -20 || true
	fi
done
same_as full "export | apply (yaml and json)" && ok "export | apply left generation $(cat "$TMP/full.gen")"

echo
echo "== objects: create, update, get, delete"
# get_field KIND NAME EXPR: EXPR on the object (o) and status (s).
get_field() {
	ctl --json get "$1" "$2" | j "(lambda o, s: $3)(d['object'], d['status'])"
}
# changed ARGS...: yardctl create/update ARGS stored the change: exit 0, or
# 3 when the object is pending (a kind or key the dataplane cannot do yet).
changed() {
	local rc=0
	ctl "$@" >/dev/null || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 3 ]
}
# kv_cycle KIND NAME EXPR WANT_AFTER_CREATE WANT_AFTER_UPDATE CREATE_PAIRS... -- UPDATE_PAIRS...
kv_cycle() {
	local kind=$1 name=$2 expr=$3 w1=$4 w2=$5
	local -a cp=() up=()
	shift 5
	while [ "$1" != -- ]; do cp+=("$1"); shift; done
	shift
	up=("$@")
	changed create "$kind" name="$name" "${cp[@]}" || { bad "create $kind $name (KEY=VALUE) failed"; return; }
	expect "create $kind $name (KEY=VALUE); get shows it" "$(get_field "$kind" "$name" "$expr")" "$w1"
	changed update "$kind" name="$name" "${up[@]}" || { bad "update $kind $name (KEY=VALUE) failed"; return; }
	expect "update $kind $name (KEY=VALUE); get shows the change" "$(get_field "$kind" "$name" "$expr")" "$w2"
}
# file_cycle KIND NAME CREATE_TEXT UPDATE_TEXT EXPR WANT1 WANT2
file_cycle() {
	local kind=$1 name=$2 expr=$5 w1=$6 w2=$7
	printf '%s\n' "$3" >"$TMP/obj-c"
	printf '%s\n' "$4" >"$TMP/obj-u"
	changed create "$kind" -f "$TMP/obj-c" || { bad "create $kind -f failed"; return; }
	expect "create $kind $name (-f); get shows it" "$(get_field "$kind" "$name" "$expr")" "$w1"
	changed update "$kind" -f "$TMP/obj-u" || { bad "update $kind -f failed"; return; }
	expect "update $kind $name (-f, whole object); get shows the change" "$(get_field "$kind" "$name" "$expr")" "$w2"
}
kv_cycle network kvnet \
	"'%s/%s/%s/%s' % (o.get('vni'), o.get('mac_limit'), o.get('ageing'), s)" \
	"3001/1024/30/unprogrammed" "3001/2048/30/unprogrammed" \
	vni=3001 mac_limit=1024 ageing=30 -- mac_limit=2048
file_cycle network fnet "networks: [{name: fnet, vni: 3002, ageing: 10}]" \
	'{"name": "fnet", "mac_limit": 512}' \
	"'%s/%s/%s' % (o.get('vni'), o.get('mac_limit'), o.get('ageing'))" \
	"3002/None/10" "None/512/None"
kv_cycle port kvport \
	"'%s/%s/%s/%s/%s' % (o['network'], o.get('mac'), ','.join(o.get('ips', [])), o.get('security'), s)" \
	"kvnet/02:00:00:00:aa:01/10.0.3.5,10.0.3.6/True/unprogrammed" \
	"fnet/02:00:00:00:aa:01/10.0.3.7/True/unprogrammed" \
	kind=phy network=kvnet "devargs=net_null_kv$ID,no-rx=1" mac=02:00:00:00:AA:01 \
	ips=10.0.3.5,10.0.3.6 security=true -- ips=10.0.3.7 network=fnet
file_cycle port ftrunk \
	"{name: ftrunk, kind: phy, devargs: 'net_null_ft$ID,no-rx=1', trunk: [{network: kvnet, vlan: 10}, {network: fnet, vlan: 20}]}" \
	"{name: ftrunk, kind: phy, devargs: 'net_null_ft$ID,no-rx=1', trunk: [{network: kvnet, vlan: 11}]}" \
	"' '.join('%s/%d' % (t['network'], t['vlan']) for t in o['trunk'])" \
	"kvnet/10 fnet/20" "kvnet/11"
kv_cycle router kvr \
	"'%s|%s|%s' % (o['interfaces'][0]['address'], ';'.join(r['prefix'] + '>' + ','.join(r['via']) for r in o.get('routes', [])), s)" \
	"10.0.5.1/24||unprogrammed" "10.0.5.1/24|10.9.0.0/16>10.0.5.2,10.0.5.3|unprogrammed" \
	'interfaces:=[{"network": "kvnet", "address": "10.0.5.1/24"}]' -- \
	'routes:=[{"prefix": "10.9.0.0/16", "via": ["10.0.5.2", "10.0.5.3"]}]'
file_cycle router fr \
	"routers: [{name: fr, interfaces: [{network: fnet, address: 10.0.6.1/24}]}]" \
	"{name: fr, interfaces: [{network: fnet, address: 10.0.6.1/24}], routes: [{prefix: 10.10.0.0/16, via: [10.0.6.2, 10.0.6.3, 10.0.6.4]}]}" \
	"len(o.get('routes', [{}])[0].get('via', []))" "0" "3"
kv_cycle flow kvflow \
	"'%s/%s/%s/%s' % (o['priority'], json.dumps(o['action']), o['match'].get('tp_dst'), s)" \
	'10/"drop"/53/unprogrammed' '20/{"output": "kvport"}/53/unprogrammed' \
	priority=10 network=kvnet action=drop 'match:={"ip_proto": "udp", "tp_dst": 53}' -- \
	action=output:kvport priority=20
file_cycle flow fflow "{name: fflow, priority: 5, action: allow}" \
	"{name: fflow, priority: 6, match: {eth_src: '02:00:00:00:00:AA'}, action: {mirror: kvport}}" \
	"'%s/%s/%s' % (o['priority'], json.dumps(o['action']), o.get('match'))" \
	'5/"allow"/None' "6/{\"mirror\": \"kvport\"}/{'eth_src': '02:00:00:00:00:aa'}"
ctl create port name=kvnic kind=vhost network=kvnet socket="$TMP/kvnic.sock" >/dev/null || bad "create vhost port kvnic failed"
ctl create port name=fnic kind=vhost network=fnet socket="$TMP/fnic.sock" >/dev/null || bad "create vhost port fnic failed"
kv_cycle vm kvvm \
	"'%s/%s/%s/%s/%s' % (o.get('cpus'), o.get('memory'), ','.join(o['nics']), o.get('accel'), s)" \
	"None/512M/kvnic/None/unprogrammed" "4/512M/kvnic/kvm/unprogrammed" \
	nics=kvnic kernel=$TMP/images/vmlinuz memory=512M -- cpus=4 accel=kvm
file_cycle vm fvm "{name: fvm, nics: [fnic], disk: $TMP/images/fvm.qcow2}" \
	"{name: fvm, nics: [fnic], disk: $TMP/images/fvm2.qcow2, memory: 2G}" \
	"'%s/%s' % (o.get('disk'), o.get('memory'))" \
	"$TMP/images/fvm.qcow2/None" "$TMP/images/fvm2.qcow2/2G"

# The overlay has no yardctl kind: overlay.get/set/delete over the socket.
ov=$(rpc "$YD_SOCK" overlay.get)
expect "overlay.get: status" "$(echo "$ov" | j "d['result']['status']")" unprogrammed
ov2=$(echo "$ov" | j "dict(d['result']['object'], gateway='192.0.2.254')")
rpc "$YD_SOCK" overlay.set "{\"object\": $ov2}" >/dev/null
expect "overlay.set; overlay.get shows the change" \
	"$(rpc "$YD_SOCK" overlay.get | j "d['result']['object']['gateway']")" 192.0.2.254
rpc "$YD_SOCK" overlay.set "{\"object\": $(echo "$ov" | j "d['result']['object']")}" >/dev/null

snap busy
# A network that a port uses: refused, with the referring key named.
must_fail "delete network green (port acc1 uses it)" busy "port 'acc1'" "green" -- ctl delete network green
must_fail "delete network blue (ports, router, flow use it)" busy "blue" -- ctl delete network blue
must_fail "delete port vm1-eth0 (vm1's nic, a flow's in_port)" busy "vm1-eth0" -- ctl delete port vm1-eth0
must_fail "delete port ul1 (the overlay's underlay)" busy "ul1" -- ctl delete port ul1
expect "network.delete of a used network: JSON-RPC error code" \
	"$(rpc "$YD_SOCK" network.delete '{"name": "green"}' | j "d['error']['code']")" -32602
# An existing name, a missing one.
must_fail "create network blue (exists)" busy "blue" "exists" -- ctl create network name=blue
must_fail "create port acc1 (exists)" busy "acc1" "exists" -- ctl create port name=acc1 kind=phy network=green devargs=x
must_fail "create router r1 (exists)" busy "r1" "exists" -- ctl create router name=r1 'interfaces:=[{"network":"green","address":"10.0.7.1/24"}]'
must_fail "create flow no-ssh (exists)" busy "no-ssh" "exists" -- ctl create flow name=no-ssh priority=1 action=allow
must_fail "create vm vm1 (exists)" busy "vm1" "exists" -- ctl create vm -f <(echo "{name: vm1, nics: [kvnic], kernel: /x}")
expect "network.create of an existing name: JSON-RPC error code" \
	"$(rpc "$YD_SOCK" network.create '{"object": {"name": "blue"}}' | j "d['error']['code']")" -32002
for kind in network port router flow vm; do
	must_fail "delete $kind nope-$ID (missing)" busy "nope-$ID" -- ctl delete "$kind" "nope-$ID"
done
must_fail "update network -f (missing)" busy "nope-$ID" -- ctl update network -f <(echo "{name: nope-$ID}")
must_fail "get network (missing)" busy "nope-$ID" -- ctl get network "nope-$ID"
expect "network.delete of a missing name: JSON-RPC error code" \
	"$(rpc "$YD_SOCK" network.delete "{\"name\": \"nope-$ID\"}" | j "d['error']['code']")" -32001
# An invalid object: refused whole.
must_fail "create port with a bad MAC" busy "mac" "zz:00" -- ctl create port name=badmac kind=phy network=green devargs=x mac=zz:00:00:00:00:01
must_fail "update network with vni 0" busy "vni" -- ctl update network name=kvnet vni=0

# Delete everything the cycles made; the store is back to the full topology.
for obj in vm/kvvm vm/fvm port/kvnic port/fnic flow/kvflow flow/fflow router/kvr router/fr port/kvport port/ftrunk network/kvnet network/fnet; do
	ctl delete "${obj%/*}" "${obj#*/}" >/dev/null || bad "delete $obj failed"
	if ctl get "${obj%/*}" "${obj#*/}" >/dev/null 2>&1; then bad "get $obj works after its delete"; fi
done
if cmp -s "$TMP/full.yaml" <(ctl export) && cmp -s "$TMP/full.json" <(ctl export --format json); then
	ok "after creating and deleting 12 objects, export is the full topology's again"
else
	bad "export differs from the full topology after the create/delete cycles"
	diff "$TMP/full.json" <(ctl export --format json) | head -20 || true
fi

echo
echo "== invalid documents given to apply"
snap before
printf 'networks:\n  - name: blue\n  - name: red\n    vni: 7\n    colour: green\n' >"$TMP/bad-key.yaml"
must_fail "apply: unknown key" before "bad-key.yaml:5:" "networks[1]" "colour" -- ctl apply -f "$TMP/bad-key.yaml"
cat >"$TMP/bad-mac.yaml" <<'EOF'
networks:
  - name: blue
ports:
  - name: p1
    kind: phy
    network: blue
    devargs: "net_null_x"
    mac: "52:54:00:zz:00:01"
EOF
must_fail "apply: bad MAC" before "bad-mac.yaml:8:" "ports[0].mac" "52:54:00:zz:00:01" -- ctl apply -f "$TMP/bad-mac.yaml"
cat >"$TMP/bad-net.yaml" <<'EOF'
networks:
  - {name: blue}
ports:
  - {name: p1, kind: phy, network: blue, devargs: a}
  - {name: p2, kind: phy, network: nosuch, devargs: b}
EOF
must_fail "apply: dangling network" before "bad-net.yaml:5:" "ports[1].network" "nosuch" -- ctl apply -f "$TMP/bad-net.yaml"
printf '{\n  "networks": [\n    {"name": "blue"}\n  ],\n  "ports": [\n    {"name": "p1", "kind": "phy", "network": "blue",\n     "devargs": "a", "mac": "02:00:00:00:01"}\n  ]\n}\n' >"$TMP/bad-mac.json"
must_fail "apply: bad MAC in a JSON document" before "bad-mac.json:7:" "ports[0].mac" -- ctl apply -f "$TMP/bad-mac.json"
must_fail "apply --dry-run: dangling network" before "bad-net.yaml:5:" "ports[1].network" -- ctl apply --dry-run -f "$TMP/bad-net.yaml"
ans=$(rpc "$YD_SOCK" apply "{\"text\": $("$PY" -c 'import json, sys; print(json.dumps(open(sys.argv[1]).read()))' "$TMP/bad-net.yaml")}")
expect "apply over the socket: error code and message" \
	"$(echo "$ans" | j "'%d %s' % (d['error']['code'], d['error']['message'].split(' network ')[0])")" \
	"-32602 topology:5: ports[1].network:"
same_as before "apply over the socket of a dangling network" || true

echo
echo "== statuses"
# statuses KIND: "status status ..." of every object of KIND.
statuses() { ctl --json list "$1" | j "' '.join(sorted(set(o['status'] for o in d)))"; }
expect "no dataplane: networks" "$(statuses networks)" unprogrammed
expect "no dataplane: ports" "$(statuses ports)" unprogrammed
expect "no dataplane: routers" "$(statuses routers)" unprogrammed
expect "no dataplane: flows" "$(statuses flows)" unprogrammed
expect "no dataplane: vms" "$(statuses vms)" unprogrammed
expect "no dataplane: overlay" "$(rpc "$YD_SOCK" overlay.get | j "d['result']['status']")" unprogrammed
expect "no dataplane: get port acc1" "$(get_field port acc1 s)" unprogrammed

DP_NOTE=
if [ -z "$YARD_DP" ]; then
	DP_NOTE="not run (no YARD_DP given)"
elif [ "$(id -u)" -ne 0 ]; then
	DP_NOTE="not run (yard-dp needs root)"
fi
if [ -n "$DP_NOTE" ]; then
	echo "note: with a dataplane: $DP_NOTE"
else
	T0=$(date +%s.%N)
	"$YARD_DP" --socket "$DP_SOCK" --file-prefix "$PREFIX" --log-level warning \
		-- --no-pci >>"$TMP/yard-dp.log" 2>&1 &
	DP_PID=$!
	DP_STARTED=1
	for _ in $(seq 300); do
		[ "$(ctl --json status | j "d['dataplane']['connected']")" = true ] &&
			[ "$(statuses networks)$(statuses ports)" = programmedprogrammed ] && break
		kill -0 "$DP_PID" 2>/dev/null || fail "yard-dp exited"
		sleep 0.1
	done
	SYNC_MS=$("$PY" -c "import time; print(round((time.time() - $T0) * 1000))")
	expect "with yard-dp: networks" "$(statuses networks)" programmed
	expect "with yard-dp: ports" "$(statuses ports)" programmed
	expect "with yard-dp: routers" "$(statuses routers)" programmed
	expect "with yard-dp: flows" "$(statuses flows)" programmed
	# QEMU's user does not exist: the start is refused and says why.
	expect "with yard-dp: vms" "$(statuses vms)" error
	expect "with yard-dp: vm1's message names the missing qemu_user and the fix" \
		"$(get_field vm vm1 "'qemu_user \\'yard-nosuch-$ID\\' does not exist' in d.get('message', '') and 'systemd-sysusers' in d.get('message', '')")" true
	if grep -q "warning: qemu_user 'yard-nosuch-$ID' does not exist on this host, so no VM can start" "$TMP/yardd.log"; then
		ok "yardd warned at start that qemu_user is missing"
	else
		bad "yardd did not warn at start that qemu_user is missing"
	fi
	expect "with yard-dp: overlay" "$(rpc "$YD_SOCK" overlay.get | j "d['result']['status']")" programmed
	# yard-dp itself holds what yardd says it does.
	rpc "$DP_SOCK" topology.export >"$TMP/dp-export.json"
	ctl export --format json >"$TMP/desired.json"
	"$PY" - "$TMP/dp-export.json" "$TMP/desired.json" <<'PY' && ok "yard-dp's topology.export holds exactly the desired networks and ports" || bad "yard-dp holds something else than the desired networks and ports"
import json, sys
have = json.load(open(sys.argv[1]))["result"]
want = json.load(open(sys.argv[2]))
canon = lambda objs: sorted(json.dumps(o, sort_keys=True) for o in objs)
ok = True
for kind in ("networks", "ports"):
    if canon(have.get(kind, [])) != canon(want.get(kind, [])):
        ok = False
        print(f"  {kind}: yard-dp {canon(have.get(kind, []))}\n  {kind}: desired {canon(want.get(kind, []))}")
sys.exit(0 if ok else 1)
PY
	ctl apply -f "$TMP/topo.yaml" >/dev/null
	expect "a no-op apply sends yard-dp nothing (last_sync_ops)" \
		"$(ctl --json status | j "d['dataplane']['last_sync_ops']")" 0
	echo "   yard-dp start -> every network and port programmed: ${SYNC_MS} ms"
	DP_NOTE="ran: programmed ${SYNC_MS} ms after yard-dp's start"
	kill -TERM "$DP_PID"
	wait "$DP_PID" 2>/dev/null || true
	DP_PID=
fi
stop_yardd

echo
echo "== crash safety: 1,000 applies, yardd killed -9 in the middle"
# drive.py SOCK N: apply documents 1..N (networks n1..ni) one after the
# other on one connection; prints "ACKED SENT SECONDS" when done or cut.
cat >"$TMP/drive.py" <<'PY'
import json, socket, sys, time
sock, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX)
s.settimeout(30)
s.connect(sys.argv[1])
f = s.makefile("rwb")
acked = sent = 0
t0 = time.time()
lines = []
try:
    for i in range(1, n + 1):
        lines.append(f"  - name: n{i}\n")
        text = "networks:\n" + "".join(lines)
        f.write(json.dumps({"jsonrpc": "2.0", "id": i, "method": "apply",
                            "params": {"text": text}}).encode() + b"\n")
        f.flush()
        sent = i
        line = f.readline()
        if not line:
            break
        msg = json.loads(line)
        if "result" not in msg or msg.get("id") != i:
            print(f"bad answer to apply {i}: {line[:300]!r}", file=sys.stderr)
            sys.exit(1)
        acked = i
except (BrokenPipeError, ConnectionResetError):
    pass
print(acked, sent, f"{time.time() - t0:.3f}")
PY
# check_db DB: integrity ok; networks exactly n1..nk; prints "k generation".
cat >"$TMP/checkdb.py" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ic = db.execute("PRAGMA integrity_check").fetchall()
if ic != [("ok",)]:
    print(f"integrity_check: {ic[:5]}", file=sys.stderr)
    sys.exit(1)
rows = db.execute("SELECT name, pos FROM objects WHERE kind = 'networks' ORDER BY pos").fetchall()
names = [r[0] for r in rows]
k = len(names)
if names != [f"n{i}" for i in range(1, k + 1)] or [r[1] for r in rows] != list(range(k)):
    print(f"networks are not n1..n{k} in order: {rows[:10]}...", file=sys.stderr)
    sys.exit(1)
others = db.execute("SELECT count(*) FROM objects WHERE kind != 'networks'").fetchone()[0]
if others:
    print(f"{others} objects of other kinds", file=sys.stderr)
    sys.exit(1)
gen = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
print(k, gen[0] if gen else "none")
PY

# Calibration: the whole run without a kill, to place the kills inside it.
CSOCK=$TMP/crash.sock
start_yardd "$TMP/crash0.db" "$CSOCK" "$TMP/none.sock" "$TMP/crash.log"
read -r ACKED SENT SECS < <("$PY" "$TMP/drive.py" "$CSOCK" 1000) || fail "the apply driver failed"
stop_yardd
[ "$ACKED" = 1000 ] || fail "calibration: only $ACKED of 1000 applies answered"
read -r K GEN < <("$PY" "$TMP/checkdb.py" "$TMP/crash0.db") || fail "calibration database is wrong"
expect "calibration: 1,000 applies in ${SECS} s; the store holds n1..n1000" "$K" 1000
FULL_MS=$("$PY" -c "print(max(50, round($SECS * 1000)))")

RANDOM=$ID
KS=
for round in 1 2 3; do
	db="$TMP/crash$round.db"
	# A pseudo-random moment between 15% and 85% of the run, another each round.
	delay_ms=$(( FULL_MS * (15 + RANDOM % 71) / 100 ))
	for attempt in 1 2 3 4; do
		rm -f "$db" "$db-wal" "$db-shm"
		start_yardd "$db" "$CSOCK" "$TMP/none.sock" "$TMP/crash.log"
		"$PY" "$TMP/drive.py" "$CSOCK" 1000 >"$TMP/drive.out" 2>"$TMP/drive.err" &
		DRV_PID=$!
		sleep "$("$PY" -c "print($delay_ms / 1000)")"
		kill -KILL "$YD_PID"
		wait "$YD_PID" 2>/dev/null || true
		YD_PID=
		wait "$DRV_PID" || fail "round $round: the driver failed: $(cat "$TMP/drive.err")"
		DRV_PID=
		read -r ACKED SENT SECS <"$TMP/drive.out"
		[ "$ACKED" -lt 1000 ] && break
		echo "   round $round: all 1,000 applies were done before the kill at ${delay_ms} ms; again, earlier"
		delay_ms=$(( delay_ms / 2 ))
	done
	[ "$ACKED" -lt 1000 ] || fail "round $round: could not kill yardd in the middle of the run"
	if ! read -r K GEN < <("$PY" "$TMP/checkdb.py" "$db" 2>"$TMP/check.err"); then
		bad "round $round: database after kill -9: $(cat "$TMP/check.err")"
		continue
	fi
	KS="$KS $K"
	echo "   round $round: kill -9 at ${delay_ms} ms: $ACKED applies acknowledged, $SENT sent; the store holds n1..n$K (generation $GEN)"
	ok "round $round: PRAGMA integrity_check ok; networks exactly n1..n$K"
	if [ "$K" -lt "$ACKED" ] || [ "$K" -gt "$SENT" ]; then
		bad "round $round: k=$K, but apply $ACKED was acknowledged and $SENT was the last sent"
	else
		ok "round $round: every acknowledged apply is there (k=$K, acknowledged $ACKED, sent $SENT)"
	fi
	expect "round $round: generation = number of applies committed" "$GEN" "$K"
	start_yardd "$db" "$CSOCK" "$TMP/none.sock" "$TMP/crash.log"
	got=$("$YARDCTL" --socket "$CSOCK" export --format json |
		j "' '.join(n['name'] for n in d.get('networks', []))")
	want=$("$PY" -c "print(' '.join(f'n{i}' for i in range(1, $K + 1)))")
	if [ "$got" = "$want" ]; then
		ok "round $round: restarted yardd exports the same $K networks"
	else
		bad "round $round: restarted yardd exports $(echo "$got" | wc -w) networks, want n1..n$K"
	fi
	stop_yardd
done

echo
echo "== summary"
echo "  objects in the full topology           : 13 (every section); export | apply: 0 changes, identical bytes"
echo "  1,000 applies without a kill            : ${FULL_MS} ms"
echo "  networks kept after kill -9 (k, 3 rounds):${KS}"
echo "  with a dataplane                        : $DP_NOTE"
if [ "$FAILS" -ne 0 ]; then
	echo "FAIL: $FAILS check(s) failed"
	exit 1
fi
echo "PASS"
