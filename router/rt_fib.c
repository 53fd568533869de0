/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Routers (VRFs), their interfaces, next-hop groups and routes. Each router
 * has its own rte_lpm, bound to dp_rcu so that a deleted or replaced rule's
 * tbl8 is only reused once no worker can be reading it. Route changes are
 * made one rule at a time (rte_lpm_add replaces a rule's next hop in
 * place), so a route that does not change keeps forwarding throughout.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_jhash.h>
#include <rte_lpm.h>

#include "rt_priv.h"
#include "topology.h"

struct rt_iface *rt_ifaces[RT_IFACES_MAX];
struct rt_iface *rt_bd_ifaces[SW_NETWORKS_MAX][RT_BD_IFACES];
struct rt_nhg *rt_nhgs[RT_NHG_MAX];
struct rt_router *rt_routers[RT_ROUTERS_MAX];

/*
 * Objects unpublished by the current change, freed together after one
 * grace period at its end (rt_reclaim()).
 */
struct rt_garbage {
	void *obj;
	struct rt_garbage *next;
};
static struct rt_garbage *garbage;
static uint32_t nhg_hi = 1;	/* Group ids in use are below this; 0 is none. */

static void
rt_defer_free(void *obj)
{
	struct rt_garbage *g = malloc(sizeof(*g));

	if (g == NULL) {
		/* No memory to defer: wait now instead. */
		dp_rcu_synchronize();
		free(obj);
		return;
	}
	g->obj = obj;
	g->next = garbage;
	garbage = g;
}

static void
rt_reclaim(void)
{
	struct rt_garbage *g = garbage;

	if (g == NULL)
		return;
	garbage = NULL;
	dp_rcu_synchronize();
	while (g != NULL) {
		struct rt_garbage *next = g->next;

		free(g->obj);
		free(g);
		g = next;
	}
}

/* ---- Next-hop groups ---- */

static bool
nhg_equal(const struct rt_nhg *a, const struct rt_nhg *b)
{
	if (a->kind != b->kind || a->n != b->n)
		return false;
	for (unsigned int i = 0; i < a->n; i++)
		if (a->nh[i].iface != b->nh[i].iface || a->nh[i].gw != b->nh[i].gw)
			return false;
	return true;
}

/*
 * The id of a group equal to `want`, with one more reference; a new group
 * when there is none. Routes mostly share a few groups, so a scan is cheap.
 */
static int
nhg_get(const struct rt_nhg *want, uint32_t *id)
{
	uint32_t free_id = 0;
	struct rt_nhg *g;

	for (uint32_t i = 1; i < nhg_hi; i++) {
		g = rt_nhgs[i];
		if (g == NULL) {
			if (free_id == 0)
				free_id = i;
			continue;
		}
		if (nhg_equal(g, want)) {
			g->refs++;
			*id = i;
			return 0;
		}
	}
	if (free_id == 0) {
		if (nhg_hi >= RT_NHG_MAX)
			return -ENOSPC;
		free_id = nhg_hi++;
	}
	g = malloc(sizeof(*g));
	if (g == NULL)
		return -ENOMEM;
	*g = *want;
	g->id = free_id;
	g->refs = 1;
	__atomic_store_n(&rt_nhgs[free_id], g, __ATOMIC_RELEASE);
	*id = free_id;
	return 0;
}

static void
nhg_put(uint32_t id)
{
	struct rt_nhg *g = rt_nhgs[id];

	if (g == NULL || --g->refs != 0)
		return;
	__atomic_store_n(&rt_nhgs[id], NULL, __ATOMIC_RELEASE);
	rt_defer_free(g);
}

/* ---- Rules ---- */

/*
 * Point rule prefix/plen (host order) at a group equal to `want`: a new rule
 * or a new next hop for an existing one, one rule at a time.
 */
static int
rule_add(struct rt_router *r, uint32_t prefix, uint8_t plen,
	 const struct rt_nhg *want, bool is_static)
{
	const struct rt_rule *s = rt_rule_find(r, prefix, plen);
	uint32_t id, old = s != NULL ? s->nh : 0;
	int ret;

	ret = nhg_get(want, &id);
	if (ret < 0)
		return ret;
	ret = rt_lpm_set(r, prefix, plen, id, is_static);
	if (ret < 0) {
		nhg_put(id);
		return ret;
	}
	if (plen == 0)
		__atomic_store_n(&r->dflt, id | RTE_LPM_LOOKUP_SUCCESS,
				 __ATOMIC_RELEASE);
	if (old != 0)
		nhg_put(old);
	return 0;
}

static void
rule_del(struct rt_router *r, uint32_t prefix, uint8_t plen)
{
	struct rt_rule *s = rt_rule_find(r, prefix, plen);
	uint32_t old;

	if (s == NULL)
		return;
	old = s->nh;
	if (plen == 0)
		__atomic_store_n(&r->dflt, 0, __ATOMIC_RELEASE);
	rt_lpm_del(r, s);
	nhg_put(old);
}

/* ---- Interfaces ---- */

static uint32_t
plen_mask(uint8_t plen)
{
	return plen == 0 ? 0 : rte_cpu_to_be_32(~UINT32_C(0) << (32 - plen));
}

void
rt_iface_mac_make(const char *router, const char *network,
		  struct rte_ether_addr *mac)
{
	uint32_t a = rte_jhash(router, strlen(router), 0x5974);
	uint32_t b = rte_jhash(network, strlen(network), a);

	/* Locally administered, unicast: 02:xx:... */
	mac->addr_bytes[0] = 0x02;
	mac->addr_bytes[1] = (uint8_t)(a >> 8);
	mac->addr_bytes[2] = (uint8_t)(b >> 24);
	mac->addr_bytes[3] = (uint8_t)(b >> 16);
	mac->addr_bytes[4] = (uint8_t)(b >> 8);
	mac->addr_bytes[5] = (uint8_t)b;
}

static int
iface_slot(uint16_t bd, const struct rt_iface *ifc)
{
	for (int s = 0; s < RT_BD_IFACES; s++)
		if (rt_bd_ifaces[bd][s] == ifc)
			return s;
	return -ENOENT;
}

static unsigned int
bd_iface_count(uint16_t bd)
{
	unsigned int n = 0;

	for (int s = 0; s < RT_BD_IFACES; s++)
		n += rt_bd_ifaces[bd][s] != NULL;
	return n;
}

static void
iface_del(struct rt_router *r, struct rt_iface *ifc)
{
	int s = iface_slot(ifc->bd, ifc);

	rule_del(r, rte_be_to_cpu_32(ifc->ip), 32);
	if (ifc->plen < 32)
		rule_del(r, rte_be_to_cpu_32(ifc->ip & ifc->mask), ifc->plen);
	sw_mac_owner_del(ifc->bd, &ifc->mac);
	if (s >= 0)
		__atomic_store_n(&rt_bd_ifaces[ifc->bd][s], NULL, __ATOMIC_RELEASE);
	if (bd_iface_count(ifc->bd) == 0)
		sw_flood_listener_del(ifc->bd, rt_flood_edge);
	__atomic_store_n(&rt_ifaces[ifc->index], NULL, __ATOMIC_RELEASE);
	rt_neigh_iface_flush(ifc->index);
	rt_defer_free(ifc);
}

static int
iface_add(struct rt_router *r, const struct topo_router_iface *ti,
	  char *why, size_t len)
{
	struct rt_nhg local = { .kind = RT_NH_LOCAL, .n = 1 };
	struct rt_nhg conn = { .kind = RT_NH_CONNECTED, .n = 1 };
	struct rt_iface *ifc;
	int bd, slot = -1, idx = -1, ret;

	bd = sw_network_find(ti->network);
	if (bd < 0) {
		snprintf(why, len, "router %s: interface on network '%s': no "
			 "such network", r->name, ti->network);
		return -ENOENT;
	}
	for (int s = 0; s < RT_BD_IFACES && slot < 0; s++)
		if (rt_bd_ifaces[bd][s] == NULL)
			slot = s;
	for (int i = 0; i < RT_IFACES_MAX && idx < 0; i++)
		if (rt_ifaces[i] == NULL)
			idx = i;
	if (slot < 0 || idx < 0) {
		snprintf(why, len, "router %s: network '%s': too many router "
			 "interfaces (at most %d per network, %d in all)",
			 r->name, ti->network, RT_BD_IFACES, RT_IFACES_MAX);
		return -ENOSPC;
	}
	ifc = calloc(1, sizeof(*ifc));
	if (ifc == NULL)
		return -ENOMEM;
	ifc->index = (uint16_t)idx;
	ifc->router = r->index;
	ifc->bd = (uint16_t)bd;
	ifc->mtu = RT_MTU_DEFAULT;
	ifc->ip = ti->address.addr;
	ifc->plen = ti->address.plen;
	ifc->mask = plen_mask(ti->address.plen);
	ifc->has_mac = ti->has_mac;
	if (ti->has_mac)
		memcpy(ifc->mac.addr_bytes, ti->mac, RTE_ETHER_ADDR_LEN);
	else
		rt_iface_mac_make(r->name, ti->network, &ifc->mac);
	snprintf(ifc->network, sizeof(ifc->network), "%s", ti->network);

	ret = sw_mac_owner_add((uint16_t)bd, &ifc->mac, rt_owner_edge);
	if (ret < 0) {
		char mac[RTE_ETHER_ADDR_FMT_SIZE];

		rte_ether_format_addr(mac, sizeof(mac), &ifc->mac);
		snprintf(why, len, "router %s: interface MAC %s on network "
			 "'%s': %s", r->name, mac, ti->network,
			 ret == -EEXIST ? "already in use there" : strerror(-ret));
		free(ifc);
		return ret;
	}
	if (bd_iface_count((uint16_t)bd) == 0) {
		ret = sw_flood_listener_add((uint16_t)bd, rt_flood_edge);
		if (ret < 0 && ret != -EEXIST) {
			snprintf(why, len, "router %s: network '%s': cannot listen "
				 "to its floods: %s", r->name, ti->network,
				 strerror(-ret));
			sw_mac_owner_del((uint16_t)bd, &ifc->mac);
			free(ifc);
			return ret;
		}
	}
	__atomic_store_n(&rt_ifaces[idx], ifc, __ATOMIC_RELEASE);
	__atomic_store_n(&rt_bd_ifaces[bd][slot], ifc, __ATOMIC_RELEASE);

	local.nh[0].iface = ifc->index;
	conn.nh[0].iface = ifc->index;
	ret = ifc->plen < 32 ?
		rule_add(r, rte_be_to_cpu_32(ifc->ip & ifc->mask), ifc->plen,
			 &conn, false) : 0;
	if (ret == 0)
		ret = rule_add(r, rte_be_to_cpu_32(ifc->ip), 32, &local, false);
	if (ret < 0) {
		snprintf(why, len, "router %s: connected routes of '%s': %s",
			 r->name, ti->network, strerror(-ret));
		iface_del(r, ifc);
		return ret;
	}
	return 0;
}

static bool
iface_matches(const struct rt_router *r, const struct rt_iface *ifc,
	      const struct topo_router_iface *ti)
{
	struct rte_ether_addr mac;

	if (strcmp(ifc->network, ti->network) != 0 ||
	    ifc->ip != ti->address.addr || ifc->plen != ti->address.plen ||
	    ifc->has_mac != ti->has_mac)
		return false;
	if (ti->has_mac)
		memcpy(mac.addr_bytes, ti->mac, RTE_ETHER_ADDR_LEN);
	else
		rt_iface_mac_make(r->name, ti->network, &mac);
	return rte_is_same_ether_addr(&mac, &ifc->mac);
}

/* ---- Routers ---- */

int
rt_router_find(const char *name)
{
	for (unsigned int i = 0; i < RT_ROUTERS_MAX; i++)
		if (rt_routers[i] != NULL && strcmp(rt_routers[i]->name, name) == 0)
			return (int)i;
	return -ENOENT;
}

static struct rt_router *
router_create(const char *name, char *why, size_t len)
{
	char lpm_name[RTE_LPM_NAMESIZE];
	struct rt_router *r;
	int idx = -1;

	for (int i = 0; i < RT_ROUTERS_MAX && idx < 0; i++)
		if (rt_routers[i] == NULL)
			idx = i;
	if (idx < 0) {
		snprintf(why, len, "router %s: too many routers (at most %d)",
			 name, RT_ROUTERS_MAX);
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return NULL;
	r->index = (uint16_t)idx;
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(lpm_name, sizeof(lpm_name), "yard_rt_%d", idx);
	if (rt_lpm_create(r, lpm_name) < 0) {
		snprintf(why, len, "router %s: cannot create its FIB: %s", name,
			 rte_strerror(rte_errno));
		free(r);
		return NULL;
	}
	__atomic_store_n(&rt_routers[idx], r, __ATOMIC_RELEASE);
	return r;
}

static struct rt_iface *
router_iface_on(const struct rt_router *r, uint32_t ip)
{
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++) {
		struct rt_iface *ifc = rt_ifaces[i];

		if (ifc != NULL && ifc->router == r->index &&
		    ((ip ^ ifc->ip) & ifc->mask) == 0)
			return ifc;
	}
	return NULL;
}

/* Static rule `s` as a topology route. */
static void
rule_route(const struct rt_rule *s, struct topo_route *tr)
{
	const struct rt_nhg *g = rt_nhgs[s->nh];

	memset(tr, 0, sizeof(*tr));
	tr->prefix.addr = rte_cpu_to_be_32(s->prefix);
	tr->prefix.plen = s->depth;
	for (unsigned int v = 0; g != NULL && v < g->n; v++)
		tr->via[v] = g->nh[v].gw;
	tr->n_via = g != NULL ? g->n : 0;
}

static uint64_t
rule_digest(const struct rt_rule *s)
{
	struct topo_route tr;

	rule_route(s, &tr);
	return topo_route_digest(&tr);
}

static void
prefix_format(char *buf, size_t len, uint32_t prefix, uint8_t plen)
{
	snprintf(buf, len, "%u.%u.%u.%u/%u", prefix >> 24, (prefix >> 16) & 0xff,
		 (prefix >> 8) & 0xff, prefix & 0xff, plen);
}

static int
route_set(struct rt_router *r, const struct topo_route *tr, char *why,
	  size_t len)
{
	struct rt_nhg want = { .kind = RT_NH_VIA, .n = (uint8_t)tr->n_via };
	uint32_t prefix = rte_be_to_cpu_32(tr->prefix.addr);
	uint8_t plen = tr->prefix.plen;
	const struct rt_rule *s;
	char pfx[24];
	uint64_t old = 0;
	int ret;

	prefix_format(pfx, sizeof(pfx), prefix, plen);
	if (tr->n_via == 0 || tr->n_via > RT_ECMP_MAX) {
		snprintf(why, len, "router %s: route %s: want 1 to %d next hops",
			 r->name, pfx, RT_ECMP_MAX);
		return -EINVAL;
	}
	for (unsigned int v = 0; v < tr->n_via; v++) {
		const struct rt_iface *ifc = router_iface_on(r, tr->via[v]);
		uint32_t gw = rte_be_to_cpu_32(tr->via[v]);

		if (ifc == NULL) {
			snprintf(why, len, "router %s: route %s: next hop "
				 "%u.%u.%u.%u is on none of its networks",
				 r->name, pfx, gw >> 24, (gw >> 16) & 0xff,
				 (gw >> 8) & 0xff, gw & 0xff);
			return -EINVAL;
		}
		want.nh[v].iface = ifc->index;
		want.nh[v].gw = tr->via[v];
	}
	s = rt_rule_find(r, prefix, plen);
	if (s != NULL && !s->is_static) {
		/* A connected or local rule of that prefix is not replaced. */
		snprintf(why, len, "router %s: route %s: the prefix is connected",
			 r->name, pfx);
		return -EINVAL;
	}
	if (s != NULL) {
		const struct rt_nhg *cur = rt_nhgs[s->nh];

		if (cur != NULL && nhg_equal(cur, &want))
			return 0;
		old = rule_digest(s);
	}
	ret = rule_add(r, prefix, plen, &want, true);
	if (ret < 0) {
		snprintf(why, len, "router %s: route %s: %s", r->name, pfx,
			 ret == -ENOSPC ? "the FIB is full" : strerror(-ret));
		return ret;
	}
	if (s == NULL)
		r->n_routes++;
	r->digest += topo_route_digest(tr) - old;
	return 0;
}

static int
route_remove(struct rt_router *r, uint32_t prefix, uint8_t plen)
{
	const struct rt_rule *s = rt_rule_find(r, prefix, plen);

	if (s == NULL || !s->is_static)
		return -ENOENT;
	r->digest -= rule_digest(s);
	r->n_routes--;
	rule_del(r, prefix, plen);
	return 0;
}

/*
 * Remove the static rules for which `drop` says so; collected first, since
 * removing moves rules within the hash.
 */
static int
routes_remove_if(struct rt_router *r,
		 bool (*drop)(const struct rt_router *r, const struct rt_rule *s))
{
	const struct rt_rules *rs = &r->rules;
	struct rt_rule *gone = NULL;
	unsigned int n = 0, cap = 0;

	for (uint32_t i = 0; i <= rs->mask; i++) {
		const struct rt_rule *s = &rs->slot[i];

		if (!s->used || !s->is_static || !drop(r, s))
			continue;
		if (n == cap) {
			struct rt_rule *a;

			cap = cap ? 2 * cap : 64;
			a = realloc(gone, cap * sizeof(*a));
			if (a == NULL) {
				free(gone);
				return -ENOMEM;
			}
			gone = a;
		}
		gone[n++] = *s;
	}
	for (unsigned int i = 0; i < n; i++)
		route_remove(r, gone[i].prefix, gone[i].depth);
	free(gone);
	return 0;
}

/* A route whose next hops left with an interface would point nowhere. */
static bool
route_stranded(const struct rt_router *r, const struct rt_rule *s)
{
	const struct rt_nhg *g = rt_nhgs[s->nh];

	for (unsigned int v = 0; g != NULL && v < g->n; v++) {
		const struct rt_iface *ifc = rt_ifaces[g->nh[v].iface];

		if (ifc == NULL || ifc->router != r->index)
			return true;
	}
	return g == NULL;
}

/* rt_router_set(): a route the topology no longer has, or stranded. */
static bool
route_unwanted(const struct rt_router *r, const struct rt_rule *s)
{
	return !s->mark || route_stranded(r, s);
}

static int
router_apply(struct rt_router *r, const struct topo_router *t, bool routes,
	     char *why, size_t len)
{
	bool iface_gone = false;
	int ret;

	/* Interfaces that went away or changed; the rest are kept as they are. */
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++) {
		struct rt_iface *ifc = rt_ifaces[i];
		bool keep = false;

		if (ifc == NULL || ifc->router != r->index)
			continue;
		for (unsigned int k = 0; k < t->n_ifaces && !keep; k++)
			keep = iface_matches(r, ifc, &t->ifaces[k]);
		if (!keep) {
			iface_del(r, ifc);
			iface_gone = true;
		}
	}
	for (unsigned int k = 0; k < t->n_ifaces; k++) {
		bool have = false;

		for (unsigned int i = 0; i < RT_IFACES_MAX && !have; i++)
			have = rt_ifaces[i] != NULL &&
			       rt_ifaces[i]->router == r->index &&
			       iface_matches(r, rt_ifaces[i], &t->ifaces[k]);
		if (have)
			continue;
		ret = iface_add(r, &t->ifaces[k], why, len);
		if (ret < 0)
			return ret;
	}
	if (!routes)
		return iface_gone ? routes_remove_if(r, route_stranded) : 0;
	/* Routes that went away: unmarked once the wanted ones are marked. */
	for (uint32_t i = 0; i <= r->rules.mask; i++)
		r->rules.slot[i].mark = false;
	for (unsigned int k = 0; k < t->n_routes; k++) {
		struct rt_rule *s = rt_rule_find(r,
			rte_be_to_cpu_32(t->routes[k].prefix.addr),
			t->routes[k].prefix.plen);

		if (s != NULL)
			s->mark = true;
	}
	ret = routes_remove_if(r, route_unwanted);
	for (unsigned int k = 0; k < t->n_routes && ret == 0; k++)
		ret = route_set(r, &t->routes[k], why, len);
	return ret;
}

/* The end of every change: one grace period, then free what it retired. */
static void
rt_change_end(void)
{
	bool dead = false;

	for (unsigned int i = 0; i < RT_ROUTERS_MAX; i++)
		dead |= rt_routers[i] != NULL && rt_routers[i]->rules.n_dead > 0;
	if (garbage == NULL && !dead)
		return;
	if (garbage == NULL)
		dp_rcu_synchronize();
	rt_reclaim();
	for (unsigned int i = 0; i < RT_ROUTERS_MAX; i++)
		if (rt_routers[i] != NULL)
			rt_lpm_reclaim(rt_routers[i]);
}

static int
router_set(const struct topo_router *t, bool routes, char *why, size_t len)
{
	struct rt_router *r;
	int idx, ret;

	idx = rt_router_find(t->name);
	if (idx >= 0) {
		r = rt_routers[idx];
	} else {
		r = router_create(t->name, why, len);
		if (r == NULL)
			return -ENOSPC;
	}
	ret = router_apply(r, t, routes, why, len);
	if (ret == 0)
		ret = rt_neigh_static_set(r->index, t->neighbors,
					  t->n_neighbors, why, len);
	rt_change_end();
	return ret;
}

int
rt_router_set(const struct topo_router *t, char *why, size_t len)
{
	return router_set(t, true, why, len);
}

int
rt_router_set_ifaces(const struct topo_router *t, char *why, size_t len)
{
	return router_set(t, false, why, len);
}

int
rt_routes_add(const char *name, const struct topo_route *rts, unsigned int n,
	      unsigned int *done, char *why, size_t len)
{
	int idx = rt_router_find(name), ret = 0;
	unsigned int i;

	if (idx < 0) {
		snprintf(why, len, "no router called '%s'", name);
		return -ENOENT;
	}
	for (i = 0; i < n && ret == 0; i++)
		ret = route_set(rt_routers[idx], &rts[i], why, len);
	if (done != NULL)
		*done = ret == 0 ? n : i - 1;
	rt_change_end();
	return ret;
}

int
rt_route_add(const char *name, const struct topo_route *rt, char *why,
	     size_t len)
{
	return rt_routes_add(name, rt, 1, NULL, why, len);
}

int
rt_routes_del(const char *name, const struct topo_prefix *pfx, unsigned int n,
	      unsigned int *done)
{
	int idx = rt_router_find(name), ret = 0;
	unsigned int i;

	if (idx < 0)
		return -ENOENT;
	for (i = 0; i < n && ret == 0; i++)
		ret = route_remove(rt_routers[idx], rte_be_to_cpu_32(pfx[i].addr),
				   pfx[i].plen);
	if (done != NULL)
		*done = ret == 0 ? n : i - 1;
	rt_change_end();
	return ret;
}

int
rt_route_del(const char *name, uint32_t prefix, uint8_t plen)
{
	struct topo_prefix p = { .addr = prefix, .plen = plen };

	return rt_routes_del(name, &p, 1, NULL);
}

static bool
route_any(const struct rt_router *r, const struct rt_rule *s)
{
	(void)r;
	(void)s;
	return true;
}

int
rt_router_del(const char *name)
{
	struct rt_router *r;
	int idx = rt_router_find(name);

	if (idx < 0)
		return -ENOENT;
	r = rt_routers[idx];
	/* Unpublish first: then nothing reads the FIB that is torn down. */
	__atomic_store_n(&rt_routers[idx], NULL, __ATOMIC_RELEASE);
	routes_remove_if(r, route_any);
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++)
		if (rt_ifaces[i] != NULL && rt_ifaces[i]->router == r->index)
			iface_del(r, rt_ifaces[i]);
	dp_rcu_synchronize();
	rt_reclaim();
	rt_lpm_destroy(r);
	free(r);
	return 0;
}

int
rt_router_get(unsigned int index, struct rt_router_info *info)
{
	const struct rt_router *r;

	if (index >= RT_ROUTERS_MAX || (r = rt_routers[index]) == NULL)
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	snprintf(info->name, sizeof(info->name), "%s", r->name);
	info->index = index;
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++)
		info->n_ifaces += rt_ifaces[i] != NULL &&
				  rt_ifaces[i]->router == index;
	info->n_routes = r->n_routes;
	info->n_rules = r->rules.n;
	info->n_neighs = r->n_neighs;
	info->digest = r->digest;
	info->memory = rt_lpm_memory(r);
	info->tbl8_groups = r->rules.tbl8_hi - r->rules.n_free - r->rules.n_dead;
	info->tbl8_cap = r->rules.tbl8_cap;
	return 0;
}

static int
route_cmp(const void *a, const void *b)
{
	const struct topo_route *x = a, *y = b;
	uint32_t p = rte_be_to_cpu_32(x->prefix.addr);
	uint32_t q = rte_be_to_cpu_32(y->prefix.addr);

	if (p != q)
		return p < q ? -1 : 1;
	return (int)x->prefix.plen - (int)y->prefix.plen;
}

int
rt_router_routes(unsigned int index, struct topo_route **out, unsigned int *n)
{
	const struct rt_router *r;
	struct topo_route *a;
	unsigned int k = 0;

	if (index >= RT_ROUTERS_MAX || (r = rt_routers[index]) == NULL)
		return -ENOENT;
	a = calloc(r->n_routes ? r->n_routes : 1, sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i <= r->rules.mask && k < r->n_routes; i++)
		if (r->rules.slot[i].used && r->rules.slot[i].is_static)
			rule_route(&r->rules.slot[i], &a[k++]);
	qsort(a, k, sizeof(*a), route_cmp);
	*out = a;
	*n = k;
	return 0;
}

int
rt_router_export(unsigned int index, struct topo_router *t, bool routes)
{
	const struct rt_router *r;
	unsigned int n = 0;

	if (index >= RT_ROUTERS_MAX || (r = rt_routers[index]) == NULL)
		return -ENOENT;
	snprintf(t->name, sizeof(t->name), "%s", r->name);
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++)
		n += rt_ifaces[i] != NULL && rt_ifaces[i]->router == index;
	t->ifaces = calloc(n ? n : 1, sizeof(*t->ifaces));
	if (t->ifaces == NULL)
		return -ENOMEM;
	n = 0;
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++) {
		const struct rt_iface *ifc = rt_ifaces[i];
		struct topo_router_iface *ti = &t->ifaces[n];

		if (ifc == NULL || ifc->router != index)
			continue;
		snprintf(ti->network, sizeof(ti->network), "%s", ifc->network);
		ti->address.addr = ifc->ip;
		ti->address.plen = ifc->plen;
		ti->has_mac = ifc->has_mac;
		memcpy(ti->mac, ifc->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
		n++;
	}
	t->n_ifaces = n;
	return routes ? rt_router_routes(index, &t->routes, &t->n_routes) : 0;
}

int
rt_route_lookup(unsigned int index, uint32_t ip, struct rt_route_hit *hit)
{
	const struct rt_router *r;
	const struct rt_iface *ifc;
	const struct rt_nhg *g;
	struct rte_lpm_tbl_entry e;
	uint32_t id, host = rte_be_to_cpu_32(ip), w;
	uint8_t plen = 0;

	if (index >= RT_ROUTERS_MAX || (r = rt_routers[index]) == NULL)
		return -ENOENT;
	/* The tables workers read, as ip4-lookup reads them. */
	e = r->lpm->tbl24[host >> 8];
	if (e.valid && e.valid_group)
		e = r->lpm->tbl8[(size_t)e.next_hop * RTE_LPM_TBL8_GROUP_NUM_ENTRIES +
				 (host & 0xff)];
	if (e.valid) {
		id = e.next_hop;
		plen = (uint8_t)e.depth;
	} else {
		w = r->dflt;
		if (!(w & RTE_LPM_LOOKUP_SUCCESS))
			return -ENETUNREACH;
		id = w & 0x00ffffff;
	}
	g = rt_nhgs[id];
	if (g == NULL)
		return -ENETUNREACH;
	memset(hit, 0, sizeof(*hit));
	hit->prefix = rte_cpu_to_be_32(plen == 0 ? 0 :
				       host & (~UINT32_C(0) << (32 - plen)));
	hit->plen = plen;
	hit->local = g->kind == RT_NH_LOCAL;
	hit->connected = g->kind == RT_NH_CONNECTED;
	hit->n_via = g->n;
	for (unsigned int i = 0; i < g->n; i++) {
		ifc = rt_ifaces[g->nh[i].iface];
		hit->via[i] = g->kind == RT_NH_VIA ? g->nh[i].gw : ip;
		if (ifc != NULL)
			snprintf(hit->network[i], sizeof(hit->network[i]), "%s",
				 ifc->network);
		hit->iface[i] = g->nh[i].iface;
	}
	return 0;
}

uint32_t
rt_route_member(const struct rt_route_hit *hit, uint32_t src, uint32_t dst,
		uint8_t proto, uint16_t sport, uint16_t dport)
{
	if (hit->n_via <= 1)
		return 0;
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		sport = dport = 0;
	return rt_flow_hash(src, dst, proto, sport, dport) % hit->n_via;
}

void
rt_fib_fini(void)
{
	for (unsigned int i = 0; i < RT_ROUTERS_MAX; i++)
		if (rt_routers[i] != NULL)
			rt_router_del(rt_routers[i]->name);
	rt_reclaim();
}
