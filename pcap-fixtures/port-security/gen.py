#!/usr/bin/python3
"""port-security: a port with security drops spoofed source MAC, source IP and
ARP sender (IP or MAC), lets good frames and ARP probes through; a port
without security sends anything."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# port-security: vm1 is locked to its MAC and IP, vm2 has the same keys but
# security off, peer is an ordinary port.
networks:
  - name: lan
ports:
  - name: vm1
    kind: pcap
    network: lan
    mac: "52:54:00:00:09:01"
    ips: [10.0.9.11]
    security: true
  - name: vm2
    kind: pcap
    network: lan
    mac: "52:54:00:00:09:02"
    ips: [10.0.9.12]
    security: false
  - {name: peer, kind: pcap, network: lan}
"""

M1, IP1 = "52:54:00:00:09:01", "10.0.9.11"
M2, IP2 = "52:54:00:00:09:02", "10.0.9.12"
P, IP_P = "02:00:00:00:09:fe", "10.0.9.1"
BAD_MAC, BAD_IP = "52:54:00:00:09:66", "10.0.9.66"

c = Case(__file__, TOPOLOGY)
# The peer announces itself (learned on peer).
c.send("peer", arp(P, BROADCAST, 1, P, IP_P, IP1), to=["vm1", "vm2"])
# Good frames.
c.send("vm1", arp(M1, P, 2, M1, IP1, IP_P, hwdst=P), to=["peer"])
c.send("vm1", udp(M1, P, IP1, IP_P, b"good"), to=["peer"])
# Spoofed source MAC (IP fine).
c.send("vm1", udp(BAD_MAC, P, IP1, IP_P, b"spoofed mac"), drop="src-mac-spoof")
# Spoofed source IP (MAC fine).
c.send("vm1", udp(M1, P, BAD_IP, IP_P, b"spoofed ip"), drop="src-ip-spoof")
# Both spoofed: the MAC check comes first.
c.send("vm1", udp(BAD_MAC, P, BAD_IP, IP_P, b"spoofed both"), drop="src-mac-spoof")
# ARP with a spoofed sender IP (Ethernet source fine).
c.send("vm1", arp(M1, BROADCAST, 2, M1, BAD_IP, IP_P), drop="arp-spoof")
# ARP with a spoofed sender MAC (Ethernet source fine).
c.send("vm1", arp(M1, BROADCAST, 2, BAD_MAC, IP1, IP_P), drop="arp-spoof")
# ARP probe (RFC 5227): sender IP 0.0.0.0 is allowed.
c.send("vm1", arp(M1, BROADCAST, 1, M1, "0.0.0.0", IP1), to=["vm2", "peer"])
# Dropped frames were not learned: a frame to BAD_MAC is unknown unicast.
c.send("peer", udp(P, BAD_MAC, IP_P, BAD_IP, b"to bad mac"), to=["vm1", "vm2"])
# Good traffic still flows after the drops.
c.send("vm1", udp(M1, P, IP1, IP_P, b"good again"), to=["peer"])
c.send("peer", udp(P, M1, IP_P, IP1, b"to vm1"), to=["vm1"])
# vm2 has mac/ips but security off: it may send anything.
c.send("vm2", udp(BAD_MAC, P, IP2, IP_P, b"vm2 other mac"), to=["peer"])
c.send("vm2", udp(M2, P, BAD_IP, IP_P, b"vm2 other ip"), to=["peer"])
c.send("vm2", arp(M2, BROADCAST, 2, "52:54:00:00:09:77", "10.0.9.77", IP_P),
       to=["vm1", "peer"])
# The peer port has no security either.
c.send("peer", udp("02:00:00:00:09:fd", M2, "192.0.2.1", IP2, b"peer other"),
       to=["vm2"])
c.finish()
