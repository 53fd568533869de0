/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardctl's commands: each one's synopsis, manual text, options and the
 * function that runs it. `yardctl help`, `yardctl CMD --help` and the man
 * page text are printed from this table.
 */
#include <stddef.h>

#include "yardctl_priv.h"

#define YC_PAIRS_TEXT \
"KEY=VALUE PAIRS\n" \
"    KEY=VALUE    true and false become booleans and whole numbers become\n" \
"                 numbers, except for keys that hold names or paths (name,\n" \
"                 network, kind, mac, socket, ...); anything else, MACs and\n" \
"                 addresses included, is a string.\n" \
"    ips=A,B      ips, nics and addresses are lists: comma-separated.\n" \
"    trunk=NETWORK/VLAN,...\n" \
"                 A trunk port's VLANs: trunk=blue/100,red/200.\n" \
"    action=output:PORT\n" \
"                 Also mirror:PORT; allow and drop are written as they are.\n" \
"    KEY:=JSON    Any value as JSON, for nested keys: interfaces, routes,\n" \
"                 match. E.g. match:='{\"ip_proto\": \"tcp\", \"tp_dst\": 22}'\n" \
"    KEY=         An empty value leaves KEY unset (its default).\n"

const struct yc_cmd yc_cmds[] = {
	{ "apply", "apply -f FILE [--dry-run]",
	  "make a topology document the whole desired state",
"DESCRIPTION\n"
"    FILE is a topology document (schema v1, YAML or JSON); '-' reads\n"
"    standard input. Objects new in FILE are created, those that differ are\n"
"    updated, and stored objects that FILE does not mention are deleted.\n"
"    yardd validates the whole document first: when it is invalid, nothing\n"
"    changes and yardd's error, which names the key and the line, is\n"
"    printed on standard error.\n"
"\n"
"    Prints a summary, then one line per change:\n"
"        created 1, updated 1, deleted 1, unchanged 12 (generation 8)\n"
"        + network/blue\n"
"        ~ port/vm1-eth0\n"
"        - flow/no-ssh\n"
"\n"
"OPTIONS\n"
"    -f, --file FILE   The document to apply ('-': standard input).\n"
"    --dry-run         Compute and print the changes (\"would create ...\")\n"
"                      without making them.\n"
"\n"
"EXAMPLES\n"
"    yardctl apply -f topology.yaml --dry-run\n"
"    yardctl apply -f topology.yaml\n"
"    yardctl export | yardctl apply -f -      # changes nothing\n",
	  YC_OPT_FILE | YC_OPT_DRY_RUN, yc_cmd_apply },
	{ "export", "export [--format yaml|json]",
	  "print the desired state as a topology document",
"DESCRIPTION\n"
"    Prints the stored document as it is, YAML unless --format json is\n"
"    given. Applying the output changes nothing, and exporting again prints\n"
"    the same bytes. With --json, prints yardd's result, {\"format\": F,\n"
"    \"text\": T}.\n"
"\n"
"OPTIONS\n"
"    --format yaml|json   The document's format (default: yaml).\n"
"\n"
"EXAMPLES\n"
"    yardctl export > topology.yaml\n"
"    yardctl export --format json\n",
	  YC_OPT_FORMAT, yc_cmd_export },
	{ "list", "list KIND",
	  "print the objects of one kind as a table",
"DESCRIPTION\n"
"    One row per object, in stored order. Values left at their default are\n"
"    shown with it (mac_limit 65536, ageing 300, security true for vhost\n"
"    ports, ...); '-' means not set. STATUS is the object's status,\n"
"    followed by its message when it has one (always for \"error\").\n"
"\n"
"    networks  NAME VNI MAC_LIMIT AGEING STATUS\n"
"    ports     NAME KIND NETWORK MAC IPS SECURITY STATUS\n"
"              (NETWORK of a trunk port: \"trunk: blue/100,red/200\")\n"
"    routers   NAME INTERFACES ROUTES STATUS\n"
"              (NETWORK:ADDRESS per interface; the routes' prefixes)\n"
"    flows     NAME PRIORITY NETWORK ACTION STATUS\n"
"    vms       NAME CPUS MEMORY NICS ACCEL STATUS\n"
"\n"
"    With --json, prints yardd's list: [{\"object\": {...}, \"status\": S,\n"
"    \"message\": M}, ...], objects in canonical form (defaults left out).\n"
"\n"
"EXAMPLES\n"
"    yardctl list networks\n"
"    yardctl --json list port\n",
	  0, yc_cmd_list },
	{ "get", "get KIND NAME",
	  "print one object and its status",
"DESCRIPTION\n"
"    Prints the object as YAML-like \"key: value\" lines in schema order,\n"
"    defaults filled in, then \"status:\" and, when there is one,\n"
"    \"message:\". With --json, prints yardd's result: {\"object\": {...},\n"
"    \"status\": S, \"message\": M}.\n"
"\n"
"EXAMPLES\n"
"    yardctl get network blue\n"
"    yardctl --json get port vm1-eth0\n",
	  0, yc_cmd_named },
	{ "create", "create KIND -f FILE | KEY=VALUE...",
	  "add one object",
"DESCRIPTION\n"
"    Adds one object of KIND; it is an error when one of that name exists.\n"
"    The object comes from FILE, written as it would appear in a topology\n"
"    document (YAML or JSON; '-' reads standard input; a document holding\n"
"    exactly one object of KIND, like \"networks: [{name: blue}]\", works\n"
"    too), or from KEY=VALUE pairs. Prints \"created KIND/NAME: STATUS\".\n"
"\n"
YC_PAIRS_TEXT
"\n"
"EXAMPLES\n"
"    yardctl create network name=blue vni=1001\n"
"    yardctl create port name=vm1-eth0 kind=vhost network=blue \\\n"
"        socket=/run/yard/vm1-eth0.sock mac=52:54:00:00:01:01 ips=10.0.1.11\n"
"    yardctl create port name=up1 kind=tap devargs=net_tap0,iface=yt0 \\\n"
"        trunk=blue/100,red/200\n"
"    yardctl create flow name=no-ssh priority=100 network=blue action=drop \\\n"
"        match:='{\"ip_proto\": \"tcp\", \"tp_dst\": 22}'\n"
"    yardctl create router -f r1.yaml\n",
	  YC_OPT_FILE, yc_cmd_write },
	{ "update", "update KIND -f FILE | KEY=VALUE...",
	  "change one object",
"DESCRIPTION\n"
"    With -f, FILE holds the whole new object (as for create), which\n"
"    replaces the stored one: keys it leaves out go back to their defaults.\n"
"    With KEY=VALUE pairs, name=NAME picks the object and only the keys\n"
"    given change: yardctl reads the object, sets the keys (KEY= removes\n"
"    one, bringing back its default) and sends the result. Prints\n"
"    \"updated KIND/NAME: STATUS\".\n"
"\n"
YC_PAIRS_TEXT
"\n"
"EXAMPLES\n"
"    yardctl update network name=blue mac_limit=4096\n"
"    yardctl update network name=blue vni=      # no VXLAN any more\n"
"    yardctl update port name=vm1-eth0 ips=10.0.1.11,10.0.1.12\n"
"    yardctl update router -f r1.yaml            # r1.yaml: the whole router\n",
	  YC_OPT_FILE, yc_cmd_write },
	{ "delete", "delete KIND NAME",
	  "remove one object",
"DESCRIPTION\n"
"    yardd refuses when other objects refer to it (a network that ports\n"
"    use, a port that a vm or a flow names): delete or change those first.\n"
"    Prints \"deleted KIND/NAME\".\n"
"\n"
"EXAMPLES\n"
"    yardctl delete flow no-ssh\n",
	  0, yc_cmd_named },
	{ "stats", "stats ports [NAME] | nodes | drops [--all]",
	  "print the dataplane's counters",
"DESCRIPTION\n"
"    Counters of yard-dp since it started, read through yardd; this fails\n"
"    while yard-dp is not connected.\n"
"\n"
"    ports    Per port: NAME RX_PKTS RX_BYTES TX_PKTS TX_BYTES DROPS TX_DROPS\n"
"             LINK. With NAME, that port only.\n"
"    nodes    Per graph node: NODE PACKETS CALLS PKTS/CALL CYCLES/PKT.\n"
"    drops    Dropped packets per reason: REASON COUNT. Reasons that\n"
"             dropped nothing are shown only with --all.\n"
"\n"
"OPTIONS\n"
"    --all    With drops: every reason, zeros included.\n"
"\n"
"EXAMPLES\n"
"    yardctl stats ports\n"
"    yardctl stats ports vm1-eth0\n"
"    yardctl stats drops --all\n",
	  YC_OPT_ALL, yc_cmd_stats },
	{ "top", "top [-i SECONDS] [-n COUNT] [--batch] [--nodes]",
	  "watch the ports' rates and drops, refreshed",
"DESCRIPTION\n"
"    Reads yard-dp's port counters (through yardd) every interval and shows\n"
"    what changed, per second, like vppctl show runtime or ovs-appctl\n"
"    dpif-netdev/pmd-perf-show:\n"
"\n"
"    PORT NETWORK RX_PPS RX_BIT/S TX_PPS TX_BIT/S DROPS/S TX_DROPS/S DROPS LINK\n"
"\n"
"    RX is what the port received, TX what it sent; DROPS/S are packets it\n"
"    received that the graph dropped (yardctl stats drops tells why),\n"
"    TX_DROPS/S packets for it that its queue refused; DROPS is the total\n"
"    since yard-dp started. Rates print with k, M, G (powers of 1000).\n"
"\n"
"    On a terminal the screen is redrawn in place until q or Ctrl-C, and the\n"
"    terminal is put back as it was. When the output is not a terminal, or\n"
"    with --batch, each screen is printed after the other (for logs and\n"
"    scripts). With --json, one JSON object per line: {\"time\", \"interval\",\n"
"    \"ports\": [{\"name\", \"rx_pps\", \"rx_bps\", \"tx_pps\", \"tx_bps\",\n"
"    \"drops_ps\", \"tx_drops_ps\", ...}], \"nodes\"}.\n"
"\n"
"OPTIONS\n"
"    -i, --interval SECONDS   Time between readings (0.1..3600, default 1).\n"
"    -n, --iterations COUNT   Stop after COUNT screens (default: until q).\n"
"    -b, --batch              Print screens one after another; no keys.\n"
"    --nodes                  Also the graph nodes: NODE PKTS/S PKTS/CALL\n"
"                             CYCLES/PKT, over the interval (what a node\n"
"                             costs now, not since the start).\n"
"\n"
"EXAMPLES\n"
"    yardctl top\n"
"    yardctl top --nodes -i 2\n"
"    yardctl top -b -n 5 > rates.log\n"
"    yardctl --json top -n 10 | jq '.ports[] | select(.name == \"vm1-eth0\")'\n",
	  YC_OPT_TOP, yc_cmd_top },
	{ "fdb", "fdb show [NETWORK]",
	  "print the MAC addresses the dataplane knows",
"DESCRIPTION\n"
"    Prints yard-dp's forwarding database: per network, each MAC address,\n"
"    the port behind it, whether it is static, and its age in seconds.\n"
"    Columns: NETWORK MAC PORT STATIC AGE. With NETWORK, that network\n"
"    only. Fails while yard-dp is not connected.\n"
"\n"
"EXAMPLES\n"
"    yardctl fdb show\n"
"    yardctl fdb show blue\n",
	  0, yc_cmd_fdb },
	{ "neigh", "neigh list [--router NAME]",
	  "print the neighbours (ARP entries) the routers have learned",
"DESCRIPTION\n"
"    Prints yard-dp's neighbour table: per router and network, each IPv4\n"
"    address the router has resolved, its MAC address, and the seconds since\n"
"    it was last confirmed. Columns: ROUTER NETWORK IP MAC AGE. Entries\n"
"    are learned from ARP and age out; none are configured. Fails while\n"
"    yard-dp is not connected.\n"
"\n"
"    With --json, prints yard-dp's list: [{\"router\": R, \"network\": N,\n"
"    \"ip\": IP, \"mac\": MAC, \"age\": SECONDS}, ...].\n"
"\n"
"OPTIONS\n"
"    --router NAME\n"
"        The neighbours of router NAME only. It is an error (exit 1) when\n"
"        yard-dp holds no router of that name.\n"
"\n"
"EXAMPLES\n"
"    yardctl neigh list\n"
"    yardctl neigh list --router r1\n",
	  YC_OPT_ROUTER, yc_cmd_view },
	{ "router", "router list | router show NAME | router stats",
	  "print the routers, one router, or their control-path counters",
"DESCRIPTION\n"
"    list\n"
"        One row per stored router: NAME INTERFACES ROUTES NEIGHBORS MEMORY\n"
"        STATUS. ROUTES counts its stored routes; NEIGHBORS and MEMORY (its\n"
"        FIB: the 64 MiB tbl24, tbl8 groups, rules) come from yard-dp and\n"
"        are \"-\" while yard-dp is away.\n"
"    show NAME\n"
"        One router: status; routes stored and in the dataplane, and\n"
"        whether the two sets are the same (compared by a digest); FIB\n"
"        rules, tbl8 groups used and allocated, memory; neighbours; its\n"
"        interfaces (NETWORK ADDRESS MAC).\n"
"    stats\n"
"        Counters of yard-dp's routing, summed over every router since\n"
"        yard-dp started, one per row: COUNTER VALUE. They are\n"
"        neigh_learned, neigh_updated, neigh_aged (neighbours added,\n"
"        changed, expired); neigh_queue_full (neighbour events the workers\n"
"        lost: the queue to the control thread was full); arp_requests\n"
"        (ARP requests the workers sent to resolve a next hop); held,\n"
"        released (packets held while their next hop was being resolved,\n"
"        and those sent once it was); icmp_sent, icmp_suppressed (ICMP\n"
"        replies and errors sent, and the errors the rate limit withheld).\n"
"        Fails while yard-dp is not connected.\n"
"\n"
"    With --json: list prints [{name, interfaces, status, route_count,\n"
"    fib?: {route_count, route_digest, rules, tbl8_groups, tbl8_capacity,\n"
"    neighbors, memory}}], show one such object, stats yard-dp's object of\n"
"    counters.\n"
"\n"
"EXAMPLES\n"
"    yardctl router list\n"
"    yardctl router show r1\n"
"    yardctl --json router show r1 | jq .fib.memory\n"
"    yardctl --json router stats | jq .icmp_sent\n",
	  0, yc_cmd_router },
	{ "route", "route list ROUTER | route get ROUTER IP [from SRC [proto P] "
	  "[sport N] [dport N]] | route add ROUTER (PREFIX via IP[,IP...] | -f "
	  "FILE) | route del ROUTER (PREFIX... | -f FILE)",
	  "list, look up, add and delete a router's static routes",
"DESCRIPTION\n"
"    Routes are data: yardd stores each one as a row and sends yard-dp\n"
"    only the routes a command changes, so one route added to a router\n"
"    holding 1,000,000 costs about as much as on an empty one.\n"
"\n"
"    list ROUTER\n"
"        The stored routes, sorted by prefix: PREFIX VIA.\n"
"    get ROUTER IP [from SRC [proto tcp|udp|icmp|N] [sport N] [dport N]]\n"
"        Looks IP up in yard-dp's FIB as a packet would be: the chosen\n"
"        prefix and its kind (static, connected, local), then each next\n"
"        hop (MEMBER VIA NETWORK NEIGHBOR MAC AGE) with its neighbour's\n"
"        state (reachable, static, incomplete, none). Given a flow (from\n"
"        SRC, and the protocol and ports for TCP and UDP), the member that\n"
"        flow takes is marked '*' (ECMP hashes the 5-tuple).\n"
"    add ROUTER PREFIX via IP[,IP...]\n"
"        Adds a route, or replaces the next hops of PREFIX. Several next\n"
"        hops make an ECMP route. Each must be on one of the router's\n"
"        interfaces' networks.\n"
"    add ROUTER -f FILE\n"
"        Adds the routes of FILE ('-': standard input), one a line:\n"
"        \"PREFIX via IP[,IP...]\" (\"via\" may be left out); '#' starts a\n"
"        comment. Sent in batches of 50,000; 1,000,000 lines are fine.\n"
"    del ROUTER PREFIX... | del ROUTER -f FILE\n"
"        Deletes routes (FILE: one PREFIX a line). It is an error when\n"
"        one of them is not a route of ROUTER; nothing of that batch is\n"
"        deleted then.\n"
"\n"
"    add and del print the counts (added, changed, unchanged or deleted),\n"
"    the router's route count and its status; they exit 1 when the\n"
"    router ends in \"error\". A router's routes also come and go with\n"
"    'yardctl apply' (a document sets every router's routes) and with\n"
"    'yardctl create|update router' when the object has \"routes\"; an\n"
"    update without \"routes\" keeps them. 'yardctl export' writes them.\n"
"\n"
"    With --json: list prints [{prefix, via}], get yard-dp's answer\n"
"    {ip, prefix, kind, via: [{ip, network, neighbor: {state, mac?,\n"
"    age?}}], member?}, add and del {router, total, status, added,\n"
"    changed, unchanged | deleted}.\n"
"\n"
"EXAMPLES\n"
"    yardctl route add r1 10.20.0.0/16 via 10.9.0.2\n"
"    yardctl route add r1 0.0.0.0/0 via 10.9.0.2,10.9.0.3\n"
"    yardctl route add r1 -f table.txt\n"
"    yardctl route get r1 10.20.1.1\n"
"    yardctl route get r1 10.20.1.1 from 10.0.0.5 proto tcp sport 40000 dport 80\n"
"    yardctl route del r1 10.20.0.0/16\n"
"    yardctl route list r1 | head\n",
	  YC_OPT_FILE, yc_cmd_route },
	{ "vtep", "vtep list",
	  "print the overlay's remote VTEPs and their traffic",
"DESCRIPTION\n"
"    Prints the remote VXLAN tunnel endpoints yard-dp knows from the\n"
"    overlay's peers, whether each one's underlay next hop is resolved\n"
"    (its MAC address known, so that packets to it can leave), and the\n"
"    packets and bytes received from and sent to it. Columns: VTEP\n"
"    RESOLVED RX_PKTS RX_BYTES TX_PKTS TX_BYTES INNER_MTU VNIS. VNIS are\n"
"    the stretched networks whose flood list has the VTEP (- for a VTEP\n"
"    met through learn_any_vtep); INNER_MTU is the largest IP packet\n"
"    those networks carry: the underlay port's MTU less the 50 bytes of\n"
"    VXLAN encapsulation. The list is empty without an overlay. Fails\n"
"    while yard-dp is not connected.\n"
"\n"
"    With --json, prints yard-dp's list: [{\"vtep\": IP, \"resolved\": B,\n"
"    \"rx_packets\": N, \"rx_bytes\": N, \"tx_packets\": N,\n"
"    \"tx_bytes\": N, \"inner_mtu\": N, \"vnis\": [VNI, ...]}, ...].\n"
"\n"
"EXAMPLES\n"
"    yardctl vtep list\n",
	  0, yc_cmd_view },
	{ "flow", "flow list|stats|add|replace|del [-f FILE] [KEY=VALUE...|NAME...]",
	  "program the flow table: list rules with their counters, add, replace, delete",
"DESCRIPTION\n"
"    Flow rules (topology schema v1, 'flows:') match frames at ingress and\n"
"    allow, drop, output or mirror them; docs/topology.md tells their keys.\n"
"    A change of many rules is one request to yardd, one transaction and\n"
"    one rebuild of yard-dp's table: add thousands at once with -f.\n"
"\n"
"    flow list\n"
"        The stored rules in stored order (between equal priorities the\n"
"        first one wins), with the packets and bytes yard-dp counted for\n"
"        each since it was programmed and their status. Columns: NAME\n"
"        PRIORITY NETWORK MATCH ACTION PACKETS BYTES STATUS; MATCH \"any\"\n"
"        matches every frame, ACTION is allow, drop, output:PORT or\n"
"        mirror:PORT, '-' is not set (or not counted: yard-dp is away or\n"
"        does not hold the rule, then STATUS says why).\n"
"    flow stats\n"
"        What yard-dp holds, in the order it matches: NAME PRIORITY ACTION\n"
"        PACKETS BYTES. Fails while yard-dp is not connected.\n"
"    flow add -f FILE | KEY=VALUE...\n"
"        Add rules: FILE holds one rule, a list of rules, or a document\n"
"        with only 'flows:' (YAML or JSON, '-' for standard input). All or\n"
"        none: a name that exists, or a rule that is invalid, refuses the\n"
"        whole request, and so does going past the dataplane's limit\n"
"        (yard-dp --flow-max-rules, 65536 by default), leaving the table as\n"
"        it was. Prints \"added N flows: N ok, P pending, E error\" and\n"
"        one line on standard error per rule that is not programmed.\n"
"    flow replace -f FILE | KEY=VALUE...\n"
"        Replace rules that exist, each whole, in its place; as add.\n"
"    flow del NAME...\n"
"        Delete rules, all or none (an unknown name refuses the request).\n"
"\n"
YC_PAIRS_TEXT
"\n"
"    With --json: flow list prints [{\"object\": {...}, \"status\": S,\n"
"    \"message\": M, \"packets\": N, \"bytes\": N}, ...]; flow stats\n"
"    yard-dp's list, each rule as in a document with \"packets\" and\n"
"    \"bytes\"; add and replace [{\"name\": N, \"status\": S,\n"
"    \"message\": M}, ...]; del null.\n"
"\n"
"    Exit status: as create (1 when a rule ends in \"error\", 3 when\n"
"    every one is \"pending\").\n"
"\n"
"EXAMPLES\n"
"    yardctl flow add name=no-ssh priority=100 network=blue \\\n"
"        match:='{\"ip_proto\": \"tcp\", \"tp_dst\": 22}' action=drop\n"
"    yardctl flow add -f acl.yaml\n"
"    yardctl flow replace name=no-ssh priority=200 action=drop\n"
"    yardctl flow list\n"
"    yardctl flow del no-ssh web-mirror\n"
"    yardctl --json flow list | jq '.[] | select(.packets > 0) | .object.name'\n",
	  YC_OPT_FILE, yc_cmd_flow },
	{ "port", "port retry NAME | --all",
	  "push a failed port to the dataplane again, now",
"DESCRIPTION\n"
"    A port that yard-dp refused (status \"error\") is pushed again after a\n"
"    back-off (1 s, doubling up to 60 s) or when it changes. When what made\n"
"    it fail is fixed outside Switchyard (a device freed, a NIC added with\n"
"    '-- -a ADDR'), retry pushes it at once and starts its back-off again.\n"
"    Prints \"port NAME: STATUS\" and the reason when it is still in error;\n"
"    a port not in error is left alone (\"nothing to retry\").\n"
"\n"
"OPTIONS\n"
"    --all    Every port in error.\n"
"\n"
"EXIT STATUS\n"
"    0 each port is programmed now (or was not in error), 1 one is still in\n"
"    error, the port does not exist or yard-dp is not connected, 3 every\n"
"    port retried is pending.\n"
"\n"
"EXAMPLES\n"
"    yardctl port retry up\n"
"    yardctl port retry --all\n",
	  YC_OPT_ALL, yc_cmd_port },
	{ "vm", "vm create|start|stop|delete|list|console|log [NAME] [KEY=VALUE...]",
	  "run the VMs: create, start, stop, delete, list, follow their console",
"DESCRIPTION\n"
"    vm create NAME KEY=VALUE... | -f FILE\n"
"        Store a VM (like 'create vms name=NAME ...'); yardd starts it once\n"
"        yard-dp holds its vhost ports. Keys: cpus, memory (256M, 1G),\n"
"        nics (vhost ports, comma-separated), accel (auto, kvm, tcg),\n"
"        kernel, initrd, cmdline, or disk.\n"
"    vm start NAME, vm stop NAME\n"
"        Start a stopped VM; stop one (guest power-off, then QEMU quit, then\n"
"        kill) and keep it down, across yardd restarts, until 'vm start'.\n"
"    vm delete NAME\n"
"        Stop the VM and forget it.\n"
"    vm list\n"
"        The VMs and their state: running, stopped, starting, error\n"
"        (with why), unprogrammed (yard-dp is away).\n"
"    vm log NAME\n"
"        Print the serial console's output so far and exit.\n"
"    vm console NAME\n"
"        Follow the serial console until Ctrl-C. It is read-only; to type\n"
"        into the guest, connect to VM_DIR/NAME/console.sock (socat).\n"
"\n"
"EXAMPLES\n"
"    yardctl vm create vm1 nics=vm1-eth0 kernel=/var/lib/yard/guest/vmlinux \\\n"
"        initrd=/var/lib/yard/guest/initramfs.cpio.gz cmdline='yard.ip=10.0.1.11/24'\n"
"    yardctl vm list\n"
"    yardctl vm console vm1\n",
	  YC_OPT_FILE, yc_cmd_vm },
	{ "capture", "capture [PORT] [--rx|--tx|--both|--drops] [--filter BPF] "
	  "[-c N] [--duration S] -w FILE|-",
	  "write what a port receives and sends, or what the dataplane drops, as pcapng",
"DESCRIPTION\n"
"    Copies the frames port PORT receives (--rx), sends (--tx) or both (the\n"
"    default), or with --drops the frames the dataplane drops (of PORT only\n"
"    when given), into a pcapng file that tshark and Wireshark read: one\n"
"    interface per port and direction (\"p1:rx\", \"p1:tx\", \"p1:drop\"),\n"
"    nanosecond timestamps, and for each dropped frame a packet comment\n"
"    naming the node that dropped it and the reason (\"dropped by\n"
"    eth-input: unknown-vlan\"; tshark -T fields -e frame.comment).\n"
"\n"
"    The workers copy matching frames into a bounded ring: when it is full\n"
"    the copy is lost (counted, and said at the end), never the frame. The\n"
"    capture runs until COUNT packets, S seconds, or Ctrl-C. It works on\n"
"    every kind of port, with or without hugepages; dpdk-dumpcap is the\n"
"    other way in when yard-dp runs on hugepages (see the README).\n"
"\n"
"OPTIONS\n"
"    -w FILE|-          Write to FILE, or to standard output with '-'.\n"
"    --rx, --tx, --both Which way of PORT (default: both).\n"
"    --drops            Dropped frames instead, each with its reason.\n"
"    --reason NAME      With --drops: of this reason only (yardctl stats\n"
"                       drops --all lists them).\n"
"    --network N        With --drops: of frames of network N only.\n"
"    --filter BPF       A libpcap (tcpdump) filter expression, run in the\n"
"                       dataplane's workers; one that does not compile is\n"
"                       refused with libpcap's message.\n"
"    -c, --count COUNT  Stop after COUNT packets.\n"
"    --duration S       Stop after S seconds.\n"
"    --ring N           Records each worker may queue (power of 2, 16 to\n"
"                       65536; default 1024).\n"
"\n"
"EXAMPLES\n"
"    yardctl capture vm1-eth0 -w - | tshark -r -\n"
"    yardctl capture uplink --rx --filter 'udp port 4789' -c 100 -w vx.pcapng\n"
"    yardctl capture --drops --reason unknown-vlan --duration 10 -w drops.pcapng\n",
	  YC_OPT_RAW, yc_cmd_capture },
	{ "trace", "trace [PORT] [-c N] [--filter BPF] [--duration S]",
	  "follow the next packets through the live dataplane, node by node",
"DESCRIPTION\n"
"    Marks the next N packets (10 by default) that enter port PORT (any\n"
"    port when none is given) and match the filter, and prints one line for\n"
"    each as it leaves the dataplane: its length, MACs and VLAN as\n"
"    received, every node it went through with what the node decided\n"
"    (network, FDB hit and port, flood), and where it went: out of a port,\n"
"    or dropped by a node for a reason. A flooded frame prints one line per\n"
"    port it left by. The same lines as yard-replay --trace:\n"
"\n"
"    #1 in=h1 len=98 02:00:00:00:c1:01 > 46:2e:e5:8b:32:b0 vlan=-: port-rx\n"
"       > eth-input (network blue) > l2-input (fdb-hit h2) > port-tx => out h2\n"
"\n"
"    Tracing costs nothing while no trace runs; while one does, every node\n"
"    records the path of every packet. Stops after N packets, S seconds or\n"
"    Ctrl-C.\n"
"\n"
"OPTIONS\n"
"    -c, --count N   Packets to follow (1 to 10000; default 10).\n"
"    --filter BPF    Only packets that match a libpcap (tcpdump) filter.\n"
"    --duration S    Give up after S seconds.\n"
"\n"
"EXAMPLES\n"
"    yardctl trace vm1-eth0 -c 3 --filter icmp\n",
	  YC_OPT_RAW, yc_cmd_trace },
	{ "status", "status",
	  "print the state of yardd, its store and the dataplane link",
"DESCRIPTION\n"
"    Prints yardd's version and socket, its store (path, generation, object\n"
"    count) and whether yard-dp is connected, with its resync count.\n",
	  0, yc_cmd_status },
	{ "completion", "completion bash",
	  "print the bash completion script",
"DESCRIPTION\n"
"    Completes commands, kinds, options, keys, and the names of objects,\n"
"    which it asks yardd for (yardctl --json list KIND). Packages install\n"
"    it as /usr/share/bash-completion/completions/yardctl; otherwise load\n"
"    it in the current shell with:\n"
"        source <(yardctl completion bash)\n",
	  0, yc_cmd_completion },
	{ "help", "help [COMMAND]",
	  "print the manual, or one command's page",
"DESCRIPTION\n"
"    The same as 'yardctl --help' and 'yardctl COMMAND --help'.\n",
	  0, yc_cmd_help },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
