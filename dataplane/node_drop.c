/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * drop: the one place packets die. Counts each by its reason and by its
 * ingress port, hands it to the trace sink when tracing, and frees it.
 */
#include "dataplane.h"

static __rte_always_inline uint16_t
drop_inline(struct rte_node *node, void **objs, uint16_t n, const bool trace)
{
	struct dp_worker *wk = dp_node_worker(node);

	dp_capture_tap(wk, DP_CAPTURE_DROP, (struct rte_mbuf **)objs, n);
	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		unsigned int reason = dp_meta(m)->drop_reason;

		dp_worker_count_drop(wk, m->port, reason);
		if (trace) {
			dp_trace_add(m, node);
			if (dp_trace_sink != NULL)
				dp_trace_sink(m, DP_PORT_NONE, reason);
			if (unlikely(dp_priv(m)->trace_sel != 0))
				dp_trace_emit(wk, m, DP_PORT_NONE, reason);
		}
	}
	rte_pktmbuf_free_bulk((struct rte_mbuf **)objs, n);
	return n;
}

static uint16_t
drop_process(struct rte_graph *graph, struct rte_node *node, void **objs,
	     uint16_t n)
{
	RTE_SET_USED(graph);
	if (unlikely(dp_trace_on))
		return drop_inline(node, objs, n, true);
	return drop_inline(node, objs, n, false);
}

static struct rte_node_register drop_node = {
	.name = "drop",
	.process = drop_process,
	.init = dp_node_init_worker,
};
RTE_NODE_REGISTER(drop_node);
