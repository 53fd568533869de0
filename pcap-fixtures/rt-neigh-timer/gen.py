#!/usr/bin/python3
"""rt-neigh-timer: ARP retries and the give-up follow the clock, not the
router's traffic. A packet for a next hop that never answers is held; after
it only frames of another network (green, no router) come in, one a
second. The router still asks again at 1 s and 2 s and gives up at 3 s:
host unreachable to the sender, the held packet counted as
neigh-unresolved."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import (A_IP, A_MAC, R1_IP, R1_MAC, R2_IP, R2_MAC,  # noqa: E402
                   TWO_NETWORKS, Ether, Raw, RouterCase, arp_request,
                   icmp_error, ip_udp)
from fixturelib import scapy_pad  # noqa: E402

TOPOLOGY = ("# rt-neigh-timer: r1 joins blue (port a) and red (port b); green"
            " (ports c, d) has no router; nobody answers for 10.0.2.99."
            + TWO_NETWORKS.replace(
                "  - name: red\n", "  - name: red\n  - name: green\n").replace(
                "  - {name: b, kind: pcap, network: red}\n",
                "  - {name: b, kind: pcap, network: red}\n"
                "  - {name: c, kind: pcap, network: green}\n"
                "  - {name: d, kind: pcap, network: green}\n"))

C_IP = "10.0.2.99"
C_MAC, D_MAC = "02:00:00:00:0c:01", "02:00:00:00:0d:01"

c = RouterCase(__file__, TOPOLOGY)
held = ip_udp(A_MAC, R1_MAC, A_IP, C_IP, b"held", ip_id=1)
# t = 0: held, first request.
c.send("a", held)
c.expect("b", arp_request(R2_MAC, R2_IP, C_IP))
# t = 1 s, 2 s: green traffic only (flooded to d: unknown unicast); the
# router asks again anyway.
for i in (1, 2):
    c.wait(1)
    f = scapy_pad(Ether(src=C_MAC, dst=D_MAC, type=0x88b5) / Raw(b"green %d" % i))
    c.send("c", f)
    c.expect("d", f)
    c.expect("b", arp_request(R2_MAC, R2_IP, C_IP))
# t = 3 s: three requests unanswered: given up, still without router traffic.
c.wait(1)
f = scapy_pad(Ether(src=C_MAC, dst=D_MAC, type=0x88b5) / Raw(b"green 3"))
c.send("c", f)
c.expect("d", f)
c.expect("a", icmp_error(held, R1_MAC, R1_IP, 3, 1))
c.drops("neigh-unresolved", 1)
c.finish()
