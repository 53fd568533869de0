#!/usr/bin/python3
"""flow-all-networks: a rule without network applies to every network
(here to UDP port 9 in blue, red and green); a rule with one applies there
only."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import Case, icmp_echo, udp  # noqa: E402

TOPOLOGY = """
# flow-all-networks: three networks, two ports each; green has no rule of
# its own.
networks:
  - name: blue
  - name: red
  - name: green
ports:
  - {name: blue-a, kind: pcap, network: blue}
  - {name: blue-b, kind: pcap, network: blue}
  - {name: red-a, kind: pcap, network: red}
  - {name: red-b, kind: pcap, network: red}
  - {name: green-a, kind: pcap, network: green}
  - {name: green-b, kind: pcap, network: green}
flows:
  - {name: no-discard, priority: 5, match: {ip_proto: udp, tp_dst: 9},
     action: drop}
  - {name: blue-no-ping, priority: 5, network: blue, match: {ip_proto: icmp},
     action: drop}
"""

A, B = "02:00:00:00:21:0a", "02:00:00:00:21:0b"
IP_A, IP_B = "10.0.21.10", "10.0.21.11"

c = Case(__file__, TOPOLOGY)
for net in ("blue", "red", "green"):
    c.send(f"{net}-a", udp(A, B, IP_A, IP_B, b"discard", dport=9),
           drop="flow-drop")
    c.send(f"{net}-a", udp(A, B, IP_A, IP_B, b"echo", dport=7),
           to=[f"{net}-b"])
c.send("blue-b", icmp_echo(B, A, IP_B, IP_A), drop="flow-drop")
c.send("red-b", icmp_echo(B, A, IP_B, IP_A), to=["red-a"])
c.send("green-b", icmp_echo(B, A, IP_B, IP_A), to=["green-a"])
c.finish()
