#!/usr/bin/python3
"""ov-bum-3-vteps: head-end replication to three VTEPs and the local
ports; BUM from the overlay stays out of it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, BROADCAST, PEER2_IP, PEER2_MAC, PEERS3, R_MAC,  # noqa: E402
                   TOPOLOGY3, OverlayCase, frame, from_peer, resolve_peers,
                   to_peer)

c = OverlayCase(__file__, TOPOLOGY3)
resolve_peers(c, PEERS3)
for i, dst in enumerate((BROADCAST, "01:00:5e:00:00:fb", "02:00:00:00:0d:01")):
    f = frame(A_MAC, dst, payload_byte=0x30 + i)
    c.send("a", f)
    c.expect("b", f)
    for mac, ip in PEERS3:
        c.expect("ul", to_peer(mac, ip, 1001, f))
# From behind 192.0.2.2: to a and b, and to no VTEP.
for i, dst in enumerate((BROADCAST, "01:00:5e:00:00:fb", "02:00:00:00:0d:02")):
    f = frame(R_MAC, dst, payload_byte=0x40 + i)
    c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, f))
    c.expect("a", f)
    c.expect("b", f)
c.finish()
