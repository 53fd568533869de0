#!/usr/bin/python3
"""rt-icmp-echo: echo requests to either of the router's addresses are
answered from the address asked, out of the interface they came in by."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rtlib import (A_IP, A_MAC, ICMP, IP, R1_IP, R1_MAC, R2_IP,  # noqa: E402
                   TWO_NETWORKS, Ether, Raw, RouterCase)
from fixturelib import scapy_pad  # noqa: E402

TOPOLOGY = "# rt-icmp-echo: r1 joins blue and red." + TWO_NETWORKS



def echo(src_mac, dst_mac, sip, dip, seq, payload, ttl=64, pad=True):
    pkt = (Ether(src=src_mac, dst=dst_mac) / IP(src=sip, dst=dip, ttl=ttl, id=7)
           / ICMP(type=8, id=0x4242, seq=seq) / Raw(load=payload))
    return scapy_pad(pkt) if pad else bytes(pkt)


def reply(src_mac, dst_mac, sip, dip, seq, payload):
    """The reply keeps the request's IP id, TTL 64, no Ethernet padding."""
    return bytes(Ether(src=src_mac, dst=dst_mac)
                 / IP(src=sip, dst=dip, ttl=64, id=7)
                 / ICMP(type=0, id=0x4242, seq=seq) / Raw(load=payload))


c = RouterCase(__file__, TOPOLOGY)
# A short echo (padded to 60 bytes on the wire); the reply is not padded.
c.send("a", echo(A_MAC, R1_MAC, A_IP, R1_IP, 1, b"hi", ttl=5))
c.expect("a", reply(R1_MAC, A_MAC, R1_IP, A_IP, 1, b"hi"))
# 56 bytes of data, as ping sends.
data = bytes(range(56))
c.send("a", echo(A_MAC, R1_MAC, A_IP, R1_IP, 2, data))
c.expect("a", reply(R1_MAC, A_MAC, R1_IP, A_IP, 2, data))
# The router's red address, asked from blue: answered from 10.0.2.1 on a.
c.send("a", echo(A_MAC, R1_MAC, A_IP, R2_IP, 3, data))
c.expect("a", reply(R1_MAC, A_MAC, R2_IP, A_IP, 3, data))
c.finish()
