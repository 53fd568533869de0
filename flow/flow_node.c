/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow-classify: the ingress step between eth-input and l2-input on the
 * networks with rules. Each frame's key is looked up in the worker's
 * verdict cache; one rte_acl_classify() for those it does not hold, then
 * each frame's verdict.
 */
#include <stdio.h>

#include <rte_graph.h>
#include <rte_graph_worker.h>
#include <rte_mbuf.h>

#include "flow_priv.h"

enum {
	FLOW_NEXT_L2_INPUT,
	FLOW_NEXT_TX,
	FLOW_NEXT_DROP,
};

/*
 * The rule a traced frame matched, by its slot in the table published when
 * the trace is printed (yard-replay prints it before the next change).
 */
static int
flow_trace_fmt_rule(char *buf, size_t len, uint32_t slot)
{
	const struct flow_table *t =
		__atomic_load_n(&flow_table_cur, __ATOMIC_ACQUIRE);

	if (t != NULL && slot < t->n)
		return snprintf(buf, len, "%s", t->rule[slot]->conf.name);
	return snprintf(buf, len, "#%u, since changed", slot);
}

static int flow_trace_rule, flow_trace_allow;

RTE_INIT(flow_trace_register)
{
	flow_trace_rule = dp_trace_what_register("rule", flow_trace_fmt_rule);
	flow_trace_allow = dp_trace_what_register("no rule: allow",
						  dp_trace_fmt_none);
}

/* Where output and mirror send a frame: the port exists and takes its size. */
static __rte_always_inline unsigned int
flow_port_check(const struct flow_action *a, const struct rte_mbuf *m)
{
	if (unlikely(!dp_ports[a->port].used))
		return FLOW_DROP_NO_PORT;
	if (unlikely(m->pkt_len > a->max_len))
		return FLOW_DROP_TOO_BIG;
	return 0;
}

static __rte_always_inline void
flow_mirror(struct rte_graph *graph, struct rte_node *node,
	    struct dp_worker *wk, struct rte_mbuf *m,
	    const struct flow_action *a, const bool trace)
{
	unsigned int reason = flow_port_check(a, m);
	struct rte_mbuf *c;

	/* The original goes on whatever becomes of the copy. */
	if (unlikely(reason != 0)) {
		dp_worker_count_drop(wk, m->port, flow_module.drop_base + reason);
		return;
	}
	c = rte_pktmbuf_copy(m, dp_pool, 0, UINT32_MAX);
	if (unlikely(c == NULL)) {
		dp_worker_count_drop(wk, m->port, DP_DROP_NO_BUFFER);
		return;
	}
	if (trace)
		*dp_priv(c) = *dp_priv(m);
	dp_meta(c)->out_port = a->port;
	rte_node_enqueue_x1(graph, node, FLOW_NEXT_TX, c);
}

/* The next edge of a frame that matched the rule in `slot`. */
static __rte_always_inline uint16_t
flow_act(struct rte_graph *graph, struct rte_node *node, struct dp_worker *wk,
	 const struct flow_table *t, uint32_t slot, struct rte_mbuf *m,
	 const bool trace)
{
	const struct flow_action *a = &t->act[slot];
	struct flow_counter *c = &t->cnt[wk->index * t->n + slot];
	unsigned int reason;

	c->packets++;
	c->bytes += m->pkt_len;
	switch (a->type) {
	case FLOW_ACT_DROP:
		dp_drop_set(m, flow_module.drop_base + FLOW_DROP_DROP);
		return FLOW_NEXT_DROP;
	case FLOW_ACT_OUTPUT:
		reason = flow_port_check(a, m);
		if (unlikely(reason != 0)) {
			dp_drop_set(m, flow_module.drop_base + reason);
			return FLOW_NEXT_DROP;
		}
		dp_meta(m)->out_port = a->port;
		return FLOW_NEXT_TX;
	case FLOW_ACT_MIRROR:
		flow_mirror(graph, node, wk, m, a, trace);
		return FLOW_NEXT_L2_INPUT;
	default:
		return FLOW_NEXT_L2_INPUT;
	}
}

static __rte_always_inline uint16_t
flow_classify_inline(struct rte_graph *graph, struct rte_node *node,
		     void **objs, uint16_t n, const bool trace)
{
	const struct flow_table *t =
		__atomic_load_n(&flow_table_cur, __ATOMIC_ACQUIRE);
	struct dp_worker *wk = dp_node_worker(node);
	struct flow_key keys[RTE_GRAPH_BURST_SIZE];
	uint32_t results[RTE_GRAPH_BURST_SIZE];
	uint16_t nexts[RTE_GRAPH_BURST_SIZE];
	uint16_t i;

	if (unlikely(t == NULL || t->n_acl == 0)) {
		/* Switched on before the first rule was in: allow. */
		for (i = 0; trace && i < n; i++)
			dp_trace_add(objs[i], node);
		rte_node_next_stream_move(graph, node, FLOW_NEXT_L2_INPUT);
		return n;
	}
	/* eth-input brought the mbufs and headers in: no prefetch. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];

		flow_key_make(&keys[i], rte_pktmbuf_mtod(m, const uint8_t *),
			      rte_pktmbuf_data_len(m), m->port, dp_meta(m)->bd);
	}
	flow_cache_classify(t, flow_cache[wk->index], keys, results, n);
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];

		if (trace) {
			dp_trace_add(m, node);
			if (results[i] == 0)
				dp_trace_note(m, flow_trace_allow, 0);
			else
				dp_trace_note(m, flow_trace_rule, results[i] - 1);
		}
		nexts[i] = results[i] == 0 ? FLOW_NEXT_L2_INPUT :
			flow_act(graph, node, wk, t, results[i] - 1, m, trace);
	}
	dp_node_enqueue_nexts(graph, node, objs, nexts, n);
	return n;
}

DP_NODE_PROCESS(flow_classify)

static struct rte_node_register flow_classify_node = {
	.name = "flow-classify",
	.process = flow_classify_process,
	.init = dp_node_init_worker,
	.nb_edges = 3,
	.next_nodes = {
		[FLOW_NEXT_L2_INPUT] = "l2-input",
		[FLOW_NEXT_TX] = "port-tx",
		[FLOW_NEXT_DROP] = "drop",
	},
};
RTE_NODE_REGISTER(flow_classify_node);
