/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The canonical form of a topology: struct topo back to JSON (what the
 * store, the reconciler and `export` compare), and any JSON document to
 * YAML for people.
 *
 * Every value written here is one that topology.c reads back to the same
 * struct: numbers stay plain (the parser refuses quoted numbers), a port
 * range that is a single port is a number, and a key whose presence the
 * parser checks (a vhost socket, the devargs of a phy port, the kernel of a
 * VM without a disk) is written even when its value is "".
 */
#include <errno.h>
#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology_priv.h"

#define TOPO_MIB (UINT64_C(1) << 20)
#define TOPO_VM_MEMORY_DEFAULT (256 * TOPO_MIB)

static const char *const topo_accel_strs[] = {
	[TOPO_ACCEL_AUTO] = "auto",
	[TOPO_ACCEL_KVM] = "kvm",
	[TOPO_ACCEL_TCG] = "tcg",
};

/* ---- Values ---- */

/*
 * The struct's char arrays are NUL-terminated when they come from the
 * parser; strnlen keeps a hand-filled one from being read past its end.
 */
static json_t *
topo_str_json(const char *s, size_t size)
{
	return json_stringn(s, strnlen(s, size));
}

#define TOPO_STR(field) topo_str_json((field), sizeof(field))

/* The document key of kind TOPO_KIND_<sym>. */
#define TOPO_KEY(sym) (topo_kind_get(TOPO_KIND_##sym)->plural)

static json_t *
topo_mac_json(const uint8_t mac[6])
{
	char buf[18];

	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0],
		 mac[1], mac[2], mac[3], mac[4], mac[5]);
	return json_string(buf);
}

static json_t *
topo_ipv4_json(uint32_t addr)
{
	char buf[16];

	return json_string(topo_ipv4_str(addr, buf));
}

static json_t *
topo_prefix_json(const struct topo_prefix *p)
{
	char buf[16], out[20];

	snprintf(out, sizeof(out), "%s/%u", topo_ipv4_str(p->addr, buf),
		 (unsigned int)p->plen);
	return json_string(out);
}

static json_t *
topo_ipv4_list_json(const uint32_t *addrs, unsigned int n, unsigned int max)
{
	json_t *a = json_array();
	unsigned int i;
	int rc = 0;

	for (i = 0; i < n && i < max; i++)
		rc |= json_array_append_new(a, topo_ipv4_json(addrs[i]));
	if (rc != 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* 22, or "1000-2000": the parser reads both, and a number reads better. */
static json_t *
topo_port_range_json(uint16_t lo, uint16_t hi)
{
	char buf[12];

	if (lo == hi)
		return json_integer(lo);
	snprintf(buf, sizeof(buf), "%u-%u", (unsigned int)lo,
		 (unsigned int)hi);
	return json_string(buf);
}

static json_t *
topo_ip_proto_json(uint8_t proto)
{
	switch (proto) {
	case 1:
		return json_string("icmp");
	case 6:
		return json_string("tcp");
	case 17:
		return json_string("udp");
	default:
		return json_integer(proto);
	}
}

/* "<n>G" when a whole number of GiB, else "<n>M". */
static json_t *
topo_memory_json(uint64_t bytes)
{
	uint64_t mib = bytes / TOPO_MIB;
	char buf[32];

	if (mib != 0 && mib % 1024 == 0)
		snprintf(buf, sizeof(buf), "%" PRIu64 "G", mib / 1024);
	else
		snprintf(buf, sizeof(buf), "%" PRIu64 "M", mib);
	return json_string(buf);
}

/*
 * Objects are built with `rc |= topo_set(...)`: jansson takes the value
 * even when it fails (and fails on a NULL value), so one check at the end
 * covers every allocation.
 */
static int
topo_set(json_t *o, const char *key, json_t *v)
{
	return json_object_set_new_nocheck(o, key, v);
}

static json_t *
topo_done(json_t *o, int rc)
{
	if (rc != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- Objects ---- */

json_t *
topo_network_to_json(const struct topo_network *n)
{
	json_t *o;
	int rc = 0;

	if (n == NULL)
		return NULL;
	o = json_object();
	rc |= topo_set(o, "name", TOPO_STR(n->name));
	if (n->vni != 0)
		rc |= topo_set(o, "vni", json_integer(n->vni));
	if (n->mac_limit != TOPO_MAC_LIMIT_DEFAULT)
		rc |= topo_set(o, "mac_limit", json_integer(n->mac_limit));
	if (n->ageing != TOPO_AGEING_DEFAULT)
		rc |= topo_set(o, "ageing", json_integer(n->ageing));
	if (n->arp_suppress)
		rc |= topo_set(o, "arp_suppress", json_true());
	return topo_done(o, rc);
}

static json_t *
topo_trunk_json(const struct topo_port *p)
{
	json_t *a = json_array(), *o;
	unsigned int i;
	int rc = 0;

	for (i = 0; i < p->n_trunk; i++) {
		o = json_object();
		rc |= topo_set(o, "network", TOPO_STR(p->trunk[i].network));
		rc |= topo_set(o, "vlan", json_integer(p->trunk[i].vlan));
		rc |= json_array_append_new(a, topo_done(o, rc));
	}
	return topo_done(a, rc);
}

json_t *
topo_port_to_json(const struct topo_port *p)
{
	json_t *o;
	int rc = 0;

	if (p == NULL)
		return NULL;
	o = json_object();
	rc |= topo_set(o, "name", TOPO_STR(p->name));
	rc |= topo_set(o, "kind", json_string(topo_port_kind_str(p->kind)));
	/* Neither for the overlay's underlay port. */
	if (p->n_trunk > 0 && p->trunk != NULL)
		rc |= topo_set(o, "trunk", topo_trunk_json(p));
	else if (p->network[0] != '\0')
		rc |= topo_set(o, "network", TOPO_STR(p->network));
	if (p->has_mac)
		rc |= topo_set(o, "mac", topo_mac_json(p->mac));
	if (p->n_ips > 0)
		rc |= topo_set(o, "ips", topo_ipv4_list_json(p->ips, p->n_ips,
							      TOPO_PORT_IPS_MAX));
	if (p->security != (p->kind == TOPO_PORT_VHOST))
		rc |= topo_set(o, "security", json_boolean(p->security));
	/*
	 * The parser requires the key, not a non-empty value: socket: "" is a
	 * valid vhost port, and dropping the key would make it invalid.
	 */
	if (p->kind == TOPO_PORT_VHOST) {
		rc |= topo_set(o, "socket", TOPO_STR(p->socket));
		if (p->vhost_server)
			rc |= topo_set(o, "mode", json_string("server"));
	}
	else if (p->devargs[0] != '\0' || p->kind != TOPO_PORT_PCAP)
		rc |= topo_set(o, "devargs", TOPO_STR(p->devargs));
	if (p->netns[0] != '\0')
		rc |= topo_set(o, "netns", TOPO_STR(p->netns));
	if (p->n_addresses > 0) {
		json_t *a = json_array();

		for (unsigned int i = 0; i < p->n_addresses; i++)
			rc |= json_array_append_new(a, topo_prefix_json(&p->addresses[i]));
		rc |= topo_set(o, "addresses", a);
	}
	return topo_done(o, rc);
}

json_t *
topo_route_to_json(const struct topo_route *ro)
{
	json_t *e = json_object();
	int rc = 0;

	rc |= topo_set(e, "prefix", topo_prefix_json(&ro->prefix));
	rc |= topo_set(e, "via", topo_ipv4_list_json(ro->via, ro->n_via,
						     TOPO_ECMP_MAX));
	return topo_done(e, rc);
}

json_t *
topo_router_to_json(const struct topo_router *r)
{
	const struct topo_router_iface *ifc;
	json_t *o, *ifaces, *routes, *e;
	unsigned int i;
	int rc = 0;

	if (r == NULL)
		return NULL;
	o = json_object();
	rc |= topo_set(o, "name", TOPO_STR(r->name));
	ifaces = json_array();
	for (i = 0; i < r->n_ifaces; i++) {
		ifc = &r->ifaces[i];
		e = json_object();
		rc |= topo_set(e, "network", TOPO_STR(ifc->network));
		rc |= topo_set(e, "address", topo_prefix_json(&ifc->address));
		if (ifc->has_mac)
			rc |= topo_set(e, "mac", topo_mac_json(ifc->mac));
		rc |= json_array_append_new(ifaces, topo_done(e, rc));
	}
	rc |= topo_set(o, "interfaces", topo_done(ifaces, rc));
	if (r->n_routes > 0) {
		routes = json_array();
		for (i = 0; i < r->n_routes; i++)
			rc |= json_array_append_new(routes,
						    topo_route_to_json(&r->routes[i]));
		rc |= topo_set(o, "routes", topo_done(routes, rc));
	}
	if (r->n_neighbors > 0) {
		json_t *nbs = json_array();

		for (i = 0; i < r->n_neighbors; i++) {
			e = json_object();
			rc |= topo_set(e, "address",
				       topo_ipv4_json(r->neighbors[i].address));
			rc |= topo_set(e, "mac", topo_mac_json(r->neighbors[i].mac));
			rc |= json_array_append_new(nbs, topo_done(e, rc));
		}
		rc |= topo_set(o, "neighbors", topo_done(nbs, rc));
	}
	return topo_done(o, rc);
}

json_t *
topo_overlay_to_json(const struct topo_overlay *ov)
{
	const struct topo_peer *peer;
	json_t *o, *peers, *e;
	unsigned int i;
	int rc = 0;

	if (ov == NULL || !ov->present)
		return NULL;
	o = json_object();
	rc |= topo_set(o, "port", TOPO_STR(ov->port));
	rc |= topo_set(o, "address", topo_prefix_json(&ov->address));
	if (ov->has_gateway)
		rc |= topo_set(o, "gateway", topo_ipv4_json(ov->gateway));
	if (ov->n_peers > 0) {
		peers = json_array();
		for (i = 0; i < ov->n_peers; i++) {
			peer = &ov->peers[i];
			e = json_object();
			rc |= topo_set(e, "vni", json_integer(peer->vni));
			rc |= topo_set(e, "vteps",
				       topo_ipv4_list_json(peer->vteps,
							   peer->n_vteps,
							   TOPO_VTEPS_MAX));
			if (peer->learn_any_vtep)
				rc |= topo_set(e, "learn_any_vtep", json_true());
			rc |= json_array_append_new(peers, topo_done(e, rc));
		}
		rc |= topo_set(o, "peers", topo_done(peers, rc));
	}
	return topo_done(o, rc);
}

static json_t *
topo_match_json(const struct topo_match *m)
{
	json_t *o = json_object();
	int rc = 0;

	if (m->fields & TOPO_M_IN_PORT)
		rc |= topo_set(o, "in_port", TOPO_STR(m->in_port));
	if (m->fields & TOPO_M_ETH_SRC)
		rc |= topo_set(o, "eth_src", topo_mac_json(m->eth_src));
	if (m->fields & TOPO_M_ETH_DST)
		rc |= topo_set(o, "eth_dst", topo_mac_json(m->eth_dst));
	if (m->fields & TOPO_M_ETH_TYPE)
		rc |= topo_set(o, "eth_type", json_integer(m->eth_type));
	if (m->fields & TOPO_M_VLAN)
		rc |= topo_set(o, "vlan", json_integer(m->vlan));
	if (m->fields & TOPO_M_IP_SRC)
		rc |= topo_set(o, "ip_src", topo_prefix_json(&m->ip_src));
	if (m->fields & TOPO_M_IP_DST)
		rc |= topo_set(o, "ip_dst", topo_prefix_json(&m->ip_dst));
	if (m->fields & TOPO_M_IP_PROTO)
		rc |= topo_set(o, "ip_proto", topo_ip_proto_json(m->ip_proto));
	if (m->fields & TOPO_M_TP_SRC)
		rc |= topo_set(o, "tp_src", topo_port_range_json(m->tp_src_lo,
								 m->tp_src_hi));
	if (m->fields & TOPO_M_TP_DST)
		rc |= topo_set(o, "tp_dst", topo_port_range_json(m->tp_dst_lo,
								 m->tp_dst_hi));
	return topo_done(o, rc);
}

static json_t *
topo_action_json(const struct topo_flow *f)
{
	json_t *o;

	switch (f->action) {
	case TOPO_ACT_ALLOW:
		return json_string("allow");
	case TOPO_ACT_DROP:
		return json_string("drop");
	case TOPO_ACT_OUTPUT:
	case TOPO_ACT_MIRROR:
		o = json_object();
		return topo_done(o, topo_set(o, f->action == TOPO_ACT_OUTPUT ?
						 "output" : "mirror",
					     TOPO_STR(f->action_port)));
	}
	return NULL;
}

json_t *
topo_flow_to_json(const struct topo_flow *f)
{
	json_t *o;
	int rc = 0;

	if (f == NULL)
		return NULL;
	o = json_object();
	rc |= topo_set(o, "name", TOPO_STR(f->name));
	rc |= topo_set(o, "priority", json_integer(f->priority));
	if (f->network[0] != '\0')
		rc |= topo_set(o, "network", TOPO_STR(f->network));
	/* No match field matches everything, as an absent match does. */
	if (f->match.fields != 0)
		rc |= topo_set(o, "match", topo_match_json(&f->match));
	rc |= topo_set(o, "action", topo_action_json(f));
	return topo_done(o, rc);
}

json_t *
topo_vm_to_json(const struct topo_vm *v)
{
	json_t *o, *nics;
	unsigned int i;
	int rc = 0;

	if (v == NULL)
		return NULL;
	o = json_object();
	rc |= topo_set(o, "name", TOPO_STR(v->name));
	if (v->cpus != 1)
		rc |= topo_set(o, "cpus", json_integer(v->cpus));
	if (v->memory != TOPO_VM_MEMORY_DEFAULT)
		rc |= topo_set(o, "memory", topo_memory_json(v->memory));
	nics = json_array();
	for (i = 0; i < v->n_nics && i < TOPO_VM_NICS_MAX; i++)
		rc |= json_array_append_new(nics, TOPO_STR(v->nics[i]));
	rc |= topo_set(o, "nics", topo_done(nics, rc));
	if (v->accel != TOPO_ACCEL_AUTO && (unsigned int)v->accel <= TOPO_ACCEL_TCG)
		rc |= topo_set(o, "accel", json_string(topo_accel_strs[v->accel]));
	/*
	 * A VM boots its kernel or its disk and the parser wants one of the
	 * two keys: with no disk, the kernel key stays even when "".
	 */
	if (v->kernel[0] != '\0' || v->disk[0] == '\0')
		rc |= topo_set(o, "kernel", TOPO_STR(v->kernel));
	if (v->initrd[0] != '\0')
		rc |= topo_set(o, "initrd", TOPO_STR(v->initrd));
	if (v->cmdline[0] != '\0')
		rc |= topo_set(o, "cmdline", TOPO_STR(v->cmdline));
	if (v->disk[0] != '\0')
		rc |= topo_set(o, "disk", TOPO_STR(v->disk));
	return topo_done(o, rc);
}

/* Add the list under `key`, or nothing when it is empty. */
static int
topo_section_set(json_t *doc, const char *key, json_t *list)
{
	if (list != NULL && json_array_size(list) == 0) {
		json_decref(list);
		return 0;
	}
	return topo_set(doc, key, list);
}

json_t *
topo_to_json(const struct topo *t)
{
	json_t *doc, *a;
	unsigned int i;
	int rc = 0;

	if (t == NULL)
		return NULL;
	doc = json_object();

	a = json_array();
	for (i = 0; i < t->n_networks; i++)
		rc |= json_array_append_new(a,
					    topo_network_to_json(&t->networks[i]));
	rc |= topo_section_set(doc, TOPO_KEY(NETWORK), topo_done(a, rc));

	a = json_array();
	for (i = 0; i < t->n_ports; i++)
		rc |= json_array_append_new(a, topo_port_to_json(&t->ports[i]));
	rc |= topo_section_set(doc, TOPO_KEY(PORT), topo_done(a, rc));

	a = json_array();
	for (i = 0; i < t->n_routers; i++)
		rc |= json_array_append_new(a,
					    topo_router_to_json(&t->routers[i]));
	rc |= topo_section_set(doc, TOPO_KEY(ROUTER), topo_done(a, rc));

	if (t->overlay.present)
		rc |= topo_set(doc, TOPO_KEY(OVERLAY),
			      topo_overlay_to_json(&t->overlay));

	a = json_array();
	for (i = 0; i < t->n_flows; i++)
		rc |= json_array_append_new(a, topo_flow_to_json(&t->flows[i]));
	rc |= topo_section_set(doc, TOPO_KEY(FLOW), topo_done(a, rc));

	a = json_array();
	for (i = 0; i < t->n_vms; i++)
		rc |= json_array_append_new(a, topo_vm_to_json(&t->vms[i]));
	rc |= topo_section_set(doc, TOPO_KEY(VM), topo_done(a, rc));

	return topo_done(doc, rc);
}

/*
 * Length of the UTF-8 sequence at `s` when it is a character that jansson
 * writes raw but libyaml's reader refuses (DEL, C1 controls, U+FFFE/FFFF)
 * or reads as something else (NEL and U+2028/9 are line breaks, folded to
 * a space inside a quoted scalar; U+FEFF is a byte order mark); else 0.
 * Its code point in *cp.
 */
static size_t
topo_json_yaml_unsafe(const unsigned char *s, unsigned int *cp)
{
	if (s[0] == 0x7f) {
		*cp = 0x7f;
		return 1;
	}
	if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f) {
		*cp = s[1];
		return 2;
	}
	if ((s[0] == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9)) ||
	    (s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) ||
	    (s[0] == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf))) {
		*cp = (unsigned int)(s[0] & 0x0f) << 12 |
		      (unsigned int)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	return 0;
}

/*
 * JSON text that libyaml reads back to the same strings: the characters
 * above, which can only be inside strings, become \uXXXX escapes. Returns
 * `text` itself when nothing needs escaping.
 */
static char *
topo_json_yaml_safe(char *text)
{
	const unsigned char *s;
	size_t n = 0, len, k;
	unsigned int cp;
	char *out, *o;

	for (s = (const unsigned char *)text; *s != '\0'; s++)
		if (topo_json_yaml_unsafe(s, &cp) != 0)
			n++;
	if (n == 0)
		return text;
	len = strlen(text);
	out = malloc(len + 6 * n + 1);
	if (out == NULL)
		return NULL;
	for (s = (const unsigned char *)text, o = out; *s != '\0';) {
		k = topo_json_yaml_unsafe(s, &cp);
		if (k == 0) {
			*o++ = (char)*s++;
			continue;
		}
		o += sprintf(o, "\\u%04x", cp);
		s += k;
	}
	*o = '\0';
	return out;
}

static struct topo *
json_parse(const json_t *doc, const char *name, bool part,
	   struct topo_error *err)
{
	struct topo_error local;
	struct topo *t;
	char *text, *safe;

	if (err == NULL)
		err = &local;
	if (name == NULL)
		name = "<json>";
	memset(err, 0, sizeof(*err));
	if (doc == NULL) {
		snprintf(err->msg, sizeof(err->msg),
			 "%s: no document (NULL JSON value)", name);
		return NULL;
	}
	/*
	 * libyaml reads JSON as YAML flow style: strings come back quoted and
	 * numbers plain, so the parser's rules (no quoted numbers) are the
	 * same for both.
	 */
	text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
	safe = text != NULL ? topo_json_yaml_safe(text) : NULL;
	if (safe == NULL) {
		free(text);
		snprintf(err->msg, sizeof(err->msg), "%s: out of memory", name);
		return NULL;
	}
	t = topo_parse_text(safe, strlen(safe), name, part, err);
	if (safe != text)
		free(safe);
	free(text);
	return t;
}

struct topo *
topo_parse_json(const json_t *doc, const char *name, struct topo_error *err)
{
	return json_parse(doc, name, false, err);
}

struct topo *
topo_parse_json_part(const json_t *doc, const char *name,
		     struct topo_error *err)
{
	return json_parse(doc, name, true, err);
}

char *
topo_json_canonical(const json_t *obj)
{
	if (obj == NULL)
		return NULL;
	return json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
}

/* ---- YAML ---- */

/* Longest flow collection, [a, b] or {k: v, ...}, before block style. */
#define TOPO_YAML_FLOW_MAX 100

/*
 * Plain scalars that some YAML reader takes for something other than a
 * string. libyaml's emitter knows YAML's syntax (": ", " #", leading
 * indicators, spaces at either end) but not its types, so these are quoted
 * here. The set is YAML 1.1 (PyYAML, Ruby, Go yaml.v2: yes/no/on/off,
 * 0777, 1_000, base 60 like 52:54:00:00:01:01, timestamps) joined with
 * YAML 1.2's core schema (0o17, 1e5); a string quoted needlessly costs two
 * characters, one read as a number costs a broken topology.
 */
static const char *const topo_yaml_traps[] = {
	/* null */
	"^(~|null|Null|NULL)$",
	/* bool */
	"^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|"
	"on|On|ON|off|Off|OFF)$",
	/* int: binary, 1.2 octal, hex, decimal (1.1 octal "0777" too), base 60 */
	"^[-+]?(0b[01_]+|0o[0-7]+|0x[0-9a-fA-F_]+|[0-9][0-9_,]*|"
	"[1-9][0-9_]*(:[0-5]?[0-9])+)$",
	/* float: 1.1 decimal and base 60, infinities and NaN */
	"^[-+]?([0-9][0-9_,]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?$",
	"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*$",
	"^[-+]?\\.(inf|Inf|INF|nan|NaN|NAN)$",
	/* float: 1.2 core, e.g. 1e5 */
	"^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$",
	/* timestamp */
	"^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt \t].*)?$",
	/* merge key and value key */
	"^(<<|=)$",
};

#define TOPO_YAML_TRAPS (sizeof(topo_yaml_traps) / sizeof(topo_yaml_traps[0]))

struct topo_yaml {
	yaml_emitter_t em;
	regex_t traps[TOPO_YAML_TRAPS];
	unsigned int n_traps;
	char *buf;
	size_t len, cap;
};

static int
topo_yaml_write(void *data, unsigned char *bytes, size_t size)
{
	struct topo_yaml *y = data;
	size_t cap;
	char *nb;

	/* One more byte than the text, for the final NUL. */
	if (y->cap - y->len <= size) {
		cap = y->cap ? y->cap : 1024;
		while (cap - y->len <= size)
			cap *= 2;
		nb = realloc(y->buf, cap);
		if (nb == NULL)
			return 0;
		y->buf = nb;
		y->cap = cap;
	}
	memcpy(y->buf + y->len, bytes, size);
	y->len += size;
	return 1;
}

/* Would a reader take the plain scalar `s` for something else? */
static bool
topo_yaml_is_trap(const struct topo_yaml *y, const char *s, size_t len)
{
	unsigned int i;

	if (len == 0)
		return true;
	/* A string with a NUL is never plain; libyaml escapes it. */
	if (strlen(s) != len)
		return false;
	for (i = 0; i < y->n_traps; i++)
		if (regexec(&y->traps[i], s, 0, NULL, 0) == 0)
			return true;
	return false;
}

static int
topo_yaml_emit_scalar(struct topo_yaml *y, const char *s, size_t len,
		      bool plain)
{
	yaml_event_t ev;

	/*
	 * A string that must not be plain says so with plain_implicit 0: the
	 * emitter then quotes it. Otherwise the emitter still quotes when the
	 * text needs it.
	 */
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
					  (yaml_char_t *)(uintptr_t)s,
					  (int)len, plain, 1,
					  YAML_ANY_SCALAR_STYLE))
		return -ENOMEM;
	return yaml_emitter_emit(&y->em, &ev) ? 0 : -ENOMEM;
}

static int
topo_yaml_string(struct topo_yaml *y, const char *s, size_t len)
{
	if (len > INT32_MAX)
		return -EINVAL;
	return topo_yaml_emit_scalar(y, s, len, !topo_yaml_is_trap(y, s, len));
}

/*
 * A real as YAML 1.1 wants it: with a '.', so that 1e+300 is not a string
 * there. The shortest of %.15g and %.17g that reads back the same value.
 */
static int
topo_yaml_real(struct topo_yaml *y, double d)
{
	char buf[40], *e;
	size_t n;

	snprintf(buf, sizeof(buf), "%.15g", d);
	if (strtod(buf, NULL) != d)
		snprintf(buf, sizeof(buf), "%.17g", d);
	if (strchr(buf, '.') == NULL) {
		e = strpbrk(buf, "eE");
		n = strlen(buf);
		if (e == NULL) {
			memcpy(buf + n, ".0", 3);
		} else {
			memmove(e + 2, e, (size_t)(buf + n - e) + 1);
			memcpy(e, ".0", 2);
		}
	}
	return topo_yaml_emit_scalar(y, buf, strlen(buf), true);
}

/* Characters a scalar takes in flow style, quotes included. */
static size_t
topo_yaml_scalar_width(const json_t *v)
{
	char buf[32];

	switch (json_typeof(v)) {
	case JSON_STRING:
		return json_string_length(v) + 2;
	case JSON_INTEGER:
		return (size_t)snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
					json_integer_value(v));
	case JSON_REAL:
		return 24;
	case JSON_TRUE:
	case JSON_NULL:
		return 4;
	case JSON_FALSE:
		return 5;
	default:
		return SIZE_MAX / 4;
	}
}

/*
 * Flow style for a short list of scalars ([10.0.1.11, 10.0.1.12]) and a
 * short flat object ({network: blue, vlan: 100}) below the items of the
 * top-level lists, which stay one block per object.
 */
static bool
topo_yaml_flow(const json_t *v, unsigned int depth)
{
	const json_t *e;
	const char *key;
	size_t width = 2, i;

	if (json_is_object(v)) {
		if (depth < 3 || json_object_size(v) == 0)
			return false;
		json_object_foreach((json_t *)v, key, e) {
			if (json_is_object(e) || json_is_array(e))
				return false;
			width += strlen(key) + 2 + topo_yaml_scalar_width(e) + 2;
			if (width > TOPO_YAML_FLOW_MAX + 2)
				return false;
		}
		return true;
	}
	if (depth < 2 || json_array_size(v) == 0)
		return false;
	json_array_foreach(v, i, e) {
		if (json_is_object(e) || json_is_array(e))
			return false;
		width += topo_yaml_scalar_width(e) + 2;
		if (width > TOPO_YAML_FLOW_MAX + 2)
			return false;
	}
	return true;
}

static int
topo_yaml_node(struct topo_yaml *y, const json_t *v, unsigned int depth)
{
	char buf[32];
	const json_t *e;
	const char *key;
	yaml_event_t ev;
	bool flow;
	size_t i;
	int rc;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		flow = topo_yaml_flow(v, depth);
		if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
				flow ? YAML_FLOW_MAPPING_STYLE :
				       YAML_BLOCK_MAPPING_STYLE) ||
		    !yaml_emitter_emit(&y->em, &ev))
			return -ENOMEM;
		json_object_foreach((json_t *)v, key, e) {
			rc = topo_yaml_string(y, key, strlen(key));
			if (rc == 0)
				rc = topo_yaml_node(y, e, depth + 1);
			if (rc < 0)
				return rc;
		}
		if (!yaml_mapping_end_event_initialize(&ev) ||
		    !yaml_emitter_emit(&y->em, &ev))
			return -ENOMEM;
		return 0;
	case JSON_ARRAY:
		flow = topo_yaml_flow(v, depth);
		if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
				flow ? YAML_FLOW_SEQUENCE_STYLE :
				       YAML_BLOCK_SEQUENCE_STYLE) ||
		    !yaml_emitter_emit(&y->em, &ev))
			return -ENOMEM;
		json_array_foreach(v, i, e) {
			rc = topo_yaml_node(y, e, depth + 1);
			if (rc < 0)
				return rc;
		}
		if (!yaml_sequence_end_event_initialize(&ev) ||
		    !yaml_emitter_emit(&y->em, &ev))
			return -ENOMEM;
		return 0;
	case JSON_STRING:
		return topo_yaml_string(y, json_string_value(v),
					json_string_length(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return topo_yaml_emit_scalar(y, buf, strlen(buf), true);
	case JSON_REAL:
		return topo_yaml_real(y, json_real_value(v));
	case JSON_TRUE:
		return topo_yaml_emit_scalar(y, "true", 4, true);
	case JSON_FALSE:
		return topo_yaml_emit_scalar(y, "false", 5, true);
	case JSON_NULL:
		return topo_yaml_emit_scalar(y, "null", 4, true);
	}
	return -EINVAL;
}

static int
topo_yaml_document(struct topo_yaml *y, const json_t *doc)
{
	yaml_event_t ev;
	int rc;

	if (!yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) ||
	    !yaml_emitter_emit(&y->em, &ev))
		return -ENOMEM;
	if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) ||
	    !yaml_emitter_emit(&y->em, &ev))
		return -ENOMEM;
	rc = topo_yaml_node(y, doc, 0);
	if (rc < 0)
		return rc;
	if (!yaml_document_end_event_initialize(&ev, 1) ||
	    !yaml_emitter_emit(&y->em, &ev))
		return -ENOMEM;
	if (!yaml_stream_end_event_initialize(&ev) ||
	    !yaml_emitter_emit(&y->em, &ev))
		return -ENOMEM;
	return 0;
}

char *
topo_json_to_yaml(const json_t *doc)
{
	struct topo_yaml y;
	char *text = NULL;
	unsigned int i;

	if (doc == NULL)
		return NULL;
	memset(&y, 0, sizeof(y));
	for (i = 0; i < TOPO_YAML_TRAPS; i++) {
		if (regcomp(&y.traps[i], topo_yaml_traps[i],
			    REG_EXTENDED | REG_NOSUB) != 0)
			goto out;
		y.n_traps++;
	}
	if (!yaml_emitter_initialize(&y.em))
		goto out;
	yaml_emitter_set_output(&y.em, topo_yaml_write, &y);
	yaml_emitter_set_unicode(&y.em, 1);
	/* No folding: a long cmdline stays on its line. */
	yaml_emitter_set_width(&y.em, -1);
	if (topo_yaml_document(&y, doc) == 0 &&
	    topo_yaml_write(&y, (unsigned char *)"", 0) == 1) {
		y.buf[y.len] = '\0';
		text = y.buf;
		y.buf = NULL;
	}
	yaml_emitter_delete(&y.em);
out:
	for (i = 0; i < y.n_traps; i++)
		regfree(&y.traps[i]);
	free(y.buf);
	return text;
}
