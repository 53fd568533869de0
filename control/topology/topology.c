/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Topology schema v1: from the libyaml document to struct topo, with every
 * check of DESIGN.md's "Topology schema v1".
 *
 * Sections are parsed in dependency order (networks, ports, routers, overlay,
 * flows, vms) whatever their order in the file, so that every reference can
 * be checked where it is written, with that line in the error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "topology_priv.h"

static const char *const topo_port_kind_names[] = {
	[TOPO_PORT_VHOST] = "vhost",
	[TOPO_PORT_PHY] = "phy",
	[TOPO_PORT_TAP] = "tap",
	[TOPO_PORT_AFXDP] = "afxdp",
	[TOPO_PORT_PCAP] = "pcap",
	NULL,
};

static const char *const topo_accel_names[] = {
	[TOPO_ACCEL_AUTO] = "auto",
	[TOPO_ACCEL_KVM] = "kvm",
	[TOPO_ACCEL_TCG] = "tcg",
	NULL,
};

const char *
topo_port_kind_str(enum topo_port_kind kind)
{
	if ((unsigned int)kind > TOPO_PORT_PCAP)
		return "unknown";
	return topo_port_kind_names[kind];
}

/* ---- Helpers ---- */

/* Report the name under key `k` as defined twice. */
static int
topo_dup_fail(const struct topo_map *m, int k, const char *kind,
	      const char *name, int first_line)
{
	char path[TOPO_KEYPATH_MAX];

	topo_map_path(m, k, path);
	return topo_fail(m->c, m->val[k], path,
			 "%s '%s' is already defined on line %d", kind, name,
			 first_line);
}

/* Claim `name` for entry `i` of `ix`; -EEXIST with *prev on a duplicate. */
static int
topo_name_claim(struct topo_ctx *c, struct topo_index *ix, const char *name,
		unsigned int i, uint32_t *prev)
{
	int rc;

	rc = topo_index_put(ix, name, strlen(name), i, prev);
	if (rc == -ENOMEM)
		return topo_nomem(c);
	return rc;
}

/* Resolve the network named under key `k`; a dangling name is an error. */
static int
topo_network_ref(const struct topo_map *m, int k, bool required,
		 char name[TOPO_NAME_MAX], uint32_t *idx)
{
	char path[TOPO_KEYPATH_MAX];
	int rc;

	rc = topo_map_name(m, k, required, name);
	if (rc < 0 || m->val[k] == NULL)
		return rc;
	if (topo_index_get(&m->c->networks, name, strlen(name), idx) < 0) {
		topo_map_path(m, k, path);
		return topo_fail(m->c, m->val[k], path,
				 "network '%s' is not defined in networks",
				 name);
	}
	return 0;
}

/* Resolve a port name at node `n`. */
static int
topo_port_ref(struct topo_ctx *c, yaml_node_t *n, const char *path,
	      char name[TOPO_NAME_MAX], uint32_t *idx)
{
	int rc;

	rc = topo_node_name(c, n, path, name);
	if (rc < 0)
		return rc;
	if (topo_index_get(&c->ports, name, strlen(name), idx) < 0)
		return topo_fail(c, n, path,
				 "port '%s' is not defined in ports", name);
	return 0;
}

static int
topo_map_port_ref(const struct topo_map *m, int k, bool required,
		  char name[TOPO_NAME_MAX], uint32_t *idx)
{
	char path[TOPO_KEYPATH_MAX];

	if (m->val[k] == NULL)
		return required ? topo_map_missing(m, k) : 0;
	topo_map_path(m, k, path);
	return topo_port_ref(m->c, m->val[k], path, name, idx);
}

/*
 * An address with its prefix length that a host owns (router interface,
 * local VTEP): not the subnet's network or broadcast address.
 */
static int
topo_host_prefix(const struct topo_map *m, int k, struct topo_prefix *p)
{
	char path[TOPO_KEYPATH_MAX], buf[16];
	uint32_t mask, host;
	int rc;

	rc = topo_map_prefix(m, k, true, false, p);
	if (rc < 0)
		return rc;
	topo_map_path(m, k, path);
	mask = topo_plen_mask(p->plen);
	host = p->addr & ~mask;
	if (p->plen == 0)
		return topo_fail(m->c, m->val[k], path,
				 "a /0 address would cover every address; give the subnet's length, like 10.0.1.1/24");
	if (p->plen <= 30 && host == 0)
		return topo_fail(m->c, m->val[k], path,
				 "%s/%u is the network address of its subnet; give a host address such as the first one",
				 topo_ipv4_str(p->addr, buf), p->plen);
	if (p->plen <= 30 && host == ~mask)
		return topo_fail(m->c, m->val[k], path,
				 "%s/%u is the broadcast address of its subnet; give a host address",
				 topo_ipv4_str(p->addr, buf), p->plen);
	return 0;
}

/* ---- networks ---- */

enum { NET_NAME, NET_VNI, NET_MAC_LIMIT, NET_AGEING, NET_ARP_SUPPRESS };
static const char *const topo_network_keys[] = {
	"name", "vni", "mac_limit", "ageing", "arp_suppress", NULL,
};

static int
topo_network_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
		  void *parent, unsigned int i)
{
	struct topo_network *net = &c->t->networks[i];
	char vpath[TOPO_KEYPATH_MAX];
	struct topo_map m;
	uint32_t prev, vni;
	uint64_t v;
	int rc;

	net->line = topo_node_line(node);
	net->mac_limit = TOPO_MAC_LIMIT_DEFAULT;
	net->ageing = TOPO_AGEING_DEFAULT;
	rc = topo_map_load(c, node, path, topo_network_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_map_name(&m, NET_NAME, true, net->name);
	if (rc < 0)
		return rc;
	rc = topo_name_claim(c, &c->networks, net->name, i, &prev);
	if (rc == -EEXIST)
		return topo_dup_fail(&m, NET_NAME, "network", net->name,
				     c->t->networks[prev].line);
	if (rc < 0)
		return rc;

	v = 0;
	rc = topo_map_uint(&m, NET_VNI, false, 1, 16777215, &v);
	if (rc < 0)
		return rc;
	net->vni = (uint32_t)v;
	if (net->vni != 0) {
		vni = net->vni;
		rc = topo_index_put(&c->vnis, &vni, sizeof(vni), i, &prev);
		if (rc == -EEXIST) {
			topo_map_path(&m, NET_VNI, vpath);
			return topo_fail(c, m.val[NET_VNI], vpath,
					 "vni %u is already used by network '%s' (line %d)",
					 vni, c->t->networks[prev].name,
					 c->t->networks[prev].line);
		}
		if (rc < 0)
			return topo_nomem(c);
	}

	v = net->mac_limit;
	rc = topo_map_uint(&m, NET_MAC_LIMIT, false, 1, 16777216, &v);
	if (rc < 0)
		return rc;
	net->mac_limit = (uint32_t)v;
	v = net->ageing;
	rc = topo_map_uint(&m, NET_AGEING, false, 0, UINT32_MAX, &v);
	if (rc < 0)
		return rc;
	net->ageing = (uint32_t)v;
	return topo_map_bool(&m, NET_ARP_SUPPRESS, &net->arp_suppress);
}

/* ---- ports ---- */

enum {
	PORT_NAME, PORT_KIND, PORT_NETWORK, PORT_TRUNK, PORT_MAC, PORT_IPS,
	PORT_SECURITY, PORT_SOCKET, PORT_MODE, PORT_DEVARGS, PORT_NETNS,
	PORT_ADDRESSES,
};
static const char *const topo_port_keys[] = {
	"name", "kind", "network", "trunk", "mac", "ips", "security",
	"socket", "mode", "devargs", "netns", "addresses", NULL,
};
static const char *const topo_vhost_modes[] = { "client", "server", NULL };

enum { TRUNK_NETWORK, TRUNK_VLAN };
static const char *const topo_trunk_keys[] = { "network", "vlan", NULL };

static int
topo_trunk_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
		void *parent, unsigned int i)
{
	struct topo_port *port = parent;
	struct topo_trunk *tr = &port->trunk[i];
	char npath[TOPO_KEYPATH_MAX];
	struct topo_map m;
	uint32_t net;
	uint64_t v;
	unsigned int j;
	int rc;

	rc = topo_map_load(c, node, path, topo_trunk_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_network_ref(&m, TRUNK_NETWORK, true, tr->network, &net);
	if (rc < 0)
		return rc;
	rc = topo_map_uint(&m, TRUNK_VLAN, true, 1, 4094, &v);
	if (rc < 0)
		return rc;
	tr->vlan = (uint16_t)v;
	for (j = 0; j < i; j++) {
		if (port->trunk[j].vlan == tr->vlan) {
			topo_map_path(&m, TRUNK_VLAN, npath);
			return topo_fail(c, m.val[TRUNK_VLAN], npath,
					 "vlan %u is already used in this trunk (by network '%s')",
					 tr->vlan, port->trunk[j].network);
		}
	}
	/* A network on two VLANs of one port would have no egress tag. */
	if (c->net_stamp[net] == c->stamp) {
		topo_map_path(&m, TRUNK_NETWORK, npath);
		return topo_fail(c, m.val[TRUNK_NETWORK], npath,
				 "network '%s' is already on vlan %u of this trunk",
				 tr->network, c->net_aux[net]);
	}
	c->net_stamp[net] = c->stamp;
	c->net_aux[net] = tr->vlan;
	return 0;
}

/* A tap's namespace and the addresses it gets there. */
static int
topo_port_netns(const struct topo_map *m, struct topo_port *port)
{
	char kpath[TOPO_KEYPATH_MAX], ipath[TOPO_KEYPATH_MAX], buf[16];
	yaml_node_item_t *items;
	size_t count, i, j;
	int rc;

	if (m->val[PORT_NETNS] != NULL && port->kind != TOPO_PORT_TAP) {
		topo_map_path(m, PORT_NETNS, kpath);
		return topo_fail(m->c, m->key[PORT_NETNS], kpath,
				 "only tap ports have a netns (yard-dp moves the "
				 "tap's kernel interface into it)");
	}
	if (m->val[PORT_ADDRESSES] != NULL && m->val[PORT_NETNS] == NULL) {
		topo_map_path(m, PORT_ADDRESSES, kpath);
		return topo_fail(m->c, m->key[PORT_ADDRESSES], kpath,
				 "addresses are given to the tap inside its netns: "
				 "give netns too");
	}
	rc = topo_map_name(m, PORT_NETNS, false, port->netns);
	if (rc < 0)
		return rc;
	rc = topo_map_seq(m, PORT_ADDRESSES, false, &items, &count);
	if (rc < 0 || count == 0)
		return rc;
	topo_map_path(m, PORT_ADDRESSES, kpath);
	if (count > TOPO_PORT_ADDRS_MAX)
		return topo_fail(m->c, m->val[PORT_ADDRESSES], kpath,
				 "%zu addresses listed; the maximum is %u", count,
				 TOPO_PORT_ADDRS_MAX);
	for (i = 0; i < count; i++) {
		yaml_node_t *n = yaml_document_get_node(&m->c->doc, items[i]);
		struct topo_prefix *a = &port->addresses[i];

		topo_path_idx(ipath, kpath, i);
		rc = topo_node_prefix(m->c, n, ipath, false, a);
		if (rc < 0)
			return rc;
		for (j = 0; j < i; j++)
			if (port->addresses[j].addr == a->addr)
				return topo_fail(m->c, n, ipath, "%s is listed twice",
						 topo_ipv4_str(a->addr, buf));
	}
	port->n_addresses = (unsigned int)count;
	return 0;
}

static int
topo_port_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
	       void *parent, unsigned int i)
{
	struct topo_port *port = &c->t->ports[i];
	char kpath[TOPO_KEYPATH_MAX];
	struct topo_map m;
	uint32_t prev, net;
	int rc, kind = 0;

	port->line = topo_node_line(node);
	rc = topo_map_load(c, node, path, topo_port_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_map_name(&m, PORT_NAME, true, port->name);
	if (rc < 0)
		return rc;
	rc = topo_name_claim(c, &c->ports, port->name, i, &prev);
	if (rc == -EEXIST)
		return topo_dup_fail(&m, PORT_NAME, "port", port->name,
				     c->t->ports[prev].line);
	if (rc < 0)
		return rc;
	rc = topo_map_enum(&m, PORT_KIND, true, topo_port_kind_names,
			   "a port kind", &kind);
	if (rc < 0)
		return rc;
	port->kind = (enum topo_port_kind)kind;

	if (m.val[PORT_NETWORK] != NULL && m.val[PORT_TRUNK] != NULL) {
		topo_map_path(&m, PORT_TRUNK, kpath);
		return topo_fail(c, m.key[PORT_TRUNK], kpath,
				 "give either network (an access port) or trunk (an 802.1Q trunk), not both");
	}
	if (m.val[PORT_NETWORK] == NULL && m.val[PORT_TRUNK] == NULL) {
		/* Only the overlay's underlay may be bare: checked after it. */
		if (c->bare_node != NULL)
			return topo_fail(c, node, path, TOPO_MSG_NO_NETWORK);
		c->bare_node = node;
		c->bare_idx = i;
		snprintf(c->bare_path, sizeof(c->bare_path), "%s", path);
	}
	rc = topo_network_ref(&m, PORT_NETWORK, false, port->network, &net);
	if (rc < 0)
		return rc;
	if (m.val[PORT_TRUNK] != NULL) {
		c->stamp++;
		rc = topo_list_parse(&m, PORT_TRUNK, true, &port->trunk,
				     &port->n_trunk, sizeof(*port->trunk),
				     topo_trunk_item, port);
		if (rc < 0)
			return rc;
	}

	rc = topo_map_mac(&m, PORT_MAC, true, &port->has_mac, port->mac);
	if (rc < 0)
		return rc;
	rc = topo_map_ipv4_list(&m, PORT_IPS, false, TOPO_PORT_IPS_MAX,
				"address", port->ips, &port->n_ips);
	if (rc < 0)
		return rc;
	port->security = port->kind == TOPO_PORT_VHOST;
	rc = topo_map_bool(&m, PORT_SECURITY, &port->security);
	if (rc < 0)
		return rc;
	rc = topo_port_netns(&m, port);
	if (rc < 0)
		return rc;

	if (port->kind == TOPO_PORT_VHOST) {
		if (m.val[PORT_DEVARGS] != NULL) {
			topo_map_path(&m, PORT_DEVARGS, kpath);
			return topo_fail(c, m.key[PORT_DEVARGS], kpath,
					 "vhost ports take no devargs; they use socket");
		}
		if (m.val[PORT_SOCKET] == NULL)
			return topo_fail(c, node, path,
					 "missing required key 'socket' (the vhost-user socket path of a vhost port)");
		rc = topo_map_enum(&m, PORT_MODE, false, topo_vhost_modes,
				   "a vhost-user mode (client: the switch connects "
				   "to QEMU's socket; server: it listens)", &kind);
		if (rc < 0)
			return rc;
		port->vhost_server = m.val[PORT_MODE] != NULL && kind == 1;
		return topo_map_str(&m, PORT_SOCKET, true, port->socket,
				    sizeof(port->socket));
	}
	if (m.val[PORT_MODE] != NULL) {
		topo_map_path(&m, PORT_MODE, kpath);
		return topo_fail(c, m.key[PORT_MODE], kpath,
				 "only vhost ports have a mode");
	}
	if (m.val[PORT_SOCKET] != NULL) {
		topo_map_path(&m, PORT_SOCKET, kpath);
		return topo_fail(c, m.key[PORT_SOCKET], kpath,
				 "only vhost ports have a socket; a %s port uses devargs",
				 topo_port_kind_str(port->kind));
	}
	if (m.val[PORT_DEVARGS] == NULL && port->kind != TOPO_PORT_PCAP)
		return topo_fail(c, node, path,
				 "missing required key 'devargs' (the DPDK device arguments of a %s port)",
				 topo_port_kind_str(port->kind));
	return topo_map_str(&m, PORT_DEVARGS, false, port->devargs,
			    sizeof(port->devargs));
}

/* ---- routers ---- */

enum { RT_NAME, RT_INTERFACES, RT_ROUTES, RT_NEIGHBORS };
static const char *const topo_router_keys[] = {
	"name", "interfaces", "routes", "neighbors", NULL,
};

enum { IF_NETWORK, IF_ADDRESS, IF_MAC };
static const char *const topo_iface_keys[] = {
	"network", "address", "mac", NULL,
};

enum { RO_PREFIX, RO_VIA };
static const char *const topo_route_keys[] = { "prefix", "via", NULL };

enum { NB_ADDRESS, NB_MAC };
static const char *const topo_neighbor_keys[] = { "address", "mac", NULL };

static int
topo_iface_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
		void *parent, unsigned int i)
{
	struct topo_router *rt = parent;
	struct topo_router_iface *ifc = &rt->ifaces[i];
	char npath[TOPO_KEYPATH_MAX];
	struct topo_map m;
	uint32_t net;
	int rc;

	ifc->line = topo_node_line(node);
	rc = topo_map_load(c, node, path, topo_iface_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_network_ref(&m, IF_NETWORK, true, ifc->network, &net);
	if (rc < 0)
		return rc;
	if (c->net_stamp[net] == c->stamp) {
		topo_map_path(&m, IF_NETWORK, npath);
		return topo_fail(c, m.val[IF_NETWORK], npath,
				 "network '%s' already has an interface on this router (line %u)",
				 ifc->network, c->net_aux[net]);
	}
	c->net_stamp[net] = c->stamp;
	c->net_aux[net] = (uint32_t)ifc->line;
	rc = topo_host_prefix(&m, IF_ADDRESS, &ifc->address);
	if (rc < 0)
		return rc;
	return topo_map_mac(&m, IF_MAC, true, &ifc->has_mac, ifc->mac);
}

static int
topo_route_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
		void *parent, unsigned int i)
{
	struct topo_router *rt = parent;
	struct topo_route *ro = &rt->routes[i];
	char ppath[TOPO_KEYPATH_MAX], buf[16];
	struct topo_map m;
	uint8_t key[5];
	uint32_t prev;
	int rc;

	ro->line = topo_node_line(node);
	rc = topo_map_load(c, node, path, topo_route_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_map_prefix(&m, RO_PREFIX, true, true, &ro->prefix);
	if (rc < 0)
		return rc;
	memcpy(key, &ro->prefix.addr, 4);
	key[4] = ro->prefix.plen;
	rc = topo_index_put(&c->routes, key, sizeof(key), i, &prev);
	if (rc == -EEXIST) {
		topo_map_path(&m, RO_PREFIX, ppath);
		return topo_fail(c, m.val[RO_PREFIX], ppath,
				 "a route to %s/%u is already defined on line %d; list all next hops in one via",
				 topo_ipv4_str(ro->prefix.addr, buf),
				 ro->prefix.plen, rt->routes[prev].line);
	}
	if (rc < 0)
		return topo_nomem(c);
	return topo_map_ipv4_list(&m, RO_VIA, true, TOPO_ECMP_MAX,
				  "next hop", ro->via, &ro->n_via);
}

static int
topo_neighbor_cmp(const void *a, const void *b)
{
	uint32_t x = ntohl(((const struct topo_neighbor *)a)->address);
	uint32_t y = ntohl(((const struct topo_neighbor *)b)->address);

	return x < y ? -1 : x > y;
}

void
topo_router_neighbors_sort(struct topo_router *r)
{
	if (r->n_neighbors > 1)
		qsort(r->neighbors, r->n_neighbors, sizeof(*r->neighbors),
		      topo_neighbor_cmp);
}

static int
topo_neighbor_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
		   void *parent, unsigned int i)
{
	struct topo_router *rt = parent;
	struct topo_neighbor *nb = &rt->neighbors[i];
	char apath[TOPO_KEYPATH_MAX], buf[16];
	bool has = false, on_link = false;
	struct topo_map m;
	int rc;

	nb->line = topo_node_line(node);
	rc = topo_map_load(c, node, path, topo_neighbor_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_map_ipv4(&m, NB_ADDRESS, true, &has, &nb->address);
	if (rc < 0)
		return rc;
	topo_map_path(&m, NB_ADDRESS, apath);
	for (unsigned int k = 0; k < rt->n_ifaces && !on_link; k++) {
		const struct topo_prefix *a = &rt->ifaces[k].address;
		uint32_t mask = a->plen == 0 ? 0 :
			htonl(~UINT32_C(0) << (32 - a->plen));

		if (nb->address == a->addr)
			return topo_fail(c, m.val[NB_ADDRESS], apath,
					 "%s is the router's own address (interface in '%s')",
					 topo_ipv4_str(nb->address, buf),
					 rt->ifaces[k].network);
		on_link = ((nb->address ^ a->addr) & mask) == 0;
	}
	if (!on_link)
		return topo_fail(c, m.val[NB_ADDRESS], apath,
				 "%s is on none of the router's interface subnets",
				 topo_ipv4_str(nb->address, buf));
	for (unsigned int k = 0; k < i; k++)
		if (rt->neighbors[k].address == nb->address)
			return topo_fail(c, m.val[NB_ADDRESS], apath,
					 "neighbor %s is already defined on line %d",
					 topo_ipv4_str(nb->address, buf),
					 rt->neighbors[k].line);
	has = false;
	rc = topo_map_mac(&m, NB_MAC, true, &has, nb->mac);
	if (rc < 0)
		return rc;
	if (!has)
		return topo_map_missing(&m, NB_MAC);
	return 0;
}

static int
topo_router_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
		 void *parent, unsigned int i)
{
	struct topo_router *rt = &c->t->routers[i];
	struct topo_map m;
	uint32_t prev;
	int rc;

	rt->line = topo_node_line(node);
	rc = topo_map_load(c, node, path, topo_router_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_map_name(&m, RT_NAME, true, rt->name);
	if (rc < 0)
		return rc;
	rc = topo_name_claim(c, &c->routers, rt->name, i, &prev);
	if (rc == -EEXIST)
		return topo_dup_fail(&m, RT_NAME, "router", rt->name,
				     c->t->routers[prev].line);
	if (rc < 0)
		return rc;
	c->stamp++;
	rc = topo_list_parse(&m, RT_INTERFACES, true, &rt->ifaces,
			     &rt->n_ifaces, sizeof(*rt->ifaces),
			     topo_iface_item, rt);
	if (rc < 0)
		return rc;
	topo_index_reset(&c->routes);
	rc = topo_list_parse(&m, RT_ROUTES, false, &rt->routes,
			     &rt->n_routes, sizeof(*rt->routes),
			     topo_route_item, rt);
	if (rc < 0)
		return rc;
	rc = topo_list_parse(&m, RT_NEIGHBORS, false, &rt->neighbors,
			     &rt->n_neighbors, sizeof(*rt->neighbors),
			     topo_neighbor_item, rt);
	/* By address, as the dataplane exports them: the two compare equal. */
	if (rc == 0)
		topo_router_neighbors_sort(rt);
	return rc;
}

/* ---- overlay ---- */

enum { OV_PORT, OV_ADDRESS, OV_GATEWAY, OV_PEERS };
static const char *const topo_overlay_keys[] = {
	"port", "address", "gateway", "peers", NULL,
};

enum { PEER_VNI, PEER_VTEPS, PEER_LEARN_ANY };
static const char *const topo_peer_keys[] = {
	"vni", "vteps", "learn_any_vtep", NULL,
};

static int
topo_peer_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
	       void *parent, unsigned int i)
{
	struct topo_overlay *ov = parent;
	struct topo_peer *peer = &ov->peers[i];
	char vpath[TOPO_KEYPATH_MAX], buf[16];
	struct topo_map m;
	uint32_t net, vni;
	unsigned int j;
	uint64_t v;
	int rc;

	rc = topo_map_load(c, node, path, topo_peer_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_map_uint(&m, PEER_VNI, true, 1, 16777215, &v);
	if (rc < 0)
		return rc;
	peer->vni = vni = (uint32_t)v;
	topo_map_path(&m, PEER_VNI, vpath);
	if (topo_index_get(&c->vnis, &vni, sizeof(vni), &net) < 0)
		return topo_fail(c, m.val[PEER_VNI], vpath,
				 "vni %u is not the vni of any network", vni);
	if (c->net_stamp[net] == c->stamp)
		return topo_fail(c, m.val[PEER_VNI], vpath,
				 "vni %u already has a peers entry (line %u); list all its VTEPs there",
				 vni, c->net_aux[net]);
	c->net_stamp[net] = c->stamp;
	c->net_aux[net] = (uint32_t)topo_node_line(node);
	rc = topo_map_ipv4_list(&m, PEER_VTEPS, true, TOPO_VTEPS_MAX, "VTEP",
				peer->vteps, &peer->n_vteps);
	if (rc < 0)
		return rc;
	for (j = 0; j < peer->n_vteps; j++) {
		if (peer->vteps[j] == ov->address.addr) {
			topo_map_path(&m, PEER_VTEPS, vpath);
			return topo_fail(c, m.val[PEER_VTEPS], vpath,
					 "%s is this host's own VTEP address (overlay.address)",
					 topo_ipv4_str(peer->vteps[j], buf));
		}
	}
	return topo_map_bool(&m, PEER_LEARN_ANY, &peer->learn_any_vtep);
}

static int
topo_overlay_parse(struct topo_ctx *c, yaml_node_t *node)
{
	struct topo_overlay *ov = &c->t->overlay;
	char ppath[TOPO_KEYPATH_MAX], buf[16], buf2[16];
	const struct topo_port *port;
	struct topo_map m;
	uint32_t idx, mask;
	int rc;

	if (node == NULL || topo_node_is_null(node))
		return 0;
	ov->present = true;
	ov->line = topo_node_line(node);
	rc = topo_map_load(c, node, topo_kind_get(TOPO_KIND_OVERLAY)->plural,
			   topo_overlay_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_map_port_ref(&m, OV_PORT, true, ov->port, &idx);
	if (rc < 0)
		return rc;
	port = &c->t->ports[idx];
	if (port->kind != TOPO_PORT_PHY && port->kind != TOPO_PORT_TAP &&
	    port->kind != TOPO_PORT_AFXDP && port->kind != TOPO_PORT_PCAP) {
		topo_map_path(&m, OV_PORT, ppath);
		return topo_fail(c, m.val[OV_PORT], ppath,
				 "port '%s' is a %s port; the underlay must be a phy, tap, afxdp or pcap port",
				 port->name, topo_port_kind_str(port->kind));
	}
	if (c->bare_node == NULL || c->bare_idx != idx) {
		topo_map_path(&m, OV_PORT, ppath);
		return topo_fail(c, m.val[OV_PORT], ppath,
				 "port '%s' is in a tenant network; the underlay carries the host's own traffic: give it neither network nor trunk",
				 port->name);
	}
	c->bare_node = NULL;
	rc = topo_host_prefix(&m, OV_ADDRESS, &ov->address);
	if (rc < 0)
		return rc;
	rc = topo_map_ipv4(&m, OV_GATEWAY, false, &ov->has_gateway,
			   &ov->gateway);
	if (rc < 0)
		return rc;
	if (ov->has_gateway) {
		topo_map_path(&m, OV_GATEWAY, ppath);
		mask = topo_plen_mask(ov->address.plen);
		if ((ov->gateway & mask) != (ov->address.addr & mask))
			return topo_fail(c, m.val[OV_GATEWAY], ppath,
					 "gateway %s is not in the overlay's subnet %s/%u",
					 topo_ipv4_str(ov->gateway, buf),
					 topo_ipv4_str(ov->address.addr & mask,
						       buf2),
					 ov->address.plen);
		if (ov->gateway == ov->address.addr)
			return topo_fail(c, m.val[OV_GATEWAY], ppath,
					 "gateway %s is this host's own VTEP address",
					 topo_ipv4_str(ov->gateway, buf));
	}
	c->stamp++;
	return topo_list_parse(&m, OV_PEERS, false, &ov->peers, &ov->n_peers,
			       sizeof(*ov->peers), topo_peer_item, ov);
}

/* ---- flows ---- */

enum { FL_NAME, FL_PRIORITY, FL_NETWORK, FL_MATCH, FL_ACTION };
static const char *const topo_flow_keys[] = {
	"name", "priority", "network", "match", "action", NULL,
};

/* In the order of enum topo_match_field: key k sets bit 1 << k. */
enum {
	M_IN_PORT, M_ETH_SRC, M_ETH_DST, M_ETH_TYPE, M_VLAN, M_IP_SRC,
	M_IP_DST, M_IP_PROTO, M_TP_SRC, M_TP_DST,
};
static const char *const topo_match_keys[] = {
	"in_port", "eth_src", "eth_dst", "eth_type", "vlan", "ip_src",
	"ip_dst", "ip_proto", "tp_src", "tp_dst", NULL,
};

enum { ACT_OUTPUT, ACT_MIRROR };
static const char *const topo_action_keys[] = { "output", "mirror", NULL };

static const char *const topo_action_hint =
	"use allow, drop, {output: PORT} or {mirror: PORT}";

static int
topo_ip_proto_parse(const struct topo_map *m, uint8_t *proto)
{
	static const struct { const char *name; uint8_t num; } names[] = {
		{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 },
	};
	yaml_node_t *n = m->val[M_IP_PROTO];
	char path[TOPO_KEYPATH_MAX];
	const char *s;
	uint64_t v;
	size_t i;

	topo_map_path(m, M_IP_PROTO, path);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (topo_node_is(n, names[i].name)) {
			*proto = names[i].num;
			return 0;
		}
	}
	if (n->type == YAML_SCALAR_NODE) {
		s = (const char *)n->data.scalar.value;
		if (s[0] >= '0' && s[0] <= '9') {
			if (topo_node_uint(m->c, n, path, 0, 255, &v) < 0)
				return -EINVAL;
			*proto = (uint8_t)v;
			return 0;
		}
	}
	return topo_fail(m->c, n, path,
			 "'%.40s' is not an IP protocol; use tcp, udp, icmp or a number 0..255",
			 n->type == YAML_SCALAR_NODE ?
				 (const char *)n->data.scalar.value : "...");
}

static int
topo_match_parse(struct topo_ctx *c, yaml_node_t *node, const char *path,
		 struct topo_match *mt)
{
	char kpath[TOPO_KEYPATH_MAX];
	struct topo_map m;
	uint32_t idx;
	uint64_t v;
	bool has;
	int k, rc;

	if (topo_node_is_null(node))
		return 0;
	rc = topo_map_load(c, node, path, topo_match_keys, &m);
	if (rc < 0)
		return rc;
	for (k = M_IN_PORT; k <= M_TP_DST; k++)
		if (m.val[k] != NULL)
			mt->fields |= 1u << k;

	rc = topo_map_port_ref(&m, M_IN_PORT, false, mt->in_port, &idx);
	if (rc < 0)
		return rc;
	/* Matching multicast addresses is fine: no unicast check here. */
	rc = topo_map_mac(&m, M_ETH_SRC, false, &has, mt->eth_src);
	if (rc < 0)
		return rc;
	rc = topo_map_mac(&m, M_ETH_DST, false, &has, mt->eth_dst);
	if (rc < 0)
		return rc;
	/* Values below 0x0600 are 802.3 lengths, not EtherTypes. */
	v = 0;
	rc = topo_map_uint(&m, M_ETH_TYPE, false, 0x0600, 0xffff, &v);
	if (rc < 0)
		return rc;
	mt->eth_type = (uint16_t)v;
	v = 0;
	rc = topo_map_uint(&m, M_VLAN, false, 1, 4094, &v);
	if (rc < 0)
		return rc;
	mt->vlan = (uint16_t)v;
	rc = topo_map_prefix(&m, M_IP_SRC, false, true, &mt->ip_src);
	if (rc < 0)
		return rc;
	rc = topo_map_prefix(&m, M_IP_DST, false, true, &mt->ip_dst);
	if (rc < 0)
		return rc;
	if (m.val[M_IP_PROTO] != NULL &&
	    topo_ip_proto_parse(&m, &mt->ip_proto) < 0)
		return -EINVAL;

	for (k = M_IP_SRC; k <= M_TP_DST; k++) {
		if (m.val[k] == NULL || m.val[M_ETH_TYPE] == NULL ||
		    mt->eth_type == 0x0800)
			continue;
		topo_map_path(&m, k, kpath);
		return topo_fail(c, m.key[k], kpath,
				 "%s needs eth_type 0x0800 (IPv4) or no eth_type, not 0x%04x",
				 topo_match_keys[k], mt->eth_type);
	}
	for (k = M_TP_SRC; k <= M_TP_DST; k++) {
		if (m.val[k] == NULL)
			continue;
		topo_map_path(&m, k, kpath);
		if (m.val[M_IP_PROTO] == NULL ||
		    (mt->ip_proto != 6 && mt->ip_proto != 17 &&
		     mt->ip_proto != 132))
			return topo_fail(c, m.key[k], kpath,
					 "matching %s needs ip_proto tcp or udp",
					 topo_match_keys[k]);
		if (k == M_TP_SRC)
			rc = topo_node_port_range(c, m.val[k], kpath,
						  &mt->tp_src_lo,
						  &mt->tp_src_hi);
		else
			rc = topo_node_port_range(c, m.val[k], kpath,
						  &mt->tp_dst_lo,
						  &mt->tp_dst_hi);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int
topo_action_parse(const struct topo_map *fm, struct topo_flow *fl)
{
	yaml_node_t *n = fm->val[FL_ACTION];
	char path[TOPO_KEYPATH_MAX];
	struct topo_map m;
	uint32_t idx;
	int rc, k;

	if (n == NULL)
		return topo_map_missing(fm, FL_ACTION);
	topo_map_path(fm, FL_ACTION, path);
	if (topo_node_is(n, "allow")) {
		fl->action = TOPO_ACT_ALLOW;
		return 0;
	}
	if (topo_node_is(n, "drop")) {
		fl->action = TOPO_ACT_DROP;
		return 0;
	}
	if (n->type == YAML_SCALAR_NODE)
		return topo_fail(fm->c, n, path, "'%.40s' is not an action; %s",
				 (const char *)n->data.scalar.value,
				 topo_action_hint);
	if (n->type != YAML_MAPPING_NODE)
		return topo_fail(fm->c, n, path,
				 "expected an action, got a list; %s",
				 topo_action_hint);
	rc = topo_map_load(fm->c, n, path, topo_action_keys, &m);
	if (rc < 0)
		return rc;
	if ((m.val[ACT_OUTPUT] != NULL) == (m.val[ACT_MIRROR] != NULL))
		return topo_fail(fm->c, n, path,
				 "an action mapping has exactly one key, output or mirror");
	k = m.val[ACT_OUTPUT] != NULL ? ACT_OUTPUT : ACT_MIRROR;
	fl->action = k == ACT_OUTPUT ? TOPO_ACT_OUTPUT : TOPO_ACT_MIRROR;
	return topo_map_port_ref(&m, k, true, fl->action_port, &idx);
}

static int
topo_flow_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
	       void *parent, unsigned int i)
{
	struct topo_flow *fl = &c->t->flows[i];
	char mpath[TOPO_KEYPATH_MAX];
	struct topo_map m;
	uint32_t prev, net;
	uint64_t v;
	int rc;

	fl->line = topo_node_line(node);
	rc = topo_map_load(c, node, path, topo_flow_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_map_name(&m, FL_NAME, true, fl->name);
	if (rc < 0)
		return rc;
	rc = topo_name_claim(c, &c->flows, fl->name, i, &prev);
	if (rc == -EEXIST)
		return topo_dup_fail(&m, FL_NAME, "flow", fl->name,
				     c->t->flows[prev].line);
	if (rc < 0)
		return rc;
	rc = topo_map_uint(&m, FL_PRIORITY, true, 0, 65535, &v);
	if (rc < 0)
		return rc;
	fl->priority = (uint32_t)v;
	rc = topo_network_ref(&m, FL_NETWORK, false, fl->network, &net);
	if (rc < 0)
		return rc;
	if (m.val[FL_MATCH] != NULL) {
		topo_map_path(&m, FL_MATCH, mpath);
		rc = topo_match_parse(c, m.val[FL_MATCH], mpath, &fl->match);
		if (rc < 0)
			return rc;
	}
	return topo_action_parse(&m, fl);
}

/* ---- vms ---- */

enum {
	VM_NAME, VM_CPUS, VM_MEMORY, VM_NICS, VM_ACCEL, VM_KERNEL, VM_INITRD,
	VM_CMDLINE, VM_DISK,
};
static const char *const topo_vm_keys[] = {
	"name", "cpus", "memory", "nics", "accel", "kernel", "initrd",
	"cmdline", "disk", NULL,
};

static int
topo_vm_nics_parse(struct topo_ctx *c, const struct topo_map *m,
		   struct topo_vm *vm, unsigned int vm_idx)
{
	char path[TOPO_KEYPATH_MAX], ipath[TOPO_KEYPATH_MAX];
	const struct topo_port *port;
	yaml_node_item_t *items;
	yaml_node_t *node;
	size_t count, i;
	uint32_t idx;
	int rc;

	rc = topo_map_seq(m, VM_NICS, true, &items, &count);
	if (rc < 0)
		return rc;
	topo_map_path(m, VM_NICS, path);
	if (count == 0)
		return topo_fail(c, m->key[VM_NICS], path,
				 "must list at least one vhost port");
	if (count > TOPO_VM_NICS_MAX)
		return topo_fail(c, m->val[VM_NICS], path,
				 "%zu nics listed; the maximum is %d", count,
				 TOPO_VM_NICS_MAX);
	for (i = 0; i < count; i++) {
		node = yaml_document_get_node(&c->doc, items[i]);
		topo_path_idx(ipath, path, i);
		rc = topo_port_ref(c, node, ipath, vm->nics[i], &idx);
		if (rc < 0)
			return rc;
		port = &c->t->ports[idx];
		if (port->kind != TOPO_PORT_VHOST)
			return topo_fail(c, node, ipath,
					 "port '%s' is a %s port; VM nics must be vhost ports",
					 port->name,
					 topo_port_kind_str(port->kind));
		if (c->port_vm[idx] == (int32_t)vm_idx)
			return topo_fail(c, node, ipath,
					 "port '%s' is listed twice", port->name);
		if (c->port_vm[idx] >= 0)
			return topo_fail(c, node, ipath,
					 "port '%s' is already a nic of vm '%s'",
					 port->name,
					 c->t->vms[c->port_vm[idx]].name);
		c->port_vm[idx] = (int32_t)vm_idx;
		vm->n_nics = (unsigned int)i + 1;
	}
	return 0;
}

static int
topo_vm_item(struct topo_ctx *c, yaml_node_t *node, const char *path,
	     void *parent, unsigned int i)
{
	struct topo_vm *vm = &c->t->vms[i];
	char kpath[TOPO_KEYPATH_MAX];
	struct topo_map m;
	uint32_t prev;
	uint64_t v;
	int rc, accel = TOPO_ACCEL_AUTO;

	vm->line = topo_node_line(node);
	vm->cpus = 1;
	vm->memory = 256ull << 20;
	rc = topo_map_load(c, node, path, topo_vm_keys, &m);
	if (rc < 0)
		return rc;
	rc = topo_map_name(&m, VM_NAME, true, vm->name);
	if (rc < 0)
		return rc;
	rc = topo_name_claim(c, &c->vms, vm->name, i, &prev);
	if (rc == -EEXIST)
		return topo_dup_fail(&m, VM_NAME, "vm", vm->name,
				     c->t->vms[prev].line);
	if (rc < 0)
		return rc;
	v = vm->cpus;
	rc = topo_map_uint(&m, VM_CPUS, false, 1, 64, &v);
	if (rc < 0)
		return rc;
	vm->cpus = (unsigned int)v;
	if (m.val[VM_MEMORY] != NULL) {
		topo_map_path(&m, VM_MEMORY, kpath);
		rc = topo_node_memory(c, m.val[VM_MEMORY], kpath, &vm->memory);
		if (rc < 0)
			return rc;
	}
	rc = topo_vm_nics_parse(c, &m, vm, i);
	if (rc < 0)
		return rc;
	rc = topo_map_enum(&m, VM_ACCEL, false, topo_accel_names,
			   "an accelerator", &accel);
	if (rc < 0)
		return rc;
	vm->accel = (enum topo_accel)accel;

	if (m.val[VM_KERNEL] != NULL && m.val[VM_DISK] != NULL) {
		topo_map_path(&m, VM_DISK, kpath);
		return topo_fail(c, m.key[VM_DISK], kpath,
				 "give either kernel (direct boot) or disk, not both");
	}
	if (m.val[VM_KERNEL] == NULL && m.val[VM_DISK] == NULL)
		return topo_fail(c, node, path,
				 "missing required key 'kernel' or 'disk' (what the VM boots)");
	if (m.val[VM_KERNEL] == NULL) {
		rc = m.val[VM_INITRD] != NULL ? VM_INITRD :
		     m.val[VM_CMDLINE] != NULL ? VM_CMDLINE : -1;
		if (rc >= 0) {
			topo_map_path(&m, rc, kpath);
			return topo_fail(c, m.key[rc], kpath,
					 "%s goes with kernel; a disk boots on its own",
					 topo_vm_keys[rc]);
		}
	}
	rc = topo_map_str(&m, VM_KERNEL, false, vm->kernel, sizeof(vm->kernel));
	if (rc < 0)
		return rc;
	rc = topo_map_str(&m, VM_INITRD, false, vm->initrd, sizeof(vm->initrd));
	if (rc < 0)
		return rc;
	rc = topo_map_str(&m, VM_CMDLINE, false, vm->cmdline,
			  sizeof(vm->cmdline));
	if (rc < 0)
		return rc;
	return topo_map_str(&m, VM_DISK, false, vm->disk, sizeof(vm->disk));
}

/* ---- Document ---- */

/* The document's keys, indexed by enum topo_kind. */
static const char *const topo_top_keys[] = {
#define TOPO_TOP_KEY(sym, singular, plural, single, refers, set, del) plural,
	TOPO_KINDS(TOPO_TOP_KEY)
#undef TOPO_TOP_KEY
	NULL,
};

static int
topo_root_parse(struct topo_ctx *c)
{
	struct topo *t = c->t;
	yaml_node_t *root;
	struct topo_map m;
	unsigned int i;
	int rc;

	root = yaml_document_get_root_node(&c->doc);
	/* An empty file, or only comments, or "---": no desired state. */
	if (root == NULL || topo_node_is_null(root))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return topo_fail(c, root, NULL,
				 "the document must be a mapping with keys networks, ports, routers, overlay, flows and vms; it is %s",
				 root->type == YAML_SEQUENCE_NODE ? "a list" :
								    "a scalar");
	rc = topo_map_load(c, root, "", topo_top_keys, &m);
	if (rc < 0)
		return rc;

	rc = topo_list_parse(&m, TOPO_KIND_NETWORK, false, &t->networks,
			     &t->n_networks, sizeof(*t->networks),
			     topo_network_item, NULL);
	if (rc < 0)
		return rc;
	c->net_stamp = calloc(t->n_networks + 1, sizeof(*c->net_stamp));
	c->net_aux = calloc(t->n_networks + 1, sizeof(*c->net_aux));
	if (c->net_stamp == NULL || c->net_aux == NULL)
		return topo_nomem(c);

	rc = topo_list_parse(&m, TOPO_KIND_PORT, false, &t->ports, &t->n_ports,
			     sizeof(*t->ports), topo_port_item, NULL);
	if (rc < 0)
		return rc;
	c->port_vm = malloc((t->n_ports + 1) * sizeof(*c->port_vm));
	if (c->port_vm == NULL)
		return topo_nomem(c);
	for (i = 0; i < t->n_ports; i++)
		c->port_vm[i] = -1;

	rc = topo_list_parse(&m, TOPO_KIND_ROUTER, false, &t->routers,
			     &t->n_routers, sizeof(*t->routers),
			     topo_router_item, NULL);
	if (rc < 0)
		return rc;
	rc = topo_overlay_parse(c, m.val[TOPO_KIND_OVERLAY]);
	if (rc < 0)
		return rc;
	if (c->bare_node != NULL && !c->part)
		return topo_fail(c, c->bare_node, c->bare_path,
				 TOPO_MSG_NO_NETWORK " (only the port that overlay.port names has neither)");
	rc = topo_list_parse(&m, TOPO_KIND_FLOW, false, &t->flows, &t->n_flows,
			     sizeof(*t->flows), topo_flow_item, NULL);
	if (rc < 0)
		return rc;
	return topo_list_parse(&m, TOPO_KIND_VM, false, &t->vms, &t->n_vms,
			       sizeof(*t->vms), topo_vm_item, NULL);
}

static void
topo_ctx_fini(struct topo_ctx *c)
{
	if (c->doc_loaded)
		yaml_document_delete(&c->doc);
	topo_index_fini(&c->networks);
	topo_index_fini(&c->ports);
	topo_index_fini(&c->routers);
	topo_index_fini(&c->flows);
	topo_index_fini(&c->vms);
	topo_index_fini(&c->vnis);
	topo_index_fini(&c->routes);
	free(c->net_stamp);
	free(c->net_aux);
	free(c->port_vm);
}

struct topo *
topo_parse_string(const char *text, size_t len, const char *name,
		  struct topo_error *err)
{
	return topo_parse_text(text, len, name, false, err);
}

struct topo *
topo_parse_text(const char *text, size_t len, const char *name, bool part,
		struct topo_error *err)
{
	struct topo_error local;
	struct topo_ctx c;
	int rc;

	if (err == NULL)
		err = &local;
	memset(err, 0, sizeof(*err));
	memset(&c, 0, sizeof(c));
	c.file = name != NULL ? name : "<string>";
	c.err = err;
	c.part = part;
	c.t = calloc(1, sizeof(*c.t));
	if (c.t == NULL) {
		topo_nomem(&c);
		return NULL;
	}
	rc = topo_doc_load(&c, text != NULL ? text : "",
			   text != NULL ? len : 0);
	if (rc == 0)
		rc = topo_root_parse(&c);
	topo_ctx_fini(&c);
	if (rc < 0) {
		topo_free(c.t);
		return NULL;
	}
	return c.t;
}

struct topo *
topo_parse_file(const char *path, struct topo_error *err)
{
	struct topo_error local;
	struct topo *t = NULL;
	size_t len = 0, cap = 0;
	char *buf = NULL, *nb;
	ssize_t n;
	int fd, e = 0;

	if (err == NULL)
		err = &local;
	memset(err, 0, sizeof(*err));
	fd = path != NULL ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0) {
		e = path != NULL ? errno : EINVAL;
		goto out;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 16384;
			nb = realloc(buf, cap);
			if (nb == NULL) {
				e = ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n > 0) {
			len += (size_t)n;
		} else if (n == 0) {
			break;
		} else if (errno != EINTR) {
			e = errno;
			break;
		}
	}
	close(fd);
	if (e == 0)
		t = topo_parse_string(buf, len, path, err);
out:
	if (e != 0)
		snprintf(err->msg, sizeof(err->msg), "%s: cannot read: %s",
			 path != NULL ? path : "(null)", strerror(e));
	free(buf);
	return t;
}

void
topo_free(struct topo *t)
{
	unsigned int i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n_ports; i++)
		free(t->ports[i].trunk);
	for (i = 0; i < t->n_routers; i++) {
		free(t->routers[i].ifaces);
		free(t->routers[i].routes);
		free(t->routers[i].neighbors);
	}
	free(t->overlay.peers);
	free(t->networks);
	free(t->ports);
	free(t->routers);
	free(t->flows);
	free(t->vms);
	free(t);
}

const struct topo_network *
topo_network_find(const struct topo *t, const char *name)
{
	unsigned int i;

	if (t == NULL || name == NULL)
		return NULL;
	for (i = 0; i < t->n_networks; i++)
		if (strcmp(t->networks[i].name, name) == 0)
			return &t->networks[i];
	return NULL;
}

const struct topo_port *
topo_port_find(const struct topo *t, const char *name)
{
	unsigned int i;

	if (t == NULL || name == NULL)
		return NULL;
	for (i = 0; i < t->n_ports; i++)
		if (strcmp(t->ports[i].name, name) == 0)
			return &t->ports[i];
	return NULL;
}
