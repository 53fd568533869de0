"""Helpers of the router fixtures (pcap-fixtures/rt-*).

The L2 model of fixturelib.py does not cover routers, so a router case
states every output frame itself: each one is built here with scapy from
the router's documented behaviour (pcap-fixtures/README.md, "Router
semantics"), never by running the router. A case is

    c = RouterCase(__file__, TOPOLOGY)
    c.send("a", frame)                 # into port a, 1 ms after the last
    c.expect("b", frame)               # must leave port b, in this order
    c.drops("ip4-bad-checksum", 1)     # counted at the end of the run
    c.finish()
"""

import collections
import os
import shutil
import sys

import yaml
from scapy.all import ARP, ICMP, IP, UDP, Ether, Raw  # noqa: F401

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixturelib import T0_US, FixtureError, pcap_write, scapy_pad  # noqa: E402

BROADCAST = "ff:ff:ff:ff:ff:ff"

# The plan most router cases share: r1 joins blue (host A on port a) and
# red (host B on port b).
R1_MAC, R1_IP = "02:00:00:00:01:01", "10.0.1.1"
R2_MAC, R2_IP = "02:00:00:00:02:01", "10.0.2.1"
A_MAC, A_IP = "02:00:00:00:0a:01", "10.0.1.10"
B_MAC, B_IP = "02:00:00:00:0b:01", "10.0.2.20"

TWO_NETWORKS = """
networks:
  - name: blue
  - name: red
ports:
  - {name: a, kind: pcap, network: blue}
  - {name: b, kind: pcap, network: red}
routers:
  - name: r1
    interfaces:
      - {network: blue, address: 10.0.1.1/24, mac: "02:00:00:00:01:01"}
      - {network: red, address: 10.0.2.1/24, mac: "02:00:00:00:02:01"}
"""


def arp_request(src_mac, src_ip, target_ip):
    """A broadcast ARP request, padded to 60 bytes."""
    return scapy_pad(Ether(src=src_mac, dst=BROADCAST)
                     / ARP(op=1, hwsrc=src_mac, psrc=src_ip, pdst=target_ip))


def arp_reply(src_mac, src_ip, dst_mac, dst_ip):
    """A unicast ARP reply, padded to 60 bytes."""
    return scapy_pad(Ether(src=src_mac, dst=dst_mac)
                     / ARP(op=2, hwsrc=src_mac, psrc=src_ip, hwdst=dst_mac,
                           pdst=dst_ip))


def ip_udp(src_mac, dst_mac, sip, dip, payload=b"", ttl=64, sport=40000,
           dport=7, ip_id=1, pad=True):
    """Ether/IPv4/UDP; padded to 60 bytes unless pad=False."""
    pkt = (Ether(src=src_mac, dst=dst_mac)
           / IP(src=sip, dst=dip, ttl=ttl, id=ip_id)
           / UDP(sport=sport, dport=dport) / Raw(load=payload))
    return scapy_pad(pkt) if pad else bytes(pkt)


def routed(frame, src_mac, dst_mac):
    """What the router makes of `frame`: new MACs, TTL - 1, checksum
    updated, Ethernet padding beyond the IP total length removed."""
    pkt = Ether(frame)
    ip = pkt[IP]
    total = ip.len
    out = bytes(Ether(src=src_mac, dst=dst_mac, type=0x0800)) + bytes(ip)[:total]
    ip2 = IP(out[14:])
    ip2.ttl -= 1
    del ip2.chksum
    return out[:14] + bytes(ip2)


def icmp_error(frame, router_mac, router_ip, icmp_type, code, mtu=0):
    """The ICMP error a router sends about `frame` (as received): to the
    frame's L2 source, from the ingress interface's address, TOS 0xc0,
    id 0, TTL 64, quoting the IP header and 8 bytes of payload."""
    pkt = Ether(frame)
    raw_ip = bytes(pkt[IP])
    ihl = (raw_ip[0] & 0xF) * 4
    total = int.from_bytes(raw_ip[2:4], "big")
    quote = raw_ip[:min(total, ihl + 8)]
    icmp = ICMP(type=icmp_type, code=code)
    if mtu:
        icmp.nexthopmtu = mtu
    return bytes(Ether(src=router_mac, dst=pkt.src)
                 / IP(src=router_ip, dst=pkt[IP].src, tos=0xC0, id=0, ttl=64)
                 / icmp / Raw(load=quote))


class RouterCase:
    """One router fixture: topology, inputs, stated outputs and drops."""

    def __init__(self, gen_file, topology_text):
        self.dir = os.path.dirname(os.path.abspath(gen_file))
        self.name = os.path.basename(self.dir)
        self.topology_text = topology_text.lstrip("\n")
        doc = yaml.safe_load(self.topology_text)
        self.ports = [p["name"] for p in doc["ports"]]
        for p in doc["ports"]:
            if p.get("kind") != "pcap":
                raise FixtureError(f"port {p['name']}: every fixture port is kind: pcap")
        self.t = T0_US
        self.inputs = collections.defaultdict(list)
        self.outputs = {p: [] for p in self.ports}
        self.drop_counts = collections.Counter()

    def wait(self, seconds):
        self.t += int(seconds * 1_000_000)

    def send(self, port, frame):
        if port not in self.ports:
            raise FixtureError(f"send on unknown port {port}")
        self.t += 1000
        self.inputs[port].append((self.t, bytes(frame)))

    def expect(self, port, frame):
        if port not in self.ports:
            raise FixtureError(f"expect on unknown port {port}")
        self.outputs[port].append((self.t, bytes(frame)))

    def drops(self, reason, count=1):
        self.drop_counts[reason] += count

    def finish(self, argv=None):
        argv = sys.argv[1:] if argv is None else argv
        out_dir = self.dir
        if argv[:1] == ["--out"] and len(argv) == 2:
            out_dir = argv[1]
        elif argv:
            raise SystemExit(f"usage: {sys.argv[0]} [--out DIR]")
        for sub in ("in", "expected"):
            shutil.rmtree(os.path.join(out_dir, sub), ignore_errors=True)
            os.makedirs(os.path.join(out_dir, sub))
        with open(os.path.join(out_dir, "topology.yaml"), "w") as f:
            f.write(self.topology_text)
        for port, recs in sorted(self.inputs.items()):
            pcap_write(os.path.join(out_dir, "in", f"{port}.pcap"), recs)
        for port, recs in self.outputs.items():
            pcap_write(os.path.join(out_dir, "expected", f"{port}.pcap"), recs)
        with open(os.path.join(out_dir, "expected", "drops.txt"), "w") as f:
            for reason in sorted(self.drop_counts):
                f.write(f"{reason} {self.drop_counts[reason]}\n")
        n_in = sum(len(v) for v in self.inputs.values())
        outs = " ".join(f"{p}={len(self.outputs[p])}" for p in self.ports)
        dr = " ".join(f"{r}={n}" for r, n in sorted(self.drop_counts.items())) or "none"
        print(f"{self.name}: in={n_in} out: {outs} drops: {dr}")


def flow_hash(src, dst, proto, sport, dport):
    """The router's ECMP hash of a 5-tuple (router/rt_priv.h rt_flow_hash);
    addresses as dotted strings, ports 0 when the packet has none."""
    m = 0xFFFFFFFF
    s = int.from_bytes(bytes(int(x) for x in src.split(".")), "big")
    d = int.from_bytes(bytes(int(x) for x in dst.split(".")), "big")
    h = (s * 0x9E3779B1) & m
    h ^= (d * 0x85EBCA77) & m
    h ^= (((sport << 16) | dport) * 0xC2B2AE3D) & m
    h ^= proto
    h ^= h >> 16
    return h
