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

/* Rules and tbl8 groups of one router's LPM (about 76 MB with tbl24). */
#define RT_LPM_RULES (1u << 20)
#define RT_LPM_TBL8S (1u << 12)

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

/* ---- LPM rules ---- */

static int
rule_add(struct rt_router *r, uint32_t prefix_be, uint8_t plen,
	 const struct rt_nhg *want, uint32_t *nhg_out)
{
	uint32_t id, old;
	bool had;
	int ret;

	ret = nhg_get(want, &id);
	if (ret < 0)
		return ret;
	if (plen == 0) {
		old = r->dflt;
		__atomic_store_n(&r->dflt, id | RTE_LPM_LOOKUP_SUCCESS,
				 __ATOMIC_RELEASE);
		if (old != 0)
			nhg_put(old & 0x00ffffff);
		if (nhg_out != NULL)
			*nhg_out = id;
		return 0;
	}
	had = rte_lpm_is_rule_present(r->lpm, rte_be_to_cpu_32(prefix_be),
				      plen, &old) == 1;
	ret = rte_lpm_add(r->lpm, rte_be_to_cpu_32(prefix_be), plen, id);
	if (ret < 0) {
		nhg_put(id);
		return ret;
	}
	if (had)
		nhg_put(old);
	if (nhg_out != NULL)
		*nhg_out = id;
	return 0;
}

static void
rule_del(struct rt_router *r, uint32_t prefix_be, uint8_t plen)
{
	uint32_t old;

	if (plen == 0) {
		old = r->dflt;
		__atomic_store_n(&r->dflt, 0, __ATOMIC_RELEASE);
		if (old != 0)
			nhg_put(old & 0x00ffffff);
		return;
	}
	if (rte_lpm_is_rule_present(r->lpm, rte_be_to_cpu_32(prefix_be), plen,
				    &old) != 1)
		return;
	rte_lpm_delete(r->lpm, rte_be_to_cpu_32(prefix_be), plen);
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

	rule_del(r, ifc->ip, 32);
	if (ifc->plen < 32)
		rule_del(r, ifc->ip & ifc->mask, ifc->plen);
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
		rule_add(r, ifc->ip & ifc->mask, ifc->plen, &conn, NULL) : 0;
	if (ret == 0)
		ret = rule_add(r, ifc->ip, 32, &local, NULL);
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
	struct rte_lpm_config cfg = {
		.max_rules = RT_LPM_RULES,
		.number_tbl8s = RT_LPM_TBL8S,
	};
	struct rte_lpm_rcu_config rc = {
		.v = dp_rcu,
		.mode = RTE_LPM_QSBR_MODE_DQ,
	};
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
	r->lpm = rte_lpm_create(lpm_name, (int)rte_socket_id(), &cfg);
	if (r->lpm == NULL) {
		snprintf(why, len, "router %s: cannot create its FIB: %s", name,
			 rte_strerror(rte_errno));
		free(r);
		return NULL;
	}
	if (rte_lpm_rcu_qsbr_add(r->lpm, &rc) != 0) {
		snprintf(why, len, "router %s: cannot bind its FIB to RCU: %s",
			 name, rte_strerror(rte_errno));
		rte_lpm_free(r->lpm);
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

static int
route_find(const struct rt_router *r, uint32_t prefix, uint8_t plen)
{
	for (unsigned int i = 0; i < r->n_routes; i++)
		if (r->routes[i].prefix == prefix && r->routes[i].plen == plen)
			return (int)i;
	return -ENOENT;
}

static bool
route_wanted(const struct rt_route *rt, const struct topo_router *t)
{
	for (unsigned int i = 0; i < t->n_routes; i++)
		if (t->routes[i].prefix.addr == rte_cpu_to_be_32(rt->prefix) &&
		    t->routes[i].prefix.plen == rt->plen)
			return true;
	return false;
}

static int
route_set(struct rt_router *r, const struct topo_route *tr, char *why,
	  size_t len)
{
	struct rt_nhg want = { .kind = RT_NH_VIA, .n = (uint8_t)tr->n_via };
	char pfx[INET_ADDRSTRLEN];
	uint32_t prefix = rte_be_to_cpu_32(tr->prefix.addr);
	uint32_t id;
	int i, ret;

	snprintf(pfx, sizeof(pfx), "%u.%u.%u.%u", prefix >> 24,
		 (prefix >> 16) & 0xff, (prefix >> 8) & 0xff, prefix & 0xff);
	for (unsigned int v = 0; v < tr->n_via && v < RT_ECMP_MAX; v++) {
		const struct rt_iface *ifc = router_iface_on(r, tr->via[v]);
		uint32_t gw = rte_be_to_cpu_32(tr->via[v]);

		if (ifc == NULL) {
			snprintf(why, len, "router %s: route %s/%u: next hop "
				 "%u.%u.%u.%u is on none of its networks",
				 r->name, pfx, tr->prefix.plen, gw >> 24,
				 (gw >> 16) & 0xff, (gw >> 8) & 0xff, gw & 0xff);
			return -EINVAL;
		}
		want.nh[v].iface = ifc->index;
		want.nh[v].gw = tr->via[v];
	}
	i = route_find(r, prefix, tr->prefix.plen);
	if (i < 0) {
		uint32_t old;

		/* A connected or local rule of that prefix is not replaced. */
		if (tr->prefix.plen != 0 &&
		    rte_lpm_is_rule_present(r->lpm, prefix, tr->prefix.plen,
					    &old) == 1) {
			snprintf(why, len, "router %s: route %s/%u: the prefix "
				 "is connected", r->name, pfx, tr->prefix.plen);
			return -EINVAL;
		}
	} else {
		const struct rt_nhg *cur = rt_nhgs[r->routes[i].nhg];

		if (cur != NULL && nhg_equal(cur, &want))
			return 0;
	}
	if (i < 0 && r->n_routes == r->cap_routes) {
		unsigned int cap = r->cap_routes ? 2 * r->cap_routes : 16;
		struct rt_route *a = realloc(r->routes, cap * sizeof(*a));

		if (a == NULL)
			return -ENOMEM;
		r->routes = a;
		r->cap_routes = cap;
	}
	ret = rule_add(r, tr->prefix.addr, tr->prefix.plen, &want, &id);
	if (ret < 0) {
		snprintf(why, len, "router %s: route %s/%u: %s", r->name, pfx,
			 tr->prefix.plen, ret == -ENOSPC ? "the FIB is full" :
			 strerror(-ret));
		return ret;
	}
	if (i < 0) {
		i = (int)r->n_routes++;
		r->routes[i].prefix = prefix;
		r->routes[i].plen = tr->prefix.plen;
	}
	r->routes[i].nhg = id;
	return 0;
}

static void
route_remove(struct rt_router *r, unsigned int i)
{
	rule_del(r, rte_cpu_to_be_32(r->routes[i].prefix), r->routes[i].plen);
	r->routes[i] = r->routes[--r->n_routes];
}

static int
router_apply(struct rt_router *r, const struct topo_router *t, char *why,
	     size_t len)
{
	int ret;

	/* Interfaces that went away or changed; the rest are kept as they are. */
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++) {
		struct rt_iface *ifc = rt_ifaces[i];
		bool keep = false;

		if (ifc == NULL || ifc->router != r->index)
			continue;
		for (unsigned int k = 0; k < t->n_ifaces && !keep; k++)
			keep = iface_matches(r, ifc, &t->ifaces[k]);
		if (!keep)
			iface_del(r, ifc);
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
	for (unsigned int i = 0; i < r->n_routes;) {
		if (route_wanted(&r->routes[i], t))
			i++;
		else
			route_remove(r, i);
	}
	for (unsigned int k = 0; k < t->n_routes; k++) {
		ret = route_set(r, &t->routes[k], why, len);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int
rt_router_set(const struct topo_router *t, char *why, size_t len)
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
	ret = router_apply(r, t, why, len);
	if (ret == 0)
		ret = rt_neigh_static_set(r->index, t->neighbors,
					  t->n_neighbors, why, len);
	rt_reclaim();
	return ret;
}

int
rt_route_add(const char *name, const struct topo_route *rt, char *why,
	     size_t len)
{
	int idx = rt_router_find(name), ret;

	if (idx < 0) {
		snprintf(why, len, "no router called '%s'", name);
		return -ENOENT;
	}
	ret = route_set(rt_routers[idx], rt, why, len);
	rt_reclaim();
	return ret;
}

int
rt_route_del(const char *name, uint32_t prefix, uint8_t plen)
{
	struct rt_router *r;
	int idx = rt_router_find(name), i;

	if (idx < 0)
		return -ENOENT;
	r = rt_routers[idx];
	i = route_find(r, rte_be_to_cpu_32(prefix), plen);
	if (i < 0)
		return -ENOENT;
	route_remove(r, (unsigned int)i);
	rt_reclaim();
	return 0;
}

int
rt_router_del(const char *name)
{
	struct rt_router *r;
	int idx = rt_router_find(name);

	if (idx < 0)
		return -ENOENT;
	r = rt_routers[idx];
	while (r->n_routes != 0)
		route_remove(r, r->n_routes - 1);
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++)
		if (rt_ifaces[i] != NULL && rt_ifaces[i]->router == r->index)
			iface_del(r, rt_ifaces[i]);
	__atomic_store_n(&rt_routers[idx], NULL, __ATOMIC_RELEASE);
	rt_reclaim();
	rte_lpm_free(r->lpm);
	free(r->routes);
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
	info->n_neighs = r->n_neighs;
	info->memory = sizeof(struct rte_lpm) +
		       (size_t)RTE_LPM_TBL24_NUM_ENTRIES * sizeof(uint32_t) +
		       (size_t)RT_LPM_TBL8S * RTE_LPM_TBL8_GROUP_NUM_ENTRIES *
		       sizeof(uint32_t) + (size_t)RT_LPM_RULES * 8;
	return 0;
}

int
rt_router_export(unsigned int index, struct topo_router *t)
{
	const struct rt_router *r;
	unsigned int n = 0;

	if (index >= RT_ROUTERS_MAX || (r = rt_routers[index]) == NULL)
		return -ENOENT;
	snprintf(t->name, sizeof(t->name), "%s", r->name);
	for (unsigned int i = 0; i < RT_IFACES_MAX; i++)
		n += rt_ifaces[i] != NULL && rt_ifaces[i]->router == index;
	t->ifaces = calloc(n ? n : 1, sizeof(*t->ifaces));
	t->routes = calloc(r->n_routes ? r->n_routes : 1, sizeof(*t->routes));
	if (t->ifaces == NULL || t->routes == NULL)
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
	for (unsigned int i = 0; i < r->n_routes; i++) {
		const struct rt_nhg *g = rt_nhgs[r->routes[i].nhg];
		struct topo_route *tr = &t->routes[i];

		tr->prefix.addr = rte_cpu_to_be_32(r->routes[i].prefix);
		tr->prefix.plen = r->routes[i].plen;
		for (unsigned int v = 0; g != NULL && v < g->n; v++)
			tr->via[v] = g->nh[v].gw;
		tr->n_via = g != NULL ? g->n : 0;
	}
	t->n_routes = r->n_routes;
	return 0;
}

int
rt_route_lookup(unsigned int index, uint32_t ip, struct rt_route_hit *hit)
{
	const struct rt_router *r;
	const struct rt_iface *ifc;
	const struct rt_nhg *g;
	uint32_t id;

	if (index >= RT_ROUTERS_MAX || (r = rt_routers[index]) == NULL)
		return -ENOENT;
	if (rte_lpm_lookup(r->lpm, rte_be_to_cpu_32(ip), &id) != 0 ||
	    (g = rt_nhgs[id]) == NULL)
		return -ENETUNREACH;
	memset(hit, 0, sizeof(*hit));
	hit->local = g->kind == RT_NH_LOCAL;
	hit->connected = g->kind == RT_NH_CONNECTED;
	if (g->kind == RT_NH_VIA) {
		hit->n_via = g->n;
		for (unsigned int i = 0; i < g->n; i++)
			hit->via[i] = g->nh[i].gw;
	}
	ifc = rt_ifaces[g->nh[0].iface];
	if (ifc != NULL)
		snprintf(hit->network, sizeof(hit->network), "%s", ifc->network);
	return 0;
}

void
rt_fib_fini(void)
{
	for (unsigned int i = 0; i < RT_ROUTERS_MAX; i++)
		if (rt_routers[i] != NULL)
			rt_router_del(rt_routers[i]->name);
	rt_reclaim();
}
