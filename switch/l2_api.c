/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC handlers of the switch: network.*, fdb.* and stats.switch. Thin
 * adapters: each checks its parameters, naming the bad field, and calls one
 * core function (for network.add/set, the one the topology apply calls).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "rpc.h"
#include "sw_priv.h"
#include "topology.h"

static int
network_arg(json_t *params, const char *key, bool required, int *bd,
	    struct rpc_error *err)
{
	const char *name = NULL;
	int ret;

	ret = required ? rpc_param_str(params, key, &name, err)
		       : rpc_param_str_opt(params, key, &name, err);
	if (ret < 0)
		return ret;
	if (name == NULL) {
		*bd = -1;
		return 0;
	}
	*bd = sw_network_find(name);
	if (*bd < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.%s: no network called '%s'", key, name);
	return 0;
}

static int
port_arg(json_t *params, const char *key, bool required, uint16_t *port,
	 struct rpc_error *err)
{
	const char *name = NULL;
	int ret, p;

	ret = required ? rpc_param_str(params, key, &name, err)
		       : rpc_param_str_opt(params, key, &name, err);
	if (ret < 0)
		return ret;
	if (name == NULL) {
		*port = DP_PORT_NONE;
		return 0;
	}
	p = dp_port_find(name);
	if (p < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.%s: no port called '%s'", key, name);
	*port = (uint16_t)p;
	return 0;
}

static int
mac_arg(json_t *params, struct rte_ether_addr *mac, struct rpc_error *err)
{
	const char *s;

	if (rpc_param_str(params, "mac", &s, err) < 0)
		return -EINVAL;
	if (topo_mac_parse(s, mac->addr_bytes) < 0)
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.mac: '%s' is not a MAC address "
				     "(want 6 hex pairs like 52:54:00:00:01:01)", s);
	return 0;
}

/*
 * Validate one network exactly as a topology file would be: the object is
 * the only one of a document's networks. One validator, one set of error
 * messages.
 */
static int
network_set_common(json_t *params, json_t **result, struct rpc_error *err,
		   bool create_only)
{
	struct topo_error terr;
	struct topo *t;
	char why[512];
	json_t *doc;
	int ret;

	if (!json_is_object(params))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params: a network object is expected");
	/* The topology reader takes 0 for "0"; a name is a string here. */
	if (!json_is_string(json_object_get(params, "name")))
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.name: a string "
				     "is required, like \"blue\"");
	doc = json_pack("{s:[O]}", "networks", params);
	t = topo_parse_json(doc, "params", &terr);
	json_decref(doc);
	if (t == NULL)
		return rpc_error_set(err, RPC_ERR_PARAMS, "%s", terr.msg);
	if (create_only && sw_network_find(t->networks[0].name) >= 0) {
		rpc_error_set(err, RPC_ERR_EXISTS, "params.name: network '%s' "
			      "exists already", t->networks[0].name);
		topo_free(t);
		return -EEXIST;
	}
	ret = sw_network_apply(&t->networks[0], why, sizeof(why));
	if (ret < 0)
		rpc_error_set(err, RPC_ERR_FAILED, "%s", why);
	else
		*result = json_pack("{s:s, s:i}", "name", t->networks[0].name,
				    "index", sw_network_find(t->networks[0].name));
	topo_free(t);
	return ret;
}

static int
network_add(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return network_set_common(params, result, err, true);
}

static int
network_set(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return network_set_common(params, result, err, false);
}

static int
network_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const char *name;
	int ret;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (rpc_param_str(params, "name", &name, err) < 0)
		return -EINVAL;
	ret = sw_network_del(name);
	if (ret == -ENOENT)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.name: no network called '%s'", name);
	if (ret == -EBUSY)
		return rpc_error_set(err, RPC_ERR_FAILED, "network '%s' still has "
				     "ports: move or delete them first", name);
	return ret;
}

static json_t *
network_to_json(uint16_t bd)
{
	struct sw_network_info info;

	if (sw_network_get(bd, &info) < 0)
		return NULL;
	return json_pack("{s:s, s:i, s:I, s:I, s:I, s:b, s:i, s:I, s:I, s:I}",
			 "name", info.conf.name, "index", info.index,
			 "vni", (json_int_t)info.conf.vni,
			 "mac_limit", (json_int_t)info.conf.mac_limit,
			 "ageing", (json_int_t)info.conf.ageing,
			 "arp_suppress", info.conf.arp_suppress,
			 "ports", info.n_ports,
			 "learned", (json_int_t)info.n_learned,
			 "learn_refused", (json_int_t)info.learn_refused,
			 "moves", (json_int_t)info.moves);
}

static int
network_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	json_t *list = json_array();

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++) {
		json_t *o = network_to_json(bd);

		if (o != NULL)
			json_array_append_new(list, o);
	}
	*result = list;
	return 0;
}

static int
fdb_row_json(const struct sw_fdb_row *row, void *arg)
{
	const struct sw_network *net = sw_networks[row->network];
	char mac[RTE_ETHER_ADDR_FMT_SIZE];

	dp_mac_format(mac, sizeof(mac), &row->mac);
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:b, s:I}",
		"network", net != NULL ? net->conf.name : "?",
		"mac", mac,
		"port", row->remote[0] != '\0' ? row->remote :
			row->port < DP_PORTS_MAX ? dp_ports[row->port].name : "?",
		"static", row->is_static,
		"age", (json_int_t)row->age));
	return 0;
}

static int
fdb_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	json_t *list;
	int bd;

	RTE_SET_USED(ctx);
	if (network_arg(params, "network", false, &bd, err) < 0)
		return -EINVAL;
	list = json_array();
	sw_fdb_walk(bd, fdb_row_json, list);
	*result = list;
	return 0;
}

static int
fdb_add(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct rte_ether_addr mac;
	uint16_t port;
	int bd, ret;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (network_arg(params, "network", true, &bd, err) < 0 ||
	    mac_arg(params, &mac, err) < 0 ||
	    port_arg(params, "port", true, &port, err) < 0)
		return -EINVAL;
	if (rte_is_multicast_ether_addr(&mac))
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.mac: a multicast "
				     "address cannot be a static entry");
	ret = sw_fdb_static_add((uint16_t)bd, &mac, port);
	if (ret == -EINVAL)
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.port: port '%s' "
				     "is not in that network", dp_ports[port].name);
	if (ret < 0)
		return rpc_error_set(err, RPC_ERR_FAILED, "fdb.add: %s (FDB full?)",
				     strerror(-ret));
	return 0;
}

static int
fdb_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct rte_ether_addr mac;
	int bd;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (network_arg(params, "network", true, &bd, err) < 0 ||
	    mac_arg(params, &mac, err) < 0)
		return -EINVAL;
	if (sw_fdb_del((uint16_t)bd, &mac) < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.mac: no such entry in that network");
	return 0;
}

static int
fdb_flush(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	bool statics = false;
	uint16_t port;
	int bd;

	RTE_SET_USED(ctx);
	if (network_arg(params, "network", false, &bd, err) < 0 ||
	    port_arg(params, "port", false, &port, err) < 0 ||
	    rpc_param_bool_opt(params, "static", &statics, err) < 0)
		return -EINVAL;
	*result = json_pack("{s:i}", "flushed", sw_fdb_flush(bd, port, statics));
	return 0;
}

static int
stats_switch(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct sw_stats s;

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	sw_stats_get(&s);
	*result = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			    "fdb_entries", (json_int_t)s.fdb_entries,
			    "fdb_size", (json_int_t)s.fdb_size,
			    "learned", (json_int_t)s.learned,
			    "moves", (json_int_t)s.moves,
			    "aged", (json_int_t)s.aged,
			    "learn_refused", (json_int_t)s.learn_refused,
			    "learn_queue_full", (json_int_t)s.learn_queue_full,
			    "fdb_full", (json_int_t)s.fdb_full,
			    "arp_suppressed", (json_int_t)s.arp_suppressed);
	return 0;
}

int
sw_api_register(struct rpc_server *srv)
{
	static const struct rpc_method_def methods[] = {
		{ "fdb.add", fdb_add },
		{ "fdb.del", fdb_del },
		{ "fdb.flush", fdb_flush },
		{ "fdb.list", fdb_list },
		{ "network.add", network_add },
		{ "network.list", network_list },
		{ "stats.switch", stats_switch },
	};
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_NETWORK);
	int ret;

	/* yardd programs the kind with the methods its row names. */
	ret = rpc_server_method_add(srv, k->dp_set, network_set, NULL);
	if (ret < 0)
		return ret;
	ret = rpc_server_method_add(srv, k->dp_del, network_del, NULL);
	if (ret == 0)
		ret = rpc_server_methods_add(srv, methods, RTE_DIM(methods), NULL);
	return ret;
}
