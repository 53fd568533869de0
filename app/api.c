/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The programs' own JSON-RPC methods: stats.nodes, stats.drops,
 * topology.apply, topology.export, batch and version. Every module
 * registers its own (port.*, network.*, fdb.*, ...).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataplane.h"
#include "vnic.h"
#include "yard.h"

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

json_t *
yard_export(bool routes)
{
	struct topo *t = calloc(1, sizeof(*t));
	json_t *doc = NULL;

	if (t != NULL)
		t->no_routes = !routes;
	if (t != NULL && dp_modules_export(t) == 0)
		doc = topo_to_json(t);
	topo_free(t);
	if (doc == NULL)
		return NULL;
	/* yardd and scripts find both lists, even empty. */
	if (json_object_get(doc, "networks") == NULL)
		json_object_set_new(doc, "networks", json_array());
	if (json_object_get(doc, "ports") == NULL)
		json_object_set_new(doc, "ports", json_array());
	return doc;
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
	ret = dp_modules_apply(t, do_prune, why, sizeof(why));
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
	bool routes = true;

	RTE_SET_USED(ctx);
	if (rpc_param_bool_opt(params, "routes", &routes, err) < 0)
		return -EINVAL;
	*result = yard_export(routes);
	if (*result == NULL)
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	return 0;
}

/* The error of operation `i` of `ops`, for batch(). */
static int
batch_error(json_t *ops, size_t i, int code, const char *msg,
	    struct rpc_error *err)
{
	const char *method = json_string_value(json_object_get(
		json_array_get(ops, i), "method"));

	rpc_error_set(err, code, "ops[%zu] (%s): %s", i, method, msg);
	rpc_error_data_set(err, json_pack("{s:I}", "op", (json_int_t)i));
	return -EINVAL;
}

/*
 * Carry out what modules set aside since operation `run` (struct
 * dp_module, flush). 0, or -EINVAL with the error of the operation whose
 * change failed.
 */
static int
batch_flush(json_t *ops, size_t run, struct rpc_error *err)
{
	unsigned int failed = 0;
	char why[256];
	int ret = dp_modules_flush(&failed, why, sizeof(why));

	if (ret == 0)
		return 0;
	return batch_error(ops, run + failed, ret == -ENOENT ?
			   RPC_ERR_NOT_FOUND : RPC_ERR_FAILED, why, err);
}

/*
 * Run operations in order through the same handlers as single requests;
 * stop at the first error. yardd programs the dataplane this way. Modules
 * may carry out a run of operations of one method together (a flow table
 * is rebuilt once for all the flow.set of a run).
 */
static int
batch(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct rpc_server *srv = ctx;
	json_t *ops = json_object_get(params, "ops"), *op;
	const char *prev = NULL;
	size_t i, run = 0;
	int ret = 0;

	if (!json_is_array(ops))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.ops: a list of {method, params} is "
				     "expected");
	dp_batch_set(true);
	json_array_foreach(ops, i, op) {
		const char *method = json_string_value(json_object_get(op, "method"));
		json_t *p = json_object_get(op, "params"), *res = NULL;
		struct rpc_error e = { 0 };

		if (prev != NULL && (method == NULL || strcmp(method, prev) != 0)) {
			ret = batch_flush(ops, run, err);
			if (ret < 0)
				break;
			run = i;
		}
		prev = method;
		/* The failing index goes in "data" for programs to read. */
		if (method == NULL || strcmp(method, "batch") == 0) {
			rpc_error_set(err, RPC_ERR_PARAMS, "ops[%zu].method: the "
				      "name of a method (not batch) is expected",
				      i);
			rpc_error_data_set(err, json_pack("{s:I}", "op",
							  (json_int_t)i));
			ret = -EINVAL;
			break;
		}
		if (p == NULL)
			p = json_object();
		else
			json_incref(p);
		ret = rpc_server_call(srv, method, p, &res, &e);
		json_decref(p);
		json_decref(res);
		if (ret != 0) {
			/* What came before it is done, if it can be. */
			if (batch_flush(ops, run, err) == 0)
				batch_error(ops, i, e.code, e.message, err);
			rpc_error_clear(&e);
			ret = -EINVAL;
			break;
		}
	}
	if (ret == 0)
		ret = batch_flush(ops, run, err);
	dp_batch_set(false);
	if (ret == 0)
		*result = json_pack("{s:i}", "done", (int)json_array_size(ops));
	return ret;
}

static int
version(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);

	/*
	 * ports_max: the ports that are ethdevs (all but vhost), at most
	 * RTE_MAX_ETHPORTS; vnics_max: vhost ports, beside those.
	 */
	*result = json_pack("{s:s, s:s, s:i, s:i, s:i}", "name", "yard-dp",
			    "version", YARD_VERSION, "workers", dp_n_workers,
			    "ports_max", RTE_MAX_ETHPORTS, "vnics_max", VNIC_MAX);
	return 0;
}

int
yard_api_register(struct rpc_server *srv)
{
	static const struct rpc_method_def methods[] = {
		{ "stats.drops", stats_drops },
		{ "stats.nodes", stats_nodes },
		{ "topology.apply", topology_apply },
		{ "topology.export", topology_export },
		{ "version", version },
	};
	int ret;

	ret = rpc_server_methods_add(srv, methods, RTE_DIM(methods), NULL);
	if (ret < 0)
		return ret;
	ret = rpc_server_method_add(srv, "batch", batch, srv);
	if (ret < 0)
		return ret;
	return dp_modules_api_register(srv);
}
