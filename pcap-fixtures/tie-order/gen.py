#!/usr/bin/python3
"""tie-order: frames of different ports with the same timestamp are injected
in port-name order (the order of --in), each port's frames its own batch."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# tie-order: three access ports in one network.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: c, kind: pcap, network: lan}
"""

A, IP_A = "02:00:00:00:10:0a", "10.0.17.10"
B, IP_B = "02:00:00:00:10:0b", "10.0.17.11"
C, IP_C = "02:00:00:00:10:0c", "10.0.17.12"

c = Case(__file__, TOPOLOGY)
# Same timestamp on b and a; written b first, injected a first (name order):
# A is learned after a's batch, so B -> A is unicast.
c.send("b", udp(B, A, IP_B, IP_A, b"b to a, tie with a"), to=["a"])
c.send("a", arp(A, BROADCAST, 1, A, IP_A, IP_B), to=["b", "c"], same_ts=True)
# Same timestamp on c and b; b goes first, so C is not known yet: flooded.
c.send("c", arp(C, BROADCAST, 1, C, IP_C, IP_B), to=["a", "b"])
c.send("b", udp(B, C, IP_B, IP_C, b"b to c, tie with c"), to=["a", "c"],
       same_ts=True)
# Later frames see everything.
c.send("a", udp(A, C, IP_A, IP_C, b"a to c"), to=["c"])
c.send("c", udp(C, B, IP_C, IP_B, b"c to b"), to=["b"])
c.finish()
