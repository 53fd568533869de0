#!/usr/bin/python3
"""ov-learn-any-vtep: the per-network option to accept and learn behind
any VTEP; off by default (red)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, BROADCAST, PEER2_IP, PEER2_MAC, PEER3_IP, PEER3_MAC,  # noqa: E402
                   TOPOLOGY, VTEP_IP, VTEP_MAC, OverlayCase, arp_reply,
                   arp_request, frame, from_peer, from_remote, resolve_peers,
                   to_peer)

P9_MAC, P9_IP = "02:00:00:00:09:fe", "192.0.2.9"
S_MAC = "02:00:00:00:0c:09"	# a host behind 192.0.2.9
topo = TOPOLOGY.replace("{vni: 1001, vteps: [192.0.2.2, 192.0.2.3]}",
                        "{vni: 1001, vteps: [192.0.2.2, 192.0.2.3], learn_any_vtep: true}")
assert topo != TOPOLOGY
c = OverlayCase(__file__, topo)
resolve_peers(c)
# 192.0.2.9 is in no flood list; blue takes its frames.
f = frame(S_MAC, BROADCAST, payload_byte=0x91)
from_remote(c, f, (P9_MAC, P9_IP))
# Red does not (the option is off there).
c.send("ul", from_peer(P9_MAC, P9_IP, 2002, frame(S_MAC, BROADCAST)))
c.drops("vxlan-unknown-vtep")
# S was learned behind 192.0.2.9: a's frame to it waits for ARP, then
# goes to 192.0.2.9 only.
u = frame(A_MAC, S_MAC, payload_byte=0x92)
c.send("a", u)
c.expect("ul", arp_request(VTEP_MAC, VTEP_IP, P9_IP))
c.send("ul", arp_reply(P9_MAC, P9_IP, VTEP_MAC, VTEP_IP))
c.expect("ul", to_peer(P9_MAC, P9_IP, 1001, u))
# A broadcast goes to the flood list, not to 192.0.2.9.
bc = frame(A_MAC, BROADCAST, payload_byte=0x93)
c.send("a", bc)
c.expect("b", bc)
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, bc))
c.expect("ul", to_peer(PEER3_MAC, PEER3_IP, 1001, bc))
c.finish()
