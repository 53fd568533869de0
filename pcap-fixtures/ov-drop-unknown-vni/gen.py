#!/usr/bin/python3
"""ov-drop-unknown-vni: a VNI no network has is dropped with its reason."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (BROADCAST, PEER2_IP, PEER2_MAC, R_MAC, TOPOLOGY,  # noqa: E402
                   OverlayCase, frame, from_peer, resolve_peers)

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 3003, frame(R_MAC, BROADCAST)))
c.drops("vxlan-unknown-vni")
# The same frame in VNI 1001 goes through.
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, frame(R_MAC, BROADCAST)))
c.expect("a", frame(R_MAC, BROADCAST))
c.expect("b", frame(R_MAC, BROADCAST))
c.finish()
