#!/usr/bin/python3
"""rt-icmp-ratelimit: a router sends at most 100 ICMP errors a second;
the budget is back the next second."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import (A_IP, A_MAC, B_IP, R1_IP, R1_MAC,  # noqa: E402
                   TWO_NETWORKS, RouterCase, icmp_error, ip_udp)

TOPOLOGY = "# rt-icmp-ratelimit: r1 joins blue (port a) and red (port b)." + TWO_NETWORKS

c = RouterCase(__file__, TOPOLOGY)
# 120 packets with TTL 1 within one second (1 ms apart): 100 errors.
for i in range(120):
    f = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"burst %d" % i, ttl=1, ip_id=i)
    c.send("a", f)
    if i < 100:
        c.expect("a", icmp_error(f, R1_MAC, R1_IP, 11, 0))
c.drops("ip4-ttl-exceeded", 120)
# The next second: errors again.
c.wait(1)
f = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"next second", ttl=1, ip_id=500)
c.send("a", f)
c.expect("a", icmp_error(f, R1_MAC, R1_IP, 11, 0))
c.drops("ip4-ttl-exceeded")
c.finish()
