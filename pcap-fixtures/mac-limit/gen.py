#!/usr/bin/python3
"""mac-limit: with mac_limit 2 the third MAC is not learned (frames to it
flood) while the first two are unicast; nothing is dropped for it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# mac-limit: three access ports in a network that learns at most 2 MACs.
networks:
  - name: lan
    mac_limit: 2
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: c, kind: pcap, network: lan}
"""

A, IP_A = "02:00:00:00:05:0a", "10.0.5.10"
B, IP_B = "02:00:00:00:05:0b", "10.0.5.11"
C, IP_C = "02:00:00:00:05:0c", "10.0.5.12"

c = Case(__file__, TOPOLOGY)
c.send("a", arp(A, BROADCAST, 1, A, IP_A, IP_B), to=["b", "c"])
c.send("b", arp(B, BROADCAST, 1, B, IP_B, IP_C), to=["a", "c"])
# Third MAC: forwarded (flooded, it is a broadcast) but not learned.
c.send("c", arp(C, BROADCAST, 1, C, IP_C, IP_A), to=["a", "b"])
c.send("a", udp(A, C, IP_A, IP_C, b"a to unlearned c"), to=["b", "c"])
c.send("b", udp(B, C, IP_B, IP_C, b"b to unlearned c"), to=["a", "c"])
# C's own frames still go through, to learned A and B by unicast.
c.send("c", udp(C, A, IP_C, IP_A, b"c to a"), to=["a"])
c.send("c", udp(C, B, IP_C, IP_B, b"c to b"), to=["b"])
c.send("a", udp(A, B, IP_A, IP_B, b"a to b"), to=["b"])
c.send("b", udp(B, A, IP_B, IP_A, b"b to a"), to=["a"])
c.send("a", udp(A, C, IP_A, IP_C, b"a to c, still unlearned"), to=["b", "c"])
c.finish()
