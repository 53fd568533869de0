#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What yardctl tells a user about a change (issue 10, points 2 and 6):
#  - a port the dataplane refuses ends in "error" with yard-dp's own
#    reason, and yardctl exits 1;
#  - a network with a vni reads "pending" while there is no overlay module,
#    and yardctl exits 3;
#  - errors speak of the objects the user named: a missing name, a name in
#    use, and a delete that lists every object in the way;
#  - export prints the same bytes after a yardd restart (point 8);
#  - apply exits 1 when an object it changed ends in error, 3 when all
#    are pending, and names them;
#  - port retry pushes a failed port at once and resets its back-off
#    (issue 11).
# Usage: control-status.sh YARD_DP YARDD YARDCTL. Needs root (taps).
set -euo pipefail

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
YARD_DP=$1
YARDD=$2
YARDCTL=$3
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
yard_run_init yard-ctlstatus yard-ctlstatus
TAPNAME=ycs-$$

cleanup() {
	local rc=$?
	yard_traps_clear
	yardd_stop
	if [ -n "$DP_PID" ]; then
		yard_dp_stop
		[ "$rc" = 0 ] || sed 's/^/  yard-dp| /' "$LOG"
	fi
	ip link del "$TAPNAME" 2>/dev/null
	yard_run_cleanup
	exit "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; exit 1; }

# expect RC WANT ARGS...: yardctl ARGS exits RC and says WANT.
expect() {
	local want_rc=$1 want=$2 out rc=0
	shift 2
	out=$(ctl "$@" 2>&1) || rc=$?
	[ "$rc" = "$want_rc" ] || fail "yardctl $*: exit $rc, not $want_rc: $out"
	grep -qF -- "$want" <<<"$out" || fail "yardctl $*: '$want' not in: $out"
	if grep -qE "params\.|see the log|ops\[" <<<"$out"; then
		fail "yardctl $*: protocol words in: $out"
	fi
	echo "  yardctl $* -> $rc: $out"
}

yard_dp_start_bare "$YARD_DP" || fail "yard-dp did not start: $(cat "$LOG")"
yardd_start "$YARDD" || fail "yardd did not start: $(cat "$YD_LOG")"

expect 0 "created network/green: programmed" create network name=green
# A vni is programmed by the overlay module (exit 3, pending, is for an
# object whose kind or key this yard-dp cannot carry out).
expect 0 "created network/blue: programmed" create network name=blue vni=1001
# Past yardd's policy, refused by the dataplane: its reason reaches yardctl.
expect 1 "is a PCI device, but yard-dp runs without PCI" \
	create port name=bad1 kind=phy network=green devargs=0000:99:00.0
expect 0 "created port/p1: programmed" \
	create port name=p1 kind=tap network=green devargs="net_tap7,iface=$TAPNAME"
expect 1 "device net_tap7 is in use already (by port p1)" \
	create port name=p2 kind=tap network=green devargs="net_tap7,iface=x"
expect 1 "port 'p1' exists already: choose another name" \
	create port name=p1 kind=tap network=green devargs=net_tap8

# Capacity: a change that would give yard-dp more ports than it can hold
# (ports_max in its version) is refused before it is stored.
max=$(rpc version | python3 -c "import json, sys; d = json.load(sys.stdin); print(d.get('result', d)['ports_max'])")
{
	echo "networks: [{name: green}]"
	echo "ports:"
	for ((i = 0; i <= max; i++)); do
		printf '  - {name: cap%d, kind: phy, network: green, devargs: "0000:9a:%02x.%d"}\n' \
			"$i" $((i / 8)) $((i % 8))
	done
} >"$TMP/cap.yaml"
expect 1 "ports: $((max + 1)) in all, but the dataplane holds at most $max" \
	apply -f "$TMP/cap.yaml"
ctl get port cap0 >/dev/null 2>&1 && fail "a refused apply stored port cap0"

# A failed port is not pushed again with every later change: it backs off
# (1 s, doubling), and its status says when it is tried next.
tries() { grep -c "dataplane: ports/bad1:" "$YD_LOG" || true; }
before=$(tries)
for i in 1 2 3 4 5; do ctl create network "name=bo$i" >/dev/null || fail "create bo$i"; done
after=$(tries)
[ $((after - before)) -le 1 ] ||
	fail "bad1 was pushed $((after - before)) times in 5 quick changes (want at most 1: back-off)"
msg=$(ctl --json get port bad1 | python3 -c "import json, sys; print(json.load(sys.stdin).get('message', ''))")
grep -q "again in [0-9]* s" <<<"$msg" || fail "bad1's status does not say when it is tried again: $msg"
# ... and is tried again by itself once the back-off ends.
for _ in $(seq 40); do [ "$(tries)" -gt "$after" ] && break; sleep 0.1; done
[ "$(tries)" -gt "$after" ] || fail "bad1 was not tried again within 4 s"
echo "ok: a failed port backs off: $((after - before)) push(es) in 5 quick changes, retried by itself (${msg##*(}"
# port retry: pushed again at once, the back-off starting over (tried 1
# time), exit 1 while it still fails; a port not in error is left alone.
before=$(tries)
expect 1 "port bad1: error: port bad1: 0000:99:00.0 is a PCI device" port retry bad1
[ "$(tries)" = $((before + 1)) ] ||
	fail "port retry bad1: $(( $(tries) - before )) pushes, not 1"
msg=$(ctl --json get port bad1 | python3 -c "import json, sys; print(json.load(sys.stdin).get('message', ''))")
grep -q "(tried 1 time; again in 1 s" <<<"$msg" ||
	fail "port retry did not reset bad1's back-off: $msg"
expect 1 "port bad1: error" port retry --all
expect 0 "port p1: programmed (it was not in error: nothing to retry)" port retry p1
expect 1 "no port called 'nosuch'" port retry nosuch
expect 2 "port retry needs the port's NAME, or --all" port retry
echo "ok: port retry pushes a failed port at once and resets its back-off"
expect 1 "no network called 'nosuch' ('yardctl list networks'" \
	get network nosuch
expect 1 "no port called 'nosuch'" delete port nosuch
expect 1 "cannot delete network 'green': port 'bad1', port 'p1', port 'p2' still use it" \
	delete network green
expect 1 "expected a number, got 'abc'" create network name=x mac_limit=abc
ctl create network name=x mac_limit=abc 2>&1 | grep -q "without quotes" &&
	fail "mac_limit=abc: told to remove quotes that are not there"
echo "ok: statuses, exit codes and messages"

# export gives the same bytes after a yardd restart (no empty lists added).
ctl delete port bad1 >/dev/null
ctl delete port p2 >/dev/null
ctl export >"$TMP/before.yaml"
yardd_stop
yardd_start "$YARDD" || fail "yardd did not restart: $(cat "$YD_LOG")"
ctl export >"$TMP/after.yaml"
diff -u "$TMP/before.yaml" "$TMP/after.yaml" ||
	fail "export changed across a yardd restart"
echo "ok: export unchanged across a yardd restart"

# apply says which objects it changed did not get programmed: 1 for an
# error, 3 when every one is pending.
cat >"$TMP/bad.yaml" <<EOF2
networks: [{name: green}]
ports: [{name: badapply, kind: phy, network: green, devargs: "0000:99:00.1"}]
EOF2
expect 1 "port/badapply: error: port badapply: 0000:99:00.1 is a PCI device" \
	apply -f "$TMP/bad.yaml"
printf 'networks: [{name: green}, {name: v, vni: 5}]\n' >"$TMP/vni.yaml"
# The overlay module programs a vni: nothing pending (exit 3 is for a
# kind or key this yard-dp cannot carry out; none is left today).
expect 0 "created 1" apply -f "$TMP/vni.yaml"
echo "ok: apply reports error objects in its exit status"
