/* SPDX-License-Identifier: BSD-3-Clause */
/* Applying a topology to the dataplane and the switch. */
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <rte_malloc.h>

#include "dataplane.h"
#include "switch.h"
#include "vnic.h"
#include "yard.h"

/* What each port was made from, so that the dataplane can say what it holds. */
static struct topo_port port_conf[RTE_MAX_ETHPORTS];

static void
port_conf_clear(uint16_t port)
{
	free(port_conf[port].trunk);
	memset(&port_conf[port], 0, sizeof(port_conf[port]));
}

static int
port_conf_save(uint16_t port, const struct topo_port *tp)
{
	struct topo_trunk *trunk = NULL;

	if (tp->n_trunk != 0) {
		trunk = malloc(tp->n_trunk * sizeof(*trunk));
		if (trunk == NULL)
			return -ENOMEM;
		memcpy(trunk, tp->trunk, tp->n_trunk * sizeof(*trunk));
	}
	port_conf_clear(port);
	port_conf[port] = *tp;
	port_conf[port].trunk = trunk;
	return 0;
}

/* The devargs a port is made from; vnic/ knows those of vhost ports. */
static int
port_devargs(const struct topo_port *tp, char *buf, size_t len)
{
	if (tp->kind == TOPO_PORT_VHOST)
		return vnic_devargs(tp->name, tp->socket, tp->vhost_server,
				    dp_n_workers, buf, len);
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
		snprintf(why, why_len, "port %s: socket path too long: %s",
			 tp->name, tp->socket);
		return -ENAMETOOLONG;
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
	if (ret < 0) {
		snprintf(why, why_len, "port %s: %s", tp->name, sw_why);
		return ret;
	}
	return port_conf_save((uint16_t)port, tp);
}

int
yard_port_del(const char *name)
{
	int port = dp_port_find(name);

	if (port < 0)
		return port;
	sw_port_clear((uint16_t)port);
	port_conf_clear((uint16_t)port);
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
yard_network_apply(const struct topo_network *tn, char *why, size_t why_len)
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
		snprintf(why, why_len, "network %s: %s", tn->name, strerror(-ret));
	return ret < 0 ? ret : 0;
}

json_t *
yard_export(void)
{
	json_t *nets = json_array(), *ports = json_array();

	for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++) {
		struct topo_network tn = { 0 };
		struct sw_network_info info;

		if (sw_network_get(bd, &info) < 0)
			continue;
		snprintf(tn.name, sizeof(tn.name), "%s", info.conf.name);
		tn.vni = info.conf.vni;
		tn.mac_limit = info.conf.mac_limit;
		tn.ageing = info.conf.ageing;
		tn.arp_suppress = info.conf.arp_suppress;
		json_array_append_new(nets, topo_network_to_json(&tn));
	}
	for (uint16_t p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (dp_ports[p].used && port_conf[p].name[0] != '\0')
			json_array_append_new(ports, topo_port_to_json(&port_conf[p]));
	return json_pack("{s:o, s:o}", "networks", nets, "ports", ports);
}

int
yard_apply(const struct topo *t, bool do_prune, char *why, size_t why_len)
{
	int ret;

	/* Networks first: ports refer to them. */
	for (unsigned int i = 0; i < t->n_networks; i++) {
		ret = yard_network_apply(&t->networks[i], why, why_len);
		if (ret < 0)
			return ret;
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
