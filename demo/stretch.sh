#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The overlay step of the demo: network blue stretched between two hosts.
#
#   demo/stretch.sh [YARD_DP]     default: build/app/yard-dp
#
# Two yard-dp instances play two hosts: each has a VTEP on a shared
# underlay (a Linux bridge in a namespace) and a host behind it in blue
# (VNI 1001). The two hosts ping each other across the overlay and iperf3
# runs between them; each yard-dp then shows the other's VTEP resolved and
# the far host's MAC learned behind it. It is the system test
# tests/system/ov-two-dp.sh, run here with its output: one setup, one
# cleanup (everything it makes carries its pid and goes on exit). Needs
# root, iproute2, ping and iperf3.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
YARD_DP=${1:-$ROOT/build/app/yard-dp}
[ -x "$YARD_DP" ] || { echo "stretch: $YARD_DP: not built yet" >&2; exit 1; }

fold -s -w 76 <<'EOT' | sed 's/^/  /'
Host A (10.77.0.1) - yard-dp A, VTEP 192.0.2.1 - underlay bridge - VTEP 192.0.2.2, yard-dp B - host B (10.77.0.2). Both yard-dp have blue with vni 1001 and an overlay section naming the other VTEP; the hosts' MTU is 1450, as VXLAN takes 50 bytes of the underlay's 1500.
EOT
"$ROOT/tests/system/ov-two-dp.sh" "$YARD_DP" 2>&1 | sed 's/^/    /'
exit "${PIPESTATUS[0]}"
