#!/usr/bin/python3
"""runt-truncated: frames too short for their Ethernet, VLAN, IPv4 or ARP
header are dropped (runt / truncated); complete frames under 60 bytes are
forwarded as they are, without padding."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import (BROADCAST, Case, arp, icmp_echo, mac_bytes, tag,  # noqa: E402
                        udp)

TOPOLOGY = """
# runt-truncated: two access ports and a trunk (VID 10) in one network.
networks:
  - name: lan
ports:
  - {name: acc1, kind: pcap, network: lan}
  - {name: acc2, kind: pcap, network: lan}
  - name: trunk1
    kind: pcap
    trunk: [{network: lan, vlan: 10}]
"""

A, IP_A = "02:00:00:00:0a:0a", "10.0.10.10"
B, IP_B = "02:00:00:00:0a:0b", "10.0.10.11"
T, IP_T = "02:00:00:00:0a:0c", "10.0.10.12"


def set_ip_field(frame, offset, fmt, value):
    """Overwrite an IPv4 header field (offset from the start of IPv4) and,
    while the header is still 20 bytes, fix its checksum, so the field is
    the only thing wrong with the frame."""
    frame = bytearray(frame)
    struct.pack_into(fmt, frame, 14 + offset, value)
    if frame[14] == 0x45:
        struct.pack_into("!H", frame, 24, 0)
        words = struct.unpack("!10H", frame[14:34])
        total = sum(words)
        while total >> 16:
            total = (total & 0xFFFF) + (total >> 16)
        struct.pack_into("!H", frame, 24, ~total & 0xFFFF)
    return bytes(frame)


c = Case(__file__, TOPOLOGY)
# Learn B on acc2 first, so the later drops have somewhere to go if wrongly
# accepted.
c.send("acc2", arp(B, BROADCAST, 1, B, IP_B, IP_A), to=["acc1", "trunk1"])

# Runts: under 14 bytes, and a tagged frame under 18 bytes. The tagged one
# arrives on the trunk with a VID it carries, so only its length is wrong.
c.send("acc1", (mac_bytes(B) + mac_bytes(A))[:10], drop="runt")
c.send("acc1", mac_bytes(B) + mac_bytes(A)[:6] + b"\x08", drop="runt")   # 13 bytes
c.send("trunk1", mac_bytes(B) + mac_bytes(T) + struct.pack("!HH", 0x8100, 10),
       drop="runt")                                                     # 16 bytes
c.send("trunk1", mac_bytes(B) + mac_bytes(T) + struct.pack("!HHB", 0x8100, 10, 8),
       drop="runt")                                                     # 17 bytes

good = udp(A, B, IP_A, IP_B, b"complete ipv4")
# IPv4 header cut: 30-byte frame, only 16 bytes of IPv4.
c.send("acc1", good[:30], drop="truncated")
# Total-length 1000 in a 60-byte frame.
c.send("acc1", set_ip_field(good, 2, "!H", 1000), drop="truncated")
# IHL 4 (16-byte header: impossible).
c.send("acc1", set_ip_field(good, 0, "!B", 0x44), drop="truncated")
# IHL 15 (60-byte header) beyond the 46 bytes present.
c.send("acc1", set_ip_field(good, 0, "!B", 0x4F), drop="truncated")
# ARP cut to 20 bytes of payload (34-byte frame).
c.send("acc1", arp(A, BROADCAST, 1, A, IP_A, IP_B, pad_to=0)[:34], drop="truncated")
# Truncated IPv4 inside a tagged frame from the trunk: checked after the pop.
tf = udp(T, B, IP_T, IP_B, b"tagged too long")
c.send("trunk1", tag(set_ip_field(tf, 2, "!H", 1000), 10), drop="truncated")

# A valid 42-byte ARP request (no padding): forwarded as 42 bytes to the
# access port and as 46 bytes (tag pushed, still no padding) to the trunk.
f = arp(A, BROADCAST, 1, A, IP_A, IP_B, pad_to=0)
assert len(f) == 42
c.send("acc1", f, to={"acc2": f, "trunk1": tag(f, 10)})
# A valid 42-byte ICMP echo (IPv4 total-length 28) to learned B.
f = icmp_echo(A, B, IP_A, IP_B, pad_to=0)
assert len(f) == 42
c.send("acc1", f, to={"acc2": f})
# Padding beyond total-length is fine: the complete 60-byte frame passes.
c.send("acc1", good, to={"acc2": good})
c.finish()
