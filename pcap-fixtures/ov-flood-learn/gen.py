#!/usr/bin/python3
"""ov-flood-learn: BUM to every VTEP of the VNI and to local ports; decap,
learning behind a VTEP, unicast to that VTEP only; never back into the
overlay; another network's VNI kept apart."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, B_MAC, BROADCAST, PEER2_IP, PEER2_MAC, PEER3_IP,  # noqa: E402
                   PEER3_MAC, R_MAC, TOPOLOGY, OverlayCase, frame, from_peer,
                   resolve_peers, to_peer)

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
# A broadcast from a: to b, and encapsulated to both VTEPs of VNI 1001.
bc = frame(A_MAC, BROADCAST)
c.send("a", bc)
c.expect("b", bc)
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, bc))
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 1001, bc))
# R, behind 192.0.2.2, broadcasts: decapsulated to a and b, not re-sent
# into the overlay, not into red (c).
rb = frame(R_MAC, BROADCAST, payload_byte=0x11)
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, rb))
c.expect("a", rb)
c.expect("b", rb)
# a to R: R was learned behind 192.0.2.2: to that VTEP only.
u = frame(A_MAC, R_MAC, payload_byte=0x22)
c.send("a", u)
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, u))
# R to a (known on port a): decapsulated to a only.
ra = frame(R_MAC, A_MAC, payload_byte=0x33)
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, ra))
c.expect("a", ra)
# R moves behind 192.0.2.3: a's next frame follows it.
c.send("ul", from_peer(PEER3_MAC, PEER3_IP, 1001, frame(R_MAC, A_MAC, payload_byte=0x44)))
c.expect("a", frame(R_MAC, A_MAC, payload_byte=0x44))
u2 = frame(A_MAC, R_MAC, payload_byte=0x55)
c.send("a", u2)
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 1001, u2))
# VNI 2002 (red) from 192.0.2.3: to c only, never to blue.
rr = frame(R_MAC, BROADCAST, payload_byte=0x66)
c.send("ul", from_peer(PEER3_MAC, PEER3_IP, 2002, rr))
c.expect("c", rr)
c.finish()
