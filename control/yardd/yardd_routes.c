/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routes are data: a router may hold 1,000,000 of them, so they are not
 * part of the router object. They live in their own SQLite table, one row
 * a route, next to the objects, and reach yard-dp by route.add/route.del
 * in batches; the router object (interfaces) is programmed without them.
 *
 * yardd keeps, per router, the count and the digest (the sum of
 * topo_route_digest()) of its stored routes; yard-dp reports the same two
 * numbers in router.list. A change is pushed as it is (the routes it adds,
 * the prefixes it deletes), then the numbers are compared: equal means done.
 * When they differ (yard-dp restarted, or something else changed its
 * routes), the router's routes are repaired: yard-dp's routes that are not
 * stored are deleted, then every stored route is sent (route.add leaves a
 * route that is already right alone). A router is never sent whole.
 *
 * Table (in the store's file, created when missing; the store's own tables
 * and schema version are untouched):
 *   routes(router TEXT, pfx INTEGER, via TEXT, PRIMARY KEY(router, pfx))
 * pfx is the prefix in host order shifted left 8 bits, or'ed with its
 * length, so that rows sort by address then length; via is "a.b.c.d,...".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <sqlite3.h>

#include "topology.h"
#include "yardd.h"
#include "yardd_api.h"

/* Routes per request to yard-dp (well inside RPC_MAX_LINE). */
#define PUSH_BATCH 50000
#define LIST_PAGE_MAX 50000

struct route_sum {
	char name[TOPO_NAME_MAX];
	uint64_t count;
	uint64_t digest;
	json_t *add;		/* Routes to push to yard-dp, in order. */
	json_t *del;		/* Prefixes to delete there. */
};

struct yardd_routes {
	sqlite3 *db;
	sqlite3_stmt *get, *put, *del, *page, *drop;
	struct route_sum *sum;
	size_t n_sum;
	uint64_t pushed;	/* Routes sent to yard-dp, for status. */
	uint64_t repairs;	/* Full repairs of a router's routes. */
};

/* ---- Rows ---- */

static int64_t
route_key(const struct topo_prefix *p)
{
	return (int64_t)((uint64_t)ntohl(p->addr) << 8 | p->plen);
}

static void
key_prefix(int64_t key, struct topo_prefix *p)
{
	p->addr = htonl((uint32_t)((uint64_t)key >> 8));
	p->plen = (uint8_t)(key & 0xff);
}

static void
via_text(const struct topo_route *rt, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < rt->n_via && off < len; i++) {
		uint32_t a = ntohl(rt->via[i]);

		off += (size_t)snprintf(buf + off, len - off, "%s%u.%u.%u.%u",
					i ? "," : "", a >> 24, (a >> 16) & 0xff,
					(a >> 8) & 0xff, a & 0xff);
	}
}

static int
via_parse(const char *s, struct topo_route *rt)
{
	char buf[16];

	rt->n_via = 0;
	while (*s != '\0' && rt->n_via < TOPO_ECMP_MAX) {
		size_t n = strcspn(s, ",");

		if (n >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s, n);
		buf[n] = '\0';
		if (topo_ipv4_parse(buf, &rt->via[rt->n_via++]) < 0)
			return -EINVAL;
		s += n + (s[n] == ',');
	}
	return rt->n_via > 0 ? 0 : -EINVAL;
}

static void
prefix_text(const struct topo_prefix *p, char *buf, size_t len)
{
	uint32_t a = ntohl(p->addr);

	snprintf(buf, len, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 0xff,
		 (a >> 8) & 0xff, a & 0xff, p->plen);
}

static int
sql_fail(struct yardd_routes *rs, const char *what)
{
	yardd_log("routes: %s: sqlite: %s", what, sqlite3_errmsg(rs->db));
	return -EIO;
}

/* The stored route of `p` on `router`: 0, -ENOENT or -EIO. */
static int
row_get(struct yardd_routes *rs, const char *router,
	const struct topo_prefix *p, struct topo_route *rt)
{
	int rc, ret = -ENOENT;

	sqlite3_bind_text(rs->get, 1, router, -1, SQLITE_STATIC);
	sqlite3_bind_int64(rs->get, 2, route_key(p));
	rc = sqlite3_step(rs->get);
	if (rc == SQLITE_ROW) {
		memset(rt, 0, sizeof(*rt));
		rt->prefix = *p;
		ret = via_parse((const char *)sqlite3_column_text(rs->get, 0), rt);
	} else if (rc != SQLITE_DONE) {
		ret = sql_fail(rs, "read");
	}
	sqlite3_reset(rs->get);
	return ret;
}

static int
row_run(struct yardd_routes *rs, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : sql_fail(rs, what);
}

/*
 * Up to `limit` routes of `router` after key `after` (-1: from the first),
 * in key order, to `fn`; returns how many, or -EIO. *last is the last key.
 */
static int
rows_page(struct yardd_routes *rs, const char *router, int64_t after,
	  int limit, int (*fn)(const struct topo_route *rt, void *arg),
	  void *arg, int64_t *last)
{
	int n = 0, rc;

	sqlite3_bind_text(rs->page, 1, router, -1, SQLITE_STATIC);
	sqlite3_bind_int64(rs->page, 2, after);
	sqlite3_bind_int(rs->page, 3, limit);
	while ((rc = sqlite3_step(rs->page)) == SQLITE_ROW) {
		struct topo_route rt = { .n_via = 0 };

		*last = sqlite3_column_int64(rs->page, 0);
		key_prefix(*last, &rt.prefix);
		if (via_parse((const char *)sqlite3_column_text(rs->page, 1),
			      &rt) < 0)
			continue;
		n++;
		if (fn(&rt, arg) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		n = sql_fail(rs, "list");
	sqlite3_reset(rs->page);
	return n;
}

/* ---- Per-router summaries ---- */

static struct route_sum *
sum_find(struct yardd_routes *rs, const char *router, bool create)
{
	struct route_sum *a;

	for (size_t i = 0; i < rs->n_sum; i++)
		if (strcmp(rs->sum[i].name, router) == 0)
			return &rs->sum[i];
	if (!create)
		return NULL;
	a = realloc(rs->sum, (rs->n_sum + 1) * sizeof(*a));
	if (a == NULL)
		return NULL;
	rs->sum = a;
	a = &rs->sum[rs->n_sum++];
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", router);
	return a;
}

static void
sum_pending_clear(struct route_sum *s)
{
	json_decref(s->add);
	json_decref(s->del);
	s->add = s->del = NULL;
}

static void
pending_add(json_t **list, json_t *v)
{
	if (*list == NULL)
		*list = json_array();
	json_array_append_new(*list, v);
}

/* ---- Changes ---- */

struct put_stats {
	unsigned int added, changed, unchanged;
};

/* Store one route (in the caller's transaction) and queue it for yard-dp. */
static int
route_put(struct yardd_routes *rs, struct route_sum *s,
	  const struct topo_route *rt, struct put_stats *st)
{
	struct topo_route old;
	char via[TOPO_ECMP_MAX * 16];
	int ret = row_get(rs, s->name, &rt->prefix, &old);

	if (ret == 0 && old.n_via == rt->n_via &&
	    memcmp(old.via, rt->via, rt->n_via * sizeof(rt->via[0])) == 0) {
		st->unchanged++;
		return 0;
	}
	if (ret < 0 && ret != -ENOENT)
		return ret;
	via_text(rt, via, sizeof(via));
	sqlite3_bind_text(rs->put, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(rs->put, 2, route_key(&rt->prefix));
	sqlite3_bind_text(rs->put, 3, via, -1, SQLITE_STATIC);
	if (row_run(rs, rs->put, "write") < 0)
		return -EIO;
	if (ret == 0) {
		s->digest -= topo_route_digest(&old);
		st->changed++;
	} else {
		s->count++;
		st->added++;
	}
	s->digest += topo_route_digest(rt);
	pending_add(&s->add, topo_route_to_json(rt));
	return 0;
}

/* Delete one stored route (caller's transaction); -ENOENT when absent. */
static int
route_drop(struct yardd_routes *rs, struct route_sum *s,
	   const struct topo_prefix *p)
{
	struct topo_route old;
	char text[24];
	int ret = row_get(rs, s->name, p, &old);

	if (ret < 0)
		return ret;
	sqlite3_bind_text(rs->del, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(rs->del, 2, route_key(p));
	if (row_run(rs, rs->del, "delete") < 0)
		return -EIO;
	s->count--;
	s->digest -= topo_route_digest(&old);
	prefix_text(p, text, sizeof(text));
	pending_add(&s->del, json_string(text));
	return 0;
}

static int
tx(struct yardd_routes *rs, const char *sql)
{
	return sqlite3_exec(rs->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 :
	       sql_fail(rs, sql);
}

/* The desired router object called `name`, or NULL. */
static json_t *
router_obj(struct yardd *d, const char *name)
{
	json_t *list = json_object_get(d->desired, "routers"), *o;
	size_t i;

	json_array_foreach(list, i, o)
		if (strcmp(json_string_value(json_object_get(o, "name")) ?: "",
			   name) == 0)
			return o;
	return NULL;
}

/*
 * Whether every next hop of `rt` lies on one of the interfaces of router
 * object `r` (as yard-dp requires); `why` names the first that does not.
 */
static bool
route_fits(json_t *r, const struct topo_route *rt, char *why, size_t len)
{
	json_t *ifaces = json_object_get(r, "interfaces"), *ifc;
	size_t i;

	for (unsigned int v = 0; v < rt->n_via; v++) {
		bool on = false;

		json_array_foreach(ifaces, i, ifc) {
			struct topo_prefix a;
			uint32_t m;

			if (topo_prefix_parse(json_string_value(json_object_get(
				ifc, "address")) ?: "", &a) < 0)
				continue;
			m = a.plen == 0 ? 0 : htonl(~UINT32_C(0) << (32 - a.plen));
			on |= ((a.addr ^ rt->via[v]) & m) == 0;
		}
		if (!on) {
			char p[24], gw[16];
			struct in_addr ia = { .s_addr = rt->via[v] };

			prefix_text(&rt->prefix, p, sizeof(p));
			inet_ntop(AF_INET, &ia, gw, sizeof(gw));
			snprintf(why, len, "route %s: next hop %s is on none of "
				 "router '%s''s networks", p, gw,
				 json_string_value(json_object_get(r, "name")));
			return false;
		}
	}
	return true;
}

int
yardd_routes_check(struct yardd *d, const struct topo_router *r, char *why,
		   size_t len)
{
	json_t *o = topo_router_to_json(&(struct topo_router){
		.ifaces = r->ifaces, .n_ifaces = r->n_ifaces,
	});
	int ret = 0;

	(void)d;
	for (unsigned int i = 0; i < r->n_routes && ret == 0; i++)
		if (!route_fits(o, &r->routes[i], why, len))
			ret = -EINVAL;
	json_decref(o);
	return ret;
}

static int
keys_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

struct replace_ctx {
	const int64_t *keys;
	size_t n;
	int64_t *gone;
	size_t n_gone, cap;
};

static int
replace_collect(const struct topo_route *rt, void *arg)
{
	struct replace_ctx *c = arg;
	int64_t k = route_key(&rt->prefix);

	if (bsearch(&k, c->keys, c->n, sizeof(k), keys_cmp) != NULL)
		return 0;
	if (c->n_gone == c->cap) {
		int64_t *a = realloc(c->gone, (c->cap ? 2 * c->cap : 256) *
				     sizeof(*a));

		if (a == NULL)
			return -ENOMEM;
		c->gone = a;
		c->cap = c->cap ? 2 * c->cap : 256;
	}
	c->gone[c->n_gone++] = k;
	return 0;
}

int
yardd_routes_replace(struct yardd *d, const char *router,
		     const struct topo_route *rts, unsigned int n)
{
	struct yardd_routes *rs = d->routes;
	struct route_sum *s = sum_find(rs, router, true);
	struct replace_ctx c = { .n = n };
	struct put_stats st = { 0 };
	int64_t *keys = malloc((n ? n : 1) * sizeof(*keys)), last = -1;
	int ret = 0, got;

	if (s == NULL || keys == NULL) {
		free(keys);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < n; i++)
		keys[i] = route_key(&rts[i].prefix);
	qsort(keys, n, sizeof(*keys), keys_cmp);
	c.keys = keys;
	/* The stored routes the new set lacks, page by page. */
	do {
		got = rows_page(rs, router, last, LIST_PAGE_MAX, replace_collect,
				&c, &last);
	} while (got == LIST_PAGE_MAX);
	ret = got < 0 ? got : tx(rs, "BEGIN IMMEDIATE");
	for (size_t i = 0; i < c.n_gone && ret == 0; i++) {
		struct topo_prefix p;

		key_prefix(c.gone[i], &p);
		ret = route_drop(rs, s, &p);
	}
	for (unsigned int i = 0; i < n && ret == 0; i++)
		ret = route_put(rs, s, &rts[i], &st);
	ret = ret == 0 ? tx(rs, "COMMIT") : (tx(rs, "ROLLBACK"), ret);
	free(keys);
	free(c.gone);
	return ret;
}

int
yardd_routes_prune(struct yardd *d)
{
	struct yardd_routes *rs = d->routes;

	for (size_t i = 0; i < rs->n_sum;) {
		struct route_sum *s = &rs->sum[i];

		if (router_obj(d, s->name) != NULL) {
			i++;
			continue;
		}
		sqlite3_bind_text(rs->drop, 1, s->name, -1, SQLITE_TRANSIENT);
		if (row_run(rs, rs->drop, "delete") < 0)
			return -EIO;
		/* yard-dp drops them with the router. */
		sum_pending_clear(s);
		rs->sum[i] = rs->sum[--rs->n_sum];
	}
	return 0;
}

uint64_t
yardd_routes_count(const struct yardd *d, const char *router)
{
	const struct route_sum *s = sum_find(d->routes, router, false);

	return s != NULL ? s->count : 0;
}

json_t *
yardd_routes_digest_json(const struct yardd *d, const char *router)
{
	const struct route_sum *s = sum_find(d->routes, router, false);

	return json_sprintf("%016" PRIx64, s != NULL ? s->digest : 0);
}

static int
collect_json(const struct topo_route *rt, void *arg)
{
	json_array_append_new(arg, topo_route_to_json(rt));
	return 0;
}

json_t *
yardd_routes_json(struct yardd *d, const char *router)
{
	json_t *list = json_array();
	int64_t last = -1;
	int got;

	do {
		got = rows_page(d->routes, router, last, LIST_PAGE_MAX,
				collect_json, list, &last);
	} while (got == LIST_PAGE_MAX);
	return list;
}

/* ---- Pushing to yard-dp ---- */

/* Send `list` (routes or prefixes) in batches; 0 or -1 (logged). */
static int
push_list(struct yardd *d, const char *method, const char *router,
	  const char *key, json_t *list)
{
	struct rpc_error err = { 0 };
	size_t n = json_array_size(list);

	for (size_t at = 0; at < n; at += PUSH_BATCH) {
		json_t *part = json_array(), *res = NULL;
		size_t n_part;
		int rc;

		for (size_t i = at; i < n && i < at + PUSH_BATCH; i++)
			json_array_append(part, json_array_get(list, i));
		n_part = json_array_size(part);
		rc = yardd_dp_call(d, method, json_pack("{s:s, s:o}", "router",
					router, key, part), &res, &err);
		json_decref(res);
		if (rc < 0) {
			yardd_log("dataplane: router %s: %s: %s", router, method,
				  err.message);
			rpc_error_clear(&err);
			return -1;
		}
		if (strcmp(method, "route.add") == 0)
			d->routes->pushed += n_part;
	}
	return 0;
}

struct push_ctx {
	json_t *batch;
};

static int
push_collect(const struct topo_route *rt, void *arg)
{
	struct push_ctx *c = arg;

	json_array_append_new(c->batch, topo_route_to_json(rt));
	return 0;
}

/* Delete yard-dp's routes of `router` that are not stored. */
static int
repair_extra(struct yardd *d, struct route_sum *s)
{
	struct rpc_error err = { 0 };
	json_t *gone = json_array();
	long long offset = 0, total;
	int ret = 0;

	do {
		json_t *res = NULL, *o;
		size_t i;

		if (yardd_dp_call(d, "route.list", json_pack("{s:s, s:I, s:I}",
				  "router", s->name, "offset", offset, "limit",
				  (json_int_t)LIST_PAGE_MAX), &res, &err) < 0) {
			rpc_error_clear(&err);
			json_decref(gone);
			return -1;
		}
		total = json_integer_value(json_object_get(res, "total"));
		json_array_foreach(json_object_get(res, "routes"), i, o) {
			struct topo_route rt, mine;
			char why[128];

			if (topo_route_from_json(o, &rt, why, sizeof(why)) == 0 &&
			    row_get(d->routes, s->name, &rt.prefix, &mine) == -ENOENT)
				json_array_append(gone, json_object_get(o, "prefix"));
		}
		offset += (long long)json_array_size(json_object_get(res, "routes"));
		if (json_array_size(json_object_get(res, "routes")) == 0)
			offset = total;
		json_decref(res);
	} while (offset < total);
	if (json_array_size(gone) > 0)
		ret = push_list(d, "route.del", s->name, "prefixes", gone);
	json_decref(gone);
	return ret;
}

/* Make yard-dp's routes of `s` the stored ones; 0 or -1. */
static int
repair(struct yardd *d, struct route_sum *s, uint64_t dp_count)
{
	struct push_ctx c;
	int64_t last = -1;
	int got, ret = 0;

	d->routes->repairs++;
	yardd_log("dataplane: router %s: %" PRIu64 " route(s) there, %" PRIu64
		  " stored: resending its routes", s->name, dp_count, s->count);
	if (dp_count > 0 && repair_extra(d, s) < 0)
		return -1;
	do {
		c.batch = json_array();
		got = rows_page(d->routes, s->name, last, PUSH_BATCH,
				push_collect, &c, &last);
		if (got > 0)
			ret = push_list(d, "route.add", s->name, "routes", c.batch);
		json_decref(c.batch);
	} while (got == PUSH_BATCH && ret == 0);
	return got < 0 ? -1 : ret;
}

/* Mark router `name` in error, retried after a while (yardd_dp_poll()). */
static void
routes_error(struct yardd *d, const char *name, const char *msg)
{
	char key[128];
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	yardd_object_key(key, sizeof(key), topo_kind_get(TOPO_KIND_ROUTER), name);
	json_object_set_new(d->errors, key, json_pack("{s:s, s:I}", "message",
		msg, "next_ms", (json_int_t)(now + 5000)));
	if (d->next_retry_ms == 0 || now + 5000 < d->next_retry_ms)
		d->next_retry_ms = now + 5000;
}

void
yardd_routes_sync(struct yardd *d)
{
	struct yardd_routes *rs = d->routes;
	struct rpc_error err = { 0 };
	json_t *have = NULL, *o;
	size_t i;

	if (d->dp == NULL) {
		/* A new yard-dp is compared whole when it comes. */
		for (i = 0; i < rs->n_sum; i++)
			sum_pending_clear(&rs->sum[i]);
		return;
	}
	/* The changes as they are first: a route here and there. */
	for (i = 0; i < rs->n_sum && d->dp != NULL; i++) {
		struct route_sum *s = &rs->sum[i];

		if (s->del != NULL)
			push_list(d, "route.del", s->name, "prefixes", s->del);
		if (s->add != NULL)
			push_list(d, "route.add", s->name, "routes", s->add);
		sum_pending_clear(s);
	}
	if (yardd_dp_call(d, "router.list", NULL, &have, &err) < 0) {
		rpc_error_clear(&err);
		return;
	}
	json_array_foreach(have, i, o) {
		const char *name = json_string_value(json_object_get(o, "name"));
		const char *dig = json_string_value(json_object_get(o, "route_digest"));
		uint64_t count = (uint64_t)json_integer_value(
			json_object_get(o, "route_count"));
		struct route_sum *s = name ? sum_find(rs, name, false) : NULL;
		uint64_t mine = s != NULL ? s->count : 0, digest = 0;

		if (name == NULL || router_obj(d, name) == NULL)
			continue;
		if (dig != NULL)
			digest = strtoull(dig, NULL, 16);
		if (count == mine && digest == (s != NULL ? s->digest : 0))
			continue;
		if (s == NULL)
			s = sum_find(rs, name, true);
		if (s == NULL || repair(d, s, count) < 0)
			routes_error(d, name, "its routes could not all be "
				     "programmed (see yardd's log)");
	}
	json_decref(have);
}

/* ---- Methods ---- */

static int
router_arg(struct yardd *d, json_t *params, const char **router, json_t **obj,
	   struct rpc_error *err)
{
	if (rpc_param_str(params, "router", router, err) < 0)
		return -EINVAL;
	*obj = router_obj(d, *router);
	if (*obj == NULL)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "no router called "
				     "'%s' ('yardctl router list' shows those "
				     "there are)", *router);
	return 0;
}

/* {added, changed, unchanged | deleted, total, dataplane} */
static json_t *
change_result(struct yardd *d, const char *router)
{
	const char *msg, *status = yardd_object_status(d,
		topo_kind_get(TOPO_KIND_ROUTER), router, &msg);
	json_t *o = json_pack("{s:I, s:s}", "total",
			      (json_int_t)yardd_routes_count(d, router),
			      "status", status);

	if (msg != NULL)
		json_object_set_new(o, "message", json_string(msg));
	return o;
}

/*
 * Store routes `rts` (add) or delete prefixes `pfx` of router `s` in one
 * transaction; on failure roll back and recount. 0 or -1 with `err` set.
 */
static int
routes_write(struct yardd *d, struct route_sum *s, const struct topo_route *rts,
	     const struct topo_prefix *pfx, size_t n, struct put_stats *st,
	     struct rpc_error *err)
{
	struct yardd_routes *rs = d->routes;
	int ret = tx(rs, "BEGIN IMMEDIATE");

	for (size_t i = 0; i < n && ret == 0; i++)
		ret = rts != NULL ? route_put(rs, s, &rts[i], st) :
				    route_drop(rs, s, &pfx[i]);
	if (ret == 0)
		ret = tx(rs, "COMMIT");
	if (ret == 0)
		return 0;
	rpc_error_set(err, RPC_ERR_FAILED, "store %s: %s", d->db_path,
		      sqlite3_errmsg(rs->db));
	if (!sqlite3_get_autocommit(rs->db)) {
		tx(rs, "ROLLBACK");
		/* The summary counted what was rolled back: recount. */
		yardd_routes_reload(d);
	}
	return -1;
}

static int
m_route_add(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct yardd *d = ctx;
	struct yardd_routes *rs = d->routes;
	json_t *list = json_object_get(params, "routes"), *one[1], *r;
	struct topo_route *rts;
	struct put_stats st = { 0 };
	struct route_sum *s;
	const char *router;
	char why[256];
	size_t n, i;
	int ret = 0;

	if (router_arg(d, params, &router, &r, err) < 0)
		return -EINVAL;
	if (list != NULL && (!json_is_array(list) || json_array_size(list) == 0))
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.routes: want a "
				     "list of routes {prefix, via}");
	one[0] = params;
	n = list != NULL ? json_array_size(list) : 1;
	rts = malloc(n * sizeof(*rts));
	if (rts == NULL)
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	/* All checked before any is stored. */
	for (i = 0; i < n && ret == 0; i++) {
		json_t *o = list != NULL ? json_array_get(list, i) : one[0];

		if (topo_route_from_json(o, &rts[i], why, sizeof(why)) < 0) {
			if (list != NULL)
				ret = rpc_error_set(err, RPC_ERR_PARAMS,
						    "params.routes[%zu].%s", i, why);
			else
				ret = rpc_error_set(err, RPC_ERR_PARAMS,
						    "params.%s", why);
		} else if (!route_fits(r, &rts[i], why, sizeof(why))) {
			ret = rpc_error_set(err, RPC_ERR_PARAMS, "%s", why);
		}
	}
	s = ret == 0 ? sum_find(rs, router, true) : NULL;
	if (ret == 0 && s == NULL)
		ret = rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	if (ret == 0)
		ret = routes_write(d, s, rts, NULL, n, &st, err);
	free(rts);
	if (ret < 0)
		return ret;
	yardd_routes_sync(d);
	*result = change_result(d, router);
	json_object_set_new(*result, "added", json_integer(st.added));
	json_object_set_new(*result, "changed", json_integer(st.changed));
	json_object_set_new(*result, "unchanged", json_integer(st.unchanged));
	return 0;
}

static int
m_route_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct yardd *d = ctx;
	struct yardd_routes *rs = d->routes;
	json_t *list = json_object_get(params, "prefixes"), *r;
	struct topo_prefix *pfx;
	struct topo_route rt;
	struct route_sum *s;
	const char *router;
	size_t n, i;
	int ret = 0;

	if (router_arg(d, params, &router, &r, err) < 0)
		return -EINVAL;
	if (list == NULL)
		list = json_pack("[O]", json_object_get(params, "prefix") ?:
				 json_null());
	else if (!json_is_array(list) || json_array_size(list) == 0)
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.prefixes: want "
				     "a list of prefixes");
	else
		json_incref(list);
	n = json_array_size(list);
	pfx = malloc(n * sizeof(*pfx));
	s = sum_find(rs, router, false);
	if (pfx == NULL) {
		json_decref(list);
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	}
	for (i = 0; i < n && ret == 0; i++) {
		const char *p = json_string_value(json_array_get(list, i));

		if (p == NULL || topo_prefix_parse(p, &pfx[i]) < 0)
			ret = rpc_error_set(err, RPC_ERR_PARAMS, "%s: '%s' is not a "
					    "prefix (want e.g. 10.0.0.0/8)",
					    json_object_get(params, "prefixes") ?
					    "params.prefixes[]" : "params.prefix",
					    p ? p : "(none)");
		else if (s == NULL || row_get(rs, router, &pfx[i], &rt) < 0)
			ret = rpc_error_set(err, RPC_ERR_NOT_FOUND, "router '%s' "
					    "has no route %s", router, p);
	}
	json_decref(list);
	if (ret == 0)
		ret = routes_write(d, s, NULL, pfx, n, NULL, err);
	free(pfx);
	if (ret < 0)
		return ret;
	yardd_routes_sync(d);
	*result = change_result(d, router);
	json_object_set_new(*result, "deleted", json_integer((json_int_t)n));
	return 0;
}

struct page_ctx {
	json_t *list;
	long long skip;
};

static int
page_collect(const struct topo_route *rt, void *arg)
{
	struct page_ctx *c = arg;

	if (c->skip > 0)
		c->skip--;
	else
		json_array_append_new(c->list, topo_route_to_json(rt));
	return 0;
}

/* route.list: {router, offset?, limit?} -> {total, offset, routes} (stored). */
static int
m_route_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct yardd *d = ctx;
	long long offset = 0, limit = LIST_PAGE_MAX;
	struct page_ctx c = { .list = json_array() };
	const char *router;
	int64_t last = -1;
	json_t *r;
	int got;

	if (router_arg(d, params, &router, &r, err) < 0 ||
	    rpc_param_int_opt(params, "offset", 0, INT64_MAX, &offset, err) < 0 ||
	    rpc_param_int_opt(params, "limit", 1, LIST_PAGE_MAX, &limit, err) < 0) {
		json_decref(c.list);
		return -EINVAL;
	}
	c.skip = offset;
	/* Keyset pages up to the offset: no OFFSET scan per page. */
	do {
		long long want = c.skip + limit - (long long)json_array_size(c.list);

		got = rows_page(d->routes, router, last,
				(int)(want > LIST_PAGE_MAX ? LIST_PAGE_MAX : want),
				page_collect, &c, &last);
	} while (got > 0 && (long long)json_array_size(c.list) < limit &&
		 got == LIST_PAGE_MAX);
	*result = json_pack("{s:I, s:I, s:o}", "total",
			    (json_int_t)yardd_routes_count(d, router),
			    "offset", (json_int_t)offset, "routes", c.list);
	return 0;
}

int
yardd_routes_api_register(struct yardd *d)
{
	int rc = 0;

	rc |= rpc_server_method_add(d->srv, YARDD_M_ROUTE_ADD, m_route_add, d);
	rc |= rpc_server_method_add(d->srv, YARDD_M_ROUTE_DEL, m_route_del, d);
	rc |= rpc_server_method_add(d->srv, YARDD_M_ROUTE_LIST, m_route_list, d);
	return rc < 0 ? -ENOMEM : 0;
}

/* ---- Open, reload, close ---- */

int
yardd_routes_reload(struct yardd *d)
{
	struct yardd_routes *rs = d->routes;
	sqlite3_stmt *all;
	int rc;

	for (size_t i = 0; i < rs->n_sum; i++)
		sum_pending_clear(&rs->sum[i]);
	rs->n_sum = 0;
	if (sqlite3_prepare_v2(rs->db, "SELECT router, pfx, via FROM routes",
			       -1, &all, NULL) != SQLITE_OK)
		return sql_fail(rs, "read");
	while ((rc = sqlite3_step(all)) == SQLITE_ROW) {
		struct route_sum *s = sum_find(rs, (const char *)
			sqlite3_column_text(all, 0), true);
		struct topo_route rt = { .n_via = 0 };

		if (s == NULL)
			break;
		key_prefix(sqlite3_column_int64(all, 1), &rt.prefix);
		if (via_parse((const char *)sqlite3_column_text(all, 2), &rt) < 0)
			continue;
		s->count++;
		s->digest += topo_route_digest(&rt);
	}
	sqlite3_finalize(all);
	return rc == SQLITE_DONE ? 0 : sql_fail(rs, "read");
}

int
yardd_routes_open(struct yardd *d)
{
	struct yardd_routes *rs = calloc(1, sizeof(*rs));

	if (rs == NULL)
		return -ENOMEM;
	d->routes = rs;
	if (sqlite3_open_v2(d->db_path, &rs->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		return sql_fail(rs, "open");
	sqlite3_busy_timeout(rs->db, 5000);
	if (tx(rs, "PRAGMA synchronous=FULL") < 0 ||
	    tx(rs, "CREATE TABLE IF NOT EXISTS routes(router TEXT NOT NULL, "
	       "pfx INTEGER NOT NULL, via TEXT NOT NULL, "
	       "PRIMARY KEY(router, pfx)) WITHOUT ROWID") < 0)
		return -EIO;
#define PREP(st, sql) \
	if (sqlite3_prepare_v3(rs->db, sql, -1, SQLITE_PREPARE_PERSISTENT, \
			       &rs->st, NULL) != SQLITE_OK) \
		return sql_fail(rs, "prepare")
	PREP(get, "SELECT via FROM routes WHERE router = ?1 AND pfx = ?2");
	PREP(put, "INSERT OR REPLACE INTO routes(router, pfx, via) "
		  "VALUES (?1, ?2, ?3)");
	PREP(del, "DELETE FROM routes WHERE router = ?1 AND pfx = ?2");
	PREP(page, "SELECT pfx, via FROM routes WHERE router = ?1 AND pfx > ?2 "
		   "ORDER BY pfx LIMIT ?3");
	PREP(drop, "DELETE FROM routes WHERE router = ?1");
#undef PREP
	return yardd_routes_reload(d);
}

void
yardd_routes_close(struct yardd *d)
{
	struct yardd_routes *rs = d->routes;

	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->n_sum; i++)
		sum_pending_clear(&rs->sum[i]);
	free(rs->sum);
	sqlite3_finalize(rs->get);
	sqlite3_finalize(rs->put);
	sqlite3_finalize(rs->del);
	sqlite3_finalize(rs->page);
	sqlite3_finalize(rs->drop);
	sqlite3_close(rs->db);
	free(rs);
	d->routes = NULL;
}

void
yardd_routes_status(const struct yardd *d, json_t *o)
{
	const struct yardd_routes *rs = d->routes;
	uint64_t n = 0;

	for (size_t i = 0; i < rs->n_sum; i++)
		n += rs->sum[i].count;
	json_object_set_new(o, "routes", json_pack("{s:I, s:I, s:I}", "stored",
		(json_int_t)n, "pushed", (json_int_t)rs->pushed, "repairs",
		(json_int_t)rs->repairs));
}
