# shellcheck shell=bash
# SPDX-License-Identifier: BSD-3-Clause
#
# What demo/demo.sh and tests/system/l2-netns.sh share.
#
# l2-netns.sh: yard-dp with three tap ports, each moved into a network
# namespace of its own (a "host"): h1 and h2 in network "blue", h3 in
# network "red", all in 10.77.0.0/24. The demo (VMs on vhost ports) uses
# only the process helpers: yard-dp and yardd started, stopped, asked.
#
# Source it from bash; it sets YARD_RPC and defines functions. Every name
# it creates carries the caller's pid, so runs never collide. The caller
# keeps its own messages: these functions print nothing unless a command
# they run fails.
#
#   yard_run_init DPDK_NAME TMP_NAME        temp dir, DPDK prefix (first)
#   yard_ns_init TAG DPDK_NAME TMP_NAME     the same, and the host names
#   yard_traps_set FUNC / yard_traps_clear  the cleanup trap
#   yard_topology_write FILE                topology.yaml for the 3 ports
#   yard_dp_start YARD_DP TOPOLOGY          start yard-dp, wait for its taps
#   yard_ns_setup                           taps into namespaces, addresses
#   yard_dp_stop                            SIGTERM, then report how it went
#   yard_ns_cleanup                         remove namespaces, taps, files
#   yard_run_cleanup                        remove DPDK's files and TMP
#   proc_stop PID                           SIGTERM, up to 10 s, SIGKILL
#   yard_ns_require                         skip (77) unless root and tools
#   yard_ns_test_end NAME RC                a namespace test's EXIT trap
#   rpc, py, nsx, loss                      small helpers (see below)
#
# With yardd programming yard-dp (the demo):
#   yard_dp_start_bare YARD_DP              start yard-dp with no topology
#   yardd_start YARDD                       start yardd on TMP, wait for it
#   yardd_stop                              SIGTERM, then report how it went
#   ctl ARGS...                             yardctl on yardd's socket
#
# Globals. Sourcing sets YARD_RPC (tools/yard-rpc). yard_run_init sets
# PREFIX (DPDK --file-prefix), TMP (temp dir), SOCK (API socket), LOG
# (yard-dp's output) and DP_PID (empty until yard-dp is started);
# yard_ns_init also NS, TAP, ADDR (arrays, index 0..2 = h1..h3).
# yard_dp_stop sets DP_STOP and DP_STATUS. yardd_start sets YD_SOCK, YD_DB,
# YD_LOG, YD_VMS and YD_PID; yardd_stop sets YD_STOP and YD_STATUS; ctl
# needs YARDCTL (set by the caller).
#
# Cleanup pattern (the EXIT trap; keep `local rc=$?` first):
#   cleanup() {
#       local rc=$? ...
#       yard_traps_clear            # also: set +e for the rest
#       if [ -n "$DP_PID" ]; then yard_dp_stop; ...report...; fi
#       yard_ns_cleanup             # or yard_run_cleanup without namespaces
#       exit "$rc"
#   }
#   yard_traps_set cleanup

# The JSON-RPC client, found from where this file sits in the tree.
YARD_RPC=$(realpath "$(dirname "${BASH_SOURCE[0]}")/../../tools/yard-rpc")

# yard_run_init DPDK_NAME TMP_NAME
#   Needs: nothing yet (no root). DPDK_NAME gives the DPDK file prefix
#   DPDK_NAME-PID; TMP_NAME the temp dir /tmp/TMP_NAME.XXXXXX.
#   Does: sets PREFIX, TMP, SOCK, LOG, DP_PID; makes TMP.
yard_run_init() {
	PREFIX="$1-$$"
	TMP=$(mktemp -d "/tmp/$2.XXXXXX")
	SOCK=$TMP/dp.sock
	LOG=$TMP/yard-dp.log
	DP_PID=
}

# yard_ns_init TAG DPDK_NAME TMP_NAME
#   Needs: nothing yet (no root). TAG is two letters ("yd", "ys"):
#   namespaces are TAG-PID-h1..3, taps TAG1-PID..TAG3-PID (kernel interface
#   names have at most 15 characters). DPDK_NAME and TMP_NAME: as for
#   yard_run_init.
#   Does: yard_run_init, and sets NS, TAP, ADDR.
yard_ns_init() {
	local tag=$1 id=$$
	NS=("$tag-$id-h1" "$tag-$id-h2" "$tag-$id-h3")
	TAP=("${tag}1-$id" "${tag}2-$id" "${tag}3-$id")
	ADDR=(10.77.0.1 10.77.0.2 10.77.0.3)
	yard_run_init "$2" "$3"
}

# yard_traps_set FUNC
#   Does: runs FUNC on every exit; INT, TERM and PIPE exit 130, 143 and 141
#   (so FUNC runs then too; on PIPE with stdout thrown away).
yard_traps_set() {
	# shellcheck disable=SC2064  # expand FUNC now
	trap "$1" EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exec >/dev/null; exit 141' PIPE
}

# yard_traps_clear
#   Needs: to be the first thing the cleanup function calls (after it saved
#   $?). Does: set +e (cleanup goes on whatever fails), removes the traps so
#   cleanup runs once, and ignores SIGPIPE so it finishes even if whoever
#   reads our output has gone (e.g. "| head").
yard_traps_clear() {
	set +e
	trap - EXIT INT TERM PIPE
	trap '' PIPE
}

# yard_topology_write FILE
#   Needs: TAP. Does: writes the topology: networks blue and red; ports h1
#   and h2 in blue, h3 in red, tap ports named TAP[0..2].
yard_topology_write() {
	cat >"$1" <<EOF
networks:
  - name: blue
  - name: red
ports:
  - {name: h1, kind: tap, network: blue, devargs: "net_tap0,iface=${TAP[0]}"}
  - {name: h2, kind: tap, network: blue, devargs: "net_tap1,iface=${TAP[1]}"}
  - {name: h3, kind: tap, network: red,  devargs: "net_tap2,iface=${TAP[2]}"}
EOF
}

# yard_dp_start YARD_DP TOPOLOGY
#   Needs: root, yard_ns_init done. Does: starts the yard-dp binary YARD_DP
#   in the background (one worker, its output to LOG, --no-pci: the taps are
#   all it needs, EAL must never probe the host's NICs), sets DP_PID, and
#   waits up to ~20 s for its API socket and its three taps.
#   Returns 0 when ready, 1 if yard-dp exited during start-up, 2 if it is
#   still not ready after 20 s. Call it as `yard_dp_start ... || ...`.
yard_dp_start() {
	local t
	"$1" --socket "$SOCK" --workers 1 --topology "$2" \
		--file-prefix "$PREFIX" -- --no-pci >"$LOG" 2>&1 &
	DP_PID=$!
	for ((t = 0; t < 200; t++)); do
		kill -0 "$DP_PID" 2>/dev/null || return 1
		if [ -S "$SOCK" ] && rpc version >/dev/null 2>&1 &&
		   ip link show "${TAP[0]}" >/dev/null 2>&1 &&
		   ip link show "${TAP[1]}" >/dev/null 2>&1 &&
		   ip link show "${TAP[2]}" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 2
}

# yard_ns_setup
#   Needs: root, the taps up (yard_dp_start returned 0). Does: for each
#   host, creates namespace NS[i], moves TAP[i] into it, brings lo and the
#   tap up and gives the tap ADDR[i]/24. Under set -e a failure exits.
yard_ns_setup() {
	local i
	for i in 0 1 2; do
		ip netns add "${NS[$i]}"
		ip link set "${TAP[$i]}" netns "${NS[$i]}"
		nsx "$i" ip link set lo up
		nsx "$i" ip addr add "${ADDR[$i]}/24" dev "${TAP[$i]}"
		nsx "$i" ip link set "${TAP[$i]}" up
	done
}

# proc_stop PID
#   Needs: PID a child of this shell. Does: if it still runs, sends SIGTERM
#   and waits up to 10 s, then SIGKILL if it is still there; reaps it. Sets
#   STOP_HOW to "term" (stopped after SIGTERM), "killed" (needed SIGKILL)
#   or "gone" (had exited before), and STOP_STATUS to its exit status.
#   Prints nothing; always returns 0 (safe under set -e).
proc_stop() {
	local pid=$1 i
	STOP_STATUS=0
	if ! kill -0 "$pid" 2>/dev/null; then
		STOP_HOW=gone
		wait "$pid" 2>/dev/null || STOP_STATUS=$?
		return 0
	fi
	STOP_HOW=term
	kill -TERM "$pid" || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		STOP_HOW=killed
		kill -KILL "$pid" || true
	fi
	wait "$pid" 2>/dev/null || STOP_STATUS=$?
	return 0
}

# yard_dp_stop
#   Needs: DP_PID set (a child of this shell). Does: if yard-dp still runs,
#   stops it as proc_stop does. Sets DP_STOP (term, killed or gone) and
#   DP_STATUS to its exit status. Prints nothing; always returns 0.
# shellcheck disable=SC2034  # DP_STOP, DP_STATUS: read by the caller
yard_dp_stop() {
	proc_stop "$DP_PID"
	DP_STOP=$STOP_HOW
	DP_STATUS=$STOP_STATUS
	return 0
}

# yard_ns_cleanup
#   Needs: root; after yard_dp_stop if yard-dp was started. Does: kills what
#   still runs inside the namespaces (ping, iperf3), deletes the namespaces
#   and any tap still in the root namespace (early failure), then
#   yard_run_cleanup. Prints nothing; always returns 0 (safe under set -e).
yard_ns_cleanup() {
	local i p
	for i in 0 1 2; do
		for p in $(ip netns pids "${NS[$i]}" 2>/dev/null); do
			kill -KILL "$p" 2>/dev/null || true
		done
		ip netns del "${NS[$i]}" 2>/dev/null || true
		ip link del "${TAP[$i]}" 2>/dev/null || true
	done
	yard_run_cleanup
}

# yard_run_cleanup
#   Needs: after yard_dp_stop if yard-dp was started. Does: deletes DPDK's
#   runtime files (config, fbarrays: ~6 MB of tmpfs, left behind at exit;
#   the prefix is this run's own) unless yard-dp still runs, and TMP.
#   Prints nothing; always returns 0 (safe under set -e).
yard_run_cleanup() {
	if [ -z "$DP_PID" ] || ! kill -0 "$DP_PID" 2>/dev/null; then
		rm -rf "/var/run/dpdk/$PREFIX" || true
	fi
	if [ -n "$TMP" ]; then
		rm -rf "$TMP" || true
	fi
	return 0
}

# yard_ns_require
#   Does: exits 77 (a skip) unless this runs as root with what a namespace
#   test uses: ip (and `ip netns`), ping, iperf3, python3, ss, timeout and
#   /dev/net/tun.
yard_ns_require() {
	local tool
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (namespaces and taps)"; exit 77; }
	for tool in ip ping iperf3 python3 ss timeout; do
		command -v "$tool" >/dev/null 2>&1 ||
			{ echo "SKIP: '$tool' is missing"; exit 77; }
	done
	ip netns list >/dev/null 2>&1 ||
		{ echo "SKIP: 'ip netns' does not work here"; exit 77; }
	[ -e /dev/net/tun ] || { echo "SKIP: /dev/net/tun is missing"; exit 77; }
}

# yard_ns_test_end NAME RC
#   Needs: to be called from the EXIT trap after yard_traps_clear, with the
#   exit status RC it saved. Does: ends IPERF_PID if set, stops yard-dp (a
#   stop other than a clean SIGTERM exit 0 fails the test), shows the end
#   of its log when the test failed, removes everything
#   (yard_ns_cleanup), prints NAME's time and exits.
yard_ns_test_end() {
	local name=$1 rc=$2
	if [ -n "${IPERF_PID:-}" ]; then
		kill "$IPERF_PID" 2>/dev/null
		wait "$IPERF_PID" 2>/dev/null
	fi
	if [ -n "$DP_PID" ]; then
		yard_dp_stop
		if [ "$DP_STOP" != term ] || [ "$DP_STATUS" -ne 0 ]; then
			echo "FAIL: yard-dp stop: $DP_STOP, status $DP_STATUS"
			rc=1
		fi
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -s "$LOG" ]; then
			echo "---- yard-dp log (last 40 lines) ----"
			tail -n 40 "$LOG"
		fi
	fi
	yard_ns_cleanup
	echo "$name: $((SECONDS - START)) s, exit $rc"
	exit "$rc"
}

# rpc METHOD [PARAMS]: call yard-dp's JSON-RPC API on SOCK (compact JSON).
rpc() { "$YARD_RPC" --socket "$SOCK" --compact "$@"; }
# py EXPR: evaluate a Python statement with `d` = the JSON on stdin.
py() { python3 -c "import json, sys; d = json.load(sys.stdin); $1"; }
# nsx I CMD...: run CMD inside host I's namespace (0..2 = h1..h3).
nsx() { local i=$1; shift; ip netns exec "${NS[$i]}" "$@"; }
# loss OUTPUT: the packet loss percentage ping printed (integer part).
loss() { sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p' <<<"$1" | cut -d. -f1; }

# ---- yard-dp programmed by yardd ----

# yard_dp_start_bare YARD_DP
#   Needs: root, yard_run_init done. Does: like yard_dp_start, but with no
#   topology (yardd programs it) and its output appended to LOG (so a
#   restart keeps the first run's log), and the EAL options in array
#   DP_EAL_EXTRA when set (--no-huge ...); sets DP_PID and waits up to ~20 s
#   for its API socket to answer. Returns 0 when ready, 1 if yard-dp exited
#   during start-up, 2 if it still does not answer after 20 s.
yard_dp_start_bare() {
	local t
	rm -f "$SOCK"
	"$1" --socket "$SOCK" --workers 1 --file-prefix "$PREFIX" -- --no-pci \
		${DP_EAL_EXTRA[@]+"${DP_EAL_EXTRA[@]}"} >>"$LOG" 2>&1 &
	DP_PID=$!
	for ((t = 0; t < 200; t++)); do
		kill -0 "$DP_PID" 2>/dev/null || return 1
		if [ -S "$SOCK" ] && rpc version >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	return 2
}

# yardd_start YARDD
#   Needs: yard_run_init done. Does: starts the yardd binary YARDD in the
#   background with its API socket YD_SOCK=TMP/yardd.sock, its SQLite store
#   YD_DB=TMP/yardd.db, its VM directory YD_VMS=TMP/vms (each VM's pid
#   file, QMP socket, console log) and yard-dp's socket SOCK as its
#   dataplane (it connects by itself, also later), its output appended to
#   YD_LOG=TMP/yardd.log, and the options in array YD_EXTRA when set
#   (--metrics ...); sets YD_PID and waits up to ~10 s for YD_SOCK.
#   Returns 0 when ready, 1 if yardd exited, 2 after 10 s.
yardd_start() {
	local t
	YD_SOCK=$TMP/yardd.sock
	YD_DB=$TMP/yardd.db
	YD_LOG=$TMP/yardd.log
	YD_VMS=$TMP/vms
	"$1" --socket "$YD_SOCK" --db "$YD_DB" --dataplane "$SOCK" \
		--vm-dir "$YD_VMS" ${YD_CONF:+--config "$YD_CONF"} \
		${YD_EXTRA[@]+"${YD_EXTRA[@]}"} >>"$YD_LOG" 2>&1 &
	YD_PID=$!
	for ((t = 0; t < 100; t++)); do
		kill -0 "$YD_PID" 2>/dev/null || return 1
		[ -S "$YD_SOCK" ] && return 0
		sleep 0.1
	done
	return 2
}

# yardd_stop
#   Needs: YD_PID set (a child of this shell; empty or unset: nothing to
#   do, YD_STOP=none). Does: as yard_dp_stop, for yardd: SIGTERM, up to
#   10 s, then SIGKILL; reaps it. Sets YD_STOP (term, killed, gone or none)
#   and YD_STATUS. Prints nothing; always returns 0.
# shellcheck disable=SC2034  # YD_STOP, YD_STATUS: read by the caller
yardd_stop() {
	YD_STATUS=0
	if [ -z "${YD_PID:-}" ]; then
		YD_STOP=none
		return 0
	fi
	proc_stop "$YD_PID"
	YD_STOP=$STOP_HOW
	YD_STATUS=$STOP_STATUS
	return 0
}

# ctl ARGS...: run yardctl (YARDCTL) against yardd's socket YD_SOCK.
ctl() { "$YARDCTL" --socket "$YD_SOCK" "$@"; }
