#!/usr/bin/python3
"""trunk-to-trunk: two trunks carry the same networks with different VIDs;
a frame crossing from one to the other is re-tagged with the egress trunk's
VID of that network."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import BROADCAST, Case, arp, tag, udp  # noqa: E402

TOPOLOGY = """
# trunk-to-trunk: blue is VID 100 on t1 and VID 300 on t2; red is VID 200 on
# t1 and VID 400 on t2; blue also has an access port.
networks:
  - name: blue
  - name: red
ports:
  - name: t1
    kind: pcap
    trunk: [{network: blue, vlan: 100}, {network: red, vlan: 200}]
  - name: t2
    kind: pcap
    trunk: [{network: blue, vlan: 300}, {network: red, vlan: 400}]
  - {name: blue-acc, kind: pcap, network: blue}
"""

X, IP_X = "02:00:00:00:0e:01", "10.0.15.1"     # behind t1
Y, IP_Y = "02:00:00:00:0e:02", "10.0.15.2"     # behind t2
Z, IP_Z = "02:00:00:00:0e:03", "10.0.15.3"     # on blue-acc

c = Case(__file__, TOPOLOGY)
# blue broadcast from t1 (VID 100): out t2 with VID 300, out blue-acc untagged.
f = arp(X, BROADCAST, 1, X, IP_X, IP_Y)
c.send("t1", tag(f, 100), to={"t2": tag(f, 300), "blue-acc": f})
# blue unicast back from t2 (VID 300): to t1 with VID 100.
f = arp(Y, X, 2, Y, IP_Y, IP_X, hwdst=X)
c.send("t2", tag(f, 300), to={"t1": tag(f, 100)})
# red broadcast from t2 (VID 400): out t1 with VID 200 only.
f = arp(Y, BROADCAST, 1, Y, IP_Y, IP_X)
c.send("t2", tag(f, 400), to={"t1": tag(f, 200)})
# red unicast from t1 (VID 200) to Y, learned on t2 in red: VID 400.
f = udp(X, Y, IP_X, IP_Y, b"red x to y")
c.send("t1", tag(f, 200), to={"t2": tag(f, 400)})
# blue unicast from the access port to X (t1) and Y (t2).
f = udp(Z, X, IP_Z, IP_X, b"blue z to x")
c.send("blue-acc", f, to={"t1": tag(f, 100)})
f = udp(Z, Y, IP_Z, IP_Y, b"blue z to y")
c.send("blue-acc", f, to={"t2": tag(f, 300)})
# t2 with t1's VIDs (100, 200): not carried by t2.
c.send("t2", tag(udp(Y, X, IP_Y, IP_X, b"wrong vid"), 100), drop="unknown-vlan")
c.send("t2", tag(udp(Y, X, IP_Y, IP_X, b"wrong vid"), 200), drop="unknown-vlan")
c.finish()
