/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * control/topology_emit: the canonical JSON of topologies and its YAML.
 *
 * The law checked on every topology here: T's canonical JSON, read back as
 * JSON and as YAML, gives the same canonical JSON, and exporting the result
 * again prints the same YAML bytes. Then the values themselves: defaults
 * omitted, keys in schema order, MACs lower case, and YAML that quotes
 * exactly the strings a reader would take for something else.
 *
 * argv[1] is the source root, for the pcap fixtures' topologies.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "unit.h"
#include <yaml.h>

#include "topology.h"

static const char *source_root;

static struct topo *
parse(const char *doc)
{
	struct topo_error err;
	struct topo *t;

	t = topo_parse_string(doc, strlen(doc), "t.yaml", &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	return t;
}

static char *
canon_of(const struct topo *t)
{
	json_t *j = topo_to_json(t);
	char *c;

	assert_non_null(j);
	c = topo_json_canonical(j);
	assert_non_null(c);
	json_decref(j);
	return c;
}

/* ---- A YAML reader for the tests: libyaml, with JSON's scalar types ---- */

static bool
is_json_int(const char *s)
{
	size_t i = s[0] == '-';

	if (s[i] == '0')
		return s[i + 1] == '\0';
	if (s[i] < '1' || s[i] > '9')
		return false;
	for (; s[i] != '\0'; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static json_t *
yaml_node_json(yaml_document_t *d, yaml_node_t *n)
{
	const char *s;
	yaml_node_item_t *it;
	yaml_node_pair_t *p;
	yaml_node_t *k;
	json_t *o;

	switch (n->type) {
	case YAML_SCALAR_NODE:
		s = (const char *)n->data.scalar.value;
		if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			return json_stringn(s, n->data.scalar.length);
		if (strcmp(s, "true") == 0)
			return json_true();
		if (strcmp(s, "false") == 0)
			return json_false();
		if (s[0] == '\0' || strcmp(s, "null") == 0 || strcmp(s, "~") == 0)
			return json_null();
		if (is_json_int(s))
			return json_integer(strtoll(s, NULL, 10));
		return json_string(s);
	case YAML_SEQUENCE_NODE:
		o = json_array();
		for (it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++)
			json_array_append_new(o, yaml_node_json(d,
				yaml_document_get_node(d, *it)));
		return o;
	case YAML_MAPPING_NODE:
		o = json_object();
		for (p = n->data.mapping.pairs.start;
		     p < n->data.mapping.pairs.top; p++) {
			k = yaml_document_get_node(d, p->key);
			assert_int_equal(k->type, YAML_SCALAR_NODE);
			json_object_set_new(o, (const char *)k->data.scalar.value,
					    yaml_node_json(d,
						yaml_document_get_node(d, p->value)));
		}
		return o;
	default:
		fail_msg("empty YAML node");
	}
	return NULL;
}

/* Load `text` with libyaml: one document, no errors. */
static void
yaml_load(const char *text, yaml_document_t *d)
{
	yaml_parser_t p;

	assert_true(yaml_parser_initialize(&p));
	yaml_parser_set_input_string(&p, (const unsigned char *)text,
				     strlen(text));
	if (!yaml_parser_load(&p, d))
		fail_msg("libyaml cannot read the emitted YAML: %s (line %zu)\n%s",
			 p.problem, p.problem_mark.line + 1, text);
	yaml_parser_delete(&p);
}

static json_t *
yaml_to_json(const char *text)
{
	yaml_document_t d;
	yaml_node_t *root;
	json_t *j;

	yaml_load(text, &d);
	root = yaml_document_get_root_node(&d);
	assert_non_null(root);
	j = yaml_node_json(&d, root);
	yaml_document_delete(&d);
	return j;
}

/* ---- The law ---- */

/*
 * Check the round trips of `t` and return its canonical text (to free).
 * `what` names the topology in failure messages.
 */
static char *
check_round_trip(const struct topo *t, const char *what)
{
	struct topo_error err;
	struct topo *tj, *ty;
	json_t *j, *j2, *jy;
	char *c, *cj, *cy, *y, *y2, *o1, *o2;

	j = topo_to_json(t);
	assert_non_null(j);
	c = topo_json_canonical(j);
	assert_non_null(c);

	/* JSON in, same canonical JSON out, keys in the same order. */
	tj = topo_parse_json(j, what, &err);
	if (tj == NULL)
		fail_msg("%s: canonical JSON rejected: %s\n%s", what, err.msg, c);
	cj = canon_of(tj);
	assert_string_equal(cj, c);
	j2 = topo_to_json(tj);
	o1 = json_dumps(j, JSON_COMPACT);
	o2 = json_dumps(j2, JSON_COMPACT);
	assert_string_equal(o1, o2);

	/* YAML in, same canonical JSON out. */
	y = topo_json_to_yaml(j);
	assert_non_null(y);
	ty = topo_parse_string(y, strlen(y), what, &err);
	if (ty == NULL)
		fail_msg("%s: emitted YAML rejected: %s\n%s", what, err.msg, y);
	cy = canon_of(ty);
	assert_string_equal(cy, c);

	/* The YAML is the same JSON document to any YAML reader... */
	jy = yaml_to_json(y);
	if (!json_equal(jy, j))
		fail_msg("%s: YAML reads back as another document:\n%s", what, y);

	/* ...and exporting again prints the same bytes. */
	y2 = topo_json_to_yaml(j2);
	assert_string_equal(y2, y);

	json_decref(jy);
	json_decref(j2);
	json_decref(j);
	free(o1);
	free(o2);
	free(y);
	free(y2);
	free(cj);
	free(cy);
	topo_free(tj);
	topo_free(ty);
	return c;
}

/* The keys of `o`, comma-separated in their order, equal `keys`. */
static void
assert_keys(const json_t *o, const char *keys)
{
	char got[256] = "";
	const char *k;
	json_t *v;

	assert_true(json_is_object(o));
	json_object_foreach((json_t *)o, k, v) {
		if (got[0] != '\0')
			strcat(got, ",");
		strcat(got, k);
	}
	assert_string_equal(got, keys);
}

static const json_t *
at(const json_t *doc, const char *section, size_t i)
{
	const json_t *a = json_object_get(doc, section);
	const json_t *o = json_array_get(a, i);

	if (o == NULL)
		fail_msg("no %s[%zu]", section, i);
	return o;
}

static void
assert_str_at(const json_t *o, const char *key, const char *want)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		fail_msg("'%s' is not a string", key);
	assert_string_equal(json_string_value(v), want);
}

static void
assert_int_at(const json_t *o, const char *key, json_int_t want)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		fail_msg("'%s' is not an integer", key);
	assert_int_equal(json_integer_value(v), want);
}

/* ---- Tests ---- */

/* Every section, many optional values set, values written unnormalised. */
static const char full_yaml[] =
	"networks:\n"
	"  - {name: blue, vni: 1001, mac_limit: 4096, ageing: 60, arp_suppress: true}\n"
	"  - {name: green, vni: 0x10, mac_limit: 65536, ageing: 300, arp_suppress: false}\n"
	"  - {name: red, ageing: 0}\n"
	"  - name: underlay\n"
	"ports:\n"
	"  - name: vm1-eth0\n"
	"    kind: vhost\n"
	"    network: blue\n"
	"    mac: 52:54:00:00:01:0A\n"
	"    ips: [10.0.1.11, 10.0.1.12]\n"
	"    security: true\n"
	"    socket: /run/yard/vm1-eth0.sock\n"
	"  - {name: vm2-eth0, kind: vhost, network: green, security: false,\n"
	"     socket: \"/run/yard/vm 2.sock\"}\n"
	"  - name: trunk0\n"
	"    devargs: \"net_tap0,iface=yt0\"\n"
	"    security: true\n"
	"    trunk: [{vlan: 200, network: red}, {network: blue, vlan: 100}]\n"
	"    kind: tap\n"
	"  - {name: uplink, kind: phy, devargs: \"0000:03:00.0\", security: false}\n"
	"  - {name: cap0, kind: pcap, network: green, devargs: \"rx_pcap=in.pcap\"}\n"
	"  - {name: cap1, kind: pcap, network: green, mac: \"52:54:00:00:01:01\"}\n"
	"  - {name: xdp0, kind: afxdp, network: green, devargs: \"net_af_xdp0,iface=eth1\"}\n"
	"  - {name: vm3-eth0, kind: vhost, network: blue, socket: /s3}\n"
	"  - {name: h1, kind: tap, network: blue, devargs: \"net_tap1,iface=yt1\",\n"
	"     netns: h1, addresses: [10.0.9.1/24, 10.0.8.1]}\n"
	"routers:\n"
	"  - name: r1\n"
	"    interfaces:\n"
	"      - {network: blue, address: 10.0.1.1/24, mac: 02:00:00:00:01:01}\n"
	"      - {network: green, address: 10.0.2.1/24}\n"
	"      - {network: red, address: 10.0.3.1/32}\n"
	"    routes:\n"
	"      - {prefix: 0.0.0.0/0, via: [10.0.2.254, 10.0.2.253]}\n"
	"      - {prefix: 192.168.7.7, via: [10.0.1.254]}\n"
	"    neighbors: [{mac: 02:00:00:00:0b:01, address: 10.0.2.20}]\n"
	"  - name: r2\n"
	"    interfaces: [{network: underlay, address: 192.0.2.9/24}]\n"
	"overlay:\n"
	"  port: uplink\n"
	"  address: 192.0.2.1/24\n"
	"  gateway: 192.0.2.254\n"
	"  peers: [{vni: 1001, vteps: [192.0.2.2, 192.0.2.3], learn_any_vtep: true},\n"
	"          {vni: 16, vteps: [192.0.2.4], learn_any_vtep: false}]\n"
	"flows:\n"
	"  - {name: no-ssh, priority: 100, network: blue,\n"
	"     match: {ip_proto: tcp, ip_dst: 10.0.1.0/24, tp_dst: 22}, action: drop}\n"
	"  - name: dns\n"
	"    priority: 200\n"
	"    match: {tp_dst: \"53\", tp_src: \"1000-2000\", ip_proto: 17, ip_src: 10.0.1.0/24,\n"
	"            vlan: 100, eth_type: 0x0800, eth_dst: FF:FF:FF:FF:FF:FF,\n"
	"            eth_src: 52:54:00:00:01:0a, in_port: vm1-eth0}\n"
	"    action: {output: vm2-eth0}\n"
	"  - {name: tap-all, priority: 0, match: {}, action: {mirror: cap0}}\n"
	"  - {name: icmp, priority: 65535, match: {ip_proto: 1, ip_dst: 10.9.9.9}, action: allow}\n"
	"  - {name: sctp, priority: 7, match: {ip_proto: 132, tp_dst: 5000-5001}, action: allow}\n"
	"  - {name: arp, priority: 8, match: {eth_type: 2054}, action: drop}\n"
	"vms:\n"
	"  - {name: vm1, cpus: 2, memory: 1024, nics: [vm1-eth0], accel: kvm,\n"
	"     kernel: /boot/vmlinuz, initrd: guest.img,\n"
	"     cmdline: \"console=ttyS0 root=/dev/vda: quiet # x\"}\n"
	"  - {name: vm2, cpus: 1, memory: 256M, accel: auto, nics: [vm2-eth0], disk: vm2.qcow2}\n"
	"  - {name: vm3, memory: 1536M, nics: [vm3-eth0], kernel: /k}\n";

static void
test_full(void **state)
{
	const json_t *o, *m;
	struct topo *t;
	json_t *j;
	char *c, *y;

	t = parse(full_yaml);
	c = check_round_trip(t, "full");
	j = topo_to_json(t);
	assert_keys(j, "networks,ports,routers,overlay,flows,vms");

	/* networks: defaults omitted, even when written out. */
	assert_keys(at(j, "networks", 0),
		    "name,vni,mac_limit,ageing,arp_suppress");
	assert_true(json_is_true(json_object_get(at(j, "networks", 0),
						 "arp_suppress")));
	assert_keys(at(j, "networks", 1), "name,vni");
	assert_int_at(at(j, "networks", 1), "vni", 16);
	assert_keys(at(j, "networks", 2), "name,ageing");
	assert_int_at(at(j, "networks", 2), "ageing", 0);
	assert_keys(at(j, "networks", 3), "name");

	/* ports: schema order, security only when not the kind's default. */
	o = at(j, "ports", 0);
	assert_keys(o, "name,kind,network,mac,ips,socket");
	assert_str_at(o, "mac", "52:54:00:00:01:0a");
	assert_string_equal(json_string_value(json_array_get(
					    json_object_get(o, "ips"), 1)),
			    "10.0.1.12");
	assert_keys(at(j, "ports", 1), "name,kind,network,security,socket");
	assert_true(json_is_false(json_object_get(at(j, "ports", 1),
						  "security")));
	o = at(j, "ports", 2);
	assert_keys(o, "name,kind,trunk,security,devargs");
	assert_keys(json_array_get(json_object_get(o, "trunk"), 0),
		    "network,vlan");
	assert_int_at(json_array_get(json_object_get(o, "trunk"), 0), "vlan",
		      200);
	/* The underlay: neither network nor trunk. */
	assert_keys(at(j, "ports", 3), "name,kind,devargs");
	assert_keys(at(j, "ports", 4), "name,kind,network,devargs");
	assert_keys(at(j, "ports", 5), "name,kind,network,mac");
	assert_keys(at(j, "ports", 6), "name,kind,network,devargs");

	/* routers: prefixes a.b.c.d/n, a bare route prefix is a /32. */
	o = at(j, "routers", 0);
	assert_keys(o, "name,interfaces,routes,neighbors");
	m = json_object_get(o, "interfaces");
	assert_keys(json_array_get(m, 0), "network,address,mac");
	assert_keys(json_array_get(m, 1), "network,address");
	assert_str_at(json_array_get(m, 2), "address", "10.0.3.1/32");
	m = json_object_get(o, "routes");
	assert_keys(json_array_get(m, 0), "prefix,via");
	assert_str_at(json_array_get(m, 0), "prefix", "0.0.0.0/0");
	assert_str_at(json_array_get(m, 1), "prefix", "192.168.7.7/32");
	m = json_object_get(o, "neighbors");
	assert_keys(json_array_get(m, 0), "address,mac");
	assert_str_at(json_array_get(m, 0), "address", "10.0.2.20");
	assert_str_at(json_array_get(m, 0), "mac", "02:00:00:00:0b:01");
	assert_keys(at(j, "routers", 1), "name,interfaces");

	/* overlay */
	o = json_object_get(j, "overlay");
	assert_keys(o, "port,address,gateway,peers");
	assert_str_at(o, "address", "192.0.2.1/24");
	/* learn_any_vtep only when on (false is the default). */
	assert_keys(json_array_get(json_object_get(o, "peers"), 0),
		    "vni,vteps,learn_any_vtep");
	assert_keys(json_array_get(json_object_get(o, "peers"), 1),
		    "vni,vteps");

	/* flows: match keys in schema order whatever the input order. */
	o = at(j, "flows", 0);
	assert_keys(o, "name,priority,network,match,action");
	assert_str_at(o, "action", "drop");
	assert_int_at(json_object_get(o, "match"), "tp_dst", 22);
	assert_str_at(json_object_get(o, "match"), "ip_proto", "tcp");
	o = at(j, "flows", 1);
	assert_keys(o, "name,priority,match,action");
	m = json_object_get(o, "match");
	assert_keys(m, "in_port,eth_src,eth_dst,eth_type,vlan,ip_src,ip_proto,tp_src,tp_dst");
	assert_str_at(m, "eth_dst", "ff:ff:ff:ff:ff:ff");
	assert_int_at(m, "eth_type", 0x0800);
	assert_int_at(m, "vlan", 100);
	assert_str_at(m, "ip_proto", "udp");
	assert_str_at(m, "tp_src", "1000-2000");
	assert_int_at(m, "tp_dst", 53);
	assert_str_at(json_object_get(o, "action"), "output", "vm2-eth0");
	o = at(j, "flows", 2);
	assert_keys(o, "name,priority,action");
	assert_str_at(json_object_get(o, "action"), "mirror", "cap0");
	m = json_object_get(at(j, "flows", 3), "match");
	assert_str_at(m, "ip_proto", "icmp");
	assert_str_at(m, "ip_dst", "10.9.9.9/32");
	assert_str_at(at(j, "flows", 3), "action", "allow");
	m = json_object_get(at(j, "flows", 4), "match");
	assert_int_at(m, "ip_proto", 132);
	assert_str_at(m, "tp_dst", "5000-5001");
	assert_int_at(json_object_get(at(j, "flows", 5), "match"), "eth_type",
		      0x0806);

	/* vms: memory in M or G, defaults omitted. */
	o = at(j, "vms", 0);
	assert_keys(o, "name,cpus,memory,nics,accel,kernel,initrd,cmdline");
	assert_str_at(o, "memory", "1G");
	assert_str_at(o, "accel", "kvm");
	assert_keys(at(j, "vms", 1), "name,nics,disk");
	assert_keys(at(j, "vms", 2), "name,memory,nics,kernel");
	assert_str_at(at(j, "vms", 2), "memory", "1536M");

	/* The YAML people read. */
	y = topo_json_to_yaml(j);
	assert_non_null(y);
	assert_true(strncmp(y, "networks:\n- name: blue\n  vni: 1001\n", 35) == 0);
	assert_contains(y, "\n  mac: 52:54:00:00:01:0a\n");
	assert_contains(y, "\n  mac: '52:54:00:00:01:01'\n");
	assert_contains(y, "\n  ips: [10.0.1.11, 10.0.1.12]\n");
	assert_contains(y, "\n  devargs: '0000:03:00.0'\n");
	assert_contains(y, "\n  devargs: net_tap0,iface=yt0\n");
	assert_contains(y, "\n  - {network: red, vlan: 200}\n");
	assert_contains(y, "\n  match: {ip_dst: 10.0.1.0/24, ip_proto: tcp, tp_dst: 22}\n");
	assert_contains(y, "\n    tp_src: 1000-2000\n");
	assert_contains(y, "\n  action: {output: vm2-eth0}\n");
	assert_contains(y, "\n  cmdline: 'console=ttyS0 root=/dev/vda: quiet # x'\n");
	assert_contains(y, "\n  socket: /run/yard/vm 2.sock\n");

	free(y);
	free(c);
	json_decref(j);
	topo_free(t);
}

/* Every optional value written at its default: all of them omitted. */
static void
test_defaults(void **state)
{
	static const char doc[] =
		"networks:\n"
		"  - {name: lan, mac_limit: 65536, ageing: 300, arp_suppress: false}\n"
		"ports:\n"
		"  - {name: v, kind: vhost, network: lan, security: true, socket: /v.sock, ips: []}\n"
		"  - {name: p, kind: phy, security: false, devargs: \"0000:01:00.0\"}\n"
		"  - {name: c, kind: pcap, network: lan, security: false}\n"
		"routers:\n"
		"  - {name: r, interfaces: [{network: lan, address: 10.0.0.1/24}], routes: []}\n"
		"overlay: {port: p, address: 10.0.0.2/24, peers: []}\n"
		"flows:\n"
		"  - {name: f, priority: 0, match: ~, action: allow}\n"
		"vms:\n"
		"  - {name: vm, cpus: 1, memory: 256M, accel: auto, nics: [v], disk: d.img}\n";
	static const char want[] =
		"{\"flows\":[{\"action\":\"allow\",\"name\":\"f\",\"priority\":0}],"
		"\"networks\":[{\"name\":\"lan\"}],"
		"\"overlay\":{\"address\":\"10.0.0.2/24\",\"port\":\"p\"},"
		"\"ports\":[{\"kind\":\"vhost\",\"name\":\"v\",\"network\":\"lan\",\"socket\":\"/v.sock\"},"
		"{\"devargs\":\"0000:01:00.0\",\"kind\":\"phy\",\"name\":\"p\"},"
		"{\"kind\":\"pcap\",\"name\":\"c\",\"network\":\"lan\"}],"
		"\"routers\":[{\"interfaces\":[{\"address\":\"10.0.0.1/24\",\"network\":\"lan\"}],\"name\":\"r\"}],"
		"\"vms\":[{\"disk\":\"d.img\",\"name\":\"vm\",\"nics\":[\"v\"]}]}";
	static const char want_yaml[] =
		"networks:\n"
		"- name: lan\n"
		"ports:\n"
		"- name: v\n"
		"  kind: vhost\n"
		"  network: lan\n"
		"  socket: /v.sock\n"
		"- name: p\n"
		"  kind: phy\n"
		"  devargs: '0000:01:00.0'\n"
		"- name: c\n"
		"  kind: pcap\n"
		"  network: lan\n"
		"routers:\n"
		"- name: r\n"
		"  interfaces:\n"
		"  - {network: lan, address: 10.0.0.1/24}\n"
		"overlay:\n"
		"  port: p\n"
		"  address: 10.0.0.2/24\n"
		"flows:\n"
		"- name: f\n"
		"  priority: 0\n"
		"  action: allow\n"
		"vms:\n"
		"- name: vm\n"
		"  nics: [v]\n"
		"  disk: d.img\n";
	struct topo *t;
	json_t *j;
	char *c, *y;

	t = parse(doc);
	c = check_round_trip(t, "defaults");
	assert_string_equal(c, want);
	j = topo_to_json(t);
	y = topo_json_to_yaml(j);
	assert_string_equal(y, want_yaml);
	free(y);
	json_decref(j);
	free(c);
	topo_free(t);
}

/*
 * Values at the edges of the schema: keys the parser requires with an
 * empty value, names that read as numbers, booleans, null or dates, an
 * overlay without peers, an empty document.
 */
static void
test_edges(void **state)
{
	static const char doc[] =
		"networks:\n"
		"  - {name: \"null\", vni: 16777215, mac_limit: 16777216, ageing: 4294967295}\n"
		"  - {name: \"yes\", mac_limit: 1}\n"
		"  - {name: \"1001\"}\n"
		"  - {name: 0x10}\n"
		"  - {name: 1e5}\n"
		"  - {name: 2001-01-01}\n"
		"  - {name: 0o17}\n"
		"  - {name: \"on\"}\n"
		"  - {name: \"0\"}\n"
		"ports:\n"
		"  - {name: \"y\", kind: vhost, network: \"null\", socket: \"\"}\n"
		"  - {name: \"no\", kind: phy, devargs: \"\"}\n"
		"  - {name: \"1\", kind: tap, network: \"0\", devargs: \"1001\",\n"
		"     ips: [0.0.0.0, 255.255.255.255], mac: 02:00:00:00:00:01}\n"
		"  - {name: allow, kind: pcap, network: \"1001\", devargs: \"\"}\n"
		"overlay: {port: \"no\", address: 10.0.0.2/31}\n"
		"flows:\n"
		"  - {name: drop, priority: 65535, network: \"on\", action: {output: allow},\n"
		"     match: {tp_src: 0, tp_dst: 0-65535, ip_proto: 6, eth_src: 01:00:5e:00:00:01,\n"
		"             ip_src: 0.0.0.0/0, ip_dst: 255.255.255.255/32, vlan: 4094}}\n"
		"  - {name: \"true\", priority: 1, match: {ip_proto: 0}, action: {mirror: \"y\"}}\n"
		"  - {name: eth, priority: 2, match: {eth_type: 0xffff, eth_dst: 00:00:00:00:00:00},\n"
		"     action: drop}\n"
		"vms:\n"
		"  - {name: \"off\", nics: [\"y\"], kernel: \"\", memory: 4096G, cpus: 64}\n";
	static const char *const names[] = {
		"null", "yes", "1001", "0x10", "1e5", "2001-01-01", "0o17", "on",
		"0",
	};
	struct topo_error err;
	struct topo *t, *t2;
	const json_t *o;
	json_t *j;
	char *c, *y;
	size_t i;

	t = parse(doc);
	c = check_round_trip(t, "edges");
	j = topo_to_json(t);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_str_at(at(j, "networks", i), "name", names[i]);
	assert_keys(at(j, "networks", 0), "name,vni,mac_limit,ageing");
	assert_int_at(at(j, "networks", 0), "ageing", 4294967295LL);
	/* The parser wants these keys, not a value in them. */
	assert_str_at(at(j, "ports", 0), "socket", "");
	assert_str_at(at(j, "ports", 1), "devargs", "");
	assert_keys(at(j, "ports", 3), "name,kind,network");
	assert_str_at(at(j, "ports", 2), "devargs", "1001");
	assert_str_at(at(j, "vms", 0), "kernel", "");
	assert_str_at(at(j, "vms", 0), "memory", "4096G");
	assert_keys(json_object_get(j, "overlay"), "port,address");
	o = json_object_get(at(j, "flows", 0), "match");
	assert_int_at(o, "tp_src", 0);
	assert_str_at(o, "tp_dst", "0-65535");
	assert_str_at(o, "ip_proto", "tcp");
	assert_str_at(o, "eth_src", "01:00:5e:00:00:01");
	assert_str_at(o, "ip_src", "0.0.0.0/0");
	assert_str_at(o, "ip_dst", "255.255.255.255/32");
	assert_int_at(json_object_get(at(j, "flows", 1), "match"), "ip_proto",
		      0);
	o = json_object_get(at(j, "flows", 2), "match");
	assert_keys(o, "eth_dst,eth_type");
	assert_int_at(o, "eth_type", 0xffff);
	assert_str_at(o, "eth_dst", "00:00:00:00:00:00");

	/* Names that YAML would read as something else are quoted. */
	y = topo_json_to_yaml(j);
	assert_contains(y, "- name: 'null'\n");
	assert_contains(y, "- name: 'yes'\n");
	assert_contains(y, "- name: '1001'\n");
	assert_contains(y, "- name: '0x10'\n");
	assert_contains(y, "- name: '1e5'\n");
	assert_contains(y, "- name: '2001-01-01'\n");
	assert_contains(y, "- name: '0o17'\n");
	assert_contains(y, "  socket: ''\n");
	assert_contains(y, "  action: {output: allow}\n");
	free(y);
	json_decref(j);
	free(c);
	topo_free(t);

	/* The empty topology is {} in JSON and in YAML. */
	t = parse("# nothing\n");
	c = check_round_trip(t, "empty");
	assert_string_equal(c, "{}");
	j = topo_to_json(t);
	y = topo_json_to_yaml(j);
	t2 = topo_parse_string(y, strlen(y), "e.yaml", &err);
	assert_non_null(t2);
	assert_false(t2->overlay.present);
	topo_free(t2);
	free(y);
	json_decref(j);
	free(c);
	topo_free(t);
}

/* The pcap fixtures' topologies each survive both round trips. */
static void
test_fixtures(void **state)
{
	char dir[1024], path[2048];
	struct topo_error err;
	struct dirent *de;
	unsigned int n = 0;
	struct topo *t;
	DIR *d;

	if (source_root == NULL)
		fail_msg("pass the source root as argv[1]");
	snprintf(dir, sizeof(dir), "%s/pcap-fixtures", source_root);
	d = opendir(dir);
	if (d == NULL)
		fail_msg("%s: %s", dir, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/topology.yaml", dir,
			 de->d_name);
		t = topo_parse_file(path, &err);
		if (t == NULL) {
			if (strstr(err.msg, "No such file") != NULL ||
			    strstr(err.msg, "Not a directory") != NULL)
				continue;
			fail_msg("%s", err.msg);
		}
		free(check_round_trip(t, path));
		topo_free(t);
		n++;
	}
	closedir(d);
	print_message("%u fixture topologies round-trip\n", n);
	assert_true(n > 0);
}

/* Look up the scalar whose text is `s` in a loaded document. */
static yaml_node_t *
scalar_find(yaml_document_t *d, const char *s, size_t len)
{
	yaml_node_t *n;

	for (n = d->nodes.start; n < d->nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE &&
		    n->data.scalar.length == len &&
		    memcmp(n->data.scalar.value, s, len) == 0)
			return n;
	return NULL;
}

/*
 * Strings that a YAML reader types as something else come out quoted and
 * read back intact; ordinary ones stay plain; numbers, booleans and null
 * stay what they are. Both as values and as keys, in block and in flow.
 */
static void
test_yaml_quoting(void **state)
{
	static const char *const quoted[] = {
		"yes", "no", "Yes", "NO", "on", "Off", "y", "n", "true", "False",
		"null", "Null", "~", "", "1001", "-1", "+1", "0", "007", "0x1f",
		"0o17", "0b101", "1_000", "1,000", "1.5", ".5", "1.", "-.inf",
		".NaN", "1e5", "1E+5", "52:54:00:00:01:01", "1:20", "190:20:30.15",
		"0000:03:00.0", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
		"<<", "=", "a: b", " lead", "trail ", "#comment", "a #b", "- x",
		"[x]", "{x}", "@x", "`x", "!x", "&x", "*x", "|x", ">x", "%x",
		"'x", "\"x", "?", "---", "...", "line\nbreak", "tab\there",
	};
	static const char *const plain[] = {
		"blue", "vm1-eth0", "10.0.1.11", "10.0.1.0/24", "1000-2000",
		"02:00:00:00:01:01", "52:54:00:00:01:0a", "ff:ff:ff:ff:ff:ff",
		"/run/yard/a.sock", "net_tap0,iface=yt0", "console=ttyS0",
		"256M", "1G", "a:b", "a#b", "yess", "1.2.3", "0x", "café",
	};
	const size_t nq = sizeof(quoted) / sizeof(quoted[0]);
	const size_t np = sizeof(plain) / sizeof(plain[0]);
	json_t *doc, *list, *keys, *flow, *back;
	yaml_document_t d;
	yaml_node_t *n;
	char *y, long_s[120];
	size_t i;

	doc = json_object();
	list = json_array();
	keys = json_object();
	for (i = 0; i < nq; i++) {
		json_array_append_new(list, json_string(quoted[i]));
		json_object_set_new(keys, quoted[i], json_integer((json_int_t)i));
	}
	for (i = 0; i < np; i++)
		json_array_append_new(list, json_string(plain[i]));
	json_array_append_new(list, json_integer(1001));
	json_array_append_new(list, json_integer(-7));
	json_array_append_new(list, json_true());
	json_array_append_new(list, json_false());
	json_array_append_new(list, json_null());
	json_object_set_new(doc, "strings", list);
	json_object_set_new(doc, "keys", keys);
	/* Deep enough for flow style: a short flat object and a long one. */
	memset(long_s, 'x', sizeof(long_s) - 1);
	long_s[sizeof(long_s) - 1] = '\0';
	flow = json_pack("{s:[{s:{s:s,s:i,s:s}},{s:{s:s}}]}", "nest",
			 "short", "a", "yes", "b", 1, "c", "52:54:00:00:01:01",
			 "long", "a", long_s);
	json_object_set_new(doc, "flow", flow);

	y = topo_json_to_yaml(doc);
	assert_non_null(y);

	/* Read by libyaml, the document is the one written. */
	back = yaml_to_json(y);
	if (!json_equal(back, doc))
		fail_msg("YAML reads back as another document:\n%s", y);
	json_decref(back);

	yaml_load(y, &d);
	for (i = 0; i < nq; i++) {
		n = scalar_find(&d, quoted[i], strlen(quoted[i]));
		if (n == NULL)
			fail_msg("'%s' lost in:\n%s", quoted[i], y);
		if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			fail_msg("'%s' left plain in:\n%s", quoted[i], y);
	}
	for (i = 0; i < np; i++) {
		n = scalar_find(&d, plain[i], strlen(plain[i]));
		if (n == NULL)
			fail_msg("'%s' lost in:\n%s", plain[i], y);
		if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			fail_msg("'%s' quoted needlessly in:\n%s", plain[i], y);
	}
	yaml_document_delete(&d);

	assert_contains(y, "\n- 1001\n- -7\n- true\n- false\n- null\n");
	assert_contains(y, "\n  - short: {a: 'yes', b: 1, c: '52:54:00:00:01:01'}\n");
	assert_contains(y, "\n  - long:\n      a: xxx");
	free(y);
	json_decref(doc);

	/* Scalars at the top, and nothing at all. */
	doc = json_string("no");
	y = topo_json_to_yaml(doc);
	assert_contains(y, "'no'");
	free(y);
	json_decref(doc);
	doc = json_real(1e300);
	y = topo_json_to_yaml(doc);
	assert_contains(y, "1.0e+300");
	free(y);
	json_decref(doc);
	assert_null(topo_json_to_yaml(NULL));
}

/*
 * Strings with characters JSON writes raw but YAML reads otherwise (NEL
 * and U+2028 are line breaks, DEL and C1 controls are refused, U+FEFF is a
 * byte order mark), line breaks, quotes, spaces at the ends: each reaches
 * the struct intact from JSON and survives both round trips.
 */
static void
test_odd_strings(void **state)
{
	static const char *const odd[] = {
		"x\xc2\x85y", "\xc2\x85", "x\x7f", "a\xc2\x80\xc2\x9f" "b",
		"x\xe2\x80\xa8y", "\xe2\x80\xa9", "x\xef\xbf\xbe" "y",
		"\xef\xbb\xbf" "bom", "caf\xc3\xa9", "\xf0\x9f\x98\x80", "\x01",
		"a\n\nb", "a\n", " x ", "\t", "a\rb", "a'b\"c\\d", "x:", "- ",
		"# x", "\xc2\xa0nbsp", "1001", "yes", "",
	};
	struct topo_error err;
	struct topo *t;
	json_t *doc;
	size_t i;

	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		doc = json_pack("{s:[{s:s}], s:[{s:s,s:s,s:s,s:s}],"
				" s:[{s:s,s:[s],s:s,s:s}]}",
				"networks", "name", "n1",
				"ports", "name", "v", "kind", "vhost",
				"network", "n1", "socket", odd[i],
				"vms", "name", "vm", "nics", "v",
				"kernel", odd[i], "cmdline", odd[i]);
		assert_non_null(doc);
		t = topo_parse_json(doc, "odd", &err);
		if (t == NULL)
			fail_msg("odd[%zu]: %s", i, err.msg);
		assert_string_equal(t->ports[0].socket, odd[i]);
		assert_string_equal(t->vms[0].cmdline, odd[i]);
		free(check_round_trip(t, "odd"));
		topo_free(t);
		json_decref(doc);
	}
}

static void
test_parse_json_errors(void **state)
{
	struct topo_error err;
	struct topo *t;
	json_t *doc;

	assert_null(topo_parse_json(NULL, "api", &err));
	assert_contains(err.msg, "api: ");
	assert_null(topo_parse_json(NULL, NULL, NULL));

	/* JSON strings are quoted scalars: a quoted number stays refused. */
	doc = json_pack("{s:[{s:s,s:s}]}", "networks", "name", "blue", "vni",
			"1001");
	assert_null(topo_parse_json(doc, "api", &err));
	assert_contains(err.msg, "api:");
	assert_contains(err.msg, "networks[0].vni");
	assert_contains(err.msg, "without quotes");
	json_decref(doc);

	/* A string "null" is a name, not nothing. */
	doc = json_pack("{s:[{s:s}]}", "networks", "name", "null");
	t = topo_parse_json(doc, "api", &err);
	if (t == NULL)
		fail_msg("%s", err.msg);
	assert_string_equal(t->networks[0].name, "null");
	topo_free(t);
	json_decref(doc);

	doc = json_string("networks");
	assert_null(topo_parse_json(doc, "api", &err));
	assert_contains(err.msg, "must be a mapping");
	json_decref(doc);
}

static void
test_null_args(void **state)
{
	struct topo_overlay ov;

	memset(&ov, 0, sizeof(ov));
	assert_null(topo_network_to_json(NULL));
	assert_null(topo_port_to_json(NULL));
	assert_null(topo_router_to_json(NULL));
	assert_null(topo_overlay_to_json(NULL));
	assert_null(topo_overlay_to_json(&ov));
	assert_null(topo_flow_to_json(NULL));
	assert_null(topo_vm_to_json(NULL));
	assert_null(topo_to_json(NULL));
	assert_null(topo_json_canonical(NULL));
}

/* A struct filled by hand (as yard-dp does for its export) works too. */
static void
test_hand_filled(void **state)
{
	struct topo_network n;
	struct topo_port p;
	json_t *j;
	char *c;

	memset(&n, 0, sizeof(n));
	strcpy(n.name, "blue");
	n.mac_limit = TOPO_MAC_LIMIT_DEFAULT;
	n.ageing = TOPO_AGEING_DEFAULT;
	j = topo_network_to_json(&n);
	c = topo_json_canonical(j);
	assert_string_equal(c, "{\"name\":\"blue\"}");
	free(c);
	json_decref(j);

	memset(&p, 0, sizeof(p));
	strcpy(p.name, "p0");
	p.kind = TOPO_PORT_PCAP;
	strcpy(p.network, "blue");
	p.has_mac = true;
	memcpy(p.mac, "\x52\x54\x00\xAB\xCD\xEF", 6);
	j = topo_port_to_json(&p);
	c = topo_json_canonical(j);
	assert_string_equal(c, "{\"kind\":\"pcap\",\"mac\":\"52:54:00:ab:cd:ef\","
			       "\"name\":\"p0\",\"network\":\"blue\"}");
	free(c);
	json_decref(j);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_yaml_quoting),
		cmocka_unit_test(test_odd_strings),
		cmocka_unit_test(test_parse_json_errors),
		cmocka_unit_test(test_null_args),
		cmocka_unit_test(test_hand_filled),
	};

	source_root = argc > 1 ? argv[1] : getenv("YARD_SOURCE_ROOT");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
