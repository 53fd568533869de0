#!/usr/bin/python3
"""rt-vrf-isolation: two routers with the same addresses, prefixes and
MACs on separate networks: each routes only between its own networks."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import RouterCase, arp_reply, arp_request, ip_udp, routed  # noqa: E402

TOPOLOGY = """
# rt-vrf-isolation: r1 joins blue1/red1, r2 joins blue2/red2, same plan.
networks:
  - name: blue1
  - name: blue2
  - name: red1
  - name: red2
ports:
  - {name: a1, kind: pcap, network: blue1}
  - {name: a2, kind: pcap, network: blue2}
  - {name: b1, kind: pcap, network: red1}
  - {name: b2, kind: pcap, network: red2}
routers:
  - name: r1
    interfaces:
      - {network: blue1, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
      - {network: red1, address: 10.0.2.1/24, mac: "02:00:00:00:02:01"}
  - name: r2
    interfaces:
      - {network: blue2, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
      - {network: red2, address: 10.0.2.1/24, mac: "02:00:00:00:02:01"}
"""

R1_MAC = "02:00:00:00:01:01"
R2_MAC, R2_IP = "02:00:00:00:02:01", "10.0.2.1"
A_MAC, A_IP = "02:00:00:00:0a:01", "10.0.1.10"
B_IP = "10.0.2.20"
B1_MAC, B2_MAC = "02:00:00:00:0b:01", "02:00:00:00:0b:02"

c = RouterCase(__file__, TOPOLOGY)
# Tenant 1: resolved and routed on red1 only.
f1 = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"tenant one")
c.send("a1", f1)
c.expect("b1", arp_request(R2_MAC, R2_IP, B_IP))
c.send("b1", arp_reply(B1_MAC, B_IP, R2_MAC, R2_IP))
c.expect("b1", routed(f1, R2_MAC, B1_MAC))
# Tenant 2, same addresses: r2 knows nothing of B1; it resolves on red2.
f2 = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"tenant two")
c.send("a2", f2)
c.expect("b2", arp_request(R2_MAC, R2_IP, B_IP))
c.send("b2", arp_reply(B2_MAC, B_IP, R2_MAC, R2_IP))
c.expect("b2", routed(f2, R2_MAC, B2_MAC))
# Both neighbors known now: each tenant's packet to 10.0.2.20 stays home.
f1 = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"one again")
c.send("a1", f1)
c.expect("b1", routed(f1, R2_MAC, B1_MAC))
f2 = ip_udp(A_MAC, R1_MAC, A_IP, B_IP, b"two again")
c.send("a2", f2)
c.expect("b2", routed(f2, R2_MAC, B2_MAC))
c.finish()
