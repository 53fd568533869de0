#!/usr/bin/python3
"""flow-fragment: port keys never match a non-first IPv4 fragment (its
ports are absent, whatever its payload bytes); a first fragment has its
ports; IP keys match every fragment."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import IP, Case, Ether, Raw, scapy_pad, tcp, udp  # noqa: E402

TOPOLOGY = """
# flow-fragment: one network; ssh dropped; UDP from 10.0.20.66 dropped.
networks:
  - name: lan
ports:
  - {name: a, kind: pcap, network: lan}
  - {name: b, kind: pcap, network: lan}
flows:
  - {name: no-ssh, priority: 1, match: {ip_proto: tcp, tp_dst: 22}, action: drop}
  - {name: no-udp-66, priority: 1, match: {ip_proto: udp, ip_src: 10.0.20.66},
     action: drop}
"""

A, B = "02:00:00:00:20:0a", "02:00:00:00:20:0b"
IP_A, IP_B = "10.0.20.10", "10.0.20.11"


def later_fragment(proto, sip, payload):
    """A non-first fragment (offset 1480) of protocol proto."""
    return scapy_pad(Ether(src=A, dst=B)
                     / IP(src=sip, dst=IP_B, ttl=64, proto=proto, frag=185)
                     / Raw(load=payload))


# Bytes a reader taking them for ports would read as 40000 -> 22.
LOOKS_LIKE_SSH = bytes.fromhex("9c400016") + b"payload"

c = Case(__file__, TOPOLOGY)
c.send("b", udp(B, A, IP_B, IP_A, b"hello"), to=["a"])
c.send("a", tcp(A, B, IP_A, IP_B, 22), drop="flow-drop")
c.send("a", tcp(A, B, IP_A, IP_B, 22, flags="MF"), drop="flow-drop")
c.send("a", later_fragment(6, IP_A, LOOKS_LIKE_SSH), to=["b"])
c.send("a", tcp(A, B, IP_A, IP_B, 80, flags="MF"), to=["b"])
c.send("a", later_fragment(17, "10.0.20.66", LOOKS_LIKE_SSH), drop="flow-drop")
c.send("a", later_fragment(17, IP_A, LOOKS_LIKE_SSH), to=["b"])
c.finish()
