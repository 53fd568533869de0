#!/usr/bin/python3
"""flow-mirror: UDP frames of network lan are copied to port mon; the
original is switched as usual (learned, flooded or unicast); other frames
are not copied."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# flow-mirror: lan has a, b, c; mon is a port of network tap, where the
# copies of lan's UDP frames go.
networks:
  - name: lan
  - name: tap
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: c, kind: pcap, network: lan}
  - {name: mon, kind: pcap, network: tap}
flows:
  - {name: copy-udp, priority: 1, network: lan, match: {ip_proto: udp},
     action: {mirror: mon}}
"""

A, B = "02:00:00:00:18:0a", "02:00:00:00:18:0b"
IP_A, IP_B = "10.0.18.10", "10.0.18.11"

c = Case(__file__, TOPOLOGY)
# ARP: not UDP, not copied.
c.send("b", arp(B, BROADCAST, 1, B, IP_B, IP_A), to=["a", "c"])
# Unknown A: flooded, and copied.
c.send("b", udp(B, A, IP_B, IP_A, b"flooded"), to=["a", "c", "mon"])
# A learned from the copied frame's original: unicast, and copied.
c.send("a", udp(A, B, IP_A, IP_B, b"unicast"), to=["b", "mon"])
c.send("b", udp(B, A, IP_B, IP_A, b"back"), to=["a", "mon"])
# Too big for mon: the copy is lost (counted as flow-too-big), the original
# goes on.
c.send("b", udp(B, A, IP_B, IP_A, bytes(1473)), to=["a"])
c.finish()
