#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""System test: idle clients cannot lock anyone out (issue 11, M1).

    security-conns.py YARD_DP YARDD YARDCTL

200 idle clients (connected, silent, or with half a line sent) on each
socket, yard-dp's and yardd's. Then
  - yardctl status still answers;
  - a yardd killed (-9) and started again reconnects to yard-dp while
    200 more idle clients hold (or keep trying) yard-dp's socket, and
    programs a new network into it;
  - with an idle timeout of 2 s, the idle clients are closed after it, each
    told why.
Needs root (DPDK runtime directory); otherwise exits 77. Everything lives
in a mkdtemp directory and is removed on exit, also on failure.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

IDLE_S = 2
N_IDLE = 200


def connect_idle(path, n):
    """n connections that say nothing (every third sends half a line)."""
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
        except OSError:
            s.close()
            continue
        if i % 3 == 0:
            try:
                s.send(b'{"jsonrpc": "2.0", "method": "sta')
            except OSError:
                pass
        socks.append(s)
    return socks


def probe(socks):
    """(how many of socks the server still holds, the error messages it
    sent to those it closed)."""
    held, why = 0, set()
    for s in socks:
        s.setblocking(False)
        try:
            data = s.recv(4096)
        except BlockingIOError:
            held += 1
            continue
        except OSError:
            continue
        for line in data.decode(errors="replace").splitlines():
            try:
                why.add(json.loads(line)["error"]["message"])
            except (ValueError, KeyError, TypeError):
                pass
    return held, why


def main():
    if os.geteuid() != 0:
        print("SKIP: needs root (DPDK runtime directory)")
        return 77
    yard_dp, yardd, yardctl = sys.argv[1:4]
    tmp = tempfile.mkdtemp(prefix="yard-secconns.")
    prefix = f"yard-secconns-{os.getpid()}"
    dp_sock, yd_sock = os.path.join(tmp, "dp.sock"), os.path.join(tmp, "yardd.sock")
    conf = os.path.join(tmp, "yardd.conf")
    with open(conf, "w") as f:
        f.write(f"idle_timeout = {IDLE_S}\n")
    log = open(os.path.join(tmp, "log"), "w")
    procs = {}
    socks = []
    fails = []

    def ctl(*args):
        return subprocess.run([yardctl, "--socket", yd_sock, *args],
                              capture_output=True, text=True, timeout=20)

    def connected():
        r = ctl("--json", "status")
        return r.returncode == 0 and json.loads(r.stdout)["dataplane"]["connected"]

    def start_yardd():
        procs["yardd"] = subprocess.Popen(
            [yardd, "--socket", yd_sock, "--db", os.path.join(tmp, "yardd.db"),
             "--dataplane", dp_sock, "--vm-dir", os.path.join(tmp, "vms"),
             "--config", conf], stdout=log, stderr=log)

    def wait(what, cond, seconds):
        t0 = time.time()
        while time.time() - t0 < seconds:
            if cond():
                return time.time() - t0
            time.sleep(0.05)
        fails.append(f"{what}: not within {seconds} s")
        return None

    try:
        procs["dp"] = subprocess.Popen(
            [yard_dp, "--socket", dp_sock, "--file-prefix", prefix,
             "--log-level", "warning", "--idle-timeout", "30", "--",
             "--no-pci", "--no-huge", "-m", "512"], stdout=log, stderr=log)
        start_yardd()
        if wait("yardd connected to yard-dp", connected, 30) is None:
            raise SystemExit(1)

        socks = connect_idle(dp_sock, N_IDLE) + connect_idle(yd_sock, N_IDLE)
        time.sleep(1.2)  # Past the eviction grace: the idle ones may go.
        r = ctl("status")
        if r.returncode != 0:
            fails.append(f"yardctl status with {N_IDLE} idle clients: {r.stderr.strip()}")
        else:
            print(f"ok: yardctl status answers with {N_IDLE} idle clients on each socket")

        procs["yardd"].send_signal(signal.SIGKILL)
        procs["yardd"].wait()
        more = connect_idle(dp_sock, N_IDLE)
        socks += more
        time.sleep(1.2)
        start_yardd()

        def programmed():
            # Connected is not enough: a refused connection looks connected
            # until its first call; a network must reach yard-dp.
            if not connected():
                return False
            if ctl("get", "network", "n1").returncode != 0:
                ctl("create", "network", "name=n1")
            r = ctl("--json", "get", "network", "n1")
            return r.returncode == 0 and json.loads(r.stdout)["status"] == "programmed"
        t = wait("a restarted yardd reconnects to yard-dp and programs it",
                 programmed, 20)
        if t is not None:
            print(f"ok: a restarted yardd reconnected in {t:.2f} s past {N_IDLE} "
                  "more idle clients on yard-dp's socket")

        # The yardd socket's idle clients go after IDLE_S seconds.
        ysocks = connect_idle(yd_sock, 40)
        held, _ = probe(ysocks)
        time.sleep(IDLE_S + 1)
        left, why = probe(ysocks)
        if held == 0 or left != 0:
            fails.append(f"idle clients on yardd: {held} held, {left} still open "
                         f"after {IDLE_S + 1} s (want >0, then 0)")
        elif not any("idle for" in m for m in why):
            fails.append(f"idle clients closed without a reason: {why}")
        else:
            print(f"ok: {held} idle clients closed after {IDLE_S} s: {sorted(why)[0]}")
        socks += ysocks
        if not connected():
            fails.append("yardd lost yard-dp")
        if procs["dp"].poll() is not None or procs["yardd"].poll() is not None:
            fails.append("a daemon died")
    finally:
        for s in socks:
            s.close()
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
        log.close()
        if fails:
            with open(os.path.join(tmp, "log")) as f:
                print(f.read()[-2000:])
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(f"/var/run/dpdk/{prefix}", ignore_errors=True)
    for f in fails:
        print("FAIL:", f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
