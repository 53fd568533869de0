#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A tap port's netns survives a yard-dp restart (issue 10, point 8): two
# tap ports with `netns` and `addresses`, created through yardctl, are
# moved by yard-dp into their namespaces, set up and addressed; h1 pings
# h2 through yard-dp. Then yard-dp is killed (-9) and started again empty:
# yardd programs it, the new taps land in the same namespaces with the
# same addresses, and the ping works again with no manual step. A netns
# the policy does not allow is refused, and one that does not exist gives
# an error naming the fix.
# Usage: tap-netns.sh YARD_DP YARDD YARDCTL. Needs root.
set -euo pipefail

YARD_DP=$1
YARDD=$2
YARDCTL=$3
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
yard_ns_require
yard_ns_init tn yard-tapnetns yard-tapnetns
START=$SECONDS

cleanup() {
	local rc=$?
	yard_traps_clear
	yardd_stop
	[ "$rc" = 0 ] || sed 's/^/  yardd| /' "$YD_LOG" 2>/dev/null | tail -20
	yard_ns_test_end tap-netns "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; exit 1; }

# The namespaces exist (an admin made them); everything inside is yard-dp's.
for i in 0 1; do
	ip netns add "${NS[$i]}"
	nsx "$i" ip link set lo up
done
YD_CONF=$TMP/yardd.conf
printf 'netns = %s\nnetns = %s\n' "${NS[0]}" "${NS[1]}" >"$YD_CONF"

yard_dp_start_bare "$YARD_DP" || fail "yard-dp did not start: $(cat "$LOG")"
yardd_start "$YARDD" || fail "yardd did not start: $(cat "$YD_LOG")"

ctl create network name=blue >/dev/null
for i in 0 1; do
	ctl create port "name=h$((i + 1))" kind=tap network=blue \
		"devargs=net_tap$i,iface=${TAP[$i]}" "netns=${NS[$i]}" \
		"addresses=${ADDR[$i]}/24" || fail "create port h$((i + 1))"
done

# ping_ok WHAT: h1 reaches h2 (a few tries: ARP and learning).
ping_ok() {
	nsx 0 ping -c 3 -i 0.2 -W 2 "${ADDR[1]}" >"$TMP/ping.log" 2>&1 ||
		fail "$1: h1 cannot ping h2: $(tail -3 "$TMP/ping.log")"
	nsx 1 ip -4 addr show dev "${TAP[1]}" | grep -q "inet ${ADDR[1]}/24" ||
		fail "$1: ${TAP[1]} has not its address in ${NS[1]}"
	ip link show "${TAP[0]}" >/dev/null 2>&1 &&
		fail "$1: ${TAP[0]} is still in the root namespace"
	echo "ok: $1: the taps are in their namespaces with their addresses; ping h1 -> h2 works"
}
ping_ok "created with netns"

ctl export | grep -q "netns: ${NS[0]}" || fail "export lacks the netns"
ctl export >"$TMP/export.yaml"
ctl --json apply -f "$TMP/export.yaml" | grep -q '"unchanged": 3' ||
	fail "export | apply changed something"
echo "ok: export round trip keeps netns and addresses"

# ---- kill -9, restart: no manual step ----
kill -KILL "$DP_PID"
wait "$DP_PID" 2>/dev/null || true
DP_PID=
yard_dp_start_bare "$YARD_DP" || fail "yard-dp did not restart: $(tail "$LOG")"
for _ in $(seq 100); do
	st=$(ctl --json get port h2 | python3 -c "import json, sys; print(json.load(sys.stdin)['status'])")
	[ "$st" = programmed ] && nsx 1 ip link show "${TAP[1]}" >/dev/null 2>&1 && break
	sleep 0.1
done
ping_ok "after kill -9 and restart of yard-dp"

# ---- The policy, and a namespace that is not there ----
out=$(ctl create port name=h3 kind=tap network=blue devargs=net_tap2,iface=tn3x \
	netns=elsewhere 2>&1) && fail "a netns off the allow-list was accepted"
grep -q "netns 'elsewhere' is not allowed" <<<"$out" || fail "policy refusal: $out"
echo "ok: refused: $out"
ip netns del "${NS[1]}"
ctl update port name=h2 addresses=10.77.0.9/24 >"$TMP/out" 2>&1 && fail "a missing netns was accepted"
grep -q "create it with 'ip netns add NAME'" "$TMP/out" || fail "missing netns: $(cat "$TMP/out")"
echo "ok: a missing namespace: $(cat "$TMP/out")"
