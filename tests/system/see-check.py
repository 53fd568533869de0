#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks of see-metrics.sh: the same port counters three ways.

  see-check.py prom METRICS STATS   Prometheus text == yardctl --json stats ports
  see-check.py tel TELEMETRY STATS  dpdk-telemetry.py's /yard/ports == the same
  see-check.py top TOP PORT         yardctl top -b: PORT shows traffic each way

Exit 0 when they agree, 1 (and what differs) otherwise.
"""
import json
import re
import sys

COUNTERS = {  # yardctl's stats key -> Prometheus metric
    "rx_packets": "yard_port_rx_packets_total",
    "rx_bytes": "yard_port_rx_bytes_total",
    "tx_packets": "yard_port_tx_packets_total",
    "tx_bytes": "yard_port_tx_bytes_total",
    "drops": "yard_port_rx_drops_total",
    "tx_drops": "yard_port_tx_drops_total",
}


def stats(path):
    with open(path) as f:
        return {p["name"]: p for p in json.load(f)}


def prom(path):
    """{(metric, port): value} of the port samples."""
    out = {}
    sample = re.compile(r'^(yard_port_\w+)\{port="([^"]*)",network="([^"]*)"\} (\S+)$')
    with open(path) as f:
        for line in f:
            m = sample.match(line.rstrip("\n"))
            if m:
                out[(m.group(1), m.group(2))] = (float(m.group(4)), m.group(3))
    return out


def check_prom(metrics, stats_path):
    got, want, bad = prom(metrics), stats(stats_path), []
    for name, p in want.items():
        for key, metric in COUNTERS.items():
            v = got.get((metric, name))
            if v is None or v[0] != p["stats"][key]:
                bad.append(f"{metric}{{port={name}}}: {v and v[0]}, yardctl {p['stats'][key]}")
        net = got.get(("yard_port_rx_packets_total", name), (0, None))[1]
        if net != (p["network"] if not p["network"].startswith("trunk") and p["network"] != "-" else ""):
            bad.append(f"port {name}: label network={net!r}, yardctl {p['network']!r}")
    if len({k[1] for k in got}) != len(want):
        bad.append(f"ports in the metrics {sorted({k[1] for k in got})}, yardctl {sorted(want)}")
    return bad


def check_tel(tel, stats_path):
    want, bad = stats(stats_path), []
    with open(tel) as f:
        got = json.loads(f.read().strip().splitlines()[-1])["/yard/ports"]
    # Telemetry keys write '-' as '_'; "name" keeps the port's name.
    got = {p["name"]: p for p in got.values()}
    if sorted(got) != sorted(want):
        return [f"ports in telemetry {sorted(got)}, yardctl {sorted(want)}"]
    for name, p in want.items():
        for key in COUNTERS:
            if got[name].get(key) != p["stats"][key]:
                bad.append(f"/yard/ports {name}.{key}: {got[name].get(key)}, yardctl {p['stats'][key]}")
    return bad


def check_top(top, port):
    screens, bad = 0, []
    with open(top) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("PORT "):
            continue
        heads = line.split()
        rows = [l.split() for l in lines[i + 1:] if l.split()[:1] == [port]]
        if not rows:
            bad.append(f"screen {screens + 1}: no row for port {port}")
            continue
        row = dict(zip(heads, rows[0]))
        for col in ("RX_PPS", "RX_BIT/S", "TX_PPS", "TX_BIT/S"):
            if row.get(col, "0") in ("0", "-"):
                bad.append(f"screen {screens + 1}: {port} {col} is {row.get(col)}: {rows[0]}")
        screens += 1
    if screens != 2:
        bad.append(f"{screens} screens printed, not 2 (-n 2)")
    return bad


def main():
    what, a, b = sys.argv[1:4]
    bad = {"prom": check_prom, "tel": check_tel, "top": check_top}[what](a, b)
    for line in bad:
        print("  " + line)
    return 1 if bad else 0


sys.exit(main())
