#!/usr/bin/python3
"""rt-neigh-unresolved: a next hop that never answers is asked three times,
a second apart; then the held packets are dropped and the first one's
sender gets host unreachable (3/1)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import (A_IP, A_MAC, R1_IP, R1_MAC, R2_IP, R2_MAC,  # noqa: E402
                   TWO_NETWORKS, RouterCase, arp_request, icmp_error, ip_udp)

TOPOLOGY = ("# rt-neigh-unresolved: r1 joins blue (port a) and red (port b);"
            " nobody answers for 10.0.2.99." + TWO_NETWORKS)

C_IP = "10.0.2.99"

c = RouterCase(__file__, TOPOLOGY)
pkts = [ip_udp(A_MAC, R1_MAC, A_IP, C_IP, b"try %d" % i, ip_id=i) for i in range(4)]
# t = 0: held, first request.
c.send("a", pkts[0])
c.expect("b", arp_request(R2_MAC, R2_IP, C_IP))
# t = 1 s, 2 s: the router's next packets find the request a second old:
# it asks again (2nd, 3rd request); the packets join the queue.
for i in (1, 2):
    c.wait(1)
    c.expect("b", arp_request(R2_MAC, R2_IP, C_IP))
    c.send("a", pkts[i])
# t = 3 s: three requests unanswered: given up. The first held packet's
# sender hears host unreachable; all three count as neigh-unresolved. The
# packet that arrives now starts a new resolution.
c.wait(1)
c.send("a", pkts[3])
c.expect("a", icmp_error(pkts[0], R1_MAC, R1_IP, 3, 1))
c.drops("neigh-unresolved", 3)
c.expect("b", arp_request(R2_MAC, R2_IP, C_IP))
c.finish()
