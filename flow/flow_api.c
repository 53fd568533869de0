/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC handlers of the flow table: flow.set, flow.del, flow.list. Thin
 * adapters over the functions apply uses too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "flow_priv.h"
#include "rpc.h"

static const char *
str_at(json_t *obj, const char *k1, const char *k2)
{
	json_t *v = json_object_get(obj, k1);

	if (k2 != NULL)
		v = json_is_object(v) ? json_object_get(v, k2) : NULL;
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/*
 * Decode rules in their schema form with the topology parser, so that a
 * rule reads the same in a document and in a request. The parser checks
 * references within the document: the networks and ports the rules name
 * are given to it as stubs, and flow_rules_update() checks they exist here.
 */
static struct topo *
flows_decode(json_t *rules, struct rpc_error *err)
{
	json_t *nets = json_object(), *ports = json_object(), *doc, *a, *b, *v;
	static const char *const refs[][2] = {
		{ "match", "in_port" }, { "action", "output" }, { "action", "mirror" },
	};
	struct topo_error terr;
	const char *name;
	struct topo *t;
	size_t i;

	json_object_set_new(nets, "any", json_null());
	json_array_foreach(rules, i, v) {
		if ((name = str_at(v, "network", NULL)) != NULL)
			json_object_set_new(nets, name, json_null());
		for (size_t k = 0; k < RTE_DIM(refs); k++)
			if ((name = str_at(v, refs[k][0], refs[k][1])) != NULL)
				json_object_set_new(ports, name, json_null());
	}
	a = json_array();
	json_object_foreach(nets, name, v)
		json_array_append_new(a, json_pack("{s:s}", "name", name));
	b = json_array();
	json_object_foreach(ports, name, v)
		json_array_append_new(b, json_pack("{s:s, s:s, s:s}", "name", name,
						   "kind", "pcap", "network", "any"));
	doc = json_pack("{s:o, s:o, s:O}", "networks", a, "ports", b,
			"flows", rules);
	t = topo_parse_json(doc, "params", &terr);
	json_decref(doc);
	json_decref(nets);
	json_decref(ports);
	if (t == NULL)
		rpc_error_set(err, RPC_ERR_PARAMS, "%s", terr.msg);
	return t;
}

/*
 * params: one rule, or {"flows": [rule, ...]} to set many with one
 * rebuild of the table (all or none).
 */
static int
flow_set(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	json_t *list = json_object_get(params, "flows");
	struct topo *t;
	char why[256];
	int ret;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (list != NULL && !json_is_array(list))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params.flows: expected a list of rules");
	list = list != NULL ? json_incref(list) : json_pack("[O]", params);
	t = flows_decode(list, err);
	json_decref(list);
	if (t == NULL)
		return -EINVAL;
	ret = flow_rules_update(t->flows, t->n_flows, false, why, sizeof(why));
	topo_free(t);
	if (ret == -ENOENT)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "%s", why);
	if (ret < 0)
		return rpc_error_set(err, RPC_ERR_FAILED, "%s", why);
	return 0;
}

static int
flow_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const char *name;
	int ret;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (rpc_param_str(params, "name", &name, err) < 0)
		return -EINVAL;
	ret = flow_rule_del(name);
	if (ret == -ENOENT)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.name: no flow called '%s'", name);
	if (ret < 0)
		return rpc_error_set(err, RPC_ERR_FAILED, "flow.del %s: %s", name,
				     strerror(-ret));
	return 0;
}

static int
flow_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct flow_rule_info info;
	json_t *list = json_array();

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	for (unsigned int i = 0; flow_rule_get(i, &info) == 0; i++) {
		json_t *o = topo_flow_to_json(&info.conf);

		json_object_set_new(o, "packets", json_integer((json_int_t)info.packets));
		json_object_set_new(o, "bytes", json_integer((json_int_t)info.bytes));
		json_array_append_new(list, o);
	}
	*result = list;
	return 0;
}

int
flow_api_register(struct rpc_server *srv)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_FLOW);
	int ret;

	/* yardd programs the kind with the methods its row names. */
	ret = rpc_server_method_add(srv, k->dp_set, flow_set, NULL);
	if (ret == 0)
		ret = rpc_server_method_add(srv, k->dp_del, flow_del, NULL);
	if (ret == 0)
		ret = rpc_server_method_add(srv, FLOW_METHOD_LIST, flow_list, NULL);
	return ret;
}
