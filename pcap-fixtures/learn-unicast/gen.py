#!/usr/bin/python3
"""learn-unicast: a broadcast floods, then learned MACs are reached by unicast."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# learn-unicast: three access ports in one network.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: c, kind: pcap, network: lan}
"""

MAC_A, IP_A = "02:00:00:00:00:0a", "10.0.0.10"
MAC_B, IP_B = "02:00:00:00:00:0b", "10.0.0.11"

c = Case(__file__, TOPOLOGY)
# A asks for B: broadcast, flooded to b and c, never back to a.
c.send("a", arp(MAC_A, BROADCAST, 1, MAC_A, IP_A, IP_B), to=["b", "c"])
# B answers A: A was learned on a, so only a gets it.
c.send("b", arp(MAC_B, MAC_A, 2, MAC_B, IP_B, IP_A, hwdst=MAC_A), to=["a"])
# A talks to B: B was learned on b.
c.send("a", udp(MAC_A, MAC_B, IP_A, IP_B, b"hello b"), to=["b"])
c.send("b", udp(MAC_B, MAC_A, IP_B, IP_A, b"hello a"), to=["a"])
c.finish()
