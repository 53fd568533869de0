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
#define DP_TIMEOUT_MS 30000
/* Well inside yard-dp's idle timeout (60 s by default), which closes a
 * connection that says nothing. */
#define KEEPALIVE_MS 15000

/* The kinds yard-dp acts on; the others are stored and reported pending. */
static bool
kind_programmed(const char *kind)
{
	return strcmp(kind, "networks") == 0 || strcmp(kind, "ports") == 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
dp_drop(struct yardd *d, const char *why)
{
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
	struct rpc_error err;
	json_t *result = NULL;

	yardd_dp_call(d, "stats.drops", NULL, &result, &err);
	json_decref(result);
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
	yardd_sync(d);
}

/* Index the objects of one kind of a document by name. */
static json_t *
by_name(json_t *doc, const char *kind)
{
	json_t *index = json_object(), *o;
	size_t i;

	json_array_foreach(json_object_get(doc, kind), i, o) {
		const char *name = json_string_value(json_object_get(o, "name"));

		if (name != NULL)
			json_object_set(index, name, o);
	}
	return index;
}

static bool
same_object(json_t *a, json_t *b)
{
	char *x = topo_json_canonical(a), *y = topo_json_canonical(b);
	bool same = x != NULL && y != NULL && strcmp(x, y) == 0;

	free(x);
	free(y);
	return same;
}

static void
op_add(json_t *ops, json_t *owners, const char *method, json_t *params,
       const char *kind, const char *name)
{
	char owner[128];

	snprintf(owner, sizeof(owner), "%s/%s", kind, name);
	json_array_append_new(ops, json_pack("{s:s, s:o}", "method", method,
					     "params", params));
	json_array_append_new(owners, json_string(owner));
}

/* Operations that turn `actual` into `desired`, in an order that works. */
static void
plan(json_t *desired, json_t *actual, json_t *ops, json_t *owners)
{
	json_t *want_net = by_name(desired, "networks");
	json_t *want_port = by_name(desired, "ports");
	json_t *have_net = by_name(actual, "networks");
	json_t *have_port = by_name(actual, "ports");
	const char *name;
	json_t *o;

	/* Ports go first so that networks can be deleted after them. */
	json_object_foreach(have_port, name, o)
		if (json_object_get(want_port, name) == NULL)
			op_add(ops, owners, "port.del",
			       json_pack("{s:s}", "name", name), "ports", name);
	json_object_foreach(want_net, name, o) {
		json_t *have = json_object_get(have_net, name);

		if (have == NULL || !same_object(have, o))
			op_add(ops, owners, "network.set", json_incref(o),
			       "networks", name);
	}
	json_object_foreach(want_port, name, o) {
		json_t *have = json_object_get(have_port, name);

		if (have == NULL || !same_object(have, o))
			op_add(ops, owners, "port.set", json_incref(o), "ports",
			       name);
	}
	json_object_foreach(have_net, name, o)
		if (json_object_get(want_net, name) == NULL)
			op_add(ops, owners, "network.del",
			       json_pack("{s:s}", "name", name), "networks", name);
	json_decref(want_net);
	json_decref(want_port);
	json_decref(have_net);
	json_decref(have_port);
}

void
yardd_sync(struct yardd *d)
{
	json_t *actual = NULL, *ops = json_array(), *owners = json_array();
	struct rpc_error err = { 0 };
	size_t start = 0, n;

	json_object_clear(d->errors);
	if (yardd_dp_call(d, "topology.export", NULL, &actual, &err) < 0) {
		if (d->dp != NULL)
			yardd_log("dataplane: topology.export failed: %s",
				  err.message);
		goto out;
	}
	plan(d->desired, actual, ops, owners);
	n = json_array_size(ops);
	d->last_sync_ops = (unsigned int)n;
	if (n != 0)
		yardd_log("dataplane: pushing %zu change(s)", n);

	/* One batch; after a failed operation, go on with the next ones. */
	while (start < n && d->dp != NULL) {
		json_t *part = json_array(), *res = NULL;
		unsigned int failed;
		int rc;

		for (size_t i = start; i < n; i++)
			json_array_append(part, json_array_get(ops, i));
		rc = yardd_dp_call(d, "batch", json_pack("{s:o}", "ops", part),
				   &res, &err);
		json_decref(res);
		if (rc == 0)
			break;
		if (d->dp == NULL || sscanf(err.message, "ops[%u]", &failed) != 1)
			break;
		failed += (unsigned int)start;
		json_object_set_new(d->errors,
				    json_string_value(json_array_get(owners, failed)),
				    json_string(err.message));
		yardd_log("dataplane: %s: %s",
			  json_string_value(json_array_get(owners, failed)),
			  err.message);
		start = failed + 1;
	}
out:
	json_decref(actual);
	json_decref(ops);
	json_decref(owners);
	/* Ports may have come: VMs waiting for them can start. */
	yardd_vms_sync(d);
}

const char *
yardd_object_status(const struct yardd *d, const char *kind, const char *name,
		    const char **message)
{
	char key[128];
	json_t *e;

	*message = NULL;
	if (strcmp(kind, "vms") == 0)
		return yardd_vm_status(d, name, message);
	if (!kind_programmed(kind))
		return "pending";
	if (d->dp == NULL)
		return "unprogrammed";
	snprintf(key, sizeof(key), "%s/%s", kind, name);
	e = json_object_get(d->errors, key);
	if (e != NULL) {
		*message = json_string_value(e);
		return "error";
	}
	return "programmed";
}
