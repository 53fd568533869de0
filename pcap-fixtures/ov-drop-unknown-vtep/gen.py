#!/usr/bin/python3
"""ov-drop-unknown-vtep: a source VTEP outside the VNI's flood list is
dropped with its reason, and what it carried is not learned."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, BROADCAST, PEER2_IP, PEER2_MAC, PEER3_IP, PEER3_MAC,  # noqa: E402
                   R_MAC, TOPOLOGY, OverlayCase, frame, from_peer,
                   resolve_peers, to_peer)

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
# 192.0.2.2 is a VTEP of blue (1001), not of red (2002).
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 2002, frame(R_MAC, BROADCAST)))
c.drops("vxlan-unknown-vtep")
# 192.0.2.9 is no VTEP of any VNI.
c.send("ul", from_peer("02:00:00:00:09:fe", "192.0.2.9", 1001, frame(R_MAC, BROADCAST)))
c.drops("vxlan-unknown-vtep")
# R was not learned: a frame to it from a is flooded to b and both VTEPs.
f = frame(A_MAC, R_MAC)
c.send("a", f)
c.expect("b", f)
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, f))
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 1001, f))
c.finish()
