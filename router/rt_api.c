/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC handlers of the router: router.set, router.del, router.list,
 * route.add, route.del, neigh.list, router.stats. Thin adapters: router.set reads its parameters
 * as a router of the topology schema and calls rt_router_set(), the
 * function the module's apply calls.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "rt_priv.h"
#include "topology.h"

int rt_api_register(struct rpc_server *srv);

/*
 * The schema checks a router against the networks of its document, so the
 * router is parsed inside a document naming the networks it uses; whether
 * they exist in the switch is rt_router_set()'s check.
 */
static struct topo *
router_doc_parse(json_t *params, struct rpc_error *err)
{
	json_t *doc, *nets = json_array(), *ifaces, *ifc;
	struct topo_error terr;
	struct topo *t;
	size_t i;

	ifaces = json_object_get(params, "interfaces");
	json_array_foreach(ifaces, i, ifc) {
		json_t *net = json_object_get(ifc, "network");

		if (json_is_string(net))
			json_array_append_new(nets, json_pack("{s:O}", "name", net));
	}
	doc = json_pack("{s:o, s:[O]}", "networks", nets, "routers", params);
	if (doc == NULL) {
		rpc_error_set(err, RPC_ERR_PARAMS, "params: not a router object");
		return NULL;
	}
	t = topo_parse_json(doc, "params", &terr);
	json_decref(doc);
	if (t == NULL)
		rpc_error_set(err, RPC_ERR_PARAMS, "params: %s", terr.msg);
	return t;
}

static int
router_set(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	char why[256] = "";
	struct topo *t;
	int ret;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	t = router_doc_parse(params, err);
	if (t == NULL)
		return -EINVAL;
	ret = rt_router_set(&t->routers[0], why, sizeof(why));
	topo_free(t);
	if (ret < 0)
		return rpc_error_set(err, ret == -ENOENT ? RPC_ERR_NOT_FOUND :
				     RPC_ERR_FAILED, "%s", why);
	return 0;
}

static int
router_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const char *name;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (rpc_param_str(params, "name", &name, err) < 0)
		return -EINVAL;
	if (rt_router_del(name) < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.name: no router called '%s'", name);
	return 0;
}

/* params.router and params.prefix, for route.add and route.del. */
static int
route_args(json_t *params, const char **router, struct topo_prefix *pfx,
	   struct rpc_error *err)
{
	const char *s;

	if (rpc_param_str(params, "router", router, err) < 0 ||
	    rpc_param_str(params, "prefix", &s, err) < 0)
		return -EINVAL;
	if (topo_prefix_parse(s, pfx) < 0 ||
	    (pfx->plen < 32 && (rte_be_to_cpu_32(pfx->addr) &
				(UINT32_MAX >> pfx->plen)) != 0))
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.prefix: '%s' "
				     "is not a prefix with its host bits zero "
				     "(want e.g. 10.0.0.0/8)", s);
	return 0;
}

static int
route_add(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct topo_route rt = { .n_via = 0 };
	const char *router;
	char why[256] = "";
	json_t *via, *v;
	size_t i;
	int ret;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (route_args(params, &router, &rt.prefix, err) < 0)
		return -EINVAL;
	via = json_object_get(params, "via");
	if (!json_is_array(via) || json_array_size(via) == 0 ||
	    json_array_size(via) > TOPO_ECMP_MAX)
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.via: want a "
				     "list of 1 to %d next-hop addresses",
				     TOPO_ECMP_MAX);
	json_array_foreach(via, i, v) {
		if (!json_is_string(v) ||
		    topo_ipv4_parse(json_string_value(v), &rt.via[i]) < 0)
			return rpc_error_set(err, RPC_ERR_PARAMS, "params.via[%zu]: "
					     "not an IPv4 address", i);
		rt.n_via++;
	}
	ret = rt_route_add(router, &rt, why, sizeof(why));
	if (ret < 0)
		return rpc_error_set(err, ret == -ENOENT ? RPC_ERR_NOT_FOUND :
				     RPC_ERR_FAILED, "%s", why);
	return 0;
}

static int
route_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct topo_prefix pfx;
	const char *router;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (route_args(params, &router, &pfx, err) < 0)
		return -EINVAL;
	if (rt_route_del(router, pfx.addr, pfx.plen) < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "router '%s' has no "
				     "static route %s", router,
				     json_string_value(json_object_get(params, "prefix")));
	return 0;
}

static int
router_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	json_t *list = json_array();

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	for (unsigned int i = 0; i < RT_ROUTERS_MAX; i++) {
		struct topo_router tr = { .name = "" };
		struct rt_router_info info;
		json_t *o;

		if (rt_router_get(i, &info) < 0)
			continue;
		if (rt_router_export(i, &tr) < 0) {
			free(tr.ifaces);
			free(tr.routes);
			continue;
		}
		o = topo_router_to_json(&tr);
		free(tr.ifaces);
		free(tr.routes);
		if (o == NULL)
			continue;
		json_object_set_new(o, "neighbors", json_integer(info.n_neighs));
		json_object_set_new(o, "memory", json_integer((json_int_t)info.memory));
		json_array_append_new(list, o);
	}
	*result = list;
	return 0;
}

static int
neigh_row_json(const struct rt_neigh_row *row, void *arg)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE], ip[16];
	uint32_t a = rte_be_to_cpu_32(row->ip);

	rte_ether_format_addr(mac, sizeof(mac), &row->mac);
	snprintf(ip, sizeof(ip), "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff);
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:s, s:I}",
		"router", row->router, "network", row->network, "ip", ip,
		"mac", mac, "age", (json_int_t)row->age));
	return 0;
}

static int
neigh_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const char *name = NULL;
	int index = -1;
	json_t *list;

	RTE_SET_USED(ctx);
	if (rpc_param_str_opt(params, "router", &name, err) < 0)
		return -EINVAL;
	if (name != NULL) {
		index = rt_router_find(name);
		if (index < 0)
			return rpc_error_set(err, RPC_ERR_NOT_FOUND,
					     "params.router: no router called '%s'",
					     name);
	}
	list = json_array();
	rt_neigh_walk(index, neigh_row_json, list);
	*result = list;
	return 0;
}

static int
router_stats(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct rt_stats s;

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	rt_stats_get(&s);
	*result = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"neigh_queue_full", (json_int_t)s.neigh_queue_full,
		"neigh_learned", (json_int_t)s.neigh_learned,
		"neigh_updated", (json_int_t)s.neigh_updated,
		"neigh_aged", (json_int_t)s.neigh_aged,
		"arp_requests", (json_int_t)s.arp_requests,
		"held", (json_int_t)s.held,
		"released", (json_int_t)s.released,
		"icmp_sent", (json_int_t)s.icmp_sent,
		"icmp_suppressed", (json_int_t)s.icmp_suppressed);
	return 0;
}

int
rt_api_register(struct rpc_server *srv)
{
	static const struct rpc_method_def methods[] = {
		{ "neigh.list", neigh_list },
		{ "route.add", route_add },
		{ "route.del", route_del },
		{ "router.list", router_list },
		{ "router.stats", router_stats },
	};
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_ROUTER);
	int ret;

	/* yardd programs routers with the methods their row names. */
	ret = rpc_server_method_add(srv, k->dp_set, router_set, NULL);
	if (ret == 0)
		ret = rpc_server_method_add(srv, k->dp_del, router_del, NULL);
	if (ret == 0)
		ret = rpc_server_methods_add(srv, methods, RTE_DIM(methods), NULL);
	return ret;
}
