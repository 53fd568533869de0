#!/usr/bin/python3
"""rt-icmp-errors: TTL expiry -> time exceeded, no route -> net
unreachable, UDP to the router -> port unreachable; never an error about
an ICMP error."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import (A_IP, A_MAC, B_IP, ICMP, IP, R1_IP, R1_MAC,  # noqa: E402
                   TWO_NETWORKS, Ether, Raw, RouterCase, icmp_error, ip_udp)
from fixturelib import scapy_pad  # noqa: E402

TOPOLOGY = "# rt-icmp-errors: r1 joins blue (port a) and red (port b); no default route." + TWO_NETWORKS


c = RouterCase(__file__, TOPOLOGY)
# TTL 1 toward red: time exceeded (11/0) from the ingress address.
f = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"ttl one", ttl=1)
c.send("a", f)
c.expect("a", icmp_error(f, R1_MAC, R1_IP, 11, 0))
c.drops("ip4-ttl-exceeded")
# No route to 192.0.2.9: net unreachable (3/0).
f = ip_udp(A_MAC, R1_MAC, A_IP, "192.0.2.9", b"nowhere")
c.send("a", f)
c.expect("a", icmp_error(f, R1_MAC, R1_IP, 3, 0))
c.drops("ip4-no-route")
# UDP to the router itself: port unreachable (3/3).
f = ip_udp(A_MAC, R1_MAC, A_IP, R1_IP, b"to me", dport=9)
c.send("a", f)
c.expect("a", icmp_error(f, R1_MAC, R1_IP, 3, 3))
c.drops("ip4-local-unhandled")
# An ICMP error with TTL 1: dropped, no error about it.
f = scapy_pad(Ether(src=A_MAC, dst=R1_MAC) / IP(src=A_IP, dst=B_IP, ttl=1)
              / ICMP(type=3, code=1) / Raw(load=bytes(28)))
c.send("a", f)
c.drops("ip4-ttl-exceeded")
c.finish()
