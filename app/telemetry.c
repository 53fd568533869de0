/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yard-dp's rte_telemetry commands, for dpdk-telemetry.py and any client of
 * the EAL's telemetry socket (/var/run/dpdk/PREFIX/dpdk_telemetry.v2):
 *
 *   /yard/ports[,NAME]  port.stats: per port its counters, link, queues
 *   /yard/nodes         stats.nodes: per graph node packets, calls, cycles
 *   /yard/drops         stats.drops: dropped packets per reason
 *   /yard/fdb           network.list: per network its learned MACs, limit
 *
 * Keys are the names with '-' written '_' (all telemetry allows). Each
 * answers what the JSON-RPC method beside it answers, made by the same
 * handler: the telemetry thread hands the request to the control thread
 * (the only one that may read the tables) and waits for its next tick,
 * about a millisecond, then turns the JSON into telemetry data.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_telemetry.h>

#include "dataplane.h"
#include "yard.h"

#define TEL_WAIT_S 2	/* A control thread this late is stuck: give up. */

static struct rpc_server *tel_srv;

/* One request at a time between the telemetry threads and the control thread. */
static pthread_mutex_t tel_one = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t tel_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tel_cond = PTHREAD_COND_INITIALIZER;
static bool tel_pending;	/* Read by the tick without the lock. */
static struct {
	const char *method;
	json_t *params;
	json_t *result;
	int rc;
	bool done;
} tel_req;

/* Telemetry thread: run `method` on the control thread. 0 and *result, or -errno. */
static int
tel_call(const char *method, json_t *params, json_t **result)
{
	struct timespec until;
	int rc = 0;

	pthread_mutex_lock(&tel_one);
	pthread_mutex_lock(&tel_lock);
	tel_req.method = method;
	tel_req.params = params;
	tel_req.result = NULL;
	tel_req.done = false;
	__atomic_store_n(&tel_pending, true, __ATOMIC_RELEASE);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += TEL_WAIT_S;
	while (!tel_req.done && rc == 0)
		rc = pthread_cond_timedwait(&tel_cond, &tel_lock, &until);
	if (tel_req.done) {
		*result = tel_req.result;
		rc = tel_req.rc;
	} else {
		__atomic_store_n(&tel_pending, false, __ATOMIC_RELAXED);
		rc = -ETIMEDOUT;
	}
	pthread_mutex_unlock(&tel_lock);
	pthread_mutex_unlock(&tel_one);
	return rc;
}

/* Control thread, every turn of the loop: serve a waiting request. */
static void
tel_tick(void)
{
	struct rpc_error err = { 0 };

	if (!__atomic_load_n(&tel_pending, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&tel_lock);
	if (tel_pending && tel_srv != NULL) {
		tel_req.rc = rpc_server_call(tel_srv, tel_req.method,
					     tel_req.params, &tel_req.result,
					     &err) == 0 ? 0 : -EINVAL;
		rpc_error_clear(&err);
		tel_req.done = true;
		tel_pending = false;
		pthread_cond_signal(&tel_cond);
	}
	pthread_mutex_unlock(&tel_lock);
}

/* ---- JSON to telemetry data ---- */

/*
 * A key as telemetry takes it: letters, digits, '_' and '/' only. Names
 * of ports, nodes and drop reasons have '-' where the key has '_' (a port
 * name has no '_', so no two meet); each entry's "name" or "node" keeps
 * the real one.
 */
static const char *
tel_key(const char *name, char *buf, size_t len)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i + 1 < len; i++)
		buf[i] = name[i] == '-' ? '_' : name[i];
	buf[i] = '\0';
	return buf;
}

static void
tel_scalar_add(struct rte_tel_data *d, const char *name, json_t *v)
{
	char buf[32], key[RTE_TEL_MAX_STRING_LEN];

	tel_key(name, key, sizeof(key));

	if (json_is_integer(v) && json_integer_value(v) >= 0)
		rte_tel_data_add_dict_u64(d, key, (uint64_t)json_integer_value(v));
	else if (json_is_integer(v))
		rte_tel_data_add_dict_int(d, key, (int)json_integer_value(v));
	else if (json_is_boolean(v))
		rte_tel_data_add_dict_int(d, key, json_is_true(v));
	else if (json_is_string(v))
		rte_tel_data_add_dict_string(d, key, json_string_value(v));
	else if (json_is_real(v)) {
		/* 22.11's telemetry has no floating point values. */
		snprintf(buf, sizeof(buf), "%.2f", json_real_value(v));
		rte_tel_data_add_dict_string(d, key, buf);
	}
}

/*
 * An object's scalars, and those of the objects it holds (a port's
 * "stats"), in one dict: telemetry nests only one level, and the counters
 * keep the names the JSON-RPC method gives them.
 */
static void
tel_flat_add(struct rte_tel_data *d, json_t *obj)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if (json_is_object(v))
			tel_flat_add(d, v);
		else
			tel_scalar_add(d, key, v);
	}
}

/*
 * The result of `method` into `d`: a list of objects becomes a dict of
 * dicts keyed by each one's `key`; an object, a flat dict.
 */
static int
tel_answer(const char *method, const char *key, json_t *params,
	   struct rte_tel_data *d)
{
	char kbuf[RTE_TEL_MAX_STRING_LEN];
	json_t *res = NULL, *o;
	size_t i;
	int rc;

	rc = tel_call(method, params, &res);
	json_decref(params);
	if (rc < 0) {
		json_decref(res);
		return rc;
	}
	rte_tel_data_start_dict(d);
	if (json_is_object(res))
		tel_flat_add(d, res);
	json_array_foreach(res, i, o) {
		const char *name = json_string_value(json_object_get(o, key));
		struct rte_tel_data *c;

		if (name == NULL || (c = rte_tel_data_alloc()) == NULL)
			continue;
		rte_tel_data_start_dict(c);
		tel_flat_add(c, o);
		if (rte_tel_data_add_dict_container(d, tel_key(name, kbuf,
							       sizeof(kbuf)),
						    c, 0) != 0)
			rte_tel_data_free(c);
	}
	json_decref(res);
	return 0;
}

/* ---- Commands ---- */

static const struct tel_cmd {
	const char *cmd, *method, *key, *help;
} tel_cmds[] = {
	/* Help texts: under RTE_TEL_MAX_STRING_LEN, or registration fails. */
	{ "/yard/ports", "port.stats", "name",
	  "Switchyard ports with their counters. Parameters: a port name "
	  "(optional)" },
	{ "/yard/nodes", "stats.nodes", "node",
	  "Switchyard graph nodes: packets, calls, cycles per packet. Takes "
	  "no parameters" },
	{ "/yard/drops", "stats.drops", NULL,
	  "Switchyard dropped packets per reason. Takes no parameters" },
	{ "/yard/fdb", "network.list", "name",
	  "Switchyard networks: MAC addresses learned, limit. Takes no "
	  "parameters" },
};

static int
tel_handle(const char *cmd, const char *params, struct rte_tel_data *d)
{
	for (size_t i = 0; i < RTE_DIM(tel_cmds); i++) {
		json_t *p;

		if (strcmp(cmd, tel_cmds[i].cmd) != 0)
			continue;
		p = json_object();
		if (params != NULL && params[0] != '\0') {
			if (strcmp(tel_cmds[i].method, "port.stats") != 0) {
				json_decref(p);
				return -EINVAL;
			}
			json_object_set_new(p, "name", json_string(params));
		}
		return tel_answer(tel_cmds[i].method, tel_cmds[i].key, p, d);
	}
	return -ENOENT;
}

static int
tel_api_register(struct rpc_server *srv)
{
	tel_srv = srv;
	for (size_t i = 0; i < RTE_DIM(tel_cmds); i++) {
		int rc = rte_telemetry_register_cmd(tel_cmds[i].cmd, tel_handle,
						    tel_cmds[i].help);

		if (rc < 0) {
			DP_LOG(ERR, "telemetry: cannot register %s: %s",
			       tel_cmds[i].cmd, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static struct dp_module telemetry_module = {
	.name = "telemetry",
	.tick = tel_tick,
	.api_register = tel_api_register,
};
DP_MODULE_REGISTER(telemetry_module);
