/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The reconciler: what yard-dp holds is compared with the desired state,
 * object by object in canonical form, and only the difference is sent, in
 * one batch. A dataplane that already holds the desired state gets nothing,
 * so a yardd restart never disturbs traffic.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "topology.h"
#include "yardd.h"

#define RECONNECT_MS 500
#define RETRY_FIRST_MS 1000	/* A failed push is tried again after this, */
#define RETRY_MAX_MS 60000	/* doubling up to this. */
#define DP_TIMEOUT_MS 30000
/* Well inside yard-dp's idle timeout (60 s by default), which closes a
 * connection that says nothing. */
#define KEEPALIVE_MS 15000

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Forget what yard-dp holds: the next sync reads it again. */
static void
held_forget(struct yardd *d)
{
	for (unsigned int i = 0; i < TOPO_KIND_MAX; i++) {
		json_decref(d->held[i]);
		d->held[i] = NULL;
	}
}

static void
dp_drop(struct yardd *d, const char *why)
{
	held_forget(d);
	if (d->dp == NULL)
		return;
	yardd_log("dataplane %s: disconnected (%s)", d->dp_path, why);
	rpc_client_free(d->dp);
	d->dp = NULL;
}

int
yardd_dp_call(struct yardd *d, const char *method, json_t *params,
	      json_t **result, struct rpc_error *err)
{
	int rc;

	if (d->dp == NULL) {
		json_decref(params);
		rpc_error_set(err, RPC_ERR_FAILED, "dataplane not connected (%s): "
			      "is yard-dp running?", d->dp_path);
		return -ENOTCONN;
	}
	d->dp_last_call = now_ms();
	rc = rpc_client_call(d->dp, method, params, result, err);
	if (rc < 0 && rc != -EREMOTEIO)
		dp_drop(d, strerror(-rc));
	return rc;
}

/* A small call, so that yard-dp does not close an idle connection. */
static void
yardd_dp_keepalive(struct yardd *d)
{
	struct rpc_error err = { 0 };
	json_t *result = NULL;

	yardd_dp_call(d, "stats.drops", NULL, &result, &err);
	json_decref(result);
	rpc_error_clear(&err);
}

/* How many ports and flow rules the dataplane can hold, so that changes beyond it are refused. */
static void
dp_capacity_read(struct yardd *d)
{
	struct rpc_error err = { 0 };
	json_t *res = NULL;

	if (yardd_dp_call(d, "version", NULL, &res, &err) == 0) {
		d->dp_ports_max = (unsigned int)json_integer_value(
			json_object_get(res, "ports_max"));
		d->dp_vnics_max = (unsigned int)json_integer_value(
			json_object_get(res, "vnics_max"));
		d->dp_workers = (unsigned int)json_integer_value(
			json_object_get(res, "workers"));
	}
	json_decref(res);
	rpc_error_clear(&err);
	/* A yard-dp without the flow module answers -32601: no limit known. */
	res = NULL;
	d->dp_flows_max = 0;
	if (yardd_dp_call(d, "flow.limits", NULL, &res, &err) == 0)
		d->dp_flows_max = (unsigned int)json_integer_value(
			json_object_get(res, "max_rules"));
	json_decref(res);
	rpc_error_clear(&err);
}

void
yardd_dp_poll(struct yardd *d)
{
	uint64_t now = now_ms();
	int rc;

	if (d->dp != NULL) {
		struct pollfd pfd = { .fd = rpc_client_fd(d->dp), .events = POLLIN };

		/* Between calls yard-dp never writes: readable means gone. */
		if (poll(&pfd, 1, 0) > 0)
			dp_drop(d, "connection closed");
		else if (d->next_retry_ms != 0 && now >= d->next_retry_ms)
			yardd_sync(d);	/* A failed push's back-off ended. */
		else if (now - d->dp_last_call >= KEEPALIVE_MS)
			yardd_dp_keepalive(d);
		return;
	}
	if (now - d->dp_last_try < RECONNECT_MS)
		return;
	d->dp_last_try = now;
	d->dp = rpc_client_connect(d->dp_path, &rc);
	if (d->dp == NULL)
		return;
	rpc_client_set_timeout(d->dp, DP_TIMEOUT_MS);
	d->dp_last_call = now;
	d->dp_connects++;
	yardd_log("dataplane %s: connected", d->dp_path);
	dp_capacity_read(d);
	/* A new dataplane: what failed before is tried again at once. */
	json_object_clear(d->errors);
	yardd_sync(d);
}

/*
 * Index the objects of one kind of a document by name; the one object of a
 * single kind (the overlay) has the name "".
 */
static json_t *
by_name(json_t *doc, const struct topo_kind_info *k)
{
	json_t *index = json_object(), *list = json_object_get(doc, k->plural);
	json_t *o;
	size_t i;

	if (k->single) {
		if (json_is_object(list))
			json_object_set(index, "", list);
		return index;
	}
	json_array_foreach(list, i, o) {
		const char *name = json_string_value(json_object_get(o, "name"));

		if (name != NULL)
			json_object_set(index, name, o);
	}
	return index;
}

/*
 * Both sides are in canonical form, where equal texts mean equal objects;
 * json_equal() compares the same values (key order aside) without
 * writing either out.
 */
static bool
same_object(json_t *a, json_t *b)
{
	return a != NULL && b != NULL && json_equal(a, b);
}

static void
op_add(json_t *ops, json_t *owners, const char *method, json_t *params,
       const struct topo_kind_info *k, const char *name)
{
	char owner[128];

	yardd_object_key(owner, sizeof(owner), k, name);
	json_array_append_new(ops, json_pack("{s:s, s:o}", "method", method,
					     "params", params));
	json_array_append_new(owners, json_string(owner));
}

/* What yard-dp holds (borrowed) and what it should hold, per programmed kind. */
struct plan_side {
	json_t *want[TOPO_KIND_MAX];
	json_t *const *have;
};

/* Delete the objects of kind `k` that yard-dp holds and should not. */
static void
plan_deletes(struct plan_side *p, const struct topo_kind_info *k,
	     json_t *ops, json_t *owners)
{
	const char *name;
	json_t *o;

	json_object_foreach(p->have[k->kind], name, o)
		if (json_object_get(p->want[k->kind], name) == NULL)
			op_add(ops, owners, k->dp_del, k->single ? json_object() :
			       json_pack("{s:s}", "name", name), k, name);
}

/*
 * Whether some other programmed kind names objects of kind `k`: then an
 * object of `k` may be deleted only once the objects naming it are gone or
 * moved.
 */
static bool
kind_referred(const struct topo_kind_info *k)
{
	for (unsigned int i = 0; i < TOPO_KIND_MAX; i++) {
		const struct topo_kind_info *o = topo_kind_get(i);

		if (o != k && topo_kind_programmed(o) &&
		    (o->refers & (1u << k->kind)))
			return true;
	}
	return false;
}

/*
 * Operations that turn `actual` into `desired`, in an order that works,
 * over the kinds yard-dp programs:
 *   1. deletes of the kinds no other programmed kind refers to, last kind
 *      first: they free what they held (a vhost socket, a device) for the
 *      objects that step 2 creates;
 *   2. sets (creates and updates) of every kind, in dependency order, so
 *      an object arrives after the objects it names;
 *   3. deletes of the kinds another programmed kind refers to, last kind
 *      first: the objects that named them were deleted in step 1 or moved
 *      away in step 2.
 * With networks and ports: port deletes, network sets, port sets, network
 * deletes.
 */
static void
plan(json_t *desired, json_t *const held[TOPO_KIND_MAX], json_t *ops,
     json_t *owners)
{
	struct plan_side p = { .have = held };
	const struct topo_kind_info *k;
	const char *name;
	unsigned int i;
	json_t *o;

	for (i = 0; i < TOPO_KIND_MAX; i++) {
		k = topo_kind_get(i);
		if (topo_kind_programmed(k))
			p.want[i] = by_name(desired, k);
	}
	for (i = TOPO_KIND_MAX; i-- > 0;) {
		k = topo_kind_get(i);
		if (p.want[i] != NULL && !kind_referred(k))
			plan_deletes(&p, k, ops, owners);
	}
	for (i = 0; i < TOPO_KIND_MAX; i++) {
		k = topo_kind_get(i);
		json_object_foreach(p.want[i], name, o) {
			json_t *have = json_object_get(p.have[i], name);

			if (have == NULL || !same_object(have, o))
				op_add(ops, owners, k->dp_set, json_incref(o),
				       k, name);
		}
	}
	for (i = TOPO_KIND_MAX; i-- > 0;) {
		k = topo_kind_get(i);
		if (p.want[i] != NULL && kind_referred(k))
			plan_deletes(&p, k, ops, owners);
	}
	for (i = 0; i < TOPO_KIND_MAX; i++)
		json_decref(p.want[i]);
}

/* Read what yard-dp holds, when it is not known yet. */
static int
held_read(struct yardd *d, struct rpc_error *err)
{
	json_t *actual = NULL;

	if (d->held[0] != NULL)
		return 0;
	/* Routes are compared apart (yardd_routes_sync()), not listed here. */
	if (yardd_dp_call(d, "topology.export", json_pack("{s:b}", "routes", 0),
			  &actual, err) < 0)
		return -1;
	d->held_reads++;
	for (unsigned int i = 0; i < TOPO_KIND_MAX; i++)
		d->held[i] = by_name(actual, topo_kind_get(i));
	json_decref(actual);
	return 0;
}

/* yard-dp accepted operation `op` of `owner` ("ports/p1"): note it. */
static void
held_apply(struct yardd *d, const char *owner, json_t *op)
{
	const char *method = json_string_value(json_object_get(op, "method"));
	const char *slash = strchr(owner, '/');

	if (slash == NULL || method == NULL)
		return;
	for (unsigned int i = 0; i < TOPO_KIND_MAX; i++) {
		const struct topo_kind_info *k = topo_kind_get(i);

		if (strncmp(owner, k->plural, (size_t)(slash - owner)) != 0 ||
		    k->plural[slash - owner] != '\0' || d->held[i] == NULL)
			continue;
		if (k->dp_set != NULL && strcmp(method, k->dp_set) == 0)
			json_object_set(d->held[i], slash + 1,
					json_object_get(op, "params"));
		else
			json_object_del(d->held[i], slash + 1);
		return;
	}
}

/* Operations [from, to) of `ops` went through. */
static void
held_apply_range(struct yardd *d, json_t *ops, json_t *owners, size_t from,
		 size_t to)
{
	for (size_t i = from; i < to && d->held[0] != NULL; i++)
		held_apply(d, json_string_value(json_array_get(owners, i)),
			   json_array_get(ops, i));
}

/*
 * Keep back the operations that failed before, unchanged, whose back-off
 * has not ended: their errors stay as they were. The others are sent.
 */
static void
ops_backoff(struct yardd *d, json_t *old, json_t *ops, json_t *owners,
	    uint64_t now)
{
	for (size_t i = 0; i < json_array_size(ops);) {
		const char *owner = json_string_value(json_array_get(owners, i));
		json_t *e = json_object_get(old, owner);

		if (e != NULL &&
		    (uint64_t)json_integer_value(json_object_get(e, "next_ms")) > now &&
		    same_object(json_object_get(e, "op"), json_array_get(ops, i))) {
			json_object_set(d->errors, owner, e);
			json_array_remove(ops, i);
			json_array_remove(owners, i);
			continue;
		}
		i++;
	}
}

/* Note a failed push of `op` and when it will be tried again. */
static void
error_record(struct yardd *d, json_t *old, const char *owner, json_t *op,
	     const char *message, uint64_t now)
{
	json_t *prev = json_object_get(old, owner);
	json_int_t attempts = 1;
	uint64_t delay = RETRY_FIRST_MS;
	char text[1024];

	if (prev != NULL && same_object(json_object_get(prev, "op"), op))
		attempts = json_integer_value(json_object_get(prev, "attempts")) + 1;
	for (json_int_t a = 1; a < attempts && delay < RETRY_MAX_MS; a++)
		delay *= 2;
	if (delay > RETRY_MAX_MS)
		delay = RETRY_MAX_MS;
	snprintf(text, sizeof(text), "%s (tried %lld time%s; again in %llu s, "
		 "or when it changes)", message, (long long)attempts,
		 attempts == 1 ? "" : "s", (unsigned long long)(delay / 1000));
	json_object_set_new(d->errors, owner, json_pack("{s:s, s:O, s:I, s:I}",
		"message", text, "op", op, "attempts", attempts,
		"next_ms", (json_int_t)(now + delay)));
}

void
yardd_sync(struct yardd *d)
{
	json_t *ops = json_array(), *owners = json_array();
	json_t *old = d->errors, *e;
	struct rpc_error err = { 0 };
	size_t start = 0, n;
	uint64_t now = now_ms();
	const char *key;

	d->errors = json_object();
	if (held_read(d, &err) < 0) {
		if (d->dp != NULL)
			yardd_log("dataplane: topology.export failed: %s",
				  err.message);
		goto out;
	}
	plan(d->desired, d->held, ops, owners);
	ops_backoff(d, old, ops, owners, now);
	n = json_array_size(ops);
	d->last_sync_ops = (unsigned int)n;
	if (n != 0)
		yardd_log("dataplane: pushing %zu change(s)", n);

	/* One batch; after a failed operation, go on with the next ones. */
	while (start < n && d->dp != NULL) {
		json_t *part = json_array(), *res = NULL, *op;
		size_t failed;
		int rc;

		for (size_t i = start; i < n; i++)
			json_array_append(part, json_array_get(ops, i));
		rc = yardd_dp_call(d, "batch", json_pack("{s:o}", "ops", part),
				   &res, &err);
		json_decref(res);
		if (rc == 0) {
			held_apply_range(d, ops, owners, start, n);
			break;
		}
		/* yard-dp names the operation that failed in the error's data. */
		op = json_object_get(err.data, "op");
		if (d->dp == NULL || !json_is_integer(op) ||
		    json_integer_value(op) < 0 ||
		    (size_t)json_integer_value(op) >= n - start) {
			held_forget(d);
			break;
		}
		failed = start + (size_t)json_integer_value(op);
		/*
		 * What a failed operation left behind (a port.set may have
		 * removed the old port) is yard-dp's to say: the next sync
		 * reads it again. Failures back off, so this is rare.
		 */
		held_forget(d);
		error_record(d, old,
			     json_string_value(json_array_get(owners, failed)),
			     json_array_get(ops, failed), err.message, now);
		yardd_log("dataplane: %s: %s",
			  json_string_value(json_array_get(owners, failed)),
			  err.message);
		start = failed + 1;
	}
out:
	d->next_retry_ms = 0;
	json_object_foreach(d->errors, key, e) {
		uint64_t t = (uint64_t)json_integer_value(json_object_get(e, "next_ms"));

		if (d->next_retry_ms == 0 || t < d->next_retry_ms)
			d->next_retry_ms = t;
	}
	json_decref(old);
	rpc_error_clear(&err);
	json_decref(ops);
	json_decref(owners);
	yardd_routes_sync(d);
	/* Ports may have come: VMs waiting for them can start. */
	yardd_vms_sync(d);
}

int
yardd_retry(struct yardd *d, const struct topo_kind_info *k,
	    const char *name, json_t *names)
{
	size_t plen = strlen(k->plural);
	const char *key;
	json_t *e;
	void *tmp;
	int n = 0;

	if (d->dp == NULL)
		return -ENOTCONN;
	json_object_foreach_safe(d->errors, tmp, key, e) {
		if (strncmp(key, k->plural, plen) != 0 || key[plen] != '/' ||
		    (name != NULL && strcmp(key + plen + 1, name) != 0))
			continue;
		if (names != NULL)
			json_array_append_new(names, json_string(key + plen + 1));
		/* Without its record, yardd_sync() sends it as a new failure. */
		json_object_del(d->errors, key);
		n++;
	}
	if (n > 0)
		yardd_sync(d);
	return n;
}

void
yardd_object_key(char *buf, size_t len, const struct topo_kind_info *k,
		 const char *name)
{
	snprintf(buf, len, "%s/%s", k->plural, name);
}

/*
 * Keys of a programmed kind that only another kind's module can carry out:
 * while that kind is not programmed, an object that sets one is stored but
 * not done, and reads "pending" rather than "programmed".
 */
static const struct {
	enum topo_kind kind;
	const char *key;
	enum topo_kind needs;
	const char *why;
} key_needs[] = {
	{ TOPO_KIND_NETWORK, "vni", TOPO_KIND_OVERLAY,
	  "vni is stored, but this yard-dp has no overlay (VXLAN) module yet: "
	  "the network switches between local ports only" },
};

static const char *
object_pending_why(const struct yardd *d, const struct topo_kind_info *k,
		   const char *name)
{
	json_t *list = json_object_get(d->desired, k->plural), *o;
	size_t i;

	json_array_foreach(list, i, o) {
		if (strcmp(json_string_value(json_object_get(o, "name")) ?: "",
			   name) != 0)
			continue;
		for (size_t j = 0; j < sizeof(key_needs) / sizeof(key_needs[0]); j++)
			if (key_needs[j].kind == k->kind &&
			    json_object_get(o, key_needs[j].key) != NULL &&
			    !topo_kind_programmed(topo_kind_get(key_needs[j].needs)))
				return key_needs[j].why;
		break;
	}
	return NULL;
}

const char *
yardd_object_status(const struct yardd *d, const struct topo_kind_info *k,
		    const char *name, const char **message)
{
	char key[128];
	json_t *e;

	*message = NULL;
	if (k->kind == TOPO_KIND_VM)
		return yardd_vm_status(d, name, message);
	if (!topo_kind_programmed(k))
		return "pending";
	*message = object_pending_why(d, k, name);
	if (*message != NULL)
		return "pending";
	if (d->dp == NULL)
		return "unprogrammed";
	yardd_object_key(key, sizeof(key), k, name);
	e = json_object_get(d->errors, key);
	if (e != NULL) {
		/*
		 * yard-dp's batch says "ops[3] (port.set): why"; the user
		 * named the object, not the operation.
		 */
		*message = json_string_value(json_object_get(e, "message"));
		if (strncmp(*message, "ops[", 4) == 0 &&
		    strstr(*message, "): ") != NULL)
			*message = strstr(*message, "): ") + 3;
		return "error";
	}
	return "programmed";
}
