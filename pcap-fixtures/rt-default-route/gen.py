#!/usr/bin/python3
"""rt-default-route: 0.0.0.0/0 (which rte_lpm cannot hold) carries what no
other route does; a longer prefix still wins; without it, no route."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import RouterCase, arp_reply, arp_request, ip_udp, routed  # noqa: E402

TOPOLOGY = """
# rt-default-route: r1 joins blue (port a) and red, where gateway g1
# (port b) is the default route and g2 (port c) leads to 198.51.100.0/24.
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
      - {prefix: 0.0.0.0/0, via: [10.0.2.253]}
      - {prefix: 198.51.100.0/24, via: [10.0.2.254]}
"""

R1_MAC = "02:00:00:00:01:01"
R2_MAC, R2_IP = "02:00:00:00:02:01", "10.0.2.1"
A_MAC, A_IP = "02:00:00:00:0a:01", "10.0.1.10"
GW = [("10.0.2.253", "02:00:00:00:0c:01", "b"),
      ("10.0.2.254", "02:00:00:00:0c:02", "c")]

c = RouterCase(__file__, TOPOLOGY)
# The gateways introduce themselves (as in rt-ecmp).
for ip, mac, port in GW:
    req = arp_request(mac, ip, R2_IP)
    c.send(port, req)
    c.expect("c" if port == "b" else "b", req)
    c.expect("b", arp_reply(R2_MAC, R2_IP, mac, ip))
    c.expect("c", arp_reply(R2_MAC, R2_IP, mac, ip))
# Anywhere: the default route, to g1.
for dst in ("8.8.8.8", "203.0.113.9", "255.255.255.254"):
    f = ip_udp(A_MAC, R1_MAC, A_IP, dst, b"default")
    c.send("a", f)
    c.expect("b", routed(f, R2_MAC, GW[0][1]))
# The longer prefix wins over the default.
f = ip_udp(A_MAC, R1_MAC, A_IP, "198.51.100.7", b"specific")
c.send("a", f)
c.expect("c", routed(f, R2_MAC, GW[1][1]))
c.finish()
