/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yardd's methods. Every change goes the same way (state_commit): build the
 * whole resulting document, validate it with the schema parser, bring it to
 * canonical form, commit it to SQLite in one transaction, then program
 * yard-dp. A change that fails validation touches nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology.h"
#include "yardd.h"
#include "yardd_api.h"

/*
 * A message from the parser of a document we built ourselves carries a
 * line of that document, which means nothing to the caller: drop
 * "NAME:LINE: ".
 */
static const char *
strip_location(const char *msg)
{
	const char *p = strchr(msg, ':');

	if (p != NULL && p[1] >= '0' && p[1] <= '9') {
		const char *q = strchr(p + 1, ':');

		if (q != NULL && q[1] == ' ')
			return q + 2;
	}
	return msg;
}

/*
 * Which routers' routes a change sets. Routes are stored apart from the
 * router objects (yardd_routes.c): a whole document (apply) says every
 * router's routes; a router created or updated with a "routes" key says
 * its own; any other change leaves them all as they are.
 */
enum routes_take { ROUTES_KEEP, ROUTES_ONE, ROUTES_ALL };

/*
 * Take the routes out of the routers of `t` (into `taken`, one array per
 * router, NULL when kept): the canonical document holds none.
 */
static int
routes_take(struct yardd *d, struct topo *t, enum routes_take take,
	    const char *name, struct topo_router **taken, char *why, size_t len)
{
	*taken = calloc(t->n_routers ? t->n_routers : 1, sizeof(**taken));
	if (*taken == NULL)
		return -ENOMEM;
	for (unsigned int i = 0; i < t->n_routers; i++) {
		struct topo_router *r = &t->routers[i];
		int rc;

		if (take == ROUTES_ALL ||
		    (take == ROUTES_ONE && strcmp(r->name, name) == 0)) {
			rc = yardd_routes_check(d, r, why, len);
			if (rc < 0)
				return rc;
			snprintf((*taken)[i].name, sizeof((*taken)[i].name), "%s",
				 r->name);
			(*taken)[i].routes = r->routes;
			(*taken)[i].n_routes = r->n_routes;
			(*taken)[i].line = 1;	/* Marks it taken. */
		} else {
			free(r->routes);
		}
		r->routes = NULL;
		r->n_routes = 0;
	}
	return 0;
}

/* Store the routes taken from the routers, then forget gone routers'. */
static int
routes_store(struct yardd *d, struct topo_router *taken, unsigned int n,
	     struct rpc_error *err)
{
	int rc = 0;

	for (unsigned int i = 0; i < n && rc == 0; i++)
		if (taken[i].line)
			rc = yardd_routes_replace(d, taken[i].name,
						  taken[i].routes,
						  taken[i].n_routes);
	if (rc == 0)
		rc = yardd_routes_prune(d);
	if (rc < 0)
		return rpc_error_set(err, RPC_ERR_FAILED, "store %s: its routes "
				     "could not be written (yardd's log says "
				     "why)", d->db_path);
	return 0;
}

static void
taken_free(struct topo_router *taken, unsigned int n)
{
	for (unsigned int i = 0; taken != NULL && i < n; i++)
		free(taken[i].routes);
	free(taken);
}

/*
 * Does yard-dp hold that many ports and flows? vhost ports (vNICs) have a limit of
 * their own when it says so (vnics_max), and take none of ports_max's
 * (ethdevs, RTE_MAX_ETHPORTS of its DPDK).
 */
static int
capacity_check(const struct yardd *d, const struct topo *t,
	       struct rpc_error *err)
{
	unsigned int vnics = 0;

	if (d->dp_vnics_max != 0)
		for (unsigned int i = 0; i < t->n_ports; i++)
			vnics += t->ports[i].kind == TOPO_PORT_VHOST;
	if (d->dp_ports_max != 0 && t->n_ports - vnics > d->dp_ports_max)
		return rpc_error_set(err, RPC_ERR_PARAMS, "ports: %u %sin all, but "
				     "the dataplane holds at most %u (its DPDK's "
				     "RTE_MAX_ETHPORTS); remove some ports, or "
				     "spread them over another yard-dp",
				     t->n_ports - vnics,
				     vnics != 0 ? "other than vhost " : "",
				     d->dp_ports_max);
	if (vnics > d->dp_vnics_max)
		return rpc_error_set(err, RPC_ERR_PARAMS, "ports: %u vhost ports "
				     "in all, but the dataplane holds at most %u "
				     "vNICs; remove some, or spread them over "
				     "another yard-dp", vnics, d->dp_vnics_max);
	if (d->dp_flows_max != 0 && t->n_flows > d->dp_flows_max)
		return rpc_error_set(err, RPC_ERR_PARAMS, "flows: %u in all, but "
				     "the dataplane's flow table holds at most %u "
				     "(yard-dp --flow-max-rules); delete rules or "
				     "raise the limit", t->n_flows, d->dp_flows_max);
	return 0;
}

/* Store a validated topology (consumed) in canonical form and program it. */
static int
state_commit_topo(struct yardd *d, struct topo *t, enum routes_take take,
		  const char *take_name, bool dry_run,
		  struct store_delta *delta, struct rpc_error *err)
{
	char why[sizeof(err->message)];
	struct topo_router *taken = NULL;
	unsigned int n_routers = t->n_routers;
	json_t *canon;
	int rc;

	/* The host's policy, before anything is stored or reaches yard-dp. */
	rc = policy_check(d->policy, t, why, sizeof(why));
	if (rc < 0) {
		topo_free(t);
		return rpc_error_set(err, RPC_ERR_PARAMS, "%s", why);
	}
	/* Refused up front, not stored to fail port after port in yard-dp. */
	rc = capacity_check(d, t, err);
	if (rc < 0) {
		topo_free(t);
		return rc;
	}
	rc = routes_take(d, t, take, take_name, &taken, why, sizeof(why));
	if (rc < 0) {
		topo_free(t);
		taken_free(taken, n_routers);
		return rc == -ENOMEM ? rpc_error_set(err, RPC_ERR_INTERNAL,
						     "out of memory") :
		       rpc_error_set(err, RPC_ERR_PARAMS, "%s", why);
	}
	canon = topo_to_json(t);
	topo_free(t);
	if (canon == NULL) {
		taken_free(taken, n_routers);
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	}
	rc = store_save(d->store, canon, dry_run, delta);
	if (rc < 0) {
		json_decref(canon);
		taken_free(taken, n_routers);
		return rpc_error_set(err, RPC_ERR_FAILED, "store %s: %s", d->db_path,
				     store_errmsg(d->store));
	}
	if (dry_run) {
		json_decref(canon);
		taken_free(taken, n_routers);
		return 0;
	}
	json_decref(d->desired);
	d->desired = canon;
	rc = routes_store(d, taken, n_routers, err);
	taken_free(taken, n_routers);
	yardd_sync(d);
	return rc;
}

/*
 * A path into a document we built means little to the caller ("ports[7]"
 * is wherever yardd keeps the object): name the object it points to,
 * "port 'vm1' (ports[7]).mac: ...".
 */
static void
name_path(json_t *doc, const char *msg, char *out, size_t len)
{
	for (unsigned int i = 0; i < TOPO_KIND_MAX; i++) {
		const struct topo_kind_info *k = topo_kind_get(i);
		size_t klen = strlen(k->plural);
		unsigned long idx;
		const char *name;
		char *end;

		if (k->single || strncmp(msg, k->plural, klen) != 0 ||
		    msg[klen] != '[')
			continue;
		idx = strtoul(msg + klen + 1, &end, 10);
		name = json_string_value(json_object_get(json_array_get(
			json_object_get(doc, k->plural), idx), "name"));
		if (*end != ']' || name == NULL)
			break;
		snprintf(out, len, "%s '%s' (%.*s)%s", k->singular, name,
			 (int)(end + 1 - msg), msg, end + 1);
		return;
	}
	snprintf(out, len, "%s", msg);
}

/*
 * Validate `doc` (stolen), store it and program it. `own_lines`: the
 * document is the caller's text, whose line numbers mean something;
 * otherwise the error names objects, after `what` ("cannot delete ...: ").
 */
static int
state_commit(struct yardd *d, json_t *doc, const char *name, bool own_lines,
	     const char *what, enum routes_take take, const char *take_name,
	     bool dry_run, struct store_delta *delta, struct rpc_error *err)
{
	struct topo_error terr;
	char msg[sizeof(err->message)];
	struct topo *t;

	t = topo_parse_json(doc, name, &terr);
	if (t == NULL) {
		if (own_lines)
			snprintf(msg, sizeof(msg), "%s", terr.msg);
		else
			name_path(doc, strip_location(terr.msg), msg, sizeof(msg));
		json_decref(doc);
		return rpc_error_set(err, RPC_ERR_PARAMS, "%s%s", what, msg);
	}
	json_decref(doc);
	return state_commit_topo(d, t, take, take_name, dry_run, delta, err);
}

static json_t *
delta_json(const struct yardd *d, const struct store_delta *delta)
{
	return json_pack("{s:O, s:O, s:O, s:i, s:I}",
			 "created", delta->created_names,
			 "updated", delta->updated_names,
			 "deleted", delta->deleted_names,
			 "unchanged", delta->unchanged,
			 "generation", (json_int_t)store_generation(d->store));
}

static int
m_apply(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct yardd *d = ctx;
	struct store_delta delta = { 0 };
	const char *text = NULL, *name = "topology";
	bool dry_run = false;
	int rc;

	if (rpc_param_str_opt(params, "text", &text, err) < 0 ||
	    rpc_param_str_opt(params, "name", &name, err) < 0 ||
	    rpc_param_bool_opt(params, "dry_run", &dry_run, err) < 0)
		return -EINVAL;
	if (text != NULL) {
		struct topo_error terr;
		struct topo *t = topo_parse_string(text, strlen(text), name,
						   &terr);

		if (t == NULL)
			return rpc_error_set(err, RPC_ERR_PARAMS, "%s", terr.msg);
		rc = state_commit_topo(d, t, ROUTES_ALL, NULL, dry_run, &delta,
				       err);
	} else {
		json_t *doc = json_object_get(params, "topology");

		if (!json_is_object(doc))
			return rpc_error_set(err, RPC_ERR_PARAMS, "params: give "
					     "'text' (YAML or JSON) or 'topology' "
					     "(an object)");
		rc = state_commit(d, json_incref(doc), "topology", true, "",
				  ROUTES_ALL, NULL, dry_run, &delta, err);
	}
	if (rc == 0)
		*result = delta_json(d, &delta);
	store_delta_release(&delta);
	return rc;
}


static int
m_export(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct yardd *d = ctx;
	const char *format = "yaml", *key;
	json_t *doc, *v;
	void *tmp;
	char *text;
	size_t i;

	if (rpc_param_str_opt(params, "format", &format, err) < 0)
		return -EINVAL;
	if (strcmp(format, "yaml") != 0 && strcmp(format, "json") != 0)
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.format: '%s' is "
				     "neither yaml nor json", format);
	/*
	 * The store loads every kind, empty or not; the canonical form (what
	 * apply stored) leaves empty lists out. Export the same bytes either
	 * way.
	 */
	doc = json_deep_copy(d->desired);
	if (doc == NULL)
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	json_object_foreach_safe(doc, tmp, key, v)
		if (json_is_array(v) && json_array_size(v) == 0)
			json_object_del(doc, key);
	/* Routes are stored apart: the document carries them again. */
	json_array_foreach(json_object_get(doc, "routers"), i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));

		if (name != NULL && yardd_routes_count(d, name) > 0)
			json_object_set_new(v, "routes",
					    yardd_routes_json(d, name));
	}
	text = strcmp(format, "yaml") == 0 ? topo_json_to_yaml(doc) :
					     json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (text == NULL)
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	*result = json_pack("{s:s, s:s}", "format", format, "text", text);
	free(text);
	return 0;
}

/* ---- Per-kind methods, one handler each, the kind in ctx ---- */

struct kind_ctx {
	struct yardd *d;
	const struct topo_kind_info *k;
};

static struct kind_ctx kind_ctxs[TOPO_KIND_MAX];

static json_t *
object_with_status(const struct yardd *d, const struct topo_kind_info *k,
		   json_t *obj)
{
	const char *name = json_string_value(json_object_get(obj, "name"));
	const char *msg, *status;
	json_t *o;

	status = yardd_object_status(d, k, name ? name : "", &msg);
	o = json_pack("{s:O, s:s}", "object", obj, "status", status);
	if (k->kind == TOPO_KIND_ROUTER && name != NULL)
		json_object_set_new(o, "route_count", json_integer(
			(json_int_t)yardd_routes_count(d, name)));
	if (k->kind == TOPO_KIND_ROUTER && name != NULL)
		json_object_set_new(o, "route_digest",
				    yardd_routes_digest_json(d, name));
	if (msg != NULL)
		json_object_set_new(o, "message", json_string(msg));
	return o;
}

/* Position of object `name` in the list, or -1. */
static ssize_t
find(json_t *list, const char *name)
{
	json_t *o;
	size_t i;

	json_array_foreach(list, i, o)
		if (strcmp(json_string_value(json_object_get(o, "name")) ?: "",
			   name) == 0)
			return (ssize_t)i;
	return -1;
}

static int
m_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct kind_ctx *c = ctx;
	json_t *list = json_array(), *o;
	size_t i;

	(void)params;
	(void)err;
	json_array_foreach(json_object_get(c->d->desired, c->k->plural), i, o)
		json_array_append_new(list, object_with_status(c->d, c->k, o));
	*result = list;
	return 0;
}

static int
m_get(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct kind_ctx *c = ctx;
	const char *name;
	json_t *obj;
	ssize_t at;

	if (rpc_param_str(params, "name", &name, err) < 0)
		return -EINVAL;
	at = find(json_object_get(c->d->desired, c->k->plural), name);
	if (at < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "no %s called '%s' "
				     "('yardctl list %s' shows those there are)",
				     c->k->singular, name, c->k->plural);
	obj = json_array_get(json_object_get(c->d->desired, c->k->plural),
			     (size_t)at);
	/*
	 * A router's routes are stored apart; a get shows them while they
	 * are few, so that get, edit, update keeps them (an update without
	 * "routes" keeps them too).
	 */
	if (c->k->kind == TOPO_KIND_ROUTER &&
	    yardd_routes_count(c->d, name) > 0 &&
	    yardd_routes_count(c->d, name) <= YARDD_ROUTES_INLINE_MAX) {
		obj = json_deep_copy(obj);
		json_object_set_new(obj, "routes", yardd_routes_json(c->d, name));
		*result = object_with_status(c->d, c->k, obj);
		json_decref(obj);
		return 0;
	}
	*result = object_with_status(c->d, c->k, obj);
	return 0;
}

/*
 * The names a change is about: params.name or params.names (delete), the
 * names of params.object or params.objects (create, update). Returns a new
 * array of strings, or NULL with `err` set.
 */
static json_t *
change_names(const struct kind_ctx *c, json_t *params, bool del,
	     json_t **objs, struct rpc_error *err)
{
	const char *one = del ? "name" : "object", *many = del ? "names" : "objects";
	json_t *list = json_object_get(params, many), *names, *v;
	size_t i;

	*objs = NULL;
	if (list == NULL) {
		v = json_object_get(params, one);
		if (del && !json_is_string(v)) {
			rpc_error_set(err, RPC_ERR_PARAMS, "params.name: a string "
				      "is required (or params.names, a list)");
			return NULL;
		}
		if (!del && !json_is_object(v)) {
			rpc_error_set(err, RPC_ERR_PARAMS, "params.object: a %s "
				      "object is expected (or params.objects, a "
				      "list)", c->k->singular);
			return NULL;
		}
		list = json_pack("[O]", v);
	} else if (!json_is_array(list) || json_array_size(list) == 0) {
		rpc_error_set(err, RPC_ERR_PARAMS, "params.%s: a list of one "
			      "%s or more is expected", many, del ? "name" :
			      "object");
		return NULL;
	} else {
		json_incref(list);
	}
	names = json_array();
	json_array_foreach(list, i, v) {
		json_t *name = del ? v : json_object_get(v, "name");

		if (!del && !json_is_object(v)) {
			rpc_error_set(err, RPC_ERR_PARAMS, "params.%s[%zu]: a %s "
				      "object is expected", many, i,
				      c->k->singular);
			break;
		}
		if (!json_is_string(name)) {
			rpc_error_set(err, RPC_ERR_PARAMS, "params.%s[%zu]%s: a "
				      "string is required", many, i,
				      del ? "" : ".name");
			break;
		}
		json_array_append(names, name);
	}
	if (i < json_array_size(list)) {
		json_decref(names);
		json_decref(list);
		return NULL;
	}
	if (!del)
		*objs = list;
	else
		json_decref(list);
	return names;
}

/* {"name", "status", "message"?} of object `name` after a change. */
static json_t *
change_result(const struct kind_ctx *c, const char *name)
{
	const char *msg;
	json_t *r = json_pack("{s:s, s:s}", "name", name, "status",
			      yardd_object_status(c->d, c->k, name, &msg));

	if (r != NULL && msg != NULL)
		json_object_set_new(r, "message", json_string(msg));
	return r;
}

/*
 * create (the names must be new), update (they must exist) or delete one
 * object or a list of them, in one transaction and one push: the result
 * of one object, or a list of them.
 */
static int
change(struct kind_ctx *c, json_t *params, bool create, bool del,
       json_t **result, struct rpc_error *err)
{
	json_t *doc, *list, *objs, *names, *at, *v, *kept;
	struct store_delta delta = { 0 };
	enum routes_take take = ROUTES_KEEP;
	const char *take_name = NULL;
	bool many = json_object_get(params, del ? "names" : "objects") != NULL;
	const char *name = NULL;
	char what[160];
	size_t i;
	int rc = 0;

	names = change_names(c, params, del, &objs, err);
	if (names == NULL)
		return -EINVAL;
	/* A router given with routes sets them (one router at a time). */
	json_array_foreach(objs, i, v) {
		if (c->k->kind != TOPO_KIND_ROUTER ||
		    json_object_get(v, "routes") == NULL)
			continue;
		if (many) {
			json_decref(names);
			json_decref(objs);
			return rpc_error_set(err, RPC_ERR_PARAMS, "routers with "
					     "routes go one at a time (or in "
					     "apply); give the others without "
					     "routes");
		}
		take = ROUTES_ONE;
		take_name = json_string_value(json_array_get(names, i));
	}
	doc = json_deep_copy(c->d->desired);
	list = json_object_get(doc, c->k->plural);
	if (list == NULL) {
		list = json_array();
		json_object_set_new(doc, c->k->plural, list);
	}
	/* name -> position, once: a change of thousands stays linear. */
	at = json_object();
	json_array_foreach(list, i, v) {
		const char *n = json_string_value(json_object_get(v, "name"));

		if (n != NULL)
			json_object_set_new(at, n, json_integer((json_int_t)i));
	}
	json_array_foreach(names, i, v) {
		json_t *pos = json_object_get(at, json_string_value(v));

		name = json_string_value(v);
		if (create && pos != NULL) {
			rc = rpc_error_set(err, RPC_ERR_EXISTS, "%s '%s' exists "
					   "already: choose another name, or "
					   "change it with update", c->k->singular,
					   name);
			break;
		}
		if (!create && !json_is_integer(pos)) {
			rc = rpc_error_set(err, RPC_ERR_NOT_FOUND, "no %s called "
					   "'%s' ('yardctl list %s' shows those "
					   "there are)", c->k->singular, name,
					   c->k->plural);
			break;
		}
		if (create) {
			json_array_append(list, json_array_get(objs, i));
			/* Named twice in one request: the second is refused. */
			json_object_set_new(at, name, json_true());
		} else if (del) {
			json_object_set_new(at, name, json_null());
		} else {
			json_array_set(list, (size_t)json_integer_value(pos),
				       json_array_get(objs, i));
		}
	}
	if (rc == 0 && del) {
		kept = json_array();
		json_array_foreach(list, i, v)
			if (!json_is_null(json_object_get(at, json_string_value(
				json_object_get(v, "name")) ?: "")))
				json_array_append(kept, v);
		json_object_set_new(doc, c->k->plural, kept);
		/* What still names them, once they are all gone. */
		json_array_foreach(names, i, v) {
			char users[512];
			unsigned int n;

			name = json_string_value(v);
			n = yardd_refs_list(doc, c->k, name, users, sizeof(users));
			if (n == 0)
				continue;
			rc = rpc_error_set(err, RPC_ERR_PARAMS, "cannot delete %s "
					   "'%s': %s still use%s it; delete %s or "
					   "point %s elsewhere first",
					   c->k->singular, name, users,
					   n == 1 ? "s" : "", n == 1 ? "it" :
					   "them", n == 1 ? "it" : "them");
			break;
		}
	}
	json_decref(at);
	json_decref(objs);
	if (rc < 0) {
		json_decref(names);
		json_decref(doc);
		return rc;
	}
	if (many)
		snprintf(what, sizeof(what), "cannot %s %zu %s: ",
			 create ? "create" : del ? "delete" : "update",
			 json_array_size(names), c->k->plural);
	else
		snprintf(what, sizeof(what), "cannot %s %s '%s': ",
			 create ? "create" : del ? "delete" : "update",
			 c->k->singular, name);
	rc = state_commit(c->d, doc, "object", false, what, take, take_name,
			  false, &delta, err);
	store_delta_release(&delta);
	if (rc == 0 && !del && !many) {
		*result = change_result(c, name);
	} else if (rc == 0 && !del) {
		*result = json_array();
		json_array_foreach(names, i, v)
			json_array_append_new(*result, change_result(c,
				json_string_value(v)));
	}
	json_decref(names);
	return rc;
}

static int
m_create(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	return change(ctx, params, true, false, result, err);
}

static int
m_update(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	return change(ctx, params, false, false, result, err);
}

static int
m_delete(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	return change(ctx, params, false, true, result, err);
}

/* A single kind (the overlay) is one object, without a name. */
static int
m_one_get(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct kind_ctx *c = ctx;
	json_t *o = json_object_get(c->d->desired, c->k->plural);

	(void)params;
	if (o == NULL)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "no %s is set",
				     c->k->singular);
	*result = object_with_status(c->d, c->k, o);
	return 0;
}

/* Set (obj) or delete (obj NULL) the object of a single kind. */
static int
one_change(struct kind_ctx *c, json_t *obj, json_t **result,
	   struct rpc_error *err)
{
	struct store_delta delta = { 0 };
	json_t *doc = json_deep_copy(c->d->desired);
	const char *msg;
	char what[64];
	int rc;

	if (obj != NULL)
		json_object_set(doc, c->k->plural, obj);
	else if (json_object_del(doc, c->k->plural) < 0) {
		json_decref(doc);
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "no %s is set",
				     c->k->singular);
	}
	snprintf(what, sizeof(what), "cannot %s the %s: ",
		 obj != NULL ? "set" : "delete", c->k->singular);
	rc = state_commit(c->d, doc, "object", false, what, ROUTES_KEEP, NULL,
			  false, &delta, err);
	store_delta_release(&delta);
	if (rc == 0 && obj != NULL)
		*result = json_pack("{s:s}", "status",
				    yardd_object_status(c->d, c->k, "", &msg));
	return rc;
}

static int
m_one_set(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct kind_ctx *c = ctx;
	json_t *obj = json_object_get(params, "object");

	if (!json_is_object(obj))
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.object: an "
				     "%s object is expected", c->k->singular);
	return one_change(c, obj, result, err);
}

static int
m_one_delete(void *ctx, json_t *params, json_t **result,
	     struct rpc_error *err)
{
	(void)params;
	return one_change(ctx, NULL, result, err);
}

/* ---- Runtime queries, answered by yard-dp ---- */

/* yardd's name, then yard-dp's; d is set at registration. */
static struct proxy_ctx {
	const char *method;
	const char *dp_method;
	struct yardd *d;
} proxies[] = {
	{ YARDD_M_STATS_PORTS, "port.stats", NULL },
	{ YARDD_M_STATS_NODES, "stats.nodes", NULL },
	{ YARDD_M_STATS_DROPS, "stats.drops", NULL },
	{ YARDD_M_FDB_LIST, "fdb.list", NULL },
	{ YARDD_M_NEIGH_LIST, "neigh.list", NULL },
	{ YARDD_M_ROUTER_STATS, "router.stats", NULL },
	{ YARDD_M_ROUTE_GET, "route.get", NULL },
	{ YARDD_M_ROUTER_FIB, "router.list", NULL },
	{ YARDD_M_VTEP_LIST, "vtep.list", NULL },
	{ YARDD_M_FLOW_STATS, "flow.list", NULL },
	{ YARDD_M_CAPTURE_START, "capture.start", NULL },
	{ YARDD_M_CAPTURE_READ, "capture.read", NULL },
	{ YARDD_M_CAPTURE_STOP, "capture.stop", NULL },
	{ YARDD_M_TRACE_START, "trace.start", NULL },
};

static int
m_proxy(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct proxy_ctx *p = ctx;
	int rc = yardd_dp_call(p->d, p->dp_method, json_incref(params), result,
			       err);

	return rc < 0 ? rc : 0;
}

static int
m_status(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct yardd *d = ctx;
	size_t objects = 0;

	(void)params;
	(void)err;
	for (unsigned int i = 0; i < TOPO_KIND_MAX; i++) {
		json_t *v = json_object_get(d->desired,
					    topo_kind_get(i)->plural);

		objects += json_is_array(v) ? json_array_size(v) : v != NULL;
	}
	*result = json_pack("{s:s, s:{s:s, s:I, s:I}, s:{s:s, s:b, s:I, s:i, s:I}}",
			    "version", YARD_VERSION,
			    "store", "path", d->db_path,
			    "generation", (json_int_t)store_generation(d->store),
			    "objects", (json_int_t)objects,
			    "dataplane", "socket", d->dp_path,
			    "connected", d->dp != NULL,
			    "resyncs", (json_int_t)d->dp_connects,
			    "last_sync_ops", (int)d->last_sync_ops,
			    "reads", (json_int_t)d->held_reads);
	if (*result != NULL)
		yardd_routes_status(d, *result);
	return 0;
}

/* One port's line in port.retry's answer. */
static json_t *
retry_entry(const struct yardd *d, const char *name, bool retried)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_PORT);
	const char *msg, *status = yardd_object_status(d, k, name, &msg);
	json_t *e = json_pack("{s:s, s:b, s:s}", "name", name, "retried",
			      retried, "status", status);

	if (e != NULL && msg != NULL)
		json_object_set_new(e, "message", json_string(msg));
	return e;
}

static int
m_port_retry(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_PORT);
	struct yardd *d = ctx;
	const char *name = NULL;
	json_t *ports, *retried;
	bool all = false;
	int n;

	if (rpc_param_str_opt(params, "name", &name, err) < 0 ||
	    rpc_param_bool_opt(params, "all", &all, err) < 0)
		return -EINVAL;
	if ((name == NULL) == !all)
		return rpc_error_set(err, RPC_ERR_PARAMS, "name a port, or give "
				     "\"all\": true for every port in error");
	if (name != NULL &&
	    find(json_object_get(d->desired, k->plural), name) < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "no port called '%s' "
				     "('yardctl list ports' shows those there "
				     "are)", name);
	retried = json_array();
	n = yardd_retry(d, k, name, retried);
	if (n < 0) {
		json_decref(retried);
		return rpc_error_set(err, RPC_ERR_FAILED, "dataplane not connected "
				     "(%s): nothing can be pushed; yardd pushes "
				     "every port when yard-dp is back", d->dp_path);
	}
	ports = json_array();
	if (name != NULL)
		json_array_append_new(ports, retry_entry(d, name, n > 0));
	for (size_t i = 0; name == NULL && i < json_array_size(retried); i++)
		json_array_append_new(ports, retry_entry(d, json_string_value(
			json_array_get(retried, i)), true));
	json_decref(retried);
	*result = json_pack("{s:o}", "ports", ports);
	return 0;
}

/* The methods of one kind: the list verbs, or the single verbs. */
static int
kind_register(struct yardd *d, const struct topo_kind_info *k)
{
	static const struct kind_verb {
		const char *verb;
		rpc_method_fn fn;
	} list_verbs[] = {
		{ YARDD_VERB_CREATE, m_create }, { YARDD_VERB_UPDATE, m_update },
		{ YARDD_VERB_DELETE, m_delete }, { YARDD_VERB_GET, m_get },
		{ YARDD_VERB_LIST, m_list }, { NULL, NULL },
	}, single_verbs[] = {
		{ YARDD_VERB_GET, m_one_get }, { YARDD_VERB_SET, m_one_set },
		{ YARDD_VERB_DELETE, m_one_delete }, { NULL, NULL },
	};
	struct kind_ctx *c = &kind_ctxs[k->kind];
	const struct kind_verb *v;
	char method[64];
	int rc = 0;

	c->d = d;
	c->k = k;
	for (v = k->single ? single_verbs : list_verbs; v->verb != NULL; v++) {
		if (yardd_kind_method(method, sizeof(method), k, v->verb) < 0)
			return -ENAMETOOLONG;
		rc |= rpc_server_method_add(d->srv, method, v->fn, c);
	}
	return rc < 0 ? -ENOMEM : 0;
}

int
yardd_api_register(struct yardd *d)
{
	int rc = 0;

	rc |= rpc_server_method_add(d->srv, YARDD_M_APPLY, m_apply, d);
	rc |= rpc_server_method_add(d->srv, YARDD_M_EXPORT, m_export, d);
	rc |= rpc_server_method_add(d->srv, YARDD_M_STATUS, m_status, d);
	rc |= rpc_server_method_add(d->srv, YARDD_M_PORT_RETRY, m_port_retry, d);
	for (unsigned int i = 0; i < TOPO_KIND_MAX; i++)
		rc |= kind_register(d, topo_kind_get(i));
	for (size_t i = 0; i < sizeof(proxies) / sizeof(proxies[0]); i++) {
		proxies[i].d = d;
		rc |= rpc_server_method_add(d->srv, proxies[i].method, m_proxy,
					    &proxies[i]);
	}
	return rc < 0 ? -ENOMEM : 0;
}
