#!/usr/bin/python3
"""ov-vtep-host: the VTEP is a host on the underlay: it answers ARP and
ICMP echo for its address, and nothing else."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (ICMP, IP, PEER2_IP, PEER2_MAC, PEER3_IP, TOPOLOGY, VTEP_IP,  # noqa: E402
                   VTEP_MAC, Ether, OverlayCase, Raw, arp_reply, arp_request,
                   resolve_peers)
from fixturelib import scapy_pad  # noqa: E402

GW_MAC, GW_IP = "02:00:00:00:09:fe", "192.0.2.9"

c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
# A host of the underlay asks for the VTEP: answered.
c.send("ul", arp_request(GW_MAC, GW_IP, VTEP_IP))
c.expect("ul", arp_reply(VTEP_MAC, VTEP_IP, GW_MAC, GW_IP))
# ... and for another address: not ours.
c.send("ul", arp_request(GW_MAC, GW_IP, PEER3_IP))
c.drops("vtep-not-for-us")
# Ping the VTEP: echoed, id/seq/payload kept, TTL 64.
ping = scapy_pad(Ether(src=PEER2_MAC, dst=VTEP_MAC)
                 / IP(src=PEER2_IP, dst=VTEP_IP, ttl=50, id=7)
                 / ICMP(type=8, id=0x1234, seq=3) / Raw(load=b"yard-ping"))
reply = Ether(src=VTEP_MAC, dst=PEER2_MAC) / IP(src=VTEP_IP, dst=PEER2_IP, ttl=64, id=7) \
    / ICMP(type=0, id=0x1234, seq=3) / Raw(load=b"yard-ping")
reply = bytes(reply) + ping[len(bytes(reply)):]
c.send("ul", ping)
c.expect("ul", reply)
# Unicast to another MAC on the underlay: not ours.
c.send("ul", scapy_pad(Ether(src=PEER2_MAC, dst="02:00:00:00:77:77")
                       / IP(src=PEER2_IP, dst=VTEP_IP) / ICMP(type=8)))
c.drops("vtep-not-for-us")
# IPv4 to another address: not ours.
c.send("ul", scapy_pad(Ether(src=PEER2_MAC, dst=VTEP_MAC)
                       / IP(src=PEER2_IP, dst=PEER3_IP) / ICMP(type=8)))
c.drops("vtep-not-for-us")
# UDP to us, not VXLAN: unsupported.
c.send("ul", scapy_pad(Ether(src=PEER2_MAC, dst=VTEP_MAC)
                       / IP(src=PEER2_IP, dst=VTEP_IP) / Raw(load=b"\x13\x88\x00\x35\x00\x08\x00\x00")))
c.drops("vtep-unsupported")
c.finish()
