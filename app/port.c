/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port module: the topology's ports as dataplane ports (ethdevs made
 * from devargs; vhost ports are vNICs, which vnic/ makes), and the port.*
 * methods. What a port does with its frames is the business of the module
 * that claims it (the switch for L2 ports); dp_port_del() tells them all.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dataplane.h"
#include "vnic.h"
#include "yard.h"

/* What each port was made as, in the topology's terms. */
static struct {
	enum topo_port_kind kind;
	bool vhost_server;
	char socket[TOPO_PATH_MAX];
	bool has_mac;		/**< A port in no network: its own MAC given. */
	uint8_t mac[6];
	char netns[TOPO_NAME_MAX];	/**< A tap moved there (port_netns.c). */
	struct topo_prefix addresses[TOPO_PORT_ADDRS_MAX];
	unsigned int n_addresses;
} made[DP_PORTS_MAX];

/* Whether port `port` was made in the namespace set-up `tp` asks for. */
static bool
netns_same(int port, const struct topo_port *tp)
{
	return strcmp(made[port].netns, tp->netns) == 0 &&
	       made[port].n_addresses == tp->n_addresses &&
	       memcmp(made[port].addresses, tp->addresses,
		      tp->n_addresses * sizeof(tp->addresses[0])) == 0;
}

/*
 * A tap with a netns goes there as soon as it is made: when yard-dp
 * restarts, the new tap lands where the old one was, addresses included.
 */
static int
port_netns_set(uint16_t port, const struct topo_port *tp, char *why,
	       size_t len)
{
	struct rte_eth_dev_info info;
	int ret;

	if (tp->netns[0] == '\0')
		return 0;
	ret = rte_eth_dev_info_get(dp_ports[port].port_id, &info);
	if (ret < 0) {
		snprintf(why, len, "port %s: %s", tp->name, strerror(-ret));
		return ret;
	}
	return port_netns_apply(tp, info.if_index, why, len);
}

/*
 * A port in no network (the overlay's underlay) is a host on its own:
 * `mac` is its address (the VTEP's), not a port-security rule.
 */
static void
port_mac_set(uint16_t port, const struct topo_port *tp)
{
	struct rte_ether_addr mac;

	made[port].has_mac = false;
	if (tp->network[0] != '\0' || tp->n_trunk != 0 || !tp->has_mac)
		return;
	memcpy(mac.addr_bytes, tp->mac, sizeof(mac.addr_bytes));
	/* Drivers without the call (net_ring, vNICs) keep it in software. */
	if (port < RTE_MAX_ETHPORTS)
		rte_eth_dev_default_mac_addr_set(dp_ports[port].port_id, &mac);
	dp_ports[port].mac = mac;
	made[port].has_mac = true;
	memcpy(made[port].mac, tp->mac, sizeof(made[port].mac));
}

/*
 * Drivers that belong to a kind, under their names and DPDK's aliases: a
 * port of that kind takes only its own, and a phy port none of them (a phy
 * port made a vhost or pcap device would escape what those kinds check).
 */
static const struct {
	enum topo_port_kind kind;
	const char *driver, *alias;
} kind_drivers[] = {
	{ TOPO_PORT_AFXDP, "net_af_xdp", "eth_af_xdp" },
	{ TOPO_PORT_PCAP, "net_pcap", "eth_pcap" },
	{ TOPO_PORT_TAP, "net_tap", "eth_tap" },
	/* vhost ports are vNICs: no other kind takes the vhost PMD. */
	{ TOPO_PORT_VHOST, "net_vhost", "eth_vhost" },
};

/*
 * A device name as yard-dp accepts it: a vdev name of [a-z0-9_], or a PCI
 * address of hex digits, ':' and '.'. Nothing else, so no "bus:" prefix
 * or "key=" form reaches the EAL's parser.
 */
static bool
devname_ok(const char *name, size_t len)
{
	bool vdev = len > 0, pci = len > 0;

	for (size_t i = 0; i < len; i++) {
		char c = name[i];

		vdev &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
		pci &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		       (c >= 'A' && c <= 'F') || c == ':' || c == '.';
	}
	return vdev || pci;
}

/* Do the devargs name a device of the port's kind? */
static int
devargs_fit(const struct topo_port *tp, char *why, size_t len)
{
	const char *kind = topo_port_kind_str(tp->kind);
	size_t n = strcspn(tp->devargs, ",");

	/* Empty devargs are the port layer's to refuse (or its factory's). */
	if (tp->devargs[0] == '\0')
		return 0;
	if (!devname_ok(tp->devargs, n)) {
		snprintf(why, len, "port %s: devargs '%s' do not start with a "
			 "device name ([a-z0-9_] or a PCI address)", tp->name,
			 tp->devargs);
		return -EINVAL;
	}
	for (size_t i = 0; i < RTE_DIM(kind_drivers); i++) {
		bool named = strncmp(tp->devargs, kind_drivers[i].driver,
				     strlen(kind_drivers[i].driver)) == 0 ||
			     strncmp(tp->devargs, kind_drivers[i].alias,
				     strlen(kind_drivers[i].alias)) == 0;

		if (kind_drivers[i].kind == tp->kind && !named) {
			snprintf(why, len, "port %s: a %s port takes a %s device "
				 "(devargs %sNAME,...), not '%.*s'", tp->name, kind,
				 kind_drivers[i].driver, kind_drivers[i].driver,
				 (int)n, tp->devargs);
			return -EINVAL;
		}
		if (kind_drivers[i].kind != tp->kind && named) {
			snprintf(why, len, "port %s: '%.*s' is a %s device; make it "
				 "a port of kind %s, not %s", tp->name, (int)n,
				 tp->devargs, kind_drivers[i].driver,
				 topo_port_kind_str(kind_drivers[i].kind), kind);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * The devargs of a port, checked: yard-dp may be driven by scripts
 * without yardd's policy in front, so it refuses itself what would make a
 * port more than its kind.
 */
static int
port_devargs(const struct topo_port *tp, char *buf, size_t len, char *why,
	     size_t why_len)
{
	int ret;

	if (tp->kind != TOPO_PORT_VHOST) {
		ret = devargs_fit(tp, why, why_len);
		if (ret == 0)
			snprintf(buf, len, "%s", tp->devargs);
		return ret;
	}
	ret = vnic_describe(tp->socket, tp->vhost_server, buf, len);
	if (ret == -EINVAL)
		snprintf(why, why_len, "port %s: socket '%s' is not an absolute "
			 "path free of devargs separators (',', '=', ';', "
			 "brackets, white space); choose another path", tp->name,
			 tp->socket);
	else if (ret < 0)
		snprintf(why, why_len, "port %s: socket path too long: %s",
			 tp->name, tp->socket);
	return ret;
}

/*
 * A vhost socket is one port's: another port on the same path would
 * connect a second tenant to the same VM (or listener).
 */
static int
socket_owner(const struct topo_port *tp)
{
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		if (dp_ports[p].used && made[p].kind == TOPO_PORT_VHOST &&
		    strcmp(made[p].socket, tp->socket) == 0 &&
		    strcmp(dp_ports[p].name, tp->name) != 0)
			return p;
	return -ENOENT;
}

/*
 * In server mode rte_vhost binds the path, and when the port goes (a
 * failed bind included) unlinks it: whatever file was there is gone. So
 * yard-dp listens only where nothing is: a path it did not create is not
 * its to remove.
 */
static int
socket_free_check(const struct topo_port *tp, int port, char *why, size_t len)
{
	struct stat st;

	if (!tp->vhost_server)
		return 0;
	if (port >= 0 && made[port].vhost_server &&
	    strcmp(made[port].socket, tp->socket) == 0)
		return 0;	/* Ours, from this port. */
	if (lstat(tp->socket, &st) < 0)
		return 0;
	snprintf(why, len, "port %s: socket '%s' exists already (%s); in "
		 "server mode yard-dp listens only on a path it creates: remove "
		 "it if it is a stale socket, or choose another path", tp->name,
		 tp->socket, S_ISSOCK(st.st_mode) ? "a socket" : "not a socket");
	return -EEXIST;
}

/* Make the port unless it exists with the same devargs. */
static int
port_make(const struct topo_port *tp, char *why, size_t len)
{
	char devargs[512];
	int port, ret, owner;

	ret = port_devargs(tp, devargs, sizeof(devargs), why, len);
	if (ret < 0)
		return ret;
	owner = tp->kind == TOPO_PORT_VHOST ? socket_owner(tp) : -ENOENT;
	if (owner >= 0) {
		snprintf(why, len, "port %s: socket '%s' belongs to port %s "
			 "already; give each vhost port its own socket", tp->name,
			 tp->socket, dp_ports[owner].name);
		return -EADDRINUSE;
	}
	port = dp_port_find(tp->name);
	if (port >= 0 && strcmp(dp_ports[port].devargs, devargs) == 0 &&
	    netns_same(port, tp))
		goto made;
	if (tp->kind == TOPO_PORT_VHOST) {
		ret = socket_free_check(tp, port, why, len);
		if (ret < 0)
			return ret;
	}
	/* Another device under the same name: make it anew. */
	if (port >= 0)
		dp_port_del((uint16_t)port);
	/* yard-replay's factory makes every port, vNICs too, a ring port. */
	if (tp->kind == TOPO_PORT_VHOST && dp_port_factory_get() == NULL) {
		port = vnic_port_add(tp->name, tp->socket, tp->vhost_server, why,
				     len);
		if (port < 0)
			return port;
		goto made;
	}
	port = dp_port_add(tp->name, devargs);
	if (port < 0) {
		/* The port layer's reason names the port already. */
		if (dp_port_error()[0] != '\0')
			snprintf(why, len, "%s", dp_port_error());
		else
			snprintf(why, len, "port %s: cannot create from '%s': %s",
				 tp->name, devargs, strerror(-port));
		return port;
	}
	ret = port_netns_set((uint16_t)port, tp, why, len);
	if (ret < 0) {
		dp_port_del((uint16_t)port);
		return ret;
	}
made:
	made[port].kind = tp->kind;
	made[port].vhost_server = tp->vhost_server;
	snprintf(made[port].socket, sizeof(made[port].socket), "%s", tp->socket);
	snprintf(made[port].netns, sizeof(made[port].netns), "%s", tp->netns);
	memcpy(made[port].addresses, tp->addresses, sizeof(tp->addresses));
	made[port].n_addresses = tp->n_addresses;
	port_mac_set((uint16_t)port, tp);
	return 0;
}

static int
port_apply(const struct topo *t, char *why, size_t len)
{
	for (unsigned int i = 0; i < t->n_ports; i++) {
		int ret = port_make(&t->ports[i], why, len);

		if (ret < 0)
			return ret;
	}
	return 0;
}

static void
port_prune(const struct topo *t)
{
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		if (dp_ports[p].used && topo_port_find(t, dp_ports[p].name) == NULL)
			dp_port_del(p);
}

/* The ports as made; the modules after this one add what they hold of each. */
static int
port_export(struct topo *t)
{
	unsigned int n = 0;

	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		n += dp_ports[p].used;
	t->ports = calloc(n ? n : 1, sizeof(*t->ports));
	if (t->ports == NULL)
		return -ENOMEM;
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++) {
		struct topo_port *tp = &t->ports[t->n_ports];

		if (!dp_ports[p].used)
			continue;
		snprintf(tp->name, sizeof(tp->name), "%s", dp_ports[p].name);
		tp->kind = made[p].kind;
		tp->vhost_server = made[p].vhost_server;
		tp->has_mac = made[p].has_mac;
		memcpy(tp->mac, made[p].mac, sizeof(tp->mac));
		if (tp->kind == TOPO_PORT_VHOST)
			snprintf(tp->socket, sizeof(tp->socket), "%s",
				 made[p].socket);
		else
			snprintf(tp->devargs, sizeof(tp->devargs), "%s",
				 dp_ports[p].devargs);
		snprintf(tp->netns, sizeof(tp->netns), "%s", made[p].netns);
		memcpy(tp->addresses, made[p].addresses, sizeof(tp->addresses));
		tp->n_addresses = made[p].n_addresses;
		t->n_ports++;
	}
	return 0;
}

static void
port_forget(uint16_t port)
{
	memset(&made[port], 0, sizeof(made[port]));
}

/* ---- port.* methods ---- */

/*
 * Validate one port exactly as a topology file would: the only port of a
 * document holding the networks of now, which it may refer to.
 */
static struct topo *
port_parse(json_t *obj, struct rpc_error *err)
{
	struct topo *have = calloc(1, sizeof(*have));
	json_t *doc, *nets = json_array();
	struct topo_error terr;
	struct topo *t = NULL;

	if (have == NULL || dp_modules_export(have) < 0) {
		rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
		goto out;
	}
	for (unsigned int i = 0; i < have->n_networks; i++)
		json_array_append_new(nets, json_pack("{s:s}", "name",
						      have->networks[i].name));
	doc = json_pack("{s:O, s:[O]}", "networks", nets, "ports", obj);
	/* The overlay that may name this port (an underlay) comes on its own. */
	t = topo_parse_json_part(doc, "params", &terr);
	json_decref(doc);
	if (t == NULL)
		rpc_error_set(err, RPC_ERR_PARAMS, "%s", terr.msg);
out:
	json_decref(nets);
	topo_free(have);
	return t;
}

static int
port_set_common(json_t *params, json_t **result, struct rpc_error *err,
		bool create_only)
{
	struct topo *t, one = { 0 };
	char why[512];
	int ret;

	if (!json_is_object(params))
		return rpc_error_set(err, RPC_ERR_PARAMS,
				     "params: a port object is expected");
	t = port_parse(params, err);
	if (t == NULL)
		return -EINVAL;
	if (create_only && dp_port_find(t->ports[0].name) >= 0) {
		rpc_error_set(err, RPC_ERR_EXISTS, "params.name: port '%s' exists "
			      "already", t->ports[0].name);
		topo_free(t);
		return -EEXIST;
	}
	/* The port alone: every module applies its part of it. */
	one.ports = t->ports;
	one.n_ports = 1;
	ret = dp_modules_apply(&one, false, why, sizeof(why));
	if (ret < 0)
		rpc_error_set(err, RPC_ERR_FAILED, "%s", why);
	else
		*result = json_pack("{s:s, s:i}", "name", t->ports[0].name,
				    "index", dp_port_find(t->ports[0].name));
	topo_free(t);
	return ret;
}

static int
port_add(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return port_set_common(params, result, err, true);
}

static int
port_set(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return port_set_common(params, result, err, false);
}

static int
port_del(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	const char *name;
	int port;

	RTE_SET_USED(ctx);
	RTE_SET_USED(result);
	if (rpc_param_str(params, "name", &name, err) < 0)
		return -EINVAL;
	port = dp_port_find(name);
	if (port < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.name: no port called '%s'", name);
	return dp_port_del((uint16_t)port);
}

/* What a port is attached to, for people: "blue", "trunk: red/200,...", "-". */
static void
port_describe(const struct topo *have, const char *name, char *buf, size_t len)
{
	const struct topo_port *tp = topo_port_find(have, name);
	size_t off = 0;

	if (tp == NULL || (tp->network[0] == '\0' && tp->n_trunk == 0)) {
		snprintf(buf, len, "-");
		return;
	}
	if (tp->n_trunk == 0) {
		snprintf(buf, len, "%s", tp->network);
		return;
	}
	off += snprintf(buf, len, "trunk:");
	for (unsigned int i = 0; i < tp->n_trunk && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s/%u", i ? "," : " ",
				tp->trunk[i].network, tp->trunk[i].vlan);
}

/*
 * The tap PMD reads a tap's link from its kernel interface, by name, in
 * yard-dp's network namespace: once the tap has been moved into another
 * one it reads "down" while frames flow. What yard-dp cannot see it calls
 * "unknown".
 */
static const char *
port_link_state(uint16_t port, const struct rte_eth_link *link)
{
	struct rte_eth_dev_info info;
	char name[IF_NAMESIZE];

	if (port < RTE_MAX_ETHPORTS &&
	    rte_eth_dev_info_get(dp_ports[port].port_id, &info) == 0 &&
	    info.driver_name != NULL &&
	    strcmp(info.driver_name, "net_tap") == 0 && info.if_index != 0 &&
	    if_indextoname(info.if_index, name) == NULL)
		return "unknown";
	return link->link_status ? "up" : "down";
}

static json_t *
port_json(const struct topo *have, uint16_t p, bool with_stats)
{
	const struct dp_port *dp = &dp_ports[p];
	struct rte_eth_link link;
	char mac[RTE_ETHER_ADDR_FMT_SIZE], attach[256];
	char device[RTE_ETH_NAME_MAX_LEN] = "";
	json_t *o;

	dp_port_link_get(p, &link);
	/* A vNIC is no DPDK device: dpdk-dumpcap cannot see it (yardctl can). */
	if (p < RTE_MAX_ETHPORTS)
		rte_eth_dev_get_name_by_port(dp->port_id, device);
	dp_mac_format(mac, sizeof(mac), &dp->mac);
	port_describe(have, dp->name, attach, sizeof(attach));
	o = json_pack("{s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:I, s:i, s:i}",
		      "name", dp->name, "index", p, "devargs", dp->devargs,
		      "device", device,
		      "mac", mac, "network", attach,
		      "link", port_link_state(p, &link),
		      "speed_mbps", (json_int_t)link.link_speed,
		      "rx_queues", dp->n_rxq, "tx_queues", dp->n_txq);
	if (with_stats) {
		struct rte_eth_stats es;
		struct dp_port_counters c;
		json_t *queues = json_array();

		/* Per-queue packets, as the driver counts them. */
		if (dp_port_stats_get(p, &es) == 0)
			for (unsigned int q = 0; q < RTE_MAX(dp->n_rxq, dp->n_txq) &&
			     q < RTE_ETHDEV_QUEUE_STAT_CNTRS; q++)
				json_array_append_new(queues, json_pack("{s:I, s:I}",
					"rx_packets", (json_int_t)es.q_ipackets[q],
					"tx_packets", (json_int_t)es.q_opackets[q]));
		json_object_set_new(o, "queues", queues);
		json_object_set_new(o, "link_events", json_integer((json_int_t)
			__atomic_load_n(&dp->link_events, __ATOMIC_RELAXED)));
		dp_port_counters_get(p, &c);
		json_object_set_new(o, "stats", json_pack(
			"{s:I, s:I, s:I, s:I, s:I, s:I}",
			"rx_packets", (json_int_t)c.rx_pkts,
			"rx_bytes", (json_int_t)c.rx_bytes,
			"tx_packets", (json_int_t)c.tx_pkts,
			"tx_bytes", (json_int_t)c.tx_bytes,
			"drops", (json_int_t)c.drops,
			"tx_drops", (json_int_t)c.tx_drops));
	}
	return o;
}

static int
ports_json(json_t *params, json_t **result, struct rpc_error *err,
	   bool with_stats)
{
	const char *name = NULL;
	struct topo *have;
	json_t *list;

	if (rpc_param_str_opt(params, "name", &name, err) < 0)
		return -EINVAL;
	if (name != NULL && dp_port_find(name) < 0)
		return rpc_error_set(err, RPC_ERR_NOT_FOUND,
				     "params.name: no port called '%s'", name);
	have = calloc(1, sizeof(*have));
	if (have == NULL || dp_modules_export(have) < 0) {
		topo_free(have);
		return rpc_error_set(err, RPC_ERR_INTERNAL, "out of memory");
	}
	list = json_array();
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		if (dp_ports[p].used &&
		    (name == NULL || strcmp(name, dp_ports[p].name) == 0))
			json_array_append_new(list, port_json(have, p, with_stats));
	topo_free(have);
	*result = list;
	return 0;
}

static int
port_list(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return ports_json(params, result, err, false);
}

static int
port_stats(void *ctx, json_t *params, json_t **result, struct rpc_error *err)
{
	RTE_SET_USED(ctx);
	return ports_json(params, result, err, true);
}

static int
port_api_register(struct rpc_server *srv)
{
	static const struct rpc_method_def methods[] = {
		{ "port.add", port_add },
		{ "port.list", port_list },
		{ "port.stats", port_stats },
	};
	const struct topo_kind_info *k = topo_kind_get(TOPO_KIND_PORT);
	int ret;

	/* yardd programs the kind with the methods its row names. */
	ret = rpc_server_method_add(srv, k->dp_set, port_set, NULL);
	if (ret < 0)
		return ret;
	ret = rpc_server_method_add(srv, k->dp_del, port_del, NULL);
	if (ret == 0)
		ret = rpc_server_methods_add(srv, methods, RTE_DIM(methods), NULL);
	return ret;
}

static struct dp_module port_module = {
	.name = "port",
	.api_register = port_api_register,
	.apply = port_apply,
	.prune = port_prune,
	.export = port_export,
	.port_del = port_forget,
};
DP_MODULE_REGISTER(port_module);
