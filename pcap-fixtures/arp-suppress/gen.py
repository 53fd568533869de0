#!/usr/bin/python3
"""arp-suppress: in a network with arp_suppress, an ARP request for an
address in a port's `ips` (a port with a `mac`) is answered by the switch
with that MAC, back to the asker, and goes nowhere else. Requests for
other addresses, probes (sender 0.0.0.0) and a network without
arp_suppress flood as usual."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import ARP, BROADCAST, Ether, RouterCase, arp_reply  # noqa: E402
from fixturelib import scapy_pad  # noqa: E402

A_MAC, B_MAC, C_MAC = "02:00:00:00:0a:01", "02:00:00:00:0b:01", "02:00:00:00:0c:01"
A_IP, B_IP = "10.0.0.1", "10.0.0.2"

TOPOLOGY = """# arp-suppress: blue suppresses ARP (a, b, c); red does not (d, e).
networks:
  - {name: blue, arp_suppress: true}
  - name: red
ports:
  - {name: a, kind: pcap, network: blue}
  - {name: b, kind: pcap, network: blue, mac: "02:00:00:00:0b:01", ips: [10.0.0.2]}
  - {name: c, kind: pcap, network: blue}
  - {name: d, kind: pcap, network: red}
  - {name: e, kind: pcap, network: red, mac: "02:00:00:00:0b:01", ips: [10.0.0.2]}
"""


def request(src_mac, src_ip, target_ip):
    return scapy_pad(Ether(src=src_mac, dst=BROADCAST)
                     / ARP(op=1, hwsrc=src_mac, psrc=src_ip, pdst=target_ip))


c = RouterCase(__file__, TOPOLOGY)
# Answered by the switch for b: only a sees anything.
c.send("a", request(A_MAC, A_IP, B_IP))
c.expect("a", arp_reply(B_MAC, B_IP, A_MAC, A_IP))
# An address no port has: flooded.
q = request(A_MAC, A_IP, "10.0.0.9")
c.send("a", q)
c.expect("b", q)
c.expect("c", q)
# A probe for b's address (RFC 5227): flooded, so b can defend it.
q = scapy_pad(Ether(src=C_MAC, dst=BROADCAST)
              / ARP(op=1, hwsrc=C_MAC, psrc="0.0.0.0", pdst=B_IP))
c.send("c", q)
c.expect("a", q)
c.expect("b", q)
# red does not suppress: flooded to e, which answers itself.
q = request(A_MAC, A_IP, B_IP)
c.send("d", q)
c.expect("e", q)
c.finish()
