/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * inject: how the control thread puts packets into the graph (an ARP
 * request, packets held until a neighbor answers). The control thread
 * never transmits itself: each tx queue belongs to one worker. It queues
 * the packet on a worker's inject ring with the edge it should take; this
 * source node, in that worker's graph, hands it on.
 */
#include <errno.h>

#include <rte_ring.h>

#include "dataplane.h"
#include "dp_priv.h"

#define INJECT_RING_SIZE 1024
#define INJECT_BURST 32

static struct rte_ring *rings[DP_WORKERS_MAX];
static unsigned int next_worker;

static __rte_always_inline uint16_t
inject_inline(struct rte_graph *graph, struct rte_node *node, const bool trace)
{
	struct dp_worker *wk = dp_node_worker(node);
	struct rte_mbuf *pkts[INJECT_BURST];
	uint16_t nexts[INJECT_BURST];
	unsigned int n;

	n = rte_ring_sc_dequeue_burst(rings[wk->index], (void **)pkts,
				      INJECT_BURST, NULL);
	wk->last_inject = n;
	if (likely(n == 0))
		return 0;
	for (unsigned int i = 0; i < n; i++) {
		nexts[i] = dp_meta(pkts[i])->inject_next;
		if (trace)
			dp_trace_begin(pkts[i], node);
	}
	/* This source node's packets are in a local array, not its stream. */
	dp_node_enqueue_runs(graph, node, (void **)pkts, nexts, (uint16_t)n);
	return (uint16_t)n;
}

static uint16_t
inject_process(struct rte_graph *graph, struct rte_node *node, void **objs,
	       uint16_t n)
{
	RTE_SET_USED(objs);
	RTE_SET_USED(n);
	if (unlikely(dp_trace_on))
		return inject_inline(graph, node, true);
	return inject_inline(graph, node, false);
}

static struct rte_node_register inject_node = {
	.name = "inject",
	.flags = RTE_NODE_SOURCE_F,
	.process = inject_process,
	.init = dp_node_init_worker,
	.nb_edges = 2,
	.next_nodes = {
		[DP_INJECT_NEXT_DROP] = "drop",
		[DP_INJECT_NEXT_PORT_TX] = "port-tx",
	},
};
RTE_NODE_REGISTER(inject_node);

int
dp_inject_next_add(const char *node_name)
{
	return dp_node_next_add("inject", node_name);
}

int
dp_inject_on(unsigned int worker, struct rte_mbuf *m, uint16_t next)
{
	if (dp_n_workers == 0)
		return -ENODEV;
	dp_meta(m)->inject_next = next;
	if (m->port >= DP_PORTS_MAX)
		m->port = DP_PORT_NONE;
	return rte_ring_sp_enqueue(rings[worker % dp_n_workers], m) == 0 ?
	       0 : -ENOBUFS;
}

int
dp_inject(struct rte_mbuf *m, uint16_t next)
{
	/* Spread over the workers; order matters only within one flow. */
	return dp_inject_on(next_worker++, m, next);
}

int
dp_port_tx_ctrl(uint16_t port, struct rte_mbuf *m)
{
	if (port >= DP_PORTS_MAX || !dp_ports[port].used)
		return -ENOENT;
	dp_meta(m)->out_port = port;
	m->port = DP_PORT_NONE;
	return dp_inject(m, DP_INJECT_NEXT_PORT_TX);
}

bool
dp_inject_pending(void)
{
	for (unsigned int w = 0; w < dp_n_workers; w++)
		if (rings[w] != NULL && rte_ring_count(rings[w]) != 0)
			return true;
	return false;
}

int
dp_inject_init(unsigned int n_workers)
{
	for (unsigned int w = 0; w < n_workers; w++) {
		char name[RTE_RING_NAMESIZE];

		snprintf(name, sizeof(name), "yard_inject_%u", w);
		/* One producer (the control thread), one consumer (worker w). */
		rings[w] = rte_ring_create(name, INJECT_RING_SIZE,
					   (int)rte_socket_id(),
					   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (rings[w] == NULL) {
			dp_inject_fini();
			return -ENOMEM;
		}
	}
	return 0;
}

void
dp_inject_fini(void)
{
	for (unsigned int w = 0; w < DP_WORKERS_MAX; w++) {
		struct rte_mbuf *m;

		if (rings[w] == NULL)
			continue;
		while (rte_ring_sc_dequeue(rings[w], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(rings[w]);
		rings[w] = NULL;
	}
}
