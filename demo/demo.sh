#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Switchyard demo (`make demo`): a guided tour, step by step.
#
#   demo/demo.sh [YARD_DP]        default: build/dataplane/main/yard-dp
#
# It starts the dataplane (yard-dp) empty and the control daemon (yardd),
# applies a topology of three tap ports with yardctl, puts a Linux "host"
# behind each port (a network namespace), shows that two hosts on network
# "blue" talk while the host on network "red" is cut off, shows what the
# switch learnt and counted, then kills yard-dp and shows yardd programming
# the restarted one by itself. Every query goes through yardctl.
# Everything it creates is removed at the end, also on failure and Ctrl-C.
# Needs root (taps and namespaces), iproute2, ping and python3.
#
# yardd and yardctl are taken from the build directory of YARD_DP
# (BUILD/dataplane/main/yard-dp -> BUILD/control/yardd, yardctl), or from
# the environment variables YARDD and YARDCTL.

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
BUILD_DIR=$(dirname "$(dirname "$(dirname "$YARD_DP")")")
YARDD=${YARDD:-$BUILD_DIR/control/yardd}
YARDCTL=${YARDCTL:-$BUILD_DIR/control/yardctl}
[ -x "$YARDD" ] || die "$YARDD: no yardd there (build it, or set YARDD)"
[ -x "$YARDCTL" ] || die "$YARDCTL: no yardctl there (build it, or set YARDCTL)"
YARDD=$(realpath "$YARDD")
YARDCTL=$(realpath "$YARDCTL")
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
YD_PID=
OK=1

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
	local rc=$?
	yard_traps_clear	# and set +e
	printf '\n%s== Cleaning up ==%s\n' "$B" "$N"
	if [ -n "$YD_PID" ]; then
		yardd_stop
		if [ "$YD_STOP" = killed ]; then
			bad "yardd did not stop within 10 s of SIGTERM; killed it"
			rc=1
		fi
		if [ "$YD_STATUS" -eq 0 ]; then
			say "yardd stopped (exit 0)."
		else
			bad "yardd exited with status $YD_STATUS"
			[ -s "$YD_LOG" ] && tail -n 20 "$YD_LOG" | sed 's/^/    /'
			[ "$rc" -ne 0 ] || rc=1
		fi
	fi
	if [ -n "$DP_PID" ]; then
		yard_dp_stop
		if [ "$DP_STOP" = killed ]; then
			bad "yard-dp did not stop within 10 s of SIGTERM; killed it"
			rc=1
		fi
		if [ "$DP_STATUS" -eq 0 ]; then
			say "yard-dp stopped (exit 0); its tap ports went with it."
		else
			bad "yard-dp exited with status $DP_STATUS"
			[ -s "$LOG" ] && tail -n 20 "$LOG" | sed 's/^/    /'
			[ "$rc" -ne 0 ] || rc=1
		fi
	fi
	yard_ns_cleanup
	say "Namespaces ${NS[*]}, the store and the temp dir removed."
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

# ctl, py, nsx and loss come from tests/lib/netns.sh.
indent() { sed "s/^/    /"; }
# show ARGS...: print and run `yardctl ARGS`; a failure marks the demo bad.
show() {
	local out
	cmd "yardctl $*"
	if out=$(ctl "$@" 2>&1); then
		indent <<<"$out"
	else
		indent <<<"$out"
		bad "yardctl $* failed"
		OK=0
	fi
}
# until_ok TENTHS CMD...: run CMD every 0.1 s until it succeeds; 1 if never.
until_ok() {
	local t
	for ((t = 0; t < $1; t++)); do
		"${@:2}" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
# shellcheck disable=SC2317  # dp_connected, dp_away, all_programmed: via until_ok
dp_connected() {
	ctl --json status | py 'sys.exit(0 if d["dataplane"]["connected"] else 1)'
}
# shellcheck disable=SC2317
dp_away() { ! dp_connected; }
# every stored network and port is programmed (there are some)
# shellcheck disable=SC2317
all_programmed() {
	local kind
	for kind in networks ports; do
		ctl --json list "$kind" |
			py 'sys.exit(0 if d and all(o["status"] == "programmed" for o in d) else 1)' ||
			return 1
	done
}
# ping_h1_h2: ping h1 -> h2, print it, 0 if nothing was lost.
ping_h1_h2() {
	local out l
	cmd "ip netns exec ${NS[0]} ping -c 5 -i 0.2 ${ADDR[1]}"
	out=$(nsx 0 ping -c 5 -i 0.2 -W 1 "${ADDR[1]}" 2>&1) || true
	indent <<<"$out"
	l=$(loss "$out"); l=${l:-100}
	PING_LOSS=$l
	[ "$l" -eq 0 ]
}
# dp_failed WHAT CODE: yard-dp did not come up; show its log and stop.
dp_failed() {
	tail -n 20 "$LOG" >&2
	case $2 in
	1) die "yard-dp exited $1" ;;
	*) die "yard-dp: $1: not ready after 20 s" ;;
	esac
}

printf '%sSwitchyard demo%s\n' "$B" "$N"
say "Switchyard is a software switch built on DPDK. Its dataplane, yard-dp," \
    "moves Ethernet frames between ports (VM sockets, NICs, taps) and keeps" \
    "every 'network' (a virtual LAN) isolated from the others. Its control" \
    "daemon, yardd, remembers what the switch should look like and programs" \
    "yard-dp to match; yardctl is the command line for yardd. Here we give" \
    "the switch three tap ports, each leading to a small Linux host."

# ---- 1. Topology ----
step "The topology"
yard_topology_write "$TMP/topology.yaml"
say "The desired state is one YAML file: two networks, blue and red, and" \
    "three ports. h1 and h2 are in blue, h3 is in red. A 'tap' port is a" \
    "virtual cable into the Linux kernel: yard-dp owns one end, the kernel" \
    "sees the other as a network interface (named in devargs)."
echo
cmd "cat $TMP/topology.yaml"
indent <"$TMP/topology.yaml"

# ---- 2. yard-dp ----
step "Start the dataplane, empty"
cmd "yard-dp --socket $SOCK --workers 1 --file-prefix $PREFIX -- --no-pci"
yard_dp_start_bare "$YARD_DP" || dp_failed "during start-up" $?
say "yard-dp is running with one forwarding worker (a CPU core that does" \
    "nothing but poll the ports and forward frames) and no ports yet: it" \
    "does what it is told over its JSON-RPC socket. --no-pci keeps it off" \
    "the host's own NICs."

# ---- 3. yardd ----
step "Start the control daemon, yardd"
cmd "yardd --socket $TMP/yardd.sock --db $TMP/yardd.db --dataplane $SOCK"
yardd_start "$YARDD" || case $? in
	1) tail -n 20 "$YD_LOG" >&2; die "yardd exited during start-up" ;;
	*) tail -n 20 "$YD_LOG" >&2; die "yardd: no socket after 10 s" ;;
esac
until_ok 100 dp_connected || die "yardd did not connect to yard-dp within 10 s"
say "yardd keeps the desired state in an SQLite database (--db) and" \
    "connects to yard-dp (--dataplane) by itself. We talk to yardd with" \
    "yardctl, through yardd's own socket (--socket):"
cmd "yardctl --socket $YD_SOCK status"
ctl status | indent
say "The store is empty (generation 0); the dataplane is connected. From" \
    "here on we leave out --socket."

# ---- 4. Apply ----
step "Apply the topology"
cmd "yardctl apply -f $TMP/topology.yaml"
out=$(ctl apply -f "$TMP/topology.yaml" 2>&1) || { indent <<<"$out"; die "yardctl apply failed"; }
indent <<<"$out"
yard_taps_wait || dp_failed "while creating its taps" $?
until_ok 100 all_programmed || { bad "not every object is programmed after 10 s"; OK=0; }
say "yardd checked the whole file, stored it in one transaction and sent" \
    "yard-dp the difference: two networks, three ports. yard-dp created" \
    "the three tap interfaces. Every object has a STATUS: 'programmed'" \
    "means yard-dp holds it as stored."
show list networks
show list ports

# ---- 5. Hosts ----
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

# ---- 6. Ping in blue ----
step "Ping inside blue: h1 -> h2"
say "h1 first broadcasts an ARP request ('who has ${ADDR[1]}?'). The switch" \
    "floods it to the other ports of blue only, learns where h1 is, and" \
    "from then on forwards the replies and pings port to port."
if ping_h1_h2; then
	good "0% packet loss: h1 and h2 are on the same virtual LAN."
else
	bad "${PING_LOSS}% packet loss inside blue: that is a bug."
	OK=0
fi

# ---- 7. Ping from red ----
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

# ---- 8. FDB ----
step "What the switch learnt: the forwarding database (FDB)"
say "Every frame teaches the switch which port its source MAC address sits" \
    "behind, per network. Frames to a known MAC go to that port only;" \
    "unknown ones and broadcasts are flooded within the network."
show fdb show
say "One entry per host, learnt from the frames each one sent: blue's two" \
    "and red's one live in separate tables, so the same MAC could even" \
    "appear in both without confusion. AGE: seconds since last seen."

# ---- 9. Counters ----
step "Per-port counters"
say "RX = frames the switch received from that port, TX = frames it sent" \
    "out of it. h3 sent a few frames (ARP, IPv6 housekeeping) but received" \
    "none: nothing from blue ever reached red."
show stats ports
say "LINK: yard-dp looks a tap up by its name in the host's namespace, so" \
    "one moved into a namespace reads 'down'; frames flow all the same."
echo
show stats drops
say "Every frame the switch discards is counted under a named reason." \
    "flood-empty: a broadcast with no other port to go to (h3 alone in" \
    "red). tx-refused: the port refused the frame; here, the kernel refuses" \
    "frames for a tap that is down, as each one was while it moved into" \
    "its namespace."

# ---- 10. Nodes ----
step "Where the CPU time goes: cycles per packet in each graph node"
say "Inside a worker, each frame walks a graph of small processing steps" \
    "(DPDK rte_graph): receive, parse, look up the FDB, transmit. Here is" \
    "the average CPU cycles each step spent per frame so far. Only a few" \
    "dozen frames went through, so caches were cold. port-rx also counts" \
    "the polls that found nothing, and tap ports cost a system call per" \
    "frame; with vhost-user (VM) or NIC ports both are far cheaper. The" \
    "switching itself is eth-input, l2-input, l2-output and l2-flood."
show stats nodes

# ---- 11. Crash and resync ----
step "yard-dp crashes; yardd programs the new one by itself"
say "We kill yard-dp (kill -9, no goodbye) and start it again, empty, as" \
    "systemd would. yardd notices and marks every object 'unprogrammed'."
cmd "kill -9 $DP_PID"
kill -KILL "$DP_PID"
wait "$DP_PID" 2>/dev/null || true
DP_PID=
until_ok 100 dp_away || { bad "yardd still believes yard-dp is connected"; OK=0; }
show list ports
echo
cmd "yard-dp --socket $SOCK --workers 1 --file-prefix $PREFIX -- --no-pci"
yard_dp_start_bare "$YARD_DP" || dp_failed "during its restart" $?
yard_taps_wait || dp_failed "while creating its taps again" $?
until_ok 100 all_programmed || { bad "not every object is programmed again after 10 s"; OK=0; }
say "Nobody ran yardctl: yardd reconnected, compared yard-dp's (empty)" \
    "state with the stored one and sent the difference. 'resyncs' counts" \
    "those connections."
show list ports
show status
say "A tap dies with the process that made it, so the new yard-dp made new" \
    "taps, in the host's namespace (a NIC would simply still be there). We" \
    "move them to the hosts again, give them their addresses, and ping:"
yard_ns_reattach
if ping_h1_h2; then
	good "0% packet loss: blue works again."
else
	bad "${PING_LOSS}% packet loss after the restart: that is a bug."
	OK=0
fi

# ---- 12. Export ----
step "The desired state, as yardd keeps it"
say "yardd stores every object in SQLite, so it survives restarts of" \
    "yardd as well; while yardd is down, yard-dp keeps forwarding. export" \
    "prints the store as a topology file, ready for 'yardctl apply -f'."
show export

[ "$OK" -eq 1 ] || exit 1
exit 0
