#!/usr/bin/python3
"""vlan-on-access: 802.1Q and 802.1ad tagged frames arriving on an access
port are dropped; untagged frames on the same port pass."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, TPID_8021AD, Case, arp, tag, udp  # noqa: E402

TOPOLOGY = """
# vlan-on-access: two access ports in one network.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
"""

A, IP_A = "02:00:00:00:08:0a", "10.0.8.10"
B, IP_B = "02:00:00:00:08:0b", "10.0.8.11"

c = Case(__file__, TOPOLOGY)
c.send("b", arp(B, BROADCAST, 1, B, IP_B, IP_A), to=["a"])
c.send("a", tag(udp(A, B, IP_A, IP_B, b"8021q vid 10"), 10), drop="vlan-on-access")
c.send("a", tag(arp(A, BROADCAST, 1, A, IP_A, IP_B), 10), drop="vlan-on-access")
c.send("a", tag(udp(A, B, IP_A, IP_B, b"8021ad vid 20"), 20, TPID_8021AD),
       drop="vlan-on-access")
# QinQ: 802.1ad outer, 802.1Q inner.
c.send("b", tag(tag(udp(B, A, IP_B, IP_A, b"qinq"), 30), 40, TPID_8021AD),
       drop="vlan-on-access")
# Untagged frames on the same ports pass.
c.send("a", udp(A, B, IP_A, IP_B, b"untagged a to b"), to=["b"])
c.send("b", udp(B, A, IP_B, IP_A, b"untagged b to a"), to=["a"])
c.finish()
