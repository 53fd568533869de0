/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * JSON-RPC handlers of the flow table: flow.set, flow.del, flow.list. Thin
 * adapters over the functions apply uses too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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
 * Changes set aside while a batch is open, carried out by flow_flush():
 * the rules of the flow.set calls or the names of the flow.del calls since
 * the last flush (a batch flushes between the two), each with the number
 * of its call.
 */
static struct {
	struct topo_flow *sets;
	char **dels;
	unsigned int *op;	/* [i]: the call of sets[i] or dels[i]. */
	unsigned int *idx;	/* Scratch of flush_sets(). */
	unsigned int n, cap;
	unsigned int calls;	/* Since the last flush. */
} pend;

static int
pend_grow(unsigned int more)
{
	unsigned int cap = pend.cap != 0 ? pend.cap : 64;
	void *p;

	while (cap < pend.n + more)
		cap *= 2;
	if (cap == pend.cap)
		return 0;
	if ((p = realloc(pend.sets, cap * sizeof(*pend.sets))) == NULL)
		return -ENOMEM;
	pend.sets = p;
	if ((p = realloc(pend.dels, cap * sizeof(*pend.dels))) == NULL)
		return -ENOMEM;
	pend.dels = p;
	if ((p = realloc(pend.op, cap * sizeof(*pend.op))) == NULL)
		return -ENOMEM;
	pend.op = p;
	if ((p = realloc(pend.idx, cap * sizeof(*pend.idx))) == NULL)
		return -ENOMEM;
	pend.idx = p;
	pend.cap = cap;
	return 0;
}

static int
idx_cmp(const void *a, const void *b)
{
	unsigned int i = *(const unsigned int *)a, j = *(const unsigned int *)b;
	int c = strcmp(pend.sets[i].name, pend.sets[j].name);

	return c != 0 ? c : i < j ? -1 : (i > j);
}

/*
 * Set the rules set aside, in runs without a name twice (a rule set twice
 * is set first with its first value): one rebuild per run, and a run that
 * goes past flow-max-rules is set up to the rule that does.
 */
static int
flush_sets(unsigned int *failed, char *why, size_t len)
{
	unsigned int n = pend.n, s = 0, e, fit, i;
	bool *cut = calloc(n + 1, sizeof(*cut));
	int ret = 0;

	if (cut == NULL) {
		*failed = 0;
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		pend.idx[i] = i;
	qsort(pend.idx, n, sizeof(*pend.idx), idx_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(pend.sets[pend.idx[i]].name,
			   pend.sets[pend.idx[i - 1]].name) == 0)
			cut[pend.idx[i]] = true;
	for (; s < n && ret == 0; s = e) {
		for (e = s + 1; e < n && !cut[e]; e++)
			;
		ret = flow_rules_fit(&pend.sets[s], e - s, &fit);
		if (ret < 0) {
			*failed = pend.op[s];
			snprintf(why, len, "out of memory");
			break;
		}
		if (fit > 0)
			ret = flow_rules_update(&pend.sets[s], fit, false, why, len);
		/* The first rule past the limit, alone, for its error. */
		if (ret == 0 && fit < e - s) {
			s += fit;
			ret = flow_rules_update(&pend.sets[s], 1, false, why, len);
		}
		if (ret < 0)
			*failed = pend.op[s];
	}
	free(cut);
	return ret;
}

int
flow_batch_flush(unsigned int *failed, char *why, size_t len)
{
	int ret = 0;

	if (pend.n > 0 && pend.dels[0] == NULL) {
		ret = flush_sets(failed, why, len);
	} else if (pend.n > 0) {
		ret = flow_rules_del_names((const char *const *)pend.dels,
					   pend.n, failed);
		if (ret == -ENOENT)
			snprintf(why, len, "params.name: no flow called '%s'",
				 pend.dels[*failed]);
		else if (ret < 0)
			snprintf(why, len, "flow.del: %s", strerror(-ret));
		if (ret < 0)
			*failed = pend.op[*failed];
	}
	for (unsigned int i = 0; i < pend.n; i++)
		free(pend.dels[i]);
	pend.n = 0;
	pend.calls = 0;
	return ret;
}

/* Set a flow.set or flow.del call aside; `name` for a delete. */
static int
pend_add(const struct topo_flow *fs, unsigned int n, const char *name,
	 struct rpc_error *err)
{
	char why[256];
	int ret = 0;

	/* Both kinds in one run: carry out the first before (batches do not). */
	if (pend.n > 0 && (pend.dels[0] == NULL) != (name == NULL)) {
		unsigned int failed;

		ret = flow_batch_flush(&failed, why, sizeof(why));
		if (ret < 0)
			return rpc_error_set(err, RPC_ERR_FAILED, "%s", why);
	}
	if (pend_grow(name != NULL ? 1 : n) < 0)
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	if (name != NULL) {
		pend.dels[pend.n] = strdup(name);
		if (pend.dels[pend.n] == NULL)
			return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
		pend.op[pend.n++] = pend.calls;
	}
	for (unsigned int i = 0; i < n; i++) {
		pend.sets[pend.n] = fs[i];
		pend.dels[pend.n] = NULL;
		pend.op[pend.n++] = pend.calls;
	}
	pend.calls++;
	return 0;
}

/*
 * params: one rule, or {"flows": [rule, ...]} to set many with one
 * rebuild of the table (all or none). In a batch, the rules of a run of
 * flow.set are set with one rebuild at its end.
 */
static int
flow_set(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	json_t *list = json_object_get(params, "flows");
	struct topo *t;
	char why[256];
	int ret = 0;

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
	if (dp_batch_open()) {
		for (unsigned int i = 0; i < t->n_flows && ret == 0; i++)
			ret = flow_rule_check(&t->flows[i], why, sizeof(why));
		if (ret == 0)
			ret = pend_add(t->flows, t->n_flows, NULL, err);
		else
			rpc_error_set(err, RPC_ERR_NOT_FOUND, "%s", why);
		topo_free(t);
		return ret;
	}
	ret = flow_rules_update(t->flows, t->n_flows, false, why, sizeof(why));
	topo_free(t);
	if (ret == -ENOENT)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "%s", why);
	if (ret < 0)
		return rpc_error_set(err, RPC_ERR_FAILED, "%s", why);
	return 0;
}

/* In a batch, the rules of a run of flow.del go with one rebuild. */
static int
flow_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const char *name;
	int ret;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (rpc_param_str(params, "name", &name, err) < 0)
		return -EINVAL;
	if (dp_batch_open())
		return pend_add(NULL, 0, name, err);
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

/* How many rules the table holds and may hold (flow-max-rules). */
static int
flow_limits(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	*result = json_pack("{s:I, s:I}", "rules", (json_int_t)flow_rule_count(),
			    "max_rules", (json_int_t)flow_rules_max);
	return 0;
}

void
flow_api_free(void)
{
	for (unsigned int i = 0; i < pend.n; i++)
		free(pend.dels[i]);
	free(pend.sets);
	free(pend.dels);
	free(pend.op);
	free(pend.idx);
	memset(&pend, 0, sizeof(pend));
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
	if (ret == 0)
		ret = rpc_server_method_add(srv, FLOW_METHOD_LIMITS, flow_limits,
					    NULL);
	return ret;
}
