/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardctl router list|show|stats and route list|get|add|del (yardd's router and route methods).
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
 * yardd's routers (the stored objects, with status and route count), each
 * with "fib": what yard-dp says of it (memory, rules, neighbors), or
 * without when yard-dp is away.
 */
static json_t *
yc_routers_merged(struct yc *y)
{
	json_t *mine, *fib = NULL, *out, *e, *f;
	size_t i, j;

	if (yc_call(y, "router.list", NULL, &mine) < 0)
		return NULL;
	if (y->client != NULL) {
		struct rpc_error err = { 0 };

		/* Not there while yard-dp is away: no error for that. */
		if (rpc_client_call(y->client, YARDD_M_ROUTER_FIB, NULL, &fib,
				    &err) < 0)
			fib = NULL;
		rpc_error_clear(&err);
	}
	out = json_array();
	json_array_foreach(mine, i, e) {
		json_t *o = json_deep_copy(json_object_get(e, "object"));
		const char *name = json_string_value(json_object_get(o, "name"));

		json_object_set(o, "status", json_object_get(e, "status"));
		if (json_object_get(e, "message") != NULL)
			json_object_set(o, "message", json_object_get(e, "message"));
		json_object_set(o, "route_count", json_object_get(e, "route_count"));
		json_object_set(o, "route_digest",
				json_object_get(e, "route_digest"));
		json_array_foreach(fib, j, f)
			if (name != NULL && json_is_string(json_object_get(f, "name")) &&
			    strcmp(json_string_value(json_object_get(f, "name")),
				   name) == 0) {
				json_object_set(o, "fib", f);
				json_object_del(f, "interfaces");
			}
		json_array_append_new(out, o);
	}
	json_decref(mine);
	json_decref(fib);
	return out;
}

int
yc_cmd_router(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	json_t *all, *e;
	size_t i;
	int rc = YC_EXIT_OK;

	if (a->npos == 0)
		return yc_usage(cmd, "router needs list, show NAME or stats");
	if (strcmp(a->pos[0], "stats") == 0)
		return yc_cmd_view(y, cmd, a);
	if (strcmp(a->pos[0], "list") != 0 && strcmp(a->pos[0], "show") != 0)
		return yc_usage(cmd, "unknown router command '%s': use list, show "
				"or stats", a->pos[0]);
	if (strcmp(a->pos[0], "show") == 0 && a->npos != 2)
		return yc_usage(cmd, "router show needs one router's NAME");
	if (strcmp(a->pos[0], "list") == 0 && a->npos != 1)
		return yc_usage(cmd, "unexpected argument '%s'", a->pos[1]);
	all = yc_routers_merged(y);
	if (all == NULL)
		return YC_EXIT_FAIL;
	if (strcmp(a->pos[0], "list") == 0) {
		if (y->json)
			yc_json_print(all);
		else
			rc = yc_print_routers(all) < 0 ? YC_EXIT_FAIL : YC_EXIT_OK;
		json_decref(all);
		return rc;
	}
	e = NULL;
	for (i = 0; i < json_array_size(all) && e == NULL; i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(all, i),
							     "name")) ?: "",
			   a->pos[1]) == 0)
			e = json_array_get(all, i);
	if (e == NULL) {
		fprintf(stderr, "yardctl: no router called '%s' ('yardctl router "
			"list' shows those there are)\n", a->pos[1]);
		json_decref(all);
		return YC_EXIT_FAIL;
	}
	if (y->json)
		yc_json_print(e);
	else if (yc_print_router_show(e) < 0)
		rc = YC_EXIT_FAIL;
	json_decref(all);
	return rc;
}

/* "a.b.c.d,e.f.g.h" -> ["a.b.c.d", "e.f.g.h"] (checked by yardd). */
static json_t *
yc_via_list(const char *s)
{
	json_t *l = json_array();

	while (*s != '\0') {
		size_t n = strcspn(s, ",");

		json_array_append_new(l, json_stringn(s, n));
		s += n + (s[n] == ',');
	}
	return l;
}

#define YC_ROUTE_BATCH 50000	/* Routes per request: well inside 4 MiB. */

struct yc_route_totals {
	long long added, changed, unchanged, deleted, total;
	const char *status;
	char status_buf[32];
};

/* Send one batch of route.add (routes) or route.del (prefixes). */
static int
yc_route_send(struct yc *y, const char *router, bool add, json_t *list,
	      struct yc_route_totals *tot)
{
	json_t *res;

	if (yc_call(y, add ? YARDD_M_ROUTE_ADD : YARDD_M_ROUTE_DEL,
		    json_pack("{s:s, s:o}", "router", router,
			      add ? "routes" : "prefixes", list), &res) < 0)
		return -1;
	tot->added += json_integer_value(json_object_get(res, "added"));
	tot->changed += json_integer_value(json_object_get(res, "changed"));
	tot->unchanged += json_integer_value(json_object_get(res, "unchanged"));
	tot->deleted += json_integer_value(json_object_get(res, "deleted"));
	tot->total = json_integer_value(json_object_get(res, "total"));
	snprintf(tot->status_buf, sizeof(tot->status_buf), "%s",
		 json_string_value(json_object_get(res, "status")) ?: "-");
	tot->status = tot->status_buf;
	json_decref(res);
	return 0;
}

/*
 * route add|del ROUTER -f FILE: one route a line, "PREFIX [via] IP[,IP...]"
 * (add) or "PREFIX" (del); '#' starts a comment. Sent in batches.
 */
static int
yc_route_file(struct yc *y, const char *router, bool add, const char *path,
	      struct yc_route_totals *tot)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	json_t *batch = json_array();
	size_t cap = 0, lineno = 0, first = 1;
	char *line = NULL;
	int ret = 0;

	if (f == NULL) {
		fprintf(stderr, "yardctl: %s: %s\n", path, strerror(errno));
		json_decref(batch);
		return -1;
	}
	while (ret == 0 && getline(&line, &cap, f) >= 0) {
		char *tok[3] = { NULL }, *save = NULL, *p;
		int n = 0;

		lineno++;
		if ((p = strchr(line, '#')) != NULL)
			*p = '\0';
		for (p = strtok_r(line, " \t\r\n", &save); p != NULL && n < 3;
		     p = strtok_r(NULL, " \t\r\n", &save))
			if (!(n == 1 && strcmp(p, "via") == 0))
				tok[n++] = p;
		if (n == 0)
			continue;
		if ((add && n != 2) || (!add && n != 1)) {
			fprintf(stderr, "yardctl: %s:%zu: want '%s'\n", path, lineno,
				add ? "PREFIX via IP[,IP...]" : "PREFIX");
			ret = -1;
			break;
		}
		json_array_append_new(batch, add ?
			json_pack("{s:s, s:o}", "prefix", tok[0], "via",
				  yc_via_list(tok[1])) : json_string(tok[0]));
		if (json_array_size(batch) == YC_ROUTE_BATCH) {
			if (yc_route_send(y, router, add, batch, tot) < 0) {
				fprintf(stderr, "yardctl: %s: lines %zu-%zu were "
					"refused (those before are done)\n", path,
					first, lineno);
				ret = -1;
			}
			batch = json_array();
			first = lineno + 1;
		}
	}
	if (ret == 0 && json_array_size(batch) > 0) {
		if (yc_route_send(y, router, add, batch, tot) < 0) {
			fprintf(stderr, "yardctl: %s: lines %zu-%zu were refused "
				"(those before are done)\n", path, first, lineno);
			ret = -1;
		}
	} else {
		json_decref(batch);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return ret;
}

static int
yc_route_change(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a,
		bool add)
{
	struct yc_route_totals tot = { .status = "-" };
	const char *router;
	int ret;

	if (a->npos < 2)
		return yc_usage(cmd, "route %s needs a ROUTER", add ? "add" : "del");
	router = a->pos[1];
	if (a->file != NULL) {
		if (a->npos > 2)
			return yc_usage(cmd, "give routes either in -f FILE or on "
					"the command line");
		ret = yc_route_file(y, router, add, a->file, &tot);
	} else if (add) {
		if (a->npos != 5 || strcmp(a->pos[3], "via") != 0)
			return yc_usage(cmd, "want route add ROUTER PREFIX via "
					"IP[,IP...]");
		ret = yc_route_send(y, router, true, json_pack("[{s:s, s:o}]",
				    "prefix", a->pos[2], "via",
				    yc_via_list(a->pos[4])), &tot);
	} else {
		json_t *l = json_array();

		if (a->npos < 3)
			return yc_usage(cmd, "want route del ROUTER PREFIX...");
		for (int i = 2; i < a->npos; i++)
			json_array_append_new(l, json_string(a->pos[i]));
		ret = yc_route_send(y, router, false, l, &tot);
	}
	if (ret < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		json_t *o = json_pack("{s:s, s:I, s:s}", "router", router, "total",
				      (json_int_t)tot.total, "status", tot.status);

		if (add) {
			json_object_set_new(o, "added", json_integer(tot.added));
			json_object_set_new(o, "changed", json_integer(tot.changed));
			json_object_set_new(o, "unchanged",
					    json_integer(tot.unchanged));
		} else {
			json_object_set_new(o, "deleted", json_integer(tot.deleted));
		}
		yc_json_print(o);
		json_decref(o);
	} else if (add) {
		printf("router %s: %lld added, %lld changed, %lld unchanged; %lld "
		       "routes; %s\n", router, tot.added, tot.changed,
		       tot.unchanged, tot.total, tot.status);
	} else {
		printf("router %s: %lld deleted; %lld routes; %s\n", router,
		       tot.deleted, tot.total, tot.status);
	}
	return yc_status_exit(tot.status);
}

static int
yc_route_list(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	long long offset = 0, total;

	if (a->npos != 2)
		return yc_usage(cmd, "want route list ROUTER");
	if (y->json)
		fputs("[", stdout);
	do {
		json_t *res, *routes, *e;
		size_t i;

		if (yc_call(y, YARDD_M_ROUTE_LIST, json_pack("{s:s, s:I, s:I}",
			    "router", a->pos[1], "offset", (json_int_t)offset,
			    "limit", (json_int_t)YC_ROUTE_BATCH), &res) < 0) {
			if (y->json)
				fputs("]\n", stdout);
			return YC_EXIT_FAIL;
		}
		routes = json_object_get(res, "routes");
		total = json_integer_value(json_object_get(res, "total"));
		if (y->json) {
			json_array_foreach(routes, i, e) {
				char *t = json_dumps(e, JSON_COMPACT);

				if (t == NULL)
					yc_die_nomem();
				printf("%s\n  %s", offset + (long long)i ? "," : "", t);
				free(t);
			}
		} else {
			yc_print_routes(routes, offset == 0);
		}
		offset += (long long)json_array_size(routes);
		if (json_array_size(routes) == 0)
			offset = total;
		json_decref(res);
	} while (offset < total);
	if (y->json)
		fputs("\n]\n", stdout);
	return YC_EXIT_OK;
}

/* route get ROUTER IP [from SRC] [proto P] [sport N] [dport N] */
static int
yc_route_get(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	json_t *params, *res;
	int rc;

	if (a->npos < 3 || a->npos % 2 != 1)
		return yc_usage(cmd, "want route get ROUTER IP [from SRC] "
				"[proto tcp|udp|N] [sport N] [dport N]");
	params = json_pack("{s:s, s:s}", "router", a->pos[1], "ip", a->pos[2]);
	for (int i = 3; i + 1 < a->npos; i += 2) {
		const char *k = a->pos[i], *v = a->pos[i + 1];
		char *end;
		long n = strtol(v, &end, 10);

		if (strcmp(k, "from") == 0) {
			json_object_set_new(params, "src", json_string(v));
			continue;
		}
		if (strcmp(k, "proto") == 0 && strcmp(v, "tcp") == 0)
			n = 6, end = (char *)"";
		else if (strcmp(k, "proto") == 0 && strcmp(v, "udp") == 0)
			n = 17, end = (char *)"";
		else if (strcmp(k, "proto") == 0 && strcmp(v, "icmp") == 0)
			n = 1, end = (char *)"";
		if ((strcmp(k, "proto") != 0 && strcmp(k, "sport") != 0 &&
		     strcmp(k, "dport") != 0) || *v == '\0' || *end != '\0') {
			json_decref(params);
			return yc_usage(cmd, "'%s %s': want from SRC, proto "
					"tcp|udp|icmp|N, sport N or dport N", k, v);
		}
		json_object_set_new(params, k, json_integer(n));
	}
	if (json_object_get(params, "src") == NULL &&
	    json_object_size(params) > 2) {
		json_decref(params);
		return yc_usage(cmd, "proto, sport and dport need from SRC");
	}
	if (yc_call(y, YARDD_M_ROUTE_GET, params, &res) < 0)
		return YC_EXIT_FAIL;
	if (y->json) {
		yc_json_print(res);
		return yc_done(res, 0);
	}
	rc = yc_print_route_get(res);
	return yc_done(res, rc);
}

int
yc_cmd_route(struct yc *y, const struct yc_cmd *cmd, struct yc_args *a)
{
	if (a->npos == 0)
		return yc_usage(cmd, "route needs list, get, add or del");
	if (a->file != NULL && strcmp(a->pos[0], "add") != 0 &&
	    strcmp(a->pos[0], "del") != 0)
		return yc_usage(cmd, "-f goes with route add and route del");
	if (strcmp(a->pos[0], "list") == 0)
		return yc_route_list(y, cmd, a);
	if (strcmp(a->pos[0], "get") == 0)
		return yc_route_get(y, cmd, a);
	if (strcmp(a->pos[0], "add") == 0 || strcmp(a->pos[0], "del") == 0)
		return yc_route_change(y, cmd, a, a->pos[0][0] == 'a');
	return yc_usage(cmd, "unknown route command '%s': use list, get, add or "
			"del", a->pos[0]);
}
