# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# What the VM tests share: a run's temp dir, yard-dp and yardd started on
# it, the guests' consoles, and a cleanup that also stops the QEMUs (they
# outlive yardd by design). Source it after setting YARD_DP, YARDD and
# YARDCTL; then call yard_vm_init TAG, and yard_dp_up / yardd_up.
#
# Sets: TMP (the run's dir, VM states in $TMP/vms), PREFIX (EAL prefix),
# DP_PID, YD_PID. Needs root and QEMU: skips (exit 77) otherwise.

# yard_vm_init TAG: skip checks, names, the EXIT trap.
yard_vm_init() {
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
	command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no qemu-system-x86_64"; exit 77; }
	TMP=$(mktemp -d "/tmp/yard-$1.XXXXXX")
	PREFIX="yard-$1-$$"
	DP_PID=
	YD_PID=
	trap yard_vm_cleanup EXIT
}

# Runs on every exit: stop yardd, the QEMUs of this run, yard-dp; on
# failure (or with SHOW_LOG set) show yardd's log and the consoles first.
yard_vm_cleanup() {
	local rc=$? p pidf c
	set +e
	[ -n "$YD_PID" ] && kill -TERM "$YD_PID" 2>/dev/null
	for pidf in "$TMP"/vms/*/qemu.pid; do
		[ -f "$pidf" ] && kill -KILL "$(cat "$pidf")" 2>/dev/null
	done
	[ -n "$DP_PID" ] && kill -TERM "$DP_PID" 2>/dev/null
	for p in $YD_PID $DP_PID; do
		timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL "$p" 2>/dev/null
	done
	if [ "$rc" -ne 0 ] || [ -n "${SHOW_LOG:-}" ]; then
		echo "---- yardd log"; tail -n 30 "$TMP/yardd.log"
		for c in "$TMP"/vms/*/console.log; do
			[ -f "$c" ] && { echo "---- $c"; tail -n 15 "$c"; }
		done
	fi
	rm -rf "$TMP" "/var/run/dpdk/$PREFIX"
	exit "$rc"
}

fail() { echo "FAIL: $*"; exit 1; }
ctl() { "$YARDCTL" --socket "$TMP/yardd.sock" "$@"; }
console() { cat "$TMP/vms/$1/console.log" 2>/dev/null || true; }
qemu_pid() { cat "$TMP/vms/$1/qemu.pid" 2>/dev/null || echo none; }

# wait_console VM PATTERN SECONDS: 0 once the console shows PATTERN.
wait_console() {
	for _ in $(seq $(($3 * 10))); do console "$1" | grep -q "$2" && return 0; sleep 0.1; done
	return 1
}

# yard_dp_up: yard-dp with no topology (yardd programs it).
yard_dp_up() {
	"$YARD_DP" --socket "$TMP/dp.sock" --file-prefix "$PREFIX" \
		--log-level warning -- --no-pci >>"$TMP/yard-dp.log" 2>&1 &
	DP_PID=$!
}

# yardd_up: yardd on yard-dp's socket, VM states in $TMP/vms.
yardd_up() {
	# The host policy: vhost sockets in $TMP, images from the guest dir.
	[ -f "$TMP/yardd.conf" ] || printf 'vhost_dir = %s\nimage_dir = %s\nqemu_user = nobody\n' \
		"$TMP" "$(realpath "$GUEST_DIR")" >"$TMP/yardd.conf"
	"$YARDD" --socket "$TMP/yardd.sock" --db "$TMP/yardd.db" \
		--dataplane "$TMP/dp.sock" --vm-dir "$TMP/vms" \
		--config "$TMP/yardd.conf" >>"$TMP/yardd.log" 2>&1 &
	YD_PID=$!
	for _ in $(seq 100); do [ -S "$TMP/yardd.sock" ] && return 0; sleep 0.05; done
	fail "yardd did not start"
}
