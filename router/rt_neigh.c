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
#include "topology.h"

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
	row.is_static = n->is_static;
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

/* ---- Static neighbors ---- */

/* The interface of router `index` whose subnet holds `ip`, or NULL. */
static const struct rt_iface *
iface_on_link(unsigned int index, uint32_t ip)
{
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++) {
		const struct rt_iface *ifc = rt_ifaces[i];

		if (ifc != NULL && ifc->router == index && ip != ifc->ip &&
		    ((ip ^ ifc->ip) & ifc->mask) == 0)
			return ifc;
	}
	return NULL;
}

int
rt_neigh_static_add(unsigned int index, uint32_t ip,
		    const struct rte_ether_addr *mac, char *why, size_t len)
{
	const struct rt_iface *ifc;
	struct rt_neigh_key key = { .ip = ip };
	struct rt_neigh *n;
	char buf[16];

	if (index >= RT_ROUTERS_MAX || rt_routers[index] == NULL) {
		snprintf(why, len, "no such router");
		return -ENOENT;
	}
	ifc = iface_on_link(index, ip);
	if (ifc == NULL || rte_is_multicast_ether_addr(mac) ||
	    rte_is_zero_ether_addr(mac)) {
		uint32_t a = rte_be_to_cpu_32(ip);

		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", a >> 24,
			 (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
		snprintf(why, len, ifc == NULL ?
			 "%s is on none of router '%s''s interface subnets" :
			 "neighbor %s of router '%s': the MAC must be unicast",
			 buf, rt_routers[index]->name);
		return -EINVAL;
	}
	key.iface = ifc->index;
	if (rte_hash_lookup_data(rt_neigh_hash, &key, (void **)&n) >= 0) {
		__atomic_store_n(&n->mac, rt_mac_word(mac->addr_bytes),
				 __ATOMIC_RELEASE);
		n->is_static = true;
		n->confirmed = dp_clock_now();
		return 0;
	}
	n = calloc(1, sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	n->key = key;
	n->mac = rt_mac_word(mac->addr_bytes);
	n->is_static = true;
	n->confirmed = dp_clock_now();
	if (rte_hash_add_key_data(rt_neigh_hash, &n->key, n) < 0) {
		free(n);
		snprintf(why, len, "the neighbor table is full");
		return -ENOSPC;
	}
	rt_routers[index]->n_neighs++;
	return 0;
}

int
rt_neigh_del(unsigned int index, uint32_t ip)
{
	const struct rt_iface *ifc;
	struct rt_neigh_key key = { .ip = ip };
	struct rt_neigh *n;

	if (index >= RT_ROUTERS_MAX || rt_routers[index] == NULL)
		return -ENOENT;
	ifc = iface_on_link(index, ip);
	if (ifc == NULL)
		return -ENOENT;
	key.iface = ifc->index;
	if (rte_hash_lookup_data(rt_neigh_hash, &key, (void **)&n) < 0)
		return -ENOENT;
	neigh_delete(n);
	return 0;
}

struct flush_ctx {
	int router;
	bool statics;
	unsigned int n;
};

static void
neigh_flush_router_one(struct rt_neigh *n, void *arg)
{
	struct flush_ctx *f = arg;
	const struct rt_iface *ifc = rt_ifaces[n->key.iface];

	if ((n->is_static && !f->statics) || ifc == NULL ||
	    (f->router >= 0 && ifc->router != f->router))
		return;
	neigh_delete(n);
	f->n++;
}

unsigned int
rt_neigh_flush(int index, bool statics)
{
	struct flush_ctx f = { .router = index, .statics = statics };

	neigh_iter(neigh_flush_router_one, &f);
	return f.n;
}

struct static_ctx {
	int router;
	const struct topo_neighbor *keep;
	unsigned int n_keep;
};

static void
neigh_unwanted_one(struct rt_neigh *n, void *arg)
{
	const struct static_ctx *s = arg;
	const struct rt_iface *ifc = rt_ifaces[n->key.iface];

	if (!n->is_static || ifc == NULL || ifc->router != s->router)
		return;
	for (unsigned int i = 0; i < s->n_keep; i++)
		if (s->keep[i].address == n->key.ip)
			return;
	neigh_delete(n);
}

int
rt_neigh_static_set(unsigned int index, const struct topo_neighbor *nb,
		    unsigned int n, char *why, size_t len)
{
	struct static_ctx s = { .router = (int)index, .keep = nb, .n_keep = n };

	neigh_iter(neigh_unwanted_one, &s);
	for (unsigned int i = 0; i < n; i++) {
		struct rte_ether_addr mac;
		int ret;

		memcpy(mac.addr_bytes, nb[i].mac, RTE_ETHER_ADDR_LEN);
		ret = rt_neigh_static_add(index, nb[i].address, &mac, why, len);
		if (ret < 0)
			return ret;
	}
	return 0;
}

struct export_ctx {
	int router;
	struct topo_router *r;
	unsigned int cap;
	int ret;
};

static void
neigh_export_one(struct rt_neigh *n, void *arg)
{
	struct export_ctx *e = arg;
	const struct rt_iface *ifc = rt_ifaces[n->key.iface];
	struct topo_neighbor *t;

	if (e->ret < 0 || !n->is_static || ifc == NULL || ifc->router != e->router)
		return;
	if (e->r->n_neighbors == e->cap) {
		unsigned int cap = e->cap != 0 ? 2 * e->cap : 8;

		t = realloc(e->r->neighbors, cap * sizeof(*t));
		if (t == NULL) {
			e->ret = -ENOMEM;
			return;
		}
		e->r->neighbors = t;
		e->cap = cap;
	}
	t = &e->r->neighbors[e->r->n_neighbors++];
	memset(t, 0, sizeof(*t));
	t->address = n->key.ip;
	rt_mac_unword(n->mac, t->mac);
}

int
rt_neigh_static_export(unsigned int index, struct topo_router *r)
{
	struct export_ctx e = { .router = (int)index, .r = r };

	neigh_iter(neigh_export_one, &e);
	if (e.ret == 0)
		topo_router_neighbors_sort(r);
	return e.ret;
}
