#!/usr/bin/python3
"""flood-bum: broadcast, IPv4/IPv6 multicast and unknown unicast flood to
every other port of the network, never back to the ingress port."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp, udp6  # noqa: E402

TOPOLOGY = """
# flood-bum: four access ports in one network.
networks:
  - name: lan
ports:
  - {name: p1, kind: pcap, network: lan}
  - {name: p2, kind: pcap, network: lan}
  - {name: p3, kind: pcap, network: lan}
  - {name: p4, kind: pcap, network: lan}
"""

MAC = {p: f"02:00:00:00:01:0{i}" for i, p in enumerate(["p1", "p2", "p3", "p4"], 1)}
IP = {p: f"10.0.1.{i}" for i, p in enumerate(["p1", "p2", "p3", "p4"], 1)}
UNKNOWN = "02:00:00:00:01:99"       # never sends, so never learned

c = Case(__file__, TOPOLOGY)
c.send("p1", arp(MAC["p1"], BROADCAST, 1, MAC["p1"], IP["p1"], "10.0.1.99"),
       to=["p2", "p3", "p4"])
# IPv4 multicast (mDNS group 224.0.0.251).
c.send("p2", udp(MAC["p2"], "01:00:5e:00:00:fb", IP["p2"], "224.0.0.251",
                 b"ipv4 multicast", 5353, 5353), to=["p1", "p3", "p4"])
# IPv6 multicast (all-nodes ff02::1).
c.send("p3", udp6(MAC["p3"], "33:33:00:00:00:01", "fe80::3", "ff02::1",
                  b"ipv6 multicast"), to=["p1", "p2", "p4"])
# Unknown unicast.
c.send("p4", udp(MAC["p4"], UNKNOWN, IP["p4"], "10.0.1.99", b"unknown unicast"),
       to=["p1", "p2", "p3"])
# The senders are all learned now; the unknown MAC still floods, the
# multicast groups still flood (a multicast MAC is never a known unicast).
c.send("p1", udp(MAC["p1"], UNKNOWN, IP["p1"], "10.0.1.99", b"still unknown"),
       to=["p2", "p3", "p4"])
c.send("p4", udp(MAC["p4"], "01:00:5e:00:00:fb", IP["p4"], "224.0.0.251",
                 b"ipv4 multicast again", 5353, 5353), to=["p1", "p2", "p3"])
c.finish()
