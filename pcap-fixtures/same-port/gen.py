#!/usr/bin/python3
"""same-port: a frame to a MAC learned on its own ingress port is dropped
(same-port); a flood in a network with one port reaches nobody (flood-empty)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# same-port: network lan with two ports (one behind a hub with two hosts),
# network solo with a single port.
networks:
  - name: lan
  - name: solo
ports:
  - {name: hub, kind: pcap, network: lan}
  - {name: other, kind: pcap, network: lan}
  - {name: lonely, kind: pcap, network: solo}
"""

H1, IP_H1 = "02:00:00:00:0c:01", "10.0.12.1"
H2, IP_H2 = "02:00:00:00:0c:02", "10.0.12.2"
O, IP_O = "02:00:00:00:0c:0f", "10.0.12.15"
L, IP_L = "02:00:00:00:0c:1f", "10.0.13.1"

c = Case(__file__, TOPOLOGY)
# Two hosts behind the hub port announce themselves.
c.send("hub", arp(H1, BROADCAST, 1, H1, IP_H1, IP_H2), to=["other"])
c.send("hub", arp(H2, BROADCAST, 1, H2, IP_H2, IP_H1), to=["other"])
# H1 -> H2: H2 is on hub, the ingress port: dropped.
c.send("hub", udp(H1, H2, IP_H1, IP_H2, b"h1 to h2"), drop="same-port")
c.send("hub", udp(H2, H1, IP_H2, IP_H1, b"h2 to h1"), drop="same-port")
# The same frames from the other port are delivered.
c.send("other", udp(O, H2, IP_O, IP_H2, b"o to h2"), to=["hub"])
# solo has one port: broadcast and unknown unicast have nowhere to go.
c.send("lonely", arp(L, BROADCAST, 1, L, IP_L, "10.0.13.2"), drop="flood-empty")
c.send("lonely", udp(L, "02:00:00:00:0c:99", IP_L, "10.0.13.2", b"unknown"),
       drop="flood-empty")
c.finish()
