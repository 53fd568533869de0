/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The router's graph nodes:
 *   ip4-input    frames to an interface MAC: ARP aside; IPv4 header
 *                checks, the ingress router's FIB (bulk LPM), ECMP member,
 *                TTL, MTU, neighbor, TTL and checksum, L2 header, all in
 *                one pass; the packet leaves for port-tx (known access
 *                port) or the egress network's l2-input. Packets whose
 *                neighbor is unresolved go to the control thread's hold
 *                queues (rt_hold.c).
 *   arp-input    requests for our addresses (answered), replies and
 *                gratuitous ARP (learned through the control thread)
 *   icmp-local   echo replies; port unreachable for UDP
 * Every node's edge 0 is the switch's l2-input and edge 1 the drop node.
 */
#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_lpm.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "rt_priv.h"

enum { RT_NEXT_L2, RT_NEXT_DROP, RT_NEXT_OWN };

/* A packet the node kept (held) or freed (consumed): no next edge. */
#define RT_CONSUMED DP_NEXT_KEPT

#define ARP_LEN 28
#define ETH_IP_OFF RTE_ETHER_HDR_LEN

struct rt_worker rt_workers[DP_WORKERS_MAX];

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static __rte_always_inline const struct rt_iface *
iface_get(uint16_t index)
{
	return __atomic_load_n(&rt_ifaces[index], __ATOMIC_ACQUIRE);
}

static __rte_always_inline const struct rt_iface *
iface_by_mac(uint16_t bd, const uint8_t *mac)
{
	for (unsigned int s = 0; s < RT_BD_IFACES; s++) {
		const struct rt_iface *ifc =
			__atomic_load_n(&rt_bd_ifaces[bd][s], __ATOMIC_ACQUIRE);

		if (ifc != NULL && memcmp(ifc->mac.addr_bytes, mac, 6) == 0)
			return ifc;
	}
	return NULL;
}

static __rte_always_inline const struct rt_iface *
iface_by_ip(uint16_t bd, uint32_t ip)
{
	for (unsigned int s = 0; s < RT_BD_IFACES; s++) {
		const struct rt_iface *ifc =
			__atomic_load_n(&rt_bd_ifaces[bd][s], __ATOMIC_ACQUIRE);

		if (ifc != NULL && ifc->ip == ip)
			return ifc;
	}
	return NULL;
}

/*
 * Turn `m` into ICMP error type/code about itself, from the ingress
 * interface's address to its sender, quoting its IP header and 8 bytes
 * (RFC 792). false when no error may be sent: about a broadcast or
 * multicast, a fragment other than the first, an ICMP error, a packet from
 * no one; or when the router's budget for this second is spent.
 */
static __rte_always_inline bool
icmp_error_make(struct rt_worker *rw, struct rte_mbuf *m, uint8_t type,
		uint8_t code, uint16_t mtu)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *ip = d + ETH_IP_OFF;
	const struct rt_iface *ifc = iface_get(rt_mbuf(m)->in_iface);
	uint32_t ihl = (ip[0] & 0x0fu) * 4u, total = (uint32_t)(ip[2] << 8 | ip[3]);
	uint32_t src = rt_load32(ip + 12), dst = rt_load32(ip + 16), quote, len;
	uint32_t now = dp_clock_now();
	uint8_t q[60 + 8], to[RTE_ETHER_ADDR_LEN];
	struct rte_ipv4_hdr *oh;
	uint8_t *icmp;

	if (ifc == NULL || (d[0] & 1) || m->nb_segs != 1)
		return false;
	if (dst == UINT32_MAX || (ip[16] & 0xf0) == 0xe0 || src == 0 ||
	    (ip[12] & 0xf0) >= 0xe0 || (ip[12] == 127))
		return false;
	if (((ip[6] << 8 | ip[7]) & RTE_IPV4_HDR_OFFSET_MASK) != 0)
		return false;
	if (ip[9] == IPPROTO_ICMP && total > ihl) {
		uint8_t t = ip[ihl];

		if (t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
			return false;
	}
	if (rw->icmp_bucket[ifc->router].sec != now) {
		rw->icmp_bucket[ifc->router].sec = now;
		rw->icmp_bucket[ifc->router].tokens = RT_ICMP_BURST;
	}
	if (rw->icmp_bucket[ifc->router].tokens == 0) {
		rw->stats.icmp_suppressed++;
		return false;
	}
	rw->icmp_bucket[ifc->router].tokens--;

	quote = RTE_MIN(total, ihl + 8);
	memcpy(q, ip, quote);
	memcpy(to, d + 6, RTE_ETHER_ADDR_LEN);
	len = ETH_IP_OFF + 20 + 8 + quote;
	if (m->pkt_len > len)
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - len));
	else if (m->pkt_len < len &&
		 rte_pktmbuf_append(m, (uint16_t)(len - m->pkt_len)) == NULL)
		return false;

	memcpy(d, to, RTE_ETHER_ADDR_LEN);
	memcpy(d + 6, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	d[12] = RTE_ETHER_TYPE_IPV4 >> 8;
	d[13] = RTE_ETHER_TYPE_IPV4 & 0xff;
	oh = (struct rte_ipv4_hdr *)(d + ETH_IP_OFF);
	oh->version_ihl = RTE_IPV4_VHL_DEF;
	/* Internetwork control precedence, as Linux sends its errors. */
	oh->type_of_service = 0xc0;
	oh->total_length = rte_cpu_to_be_16((uint16_t)(20 + 8 + quote));
	oh->packet_id = 0;
	oh->fragment_offset = 0;
	oh->time_to_live = 64;
	oh->next_proto_id = IPPROTO_ICMP;
	oh->hdr_checksum = 0;
	oh->src_addr = ifc->ip;
	oh->dst_addr = src;
	oh->hdr_checksum = rte_ipv4_cksum(oh);
	icmp = d + ETH_IP_OFF + 20;
	icmp[0] = type;
	icmp[1] = code;
	icmp[2] = icmp[3] = 0;
	icmp[4] = icmp[5] = 0;
	icmp[6] = (uint8_t)(mtu >> 8);
	icmp[7] = (uint8_t)mtu;
	memcpy(icmp + 8, q, quote);
	{
		uint16_t ck = (uint16_t)~rte_raw_cksum(icmp, 8 + quote);

		memcpy(icmp + 2, &ck, 2);
	}
	rt_to_network(m, ifc->bd);
	rw->stats.icmp_sent++;
	return true;
}

bool
rt_icmp_error(struct rt_worker *rw, struct rte_mbuf *m, uint8_t type,
	      uint8_t code, uint16_t mtu)
{
	return icmp_error_make(rw, m, type, code, mtu);
}

/*
 * The packet's next edge after a failure with `code`: an ICMP error about
 * it, or a drop. Either way the reason is counted once.
 */
static __rte_always_inline uint16_t
fail_icmp(struct rte_node *node, struct rt_worker *rw, struct rte_mbuf *m,
	  enum rt_drop code, uint8_t type, uint8_t icode, uint16_t mtu)
{
	uint16_t in_port = m->port;

	if (icmp_error_make(rw, m, type, icode, mtu)) {
		dp_worker_count_drop(dp_node_worker(node), in_port,
				     rt_drop_base + code);
		return RT_NEXT_L2;
	}
	rt_drop_set(m, code);
	return RT_NEXT_DROP;
}

static __rte_always_inline void
neigh_event_queue(struct rt_worker *rw, uint16_t iface, uint8_t kind,
		  uint32_t ip, const uint8_t *mac)
{
	struct rt_neigh_event ev = { .iface = iface, .kind = kind, .ip = ip };

	memcpy(ev.mac, mac, RTE_ETHER_ADDR_LEN);
	if (unlikely(rte_ring_mp_enqueue_elem(rt_neigh_ring, &ev,
					      sizeof(ev)) != 0))
		rw->stats.neigh_queue_full++;
}

struct rte_mbuf *
rt_arp_request_make(const struct rt_iface *ifc, uint32_t ip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_pool);
	uint8_t *d, *a;

	if (m == NULL)
		return NULL;
	d = (uint8_t *)rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(d, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	memset(d, 0xff, RTE_ETHER_ADDR_LEN);
	memcpy(d + 6, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	d[12] = RTE_ETHER_TYPE_ARP >> 8;
	d[13] = RTE_ETHER_TYPE_ARP & 0xff;
	a = d + RTE_ETHER_HDR_LEN;
	a[1] = 1;				/* Ethernet */
	a[2] = 0x08;				/* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = 1;				/* request */
	memcpy(a + 8, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	memcpy(a + 14, &ifc->ip, 4);
	memcpy(a + 24, &ip, 4);
	memset(dp_meta(m), 0, sizeof(struct dp_meta));
	dp_priv(m)->trace_n = 0;
	dp_priv(m)->trace_id = 0;
	rt_to_network(m, ifc->bd);
	return m;
}

/* ------------------------------------------------------------------ */
/* ip4-input                                                           */

enum {
	IP4_INPUT_NEXT_ARP = RT_NEXT_OWN,
	IP4_INPUT_NEXT_LOCAL,
	IP4_INPUT_NEXT_TX,
};

/* The IPv4 header checksum is right: its 16-bit one's complement sum is ~0. */
static __rte_always_inline bool
ip4_cksum_ok(const uint8_t *ip, uint32_t ihl)
{
	uint64_t sum;

	if (unlikely(ihl != 20))
		return rte_raw_cksum(ip, ihl) == 0xffff;
	sum = (uint64_t)rt_load32(ip) + rt_load32(ip + 4) + rt_load32(ip + 8) +
	      rt_load32(ip + 12) + rt_load32(ip + 16);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

/*
 * Header checks of a frame to an interface MAC: 0 (IPv4 to route, in_iface
 * set) or its next edge (ARP, a drop).
 */
static __rte_always_inline uint16_t
ip4_check(struct rte_mbuf *m, const struct rt_iface *ifc)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t type = (uint16_t)(d[12] << 8 | d[13]);
	const uint8_t *ip = d + ETH_IP_OFF;
	uint32_t ihl, total;
	enum rt_drop code;

	if (unlikely(ifc == NULL)) {
		code = RT_DROP_NOT_FOR_ROUTER;
		goto drop;
	}
	if (unlikely(type != RTE_ETHER_TYPE_IPV4)) {
		if (type == RTE_ETHER_TYPE_ARP)
			return IP4_INPUT_NEXT_ARP;
		code = RT_DROP_NOT_FOR_ROUTER;
		goto drop;
	}
	if (unlikely(m->data_len < ETH_IP_OFF + 20)) {
		code = RT_DROP_IP4_BAD_LENGTH;
		goto drop;
	}
	if (unlikely((ip[0] >> 4) != 4)) {
		code = RT_DROP_IP4_BAD_VERSION;
		goto drop;
	}
	ihl = (ip[0] & 0x0fu) * 4u;
	if (unlikely(ihl < 20)) {
		code = RT_DROP_IP4_BAD_IHL;
		goto drop;
	}
	total = (uint32_t)(ip[2] << 8 | ip[3]);
	if (unlikely(total < ihl || total > m->pkt_len - ETH_IP_OFF ||
		     ihl > (uint32_t)m->data_len - ETH_IP_OFF)) {
		code = RT_DROP_IP4_BAD_LENGTH;
		goto drop;
	}
	if (unlikely(!ip4_cksum_ok(ip, ihl))) {
		code = RT_DROP_IP4_BAD_CHECKSUM;
		goto drop;
	}
	/* Ethernet padding is not part of the packet that goes on. */
	if (unlikely(m->pkt_len > ETH_IP_OFF + total))
		rte_pktmbuf_trim(m, (uint16_t)(m->pkt_len - ETH_IP_OFF - total));
	rt_mbuf(m)->in_iface = ifc->index;
	return 0;

drop:
	rt_drop_set(m, code);
	return RT_NEXT_DROP;
}

static __rte_always_inline uint32_t
flow_hash(const uint8_t *ip)
{
	uint32_t ihl = (ip[0] & 0x0fu) * 4u, total = (uint32_t)(ip[2] << 8 | ip[3]);
	uint16_t sport = 0, dport = 0;
	bool first = ((ip[6] << 8 | ip[7]) & RTE_IPV4_HDR_OFFSET_MASK) == 0;

	if ((ip[9] == IPPROTO_TCP || ip[9] == IPPROTO_UDP) && first &&
	    total >= ihl + 4) {
		sport = (uint16_t)(ip[ihl] << 8 | ip[ihl + 1]);
		dport = (uint16_t)(ip[ihl + 2] << 8 | ip[ihl + 3]);
	}
	return rt_flow_hash(rt_load32(ip + 12), rt_load32(ip + 16), ip[9],
			    sport, dport);
}

/*
 * The neighbor of the packet before, within one vector (entries stay
 * valid for a graph walk; the cache keeps copies, not pointers): a vector
 * mostly goes to one next hop, so one neighbor and one FDB look-up serve
 * it.
 */
struct nb_cache {
	uint16_t iface;		/**< UINT16_MAX: empty. */
	uint32_t nh;
	uint64_t mac;		/**< 0: unresolved. */
	uint16_t port;		/**< Access port it leaves by, or DP_PORT_NONE. */
};

static __rte_always_inline void
nb_cache_fill(struct nb_cache *c, const struct rt_iface *out, uint32_t nh)
{
	struct rt_neigh_key key = { .iface = out->index, .ip = nh };
	struct rt_neigh *nb;
	uint8_t mac[RTE_ETHER_ADDR_LEN];

	c->iface = out->index;
	c->nh = nh;
	c->mac = 0;
	c->port = DP_PORT_NONE;
	if (rte_hash_lookup_data(rt_neigh_hash, &key, (void **)&nb) < 0)
		return;
	c->mac = __atomic_load_n(&nb->mac, __ATOMIC_ACQUIRE);
	if (!(c->mac & RT_MAC_VALID)) {
		c->mac = 0;
		return;
	}
	rt_mac_unword(c->mac, mac);
	c->port = sw_unicast_access_port(out->bd, mac);
}

/* Hand `m` to the control thread's hold queues; RT_CONSUMED or a drop. */
static __rte_always_inline uint16_t
hold(struct rte_mbuf *m)
{
	if (unlikely(rte_ring_mp_enqueue(rt_held_ring, m) != 0)) {
		rt_drop_set(m, RT_DROP_HOLD_QUEUE_FULL);
		return RT_NEXT_DROP;
	}
	return RT_CONSUMED;
}

/* Forward one checked packet by FIB result `hop` (0: no route). */
static __rte_always_inline uint16_t
ip4_forward(struct rte_node *node, struct rt_worker *rw, struct rte_mbuf *m,
	    uint32_t hop, struct nb_cache *c)
{
	uint8_t *ip = rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_IP_OFF);
	const struct rt_nhg *g = (hop & RTE_LPM_LOOKUP_SUCCESS) ?
		__atomic_load_n(&rt_nhgs[hop & 0x00ffffff], __ATOMIC_ACQUIRE) :
		NULL;
	struct rt_mbuf *rm = rt_mbuf(m);
	const struct rt_iface *out;
	unsigned int k = 0;
	uint32_t nh;

	if (unlikely(g == NULL))
		return fail_icmp(node, rw, m, RT_DROP_IP4_NO_ROUTE, 3, 0, 0);
	if (unlikely(g->kind == RT_NH_LOCAL))
		return IP4_INPUT_NEXT_LOCAL;
	if (unlikely(ip[8] <= 1))
		return fail_icmp(node, rw, m, RT_DROP_IP4_TTL_EXCEEDED, 11, 0, 0);
	if (g->n > 1)
		k = flow_hash(ip) % g->n;
	nh = g->kind == RT_NH_CONNECTED ? rt_load32(ip + 16) : g->nh[k].gw;
	out = iface_get(g->nh[k].iface);
	if (unlikely(out == NULL)) {
		rt_drop_set(m, RT_DROP_IP4_NO_ROUTE);
		return RT_NEXT_DROP;
	}
	if (unlikely((uint32_t)(ip[2] << 8 | ip[3]) > out->mtu)) {
		if (ip[6] & 0x40)	/* DF */
			return fail_icmp(node, rw, m, RT_DROP_IP4_MTU_EXCEEDED,
					 3, 4, out->mtu);
		rt_drop_set(m, RT_DROP_IP4_MTU_EXCEEDED);
		return RT_NEXT_DROP;
	}
	if (unlikely(c->iface != out->index || c->nh != nh))
		nb_cache_fill(c, out, nh);
	if (unlikely(c->mac == 0)) {
		rm->out_iface = out->index;
		rm->nh = nh;
		return hold(m);
	}
	rt_rewrite(m, out, c->mac);
	rt_to_network(m, out->bd);
	if (likely(c->port != DP_PORT_NONE)) {
		dp_meta(m)->out_port = c->port;
		return IP4_INPUT_NEXT_TX;
	}
	return RT_NEXT_L2;
}

/*
 * The ingress interface of the frame before, in the vector: frames come in
 * runs from one host to one router MAC.
 */
struct in_cache {
	uint64_t mac;		/**< Destination MAC | RT_MAC_VALID; 0: empty. */
	uint16_t bd;
	const struct rt_iface *ifc;
	const struct rte_lpm *lpm;
	uint32_t dflt;
};

static __rte_always_inline void
in_cache_fill(struct in_cache *c, uint16_t bd, const uint8_t *d, uint64_t mac)
{
	const struct rt_router *r;

	c->mac = mac;
	c->bd = bd;
	c->ifc = iface_by_mac(bd, d);
	r = c->ifc != NULL ?
	    __atomic_load_n(&rt_routers[c->ifc->router], __ATOMIC_ACQUIRE) : NULL;
	c->lpm = r != NULL ? r->lpm : NULL;
	c->dflt = r != NULL ? __atomic_load_n(&r->dflt, __ATOMIC_ACQUIRE) : 0;
}

#define LPM_CHUNK 64

static __rte_always_inline uint16_t
ip4_input_inline(struct rte_graph *graph, struct rte_node *node, void **objs,
		 uint16_t n, const bool trace)
{
	struct rt_worker *rw = &rt_workers[dp_node_worker(node)->index];
	struct nb_cache nbc = { .iface = UINT16_MAX };
	struct in_cache inc = { .mac = 0 };
	uint16_t nexts[RTE_GRAPH_BURST_SIZE];
	uint16_t consumed = 0;

	for (uint16_t base = 0; base < n; base += LPM_CHUNK) {
		uint16_t cnt = RTE_MIN((uint16_t)LPM_CHUNK, (uint16_t)(n - base));
		const struct rte_lpm *lpm[LPM_CHUNK], *lpm0 = NULL;
		uint32_t dst[LPM_CHUNK], hop[LPM_CHUNK], dflt[LPM_CHUNK];
		uint16_t *nx = nexts + base;
		bool one_vrf = true;

		for (uint16_t i = 0; i < cnt; i++) {
			struct rte_mbuf *m = objs[base + i];
			const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
			uint16_t bd = dp_meta(m)->bd;
			uint64_t mac = rt_mac_word(d);

			if (trace)
				dp_trace_add(m, node);
			if (unlikely(mac != inc.mac || bd != inc.bd))
				in_cache_fill(&inc, bd, d, mac);
			nx[i] = ip4_check(m, inc.ifc);
			lpm[i] = nx[i] == 0 ? inc.lpm : NULL;
			dflt[i] = inc.dflt;
			dst[i] = nx[i] == 0 ?
				 rte_be_to_cpu_32(rt_load32(d + ETH_IP_OFF + 16)) : 0;
			if (i == 0)
				lpm0 = lpm[0];
			one_vrf &= lpm[i] == lpm0;
		}
		/* A vector mostly belongs to one router: one bulk look-up. */
		if (likely(one_vrf && lpm0 != NULL)) {
			rte_lpm_lookup_bulk(lpm0, dst, hop, cnt);
		} else {
			for (uint16_t i = 0; i < cnt; i++) {
				uint32_t h;

				hop[i] = lpm[i] != NULL &&
					 rte_lpm_lookup(lpm[i], dst[i], &h) == 0 ?
					 h | RTE_LPM_LOOKUP_SUCCESS : 0;
			}
		}
		for (uint16_t i = 0; i < cnt; i++) {
			if (unlikely(nx[i] != 0))
				continue;
			/* A miss takes the default route, if there is one. */
			if (unlikely(!(hop[i] & RTE_LPM_LOOKUP_SUCCESS)))
				hop[i] = dflt[i];
			nx[i] = ip4_forward(node, rw, objs[base + i], hop[i], &nbc);
			consumed += nx[i] == RT_CONSUMED;
		}
	}
	dp_node_enqueue_nexts_kept(graph, node, objs, nexts, n, consumed);
	return n;
}

DP_NODE_PROCESS(ip4_input)

static struct rte_node_register ip4_input_node = {
	.name = "ip4-input",
	.process = ip4_input_process,
	.init = dp_node_init_worker,
	.nb_edges = 5,
	.next_nodes = {
		[RT_NEXT_L2] = "l2-input",
		[RT_NEXT_DROP] = "drop",
		[IP4_INPUT_NEXT_ARP] = "arp-input",
		[IP4_INPUT_NEXT_LOCAL] = "icmp-local",
		[IP4_INPUT_NEXT_TX] = "port-tx",
	},
};
RTE_NODE_REGISTER(ip4_input_node);

/* ------------------------------------------------------------------ */
/* arp-input                                                           */

static __rte_always_inline uint16_t
arp_input_one(struct rt_worker *rw, struct rte_mbuf *m)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	uint8_t *a = d + RTE_ETHER_HDR_LEN;
	uint16_t bd = dp_meta(m)->bd;
	const struct rt_iface *ifc;
	uint32_t spa, tpa;
	uint16_t op;

	if (m->data_len < RTE_ETHER_HDR_LEN + ARP_LEN ||
	    d[12] != (RTE_ETHER_TYPE_ARP >> 8) ||
	    d[13] != (RTE_ETHER_TYPE_ARP & 0xff)) {
		rt_drop_set(m, RT_DROP_NOT_FOR_ROUTER);
		return RT_NEXT_DROP;
	}
	if (a[0] != 0 || a[1] != 1 || a[2] != 0x08 || a[3] != 0 || a[4] != 6 ||
	    a[5] != 4) {
		rt_drop_set(m, RT_DROP_ARP_BAD);
		return RT_NEXT_DROP;
	}
	op = (uint16_t)(a[6] << 8 | a[7]);
	spa = rt_load32(a + 14);
	tpa = rt_load32(a + 24);

	if (spa == tpa && spa != 0) {
		/* Gratuitous: refresh what the routers of this network know. */
		for (unsigned int s = 0; s < RT_BD_IFACES; s++) {
			const struct rt_iface *g =
				__atomic_load_n(&rt_bd_ifaces[bd][s], __ATOMIC_ACQUIRE);

			if (g != NULL && g->ip != spa && ((spa ^ g->ip) & g->mask) == 0)
				neigh_event_queue(rw, g->index, RT_EV_GRATUITOUS,
						  spa, a + 8);
		}
		rte_pktmbuf_free(m);
		return RT_CONSUMED;
	}
	ifc = iface_by_ip(bd, tpa);
	if (ifc == NULL) {
		rt_drop_set(m, RT_DROP_NOT_FOR_ROUTER);
		return RT_NEXT_DROP;
	}
	if (op == RTE_ARP_OP_REQUEST) {
		/* As Linux: who asks for our address becomes a neighbor. */
		if (spa != 0)
			neigh_event_queue(rw, ifc->index, RT_EV_REQUEST, spa, a + 8);
		memcpy(d, d + 6, RTE_ETHER_ADDR_LEN);
		memcpy(d + 6, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
		a[7] = RTE_ARP_OP_REPLY;
		memcpy(a + 18, a + 8, RTE_ETHER_ADDR_LEN + 4);
		memcpy(a + 8, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
		memcpy(a + 14, &ifc->ip, 4);
		rt_to_network(m, bd);
		return RT_NEXT_L2;
	}
	if (op == RTE_ARP_OP_REPLY) {
		/* Packets held for it leave from the control thread. */
		neigh_event_queue(rw, ifc->index, RT_EV_REPLY, spa, a + 8);
		rte_pktmbuf_free(m);
		return RT_CONSUMED;
	}
	rt_drop_set(m, RT_DROP_ARP_BAD);
	return RT_NEXT_DROP;
}

static __rte_always_inline uint16_t
arp_input_inline(struct rte_graph *graph, struct rte_node *node, void **objs,
		 uint16_t n, const bool trace)
{
	struct rt_worker *rw = &rt_workers[dp_node_worker(node)->index];
	uint16_t nexts[RTE_GRAPH_BURST_SIZE];
	uint16_t consumed = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (trace)
			dp_trace_add(objs[i], node);
		nexts[i] = arp_input_one(rw, objs[i]);
		consumed += nexts[i] == RT_CONSUMED;
	}
	dp_node_enqueue_nexts_kept(graph, node, objs, nexts, n, consumed);
	return n;
}

DP_NODE_PROCESS(arp_input)

static struct rte_node_register arp_input_node = {
	.name = "arp-input",
	.process = arp_input_process,
	.init = dp_node_init_worker,
	.nb_edges = 2,
	.next_nodes = {
		[RT_NEXT_L2] = "l2-input",
		[RT_NEXT_DROP] = "drop",
	},
};
RTE_NODE_REGISTER(arp_input_node);

/* ------------------------------------------------------------------ */
/* icmp-local                                                          */

static __rte_always_inline uint16_t
icmp_local_one(struct rte_node *node, struct rt_worker *rw, struct rte_mbuf *m)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + ETH_IP_OFF);
	uint32_t ihl = rte_ipv4_hdr_len(ip);
	uint32_t len = rte_be_to_cpu_16(ip->total_length) - ihl;
	const struct rt_iface *ifc = iface_get(rt_mbuf(m)->in_iface);
	uint8_t *icmp = (uint8_t *)ip + ihl;
	uint32_t a;
	uint16_t ck;

	if (ip->next_proto_id == IPPROTO_UDP)
		return fail_icmp(node, rw, m, RT_DROP_IP4_LOCAL_UNHANDLED, 3, 3, 0);
	if (ifc == NULL || ip->next_proto_id != IPPROTO_ICMP || len < 8 ||
	    icmp[0] != 8 || icmp[1] != 0 || m->nb_segs != 1 ||
	    (rte_be_to_cpu_16(ip->fragment_offset) &
	     (RTE_IPV4_HDR_OFFSET_MASK | RTE_IPV4_HDR_MF_FLAG)) != 0) {
		rt_drop_set(m, RT_DROP_IP4_LOCAL_UNHANDLED);
		return RT_NEXT_DROP;
	}
	/* Echo reply: from the address asked, id, sequence and data echoed. */
	a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp[0] = 0;
	icmp[2] = icmp[3] = 0;
	ck = (uint16_t)~rte_raw_cksum(icmp, len);
	memcpy(icmp + 2, &ck, 2);
	memcpy(d, d + 6, RTE_ETHER_ADDR_LEN);
	memcpy(d + 6, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	rt_to_network(m, ifc->bd);
	rw->stats.icmp_sent++;
	return RT_NEXT_L2;
}

static __rte_always_inline uint16_t
icmp_local_inline(struct rte_graph *graph, struct rte_node *node, void **objs,
		  uint16_t n, const bool trace)
{
	struct rt_worker *rw = &rt_workers[dp_node_worker(node)->index];
	uint16_t nexts[RTE_GRAPH_BURST_SIZE];

	for (uint16_t i = 0; i < n; i++) {
		if (trace)
			dp_trace_add(objs[i], node);
		nexts[i] = icmp_local_one(node, rw, objs[i]);
	}
	dp_node_enqueue_nexts(graph, node, objs, nexts, n);
	return n;
}

DP_NODE_PROCESS(icmp_local)

static struct rte_node_register icmp_local_node = {
	.name = "icmp-local",
	.process = icmp_local_process,
	.init = dp_node_init_worker,
	.nb_edges = 2,
	.next_nodes = {
		[RT_NEXT_L2] = "l2-input",
		[RT_NEXT_DROP] = "drop",
	},
};
RTE_NODE_REGISTER(icmp_local_node);
