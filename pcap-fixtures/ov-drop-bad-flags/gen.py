#!/usr/bin/python3
"""ov-drop-bad-flags: the I flag clear is dropped with its reason."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (BROADCAST, PEER2_IP, PEER2_MAC, R_MAC, TOPOLOGY,  # noqa: E402
                   OverlayCase, frame, from_peer, resolve_peers)

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, frame(R_MAC, BROADCAST), flags=0x00))
c.drops("vxlan-bad-flags")
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, frame(R_MAC, BROADCAST), flags=0x80))
c.drops("vxlan-bad-flags")
# Reserved bits beside I are ignored on receipt (RFC 7348, 5).
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, frame(R_MAC, BROADCAST), flags=0x88))
c.expect("a", frame(R_MAC, BROADCAST))
c.expect("b", frame(R_MAC, BROADCAST))
c.finish()
