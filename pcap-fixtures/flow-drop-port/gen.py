#!/usr/bin/python3
"""flow-drop-port: a no-ssh rule in blue drops TCP to port 22 of 10.0.1.0/24
(and does not learn the sender); other ports, UDP/22, other addresses and the
same traffic in red pass."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, tcp, udp  # noqa: E402

TOPOLOGY = """
# flow-drop-port: blue and red, two ports each; no-ssh applies to blue only.
networks:
  - name: blue
  - name: red
ports:
  - {name: blue-a, kind: pcap, network: blue}
  - {name: blue-b, kind: pcap, network: blue}
  - {name: red-a, kind: pcap, network: red}
  - {name: red-b, kind: pcap, network: red}
flows:
  - {name: no-ssh, priority: 100, network: blue,
     match: {ip_proto: tcp, ip_dst: 10.0.1.0/24, tp_dst: 22}, action: drop}
"""

A, B = "02:00:00:00:14:0a", "02:00:00:00:14:0b"
EVE = "02:00:00:00:14:ee"
IP_A, IP_B = "10.0.1.10", "10.0.1.11"

c = Case(__file__, TOPOLOGY)
# B announces itself in blue and in red.
c.send("blue-b", arp(B, BROADCAST, 1, B, IP_B, IP_A), to=["blue-a"])
c.send("red-b", arp(B, BROADCAST, 1, B, IP_B, IP_A), to=["red-a"])
# ssh from a new host: dropped, and EVE is not learned.
c.send("blue-a", tcp(EVE, B, "10.0.1.66", IP_B, 22), drop="flow-drop")
c.send("blue-b", udp(B, EVE, IP_B, "10.0.1.66", b"to eve"), to=["blue-a"])
# Known host A: ssh dropped; http and udp/22 pass.
c.send("blue-a", tcp(A, B, IP_A, IP_B, 22), drop="flow-drop")
c.send("blue-a", tcp(A, B, IP_A, IP_B, 80), to=["blue-b"])
c.send("blue-a", udp(A, B, IP_A, IP_B, b"udp 22", dport=22), to=["blue-b"])
c.send("blue-a", tcp(A, B, IP_A, IP_B, 21), to=["blue-b"])
c.send("blue-a", tcp(A, B, IP_A, IP_B, 23), to=["blue-b"])
# Outside 10.0.1.0/24 (the prefix's edges): not the rule's.
c.send("blue-a", tcp(A, B, IP_A, "10.0.2.0", 22), to=["blue-b"])
c.send("blue-a", tcp(A, B, IP_A, "10.0.0.255", 22), to=["blue-b"])
c.send("blue-a", tcp(A, B, IP_A, "10.0.1.255", 22), drop="flow-drop")
c.send("blue-a", tcp(A, B, IP_A, "10.0.1.0", 22), drop="flow-drop")
# red has no rule: ssh passes.
c.send("red-a", tcp(A, B, IP_A, IP_B, 22), to=["red-b"])
c.finish()
