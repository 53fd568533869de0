#!/usr/bin/python3
"""ov-unicast-one-vtep: unicast to a learned remote MAC goes to its VTEP
only."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, BROADCAST, PEER3_IP, PEER3_MAC, PEERS3, R_MAC,  # noqa: E402
                   TOPOLOGY3, OverlayCase, frame, from_remote, resolve_peers,
                   to_peer)

c = OverlayCase(__file__, TOPOLOGY3)
resolve_peers(c, PEERS3)
# R announces itself from behind 192.0.2.3.
f = frame(R_MAC, BROADCAST)
from_remote(c, f, (PEER3_MAC, PEER3_IP))
for i in range(4):
    u = frame(A_MAC, R_MAC, payload_byte=0x20 + i)
    c.send("a", u)
    c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 1001, u))
# An unknown MAC: b and every VTEP.
u = frame(A_MAC, "02:00:00:00:0d:01")
c.send("a", u)
c.expect("b", u)
for mac, ip in PEERS3:
    c.expect("ul", to_peer(mac, ip, 1001, u))
c.finish()
