/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rules (control thread) and the table the workers read: every change
 * translates the whole rule list into a new rte_acl context, publishes it
 * and frees the previous one after an RCU grace period.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <rte_malloc.h>

#include "flow_priv.h"
#include "switch.h"

RTE_LOG_REGISTER(flow_logtype, yard.flow, INFO);

struct flow_table *flow_table_cur;

/* The rules in their order (document order for apply). */
static struct flow_rule **rules;
static unsigned int n_rules;
unsigned int flow_rules_max = FLOW_RULES_MAX_DEFAULT;

/* rte_acl_create() returns the existing context of a used name. */
static unsigned int acl_gen;

/* ------------------------------------------------------------------ */
/* Rule -> ACL translation                                             */

void
flow_acl_config(struct rte_acl_config *cfg)
{
#define F(idx, t, sz, in, member, extra)				\
	cfg->defs[idx] = (struct rte_acl_field_def){			\
		.type = RTE_ACL_FIELD_TYPE_##t, .size = sz,		\
		.field_index = idx, .input_index = in,			\
		.offset = offsetof(struct flow_key, member) + (extra),	\
	}
	memset(cfg, 0, sizeof(*cfg));
	cfg->num_categories = 1;
	cfg->num_fields = FLOW_F_N_;
	F(FLOW_F_PROTO, BITMASK, 1, 0, proto, 0);
	F(FLOW_F_IN_PORT, BITMASK, 2, 1, in_port, 0);
	F(FLOW_F_BD, BITMASK, 2, 1, bd, 0);
	F(FLOW_F_ETH_TYPE, BITMASK, 2, 2, eth_type, 0);
	F(FLOW_F_FLAGS, BITMASK, 2, 2, flags, 0);
	F(FLOW_F_SRC_HI, BITMASK, 4, 3, eth_src, 0);
	F(FLOW_F_SRC_LO, BITMASK, 2, 4, eth_src, 4);
	F(FLOW_F_DST_HI, BITMASK, 2, 4, eth_dst, 0);
	F(FLOW_F_DST_LO, BITMASK, 4, 5, eth_dst, 2);
	F(FLOW_F_IP_SRC, MASK, 4, 6, ip_src, 0);
	F(FLOW_F_IP_DST, MASK, 4, 7, ip_dst, 0);
	F(FLOW_F_TP_SRC, RANGE, 2, 8, tp_src, 0);
	F(FLOW_F_TP_DST, RANGE, 2, 8, tp_dst, 0);
#undef F
}

static uint32_t
be_bytes(const uint8_t *b, unsigned int n)
{
	uint32_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

static void
bits16(struct rte_acl_field *fl, uint16_t value, uint16_t mask)
{
	fl->value.u16 = value & mask;
	fl->mask_range.u16 = mask;
}

static void
bits32(struct rte_acl_field *fl, uint32_t value, uint32_t mask)
{
	fl->value.u32 = value & mask;
	fl->mask_range.u32 = mask;
}

void
flow_acl_rule_make(const struct topo_flow *f, int in_port, int bd,
		   int32_t priority, uint32_t userdata, struct flow_acl_rule *r)
{
	const struct topo_match *m = &f->match;
	struct rte_acl_field *fl = r->field;
	uint16_t flags = 0, flags_mask = 0;

	/* Wildcards everywhere: zero value and mask, full port ranges. */
	memset(r, 0, sizeof(*r));
	r->data.category_mask = 1;
	r->data.priority = priority;
	r->data.userdata = userdata;
	fl[FLOW_F_TP_SRC].mask_range.u16 = UINT16_MAX;
	fl[FLOW_F_TP_DST].mask_range.u16 = UINT16_MAX;

	if (in_port >= 0)
		bits16(&fl[FLOW_F_IN_PORT], (uint16_t)in_port, UINT16_MAX);
	if (bd >= 0)
		bits16(&fl[FLOW_F_BD], (uint16_t)bd, UINT16_MAX);
	if (m->fields & TOPO_M_ETH_TYPE)
		bits16(&fl[FLOW_F_ETH_TYPE], m->eth_type, UINT16_MAX);
	if (m->fields & TOPO_M_ETH_SRC) {
		bits32(&fl[FLOW_F_SRC_HI], be_bytes(m->eth_src, 4), UINT32_MAX);
		bits16(&fl[FLOW_F_SRC_LO], (uint16_t)be_bytes(m->eth_src + 4, 2),
		       UINT16_MAX);
	}
	if (m->fields & TOPO_M_ETH_DST) {
		bits16(&fl[FLOW_F_DST_HI], (uint16_t)be_bytes(m->eth_dst, 2),
		       UINT16_MAX);
		bits32(&fl[FLOW_F_DST_LO], be_bytes(m->eth_dst + 2, 4), UINT32_MAX);
	}
	if (m->fields & (TOPO_M_IP_SRC | TOPO_M_IP_DST | TOPO_M_IP_PROTO |
			 TOPO_M_TP_SRC | TOPO_M_TP_DST)) {
		flags |= FLOW_KEY_F_IPV4;
		flags_mask |= FLOW_KEY_F_IPV4;
	}
	if (m->fields & TOPO_M_IP_SRC) {
		fl[FLOW_F_IP_SRC].value.u32 = rte_be_to_cpu_32(m->ip_src.addr);
		fl[FLOW_F_IP_SRC].mask_range.u32 = m->ip_src.plen;
	}
	if (m->fields & TOPO_M_IP_DST) {
		fl[FLOW_F_IP_DST].value.u32 = rte_be_to_cpu_32(m->ip_dst.addr);
		fl[FLOW_F_IP_DST].mask_range.u32 = m->ip_dst.plen;
	}
	if (m->fields & TOPO_M_IP_PROTO) {
		fl[FLOW_F_PROTO].value.u8 = m->ip_proto;
		fl[FLOW_F_PROTO].mask_range.u8 = UINT8_MAX;
	}
	if (m->fields & (TOPO_M_TP_SRC | TOPO_M_TP_DST)) {
		flags |= FLOW_KEY_F_PORTS;
		flags_mask |= FLOW_KEY_F_PORTS;
	}
	if (m->fields & TOPO_M_TP_SRC) {
		fl[FLOW_F_TP_SRC].value.u16 = m->tp_src_lo;
		fl[FLOW_F_TP_SRC].mask_range.u16 = m->tp_src_hi;
	}
	if (m->fields & TOPO_M_TP_DST) {
		fl[FLOW_F_TP_DST].value.u16 = m->tp_dst_lo;
		fl[FLOW_F_TP_DST].mask_range.u16 = m->tp_dst_hi;
	}
	bits16(&fl[FLOW_F_FLAGS], flags, flags_mask);
}

/* ------------------------------------------------------------------ */
/* Building and publishing a table                                     */

static void
table_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	for (unsigned int i = 0; i < t->n_acl; i++)
		rte_acl_free(t->acl[i]);
	rte_free(t->act);
	rte_free(t->cnt);
	free(t->rule);
	free(t);
}

/* Names -> indexes; -ENOENT with `why` filled when one is unknown. */
static int
rule_resolve(const struct topo_flow *f, int *in_port, int *bd, int *port,
	     char *why, size_t len)
{
	*bd = -1;
	*in_port = -1;
	*port = -1;
	if (f->network[0] != '\0') {
		*bd = sw_network_find(f->network);
		if (*bd < 0) {
			snprintf(why, len, "flow %s: no network called '%s'; "
				 "create it first", f->name, f->network);
			return -ENOENT;
		}
	}
	if (f->match.fields & TOPO_M_IN_PORT) {
		*in_port = dp_port_find(f->match.in_port);
		if (*in_port < 0) {
			snprintf(why, len, "flow %s: match.in_port: no port "
				 "called '%s'", f->name, f->match.in_port);
			return -ENOENT;
		}
	}
	if (f->action == TOPO_ACT_OUTPUT || f->action == TOPO_ACT_MIRROR) {
		*port = dp_port_find(f->action_port);
		if (*port < 0) {
			snprintf(why, len, "flow %s: action: no port called '%s'",
				 f->name, f->action_port);
			return -ENOENT;
		}
	}
	return 0;
}

static const uint8_t act_of[] = {
	[TOPO_ACT_ALLOW] = FLOW_ACT_ALLOW,
	[TOPO_ACT_DROP] = FLOW_ACT_DROP,
	[TOPO_ACT_OUTPUT] = FLOW_ACT_OUTPUT,
	[TOPO_ACT_MIRROR] = FLOW_ACT_MIRROR,
};

/* Order of the ACL priorities: higher rule priority, then earlier in list. */
static struct flow_rule *const *rank_list;

static int
rank_cmp(const void *a, const void *b)
{
	unsigned int i = *(const unsigned int *)a, j = *(const unsigned int *)b;
	uint32_t pi = rank_list[i]->conf.priority, pj = rank_list[j]->conf.priority;

	if (pi != pj)
		return pi > pj ? -1 : 1;
	return i < j ? -1 : (i > j);
}

/* One ACL context of rules[lo..hi). */
static int
acl_build_one(struct rte_acl_ctx **out, const struct flow_acl_rule *rules,
	      unsigned int lo, unsigned int hi)
{
	struct rte_acl_param param = {
		.socket_id = SOCKET_ID_ANY,
		.rule_size = RTE_ACL_RULE_SZ(FLOW_F_N_),
		.max_rule_num = hi - lo,
	};
	struct rte_acl_config cfg;
	char name[RTE_ACL_NAMESIZE];
	struct rte_acl_ctx *ctx;
	int ret;

	snprintf(name, sizeof(name), "flow-%u", acl_gen++);
	param.name = name;
	ctx = rte_acl_create(&param);
	if (ctx == NULL)
		return -ENOMEM;
	ret = rte_acl_add_rules(ctx, (const struct rte_acl_rule *)&rules[lo],
				hi - lo);
	if (ret == 0) {
		flow_acl_config(&cfg);
		ret = rte_acl_build(ctx, &cfg);
	}
	if (ret < 0) {
		rte_acl_free(ctx);
		return ret;
	}
	*out = ctx;
	return 0;
}

/*
 * Contexts for rules[lo..hi). rte_acl gives up on a rule set whose keys
 * vary too much (it needs more than RTE_ACL_MAX_TRIES tries: random MAC,
 * IP and port keys mixed do that with a few hundred rules); the rules are
 * then split in two halves of the rank order, each classified on its own,
 * and the frame takes the better (lower) slot of the contexts' results.
 */
static int
acl_build_range(struct flow_table *t, const struct flow_acl_rule *rules,
		unsigned int lo, unsigned int hi)
{
	int ret;

	if (t->n_acl == FLOW_ACL_MAX)
		return -E2BIG;
	ret = acl_build_one(&t->acl[t->n_acl], rules, lo, hi);
	if (ret == 0) {
		t->n_acl++;
		return 0;
	}
	if (hi - lo < 2)
		return ret;
	FLOW_LOG(DEBUG, "rules %u..%u: %s; splitting them", lo, hi - 1,
		 strerror(-ret));
	ret = acl_build_range(t, rules, lo, lo + (hi - lo) / 2);
	if (ret == 0)
		ret = acl_build_range(t, rules, lo + (hi - lo) / 2, hi);
	return ret;
}

static int
acl_rules_grow(struct flow_acl_rule **rules, unsigned int *cap)
{
	struct flow_acl_rule *bigger = realloc(*rules, 2 * *cap * sizeof(**rules));

	if (bigger == NULL)
		return -ENOMEM;
	*rules = bigger;
	*cap *= 2;
	return 0;
}

/*
 * What the `vlan` rules of list[0..n) expand to depends on the trunks'
 * VID -> network maps; a table remembers this digest of them (FNV-1a over
 * rule, port and network) so that a change of a trunk rebuilds it.
 */
static uint64_t
vlan_sig(struct flow_rule *const *list, unsigned int n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (unsigned int i = 0; i < n; i++) {
		if (!(list[i]->conf.match.fields & TOPO_M_VLAN))
			continue;
		for (uint16_t p = 0; p < DP_PORTS_MAX; p++) {
			int b = sw_port_vlan_network(p, list[i]->conf.match.vlan);
			uint64_t v = (uint64_t)i << 32 | (uint64_t)p << 16 |
				(uint16_t)b;

			if (b < 0)
				continue;
			for (unsigned int k = 0; k < 8; k++)
				h = (h ^ ((v >> (8 * k)) & 0xff)) *
					UINT64_C(0x100000001b3);
		}
	}
	return h;
}

/*
 * A table for list[0..n). Rules naming something that no longer exists, or
 * port `gone` (about to be removed), are left out. rte_acl breaks no ties,
 * so every rule gets its own ACL priority: n minus its rank; its slot is
 * its rank among the rules kept.
 */
static int
table_build(struct flow_rule *const *list, unsigned int n, int gone,
	    struct flow_table **out)
{
	struct flow_acl_rule *acl_rules = NULL;
	unsigned int *order = NULL, i, slot = 0, na = 0, cap = n;
	struct flow_table *t;
	int ret = -ENOMEM;

	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	*out = t;
	static uint64_t gens;

	t->vlan_sig = vlan_sig(list, n);
	t->gen = ++gens;
	if (n == 0)
		return 0;
	order = malloc(n * sizeof(*order));
	acl_rules = malloc(cap * sizeof(*acl_rules));
	t->rule = calloc(n, sizeof(*t->rule));
	t->act = rte_zmalloc("flow-act", n * sizeof(*t->act), RTE_CACHE_LINE_SIZE);
	t->cnt = rte_zmalloc("flow-cnt", (size_t)DP_WORKERS_MAX * n * sizeof(*t->cnt),
			     RTE_CACHE_LINE_SIZE);
	if (order == NULL || acl_rules == NULL || t->rule == NULL ||
	    t->act == NULL || t->cnt == NULL)
		goto fail;
	for (i = 0; i < n; i++)
		order[i] = i;
	rank_list = list;
	qsort(order, n, sizeof(*order), rank_cmp);

	for (i = 0; i < n; i++) {
		struct flow_rule *r = list[order[i]];
		int in_port, bd, port;
		char why[160];

		r->slot = -1;
		if (rule_resolve(&r->conf, &in_port, &bd, &port, why,
				 sizeof(why)) < 0 ||
		    (gone >= 0 && (in_port == gone || port == gone))) {
			FLOW_LOG(DEBUG, "flow %s: left out of the table",
				 r->conf.name);
			continue;
		}
		t->act[slot].type = act_of[r->conf.action];
		if (port >= 0) {
			uint16_t mtu = RTE_ETHER_MTU;

			if (rte_eth_dev_is_valid_port((uint16_t)port))
				rte_eth_dev_get_mtu((uint16_t)port, &mtu);
			t->act[slot].port = (uint16_t)port;
			t->act[slot].max_len = mtu + RTE_ETHER_HDR_LEN;
		}
		t->rule[slot] = r;
		r->slot = (int)slot;
		if (!(r->conf.match.fields & TOPO_M_VLAN)) {
			if (na == cap && acl_rules_grow(&acl_rules, &cap) < 0)
				goto fail;
			flow_acl_rule_make(&r->conf, in_port, bd, (int32_t)(n - i),
					   slot + 1, &acl_rules[na++]);
			slot++;
			continue;
		}
		/* One ACL rule per (trunk port, network) carrying the VID. */
		for (uint16_t p = 0; p < DP_PORTS_MAX; p++) {
			int b = sw_port_vlan_network(p, r->conf.match.vlan);

			if (b < 0 || p == gone || (in_port >= 0 && p != in_port) ||
			    (bd >= 0 && b != bd))
				continue;
			if (na == cap && acl_rules_grow(&acl_rules, &cap) < 0)
				goto fail;
			flow_acl_rule_make(&r->conf, p, b, (int32_t)(n - i),
					   slot + 1, &acl_rules[na++]);
		}
		slot++;
	}
	t->n = slot;
	if (na == 0) {
		ret = 0;
		goto done;
	}

	ret = acl_build_range(t, acl_rules, 0, na);
	if (ret < 0)
		goto fail;
	goto done;
fail:
	for (i = 0; i < n; i++)
		list[i]->slot = -1;
	table_free(t);
	*out = NULL;
	if (ret == 0)
		ret = -ENOMEM;
done:
	free(acl_rules);
	free(order);
	return ret;
}

static double
now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Add a freed table's counters to its rules. */
static void
table_fold(const struct flow_table *t)
{
	for (unsigned int s = 0; s < t->n; s++) {
		for (unsigned int w = 0; w < DP_WORKERS_MAX; w++) {
			const struct flow_counter *c = &t->cnt[w * t->n + s];

			t->rule[s]->packets += c->packets;
			t->rule[s]->bytes += c->bytes;
		}
	}
}

/*
 * Make list[0..n) the rules: build its table, publish it, wait for the
 * workers to leave the old one, keep the old one's counters. On error
 * nothing changed, except the slots of the rules (the old table's are
 * restored).
 */
static int
table_commit(struct flow_rule **list, unsigned int n, int gone)
{
	struct flow_table *t, *old = flow_table_cur;
	int ret;

	double wall = now_ms(CLOCK_MONOTONIC), cpu = now_ms(CLOCK_THREAD_CPUTIME_ID);

	ret = table_build(list, n, gone, &t);
	if (ret == 0 && t->n > 0)
		FLOW_LOG(INFO, "table of %u rules: %u ACL context(s) built in "
			 "%.1f ms (%.1f ms of CPU)", t->n, t->n_acl,
			 now_ms(CLOCK_MONOTONIC) - wall,
			 now_ms(CLOCK_THREAD_CPUTIME_ID) - cpu);
	if (ret < 0) {
		for (unsigned int s = 0; old != NULL && s < old->n; s++)
			old->rule[s]->slot = (int)s;
		return ret;
	}
	__atomic_store_n(&flow_table_cur, t, __ATOMIC_RELEASE);
	dp_rcu_synchronize();
	if (old != NULL)
		table_fold(old);
	table_free(old);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The rule list                                                        */

static bool
conf_equal(const struct topo_flow *a, const struct topo_flow *b)
{
	json_t *ja = topo_flow_to_json(a), *jb = topo_flow_to_json(b);
	bool eq = ja != NULL && jb != NULL && json_equal(ja, jb);

	json_decref(ja);
	json_decref(jb);
	return eq;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp((*(struct flow_rule *const *)a)->conf.name,
		      (*(struct flow_rule *const *)b)->conf.name);
}

/* rules[] sorted by name, for lookups; NULL when out of memory. */
static struct flow_rule **
rules_by_name(void)
{
	struct flow_rule **by_name = malloc((n_rules + 1) * sizeof(*by_name));

	if (by_name == NULL)
		return NULL;
	memcpy(by_name, rules, n_rules * sizeof(*rules));
	qsort(by_name, n_rules, sizeof(*by_name), name_cmp);
	return by_name;
}

/* The rule called `name` in by_name[0..n) (sorted by name), or NULL. */
static struct flow_rule *
find_sorted(struct flow_rule **by_name, unsigned int n, const char *name)
{
	struct flow_rule key, *kp = &key, **r;

	snprintf(key.conf.name, sizeof(key.conf.name), "%s", name);
	r = bsearch(&kp, by_name, n, sizeof(*by_name), name_cmp);
	return r != NULL ? *r : NULL;
}

/*
 * Set fs[0..n): each replaces the rule of its name or is new. In
 * `doc_order`, the result is fs in their order, then the rules they do not
 * name; otherwise replaced rules keep their place and new ones go last. A
 * rule equal to the one it replaces is kept, with its counters, and the
 * table is not rebuilt when nothing changes.
 */
int
flow_rules_update(const struct topo_flow *fs, unsigned int n, bool doc_order,
		  char *why, size_t len)
{
	struct flow_rule **by_name = NULL, **list = NULL, **made = NULL;
	struct flow_rule **dead = NULL;
	unsigned int i, n_list = 0, n_made = 0, n_dead = 0, n_new = 0;
	bool changed = false;
	int ret, a, b, c;

	for (i = 0; i < n; i++) {
		ret = rule_resolve(&fs[i], &a, &b, &c, why, len);
		if (ret < 0)
			return ret;
	}
	ret = -ENOMEM;
	by_name = rules_by_name();
	list = malloc((n_rules + n + 1) * sizeof(*list));
	made = malloc((n + 1) * sizeof(*made));
	dead = malloc((n + 1) * sizeof(*dead));
	if (by_name == NULL || list == NULL || made == NULL || dead == NULL)
		goto out;
	for (i = 0; i < n_rules; i++) {
		rules[i]->pos = i;
		rules[i]->named = false;
	}
	if (!doc_order) {
		memcpy(list, rules, n_rules * sizeof(*rules));
		n_list = n_rules;
	}
	for (i = 0; i < n; i++) {
		struct flow_rule *old = find_sorted(by_name, n_rules, fs[i].name);
		struct flow_rule *r = old;

		if (old != NULL)
			old->named = true;
		else
			n_new++;
		if (old == NULL || !conf_equal(&old->conf, &fs[i])) {
			r = calloc(1, sizeof(*r));
			if (r == NULL)
				goto out;
			r->conf = fs[i];
			r->slot = -1;
			made[n_made++] = r;
			if (old != NULL)
				dead[n_dead++] = old;
			changed = true;
		}
		if (doc_order)
			list[n_list++] = r;
		else if (old != NULL)
			list[old->pos] = r;
		else
			list[n_list++] = r;
	}
	if (doc_order) {
		for (i = 0; i < n_rules; i++)
			if (!rules[i]->named)
				list[n_list++] = rules[i];
		for (i = 0; i < n_list && !changed; i++)
			changed = list[i] != rules[i];
	}
	if (n_rules + n_new > flow_rules_max) {
		snprintf(why, len, "the flow table is full: %u rules would make "
			 "%u, the limit is %u (yard-dp --flow-max-rules); "
			 "delete rules or raise the limit", n_rules,
			 n_rules + n_new, flow_rules_max);
		ret = -ENOSPC;
		goto out;
	}
	if (!changed) {
		/* Same rules: only their line numbers may be new. */
		for (i = 0; i < n; i++)
			find_sorted(by_name, n_rules, fs[i].name)->conf.line =
				fs[i].line;
		ret = 0;
		goto out;
	}
	ret = table_commit(list, n_list, -1);
	if (ret < 0) {
		snprintf(why, len, "building the flow table: %s", strerror(-ret));
		goto out;
	}
	for (i = 0; i < n_dead; i++)
		free(dead[i]);
	free(rules);
	rules = list;
	n_rules = n_list;
	list = NULL;
	n_made = 0;
	/* After the table: a frame sent to the step meets the new rules. */
	flow_ingress_sync();
out:
	for (i = 0; i < n_made; i++)
		free(made[i]);
	free(dead);
	free(made);
	free(list);
	free(by_name);
	return ret;
}

int
flow_rule_check(const struct topo_flow *f, char *why, size_t len)
{
	int in_port, bd, port;

	return rule_resolve(f, &in_port, &bd, &port, why, len);
}

int
flow_rules_fit(const struct topo_flow *fs, unsigned int n, unsigned int *fit)
{
	struct flow_rule **by_name = rules_by_name();
	unsigned int total = n_rules, i;

	if (by_name == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (find_sorted(by_name, n_rules, fs[i].name) != NULL)
			continue;
		if (total == flow_rules_max)
			break;
		total++;
	}
	free(by_name);
	*fit = i;
	return 0;
}

static bool
is_marked(const struct flow_rule *r, const void *arg)
{
	RTE_SET_USED(arg);
	return r->named;
}

int
flow_rules_del_names(const char *const *names, unsigned int n,
		     unsigned int *failed)
{
	struct flow_rule **by_name = rules_by_name();
	unsigned int i;
	int ret = 0;

	if (by_name == NULL)
		return -ENOMEM;
	for (i = 0; i < n_rules; i++)
		rules[i]->named = false;
	for (i = 0; i < n; i++) {
		struct flow_rule *r = find_sorted(by_name, n_rules, names[i]);

		/* A second delete of one rule finds none, as it would alone. */
		if (r == NULL || r->named) {
			*failed = i;
			ret = -ENOENT;
			break;
		}
		r->named = true;
	}
	free(by_name);
	if (i > 0) {
		int r = flow_rules_remove(is_marked, NULL);

		if (r < 0) {
			*failed = 0;
			return r;
		}
	}
	return ret;
}

/* Remove the rules for which `gone(r, arg)` holds. */
int
flow_rules_remove(bool (*gone)(const struct flow_rule *r, const void *arg),
		  const void *arg)
{
	struct flow_rule **list;
	unsigned int i, n_list = 0;
	int ret;

	list = malloc((n_rules + 1) * sizeof(*list));
	if (list == NULL)
		return -ENOMEM;
	for (i = 0; i < n_rules; i++)
		if (!gone(rules[i], arg))
			list[n_list++] = rules[i];
	if (n_list == n_rules) {
		free(list);
		return 0;
	}
	ret = table_commit(list, n_list, -1);
	if (ret < 0) {
		free(list);
		return ret;
	}
	for (i = 0; i < n_rules; i++)
		if (gone(rules[i], arg))
			free(rules[i]);
	free(rules);
	rules = list;
	n_rules = n_list;
	flow_ingress_sync();
	return 0;
}

int
flow_vlan_refresh(void)
{
	const struct flow_table *t = flow_table_cur;

	if (t == NULL || vlan_sig(rules, n_rules) == t->vlan_sig)
		return 0;
	return table_commit(rules, n_rules, -1);
}

/* Rebuild the table without the rules that name port `port`. */
int
flow_port_gone(uint16_t port)
{
	return table_commit(rules, n_rules, port);
}

void
flow_rules_free(void)
{
	struct flow_table *t = flow_table_cur;

	__atomic_store_n(&flow_table_cur, NULL, __ATOMIC_RELEASE);
	dp_rcu_synchronize();
	table_free(t);
	for (unsigned int i = 0; i < n_rules; i++)
		free(rules[i]);
	free(rules);
	rules = NULL;
	n_rules = 0;
}

/* ------------------------------------------------------------------ */
/* Public entry points                                                 */

int
flow_rule_set(const struct topo_flow *f, char *why, size_t len)
{
	return flow_rules_update(f, 1, false, why, len);
}

static bool
name_is(const struct flow_rule *r, const void *name)
{
	return strcmp(r->conf.name, name) == 0;
}

int
flow_rule_del(const char *name)
{
	unsigned int i;

	for (i = 0; i < n_rules && !name_is(rules[i], name); i++)
		;
	if (i == n_rules)
		return -ENOENT;
	return flow_rules_remove(name_is, name);
}

unsigned int
flow_rule_count(void)
{
	return n_rules;
}

int
flow_rule_get(unsigned int i, struct flow_rule_info *info)
{
	const struct flow_table *t = flow_table_cur;
	const struct flow_rule *r;

	if (i >= n_rules)
		return -ENOENT;
	r = rules[i];
	info->conf = r->conf;
	info->packets = r->packets;
	info->bytes = r->bytes;
	if (t != NULL && r->slot >= 0) {
		for (unsigned int w = 0; w < DP_WORKERS_MAX; w++) {
			const struct flow_counter *c = &t->cnt[w * t->n + r->slot];

			info->packets += __atomic_load_n(&c->packets, __ATOMIC_RELAXED);
			info->bytes += __atomic_load_n(&c->bytes, __ATOMIC_RELAXED);
		}
	}
	return 0;
}
