/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port layer over ethdev: a port is named, made from devargs (or by a
 * factory hook), given one rx queue per worker where the driver allows and
 * one tx queue per worker, started, and handed to the workers' poll lists.
 * Device ports (vNICs) come ready made from their module, with the calls
 * port-rx and port-tx make instead of the ethdev ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_pci.h>
#include <rte_ring.h>

#include "dataplane.h"
#include "dp_priv.h"

#define RX_DESC 1024
#define TX_DESC 1024

struct dp_port dp_ports[DP_PORTS_MAX];

static dp_port_factory_fn factory;

/* Why the last dp_port_add() failed, for the caller to show its user. */
static char port_why[512];

#define PORT_FAIL(fmt, ...) do { \
	snprintf(port_why, sizeof(port_why), fmt, __VA_ARGS__); \
	DP_LOG(ERR, "%s", port_why); \
} while (0)

const char *
dp_port_error(void)
{
	return port_why;
}

void
dp_port_factory_set(dp_port_factory_fn fn)
{
	factory = fn;
}

dp_port_factory_fn
dp_port_factory_get(void)
{
	return factory;
}

void
dp_port_link_get(uint16_t port, struct rte_eth_link *link)
{
	const struct dp_port *p;

	memset(link, 0, sizeof(*link));
	if (port >= DP_PORTS_MAX || !dp_ports[port].used)
		return;
	p = &dp_ports[port];
	if (p->ops != NULL)
		p->ops->link_get(p->dev, link);
	else
		rte_eth_link_get_nowait(p->port_id, link);
}

int
dp_port_stats_get(uint16_t port, struct rte_eth_stats *stats)
{
	const struct dp_port *p;

	memset(stats, 0, sizeof(*stats));
	if (port >= DP_PORTS_MAX || !dp_ports[port].used)
		return -ENOENT;
	p = &dp_ports[port];
	if (p->ops != NULL) {
		p->ops->stats_get(p->dev, stats);
		return 0;
	}
	return rte_eth_stats_get(p->port_id, stats);
}

int
dp_port_rx_next_add(const char *node_name)
{
	return dp_node_next_add("port-rx", node_name);
}

int
dp_port_rx_next_set(uint16_t port, uint16_t next)
{
	if (port >= DP_PORTS_MAX || !dp_ports[port].used)
		return -ENOENT;
	if (next >= rte_node_edge_count(rte_node_from_name("port-rx")))
		return -EINVAL;
	if (dp_ports[port].rx_next == next)
		return 0;
	dp_ports[port].rx_next = next;
	return dp_poll_lists_update();
}

int
dp_port_ring_make(const char *name, const char *devargs, struct dp_port *p)
{
	char rname[RTE_RING_NAMESIZE];
	int port;

	RTE_SET_USED(devargs);
	snprintf(rname, sizeof(rname), "rx_%s", name);
	p->rx_ring = rte_ring_create(rname, 1024, (int)rte_socket_id(),
				     RING_F_SP_ENQ | RING_F_SC_DEQ);
	snprintf(rname, sizeof(rname), "tx_%s", name);
	p->tx_ring = rte_ring_create(rname, 4096, (int)rte_socket_id(),
				     RING_F_SP_ENQ | RING_F_SC_DEQ);
	/* port_remove() frees the rings of a port that fails later. */
	if (p->rx_ring == NULL || p->tx_ring == NULL)
		return -ENOMEM;
	snprintf(rname, sizeof(rname), "ring_%s", name);
	port = rte_eth_from_rings(rname, &p->rx_ring, 1, &p->tx_ring, 1,
				  rte_socket_id());
	if (port < 0)
		return -rte_errno;
	p->port_id = (uint16_t)port;
	return 0;
}

int
dp_port_find(const char *name)
{
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		if (dp_ports[p].used && strcmp(dp_ports[p].name, name) == 0)
			return p;
	return -ENOENT;
}

/*
 * The tap PMD tries a multiq qdisc on every tap it makes and logs three
 * errors when the kernel has none (no sch_multiq module): it then only goes
 * without rte_flow, which Switchyard does not use. Say that once instead.
 */
static bool
probe_line_noise(const char *line)
{
	static const char *const noise[] = {
		"Specified qdisc kind is unknown",
		"Could not add multiq qdisc",
		"failed to create multiq qdisc",
		"Disabling rte flow support",
	};
	static bool told;

	for (unsigned int i = 0; i < RTE_DIM(noise); i++) {
		if (strstr(line, noise[i]) == NULL)
			continue;
		if (!told)
			DP_LOG(NOTICE, "tap ports: this kernel has no multiq qdisc "
			       "(sch_multiq), so the tap PMD goes without "
			       "rte_flow, which Switchyard does not use");
		told = true;
		return true;
	}
	return false;
}

/*
 * rte_dev_probe(), catching what the EAL and the driver log meanwhile: the
 * only place they say why a probe failed. What they said goes on to the log
 * as before (less the tap PMD's noise), and into `why` as one line.
 */
static int
probe_logged(const char *devargs, char *why, size_t len)
{
	char *buf = NULL, *line, *save = NULL;
	size_t sz = 0, off = 0;
	FILE *mem = open_memstream(&buf, &sz);
	int ret;

	if (mem != NULL)
		rte_openlog_stream(mem);
	ret = rte_dev_probe(devargs);
	why[0] = '\0';
	if (mem == NULL)
		return ret;
	rte_openlog_stream(NULL);
	fclose(mem);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (probe_line_noise(line))
			continue;
		fprintf(rte_log_get_stream(), "%s\n", line);
		/* The generic last words add nothing to the reason. */
		if (strstr(line, "Failed to attach device on") != NULL)
			continue;
		if (strncmp(line, "EAL: ", 5) == 0)
			line += 5;
		if (off < len)
			off += snprintf(why + off, len - off, "%s%s",
					off > 0 ? "; " : "", line);
	}
	fflush(rte_log_get_stream());
	free(buf);
	return ret;
}

/* Probe a device from devargs and return the ethdev it made. */
static int
port_probe(const char *name, const char *devargs, struct dp_port *p)
{
	char devname[RTE_DEV_NAME_MAX_LEN], said[384];
	struct rte_pci_addr pci;
	uint16_t port_id;
	size_t len = strcspn(devargs, ",");
	int ret;

	if (devargs[0] == '\0') {
		PORT_FAIL("port %s: no devargs: say which device, e.g. "
			  "net_tap0,iface=yt0 or net_pcap0,rx_pcap=in.pcap", name);
		return -EINVAL;
	}
	if (len == 0 || len >= sizeof(devname)) {
		PORT_FAIL("port %s: devargs '%s' do not start with a device name",
			  name, devargs);
		return -EINVAL;
	}
	memcpy(devname, devargs, len);
	devname[len] = '\0';
	if (rte_eth_dev_get_port_by_name(devname, &port_id) == 0) {
		PORT_FAIL("port %s: device %s is in use already (by port %s): "
			  "give this port another device name", name, devname,
			  dp_ports[port_id].used ? dp_ports[port_id].name : "?");
		return -EEXIST;
	}
	/*
	 * With --no-pci the EAL cannot find a PCI device at all. An allow-list
	 * (-a) keeps start-up quiet and still lets rte_dev_probe() add a
	 * device later, so that is what to ask for.
	 */
	if (rte_pci_addr_parse(devname, &pci) == 0 && !rte_eal_has_pci()) {
		PORT_FAIL("port %s: %s is a PCI device, but yard-dp runs without "
			  "PCI (--no-pci, its default when no port names one): "
			  "restart it with '-- -a %s'", name, devname, devname);
		return -ENODEV;
	}
	ret = probe_logged(devargs, said, sizeof(said));
	if (ret < 0) {
		port_why[0] = '\0';
		snprintf(port_why, sizeof(port_why), "port %s: cannot probe "
			 "'%s': %s", name, devargs,
			 said[0] != '\0' ? said : rte_strerror(-ret));
		DP_LOG(ERR, "%s", port_why);
		return ret == -EEXIST ? -EEXIST : -EINVAL;
	}
	if (rte_eth_dev_get_port_by_name(devname, &port_id) != 0) {
		PORT_FAIL("port %s: '%s' probed but made no ethdev called %s",
			  name, devargs, devname);
		return -EINVAL;
	}
	p->port_id = port_id;
	p->probed = true;
	return 0;
}

/*
 * Link up/down, from the EAL interrupt thread: a VM's vNIC goes up when the
 * guest driver is ready and down when QEMU goes away. Only logged and
 * counted here; forwarding needs no change (a down port refuses frames,
 * counted as tx-refused).
 */
static int
port_lsc_event(uint16_t port_id, enum rte_eth_event_type type, void *arg,
	       void *ret_param)
{
	struct rte_eth_link link = { 0 };
	struct dp_port *p = &dp_ports[port_id];

	RTE_SET_USED(type);
	RTE_SET_USED(arg);
	RTE_SET_USED(ret_param);
	rte_eth_link_get_nowait(port_id, &link);
	__atomic_fetch_add(&p->link_events, 1, __ATOMIC_RELAXED);
	DP_LOG(INFO, "port %s: link %s", p->name, link.link_status ? "up" : "down");
	return 0;
}

static void
port_remove(struct dp_port *p)
{
	struct rte_eth_dev_info info;

	if (p->ops != NULL) {
		p->ops->close(p->dev);
		return;
	}
	if (p->lsc)
		rte_eth_dev_callback_unregister(p->port_id, RTE_ETH_EVENT_INTR_LSC,
						port_lsc_event, NULL);
	rte_eth_dev_stop(p->port_id);
	if (p->probed && rte_eth_dev_info_get(p->port_id, &info) == 0 &&
	    info.device != NULL) {
		rte_eth_dev_close(p->port_id);
		rte_dev_remove(info.device);
	} else {
		rte_eth_dev_close(p->port_id);
	}
	rte_ring_free(p->rx_ring);
	rte_ring_free(p->tx_ring);
}

static int
port_configure(struct dp_port *p)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_eth_dev_info info;
	uint16_t nb_rxd = RX_DESC, nb_txd = TX_DESC;
	int ret;

	ret = rte_eth_dev_info_get(p->port_id, &info);
	if (ret < 0)
		return ret;
	if (info.max_tx_queues < dp_n_workers) {
		PORT_FAIL("port %s: driver %s has %u tx queues, %u workers need "
			  "one each", p->name, info.driver_name,
			  info.max_tx_queues, dp_n_workers);
		return -ENOTSUP;
	}
	p->n_rxq = RTE_MIN((uint16_t)dp_n_workers, info.max_rx_queues);
	if (info.dev_flags != NULL && (*info.dev_flags & RTE_ETH_DEV_INTR_LSC)) {
		conf.intr_conf.lsc = 1;
		p->lsc = rte_eth_dev_callback_register(p->port_id,
						       RTE_ETH_EVENT_INTR_LSC,
						       port_lsc_event, NULL) == 0;
	}
	p->n_txq = (uint16_t)dp_n_workers;
	if (p->n_rxq > 1 && (info.flow_type_rss_offloads & RTE_ETH_RSS_IP)) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf =
			info.flow_type_rss_offloads & RTE_ETH_RSS_IP;
	}
	ret = rte_eth_dev_configure(p->port_id, p->n_rxq, p->n_txq, &conf);
	if (ret < 0) {
		PORT_FAIL("port %s: configure failed: %s", p->name,
			  rte_strerror(-ret));
		return ret;
	}
	rte_eth_dev_adjust_nb_rx_tx_desc(p->port_id, &nb_rxd, &nb_txd);
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		ret = rte_eth_rx_queue_setup(p->port_id, q, nb_rxd,
					     rte_eth_dev_socket_id(p->port_id),
					     NULL, dp_pool);
		if (ret < 0) {
			PORT_FAIL("port %s: rx queue %u: %s", p->name, q,
				  rte_strerror(-ret));
			return ret;
		}
	}
	for (uint16_t q = 0; q < p->n_txq; q++) {
		ret = rte_eth_tx_queue_setup(p->port_id, q, nb_txd,
					     rte_eth_dev_socket_id(p->port_id),
					     NULL);
		if (ret < 0) {
			PORT_FAIL("port %s: tx queue %u: %s", p->name, q,
				  rte_strerror(-ret));
			return ret;
		}
	}
	/* A switch port must see every frame, whatever its destination. */
	rte_eth_promiscuous_enable(p->port_id);
	ret = rte_eth_dev_start(p->port_id);
	if (ret < 0) {
		PORT_FAIL("port %s: start failed: %s", p->name,
			  rte_strerror(-ret));
		return ret;
	}
	rte_eth_macaddr_get(p->port_id, &p->mac);
	return 0;
}

/* Fill slot `index` with `p`, counters zero, and poll its rx queues. */
static int
port_publish(uint16_t index, const struct dp_port *p)
{
	int ret;

	for (unsigned int w = 0; w < dp_n_workers; w++)
		memset(&dp_workers[w].ports[index], 0,
		       sizeof(dp_workers[w].ports[0]));
	dp_ports[index] = *p;
	dp_ports[index].used = true;
	ret = dp_poll_lists_update();
	if (ret < 0)
		dp_ports[index].used = false;
	return ret;
}

/* The name is free and fits. */
static int
port_name_check(const char *name)
{
	port_why[0] = '\0';
	if (strlen(name) >= DP_PORT_NAME_MAX)
		return -ENAMETOOLONG;
	if (dp_port_find(name) >= 0)
		return -EEXIST;
	return 0;
}

int
dp_port_dev_add(const char *name, const char *what,
		const struct dp_port_ops *ops, void *dev, uint16_t n_rxq,
		uint16_t n_txq, const struct rte_ether_addr *mac)
{
	struct dp_port tmp = { 0 };
	uint16_t index;
	int ret;

	ret = port_name_check(name);
	if (ret < 0)
		return ret;
	if (n_txq < dp_n_workers) {
		PORT_FAIL("port %s: %u tx queues, %u workers need one each",
			  name, n_txq, dp_n_workers);
		return -EINVAL;
	}
	for (index = RTE_MAX_ETHPORTS; index < DP_PORTS_MAX; index++)
		if (!dp_ports[index].used)
			break;
	if (index == DP_PORTS_MAX) {
		PORT_FAIL("port %s: all %u device ports are in use", name,
			  DP_DEV_PORTS_MAX);
		return -ENOSPC;
	}
	snprintf(tmp.name, sizeof(tmp.name), "%s", name);
	snprintf(tmp.devargs, sizeof(tmp.devargs), "%s", what);
	tmp.port_id = DP_PORT_NONE;
	tmp.n_rxq = n_rxq;
	tmp.n_txq = n_txq;
	tmp.mac = *mac;
	tmp.ops = ops;
	tmp.dev = dev;
	ret = port_publish(index, &tmp);
	return ret < 0 ? ret : index;
}

int
dp_port_rx_poll_set(uint16_t port, bool on)
{
	if (port >= DP_PORTS_MAX || !dp_ports[port].used)
		return -ENOENT;
	if (dp_ports[port].rx_polled == on)
		return 0;
	dp_ports[port].rx_polled = on;
	return dp_poll_lists_update();
}

int
dp_port_add(const char *name, const char *devargs)
{
	struct dp_port tmp = { 0 };
	int ret;

	ret = port_name_check(name);
	if (ret < 0)
		return ret;
	snprintf(tmp.name, sizeof(tmp.name), "%s", name);
	snprintf(tmp.devargs, sizeof(tmp.devargs), "%s", devargs);

	ret = factory != NULL ? factory(name, devargs, &tmp)
			      : port_probe(name, devargs, &tmp);
	if (ret < 0)
		return ret;
	if (tmp.port_id >= RTE_MAX_ETHPORTS || dp_ports[tmp.port_id].used) {
		ret = -ENOSPC;
		goto fail;
	}
	ret = port_configure(&tmp);
	if (ret < 0)
		goto fail;

	tmp.rx_polled = true;
	ret = port_publish(tmp.port_id, &tmp);
	if (ret < 0)
		goto fail;
	DP_LOG(INFO, "port %s: %s, ethdev %u, %u rx / %u tx queues", name,
	       devargs, tmp.port_id, tmp.n_rxq, tmp.n_txq);
	return tmp.port_id;

fail:
	port_remove(&tmp);
	return ret;
}

int
dp_port_del(uint16_t port)
{
	if (port >= DP_PORTS_MAX || !dp_ports[port].used)
		return -ENOENT;
	dp_modules_port_del(port);
	dp_ports[port].used = false;
	/* Once the poll lists are republished no worker reads this port. */
	dp_poll_lists_update();
	port_remove(&dp_ports[port]);
	DP_LOG(INFO, "port %s: removed", dp_ports[port].name);
	memset(&dp_ports[port], 0, sizeof(dp_ports[port]));
	return 0;
}

void
dp_ports_close_all(void)
{
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		if (dp_ports[p].used)
			dp_port_del(p);
}

void
dp_port_counters_get(uint16_t port, struct dp_port_counters *out)
{
	memset(out, 0, sizeof(*out));
	if (port >= DP_PORTS_MAX)
		return;
	for (unsigned int w = 0; w < dp_n_workers; w++) {
		const struct dp_port_counters *c = &dp_workers[w].ports[port];

		out->rx_pkts += c->rx_pkts;
		out->rx_bytes += c->rx_bytes;
		out->tx_pkts += c->tx_pkts;
		out->tx_bytes += c->tx_bytes;
		out->drops += c->drops;
		out->tx_drops += c->tx_drops;
	}
}
