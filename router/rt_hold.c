/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hold queues, on the control thread. Workers queue a packet whose next
 * hop has no neighbor on rt_held_ring; the module's tick (yard-dp: about
 * every millisecond, with or without traffic) keeps it with the others of
 * its (interface, next hop), at most RT_HOLD_PKTS of them, and:
 *   - sends an ARP request when the first one comes, and again every
 *     second, RT_ARP_RETRIES requests in all;
 *   - once the neighbor is in the table (the reply was applied just
 *     before, in the same tick), rewrites the held packets and sends them,
 *     in order, through one worker's inject ring;
 *   - a second after the last request, drops them (neigh-unresolved) and
 *     sends the first one's sender host unreachable.
 * Drops go through the inject node to the drop node, so they are counted
 * and traced as a worker's drops are.
 */
#include <errno.h>

#include <rte_hash.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "rt_priv.h"

#define HOLD_SLOTS 256		/**< Unresolved next hops held at once. */
#define HELD_RING_SIZE 4096
#define HELD_BURST 64

struct hold {
	bool used;
	uint8_t tries;		/**< ARP requests sent. */
	uint16_t iface;
	uint32_t ip;		/**< Network byte order. */
	uint32_t since;		/**< Clock of the last request. */
	uint16_t n;
	struct rte_mbuf *m[RT_HOLD_PKTS];
};

struct rte_ring *rt_held_ring;
static struct hold holds[HOLD_SLOTS];
static unsigned int n_holds;
static unsigned int next_worker;
/* The control thread's ICMP budget and counters. */
static struct rt_worker ctl;

int
rt_hold_init(void)
{
	rt_held_ring = rte_ring_create("yard_rt_held", HELD_RING_SIZE,
				       (int)rte_socket_id(), RING_F_SC_DEQ);
	return rt_held_ring != NULL ? 0 : -ENOMEM;
}

static void
hold_clear(struct hold *h)
{
	for (uint16_t i = 0; i < h->n; i++)
		rte_pktmbuf_free(h->m[i]);
	h->n = 0;
	h->used = false;
	n_holds--;
}

void
rt_hold_fini(void)
{
	struct rte_mbuf *m;

	for (unsigned int s = 0; s < HOLD_SLOTS; s++)
		if (holds[s].used)
			hold_clear(&holds[s]);
	while (rt_held_ring != NULL &&
	       rte_ring_sc_dequeue(rt_held_ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(rt_held_ring);
	rt_held_ring = NULL;
}

static void
send_on(unsigned int worker, struct rte_mbuf *m, uint16_t edge)
{
	if (dp_inject_on(worker, m, edge) < 0)
		rte_pktmbuf_free(m);
}

static void
drop_on(unsigned int worker, struct rte_mbuf *m, enum rt_drop code)
{
	rt_drop_set(m, code);
	send_on(worker, m, DP_INJECT_NEXT_DROP);
}

static void
arp_request(struct hold *h, const struct rt_iface *ifc, uint32_t now)
{
	struct rte_mbuf *m = rt_arp_request_make(ifc, h->ip);

	h->tries++;
	h->since = now;
	if (m == NULL)
		return;
	ctl.stats.arp_requests++;
	send_on(next_worker++, m, rt_inject_edge);
}

/* The neighbor's MAC word when it is resolved, else 0. */
static uint64_t
neigh_mac(uint16_t iface, uint32_t ip)
{
	struct rt_neigh_key key = { .iface = iface, .ip = ip };
	struct rt_neigh *nb;
	uint64_t mac;

	if (rte_hash_lookup_data(rt_neigh_hash, &key, (void **)&nb) < 0)
		return 0;
	mac = __atomic_load_n(&nb->mac, __ATOMIC_ACQUIRE);
	return (mac & RT_MAC_VALID) ? mac : 0;
}

/* Rewrite and send the held packets, in order, by one worker. */
static void
release(struct hold *h, const struct rt_iface *out, uint64_t mac)
{
	unsigned int w = next_worker++;

	for (uint16_t i = 0; i < h->n; i++) {
		rt_rewrite(h->m[i], out, mac);
		rt_to_network(h->m[i], out->bd);
		send_on(w, h->m[i], rt_inject_edge);
	}
	ctl.stats.released += h->n;
	h->n = 0;
	hold_clear(h);
}

/* Nobody answered: drop them all; the first one's sender hears of it. */
static void
give_up(struct hold *h)
{
	unsigned int w = next_worker++;
	struct rte_mbuf *c = h->n != 0 ?
		rte_pktmbuf_copy(h->m[0], dp_pool, 0, UINT32_MAX) : NULL;

	if (c != NULL) {
		if (rt_icmp_error(&ctl, c, 3, 1, 0))
			send_on(w, c, rt_inject_edge);
		else
			rte_pktmbuf_free(c);
	}
	for (uint16_t i = 0; i < h->n; i++)
		drop_on(w, h->m[i], RT_DROP_NEIGH_UNRESOLVED);
	h->n = 0;
	hold_clear(h);
}

static struct hold *
hold_find(uint16_t iface, uint32_t ip)
{
	for (unsigned int s = 0; s < HOLD_SLOTS && n_holds != 0; s++)
		if (holds[s].used && holds[s].iface == iface && holds[s].ip == ip)
			return &holds[s];
	return NULL;
}

/* One packet from a worker. */
static void
held_add(struct rte_mbuf *m, uint32_t now)
{
	const struct rt_mbuf *rm = rt_mbuf(m);
	const struct rt_iface *out = rt_ifaces[rm->out_iface];
	struct hold *h = hold_find(rm->out_iface, rm->nh);
	uint64_t mac;

	if (h == NULL) {
		if (out == NULL) {
			drop_on(next_worker++, m, RT_DROP_NEIGH_UNRESOLVED);
			return;
		}
		mac = neigh_mac(out->index, rm->nh);
		if (mac != 0) {
			/* Resolved since the worker looked. */
			rt_rewrite(m, out, mac);
			rt_to_network(m, out->bd);
			send_on(next_worker++, m, rt_inject_edge);
			return;
		}
		for (unsigned int s = 0; s < HOLD_SLOTS && h == NULL; s++)
			if (!holds[s].used)
				h = &holds[s];
		if (h == NULL) {
			drop_on(next_worker++, m, RT_DROP_HOLD_QUEUE_FULL);
			return;
		}
		h->used = true;
		h->iface = rm->out_iface;
		h->ip = rm->nh;
		h->tries = 0;
		h->n = 0;
		n_holds++;
		arp_request(h, out, now);
	}
	if (h->n == RT_HOLD_PKTS) {
		drop_on(next_worker++, m, RT_DROP_HOLD_QUEUE_FULL);
		return;
	}
	h->m[h->n++] = m;
	ctl.stats.held++;
}

void
rt_hold_tick(void)
{
	uint32_t now = dp_clock_now();
	struct rte_mbuf *ms[HELD_BURST];
	unsigned int k;

	if (rt_held_ring == NULL)
		return;
	while ((k = rte_ring_sc_dequeue_burst(rt_held_ring, (void **)ms,
					      HELD_BURST, NULL)) != 0)
		for (unsigned int i = 0; i < k; i++)
			held_add(ms[i], now);
	for (unsigned int s = 0; s < HOLD_SLOTS && n_holds != 0; s++) {
		struct hold *h = &holds[s];
		const struct rt_iface *out;
		uint64_t mac;

		if (!h->used)
			continue;
		out = rt_ifaces[h->iface];
		if (out == NULL) {
			give_up(h);
			continue;
		}
		mac = neigh_mac(h->iface, h->ip);
		if (mac != 0)
			release(h, out, mac);
		else if (now - h->since < 1)
			continue;
		else if (h->tries < RT_ARP_RETRIES)
			arp_request(h, out, now);
		else
			give_up(h);
	}
}

void
rt_hold_stats_add(struct rt_stats *out)
{
	out->arp_requests += ctl.stats.arp_requests;
	out->held += ctl.stats.held;
	out->released += ctl.stats.released;
	out->icmp_sent += ctl.stats.icmp_sent;
	out->icmp_suppressed += ctl.stats.icmp_suppressed;
}
