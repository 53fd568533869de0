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

static void
stub_port(json_t *ports, const char *name, const char *network)
{
	if (name != NULL)
		json_array_append_new(ports, json_pack("{s:s, s:s, s:s}",
			"name", name, "kind", "pcap", "network", network));
}

/*
 * Decode a rule in its schema form with the topology parser, so that a
 * rule reads the same in a document and in a request. The parser checks
 * references within the document: the network and ports the rule names
 * are given to it as stubs, and flow_rule_set() checks they exist here.
 */
static int
flow_decode(json_t *params, struct topo_flow *f, struct rpc_error *err)
{
	const char *net = str_at(params, "network", NULL);
	const char *stub_net = net != NULL ? net : "any";
	json_t *doc, *ports = json_array();
	struct topo_error terr;
	struct topo *t;

	stub_port(ports, str_at(params, "match", "in_port"), stub_net);
	stub_port(ports, str_at(params, "action", "output"), stub_net);
	stub_port(ports, str_at(params, "action", "mirror"), stub_net);
	doc = json_pack("{s:[{s:s}], s:o, s:[O]}", "networks", "name", stub_net,
			"ports", ports, "flows", params);
	t = topo_parse_json(doc, "params", &terr);
	json_decref(doc);
	if (t == NULL)
		return rpc_error_set(err, RPC_ERR_PARAMS, "%s", terr.msg);
	*f = t->flows[0];
	topo_free(t);
	return 0;
}

static int
flow_set(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct topo_flow f;
	char why[256];
	int ret;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (flow_decode(params, &f, err) < 0)
		return -EINVAL;
	ret = flow_rule_set(&f, why, sizeof(why));
	if (ret == -ENOENT)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "%s", why);
	if (ret == -ENOTSUP)
		return rpc_error_set(err, RPC_ERR_PARAMS, "%s", why);
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
	int ret;

	ret = rpc_server_method_add(srv, FLOW_METHOD_SET, flow_set, NULL);
	if (ret == 0)
		ret = rpc_server_method_add(srv, FLOW_METHOD_DEL, flow_del, NULL);
	if (ret == 0)
		ret = rpc_server_method_add(srv, FLOW_METHOD_LIST, flow_list, NULL);
	return ret;
}
