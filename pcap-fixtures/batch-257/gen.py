#!/usr/bin/python3
"""batch-257: 257 frames with one timestamp from one port (two batches, 256 + 1)
are each delivered once, in order, for unicast and for flooding; learning
happens between the two batches."""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# batch-257: three access ports in one network.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
  - {name: c, kind: pcap, network: lan}
"""

A, IP_A = "02:00:00:00:0b:0a", "10.0.11.10"
B, IP_B = "02:00:00:00:0b:0b", "10.0.11.11"
C1, IP_C1 = "02:00:00:00:0b:c1", "10.0.11.21"
C2, IP_C2 = "02:00:00:00:0b:c2", "10.0.11.22"
N = 257


def seq_payload(kind, i):
    return kind + struct.pack("!I", i)


c = Case(__file__, TOPOLOGY)
# Learn B on b and A on a.
c.send("b", arp(B, BROADCAST, 1, B, IP_B, IP_A), to=["a", "c"])
c.send("a", arp(A, B, 2, A, IP_A, IP_B, hwdst=B), to=["b"])

# 257 unicast frames A -> B, one timestamp: each reaches b once, in order.
c.wait(1)
for i in range(N):
    c.send("a", udp(A, B, IP_A, IP_B, seq_payload(b"unicast seq ", i)),
           to=["b"], same_ts=(i > 0))

# 257 broadcasts from C1 (a MAC not seen before) on c, one timestamp, then
# one frame C2 -> C1 from c with the same timestamp. Batches: 256, then
# 2 (broadcast 257 and the C2 frame). C1 is learned after the first batch,
# so the C2 frame finds C1 on its own ingress port: same-port.
c.wait(1)
for i in range(N):
    c.send("c", udp(C1, BROADCAST, IP_C1, "10.0.11.255",
                    seq_payload(b"broadcast seq ", i)),
           to=["a", "b"], same_ts=(i > 0))
c.send("c", udp(C2, C1, IP_C2, IP_C1, b"c2 to c1, after batch 1"),
       drop="same-port", same_ts=True)
c.finish()
