#!/usr/bin/python3
"""mac-move: a MAC seen on another port moves its FDB entry there."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# mac-move: three access ports in one network.
networks:
  - name: lan
ports:
  - {name: p1, kind: pcap, network: lan}
  - {name: p2, kind: pcap, network: lan}
  - {name: p3, kind: pcap, network: lan}
"""

X, IP_X = "02:00:00:00:03:01", "10.0.3.1"
Z, IP_Z = "02:00:00:00:03:03", "10.0.3.3"

c = Case(__file__, TOPOLOGY)
c.send("p1", arp(X, BROADCAST, 1, X, IP_X, IP_Z), to=["p2", "p3"])
c.send("p3", udp(Z, X, IP_Z, IP_X, b"to x on p1"), to=["p1"])
# X migrates to p2 (e.g. a live-migrated VM sends a gratuitous ARP).
c.send("p2", arp(X, BROADCAST, 1, X, IP_X, IP_X), to=["p1", "p3"])
c.send("p3", udp(Z, X, IP_Z, IP_X, b"to x on p2"), to=["p2"])
c.send("p3", udp(Z, X, IP_Z, IP_X, b"to x on p2 again"), to=["p2"])
# And back to p1.
c.send("p1", udp(X, Z, IP_X, IP_Z, b"x back on p1"), to=["p3"])
c.send("p3", udp(Z, X, IP_Z, IP_X, b"to x on p1 again"), to=["p1"])
c.finish()
