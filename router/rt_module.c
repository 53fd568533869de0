/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The router module: its registration, init (graph edges under the switch,
 * the neighbor table, the hold queues), tick (neighbor events, held
 * packets, ageing) and the `routers`
 * section of the topology (apply, prune, export).
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_mbuf_dyn.h>

#include "rt_priv.h"
#include "topology.h"

int rt_api_register(struct rpc_server *srv);
int rt_neigh_api_register(struct rpc_server *srv);

RTE_LOG_REGISTER_DEFAULT(rt_logtype, INFO);

unsigned int rt_drop_base;
int rt_mbuf_offset = -1;
uint16_t rt_flood_edge;
uint16_t rt_owner_edge;
uint16_t rt_inject_edge;

static const char *const rt_deps[] = { "switch", NULL };

static const char *const rt_drop_names[] = {
#define _(sym, str) str,
	foreach_rt_drop
#undef _
};

static struct dp_module rt_module;

static int
rt_init(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "yard_rt_mbuf",
		.size = sizeof(struct rt_mbuf),
		.align = __alignof__(struct rt_mbuf),
	};
	int ret;

	rt_drop_base = rt_module.drop_base;
	rt_mbuf_offset = rte_mbuf_dynfield_register(&desc);
	if (rt_mbuf_offset < 0)
		return -rte_errno;
	ret = sw_l2_input_next_add("ip4-input");
	if (ret < 0)
		return ret;
	rt_owner_edge = (uint16_t)ret;
	ret = sw_l2_flood_next_add("arp-input");
	if (ret < 0)
		return ret;
	/* The edge doubles as the origin tag, a uint8_t in struct dp_meta. */
	if (ret > UINT8_MAX)
		return -ERANGE;
	rt_flood_edge = (uint16_t)ret;
	ret = dp_inject_next_add("l2-input");
	if (ret < 0)
		return ret;
	rt_inject_edge = (uint16_t)ret;
	ret = rt_neigh_init();
	return ret < 0 ? ret : rt_hold_init();
}

static void
rt_fini(void)
{
	rt_hold_fini();
	rt_fib_fini();
	rt_neigh_fini();
}

static void
rt_tick(void)
{
	static uint32_t last_age;
	uint32_t now = dp_clock_now();

	rt_neigh_drain();
	rt_hold_tick();
	if (now != last_age) {
		last_age = now;
		rt_neigh_age();
	}
}

static int
rt_apply(const struct topo *t, char *why, size_t len)
{
	for (unsigned int i = 0; i < t->n_routers; i++) {
		int ret = rt_router_set(&t->routers[i], why, len);

		if (ret < 0)
			return ret;
	}
	return 0;
}

static void
rt_prune(const struct topo *t)
{
	for (unsigned int i = 0; i < RT_ROUTERS_MAX; i++) {
		const struct rt_router *r = rt_routers[i];
		bool keep = false;

		if (r == NULL)
			continue;
		for (unsigned int k = 0; k < t->n_routers && !keep; k++)
			keep = strcmp(t->routers[k].name, r->name) == 0;
		if (!keep)
			rt_router_del(r->name);
	}
}

static int
rt_export(struct topo *t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < RT_ROUTERS_MAX; i++)
		n += rt_routers[i] != NULL;
	if (n == 0)
		return 0;
	t->routers = calloc(n, sizeof(*t->routers));
	if (t->routers == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < RT_ROUTERS_MAX; i++) {
		int ret;

		if (rt_routers[i] == NULL)
			continue;
		ret = rt_router_export(i, &t->routers[t->n_routers]);
		if (ret == 0)
			ret = rt_neigh_static_export(i, &t->routers[t->n_routers]);
		t->n_routers++;
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int
rt_api_register_all(struct rpc_server *srv)
{
	int ret = rt_api_register(srv);

	return ret < 0 ? ret : rt_neigh_api_register(srv);
}

static struct dp_module rt_module = {
	.name = "router",
	.deps = rt_deps,
	.init = rt_init,
	.fini = rt_fini,
	.tick = rt_tick,
	.api_register = rt_api_register_all,
	.apply = rt_apply,
	.prune = rt_prune,
	.export = rt_export,
	.drop_names = rt_drop_names,
	.n_drops = RTE_DIM(rt_drop_names),
};
DP_MODULE_REGISTER(rt_module);
