#!/usr/bin/python3
"""ov-decap-drops: VXLAN that is not for us or not well formed is dropped,
each with its reason, and nothing reaches a tenant port."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (BROADCAST, PEER2_IP, PEER2_MAC, R_MAC, TOPOLOGY, VTEP_MAC,  # noqa: E402
                   Ether, OverlayCase, frame, from_peer, resolve_peers, vxlan)
from fixturelib import scapy_pad  # noqa: E402

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
inner = frame(R_MAC, BROADCAST)
# A VNI no network has.
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 3003, inner))
c.drops("vxlan-unknown-vni")
# A VTEP not in the VNI's flood list (192.0.2.2 is not in 2002's).
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 2002, inner))
c.drops("vxlan-unknown-vtep")
c.send("ul", from_peer("02:00:00:00:09:fe", "192.0.2.9", 1001, inner))
c.drops("vxlan-unknown-vtep")
# The I flag clear.
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, inner, flags=0x00))
c.drops("vxlan-bad-flags")
# Truncated: the VXLAN header and no inner frame.
full = from_peer(PEER2_MAC, PEER2_IP, 1001, inner)
short = full[:14 + 20 + 8 + 8]
# IPv4 and UDP lengths that say what is there.
short = bytearray(short)
short[16:18] = (20 + 8 + 8).to_bytes(2, "big")
short = bytes(Ether(bytes(short)).__class__(bytes(short)))
pkt = Ether(short)
pkt["IP"].len = 36
del pkt["IP"].chksum
pkt["UDP"].len = 16
c.send("ul", scapy_pad(pkt))
c.drops("vxlan-truncated")
# To another address of the subnet.
c.send("ul", scapy_pad(Ether(vxlan(PEER2_MAC, VTEP_MAC, PEER2_IP, "192.0.2.77", 1001,
                                   inner, sport=50000))))
c.drops("vtep-not-for-us")
# An inner frame from a multicast source.
c.send("ul", from_peer(PEER2_MAC, PEER2_IP, 1001, frame("01:00:5e:00:00:01", BROADCAST)))
c.drops("vxlan-bad-inner")
c.finish()
