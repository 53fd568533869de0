#!/usr/bin/python3
"""flow-no-match: no matching rule means allow. In lan, whose rules match
none of these frames, ARP, IPv4, IPv6 and broadcast frames are switched
and learned as if there were no rules; a rule on port a's in_port touches
neither b's frames nor another network's; quiet, a network without rules,
switches the same frames."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, tcp, udp, udp6  # noqa: E402

TOPOLOGY = """
# flow-no-match: rules in lan that none of the frames match; quiet has none.
networks:
  - name: lan
  - name: quiet
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: c, kind: pcap, network: lan}
  - {name: q1, kind: pcap, network: quiet}
  - {name: q2, kind: pcap, network: quiet}
flows:
  - {name: no-telnet, priority: 10, network: lan,
     match: {ip_proto: tcp, tp_dst: 23}, action: drop}
  - {name: no-host-99, priority: 10, network: lan,
     match: {ip_dst: 10.0.31.99/32}, action: drop}
  # Port a's UDP to 5353 only: b's is not a's.
  - {name: a-no-mdns, priority: 10,
     match: {in_port: a, ip_proto: udp, tp_dst: 5353}, action: drop}
"""

A, B, C = "02:00:00:00:31:0a", "02:00:00:00:31:0b", "02:00:00:00:31:0c"
IP_A, IP_B, IP_C = "10.0.31.10", "10.0.31.11", "10.0.31.12"

c = Case(__file__, TOPOLOGY)
for pa, pb, pc in (("a", "b", "c"), ("q1", "q2", None)):
    others = [p for p in (pb, pc) if p]
    # Broadcast ARP: flooded, A learned.
    c.send(pa, arp(A, BROADCAST, 1, A, IP_A, IP_B), to=others)
    # Unicast back to A: learned, goes to pa only.
    c.send(pb, tcp(B, A, IP_B, IP_A, 22), to=[pa])
    # IPv4 TCP and UDP that no rule names: unicast to B.
    c.send(pa, tcp(A, B, IP_A, IP_B, 24), to=[pb])
    c.send(pa, udp(A, B, IP_A, IP_B, b"dns", dport=53), to=[pb])
    c.send(pa, tcp(A, B, IP_A, "10.0.31.98", 80), to=[pb])
    # IPv6: IP keys never match it.
    c.send(pa, udp6(A, B, "fd00::a", "fd00::b", b"v6"), to=[pb])
    # UDP to 5353 from b: a-no-mdns is a's.
    c.send(pb, udp(B, A, IP_B, IP_A, b"mdns", dport=5353), to=[pa])
# The same from a is a's: dropped (the rules are there).
c.send("a", udp(A, B, IP_A, IP_B, b"mdns", dport=5353), drop="flow-drop")
c.send("a", tcp(A, B, IP_A, IP_B, 23), drop="flow-drop")
# quiet has no rule on telnet.
c.send("q1", tcp(A, B, IP_A, IP_B, 23), to=["q2"])
c.finish()
