#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# System test: only root, the daemon's own user and group 'yard' may talk
# to yardd. An unprivileged user outside group 'yard' is refused twice
# over: by the socket's mode (0660), and, with the mode opened up, by the
# SO_PEERCRED check of every connection.
#
#   control-perm.sh YARDD YARDCTL
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 YARDD YARDCTL" >&2; exit 2; }
YARDD=$(realpath "$1")
YARDCTL=$(realpath "$2")
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
id nobody >/dev/null 2>&1 || { echo "SKIP: no user 'nobody'"; exit 77; }
if id -nG nobody | grep -qw yard; then echo "SKIP: nobody is in group yard"; exit 77; fi

TMP=$(mktemp -d /tmp/yard-perm.XXXXXX)
chmod 0755 "$TMP"
PID=
cleanup() {
	local rc=$?
	set +e
	[ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT

"$YARDD" --socket "$TMP/yardd.sock" --db "$TMP/yardd.db" --vm-dir "$TMP/vms" \
	--config /dev/null \
	--dataplane "$TMP/none.sock" >"$TMP/log" 2>&1 &
PID=$!
for _ in $(seq 100); do [ -S "$TMP/yardd.sock" ] && break; sleep 0.05; done

mode=$(stat -c %a "$TMP/yardd.sock")
[ "$mode" = 660 ] || { echo "FAIL: socket mode is $mode, want 660"; exit 1; }
"$YARDCTL" --socket "$TMP/yardd.sock" status >/dev/null
echo "ok: root is served; socket mode 660"

as_nobody() {
	su nobody -s /bin/sh -c "'$YARDCTL' --socket '$TMP/yardd.sock' status" 2>&1
}
set +e
out=$(as_nobody); rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "FAIL: nobody got exit $rc through mode 660: $out"; exit 1; }
echo "ok: nobody refused by the socket mode: $out"

chmod 0666 "$TMP/yardd.sock"
set +e
out=$(as_nobody); rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "FAIL: nobody got exit $rc with mode 666: $out"; exit 1; }
echo "$out" | grep -qi 'refused\|permission\|denied' ||
	{ echo "FAIL: the refusal does not say why: $out"; exit 1; }
echo "ok: nobody refused by the peer credential check: $out"
kill -0 "$PID" || { echo "FAIL: yardd died"; exit 1; }
"$YARDCTL" --socket "$TMP/yardd.sock" status >/dev/null
echo "PASS"
