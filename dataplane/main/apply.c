/* SPDX-License-Identifier: BSD-3-Clause */
/* Applying a topology to the dataplane and the switch. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "dataplane.h"
#include "switch.h"
#include "yard.h"

/*
 * The devargs a port is made from. A vhost port is a net_vhost device in
 * client mode on its socket (QEMU is the server, so a restarted switch
 * reconnects to running VMs).
 */
static int
port_devargs(const struct topo_port *tp, char *buf, size_t len)
{
	if (tp->kind == TOPO_PORT_VHOST) {
		snprintf(buf, len, "net_vhost_%s,iface=%s,client=1,queues=%u",
			 tp->name, tp->socket, dp_n_workers);
		return 0;
	}
	/* Empty devargs are the port layer's to refuse (or its factory's). */
	snprintf(buf, len, "%s", tp->devargs);
	return 0;
}

static void
port_conf_make(const struct topo_port *tp, struct sw_port_conf *conf,
	       struct sw_trunk_vlan *trunk)
{
	memset(conf, 0, sizeof(*conf));
	snprintf(conf->network, sizeof(conf->network), "%s", tp->network);
	for (unsigned int i = 0; i < tp->n_trunk; i++) {
		snprintf(trunk[i].network, sizeof(trunk[i].network), "%s",
			 tp->trunk[i].network);
		trunk[i].vlan = tp->trunk[i].vlan;
	}
	conf->trunk = trunk;
	conf->n_trunk = tp->n_trunk;
	conf->security = tp->security;
	conf->has_mac = tp->has_mac;
	memcpy(conf->mac.addr_bytes, tp->mac, 6);
	conf->n_ips = RTE_MIN(tp->n_ips, (unsigned int)SW_PORT_IPS_MAX);
	memcpy(conf->ips, tp->ips, conf->n_ips * sizeof(conf->ips[0]));
}

int
yard_port_apply(const struct topo_port *tp, char *why, size_t why_len)
{
	char devargs[512], sw_why[256] = "";
	struct sw_port_conf conf;
	struct sw_trunk_vlan *trunk = NULL;
	int port, ret;

	if (port_devargs(tp, devargs, sizeof(devargs)) < 0) {
		snprintf(why, why_len, "port %s: kind %s needs devargs", tp->name,
			 topo_port_kind_str(tp->kind));
		return -EINVAL;
	}
	port = dp_port_find(tp->name);
	if (port >= 0 && strcmp(dp_ports[port].devargs, devargs) != 0) {
		/* Another device under the same name: make it anew. */
		yard_port_del(tp->name);
		port = -ENOENT;
	}
	if (port < 0) {
		port = dp_port_add(tp->name, devargs);
		if (port < 0) {
			snprintf(why, why_len, "port %s: cannot create from '%s': %s "
				 "(see the log above)", tp->name, devargs,
				 strerror(-port));
			return port;
		}
	}
	if (tp->n_trunk != 0) {
		trunk = rte_calloc("yard_trunk", tp->n_trunk, sizeof(*trunk), 0);
		if (trunk == NULL)
			return -ENOMEM;
	}
	port_conf_make(tp, &conf, trunk);
	ret = sw_port_set((uint16_t)port, &conf, sw_why, sizeof(sw_why));
	rte_free(trunk);
	if (ret < 0)
		snprintf(why, why_len, "port %s: %s", tp->name, sw_why);
	return ret;
}

int
yard_port_del(const char *name)
{
	int port = dp_port_find(name);

	if (port < 0)
		return port;
	sw_port_clear((uint16_t)port);
	return dp_port_del((uint16_t)port);
}

static void
prune(const struct topo *t)
{
	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (dp_ports[p].used && topo_port_find(t, dp_ports[p].name) == NULL)
			yard_port_del(dp_ports[p].name);
	for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++) {
		struct sw_network_info info;

		if (sw_network_get(bd, &info) == 0 &&
		    topo_network_find(t, info.conf.name) == NULL)
			sw_network_del(info.conf.name);
	}
}

int
yard_apply(const struct topo *t, bool do_prune, char *why, size_t why_len)
{
	int ret;

	/* Networks first: ports refer to them. */
	for (unsigned int i = 0; i < t->n_networks; i++) {
		const struct topo_network *tn = &t->networks[i];
		struct sw_network_conf conf = {
			.vni = tn->vni,
			.mac_limit = tn->mac_limit,
			.ageing = tn->ageing,
			.arp_suppress = tn->arp_suppress,
		};

		snprintf(conf.name, sizeof(conf.name), "%s", tn->name);
		ret = sw_network_set(&conf);
		if (ret < 0) {
			snprintf(why, why_len, "network %s: %s", tn->name,
				 strerror(-ret));
			return ret;
		}
	}
	for (unsigned int i = 0; i < t->n_ports; i++) {
		ret = yard_port_apply(&t->ports[i], why, why_len);
		if (ret < 0)
			return ret;
	}
	if (do_prune)
		prune(t);
	return 0;
}
