#!/usr/bin/python3
"""rt-mtu-trunk: routed packets leave by a VLAN trunk with the egress
network's tag; over the egress MTU (1500) a DF packet gets fragmentation
needed (3/4, MTU 1500), one without DF is dropped."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import (IP, UDP, Ether, Raw, RouterCase, arp_reply,  # noqa: E402
                   arp_request, icmp_error, routed)
from fixturelib import scapy_pad, tag  # noqa: E402

TOPOLOGY = """
# rt-mtu-trunk: r1 joins blue (access port a) and red, which the trunk
# port t carries as VLAN 300.
networks:
  - name: blue
  - name: red
ports:
  - {name: a, kind: pcap, network: blue}
  - {name: t, kind: pcap, trunk: [{network: red, vlan: 300}]}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
      - {network: red, address: 10.0.2.1/24, mac: "02:00:00:00:02:01"}
"""

R1_MAC, R1_IP = "02:00:00:00:01:01", "10.0.1.1"
R2_MAC, R2_IP = "02:00:00:00:02:01", "10.0.2.1"
A_MAC, A_IP = "02:00:00:00:0a:01", "10.0.1.10"
B_MAC, B_IP = "02:00:00:00:0b:01", "10.0.2.20"


def udp_len(total, df):
    """IPv4/UDP from A to B with IP total length `total`."""
    payload = bytes(i & 0xFF for i in range(total - 28))
    return scapy_pad(Ether(src=A_MAC, dst=R1_MAC)
                     / IP(src=A_IP, dst=B_IP, ttl=64, id=5, flags="DF" if df else 0)
                     / UDP(sport=40000, dport=7) / Raw(load=payload))


c = RouterCase(__file__, TOPOLOGY)
# B (behind the trunk, VLAN 300) asks for r1: answered on the trunk with
# tag 300 (B is learned after this batch: the answer floods, red has t only).
c.send("t", tag(arp_request(B_MAC, B_IP, R2_IP), 300))
c.expect("t", tag(arp_reply(R2_MAC, R2_IP, B_MAC, B_IP), 300))
# The request itself has no other port of red to flood to: it reaches
# the router only, which answered it (not a flood-empty drop).
# Exactly 1500 bytes with DF: fits, routed onto the trunk, tagged.
f = udp_len(1500, True)
c.send("a", f)
c.expect("t", tag(routed(f, R2_MAC, B_MAC), 300))
# 1501 bytes with DF: fragmentation needed, next-hop MTU 1500.
f = udp_len(1501, True)
c.send("a", f)
c.expect("a", icmp_error(f, R1_MAC, R1_IP, 3, 4, mtu=1500))
c.drops("ip4-mtu-exceeded")
# 1501 bytes without DF: no fragmentation here, dropped.
c.send("a", udp_len(1501, False))
c.drops("ip4-mtu-exceeded")
# And back from the trunk: B -> A, routed onto blue's access port.
f = scapy_pad(Ether(src=B_MAC, dst=R2_MAC) / IP(src=B_IP, dst=A_IP, ttl=3)
              / UDP(sport=7, dport=40000) / Raw(load=b"from the trunk"))
c.send("t", tag(f, 300))
c.expect("a", arp_request(R1_MAC, R1_IP, A_IP))
c.send("a", arp_reply(A_MAC, A_IP, R1_MAC, R1_IP))
c.expect("a", routed(f, R1_MAC, A_MAC))
c.finish()
