#!/usr/bin/python3
"""rt-forward-hold: routing blue -> red resolves the next hop with ARP;
packets wait in the hold queue (64 at most), leave in order after the
reply, then go straight through."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import (A_IP, A_MAC, B_IP, B_MAC, R1_MAC, R2_IP, R2_MAC,  # noqa: E402
                   TWO_NETWORKS, RouterCase, arp_reply, arp_request, ip_udp,
                   routed)

TOPOLOGY = "# rt-forward-hold: r1 joins blue (port a) and red (port b)." + TWO_NETWORKS


c = RouterCase(__file__, TOPOLOGY)
held = []
for i in range(66):
    f = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"held %d" % i, ip_id=100 + i)
    c.send("a", f)
    if i == 0:
        # The first one starts the resolution: one request on red.
        c.expect("b", arp_request(R2_MAC, R2_IP, B_IP))
    if i < 64:
        held.append(f)
c.drops("hold-queue-full", 2)
# B answers: the 64 held packets leave in the order they came.
c.send("b", arp_reply(B_MAC, B_IP, R2_MAC, R2_IP))
for f in held:
    c.expect("b", routed(f, R2_MAC, B_MAC))
# Later packets find the neighbor: forwarded at once, TTL 63.
f = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"direct", ip_id=200)
c.send("a", f)
c.expect("b", routed(f, R2_MAC, B_MAC))
# And back: B's reply goes to A, whose address r1 resolves too.
f = ip_udp(B_MAC, R2_MAC, B_IP, A_IP, b"back", ip_id=300, ttl=9)
c.send("b", f)
c.expect("a", arp_request(R1_MAC, "10.0.1.1", A_IP))
c.send("a", arp_reply(A_MAC, A_IP, R1_MAC, "10.0.1.1"))
c.expect("a", routed(f, R1_MAC, A_MAC))
c.finish()
