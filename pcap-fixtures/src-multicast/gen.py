#!/usr/bin/python3
"""src-multicast: a frame whose source MAC is multicast or broadcast is
dropped (src-mac-multicast) and never learned."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# src-multicast: three access ports in one network.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: c, kind: pcap, network: lan}
"""

A, IP_A = "02:00:00:00:0d:0a", "10.0.14.10"
B, IP_B = "02:00:00:00:0d:0b", "10.0.14.11"

c = Case(__file__, TOPOLOGY)
c.send("b", arp(B, BROADCAST, 1, B, IP_B, IP_A), to=["a", "c"])
c.send("a", udp("01:00:5e:00:00:01", B, IP_A, IP_B, b"ipv4 mcast src"),
       drop="src-mac-multicast")
c.send("a", udp("33:33:00:00:00:01", B, IP_A, IP_B, b"ipv6 mcast src"),
       drop="src-mac-multicast")
c.send("a", udp(BROADCAST, B, IP_A, IP_B, b"broadcast src"), drop="src-mac-multicast")
# A locally administered group address (bit 0 of the first byte set).
c.send("a", udp("03:00:00:00:0d:0a", B, IP_A, IP_B, b"group bit src"),
       drop="src-mac-multicast")
c.send("a", udp(A, B, IP_A, IP_B, b"unicast src"), to=["b"])
# 03:00:00:00:0d:0a was not learned: a frame to its unicast twin
# 02:00:00:00:0d:0a (A) goes to a, which is where A was learned.
c.send("b", udp(B, A, IP_B, IP_A, b"b to a"), to=["a"])
c.finish()
