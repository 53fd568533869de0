/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow table on a real in-memory EAL (no root, no hugepages): rules
 * translated into rte_acl and classified on keys made from frame bytes,
 * checked by hand on the edges of every key, then 100,000 random frames
 * against 1,000 random rules compared with a linear reference matcher.
 * Ports here are bare entries of dp_ports[]: the table needs names only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "flow_priv.h"
#include "rpc.h"
#include "switch.h"
#include "unit.h"

#define N_PORTS 4

/* The switch comes after the port module, which lives in the programs. */
static struct dp_module port_stub = { .name = "port" };
DP_MODULE_REGISTER(port_stub);

static int blue, red;

/* A frame as the reference matcher sees it; addresses in host order. */
struct pkt {
	uint16_t in_port, bd;
	uint8_t dst[6], src[6];
	uint16_t type;
	uint8_t proto;
	uint32_t sip, dip;
	uint16_t sport, dport;
	uint16_t frag;		/**< Fragment offset (8-byte units). */
};

static void
frame_make(const struct pkt *p, uint8_t f[64])
{
	memset(f, 0, 64);
	memcpy(f, p->dst, 6);
	memcpy(f + 6, p->src, 6);
	f[12] = p->type >> 8;
	f[13] = p->type & 0xff;
	if (p->type != 0x0800)
		return;
	f[14] = 0x45;
	f[17] = 46;		/* total length: 46 bytes to the 60th */
	f[20] = p->frag >> 8;
	f[21] = p->frag & 0xff;
	f[22] = 64;
	f[23] = p->proto;
	for (int i = 0; i < 4; i++) {
		f[26 + i] = (uint8_t)(p->sip >> (24 - 8 * i));
		f[30 + i] = (uint8_t)(p->dip >> (24 - 8 * i));
	}
	f[34] = p->sport >> 8;
	f[35] = p->sport & 0xff;
	f[36] = p->dport >> 8;
	f[37] = p->dport & 0xff;
}

/* The rule `slot + 1` the table's ACL picks for `p`, as a rule name. */
static const char *
classify(const struct pkt *p)
{
	const struct flow_table *t = flow_table_cur;
	struct flow_key k;
	const uint8_t *data[1] = { (const uint8_t *)&k };
	uint32_t res = 0;
	uint8_t f[64];

	frame_make(p, f);
	flow_key_make(&k, f, 60, p->in_port, p->bd);
	assert_non_null(t);
	if (t->n_acl == 0)
		return NULL;
	flow_table_classify(t, data, &res, 1);
	return res == 0 ? NULL : t->rule[res - 1]->conf.name;
}

static bool
prefix_has(const struct topo_prefix *pf, uint32_t ip)
{
	uint32_t mask = pf->plen == 0 ? 0 : UINT32_MAX << (32 - pf->plen);

	return ((ip ^ rte_be_to_cpu_32(pf->addr)) & mask) == 0;
}

/* The semantics of DESIGN.md, written out plainly. */
static bool
ref_match(const struct topo_flow *fl, const struct pkt *p)
{
	const struct topo_match *m = &fl->match;
	bool ip4 = p->type == 0x0800;
	bool ports = ip4 && p->frag == 0 && (p->proto == 6 || p->proto == 17);

	if (fl->network[0] != '\0' &&
	    p->bd != (strcmp(fl->network, "blue") == 0 ? blue : red))
		return false;
	if ((m->fields & TOPO_M_IN_PORT) &&
	    p->in_port != atoi(m->in_port + 1))
		return false;
	if ((m->fields & TOPO_M_ETH_SRC) && memcmp(m->eth_src, p->src, 6) != 0)
		return false;
	if ((m->fields & TOPO_M_ETH_DST) && memcmp(m->eth_dst, p->dst, 6) != 0)
		return false;
	if ((m->fields & TOPO_M_ETH_TYPE) && m->eth_type != p->type)
		return false;
	if ((m->fields & (TOPO_M_IP_SRC | TOPO_M_IP_DST | TOPO_M_IP_PROTO)) && !ip4)
		return false;
	if ((m->fields & TOPO_M_IP_SRC) && !prefix_has(&m->ip_src, p->sip))
		return false;
	if ((m->fields & TOPO_M_IP_DST) && !prefix_has(&m->ip_dst, p->dip))
		return false;
	if ((m->fields & TOPO_M_IP_PROTO) && m->ip_proto != p->proto)
		return false;
	if ((m->fields & (TOPO_M_TP_SRC | TOPO_M_TP_DST)) && !ports)
		return false;
	if ((m->fields & TOPO_M_TP_SRC) &&
	    (p->sport < m->tp_src_lo || p->sport > m->tp_src_hi))
		return false;
	if ((m->fields & TOPO_M_TP_DST) &&
	    (p->dport < m->tp_dst_lo || p->dport > m->tp_dst_hi))
		return false;
	return true;
}

static const char *
ref_classify(const struct topo_flow *fs, unsigned int n, const struct pkt *p)
{
	int best = -1;

	for (unsigned int i = 0; i < n; i++)
		if (ref_match(&fs[i], p) &&
		    (best < 0 || fs[i].priority > fs[best].priority))
			best = (int)i;
	return best < 0 ? NULL : fs[best].name;
}

static void
rules_set(const struct topo_flow *fs, unsigned int n)
{
	char why[256] = "";
	int ret = flow_rules_update(fs, n, true, why, sizeof(why));

	if (ret != 0)
		fail_msg("flow_rules_update: %d %s", ret, why);
	/* Exactly these rules, in this order. */
	struct topo t = { .flows = (struct topo_flow *)fs, .n_flows = n };

	flow_module.prune(&t);
	assert_int_equal(flow_rule_count(), n);
}

static struct topo_flow
rule(const char *name, uint32_t prio, const char *network)
{
	struct topo_flow f = { .priority = prio };

	snprintf(f.name, sizeof(f.name), "%s", name);
	snprintf(f.network, sizeof(f.network), "%s", network);
	return f;
}

static struct pkt
tcp(uint32_t sip, uint32_t dip, uint16_t sport, uint16_t dport)
{
	struct pkt p = {
		.in_port = 0, .bd = (uint16_t)blue, .type = 0x0800, .proto = 6,
		.sip = sip, .dip = dip, .sport = sport, .dport = dport,
		.src = { 0x52, 0x54, 0, 0, 0, 1 }, .dst = { 0x52, 0x54, 0, 0, 0, 2 },
	};
	return p;
}

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (b) << 16 | (c) << 8 | (d))

static void
test_keys_and_order(void **state)
{
	struct topo_flow fs[8];
	struct pkt p;
	(void)state;

	/* no-ssh: tcp to 10.0.1.0/24 port 22, in blue. */
	fs[0] = rule("no-ssh", 100, "blue");
	fs[0].match.fields = TOPO_M_IP_PROTO | TOPO_M_IP_DST | TOPO_M_TP_DST;
	fs[0].match.ip_proto = 6;
	fs[0].match.ip_dst = (struct topo_prefix){ rte_cpu_to_be_32(IP(10, 0, 1, 0)), 24 };
	fs[0].match.tp_dst_lo = fs[0].match.tp_dst_hi = 22;
	/* Same priority, later: loses to no-ssh where both match. */
	fs[1] = rule("web-range", 100, "");
	fs[1].match.fields = TOPO_M_IP_PROTO | TOPO_M_TP_DST;
	fs[1].match.ip_proto = 6;
	fs[1].match.tp_dst_lo = 22;
	fs[1].match.tp_dst_hi = 2000;
	/* Lower priority, any IPv4 frame. */
	fs[2] = rule("any-ip", 10, "");
	fs[2].match.fields = TOPO_M_IP_DST;
	fs[2].match.ip_dst = (struct topo_prefix){ 0, 0 };
	/* Higher priority, listed last: wins where it matches. */
	fs[3] = rule("from-p3", 200, "");
	fs[3].match.fields = TOPO_M_IN_PORT;
	snprintf(fs[3].match.in_port, sizeof(fs[3].match.in_port), "p3");
	fs[4] = rule("arp", 5, "red");
	fs[4].match.fields = TOPO_M_ETH_TYPE;
	fs[4].match.eth_type = 0x0806;
	fs[5] = rule("mac", 1, "");
	fs[5].match.fields = TOPO_M_ETH_SRC | TOPO_M_ETH_DST;
	memcpy(fs[5].match.eth_src, (uint8_t[]){ 0x02, 0, 0, 0, 0xaa, 0xbb }, 6);
	memcpy(fs[5].match.eth_dst, (uint8_t[]){ 0x02, 0, 0, 0, 0xcc, 0xdd }, 6);
	rules_set(fs, 6);

	p = tcp(IP(10, 0, 0, 5), IP(10, 0, 1, 9), 40000, 22);
	assert_string_equal(classify(&p), "no-ssh");
	p.dip = IP(10, 0, 1, 255);
	assert_string_equal(classify(&p), "no-ssh");
	p.dip = IP(10, 0, 2, 0);		/* outside the /24 */
	assert_string_equal(classify(&p), "web-range");
	p.dport = 2000;
	assert_string_equal(classify(&p), "web-range");
	p.dport = 2001;
	assert_string_equal(classify(&p), "any-ip");
	p.dport = 21;
	assert_string_equal(classify(&p), "any-ip");
	p.dport = 22;
	p.proto = 17;				/* udp/22: not no-ssh */
	p.dip = IP(10, 0, 1, 9);
	assert_string_equal(classify(&p), "any-ip");
	p.proto = 6;
	p.bd = (uint16_t)red;			/* no-ssh is blue's only */
	assert_string_equal(classify(&p), "web-range");
	p.in_port = 3;
	assert_string_equal(classify(&p), "from-p3");

	/* A non-first fragment has no ports; a first one does. */
	p = tcp(IP(10, 0, 0, 5), IP(10, 0, 1, 9), 40000, 22);
	p.frag = 0x2000;			/* MF, offset 0 */
	assert_string_equal(classify(&p), "no-ssh");
	p.frag = 185;				/* offset 1480 */
	assert_string_equal(classify(&p), "any-ip");

	/* Non-IPv4 frames: IP keys never match, their bytes notwithstanding. */
	p = tcp(IP(10, 0, 0, 5), IP(10, 0, 1, 9), 40000, 22);
	p.type = 0x86dd;
	assert_null(classify(&p));
	p.type = 0x0806;
	assert_null(classify(&p));		/* arp is red's */
	p.bd = (uint16_t)red;
	assert_string_equal(classify(&p), "arp");

	/* MACs, whole and exact. */
	p = tcp(0, 0, 1, 1);
	p.type = 0x0806;
	memcpy(p.src, (uint8_t[]){ 0x02, 0, 0, 0, 0xaa, 0xbb }, 6);
	memcpy(p.dst, (uint8_t[]){ 0x02, 0, 0, 0, 0xcc, 0xdd }, 6);
	assert_string_equal(classify(&p), "mac");
	p.dst[5] ^= 1;
	assert_null(classify(&p));
	p.dst[5] ^= 1;
	p.src[0] ^= 0x80;
	assert_null(classify(&p));
}

static void
trunk(uint16_t port, uint16_t vlan)
{
	struct sw_trunk_vlan tv = { .network = "red", .vlan = vlan };
	struct sw_port_conf c = { .trunk = &tv, .n_trunk = 1 };
	char why[128];

	assert_int_equal(sw_port_set(port, &c, why, sizeof(why)), 0);
}

/* A VID is matched through the trunks that carry it, and follows them. */
static void
test_vlan(void **state)
{
	struct topo_flow f = rule("vid-200", 1, "");
	struct pkt p = tcp(IP(10, 0, 0, 1), IP(10, 0, 0, 2), 1, 2);
	(void)state;

	trunk(3, 200);
	f.match.fields = TOPO_M_VLAN;
	f.match.vlan = 200;
	rules_set(&f, 1);
	p.in_port = 3;
	p.bd = (uint16_t)red;
	assert_string_equal(classify(&p), "vid-200");
	p.in_port = 2;				/* red, but not from the trunk */
	assert_null(classify(&p));
	p.in_port = 3;
	p.bd = (uint16_t)blue;			/* the trunk carries no blue */
	assert_null(classify(&p));
	p.bd = (uint16_t)red;

	/* The trunk now carries red on VID 300: the rule no longer matches. */
	trunk(3, 300);
	assert_int_equal(flow_vlan_refresh(), 0);
	assert_null(classify(&p));
	trunk(3, 200);
	assert_int_equal(flow_vlan_refresh(), 0);
	assert_string_equal(classify(&p), "vid-200");
	sw_port_clear(3);
}

static void
test_counters_and_limit(void **state)
{
	struct topo_flow fs[3], extra;
	struct flow_rule_info info;
	char why[256] = "";
	(void)state;

	fs[0] = rule("a", 1, "");
	fs[1] = rule("b", 2, "blue");
	fs[2] = rule("c", 3, "");
	rules_set(fs, 3);
	assert_int_equal(flow_rule_get(1, &info), 0);
	assert_string_equal(info.conf.name, "b");

	/* A rule naming what does not exist is refused, the table kept. */
	extra = rule("d", 1, "green");
	assert_int_equal(flow_rule_set(&extra, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "green"));
	assert_int_equal(flow_rule_count(), 3);

	/* Over the limit: refused with the limit named, nothing changed. */
	flow_rules_max = 3;
	extra = rule("d", 1, "");
	assert_int_equal(flow_rule_set(&extra, why, sizeof(why)), -ENOSPC);
	assert_non_null(strstr(why, "flow-max-rules"));
	assert_int_equal(flow_rule_count(), 3);
	/* Replacing one is no growth. */
	fs[0].priority = 7;
	assert_int_equal(flow_rule_set(&fs[0], why, sizeof(why)), 0);
	assert_int_equal(flow_rule_get(0, &info), 0);
	assert_int_equal(info.conf.priority, 7);
	flow_rules_max = FLOW_RULES_MAX_DEFAULT;

	assert_int_equal(flow_rule_del("b"), 0);
	assert_int_equal(flow_rule_del("b"), -ENOENT);
	assert_int_equal(flow_rule_count(), 2);
	assert_int_equal(flow_rule_get(1, &info), 0);
	assert_string_equal(info.conf.name, "c");
}

/* yard-dp's methods for the flow kind, from its row of the list of kinds. */
static const char *
flow_set_m(void)
{
	return topo_kind_get(TOPO_KIND_FLOW)->dp_set;
}

static const char *
flow_del_m(void)
{
	return topo_kind_get(TOPO_KIND_FLOW)->dp_del;
}

/* Call `method` with params `json`; the error message, or NULL on success. */
static const char *
call(struct rpc_server *srv, const char *method, const char *json,
     json_t **result)
{
	static struct rpc_error err;
	json_t *params = json_loads(json, 0, NULL), *res = NULL;
	int ret;

	assert_non_null(params);
	memset(&err, 0, sizeof(err));
	ret = rpc_server_call(srv, method, params, &res, &err);
	json_decref(params);
	if (result != NULL)
		*result = res;
	else
		json_decref(res);
	return ret == 0 ? NULL : err.message;
}

/* Packets counted for rule `name` by flow.list. */
static json_int_t
listed_packets(struct rpc_server *srv, const char *name)
{
	json_int_t packets = -1;
	json_t *list, *o;
	size_t i;

	assert_null(call(srv, FLOW_METHOD_LIST, "{}", &list));
	json_array_foreach(list, i, o)
		if (strcmp(json_string_value(json_object_get(o, "name")), name) == 0)
			packets = json_integer_value(json_object_get(o, "packets"));
	json_decref(list);
	return packets;
}

/* What workers do when rule `name` matches: count in their own row. */
static void
count_hits(const char *name, unsigned int worker, uint64_t n)
{
	struct flow_table *t = flow_table_cur;

	for (unsigned int s = 0; s < t->n; s++)
		if (strcmp(t->rule[s]->conf.name, name) == 0)
			t->cnt[worker * t->n + s].packets += n;
}

static void
test_api_and_counters(void **state)
{
	char path[64];
	struct rpc_server *srv;
	int err;
	(void)state;

	snprintf(path, sizeof(path), "/tmp/yard-test-flow-%d.sock", (int)getpid());
	srv = rpc_server_create(path, &err);
	assert_non_null(srv);
	assert_int_equal(flow_module.api_register(srv), 0);

	assert_null(call(srv, flow_set_m(), "{\"name\": \"no-ssh\", "
			 "\"priority\": 100, \"network\": \"blue\", \"match\": "
			 "{\"ip_proto\": \"tcp\", \"tp_dst\": 22}, \"action\": "
			 "\"drop\"}", NULL));
	assert_null(call(srv, flow_set_m(), "{\"name\": \"copy\", "
			 "\"priority\": 1, \"match\": {\"in_port\": \"p1\"}, "
			 "\"action\": {\"mirror\": \"p2\"}}", NULL));
	assert_int_equal(listed_packets(srv, "no-ssh"), 0);

	/* Summed over workers, and kept when another rule changes. */
	count_hits("no-ssh", 0, 3);
	count_hits("no-ssh", 1, 4);
	assert_int_equal(listed_packets(srv, "no-ssh"), 7);
	assert_null(call(srv, flow_set_m(), "{\"name\": \"other\", "
			 "\"priority\": 5, \"action\": \"allow\"}", NULL));
	assert_int_equal(listed_packets(srv, "no-ssh"), 7);
	/* Set again unchanged: still counting. */
	assert_null(call(srv, flow_set_m(), "{\"name\": \"no-ssh\", "
			 "\"priority\": 100, \"network\": \"blue\", \"match\": "
			 "{\"ip_proto\": \"tcp\", \"tp_dst\": 22}, \"action\": "
			 "\"drop\"}", NULL));
	assert_int_equal(listed_packets(srv, "no-ssh"), 7);
	/* Changed: a new rule, new counters, same place. */
	assert_null(call(srv, flow_set_m(), "{\"name\": \"no-ssh\", "
			 "\"priority\": 100, \"match\": {\"ip_proto\": \"tcp\", "
			 "\"tp_dst\": \"22-23\"}, \"action\": \"drop\"}", NULL));
	assert_int_equal(listed_packets(srv, "no-ssh"), 0);
	assert_int_equal(flow_rule_count(), 3);

	/* Errors name what is wrong; the table stays. */
	assert_contains(call(srv, flow_set_m(), "{\"name\": \"x\", "
			     "\"priority\": 1, \"network\": \"green\", "
			     "\"action\": \"drop\"}", NULL), "green");
	assert_contains(call(srv, flow_set_m(), "{\"name\": \"x\", "
			     "\"priority\": 1, \"action\": {\"output\": \"p9\"}}",
			     NULL), "p9");
	assert_contains(call(srv, flow_set_m(), "{\"name\": \"x\", "
			     "\"priority\": 1, \"colour\": 1, \"action\": \"drop\"}",
			     NULL), "colour");
	assert_contains(call(srv, flow_set_m(), "{\"name\": \"x\", "
			     "\"priority\": 1, \"match\": {\"in_port\": \"p7\"}, "
			     "\"action\": \"drop\"}", NULL), "p7");
	assert_int_equal(flow_rule_count(), 3);

	/* Many rules in one call: all or none. */
	assert_contains(call(srv, flow_set_m(), "{\"flows\": ["
			     "{\"name\": \"m1\", \"priority\": 1, \"action\": \"drop\"},"
			     "{\"name\": \"m2\", \"priority\": 1, \"network\": \"nope\","
			     " \"action\": \"drop\"}]}", NULL), "nope");
	assert_int_equal(flow_rule_count(), 3);
	assert_null(call(srv, flow_set_m(), "{\"flows\": ["
			 "{\"name\": \"m1\", \"priority\": 1, \"action\": \"drop\"},"
			 "{\"name\": \"m2\", \"priority\": 1, \"network\": \"red\","
			 " \"match\": {\"in_port\": \"p1\"}, \"action\": "
			 "{\"output\": \"p2\"}}]}", NULL));
	assert_int_equal(flow_rule_count(), 5);
	assert_null(call(srv, flow_del_m(), "{\"name\": \"m1\"}", NULL));
	assert_null(call(srv, flow_del_m(), "{\"name\": \"m2\"}", NULL));

	assert_null(call(srv, flow_del_m(), "{\"name\": \"copy\"}", NULL));
	assert_contains(call(srv, flow_del_m(), "{\"name\": \"copy\"}", NULL),
			"copy");
	assert_int_equal(listed_packets(srv, "copy"), -1);
	assert_int_equal(flow_rule_count(), 2);
	rpc_server_free(srv);
}

/* Set rule `name` (priority 1, drop) through flow.set; NULL or the error. */
static const char *
set_named(struct rpc_server *srv, const char *name)
{
	char json[128];

	snprintf(json, sizeof(json), "{\"name\": \"%s\", \"priority\": 1, "
		 "\"action\": \"drop\"}", name);
	return call(srv, flow_set_m(), json, NULL);
}

static const char *
del_named(struct rpc_server *srv, const char *name)
{
	char json[128];

	snprintf(json, sizeof(json), "{\"name\": \"%s\"}", name);
	return call(srv, flow_del_m(), json, NULL);
}

/*
 * In a batch, a run of flow.set (or flow.del) calls is set aside and
 * carried out by the module's flush with one rebuild; past the limit or
 * at an unknown name, the calls before are done, the others not.
 */
static void
test_batch(void **state)
{
	const struct flow_table *t0;
	struct rpc_server *srv;
	unsigned int failed;
	char path[64], why[256] = "";
	int err;
	(void)state;

	snprintf(path, sizeof(path), "/tmp/yard-test-flowb-%d.sock", (int)getpid());
	srv = rpc_server_create(path, &err);
	assert_non_null(srv);
	assert_int_equal(flow_module.api_register(srv), 0);
	assert_null(set_named(srv, "keep"));
	t0 = flow_table_cur;

	dp_batch_set(true);
	assert_null(set_named(srv, "b1"));
	assert_null(set_named(srv, "b2"));
	assert_null(set_named(srv, "b1"));
	/* Checked at once: a network that does not exist. */
	assert_contains(call(srv, flow_set_m(), "{\"name\": \"x\", "
			     "\"priority\": 1, \"network\": \"green\", "
			     "\"action\": \"drop\"}", NULL), "green");
	/* Nothing built yet. */
	assert_ptr_equal(flow_table_cur, t0);
	assert_int_equal(flow_rule_count(), 1);
	assert_int_equal(flow_module.flush(&failed, why, sizeof(why)), 0);
	assert_ptr_not_equal(flow_table_cur, t0);
	assert_int_equal(flow_rule_count(), 3);

	/* Past the limit at the second call: the first is done. */
	flow_rules_max = 4;
	t0 = flow_table_cur;
	assert_null(set_named(srv, "b3"));
	assert_null(set_named(srv, "b4"));
	assert_null(set_named(srv, "b5"));
	assert_ptr_equal(flow_table_cur, t0);
	assert_int_equal(flow_module.flush(&failed, why, sizeof(why)), -ENOSPC);
	assert_int_equal(failed, 1);
	assert_non_null(strstr(why, "flow-max-rules"));
	assert_int_equal(flow_rule_count(), 4);
	flow_rules_max = FLOW_RULES_MAX_DEFAULT;

	/* Deletes: an unknown name (or one twice) stops the run there. */
	assert_null(del_named(srv, "b1"));
	assert_null(del_named(srv, "b3"));
	assert_null(del_named(srv, "b1"));
	assert_null(del_named(srv, "b2"));
	assert_int_equal(flow_rule_count(), 4);
	assert_int_equal(flow_module.flush(&failed, why, sizeof(why)), -ENOENT);
	assert_int_equal(failed, 2);
	assert_contains(why, "b1");
	assert_int_equal(flow_rule_count(), 2);
	/* Flushing nothing changes nothing. */
	t0 = flow_table_cur;
	assert_int_equal(flow_module.flush(&failed, why, sizeof(why)), 0);
	assert_ptr_equal(flow_table_cur, t0);
	dp_batch_set(false);
	assert_null(del_named(srv, "b2"));
	assert_int_equal(flow_rule_count(), 1);
	rpc_server_free(srv);
}

/*
 * The acl-1k benchmark's rules (bench/harness.py) and its 64 flows, which
 * hit the last 64 rules: the verdict cache gives every key the verdict
 * rte_acl gives it, follows a new table at once, and costs fewer cycles
 * per key than rte_acl (printed: minimum over 2,000 vectors of 64 keys).
 */
static void
test_cache(void **state)
{
	enum { N_RULES = 1000, N_KEYS = 64, ROUNDS = 2000 };
	static struct topo_flow fs[N_RULES + 1];
	static struct flow_key keys[N_KEYS];
	const uint8_t *data[N_KEYS];
	uint32_t want[N_KEYS], got[N_KEYS];
	uint64_t best_acl = UINT64_MAX, best_cache = UINT64_MAX;
	struct flow_cache_entry *cache;
	const struct flow_table *t;
	(void)state;

	cache = rte_zmalloc("test-cache", FLOW_CACHE_SIZE * sizeof(*cache),
			    RTE_CACHE_LINE_SIZE);
	assert_non_null(cache);
	for (unsigned int i = 0; i < N_RULES; i++) {
		struct topo_match *m = &fs[i].match;
		static const uint8_t plen[] = { 8, 16, 24, 32 };

		fs[i] = rule("", 2000 - i, "");
		snprintf(fs[i].name, sizeof(fs[i].name), "r%u", i);
		m->fields = TOPO_M_IP_PROTO | TOPO_M_IP_SRC | TOPO_M_IP_DST |
			    TOPO_M_TP_DST;
		m->ip_proto = IPPROTO_UDP;
		m->ip_src = (struct topo_prefix){ rte_cpu_to_be_32(IP(10, 0, 0, 1) &
			(UINT32_MAX << (32 - plen[i % 4]))), plen[i % 4] };
		m->ip_dst = (struct topo_prefix){ rte_cpu_to_be_32(IP(10, 1, i >> 8,
								   i & 255)), 32 };
		m->tp_dst_lo = m->tp_dst_hi = (uint16_t)(2000 + i);
	}
	fs[N_RULES] = rule("rest", 0, "");
	rules_set(fs, N_RULES + 1);
	t = flow_table_cur;
	for (unsigned int i = 0; i < N_KEYS; i++) {
		struct pkt p = tcp(IP(10, 0, 0, 1), IP(10, 1, 3, 168 + i), 1024,
				   (uint16_t)(2936 + i));
		uint8_t f[64];

		p.proto = IPPROTO_UDP;
		frame_make(&p, f);
		flow_key_make(&keys[i], f, 60, p.in_port, p.bd);
		data[i] = (const uint8_t *)&keys[i];
	}
	flow_table_classify(t, data, want, N_KEYS);
	for (unsigned int i = 0; i < N_KEYS; i++)
		assert_string_equal(t->rule[want[i] - 1]->conf.name,
				    fs[936 + i].name);
	for (unsigned int r = 0; r < ROUNDS; r++) {
		uint64_t c0 = rte_rdtsc_precise(), c1, c2;

		flow_table_classify(t, data, want, N_KEYS);
		c1 = rte_rdtsc_precise();
		flow_cache_classify(t, cache, keys, got, N_KEYS);
		c2 = rte_rdtsc_precise();
		best_acl = RTE_MIN(best_acl, c1 - c0);
		best_cache = RTE_MIN(best_cache, c2 - c1);
		assert_memory_equal(got, want, sizeof(got));
	}
	print_message("%u rules, %u flows: rte_acl %.1f cycles/key, verdict "
		      "cache %.1f cycles/key (minimum of %u vectors)\n", N_RULES,
		      N_KEYS, (double)best_acl / N_KEYS,
		      (double)best_cache / N_KEYS, ROUNDS);
	assert_true(best_cache < best_acl);

	/* A new table: no verdict of the old one is used. */
	fs[936].action = TOPO_ACT_DROP;
	fs[936].priority = 2500;
	rules_set(fs, N_RULES + 1);
	t = flow_table_cur;
	flow_cache_classify(t, cache, keys, got, N_KEYS);
	flow_table_classify(t, data, want, N_KEYS);
	assert_memory_equal(got, want, sizeof(got));
	assert_int_equal(t->act[got[0] - 1].type, FLOW_ACT_DROP);
	rte_free(cache);
}

static uint32_t rnd_state = 12345;

static uint32_t
rnd(uint32_t n)
{
	/* xorshift32: the same sequence on every run. */
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state % n;
}

/* 16 MACs that differ in their first and last bytes. */
static void
rnd_mac(uint8_t mac[6])
{
	uint32_t r = rnd(16);

	memcpy(mac, (uint8_t[]){ 0x02, 0, 0, 0, 0, 0 }, 6);
	mac[0] |= (uint8_t)((r & 3) << 4);
	mac[5] = (uint8_t)(r >> 2);
}

static const uint16_t types[3] = { 0x0800, 0x0806, 0x86dd };
static const uint8_t protos[3] = { 6, 17, 1 };

static uint32_t
rnd_ip(void)
{
	return IP(10, 0, rnd(16), rnd(256));
}

static void
rnd_range(uint16_t *lo, uint16_t *hi)
{
	*lo = (uint16_t)rnd(200);
	*hi = (uint16_t)(*lo + rnd(20));
}

static void
rnd_rule_draw(struct topo_flow *f, unsigned int i)
{
	struct topo_match *m = &f->match;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "r%u", i);
	f->priority = rnd(10);
	if (rnd(3) == 0)
		snprintf(f->network, sizeof(f->network), rnd(2) ? "blue" : "red");
	if (rnd(4) == 0) {
		m->fields |= TOPO_M_IN_PORT;
		snprintf(m->in_port, sizeof(m->in_port), "p%u", rnd(N_PORTS));
	}
	if (rnd(4) == 0) {
		m->fields |= TOPO_M_ETH_SRC;
		rnd_mac(m->eth_src);
	}
	if (rnd(4) == 0) {
		m->fields |= TOPO_M_ETH_DST;
		rnd_mac(m->eth_dst);
	}
	if (rnd(5) == 0) {
		m->fields |= TOPO_M_ETH_TYPE;
		m->eth_type = types[rnd(3)];
	}
	if (m->eth_type != 0 && m->eth_type != 0x0800)
		return;		/* the parser allows no IP key then */
	if (rnd(3) == 0) {
		m->fields |= TOPO_M_IP_SRC;
		m->ip_src = (struct topo_prefix){ rte_cpu_to_be_32(rnd_ip()),
						  (uint8_t)(20 + rnd(13)) };
	}
	if (rnd(3) == 0) {
		m->fields |= TOPO_M_IP_DST;
		m->ip_dst = (struct topo_prefix){ rte_cpu_to_be_32(rnd_ip()),
						  (uint8_t)rnd(33) };
	}
	if (rnd(2) == 0) {
		m->fields |= TOPO_M_IP_PROTO;
		m->ip_proto = protos[rnd(3)];
	}
	if (m->ip_proto != 6 && m->ip_proto != 17)
		return;
	if (rnd(2) == 0) {
		m->fields |= TOPO_M_TP_SRC;
		rnd_range(&m->tp_src_lo, &m->tp_src_hi);
	}
	if (rnd(2) == 0) {
		m->fields |= TOPO_M_TP_DST;
		rnd_range(&m->tp_dst_lo, &m->tp_dst_hi);
	}
}

/* A rule of at least four keys, so that not every frame hits one. */
static void
rnd_rule(struct topo_flow *f, unsigned int i)
{
	do
		rnd_rule_draw(f, i);
	while (__builtin_popcount(f->match.fields) + (f->network[0] != 0) < 4);
}

static void
rnd_pkt(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
	p->in_port = (uint16_t)rnd(N_PORTS);
	p->bd = (uint16_t)(rnd(2) ? blue : red);
	rnd_mac(p->src);
	rnd_mac(p->dst);
	p->type = rnd(4) ? 0x0800 : types[rnd(3)];
	p->proto = protos[rnd(3)];
	p->sip = rnd_ip();
	p->dip = rnd_ip();
	p->sport = (uint16_t)rnd(230);
	p->dport = (uint16_t)rnd(230);
	p->frag = rnd(8) == 0 ? (uint16_t)(1 + rnd(100)) : 0;
}

static void
test_random_vs_reference(void **state)
{
	enum { N_RULES = 1000, N_PKTS = 100000 };
	static struct topo_flow fs[N_RULES];
	unsigned int mismatches = 0, hits = 0;
	(void)state;

	uint64_t t0;

	for (unsigned int i = 0; i < N_RULES; i++)
		rnd_rule(&fs[i], i);
	t0 = rte_get_tsc_cycles();
	rules_set(fs, N_RULES);
	print_message("build: %.2f s\n", (double)(rte_get_tsc_cycles() - t0) /
		      rte_get_tsc_hz());
	for (unsigned int i = 0; i < N_PKTS; i++) {
		struct pkt p;
		const char *got, *want;

		rnd_pkt(&p);
		got = classify(&p);
		want = ref_classify(fs, N_RULES, &p);
		hits += want != NULL;
		if ((got == NULL) != (want == NULL) ||
		    (got != NULL && strcmp(got, want) != 0)) {
			if (mismatches++ < 5)
				print_message("packet %u: acl %s, reference %s\n", i,
					      got ? got : "-", want ? want : "-");
		}
	}
	print_message("%u packets, %u rules in %u ACL contexts: %u matched a "
		      "rule, %u mismatches\n", N_PKTS, N_RULES,
		      flow_table_cur->n_acl, hits, mismatches);
	assert_int_equal(mismatches, 0);
	/* The draw must exercise both outcomes to prove anything. */
	assert_true(hits > N_PKTS / 4 && hits < N_PKTS);
}

static int
teardown(void **state)
{
	struct topo empty = { 0 };
	(void)state;

	flow_module.prune(&empty);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_keys_and_order, teardown),
		cmocka_unit_test_teardown(test_counters_and_limit, teardown),
		cmocka_unit_test_teardown(test_vlan, teardown),
		cmocka_unit_test_teardown(test_api_and_counters, teardown),
		cmocka_unit_test_teardown(test_batch, teardown),
		cmocka_unit_test_teardown(test_cache, teardown),
		cmocka_unit_test_teardown(test_random_vs_reference, teardown),
	};
	struct dp_config cfg = { .n_workers = 1, .launch = false, .n_mbufs = 1023 };
	char *extra[] = { (char *)"--log-level=*:error" };
	struct sw_network_conf nc = { .mac_limit = 100 };
	char prefix[64], why[256];
	bool no_huge;
	int ret;

	(void)argc;
	snprintf(prefix, sizeof(prefix), "yard-test-flow-%d", (int)getpid());
	if (dp_eal_init(argv[0], prefix, 0, NULL, true, 1, extra,
			&no_huge) < 0)
		return 1;
	/* dp_init() runs the modules' init: the switch's and the flow table's. */
	if (dp_modules_param("fdb-size", "4096", why, sizeof(why)) < 0 ||
	    dp_init(&cfg) < 0)
		return 1;
	snprintf(nc.name, sizeof(nc.name), "blue");
	blue = sw_network_set(&nc);
	snprintf(nc.name, sizeof(nc.name), "red");
	red = sw_network_set(&nc);
	for (unsigned int p = 0; p < N_PORTS; p++) {
		dp_ports[p].used = true;
		snprintf(dp_ports[p].name, sizeof(dp_ports[p].name), "p%u", p);
	}
	ret = cmocka_run_group_tests(tests, NULL, NULL);
	for (unsigned int p = 0; p < N_PORTS; p++)
		dp_ports[p].used = false;
	dp_fini();
	dp_eal_fini();
	return ret;
}
