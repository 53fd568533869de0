#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: Debian's dpdk-dumpcap attaches to a yard-dp running on
# hugepages and captures a ping on one of its ports.
#
#   dumpcap.sh YARD_DP
#
# It reserves a few 2 MiB hugepages of its own on top of what the machine
# has (given back at exit) and skips (77) when it cannot, or without root,
# dpdk-dumpcap or tshark. The port's DPDK device is read from port.list.

set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 YARD_DP" >&2; exit 2; }
YARD_DP=$(realpath "$1")

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../lib/netns.sh disable=SC1091  # -x follows
. "$HERE/../lib/netns.sh"

yard_ns_require
for tool in dpdk-dumpcap tshark; do
	command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool is missing"; exit 77; }
done

START=$SECONDS
yard_ns_init yp yard-test yard-dumpcap
NR=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
FREE=/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages
PAGES=192
OLD_NR=
HUGE_MNT=
CAP_PID=

cleanup() {
	local rc=$?
	yard_traps_clear
	[ -n "$CAP_PID" ] && { kill "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; }
	# yard-dp stops (and frees its pages) before the pages are given back.
	if [ -n "$DP_PID" ]; then
		yard_dp_stop
		[ "$DP_STOP" = term ] && [ "$DP_STATUS" -eq 0 ] ||
			{ echo "FAIL: yard-dp stop: $DP_STOP, status $DP_STATUS"; rc=1; }
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
			echo "---- yard-dp log (last 30 lines) ----"; tail -n 30 "$LOG"
		fi
		DP_PID=
	fi
	if [ -n "$HUGE_MNT" ]; then
		rm -f "$HUGE_MNT"/* 2>/dev/null
		umount "$HUGE_MNT" 2>/dev/null
		rmdir "$HUGE_MNT" 2>/dev/null
	fi
	# Give back what we added; pages others took since are theirs to free.
	if [ -n "$OLD_NR" ]; then
		echo $(( $(cat "$NR") - PAGES )) >"$NR" 2>/dev/null || true
	fi
	yard_ns_cleanup
	echo "dumpcap: $((SECONDS - START)) s, exit $rc"
	exit "$rc"
}
yard_traps_set cleanup

fail() { echo "FAIL: $*"; exit 1; }

# ---- Hugepages of our own, on a hugetlbfs of our own ----
[ -w "$NR" ] || { echo "SKIP: cannot reserve hugepages ($NR)"; exit 77; }
free0=$(cat "$FREE")
OLD_NR=$(cat "$NR")
echo $((OLD_NR + PAGES)) >"$NR" 2>/dev/null || true
if [ "$(cat "$FREE")" -lt $((free0 + PAGES)) ]; then
	echo "$OLD_NR" >"$NR"; OLD_NR=
	echo "SKIP: could not reserve $PAGES hugepages (free memory)"
	exit 77
fi
HUGE_MNT=$(mktemp -d /tmp/yard-dumpcap-huge.XXXXXX)
mount -t hugetlbfs -o pagesize=2M none "$HUGE_MNT" ||
	{ rmdir "$HUGE_MNT"; HUGE_MNT=; echo "SKIP: cannot mount hugetlbfs"; exit 77; }

# ---- yard-dp on those pages, three taps ----
yard_topology_write "$TMP/topology.yaml"
"$YARD_DP" --socket "$SOCK" --workers 1 --topology "$TMP/topology.yaml" \
	--file-prefix "$PREFIX" -- --no-pci --huge-dir "$HUGE_MNT" \
	-m 256 >"$LOG" 2>&1 &
DP_PID=$!
for ((t = 0; t < 200; t++)); do
	kill -0 "$DP_PID" 2>/dev/null || fail "yard-dp exited during start-up"
	[ -S "$SOCK" ] && rpc version >/dev/null 2>&1 &&
		ip link show "${TAP[2]}" >/dev/null 2>&1 && break
	sleep 0.1
done
grep -q "no hugepages" "$LOG" && fail "yard-dp runs without hugepages"
grep -q "dpdk-dumpcap can attach" "$LOG" ||
	fail "yard-dp's log does not say dpdk-dumpcap can attach"
yard_ns_setup
DEV=$(rpc port.list | py 'print([p["device"] for p in d if p["name"] == "h2"][0])')
echo "ok: yard-dp on hugepages; port h2 is DPDK device $DEV"

# ---- dpdk-dumpcap on h2 while h1 pings h2 ----
dpdk-dumpcap --file-prefix="$PREFIX" -i "$DEV" -f icmp -c 6 -q \
	-w "$TMP/h2.pcapng" >"$TMP/dumpcap.log" 2>&1 &
CAP_PID=$!
# Up when its capture has been enabled: give it a few seconds.
for ((t = 0; t < 50; t++)); do
	kill -0 "$CAP_PID" 2>/dev/null || break
	grep -q "Capturing on" "$TMP/dumpcap.log" 2>/dev/null && break
	sleep 0.1
done
sleep 0.5
nsx 0 ping -c 3 -i 0.2 -W 1 "${ADDR[1]}" >/dev/null 2>&1 || true
for ((t = 0; t < 50; t++)); do
	kill -0 "$CAP_PID" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$CAP_PID" 2>/dev/null; then
	kill -INT "$CAP_PID"
fi
wait "$CAP_PID" || true
CAP_PID=
sed 's/^/  dumpcap: /' "$TMP/dumpcap.log" | grep -v '^  dumpcap: EAL' | head -n 5
req=$(tshark -r "$TMP/h2.pcapng" -Y "icmp.type == 8" 2>/dev/null | wc -l)
rep=$(tshark -r "$TMP/h2.pcapng" -Y "icmp.type == 0" 2>/dev/null | wc -l)
echo "dpdk-dumpcap -i $DEV: $req echo requests, $rep echo replies"
[ "$req" -eq 3 ] && [ "$rep" -eq 3 ] ||
	fail "expected the 3 echo requests and 3 replies of the ping on h2"
out=$(nsx 0 ping -c 3 -i 0.2 -W 1 "${ADDR[1]}" 2>&1) || true
[ "$(loss "$out")" = 0 ] || fail "yard-dp stopped forwarding after dpdk-dumpcap left"
echo "RESULT: PASS"
exit 0
