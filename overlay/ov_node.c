/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The overlay's graph nodes:
 *   underlay-input  first node of the underlay port: ARP and ICMP echo for
 *                   the VTEP address, VXLAN decapsulation into l2-input
 *   vxlan-flood     a flooded frame to every VTEP of its network's list
 *   vxlan-encap     outer Ethernet/IPv4/UDP/VXLAN to one VTEP, then port-tx
 */
#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_hash_crc.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "ov_priv.h"

struct vxlan_hdr_ {
	uint8_t flags;
	uint8_t rsvd0[3];
	uint8_t vni[3];
	uint8_t rsvd1;
} __rte_packed;


static __rte_always_inline void
event_post(struct dp_worker *wk, const struct ov_event *ev)
{
	if (unlikely(rte_ring_mp_enqueue_elem(ov_events, (void *)(uintptr_t)ev,
					      sizeof(*ev)) != 0))
		ov_wstats[wk->index].events_lost++;
}

/* ------------------------------------------------------------------ */
/* underlay-input                                                      */

enum {
	UNDERLAY_NEXT_DROP,
	UNDERLAY_NEXT_TX,
	UNDERLAY_NEXT_L2,
};

/* An ARP request for our address: answered in place. Replies teach. */
static __rte_always_inline uint16_t
arp_in(struct dp_worker *wk, const struct ov_state *st, struct rte_mbuf *m,
       struct rte_ether_hdr *eth, unsigned int *reason)
{
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct ov_event ev = { .kind = OV_EV_NEIGH };
	uint32_t sip, tip;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*arp)) {
		*reason = OV_DROP_TRUNCATED;
		return UNDERLAY_NEXT_DROP;
	}
	tip = arp->arp_data.arp_tip;
	sip = arp->arp_data.arp_sip;
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    tip != st->ip || sip == 0) {
		*reason = OV_DROP_NOT_FOR_US;
		return UNDERLAY_NEXT_DROP;
	}
	/* As Linux does, whoever asks for us, or answers us, is a neighbor. */
	ev.ip = sip;
	memcpy(ev.mac, arp->arp_data.arp_sha.addr_bytes, RTE_ETHER_ADDR_LEN);
	event_post(wk, &ev);
	if (arp->arp_opcode != RTE_BE16(RTE_ARP_OP_REQUEST))
		return DP_NEXT_KEPT;	/* A reply: it taught us; freed. */
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	arp->arp_data.arp_tha = arp->arp_data.arp_sha;
	arp->arp_data.arp_tip = sip;
	arp->arp_data.arp_sha = st->mac;
	arp->arp_data.arp_sip = st->ip;
	eth->dst_addr = eth->src_addr;
	eth->src_addr = st->mac;
	dp_meta(m)->out_port = st->port;
	return UNDERLAY_NEXT_TX;
}

/* An ICMP echo request to our address: answered in place. */
static __rte_always_inline uint16_t
icmp_in(const struct ov_state *st, struct rte_mbuf *m,
	struct rte_ether_hdr *eth, struct rte_ipv4_hdr *ip, uint32_t ihl,
	unsigned int *reason)
{
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
	uint32_t sum;

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + ihl + sizeof(*icmp) ||
	    icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0) {
		*reason = OV_DROP_NOT_VXLAN;
		return UNDERLAY_NEXT_DROP;
	}
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	/* Type 8 -> 0: the checksum grows by 0x0800 (RFC 1624). */
	sum = (uint32_t)icmp->icmp_cksum + RTE_BE16(0x0800);
	icmp->icmp_cksum = (uint16_t)(sum + (sum >> 16));
	ip->dst_addr = ip->src_addr;
	ip->src_addr = st->ip;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	eth->dst_addr = eth->src_addr;
	eth->src_addr = st->mac;
	dp_meta(m)->out_port = st->port;
	return UNDERLAY_NEXT_TX;
}

/* VXLAN to us: checked, stripped, and handed to the network's L2 path. */
static __rte_always_inline uint16_t
vxlan_in(struct dp_worker *wk, const struct ov_state *st, struct rte_mbuf *m,
	 struct rte_ipv4_hdr *ip, uint32_t ihl, struct ov_event *last,
	 unsigned int *reason)
{
	const struct rte_udp_hdr *udp =
		(const struct rte_udp_hdr *)((uint8_t *)ip + ihl);
	const struct vxlan_hdr_ *vx = (const struct vxlan_hdr_ *)(udp + 1);
	uint32_t outer = sizeof(struct rte_ether_hdr) + ihl + sizeof(*udp) +
			 sizeof(*vx);
	const struct rte_ether_hdr *inner;
	const struct ov_net *net;
	struct ov_event ev = { .kind = OV_EV_LEARN };
	uint16_t vtep = UINT16_MAX;
	uint32_t vni;

	if (rte_pktmbuf_data_len(m) < outer + sizeof(*inner)) {
		*reason = OV_DROP_TRUNCATED;
		return UNDERLAY_NEXT_DROP;
	}
	if (!(vx->flags & VXLAN_FLAG_I)) {
		*reason = OV_DROP_BAD_FLAGS;
		return UNDERLAY_NEXT_DROP;
	}
	vni = (uint32_t)vx->vni[0] << 16 | (uint32_t)vx->vni[1] << 8 | vx->vni[2];
	net = ov_net_by_vni(st, vni);
	if (net == NULL) {
		*reason = OV_DROP_UNKNOWN_VNI;
		return UNDERLAY_NEXT_DROP;
	}
	for (uint16_t i = 0; i < net->n_vteps; i++)
		if (st->vteps[net->vteps[i]].ip == ip->src_addr) {
			vtep = net->vteps[i];
			break;
		}
	if (vtep == UINT16_MAX && net->learn_any) {
		/* Any VTEP of the underlay: one met before, or a new one. */
		for (uint16_t i = 0; i < st->n_vteps; i++)
			if (st->vteps[i].ip == ip->src_addr) {
				vtep = i;
				break;
			}
		ev.ip = ip->src_addr;
	} else if (vtep == UINT16_MAX) {
		*reason = OV_DROP_UNKNOWN_VTEP;
		return UNDERLAY_NEXT_DROP;
	}
	inner = (const struct rte_ether_hdr *)((const uint8_t *)vx + sizeof(*vx));
	if (rte_is_multicast_ether_addr(&inner->src_addr)) {
		*reason = OV_DROP_BAD_INNER;
		return UNDERLAY_NEXT_DROP;
	}
	if (likely(vtep != UINT16_MAX)) {
		ov_wstats[wk->index].rx_pkts[vtep]++;
		ov_wstats[wk->index].rx_bytes[vtep] += m->pkt_len;
	}
	/*
	 * The source is learned behind its VTEP (a VTEP met the first time
	 * gets its entry first); a burst queues one event.
	 */
	ev.bd = net->bd;
	ev.vtep = vtep;
	memcpy(ev.mac, inner->src_addr.addr_bytes, RTE_ETHER_ADDR_LEN);
	if (memcmp(&ev, last, sizeof(ev)) != 0) {
		*last = ev;
		event_post(wk, &ev);
	}
	rte_pktmbuf_adj(m, (uint16_t)outer);
	/*
	 * In the network as if from no port: the switch neither learns it nor
	 * floods it back to us (origin).
	 */
	m->port = DP_PORT_NONE;
	dp_meta(m)->bd = net->bd;
	dp_meta(m)->origin = (uint8_t)ov_flood_edge;
	return UNDERLAY_NEXT_L2;
}

static __rte_always_inline uint16_t
underlay_one(struct dp_worker *wk, const struct ov_state *st,
	     struct rte_mbuf *m, struct ov_event *last)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	unsigned int reason = OV_DROP_NOT_FOR_US;
	struct rte_ipv4_hdr *ip;
	uint32_t ihl;
	uint16_t next = UNDERLAY_NEXT_DROP;

	if (unlikely(st == NULL)) {
		reason = OV_DROP_NO_OVERLAY;
		goto drop;
	}
	if (unlikely(rte_pktmbuf_data_len(m) < sizeof(*eth))) {
		reason = OV_DROP_TRUNCATED;
		goto drop;
	}
	if (!rte_is_same_ether_addr(&eth->dst_addr, &st->mac) &&
	    !rte_is_broadcast_ether_addr(&eth->dst_addr))
		goto drop;
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		next = arp_in(wk, st, m, eth, &reason);
		goto out;
	}
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		reason = OV_DROP_NOT_VXLAN;
		goto drop;
	}
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*ip)) {
		reason = OV_DROP_TRUNCATED;
		goto drop;
	}
	ihl = (ip->version_ihl & 0x0f) * 4u;
	if ((ip->version_ihl >> 4) != 4 || ihl < sizeof(*ip) ||
	    rte_pktmbuf_data_len(m) < sizeof(*eth) + ihl ||
	    rte_be_to_cpu_16(ip->total_length) < ihl ||
	    rte_be_to_cpu_16(ip->total_length) > m->pkt_len - sizeof(*eth)) {
		reason = OV_DROP_TRUNCATED;
		goto drop;
	}
	if (ip->dst_addr != st->ip)
		goto drop;
	/* Fragments are not reassembled: a VTEP's packets are not fragments. */
	if ((ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK |
					    RTE_IPV4_HDR_MF_FLAG)) != 0) {
		reason = OV_DROP_NOT_VXLAN;
		goto drop;
	}
	if (ip->next_proto_id == IPPROTO_ICMP) {
		next = icmp_in(st, m, eth, ip, ihl, &reason);
		goto out;
	}
	if (ip->next_proto_id != IPPROTO_UDP ||
	    rte_pktmbuf_data_len(m) < sizeof(*eth) + ihl + sizeof(struct rte_udp_hdr)) {
		reason = OV_DROP_NOT_VXLAN;
		goto drop;
	}
	if (((const struct rte_udp_hdr *)((uint8_t *)ip + ihl))->dst_port !=
	    RTE_BE16(OV_UDP_PORT)) {
		reason = OV_DROP_NOT_VXLAN;
		goto drop;
	}
	next = vxlan_in(wk, st, m, ip, ihl, last, &reason);
out:
	if (next != UNDERLAY_NEXT_DROP)
		return next;
drop:
	dp_drop_set(m, ov_drop_id(reason));
	return UNDERLAY_NEXT_DROP;
}

static __rte_always_inline uint16_t
underlay_input_inline(struct rte_graph *graph, struct rte_node *node,
		      void **objs, uint16_t n, const bool trace)
{
	struct dp_worker *wk = dp_node_worker(node);
	const struct ov_state *st = __atomic_load_n(&ov_state, __ATOMIC_ACQUIRE);
	uint16_t nexts[RTE_GRAPH_BURST_SIZE];
	struct ov_event last = { 0 };
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		dp_prefetch_ahead(objs, i, n);
		if (trace)
			dp_trace_add(objs[i], node);
		nexts[i] = underlay_one(wk, st, objs[i], &last);
		if (unlikely(nexts[i] == DP_NEXT_KEPT)) {
			rte_pktmbuf_free(objs[i]);
			kept++;
		}
	}
	dp_node_enqueue_nexts_kept(graph, node, objs, nexts, n, kept);
	return n;
}

DP_NODE_PROCESS(underlay_input)

static struct rte_node_register underlay_input_node = {
	.name = "underlay-input",
	.process = underlay_input_process,
	.init = dp_node_init_worker,
	.nb_edges = 3,
	.next_nodes = {
		[UNDERLAY_NEXT_DROP] = "drop",
		[UNDERLAY_NEXT_TX] = "port-tx",
		[UNDERLAY_NEXT_L2] = "l2-input",
	},
};
RTE_NODE_REGISTER(underlay_input_node);

/* ------------------------------------------------------------------ */
/* vxlan-flood                                                         */

enum { FLOOD_NEXT_DROP, FLOOD_NEXT_ENCAP };

static __rte_always_inline void
flood_one(struct rte_graph *graph, struct rte_node *node,
	  const struct ov_state *st, struct rte_mbuf *m, const bool trace)
{
	const struct ov_net *net = NULL;
	int16_t ni;

	if (likely(st != NULL) && (ni = st->net_of_bd[dp_meta(m)->bd]) >= 0)
		net = &st->nets[ni];
	if (net == NULL || net->n_vteps == 0) {
		dp_drop_set(m, ov_drop_id(OV_DROP_NO_VNI));
		rte_node_enqueue_x1(graph, node, FLOOD_NEXT_DROP, m);
		return;
	}
	/* Copies to every VTEP but the last; it gets the original. */
	for (uint16_t i = 0; i + 1 < net->n_vteps; i++) {
		struct rte_mbuf *c = rte_pktmbuf_copy(m, dp_pool, 0, UINT32_MAX);

		if (unlikely(c == NULL)) {
			dp_worker_count_drop(dp_node_worker(node), m->port,
					     DP_DROP_NO_BUFFER);
			continue;
		}
		if (trace)
			*dp_priv(c) = *dp_priv(m);
		dp_meta(c)->out_port = net->vteps[i];
		rte_node_enqueue_x1(graph, node, FLOOD_NEXT_ENCAP, c);
	}
	dp_meta(m)->out_port = net->vteps[net->n_vteps - 1];
	rte_node_enqueue_x1(graph, node, FLOOD_NEXT_ENCAP, m);
}

static __rte_always_inline uint16_t
vxlan_flood_inline(struct rte_graph *graph, struct rte_node *node,
		   void **objs, uint16_t n, const bool trace)
{
	const struct ov_state *st = __atomic_load_n(&ov_state, __ATOMIC_ACQUIRE);

	for (uint16_t i = 0; i < n; i++) {
		if (trace)
			dp_trace_add(objs[i], node);
		flood_one(graph, node, st, objs[i], trace);
	}
	return n;
}

DP_NODE_PROCESS(vxlan_flood)

static struct rte_node_register vxlan_flood_node = {
	.name = "vxlan-flood",
	.process = vxlan_flood_process,
	.init = dp_node_init_worker,
	.nb_edges = 2,
	.next_nodes = {
		[FLOOD_NEXT_DROP] = "drop",
		[FLOOD_NEXT_ENCAP] = "vxlan-encap",
	},
};
RTE_NODE_REGISTER(vxlan_flood_node);

/* ------------------------------------------------------------------ */
/* vxlan-encap                                                         */

enum { ENCAP_NEXT_DROP, ENCAP_NEXT_TX, ENCAP_NEXT_L2 };

/*
 * The UDP source port: a hash of the inner flow (its Ethernet header and,
 * for IPv4, the addresses and the next 4 bytes), in 49152-65535, so that
 * the underlay's ECMP and RSS spread flows while each keeps one path.
 */
static __rte_always_inline uint16_t
flow_port(const uint8_t *d, uint32_t len)
{
	uint64_t w8;
	uint32_t w4, h;
	uint16_t w2;

	/*
	 * rte_hash_crc(d, 14, 0), then over the 12 bytes at d + 26, written
	 * out by word so that the compiler inlines the CRC instructions (the
	 * same sums: rte_hash_crc() takes 8, 4, then 2 bytes).
	 */
	memcpy(&w8, d, 8);
	memcpy(&w4, d + 8, 4);
	memcpy(&w2, d + 12, 2);
	h = rte_hash_crc_2byte(w2, rte_hash_crc_4byte(w4, rte_hash_crc_8byte(w8, 0)));
	if (len >= 14 + 24 && w2 == RTE_BE16(RTE_ETHER_TYPE_IPV4)) {
		memcpy(&w8, d + 26, 8);
		memcpy(&w4, d + 34, 4);
		h = rte_hash_crc_4byte(w4, rte_hash_crc_8byte(w8, h));
	}
	return (uint16_t)(49152 + (h & 0x3fff));
}

/*
 * Too big for the underlay once encapsulated: dropped and counted; an IPv4
 * packet with DF is answered with ICMP fragmentation needed carrying the
 * inner MTU, from its destination's MAC and address as Linux's bridged
 * tunnels do (the VTEP has no address in the network), back into the
 * network and never into the overlay.
 */
static __rte_noinline uint16_t
too_big(struct dp_worker *wk, const struct ov_state *st, struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	struct rte_ether_addr mac;
	uint32_t addr;

	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
	    !dp_icmp_error_may(m) ||
	    !(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_DF_FLAG))) {
		dp_drop_set(m, ov_drop_id(OV_DROP_TOO_BIG));
		return ENCAP_NEXT_DROP;
	}
	mac = eth->dst_addr;
	addr = ip->dst_addr;
	if (dp_icmp_error_make(m, &mac, addr, 3, 4, /* Fragmentation needed. */
			       (uint16_t)(st->mtu - OV_ENCAP_LEN)) < 0) {
		dp_drop_set(m, ov_drop_id(OV_DROP_TOO_BIG));
		return ENCAP_NEXT_DROP;
	}
	dp_worker_count_drop(wk, m->port, ov_drop_id(OV_DROP_TOO_BIG));
	m->port = DP_PORT_NONE;
	dp_meta(m)->origin = (uint8_t)ov_flood_edge;
	return ENCAP_NEXT_L2;
}

static __rte_always_inline uint16_t
encap_one(struct dp_worker *wk, const struct ov_state *st, struct rte_mbuf *m)
{
	struct dp_meta *meta = dp_meta(m);
	const struct ov_vtep *vtep;
	uint8_t *h;
	uint32_t inner_len = m->pkt_len, sum, vni;
	uint16_t sport, v16;
	int16_t ni;
	unsigned int reason;

	if (unlikely(st == NULL)) {
		reason = OV_DROP_NO_OVERLAY;
		goto drop;
	}
	/* Split horizon: what came from the overlay never goes back into it. */
	if (unlikely(meta->origin == ov_flood_edge)) {
		reason = OV_DROP_SPLIT_HORIZON;
		goto drop;
	}
	ni = st->net_of_bd[meta->bd];
	if (unlikely(ni < 0 || meta->out_port >= st->n_vteps)) {
		reason = OV_DROP_NO_VNI;
		goto drop;
	}
	vni = st->nets[ni].vni_word;
	vtep = &st->vteps[meta->out_port];
	if (unlikely(inner_len + OV_ENCAP_LEN - RTE_ETHER_HDR_LEN > st->mtu))
		return too_big(wk, st, m);
	if (unlikely(!vtep->resolved))
		return DP_NEXT_KEPT;	/* Held until ARP answers. */
	sport = flow_port(rte_pktmbuf_mtod(m, const uint8_t *),
			  rte_pktmbuf_data_len(m));
	h = (uint8_t *)rte_pktmbuf_prepend(m, OV_ENCAP_LEN);
	if (unlikely(h == NULL)) {
		dp_drop_set(m, DP_DROP_NO_BUFFER);
		return ENCAP_NEXT_DROP;
	}
	/*
	 * The VTEP's prebuilt headers, then what differs per packet: lengths,
	 * the IPv4 checksum (the template's sum plus the length, folded as
	 * rte_ipv4_cksum() does), the source port and the VNI.
	 */
	memcpy(h, vtep->hdr, OV_ENCAP_LEN);
	v16 = rte_cpu_to_be_16((uint16_t)(inner_len + OV_ENCAP_LEN -
					  RTE_ETHER_HDR_LEN));
	memcpy(h + OV_HDR_IP_LEN, &v16, 2);
	sum = vtep->ip_sum + v16;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	v16 = sum == 0xffff ? (uint16_t)sum : (uint16_t)~sum;
	memcpy(h + OV_HDR_IP_CKSUM, &v16, 2);
	v16 = rte_cpu_to_be_16(sport);
	memcpy(h + OV_HDR_UDP_SPORT, &v16, 2);
	v16 = rte_cpu_to_be_16((uint16_t)(inner_len + OV_ENCAP_LEN -
					  RTE_ETHER_HDR_LEN - 20));
	memcpy(h + OV_HDR_UDP_LEN, &v16, 2);
	memcpy(h + OV_HDR_VNI, &vni, 4);
	ov_wstats[wk->index].tx_pkts[meta->out_port]++;
	ov_wstats[wk->index].tx_bytes[meta->out_port] += m->pkt_len;
	meta->out_port = st->port;
	return ENCAP_NEXT_TX;

drop:
	dp_drop_set(m, ov_drop_id(reason));
	return ENCAP_NEXT_DROP;
}

/* Frames for a VTEP whose next hop is not resolved wait on the control thread. */
static __rte_always_inline void
hold(struct dp_worker *wk, struct rte_mbuf *m)
{
	if (unlikely(rte_ring_mp_enqueue(ov_held, m) != 0)) {
		dp_worker_count_drop(wk, m->port, ov_drop_id(OV_DROP_HOLD_FULL));
		rte_pktmbuf_free(m);
	}
}

static __rte_always_inline uint16_t
vxlan_encap_inline(struct rte_graph *graph, struct rte_node *node,
		   void **objs, uint16_t n, const bool trace)
{
	struct dp_worker *wk = dp_node_worker(node);
	const struct ov_state *st = __atomic_load_n(&ov_state, __ATOMIC_ACQUIRE);
	uint16_t nexts[RTE_GRAPH_BURST_SIZE];
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		dp_prefetch_ahead(objs, i, n);
		if (i + 4 < n) {
			struct rte_mbuf *a = objs[i + 4];

			/* The meta's line and the headroom the headers go in. */
			rte_prefetch0(RTE_PTR_ADD(a, RTE_CACHE_LINE_SIZE));
			rte_prefetch0(rte_pktmbuf_mtod_offset(a, uint8_t *,
							      -OV_ENCAP_LEN));
		}
		if (trace)
			dp_trace_add(objs[i], node);
		nexts[i] = encap_one(wk, st, objs[i]);
		if (unlikely(nexts[i] == DP_NEXT_KEPT)) {
			hold(wk, objs[i]);
			kept++;
		}
	}
	dp_node_enqueue_nexts_kept(graph, node, objs, nexts, n, kept);
	return n;
}

DP_NODE_PROCESS(vxlan_encap)

static struct rte_node_register vxlan_encap_node = {
	.name = "vxlan-encap",
	.process = vxlan_encap_process,
	.init = dp_node_init_worker,
	.nb_edges = 3,
	.next_nodes = {
		[ENCAP_NEXT_DROP] = "drop",
		[ENCAP_NEXT_TX] = "port-tx",
		[ENCAP_NEXT_L2] = "l2-input",
	},
};
RTE_NODE_REGISTER(vxlan_encap_node);
