#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""System test: 10,000 malformed requests against yard-dp and yardd.

    control-badreq.py YARD_DP YARDD

yard-dp forwards a pcap source (infinite_rx) to a null sink while both API
sockets get random bytes, invalid JSON, wrong types, huge strings, deep
nesting, truncated frames, a 10 MiB request and requests for real methods
with wrong parameters. Every message must be answered with a JSON-RPC error
or the connection closed, an empty line too; afterwards both daemons still answer, and the
sink's tx counter still grows: forwarding never stopped.
"""
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOTAL = 10000
SEED = 20261121

YARD_DP_METHODS = [
    "network.add", "network.set", "network.del", "network.list", "port.add",
    "port.set", "port.del", "port.list", "port.stats", "fdb.list", "fdb.add",
    "fdb.del", "fdb.flush", "stats.nodes", "stats.drops", "stats.switch",
    "topology.apply", "topology.export", "batch", "version",
]
YARDD_METHODS = [
    "apply", "export", "status", "network.create", "network.update",
    "network.delete", "network.get", "network.list", "port.create",
    "port.update", "port.delete", "port.get", "port.list", "overlay.set",
    "overlay.get", "overlay.delete", "stats.ports", "stats.nodes",
    "stats.drops", "fdb.list", "vm.create", "flow.create", "router.create",
]


def junk_value(rng, depth=0):
    """A JSON value of a random type; never a valid object of the schema."""
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.randrange(-2**63, 2**63)
    if kind == 1:
        return rng.random() * 10**rng.randrange(300)
    if kind == 2:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(40)))
    if kind == 3:
        return None
    if kind == 4:
        return rng.random() < 0.5
    if kind == 5:
        return "x" * rng.choice([0, 1, 300, 70000])
    if kind == 6:
        return [junk_value(rng, depth + 1) for _ in range(rng.randrange(5))]
    # Objects whose keys are the real ones, with values of the wrong type.
    keys = ["name", "kind", "network", "mac", "ips", "devargs", "trunk", "text",
            "topology", "object", "ops", "port", "format", "vni", "prefix"]
    return {rng.choice(keys): junk_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def bad_params(rng):
    """Params that no method accepts: wrong types under the real keys.

    Values that could be valid (an empty topology text, which would delete
    everything; a network name that parses) are never produced: every
    string under a key that takes a name or a document is malformed.
    """
    p = junk_value(rng)
    if isinstance(p, dict):
        for k in ("text", "name", "network", "port", "mac"):
            if isinstance(p.get(k), str):
                p[k] = "BAD NAME {" + p[k]
        if "topology" in p:
            p["topology"] = {"ports": 5}
        if "object" in p:
            p["object"] = {"name": 42}
        if "ops" in p:
            p["ops"] = [{"method": "nope"}]
    return p


# Methods that ignore unknown or missing parameters (listings, counters)
# may answer a junk request with a result; every other one must refuse it.
MAY_SUCCEED = {
    "network.list", "port.list", "port.stats", "fdb.list", "fdb.flush",
    "stats.nodes", "stats.drops", "stats.switch", "stats.ports",
    "topology.export", "version", "export", "status", "overlay.get",
}


def messages(rng, methods, n):
    """Yield (line, may_succeed) pairs."""
    for i in range(n):
        kind = rng.randrange(10)
        if kind == 0:
            line = bytes(rng.randrange(1, 256) for _ in range(rng.randrange(1, 200)))
            line = line.replace(b"\n", b" ")
            if not line.strip():
                line = b"\x01"
        elif kind == 1:
            line = b"{" * rng.randrange(1, 100000)
        elif kind == 2:
            line = b'{"jsonrpc": "2.0", "id": 1, "method": "' + b"m" * rng.randrange(1, 500000) + b'"}'
        elif kind == 3:
            req = {"jsonrpc": rng.choice(["1.0", 2, None, "2.0"]),
                   "id": junk_value(rng), "method": junk_value(rng)}
            line = json.dumps(req).encode()
        elif kind == 4:
            line = json.dumps([{"jsonrpc": "2.0", "id": 1, "method": "version"}]).encode()
        else:
            method = rng.choice(methods)
            req = {"jsonrpc": "2.0", "id": i, "method": method,
                   "params": bad_params(rng)}
            yield json.dumps(req).encode(), method in MAY_SUCCEED
            continue
        yield line, False


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    return s


def read_lines(s, want):
    """Read up to `want` lines; returns (lines, closed)."""
    buf = b""
    lines = []
    while len(lines) < want:
        try:
            chunk = s.recv(1 << 20)
        except socket.timeout:
            raise AssertionError("no answer within 10 s: the server hangs")
        except ConnectionResetError:
            return lines, True
        if not chunk:
            return lines, True
        buf += chunk
        while b"\n" in buf and len(lines) < want:
            line, buf = buf.split(b"\n", 1)
            lines.append(line)
    return lines, False


def hammer(path, methods, n, rng):
    answered = closed = 0
    gen = list(messages(rng, methods, n))
    i = 0
    while i < len(gen):
        batch = gen[i:i + rng.randrange(1, 40)]
        i += len(batch)
        s = connect(path)
        try:
            s.sendall(b"".join(line + b"\n" for line, _ in batch))
        except (BrokenPipeError, ConnectionResetError):
            closed += len(batch)
            s.close()
            continue
        lines, was_closed = read_lines(s, len(batch))
        for line, (sent, may_succeed) in zip(lines, batch):
            msg = json.loads(line)
            assert "error" in msg or may_succeed, \
                f"{path}: a malformed request succeeded: {sent[:200]} -> {line[:200]}"
        answered += len(lines)
        if was_closed:
            closed += len(batch) - len(lines)
        else:
            assert len(lines) == len(batch)
        s.close()
    # Truncated frames: half a request, then the client goes away.
    for _ in range(50):
        s = connect(path)
        s.sendall(b'{"jsonrpc": "2.0", "id": 7, "method": "vers')
        s.close()
    # One 10 MiB request: refused (error line or closed), never buffered whole.
    s = connect(path)
    try:
        s.sendall(b'{"jsonrpc":"2.0","id":1,"method":"version","params":{"x":"'
                  + b"a" * (10 << 20) + b'"}}\n')
        lines, _ = read_lines(s, 1)
        assert not lines or "error" in json.loads(lines[0])
    except (BrokenPipeError, ConnectionResetError):
        pass
    s.close()
    return answered, closed


def empty_lines(path):
    """An empty line and a blank one each get -32600 with a null id."""
    s = connect(path)
    s.sendall(b"\n  \r\n")
    lines, _ = read_lines(s, 2)
    s.close()
    assert len(lines) == 2, f"{path}: {len(lines)} answers to two empty lines"
    for line in lines:
        msg = json.loads(line)
        err = msg.get("error") or {}
        assert err.get("code") == -32600 and msg.get("id", 0) is None \
            and "empty request line" in err.get("message", ""), \
            f"{path}: empty line answered {line!r}"
    return json.loads(lines[0])["error"]["message"]


def call(path, method, params=None):
    s = connect(path)
    s.sendall(json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                          "params": params or {}}).encode() + b"\n")
    lines, _ = read_lines(s, 1)
    s.close()
    assert lines, f"{path}: no answer to {method}"
    msg = json.loads(lines[0])
    assert "result" in msg, f"{path}: {method} failed: {msg}"
    return msg["result"]


def sink_tx(dp_sock):
    return call(dp_sock, "port.stats", {"name": "sink"})[0]["stats"]["tx_packets"]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("SKIP: needs root (DPDK runtime directory)")
        return 77
    yard_dp, yardd = sys.argv[1], sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="yard-badreq.")
    here = os.path.dirname(os.path.abspath(__file__))
    procs = []
    try:
        pcap = os.path.join(tmp, "src.pcap")
        subprocess.run([os.path.join(here, "..", "..", "bench", "make-pcap"), pcap,
                        "--count", "256"], check=True)
        topo = os.path.join(tmp, "topo.yaml")
        with open(topo, "w") as f:
            f.write("networks: [{name: blue}]\nports:\n"
                    f"  - {{name: src, kind: pcap, network: blue, devargs: \"net_pcap_br{os.getpid()},rx_pcap={pcap},infinite_rx=1\"}}\n"
                    f"  - {{name: sink, kind: phy, network: blue, devargs: \"net_null_br{os.getpid()},no-rx=1\"}}\n")
        dp_sock, yd_sock = os.path.join(tmp, "dp.sock"), os.path.join(tmp, "yardd.sock")
        conf = os.path.join(tmp, "yardd.conf")
        with open(conf, "w") as f:
            f.write(f"pcap_dir = {tmp}\nphy_driver = net_null\n")
        log = open(os.path.join(tmp, "log"), "w")
        procs.append(subprocess.Popen([yard_dp, "--socket", dp_sock, "--file-prefix",
                                       f"yard-badreq-{os.getpid()}", "--log-level", "warning",
                                       "--", "--no-pci"], stdout=log, stderr=log))
        procs.append(subprocess.Popen([yardd, "--socket", yd_sock, "--db",
                                       os.path.join(tmp, "yardd.db"), "--dataplane", dp_sock,
                                       "--vm-dir", os.path.join(tmp, "vms"),
                                       "--config", conf],
                                      stdout=log, stderr=log))
        for _ in range(100):
            if os.path.exists(dp_sock) and os.path.exists(yd_sock):
                break
            time.sleep(0.1)
        with open(topo) as f:
            call(yd_sock, "apply", {"text": f.read()})
        time.sleep(1)
        before = sink_tx(dp_sock)
        assert before > 0, "nothing forwarded before the test"

        rng = random.Random(SEED)
        t0 = time.time()
        a1, c1 = hammer(dp_sock, YARD_DP_METHODS, TOTAL // 2, rng)
        a2, c2 = hammer(yd_sock, YARDD_METHODS, TOTAL // 2, rng)
        secs = time.time() - t0
        for path in (dp_sock, yd_sock):
            msg = empty_lines(path)
        print(f"an empty line on either socket: -32600 \"{msg}\"")
        for p in procs:
            assert p.poll() is None, f"{p.args[0]} died (exit {p.returncode})"
        call(dp_sock, "version")
        status = call(yd_sock, "status")
        assert status["dataplane"]["connected"], "yardd lost the dataplane"
        time.sleep(0.5)
        after = sink_tx(dp_sock)
        assert after > before, "forwarding stopped"
        ports = [p["object"]["name"] for p in call(yd_sock, "port.list")]
        assert ports == ["src", "sink"], f"the desired state changed: {ports}"
        print(f"yard-dp: {a1} answered with an error, {c1} cut by a closed connection")
        print(f"yardd  : {a2} answered with an error, {c2} cut by a closed connection")
        print(f"{TOTAL} messages in {secs:.1f} s; both daemons up; "
              f"sink forwarded {after - before} frames meanwhile")
        print("PASS")
        return 0
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(f"/var/run/dpdk/yard-badreq-{os.getpid()}", ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
