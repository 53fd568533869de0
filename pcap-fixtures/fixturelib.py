"""Shared helpers of the Switchyard pcap fixtures.

A case's gen.py describes a topology and the frames sent into it, each with
the fate the author expects ("to these ports" or "dropped for this reason").
This module then

  1. runs an independent model of the L2 switch (the replay semantics written
     down in pcap-fixtures/README.md) over the inputs,
  2. checks that the model agrees with every fate the author stated by hand,
     so a fixture is two oracles that must agree, not one,
  3. writes topology.yaml, in/<port>.pcap, expected/<port>.pcap (for every
     port) and expected/drops.txt.

The model refuses situations the specification leaves open (a frame that
breaks two rules whose order is not specified, an 802.1ad tag on a trunk, a
PCP bit that a pop would lose, ...) so that no fixture depends on a guess.

Run with /usr/bin/python3 (Debian's python3-scapy); the python3 on PATH may
be a build without scapy.
"""

import collections
import ipaddress
import os
import re
import shutil
import struct
import sys

import yaml
from scapy.all import ARP, ICMP, IP, TCP, UDP, Ether, IPv6, Padding, Raw  # noqa: F401

# Every case starts at the same instant: 2023-11-14 22:13:20 UTC.
T0_US = 1_700_000_000 * 1_000_000
BATCH_MAX = 256
MIN_FRAME = 60
# Largest frame a replay port sends (MTU 1500 + Ethernet header), for the
# flow table's output and mirror.
PORT_MAX_FRAME = 1514

DROP_REASONS = (
    "arp-spoof",
    "flood-empty",
    "flow-drop",
    "flow-too-big",
    "runt",
    "same-port",
    "src-ip-spoof",
    "src-mac-multicast",
    "src-mac-spoof",
    "truncated",
    "unknown-vlan",
    "untagged-on-trunk",
    "vlan-on-access",
)

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,30}$")
BROADCAST = "ff:ff:ff:ff:ff:ff"
ETH_IP4, ETH_ARP, ETH_IP6 = 0x0800, 0x0806, 0x86DD
TPID_8021Q, TPID_8021AD = 0x8100, 0x88A8


class FixtureError(Exception):
    """The fixture is wrong or depends on something the spec leaves open."""


# ---------------------------------------------------------------- pcap files

PCAP_MAGIC = 0xA1B2C3D4
PCAP_SNAPLEN = 65535
LINKTYPE_ETHERNET = 1


def pcap_write(path, records):
    """Write classic little-endian pcap (usec, snaplen 65535, Ethernet).

    records: iterable of (timestamp in microseconds, frame bytes).
    """
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0,
                            PCAP_SNAPLEN, LINKTYPE_ETHERNET))
        for ts, data in records:
            f.write(struct.pack("<IIII", ts // 1_000_000, ts % 1_000_000,
                                len(data), len(data)))
            f.write(data)


def pcap_read(path):
    """Read a pcap written by pcap_write(); returns [(ts_us, bytes)].

    Raises FixtureError on anything but the exact format the fixtures use.
    """
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 24:
        raise FixtureError(f"{path}: shorter than a pcap header")
    magic, vmaj, vmin, _zone, _sig, snap, link = struct.unpack_from("<IHHiIII", blob)
    if magic != PCAP_MAGIC:
        raise FixtureError(f"{path}: magic {magic:#x} is not little-endian usec pcap")
    if (vmaj, vmin) != (2, 4) or snap != PCAP_SNAPLEN or link != LINKTYPE_ETHERNET:
        raise FixtureError(f"{path}: want pcap 2.4, snaplen 65535, linktype 1; "
                           f"got {vmaj}.{vmin}, {snap}, {link}")
    out, off = [], 24
    while off < len(blob):
        if off + 16 > len(blob):
            raise FixtureError(f"{path}: record header cut at offset {off}")
        sec, usec, incl, orig = struct.unpack_from("<IIII", blob, off)
        off += 16
        if incl != orig or off + incl > len(blob) or usec >= 1_000_000:
            raise FixtureError(f"{path}: bad record at offset {off - 16}")
        out.append((sec * 1_000_000 + usec, blob[off:off + incl]))
        off += incl
    return out


# ------------------------------------------------------------ frame builders

def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def pad(frame, size=MIN_FRAME):
    """Zero-pad a frame to `size` bytes (Ethernet minimum without FCS)."""
    frame = bytes(frame)
    return frame + bytes(max(0, size - len(frame)))


def scapy_pad(pkt, size=MIN_FRAME):
    """Pad a scapy packet with an explicit Padding layer; returns bytes."""
    short = size - len(pkt)
    if short > 0:
        pkt = pkt / Padding(load=bytes(short))
    return bytes(pkt)


def udp(src, dst, sip, dip, payload=b"", sport=40000, dport=7):
    """Ether/IPv4/UDP, padded to 60 bytes."""
    return scapy_pad(Ether(src=src, dst=dst) / IP(src=sip, dst=dip, ttl=64)
                     / UDP(sport=sport, dport=dport) / Raw(load=payload))


def tcp(src, dst, sip, dip, dport, sport=40000, payload=b"", **ip):
    """Ether/IPv4/TCP SYN, padded to 60 bytes; `ip` goes to scapy's IP()."""
    return scapy_pad(Ether(src=src, dst=dst) / IP(src=sip, dst=dip, ttl=64, **ip)
                     / TCP(sport=sport, dport=dport, flags="S")
                     / Raw(load=payload))


def icmp_echo(src, dst, sip, dip, seq=1, payload=b"", pad_to=MIN_FRAME):
    """Ether/IPv4/ICMP echo request; padded to `pad_to` (0: no padding)."""
    pkt = (Ether(src=src, dst=dst) / IP(src=sip, dst=dip, ttl=64)
           / ICMP(type=8, id=0x5959, seq=seq) / Raw(load=payload))
    return scapy_pad(pkt, pad_to) if pad_to else bytes(pkt)


def arp(src, dst, op, hwsrc, psrc, pdst, hwdst="00:00:00:00:00:00", pad_to=MIN_FRAME):
    """Ether/ARP (op 1 request, 2 reply); padded to `pad_to` (0: 42 bytes)."""
    pkt = Ether(src=src, dst=dst) / ARP(op=op, hwsrc=hwsrc, psrc=psrc,
                                        hwdst=hwdst, pdst=pdst)
    return scapy_pad(pkt, pad_to) if pad_to else bytes(pkt)


def udp6(src, dst, sip, dip, payload=b"", sport=40000, dport=7):
    """Ether/IPv6/UDP, padded to 60 bytes (it is longer anyway)."""
    return scapy_pad(Ether(src=src, dst=dst) / IPv6(src=sip, dst=dip, hlim=1)
                     / UDP(sport=sport, dport=dport) / Raw(load=payload))


def tag(frame, vid, tpid=TPID_8021Q, pcp=0):
    """Insert a VLAN tag right after the source MAC."""
    frame = bytes(frame)
    return frame[:12] + struct.pack("!HH", tpid, (pcp << 13) | vid) + frame[12:]


def untag(frame):
    """Remove the outer VLAN tag."""
    return bytes(frame[:12]) + bytes(frame[16:])


# ----------------------------------------------------------------- topology

NET_KEYS = {"name", "mac_limit", "ageing"}
FLOW_KEYS = {"name", "priority", "network", "match", "action"}
MATCH_KEYS = {"in_port", "eth_src", "eth_dst", "eth_type", "vlan", "ip_src",
              "ip_dst", "ip_proto", "tp_src", "tp_dst"}
IP_PROTOS = {"icmp": 1, "tcp": 6, "udp": 17}
PORT_KEYS = {"name", "kind", "network", "trunk", "mac", "ips", "security"}


class Topology:
    """The part of topology schema v1 that the L2 model covers."""

    def __init__(self, text):
        doc = yaml.safe_load(text)
        if set(doc) - {"networks", "ports", "flows"}:
            raise FixtureError(f"model covers networks, ports and flows only, "
                               f"not {sorted(set(doc) - {'networks', 'ports', 'flows'})}")
        self.networks = {}
        for n in doc["networks"]:
            self._keys(n, NET_KEYS, "network")
            name = self._name(n["name"])
            if name in self.networks:
                raise FixtureError(f"duplicate network {name}")
            self.networks[name] = {
                "ageing": int(n.get("ageing", 300)),
                "mac_limit": int(n.get("mac_limit", 65536)),
            }
        self.ports = {}         # name -> dict, in topology order
        for p in doc["ports"]:
            self._keys(p, PORT_KEYS, "port")
            name = self._name(p["name"])
            if name in self.ports:
                raise FixtureError(f"duplicate port {name}")
            if p.get("kind") != "pcap":
                raise FixtureError(f"port {name}: every fixture port is kind: pcap")
            if ("network" in p) == ("trunk" in p):
                raise FixtureError(f"port {name}: needs network or trunk, not both")
            if not isinstance(p.get("mac", ""), str):
                raise FixtureError(f"port {name}: quote the MAC (YAML 1.1 reads "
                                   "52:54:00:00:01:01 as a base-60 number)")
            port = {
                "access": p.get("network"),
                "vlans": {},        # trunk: vid -> network
                "vid_of": {},       # trunk: network -> vid
                "mac": mac_bytes(p["mac"]) if "mac" in p else None,
                "ips": {ipaddress.IPv4Address(i).packed for i in p.get("ips", [])},
                "has_ips": "ips" in p,
                "security": bool(p.get("security", False)),
            }
            if port["access"] is not None and port["access"] not in self.networks:
                raise FixtureError(f"port {name}: no network {port['access']}")
            for t in p.get("trunk", []):
                net, vid = t["network"], int(t["vlan"])
                if net not in self.networks or not 1 <= vid <= 4094:
                    raise FixtureError(f"port {name}: bad trunk entry {t}")
                if vid in port["vlans"] or net in port["vid_of"]:
                    raise FixtureError(f"port {name}: vlan or network twice in trunk")
                port["vlans"][vid] = net
                port["vid_of"][net] = vid
            self.ports[name] = port
        self.flows = [self._flow(f) for f in doc.get("flows", [])]

    def _flow(self, f):
        self._keys(f, FLOW_KEYS, "flow")
        match = dict(f.get("match") or {})
        if set(match) - MATCH_KEYS:
            raise FixtureError(f"flow {f['name']}: match keys "
                               f"{sorted(set(match) - MATCH_KEYS)} are not covered")
        for key in ("eth_src", "eth_dst"):
            if key in match:
                match[key] = mac_bytes(match[key])
        for key in ("ip_src", "ip_dst"):
            if key in match:
                match[key] = ipaddress.IPv4Network(match[key], strict=False)
        if "ip_proto" in match:
            match["ip_proto"] = IP_PROTOS.get(match["ip_proto"], match["ip_proto"])
        for key in ("tp_src", "tp_dst"):
            if key in match:
                lo, _, hi = str(match[key]).partition("-")
                match[key] = (int(lo), int(hi or lo))
        action = f["action"]
        if isinstance(action, dict):
            (kind, port), = action.items()
            if port not in self.ports:
                raise FixtureError(f"flow {f['name']}: no port {port}")
            action = (kind, port)
        net = f.get("network")
        if net is not None and net not in self.networks:
            raise FixtureError(f"flow {f['name']}: no network {net}")
        return {"name": f["name"], "priority": int(f["priority"]),
                "network": net, "match": match, "action": action}

    @staticmethod
    def _keys(obj, allowed, what):
        extra = set(obj) - allowed
        if extra:
            raise FixtureError(f"{what} {obj.get('name')}: keys {sorted(extra)} "
                               "are not covered by the model")

    @staticmethod
    def _name(name):
        if not NAME_RE.match(name):
            raise FixtureError(f"bad name {name!r}")
        return name

    def members(self, net):
        """Ports of a network, in topology order."""
        return [n for n, p in self.ports.items()
                if p["access"] == net or net in p["vid_of"]]


# -------------------------------------------------------------------- model

def _ingress(topo, port_name, frame):
    """Ingress checks of one frame.

    Returns (network, untagged frame) or (None, drop reason).
    """
    port = topo.ports[port_name]
    if len(frame) < 14:
        return None, "runt"
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    tagged = ethertype in (TPID_8021Q, TPID_8021AD)
    if tagged and len(frame) < 18:
        return None, "runt"

    # Each rule below is evaluated on its own; a frame breaking several
    # rules whose order the spec does not fix is refused as ambiguous.
    broken = []
    if port["access"] is not None:
        net = port["access"]
        inner = frame
        if tagged:
            broken.append("vlan-on-access")
            inner = untag(frame)
    else:
        if not tagged:
            broken.append("untagged-on-trunk")
            net, inner = None, frame
        else:
            if ethertype != TPID_8021Q:
                raise FixtureError("802.1ad tag on a trunk: not specified")
            tci = struct.unpack_from("!H", frame, 14)[0]
            if tci >> 12:
                raise FixtureError("PCP/DEI set on a trunk frame: pop would lose it")
            net = port["vlans"].get(tci & 0xFFF)
            if net is None:
                broken.append("unknown-vlan")
            inner = untag(frame)
    if len(inner) >= 14 and struct.unpack_from("!H", inner, 12)[0] in (TPID_8021Q, TPID_8021AD):
        # QinQ on an access port: the outer tag alone decides.
        if broken == ["vlan-on-access"] and not port["security"] and not inner[6] & 1:
            return None, "vlan-on-access"
        raise FixtureError("double-tagged frame: not specified")

    inner_type = struct.unpack_from("!H", inner, 12)[0] if len(inner) >= 14 else None
    l3 = inner[14:]
    if inner_type == ETH_IP4:
        if len(l3) < 20:
            broken.append("truncated")
        else:
            if l3[0] >> 4 != 4:
                raise FixtureError("IPv4 ethertype with version != 4: not specified")
            ihl = (l3[0] & 0xF) * 4
            total = struct.unpack_from("!H", l3, 2)[0]
            if ihl < 20 or ihl > len(l3) or total > len(l3):
                broken.append("truncated")
            elif total < ihl:
                raise FixtureError("IPv4 total-length below header length: not specified")
    elif inner_type == ETH_ARP and len(l3) < 28:
        broken.append("truncated")

    complete = "truncated" not in broken
    src = inner[6:12]
    if port["security"] and complete and len(inner) >= 14:
        if port["mac"] is not None and src != port["mac"]:
            broken.append("src-mac-spoof")
        elif inner_type == ETH_IP4:
            if not port["has_ips"]:
                raise FixtureError("security without ips on an IPv4 frame: not specified")
            if l3[12:16] not in port["ips"]:
                broken.append("src-ip-spoof")
        elif inner_type == ETH_ARP:
            if not port["has_ips"]:
                raise FixtureError("security without ips on an ARP frame: not specified")
            sha, spa = l3[8:14], l3[14:18]
            if (spa not in port["ips"] and spa != bytes(4)) or \
                    (port["mac"] is not None and sha != port["mac"]):
                broken.append("arp-spoof")
    if src[0] & 1:
        broken.append("src-mac-multicast")

    if len(broken) > 1:
        raise FixtureError(f"frame breaks {broken}: order not specified")
    if broken:
        return None, broken[0]
    return net, inner


def _flow_matches(flow, in_port, net, vid, inner):
    """The flow semantics of DESIGN.md: `vlan` is the VID the frame came
    with (None: untagged), IP keys need an IPv4 frame, port keys a TCP/UDP
    header (never in a non-first fragment)."""
    m = flow["match"]
    if flow["network"] is not None and flow["network"] != net:
        return False
    if "in_port" in m and m["in_port"] != in_port:
        return False
    if "vlan" in m and m["vlan"] != vid:
        return False
    if "eth_dst" in m and m["eth_dst"] != inner[0:6]:
        return False
    if "eth_src" in m and m["eth_src"] != inner[6:12]:
        return False
    eth_type = struct.unpack_from("!H", inner, 12)[0]
    if "eth_type" in m and m["eth_type"] != eth_type:
        return False
    ip_keys = {"ip_src", "ip_dst", "ip_proto", "tp_src", "tp_dst"} & set(m)
    if not ip_keys:
        return True
    if eth_type != ETH_IP4:
        return False
    l3 = inner[14:]
    src, dst = ipaddress.IPv4Address(l3[12:16]), ipaddress.IPv4Address(l3[16:20])
    proto = l3[9]
    if "ip_src" in m and src not in m["ip_src"]:
        return False
    if "ip_dst" in m and dst not in m["ip_dst"]:
        return False
    if "ip_proto" in m and m["ip_proto"] != proto:
        return False
    if not {"tp_src", "tp_dst"} & set(m):
        return True
    ihl = (l3[0] & 0xF) * 4
    offset = struct.unpack_from("!H", l3, 6)[0] & 0x1FFF
    if offset != 0 or proto not in (6, 17, 132) or len(l3) < ihl + 4:
        return False
    sport, dport = struct.unpack_from("!HH", l3, ihl)
    for key, value in (("tp_src", sport), ("tp_dst", dport)):
        if key in m and not m[key][0] <= value <= m[key][1]:
            return False
    return True


def _classify(topo, in_port, net, inner):
    """The winning flow: highest priority, then first listed; or None."""
    best = None
    vid = topo.ports[in_port]["vid_of"].get(net)
    for flow in topo.flows:
        if _flow_matches(flow, in_port, net, vid, inner) and \
                (best is None or flow["priority"] > best["priority"]):
            best = flow
    return best


def _egress(topo, port_name, net, inner):
    vid = topo.ports[port_name]["vid_of"].get(net)
    return tag(inner, vid) if vid is not None else inner


def merge_order(inputs):
    """inputs: {port: [(ts, frame), ...]} -> [(ts, port, index, frame)].

    Timestamp order; ties by port name (the runner gives --in sorted by
    name), then by position in the file.
    """
    merged = []
    for port in sorted(inputs):
        for i, (ts, frame) in enumerate(inputs[port]):
            merged.append((ts, port, i, frame))
    merged.sort(key=lambda r: (r[0], r[1], r[2]))
    return merged


def batches(merged):
    """Split merged packets into batches: same port, same ts, <= 256."""
    out = []
    for rec in merged:
        last = out[-1] if out else None
        if last and last[0][1] == rec[1] and last[0][0] == rec[0] \
                and len(last) < BATCH_MAX:
            last.append(rec)
        else:
            out.append([rec])
    return out


def simulate(topo, inputs):
    """Run the L2 model.

    Returns (outputs {port: [(ts, frame)]} for every port,
             drops Counter, fates {(port, index): ("out", {port: frame}) |
                                                  ("drop", reason)}).
    """
    fdb = {}            # (net, mac) -> [port, t_seconds]
    outputs = {p: [] for p in topo.ports}
    drops = collections.Counter()
    fates = {}
    for batch in batches(merge_order(inputs)):
        now = batch[0][0] // 1_000_000
        learn = []
        for ts, in_port, idx, frame in batch:
            net, inner = _ingress(topo, in_port, frame)
            if net is None:
                drops[inner] += 1
                fates[(in_port, idx)] = ("drop", inner)
                continue
            flow = _classify(topo, in_port, net, inner)
            action = flow["action"] if flow else "allow"
            mirror = None
            if action == "drop":
                # Dropped before learning.
                drops["flow-drop"] += 1
                fates[(in_port, idx)] = ("drop", "flow-drop")
                continue
            if action[0] == "output":
                # Instead of switching: not learned, sent untagged.
                if len(inner) > PORT_MAX_FRAME:
                    drops["flow-too-big"] += 1
                    fates[(in_port, idx)] = ("drop", "flow-too-big")
                    continue
                outputs[action[1]].append((ts, inner))
                fates[(in_port, idx)] = ("out", {action[1]: inner})
                continue
            if action[0] == "mirror" and len(inner) > PORT_MAX_FRAME:
                # The copy is lost (and counted); the original goes on.
                drops["flow-too-big"] += 1
            elif action[0] == "mirror":
                mirror = action[1]
                outputs[mirror].append((ts, inner))
            dst, src = inner[0:6], inner[6:12]
            learn.append((net, src, in_port))
            entry = fdb.get((net, dst)) if not dst[0] & 1 else None
            if entry is None:
                targets = [p for p in topo.members(net) if p != in_port]
                if not targets:
                    drops["flood-empty"] += 1
                    fates[(in_port, idx)] = ("drop", "flood-empty")
                    continue
            elif entry[0] == in_port:
                drops["same-port"] += 1
                fates[(in_port, idx)] = ("drop", "same-port")
                continue
            else:
                targets = [entry[0]]
            sent = {mirror: inner} if mirror else {}
            if mirror in targets:
                raise FixtureError("mirror to a port the frame goes to anyway: "
                                   "order not specified")
            for p in targets:
                sent[p] = _egress(topo, p, net, inner)
                outputs[p].append((ts, sent[p]))
            fates[(in_port, idx)] = ("out", sent)

        # Learning from the whole batch, then ageing with the batch clock.
        for net, src, in_port in learn:
            key = (net, src)
            if key in fdb:
                fdb[key] = [in_port, now]
            elif sum(1 for k in fdb if k[0] == net) < topo.networks[net]["mac_limit"]:
                fdb[key] = [in_port, now]
        for key in [k for k, (_, t) in fdb.items()
                    if topo.networks[k[0]]["ageing"]
                    and now >= t + topo.networks[k[0]]["ageing"]]:
            del fdb[key]
    return outputs, drops, fates


# --------------------------------------------------------------- case helper

class Case:
    """One fixture: a topology, the frames sent and their expected fates.

    c = Case(__file__, TOPOLOGY)
    c.send("a", frame, to=["b", "c"])        # flooded to b and c
    c.send("b", frame, to={"a": bytes})      # to a only, with these bytes
    c.send("a", frame, drop="same-port")
    c.finish()

    Every frame gets its own timestamp, 1 ms after the previous one, unless
    same_ts=True (same timestamp as the previous send: a batch when it is
    the same port) or ts= is given. wait(s) moves the clock forward.
    """

    def __init__(self, gen_file, topology_text):
        self.dir = os.path.dirname(os.path.abspath(gen_file))
        self.name = os.path.basename(self.dir)
        self.topology_text = topology_text.lstrip("\n")
        self.topo = Topology(self.topology_text)
        self.t = T0_US
        self.inputs = collections.defaultdict(list)
        self.expect = {}

    def wait(self, seconds):
        self.t += int(seconds * 1_000_000)

    def send(self, port, frame, to=None, drop=None, same_ts=False, ts=None):
        if port not in self.topo.ports:
            raise FixtureError(f"send on unknown port {port}")
        if (to is None) == (drop is None):
            raise FixtureError("say either to= or drop= for every frame")
        if drop is not None and drop not in DROP_REASONS:
            raise FixtureError(f"unknown drop reason {drop}")
        if ts is not None:
            self.t = ts
        elif not same_ts:
            self.t += 1000
        key = (port, len(self.inputs[port]))
        self.inputs[port].append((self.t, bytes(frame)))
        self.expect[key] = ("drop", drop) if drop else ("out", to)
        return key

    def _check(self, fates):
        for key, (kind, want) in self.expect.items():
            got = fates[key]
            where = f"{self.name}: frame {key[1]} on {key[0]}"
            if kind == "drop":
                if got != ("drop", want):
                    raise FixtureError(f"{where}: expected drop {want}, model says {got}")
                continue
            if got[0] != "out":
                raise FixtureError(f"{where}: expected to {want}, model says {got}")
            if isinstance(want, dict):
                if got[1] != {p: bytes(f) for p, f in want.items()}:
                    raise FixtureError(f"{where}: expected {sorted(want)} with given "
                                       f"bytes, model says {sorted(got[1])} / bytes differ")
            elif sorted(got[1]) != sorted(want):
                raise FixtureError(f"{where}: expected to {sorted(want)}, "
                                   f"model says {sorted(got[1])}")

    def finish(self, argv=None):
        """Check the model against the stated fates and write the files.

        `gen.py --out DIR` writes into DIR instead of the case folder (used
        by `check-fixtures --regen` to prove the outputs are reproducible).
        """
        argv = sys.argv[1:] if argv is None else argv
        out_dir = self.dir
        if argv[:1] == ["--out"] and len(argv) == 2:
            out_dir = argv[1]
        elif argv:
            raise SystemExit(f"usage: {sys.argv[0]} [--out DIR]")

        outputs, drops, fates = simulate(self.topo, self.inputs)
        self._check(fates)

        for sub in ("in", "expected"):
            shutil.rmtree(os.path.join(out_dir, sub), ignore_errors=True)
            os.makedirs(os.path.join(out_dir, sub))
        with open(os.path.join(out_dir, "topology.yaml"), "w") as f:
            f.write(self.topology_text)
        for port, recs in sorted(self.inputs.items()):
            pcap_write(os.path.join(out_dir, "in", f"{port}.pcap"), recs)
        for port, recs in outputs.items():
            pcap_write(os.path.join(out_dir, "expected", f"{port}.pcap"), recs)
        with open(os.path.join(out_dir, "expected", "drops.txt"), "w") as f:
            for reason in sorted(drops):
                f.write(f"{reason} {drops[reason]}\n")

        n_in = sum(len(v) for v in self.inputs.values())
        outs = " ".join(f"{p}={len(outputs[p])}" for p in self.topo.ports)
        dr = " ".join(f"{r}={drops[r]}" for r in sorted(drops)) or "none"
        print(f"{self.name}: in={n_in} out: {outs} drops: {dr}")
