"""Helpers of the overlay fixtures (pcap-fixtures/ov-*).

Like the router's, an overlay case states every output frame itself (see
rtlib.py's RouterCase), built here from RFC 7348 and the overlay's
documented behaviour (README.md, "Overlay semantics"), never by running
the switch.
"""

import os
import sys

from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw  # noqa: F401

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixturelib import scapy_pad  # noqa: E402
from rtlib import BROADCAST, RouterCase, arp_reply, arp_request  # noqa: E402,F401

# The plan most overlay cases share: this host's VTEP 192.0.2.1 on port
# ul, network blue (VNI 1001, local ports a and b) stretched to the VTEPs
# 192.0.2.2 and 192.0.2.3 on the same subnet.
VTEP_MAC, VTEP_IP = "02:00:00:00:00:fe", "192.0.2.1"
PEER2_MAC, PEER2_IP = "02:00:00:00:02:fe", "192.0.2.2"
PEER3_MAC, PEER3_IP = "02:00:00:00:03:fe", "192.0.2.3"
A_MAC, B_MAC = "02:00:00:00:0a:01", "02:00:00:00:0b:01"
R_MAC = "02:00:00:00:0c:01"	# a host behind 192.0.2.2

TOPOLOGY = """
networks:
  - {name: blue, vni: 1001}
  - {name: red, vni: 2002}
ports:
  - {name: a, kind: pcap, network: blue}
  - {name: b, kind: pcap, network: blue}
  - {name: c, kind: pcap, network: red}
  - {name: ul, kind: pcap, mac: "02:00:00:00:00:fe"}
overlay:
  port: ul
  address: 192.0.2.1/24
  peers:
    - {vni: 1001, vteps: [192.0.2.2, 192.0.2.3]}
    - {vni: 2002, vteps: [192.0.2.3]}
"""

# The same plan with a third VTEP, 192.0.2.4, in blue's flood list.
PEER4_MAC, PEER4_IP = "02:00:00:00:04:fe", "192.0.2.4"
TOPOLOGY3 = TOPOLOGY.replace("vteps: [192.0.2.2, 192.0.2.3]",
                             "vteps: [192.0.2.2, 192.0.2.3, 192.0.2.4]")
PEERS3 = ((PEER2_MAC, PEER2_IP), (PEER3_MAC, PEER3_IP), (PEER4_MAC, PEER4_IP))


def crc32c_raw(data, crc):
    """rte_hash_crc(): the CRC-32C register update, no inversions."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc


def flow_port(inner):
    """The outer UDP source port of an inner frame (overlay/ov_node.c)."""
    h = crc32c_raw(inner[:14], 0)
    if len(inner) >= 14 + 24 and inner[12:14] == b"\x08\x00":
        h = crc32c_raw(inner[26:38], h)
    return 49152 + (h & 0x3FFF)


def vxlan(src_mac, dst_mac, sip, dip, vni, inner, sport=None, flags=0x08):
    """Outer Ethernet/IPv4 (TTL 64, id 0)/UDP (to 4789, checksum 0)/VXLAN."""
    inner = bytes(inner)
    if sport is None:
        sport = flow_port(inner)
    hdr = bytes([flags, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\x00"
    pkt = (Ether(src=src_mac, dst=dst_mac)
           / IP(src=sip, dst=dip, ttl=64, id=0, flags=0)
           / UDP(sport=sport, dport=4789, chksum=0) / Raw(load=hdr + inner))
    return bytes(pkt)


def to_peer(peer_mac, peer_ip, vni, inner):
    """What this VTEP sends to a peer."""
    return vxlan(VTEP_MAC, peer_mac, VTEP_IP, peer_ip, vni, inner)


def from_peer(peer_mac, peer_ip, vni, inner, **kw):
    """What a peer sends to this VTEP (any source port)."""
    return scapy_pad(Ether(vxlan(peer_mac, VTEP_MAC, peer_ip, VTEP_IP, vni,
                                 inner, sport=50000, **kw)))


def from_remote(c, f, peer=(PEER2_MAC, PEER2_IP), vni=1001, to=("a", "b")):
    """Frame `f` from behind a peer VTEP, decapsulated to the ports `to`."""
    c.send("ul", from_peer(peer[0], peer[1], vni, f))
    for port in to:
        c.expect(port, f)


def frame(src, dst, size=60, payload_byte=0x5A):
    """An Ethernet frame of `size` bytes with a local experimental type."""
    body = bytes([payload_byte]) * (size - 14)
    return bytes(Ether(src=src, dst=dst, type=0x88B5)) + body


def resolve_peers(c, peers=((PEER2_MAC, PEER2_IP), (PEER3_MAC, PEER3_IP))):
    """The VTEP asks for its peers when configured; the peers answer."""
    for _mac, ip in peers:
        c.expect("ul", arp_request(VTEP_MAC, VTEP_IP, ip))
    for mac, ip in peers:
        c.send("ul", arp_reply(mac, ip, VTEP_MAC, VTEP_IP))


class OverlayCase(RouterCase):
    """A stated-output case (the router fixtures' class, reused)."""
