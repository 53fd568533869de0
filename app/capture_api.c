/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * capture.start, trace.start, capture.read and capture.stop: the capture
 * and live trace sessions of dataplane.h over JSON-RPC. A client starts a session, then reads it in a
 * loop (each read returns what the workers copied since the last one) and
 * stops it. A session nobody read for CAPTURE_IDLE_S seconds is closed on
 * the next tick, so a client that went away leaves nothing behind.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dataplane.h"
#include "switch.h"
#include "yard.h"

#define CAPTURE_IDLE_S 10
#define CAPTURE_READ_MAX 512	/* Records per read: below RPC_MAX_LINE in hex. */

static struct {
	bool open;
	struct timespec last_read;
} owners[DP_CAPTURE_MAX];

static void
now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

static const char *
dir_name(unsigned int dir)
{
	return dir == DP_CAPTURE_RX ? "rx" : dir == DP_CAPTURE_TX ? "tx" : "drop";
}

/* Port `name`'s index into *port, or an error naming it. */
static int
port_param(const char *name, uint16_t *port, struct rpc_error *err)
{
	int idx = dp_port_find(name);

	if (idx < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "params.port: no "
				     "port '%s'", name);
	*port = (uint16_t)idx;
	return 0;
}

/* Open a session for a client: it must read it at least every CAPTURE_IDLE_S. */
static int
session_open(const struct dp_capture_params *p, json_t **result,
	     struct rpc_error *err)
{
	char why[512];
	int id = dp_capture_start(p, why, sizeof(why));

	if (id < 0)
		return rpc_error_set(err, id == -EINVAL ? RPC_ERR_PARAMS :
				     RPC_ERR_FAILED, "%s", why);
	owners[id].open = true;
	now(&owners[id].last_read);
	*result = json_pack("{s:i}", "id", id);
	return 0;
}

static int
capture_start(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct dp_capture_params p = { .port = DP_PORT_NONE, .reason = -1, .bd = -1 };
	const char *port = NULL, *reason = NULL, *network = NULL;
	bool rx = false, tx = false, drops = false;
	long long ring = 0;

	RTE_SET_USED(ctx);
	if (rpc_param_str_opt(params, "port", &port, err) < 0 ||
	    rpc_param_bool_opt(params, "rx", &rx, err) < 0 ||
	    rpc_param_bool_opt(params, "tx", &tx, err) < 0 ||
	    rpc_param_bool_opt(params, "drops", &drops, err) < 0 ||
	    rpc_param_str_opt(params, "reason", &reason, err) < 0 ||
	    rpc_param_str_opt(params, "network", &network, err) < 0 ||
	    rpc_param_str_opt(params, "filter", &p.filter, err) < 0 ||
	    rpc_param_int_opt(params, "ring", 16, 65536, &ring, err) < 0)
		return -EINVAL;
	if (port != NULL && port_param(port, &p.port, err) < 0)
		return -EINVAL;
	if (reason != NULL) {
		p.reason = dp_drop_reason_find(reason);
		if (p.reason < 0)
			return rpc_error_set(err, RPC_ERR_PARAMS, "params.reason: "
					     "no drop reason '%s' (yardctl stats "
					     "drops --all lists them)", reason);
	}
	if (network != NULL) {
		p.bd = sw_network_find(network);
		if (p.bd < 0)
			return rpc_error_set(err, RPC_ERR_NOT_FOUND,
					     "params.network: no network '%s'",
					     network);
	}
	if ((reason != NULL || network != NULL) && !drops)
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.reason and "
				     "params.network only select drops: give "
				     "\"drops\": true");
	if (!rx && !tx && !drops)
		rx = tx = true;
	if (port == NULL && (rx || tx))
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.port: a port "
				     "to capture on is needed (only drops may "
				     "be captured on every port)");
	p.dirs = (rx ? DP_CAPTURE_RX : 0) | (tx ? DP_CAPTURE_TX : 0) |
		 (drops ? DP_CAPTURE_DROP : 0);
	if (ring != 0 && !rte_is_power_of_2((uint32_t)ring))
		return rpc_error_set(err, RPC_ERR_PARAMS, "params.ring: %lld is "
				     "not a power of 2", ring);
	p.ring_size = (unsigned int)ring;
	return session_open(&p, result, err);
}

static int
trace_start(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct dp_capture_params p = {
		.dirs = DP_CAPTURE_TRACE, .port = DP_PORT_NONE, .reason = -1,
		.bd = -1,
	};
	const char *port = NULL;
	long long count = 10;

	RTE_SET_USED(ctx);
	if (rpc_param_str_opt(params, "port", &port, err) < 0 ||
	    rpc_param_str_opt(params, "filter", &p.filter, err) < 0 ||
	    rpc_param_int_opt(params, "count", 1, 10000, &count, err) < 0)
		return -EINVAL;
	if (port != NULL && port_param(port, &p.port, err) < 0)
		return -EINVAL;
	p.count = (uint32_t)count;
	return session_open(&p, result, err);
}

static int
capture_id(json_t *params, struct rpc_error *err)
{
	long long id;

	if (rpc_param_int(params, "id", 0, DP_CAPTURE_MAX - 1, &id, err) < 0)
		return -EINVAL;
	if (!owners[id].open)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND, "params.id: no "
				     "capture %lld (stopped, or not read for "
				     "%d s)", id, CAPTURE_IDLE_S);
	return (int)id;
}

static json_t *
trace_json(const struct dp_capture_rec *r)
{
	char line[1024];

	dp_trace_format(line, sizeof(line), &r->priv, r->in_port, r->port,
			r->reason);
	return json_pack("{s:I, s:i, s:s}", "time_ns",
			 (json_int_t)dp_capture_time_ns(r->tsc), "packet",
			 (int)r->priv.trace_id, "trace", line);
}

static json_t *
rec_json(const struct dp_capture_rec *r)
{
	static const char hex[] = "0123456789abcdef";
	char data[2 * DP_CAPTURE_SNAPLEN + 1];

	if (r->dir == DP_CAPTURE_TRACE)
		return trace_json(r);
	const char *port = r->port < DP_PORTS_MAX && dp_ports[r->port].used ?
			   dp_ports[r->port].name : "?";
	json_t *o;

	for (unsigned int i = 0; i < r->cap_len; i++) {
		data[2 * i] = hex[r->data[i] >> 4];
		data[2 * i + 1] = hex[r->data[i] & 15];
	}
	data[2 * r->cap_len] = '\0';
	o = json_pack("{s:I, s:s, s:s, s:i, s:s}",
		      "time_ns", (json_int_t)dp_capture_time_ns(r->tsc),
		      "port", port, "dir", dir_name(r->dir),
		      "len", (int)r->orig_len, "data", data);
	if (o != NULL && r->dir == DP_CAPTURE_DROP) {
		const char *reason = dp_drop_reason_name(r->reason);
		const char *node = r->node != DP_NODE_NONE ?
				   rte_node_id_to_name(r->node) : NULL;

		json_object_set_new(o, "reason", json_string(reason ? reason : "?"));
		json_object_set_new(o, "node", json_string(node ? node : "?"));
	}
	return o;
}

static json_t *
stats_json(int id)
{
	struct dp_capture_stats st;

	dp_capture_stats_get(id, &st);
	return json_pack("{s:I, s:I}", "copied", (json_int_t)st.copied, "lost",
			 (json_int_t)st.lost);
}

static int
capture_read(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	struct dp_capture_rec *recs[CAPTURE_READ_MAX];
	long long max = CAPTURE_READ_MAX;
	json_t *list;
	int id, n;

	RTE_SET_USED(ctx);
	id = capture_id(params, err);
	if (id < 0 || rpc_param_int_opt(params, "max", 1, CAPTURE_READ_MAX, &max,
					err) < 0)
		return -EINVAL;
	now(&owners[id].last_read);
	n = dp_capture_read(id, recs, (unsigned int)max);
	list = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(list, rec_json(recs[i]));
	dp_capture_rec_free(recs, (unsigned int)n);
	*result = stats_json(id);
	json_object_set_new(*result, "packets", list);
	return 0;
}

static int
capture_stop(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	int id;

	RTE_SET_USED(ctx);
	id = capture_id(params, err);
	if (id < 0)
		return -EINVAL;
	*result = stats_json(id);
	dp_capture_stop(id);
	owners[id].open = false;
	return 0;
}

static int
capture_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	json_t *list = json_array();

	RTE_SET_USED(ctx);
	RTE_SET_USED(params);
	RTE_SET_USED(err);
	for (int id = 0; id < DP_CAPTURE_MAX; id++)
		if (owners[id].open) {
			json_t *o = stats_json(id);

			json_object_set_new(o, "id", json_integer(id));
			json_array_append_new(list, o);
		}
	*result = list;
	return 0;
}

static void
capture_tick(void)
{
	struct timespec ts;

	now(&ts);
	for (int id = 0; id < DP_CAPTURE_MAX; id++)
		if (owners[id].open &&
		    ts.tv_sec - owners[id].last_read.tv_sec > CAPTURE_IDLE_S) {
			DP_LOG(INFO, "capture %d: not read for %d s, closed", id,
			       CAPTURE_IDLE_S);
			dp_capture_stop(id);
			owners[id].open = false;
		}
}

static int
capture_api_register(struct rpc_server *srv)
{
	static const struct rpc_method_def methods[] = {
		{ "capture.list", capture_list },
		{ "capture.read", capture_read },
		{ "capture.start", capture_start },
		{ "capture.stop", capture_stop },
		{ "trace.start", trace_start },
	};

	return rpc_server_methods_add(srv, methods, RTE_DIM(methods), NULL);
}

static struct dp_module capture_module = {
	.name = "capture",
	.tick = capture_tick,
	.api_register = capture_api_register,
};
DP_MODULE_REGISTER(capture_module);
