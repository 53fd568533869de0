#!/usr/bin/python3
"""The engine of bench/run: yard-dp, OVS-DPDK and testpmd side by side.

Run it through bench/run, which installs what is missing, reserves
hugepages, makes the temporary directory and a private mount and network
namespace, and cleans up after it. This file only starts and stops the
forwarders it measures; everything it starts is killed on the way out.
"""
import argparse
import json
import os
import re
import shutil
import shlex
import signal
import socket
import statistics
import struct
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OVS_VSWITCHD = '/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk'
OVS_SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema'
TESTPMD = 'dpdk-testpmd'

# MAC and IP plan shared by the pcaps and the forwarder configurations.
DST_MAC = '02:00:00:01:00:00'           # make-pcap's first destination
ROUTER_MAC = '02:00:00:00:fe:01'
NEXTHOP_MAC = '02:00:00:00:fe:02'
PHY_MAC = '02:00:00:00:aa:01'           # OVS br-phy (VTEP) address
REMOTE_MAC = '02:00:00:00:aa:02'        # the remote VTEP
LOCAL_IP, REMOTE_IP, VNI = '172.16.0.1', '172.16.0.2', 100
VIRTIO_MACS = ('02:00:00:00:0b:00', '02:00:00:00:0b:01')


class NotAvailable(Exception):
    """A forwarder cannot run a scenario (the reason is printed)."""


class Failed(Exception):
    """A forwarder should run the scenario but did not."""


class Stop(BaseException):
    """SIGTERM/SIGHUP: unwind and clean up."""


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------

class Procs:
    """Every process this engine starts, so that all are stopped on exit."""

    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.live = []

    def _write(self):
        with open(self.pidfile, 'w') as f:
            for p in self.live:
                f.write(f'{p.pid}\n')

    def start(self, args, logfile, **kw):
        out = open(logfile, 'a')
        out.write('$ ' + ' '.join(args) + '\n')
        out.flush()
        kw.setdefault('stdout', out)
        kw.setdefault('stderr', subprocess.STDOUT)
        try:
            p = subprocess.Popen(args, **kw)
        finally:
            out.close()
        p.logfile = logfile
        self.live.append(p)
        self._write()
        return p

    def stop(self, p, sig=signal.SIGTERM, timeout=10):
        if p is None:
            return
        if p.poll() is None:
            try:
                p.send_signal(sig)
                p.wait(timeout)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if p in self.live:
            self.live.remove(p)
            self._write()

    def stop_all(self):
        for p in reversed(list(self.live)):
            self.stop(p, timeout=5)


def run(args, check=True, **kw):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    if check and r.returncode != 0:
        raise Failed(f'{" ".join(args[:4])}...: {r.stderr.strip() or r.stdout.strip()}')
    return r.stdout


def wait_for(pred, timeout, what, proc=None):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return
        if proc is not None and proc.poll() is not None:
            raise Failed(f'{what}: the process exited ({proc.returncode}); '
                         f'see {proc.logfile}')
        time.sleep(0.05)
    raise Failed(f'{what}: not ready after {timeout} s')


FWD_CPU = '1'     # the forwarding core of every forwarder


def thread_sched(pid):
    """{tid: (ns on a CPU, ns runnable but waiting for one, pinned to the
    forwarding core only)} from schedstat and status."""
    out = {}
    try:
        tids = os.listdir(f'/proc/{pid}/task')
    except (FileNotFoundError, ProcessLookupError):
        return out
    for tid in tids:
        try:
            with open(f'/proc/{pid}/task/{tid}/schedstat') as f:
                run_ns, wait_ns = f.read().split()[:2]
            with open(f'/proc/{pid}/task/{tid}/status') as f:
                m = re.search(r'^Cpus_allowed_list:\s*(\S+)', f.read(), re.M)
            out[tid] = (int(run_ns), int(wait_ns), bool(m and m.group(1) == FWD_CPU))
        except (FileNotFoundError, ProcessLookupError, ValueError):
            pass
    return out


def stolen_seconds(t1, t2):
    """How long the forwarding thread waited for its CPU while another
    task ran there. The forwarding thread is the one pinned to the
    forwarding core (the busiest one if none is), so that a thread starved
    for the whole window is still the one looked at."""
    pinned = [tid for tid, v in t2.items() if v[2]]
    best, stolen = -1, 0
    for tid in pinned or t2:
        run_ns, wait_ns, _ = t2[tid]
        r0, w0, _ = t1.get(tid, (run_ns, wait_ns, False))
        if run_ns - r0 > best:
            best, stolen = run_ns - r0, wait_ns - w0
    return stolen / 1e9


def connect_unix(path, timeout, wait=10):
    """Connect to a unix socket; the file appears at bind(), a moment
    before the server listens, so a refusal is retried for WAIT seconds."""
    end = time.monotonic() + wait
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(path)
            return s
        except (ConnectionRefusedError, FileNotFoundError) as e:
            s.close()
            if time.monotonic() > end:
                raise Failed(f'{path}: {e}')
            time.sleep(0.05)


def json_rpc_lines(path, calls, timeout=30):
    """JSON-RPC 2.0, one object per line (yard-dp's API). Sends all calls
    over one connection and returns the results in order."""
    s = connect_unix(path, timeout)
    f = s.makefile('rwb')
    results = []
    try:
        for i in range(0, len(calls), 256):
            chunk = calls[i:i + 256]
            for n, (method, params) in enumerate(chunk):
                req = {'jsonrpc': '2.0', 'id': i + n, 'method': method}
                if params is not None:
                    req['params'] = params
                f.write(json.dumps(req).encode() + b'\n')
            f.flush()
            for _ in chunk:
                line = f.readline()
                if not line:
                    raise Failed(f'yard-dp API: connection closed ({path})')
                resp = json.loads(line)
                if 'error' in resp:
                    raise Failed(f'yard-dp API {calls[resp.get("id", 0)][0]}: '
                                 f'{resp["error"].get("message")}')
                results.append(resp['result'])
    finally:
        f.close()
        s.close()
    return results


def ovs_unixctl(path, calls, timeout=30):
    """OVS unixctl (ovs-appctl) over its JSON-RPC socket: many commands over
    one connection, without a process per command."""
    s = connect_unix(path, timeout)
    dec = json.JSONDecoder()
    buf = ''
    out = []
    try:
        for i in range(0, len(calls), 128):
            chunk = calls[i:i + 128]
            for n, (method, params) in enumerate(chunk):
                s.sendall(json.dumps({'id': i + n, 'method': method,
                                      'params': params}).encode())
            got = 0
            while got < len(chunk):
                buf = buf.lstrip()
                try:
                    obj, end = dec.raw_decode(buf)
                except ValueError:
                    data = s.recv(65536)
                    if not data:
                        raise Failed('ovs-vswitchd unixctl: connection closed')
                    buf += data.decode()
                    continue
                buf = buf[end:]
                got += 1
                if obj.get('error') is not None:
                    raise Failed(f'ovs-appctl {calls[obj["id"]][0]}: {obj["error"]}')
                out.append(obj.get('result'))
    finally:
        s.close()
    return out


# --------------------------------------------------------------------------
# Context: paths, EAL memory arguments, prefixes
# --------------------------------------------------------------------------

class Ctx:
    def __init__(self, a):
        self.tmp = a.tmp
        self.seconds = a.seconds
        self.warmup = a.warmup
        self.trials = a.trials
        self.hugepages = a.hugepages
        self.huge_dir = os.path.join(a.tmp, 'huge')
        self.prefix = a.prefix
        self.yard_dp = a.yard_dp
        self.yard_capture = a.yard_capture
        self.procs = Procs(os.path.join(a.tmp, 'pids'))
        self.logdir = os.path.join(a.tmp, 'logs')
        self.pcapdir = os.path.join(a.tmp, 'pcap')
        self.keep_logs = a.keep_logs
        os.makedirs(self.logdir, exist_ok=True)
        os.makedirs(self.pcapdir, exist_ok=True)
        self.n = 0
        self.tsc_hz = None
        self.prefixes = []

    def next_prefix(self, what):
        self.n += 1
        p = f'{self.prefix}-{what}{self.n}'
        self.prefixes.append(p)
        return p

    def eal_mem(self, mb=1024):
        if self.hugepages:
            return ['--huge-dir', self.huge_dir]
        return ['--no-huge', f'-m{mb}']

    def logfile(self, name):
        return os.path.join(self.logdir, f'{self.n:03d}-{name}.log')

    def rm_runtime(self, prefix):
        """Remove an EAL runtime directory (DPDK's eal_get_runtime_dir())."""
        if os.geteuid() == 0:
            base = '/var/run/dpdk'
        else:
            base = os.path.join(os.environ.get('XDG_RUNTIME_DIR', '/tmp'), 'dpdk')
        shutil.rmtree(os.path.join(base, prefix), ignore_errors=True)


# --------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------

class Scenario:
    def __init__(self, name, desc, pcap_args, sinks=1, fanout=1, yard=None,
                 yard_na=None, ovs=None, ceiling='io', frame=64,
                 yard_topo=None, sink_rx=None, idle_vnics=0):
        self.name = name
        self.desc = desc
        self.pcap_args = pcap_args      # make-pcap arguments, None for vhost
        self.sinks = sinks              # net_null sinks
        self.fanout = fanout            # copies per input packet (flood: 3)
        self.yard = yard                # function(ctx, sock) or None
        self.yard_na = yard_na          # why yard-dp cannot run it
        self.ovs = ovs                  # function(ovs, scenario)
        self.ceiling = ceiling
        self.frame = frame
        self.pcap = None
        # yard-dp's whole topology when it is not one network `bench`
        # (function(ctx, sc, drv) -> YAML), and what sink0 receives once at start (a function
        # giving frames): next hops that must answer ARP before the
        # window. sink0 is then net_pcap with that rx_pcap and no tx
        # file, which drops what it sends, as net_null does.
        self.yard_topo = yard_topo
        self.sink_rx = sink_rx
        # vhost: more vNICs beside the two with traffic, whose VMs are not
        # running (client ports on sockets nobody serves)
        self.idle_vnics = idle_vnics

    def devargs_src(self, drv):
        return f'net_pcap_{drv},rx_pcap={self.pcap},infinite_rx=1'

    def devargs_sink(self, drv, k):
        return f'net_null_{drv}{k},no-rx=1'

    def yard_sink(self, ctx, drv, k):
        if k != 0 or self.sink_rx is None:
            return self.devargs_sink(drv, k)
        path = os.path.join(ctx.pcapdir, f'{self.name}-sink-rx.pcap')
        if not os.path.exists(path):
            write_pcap(path, self.sink_rx(ctx))
        return f'net_pcap_{drv}sink{k},rx_pcap={path}'


def kind_of(devargs):
    """yard-dp's port kind for a vdev: net_pcap devices are `pcap`."""
    return 'pcap' if devargs.startswith('net_pcap') else 'phy'


def write_pcap(path, frames):
    with open(path, 'wb') as f:
        f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i, d in enumerate(frames):
            d = d + bytes(max(0, 60 - len(d)))
            f.write(struct.pack('<IIII', 1, i, len(d), len(d)) + d)


def read_pcap(path):
    with open(path, 'rb') as f:
        data = f.read()
    out, off = [], 24
    while off + 16 <= len(data):
        n = struct.unpack('<I', data[off + 8:off + 12])[0]
        out.append(data[off + 16:off + 16 + n])
        off += 16 + n
    return out


def mac_b(text):
    return bytes.fromhex(text.replace(':', ''))


def arp_reply(mac, ip, to_mac, to_ip):
    """An ARP reply from mac/ip to to_mac/to_ip."""
    return (mac_b(to_mac) + mac_b(mac) + b'\x08\x06' +
            struct.pack('!HHBBH', 1, 0x0800, 6, 4, 2) + mac_b(mac) +
            socket.inet_aton(ip) + mac_b(to_mac) + socket.inet_aton(to_ip))


def yard_l2(macs):
    def setup(ctx, sock):
        calls = [('fdb.add', {'network': 'bench', 'port': 'sink0',
                              'mac': f'02:00:00:01:{i >> 8:02x}:{i & 0xff:02x}'})
                 for i in range(macs)]
        json_rpc_lines(sock, calls)
    return setup


def yard_flood(ctx, sock):
    pass


def ovs_l2_normal(macs):
    def setup(ovs, sc):
        ovs.bridge('br0', [('src', sc.devargs_src('ovs'))] +
                   [(f'sink{k}', sc.devargs_sink('ovs', k))
                    for k in range(sc.sinks)])
        # The bridge's own (tap) port would get every flooded frame through
        # a system call: keep floods on the three sinks.
        run(['ovs-ofctl', 'mod-port', 'br0', 'br0', 'no-flood'])
        ovs.fdb_add('br0', 'sink0',
                    [f'02:00:00:01:{i >> 8:02x}:{i & 0xff:02x}' for i in range(macs)])
    return setup


def route_prefix(i):
    a = (32 << 24) + (i << 8)
    return f'{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.0/24'


def ovs_routes(n):
    def setup(ovs, sc):
        ovs.bridge('br0', [('src', sc.devargs_src('ovs')),
                           ('sink0', sc.devargs_sink('ovs', 0))])
        path = os.path.join(ovs.ctx.pcapdir, f'routes-{n}.flows')
        if not os.path.exists(path):
            with open(path, 'w') as f:
                act = (f'actions=mod_dl_src:{ROUTER_MAC},mod_dl_dst:{NEXTHOP_MAC},'
                       'dec_ttl,output:2\n')
                for i in range(n):
                    f.write(f'priority=10,ip,nw_dst={route_prefix(i)},{act}')
        run(['ovs-ofctl', 'del-flows', 'br0'])
        run(['ovs-ofctl', '--bundle', 'add-flows', 'br0', path], timeout=300)
    return setup


def acl_rule(i):
    src = ['10.0.0.0/8', '10.0.0.0/16', '10.0.0.0/24', '10.0.0.1'][i % 4]
    return (f'priority={2000 - i},udp,nw_src={src},'
            f'nw_dst=10.1.{i >> 8}.{i & 255},tp_dst={2000 + i}')


def ovs_acl(ovs, sc):
    ovs.bridge('br0', [('src', sc.devargs_src('ovs')),
                       ('sink0', sc.devargs_sink('ovs', 0))])
    path = os.path.join(ovs.ctx.pcapdir, 'acl-1k.flows')
    with open(path, 'w') as f:
        for i in range(1000):
            f.write(acl_rule(i) + ',actions=output:2\n')
        f.write('priority=0,actions=drop\n')
    run(['ovs-ofctl', 'del-flows', 'br0'])
    run(['ovs-ofctl', '--bundle', 'add-flows', 'br0', path])


def ovs_vxlan(encap):
    def setup(ovs, sc):
        if encap:
            ovs.bridge('br-int', [('src', sc.devargs_src('ovs'))], first_port=1)
            ovs.bridge('br-phy', [('sink0', sc.devargs_sink('ovs', 0))], first_port=2)
        else:
            ovs.bridge('br-phy', [('src', sc.devargs_src('ovs'))], first_port=1)
            ovs.bridge('br-int', [('sink0', sc.devargs_sink('ovs', 0))], first_port=2)
        ovs.vsctl('set', 'bridge', 'br-phy', f'other-config:hwaddr={PHY_MAC}')
        ovs.vsctl('add-port', 'br-int', 'vxlan0', '--', 'set', 'interface',
                  'vxlan0', 'type=vxlan', 'ofport_request=10',
                  f'options:remote_ip={REMOTE_IP}', f'options:local_ip={LOCAL_IP}',
                  f'options:key={VNI}')
        run(['ip', 'link', 'set', 'br-phy', 'address', PHY_MAC])
        run(['ip', 'addr', 'replace', f'{LOCAL_IP}/24', 'dev', 'br-phy'])
        run(['ip', 'link', 'set', 'br-phy', 'up'])
        # OVS learns br-phy's new address asynchronously (netlink): retry
        for _ in range(50):
            r = subprocess.run(['ovs-appctl', '-t', ovs.ctl, 'ovs/route/add',
                                f'{REMOTE_IP}/32', 'br-phy'], capture_output=True)
            if r.returncode == 0:
                break
            time.sleep(0.1)
        else:
            raise Failed('ovs/route/add: OVS never saw br-phy\'s address')
        ovs.appctl('tnl/arp/set', 'br-phy', REMOTE_IP, REMOTE_MAC)
        for br in ('br-int', 'br-phy'):
            run(['ovs-ofctl', 'mod-port', br, br, 'no-flood'])
        if encap:
            ovs.fdb_add('br-int', 'vxlan0', [DST_MAC])
            ovs.fdb_add('br-phy', 'sink0', [REMOTE_MAC])
        else:
            ovs.fdb_add('br-phy', 'br-phy', [PHY_MAC])
            ovs.fdb_add('br-int', 'sink0', [DST_MAC])
    return setup


# yard-dp's side of the l3, vxlan and acl scenarios. The next hops
# (router, VTEP) learn their neighbor's MAC from an ARP reply that sink0
# receives once at start (Scenario.sink_rx): yard-dp has no static
# neighbors, and a net_null sink answers nothing. The set-up waits until
# the neighbor is known, so no window starts with frames held for ARP.
RT_IN_IP, RT_OUT_IP, NEXTHOP_IP = '10.0.0.254', '10.9.0.1', '10.9.0.2'


def yard_port(name, devargs, network=None, mac=None):
    """One line of a topology's `ports:`; no network makes an underlay."""
    opts = [f'name: {name}', f'kind: {kind_of(devargs)}']
    if network is not None:
        opts.append(f'network: {network}')
    if mac is not None:
        opts.append(f'mac: "{mac}"')
    opts.append(f'devargs: "{devargs}"')
    return '  - {' + ', '.join(opts) + '}\n'


def yard_routes_topo(n):
    def topo(ctx, sc, drv):
        path = os.path.join(ctx.pcapdir, f'routes-{n}.yaml')
        if not os.path.exists(path):
            with open(path, 'w') as f:
                f.write('routers:\n  - name: r1\n    interfaces:\n'
                        f'      - {{network: bench, address: {RT_IN_IP}/24, '
                        f'mac: "{ROUTER_MAC}"}}\n'
                        f'      - {{network: out, address: {RT_OUT_IP}/24, '
                        f'mac: "{ROUTER_MAC}"}}\n    routes:\n')
                for i in range(n):
                    f.write(f'      - {{prefix: {route_prefix(i)}, '
                            f'via: [{NEXTHOP_IP}]}}\n')
        with open(path) as f:
            routers = f.read()
        return ('networks: [{name: bench, ageing: 0}, {name: out, ageing: 0}]\n'
                'ports:\n' + yard_port('src', sc.devargs_src(drv), 'bench')
                + yard_port('sink0', sc.yard_sink(ctx, drv, 0), 'out') + routers)
    return topo


def yard_wait(sock, method, params, ok, what, timeout=30):
    end = time.monotonic() + timeout
    while True:
        r = json_rpc_lines(sock, [(method, params)])[0]
        if ok(r):
            return
        if time.monotonic() > end:
            raise Failed(f'yard-dp: {what} after {timeout} s ({method}: {r})')
        time.sleep(0.1)


def yard_routes(ctx, sock):
    yard_wait(sock, 'neigh.list', {'router': 'r1'},
              lambda r: any(x['ip'] == NEXTHOP_IP for x in r),
              f'router r1 never learned {NEXTHOP_IP}')
    json_rpc_lines(sock, [('fdb.add', {'network': 'out', 'port': 'sink0',
                                       'mac': NEXTHOP_MAC})])


def yard_routes_bulk(n, batch=50000):
    """The l3-1kroute set-up with `n` routes: the topology's first 1,000,
    the rest added through route.add in batches (what yardd sends)."""
    def setup(ctx, sock):
        for b in range(1000, n, batch):
            routes = [{'prefix': route_prefix(i), 'via': [NEXTHOP_IP]}
                      for i in range(b, min(n, b + batch))]
            json_rpc_lines(sock, [('route.add', {'router': 'r1',
                                                 'routes': routes})],
                           timeout=120)
        r = json_rpc_lines(sock, [('router.list', None)])[0]
        if r[0]['route_count'] != n:
            raise Failed(f'yard-dp: r1 holds {r[0]["route_count"]} routes, '
                         f'want {n}')
        yard_routes(ctx, sock)
    return setup


def sink_rx_routes(ctx):
    return [arp_reply(NEXTHOP_MAC, NEXTHOP_IP, ROUTER_MAC, RT_OUT_IP)]


def yard_vxlan_topo(encap):
    def topo(ctx, sc, drv):
        # The underlay port (no network) has br-phy's MAC.
        if encap:
            ports = (yard_port('src', sc.devargs_src(drv), 'bench') +
                     yard_port('sink0', sc.yard_sink(ctx, drv, 0), mac=PHY_MAC))
        else:
            ports = (yard_port('src', sc.devargs_src(drv), mac=PHY_MAC) +
                     yard_port('sink0', sc.yard_sink(ctx, drv, 0), 'bench'))
        return (f'networks: [{{name: bench, ageing: 0, vni: {VNI}}}]\nports:\n'
                + ports +
                f'overlay:\n  port: {"sink0" if encap else "src"}\n'
                f'  address: {LOCAL_IP}/24\n'
                f'  peers: [{{vni: {VNI}, vteps: [{REMOTE_IP}]}}]\n')
    return topo


def sink_rx_vxlan(ctx):
    """The remote VTEP's ARP reply, then one frame from DST_MAC behind it
    (the overlay learns remote MACs from what it decapsulates: the
    yard-dp counterpart of OVS's static FDB entry on vxlan0)."""
    path = os.path.join(ctx.pcapdir, 'vxlan-learn.pcap')
    subprocess.run([os.path.join(HERE, 'make-pcap'), path, '--count', '1',
                    '--src-mac', DST_MAC, '--dst-mac', '02:00:00:00:00:01',
                    '--vxlan', str(VNI), '--outer-dst-mac', PHY_MAC,
                    '--outer-src-mac', REMOTE_MAC, '--outer-src-ip', REMOTE_IP,
                    '--outer-dst-ip', LOCAL_IP], check=True)
    return [arp_reply(REMOTE_MAC, REMOTE_IP, PHY_MAC, LOCAL_IP)] + read_pcap(path)


def yard_vxlan(encap):
    def setup(ctx, sock):
        if encap:
            yard_wait(sock, 'vtep.list', None,
                      lambda r: any(x['vtep'] == REMOTE_IP and x['resolved'] for x in r),
                      f'VTEP {REMOTE_IP} never resolved')
            yard_wait(sock, 'fdb.list', None,
                      lambda r: any(x['mac'] == DST_MAC and x['port'] != 'sink0'
                                    for x in r),
                      f'{DST_MAC} never learned behind {REMOTE_IP}')
        else:
            json_rpc_lines(sock, [('fdb.add', {'network': 'bench', 'port': 'sink0',
                                               'mac': DST_MAC})])
    return setup


def yard_acl_topo(ctx, sc, drv):
    rules = ['flows:\n']
    for i in range(1000):
        src = ['10.0.0.0/8', '10.0.0.0/16', '10.0.0.0/24', '10.0.0.1/32'][i % 4]
        rules.append(f'  - {{name: r{i}, priority: {2000 - i}, match: {{ip_proto: udp, '
                     f'ip_src: {src}, ip_dst: 10.1.{i >> 8}.{i & 255}/32, '
                     f'tp_dst: {2000 + i}}}, action: {{output: sink0}}}}\n')
    rules.append('  - {name: rest, priority: 0, match: {}, action: drop}\n')
    return ('networks: [{name: bench, ageing: 0}]\nports:\n'
            + yard_port('src', sc.devargs_src(drv), 'bench')
            + yard_port('sink0', sc.yard_sink(ctx, drv, 0), 'bench')
            + ''.join(rules))


def yard_none(ctx, sock):
    pass


def yard_vhost(ctx, sock):
    json_rpc_lines(sock, [('fdb.add', {'network': 'bench', 'port': f'vhu{k}',
                                       'mac': VIRTIO_MACS[k]}) for k in range(2)])


def ovs_vhost(ovs, sc):
    ovs.bridge('br0', [], first_port=1)
    for k in range(2 + sc.idle_vnics):
        ovs.vsctl('add-port', 'br0', f'vhu{k}', '--', 'set', 'interface',
                  f'vhu{k}', 'type=dpdkvhostuserclient', f'ofport_request={k + 1}',
                  f'options:vhost-server-path={sc.vhost_sock(k)}')
    run(['ovs-ofctl', 'mod-port', 'br0', 'br0', 'no-flood'])
    ovs.fdb_add('br0', 'vhu1', [VIRTIO_MACS[1]])
    ovs.fdb_add('br0', 'vhu0', [VIRTIO_MACS[0]])


def scenarios():
    l3 = ['--count', '4096', '--dst-mac', ROUTER_MAC, '--dst-ip', '32.0.0.1',
          '--dst-ips', '1024', '--ip-routes', '1000']
    vx = ['--vxlan', str(VNI), '--outer-dst-mac', PHY_MAC, '--outer-src-mac',
          REMOTE_MAC, '--outer-src-ip', REMOTE_IP, '--outer-dst-ip', LOCAL_IP]
    return [
        Scenario('l2-1flow', 'one flow, one static FDB entry',
                 ['--count', '4096'], yard=yard_l2(1), ovs=ovs_l2_normal(1)),
        Scenario('l2-1kmac', '1,024 source/destination MAC pairs, 1,024 '
                 'static FDB entries (sources learned)',
                 ['--count', '4096', '--macs', '1024', '--src-macs', '1024'],
                 yard=yard_l2(1024), ovs=ovs_l2_normal(1024)),
        Scenario('l2-flood', 'unknown unicast flooded to 3 ports',
                 ['--count', '4096'], sinks=3, fanout=3, yard=yard_flood,
                 ovs=ovs_l2_normal(0)),
        Scenario('l2-1flow-1518', 'l2-1flow with 1518-byte frames',
                 ['--count', '4096', '--size', '1518'], yard=yard_l2(1),
                 ovs=ovs_l2_normal(1), frame=1518),
        Scenario('l3-1kroute', '1,024 destination IPs over 1,000 /24 routes '
                 '(MAC rewrite, TTL decrement)', l3, yard=yard_routes,
                 yard_topo=yard_routes_topo(1000), sink_rx=sink_rx_routes,
                 ovs=ovs_routes(1000)),
        Scenario('l3-1Mroute', 'the l3-1kroute traffic with 1,000,000 routes',
                 l3, yard=yard_routes_bulk(1000000),
                 yard_topo=yard_routes_topo(1000), sink_rx=sink_rx_routes,
                 ovs=ovs_routes(1000000)),
        Scenario('vxlan-encap', 'one flow encapsulated in VXLAN (VNI 100)',
                 ['--count', '4096'], yard=yard_vxlan(True),
                 yard_topo=yard_vxlan_topo(True), sink_rx=sink_rx_vxlan,
                 ovs=ovs_vxlan(True)),
        Scenario('vxlan-decap', 'one VXLAN flow (110-byte frames) decapsulated',
                 ['--count', '4096'] + vx, yard=yard_vxlan(False),
                 yard_topo=yard_vxlan_topo(False),
                 ovs=ovs_vxlan(False), frame=114),
        Scenario('acl-1k', '1,000 5-tuple-ish rules, traffic hits the last '
                 '64 (lowest priority)',
                 ['--count', '4096', '--dst-ip', '10.1.3.168', '--dst-ips', '64',
                  '--ip-step', '1', '--dport', '2936', '--dports', '64'],
                 yard=yard_none, yard_topo=yard_acl_topo, ovs=ovs_acl),
        Scenario('vhost-pvp', 'virtio_user loop (both directions) -> '
                 'vhost-user -> forwarder -> vhost-user -> virtio_user',
                 None, yard=yard_vhost, ovs=ovs_vhost, ceiling='vhost'),
        Scenario('vhost-pvp-32', 'vhost-pvp among 32 vNIC pairs: 62 more '
                 'vNICs whose VMs are not running (compare with vhost-pvp: '
                 'what idle vNICs cost)',
                 None, yard=yard_vhost, ovs=ovs_vhost, ceiling='vhost',
                 idle_vnics=62),
    ]


# --------------------------------------------------------------------------
# testpmd (interactive, driven over stdin)
# --------------------------------------------------------------------------

class TestPmd:
    """testpmd in its non-interactive mode (forwarding starts at once),
    printing its port statistics every second (--stats-period 1). No
    stdin: SIGINT stops it cleanly.

    Time comes from testpmd itself, not from when this script read a
    block (its reader can be late on a busy CPU 0): each block carries the
    rate "since last show", so the interval it covers is the packets it
    counted over that rate, for the ports given as CLOCK = (ports, 'rx' or
    'tx'). Each block gets the sum of those intervals as its time."""

    def __init__(self, ctx, name, eal, app, nports, clock):
        self.ctx = ctx
        self.prefix = ctx.next_prefix(name)
        self.nports = nports
        self.clock_ports, self.clock_dir = clock
        self.blocks = []            # (time, {port: (rx, tx)})
        self.lines = []
        self.cv = threading.Condition()
        args = ['stdbuf', '-oL', TESTPMD, '--no-pci', f'--file-prefix={self.prefix}'] \
            + eal + ['--'] + app + ['--stats-period=1', '--total-num-mbufs=65536']
        self.p = ctx.procs.start(args, ctx.logfile(name), stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, text=True, bufsize=1)
        self.log = open(self.p.logfile, 'a')
        threading.Thread(target=self._reader, daemon=True).start()

    def _block_time(self, cur):
        if not self.blocks:
            return 0.0
        t0, prev = self.blocks[-1]
        k = 0 if self.clock_dir == 'rx' else 1
        pkts = sum(cur[p][k] - prev[p][k] for p in self.clock_ports)
        pps = sum(cur[p][2 + k] for p in self.clock_ports)
        if pkts > 0 and pps > 0:
            return t0 + pkts / pps
        return t0 + (time.monotonic() - self.arrived)

    def _reader(self):
        cur, port, rx, tx, rx_pps = {}, None, 0, 0, 0
        self.arrived = time.monotonic()
        for line in self.p.stdout:
            self.log.write(line)
            m = re.search(r'NIC statistics for port (\d+)', line)
            if m:
                port = int(m.group(1))
            elif port is not None:
                m = re.search(r'(RX-packets|TX-packets|Rx-pps|Tx-pps):\s*(\d+)', line)
                if m and m.group(1) == 'RX-packets':
                    rx = int(m.group(2))
                elif m and m.group(1) == 'TX-packets':
                    tx = int(m.group(2))
                elif m and m.group(1) == 'Rx-pps':
                    rx_pps = int(m.group(2))
                elif m:
                    cur[port] = (rx, tx, rx_pps, int(m.group(2)))
                    port = None
                    if len(cur) == self.nports:
                        with self.cv:
                            t = self._block_time(cur)
                            self.arrived = time.monotonic()
                            self.blocks.append((t, cur))
                            self.cv.notify_all()
                        cur = {}
            with self.cv:
                self.lines.append(line)
                self.cv.notify_all()
        with self.cv:
            self.cv.notify_all()

    def _dead(self):
        return Failed(f'testpmd exited ({self.p.returncode}); see {self.p.logfile}: '
                      + ''.join(self.lines[-2:]).strip())

    def wait_line(self, pattern, timeout=30):
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        with self.cv:
            while True:
                if any(rx.search(x) for x in self.lines):
                    return
                if self.p.poll() is not None:
                    raise self._dead()
                left = end - time.monotonic()
                if left <= 0:
                    raise Failed(f'testpmd: no "{pattern}" after {timeout} s; '
                                 f'see {self.p.logfile}')
                self.cv.wait(min(left, 0.5))

    def stats(self, timeout=10):
        """The next statistics block: ({port: (rx, tx, rx_pps, tx_pps)},
        its time in seconds on testpmd's clock)."""
        end = time.monotonic() + timeout
        with self.cv:
            n = len(self.blocks)
            while len(self.blocks) == n:
                if self.p.poll() is not None:
                    raise self._dead()
                left = end - time.monotonic()
                if left <= 0:
                    raise Failed(f'testpmd: no statistics after {timeout} s; '
                                 f'see {self.p.logfile}')
                self.cv.wait(min(left, 0.5))
            t, st = self.blocks[n]
        return st, t

    def stop(self):
        self.ctx.procs.stop(self.p, sig=signal.SIGINT)
        self.log.close()
        self.ctx.rm_runtime(self.prefix)


def tsc_hz(ctx):
    """The TSC rate, from the EAL's own calibration (debug log)."""
    prefix = ctx.next_prefix('tsc')
    r = subprocess.run([TESTPMD, '--no-pci', '--no-huge', '-m64',
                        f'--file-prefix={prefix}', '--log-level=lib.eal:debug',
                        '--', '--help'], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    ctx.rm_runtime(prefix)
    m = re.search(r'TSC frequency is ~(\d+) KHz', r.stdout)
    if m:
        return int(m.group(1)) * 1000
    with open('/proc/cpuinfo') as f:
        m = re.search(r'cpu MHz\s*:\s*([\d.]+)', f.read())
    return float(m.group(1)) * 1e6


# --------------------------------------------------------------------------
# Forwarders. Each run_* starts one, warms up, measures one window, stops
# it, and returns a dict: mpps, cpp (cycles/packet), share, extra...
# --------------------------------------------------------------------------

def window(ctx, snap, pid, periodic=False):
    """Counters before and after a window of ctx.seconds. A periodic snap
    (testpmd's statistics every second) waits for its next block itself.
    Returns the two snapshots, the wall time between them, and how long
    the forwarding thread was on its CPU meanwhile."""
    time.sleep(max(0.0, ctx.warmup - (0.5 if periodic else 0)))
    s1 = snap()
    c1 = thread_sched(pid)
    time.sleep(max(0.0, ctx.seconds - (0.5 if periodic else 0)))
    s2 = snap()
    c2 = thread_sched(pid)
    dt = s2['t'] - s1['t']
    return s1, s2, dt, stolen_seconds(c1, c2)


def gen_share(s1, s2, dt):
    """The share of CPU 0 the vhost generator's busiest thread had."""
    if 'gen' not in s1 or dt <= 0:
        return None
    return max(0.0, 1 - stolen_seconds(s1['gen'], s2['gen']) / dt)


def result(ctx, pkts, dt, stolen, **extra):
    """Rates per second of forwarding-core time: the time the forwarding
    thread waited while another process had its core is taken out (the
    wall-clock rate would understate the forwarder); the share of the
    core it had is kept and reported."""
    if pkts <= 0 or dt <= 0:
        raise Failed(f'nothing forwarded during the {dt:.1f} s window')
    share = max(0.0, 1 - stolen / dt) if dt > 0 else 0.0
    secs = dt - stolen if share > 0.2 else dt
    pps = pkts / secs if secs > 0 else 0.0
    r = {'mpps': pps / 1e6, 'cpp': ctx.tsc_hz / pps if pps else None,
         'share': share, 'wall_mpps': pkts / dt / 1e6 if dt > 0 else 0.0}
    r.update(extra)
    return r


def run_yard(ctx, sc, gen_factory=None):
    if sc.yard is None:
        raise NotAvailable(sc.yard_na)
    prefix = ctx.next_prefix('yard')
    drv = prefix.replace('-', '_')
    d = os.path.join(ctx.tmp, 'yard')
    os.makedirs(d, exist_ok=True)
    sock = os.path.join(d, 'dp.sock')
    if os.path.exists(sock):
        os.unlink(sock)
    topo = os.path.join(d, 'topo.yaml')
    vhost = sc.ceiling == 'vhost'
    with open(topo, 'w') as f:
        if sc.yard_topo is not None:
            f.write(sc.yard_topo(ctx, sc, drv))
        elif vhost:
            f.write('networks: [{name: bench, ageing: 0}]\nports:\n')
            # yard-dp is the vhost-user client (its default), as OVS's
            # dpdkvhostuserclient ports are
            for k in range(2):
                f.write(f'  - {{name: vhu{k}, kind: vhost, network: bench, '
                        f'socket: "{sc.vhost_sock(k)}", mac: "{VIRTIO_MACS[k]}"}}\n')
            for k in range(2, 2 + sc.idle_vnics):
                f.write(f'  - {{name: vhu{k}, kind: vhost, network: bench, '
                        f'socket: "{sc.vhost_sock(k)}"}}\n')
        else:
            f.write('networks: [{name: bench, ageing: 0}]\nports:\n')
            f.write(f'  - {{name: src, kind: pcap, network: bench, '
                    f'devargs: "{sc.devargs_src(drv)}"}}\n')
            for k in range(sc.sinks):
                dev = sc.yard_sink(ctx, drv, k)
                f.write(f'  - {{name: sink{k}, kind: {kind_of(dev)}, '
                        f'network: bench, devargs: "{dev}"}}\n')
    gen = p = cap = None
    try:
        if vhost:
            gen = gen_factory()
        p = ctx.procs.start([ctx.yard_dp, '--socket', sock, '--topology', topo,
                             '--workers', '1', '--file-prefix', prefix,
                             '--log-level', 'warning', '--', '--no-pci']
                            + ctx.eal_mem(), ctx.logfile('yard-dp'))
        wait_for(lambda: os.path.exists(sock), 30, 'yard-dp API socket', p)
        sc.yard(ctx, sock)
        if ctx.yard_capture is not None:
            cap = ctx.procs.start([os.path.join(ROOT, 'build', 'control',
                                                'yardctl', 'yardctl'),
                                   '--socket', sock, 'capture']
                                  + shlex.split(ctx.yard_capture)
                                  + ['-w', '/dev/null'],
                                  ctx.logfile('yardctl-capture'))

        drops = {}

        def yard_snap():
            ports, nodes, dr = json_rpc_lines(sock, [('port.stats', None),
                                                     ('stats.nodes', None),
                                                     ('stats.drops', None)])
            drops[len(drops)] = dr
            return ({q['name']: q['stats'] for q in ports},
                    {n['node']: n for n in nodes})
        if vhost:
            gen.wait_line(GEN_READY)

            def snap():
                s = gen_snap(gen)
                ports, nodes = yard_snap()
                s.update(yard_rx=sum(q['rx_packets'] for q in ports.values()),
                         nodes=nodes)
                return s
        else:
            def snap():
                t = time.monotonic()
                ports, nodes = yard_snap()
                rx = ports['src']['rx_packets']
                return {'t': t, 'rx': rx, 'yard_rx': rx, 'nodes': nodes,
                        'tx': sum(ports[f'sink{k}']['tx_packets']
                                  for k in range(sc.sinks))}
        if cap is not None:
            c1 = json_rpc_lines(sock, [('capture.list', None)])[0]
        s1, s2, dt, stolen = window(ctx, snap, p.pid, periodic=vhost)
        if cap is not None:
            c2 = json_rpc_lines(sock, [('capture.list', None)])[0]
            if c1 and c2:
                log(f'  yard-dp capture: {c2[0]["copied"] - c1[0]["copied"]} '
                    f'copied, {c2[0]["lost"] - c1[0]["lost"]} lost in the '
                    f'{dt:.2f} s window')
        pkts = (s2['tx'] - s1['tx']) / sc.fanout
        rx = s2['rx'] - s1['rx']
        yard_rx = s2['yard_rx'] - s1['yard_rx']
        per_node, per_call, node_pkts, cycles, rx_burst = {}, {}, {}, 0, None
        for name, n in s2['nodes'].items():
            a = s1['nodes'].get(name, {'packets': 0, 'cycles': 0, 'calls': 0})
            objs, cyc = n['packets'] - a['packets'], n['cycles'] - a['cycles']
            calls = n['calls'] - a['calls']
            cycles += cyc
            if objs:
                per_node[name] = round(cyc / objs, 1)
                per_call[name] = round(objs / calls, 1) if calls else None
                node_pkts[name] = objs
            if name == 'port-rx' and calls:
                rx_burst = objs / calls
        first, last = drops[0], drops[len(drops) - 1]
        dropped = {k: v - first.get(k, 0) for k, v in last.items()
                   if v - first.get(k, 0) > 0}
        return result(ctx, pkts, dt, stolen, gen_share=gen_share(s1, s2, dt),
                      # the node clocks also ran while the worker waited
                      # for its CPU: that time is taken out
                      graph_cpp=(max(0.0, cycles - stolen * ctx.tsc_hz) / yard_rx
                                 if yard_rx else None),
                      nodes=per_node, per_call=per_call, node_pkts=node_pkts,
                      drops=dropped,
                      rx_burst=rx_burst,
                      loss=1 - pkts / rx if rx else None)
    finally:
        if gen is not None:
            gen.stop()
        if cap is not None:
            ctx.procs.stop(cap, sig=signal.SIGINT)
        if p is not None:
            ctx.procs.stop(p)
        ctx.rm_runtime(prefix)


class Ovs:
    """ovsdb-server + ovs-vswitchd (DPDK) in a directory of their own."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.dir = os.path.join(ctx.tmp, 'ovs')
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.prefix = ctx.next_prefix('ovs')
        self.db = f'unix:{self.dir}/db.sock'
        self.ctl = f'{self.dir}/ovs-vswitchd.ctl'
        for k in ('OVS_RUNDIR', 'OVS_LOGDIR', 'OVS_DBDIR', 'OVS_SYSCONFDIR'):
            os.environ[k] = self.dir
        self.dbp = self.vsp = None

    def start(self):
        ctx = self.ctx
        run(['ovsdb-tool', 'create', f'{self.dir}/conf.db', OVS_SCHEMA])
        self.dbp = ctx.procs.start(
            ['ovsdb-server', f'{self.dir}/conf.db', f'--remote=punix:{self.dir}/db.sock',
             f'--pidfile={self.dir}/ovsdb-server.pid',
             f'--unixctl={self.dir}/ovsdb-server.ctl', '--no-chdir',
             f'--log-file={self.dir}/ovsdb-server.log', '-vconsole:off'],
            ctx.logfile('ovsdb-server'))
        wait_for(lambda: os.path.exists(f'{self.dir}/db.sock'), 20,
                 'ovsdb-server', self.dbp)
        self.vsctl('--no-wait', 'init')
        extra = f'--no-pci --file-prefix={self.prefix} ' + ' '.join(ctx.eal_mem(2048))
        if not ctx.hugepages:
            # OVS adds --in-memory unless told --legacy-mem, and --in-memory
            # refuses --no-huge (which is legacy memory anyway)
            extra += ' --legacy-mem'
        cfg = ['other_config:dpdk-init=true', 'other_config:pmd-cpu-mask=0x2',
               f'other_config:dpdk-extra={extra}']
        if ctx.hugepages:
            cfg.append('other_config:dpdk-socket-mem=1024')
        self.vsctl('--no-wait', 'set', 'Open_vSwitch', '.', *cfg)
        self.vsp = ctx.procs.start(
            ['taskset', '-c', '0', OVS_VSWITCHD, self.db,
             f'--pidfile={self.dir}/ovs-vswitchd.pid',
             f'--unixctl={self.ctl}', '--no-chdir',
             f'--log-file={self.dir}/ovs-vswitchd.log', '-vconsole:off'],
            ctx.logfile('ovs-vswitchd'))
        wait_for(lambda: os.path.exists(self.ctl), 60, 'ovs-vswitchd', self.vsp)
        # dpdk_initialized is true once the EAL is up (or false if it failed)
        wait_for(lambda: run(['ovs-vsctl', f'--db={self.db}', 'get', 'Open_vSwitch',
                              '.', 'dpdk_initialized'], check=False).strip() == 'true',
                 60, 'ovs-vswitchd DPDK init', self.vsp)

    def vsctl(self, *args):
        return run(['ovs-vsctl', f'--db={self.db}', '--timeout=60', *args])

    def appctl(self, *args):
        return run(['ovs-appctl', '-t', self.ctl, *args])

    def bridge(self, br, ports, first_port=1):
        cmd = ['add-br', br, '--', 'set', 'bridge', br, 'datapath_type=netdev']
        for k, (name, devargs) in enumerate(ports):
            cmd += ['--', 'add-port', br, name, '--', 'set', 'interface', name,
                    'type=dpdk', f'options:dpdk-devargs={devargs}',
                    f'ofport_request={first_port + k}']
        self.vsctl(*cmd)
        for name, _ in ports:
            err = self.vsctl('get', 'interface', name, 'error').strip()
            if err not in ('[]', ''):
                raise Failed(f'OVS port {name}: {err}')

    def fdb_add(self, br, port, macs):
        if macs:
            ovs_unixctl(self.ctl, [('fdb/add', [br, port, '0', m]) for m in macs])

    def port_stats(self):
        """{port name: [rx, tx]} read from the datapath ports (fresh, not the
        5-second cached statistics column)."""
        out = run(['ovs-appctl', '-t', self.ctl, 'dpctl/show', '-s'])
        stats, cur = {}, None
        for line in out.splitlines():
            m = re.match(r'\s+port \d+: (\S+)', line)
            if m:
                cur = m.group(1)
                stats[cur] = [0, 0]
                continue
            m = re.match(r'\s+(RX|TX) packets:(\d+)', line)
            if m and cur:
                stats[cur][0 if m.group(1) == 'RX' else 1] = int(m.group(2))
        return stats

    def stop(self):
        # --cleanup: remove the datapath ports too (the bridges' taps)
        for p, ctl, ex in ((self.vsp, self.ctl, ['exit', '--cleanup']),
                           (self.dbp, f'{self.dir}/ovsdb-server.ctl', ['exit'])):
            if p is not None and p.poll() is None:
                subprocess.run(['ovs-appctl', '-t', ctl, *ex],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               timeout=20)
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    pass
            self.ctx.procs.stop(p)
        self.ctx.rm_runtime(self.prefix)
        if self.ctx.keep_logs:
            for f in ('ovs-vswitchd.log', 'ovsdb-server.log'):
                if os.path.exists(f'{self.dir}/{f}'):
                    shutil.copy(f'{self.dir}/{f}', self.ctx.logfile(f[:-4] + '-own'))


def run_ovs(ctx, sc, gen_factory=None):
    ovs = Ovs(ctx)
    gen = None
    try:
        ovs.start()
        if sc.ceiling == 'vhost':
            gen = gen_factory()
        sc.ovs(ovs, sc)
        # let the revalidators finish a round over the new flow table (1M
        # rules keep them busy and the PMD's upcalls waiting for a while)
        run(['ovs-appctl', '-t', ovs.ctl, 'revalidator/wait'], timeout=120)
        if gen is not None:
            gen.wait_line(GEN_READY)

            def snap():
                return gen_snap(gen)
        else:
            def snap():
                t = time.monotonic()
                st = ovs.port_stats()
                return {'t': t, 'rx': st['src'][0],
                        'tx': sum(st[f'sink{k}'][1] for k in range(sc.sinks))}
        first = [True]

        def snap_and_clear():
            s = snap()
            if first[0]:
                # OVS's own PMD counters then cover the window only
                ovs.appctl('dpif-netdev/pmd-stats-clear')
                first[0] = False
            return s
        s1, s2, dt, stolen = window(ctx, snap_and_clear, ovs.vsp.pid,
                                    periodic=gen is not None)
        pkts = (s2['tx'] - s1['tx']) / sc.fanout
        rx = s2['rx'] - s1['rx']
        pmd = ovs.appctl('dpif-netdev/pmd-stats-show')
        with open(ctx.logfile('ovs-state'), 'w') as f:
            f.write(pmd)
            f.write(ovs.appctl('dpctl/dump-flows', '-m'))
            f.write(ovs.appctl('dpctl/show', '-s'))
        m = re.search(r'avg processing cycles per packet: ([\d.]+)', pmd)
        idle = re.search(r'idle cycles: \d+ \(([\d.]+)%\)', pmd)
        return result(ctx, pkts, dt, stolen, gen_share=gen_share(s1, s2, dt),
                      pmd_cpp=float(m.group(1)) if m else None,
                      pmd_idle=float(idle.group(1)) / 100 if idle else None,
                      loss=1 - pkts / rx if rx else None)
    finally:
        if gen is not None:
            gen.stop()
        ovs.stop()


def run_ceiling(ctx, sc, gen_factory=None):
    gen = None
    if sc.ceiling == 'vhost':
        gen = gen_factory()
        vdevs = []
        for k in range(2):
            vdevs += ['--vdev', f'net_vhost{k},iface={sc.vhost_sock(k)},client=1,queues=1']
        nports = 2
    else:
        vdevs = ['--vdev', sc.devargs_src(f'tp{ctx.n}')]
        for k in range(sc.sinks):
            vdevs += ['--vdev', sc.devargs_sink(f'tp{ctx.n}_', k)]
        nports = 1 + sc.sinks
    tp = None
    try:
        tp = TestPmd(ctx, 'testpmd-io', ['--lcores', '0@0,1@1'] + ctx.eal_mem()
                     + vdevs, ['--forward-mode=io', '--nb-cores=1'], nports,
                     clock=(list(range(1, nports)), 'tx'))
        tp.wait_line(r'io packet forwarding')
        if gen is not None:
            gen.wait_line(GEN_READY)

            def snap():
                return gen_snap(gen)
        else:
            def snap():
                st, t = tp.stats()
                return {'t': t, 'rx': st[0][0],
                        'tx': sum(st[k][1] for k in range(1, nports))}
        s1, s2, dt, stolen = window(ctx, snap, tp.p.pid, periodic=True)
        pkts = s2['tx'] - s1['tx']
        rx = s2['rx'] - s1['rx']
        return result(ctx, pkts, dt, stolen, gen_share=gen_share(s1, s2, dt),
                      loss=1 - pkts / rx if rx else None)
    finally:
        if gen is not None:
            gen.stop()
        if tp is not None:
            tp.stop()


GEN_READY = r'mac packet forwarding'


def gen_snap(gen):
    """The vhost generator's counters: rx = frames delivered back to it,
    tx = frames it offered, with its scheduling stats."""
    st, t = gen.stats()
    return {'t': t, 'gen': thread_sched(gen.p.pid),
            'tx': sum(v[0] for v in st.values()),
            'rx': sum(v[1] for v in st.values())}


def vhost_generator(ctx, sc):
    """testpmd with two net_virtio_user ports (vhost-user servers) on CPU 0,
    in a loop: --tx-first sends one burst of 256 64-byte frames on each
    port (from the port's MAC to the other's), and the `mac` forwarding
    mode sends what comes back on port 0 out of port 1 and the other way
    round, rewriting the MACs. 512 frames circulate in each direction
    through the forwarder; rings of 1024 cannot overflow, so nothing is
    lost and the slower of the generator and the forwarder sets the rate.
    The generator's RX counters measure it. (flowgen would be the obvious
    choice, but its frames all carry 00:01:02:03:04:00 -> :01 whatever
    the port: a switch floods them and sees the source move.)"""
    def make():
        for k in range(2):
            if os.path.exists(sc.vhost_sock(k)):
                os.unlink(sc.vhost_sock(k))
        vdevs = []
        for k in range(2):
            vdevs += ['--vdev', f'net_virtio_user{k},path={sc.vhost_sock(k)},'
                      f'server=1,queues=1,queue_size=1024,mac={VIRTIO_MACS[k]}']
        app = ['--forward-mode=mac', '--tx-first', '--burst=256', '--nb-cores=1',
               '--txpkts=60', '--txd=1024', '--rxd=1024',
               f'--eth-peer=0,{VIRTIO_MACS[1]}', f'--eth-peer=1,{VIRTIO_MACS[0]}']
        eal = ['--lcores', '0@0,1@0'] + (['--huge-dir', ctx.huge_dir, '--single-file-segments']
                                         if ctx.hugepages else ['--no-huge', '-m1024'])
        return TestPmd(ctx, 'testpmd-gen', eal + vdevs, app, 2, clock=([0, 1], 'rx'))
    return make


# --------------------------------------------------------------------------
# Main loop and report
# --------------------------------------------------------------------------

def make_pcaps(ctx, scs):
    for sc in scs:
        if sc.pcap_args is None:
            d = os.path.join(ctx.tmp, 'vhost')
            os.makedirs(d, exist_ok=True)
            sc.vhost_sock = (lambda k, d=d: os.path.join(d, f'vhu{k}.sock'))
            continue
        sc.pcap = os.path.join(ctx.pcapdir, f'{sc.name}.pcap')
        subprocess.run([os.path.join(HERE, 'make-pcap'), sc.pcap] + sc.pcap_args,
                       check=True)


VHOST_MIN_TRIALS = 5


def trials_of(sc, a):
    """vhost-pvp's rates jump between two levels from one start to the next
    (see bench/README.md): at least 5 pairs make its median pairwise ratio
    depend less on which level each forwarder drew."""
    return max(a.trials, VHOST_MIN_TRIALS) if sc.ceiling == 'vhost' else a.trials


def median_spread(vals):
    vals = [v for v in vals if v is not None]
    if not vals:
        return None, None, None
    return statistics.median(vals), min(vals), max(vals)


class Budget:
    """Retries only while the whole run stays within --budget seconds:
    the remaining runs are estimated at the average so far."""

    def __init__(self, seconds, total_runs):
        self.seconds = seconds
        self.left = total_runs
        self.done = 0
        self.t0 = time.monotonic()

    def ran(self):
        self.done += 1
        self.left -= 1

    def allows_one_more(self):
        spent = time.monotonic() - self.t0
        avg = spent / max(1, self.done)
        return spent + avg * (self.left + 1) < self.seconds


def measure(ctx, sc, fw, fn, budget):
    """One trial; once more when another process took more than 10% of
    the forwarding core (the rates are per second of core time, but a
    shared core also has colder caches); the better of the two is kept."""
    r = fn()
    if r['share'] < 0.9 and budget.allows_one_more():
        log(f'    {fw}: its thread had {r["share"]:.0%} of the forwarding core '
            '(another process ran there): once more')
        r2 = fn()
        r = r2 if r2['share'] > r['share'] else r
    if r['share'] < 0.9:
        r['contended'] = True
    return r


def fmt(v, nd=1):
    return '-' if v is None else f'{v:.{nd}f}'


def fmt_mpps(ms):
    med, lo, hi = ms
    if med is None:
        return None
    return f'{med:.2f} ({lo:.2f}-{hi:.2f})'


def main():
    if '--list' in sys.argv:
        for sc in scenarios():
            yard = 'yard-dp' if sc.yard else f'yard-dp n/a ({sc.yard_na})'
            print(f'{sc.name:<14} {sc.desc}; {yard}')
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument('--tmp', required=True)
    ap.add_argument('--prefix', required=True)
    ap.add_argument('--hugepages', type=int, default=0)
    ap.add_argument('--scenario', action='append', default=[])
    ap.add_argument('--seconds', type=float, default=2)
    ap.add_argument('--warmup', type=float, default=1)
    ap.add_argument('--trials', type=int, default=3)
    ap.add_argument('--budget', type=float, default=540,
                    help='seconds the whole run should stay under (retries)')
    ap.add_argument('--json')
    ap.add_argument('--no-ovs', action='store_true')
    ap.add_argument('--keep-logs')
    ap.add_argument('--yard-dp', default=os.path.join(ROOT, 'build', 'app',
                                                     'yard-dp'))
    ap.add_argument('--yard-capture', default=None,
                    help='yardctl capture arguments run against yard-dp '
                    'during each of its windows (its cost)')
    ap.add_argument('--hugepages-note', default='')
    ap.add_argument('--command', default='bench/run')
    a = ap.parse_args()

    def on_signal(signum, frame):
        raise Stop()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    all_sc = scenarios()
    names = [s.name for s in all_sc]
    for n in a.scenario:
        if n not in names:
            log(f'bench/run: unknown scenario {n}; known: {", ".join(names)}')
            return 2
    scs = [s for s in all_sc if not a.scenario or s.name in a.scenario]
    ctx = Ctx(a)
    t_start = time.monotonic()
    rows = []
    try:
        if a.hugepages:
            os.makedirs(ctx.huge_dir, exist_ok=True)
            r = subprocess.run(['mount', '-t', 'hugetlbfs', '-o', 'pagesize=2M',
                                'nodev', ctx.huge_dir])
            if r.returncode != 0:
                log('bench/run: could not mount hugetlbfs: running without hugepages')
                ctx.hugepages = False
        ctx.tsc_hz = tsc_hz(ctx)
        log(f'TSC {ctx.tsc_hz / 1e6:.0f} MHz; hugepages: '
            f'{"yes" if ctx.hugepages else "no"}; {a.seconds:g} s windows after '
            f'{a.warmup:g} s warm-up, {a.trials} trials')
        make_pcaps(ctx, scs)
        runs = sum(((1 if sc.yard else 0) + (0 if a.no_ovs else 1) + 1) *
                   trials_of(sc, a) for sc in scs)
        budget = Budget(a.budget - (time.monotonic() - t_start), runs)
        for sc in scs:
            log(f'== {sc.name}: {sc.desc}')
            gen = vhost_generator(ctx, sc) if sc.ceiling == 'vhost' else None
            fws = [('yard', lambda: run_yard(ctx, sc, gen))]
            if not a.no_ovs:
                fws.append(('ovs', lambda: run_ovs(ctx, sc, gen)))
            fws.append(('ceiling', lambda: run_ceiling(ctx, sc, gen)))
            res = {f: [] for f, _ in fws}
            na = {}
            fails, soft = {}, []
            for trial in range(trials_of(sc, a)):
                for fw, fn in fws:
                    while fw not in na:
                        try:
                            r = measure(ctx, sc, fw, fn, budget)
                        except NotAvailable as e:
                            na[fw] = f'n/a: {e}'
                            log(f'  {fw}: {na[fw]}')
                            break
                        except (Failed, OSError, ValueError, KeyError) as e:
                            # OSError: a socket or a pipe went away; ValueError,
                            # KeyError: output that did not parse
                            budget.ran()
                            fails[fw] = fails.get(fw, 0) + 1
                            log(f'  trial {trial + 1} {fw}: failed: {e}')
                            soft.append(f'{fw} trial {trial + 1}: {e}')
                            if fails[fw] >= 3 or (fails[fw] >= 2 and not res[fw]):
                                na[fw] = f'failed: {e}'
                            elif budget.allows_one_more():
                                continue
                            break
                        budget.ran()
                        res[fw].append(r)
                        log(f'  trial {trial + 1} {fw:<8} {r["mpps"]:7.2f} Mpps '
                            f'{fmt(r["cpp"])} cycles/packet'
                            + (f' (graph {fmt(r["graph_cpp"])})' if r.get('graph_cpp') else '')
                            + (f' (pmd {fmt(r["pmd_cpp"])})' if r.get('pmd_cpp') else '')
                            + (f' pmd idle {r["pmd_idle"]:.0%}' if (r.get('pmd_idle') or 0) > 0.02 else '')
                            + (f' loss {r["loss"]:.1%}' if r.get('loss') and r['loss'] > 0.01 else '')
                            + (f' drops {r["drops"]}' if r.get('drops') else '')
                            + (f' rx {r["rx_burst"]:.1f}/poll' if r.get('rx_burst') else '')
                            + (f' core share {r["share"]:.0%}' if r['share'] < 0.98 else '')
                            + (f' generator had {r["gen_share"]:.0%} of CPU 0'
                               if r.get('gen_share') is not None and r['gen_share'] < 0.95 else '')
                            + (' CONTENDED' if r.get('contended') else ''))
                        break
            if a.no_ovs:
                na['ovs'] = 'skipped (--no-ovs)'
            rows.append((sc, res, na, soft))
    except (KeyboardInterrupt, Stop):
        log('bench/run: interrupted; cleaning up')
        return 130
    finally:
        ctx.procs.stop_all()
        for p in ctx.prefixes:
            ctx.rm_runtime(p)
        if a.keep_logs:
            shutil.copytree(ctx.logdir, a.keep_logs, dirs_exist_ok=True)
        if ctx.hugepages:
            subprocess.run(['umount', ctx.huge_dir], stderr=subprocess.DEVNULL)

    elapsed = time.monotonic() - t_start
    report(ctx, a, rows, elapsed)
    return 0


def report(ctx, a, rows, elapsed):
    out = []
    js = {'hugepages': bool(ctx.hugepages), 'scenarios': []}
    hp = 'yes (2 MiB pages, ' + a.hugepages_note + ')' if ctx.hugepages else \
        'no (--no-huge' + (', ' + a.hugepages_note if a.hugepages_note else '') + ')'
    out.append(f'Hugepages: {hp}. One forwarding core (CPU 1); {a.trials} trials '
               f'(vhost-pvp: at least {VHOST_MIN_TRIALS}) '
               f'of {a.seconds:g} s each, median (min-max). TSC {ctx.tsc_hz / 1e6:.0f} MHz.')
    out.append('')
    out.append('| scenario | yard-dp Mpps | yard-dp cycles/pkt graph / core '
               '| OVS-DPDK Mpps | OVS cycles/pkt | ceiling Mpps | ceiling cycles/pkt '
               '| yard/OVS | yard/ceiling |')
    out.append('|---|---|---|---|---|---|---|---|---|')
    notes = []
    for sc, res, na, soft in rows:
        shared = []
        for f in soft:
            notes.append(f'{sc.name}: failed and retried: {f}')
        ent = {'name': sc.name, 'description': sc.desc, 'frame_bytes': sc.frame}
        cells = [sc.name]
        meds = {}
        for fw in ('yard', 'ovs', 'ceiling'):
            rs = res.get(fw, [])
            ms = median_spread([r['mpps'] for r in rs])
            cpp = median_spread([r['cpp'] for r in rs])[0]
            meds[fw] = ms[0]
            key = {'yard': 'yard', 'ovs': 'ovs', 'ceiling': 'ceiling'}[fw]
            ent[f'{key}_mpps'] = round(ms[0], 3) if ms[0] is not None else None
            ent[f'{key}_mpps_min'] = round(ms[1], 3) if ms[1] is not None else None
            ent[f'{key}_mpps_max'] = round(ms[2], 3) if ms[2] is not None else None
            ent[f'{key}_trials_mpps'] = [round(r['mpps'], 3) for r in rs]
            ent[f'{key}_trials_core_share'] = [round(r['share'], 3) for r in rs]
            gs = [r['gen_share'] for r in rs if r.get('gen_share') is not None]
            if gs:
                ent[f'{key}_trials_generator_share'] = [round(g, 3) for g in gs]
                if min(gs) < 0.9:
                    shared.append(f'generator for {fw} down to {min(gs):.0%} of CPU 0')
            low = [r['share'] for r in rs if r.get('contended')]
            if low:
                shared.append(f'{fw} {len(low)}/{len(rs)} (down to {min(low):.0%})')
            if fw == 'yard':
                g = median_spread([r.get('graph_cpp') for r in rs])[0]
                ent['yard_cycles_per_packet'] = round(g, 1) if g is not None else None
                ent['yard_cycles_per_packet_core'] = round(cpp, 1) if cpp is not None else None
                if rs:
                    mid = sorted(rs, key=lambda r: r['mpps'])[len(rs) // 2]
                    ent['yard_nodes_cycles_per_packet'] = mid['nodes']
                    ent['yard_nodes_packets_per_call'] = mid.get('per_call', {})
                    ent['yard_nodes_packets'] = mid.get('node_pkts', {})
                    ent['yard_drops'] = mid.get('drops', {})
                    ent['yard_rx_packets_per_poll'] = (round(mid['rx_burst'], 1)
                                                       if mid.get('rx_burst') else None)
                if ms[0] is None:
                    cells += [na.get(fw, 'n/a').split(':')[0], 'n/a']
                else:
                    cells += [fmt_mpps(ms), f'{fmt(g)} / {fmt(cpp)}']
            else:
                ent[f'{key}_cycles_per_packet'] = round(cpp, 1) if cpp is not None else None
                if fw == 'ovs':
                    p = median_spread([r.get('pmd_cpp') for r in rs])[0]
                    ent['ovs_pmd_cycles_per_packet'] = round(p, 1) if p is not None else None
                    idle = median_spread([r.get('pmd_idle') for r in rs])[0]
                    ent['ovs_pmd_idle'] = round(idle, 3) if idle is not None else None
                    if idle and idle > 0.05:
                        notes.append(f'{sc.name}/ovs: the PMD was idle {idle:.0%} of the '
                                     'time: the source, not OVS, set the rate')
                if ms[0] is None:
                    cells += [na.get(fw, 'n/a').split(':')[0], '']
                else:
                    cells += [fmt_mpps(ms), fmt(cpp)]
            if fw in na:
                ent[f'{key}_note'] = na[fw]
                if not na[fw].startswith('n/a') or fw != 'yard':
                    notes.append(f'{sc.name}/{fw}: {na[fw]}')
        if shared:
            notes.append(f'{sc.name}: trials where another process held the forwarding '
                         'core more than 10% of the time (rates are per core-second, but '
                         'caches were colder): ' + ', '.join(shared))
        for fw, k in (('ovs', 'yard_vs_ovs'), ('ceiling', 'yard_vs_ceiling')):
            v = meds['yard'] / meds[fw] if meds['yard'] and meds[fw] else None
            pairs = [y['mpps'] / o['mpps'] for y, o in
                     zip(res.get('yard', []), res.get(fw, [])) if o['mpps']]
            if pairs:
                ent[k + '_pairwise'] = [round(x, 3) for x in pairs]
                if sc.ceiling == 'vhost':
                    # vhost-user rates swing: compare trial by trial (A B A B)
                    v = statistics.median(pairs)
            ent[k] = round(v, 3) if v is not None else None
            cells.append(f'{v:.2f}x' if v is not None else 'n/a')
        js['scenarios'].append(ent)
        out.append('| ' + ' | '.join(cells) + ' |')
    out.append('')
    out.append('Mpps: input frames forwarded per second of forwarding-core time, '
               'counted at the sinks (l2-flood: per input frame, i.e. sink frames / 3; '
               'vhost-pvp: frames the generator got back). Time the forwarding thread '
               'waited while another process had its core is taken out (schedstat); a '
               'trial with less than 90% of the core is run once more. yard-dp '
               'cycles/pkt: "graph" = sum of its stats.nodes cycles / frames received, '
               '"core" = TSC Hz / packet rate. OVS and ceiling cycles/pkt = TSC Hz / '
               'packet rate (a busy-polling core spends all its cycles on the packets). '
               'Ceiling = dpdk-testpmd --forward-mode=io: rx+tx only (l2-flood: one '
               'copy, not three).')
    if any('failed' in n for n in notes) and not a.keep_logs:
        notes.append('the logs named above are removed on exit: --keep-logs DIR keeps them')
    for n in notes:
        out.append(f'- {n}')
    out.append('')
    out.append(f'Run time: {elapsed:.0f} s. Command: {a.command}')
    print('\n'.join(out), flush=True)
    js.update({'seconds': a.seconds, 'warmup': a.warmup, 'trials': a.trials,
               'tsc_hz': ctx.tsc_hz, 'elapsed_s': round(elapsed, 1),
               'command': a.command})
    if a.json:
        with open(a.json, 'w') as f:
            json.dump(js, f, indent=2)
            f.write('\n')


if __name__ == '__main__':
    sys.exit(main())
