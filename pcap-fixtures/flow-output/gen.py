#!/usr/bin/python3
"""flow-output: frames from port a to 10.0.16.99 leave through r1, a port of
another network, instead of being switched; they are not learned. Other
frames of a, and frames of b to the same address, are switched."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# flow-output: blue has a, b, c; red has r1 and r2. One rule sends a's
# frames for 10.0.16.99 to r1.
networks:
  - name: blue
  - name: red
ports:
  - {name: a, kind: pcap, network: blue}
  - {name: b, kind: pcap, network: blue}
  - {name: c, kind: pcap, network: blue}
  - {name: r1, kind: pcap, network: red}
  - {name: r2, kind: pcap, network: red}
flows:
  - {name: to-red, priority: 1, match: {in_port: a, ip_dst: 10.0.16.99},
     action: {output: r1}}
"""

A, B, GW = "02:00:00:00:16:0a", "02:00:00:00:16:0b", "02:00:00:00:16:99"
IP_A, IP_B, IP_GW = "10.0.16.10", "10.0.16.11", "10.0.16.99"

c = Case(__file__, TOPOLOGY)
c.send("b", arp(B, BROADCAST, 1, B, IP_B, IP_A), to=["a", "c"])
# Redirected as it is, also when its MAC is unknown or broadcast.
c.send("a", udp(A, GW, IP_A, IP_GW, b"one"), to=["r1"])
c.send("a", udp(A, BROADCAST, IP_A, IP_GW, b"two"), to=["r1"])
# The largest frame r1 sends (1514 bytes) goes; one byte more is dropped.
c.send("a", udp(A, GW, IP_A, IP_GW, bytes(1472)), to=["r1"])
c.send("a", udp(A, GW, IP_A, IP_GW, bytes(1473)), drop="flow-too-big")
# A was not learned: b's frame to A floods in blue.
c.send("b", udp(B, A, IP_B, IP_A, b"to a"), to=["a", "c"])
# Other traffic of a is switched, and learned.
c.send("a", udp(A, B, IP_A, IP_B, b"a to b"), to=["b"])
c.send("b", udp(B, A, IP_B, IP_A, b"to a again"), to=["a"])
# The rule is a's: b's frame to the same address is switched (flooded).
c.send("b", udp(B, GW, IP_B, IP_GW, b"b to gw"), to=["a", "c"])
c.finish()
