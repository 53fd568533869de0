#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# yard-replay's usage errors (issue 10, point 8): an unknown --in port is
# refused with the ports the topology has; a missing --out-dir is said in
# one line, not with the whole help. Both exit 2.
# Usage: replay-usage.sh YARD_REPLAY FIXTURE_DIR (a fixture with port blue-a).
set -euo pipefail
REPLAY=$1
FIX=$2
TMP=$(mktemp -d /tmp/yard-replay-usage.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

rc=0
out=$("$REPLAY" --topology "$FIX/topology.yaml" --in "Blue-A=$FIX/in/blue-a.pcap" \
	--out-dir "$TMP/out" 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "unknown port: exit $rc, not 2: $out"
grep -q "no port called 'Blue-A'; its ports are: .*blue-a" <<<"$out" ||
	fail "unknown port: the ports are not listed: $out"
echo "ok: $out"

rc=0
out=$("$REPLAY" --topology "$FIX/topology.yaml" --in "blue-a=$FIX/in/blue-a.pcap" 2>&1) || rc=$?
[ "$rc" = 2 ] || fail "no --out-dir: exit $rc, not 2: $out"
[ "$(wc -l <<<"$out")" = 1 ] || fail "no --out-dir: more than one line: $out"
grep -q -- "--out-dir DIR" <<<"$out" || fail "no --out-dir: not named: $out"
echo "ok: $out"
