#!/usr/bin/python3
"""flow-all-keys: a rule matches only when every key it gives matches
(eth_src, ip_src prefix, ip_proto, tp_src range, tp_dst): changing any one
of them misses it; the ends of a source range and of a /30 are in, the
values just outside are out; ip_src 0.0.0.0/0 matches every IPv4 frame and
no ARP frame."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, tcp, udp  # noqa: E402

TOPOLOGY = """
# flow-all-keys: one network; a rule of five keys, a /0 rule below it.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
flows:
  - {name: five-keys, priority: 20,
     match: {eth_src: "02:00:00:00:32:0a", ip_src: 10.0.32.8/30, ip_proto: udp,
             tp_src: 1024-2047, tp_dst: 4789}, action: drop}
  # Any IPv4 from 10.0.33.0/24 is allowed above the /0 drop.
  - {name: ok-33, priority: 15, match: {ip_src: 10.0.33.0/24}, action: allow}
  - {name: any-v4-to-7, priority: 10,
     match: {ip_src: 0.0.0.0/0, ip_proto: udp, tp_dst: 7}, action: drop}
"""

A, B, X = "02:00:00:00:32:0a", "02:00:00:00:32:0b", "02:00:00:00:32:0c"
IP_B = "10.0.32.20"

c = Case(__file__, TOPOLOGY)
c.send("b", arp(B, BROADCAST, 1, B, IP_B, "10.0.32.8"), to=["a"])
c.send("a", arp(A, BROADCAST, 2, A, "10.0.32.8", IP_B), to=["b"])
c.send("a", arp(X, BROADCAST, 2, X, "10.0.32.9", IP_B), to=["b"])
# Every key matches, at the ends of the /30 and of the range: dropped.
for sip, sport in (("10.0.32.8", 1024), ("10.0.32.11", 2047), ("10.0.32.9", 1500)):
    c.send("a", udp(A, B, sip, IP_B, b"vx", sport=sport, dport=4789),
           drop="flow-drop")
# One key off each time: switched.
c.send("a", udp(X, B, "10.0.32.8", IP_B, b"vx", sport=1024, dport=4789), to=["b"])
c.send("a", udp(A, B, "10.0.32.12", IP_B, b"vx", sport=1024, dport=4789), to=["b"])
c.send("a", udp(A, B, "10.0.32.7", IP_B, b"vx", sport=1024, dport=4789), to=["b"])
c.send("a", tcp(A, B, "10.0.32.8", IP_B, 4789, sport=1024), to=["b"])
c.send("a", udp(A, B, "10.0.32.8", IP_B, b"vx", sport=1023, dport=4789), to=["b"])
c.send("a", udp(A, B, "10.0.32.8", IP_B, b"vx", sport=2048, dport=4789), to=["b"])
c.send("a", udp(A, B, "10.0.32.8", IP_B, b"vx", sport=1024, dport=4790), to=["b"])
# The /0 rule: every IPv4 source, except where ok-33 (higher) allows.
c.send("a", udp(A, B, "0.0.0.0", IP_B, b"echo", dport=7), drop="flow-drop")
c.send("a", udp(A, B, "255.255.255.255", IP_B, b"echo", dport=7), drop="flow-drop")
c.send("a", udp(A, B, "10.0.33.1", IP_B, b"echo", dport=7), to=["b"])
c.send("a", udp(A, B, "10.0.34.1", IP_B, b"echo", dport=7), drop="flow-drop")
c.finish()
