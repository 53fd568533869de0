#!/usr/bin/python3
"""trunk-tags: 802.1Q tags are pushed toward a trunk with each network's VID
and popped from it; untagged and unknown-VID frames on the trunk are dropped."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, tag, udp  # noqa: E402

TOPOLOGY = """
# trunk-tags: one trunk carrying blue (VID 100) and red (VID 200), access
# ports in each network.
networks:
  - name: blue
  - name: red
ports:
  - name: uplink
    kind: pcap
    trunk: [{network: blue, vlan: 100}, {network: red, vlan: 200}]
  - {name: blue1, kind: pcap, network: blue}
  - {name: blue2, kind: pcap, network: blue}
  - {name: red1, kind: pcap, network: red}
"""

A, IP_A = "02:00:00:00:06:0a", "10.0.6.10"     # blue, on blue1
B, IP_B = "02:00:00:00:06:0b", "10.0.6.11"     # blue, behind the trunk
R, IP_R = "02:00:00:00:06:1a", "10.0.7.10"     # red, on red1
S, IP_S = "02:00:00:00:06:1b", "10.0.7.11"     # red, behind the trunk

c = Case(__file__, TOPOLOGY)
# Access -> trunk: the tag of the frame's network is pushed (60 -> 64 bytes).
f = arp(A, BROADCAST, 1, A, IP_A, IP_B)
c.send("blue1", f, to={"blue2": f, "uplink": tag(f, 100)})
f = arp(R, BROADCAST, 1, R, IP_R, IP_S)
c.send("red1", f, to={"uplink": tag(f, 200)})
# Trunk -> access: the tag is popped (64 -> 60 bytes), VID picks the network.
f = arp(B, A, 2, B, IP_B, IP_A, hwdst=A)
c.send("uplink", tag(f, 100), to={"blue1": f})
f = arp(S, R, 2, S, IP_S, IP_R, hwdst=R)
c.send("uplink", tag(f, 200), to={"red1": f})
# Known unicast toward the trunk, per network.
f = udp(A, B, IP_A, IP_B, b"blue a to b")
c.send("blue1", f, to={"uplink": tag(f, 100)})
f = udp(R, S, IP_R, IP_S, b"red r to s")
c.send("red1", f, to={"uplink": tag(f, 200)})
# A broadcast from the trunk in blue floods to both blue access ports only.
f = arp(B, BROADCAST, 1, B, IP_B, "10.0.6.99")
c.send("uplink", tag(f, 100), to={"blue1": f, "blue2": f})
# Same MAC B in red (VID 200): unknown there, flooded in red only.
f = udp(S, B, IP_S, IP_B, b"red s to b, unknown in red")
c.send("uplink", tag(f, 200), to={"red1": f})
# VID 300 is not carried by the trunk.
c.send("uplink", tag(udp(B, A, IP_B, IP_A, b"vid 300"), 300), drop="unknown-vlan")
c.send("uplink", tag(arp(B, BROADCAST, 1, B, IP_B, IP_A), 300), drop="unknown-vlan")
# Untagged on the trunk.
c.send("uplink", udp(B, A, IP_B, IP_A, b"untagged on trunk"), drop="untagged-on-trunk")
# The trunk still works afterwards.
f = udp(B, A, IP_B, IP_A, b"blue b to a")
c.send("uplink", tag(f, 100), to={"blue1": f})
c.finish()
