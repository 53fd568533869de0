#!/usr/bin/python3
"""rt-static-neigh: a neighbor from the topology (`neighbors:` of r1) is
used at once, with no ARP request, and a gratuitous ARP claiming its
address for another MAC does not move it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import (A_IP, A_MAC, B_IP, B_MAC, R1_MAC, R2_MAC,  # noqa: E402
                   TWO_NETWORKS, RouterCase, arp_request, ip_udp, routed)

TOPOLOGY = ("# rt-static-neigh: r1 joins blue (port a) and red (port b); B"
            " (10.0.2.20) is a static neighbor." + TWO_NETWORKS
            + "    neighbors:\n"
            "      - {address: 10.0.2.20, mac: \"02:00:00:00:0b:01\"}\n")

OTHER_MAC = "02:00:00:00:0b:99"

c = RouterCase(__file__, TOPOLOGY)
p1 = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"first", ip_id=1)
c.send("a", p1)
c.expect("b", routed(p1, R2_MAC, B_MAC))
# Another host claims 10.0.2.20 (gratuitous ARP): the static entry stays.
garp = arp_request(OTHER_MAC, B_IP, B_IP)
c.send("b", garp)
c.wait(1)
p2 = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"second", ip_id=2)
c.send("a", p2)
c.expect("b", routed(p2, R2_MAC, B_MAC))
c.finish()
