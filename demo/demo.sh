#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Switchyard demo (`make demo`): a guided tour, step by step.
#
#   demo/demo.sh [YARD_DP]        default: build/app/yard-dp
#
# It builds a tiny guest image, starts the dataplane (yard-dp) empty and the
# control daemon (yardd), and applies with yardctl a topology of two
# networks, three vhost-user ports and three VMs that yardd boots with
# QEMU. It shows that the two VMs in network "blue" ping each other while
# the VM in network "red" is cut off until a router joins the two networks
# (then it pings vm1 through it), shows what the switch learnt and
# counted, then kills yard-dp and shows the guests running on, yardd
# programming the restarted yard-dp by itself and the ping resuming. Every
# query goes through yardctl. Everything it creates (QEMU processes too) is
# removed at the end, also on failure and Ctrl-C.
# Needs root, qemu-system-x86_64, python3, and what the guest image builder
# needs (busybox-static, linux-image-amd64, cpio, xz).
#
# yardd and yardctl are taken from the build directory of YARD_DP
# (BUILD/app/yard-dp -> BUILD/control/yardd/yardd, yardctl), or from
# the environment variables YARDD and YARDCTL. The guest image goes to
# BUILD/guest (built once, then reused).

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
YARD_DP=${1:-build/app/yard-dp}
if [ ! -x "$YARD_DP" ] && [ -x "$ROOT/$YARD_DP" ]; then
	YARD_DP=$ROOT/$YARD_DP
fi
# shellcheck source=../tests/lib/netns.sh disable=SC1091  # -x follows
. "$ROOT/tests/lib/netns.sh"

die() { echo "demo: $*" >&2; exit 1; }
[ -x "$YARD_DP" ] || die "$YARD_DP: not built yet (run 'make build' or 'make demo')"
YARD_DP=$(realpath "$YARD_DP")
BUILD_DIR=$(dirname "$(dirname "$YARD_DP")")
YARDD=${YARDD:-$BUILD_DIR/control/yardd/yardd}
YARDCTL=${YARDCTL:-$BUILD_DIR/control/yardctl/yardctl}
[ -x "$YARDD" ] || die "$YARDD: no yardd there (build it, or set YARDD)"
[ -x "$YARDCTL" ] || die "$YARDCTL: no yardctl there (build it, or set YARDCTL)"
YARDD=$(realpath "$YARDD")
YARDCTL=$(realpath "$YARDCTL")
BUILD_GUEST=$ROOT/hv-integration/guest/build-guest
GUEST=$BUILD_DIR/guest
[ "$(id -u)" -eq 0 ] || die "run me as root: yard-dp and QEMU share the VMs' memory"
for tool in qemu-system-x86_64 python3; do
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

# ---- Names unique to this run: PREFIX, TMP, SOCK, LOG ----
yard_run_init yard-demo yard-demo
YD_PID=
YD_VMS=$TMP/vms		# yardd_start sets it too: the VM dir
OK=1

# vms_kill: stop this run's QEMUs. They outlive yardd by design (a new yardd
# adopts them), so yardd's exit leaves them running: each one's pid file is
# in its VM dir. SIGTERM, up to 5 s, then SIGKILL. Prints how many.
# shellcheck disable=SC2317  # called by cleanup
vms_kill() {
	local f pid pids=() t alive
	for f in "$YD_VMS"/*/qemu.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		# A QEMU of this run: its command line names this VM dir.
		{ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null |
			grep -F "$YD_VMS/" >/dev/null || continue
		kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
	done
	for ((t = 0; t < 50; t++)); do
		alive=0
		for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
		[ "$alive" -eq 0 ] && break
		sleep 0.1
	done
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null; done
	echo "${#pids[@]}"
}

# shellcheck disable=SC2317  # called through the EXIT trap
# report_stop NAME HOW STATUS LOG: say how a daemon stopped (HOW and STATUS
# from yard_dp_stop or yardd_stop); returns 1 if it needed SIGKILL or
# exited non-zero, with the end of LOG.
report_stop() {
	local failed=0
	if [ "$2" = killed ]; then
		bad "$1 did not stop within 10 s of SIGTERM; killed it"
		failed=1
	fi
	if [ "$3" -eq 0 ]; then
		say "$1 stopped (exit 0)."
	else
		bad "$1 exited with status $3"
		[ -s "$4" ] && tail -n 20 "$4" | sed 's/^/    /'
		failed=1
	fi
	return $failed
}

cleanup() {
	local rc=$? n f
	yard_traps_clear	# and set +e
	printf '\n%s== Cleaning up ==%s\n' "$B" "$N"
	# yardd first, so that it starts no VM again, then the QEMUs: killing
	# them also ends a VM start that yardd may be waiting on. Once more
	# after yardd is gone, for one it started meanwhile.
	n=0
	if [ -n "$YD_PID" ]; then
		kill -TERM "$YD_PID" 2>/dev/null
		n=$(vms_kill)
		yardd_stop
		report_stop yardd "$YD_STOP" "$YD_STATUS" "$YD_LOG" ||
			{ [ "$rc" -ne 0 ] || rc=1; }
	fi
	n=$((n + $(vms_kill)))
	[ "$n" -eq 0 ] || say "$n QEMU processes stopped (VMs outlive yardd by design;" \
		"their pids are in $YD_VMS/*/qemu.pid)."
	if [ -n "$DP_PID" ]; then
		yard_dp_stop
		report_stop yard-dp "$DP_STOP" "$DP_STATUS" "$LOG" ||
			{ [ "$rc" -ne 0 ] || rc=1; }
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 130 ] && [ -d "$YD_VMS" ]; then
		for f in "$YD_VMS"/*/console.log; do
			printf '  last lines of %s:\n' "$f"
			tr -d '\r' <"$f" | tail -n 8 | awk '{ print "    " $0 }'
		done
	fi
	yard_run_cleanup
	say "The store, the VM dir and the temp dir $TMP removed."
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

# ctl and py come from tests/lib/netns.sh.
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
# shellcheck disable=SC2317  # the functions below run through until_ok
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
# shellcheck disable=SC2317
vms_running() {
	ctl --json vm list |
		py 'sys.exit(0 if len(d) == 3 and all(o["status"] == "running" for o in d) else 1)'
}
# log VM: its serial console so far, as `yardctl vm log` prints it, minus
# the carriage returns and the terminal escapes of the firmware and shell.
log() {
	ctl vm log "$1" | tr -d '\r' |
		sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1bc//g; s/^Booting from ROM\.\.//'
}
# log_has VM TEXT: TEXT is in VM's console. (No grep -q: with pipefail, an
# early exit of grep could fail the pipeline.)
# shellcheck disable=SC2317
log_has() { log "$1" | grep -F -- "$2" >/dev/null; }
# last_ping VM: the lines of the last ping VM started (after its "PING").
last_ping() { log "$1" | awk '/^PING / { n = 0; next } { line[n++] = $0 }
	END { for (i = 0; i < n; i++) print line[i] }'; }
# replies VM: "SEQ RTT_MS" of each reply to that ping.
replies() { last_ping "$1" | sed -n 's/.* seq=\([0-9]*\) ttl=[0-9]* time=\([0-9.]*\) ms.*/\1 \2/p'; }
now() { date +%s.%N; }
ms_since() { python3 -c "import time; print(round((time.time() - $1) * 1000))"; }
# dp_failed WHAT CODE: yard-dp did not come up; show its log and stop.
dp_failed() {
	tail -n 20 "$LOG" >&2
	case $2 in
	1) die "yard-dp exited $1" ;;
	*) die "yard-dp: $1: not ready after 20 s" ;;
	esac
}

printf '%sSwitchyard demo%s\n' "$B" "$N"
say "Switchyard is a software switch built on DPDK for the VMs of one host." \
    "Its dataplane, yard-dp, moves Ethernet frames between ports (VM" \
    "sockets, NICs, taps) and keeps every 'network' (a virtual LAN)" \
    "isolated from the others. Its control daemon, yardd, remembers what the" \
    "switch should look like, programs yard-dp to match and runs the VMs" \
    "with QEMU; yardctl is the command line for yardd. Here three small VMs" \
    "get a port each."

# ---- 1. Guest image ----
step "A guest image for the VMs"
cmd "hv-integration/guest/build-guest $GUEST"
out=$("$BUILD_GUEST" "$GUEST" 2>&1) || { indent <<<"$out"; die "build-guest failed"; }
indent <<<"$out"
say "A tiny Linux: this machine's Debian kernel (vmlinux) and an initramfs" \
    "with busybox and the virtio-net driver. Its /init reads the VM's" \
    "address from the kernel command line (yard.ip=) and runs a command" \
    "once the network is up (yard.run=). Built once, then reused."

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
# yardd's policy (README, "Security"): vhost sockets and VM images only
# from these directories; QEMU runs as an unprivileged user.
YD_CONF=$TMP/yardd.conf
printf 'vhost_dir = %s\nimage_dir = %s\nqemu_user = nobody\n' "$TMP" "$GUEST" >"$YD_CONF"
cmd "yardd --socket $TMP/yardd.sock --db $TMP/yardd.db --dataplane $SOCK --vm-dir $YD_VMS --config $YD_CONF"
yardd_start "$YARDD" || case $? in
	1) tail -n 20 "$YD_LOG" >&2; die "yardd exited during start-up" ;;
	*) tail -n 20 "$YD_LOG" >&2; die "yardd: no socket after 10 s" ;;
esac
until_ok 100 dp_connected || die "yardd did not connect to yard-dp within 10 s"
say "yardd keeps the desired state in an SQLite database (--db), connects" \
    "to yard-dp (--dataplane) by itself, and keeps each VM's pid file, QMP" \
    "socket and console log in --vm-dir. We talk to yardd with yardctl," \
    "through yardd's own socket (--socket):"
cmd "yardctl --socket $YD_SOCK status"
ctl status | indent
say "The store is empty (generation 0); the dataplane is connected. From" \
    "here on we leave out --socket."

# ---- 4. Topology ----
step "The topology"
vm() {	# vm NAME ADDRESS RUN...: one VM in the topology
	printf '  - name: %s\n    nics: [%s-eth0]\n' "$1" "$1"
	printf '    kernel: %s\n    initrd: %s\n' "$GUEST/vmlinux" "$GUEST/initramfs.cpio.gz"
	printf '    cmdline: >-   # folded: the lines below are joined with spaces\n'
	printf '      %s\n' "quiet yard.ip=$2/24" "${@:3}"
}
{
	cat <<EOF
networks:
  - name: blue
  - name: red
ports:
  - {name: vm1-eth0, kind: vhost, network: blue, socket: $TMP/vm1.sock,
     mac: "52:54:00:77:00:01", ips: [10.77.0.1]}
  - {name: vm2-eth0, kind: vhost, network: blue, socket: $TMP/vm2.sock,
     mac: "52:54:00:77:00:02", ips: [10.77.0.2]}
  - {name: vm3-eth0, kind: vhost, network: red, socket: $TMP/vm3.sock,
     mac: "52:54:00:77:00:03", ips: [10.78.0.3]}
vms:
EOF
	vm vm1 10.77.0.1 yard.gw=10.77.0.254
	vm vm2 10.77.0.2 'yard.run="until ping -c 1 -W 1 10.77.0.1 >/dev/null; do :; done;' \
		'ping -c 10 -i 0.2 10.77.0.1; ping -i 0.5 10.77.0.1"'
	vm vm3 10.78.0.3 yard.gw=10.78.0.254 'yard.run="ping -c 5 -W 1 10.77.0.1;' \
		'until ping -c 1 -W 1 10.77.0.1 >/dev/null; do :; done; ping -c 5 10.77.0.1"'
} >"$TMP/topology.yaml"
say "The desired state is one YAML file: two networks, blue and red; three" \
    "ports of kind vhost, a vhost-user socket each, that QEMU creates and" \
    "yard-dp connects to; three VMs with one NIC each: vm1 and vm2 in blue," \
    "vm3 in red. A vhost port has port security on: only frames from its" \
    "mac and ips get in, and QEMU gives the VM's NIC that mac. vm1 and vm2" \
    "are in 10.77.0.0/24, vm3 in 10.78.0.0/24; their gateways (.254) do" \
    "not exist yet: there is no router."
say "The kernel command lines: vm1 only takes its address. vm2 waits until" \
    "vm1 answers, pings it 10 times (the result we show), then keeps" \
    "pinging it (for later). vm3 pings vm1 5 times, then tries again until" \
    "vm1 answers and pings it 5 more times."
echo
cmd "cat $TMP/topology.yaml"
indent <"$TMP/topology.yaml"

# ---- 5. Apply ----
step "Apply the topology: yardd programs yard-dp and boots the VMs"
cmd "yardctl apply -f $TMP/topology.yaml"
T0=$(now)
out=$(ctl apply -f "$TMP/topology.yaml" 2>&1) || { indent <<<"$out"; die "yardctl apply failed"; }
indent <<<"$out"
until_ok 100 all_programmed || { bad "not every network and port is programmed after 10 s"; OK=0; }
until_ok 300 vms_running || { bad "the VMs are not all running after 30 s"; OK=0; }
say "yardd checked the whole file, stored it in one transaction, sent" \
    "yard-dp the networks and ports, then started one QEMU per VM. QEMU" \
    "boots a guest only once yard-dp is connected to its vhost-user socket."
show list ports
show vm list
ACCEL=$(sed -n 's/.*: started (pid [0-9]*, \([a-z]*\)).*/\1/p' "$YD_LOG" | sort -u | xargs)
cmd "grep -E 'accel probe: [a-z]+:|started' $YD_LOG"
grep -E 'accel probe: [a-z]+:|started' "$YD_LOG" | indent
say "Which accelerator? The VMs say accel 'auto' (the default): yardd" \
    "boots a probe guest under KVM once, caches the verdict (accel.verdict" \
    "in the VM dir) and uses KVM only if the probe booted, else TCG, QEMU's" \
    "CPU emulator."
if [ "$ACCEL" = tcg ]; then
	say "Here /dev/kvm cannot run a guest, so the VMs run under TCG: slower" \
	    "to boot (seconds), but the network path is the same."
else
	say "Here the VMs run under ${ACCEL:-?}."
fi

# ---- 6. Ping in blue ----
step "vm2 pings vm1, inside blue"
say "Each VM's serial console goes to a log file; 'yardctl vm log' prints" \
    "it ('yardctl vm console' follows it). We wait for vm2's 10 pings."
FIRST=
for ((t = 0; t < 900; t++)); do
	if [ -z "$FIRST" ] && log_has vm2 'bytes from'; then
		FIRST=$(ms_since "$T0")
	fi
	log_has vm2 'round-trip' && break
	sleep 0.1
done
cmd "yardctl vm log vm2   (the lines up to the 10 pings' summary)"
log vm2 | sed -n '/^yard-guest: init/,/round-trip/p' | indent
LOSS2=$(log vm2 | sed -n 's/.*packets transmitted, //p' | awk 'NR == 1')
if [ "$LOSS2" = "10 packets received, 0% packet loss" ]; then
	good "0% packet loss: vm1 and vm2 are on the same virtual LAN."
	say "vm2's first reply came $((FIRST / 1000)).$((FIRST % 1000 / 100)) s after the apply: the three VMs" \
	    "booted at once, under ${ACCEL:-?}, on $(nproc) CPUs."
else
	bad "vm2 did not get its 10 replies within 90 s: that is a bug."
	OK=0
fi
say "vm2 first broadcast an ARP request ('who has 10.77.0.1?'). The switch" \
    "flooded it to the other ports of blue only, learnt where vm2 is, and" \
    "from then on forwarded the replies and pings port to port."

# ---- 7. Ping from red ----
step "vm3 pings vm1, from red to blue"
say "vm3 is in red. It asks (ARP) for its gateway 10.78.0.254, which" \
    "nobody has yet; the broadcast is flooded to the other ports of red" \
    "(there are none), never to blue, so vm3 cannot reach vm1."
until_ok 300 log_has vm3 'packet loss' || true
cmd "yardctl vm log vm3   (from its ping on)"
log vm3 | sed -n '/^yard-guest: run:/,/packet loss/p' | indent
LOSS3=$(log vm3 | sed -n 's/.*packets transmitted, //p' | awk 'NR == 1')
if [ "$LOSS3" = "0 packets received, 100% packet loss" ]; then
	good "100% packet loss, as intended: red and blue are isolated."
else
	bad "vm3's ping: ${LOSS3:-no result within 30 s}: that is a bug."
	OK=0
fi

# ---- 7b. A router ----
step "A router joins blue and red"
cat >"$TMP/router.yaml" <<EOF
name: r1
interfaces:
  - {network: blue, address: 10.77.0.254/24}
  - {network: red, address: 10.78.0.254/24}
EOF
say "A router is one more object: an interface (address and subnet) in" \
    "each network it joins; its MACs are derived from its name, so they" \
    "stay the same when yard-dp restarts. It answers ARP for its addresses" \
    "and forwards between its subnets in yard-dp's graph."
cmd "cat $TMP/router.yaml"
indent <"$TMP/router.yaml"
show create router -f "$TMP/router.yaml"
ROUTED=
for ((t = 0; t < 600; t++)); do
	ROUTED=$(log vm3 | sed -n 's/.*packets transmitted, //p' | awk 'NR == 2')
	[ -n "$ROUTED" ] && break
	sleep 0.1
done
cmd "yardctl vm log vm3   (its second ping)"
last_ping vm3 | sed "/round-trip/q" | indent
if [ "$ROUTED" = "5 packets received, 0% packet loss" ]; then
	good "vm3 reaches vm1 through r1 (TTL 63: one hop on the way)."
else
	bad "vm3's ping through r1: ${ROUTED:-no result within 60 s}: that is a bug."
	OK=0
fi
show neigh list
say "r1 learnt vm1 and vm3 from their ARP packets; the two networks are" \
    "still separate LANs: only what is addressed to the router crosses."

# ---- 8. FDB ----
step "What the switch learnt: the forwarding database (FDB)"
say "Every frame teaches the switch which port its source MAC address sits" \
    "behind. Frames to a known MAC then go to that one port only;" \
    "unknown ones and broadcasts are flooded within the network."
show fdb show
say "One entry per VM, learnt from the frames each one sent: blue's two" \
    "and red's one live in separate tables, so the same MAC could even" \
    "appear in both without confusion. AGE: seconds since last seen."

# ---- 9. Counters ----
step "Per-port counters"
say "RX = frames the switch received from that port, TX = frames it sent" \
    "out of it. All vm3 received came from r1 (ARP and the routed" \
    "replies): nothing of blue's own traffic reached red. LINK up: the VM's virtio-net" \
    "device is connected and running."
show stats ports
echo
show stats drops
say "Every frame the switch discards is counted under a named reason." \
    "flood-empty: a broadcast with no other port to go to (vm3 alone in" \
    "red). tx-refused, if any: frames sent to a VM before its guest had" \
    "set up its virtio-net queues (QEMU just started, or the guest still" \
    "booting): a vhost-user port takes nothing until then."

# ---- 10. Nodes ----
step "Where the CPU time goes: cycles per packet in each graph node"
say "Inside a worker, each frame walks a graph of small processing steps" \
    "(DPDK rte_graph): receive, parse, look up the FDB, transmit. Here is" \
    "the average CPU cycles each step spent per frame so far. Only a few" \
    "dozen frames went through, so caches were cold; port-rx also counts" \
    "the hundreds of thousands of polls that found nothing, and port-tx" \
    "copies each frame into the guest's memory and, unless the guest is" \
    "polling already, wakes it up with a system call. The switching itself" \
    "is eth-input and l2-input (l2-flood and l2-output for broadcasts and trunks). bench/ measures all" \
    "of them under load."
show stats nodes

# ---- 11. Crash and resync ----
step "yard-dp crashes; the VMs run on; yardd programs the new one by itself"
pids() { cat "$YD_VMS"/vm[123]/qemu.pid | xargs; }
PIDS=$(pids)
BEFORE=$(replies vm2 | tail -n 1 | cut -d' ' -f1)
say "vm2 is still pinging vm1, twice a second. The QEMU processes of vm1," \
    "vm2 and vm3 have pids $PIDS (pid files in the VM dir)." \
    "We kill yard-dp (kill -9, no goodbye) and start it again, empty, as" \
    "systemd would. yardd notices and marks every port 'unprogrammed'."
cmd "kill -9 $DP_PID"
kill -KILL "$DP_PID"
wait "$DP_PID" 2>/dev/null || true
DP_PID=
until_ok 100 dp_away || { bad "yardd still believes yard-dp is connected"; OK=0; }
show list ports
show vm list
say "The VMs keep running: a vhost-user NIC whose switch went away just" \
    "loses its carrier. QEMU is the vhost-user server, so the socket stays."
echo
cmd "yard-dp --socket $SOCK --workers 1 --file-prefix $PREFIX -- --no-pci"
yard_dp_start_bare "$YARD_DP" || dp_failed "during its restart" $?
until_ok 100 all_programmed || { bad "not every port is programmed again after 10 s"; OK=0; }
say "Nobody ran yardctl: yardd reconnected, compared yard-dp's (empty)" \
    "state with the stored one and sent the difference; yard-dp connected" \
    "to the VMs' sockets again. 'resyncs' counts those connections."
show list ports
show status
RESUMED=
for ((t = 0; t < 300; t++)); do
	last=$(replies vm2 | tail -n 1 | cut -d' ' -f1)
	if [ "${last:-0}" -gt "$((BEFORE + 4))" ]; then RESUMED=1; break; fi
	sleep 0.1
done
AFTER=$(pids)
cmd "yardctl vm log vm2   (the pings around the restart)"
last_ping vm2 | awk -v b="$BEFORE" 'match($0, /seq=[0-9]+/) {
	s = substr($0, RSTART + 4, RLENGTH - 4) + 0
	if (s >= b - 1 && s <= b + 12) print }' | indent
# The stall: the longest round trip after the kill (pings sent meanwhile
# wait in vm2's virtio queue); lost: sequence numbers never answered.
read -r GAP LOST < <(replies vm2 | awk -v b="$BEFORE" '$1 > b {
	if ($2 > max) max = $2; got[$1] = 1; if ($1 > last) last = $1 }
	END { lost = 0; for (s = b + 1; s <= last; s++) if (!(s in got)) lost++
	      printf "%d %d\n", max, lost }')
BOOTS=$(log vm2 | grep -c '^yard-guest: init started' || true)
if [ -n "$RESUMED" ]; then
	good "vm2's ping resumed: it stalled ${GAP} ms at most, $LOST lost."
else
	bad "vm2's ping did not resume within 30 s of the restart: that is a bug."
	OK=0
fi
if [ "$AFTER" = "$PIDS" ] && [ "$BOOTS" -eq 1 ]; then
	good "Same QEMU pids ($AFTER), and vm2 booted only once: no reboot."
else
	bad "QEMU pids $PIDS -> $AFTER, vm2 booted $BOOTS times: a guest was restarted."
	OK=0
fi

# ---- 12. Export ----
step "The desired state, as yardd keeps it"
say "yardd stores every object in SQLite, so it survives restarts of" \
    "yardd as well; while yardd is down, yard-dp keeps forwarding and the" \
    "VMs keep running (a new yardd adopts them through their pid files and" \
    "QMP sockets). export prints the store as a topology file, ready for" \
    "'yardctl apply -f'."
show export

printf '\n%s== What we saw ==%s\n' "$B" "$N"
printf '    %-44s %s\n' \
	"vm2 -> vm1 (blue)" "${LOSS2##*, }" \
	"vm3 -> vm1 (red -> blue, no router)" "${LOSS3##*, }" \
	"vm3 -> vm1 through router r1" "${ROUTED##*, }" \
	"apply -> vm2's first reply (3 VMs, ${ACCEL:-?})" "${FIRST:-?} ms" \
	"yard-dp kill -9 + restart" "ping stalled ${GAP:-?} ms, ${LOST:-?} lost, same QEMU pids"

[ "$OK" -eq 1 ] || exit 1
exit 0
