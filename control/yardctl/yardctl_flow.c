/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardctl flow list|stats|add|replace|del (yardd's flow methods).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "rpc.h"
#include "topology.h"
#include "yardctl_priv.h"
#include "yardd_api.h"

/*
 * flow list: the stored flows with their status, and the packets and bytes
 * yard-dp counted for each (left out when yard-dp is away or lacks it).
 */
static int
yc_flow_list(struct yc *y, json_t **out)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_FLOW);
	struct rpc_error err = { 0 };
	json_t *list, *stats = NULL, *by_name = json_object(), *e;
	size_t i;

	if (yc_kind_call(y, k, YARDD_VERB_LIST, NULL, &list) < 0)
		return -1;
	/* Counters are a bonus: a list without them beats no list. */
	if (rpc_client_call(y->client, YARDD_M_FLOW_STATS, NULL, &stats,
			    &err) < 0)
		fprintf(stderr, "yardctl: no counters: %s\n", err.message);
	rpc_error_clear(&err);
	json_array_foreach(stats, i, e)
		if (json_is_string(json_object_get(e, "name")))
			json_object_set(by_name, json_string_value(
				json_object_get(e, "name")), e);
	json_array_foreach(list, i, e) {
		const char *name = json_string_value(json_object_get(
			json_object_get(e, "object"), "name"));
		json_t *c = json_object_get(by_name, name ?: "");

		if (c == NULL)
			continue;
		json_object_set(e, "packets", json_object_get(c, "packets"));
		json_object_set(e, "bytes", json_object_get(c, "bytes"));
	}
	json_decref(by_name);
	json_decref(stats);
	*out = list;
	return 0;
}

/* flow add|replace: -f FILE (one rule or many) or KEY=VALUE pairs. */
static int
yc_flow_write(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a,
	      bool add)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_FLOW);
	unsigned int n_ok = 0, n_pending = 0, n_error = 0;
	json_t *objs, *obj, *res, *e;
	size_t i;
	int rc;

	if (a->file != NULL && a->npos > 1)
		return yc_usage(cmd, "give -f FILE or KEY=VALUE pairs, not both");
	if (a->file == NULL && a->npos == 1)
		return yc_usage(cmd, "flow %s needs -f FILE or KEY=VALUE pairs",
				a->pos[0]);
	if (a->file != NULL) {
		objs = yc_objects_from_file(k, a->file);
		if (objs == NULL)
			return YC_EXIT_FAIL;
	} else {
		rc = yc_object_from_pairs(y, cmd, k, a, &obj);
		if (rc != 0)
			return rc;
		objs = json_pack("[o]", obj);
	}
	if (yc_kind_call(y, k, add ? YARDD_VERB_CREATE : YARDD_VERB_UPDATE,
			 json_pack("{s:o}", "objects", objs), &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json)
		yc_json_print(res);
	json_array_foreach(res, i, e) {
		const char *status = json_string_value(json_object_get(e, "status"));
		const char *msg = json_string_value(json_object_get(e, "message"));

		if (yc_status_exit(status) == YC_EXIT_OK) {
			n_ok++;
			continue;
		}
		if (yc_status_exit(status) == YC_EXIT_FAIL)
			n_error++;
		else
			n_pending++;
		fprintf(stderr, "yardctl: flow/%s: %s%s%s\n",
			json_string_value(json_object_get(e, "name")) ?: "?",
			status ?: "?", msg != NULL ? ": " : "", msg ?: "");
	}
	if (!y->json)
		printf("%s %zu flow%s: %u ok, %u pending, %u error\n",
		       add ? "added" : "replaced", json_array_size(res),
		       json_array_size(res) == 1 ? "" : "s", n_ok, n_pending,
		       n_error);
	rc = n_error > 0 ? YC_EXIT_FAIL : n_pending > 0 && n_ok == 0 ?
	     YC_EXIT_PENDING : YC_EXIT_OK;
	json_decref(res);
	return rc;
}

/* flow list|stats|add|replace|del. */
int
yc_cmd_flow(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_FLOW);
	const char *sub = a->npos > 0 ? a->pos[0] : "";
	json_t *res, *names;

	if (strcmp(sub, "add") == 0 || strcmp(sub, "replace") == 0)
		return yc_flow_write(y, cmd, a, sub[0] == 'a');
	if (a->file != NULL)
		return yc_usage(cmd, "-f goes with 'flow add' and 'flow replace'");
	if (strcmp(sub, "stats") == 0)
		return yc_cmd_view(y, cmd, a);
	if (strcmp(sub, "list") == 0) {
		if (a->npos > 1)
			return yc_usage(cmd, "unexpected argument '%s'", a->pos[1]);
		if (yc_flow_list(y, &res) < 0)
			return YC_EXIT_FAIL;
		if (y->json) {
			yc_json_print(res);
			return yc_done(res, 0);
		}
		return yc_done(res, yc_print_flow_list(res));
	}
	if (strcmp(sub, "del") == 0) {
		if (a->npos < 2)
			return yc_usage(cmd, "flow del needs the NAME of one flow "
					"or more");
		names = json_array();
		for (int i = 1; i < a->npos; i++)
			json_array_append_new(names, json_string(a->pos[i]));
		if (yc_kind_call(y, k, YARDD_VERB_DELETE,
				 json_pack("{s:o}", "names", names), &res) < 0)
			return YC_EXIT_FAIL;
		if (y->json)
			yc_json_print(res);
		else
			printf("deleted %d flow%s\n", a->npos - 1,
			       a->npos == 2 ? "" : "s");
		return yc_done(res, 0);
	}
	return a->npos == 0 ? yc_usage(cmd, "which? list, stats, add, replace "
				       "or del") :
	       yc_usage(cmd, "unknown flow command '%s': use list, stats, add, "
			"replace or del", sub);
}
