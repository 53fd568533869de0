#!/usr/bin/python3
"""ov-drop-not-for-us: VXLAN to another destination is dropped with its
reason."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (BROADCAST, PEER2_IP, PEER2_MAC, R_MAC, TOPOLOGY, VTEP_IP,  # noqa: E402
                   VTEP_MAC, Ether, OverlayCase, frame, resolve_peers, vxlan)
from fixturelib import scapy_pad  # noqa: E402

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
inner = frame(R_MAC, BROADCAST)
# To another address of the subnet.
c.send("ul", scapy_pad(Ether(vxlan(PEER2_MAC, VTEP_MAC, PEER2_IP, "192.0.2.77", 1001,
                                   inner, sport=50000))))
c.drops("vtep-not-for-us")
# To our address but another MAC.
c.send("ul", scapy_pad(Ether(vxlan(PEER2_MAC, "02:00:00:00:77:77", PEER2_IP, VTEP_IP, 1001,
                                   inner, sport=50000))))
c.drops("vtep-not-for-us")
c.finish()
