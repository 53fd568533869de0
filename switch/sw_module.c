/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The switch as a dataplane module: its tables at init, learning and
 * ageing in the tick, and the topology's networks and the L2 side of its
 * ports (the port module makes the ports themselves).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sw_priv.h"
#include "topology.h"

static uint32_t fdb_size = SW_FDB_SIZE_DEFAULT;
static int eth_input_edge = -1;
static uint64_t last_age;

static int
sw_param(const char *key, const char *value, char *why, size_t len)
{
	unsigned long n;
	char *end;

	if (strcmp(key, "fdb-size") != 0)
		return -ENOENT;
	n = strtoul(value, &end, 10);
	if (*value == '\0' || *end != '\0' || n < 1024 || n > (1ul << 24)) {
		snprintf(why, len, "'%s' is not a number in 1024..16777216", value);
		return -EINVAL;
	}
	fdb_size = (uint32_t)n;
	return 0;
}

static int
sw_module_init(void)
{
	eth_input_edge = dp_port_rx_next_add("eth-input");
	if (eth_input_edge < 0)
		return eth_input_edge;
	last_age = 0;
	return sw_init(fdb_size);
}

uint16_t
sw_eth_input_edge(void)
{
	return eth_input_edge > 0 ? (uint16_t)eth_input_edge : 0;
}

/* Learning at every turn; ageing when the clock's second changes. */
static void
sw_tick(void)
{
	uint64_t now = dp_clock_now();

	sw_learn_drain();
	if (now != last_age) {
		sw_fdb_age();
		last_age = now;
	}
}

int
sw_network_apply(const struct topo_network *tn, char *why, size_t len)
{
	struct sw_network_conf conf = {
		.vni = tn->vni,
		.mac_limit = tn->mac_limit,
		.ageing = tn->ageing,
		.arp_suppress = tn->arp_suppress,
	};
	int ret;

	snprintf(conf.name, sizeof(conf.name), "%s", tn->name);
	ret = sw_network_set(&conf);
	if (ret < 0)
		snprintf(why, len, "network %s: %s", tn->name, strerror(-ret));
	return ret < 0 ? ret : 0;
}

/* The L2 side of a port the port module has made. */
static int
port_apply(const struct topo_port *tp, char *why, size_t len)
{
	struct sw_trunk_vlan *trunk = calloc(tp->n_trunk + 1, sizeof(*trunk));
	struct sw_port_conf conf = {
		.trunk = trunk,
		.n_trunk = tp->n_trunk,
		.security = tp->security,
		.has_mac = tp->has_mac,
		.n_ips = RTE_MIN(tp->n_ips, (unsigned int)SW_PORT_IPS_MAX),
	};
	char sw_why[256] = "";
	int port = dp_port_find(tp->name), ret;

	if (trunk == NULL)
		return -ENOMEM;
	if (port < 0) {
		free(trunk);
		snprintf(why, len, "port %s: not created", tp->name);
		return port;
	}
	snprintf(conf.network, sizeof(conf.network), "%s", tp->network);
	for (unsigned int i = 0; i < tp->n_trunk; i++) {
		snprintf(trunk[i].network, sizeof(trunk[i].network), "%s",
			 tp->trunk[i].network);
		trunk[i].vlan = tp->trunk[i].vlan;
	}
	memcpy(conf.mac.addr_bytes, tp->mac, RTE_ETHER_ADDR_LEN);
	memcpy(conf.ips, tp->ips, conf.n_ips * sizeof(conf.ips[0]));
	ret = sw_port_set((uint16_t)port, &conf, sw_why, sizeof(sw_why));
	free(trunk);
	if (ret < 0)
		snprintf(why, len, "port %s: %s", tp->name, sw_why);
	return ret;
}

/* Networks first: ports refer to them. */
static int
sw_apply(const struct topo *t, char *why, size_t len)
{
	int ret;

	for (unsigned int i = 0; i < t->n_networks; i++) {
		ret = sw_network_apply(&t->networks[i], why, len);
		if (ret < 0)
			return ret;
	}
	for (unsigned int i = 0; i < t->n_ports; i++) {
		const struct topo_port *tp = &t->ports[i];
		int port = dp_port_find(tp->name);

		/* A port in no network (the overlay's underlay) is not ours. */
		if (tp->network[0] == '\0' && tp->n_trunk == 0) {
			if (port >= 0)
				sw_port_clear((uint16_t)port);
			continue;
		}
		ret = port_apply(tp, why, len);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/*
 * Ports the topology drops are detached here (the port module closes them
 * after), so that their networks can go.
 */
static void
sw_prune(const struct topo *t)
{
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		if (sw_ports[p] != NULL && dp_ports[p].used &&
		    topo_port_find(t, dp_ports[p].name) == NULL)
			sw_port_clear(p);
	for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++)
		if (sw_networks[bd] != NULL &&
		    topo_network_find(t, sw_networks[bd]->conf.name) == NULL)
			sw_network_del(sw_networks[bd]->conf.name);
}

static void
port_export(const struct sw_port *sp, struct topo_port *tp)
{
	snprintf(tp->network, sizeof(tp->network), "%s", sp->network_name);
	if (sp->trunk) {
		tp->network[0] = '\0';
		tp->trunk = calloc(sp->n_trunk, sizeof(*tp->trunk));
		for (unsigned int i = 0; tp->trunk != NULL && i < sp->n_trunk; i++) {
			snprintf(tp->trunk[i].network, sizeof(tp->trunk[i].network),
				 "%s", sp->trunk_conf[i].network);
			tp->trunk[i].vlan = sp->trunk_conf[i].vlan;
		}
		tp->n_trunk = tp->trunk != NULL ? sp->n_trunk : 0;
	}
	tp->security = sp->security;
	tp->has_mac = sp->has_mac;
	memcpy(tp->mac, sp->mac.addr_bytes, RTE_ETHER_ADDR_LEN);
	tp->n_ips = sp->n_ips;
	memcpy(tp->ips, sp->ips, sp->n_ips * sizeof(tp->ips[0]));
}

static int
sw_export(struct topo *t)
{
	unsigned int n = 0;

	for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++)
		n += sw_networks[bd] != NULL;
	t->networks = calloc(n ? n : 1, sizeof(*t->networks));
	if (t->networks == NULL)
		return -ENOMEM;
	for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++) {
		const struct sw_network *net = sw_networks[bd];
		struct topo_network *tn = &t->networks[t->n_networks];

		if (net == NULL)
			continue;
		snprintf(tn->name, sizeof(tn->name), "%s", net->conf.name);
		tn->vni = net->conf.vni;
		tn->mac_limit = net->conf.mac_limit;
		tn->ageing = net->conf.ageing;
		tn->arp_suppress = net->conf.arp_suppress;
		t->n_networks++;
	}
	for (unsigned int i = 0; i < t->n_ports; i++) {
		int p = dp_port_find(t->ports[i].name);

		if (p >= 0 && sw_ports[p] != NULL)
			port_export(sw_ports[p], &t->ports[i]);
	}
	return 0;
}

static const char *const sw_drop_names[] = {
#define _(sym, str) str,
	foreach_sw_drop
#undef _
};

static const char *const sw_deps[] = { "port", NULL };

struct dp_module sw_module = {
	.name = "switch",
	.deps = sw_deps,
	.param = sw_param,
	.init = sw_module_init,
	.fini = sw_fini,
	.tick = sw_tick,
	.api_register = sw_api_register,
	.apply = sw_apply,
	.prune = sw_prune,
	.export = sw_export,
	.port_del = sw_port_clear,
	.drop_names = sw_drop_names,
	.n_drops = RTE_DIM(sw_drop_names),
};
DP_MODULE_REGISTER(sw_module);
