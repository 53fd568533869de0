/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow module: registration, the `flows:` section of the topology
 * (apply, prune, export), and which networks take the ingress step.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "flow_priv.h"
#include "switch.h"

/* eth-input's edge to flow-classify. */
static uint16_t ingress_edge;
/* Clock second of the last scan for networks and ports made since. */
static uint32_t scanned_at = UINT32_MAX;

/*
 * Switch the step on exactly where a rule may match: on a port named by a
 * rule's in_port, on a network named by a rule without in_port, on every
 * network while a rule has neither. Set for every network and L2 port
 * whatever it had (one store each): one deleted and made again since the
 * last scan starts without the step.
 */
void
flow_ingress_sync(void)
{
	static bool want_net[SW_NETWORKS_MAX], want_port[DP_PORTS_MAX];
	struct flow_rule_info info;
	bool global = false;
	unsigned int i;

	memset(want_net, 0, sizeof(want_net));
	memset(want_port, 0, sizeof(want_port));
	for (i = 0; flow_rule_get(i, &info) == 0; i++) {
		int bd = -1, port;

		if (info.conf.match.fields & TOPO_M_IN_PORT) {
			port = dp_port_find(info.conf.match.in_port);
			if (port >= 0)
				want_port[port] = true;
			continue;
		}
		if (info.conf.network[0] == '\0')
			global = true;
		else
			bd = sw_network_find(info.conf.network);
		if (bd >= 0)
			want_net[bd] = true;
	}
	for (i = 0; i < SW_NETWORKS_MAX; i++)
		sw_network_ingress_set((uint16_t)i, want_net[i] || global ?
				       ingress_edge : 0);
	for (i = 0; i < DP_PORTS_MAX; i++)
		if (sw_port_attached((uint16_t)i))
			sw_port_ingress_set((uint16_t)i, want_port[i] ?
					    ingress_edge : 0);
	scanned_at = dp_clock_now();
}

static int
flow_param(const char *key, const char *value, char *why, size_t len)
{
	char *end;
	unsigned long v;

	if (strcmp(key, "flow-max-rules") != 0)
		return -ENOENT;
	v = strtoul(value, &end, 10);
	if (*value == '\0' || *end != '\0' || v == 0 || v > (1u << 24)) {
		snprintf(why, len, "flow-max-rules: '%s' is not a number of "
			 "rules 1..16777216", value);
		return -EINVAL;
	}
	flow_rules_max = (unsigned int)v;
	return 0;
}

struct flow_cache_entry *flow_cache[DP_WORKERS_MAX];

static int
flow_init(void)
{
	int edge = sw_ingress_next_add("flow-classify");

	if (edge < 0)
		return edge;
	ingress_edge = (uint16_t)edge;
	for (unsigned int w = 0; w < DP_WORKERS_MAX; w++) {
		flow_cache[w] = rte_zmalloc("flow-cache", FLOW_CACHE_SIZE *
					    sizeof(*flow_cache[w]),
					    RTE_CACHE_LINE_SIZE);
		if (flow_cache[w] == NULL)
			return -ENOMEM;
	}
	return 0;
}

static void
flow_fini(void)
{
	flow_api_free();
	flow_rules_free();
	for (unsigned int w = 0; w < DP_WORKERS_MAX; w++) {
		rte_free(flow_cache[w]);
		flow_cache[w] = NULL;
	}
}

/*
 * Once a second while there are rules: a network made through the API gets
 * a global rule's step, and `vlan` rules follow changed trunks.
 */
static void
flow_tick(void)
{
	if (flow_rule_count() == 0 || dp_clock_now() == scanned_at)
		return;
	flow_ingress_sync();
	if (flow_vlan_refresh() < 0)
		FLOW_LOG(ERR, "a trunk changed: rebuilding the table failed; "
			 "vlan rules keep the old ports until the next change");
}

static int
flow_apply(const struct topo *t, char *why, size_t len)
{
	int ret = flow_rules_update(t->flows, t->n_flows, true, why, len);

	/* The rules may be the same, the networks and ports not. */
	flow_ingress_sync();
	return ret;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* arg: the names of the topology's flows, sorted. */
struct names {
	const char **v;
	unsigned int n;
};

static bool
not_named(const struct flow_rule *r, const void *arg)
{
	const struct names *names = arg;
	const char *key = r->conf.name;

	return bsearch(&key, names->v, names->n, sizeof(*names->v),
		       str_cmp) == NULL;
}

static void
flow_prune(const struct topo *t)
{
	struct names names = { .n = t->n_flows };

	names.v = malloc((t->n_flows + 1) * sizeof(*names.v));
	if (names.v != NULL) {
		for (unsigned int i = 0; i < t->n_flows; i++)
			names.v[i] = t->flows[i].name;
		qsort(names.v, names.n, sizeof(*names.v), str_cmp);
	}
	if (names.v == NULL || flow_rules_remove(not_named, &names) < 0)
		FLOW_LOG(ERR, "prune: out of memory; the old rules stay");
	free(names.v);
}

static int
flow_export(struct topo *t)
{
	unsigned int n = flow_rule_count();
	struct flow_rule_info info;

	if (n == 0)
		return 0;
	t->flows = calloc(n, sizeof(*t->flows));
	if (t->flows == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < n && flow_rule_get(i, &info) == 0; i++)
		t->flows[i] = info.conf;
	t->n_flows = n;
	return 0;
}

static void
flow_port_del(uint16_t port)
{
	if (flow_port_gone(port) < 0)
		FLOW_LOG(ERR, "port %u removed: rebuilding the table failed; "
			 "its rules stay until the next change", port);
}

static const char *const flow_deps[] = { "switch", NULL };

static const char *const flow_drop_names[] = {
#define _(sym, str) str,
	foreach_flow_drop
#undef _
};

struct dp_module flow_module = {
	.name = "flow",
	.deps = flow_deps,
	.param = flow_param,
	.init = flow_init,
	.fini = flow_fini,
	.tick = flow_tick,
	.api_register = flow_api_register,
	.apply = flow_apply,
	.prune = flow_prune,
	.export = flow_export,
	.port_del = flow_port_del,
	.flush = flow_batch_flush,
	.drop_names = flow_drop_names,
	.n_drops = FLOW_DROP_END_ - 1,
};
DP_MODULE_REGISTER(flow_module);
