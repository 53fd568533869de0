#!/usr/bin/python3
"""ov-hold: frames for a VTEP whose MAC is not known yet wait, and leave in
order once it answers ARP; the VTEP asks again while they wait."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, BROADCAST, PEER2_IP, PEER2_MAC, PEER3_IP, PEER3_MAC,  # noqa: E402
                   TOPOLOGY, VTEP_IP, VTEP_MAC, OverlayCase, arp_reply,
                   arp_request, frame, to_peer)

c = OverlayCase(__file__, TOPOLOGY)
# Configured: the VTEP asks for both peers; only 192.0.2.3 answers.
c.expect("ul", arp_request(VTEP_MAC, VTEP_IP, PEER2_IP))
c.expect("ul", arp_request(VTEP_MAC, VTEP_IP, PEER3_IP))
c.send("ul", arp_reply(PEER3_MAC, PEER3_IP, VTEP_MAC, VTEP_IP))
# Three broadcasts from a: b gets them, 192.0.2.3 at once, 192.0.2.2's
# copies wait; the first one held asks for 192.0.2.2 again.
sent = []
for i in range(3):
    f = frame(A_MAC, BROADCAST, payload_byte=0x70 + i)
    sent.append(f)
    c.send("a", f)
    c.expect("b", f)
    c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 1001, f))
    if i == 0:
        c.expect("ul", arp_request(VTEP_MAC, VTEP_IP, PEER2_IP))
# 192.0.2.2 answers: the three leave, in order.
c.send("ul", arp_reply(PEER2_MAC, PEER2_IP, VTEP_MAC, VTEP_IP))
for f in sent:
    c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, f))
c.finish()
