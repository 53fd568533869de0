#!/usr/bin/python3
"""ov-encap-sizes: encapsulation byte for byte at 64, 512, 1,400 and
1,464-byte inner frames (the largest a 1,500-byte underlay MTU carries)
and for an IPv4 inner frame, whose UDP source port hashes its
addresses."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, IP, PEER2_IP, PEER2_MAC, R_MAC, TOPOLOGY, UDP, Ether,  # noqa: E402
                   OverlayCase, Raw, frame, from_peer, resolve_peers, to_peer)

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
# Learn R behind 192.0.2.2 (A is unknown yet: flooded to a and b).
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, frame(R_MAC, A_MAC)))
c.expect("a", frame(R_MAC, A_MAC))
c.expect("b", frame(R_MAC, A_MAC))
for size in (64, 512, 1400):
    f = frame(A_MAC, R_MAC, size=size, payload_byte=size & 0xFF)
    c.send("a", f)
    c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, f))
ip = bytes(Ether(src=A_MAC, dst=R_MAC) / IP(src="10.0.1.10", dst="10.0.1.99", ttl=64)
           / UDP(sport=1234, dport=5678) / Raw(load=b"x" * 40))
c.send("a", ip)
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, ip))
# 1,464 bytes + 50 = 1,514: the most a 1,500-byte MTU carries.
f = frame(A_MAC, R_MAC, size=1464)
c.send("a", f)
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, f))
c.finish()
