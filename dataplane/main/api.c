/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yard-dp's own JSON-RPC methods: port.*, stats.*, topology.apply, version.
 * The switch registers network.* and fdb.* itself (switch/l2_api.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dataplane.h"
#include "switch.h"
#include "yard.h"

/*
 * Validate a port object exactly as a topology file would be: wrap it in a
 * document that also lists the networks of now, and parse that. One
 * validator, one set of error messages.
 */
static struct topo *
port_topo_parse(json_t *port, struct rpc_error *err)
{
	json_t *doc = json_object(), *nets = json_array(), *ports = json_array();
	struct topo_error terr;
	struct topo *t = NULL;
	char *text;

	for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++) {
		struct sw_network_info info;

		if (sw_network_get(bd, &info) == 0)
			json_array_append_new(nets, json_pack("{s:s}", "name",
							      info.conf.name));
	}
	json_array_append(ports, port);
	json_object_set_new(doc, "networks", nets);
	json_object_set_new(doc, "ports", ports);
	text = json_dumps(doc, JSON_INDENT(1));
	json_decref(doc);
	if (text == NULL) {
		rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
		return NULL;
	}
	t = topo_parse_string(text, strlen(text), "params", &terr);
	free(text);
	if (t == NULL)
		rpc_error_set(err, RPC_ERR_PARAMS, "%s", terr.msg);
	return t;
}

static int
port_add(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	char why[512];
	struct topo *t;
	int ret;

	RTE_SET_USED(ctx);
	if (!json_is_object(params))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params: a port object is expected");
	t = port_topo_parse(params, err);
	if (t == NULL)
		return -EINVAL;
	if (dp_port_find(t->ports[0].name) >= 0) {
		rpc_error_set(err, RPC_ERR_EXISTS, "params.name: port '%s' exists "
			      "already", t->ports[0].name);
		topo_free(t);
		return -EEXIST;
	}
	ret = yard_port_apply(&t->ports[0], why, sizeof(why));
	if (ret < 0)
		rpc_error_set(err, RPC_ERR_FAILED, "%s", why);
	else
		*result = json_pack("{s:s, s:i}", "name", t->ports[0].name,
				    "index", dp_port_find(t->ports[0].name));
	topo_free(t);
	return ret;
}

static int
port_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const char *name;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (rpc_param_str(params, "name", &name, err) < 0)
		return -EINVAL;
	if (yard_port_del(name) < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.name: no port called '%s'", name);
	return 0;
}

static json_t *
port_json(uint16_t p, bool with_stats)
{
	const struct dp_port *dp = &dp_ports[p];
	struct rte_eth_link link = { 0 };
	char mac[RTE_ETHER_ADDR_FMT_SIZE], attach[256];
	json_t *o;

	rte_eth_link_get_nowait(dp->port_id, &link);
	rte_ether_format_addr(mac, sizeof(mac), &dp->mac);
	sw_port_describe(p, attach, sizeof(attach));
	o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:I, s:i, s:i}",
		      "name", dp->name, "index", p, "devargs", dp->devargs,
		      "mac", mac, "network", attach,
		      "link", link.link_status ? "up" : "down",
		      "speed_mbps", (json_int_t)link.link_speed,
		      "rx_queues", dp->n_rxq, "tx_queues", dp->n_txq);
	if (with_stats) {
		struct dp_port_counters c;

		dp_port_counters_get(p, &c);
		json_object_set_new(o, "stats", json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:I}",
			"rx_packets", (json_int_t)c.rx_pkts,
			"rx_bytes", (json_int_t)c.rx_bytes,
			"tx_packets", (json_int_t)c.tx_pkts,
			"tx_bytes", (json_int_t)c.tx_bytes,
			"drops", (json_int_t)c.drops,
			"tx_drops", (json_int_t)c.tx_drops));
	}
	return o;
}

static int
ports_json(json_t *params, json_t **result, struct rpc_error *err,
	   bool with_stats)
{
	const char *name = NULL;
	json_t *list;

	if (rpc_param_str_opt(params, "name", &name, err) < 0)
		return -EINVAL;
	if (name != NULL && dp_port_find(name) < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.name: no port called '%s'", name);
	list = json_array();
	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (dp_ports[p].used &&
		    (name == NULL || strcmp(name, dp_ports[p].name) == 0))
			json_array_append_new(list, port_json(p, with_stats));
	*result = list;
	return 0;
}

static int
port_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return ports_json(params, result, err, false);
}

static int
port_stats(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return ports_json(params, result, err, true);
}

static int
stats_nodes(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct dp_node_stats st[64];
	unsigned int n = dp_node_stats_get(st, RTE_DIM(st));
	json_t *list = json_array();

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	for (unsigned int i = 0; i < n; i++)
		json_array_append_new(list, json_pack(
			"{s:s, s:I, s:I, s:I, s:f, s:f}",
			"node", st[i].name,
			"calls", (json_int_t)st[i].calls,
			"packets", (json_int_t)st[i].objs,
			"cycles", (json_int_t)st[i].cycles,
			"packets_per_call", st[i].calls ?
				(double)st[i].objs / st[i].calls : 0.0,
			"cycles_per_packet", st[i].objs ?
				(double)st[i].cycles / st[i].objs : 0.0));
	*result = list;
	return 0;
}

static int
stats_drops(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	json_t *o = json_object();

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	for (unsigned int r = 1; r < DP_DROP_MAX; r++) {
		const char *name = dp_drop_reason_name(r);
		uint64_t sum = 0;

		if (name == NULL)
			continue;
		for (unsigned int w = 0; w < dp_n_workers; w++)
			sum += dp_workers[w].drops[r];
		json_object_set_new(o, name, json_integer((json_int_t)sum));
	}
	*result = o;
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
	*result = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			    "fdb_entries", (json_int_t)s.fdb_entries,
			    "fdb_size", (json_int_t)s.fdb_size,
			    "learned", (json_int_t)s.learned,
			    "moves", (json_int_t)s.moves,
			    "aged", (json_int_t)s.aged,
			    "learn_refused", (json_int_t)s.learn_refused,
			    "learn_queue_full", (json_int_t)s.learn_queue_full,
			    "fdb_full", (json_int_t)s.fdb_full);
	return 0;
}

static int
topology_apply(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const char *text = NULL;
	struct topo_error terr;
	struct topo *t;
	char why[512];
	bool do_prune = true;
	int ret;

	RTE_SET_USED(ctx);
	if (rpc_param_str_opt(params, "text", &text, err) < 0 ||
	    rpc_param_bool_opt(params, "prune", &do_prune, err) < 0)
		return -EINVAL;
	if (text != NULL) {
		t = topo_parse_string(text, strlen(text), "params.text", &terr);
	} else {
		json_t *obj = json_object_get(params, "topology");
		char *dump;

		if (!json_is_object(obj))
			return rpc_error_set(err, RPC_ERR_PARAMS, "params: give "
					     "'text' (YAML or JSON) or 'topology' "
					     "(an object)");
		dump = json_dumps(obj, JSON_INDENT(1));
		if (dump == NULL)
			return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
		t = topo_parse_string(dump, strlen(dump), "params.topology", &terr);
		free(dump);
	}
	if (t == NULL)
		return rpc_error_set(err, RPC_ERR_PARAMS, "%s", terr.msg);
	ret = yard_apply(t, do_prune, why, sizeof(why));
	if (ret < 0)
		rpc_error_set(err, RPC_ERR_FAILED, "%s", why);
	else
		*result = json_pack("{s:i, s:i}", "networks", t->n_networks,
				    "ports", t->n_ports);
	topo_free(t);
	return ret;
}

static int
version(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	*result = json_pack("{s:s, s:s, s:i}", "name", "yard-dp",
			    "version", YARD_VERSION, "workers", dp_n_workers);
	return 0;
}

int
yard_api_register(struct rpc_server *srv)
{
	static const struct {
		const char *name;
		rpc_method_fn fn;
	} methods[] = {
		{ "port.add", port_add },
		{ "port.del", port_del },
		{ "port.list", port_list },
		{ "port.stats", port_stats },
		{ "stats.drops", stats_drops },
		{ "stats.nodes", stats_nodes },
		{ "stats.switch", stats_switch },
		{ "topology.apply", topology_apply },
		{ "version", version },
	};

	for (unsigned int i = 0; i < RTE_DIM(methods); i++) {
		int ret = rpc_server_method_add(srv, methods[i].name,
						methods[i].fn, NULL);
		if (ret < 0)
			return ret;
	}
	return sw_api_register(srv);
}
