#!/usr/bin/python3
"""ov-drop-bad-inner: an inner frame from a multicast source is dropped."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (BROADCAST, PEER2_IP, PEER2_MAC, TOPOLOGY, OverlayCase,  # noqa: E402
                   frame, from_peer, resolve_peers)

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, frame("01:00:5e:00:00:01", BROADCAST)))
c.drops("vxlan-bad-inner")
c.finish()
