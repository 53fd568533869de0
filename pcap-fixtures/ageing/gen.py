#!/usr/bin/python3
"""ageing: with ageing 10 s an entry unused for 30 s is gone (frames to it
flood again); an entry refreshed in between stays."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# ageing: three access ports in a network whose entries age after 10 s.
networks:
  - name: lan
    ageing: 10
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: c, kind: pcap, network: lan}
"""

A, IP_A = "02:00:00:00:04:0a", "10.0.4.10"
B, IP_B = "02:00:00:00:04:0b", "10.0.4.11"
C, IP_C = "02:00:00:00:04:0c", "10.0.4.12"

c = Case(__file__, TOPOLOGY)
# t = 0: learn A and B, unicast works.
c.send("a", arp(A, BROADCAST, 1, A, IP_A, IP_B), to=["b", "c"])
c.send("b", arp(B, A, 2, B, IP_B, IP_A, hwdst=A), to=["a"])
c.send("a", udp(A, B, IP_A, IP_B, b"t0 a to b"), to=["b"])
c.send("c", udp(C, A, IP_C, IP_A, b"t0 c to a"), to=["a"])
# t = 25: A refreshes its entry (a broadcast, so its own fate is fixed).
c.wait(25)
c.send("a", arp(A, BROADCAST, 1, A, IP_A, IP_C), to=["b", "c"])
# t = 30: B has been silent for 30 s (> 10): flooded again. A was seen
# 5 s ago (< 10): still unicast. The first frame after the gap is a
# broadcast, so nothing depends on whether ageing runs before or after it.
c.wait(5)
c.send("c", arp(C, BROADCAST, 1, C, IP_C, IP_B), to=["a", "b"])
c.send("c", udp(C, B, IP_C, IP_B, b"t30 c to aged b"), to=["a", "b"])
c.send("c", udp(C, A, IP_C, IP_A, b"t30 c to fresh a"), to=["a"])
# B talks again: learned again, unicast again.
c.send("b", udp(B, C, IP_B, IP_C, b"t30 b to c"), to=["c"])
c.send("c", udp(C, B, IP_C, IP_B, b"t30 c to b relearned"), to=["b"])
c.finish()
