#!/usr/bin/python3
"""flow-non-ip: a rule on IP keys drops every IPv4 frame but never matches
ARP or IPv6; eth_type and MAC rules match what they name."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp, udp6  # noqa: E402

TOPOLOGY = """
# flow-non-ip: one network; IPv4 dropped (but to Z), IPv6 dropped from X.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
flows:
  - {name: no-ipv4, priority: 10, match: {ip_dst: 0.0.0.0/0}, action: drop}
  - {name: to-z, priority: 50, match: {eth_dst: "02:00:00:00:19:0f"},
     action: allow}
  - {name: no-v6-from-x, priority: 10,
     match: {eth_type: 0x86dd, eth_src: "02:00:00:00:19:0a"}, action: drop}
"""

X, Y, Z = "02:00:00:00:19:0a", "02:00:00:00:19:0b", "02:00:00:00:19:0f"
IP_X, IP_Y = "10.0.19.10", "10.0.19.11"

c = Case(__file__, TOPOLOGY)
c.send("a", arp(X, BROADCAST, 1, X, IP_X, IP_Y), to=["b"])
c.send("b", arp(Y, X, 2, Y, IP_Y, IP_X, hwdst=X), to=["a"])
c.send("a", udp(X, Y, IP_X, IP_Y, b"v4"), drop="flow-drop")
c.send("a", udp(X, BROADCAST, IP_X, "255.255.255.255", b"v4 bcast"),
       drop="flow-drop")
c.send("b", udp(Y, Z, IP_Y, "10.0.19.15", b"v4 to z"), to=["a"])
c.send("b", udp6(Y, X, "fd00::b", "fd00::a", b"v6 from y"), to=["a"])
c.send("a", udp6(X, Y, "fd00::a", "fd00::b", b"v6 from x"), drop="flow-drop")
c.send("a", udp6(Z, Y, "fd00::f", "fd00::b", b"v6 from z"), to=["b"])
c.finish()
