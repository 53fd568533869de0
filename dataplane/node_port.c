/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * port-rx: the source node; polls the rx queues of this worker's poll list.
 * port-tx: sends each packet on its out_port, on this worker's tx queue.
 * Both serve ethdevs and device ports (vNICs) alike, so what sees frames
 * here (counters, trace, capture) sees every kind of port.
 */
#include <rte_ethdev.h>

#include "dataplane.h"

/*
 * port-rx has one fixed edge, to drop for ports no module has claimed; the
 * modules add the first nodes of their ports' roles (dp_port_rx_next_add).
 */
enum { PORT_RX_NEXT_DROP };
enum { PORT_TX_NEXT_DROP };

static __rte_always_inline uint16_t
port_rx_inline(struct rte_graph *graph, struct rte_node *node, const bool trace)
{
	struct dp_worker *wk = dp_node_worker(node);
	const struct dp_poll_list *l = __atomic_load_n(&wk->poll, __ATOMIC_ACQUIRE);
	uint16_t total = 0;

	for (unsigned int i = 0; i < l->n; i++) {
		uint16_t port = l->q[i].port, next = l->q[i].next;
		struct dp_port_counters *c = &wk->ports[port];
		uint16_t room = RTE_MIN((uint16_t)(RTE_GRAPH_BURST_SIZE - total),
					(uint16_t)DP_RX_BURST);
		struct rte_mbuf **pkts;
		uint64_t bytes = 0;
		uint16_t n;

		if (room == 0)
			break;
		/*
		 * Straight into the next node's stream. Every stream has room
		 * for a graph burst and this walk reads at most that many in
		 * all, so getting one per queue never reallocates.
		 */
		pkts = (struct rte_mbuf **)rte_node_next_stream_get(graph, node,
								    next, room);
		if (likely(l->q[i].dev == NULL))
			n = rte_eth_rx_burst(port, l->q[i].queue, pkts, room);
		else
			n = l->q[i].rx_burst(l->q[i].dev, l->q[i].queue, pkts,
					     room);
		if (n == 0)
			continue;
		/*
		 * Drivers set m->port; set it anyway, it is one store. The
		 * headers are prefetched for the next node: with a driver that
		 * copies (vhost, pcap) they are in cache already, with DMA
		 * they are not.
		 */
		for (uint16_t k = 0; k < n; k++) {
			rte_prefetch0(rte_pktmbuf_mtod(pkts[k], void *));
			pkts[k]->port = port;
			/*
			 * A recycled mbuf keeps the origin tag a module set
			 * when it injected it; a received frame has none
			 * (l2-flood would keep it from that module).
			 */
			dp_meta(pkts[k])->origin = 0;
			bytes += pkts[k]->pkt_len;
			if (trace)
				dp_trace_begin(pkts[k], node);
		}
		/* A live trace marks the packets it follows. */
		if (trace)
			dp_capture_tap(wk, DP_CAPTURE_TRACE, pkts, n);
		/* The queue's edge is one for the burst: so is this check. */
		if (unlikely(next == PORT_RX_NEXT_DROP))
			for (uint16_t k = 0; k < n; k++)
				dp_drop_set(pkts[k], DP_DROP_PORT_UNATTACHED);
		dp_capture_tap(wk, DP_CAPTURE_RX, pkts, n);
		c->rx_pkts += n;
		c->rx_bytes += bytes;
		total += n;
		rte_node_next_stream_put(graph, node, next, n);
	}
	wk->last_rx = total;
	return total;
}

static uint16_t
port_rx_process(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n)
{
	RTE_SET_USED(objs);
	RTE_SET_USED(n);
	if (unlikely(dp_trace_on))
		return port_rx_inline(graph, node, true);
	return port_rx_inline(graph, node, false);
}

static struct rte_node_register port_rx_node = {
	.name = "port-rx",
	.flags = RTE_NODE_SOURCE_F,
	.process = port_rx_process,
	.init = dp_node_init_worker,
	.nb_edges = 1,
	.next_nodes = {
		[PORT_RX_NEXT_DROP] = "drop",
	},
};
RTE_NODE_REGISTER(port_rx_node);

/*
 * Send one run of packets that share an out port. What the queue refuses
 * goes to the drop node as tx-refused (queue full, or link down).
 */
static __rte_always_inline void
port_tx_run(struct rte_graph *graph, struct rte_node *node,
	    struct dp_worker *wk, uint16_t port, struct rte_mbuf **pkts,
	    uint16_t n, const bool trace)
{
	struct dp_port_counters *c = &wk->ports[port];
	uint64_t bytes = 0;
	uint16_t sent;

	if (trace)
		for (uint16_t i = 0; i < n; i++) {
			dp_trace_add(pkts[i], node);
			if (dp_trace_sink != NULL)
				dp_trace_sink(pkts[i], port, DP_DROP_NONE);
			if (unlikely(dp_priv(pkts[i])->trace_sel != 0))
				dp_trace_emit(wk, pkts[i], port, DP_DROP_NONE);
		}
	dp_capture_tap(wk, DP_CAPTURE_TX, pkts, n);
	/*
	 * Count bytes before sending: once a driver holds an mbuf it may free
	 * it at once, so only the refused ones can be read afterwards.
	 */
	for (uint16_t i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	if (likely(port < RTE_MAX_ETHPORTS))
		sent = rte_eth_tx_burst(port, (uint16_t)wk->index, pkts, n);
	else
		sent = dp_ports[port].ops->tx_burst(dp_ports[port].dev,
						    (uint16_t)wk->index, pkts, n);
	if (unlikely(sent < n)) {
		for (uint16_t i = sent; i < n; i++) {
			bytes -= pkts[i]->pkt_len;
			dp_drop_set(pkts[i], DP_DROP_TX_REFUSED);
		}
		c->tx_drops += n - sent;
		rte_node_enqueue(graph, node, PORT_TX_NEXT_DROP,
				 (void **)&pkts[sent], n - sent);
	}
	c->tx_pkts += sent;
	c->tx_bytes += bytes;
}

static __rte_always_inline uint16_t
port_tx_inline(struct rte_graph *graph, struct rte_node *node, void **objs,
	       uint16_t n, const bool trace)
{
	struct dp_worker *wk = dp_node_worker(node);
	struct rte_mbuf **pkts = (struct rte_mbuf **)objs;
	uint16_t i = 0;

	while (i < n) {
		uint16_t start = i, port = dp_meta(pkts[i])->out_port;

		while (++i < n && dp_meta(pkts[i])->out_port == port)
			;
		port_tx_run(graph, node, wk, port, &pkts[start], i - start, trace);
	}
	return n;
}

DP_NODE_PROCESS(port_tx)

static struct rte_node_register port_tx_node = {
	.name = "port-tx",
	.process = port_tx_process,
	.init = dp_node_init_worker,
	.nb_edges = 1,
	.next_nodes = {
		[PORT_TX_NEXT_DROP] = "drop",
	},
};
RTE_NODE_REGISTER(port_tx_node);
