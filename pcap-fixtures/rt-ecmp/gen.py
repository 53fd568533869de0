#!/usr/bin/python3
"""rt-ecmp: a route with two next hops spreads flows by the 5-tuple hash,
each flow always on one; a longer prefix with one next hop wins."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import (RouterCase, arp_reply, arp_request, flow_hash,  # noqa: E402
                   ip_udp, routed)

TOPOLOGY = """
# rt-ecmp: r1 joins blue (port a) and red, where gateways g1 (port b) and
# g2 (port c) lead to 198.51.100.0/24.
networks:
  - name: blue
  - name: red
ports:
  - {name: a, kind: pcap, network: blue}
  - {name: b, kind: pcap, network: red}
  - {name: c, kind: pcap, network: red}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
      - {network: red, address: 10.0.2.1/24, mac: "02:00:00:00:02:01"}
    routes:
      - {prefix: 198.51.100.0/24, via: [10.0.2.253, 10.0.2.254]}
      - {prefix: 198.51.100.128/25, via: [10.0.2.254]}
"""

R1_MAC = "02:00:00:00:01:01"
R2_MAC, R2_IP = "02:00:00:00:02:01", "10.0.2.1"
A_MAC, A_IP = "02:00:00:00:0a:01", "10.0.1.10"
GW = [("10.0.2.253", "02:00:00:00:0c:01", "b"),
      ("10.0.2.254", "02:00:00:00:0c:02", "c")]

c = RouterCase(__file__, TOPOLOGY)
# The gateways ask for r1: r1 answers and learns them; the requests flood
# to the other red port. The switch learns a gateway's MAC after the batch
# of its request, so r1's answer floods to both red ports.
for ip, mac, port in GW:
    req = arp_request(mac, ip, R2_IP)
    c.send(port, req)
    c.expect("c" if port == "b" else "b", req)
    c.expect("b", arp_reply(R2_MAC, R2_IP, mac, ip))
    c.expect("c", arp_reply(R2_MAC, R2_IP, mac, ip))

# 64 UDP flows to 198.51.100.7, twice each: the second packet of a flow
# takes the path of the first.
used = set()
for rnd in range(2):
    for i in range(64):
        sport = 20000 + i
        f = ip_udp(A_MAC, R1_MAC, A_IP, "198.51.100.7", b"flow %d" % i,
                   sport=sport, dport=5001)
        gw_ip, gw_mac, port = GW[flow_hash(A_IP, "198.51.100.7", 17, sport, 5001) % 2]
        used.add(port)
        c.send("a", f)
        c.expect(port, routed(f, R2_MAC, gw_mac))
assert used == {"b", "c"}, "the flows must use both next hops"
# 198.51.100.200 is in the /25: always g2, whatever the flow.
for i in range(8):
    f = ip_udp(A_MAC, R1_MAC, A_IP, "198.51.100.200", b"lpm %d" % i,
               sport=30000 + i)
    c.send("a", f)
    c.expect("c", routed(f, R2_MAC, GW[1][1]))
c.finish()
