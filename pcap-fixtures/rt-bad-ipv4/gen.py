#!/usr/bin/python3
"""rt-bad-ipv4: IPv4 packets to the router with a bad header are dropped,
each with its reason; a good one is answered."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import ICMP, IP, Ether, Raw, RouterCase  # noqa: E402
from fixturelib import scapy_pad  # noqa: E402

TOPOLOGY = """
# rt-bad-ipv4: r1 on blue.
networks:
  - name: blue
ports:
  - {name: a, kind: pcap, network: blue}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
"""

R_MAC, R_IP = "02:00:00:00:01:01", "10.0.1.1"
A_MAC, A_IP = "02:00:00:00:0a:01", "10.0.1.10"


def echo(**ip):
    return bytes(Ether(src=A_MAC, dst=R_MAC) / IP(src=A_IP, dst=R_IP, id=3, **ip)
                 / ICMP(type=8, id=1, seq=1) / Raw(load=b"abcdefgh"))


good = echo()
c = RouterCase(__file__, TOPOLOGY)
# Header checksum off by one.
bad = bytearray(good)
bad[24] ^= 0x01
c.send("a", scapy_pad(bad))
c.drops("ip4-bad-checksum")
# Version 5 behind the IPv4 ethertype (checksum made valid for it).
c.send("a", scapy_pad(echo(version=5)))
c.drops("ip4-bad-version")
# IHL 4: the switch's frame check drops it before the router sees it.
c.send("a", scapy_pad(echo(ihl=4)))
c.drops("truncated")
# The good one gets its reply.
c.send("a", scapy_pad(good))
c.expect("a", bytes(Ether(src=R_MAC, dst=A_MAC) / IP(src=R_IP, dst=A_IP, id=3)
                    / ICMP(type=0, id=1, seq=1) / Raw(load=b"abcdefgh")))
c.finish()
