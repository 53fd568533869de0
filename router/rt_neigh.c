/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The neighbor (ARP) table: one lock-free rte_hash over all routers, keyed
 * by (interface, IPv4 address). Workers look it up; only the control thread
 * inserts, updates (one atomic store of the MAC word) and deletes, from the
 * events workers queue on rt_neigh_ring. Deleted entries are freed by the
 * hash's RCU defer queue once no worker can hold them.
 */
#include <errno.h>
#include <stdlib.h>

#include <rte_hash.h>
#include <rte_jhash.h>
#include <rte_ring_elem.h>

#include "rt_priv.h"

#define NEIGH_SIZE (1u << 16)
#define NEIGH_RING_SIZE 4096
#define DRAIN_BURST 64

struct rte_hash *rt_neigh_hash;
struct rte_ring *rt_neigh_ring;
static struct rt_stats ctl_stats;

static void
neigh_release(void *p, void *key_data)
{
	RTE_SET_USED(p);
	free(key_data);
}

int
rt_neigh_init(void)
{
	struct rte_hash_parameters hp = {
		.name = "yard_neigh",
		.entries = NEIGH_SIZE,
		.key_len = sizeof(struct rt_neigh_key),
		.hash_func = rte_jhash,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash_rcu_config rc = {
		.v = dp_rcu,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		.free_key_data_func = neigh_release,
	};

	rt_neigh_hash = rte_hash_create(&hp);
	if (rt_neigh_hash == NULL)
		return -rte_errno ? -rte_errno : -ENOMEM;
	if (rte_hash_rcu_qsbr_add(rt_neigh_hash, &rc) != 0)
		goto fail_hash;
	rt_neigh_ring = rte_ring_create_elem("yard_neigh_ev",
					     sizeof(struct rt_neigh_event),
					     NEIGH_RING_SIZE,
					     (int)rte_socket_id(), RING_F_SC_DEQ);
	if (rt_neigh_ring == NULL)
		goto fail_hash;
	return 0;

fail_hash:
	rte_hash_free(rt_neigh_hash);
	rt_neigh_hash = NULL;
	return -ENOMEM;
}

void
rt_neigh_fini(void)
{
	rte_ring_free(rt_neigh_ring);
	rt_neigh_ring = NULL;
	rte_hash_free(rt_neigh_hash);
	rt_neigh_hash = NULL;
}

static struct rt_router *
iface_router(uint16_t iface)
{
	const struct rt_iface *ifc = rt_ifaces[iface];

	return ifc != NULL ? rt_routers[ifc->router] : NULL;
}

static void
neigh_delete(struct rt_neigh *n)
{
	struct rt_router *r = iface_router(n->key.iface);

	if (rte_hash_del_key(rt_neigh_hash, &n->key) >= 0 && r != NULL)
		r->n_neighs--;
}

static void
neigh_event_apply(const struct rt_neigh_event *ev, uint32_t now)
{
	struct rt_neigh_key key = { .iface = ev->iface, .ip = ev->ip };
	const struct rt_iface *ifc = rt_ifaces[ev->iface];
	uint64_t mac = rt_mac_word(ev->mac);
	struct rt_neigh *n;
	struct rt_router *r;

	/* Only neighbors on the interface's own subnet. */
	if (ifc == NULL || ((ev->ip ^ ifc->ip) & ifc->mask) != 0 ||
	    ev->ip == ifc->ip)
		return;
	if (rte_hash_lookup_data(rt_neigh_hash, &key, (void **)&n) >= 0) {
		if (n->is_static)
			return;
		if (n->mac != mac) {
			__atomic_store_n(&n->mac, mac, __ATOMIC_RELEASE);
			ctl_stats.neigh_updated++;
		}
		n->confirmed = now;
		return;
	}
	if (ev->kind == RT_EV_GRATUITOUS)
		return;
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return;
	n->key = key;
	n->mac = mac;
	n->confirmed = now;
	if (rte_hash_add_key_data(rt_neigh_hash, &n->key, n) < 0) {
		free(n);
		return;
	}
	r = iface_router(ev->iface);
	if (r != NULL)
		r->n_neighs++;
	ctl_stats.neigh_learned++;
}

unsigned int
rt_neigh_drain(void)
{
	struct rt_neigh_event ev[DRAIN_BURST];
	uint32_t now = dp_clock_now();
	unsigned int total = 0, n;

	if (rt_neigh_ring == NULL)
		return 0;
	do {
		n = rte_ring_sc_dequeue_burst_elem(rt_neigh_ring, ev, sizeof(ev[0]),
						   DRAIN_BURST, NULL);
		for (unsigned int i = 0; i < n; i++)
			neigh_event_apply(&ev[i], now);
		total += n;
	} while (n == DRAIN_BURST);
	return total;
}

/* Walk the hash, calling fn on each neighbor; fn may delete the entry. */
static void
neigh_iter(void (*fn)(struct rt_neigh *n, void *arg), void *arg)
{
	const void *key;
	void *data;
	uint32_t it = 0;

	if (rt_neigh_hash == NULL)
		return;
	while (rte_hash_iterate(rt_neigh_hash, &key, &data, &it) >= 0)
		fn(data, arg);
}

static void
neigh_age_one(struct rt_neigh *n, void *arg)
{
	unsigned int *aged = arg;
	uint32_t now = dp_clock_now();

	if (!n->is_static && now - n->confirmed >= RT_NEIGH_REACHABLE) {
		neigh_delete(n);
		(*aged)++;
	}
}

unsigned int
rt_neigh_age(void)
{
	unsigned int aged = 0;

	neigh_iter(neigh_age_one, &aged);
	ctl_stats.neigh_aged += aged;
	return aged;
}

static void
neigh_flush_one(struct rt_neigh *n, void *arg)
{
	if (n->key.iface == *(const uint16_t *)arg)
		neigh_delete(n);
}

void
rt_neigh_iface_flush(uint16_t iface)
{
	neigh_iter(neigh_flush_one, &iface);
}

struct walk_ctx {
	int router;
	int (*fn)(const struct rt_neigh_row *row, void *arg);
	void *arg;
	bool stop;
};

static void
neigh_walk_one(struct rt_neigh *n, void *arg)
{
	struct walk_ctx *w = arg;
	const struct rt_iface *ifc = rt_ifaces[n->key.iface];
	struct rt_neigh_row row;

	if (w->stop || ifc == NULL || (w->router >= 0 && ifc->router != w->router))
		return;
	memset(&row, 0, sizeof(row));
	snprintf(row.router, sizeof(row.router), "%s",
		 rt_routers[ifc->router] ? rt_routers[ifc->router]->name : "?");
	snprintf(row.network, sizeof(row.network), "%s", ifc->network);
	row.ip = n->key.ip;
	rt_mac_unword(n->mac, row.mac.addr_bytes);
	row.age = dp_clock_now() - n->confirmed;
	w->stop = w->fn(&row, w->arg) != 0;
}

void
rt_neigh_walk(int index, int (*fn)(const struct rt_neigh_row *row, void *arg),
	      void *arg)
{
	struct walk_ctx w = { .router = index, .fn = fn, .arg = arg };

	neigh_iter(neigh_walk_one, &w);
}

void
rt_stats_get(struct rt_stats *out)
{
	*out = ctl_stats;
	rt_hold_stats_add(out);
	for (unsigned int w = 0; w < dp_n_workers; w++) {
		const struct rt_stats *s = &rt_workers[w].stats;

		out->neigh_queue_full += s->neigh_queue_full;
		out->arp_requests += s->arp_requests;
		out->held += s->held;
		out->released += s->released;
		out->icmp_sent += s->icmp_sent;
		out->icmp_suppressed += s->icmp_suppressed;
	}
}
