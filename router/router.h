/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Virtual routers: each router is a VRF with its own IPv4 FIB (rte_lpm),
 * one interface per attached network, connected and static routes (ECMP
 * over several next hops) and an ARP neighbor table. The graph nodes are
 * ip4-input (checks, LPM, rewrite), arp-input and icmp-local; routed
 * packets go back into the egress network's L2 path (switch "l2-input").
 *
 * Contract: the control thread is the only writer of every table here and
 * the only caller of every function in this header. Workers read routers,
 * interfaces, next-hop groups, the FIBs and the neighbor table without
 * locks under dp_rcu: objects they may hold are replaced, never edited, and
 * freed after a grace period (the LPM and the neighbor hash use their own
 * RCU defer queues on dp_rcu). The one field workers read while it
 * changes is a neighbor's MAC, stored as one 64-bit word.
 *
 * Neighbors: workers do not insert. ARP packets that teach a neighbor
 * queue an event on a ring; the control thread applies the events in
 * rt_neigh_drain() (the module's tick). Packets waiting for an unresolved
 * next hop go to the control thread, which holds them per neighbor (at
 * most RT_HOLD_PKTS), asks by ARP once a second (RT_ARP_RETRIES times) and
 * sends them, in order, in the tick that applies the reply.
 */
#ifndef YARD_ROUTER_H
#define YARD_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

#define RT_ROUTERS_MAX 64
#define RT_IFACES_MAX 1024
#define RT_NAME_MAX 32
#define RT_ECMP_MAX 16
#define RT_MTU_DEFAULT 1500
#define RT_HOLD_PKTS 64		/**< Packets held per unresolved neighbor. */
#define RT_ARP_RETRIES 3	/**< ARP requests before giving up. */
#define RT_NEIGH_REACHABLE 300	/**< Seconds a learned neighbor is kept. */

struct topo_router;

/**
 * Create router `r->name` or make an existing one match `r`: interfaces
 * added, changed (address or MAC) or removed, routes added, replaced or
 * removed one by one, so packets of a route that did not change are never
 * lost. A route's next hops must lie in one of the router's connected
 * networks.
 *
 * @param r
 *   The router as the topology describes it.
 * @param why
 *   Filled with the offending object and the reason on error.
 * @return
 *   0; -ENOENT (an interface names no network), -EINVAL (a next hop is on
 *   no connected network), -EEXIST (an interface MAC is taken in its
 *   network), -ENOSPC (too many routers, interfaces or routes), -ENOMEM.
 *   On error the router may hold part of `r`.
 */
int rt_router_set(const struct topo_router *r, char *why, size_t len);

struct topo_route;

/**
 * Add static route `rt` to router `name`, or replace the next hops of its
 * prefix: one rule changes, the rest of the FIB is untouched.
 *
 * @return
 *   0; -ENOENT (no such router), -EINVAL (a next hop is on none of its
 *   networks, or the prefix is connected), -ENOSPC; `why` says which.
 */
int rt_route_add(const char *name, const struct topo_route *rt, char *why,
		 size_t len);

/**
 * Delete the static route of prefix `prefix`/`plen` (network byte order)
 * from router `name`. 0 or -ENOENT (no such router or route).
 */
int rt_route_del(const char *name, uint32_t prefix, uint8_t plen);

/** Delete a router, its interfaces, routes and neighbors. 0 or -ENOENT. */
int rt_router_del(const char *name);

/** Index of the router called `name`, or -ENOENT. */
int rt_router_find(const char *name);

/**
 * Fill `r` (zeroed by the caller) with router `index` as a topology
 * describes it, arrays allocated with malloc() as topo_free() expects;
 * connected routes are not listed. 0, -ENOENT or -ENOMEM.
 */
int rt_router_export(unsigned int index, struct topo_router *r);

struct rt_router_info {
	char name[RT_NAME_MAX];
	unsigned int index;
	unsigned int n_ifaces;
	unsigned int n_routes;	/**< Static routes. */
	unsigned int n_neighs;
	size_t memory;		/**< Bytes of its FIB (LPM tables). */
};

/** Fill `info` for router `index`; -ENOENT when there is none. */
int rt_router_get(unsigned int index, struct rt_router_info *info);

/** What a router's FIB says about one destination. */
struct rt_route_hit {
	bool local;		/**< One of the router's own addresses. */
	bool connected;		/**< On-link: no gateway. */
	unsigned int n_via;	/**< Gateways of the route (ECMP members). */
	uint32_t via[RT_ECMP_MAX];	/**< Network byte order. */
	char network[RT_NAME_MAX];	/**< Egress network (first member). */
};

/**
 * Look `ip` (network byte order) up in router `index`'s FIB, as ip4-input
 * does. 0 with `hit` filled, -ENOENT (no such router) or -ENETUNREACH (no
 * route).
 */
int rt_route_lookup(unsigned int index, uint32_t ip, struct rt_route_hit *hit);

struct rt_neigh_row {
	char router[RT_NAME_MAX];
	char network[RT_NAME_MAX];
	uint32_t ip;		/**< Network byte order. */
	struct rte_ether_addr mac;
	uint32_t age;		/**< Seconds since last confirmed. */
	bool is_static;
};

/**
 * Call `fn` for every neighbor of router `index` (-1: every router);
 * stops when fn returns nonzero.
 */
void rt_neigh_walk(int index, int (*fn)(const struct rt_neigh_row *row,
					void *arg), void *arg);

struct topo_neighbor;

/**
 * Make `ip` (network byte order) a static neighbor of router `index` at
 * `mac`: on the interface whose subnet holds it, never aged, never changed
 * by ARP. Replaces a learned entry.
 *
 * @return
 *   0; -ENOENT (no such router), -EINVAL (on no interface subnet, or a
 *   multicast or zero MAC), -ENOSPC, -ENOMEM; `why` says which.
 */
int rt_neigh_static_add(unsigned int index, uint32_t ip,
			const struct rte_ether_addr *mac, char *why, size_t len);

/** Delete neighbor `ip` of router `index`, static or learned. 0 or -ENOENT. */
int rt_neigh_del(unsigned int index, uint32_t ip);

/**
 * Delete the learned neighbors of router `index` (-1: all routers), and the
 * static ones too when `statics`. Returns the count removed.
 */
unsigned int rt_neigh_flush(int index, bool statics);

/**
 * Make router `index`'s static neighbors exactly `nb` (the topology's
 * `neighbors`). 0 or as rt_neigh_static_add().
 */
int rt_neigh_static_set(unsigned int index, const struct topo_neighbor *nb,
			unsigned int n, char *why, size_t len);

/** Fill r->neighbors (malloc'd, by address) with router `index`'s static ones. */
int rt_neigh_static_export(unsigned int index, struct topo_router *r);

/** Apply queued neighbor events. Returns how many were read. */
unsigned int rt_neigh_drain(void);

/** Forget neighbors not confirmed for RT_NEIGH_REACHABLE seconds. */
unsigned int rt_neigh_age(void);

struct rt_stats {
	uint64_t neigh_queue_full;	/**< Neighbor events lost: ring full. */
	uint64_t neigh_learned;		/**< Neighbors created. */
	uint64_t neigh_updated;		/**< Neighbors whose MAC changed. */
	uint64_t neigh_aged;
	uint64_t arp_requests;		/**< ARP requests sent. */
	uint64_t held;			/**< Packets put in a hold queue. */
	uint64_t released;		/**< Held packets sent after a reply. */
	uint64_t icmp_sent;		/**< ICMP replies and errors sent. */
	uint64_t icmp_suppressed;	/**< ICMP errors over the rate limit. */
};

/** Sum of the workers' router counters. */
void rt_stats_get(struct rt_stats *out);

#endif /* YARD_ROUTER_H */
