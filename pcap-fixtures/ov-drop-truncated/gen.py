#!/usr/bin/python3
"""ov-drop-truncated: VXLAN without a whole inner Ethernet header is
dropped with its reason."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (BROADCAST, IP, PEER2_IP, PEER2_MAC, R_MAC, TOPOLOGY, UDP,  # noqa: E402
                   Ether, OverlayCase, Raw, frame, from_peer, resolve_peers)
from fixturelib import scapy_pad  # noqa: E402

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
full = Ether(from_peer(PEER2_MAC, PEER2_IP, 1001, frame(R_MAC, BROADCAST)))
vx = bytes(full[UDP].payload)[:8]
for keep in (0, 10):
    # IPv4 and UDP lengths that say what is there.
    pkt = (Ether(src=full.src, dst=full.dst) / IP(src=full[IP].src, dst=full[IP].dst, ttl=64, id=0)
           / UDP(sport=50000, dport=4789, chksum=0)
           / Raw(load=vx + bytes(frame(R_MAC, BROADCAST))[:keep]))
    c.send("ul", scapy_pad(pkt))
    c.drops("vxlan-truncated")
c.finish()
