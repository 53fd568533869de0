#!/usr/bin/python3
"""ov-too-big: oversize after encapsulation is dropped and counted."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, IP, PEER2_IP, PEER2_MAC, R_MAC, TOPOLOGY, UDP, Ether,  # noqa: E402
                   OverlayCase, Raw, frame, from_remote, resolve_peers,
                   to_peer)

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
f = frame(R_MAC, A_MAC)
from_remote(c, f)
f = frame(A_MAC, R_MAC, size=1464)
c.send("a", f)
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, f))
for size in (1465, 1514):
    c.send("a", frame(A_MAC, R_MAC, size=size))
    c.drops("vxlan-too-big")
ip = bytes(Ether(src=A_MAC, dst=R_MAC) / IP(src="10.0.1.10", dst="10.0.1.99", flags=0)
           / UDP(sport=1234, dport=5678) / Raw(load=b"x" * (1500 - 28)))
c.send("a", ip)
c.drops("vxlan-too-big")
c.finish()
