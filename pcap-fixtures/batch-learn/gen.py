#!/usr/bin/python3
"""batch-learn: MACs are learned after the whole batch, so a frame to a MAC
first seen earlier in the SAME batch is still unknown (flooded); the next
batch sees it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# batch-learn: three access ports in one network.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: c, kind: pcap, network: lan}
"""

A1, IP_A1 = "02:00:00:00:0f:a1", "10.0.16.1"
A2, IP_A2 = "02:00:00:00:0f:a2", "10.0.16.2"
B, IP_B = "02:00:00:00:0f:0b", "10.0.16.11"

c = Case(__file__, TOPOLOGY)
# One batch from port a (same timestamp): A1 announces itself, then A2 (also
# behind a) sends to A1. A1 is not learned yet: flooded, not same-port.
c.send("a", arp(A1, BROADCAST, 1, A1, IP_A1, IP_A2), to=["b", "c"])
c.send("a", udp(A2, A1, IP_A2, IP_A1, b"same batch"), to=["b", "c"], same_ts=True)
# Next batch (1 ms later), same port: A1 is known on a now.
c.send("a", udp(A2, A1, IP_A2, IP_A1, b"next batch"), drop="same-port")
# From b, A1 and A2 are known unicast.
c.send("b", udp(B, A1, IP_B, IP_A1, b"b to a1"), to=["a"])
c.send("b", udp(B, A2, IP_B, IP_A2, b"b to a2"), to=["a"])
# One batch from b: B was learned in an earlier batch, so a frame from a
# second host behind b to B is same-port even inside the batch.
c.send("b", udp(B, BROADCAST, IP_B, "10.0.16.255", b"b bcast"), to=["a", "c"])
c.send("b", udp("02:00:00:00:0f:0c", B, "10.0.16.12", IP_B, b"b2 to b"),
       drop="same-port", same_ts=True)
c.finish()
