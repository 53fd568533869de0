/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2 graph nodes:
 *   eth-input  ingress checks: frame sanity, VLAN -> network, port security
 *   l2-input   learn the source, look the destination up (bulk); known
 *              unicast for an access port goes straight to port-tx
 *   l2-flood   broadcast, multicast, unknown unicast to the network's ports
 *   l2-output  egress membership check and 802.1Q tag push on trunks
 */
#include <assert.h>

#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_ring_elem.h>

#include "sw_priv.h"

/* ------------------------------------------------------------------ */
/* eth-input                                                           */

enum { ETH_INPUT_NEXT_L2_INPUT, ETH_INPUT_NEXT_DROP };

static __rte_always_inline bool
ip_allowed(const struct sw_port *sp, uint32_t ip)
{
	for (unsigned int i = 0; i < sp->n_ips; i++)
		if (sp->ips[i] == ip)
			return true;
	return false;
}

/* Port security: 0 when the frame may enter, else the drop reason. */
static __rte_always_inline unsigned int
security_check(const struct sw_port *sp, const uint8_t *d,
	       const struct sw_frame *f)
{
	if (sp->has_mac && memcmp(d + 6, sp->mac.addr_bytes, 6) != 0)
		return SW_DROP_SRC_MAC_SPOOF;
	if (f->ethertype == RTE_ETHER_TYPE_IPV4) {
		if (sp->n_ips != 0 && !ip_allowed(sp, sw_frame_ipv4_src(d, f)))
			return SW_DROP_SRC_IP_SPOOF;
	} else if (f->ethertype == RTE_ETHER_TYPE_ARP) {
		uint32_t spa = sw_frame_arp_spa(d, f);

		/* An ARP probe (RFC 5227) has no sender address yet. */
		if (sp->n_ips != 0 && spa != 0 && !ip_allowed(sp, spa))
			return SW_DROP_ARP_SPOOF;
		if (sp->has_mac &&
		    memcmp(sw_frame_arp_sha(d, f), sp->mac.addr_bytes, 6) != 0)
			return SW_DROP_ARP_SPOOF;
	}
	return 0;
}

/*
 * Frames of one flow come in runs, and a frame's verdict here depends only
 * on its port, its lengths and its bytes 6..17 (source MAC, ethertype, and
 * for IPv4 the header and total lengths), unless the frame is tagged (the
 * tag is popped, and the IPv4 header moves) or the port checks source
 * addresses (port security reads the IPv4 and ARP headers). Other frames
 * that match the previous frame in all of these get its verdict without a
 * parse.
 */
struct eth_run {
	bool ok;		/**< The fields below describe the previous frame. */
	uint16_t port;
	uint16_t data_len;
	uint32_t pkt_len;
	uint64_t w0;		/**< Bytes 6..13. */
	uint32_t w1;		/**< Bytes 14..17. */
	uint16_t next;
	uint16_t value;		/**< Network index, or drop reason. */
};

#define ETH_RUN_BYTES 18

/*
 * The next node of a frame accepted in network `bd` from port `sp`: the
 * ingress step a module switched on for the port or its network, else
 * l2-input.
 */
static __rte_always_inline uint16_t
eth_input_next(const struct sw_port *sp, uint16_t bd)
{
	uint16_t next = __atomic_load_n(&sp->ingress, __ATOMIC_RELAXED);

	if (likely(next == 0))
		next = __atomic_load_n(&sw_network_ingress[bd], __ATOMIC_RELAXED);
	return likely(next == 0) ? ETH_INPUT_NEXT_L2_INPUT : next;
}

static __rte_always_inline uint16_t
eth_input_one(struct rte_mbuf *m, struct eth_run *run)
{
	const struct sw_port *sp =
		__atomic_load_n(&sw_ports[m->port], __ATOMIC_ACQUIRE);
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	unsigned int reason;
	struct sw_frame f;
	uint16_t bd;

	run->ok = false;
	if (unlikely(sp == NULL)) {
		reason = SW_DROP_NO_NETWORK;
		goto drop;
	}
	reason = sw_frame_parse(d, rte_pktmbuf_data_len(m), m->pkt_len, &f);
	if (unlikely(reason != 0))
		goto drop;
	run->ok = f.tpid == 0 && !sp->security;

	if (!sp->trunk) {
		if (unlikely(f.tpid != 0)) {
			reason = SW_DROP_VLAN_ON_ACCESS;
			goto drop;
		}
		bd = sp->access_bd;
	} else {
		uint16_t bd1;

		if (unlikely(f.tpid == 0)) {
			reason = SW_DROP_UNTAGGED_ON_TRUNK;
			goto drop;
		}
		bd1 = f.tpid == RTE_ETHER_TYPE_VLAN ? sp->bd_of_vlan[f.vid] : 0;
		if (unlikely(bd1 == 0)) {
			reason = SW_DROP_UNKNOWN_VLAN;
			goto drop;
		}
		bd = bd1 - 1;
	}
	if (unlikely(d[6] & 1)) {
		reason = SW_DROP_SRC_MAC_MULTICAST;
		goto drop;
	}
	if (sp->security) {
		reason = security_check(sp, d, &f);
		if (unlikely(reason != 0))
			goto drop;
	}
	if (f.tpid != 0) {
		/* Pop the tag: move the MACs over it. */
		memmove(d + 4, d, 2 * RTE_ETHER_ADDR_LEN);
		rte_pktmbuf_adj(m, 4);
	}
	dp_meta(m)->bd = bd;
	run->next = eth_input_next(sp, bd);
	run->value = bd;
	return run->next;

drop:
	reason = sw_drop_id(reason);
	dp_drop_set(m, reason);
	run->next = ETH_INPUT_NEXT_DROP;
	run->value = (uint16_t)reason;
	return ETH_INPUT_NEXT_DROP;
}

/* What the L2 nodes decide, as yardctl trace and yard-replay --trace print it. */
static int sw_trace_network, sw_trace_fdb_hit, sw_trace_flood;

static int
trace_fmt_network(char *buf, size_t len, uint32_t arg)
{
	struct sw_network_info info;

	if (arg <= UINT16_MAX && sw_network_get((uint16_t)arg, &info) == 0)
		return snprintf(buf, len, "%s", info.conf.name);
	return snprintf(buf, len, "%u", arg);
}

RTE_INIT(sw_trace_register)
{
	sw_trace_network = dp_trace_what_register("network", trace_fmt_network);
	sw_trace_fdb_hit = dp_trace_what_register("fdb-hit", dp_trace_fmt_port);
	sw_trace_flood = dp_trace_what_register("flood", dp_trace_fmt_none);
}

static __rte_always_inline uint16_t
eth_input_inline(struct rte_graph *graph, struct rte_node *node, void **objs,
		 uint16_t n, const bool trace)
{
	uint16_t nexts[RTE_GRAPH_BURST_SIZE];
	struct eth_run run = { .ok = false };
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = objs[i];
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
		uint64_t w0;
		uint32_t w1;

		/* port-rx prefetched the headers. */
		if (trace)
			dp_trace_add(m, node);
		if (unlikely(m->data_len < ETH_RUN_BYTES)) {
			nexts[i] = eth_input_one(m, &run);
			run.ok = false;
			continue;
		}
		memcpy(&w0, d + 6, sizeof(w0));
		memcpy(&w1, d + 14, sizeof(w1));
		/* One branch for the whole comparison. */
		if (run.ok && ((w0 ^ run.w0) | (w1 ^ run.w1) |
			       (uint32_t)(m->port ^ run.port) |
			       (uint32_t)(m->data_len ^ run.data_len) |
			       (m->pkt_len ^ run.pkt_len)) == 0) {
			nexts[i] = run.next;
			if (run.next != ETH_INPUT_NEXT_DROP)
				dp_meta(m)->bd = run.value;
			else
				dp_drop_set(m, run.value);
			continue;
		}
		run.port = m->port;
		run.data_len = m->data_len;
		run.pkt_len = m->pkt_len;
		run.w0 = w0;
		run.w1 = w1;
		nexts[i] = eth_input_one(m, &run);
	}
	if (trace)
		for (i = 0; i < n; i++)
			if (nexts[i] != ETH_INPUT_NEXT_DROP)
				dp_trace_note(objs[i], sw_trace_network,
					      dp_meta(objs[i])->bd);
	dp_node_enqueue_nexts(graph, node, objs, nexts, n);
	return n;
}

DP_NODE_PROCESS(eth_input)

static struct rte_node_register eth_input_node = {
	.name = "eth-input",
	.process = eth_input_process,
	.init = dp_node_init_worker,
	.nb_edges = 2,
	.next_nodes = {
		[ETH_INPUT_NEXT_L2_INPUT] = "l2-input",
		[ETH_INPUT_NEXT_DROP] = "drop",
	},
};
RTE_NODE_REGISTER(eth_input_node);

/* ------------------------------------------------------------------ */
/* l2-input                                                            */

/* Fixed edges; modules add theirs after these (sw_l2_input_next_add). */
enum {
	L2_INPUT_NEXT_OUTPUT,
	L2_INPUT_NEXT_FLOOD,
	L2_INPUT_NEXT_DROP,
	L2_INPUT_NEXT_TX,
};

#define LOOKUP_CHUNK 32	/* Two keys a packet: 64 = RTE_HASH_LOOKUP_BULK_MAX. */

static __rte_always_inline void
learn_queue(struct dp_worker *wk, const struct sw_fdb_key *k, uint16_t port,
	    struct sw_fdb_key *last)
{
	struct sw_learn_event ev = { .key = *k, .port = port };

	/* A burst from one new host queues one event, not one per frame. */
	if (memcmp(last, k, sizeof(*k)) == 0)
		return;
	*last = *k;
	if (unlikely(rte_ring_mp_enqueue_elem(sw_learn_ring, &ev,
					      sizeof(ev)) != 0))
		sw_wstats[wk->index].learn_queue_full++;
}

/*
 * The verdict for one frame: the next node, and in *value the out port
 * (L2_INPUT_NEXT_OUTPUT, L2_INPUT_NEXT_TX) or the drop reason id
 * (L2_INPUT_NEXT_DROP). A frame for an access port of its own network
 * needs nothing from l2-output (no tag, and the egress check is the one
 * made here), so it goes straight to port-tx. A frame for a MAC a module
 * owns, or a remote MAC it learned, goes to that module's edge with the
 * entry's cookie in *value. A frame a module injected (in port
 * DP_PORT_NONE) teaches nothing.
 */
static __rte_always_inline uint16_t
l2_input_one(struct dp_worker *wk, const uint8_t *d, uint16_t in_port,
	     uint16_t bd,
	     struct sw_fdb_entry *src, struct sw_fdb_entry *dst,
	     const struct sw_fdb_key *src_key, struct sw_fdb_key *last,
	     uint32_t now, uint16_t *value)
{
	const struct sw_port *sp;
	uint16_t out_port;

	if (likely(src != NULL)) {
		uint16_t sport = __atomic_load_n(&src->port, __ATOMIC_ACQUIRE);

		if (likely(sport == in_port)) {
			if (unlikely(src->last_seen != now))
				__atomic_store_n(&src->last_seen, now,
						 __ATOMIC_RELAXED);
		} else if (unlikely(in_port == DP_PORT_NONE)) {
			/* Injected by the module that owns the source MAC. */
		} else if (src->is_static) {
			*value = (uint16_t)sw_drop_id(SW_DROP_STATIC_MAC_CONFLICT);
			return L2_INPUT_NEXT_DROP;
		} else {
			learn_queue(wk, src_key, in_port, last);
		}
	} else if (likely(in_port != DP_PORT_NONE)) {
		learn_queue(wk, src_key, in_port, last);
	}

	if (unlikely(d[0] & 1) || dst == NULL)
		return L2_INPUT_NEXT_FLOOD;
	out_port = __atomic_load_n(&dst->port, __ATOMIC_ACQUIRE);
	if (unlikely(out_port >= SW_FDB_OWNED)) {
		*value = __atomic_load_n(&dst->cookie, __ATOMIC_RELAXED);
		return out_port - SW_FDB_OWNED;
	}
	if (unlikely(out_port == in_port)) {
		*value = (uint16_t)sw_drop_id(SW_DROP_SAME_PORT);
		return L2_INPUT_NEXT_DROP;
	}
	*value = out_port;
	sp = __atomic_load_n(&sw_ports[out_port], __ATOMIC_ACQUIRE);
	if (likely(sp != NULL && !sp->trunk && sp->access_bd == bd))
		return L2_INPUT_NEXT_TX;
	return L2_INPUT_NEXT_OUTPUT;
}

/*
 * A frame's verdict here depends only on its network, its in port and its
 * MACs (bytes 0..11). A frame equal in these to the one before it (for
 * the first of a vector: to the last of the one before, see l2_cache) gets
 * that frame's verdict: a run of one flow costs one pair of look-ups, and
 * the others go to the hash in bulk, LOOKUP_CHUNK frames at a time.
 * Entries stay valid for the whole graph walk (RCU); verdicts hold no
 * pointer to them.
 */
struct l2_flow {
	uint64_t w0;		/**< Bytes 0..7. */
	uint32_t w1;		/**< Bytes 8..11. */
	uint16_t port;
	uint16_t bd;
};

static __rte_always_inline bool
l2_flow_load(struct rte_mbuf *m, struct l2_flow *f, const struct l2_flow *prev)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	memcpy(&f->w0, d, sizeof(f->w0));
	memcpy(&f->w1, d + 8, sizeof(f->w1));
	f->port = m->port;
	f->bd = dp_meta(m)->bd;
	return ((f->w0 ^ prev->w0) | (f->w1 ^ prev->w1) |
		(uint32_t)(f->port ^ prev->port) |
		(uint32_t)(f->bd ^ prev->bd)) == 0;
}

/*
 * The last flow a worker's l2-input saw and its verdict, kept for the next
 * vector. Valid while sw_gen and the clock are what they were: an FDB or
 * port change bumps the one, and the once-a-second refresh of the source
 * entry's last_seen needs the other.
 */
struct l2_cache {
	uint64_t gen;
	uint32_t now;
	uint16_t next, value;
	struct l2_flow flow;
} __rte_cache_aligned;

static struct l2_cache l2_caches[DP_WORKERS_MAX];

static __rte_always_inline void
l2_key_make(struct sw_fdb_key *k, uint16_t bd, const uint8_t *mac)
{
	k->bd = bd;
	memcpy(k->mac, mac, RTE_ETHER_ADDR_LEN);
}

static void
l2_input_trace(struct rte_mbuf *m, uint16_t next, uint16_t value)
{
	if (next == L2_INPUT_NEXT_FLOOD)
		dp_trace_note(m, sw_trace_flood, 0);
	else if (next == L2_INPUT_NEXT_OUTPUT || next == L2_INPUT_NEXT_TX)
		dp_trace_note(m, sw_trace_fdb_hit, value);
}

static __rte_always_inline uint16_t
l2_input_inline(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n, const bool trace)
{
	struct dp_worker *wk = dp_node_worker(node);
	uint16_t nexts[RTE_GRAPH_BURST_SIZE];
	struct l2_cache *cache = &l2_caches[wk->index];
	struct sw_fdb_key last = { .bd = UINT16_MAX };
	uint64_t gen = __atomic_load_n(&sw_gen, __ATOMIC_ACQUIRE);
	uint32_t now = dp_clock_now();
	struct l2_flow prev = cache->flow;
	uint16_t next = cache->next, value = cache->value;

	/* No frame has bd UINT16_MAX: then the first one never repeats. */
	if (cache->gen != gen || cache->now != now)
		prev.bd = UINT16_MAX;

	for (uint16_t base = 0; base < n; base += LOOKUP_CHUNK) {
		uint16_t cnt = RTE_MIN((uint16_t)LOOKUP_CHUNK, (uint16_t)(n - base));
		struct sw_fdb_key keys[2 * LOOKUP_CHUNK];
		const void *kp[2 * LOOKUP_CHUNK];
		void *ent[2 * LOOKUP_CHUNK];
		uint64_t repeat = 0, hits = 0;
		unsigned int nk = 0;

		for (uint16_t i = 0; i < cnt; i++) {
			struct rte_mbuf *m = objs[base + i];
			struct l2_flow f;

			/* eth-input brought the mbufs and headers in: no prefetch. */
			if (l2_flow_load(m, &f, &prev)) {
				repeat |= UINT64_C(1) << i;
			} else {
				const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

				l2_key_make(&keys[nk], f.bd, d + 6);
				l2_key_make(&keys[nk + 1], f.bd, d);
				kp[nk] = &keys[nk];
				kp[nk + 1] = &keys[nk + 1];
				nk += 2;
			}
			prev = f;
		}
		if (nk != 0)
			rte_hash_lookup_bulk_data(sw_fdb, kp, nk, &hits, ent);
		nk = 0;
		for (uint16_t i = 0; i < cnt; i++) {
			struct rte_mbuf *m = objs[base + i];

			if (trace)
				dp_trace_add(m, node);
			if (!((repeat >> i) & 1)) {
				next = l2_input_one(wk, rte_pktmbuf_mtod(m, uint8_t *),
						    m->port, dp_meta(m)->bd,
						    (hits >> nk) & 1 ? ent[nk] : NULL,
						    (hits >> (nk + 1)) & 1 ? ent[nk + 1] : NULL,
						    &keys[nk], &last, now, &value);
				nk += 2;
			}
			nexts[base + i] = next;
			/* Out port, or the cookie for a module's edge. */
			if (next == L2_INPUT_NEXT_DROP)
				dp_drop_set(m, value);
			else if (next != L2_INPUT_NEXT_FLOOD)
				dp_meta(m)->out_port = value;
			if (trace)
				l2_input_trace(m, next, value);
		}
	}
	cache->gen = gen;
	cache->now = now;
	cache->flow = prev;
	cache->next = next;
	cache->value = value;
	dp_node_enqueue_nexts(graph, node, objs, nexts, n);
	return n;
}

DP_NODE_PROCESS(l2_input)

uint16_t
sw_unicast_access_port(uint16_t network, const uint8_t *mac)
{
	struct sw_fdb_entry *e;
	const struct sw_port *sp;
	struct sw_fdb_key k;
	uint16_t port;

	if (mac[0] & 1)
		return DP_PORT_NONE;
	l2_key_make(&k, network, mac);
	if (rte_hash_lookup_data(sw_fdb, &k, (void **)&e) < 0)
		return DP_PORT_NONE;
	port = __atomic_load_n(&e->port, __ATOMIC_ACQUIRE);
	if (port >= DP_PORTS_MAX)
		return DP_PORT_NONE;
	sp = __atomic_load_n(&sw_ports[port], __ATOMIC_ACQUIRE);
	return sp != NULL && !sp->trunk && sp->access_bd == network ?
	       port : DP_PORT_NONE;
}


static_assert(L2_INPUT_NEXT_TX + 1 == SW_L2_INPUT_OWN_EDGES,
	      "modules' l2-input edges start after the fixed ones");

static struct rte_node_register l2_input_node = {
	.name = "l2-input",
	.process = l2_input_process,
	.init = dp_node_init_worker,
	.nb_edges = 4,
	.next_nodes = {
		[L2_INPUT_NEXT_OUTPUT] = "l2-output",
		[L2_INPUT_NEXT_FLOOD] = "l2-flood",
		[L2_INPUT_NEXT_DROP] = "drop",
		[L2_INPUT_NEXT_TX] = "port-tx",
	},
};
RTE_NODE_REGISTER(l2_input_node);

/* ------------------------------------------------------------------ */
/* l2-flood                                                            */

/* Fixed edges; flood listeners add theirs (sw_l2_flood_next_add). */
enum { L2_FLOOD_NEXT_OUTPUT, L2_FLOOD_NEXT_DROP };

/* A copy of `m` for the next node, with its trace; NULL when out of buffers. */
static __rte_always_inline struct rte_mbuf *
flood_copy(struct rte_node *node, struct rte_mbuf *m, const bool trace)
{
	struct rte_mbuf *c = rte_pktmbuf_copy(m, dp_pool, 0, UINT32_MAX);

	if (unlikely(c == NULL)) {
		/* Out of buffers: this copy is lost. */
		dp_worker_count_drop(dp_node_worker(node), m->port,
				     DP_DROP_NO_BUFFER);
		return NULL;
	}
	/* The copy has m's port and meta; not its trace. */
	if (trace)
		*dp_priv(c) = *dp_priv(m);
	return c;
}

/*
 * ARP suppression: a request from a port for an address in the `ips` of
 * another port of the network (one with a `mac`) is turned into that
 * port's reply, back to the asker. Not for probes (sender 0.0.0.0) nor
 * announcements, whose answer would be a conflict. false: flood it.
 */
static bool
arp_suppress(const struct sw_network *net, struct rte_mbuf *m)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *), *a = d + RTE_ETHER_HDR_LEN;
	uint32_t spa, tpa;

	if (m->port == DP_PORT_NONE || m->data_len < RTE_ETHER_HDR_LEN + 28 ||
	    d[12] != 0x08 || d[13] != 0x06 || a[0] != 0 || a[1] != 1 ||
	    a[2] != 0x08 || a[3] != 0 || a[4] != 6 || a[5] != 4 ||
	    a[6] != 0 || a[7] != 1)
		return false;
	memcpy(&spa, a + 14, 4);
	memcpy(&tpa, a + 24, 4);
	if (spa == 0 || spa == tpa)
		return false;
	for (uint16_t i = 0; i < net->n_members; i++) {
		const struct sw_port *sp =
			__atomic_load_n(&sw_ports[net->members[i]], __ATOMIC_ACQUIRE);

		if (sp == NULL || !sp->has_mac || sp->port == m->port)
			continue;
		for (unsigned int k = 0; k < sp->n_ips; k++) {
			if (sp->ips[k] != tpa)
				continue;
			memcpy(d, d + 6, RTE_ETHER_ADDR_LEN);
			memcpy(d + 6, sp->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
			a[7] = 2;
			memcpy(a + 18, a + 8, RTE_ETHER_ADDR_LEN + 4);
			memcpy(a + 8, sp->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
			memcpy(a + 14, &tpa, 4);
			return true;
		}
	}
	return false;
}

static __rte_always_inline void
flood_one(struct rte_graph *graph, struct rte_node *node, struct rte_mbuf *m,
	  const bool trace)
{
	struct dp_meta *meta = dp_meta(m);
	const struct sw_network *net =
		__atomic_load_n(&sw_networks[meta->bd], __ATOMIC_ACQUIRE);
	uint16_t last = DP_PORT_NONE, listener = 0;

	if (unlikely(net != NULL && net->conf.arp_suppress) &&
	    arp_suppress(net, m)) {
		sw_wstats[dp_node_worker(node)->index].arp_suppressed++;
		meta->out_port = m->port;
		rte_node_enqueue_x1(graph, node, L2_FLOOD_NEXT_OUTPUT, m);
		return;
	}

	if (likely(net != NULL)) {
		/*
		 * Listeners (router, VTEP) get copies, except of their own
		 * frames; the last one is kept back in case no port takes the
		 * original.
		 */
		for (uint16_t i = 0; unlikely(i < net->n_listeners); i++) {
			struct rte_mbuf *c;

			if (net->listeners[i] == meta->origin)
				continue;
			if (listener != 0 &&
			    (c = flood_copy(node, m, trace)) != NULL)
				rte_node_enqueue_x1(graph, node, listener, c);
			listener = net->listeners[i];
		}
		/* Copies go to every member but the last; it gets the original. */
		for (uint16_t i = 0; i < net->n_members; i++) {
			uint16_t port = net->members[i];
			struct rte_mbuf *c;

			if (port == m->port)
				continue;
			if (last != DP_PORT_NONE) {
				c = flood_copy(node, m, trace);
				if (c == NULL)
					continue;
				dp_meta(c)->out_port = last;
				rte_node_enqueue_x1(graph, node, L2_FLOOD_NEXT_OUTPUT, c);
			}
			last = port;
		}
	}
	if (unlikely(last == DP_PORT_NONE)) {
		if (listener != 0) {
			rte_node_enqueue_x1(graph, node, listener, m);
			return;
		}
		dp_drop_set(m, sw_drop_id(SW_DROP_FLOOD_EMPTY));
		rte_node_enqueue_x1(graph, node, L2_FLOOD_NEXT_DROP, m);
		return;
	}
	if (unlikely(listener != 0)) {
		struct rte_mbuf *c = flood_copy(node, m, trace);

		if (c != NULL)
			rte_node_enqueue_x1(graph, node, listener, c);
	}
	meta->out_port = last;
	rte_node_enqueue_x1(graph, node, L2_FLOOD_NEXT_OUTPUT, m);
}

static __rte_always_inline uint16_t
l2_flood_inline(struct rte_graph *graph, struct rte_node *node, void **objs,
		uint16_t n, const bool trace)
{
	for (uint16_t i = 0; i < n; i++) {
		if (trace)
			dp_trace_add(objs[i], node);
		flood_one(graph, node, objs[i], trace);
	}
	return n;
}

DP_NODE_PROCESS(l2_flood)

static struct rte_node_register l2_flood_node = {
	.name = "l2-flood",
	.process = l2_flood_process,
	.init = dp_node_init_worker,
	.nb_edges = 2,
	.next_nodes = {
		[L2_FLOOD_NEXT_OUTPUT] = "l2-output",
		[L2_FLOOD_NEXT_DROP] = "drop",
	},
};
RTE_NODE_REGISTER(l2_flood_node);

/* ------------------------------------------------------------------ */
/* l2-output                                                           */

enum { L2_OUTPUT_NEXT_TX, L2_OUTPUT_NEXT_DROP };

static __rte_always_inline uint16_t
l2_output_one(struct rte_mbuf *m)
{
	const struct dp_meta *meta = dp_meta(m);
	const struct sw_port *sp;
	uint16_t vlan;
	uint8_t *d;

	sp = meta->out_port < DP_PORTS_MAX ?
		__atomic_load_n(&sw_ports[meta->out_port], __ATOMIC_ACQUIRE) : NULL;
	if (unlikely(sp == NULL)) {
		dp_drop_set(m, DP_DROP_NO_PORT);
		return L2_OUTPUT_NEXT_DROP;
	}
	if (!sp->trunk) {
		if (unlikely(sp->access_bd != meta->bd)) {
			dp_drop_set(m, sw_drop_id(SW_DROP_EGRESS_NOT_MEMBER));
			return L2_OUTPUT_NEXT_DROP;
		}
		return L2_OUTPUT_NEXT_TX;
	}
	vlan = sp->vlan_of_bd[meta->bd];
	if (unlikely(vlan == 0)) {
		dp_drop_set(m, sw_drop_id(SW_DROP_EGRESS_NOT_MEMBER));
		return L2_OUTPUT_NEXT_DROP;
	}
	d = (uint8_t *)rte_pktmbuf_prepend(m, 4);
	if (unlikely(d == NULL)) {
		dp_drop_set(m, DP_DROP_NO_BUFFER);
		return L2_OUTPUT_NEXT_DROP;
	}
	memmove(d, d + 4, 2 * RTE_ETHER_ADDR_LEN);
	d[12] = RTE_ETHER_TYPE_VLAN >> 8;
	d[13] = RTE_ETHER_TYPE_VLAN & 0xff;
	d[14] = (uint8_t)(vlan >> 8);
	d[15] = (uint8_t)vlan;
	return L2_OUTPUT_NEXT_TX;
}

static __rte_always_inline uint16_t
l2_output_inline(struct rte_graph *graph, struct rte_node *node, void **objs,
		 uint16_t n, const bool trace)
{
	uint16_t nexts[RTE_GRAPH_BURST_SIZE];

	for (uint16_t i = 0; i < n; i++) {
		dp_prefetch_ahead(objs, i, n);
		if (trace)
			dp_trace_add(objs[i], node);
		nexts[i] = l2_output_one(objs[i]);
	}
	dp_node_enqueue_nexts(graph, node, objs, nexts, n);
	return n;
}

DP_NODE_PROCESS(l2_output)

static struct rte_node_register l2_output_node = {
	.name = "l2-output",
	.process = l2_output_process,
	.init = dp_node_init_worker,
	.nb_edges = 2,
	.next_nodes = {
		[L2_OUTPUT_NEXT_TX] = "port-tx",
		[L2_OUTPUT_NEXT_DROP] = "drop",
	},
};
RTE_NODE_REGISTER(l2_output_node);

/* ------------------------------------------------------------------ */
/* Edges for other modules                                             */

int
sw_l2_input_next_add(const char *node_name)
{
	return dp_node_next_add("l2-input", node_name);
}

int
sw_ingress_next_add(const char *node_name)
{
	return dp_node_next_add("eth-input", node_name);
}

int
sw_l2_flood_next_add(const char *node_name)
{
	return dp_node_next_add("l2-flood", node_name);
}
