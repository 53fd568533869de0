#!/usr/bin/python3
"""ov-decap-learn: decapsulation into the VNI's network; the inner source
learned behind its VTEP, and moved when seen behind another."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, PEER2_IP, PEER2_MAC, PEER3_IP, PEER3_MAC, R_MAC,  # noqa: E402
                   TOPOLOGY, OverlayCase, frame, from_remote, resolve_peers,
                   to_peer)

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
# R (behind 192.0.2.2) to A, unknown yet: decapsulated and flooded to a
# and b, not sent back into the overlay.
f = frame(R_MAC, A_MAC, payload_byte=0x11)
from_remote(c, f)
# A answers: R was learned behind 192.0.2.2.
u = frame(A_MAC, R_MAC, payload_byte=0x22)
c.send("a", u)
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, u))
# A is known on a now: R's next frame goes to a only.
f = frame(R_MAC, A_MAC, payload_byte=0x33)
from_remote(c, f, (PEER2_MAC, PEER2_IP), 1001, to=("a",))
# R moves behind 192.0.2.3: A's next frame follows it.
f = frame(R_MAC, A_MAC, payload_byte=0x44)
from_remote(c, f, (PEER3_MAC, PEER3_IP), 1001, to=("a",))
u = frame(A_MAC, R_MAC, payload_byte=0x55)
c.send("a", u)
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 1001, u))
c.finish()
