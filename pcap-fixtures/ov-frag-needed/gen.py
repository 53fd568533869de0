#!/usr/bin/python3
"""ov-frag-needed: an oversize IPv4 packet with DF gets ICMP type 3 code 4
with the inner MTU (underlay MTU - 50), sent back into the network from
the packet's destination, as Linux's bridged tunnels do."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from ovlib import (A_MAC, BROADCAST, IP, PEER2_IP, PEER2_MAC, R_MAC, TOPOLOGY,  # noqa: E402
                   UDP, Ether, OverlayCase, Raw, frame, from_remote,
                   resolve_peers, to_peer)
from rtlib import icmp_error  # noqa: E402

A_IP, R_IP = "10.0.1.10", "10.0.1.99"
c = OverlayCase(__file__, TOPOLOGY)
resolve_peers(c)
# R is learned behind 192.0.2.2, A on a.
f = frame(R_MAC, A_MAC)
from_remote(c, f)
f = frame(A_MAC, BROADCAST)
c.send("a", f)
c.expect("b", f)
for mac, ip in ((PEER2_MAC, PEER2_IP), ("02:00:00:00:03:fe", "192.0.2.3")):
    c.expect("ul", to_peer(mac, ip, 1001, f))


def udp(total):
    return bytes(Ether(src=A_MAC, dst=R_MAC) / IP(src=A_IP, dst=R_IP, flags="DF", id=9)
                 / UDP(sport=1234, dport=5678) / Raw(load=b"y" * (total - 28)))


# 1,450 bytes of IPv4: the inner MTU, encapsulated.
c.send("a", udp(1450))
c.expect("ul", to_peer(PEER2_MAC, PEER2_IP, 1001, udp(1450)))
# 1,451 and 1,500: dropped, answered from R's MAC and address.
for total in (1451, 1500):
    c.send("a", udp(total))
    c.drops("vxlan-too-big")
    c.expect("a", icmp_error(udp(total), R_MAC, R_IP, 3, 4, mtu=1450))
c.finish()
