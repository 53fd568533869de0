/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Networks and the ports' L2 configuration. Both are objects the workers
 * read through a published pointer: a change builds a new object, publishes
 * it with a release store and frees the old one after an RCU grace period.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "sw_priv.h"

struct sw_network *sw_networks[SW_NETWORKS_MAX];
uint16_t sw_network_ingress[SW_NETWORKS_MAX];

/* Flood listeners of each network, copied into its published object. */
static struct {
	uint16_t n;
	uint16_t edge[SW_FLOOD_LISTENERS_MAX];
} listeners[SW_NETWORKS_MAX];
struct sw_port *sw_ports[DP_PORTS_MAX];
uint64_t sw_gen;

int
sw_network_find(const char *name)
{
	for (unsigned int i = 0; i < SW_NETWORKS_MAX; i++)
		if (sw_networks[i] != NULL &&
		    strcmp(sw_networks[i]->conf.name, name) == 0)
			return (int)i;
	return -ENOENT;
}

/* Build a network object with its flood list from the ports of now. */
static struct sw_network *
network_build(const struct sw_network_conf *conf, uint16_t bd)
{
	struct sw_network *net = rte_zmalloc("yard_net", sizeof(*net), 0);

	if (net == NULL)
		return NULL;
	net->conf = *conf;
	net->index = bd;
	net->n_listeners = listeners[bd].n;
	memcpy(net->listeners, listeners[bd].edge, sizeof(net->listeners));
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		if (sw_ports[p] != NULL && sw_port_in_network(sw_ports[p], bd))
			net->members[net->n_members++] = p;
	return net;
}

int
sw_networks_republish(void)
{
	struct sw_network *old[SW_NETWORKS_MAX];
	unsigned int n_old = 0;

	for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++) {
		struct sw_network *cur = sw_networks[bd], *net;

		if (cur == NULL)
			continue;
		net = network_build(&cur->conf, bd);
		if (net == NULL)
			return -ENOMEM;
		if (net->n_members == cur->n_members &&
		    memcmp(net->members, cur->members,
			   cur->n_members * sizeof(cur->members[0])) == 0 &&
		    net->n_listeners == cur->n_listeners &&
		    memcmp(net->listeners, cur->listeners,
			   sizeof(net->listeners)) == 0) {
			rte_free(net);
			continue;
		}
		__atomic_store_n(&sw_networks[bd], net, __ATOMIC_RELEASE);
		old[n_old++] = cur;
	}
	if (n_old != 0) {
		sw_gen_bump();
		dp_rcu_synchronize();
		for (unsigned int i = 0; i < n_old; i++)
			rte_free(old[i]);
	}
	return 0;
}

int
sw_network_set(const struct sw_network_conf *conf)
{
	struct sw_network *net, *cur;
	int bd = sw_network_find(conf->name);

	if (bd < 0) {
		for (bd = 0; bd < SW_NETWORKS_MAX; bd++)
			if (sw_networks[bd] == NULL)
				break;
		if (bd == SW_NETWORKS_MAX)
			return -ENOSPC;
	}
	net = network_build(conf, (uint16_t)bd);
	if (net == NULL)
		return -ENOMEM;
	cur = sw_networks[bd];
	__atomic_store_n(&sw_networks[bd], net, __ATOMIC_RELEASE);
	sw_gen_bump();
	if (cur != NULL) {
		dp_rcu_synchronize();
		rte_free(cur);
	} else {
		SW_LOG(INFO, "network %s: created (index %d)", conf->name, bd);
	}
	return bd;
}

int
sw_network_del(const char *name)
{
	struct sw_network *cur;
	int bd = sw_network_find(name);

	if (bd < 0)
		return bd;
	cur = sw_networks[bd];
	if (cur->n_members != 0)
		return -EBUSY;
	__atomic_store_n(&sw_networks[bd], NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&sw_network_ingress[bd], 0, __ATOMIC_RELAXED);
	listeners[bd].n = 0;
	sw_gen_bump();
	dp_rcu_synchronize();
	sw_fdb_network_reset((uint16_t)bd);
	rte_free(cur);
	SW_LOG(INFO, "network %s: deleted", name);
	return 0;
}

static void
port_obj_free(struct sw_port *sp)
{
	if (sp == NULL)
		return;
	rte_free(sp->bd_of_vlan);
	rte_free(sp->vlan_of_bd);
	rte_free(sp->trunk_conf);
	rte_free(sp);
}

static struct sw_port *
port_build(uint16_t port, const struct sw_port_conf *conf, char *why,
	   size_t why_len, int *errp)
{
	struct sw_port *sp = rte_zmalloc("yard_swport", sizeof(*sp), 0);

	*errp = -ENOMEM;
	if (sp == NULL)
		return NULL;
	sp->port = port;
	sp->security = conf->security;
	sp->has_mac = conf->has_mac;
	sp->mac = conf->mac;
	if (conf->n_ips > SW_PORT_IPS_MAX) {
		snprintf(why, why_len, "ips: %u given, at most %u", conf->n_ips,
			 SW_PORT_IPS_MAX);
		*errp = -EINVAL;
		goto fail;
	}
	sp->n_ips = (uint8_t)conf->n_ips;
	memcpy(sp->ips, conf->ips, conf->n_ips * sizeof(conf->ips[0]));

	if (conf->n_trunk == 0) {
		int bd = sw_network_find(conf->network);

		if (bd < 0) {
			snprintf(why, why_len, "network: no network called '%s'",
				 conf->network);
			*errp = -ENOENT;
			goto fail;
		}
		sp->access_bd = (uint16_t)bd;
		snprintf(sp->network_name, sizeof(sp->network_name), "%s",
			 conf->network);
		return sp;
	}

	sp->trunk = true;
	sp->bd_of_vlan = rte_zmalloc("yard_vlanmap", 4096 * sizeof(uint16_t), 0);
	sp->vlan_of_bd = rte_zmalloc("yard_bdmap",
				     SW_NETWORKS_MAX * sizeof(uint16_t), 0);
	sp->trunk_conf = rte_malloc("yard_trunk",
				    conf->n_trunk * sizeof(*conf->trunk), 0);
	if (sp->bd_of_vlan == NULL || sp->vlan_of_bd == NULL ||
	    sp->trunk_conf == NULL)
		goto fail;
	memcpy(sp->trunk_conf, conf->trunk, conf->n_trunk * sizeof(*conf->trunk));
	sp->n_trunk = conf->n_trunk;
	for (unsigned int i = 0; i < conf->n_trunk; i++) {
		const struct sw_trunk_vlan *tv = &conf->trunk[i];
		int bd = sw_network_find(tv->network);

		if (bd < 0) {
			snprintf(why, why_len, "trunk[%u].network: no network "
				 "called '%s'", i, tv->network);
			*errp = -ENOENT;
			goto fail;
		}
		if (tv->vlan < 1 || tv->vlan > 4094 || sp->bd_of_vlan[tv->vlan] ||
		    sp->vlan_of_bd[bd]) {
			snprintf(why, why_len, "trunk[%u]: vlan %u is out of range "
				 "1..4094 or carried twice", i, tv->vlan);
			*errp = -EINVAL;
			goto fail;
		}
		sp->bd_of_vlan[tv->vlan] = (uint16_t)(bd + 1);
		sp->vlan_of_bd[bd] = tv->vlan;
	}
	return sp;

fail:
	port_obj_free(sp);
	return NULL;
}

/* Whether two configurations put a port in the same networks. */
static bool
same_networks(const struct sw_port *a, const struct sw_port *b)
{
	if (a->trunk != b->trunk)
		return false;
	if (!a->trunk)
		return a->access_bd == b->access_bd;
	return memcmp(a->vlan_of_bd, b->vlan_of_bd,
		      SW_NETWORKS_MAX * sizeof(uint16_t)) == 0;
}

int
sw_port_set(uint16_t port, const struct sw_port_conf *conf, char *why,
	    size_t why_len)
{
	struct sw_port *sp, *cur;
	int ret;

	if (port >= DP_PORTS_MAX)
		return -EINVAL;
	sp = port_build(port, conf, why, why_len, &ret);
	if (sp == NULL)
		return ret;
	cur = sw_ports[port];
	if (cur != NULL)
		sp->ingress = cur->ingress;
	__atomic_store_n(&sw_ports[port], sp, __ATOMIC_RELEASE);
	sw_gen_bump();
	ret = sw_networks_republish();
	/* An L2 port starts at eth-input. (Unit tests use bare indexes.) */
	if (ret == 0)
		dp_port_rx_next_set(port, sw_eth_input_edge());
	dp_rcu_synchronize();
	if (cur != NULL && !same_networks(cur, sp))
		sw_fdb_flush(-1, port, true);
	port_obj_free(cur);
	return ret;
}

void
sw_port_clear(uint16_t port)
{
	struct sw_port *cur;

	if (port >= DP_PORTS_MAX || sw_ports[port] == NULL)
		return;
	cur = sw_ports[port];
	dp_port_rx_next_set(port, 0);
	__atomic_store_n(&sw_ports[port], NULL, __ATOMIC_RELEASE);
	sw_gen_bump();
	sw_networks_republish();
	dp_rcu_synchronize();
	if (sw_fdb != NULL)
		sw_fdb_flush(-1, port, true);
	port_obj_free(cur);
}

bool
sw_port_attached(uint16_t port)
{
	return port < DP_PORTS_MAX && sw_ports[port] != NULL;
}

void
sw_networks_free(void)
{
	for (unsigned int i = 0; i < SW_NETWORKS_MAX; i++) {
		rte_free(sw_networks[i]);
		sw_networks[i] = NULL;
	}
	memset(sw_network_ingress, 0, sizeof(sw_network_ingress));
	memset(listeners, 0, sizeof(listeners));
}

int
sw_network_ingress_set(uint16_t network, uint16_t edge)
{
	if (network >= SW_NETWORKS_MAX || sw_networks[network] == NULL)
		return -ENOENT;
	__atomic_store_n(&sw_network_ingress[network], edge, __ATOMIC_RELAXED);
	return 0;
}

int
sw_port_ingress_set(uint16_t port, uint16_t edge)
{
	if (port >= DP_PORTS_MAX || sw_ports[port] == NULL)
		return -ENOENT;
	__atomic_store_n(&sw_ports[port]->ingress, edge, __ATOMIC_RELAXED);
	return 0;
}

int
sw_port_vlan_network(uint16_t port, uint16_t vlan)
{
	const struct sw_port *sp = port < DP_PORTS_MAX ? sw_ports[port] : NULL;

	if (sp == NULL || !sp->trunk || vlan == 0 || vlan > 4094 ||
	    sp->bd_of_vlan[vlan] == 0)
		return -ENOENT;
	return sp->bd_of_vlan[vlan] - 1;
}

int
sw_flood_listener_add(uint16_t network, uint16_t edge)
{
	if (network >= SW_NETWORKS_MAX || sw_networks[network] == NULL)
		return -ENOENT;
	/* Edges 0 and 1 are l2-flood's own; origin 0 means "a port". */
	if (edge < 2 || edge > UINT8_MAX)
		return -EINVAL;
	for (uint16_t i = 0; i < listeners[network].n; i++)
		if (listeners[network].edge[i] == edge)
			return -EEXIST;
	if (listeners[network].n == SW_FLOOD_LISTENERS_MAX)
		return -ENOSPC;
	listeners[network].edge[listeners[network].n++] = edge;
	return sw_networks_republish();
}

int
sw_flood_listener_del(uint16_t network, uint16_t edge)
{
	if (network >= SW_NETWORKS_MAX || sw_networks[network] == NULL)
		return -ENOENT;
	for (uint16_t i = 0; i < listeners[network].n; i++)
		if (listeners[network].edge[i] == edge) {
			listeners[network].edge[i] =
				listeners[network].edge[--listeners[network].n];
			return sw_networks_republish();
		}
	return -ENOENT;
}
