/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC handlers of static neighbors: neigh.add, neigh.del, neigh.flush
 * (neigh.list is with the router's other methods in rt_api.c).
 */
#include <errno.h>
#include <stdio.h>

#include "rpc.h"
#include "rt_priv.h"
#include "topology.h"

int rt_neigh_api_register(struct rpc_server *srv);

/* params.router: the index of an existing router. */
static int
router_arg(json_t *params, bool required, int *index, struct rpc_error *err)
{
	const char *name = NULL;
	int ret = required ? rpc_param_str(params, "router", &name, err) :
			     rpc_param_str_opt(params, "router", &name, err);

	*index = -1;
	if (ret < 0 || name == NULL)
		return ret < 0 ? -EINVAL : 0;
	*index = rt_router_find(name);
	if (*index < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.router: no router called '%s'", name);
	return 0;
}

static int
address_arg(json_t *params, uint32_t *ip, struct rpc_error *err)
{
	const char *s;

	if (rpc_param_str(params, "address", &s, err) < 0)
		return -EINVAL;
	if (topo_ipv4_parse(s, ip) < 0)
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.address: '%s' is not an IPv4 address", s);
	return 0;
}

static int
neigh_add(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct rte_ether_addr mac;
	char why[256] = "";
	const char *s;
	uint32_t ip;
	int index, ret;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (router_arg(params, true, &index, err) < 0 ||
	    address_arg(params, &ip, err) < 0 ||
	    rpc_param_str(params, "mac", &s, err) < 0)
		return -EINVAL;
	if (rte_ether_unformat_addr(s, &mac) < 0)
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.mac: '%s' is not a MAC address", s);
	ret = rt_neigh_static_add((unsigned int)index, ip, &mac, why, sizeof(why));
	if (ret < 0)
		return rpc_error_set(err, ret == -EINVAL ? RPC_ERR_PARAMS :
				     RPC_ERR_FAILED, "%s", why);
	return 0;
}

static int
neigh_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	uint32_t ip;
	int index;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (router_arg(params, true, &index, err) < 0 ||
	    address_arg(params, &ip, err) < 0)
		return -EINVAL;
	if (rt_neigh_del((unsigned int)index, ip) < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.address: router '%s' has no neighbor %s",
				     rt_routers[index]->name,
				     json_string_value(json_object_get(params, "address")));
	return 0;
}

static int
neigh_flush(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	bool statics = false;
	int index;

	RTE_SET_USED(ctx);
	if (router_arg(params, false, &index, err) < 0 ||
	    rpc_param_bool_opt(params, "static", &statics, err) < 0)
		return -EINVAL;
	*result = json_pack("{s:I}", "flushed",
			    (json_int_t)rt_neigh_flush(index, statics));
	return 0;
}

int
rt_neigh_api_register(struct rpc_server *srv)
{
	static const struct rpc_method_def methods[] = {
		{ "neigh.add", neigh_add },
		{ "neigh.del", neigh_del },
		{ "neigh.flush", neigh_flush },
	};

	return rpc_server_methods_add(srv, methods, RTE_DIM(methods), NULL);
}
