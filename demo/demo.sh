#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Switchyard demo (`make demo`): a guided tour of yard-dp, step by step.
#
#   demo/demo.sh [YARD_DP]        default: build/dataplane/main/yard-dp
#
# It starts the dataplane with three ports, puts a Linux "host" behind each
# one (a network namespace), shows that two hosts on network "blue" talk
# while the host on network "red" is cut off, then shows what the switch
# learnt and counted. Everything it creates is removed at the end, also on
# Ctrl-C. Needs root (taps and namespaces), iproute2, ping and python3.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
YARD_DP=${1:-build/dataplane/main/yard-dp}
if [ ! -x "$YARD_DP" ] && [ -x "$ROOT/$YARD_DP" ]; then
	YARD_DP=$ROOT/$YARD_DP
fi
# shellcheck source=../tests/lib/netns.sh disable=SC1091  # -x follows
. "$ROOT/tests/lib/netns.sh"

die() { echo "demo: $*" >&2; exit 1; }
[ -x "$YARD_DP" ] || die "$YARD_DP: not built yet (run 'make build' or 'make demo')"
YARD_DP=$(realpath "$YARD_DP")
[ "$(id -u)" -eq 0 ] || die "run me as root: the demo creates tap interfaces and network namespaces"
for tool in ip ping python3; do
	command -v "$tool" >/dev/null 2>&1 || die "'$tool' is missing (make deps installs it)"
done

# ---- Looks ----
if [ -t 1 ]; then
	B=$'\e[1m' DIM=$'\e[2m' GRN=$'\e[32m' RED=$'\e[31m' N=$'\e[0m'
else
	B='' DIM='' GRN='' RED='' N=''
fi
STEP=0
step() { STEP=$((STEP + 1)); printf '\n%s== Step %d: %s ==%s\n' "$B" "$STEP" "$*" "$N"; }
say() { printf '%s\n' "$@" | fold -s -w 76 | sed 's/^/  /'; }
cmd() { printf '  %s$ %s%s\n' "$DIM" "$*" "$N"; }
good() { printf '  %s✔ %s%s\n' "$GRN" "$*" "$N"; }
bad() { printf '  %s✘ %s%s\n' "$RED" "$*" "$N"; }

# ---- Names unique to this run: NS, TAP, ADDR, PREFIX, TMP, SOCK, LOG ----
yard_ns_init yd yard-demo yard-demo
OK=1

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
	local rc=$?
	yard_traps_clear	# and set +e
	printf '\n%s== Cleaning up ==%s\n' "$B" "$N"
	if [ -n "$DP_PID" ]; then
		yard_dp_stop
		if [ "$DP_STOP" = killed ]; then
			bad "yard-dp did not stop within 10 s of SIGTERM; killed it"
			rc=1
		fi
		if [ "$DP_STATUS" -eq 0 ]; then
			say "yard-dp stopped (SIGTERM, exit 0); its tap ports went with it."
		else
			bad "yard-dp exited with status $DP_STATUS"
			[ -s "$LOG" ] && tail -n 20 "$LOG" | sed 's/^/    /'
			[ "$rc" -ne 0 ] || rc=1
		fi
	fi
	yard_ns_cleanup
	say "Namespaces ${NS[*]} removed."
	if [ "$rc" -eq 0 ]; then
		printf '\n%sDemo finished: everything worked.%s\n' "$B" "$N"
	elif [ "$rc" -eq 130 ]; then
		printf '\nDemo interrupted.\n'
	else
		printf '\n%sDemo finished with errors (exit %d).%s\n' "$B" "$rc" "$N"
	fi
	exit "$rc"
}
yard_traps_set cleanup

# rpc, py, nsx and loss come from tests/lib/netns.sh.
indent() { sed "s/^/    /"; }

printf '%sSwitchyard demo%s\n' "$B" "$N"
say "Switchyard is a software switch built on DPDK. Its dataplane, yard-dp," \
    "moves Ethernet frames between ports (VM sockets, NICs, taps) and keeps" \
    "every 'network' (a virtual LAN) isolated from the others. Here we give" \
    "it three tap ports, each leading to a small Linux host of its own."

# ---- 1. Topology ----
step "The topology"
yard_topology_write "$TMP/topology.yaml"
say "The desired state is one YAML file: two networks, blue and red, and" \
    "three ports. h1 and h2 are in blue, h3 is in red. A 'tap' port is a" \
    "virtual cable into the Linux kernel: yard-dp owns one end, the kernel" \
    "sees the other as a network interface (named in devargs)."
echo
sed 's/^/    /' "$TMP/topology.yaml"

# ---- 2. Start ----
step "Start the dataplane"
cmd "yard-dp --socket $SOCK --workers 1 --topology topology.yaml --file-prefix $PREFIX"
yard_dp_start "$YARD_DP" "$TMP/topology.yaml" || case $? in
	1) tail -n 20 "$LOG" >&2; die "yard-dp exited during start-up" ;;
	*) tail -n 20 "$LOG" >&2; die "yard-dp not ready after 20 s" ;;
esac
say "$(rpc version | py 'print("%s %s is running with %d forwarding worker(s)." % (d["name"], d["version"], d["workers"]))')" \
    "One worker is a CPU core that does nothing but poll the ports and" \
    "forward frames. yard-dp answers JSON-RPC on a unix socket; we ask it" \
    "questions with tools/yard-rpc (any language can do the same)."

# ---- 3. Ports ----
step "What the switch sees: its ports"
say "yard-dp created the three tap interfaces; for now they sit in the" \
    "host's own network stack. 'mac' is the address of the kernel side," \
    "the one the hosts will use."
cmd "yard-rpc port.list"
rpc port.list | py '
print("    %-5s %-7s %-18s %-5s %s" % ("name", "network", "mac", "link", "devargs"))
for p in d:
    print("    %-5s %-7s %-18s %-5s %s" % (p["name"], p.get("network", ""),
          p.get("mac", ""), p.get("link", ""), p.get("devargs", "")))'

# ---- 4. Hosts ----
step "Give each port a host"
say "A network namespace is a private copy of the Linux network stack: a" \
    "lightweight stand-in for a VM. We move each tap interface into its own" \
    "namespace and give it an address. All three share one subnet, so only" \
    "the switch decides who can reach whom."
yard_ns_setup
echo
printf '    %-4s %-12s %-14s %-8s %s\n' port interface address network namespace
printf '    %-4s %-12s %-14s %-8s %s\n' h1 "${TAP[0]}" "${ADDR[0]}/24" blue "${NS[0]}"
printf '    %-4s %-12s %-14s %-8s %s\n' h2 "${TAP[1]}" "${ADDR[1]}/24" blue "${NS[1]}"
printf '    %-4s %-12s %-14s %-8s %s\n' h3 "${TAP[2]}" "${ADDR[2]}/24" red "${NS[2]}"

# ---- 5. Ping in blue ----
step "Ping inside blue: h1 -> h2"
say "h1 first broadcasts an ARP request ('who has ${ADDR[1]}?'). The switch" \
    "floods it to the other ports of blue only, learns where h1 is, and" \
    "from then on forwards the replies and pings port to port."
cmd "ip netns exec ${NS[0]} ping -c 5 -i 0.2 ${ADDR[1]}"
out=$(nsx 0 ping -c 5 -i 0.2 -W 1 "${ADDR[1]}" 2>&1) || true
indent <<<"$out"
l=$(loss "$out"); l=${l:-100}
if [ "$l" -eq 0 ]; then
	good "0% packet loss: h1 and h2 are on the same virtual LAN."
else
	bad "${l}% packet loss inside blue: that is a bug."
	OK=0
fi

# ---- 6. Ping from red ----
step "Ping from red to blue: h3 -> h1"
say "h3 is in red. Its ARP broadcast is flooded to the other ports of red" \
    "(there are none), never to blue, so h3 cannot even find h1."
cmd "ip netns exec ${NS[2]} ping -c 3 -i 0.3 -W 1 ${ADDR[0]}"
out=$(nsx 2 ping -c 3 -i 0.3 -W 1 "${ADDR[0]}" 2>&1) || true
indent <<<"$out"
l=$(loss "$out"); l=${l:-100}
if [ "$l" -eq 100 ]; then
	good "100% packet loss, as intended: red and blue are isolated."
else
	bad "only ${l}% loss: red reached blue, that is a bug."
	OK=0
fi

# ---- 7. FDB ----
step "What the switch learnt: the forwarding database (FDB)"
say "Every frame teaches the switch which port its source MAC address sits" \
    "behind, per network. Frames to a known MAC go to that port only;" \
    "unknown ones and broadcasts are flooded within the network."
cmd "yard-rpc fdb.list"
rpc fdb.list | py '
print("    %-8s %-18s %-5s %-7s %s" % ("network", "mac", "port", "static", "age"))
for e in sorted(d, key=lambda e: (e["network"], e["port"])):
    print("    %-8s %-18s %-5s %-7s %s" % (e["network"], e["mac"], e["port"],
          "yes" if e["static"] else "no", e["age"]))
if not d:
    print("    (empty)")'
say "One entry per host, learnt from the frames each one sent: blue's two" \
    "and red's one live in separate tables, so the same MAC could even" \
    "appear in both without confusion."

# ---- 8. Counters ----
step "Per-port counters"
say "rx = frames the switch received from that port, tx = frames it sent" \
    "out of it. h3 sent a few frames (ARP, IPv6 housekeeping) but received" \
    "none: nothing from blue ever reached red."
cmd "yard-rpc port.stats"
rpc port.stats | py '
print("    %-5s %-7s %10s %10s %10s %10s %6s" % ("port", "network", "rx_pkts",
      "rx_bytes", "tx_pkts", "tx_bytes", "drops"))
for p in d:
    s = p["stats"]
    print("    %-5s %-7s %10d %10d %10d %10d %6d" % (p["name"], p.get("network", ""),
          s["rx_packets"], s["rx_bytes"], s["tx_packets"], s["tx_bytes"],
          s["drops"] + s["tx_drops"]))'
echo
cmd "yard-rpc stats.drops"
rpc stats.drops | py '
nz = {k: v for k, v in d.items() if v}
for k, v in sorted(nz.items()):
    print("    %-28s %d" % (k, v))
if not nz:
    print("    (no drops)")'
say "Every frame the switch discards is counted under a named reason." \
    "flood-empty: a broadcast with no other port to go to (h3 alone in" \
    "red). tx-refused: the port refused the frame; here, the kernel refuses" \
    "frames for a tap that is down, as each one was while it moved into" \
    "its namespace."

# ---- 9. Nodes ----
step "Where the CPU time goes: cycles per packet in each graph node"
say "Inside a worker, each frame walks a graph of small processing steps" \
    "(DPDK rte_graph): receive, parse, look up the FDB, transmit. Here is" \
    "the average CPU cycles each step spent per frame so far. Only a few" \
    "dozen frames went through, so caches were cold. port-rx also counts" \
    "the polls that found nothing, and tap ports cost a system call per" \
    "frame; with vhost-user (VM) or NIC ports both are far cheaper. The" \
    "switching itself is eth-input, l2-input, l2-output and l2-flood."
cmd "yard-rpc stats.nodes"
rpc stats.nodes | py '
print("    %-20s %10s %10s %14s" % ("node", "packets", "calls", "cycles/packet"))
for n in d:
    print("    %-20s %10d %10d %14.1f" % (n["node"], n["packets"], n["calls"],
          n["cycles_per_packet"]))'

[ "$OK" -eq 1 ] || exit 1
exit 0
