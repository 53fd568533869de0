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
 * Validate one network or port object exactly as a topology file would be:
 * wrap it in a document (with the networks of now, which a port refers to)
 * and parse that. One validator, one set of error messages.
 */
static struct topo *
object_parse(const char *kind, json_t *obj, struct rpc_error *err)
{
	json_t *doc = json_object(), *nets = json_array(), *list = json_array();
	struct topo_error terr;
	struct topo *t;

	if (!json_is_object(obj)) {
		json_decref(doc);
		json_decref(nets);
		json_decref(list);
		rpc_error_set(err, RPC_ERR_PARAMS, "params: a %s object is expected",
			      kind);
		return NULL;
	}
	json_array_append(list, obj);
	if (strcmp(kind, "port") == 0) {
		for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++) {
			struct sw_network_info info;

			if (sw_network_get(bd, &info) == 0)
				json_array_append_new(nets, json_pack("{s:s}", "name",
								      info.conf.name));
		}
		json_object_set_new(doc, "networks", nets);
		json_object_set_new(doc, "ports", list);
	} else {
		json_decref(nets);
		json_object_set_new(doc, "networks", list);
	}
	t = topo_parse_json(doc, "params", &terr);
	json_decref(doc);
	if (t == NULL)
		rpc_error_set(err, RPC_ERR_PARAMS, "%s", terr.msg);
	return t;
}

static int
network_set_common(json_t *params, json_t **result, struct rpc_error *err,
		   bool create_only)
{
	char why[512];
	struct topo *t = object_parse("network", params, err);
	int ret;

	if (t == NULL)
		return -EINVAL;
	if (create_only && sw_network_find(t->networks[0].name) >= 0) {
		rpc_error_set(err, RPC_ERR_EXISTS, "params.name: network '%s' "
			      "exists already", t->networks[0].name);
		topo_free(t);
		return -EEXIST;
	}
	ret = yard_network_apply(&t->networks[0], why, sizeof(why));
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
port_set_common(json_t *params, json_t **result, struct rpc_error *err,
		bool create_only)
{
	char why[512];
	struct topo *t = object_parse("port", params, err);
	int ret;

	if (t == NULL)
		return -EINVAL;
	if (create_only && dp_port_find(t->ports[0].name) >= 0) {
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
port_add(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return port_set_common(params, result, err, true);
}

static int
port_set(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return port_set_common(params, result, err, false);
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
		struct rte_eth_stats es;
		struct dp_port_counters c;
		json_t *queues = json_array();

		/* Per-queue packets, as the driver counts them. */
		if (rte_eth_stats_get(dp->port_id, &es) == 0)
			for (unsigned int q = 0; q < RTE_MAX(dp->n_rxq, dp->n_txq) &&
			     q < RTE_ETHDEV_QUEUE_STAT_CNTRS; q++)
				json_array_append_new(queues, json_pack("{s:I, s:I}",
					"rx_packets", (json_int_t)es.q_ipackets[q],
					"tx_packets", (json_int_t)es.q_opackets[q]));
		json_object_set_new(o, "queues", queues);
		json_object_set_new(o, "link_events", json_integer((json_int_t)
			__atomic_load_n(&dp->link_events, __ATOMIC_RELAXED)));
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

		if (!json_is_object(obj))
			return rpc_error_set(err, RPC_ERR_PARAMS, "params: give "
					     "'text' (YAML or JSON) or 'topology' "
					     "(an object)");
		t = topo_parse_json(obj, "params.topology", &terr);
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
topology_export(void *ctx, json_t *params, json_t **result,
		struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	*result = yard_export();
	return 0;
}

/*
 * Run operations in order through the same handlers as single requests;
 * stop at the first error. yardd programs the dataplane this way.
 */
static int
batch(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct rpc_server *srv = ctx;
	json_t *ops = json_object_get(params, "ops"), *op;
	size_t i;

	if (!json_is_array(ops))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.ops: a list of {method, params} is "
				     "expected");
	json_array_foreach(ops, i, op) {
		const char *method = json_string_value(json_object_get(op, "method"));
		json_t *p = json_object_get(op, "params"), *res = NULL;
		struct rpc_error e = { 0 };

		/* The failing index goes in "data" for programs to read. */
		if (method == NULL || strcmp(method, "batch") == 0) {
			rpc_error_data_set(err, json_pack("{s:I}", "op",
							  (json_int_t)i));
			return rpc_error_set(err, RPC_ERR_PARAMS, "ops[%zu].method: "
					     "the name of a method (not batch) is "
					     "expected", i);
		}
		if (p == NULL)
			p = json_object();
		else
			json_incref(p);
		if (rpc_server_call(srv, method, p, &res, &e) != 0) {
			json_decref(p);
			rpc_error_set(err, e.code, "ops[%zu] (%s): %s", i, method,
				      e.message);
			rpc_error_clear(&e);
			rpc_error_data_set(err, json_pack("{s:I}", "op",
							  (json_int_t)i));
			return -EINVAL;
		}
		json_decref(p);
		json_decref(res);
	}
	*result = json_pack("{s:i}", "done", (int)json_array_size(ops));
	return 0;
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
		{ "network.add", network_add },
		{ "network.set", network_set },
		{ "port.add", port_add },
		{ "port.del", port_del },
		{ "port.list", port_list },
		{ "port.set", port_set },
		{ "port.stats", port_stats },
		{ "stats.drops", stats_drops },
		{ "stats.nodes", stats_nodes },
		{ "stats.switch", stats_switch },
		{ "topology.apply", topology_apply },
		{ "topology.export", topology_export },
		{ "version", version },
	};
	int ret;

	for (unsigned int i = 0; i < RTE_DIM(methods); i++) {
		ret = rpc_server_method_add(srv, methods[i].name, methods[i].fn,
					    NULL);
		if (ret < 0)
			return ret;
	}
	ret = rpc_server_method_add(srv, "batch", batch, srv);
	if (ret < 0)
		return ret;
	return sw_api_register(srv);
}
