/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC handlers of the router: router.set, router.del, router.list,
 * route.add, route.del, route.list, route.get, neigh.list, router.stats.
 * Thin adapters: router.set reads its parameters
 * as a router of the topology schema and calls rt_router_set(), the
 * function the module's apply calls.
 */
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
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
	/* Without "routes", the router's routes stay (yardd sends them apart). */
	ret = json_object_get(params, "routes") != NULL ?
	      rt_router_set(&t->routers[0], why, sizeof(why)) :
	      rt_router_set_ifaces(&t->routers[0], why, sizeof(why));
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

/* Routes one request may carry: 50,000 fit in RPC_MAX_LINE. */
#define ROUTES_PER_REQUEST 100000
#define ROUTES_PAGE_MAX 50000

/* A prefix with its host bits zero, from `s`; `where` names the field. */
static int
prefix_arg(const char *s, const char *where, struct topo_prefix *pfx,
	   struct rpc_error *err)
{
	if (s == NULL || topo_prefix_parse(s, pfx) < 0 ||
	    (pfx->plen < 32 && (rte_be_to_cpu_32(pfx->addr) &
				(UINT32_MAX >> pfx->plen)) != 0))
		return rpc_error_set(err, RPC_ERR_PARAMS, "%s: '%s' is not a "
				     "prefix with its host bits zero (want e.g. "
				     "10.0.0.0/8)", where, s ? s : "(none)");
	return 0;
}

/* One route {prefix, via: [ip...]} of a request; `where` names it. */
static int
route_arg(json_t *o, const char *where, struct topo_route *rt,
	  struct rpc_error *err)
{
	char why[128];

	if (topo_route_from_json(o, rt, why, sizeof(why)) < 0)
		return rpc_error_set(err, RPC_ERR_PARAMS, "%s.%s", where, why);
	return 0;
}

/*
 * The routes of route.add: params.routes (a list), or one route in params
 * itself ({router, prefix, via}). A new array in *out.
 */
static int
routes_arg(json_t *params, struct topo_route **out, size_t *n,
	   struct rpc_error *err)
{
	json_t *list = json_object_get(params, "routes"), *o;
	char where[48];
	size_t i;

	if (list == NULL) {
		*out = malloc(sizeof(**out));
		*n = 1;
		if (*out == NULL)
			return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
		return route_arg(params, "params", *out, err);
	}
	if (!json_is_array(list) || json_array_size(list) == 0 ||
	    json_array_size(list) > ROUTES_PER_REQUEST)
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.routes: want a "
				     "list of 1 to %d routes {prefix, via}",
				     ROUTES_PER_REQUEST);
	*n = json_array_size(list);
	*out = malloc(*n * sizeof(**out));
	if (*out == NULL)
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	json_array_foreach(list, i, o) {
		snprintf(where, sizeof(where), "params.routes[%zu]", i);
		if (route_arg(o, where, &(*out)[i], err) < 0)
			return -EINVAL;
	}
	return 0;
}

static int
route_add(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct topo_route *rts = NULL;
	const char *router;
	unsigned int done = 0;
	char why[256] = "";
	size_t n = 0;
	int ret;

	RTE_SET_USED(ctx);
	if (rpc_param_str(params, "router", &router, err) < 0)
		return -EINVAL;
	/* Everything is checked before the first route goes in. */
	ret = routes_arg(params, &rts, &n, err);
	if (ret == 0)
		ret = rt_routes_add(router, rts, (unsigned int)n, &done, why,
				    sizeof(why));
	free(rts);
	if (ret == -EINVAL && why[0] == '\0')
		return ret;
	if (ret < 0) {
		rpc_error_data_set(err, json_pack("{s:I}", "done",
						  (json_int_t)done));
		return rpc_error_set(err, ret == -ENOENT ? RPC_ERR_NOT_FOUND :
				     RPC_ERR_FAILED, "%s", why);
	}
	*result = json_pack("{s:I}", "added", (json_int_t)n);
	return 0;
}

static int
route_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	json_t *list = json_object_get(params, "prefixes"), *v;
	struct topo_prefix *pfx;
	const char *router, *one = NULL;
	unsigned int done = 0;
	char where[48];
	size_t n, i;
	int ret;

	RTE_SET_USED(ctx);
	if (rpc_param_str(params, "router", &router, err) < 0)
		return -EINVAL;
	if (list == NULL && rpc_param_str(params, "prefix", &one, err) < 0)
		return -EINVAL;
	if (list != NULL && (!json_is_array(list) || json_array_size(list) == 0 ||
			     json_array_size(list) > ROUTES_PER_REQUEST))
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.prefixes: want "
				     "a list of 1 to %d prefixes",
				     ROUTES_PER_REQUEST);
	n = list != NULL ? json_array_size(list) : 1;
	pfx = malloc(n * sizeof(*pfx));
	if (pfx == NULL)
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	ret = list == NULL ? prefix_arg(one, "params.prefix", &pfx[0], err) : 0;
	json_array_foreach(list, i, v) {
		snprintf(where, sizeof(where), "params.prefixes[%zu]", i);
		ret = prefix_arg(json_string_value(v), where, &pfx[i], err);
		if (ret < 0)
			break;
	}
	if (ret == 0)
		ret = rt_routes_del(router, pfx, (unsigned int)n, &done);
	if (ret == -ENOENT) {
		char p[24];
		uint32_t a = rte_be_to_cpu_32(pfx[done].addr);

		snprintf(p, sizeof(p), "%u.%u.%u.%u/%u", a >> 24,
			 (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff,
			 pfx[done].plen);
		rpc_error_data_set(err, json_pack("{s:I}", "done",
						  (json_int_t)done));
		rpc_error_set(err, RPC_ERR_NOT_FOUND, rt_router_find(router) < 0 ?
			      "no router called '%s'" : "router '%s' has no "
			      "static route %s", router, p);
	}
	free(pfx);
	if (ret < 0)
		return ret;
	*result = json_pack("{s:I}", "deleted", (json_int_t)n);
	return 0;
}

static int
router_arg(json_t *params, int *index, struct rpc_error *err)
{
	const char *name;

	if (rpc_param_str(params, "router", &name, err) < 0)
		return -EINVAL;
	*index = rt_router_find(name);
	if (*index < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "params.router: no "
				     "router called '%s'", name);
	return 0;
}

static json_t *
ip_json(uint32_t be)
{
	uint32_t a = rte_be_to_cpu_32(be);

	return json_sprintf("%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff,
			    (a >> 8) & 0xff, a & 0xff);
}

static json_t *
prefix_json(uint32_t be, uint8_t plen)
{
	uint32_t a = rte_be_to_cpu_32(be);

	return json_sprintf("%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 0xff,
			    (a >> 8) & 0xff, a & 0xff, plen);
}

/* route.list: {router, offset?, limit?} -> {total, routes: [{prefix, via}]} */
static int
route_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	long long offset = 0, limit = ROUTES_PAGE_MAX;
	struct topo_route *rts;
	unsigned int n;
	json_t *list;
	int index;

	RTE_SET_USED(ctx);
	if (router_arg(params, &index, err) < 0 ||
	    rpc_param_int_opt(params, "offset", 0, UINT32_MAX, &offset, err) < 0 ||
	    rpc_param_int_opt(params, "limit", 1, ROUTES_PAGE_MAX, &limit, err) < 0)
		return -EINVAL;
	if (rt_router_routes((unsigned int)index, &rts, &n) < 0)
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	list = json_array();
	for (unsigned int i = (unsigned int)offset;
	     i < n && i < offset + limit; i++)
		json_array_append_new(list, topo_route_to_json(&rts[i]));
	free(rts);
	*result = json_pack("{s:I, s:I, s:o}", "total", (json_int_t)n,
			    "offset", (json_int_t)offset, "routes", list);
	return 0;
}

/* The neighbor state of next hop `ip` on interface `iface`, as JSON. */
static json_t *
neigh_state_json(uint16_t iface, uint32_t ip)
{
	struct rt_neigh_key key = { .iface = iface, .ip = ip };
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	struct rte_ether_addr ea;
	const struct rt_neigh *n;
	void *data;
	uint64_t w;

	if (rt_neigh_hash == NULL ||
	    rte_hash_lookup_data(rt_neigh_hash, &key, &data) < 0)
		return json_pack("{s:s}", "state", "none");
	n = data;
	w = __atomic_load_n(&n->mac, __ATOMIC_ACQUIRE);
	if (!(w & RT_MAC_VALID))
		return json_pack("{s:s}", "state", "incomplete");
	rt_mac_unword(w, ea.addr_bytes);
	rte_ether_format_addr(mac, sizeof(mac), &ea);
	return json_pack("{s:s, s:s, s:I}", "state", n->is_static ? "static" :
			 "reachable", "mac", mac,
			 (json_int_t)(dp_clock_now() - n->confirmed));
}

/*
 * route.get: {router, ip, src?, proto?, sport?, dport?} -> the chosen rule,
 * its next hops with their neighbor state, and, given a source, the member
 * ip4-lookup picks for that 5-tuple.
 */
static int
route_get(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const char *ip_s, *src_s = NULL;
	long long proto = 0, sport = 0, dport = 0;
	struct rt_route_hit hit;
	uint32_t ip, src = 0;
	json_t *via;
	int index, ret;

	RTE_SET_USED(ctx);
	if (router_arg(params, &index, err) < 0 ||
	    rpc_param_str(params, "ip", &ip_s, err) < 0 ||
	    rpc_param_str_opt(params, "src", &src_s, err) < 0 ||
	    rpc_param_int_opt(params, "proto", 0, 255, &proto, err) < 0 ||
	    rpc_param_int_opt(params, "sport", 0, 65535, &sport, err) < 0 ||
	    rpc_param_int_opt(params, "dport", 0, 65535, &dport, err) < 0)
		return -EINVAL;
	if (topo_ipv4_parse(ip_s, &ip) < 0)
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.ip: '%s' is not "
				     "an IPv4 address", ip_s);
	if (src_s != NULL && topo_ipv4_parse(src_s, &src) < 0)
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.src: '%s' is "
				     "not an IPv4 address", src_s);
	ret = rt_route_lookup((unsigned int)index, ip, &hit);
	if (ret < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "router '%s' has no "
				     "route to %s", json_string_value(
				     json_object_get(params, "router")), ip_s);
	via = json_array();
	for (unsigned int i = 0; i < hit.n_via; i++)
		json_array_append_new(via, json_pack("{s:o, s:s, s:o}",
			"ip", ip_json(hit.via[i]), "network", hit.network[i],
			"neighbor", hit.local ? json_pack("{s:s}", "state", "local") :
				    neigh_state_json(hit.iface[i], hit.via[i])));
	*result = json_pack("{s:s, s:o, s:s, s:o}", "ip", ip_s, "prefix",
			    prefix_json(hit.prefix, hit.plen), "kind",
			    hit.local ? "local" : hit.connected ? "connected" :
			    "static", "via", via);
	if (src_s != NULL)
		json_object_set_new(*result, "member", json_integer(
			rt_route_member(&hit, src, ip, (uint8_t)proto,
					(uint16_t)sport, (uint16_t)dport)));
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
		if (rt_router_export(i, &tr, false) < 0) {
			free(tr.ifaces);
			continue;
		}
		o = topo_router_to_json(&tr);
		free(tr.ifaces);
		if (o == NULL)
			continue;
		json_object_set_new(o, "route_count", json_integer(info.n_routes));
		json_object_set_new(o, "route_digest", json_sprintf("%016" PRIx64,
								   info.digest));
		json_object_set_new(o, "rules", json_integer(info.n_rules));
		json_object_set_new(o, "tbl8_groups", json_integer(info.tbl8_groups));
		json_object_set_new(o, "tbl8_capacity", json_integer(info.tbl8_cap));
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
		{ "route.get", route_get },
		{ "route.list", route_list },
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
