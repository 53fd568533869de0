#!/usr/bin/python3
"""rt-arp-reply: the router answers ARP requests for its address only."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import RouterCase, arp_reply, arp_request  # noqa: E402

TOPOLOGY = """
# rt-arp-reply: r1 on network blue, two hosts' ports.
networks:
  - name: blue
ports:
  - {name: a, kind: pcap, network: blue}
  - {name: b, kind: pcap, network: blue}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
"""

R_MAC, R_IP = "02:00:00:00:01:01", "10.0.1.1"
A_MAC, A_IP = "02:00:00:00:0a:01", "10.0.1.10"
B_MAC, B_IP = "02:00:00:00:0b:01", "10.0.1.20"

c = RouterCase(__file__, TOPOLOGY)
# A asks for the router: the broadcast still floods to b; r1 answers A.
# The answer goes through the switch, which learns A only after this
# batch: the answer floods to both ports.
req = arp_request(A_MAC, A_IP, R_IP)
c.send("a", req)
c.expect("b", req)
rep = arp_reply(R_MAC, R_IP, A_MAC, A_IP)
c.expect("a", rep)
c.expect("b", rep)
# A asks for B: flooded to b; not the router's address, its copy is dropped.
req = arp_request(A_MAC, A_IP, B_IP)
c.send("a", req)
c.expect("b", req)
c.drops("not-for-router")
# A asks again, now known on a: the answer goes to a only.
req = arp_request(A_MAC, A_IP, R_IP)
c.send("a", req)
c.expect("b", req)
c.expect("a", arp_reply(R_MAC, R_IP, A_MAC, A_IP))
c.finish()
