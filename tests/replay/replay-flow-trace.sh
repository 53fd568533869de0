#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# yard-replay --trace names the flow rule each packet matched: through the
# flow-priority fixture, packets 5 (TCP to 1000) and 13 (port 1250 from
# 5555) show flow-classify (rule range-drop) and (rule pinhole-drop) and are
# dropped; packet 10 (1250) shows (rule hole) and goes out; packet 2 (port
# 80) shows (no rule: allow).
# Usage: replay-flow-trace.sh YARD_REPLAY FIXTURE_DIR (flow-priority).
set -euo pipefail
REPLAY=$1
FIX=$2
TMP=$(mktemp -d /tmp/yard-replay-flow-trace.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "FAIL: $*"; exit 1; }

args=()
for f in "$FIX"/in/*.pcap; do
	p=$(basename "$f" .pcap)
	args+=(--in "$p=$f")
done
out=$("$REPLAY" --topology "$FIX/topology.yaml" "${args[@]}" --out-dir "$TMP/out" \
	--expect-dir "$FIX/expected" --trace 2>&1) || fail "yard-replay: $out"
# has N PATTERN: the trace of packet N matches PATTERN.
has() {
	grep -qE "^trace #$1 in=[a-z0-9-]+ len=[0-9]+ .*$2" <<<"$out" ||
		fail "packet $1: no '$2' in: $(grep "^trace #$1 " <<<"$out")"
	echo "ok: packet $1: $(grep -m1 "^trace #$1 " <<<"$out")"
}
has 2 'flow-classify \(no rule: allow\) > l2-input \(fdb-hit b\) > port-tx => out b'
has 5 'flow-classify \(rule range-drop\) > drop => dropped by flow-classify \(flow-drop\)'
has 10 'flow-classify \(rule hole\) > l2-input \(fdb-hit b\) > port-tx => out b'
has 13 'flow-classify \(rule pinhole-drop\) > drop => dropped by flow-classify \(flow-drop\)'
