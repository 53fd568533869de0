#!/usr/bin/python3
"""isolation: two networks using the SAME MAC addresses; traffic and learning
of one never reach the other."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, udp  # noqa: E402

TOPOLOGY = """
# isolation: networks blue and red, two access ports each.
networks:
  - name: blue
  - name: red
ports:
  - {name: blue-a, kind: pcap, network: blue}
  - {name: blue-b, kind: pcap, network: blue}
  - {name: red-a, kind: pcap, network: red}
  - {name: red-b, kind: pcap, network: red}
"""

# The same two hosts exist in both networks (e.g. two tenants' clones).
X, Y = "02:00:00:00:02:01", "02:00:00:00:02:02"
IP_X, IP_Y = "10.0.2.1", "10.0.2.2"

c = Case(__file__, TOPOLOGY)
# blue: X on blue-a broadcasts; only blue-b gets it.
c.send("blue-a", arp(X, BROADCAST, 1, X, IP_X, IP_Y), to=["blue-b"])
# red: Y on red-a sends to X. X is known in blue (on blue-a), not in red:
# flooded inside red (red-b), never to blue-a.
c.send("red-a", udp(Y, X, IP_Y, IP_X, b"red y to x"), to=["red-b"])
# red: X sits on red-b in red; answers Y (learned on red-a).
c.send("red-b", udp(X, Y, IP_X, IP_Y, b"red x to y"), to=["red-a"])
# blue: Y on blue-b sends to X: X is still on blue-a in blue (red's X on
# red-b did not move it).
c.send("blue-b", udp(Y, X, IP_Y, IP_X, b"blue y to x"), to=["blue-a"])
# blue: X answers Y, learned on blue-b in blue (not red-a).
c.send("blue-a", udp(X, Y, IP_X, IP_Y, b"blue x to y"), to=["blue-b"])
# red: Y to X goes to red-b (X's red port), not blue-a.
c.send("red-a", udp(Y, X, IP_Y, IP_X, b"red y to x again"), to=["red-b"])
# A broadcast in red stays in red.
c.send("red-b", arp(X, BROADCAST, 1, X, IP_X, "10.0.2.99"), to=["red-a"])
c.finish()
