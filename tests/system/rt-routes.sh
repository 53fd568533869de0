#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: routes are data. yardd and yard-dp carry a router's routes
# one by one, never the router whole.
#
#   rt-routes.sh YARD_DP YARDD YARDCTL [N_ROUTES]
#
# yard-dp (no ports) and yardd; router r1 on two networks. It proves that
#   - export | apply round-trips a router with its routes;
#   - N_ROUTES (default 100,000) routes load with 'yardctl route add -f'
#     (the time is printed), and yard-dp holds exactly them (count and
#     digest in router show);
#   - 'yardctl route get' finds a sample of them (prefix and next hop), and
#     names the ECMP member of a flow;
#   - one route added, then deleted, reaches yard-dp as route.add and
#     route.del of that route only: yardd sends no object operation (its
#     log's "pushing" lines), pushes exactly one route and repairs nothing;
#     the deleted prefix is gone from yard-dp's FIB (route get fails);
#   - after kill -9 of yard-dp, yardd sends the routes to the new one.
# Needs root (hugepages for yard-dp); otherwise exits 77 (skipped).
set -euo pipefail

[ $# -ge 3 ] || { echo "usage: $0 YARD_DP YARDD YARDCTL [N_ROUTES]" >&2; exit 2; }
YARD_DP=$(realpath "$1")
YARDD=$(realpath "$2")
YARDCTL=$(realpath "$3")
N=${4:-100000}

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (hugepages for yard-dp)"
command -v python3 >/dev/null 2>&1 || skip "'python3' is missing"

ID=$$
PREFIX="yard-routes-$ID"
TMP=$(mktemp -d /tmp/yard-routes.XXXXXX)
DP_SOCK=$TMP/dp.sock
YD_SOCK=$TMP/yardd.sock
DP_PID=
YD_PID=

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	for pid in $YD_PID $DP_PID; do
		kill -TERM "$pid" 2>/dev/null
	done
	for pid in $YD_PID $DP_PID; do
		timeout 10 tail --pid="$pid" -f /dev/null 2>/dev/null || kill -KILL "$pid" 2>/dev/null
	done
	rm -rf "/var/run/dpdk/$PREFIX" "$TMP"
	[ "$rc" -ne 0 ] && echo "rt-routes: FAILED (exit $rc)"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() { echo "FAIL: $*"; [ -f "$TMP/yardd.log" ] && tail -20 "$TMP/yardd.log"; exit 1; }
ctl() { "$YARDCTL" --socket "$YD_SOCK" "$@"; }
now() { date +%s.%N; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }

start_dp() {
	"$YARD_DP" --socket "$DP_SOCK" --file-prefix "$PREFIX" --log-level warning \
		-- --no-pci >>"$TMP/yard-dp.log" 2>&1 &
	DP_PID=$!
}
start_dp
"$YARDD" --socket "$YD_SOCK" --db "$TMP/yardd.db" --dataplane "$DP_SOCK" \
	--vm-dir "$TMP/vms" >>"$TMP/yardd.log" 2>&1 &
YD_PID=$!
for _ in $(seq 100); do [ -S "$YD_SOCK" ] && break; sleep 0.05; done
# Both up and talking.
connected() {
	for _ in $(seq 200); do
		kill -0 "$DP_PID" 2>/dev/null || fail "yard-dp exited: $(tail -3 "$TMP/yard-dp.log")"
		[ "$(ctl --json status | field "['dataplane']['connected']")" = True ] && return
		sleep 0.1
	done
	fail "yardd does not reach yard-dp"
}
connected

cat >"$TMP/topo.yaml" <<EOF
networks:
  - name: n1
  - name: n2
routers:
  - name: r1
    interfaces:
      - {network: n1, address: 10.1.0.1/16}
      - {network: n2, address: 10.2.0.1/16}
    routes:
      - {prefix: 10.50.0.0/16, via: [10.1.0.2]}
      - {prefix: 0.0.0.0/0, via: [10.1.0.3, 10.2.0.3]}
EOF
ctl apply -f "$TMP/topo.yaml" >/dev/null

# ---- export | apply round-trips, routes included ----
ctl export >"$TMP/export1.yaml"
grep -q "10.50.0.0/16" "$TMP/export1.yaml" || fail "export lacks r1's routes"
ctl apply -f "$TMP/export1.yaml" >"$TMP/apply.out"
grep -q "created 0, updated 0, deleted 0" "$TMP/apply.out" ||
	fail "applying the export changed something: $(cat "$TMP/apply.out")"
ctl export >"$TMP/export2.yaml"
cmp -s "$TMP/export1.yaml" "$TMP/export2.yaml" || fail "export | apply does not round-trip"
echo "ok: export | apply round-trips r1 with its routes"

# ---- Bulk load ----
python3 - "$N" >"$TMP/routes.txt" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    a = 0x20000000 + (i << 8)
    via = "10.1.0.2" if i % 2 == 0 else "10.2.0.2"
    if i % 1000 == 999:
        via = "10.1.0.4,10.2.0.4"
    print(f"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.0/24 via {via}")
PY
T0=$(now)
ctl route add r1 -f "$TMP/routes.txt" >"$TMP/add.out" || fail "route add -f failed: $(cat "$TMP/add.out")"
T1=$(now)
cat "$TMP/add.out"
WANT=$((N + 2))
grep -q "$N added, 0 changed, 0 unchanged; $WANT routes; programmed" "$TMP/add.out" ||
	fail "route add -f says '$(cat "$TMP/add.out")'"
SHOW=$(ctl --json router show r1)
DPN=$(echo "$SHOW" | field "['fib']['route_count']")
[ "$DPN" -eq "$WANT" ] || fail "yard-dp holds $DPN routes, want $WANT"
ctl router show r1 | tee "$TMP/show.txt" | grep -q "in the dataplane (the same)" ||
	fail "router show: $(cat "$TMP/show.txt")"
MEM=$(echo "$SHOW" | field "['fib']['memory']")
echo "ok: $N routes loaded through yardctl in $(python3 -c "print(f'{$T1 - $T0:.1f}')") s; yard-dp holds $DPN, FIB memory $((MEM >> 20)) MiB"

# ---- A sample, looked up in yard-dp's FIB ----
python3 - "$TMP/routes.txt" >"$TMP/sample.txt" <<'PY'
import random, sys
lines = open(sys.argv[1]).read().split("\n")[:-1]
random.seed(7)
for l in random.sample(lines, 20) + [lines[999]]:
    p, _, via = l.split()
    print(p, p.split("/")[0][:-1] + str(random.randrange(1, 255)), via)
PY
while read -r P IP VIA; do
	GOT=$(ctl --json route get r1 "$IP" | python3 -c "import json,sys; d=json.load(sys.stdin); print(d['prefix'], ','.join(v['ip'] for v in d['via']))")
	[ "$GOT" = "$P $VIA" ] || fail "route get r1 $IP: '$GOT', want '$P $VIA'"
done <"$TMP/sample.txt"
# The ECMP route: a flow's member is named, and stays the same.
M1=$(ctl --json route get r1 32.3.231.7 from 10.9.9.9 proto tcp sport 4000 dport 80 | field "['member']")
M2=$(ctl --json route get r1 32.3.231.7 from 10.9.9.9 proto tcp sport 4000 dport 80 | field "['member']")
[ "$M1" = "$M2" ] && [ "$M1" -ge 0 ] && [ "$M1" -le 1 ] || fail "ECMP member '$M1' then '$M2'"
echo "ok: route get finds 21 sampled routes; the ECMP flow takes member $M1"

# ---- One route added and deleted: no router resent ----
status_routes() { ctl --json status | field "['routes']['$1']"; }
PUSHES=$(grep -c "pushing" "$TMP/yardd.log" || true)
PUSHED=$(status_routes pushed)
REPAIRS=$(status_routes repairs)
T0=$(now)
ctl route add r1 198.51.100.0/24 via 10.2.0.9 >/dev/null
T1=$(now)
ctl --json route get r1 198.51.100.1 | field "['prefix']" | grep -qx 198.51.100.0/24 ||
	fail "the added route is not in yard-dp's FIB"
T2=$(now)
ctl route del r1 198.51.100.0/24 >/dev/null
T3=$(now)
GONE=$(ctl --json route get r1 198.51.100.1 | field "['prefix']")
[ "$GONE" = 0.0.0.0/0 ] || fail "after route del, 198.51.100.1 takes '$GONE', want the default route"
[ "$(grep -c "pushing" "$TMP/yardd.log" || true)" -eq "$PUSHES" ] ||
	fail "yardd sent object operations for a route change: $(grep pushing "$TMP/yardd.log" | tail -1)"
[ "$(status_routes pushed)" -eq $((PUSHED + 1)) ] ||
	fail "yardd pushed $(( $(status_routes pushed) - PUSHED )) routes for one route add"
[ "$(status_routes repairs)" -eq "$REPAIRS" ] || fail "a one-route change made yardd repair r1"
echo "ok: one route on $WANT: add $(python3 -c "print(f'{($T1 - $T0) * 1000:.0f}')") ms, del $(python3 -c "print(f'{($T3 - $T2) * 1000:.0f}')") ms end to end (yardctl -> yardd -> yard-dp); only that route was sent"

# ---- yard-dp restarted: yardd sends the routes again ----
kill -KILL "$DP_PID"
wait "$DP_PID" 2>/dev/null || true
start_dp
T0=$(now)
for _ in $(seq 600); do
	DPN=$(ctl --json router show r1 | field "['fib']['route_count']" 2>/dev/null || echo 0)
	[ "$DPN" -eq "$WANT" ] && break
	sleep 0.1
done
T1=$(now)
[ "$DPN" -eq "$WANT" ] || fail "after a yard-dp restart it holds $DPN routes, want $WANT"
ctl router show r1 | grep -q "(the same)" || fail "after a restart, yard-dp's routes differ"
echo "ok: a restarted yard-dp got its $WANT routes back in $(python3 -c "print(f'{$T1 - $T0:.1f}')") s"
