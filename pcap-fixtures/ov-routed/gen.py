#!/usr/bin/python3
"""ov-routed: routed traffic over the overlay: r1 on blue (VNI 1001) and
red reaches R, a host behind the VTEP 192.0.2.2, and R reaches C on red."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (PEER2_IP, PEER2_MAC, PEER3_IP, PEER3_MAC, R_MAC, TOPOLOGY,  # noqa: E402
                   OverlayCase, from_peer, resolve_peers, to_peer)
from rtlib import arp_reply, arp_request, ip_udp, routed  # noqa: E402

RB_MAC, RB_IP = "02:00:00:00:01:01", "10.0.1.1"	# r1 on blue
RR_MAC, RR_IP = "02:00:00:00:02:01", "10.0.2.1"	# r1 on red
R_IP = "10.0.1.99"
C_MAC, C_IP = "02:00:00:00:0e:01", "10.0.2.10"	# a host on red, port c
topo = TOPOLOGY + """routers:
  - name: r1
    interfaces:
      - {network: blue, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
      - {network: red, address: 10.0.2.1/24, mac: "02:00:00:00:02:01"}
"""
PEERS_BLUE = ((PEER2_MAC, PEER2_IP), (PEER3_MAC, PEER3_IP))
c = OverlayCase(__file__, topo)
resolve_peers(c)


def flood_blue(f):
    c.expect("a", f)
    c.expect("b", f)
    for mac, ip in PEERS_BLUE:
        c.expect("ul", to_peer(mac, ip, 1001, f))


# C to R: r1 asks for R in blue, across the overlay too; the packet waits.
f1 = ip_udp(C_MAC, RR_MAC, C_IP, R_IP, b"c to r 1", ip_id=1)
c.send("c", f1)
flood_blue(arp_request(RB_MAC, RB_IP, R_IP))
# R answers from behind 192.0.2.2: the held packet leaves once the reply is
# applied, after the batch, when R is learned behind that VTEP: to it only.
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, arp_reply(R_MAC, R_IP, RB_MAC, RB_IP)))
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, routed(f1, RB_MAC, R_MAC)))
# The next one too.
f2 = ip_udp(C_MAC, RR_MAC, C_IP, R_IP, b"c to r 2", ip_id=2)
c.send("c", f2)
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, routed(f2, RB_MAC, R_MAC)))
# R to C: decapsulated to r1, routed to red, where r1 asks for C (red is
# stretched to 192.0.2.3 in VNI 2002), then sends it to C's port.
f3 = ip_udp(R_MAC, RB_MAC, R_IP, C_IP, b"r to c", ip_id=3)
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, f3))
req = arp_request(RR_MAC, RR_IP, C_IP)
c.expect("c", req)
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 2002, req))
c.send("c", arp_reply(C_MAC, C_IP, RR_MAC, RR_IP))
c.expect("c", routed(f3, RR_MAC, C_MAC))
c.finish()
