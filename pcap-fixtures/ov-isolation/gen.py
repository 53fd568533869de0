#!/usr/bin/python3
"""ov-isolation: an inner frame never leaks into another network."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, BROADCAST, PEER2_IP, PEER2_MAC, PEER3_IP, PEER3_MAC,  # noqa: E402
                   R_MAC, TOPOLOGY, OverlayCase, frame, from_remote,
                   resolve_peers, to_peer)

C_MAC = "02:00:00:00:0e:01"
c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
# VNI 2002 (red) from 192.0.2.3: to c only, never to blue's a and b.
f = frame(R_MAC, BROADCAST, payload_byte=0x61)
from_remote(c, f, (PEER3_MAC, PEER3_IP), 2002, to=("c",))
# VNI 1001 from the same VTEP, same MAC: to a and b only.
f = frame(R_MAC, BROADCAST, payload_byte=0x62)
from_remote(c, f, (PEER3_MAC, PEER3_IP))
# A broadcast in red: to red's VTEP in 2002 only.
f = frame(C_MAC, BROADCAST, payload_byte=0x63)
c.send("c", f)
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 2002, f))
# R was learned in red and blue behind 192.0.2.3; blue's frame to it
# carries 1001, red's 2002.
f = frame(A_MAC, R_MAC, payload_byte=0x64)
c.send("a", f)
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 1001, f))
f = frame(C_MAC, R_MAC, payload_byte=0x65)
c.send("c", f)
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 2002, f))
# A MAC learned behind 192.0.2.2 in blue is unknown in red: flooded there.
f = frame("02:00:00:00:0c:02", A_MAC, payload_byte=0x66)
from_remote(c, f, (PEER2_MAC, PEER2_IP), 1001, to=("a",))
f = frame(C_MAC, "02:00:00:00:0c:02", payload_byte=0x67)
c.send("c", f)
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 2002, f))
c.finish()
