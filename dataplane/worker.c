/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker lcores: one rte_graph each, a poll loop that reports RCU
 * quiescence every walk, and an idle back-off so that a small machine
 * running VMs beside the switch stays usable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "dataplane.h"
#include "dp_priv.h"

struct dp_worker dp_workers[DP_WORKERS_MAX];
unsigned int dp_n_workers;

static bool launched;
static volatile bool stop_flag;
/* The worker whose graph rte_graph_create() is building (node init). */
static struct dp_worker *building;

/*
 * Idle back-off: after this many walks without a packet the worker starts
 * sleeping, doubling the sleep up to IDLE_SLEEP_MAX_US. One packet resets
 * it. The worker goes RCU-offline while asleep so writers never wait on it.
 */
#define IDLE_WALKS_BEFORE_SLEEP 2048
#define IDLE_SLEEP_MAX_US 200

int
dp_node_init_worker(const struct rte_graph *graph, struct rte_node *node)
{
	RTE_SET_USED(graph);
	RTE_BUILD_BUG_ON(sizeof(struct dp_worker *) > RTE_NODE_CTX_SZ);
	*(struct dp_worker **)node->ctx = building;
	return 0;
}

int
dp_node_next_add(const char *parent, const char *node_name)
{
	rte_node_t id = rte_node_from_name(parent);
	const char *names[] = { node_name };

	if (id == RTE_NODE_ID_INVALID ||
	    rte_node_from_name(node_name) == RTE_NODE_ID_INVALID)
		return -ENOENT;
	if (rte_node_edge_update(id, RTE_EDGE_ID_INVALID, names, 1) != 1)
		return -ENOSPC;
	return (int)rte_node_edge_count(id) - 1;
}

bool
dp_workers_launched(void)
{
	return launched;
}

int
dp_workers_create(const struct dp_config *cfg)
{
	static const char *patterns[] = { "inject", "port-rx" };
	struct rte_graph_param prm = {
		.socket_id = (int)rte_socket_id(),
		.nb_node_patterns = RTE_DIM(patterns),
		.node_patterns = patterns,
	};
	unsigned int lcore = rte_get_main_lcore();

	dp_n_workers = cfg->n_workers;
	for (unsigned int w = 0; w < dp_n_workers; w++) {
		struct dp_worker *wk = &dp_workers[w];
		rte_graph_t id;

		memset(wk, 0, sizeof(*wk));
		wk->index = w;
		if (cfg->launch) {
			lcore = rte_get_next_lcore(lcore, 1, 0);
			wk->lcore = lcore;
		} else {
			wk->lcore = rte_get_main_lcore();
		}
		wk->poll = rte_zmalloc("yard_poll", sizeof(*wk->poll), 0);
		if (wk->poll == NULL)
			return -ENOMEM;
		snprintf(wk->graph_name, sizeof(wk->graph_name), "worker-%u", w);
		building = wk;
		id = rte_graph_create(wk->graph_name, &prm);
		building = NULL;
		if (id == RTE_GRAPH_ID_INVALID) {
			DP_LOG(ERR, "cannot create graph %s: %s", wk->graph_name,
			       rte_strerror(rte_errno));
			return -rte_errno ? -rte_errno : -EINVAL;
		}
		wk->graph = rte_graph_lookup(wk->graph_name);
		rte_rcu_qsbr_thread_register(dp_rcu, w);
		if (!cfg->launch)
			rte_rcu_qsbr_thread_online(dp_rcu, w);
	}
	return 0;
}

static void
idle_sleep(struct dp_worker *wk)
{
	uint64_t us = wk->idle_loops >> 11;
	struct timespec ts;

	if (us > IDLE_SLEEP_MAX_US)
		us = IDLE_SLEEP_MAX_US;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)us * 1000;
	rte_rcu_qsbr_thread_offline(dp_rcu, wk->index);
	nanosleep(&ts, NULL);
	rte_rcu_qsbr_thread_online(dp_rcu, wk->index);
}

static int
worker_main(void *arg)
{
	struct dp_worker *wk = arg;

	rte_rcu_qsbr_thread_online(dp_rcu, wk->index);
	while (!stop_flag) {
		rte_graph_walk(wk->graph);
		rte_rcu_qsbr_quiescent(dp_rcu, wk->index);
		if (likely((wk->last_rx | wk->last_inject) != 0)) {
			wk->idle_loops = 0;
		} else if (++wk->idle_loops > IDLE_WALKS_BEFORE_SLEEP) {
			idle_sleep(wk);
		}
	}
	rte_rcu_qsbr_thread_offline(dp_rcu, wk->index);
	return 0;
}

int
dp_workers_start(void)
{
	for (unsigned int w = 0; w < dp_n_workers; w++) {
		int ret = rte_eal_remote_launch(worker_main, &dp_workers[w],
						dp_workers[w].lcore);
		if (ret < 0) {
			DP_LOG(ERR, "cannot launch worker %u on lcore %u: %s", w,
			       dp_workers[w].lcore, rte_strerror(-ret));
			dp_workers_stop();
			return ret;
		}
		launched = true;
	}
	DP_LOG(INFO, "%u worker(s) running", dp_n_workers);
	return 0;
}

void
dp_workers_stop(void)
{
	if (!launched)
		return;
	stop_flag = true;
	rte_eal_mp_wait_lcore();
	launched = false;
}

void
dp_workers_destroy(void)
{
	for (unsigned int w = 0; w < dp_n_workers; w++) {
		struct dp_worker *wk = &dp_workers[w];

		if (wk->graph != NULL)
			rte_graph_destroy(rte_graph_from_name(wk->graph_name));
		wk->graph = NULL;
		rte_free(wk->poll);
		wk->poll = NULL;
	}
	dp_n_workers = 0;
}

int
dp_poll_lists_update(void)
{
	struct dp_poll_list *fresh[DP_WORKERS_MAX], *old[DP_WORKERS_MAX];
	unsigned int total = 0;

	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		if (dp_ports[p].used && dp_ports[p].rx_polled)
			total += dp_ports[p].n_rxq;

	for (unsigned int w = 0; w < dp_n_workers; w++) {
		fresh[w] = rte_zmalloc("yard_poll", sizeof(*fresh[w]) +
				       total * sizeof(fresh[w]->q[0]), 0);
		if (fresh[w] == NULL) {
			while (w-- > 0)
				rte_free(fresh[w]);
			return -ENOMEM;
		}
	}
	/* Queue q of a port goes to worker q % n_workers. */
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++) {
		if (!dp_ports[p].used || !dp_ports[p].rx_polled)
			continue;
		for (uint16_t q = 0; q < dp_ports[p].n_rxq; q++) {
			struct dp_poll_list *l = fresh[q % dp_n_workers];

			l->q[l->n].port = p;
			l->q[l->n].queue = q;
			l->q[l->n].next = dp_ports[p].rx_next;
			l->q[l->n].dev = dp_ports[p].dev;
			l->q[l->n].rx_burst = dp_ports[p].ops != NULL ?
					      dp_ports[p].ops->rx_burst : NULL;
			l->n++;
		}
	}
	for (unsigned int w = 0; w < dp_n_workers; w++) {
		old[w] = dp_workers[w].poll;
		__atomic_store_n(&dp_workers[w].poll, fresh[w], __ATOMIC_RELEASE);
	}
	dp_rcu_synchronize();
	for (unsigned int w = 0; w < dp_n_workers; w++)
		rte_free(old[w]);
	return 0;
}
