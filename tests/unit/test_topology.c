/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control/topology: a full document in YAML and in JSON parsed into the
 * expected values, and one test per error class with its exact line and a
 * message naming the key.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "topology.h"

static uint32_t
ip(const char *s)
{
	uint32_t a;

	assert_int_equal(topo_ipv4_parse(s, &a), 0);
	return a;
}

static struct topo *
parse(const char *doc, struct topo_error *err)
{
	return topo_parse_string(doc, strlen(doc), "t.yaml", err);
}

static const char full_yaml[] =
	"# Every section and key of schema v1.\n"
	"networks:\n"
	"  - name: blue\n"
	"    vni: 1001\n"
	"    mac_limit: 4096\n"
	"    arp_suppress: true\n"
	"    ageing: 60\n"
	"  - name: green\n"
	"  - {name: red, vni: 2002, ageing: 0}\n"
	"  - name: underlay\n"
	"ports:\n"
	"  - name: vm1-eth0\n"
	"    kind: vhost\n"
	"    network: blue\n"
	"    mac: 52:54:00:00:01:0A\n"
	"    ips: [10.0.1.11, 10.0.1.12]\n"
	"    socket: /run/yard/vm1-eth0.sock\n"
	"  - name: vm2-eth0\n"
	"    kind: vhost\n"
	"    network: green\n"
	"    security: false\n"
	"    socket: /run/yard/vm2-eth0.sock\n"
	"  - name: trunk0\n"
	"    kind: tap\n"
	"    devargs: \"net_tap0,iface=yt0\"\n"
	"    security: true\n"
	"    trunk: [{network: red, vlan: 200}, {network: blue, vlan: 100}]\n"
	"  - name: uplink\n"
	"    kind: phy\n"
	"    # the overlay's underlay: neither network nor trunk\n"
	"    devargs: \"0000:03:00.0\"\n"
	"  - {name: cap0, kind: pcap, network: green}\n"
	"  - {name: xdp0, kind: afxdp, network: green, devargs: \"net_af_xdp0,iface=eth1\"}\n"
	"routers:\n"
	"  - name: r1\n"
	"    interfaces:\n"
	"      - {network: blue,  address: 10.0.1.1/24, mac: 02:00:00:00:01:01}\n"
	"      - {network: green, address: 10.0.2.1/24}\n"
	"    routes:\n"
	"      - {prefix: 0.0.0.0/0, via: [10.0.2.254, 10.0.2.253]}\n"
	"      - prefix: 192.168.0.0/16\n"
	"        via: [10.0.1.254]\n"
	"overlay:\n"
	"  port: uplink\n"
	"  address: 192.0.2.1/24\n"
	"  gateway: 192.0.2.254\n"
	"  peers: [{vni: 1001, vteps: [192.0.2.2, 192.0.2.3]}, {vni: 2002, vteps: [192.0.2.4]}]\n"
	"flows:\n"
	"  - {name: no-ssh, priority: 100, network: blue,\n"
	"     match: {ip_proto: tcp, ip_dst: 10.0.1.0/24, tp_dst: 22}, action: drop}\n"
	"  - name: dns\n"
	"    priority: 200\n"
	"    match:\n"
	"      in_port: vm1-eth0\n"
	"      eth_src: 52:54:00:00:01:0a\n"
	"      eth_dst: ff:ff:ff:ff:ff:ff\n"
	"      eth_type: 0x0800\n"
	"      vlan: 100\n"
	"      ip_src: 10.0.1.0/24\n"
	"      ip_proto: udp\n"
	"      tp_src: \"1000-2000\"\n"
	"      tp_dst: 53\n"
	"    action: {output: vm2-eth0}\n"
	"  - {name: tap-all, priority: 0, action: {mirror: cap0}}\n"
	"  - {name: icmp, priority: 65535, match: {ip_proto: 1}, action: allow}\n"
	"vms:\n"
	"  - {name: vm1, cpus: 2, memory: 1G, nics: [vm1-eth0], accel: kvm,\n"
	"     kernel: /boot/vmlinuz, initrd: guest.img, cmdline: \"console=ttyS0\"}\n"
	"  - name: vm2\n"
	"    nics: [vm2-eth0]\n"
	"    disk: vm2.qcow2\n";

static const char full_json[] =
	"{\n"
	"  \"networks\": [\n"
	"    {\"name\": \"blue\", \"vni\": 1001, \"mac_limit\": 4096, \"arp_suppress\": true, \"ageing\": 60},\n"
	"    {\"name\": \"green\"},\n"
	"    {\"name\": \"red\", \"vni\": 2002, \"ageing\": 0},\n"
	"    {\"name\": \"underlay\"}\n"
	"  ],\n"
	"  \"ports\": [\n"
	"    {\"name\": \"vm1-eth0\", \"kind\": \"vhost\", \"network\": \"blue\",\n"
	"     \"mac\": \"52:54:00:00:01:0A\", \"ips\": [\"10.0.1.11\", \"10.0.1.12\"],\n"
	"     \"socket\": \"/run/yard/vm1-eth0.sock\"},\n"
	"    {\"name\": \"vm2-eth0\", \"kind\": \"vhost\", \"network\": \"green\", \"security\": false,\n"
	"     \"socket\": \"/run/yard/vm2-eth0.sock\"},\n"
	"    {\"name\": \"trunk0\", \"kind\": \"tap\", \"devargs\": \"net_tap0,iface=yt0\", \"security\": true,\n"
	"     \"trunk\": [{\"network\": \"red\", \"vlan\": 200}, {\"network\": \"blue\", \"vlan\": 100}]},\n"
	"    {\"name\": \"uplink\", \"kind\": \"phy\", \"devargs\": \"0000:03:00.0\"},\n"
	"    {\"name\": \"cap0\", \"kind\": \"pcap\", \"network\": \"green\"},\n"
	"    {\"name\":\"xdp0\",\"kind\":\"afxdp\",\"network\":\"green\",\"devargs\":\"net_af_xdp0,iface=eth1\"}\n"
	"  ],\n"
	"  \"routers\": [\n"
	"    {\"name\": \"r1\",\n"
	"     \"interfaces\": [\n"
	"       {\"network\": \"blue\", \"address\": \"10.0.1.1/24\", \"mac\": \"02:00:00:00:01:01\"},\n"
	"       {\"network\": \"green\", \"address\": \"10.0.2.1/24\"}],\n"
	"     \"routes\": [\n"
	"       {\"prefix\": \"0.0.0.0/0\", \"via\": [\"10.0.2.254\", \"10.0.2.253\"]},\n"
	"       {\"prefix\": \"192.168.0.0/16\", \"via\": [\"10.0.1.254\"]}]}\n"
	"  ],\n"
	"  \"overlay\": {\"port\": \"uplink\", \"address\": \"192.0.2.1/24\", \"gateway\": \"192.0.2.254\",\n"
	"    \"peers\": [{\"vni\": 1001, \"vteps\": [\"192.0.2.2\", \"192.0.2.3\"]},\n"
	"              {\"vni\": 2002, \"vteps\": [\"192.0.2.4\"]}]},\n"
	"  \"flows\": [\n"
	"    {\"name\": \"no-ssh\", \"priority\": 100, \"network\": \"blue\",\n"
	"     \"match\": {\"ip_proto\": \"tcp\", \"ip_dst\": \"10.0.1.0/24\", \"tp_dst\": 22}, \"action\": \"drop\"},\n"
	"    {\"name\": \"dns\", \"priority\": 200,\n"
	"     \"match\": {\"in_port\": \"vm1-eth0\", \"eth_src\": \"52:54:00:00:01:0a\",\n"
	"               \"eth_dst\": \"ff:ff:ff:ff:ff:ff\", \"eth_type\": 2048, \"vlan\": 100,\n"
	"               \"ip_src\": \"10.0.1.0/24\", \"ip_proto\": \"udp\", \"tp_src\": \"1000-2000\",\n"
	"               \"tp_dst\": \"53\"},\n"
	"     \"action\": {\"output\": \"vm2-eth0\"}},\n"
	"    {\"name\": \"tap-all\", \"priority\": 0, \"action\": {\"mirror\": \"cap0\"}},\n"
	"    {\"name\": \"icmp\", \"priority\": 65535, \"match\": {\"ip_proto\": 1}, \"action\": \"allow\"}\n"
	"  ],\n"
	"  \"vms\": [\n"
	"    {\"name\": \"vm1\", \"cpus\": 2, \"memory\": \"1G\", \"nics\": [\"vm1-eth0\"], \"accel\": \"kvm\",\n"
	"     \"kernel\": \"/boot/vmlinuz\", \"initrd\": \"guest.img\", \"cmdline\": \"console=ttyS0\"},\n"
	"    {\"name\": \"vm2\", \"nics\": [\"vm2-eth0\"], \"disk\": \"vm2.qcow2\"}\n"
	"  ]\n"
	"}\n";

static void
check_full(const struct topo *t, bool json)
{
	static const uint8_t mac1[6] = { 0x52, 0x54, 0, 0, 1, 0x0a };
	static const uint8_t rmac[6] = { 2, 0, 0, 0, 1, 1 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	const struct topo_network *n;
	const struct topo_port *p;
	const struct topo_router *r;
	const struct topo_overlay *o = &t->overlay;
	const struct topo_flow *f;
	const struct topo_vm *vm;

	/* networks */
	assert_int_equal(t->n_networks, 4);
	n = &t->networks[0];
	assert_string_equal(n->name, "blue");
	assert_int_equal(n->vni, 1001);
	assert_int_equal(n->mac_limit, 4096);
	assert_true(n->arp_suppress);
	assert_int_equal(n->ageing, 60);
	n = topo_network_find(t, "green");
	assert_ptr_equal(n, &t->networks[1]);
	assert_int_equal(n->vni, 0);
	assert_int_equal(n->mac_limit, TOPO_MAC_LIMIT_DEFAULT);
	assert_int_equal(n->ageing, TOPO_AGEING_DEFAULT);
	assert_false(n->arp_suppress);
	assert_int_equal(t->networks[2].vni, 2002);
	assert_int_equal(t->networks[2].ageing, 0);
	assert_null(topo_network_find(t, "nope"));
	if (!json) {
		assert_int_equal(t->networks[0].line, 3);
		assert_int_equal(t->networks[2].line, 9);
	}

	/* ports */
	assert_int_equal(t->n_ports, 6);
	p = &t->ports[0];
	assert_string_equal(p->name, "vm1-eth0");
	assert_int_equal(p->kind, TOPO_PORT_VHOST);
	assert_string_equal(p->network, "blue");
	assert_true(p->has_mac);
	assert_memory_equal(p->mac, mac1, 6);
	assert_int_equal(p->n_ips, 2);
	assert_int_equal(p->ips[0], ip("10.0.1.11"));
	assert_int_equal(p->ips[1], htonl(0x0a00010c));
	assert_true(p->security);
	assert_string_equal(p->socket, "/run/yard/vm1-eth0.sock");
	assert_string_equal(p->devargs, "");
	assert_null(p->trunk);
	p = &t->ports[1];
	assert_false(p->security);
	assert_false(p->has_mac);
	p = topo_port_find(t, "trunk0");
	assert_ptr_equal(p, &t->ports[2]);
	assert_int_equal(p->kind, TOPO_PORT_TAP);
	assert_string_equal(p->network, "");
	assert_string_equal(p->devargs, "net_tap0,iface=yt0");
	assert_true(p->security);
	assert_int_equal(p->n_trunk, 2);
	assert_string_equal(p->trunk[0].network, "red");
	assert_int_equal(p->trunk[0].vlan, 200);
	assert_string_equal(p->trunk[1].network, "blue");
	assert_int_equal(p->trunk[1].vlan, 100);
	p = &t->ports[3];
	assert_int_equal(p->kind, TOPO_PORT_PHY);
	assert_false(p->security);
	assert_string_equal(p->devargs, "0000:03:00.0");
	assert_int_equal(t->ports[4].kind, TOPO_PORT_PCAP);
	assert_string_equal(t->ports[4].devargs, "");
	assert_int_equal(t->ports[5].kind, TOPO_PORT_AFXDP);
	assert_string_equal(topo_port_kind_str(t->ports[5].kind), "afxdp");
	if (!json)
		assert_int_equal(t->ports[1].line, 18);

	/* routers */
	assert_int_equal(t->n_routers, 1);
	r = &t->routers[0];
	assert_string_equal(r->name, "r1");
	assert_int_equal(r->n_ifaces, 2);
	assert_string_equal(r->ifaces[0].network, "blue");
	assert_int_equal(r->ifaces[0].address.addr, ip("10.0.1.1"));
	assert_int_equal(r->ifaces[0].address.plen, 24);
	assert_true(r->ifaces[0].has_mac);
	assert_memory_equal(r->ifaces[0].mac, rmac, 6);
	assert_false(r->ifaces[1].has_mac);
	assert_int_equal(r->n_routes, 2);
	assert_int_equal(r->routes[0].prefix.addr, 0);
	assert_int_equal(r->routes[0].prefix.plen, 0);
	assert_int_equal(r->routes[0].n_via, 2);
	assert_int_equal(r->routes[0].via[0], ip("10.0.2.254"));
	assert_int_equal(r->routes[0].via[1], ip("10.0.2.253"));
	assert_int_equal(r->routes[1].prefix.addr, ip("192.168.0.0"));
	assert_int_equal(r->routes[1].prefix.plen, 16);
	assert_int_equal(r->routes[1].n_via, 1);
	if (!json)
		assert_int_equal(r->routes[1].line, 41);

	/* overlay */
	assert_true(o->present);
	assert_string_equal(o->port, "uplink");
	assert_int_equal(o->address.addr, ip("192.0.2.1"));
	assert_int_equal(o->address.plen, 24);
	assert_true(o->has_gateway);
	assert_int_equal(o->gateway, ip("192.0.2.254"));
	assert_int_equal(o->n_peers, 2);
	assert_int_equal(o->peers[0].vni, 1001);
	assert_int_equal(o->peers[0].n_vteps, 2);
	assert_int_equal(o->peers[0].vteps[1], ip("192.0.2.3"));
	assert_int_equal(o->peers[1].vni, 2002);
	assert_int_equal(o->peers[1].vteps[0], ip("192.0.2.4"));

	/* flows */
	assert_int_equal(t->n_flows, 4);
	f = &t->flows[0];
	assert_string_equal(f->name, "no-ssh");
	assert_int_equal(f->priority, 100);
	assert_string_equal(f->network, "blue");
	assert_int_equal(f->match.fields,
			 TOPO_M_IP_PROTO | TOPO_M_IP_DST | TOPO_M_TP_DST);
	assert_int_equal(f->match.ip_proto, 6);
	assert_int_equal(f->match.ip_dst.addr, ip("10.0.1.0"));
	assert_int_equal(f->match.ip_dst.plen, 24);
	assert_int_equal(f->match.tp_dst_lo, 22);
	assert_int_equal(f->match.tp_dst_hi, 22);
	assert_int_equal(f->action, TOPO_ACT_DROP);
	f = &t->flows[1];
	assert_string_equal(f->network, "");
	assert_int_equal(f->match.fields,
			 TOPO_M_IN_PORT | TOPO_M_ETH_SRC | TOPO_M_ETH_DST |
			 TOPO_M_ETH_TYPE | TOPO_M_VLAN | TOPO_M_IP_SRC |
			 TOPO_M_IP_PROTO | TOPO_M_TP_SRC | TOPO_M_TP_DST);
	assert_string_equal(f->match.in_port, "vm1-eth0");
	assert_memory_equal(f->match.eth_src, mac1, 6);
	assert_memory_equal(f->match.eth_dst, bcast, 6);
	assert_int_equal(f->match.eth_type, 0x0800);
	assert_int_equal(f->match.vlan, 100);
	assert_int_equal(f->match.ip_src.addr, ip("10.0.1.0"));
	assert_int_equal(f->match.ip_proto, 17);
	assert_int_equal(f->match.tp_src_lo, 1000);
	assert_int_equal(f->match.tp_src_hi, 2000);
	assert_int_equal(f->match.tp_dst_lo, 53);
	assert_int_equal(f->match.tp_dst_hi, 53);
	assert_int_equal(f->action, TOPO_ACT_OUTPUT);
	assert_string_equal(f->action_port, "vm2-eth0");
	f = &t->flows[2];
	assert_int_equal(f->priority, 0);
	assert_int_equal(f->match.fields, 0);
	assert_int_equal(f->action, TOPO_ACT_MIRROR);
	assert_string_equal(f->action_port, "cap0");
	f = &t->flows[3];
	assert_int_equal(f->priority, 65535);
	assert_int_equal(f->match.ip_proto, 1);
	assert_int_equal(f->action, TOPO_ACT_ALLOW);

	/* vms */
	assert_int_equal(t->n_vms, 2);
	vm = &t->vms[0];
	assert_string_equal(vm->name, "vm1");
	assert_int_equal(vm->cpus, 2);
	assert_int_equal(vm->memory, 1ull << 30);
	assert_int_equal(vm->n_nics, 1);
	assert_string_equal(vm->nics[0], "vm1-eth0");
	assert_int_equal(vm->accel, TOPO_ACCEL_KVM);
	assert_string_equal(vm->kernel, "/boot/vmlinuz");
	assert_string_equal(vm->initrd, "guest.img");
	assert_string_equal(vm->cmdline, "console=ttyS0");
	assert_string_equal(vm->disk, "");
	vm = &t->vms[1];
	assert_int_equal(vm->cpus, 1);
	assert_int_equal(vm->memory, 256ull << 20);
	assert_int_equal(vm->accel, TOPO_ACCEL_AUTO);
	assert_string_equal(vm->disk, "vm2.qcow2");
	assert_string_equal(vm->kernel, "");
	if (!json)
		assert_int_equal(vm->line, 69);
}

static void
test_full_yaml(void **state)
{
	struct topo_error err;
	struct topo *t;

	t = parse(full_yaml, &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	check_full(t, false);
	topo_free(t);
}

static void
test_full_json(void **state)
{
	struct topo_error err;
	struct topo *t;

	t = topo_parse_string(full_json, strlen(full_json), "t.json", &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	check_full(t, true);
	topo_free(t);
}

static void
test_parse_file(void **state)
{
	char path[] = "/tmp/yard-test-topo-XXXXXX";
	struct topo_error err;
	struct topo *t;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, full_yaml, strlen(full_yaml)),
			 (ssize_t)strlen(full_yaml));
	close(fd);
	t = topo_parse_file(path, &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	check_full(t, false);
	topo_free(t);
	unlink(path);

	assert_null(topo_parse_file(path, &err));
	assert_int_equal(err.line, 0);
	assert_contains(err.msg, path);
	assert_contains(err.msg, "No such file");
}

static void
test_empty(void **state)
{
	static const char *const docs[] = {
		"", "# only a comment\n", "{}", "---\n", "networks: []\n",
		"networks:\nports:\nflows: []\n",
	};
	struct topo_error err;
	struct topo *t;
	size_t i;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		t = parse(docs[i], &err);
		if (t == NULL)
			fail_msg("'%s': %s", docs[i], err.msg);
		assert_int_equal(t->n_networks + t->n_ports + t->n_routers +
				 t->n_flows + t->n_vms, 0);
		assert_false(t->overlay.present);
		topo_free(t);
	}
	topo_free(NULL);
	t = topo_parse_string(NULL, 0, NULL, &err);
	assert_non_null(t);
	topo_free(t);
}

static void
test_values(void **state)
{
	struct topo_prefix p;
	uint8_t mac[6];
	uint32_t a;

	assert_int_equal(topo_mac_parse("aA:bB:cC:00:01:ff", mac), 0);
	assert_int_equal(mac[0], 0xaa);
	assert_int_equal(mac[5], 0xff);
	assert_int_equal(topo_mac_parse("aa:bb:cc:00:01", mac), -EINVAL);
	assert_int_equal(topo_mac_parse("aa:bb:cc:00:01:0g", mac), -EINVAL);
	assert_int_equal(topo_mac_parse("aa-bb-cc-00-01-02", mac), -EINVAL);
	assert_int_equal(topo_mac_parse("aa:bb:cc:00:01:022", mac), -EINVAL);

	assert_int_equal(topo_ipv4_parse("10.0.1.11", &a), 0);
	assert_int_equal(a, htonl(0x0a00010b));
	assert_int_equal(topo_ipv4_parse("0.0.0.0", &a), 0);
	assert_int_equal(topo_ipv4_parse("10.0.1.011", &a), -EINVAL);
	assert_int_equal(topo_ipv4_parse("10.0.1", &a), -EINVAL);
	assert_int_equal(topo_ipv4_parse("10.0.1.256", &a), -EINVAL);
	assert_int_equal(topo_ipv4_parse("10.0.1.1.", &a), -EINVAL);
	assert_int_equal(topo_ipv4_parse(" 10.0.1.1", &a), -EINVAL);

	assert_int_equal(topo_prefix_parse("10.1.0.0/16", &p), 0);
	assert_int_equal(p.addr, htonl(0x0a010000));
	assert_int_equal(p.plen, 16);
	assert_int_equal(topo_prefix_parse("10.1.2.3", &p), 0);
	assert_int_equal(p.plen, 32);
	assert_int_equal(topo_prefix_parse("10.1.2.3/24", &p), 0);
	assert_int_equal(topo_prefix_parse("10.1.2.3/33", &p), -EINVAL);
	assert_int_equal(topo_prefix_parse("10.1.2.3/", &p), -EINVAL);
	assert_int_equal(topo_prefix_parse("10.1.2.3/08", &p), -EINVAL);

	assert_int_equal(topo_name_check("a"), 0);
	assert_int_equal(topo_name_check("0-a-b"), 0);
	assert_int_equal(topo_name_check("abcdefghijklmnopqrstuvwxyz01234"), 0);
	assert_int_equal(topo_name_check("abcdefghijklmnopqrstuvwxyz012345"),
			 -EINVAL);
	assert_int_equal(topo_name_check("-a"), -EINVAL);
	assert_int_equal(topo_name_check("Blue"), -EINVAL);
	assert_int_equal(topo_name_check("a_b"), -EINVAL);
	assert_int_equal(topo_name_check(""), -EINVAL);
	assert_int_equal(topo_name_check(NULL), -EINVAL);
}

static void
test_memory_and_defaults(void **state)
{
	static const char doc[] =
		"networks: [{name: n}]\n"
		"ports:\n"
		"  - {name: a, kind: vhost, network: n, socket: /a}\n"
		"  - {name: b, kind: vhost, network: n, socket: /b}\n"
		"vms:\n"
		"  - {name: v1, memory: 512, nics: [a], disk: d, accel: tcg, cpus: 64}\n"
		"  - {name: v2, memory: 64M, nics: [b], kernel: k}\n";
	struct topo_error err;
	struct topo *t;

	t = parse(doc, &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	assert_int_equal(t->vms[0].memory, 512ull << 20);
	assert_int_equal(t->vms[0].accel, TOPO_ACCEL_TCG);
	assert_int_equal(t->vms[0].cpus, 64);
	assert_int_equal(t->vms[1].memory, 64ull << 20);
	topo_free(t);
}

/*
 * Parse `doc`, expect it to fail on `line` with a message that holds both
 * needles, and check the "t.yaml:LINE: " prefix.
 */
static void
expect_error(const char *doc, int line, const char *n1, const char *n2)
{
	struct topo_error err;
	struct topo *t;
	char prefix[32];

	memset(&err, 0x55, sizeof(err));
	t = parse(doc, &err);
	if (t != NULL) {
		topo_free(t);
		fail_msg("parsed, but expected an error on line %d", line);
	}
	if (err.line != line)
		fail_msg("error on line %d, expected %d: %s", err.line, line,
			 err.msg);
	/* TOPO_TEST_VERBOSE=1 shows every message, to review their wording. */
	if (getenv("TOPO_TEST_VERBOSE") != NULL)
		print_message("%s\n", err.msg);
	snprintf(prefix, sizeof(prefix), "t.yaml:%d: ", line);
	assert_int_equal(strncmp(err.msg, prefix, strlen(prefix)), 0);
	assert_contains(err.msg, n1);
	if (n2 != NULL)
		assert_contains(err.msg, n2);
}

#define ERROR_TEST(fn, doc, line, n1, n2)				\
	static void fn(void **state) { expect_error(doc, line, n1, n2); }

#define NETS "networks:\n  - name: blue\n  - name: red\n"	/* 3 lines */
#define VHOST(name, net) \
	"  - {name: " name ", kind: vhost, network: " net ", socket: /s/" name "}\n"

ERROR_TEST(test_err_unknown_key,
	   NETS "ports:\n  - name: p1\n    kind: vhost\n    nmae: x\n", 7,
	   "ports[0]: unknown key 'nmae'", "name, kind")
ERROR_TEST(test_err_netns_not_tap,
	   NETS "ports:\n  - {name: p1, kind: phy, network: blue, devargs: \"0000:03:00.0\",\n"
	   "     netns: h1}\n", 6, "ports[0].netns: only tap ports have a netns", NULL)
ERROR_TEST(test_err_addresses_without_netns,
	   NETS "ports:\n  - {name: p1, kind: tap, network: blue, devargs: net_tap0,\n"
	   "     addresses: [10.0.1.1/24]}\n", 6, "ports[0].addresses", "give netns too")
ERROR_TEST(test_err_netns_bad_name,
	   NETS "ports:\n  - {name: p1, kind: tap, network: blue, devargs: net_tap0,\n"
	   "     netns: ../x}\n", 6, "ports[0].netns: '../x' is not a valid name", NULL)
ERROR_TEST(test_err_addresses_twice,
	   NETS "ports:\n  - {name: p1, kind: tap, network: blue, devargs: net_tap0, netns: h1,\n"
	   "     addresses: [10.0.1.1/24, 10.0.1.1/16]}\n", 6,
	   "ports[0].addresses[1]: 10.0.1.1 is listed twice", NULL)
ERROR_TEST(test_err_unknown_top_key,
	   NETS "switches: []\n", 4, "unknown key 'switches'", NULL)
ERROR_TEST(test_err_duplicate_key,
	   "networks:\n  - name: blue\n    vni: 5\n    vni: 6\n", 4,
	   "networks[0]: key 'vni' is given twice", "line 3")
ERROR_TEST(test_err_bad_name,
	   "networks:\n  - name: blue\n  - name: Red_1\n", 3,
	   "networks[1].name: 'Red_1' is not a valid name", NULL)
ERROR_TEST(test_err_long_name,
	   "networks:\n  - name: abcdefghijklmnopqrstuvwxyz012345\n", 2,
	   "networks[0].name", "1 to 31 characters")
ERROR_TEST(test_err_bad_mac,
	   NETS "ports:\n  - name: p1\n    kind: vhost\n    network: blue\n"
	   "    mac: 52:54:00:00:01\n    socket: /s\n", 8,
	   "ports[0].mac: '52:54:00:00:01' is not a MAC address", NULL)
ERROR_TEST(test_err_multicast_mac,
	   NETS "routers:\n  - name: r1\n    interfaces:\n"
	   "      - {network: blue, address: 10.0.0.1/24}\n"
	   "      - {network: red, address: 10.0.1.1/24, mac: 01:00:5e:00:00:01}\n",
	   8, "routers[0].interfaces[1].mac", "multicast")
ERROR_TEST(test_err_bad_ip,
	   NETS "ports:\n" "  - name: p1\n    kind: vhost\n    network: blue\n"
	   "    socket: /s\n    ips:\n      - 10.0.1.1\n      - 10.0.1.256\n", 11,
	   "ports[0].ips[1]: '10.0.1.256' is not an IPv4 address", NULL)
ERROR_TEST(test_err_bad_prefix,
	   NETS "routers:\n  - name: r1\n    interfaces: [{network: blue, address: 10.0.0.1/24}]\n"
	   "    routes:\n      - {prefix: 10.1.0.0/33, via: [10.0.0.2]}\n", 8,
	   "routers[0].routes[0].prefix: '10.1.0.0/33' is not an IPv4 prefix",
	   NULL)
ERROR_TEST(test_err_neighbor_off_link,
	   NETS "routers:\n  - name: r1\n    interfaces: [{network: blue, address: 10.0.0.1/24}]\n"
	   "    neighbors:\n      - {address: 10.0.1.2, mac: 02:00:00:00:00:02}\n", 8,
	   "routers[0].neighbors[0].address", "on none of the router's interface subnets")
ERROR_TEST(test_err_neighbor_twice,
	   NETS "routers:\n  - name: r1\n    interfaces: [{network: blue, address: 10.0.0.1/24}]\n"
	   "    neighbors:\n      - {address: 10.0.0.2, mac: 02:00:00:00:00:02}\n"
	   "      - {address: 10.0.0.2, mac: 02:00:00:00:00:03}\n", 9,
	   "routers[0].neighbors[1].address", "already defined on line 8")
ERROR_TEST(test_err_neighbor_no_mac,
	   NETS "routers:\n  - name: r1\n    interfaces: [{network: blue, address: 10.0.0.1/24}]\n"
	   "    neighbors:\n      - {address: 10.0.0.2}\n", 8,
	   "routers[0].neighbors[0]", "missing required key 'mac'")
ERROR_TEST(test_err_host_bits,
	   NETS "flows:\n  - name: f\n    priority: 1\n    action: drop\n"
	   "    match: {ip_src: 10.0.1.1/24}\n", 8,
	   "flows[0].match.ip_src: '10.0.1.1/24' has host bits set",
	   "10.0.1.0/24")
ERROR_TEST(test_err_route_host_bits,
	   NETS "routers:\n  - name: r1\n    interfaces: [{network: blue, address: 10.0.0.1/24}]\n"
	   "    routes:\n      - {prefix: 10.0.0.0/8, via: [10.0.0.2]}\n"
	   "      - {prefix: 192.168.1.0/16, via: [10.0.0.2]}\n", 9,
	   "routers[0].routes[1].prefix", "host bits")
ERROR_TEST(test_err_duplicate_name,
	   NETS "ports:\n" VHOST("p1", "blue") VHOST("p2", "blue")
	   VHOST("p1", "red"), 7,
	   "ports[2].name: port 'p1' is already defined on line 5", NULL)
ERROR_TEST(test_err_duplicate_network,
	   "networks:\n  - name: blue\n  - name: blue\n", 3,
	   "networks[1].name", "already defined on line 2")
ERROR_TEST(test_err_dangling_network,
	   NETS "ports:\n" VHOST("p1", "blue") VHOST("p2", "green"), 6,
	   "ports[1].network: network 'green' is not defined", NULL)
ERROR_TEST(test_err_dangling_trunk_network,
	   NETS "ports:\n  - name: t0\n    kind: phy\n    devargs: x\n"
	   "    trunk:\n      - {network: red, vlan: 10}\n"
	   "      - {network: pink, vlan: 20}\n", 10,
	   "ports[0].trunk[1].network: network 'pink' is not defined", NULL)
ERROR_TEST(test_err_vhost_without_socket,
	   NETS "ports:\n" VHOST("p1", "blue")
	   "  - name: p2\n    kind: vhost\n    network: blue\n", 6,
	   "ports[1]", "socket")
ERROR_TEST(test_err_phy_without_devargs,
	   NETS "ports:\n  - {name: p1, kind: phy, network: blue}\n", 5,
	   "ports[0]", "devargs")
ERROR_TEST(test_err_network_and_trunk,
	   NETS "ports:\n  - name: p1\n    kind: tap\n    devargs: x\n"
	   "    network: blue\n    trunk:\n      - {network: red, vlan: 2}\n", 9,
	   "ports[0].trunk", "not both")
ERROR_TEST(test_err_no_network_no_trunk,
	   NETS "ports:\n  - {name: p1, kind: tap, devargs: x}\n", 5,
	   "ports[0]", "'network'")
ERROR_TEST(test_err_vni_range,
	   "networks:\n  - name: blue\n    vni: 16777216\n", 3,
	   "networks[0].vni: 16777216 is out of range 1..16777215", NULL)
ERROR_TEST(test_err_negative_number,
	   "networks:\n  - name: blue\n    mac_limit: -5\n", 3,
	   "networks[0].mac_limit: -5 is out of range 1..16777216", NULL)
ERROR_TEST(test_err_vni_duplicate,
	   "networks:\n  - {name: blue, vni: 7}\n  - {name: red, vni: 7}\n", 3,
	   "networks[1].vni: vni 7 is already used by network 'blue'", NULL)
ERROR_TEST(test_err_vni_quoted,
	   "networks:\n  - {name: blue, vni: \"7\"}\n", 2,
	   "networks[0].vni", "without quotes")
ERROR_TEST(test_err_duplicate_vlan,
	   NETS "ports:\n  - name: t0\n    kind: phy\n    devargs: x\n"
	   "    trunk:\n      - {network: red, vlan: 200}\n"
	   "      - {network: blue, vlan: 200}\n", 10,
	   "ports[0].trunk[1].vlan: vlan 200 is already used", "'red'")
ERROR_TEST(test_err_vlan_range,
	   NETS "ports:\n  - {name: t0, kind: phy, devargs: x,\n"
	   "     trunk: [{network: red, vlan: 4095}]}\n", 6,
	   "ports[0].trunk[0].vlan", "1..4094")
ERROR_TEST(test_err_list_expected,
	   NETS "ports:\n  - name: p1\n    kind: vhost\n    network: blue\n"
	   "    socket: /s\n    ips: 10.0.1.1\n", 9,
	   "ports[0].ips: expected a list", "[10.0.1.1]")
ERROR_TEST(test_err_too_many_ips,
	   NETS "ports:\n  - name: p1\n    kind: vhost\n    network: blue\n"
	   "    socket: /s\n    ips: [10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4,\n"
	   "      10.0.0.5, 10.0.0.6, 10.0.0.7, 10.0.0.8, 10.0.0.9, 10.0.0.10,\n"
	   "      10.0.0.11, 10.0.0.12, 10.0.0.13, 10.0.0.14, 10.0.0.15,\n"
	   "      10.0.0.16, 10.0.0.17]\n", 9,
	   "ports[0].ips: 17 address entries listed", "maximum is 16")
ERROR_TEST(test_err_missing_name,
	   "networks:\n  - name: blue\n  - vni: 5\n", 3,
	   "networks[1]: missing required key 'name'", NULL)
ERROR_TEST(test_err_bad_kind,
	   NETS "ports:\n  - {name: p1, kind: virtio, network: blue}\n", 5,
	   "ports[0].kind: 'virtio' is not a port kind", "vhost, phy")
ERROR_TEST(test_err_bad_bool,
	   "networks:\n  - name: blue\n    arp_suppress: yes\n", 3,
	   "networks[0].arp_suppress: expected true or false", "'yes'")
ERROR_TEST(test_err_top_not_mapping,
	   "\n- networks\n", 2, "must be a mapping", "a list")
ERROR_TEST(test_err_iface_network_address,
	   NETS "routers:\n  - name: r1\n    interfaces:\n"
	   "      - {network: blue, address: 10.0.1.0/24}\n", 7,
	   "routers[0].interfaces[0].address", "network address")
ERROR_TEST(test_err_router_no_interfaces,
	   NETS "routers:\n  - name: r1\n    interfaces: []\n", 6,
	   "routers[0].interfaces", "at least one")
ERROR_TEST(test_err_route_duplicate,
	   NETS "routers:\n  - name: r1\n    interfaces: [{network: blue, address: 10.0.0.1/24}]\n"
	   "    routes:\n      - {prefix: 10.9.0.0/16, via: [10.0.0.2]}\n"
	   "      - {prefix: 10.9.0.0/16, via: [10.0.0.3]}\n", 9,
	   "routers[0].routes[1].prefix", "already defined on line 8")
ERROR_TEST(test_err_too_many_via,
	   NETS "routers:\n  - name: r1\n    interfaces: [{network: blue, address: 10.0.0.1/24}]\n"
	   "    routes:\n      - prefix: 10.9.0.0/16\n        via: [10.0.0.2, 10.0.0.3, 10.0.0.4,"
	   " 10.0.0.5, 10.0.0.6, 10.0.0.7, 10.0.0.8, 10.0.0.9, 10.0.0.10, 10.0.0.11, 10.0.0.12,"
	   " 10.0.0.13, 10.0.0.14, 10.0.0.15, 10.0.0.16, 10.0.0.17, 10.0.0.18]\n", 9,
	   "routers[0].routes[0].via", "maximum is 16")
ERROR_TEST(test_err_overlay_port_kind,
	   NETS "ports:\n" VHOST("p1", "blue")
	   "overlay:\n  port: p1\n  address: 192.0.2.1/24\n", 7,
	   "overlay.port: port 'p1' is a vhost port", "phy, tap, afxdp or pcap")
ERROR_TEST(test_err_overlay_dangling_port,
	   NETS "overlay:\n  port: up0\n  address: 192.0.2.1/24\n", 5,
	   "overlay.port: port 'up0' is not defined", NULL)
ERROR_TEST(test_err_peer_vni,
	   "networks: [{name: blue, vni: 10}]\n"
	   "ports: [{name: up, kind: phy, devargs: x}]\n"
	   "overlay:\n  port: up\n  address: 192.0.2.1/24\n"
	   "  peers:\n    - {vni: 10, vteps: [192.0.2.2]}\n"
	   "    - {vni: 11, vteps: [192.0.2.3]}\n", 8,
	   "overlay.peers[1].vni: vni 11 is not the vni of any network", NULL)
ERROR_TEST(test_err_gateway_subnet,
	   "networks: [{name: blue, vni: 10}]\n"
	   "ports: [{name: up, kind: phy, devargs: x}]\n"
	   "overlay:\n  port: up\n  address: 192.0.2.1/24\n  gateway: 198.51.100.1\n",
	   6, "overlay.gateway", "not in the overlay's subnet 192.0.2.0/24")
ERROR_TEST(test_err_flow_in_port,
	   NETS "ports:\n" VHOST("p1", "blue")
	   "flows:\n  - {name: f, priority: 5, action: allow,\n"
	   "     match: {in_port: p2}}\n", 8,
	   "flows[0].match.in_port: port 'p2' is not defined", NULL)
ERROR_TEST(test_err_flow_action_port,
	   NETS "ports:\n" VHOST("p1", "blue")
	   "flows:\n  - {name: f, priority: 5, action: {output: p3}}\n", 7,
	   "flows[0].action.output: port 'p3' is not defined", NULL)
ERROR_TEST(test_err_flow_bad_action,
	   "flows:\n  - {name: f, priority: 5, action: reject}\n", 2,
	   "flows[0].action: 'reject' is not an action", "{output: PORT}")
ERROR_TEST(test_err_flow_priority,
	   "flows:\n  - name: f\n    priority: 65536\n    action: drop\n", 3,
	   "flows[0].priority: 65536 is out of range 0..65535", NULL)
ERROR_TEST(test_err_flow_port_range,
	   "flows:\n  - name: f\n    priority: 1\n    action: drop\n"
	   "    match:\n      ip_proto: tcp\n      tp_dst: \"2000-1000\"\n", 7,
	   "flows[0].match.tp_dst: '2000-1000' is out of range", NULL)
ERROR_TEST(test_err_flow_tp_without_proto,
	   "flows:\n  - name: f\n    priority: 1\n    action: drop\n"
	   "    match:\n      tp_dst: 22\n", 6,
	   "flows[0].match.tp_dst", "ip_proto tcp or udp")
ERROR_TEST(test_err_flow_ip_proto,
	   "flows:\n  - name: f\n    priority: 1\n    action: drop\n"
	   "    match: {ip_proto: sctp-ish}\n", 5,
	   "flows[0].match.ip_proto: 'sctp-ish' is not an IP protocol", NULL)
ERROR_TEST(test_err_flow_dangling_network,
	   "flows:\n  - {name: f, priority: 1, network: blue, action: drop}\n",
	   2, "flows[0].network: network 'blue' is not defined", NULL)
ERROR_TEST(test_err_vm_nic_not_vhost,
	   NETS "ports:\n  - {name: t1, kind: tap, devargs: x, network: blue}\n"
	   "vms:\n  - name: v\n    disk: d\n    nics: [t1]\n", 9,
	   "vms[0].nics[0]: port 't1' is a tap port", "vhost")
ERROR_TEST(test_err_vm_nic_shared,
	   NETS "ports:\n" VHOST("p1", "blue")
	   "vms:\n  - {name: v1, disk: d, nics: [p1]}\n"
	   "  - {name: v2, disk: d,\n     nics: [p1]}\n", 9,
	   "vms[1].nics[0]: port 'p1' is already a nic of vm 'v1'", NULL)
ERROR_TEST(test_err_vm_kernel_and_disk,
	   NETS "ports:\n" VHOST("p1", "blue")
	   "vms:\n  - name: v1\n    nics: [p1]\n    kernel: k\n    disk: d\n", 10,
	   "vms[0].disk", "not both")
ERROR_TEST(test_err_vm_neither_kernel_nor_disk,
	   NETS "ports:\n" VHOST("p1", "blue")
	   "vms:\n  - name: v1\n    nics: [p1]\n", 7,
	   "vms[0]", "'kernel' or 'disk'")
ERROR_TEST(test_err_vm_memory,
	   NETS "ports:\n" VHOST("p1", "blue")
	   "vms:\n  - {name: v1, nics: [p1], disk: d, memory: 2T}\n", 7,
	   "vms[0].memory: '2T' is not a memory size", NULL)
ERROR_TEST(test_err_vm_cpus,
	   NETS "ports:\n" VHOST("p1", "blue")
	   "vms:\n  - {name: v1, nics: [p1], disk: d, cpus: 65}\n", 7,
	   "vms[0].cpus: 65 is out of range 1..64", NULL)
ERROR_TEST(test_err_yaml_syntax,
	   "networks:\n  - name: blue\n\tvni: 5\n", 3,
	   "YAML syntax error", "tab character")
ERROR_TEST(test_err_yaml_unclosed,
	   "networks: [{name: blue}\nports: []\n", 2,
	   "YAML syntax error", "flow sequence")
ERROR_TEST(test_err_two_documents,
	   "networks: []\n---\nports: []\n", 3, "second YAML document", NULL)
ERROR_TEST(test_err_json_type,
	   "{\"networks\": {\"name\": \"blue\"}}", 1,
	   "networks: expected a list, got a mapping", NULL)

static void
test_err_deep_nesting(void **state)
{
	size_t n = 100000;
	char *doc = malloc(n + 1);

	memset(doc, '[', n);
	doc[n] = '\0';
	expect_error(doc, 1, "nested deeper than 32 levels", NULL);
	free(doc);
}

static void
test_err_alias_expansion(void **state)
{
	/*
	 * 200 routers share one list of 200 routes through an alias: 40000
	 * routes from a 12 KB document. The walk stops instead.
	 */
	size_t size = 1 << 16, off = 0;
	char *doc = malloc(size);
	struct topo_error err;
	int i;

	off += (size_t)snprintf(doc + off, size - off,
				"networks: [{name: n}]\nrouters:\n"
				"  - name: r0\n"
				"    interfaces: &i [{network: n, address: 10.0.0.1/24}]\n"
				"    routes: &r\n");
	for (i = 0; i < 200; i++)
		off += (size_t)snprintf(doc + off, size - off,
					"      - {prefix: 10.1.%d.0/24, via: [10.0.0.2]}\n",
					i);
	for (i = 1; i < 200; i++)
		off += (size_t)snprintf(doc + off, size - off,
					"  - {name: r%d, interfaces: *i, routes: *r}\n",
					i);
	assert_true(off < size - 1);
	assert_null(parse(doc, &err));
	assert_contains(err.msg, "aliases");
	assert_contains(err.msg, "four times");
	free(doc);

	/* An alias inside a list the schema walks is a duplicate. */
	expect_error("networks:\n  - &n {name: blue}\n  - *n\n", 2,
		     "networks[1].name", "already defined on line 2");
}

/*
 * A port in no network is only the overlay's underlay: refused alone in a
 * whole document, accepted in a part of one (the overlay comes apart).
 */
static void
test_bare_port_part(void **state)
{
	json_t *doc = json_pack("{s:[{s:s}], s:[{s:s, s:s, s:s}]}",
				"networks", "name", "blue",
				"ports", "name", "ul", "kind", "phy",
				"devargs", "0000:03:00.0");
	struct topo_error err;
	struct topo *t;

	(void)state;
	assert_null(topo_parse_json(doc, "doc", &err));
	assert_contains(err.msg, "only the port that overlay.port names");
	t = topo_parse_json_part(doc, "doc", &err);
	assert_non_null(t);
	assert_int_equal(t->n_ports, 1);
	assert_string_equal(t->ports[0].network, "");
	topo_free(t);
	json_decref(doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_yaml),
		cmocka_unit_test(test_full_json),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_memory_and_defaults),
		cmocka_unit_test(test_err_unknown_key),
		cmocka_unit_test(test_err_unknown_top_key),
		cmocka_unit_test(test_err_duplicate_key),
		cmocka_unit_test(test_err_bad_name),
		cmocka_unit_test(test_err_long_name),
		cmocka_unit_test(test_err_bad_mac),
		cmocka_unit_test(test_err_multicast_mac),
		cmocka_unit_test(test_err_bad_ip),
		cmocka_unit_test(test_err_bad_prefix),
		cmocka_unit_test(test_err_neighbor_off_link),
		cmocka_unit_test(test_err_neighbor_twice),
		cmocka_unit_test(test_err_neighbor_no_mac),
		cmocka_unit_test(test_err_host_bits),
		cmocka_unit_test(test_err_route_host_bits),
		cmocka_unit_test(test_err_duplicate_name),
		cmocka_unit_test(test_err_duplicate_network),
		cmocka_unit_test(test_err_dangling_network),
		cmocka_unit_test(test_err_dangling_trunk_network),
		cmocka_unit_test(test_err_vhost_without_socket),
		cmocka_unit_test(test_err_phy_without_devargs),
		cmocka_unit_test(test_err_network_and_trunk),
		cmocka_unit_test(test_err_no_network_no_trunk),
		cmocka_unit_test(test_err_vni_range),
		cmocka_unit_test(test_err_negative_number),
		cmocka_unit_test(test_err_vni_duplicate),
		cmocka_unit_test(test_err_vni_quoted),
		cmocka_unit_test(test_err_duplicate_vlan),
		cmocka_unit_test(test_err_vlan_range),
		cmocka_unit_test(test_err_list_expected),
		cmocka_unit_test(test_err_too_many_ips),
		cmocka_unit_test(test_err_missing_name),
		cmocka_unit_test(test_err_bad_kind),
		cmocka_unit_test(test_err_bad_bool),
		cmocka_unit_test(test_err_top_not_mapping),
		cmocka_unit_test(test_err_iface_network_address),
		cmocka_unit_test(test_err_router_no_interfaces),
		cmocka_unit_test(test_err_route_duplicate),
		cmocka_unit_test(test_err_too_many_via),
		cmocka_unit_test(test_err_overlay_port_kind),
		cmocka_unit_test(test_bare_port_part),
		cmocka_unit_test(test_err_overlay_dangling_port),
		cmocka_unit_test(test_err_peer_vni),
		cmocka_unit_test(test_err_gateway_subnet),
		cmocka_unit_test(test_err_flow_in_port),
		cmocka_unit_test(test_err_flow_action_port),
		cmocka_unit_test(test_err_flow_bad_action),
		cmocka_unit_test(test_err_flow_priority),
		cmocka_unit_test(test_err_flow_port_range),
		cmocka_unit_test(test_err_flow_tp_without_proto),
		cmocka_unit_test(test_err_flow_ip_proto),
		cmocka_unit_test(test_err_flow_dangling_network),
		cmocka_unit_test(test_err_vm_nic_not_vhost),
		cmocka_unit_test(test_err_vm_nic_shared),
		cmocka_unit_test(test_err_vm_kernel_and_disk),
		cmocka_unit_test(test_err_vm_neither_kernel_nor_disk),
		cmocka_unit_test(test_err_vm_memory),
		cmocka_unit_test(test_err_vm_cpus),
		cmocka_unit_test(test_err_yaml_syntax),
		cmocka_unit_test(test_err_yaml_unclosed),
		cmocka_unit_test(test_err_two_documents),
		cmocka_unit_test(test_err_json_type),
		cmocka_unit_test(test_err_deep_nesting),
		cmocka_unit_test(test_err_alias_expansion),
		cmocka_unit_test(test_err_netns_not_tap),
		cmocka_unit_test(test_err_addresses_without_netns),
		cmocka_unit_test(test_err_netns_bad_name),
		cmocka_unit_test(test_err_addresses_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
