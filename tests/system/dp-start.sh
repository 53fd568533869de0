#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Starting yard-dp (issue 10, points 1 and 3):
#  - a second yard-dp on the socket or the EAL prefix of a running one
#    refuses before it touches anything, names the process that holds
#    them, never says "EAL start failed: Success", and leaves the first's
#    runtime files and API alone;
#  - `yard-dp -- --no-huge` starts (the pool is sized as on yard-dp's own
#    no-hugepage path);
#  - by default the EAL probes no PCI device, and a PCI port asked for then
#    is refused with the way to allow it;
#  - a port that cannot be made is refused with the EAL's own reason;
#  - (point 8) network.add wants a string name; MACs print in lower case.
# Usage: dp-start.sh YARD_DP. Needs root; skips (77) otherwise.
set -euo pipefail

YARD_DP=$1
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
yard_run_init yard-dpstart yard-dpstart
SECOND_PID=

cleanup() {
	local rc=$?
	yard_traps_clear
	[ -n "$SECOND_PID" ] && proc_stop "$SECOND_PID"
	rm -rf "/var/run/dpdk/$PREFIX-nohuge"
	if [ -n "$DP_PID" ]; then
		yard_dp_stop
		[ "$rc" = 0 ] || sed 's/^/  yard-dp| /' "$LOG"
	fi
	yard_run_cleanup
	exit "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; exit 1; }

yard_dp_start_bare "$1" || fail "yard-dp did not start: $(cat "$LOG")"
files_before=$(find "/var/run/dpdk/$PREFIX" | sort)

# The same socket (and so the same derived prefix), then the same prefix
# with another socket, then the prefix given as an EAL argument.
second() {
	local out rc=0
	out=$("$YARD_DP" "$@" 2>&1) || rc=$?
	[ "$rc" = 1 ] || fail "second yard-dp $*: exit $rc, not 1: $out"
	grep -q "Success" <<<"$out" && fail "second yard-dp $* said: $out"
	grep -q "process $DP_PID" <<<"$out" ||
		fail "second yard-dp $* does not name process $DP_PID: $out"
	echo "  second yard-dp $*: $(tail -1 <<<"$out")"
}
second --socket "$SOCK" --file-prefix "$PREFIX" -- --no-pci
second --socket "$TMP/other.sock" --file-prefix "$PREFIX" -- --no-pci
second --socket "$TMP/other.sock" -- --file-prefix "$PREFIX" --no-pci

[ "$(find "/var/run/dpdk/$PREFIX" | sort)" = "$files_before" ] ||
	fail "the running yard-dp's runtime files changed"
rpc version >/dev/null || fail "the running yard-dp no longer answers"
kill -0 "$DP_PID" || fail "the running yard-dp is gone"
echo "ok: a second yard-dp refuses and leaves the first alone"

# Ports: the EAL's reason reaches the caller; PCI is off by default.
rpc network.add '{"name": "n"}' >/dev/null
expect_refused() {
	local devargs=$1 want=$2 out
	out=$(rpc port.add "{\"name\": \"p$RANDOM\", \"kind\": \"phy\", \
\"network\": \"n\", \"devargs\": \"$devargs\"}" 2>&1) &&
		fail "port with devargs $devargs was made"
	grep -qF -- "$want" <<<"$out" || fail "port $devargs: '$want' not in: $out"
	grep -q "see the log" <<<"$out" && fail "port $devargs: $out"
	echo "  $devargs: $out"
}
expect_refused net_bogus0 'failed to parse device "net_bogus0"'
echo "ok: port errors carry the reason"

# Point 8: a network name must be a string; MACs print in lower case.
out=$(rpc network.add '{"name": 0}' 2>&1) && fail "network.add made network 0: $out"
grep -q "params.name: a string is required" <<<"$out" || fail "network.add {name: 0}: $out"
rpc port.add '{"name": "pn", "kind": "phy", "network": "n", "devargs": "net_null0"}' >/dev/null
rpc fdb.add '{"network": "n", "mac": "02:AB:CD:00:00:0F", "port": "pn"}' >/dev/null
out=$(rpc fdb.list)
grep -q '"02:ab:cd:00:00:0f"' <<<"$out" || fail "fdb.list MAC not in lower case: $out"
out=$(rpc port.list)
grep -q '"mac": *"[0-9a-f:]*"' <<<"$out" || fail "port.list MAC not in lower case: $out"
echo "ok: network names are strings; MACs in lower case"

# --no-huge given by the user gets the same memory as yard-dp's fallback;
# no other EAL argument, so PCI is as yard-dp sets it by default.
"$YARD_DP" --socket "$TMP/nohuge.sock" --file-prefix "$PREFIX-nohuge" \
	-- --no-huge >"$TMP/nohuge.log" 2>&1 &
SECOND_PID=$!
for ((t = 0; t < 100; t++)); do
	grep -q "ready: API" "$TMP/nohuge.log" && break
	kill -0 "$SECOND_PID" 2>/dev/null ||
		fail "yard-dp -- --no-huge exited: $(cat "$TMP/nohuge.log")"
	sleep 0.1
done
grep -q "ready: API" "$TMP/nohuge.log" || fail "yard-dp -- --no-huge not ready"
echo "ok: yard-dp -- --no-huge starts"
SOCK=$TMP/nohuge.sock
rpc network.add '{"name": "n"}' >/dev/null
expect_refused 0000:00:1f.7 "restart it with '-- -a 0000:00:1f.7'"
proc_stop "$SECOND_PID"
SECOND_PID=
[ "$STOP_STATUS" = 0 ] || fail "yard-dp -- --no-huge exited $STOP_STATUS"
if grep -E "EAL: .*PCI|Failed to init PCI" "$TMP/nohuge.log"; then
	fail "the EAL probed PCI devices no port names"
fi
echo "ok: no PCI probing by default; a PCI port says how to allow it"
