#!/usr/bin/python3
"""flow-priority: the highest priority wins, whatever its place in the list;
between equal priorities the rule listed first wins; port ranges include
their ends."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import Case, tcp  # noqa: E402

TOPOLOGY = """
# flow-priority: one network; overlapping rules on TCP destination ports.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: mon, kind: pcap, network: lan}
flows:
  # 1000-2000 dropped, except what a rule of higher priority allows.
  - {name: range-drop, priority: 10, match: {ip_proto: tcp, tp_dst: 1000-2000},
     action: drop}
  # Same priority, listed later: loses to range-drop where both match.
  - {name: range-later, priority: 10, match: {ip_proto: tcp, tp_dst: 1500},
     action: allow}
  # Listed last with a higher priority: wins inside the range.
  - {name: hole, priority: 20, match: {ip_proto: tcp, tp_dst: 1200-1299},
     action: allow}
  # Higher still, for one source port inside the hole: dropped again.
  - {name: pinhole-drop, priority: 30,
     match: {ip_proto: tcp, tp_src: 5555, tp_dst: 1250}, action: drop}
"""

A, B = "02:00:00:00:15:0a", "02:00:00:00:15:0b"
IP_A, IP_B = "10.0.15.10", "10.0.15.11"

c = Case(__file__, TOPOLOGY)
# Teach both MACs so that what passes is unicast.
c.send("b", tcp(B, A, IP_B, IP_A, 80), to=["a", "mon"])
c.send("a", tcp(A, B, IP_A, IP_B, 80), to=["b"])
for port in (999, 2001):
    c.send("a", tcp(A, B, IP_A, IP_B, port), to=["b"])
for port in (1000, 2000, 1500, 1199, 1300):
    c.send("a", tcp(A, B, IP_A, IP_B, port), drop="flow-drop")
for port in (1200, 1250, 1299):
    c.send("a", tcp(A, B, IP_A, IP_B, port), to=["b"])
c.send("a", tcp(A, B, IP_A, IP_B, 1250, sport=5555), drop="flow-drop")
c.send("a", tcp(A, B, IP_A, IP_B, 1251, sport=5555), to=["b"])
c.finish()
