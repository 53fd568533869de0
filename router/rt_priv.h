/* SPDX-License-Identifier: BSD-3-Clause */
/* Router internals: the objects workers read, per-worker state, helpers. */
#ifndef YARD_RT_PRIV_H
#define YARD_RT_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_lpm.h>
#include <rte_ring.h>

#include "dataplane.h"
#include "router.h"
#include "switch.h"

extern int rt_logtype;
#define RT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, rt_logtype, "router: " fmt "\n", ##__VA_ARGS__)

/* Reason codes 1..n of the module; the id is rt_drop_base + code. */
#define foreach_rt_drop					\
	_(NOT_FOR_ROUTER, "not-for-router")		\
	_(ARP_BAD, "arp-bad")				\
	_(IP4_BAD_LENGTH, "ip4-bad-length")		\
	_(IP4_BAD_VERSION, "ip4-bad-version")		\
	_(IP4_BAD_IHL, "ip4-bad-ihl")			\
	_(IP4_BAD_CHECKSUM, "ip4-bad-checksum")		\
	_(IP4_TTL_EXCEEDED, "ip4-ttl-exceeded")		\
	_(IP4_NO_ROUTE, "ip4-no-route")			\
	_(IP4_MTU_EXCEEDED, "ip4-mtu-exceeded")		\
	_(IP4_LOCAL_UNHANDLED, "ip4-local-unhandled")	\
	_(HOLD_QUEUE_FULL, "hold-queue-full")		\
	_(NEIGH_UNRESOLVED, "neigh-unresolved")

enum rt_drop {
	RT_DROP_NONE_,
#define _(sym, str) RT_DROP_##sym,
	foreach_rt_drop
#undef _
	RT_DROP_END_,
};

extern unsigned int rt_drop_base;

static inline void
rt_drop_set(struct rte_mbuf *m, enum rt_drop code)
{
	dp_drop_set(m, rt_drop_base + code);
}

/* ---- Objects read by workers (RCU: replaced, never edited) ---- */

/** One router interface: the router's attachment to one network. */
struct rt_iface {
	uint16_t index;
	uint16_t router;
	uint16_t bd;
	uint16_t mtu;
	uint32_t ip;		/**< Network byte order. */
	uint32_t mask;		/**< Network byte order. */
	uint8_t plen;
	bool has_mac;		/**< The MAC was given, not generated. */
	struct rte_ether_addr mac;
	char network[RT_NAME_MAX];
};

/* Interfaces one network can hold (one per router attached to it). */
#define RT_BD_IFACES 8

extern struct rt_iface *rt_ifaces[RT_IFACES_MAX];
extern struct rt_iface *rt_bd_ifaces[SW_NETWORKS_MAX][RT_BD_IFACES];

enum rt_nh_kind {
	RT_NH_LOCAL,		/**< One of the router's own addresses. */
	RT_NH_CONNECTED,	/**< On-link: the destination is the next hop. */
	RT_NH_VIA,		/**< Through gateways. */
};

/** A next-hop group, the data of LPM entries; shared by equal routes. */
struct rt_nhg {
	uint8_t kind;
	uint8_t n;
	struct {
		uint16_t iface;
		uint32_t gw;	/**< Network byte order; 0 for on-link. */
	} nh[RT_ECMP_MAX];
	/* Control thread only. */
	uint32_t id;
	uint32_t refs;
};

/* LPM next hops are 24 bits: group ids stay below this. */
#define RT_NHG_MAX (1u << 16)
extern struct rt_nhg *rt_nhgs[RT_NHG_MAX];

struct rt_route {
	uint32_t prefix;	/**< Host byte order, as rte_lpm takes it. */
	uint8_t plen;
	uint32_t nhg;
};

struct rt_router {
	uint16_t index;
	struct rte_lpm *lpm;	/**< Read by workers. */
	/**
	 * The default route, which rte_lpm cannot hold (depth 0): its next-hop
	 * group | RTE_LPM_LOOKUP_SUCCESS, or 0. Read by workers on a miss;
	 * one atomic store.
	 */
	uint32_t dflt;
	/* Control thread only. */
	char name[RT_NAME_MAX];
	struct rt_route *routes;	/**< Static routes, in the order given. */
	unsigned int n_routes, cap_routes;
	unsigned int n_neighs;
};

extern struct rt_router *rt_routers[RT_ROUTERS_MAX];

/* ---- Neighbors ---- */

struct rt_neigh_key {
	uint16_t iface;
	uint16_t pad;
	uint32_t ip;		/**< Network byte order. */
};

/* A neighbor's MAC word: the 6 bytes in the low 48 bits, and this bit. */
#define RT_MAC_VALID (UINT64_C(1) << 63)

struct rt_neigh {
	struct rt_neigh_key key;
	uint64_t mac;		/**< Read by workers; one atomic store. */
	uint32_t confirmed;	/**< Control thread: clock of the last proof. */
	bool is_static;
};

extern struct rte_hash *rt_neigh_hash;

enum rt_neigh_event_kind {
	RT_EV_REQUEST,		/**< It asked for our address: create/refresh. */
	RT_EV_REPLY,		/**< It answered us: create/refresh. */
	RT_EV_GRATUITOUS,	/**< It announced itself: update if known. */
};

struct rt_neigh_event {
	uint16_t iface;
	uint8_t kind;
	uint8_t pad;
	uint32_t ip;
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	uint16_t pad2;
};

extern struct rte_ring *rt_neigh_ring;

static inline uint64_t
rt_mac_word(const uint8_t *mac)
{
	uint64_t w = 0;

	memcpy(&w, mac, RTE_ETHER_ADDR_LEN);
	return w | RT_MAC_VALID;
}

static inline void
rt_mac_unword(uint64_t w, uint8_t *mac)
{
	memcpy(mac, &w, RTE_ETHER_ADDR_LEN);
}

/* ---- Per-worker state ---- */

#define RT_ICMP_BURST 100	/**< ICMP errors per second per router. */

struct rt_worker {
	struct rt_stats stats;
	struct {
		uint32_t sec;
		uint32_t tokens;
	} icmp_bucket[RT_ROUTERS_MAX];
} __rte_cache_aligned;

extern struct rt_worker rt_workers[DP_WORKERS_MAX];

/* ---- Per-packet state between the router's nodes (an mbuf dynfield) ---- */

struct rt_mbuf {
	uint32_t nh;		/**< Next hop, network byte order. */
	uint16_t in_iface;
	uint16_t out_iface;
};

extern int rt_mbuf_offset;

static inline struct rt_mbuf *
rt_mbuf(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, rt_mbuf_offset, struct rt_mbuf *);
}

/* The l2-flood edge the router listens on; also its origin tag. */
extern uint16_t rt_flood_edge;
/* The l2-input edge frames to interface MACs take. */
extern uint16_t rt_owner_edge;

/* ---- Control-thread internals shared by the files ---- */

/* The inject edge to l2-input: how the control thread sends frames. */
extern uint16_t rt_inject_edge;

/*
 * Packets whose next hop has no neighbor yet: workers queue them here
 * (rt_mbuf(m) says for which interface and next hop); the control thread
 * holds them per neighbor (rt_hold.c) and sends them when it resolves.
 */
extern struct rte_ring *rt_held_ring;

static __rte_always_inline uint32_t
rt_load32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Hand a frame the router made or rewrote to the switch in network `bd`. */
static __rte_always_inline void
rt_to_network(struct rte_mbuf *m, uint16_t bd)
{
	struct dp_meta *meta = dp_meta(m);

	meta->bd = bd;
	meta->origin = (uint8_t)rt_flood_edge;
	m->port = DP_PORT_NONE;
}

/*
 * Decrement the TTL (checksum updated as RFC 1624) and write the L2
 * header from `out` to the neighbor's MAC word `mac`.
 */
static __rte_always_inline void
rt_rewrite(struct rte_mbuf *m, const struct rt_iface *out, uint64_t mac)
{
	uint8_t *d = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(d + RTE_ETHER_HDR_LEN);
	uint32_t ck = ip->hdr_checksum;

	ck += rte_cpu_to_be_16(0x0100);
	ip->hdr_checksum = (uint16_t)(ck + (ck >= 0xffff));
	ip->time_to_live--;
	rt_mac_unword(mac, d);
	memcpy(d + 6, out->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
}

/*
 * Turn `m` into ICMP error type/code about itself, from its ingress
 * interface's address to its sender; false when no error may be sent (see
 * rt_node.c). `rw` holds the rate limit and counters of the caller.
 */
bool rt_icmp_error(struct rt_worker *rw, struct rte_mbuf *m, uint8_t type,
		   uint8_t code, uint16_t mtu);

/* A broadcast ARP request for `ip` from interface `ifc`, or NULL. */
struct rte_mbuf *rt_arp_request_make(const struct rt_iface *ifc, uint32_t ip);

int rt_hold_init(void);
void rt_hold_fini(void);
/* Held packets in, released, retried or given up: the module's tick. */
void rt_hold_tick(void);
/* Counters of the control thread's hold queues. */
void rt_hold_stats_add(struct rt_stats *out);



void rt_fib_fini(void);
int rt_neigh_init(void);
void rt_neigh_fini(void);
/* Forget every neighbor of interface `iface` (it is going away). */
void rt_neigh_iface_flush(uint16_t iface);

/**
 * The MAC a router interface gets when none is given: locally
 * administered, from a hash of the router's and the network's names, so
 * it is the same after every restart.
 */
void rt_iface_mac_make(const char *router, const char *network,
		       struct rte_ether_addr *mac);

/*
 * The ECMP member of a flow: a hash of the 5-tuple in software (vhost and
 * tap ports have no RSS). Ports are 0 for fragments other than the first
 * and for protocols without ports. The same function is in the fixtures'
 * generator.
 */
static inline uint32_t
rt_flow_hash(uint32_t src, uint32_t dst, uint8_t proto, uint16_t sport,
	     uint16_t dport)
{
	uint32_t h;

	h = rte_be_to_cpu_32(src) * 0x9e3779b1u;
	h ^= rte_be_to_cpu_32(dst) * 0x85ebca77u;
	h ^= ((uint32_t)sport << 16 | dport) * 0xc2b2ae3du;
	h ^= proto;
	h ^= h >> 16;
	return h;
}

#endif /* YARD_RT_PRIV_H */
