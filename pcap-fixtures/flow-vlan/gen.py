#!/usr/bin/python3
"""flow-vlan: a rule on vlan 200 drops what arrives tagged 200 on either
trunk; red's untagged frames (access port) and VID 300 (blue) pass."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from fixturelib import Case, tag, udp  # noqa: E402

TOPOLOGY = """
# flow-vlan: trunks t1 and t2 carry red on VID 200 (t1) and 201 (t2), blue
# on 300; acc is red's access port.
networks:
  - name: red
  - name: blue
ports:
  - name: t1
    kind: pcap
    trunk: [{network: red, vlan: 200}, {network: blue, vlan: 300}]
  - name: t2
    kind: pcap
    trunk: [{network: red, vlan: 201}, {network: blue, vlan: 300}]
  - {name: acc, kind: pcap, network: red}
flows:
  - {name: no-vid-200, priority: 1, match: {vlan: 200}, action: drop}
"""

A, B = "02:00:00:00:22:0a", "02:00:00:00:22:0b"
IP_A, IP_B = "10.0.22.10", "10.0.22.11"

c = Case(__file__, TOPOLOGY)
# red from t1 (VID 200): dropped.
c.send("t1", tag(udp(A, B, IP_A, IP_B, b"red on 200"), 200), drop="flow-drop")
# red from t2 (VID 201) and from the access port: flooded, re-tagged.
frame = udp(A, B, IP_A, IP_B, b"red on 201")
c.send("t2", tag(frame, 201), to={"t1": tag(frame, 200), "acc": frame})
# (A was learned on t2 from the frame before.)
frame = udp(B, A, IP_B, IP_A, b"red untagged")
c.send("acc", frame, to={"t2": tag(frame, 201)})
# blue on VID 300 from t1: passes.
frame = udp(A, B, IP_A, IP_B, b"blue on 300")
c.send("t1", tag(frame, 300), to={"t2": tag(frame, 300)})
c.finish()
