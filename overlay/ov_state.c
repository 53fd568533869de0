/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The overlay's control side: its configuration, the state object workers
 * read (rebuilt and republished on every change), the underlay neighbors
 * (ARP requests, answers, ageing) and the frames held for them, and the
 * remote MACs workers saw.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_malloc.h>
#include <rte_ring_elem.h>

#include "ov_priv.h"
#include "topology.h"

RTE_LOG_REGISTER(ov_logtype, yard.overlay, INFO);

#define EVENTS_SIZE 4096
#define HELD_SIZE 1024
#define ARP_RETRY_SEC 1
#define NEIGH_REFRESH (OV_NEIGH_TIMEOUT - 60)

struct ov_state *ov_state;
struct rte_ring *ov_events;
struct rte_ring *ov_held;
struct ov_wstats ov_wstats[DP_WORKERS_MAX];

/* The configuration, as applied. */
static struct topo_overlay conf;
static bool configured;
static uint16_t underlay = DP_PORT_NONE;

/* Underlay neighbors: the next hops of the VTEPs. Control thread only. */
static struct neigh {
	uint32_t ip;
	struct rte_ether_addr mac;
	bool resolved;
	uint32_t last_seen, last_req;
	unsigned int n_held;
	struct rte_mbuf *held[OV_HOLD_MAX];
} neighs[OV_VTEPS_MAX + 1];
static unsigned int n_neighs;

/*
 * VTEPs met in a VNI with learn_any_vtep that are in no flood list: they
 * get a VTEP entry (for the MACs behind them) and no floods.
 */
static uint32_t met[OV_VTEPS_MAX];
static unsigned int n_met;

/* Networks whose floods we listen to. */
static bool listening[SW_NETWORKS_MAX];

static uint64_t hold_full;

bool
ov_configured(void)
{
	return configured;
}

static struct neigh *
neigh_find(uint32_t ip)
{
	for (unsigned int i = 0; i < n_neighs; i++)
		if (neighs[i].ip == ip)
			return &neighs[i];
	return NULL;
}

static uint32_t
plen_mask(uint8_t plen)
{
	return plen == 0 ? 0 : rte_cpu_to_be_32(~0u << (32 - plen));
}

/* The next hop towards VTEP `ip`: itself on the local subnet, else the gateway. */
static uint32_t
next_hop(uint32_t ip)
{
	uint32_t mask = plen_mask(conf.address.plen);

	if ((ip & mask) == (conf.address.addr & mask) || !conf.has_gateway)
		return ip;
	return conf.gateway;
}

static int
net_cmp(const void *a, const void *b)
{
	const struct ov_net *x = a, *y = b;

	return x->vni < y->vni ? -1 : x->vni > y->vni;
}

/* The outer headers of a VTEP's frames, but for what changes per packet. */
static void
vtep_hdr_build(const struct ov_state *st, struct ov_vtep *vt)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)vt->hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint8_t *vx = (uint8_t *)(udp + 1);

	memset(vt->hdr, 0, sizeof(vt->hdr));
	eth->dst_addr = vt->nh_mac;
	eth->src_addr = st->mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = st->ip;
	ip->dst_addr = vt->ip;
	udp->dst_port = RTE_BE16(OV_UDP_PORT);
	vx[0] = VXLAN_FLAG_I;
	vt->ip_sum = __rte_raw_cksum(ip, sizeof(*ip), 0);
}

/* The index of VTEP `ip` in `st`, added if new; -1 when the table is full. */
static int
vtep_add(struct ov_state *st, uint32_t ip)
{
	struct ov_vtep *vt;
	const struct neigh *nb;
	uint16_t idx;

	for (idx = 0; idx < st->n_vteps; idx++)
		if (st->vteps[idx].ip == ip)
			return idx;
	if (idx == OV_VTEPS_MAX)
		return -1;
	vt = &st->vteps[idx];
	vt->ip = ip;
	vt->nh = next_hop(ip);
	nb = neigh_find(vt->nh);
	if (nb != NULL && nb->resolved) {
		vt->nh_mac = nb->mac;
		vt->resolved = true;
	}
	vtep_hdr_build(st, vt);
	st->n_vteps++;
	return idx;
}

/*
 * Build the state from the configuration, the switch's networks (a VNI
 * maps to the network that has it) and the neighbors, and publish it.
 */
static int
state_publish(void)
{
	struct ov_state *st = NULL, *old;
	unsigned int n_nets = 0;
	bool want[SW_NETWORKS_MAX] = { false };

	if (configured) {
		st = rte_zmalloc("yard_ov_state", sizeof(*st) +
				 conf.n_peers * sizeof(st->nets[0]), 0);
		if (st == NULL)
			return -ENOMEM;
		st->port = underlay;
		st->mac = dp_ports[underlay].mac;
		st->ip = conf.address.addr;
		st->plen = conf.address.plen;
		st->mtu = RTE_ETHER_MTU;
		rte_eth_dev_get_mtu(dp_ports[underlay].port_id, &st->mtu);
		for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++)
			st->net_of_bd[bd] = -1;
		for (unsigned int p = 0; p < conf.n_peers; p++) {
			const struct topo_peer *peer = &conf.peers[p];
			struct ov_net *net = &st->nets[n_nets];
			struct sw_network_info info;
			int bd = -1;

			for (uint16_t b = 0; b < SW_NETWORKS_MAX && bd < 0; b++)
				if (sw_network_get(b, &info) == 0 &&
				    info.conf.vni == peer->vni)
					bd = b;
			if (bd < 0)
				continue;	/* The network is not here (yet). */
			net->vni = peer->vni;
			net->vni_word = rte_cpu_to_be_32(peer->vni << 8);
			net->bd = (uint16_t)bd;
			net->learn_any = peer->learn_any_vtep;
			for (unsigned int v = 0; v < peer->n_vteps &&
			     v < RTE_DIM(net->vteps); v++) {
				int idx = vtep_add(st, peer->vteps[v]);

				if (idx >= 0)
					net->vteps[net->n_vteps++] = (uint16_t)idx;
			}
			want[bd] = true;
			n_nets++;
		}
		st->n_nets = (uint16_t)n_nets;
		for (unsigned int i = 0; i < n_met; i++)
			vtep_add(st, met[i]);
		qsort(st->nets, n_nets, sizeof(st->nets[0]), net_cmp);
		for (unsigned int i = 0; i < n_nets; i++)
			st->net_of_bd[st->nets[i].bd] = (int16_t)i;
	}
	old = ov_state;
	__atomic_store_n(&ov_state, st, __ATOMIC_RELEASE);
	for (uint16_t bd = 0; bd < SW_NETWORKS_MAX; bd++) {
		if (want[bd] && !listening[bd])
			sw_flood_listener_add(bd, ov_flood_edge);
		else if (!want[bd] && listening[bd])
			sw_flood_listener_del(bd, ov_flood_edge);
		listening[bd] = want[bd];
	}
	dp_rcu_synchronize();
	rte_free(old);
	return 0;
}

/* Whether the published state differs from what it would be built now. */
static bool
state_stale(void)
{
	const struct ov_state *st = ov_state;
	unsigned int n = 0;

	if (st == NULL)
		return configured;
	for (unsigned int p = 0; p < conf.n_peers; p++) {
		const struct ov_net *net = ov_net_by_vni(st, conf.peers[p].vni);
		struct sw_network_info info;

		if (net == NULL) {
			/* Did a network with this VNI appear? */
			for (uint16_t b = 0; b < SW_NETWORKS_MAX; b++)
				if (sw_network_get(b, &info) == 0 &&
				    info.conf.vni == conf.peers[p].vni)
					return true;
			continue;
		}
		if (sw_network_get(net->bd, &info) < 0 ||
		    info.conf.vni != net->vni)
			return true;
		n++;
	}
	return n != st->n_nets;
}

int
ov_state_refresh(void)
{
	return state_stale() ? state_publish() : 0;
}

static struct rte_mbuf *
arp_request(uint32_t tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(dp_pool);
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *arp;

	if (m == NULL)
		return NULL;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, RTE_ETHER_MIN_LEN -
							   RTE_ETHER_CRC_LEN);
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eth, 0, RTE_ETHER_MIN_LEN - RTE_ETHER_CRC_LEN);
	memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	eth->src_addr = dp_ports[underlay].mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	arp = (struct rte_arp_hdr *)(eth + 1);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = dp_ports[underlay].mac;
	arp->arp_data.arp_sip = conf.address.addr;
	arp->arp_data.arp_tip = tip;
	return m;
}

static void
neigh_request(struct neigh *nb)
{
	struct rte_mbuf *m = arp_request(nb->ip);

	nb->last_req = dp_clock_now();
	if (m != NULL && dp_port_tx_ctrl(underlay, m) < 0)
		rte_pktmbuf_free(m);
}

/* Add the next hop of VTEP `ip` to keep[] once, with what is known of it. */
static void
neigh_keep(struct neigh *keep, unsigned int *n, uint32_t ip)
{
	uint32_t nh = next_hop(ip);
	struct neigh *nb = neigh_find(nh);

	for (unsigned int i = 0; i < *n; i++)
		if (keep[i].ip == nh)
			return;
	if (*n == OV_VTEPS_MAX + 1)
		return;
	if (nb != NULL) {
		keep[*n] = *nb;
		nb->n_held = 0;	/* Moved to keep[]. */
	} else {
		memset(&keep[*n], 0, sizeof(keep[*n]));
		keep[*n].ip = nh;
	}
	(*n)++;
}

/* The neighbors the VTEPs need: one per next hop, kept when known. */
static void
neighs_sync(void)
{
	struct neigh keep[OV_VTEPS_MAX + 1];
	unsigned int n = 0;

	for (unsigned int p = 0; p < conf.n_peers; p++)
		for (unsigned int v = 0; v < conf.peers[p].n_vteps; v++)
			neigh_keep(keep, &n, conf.peers[p].vteps[v]);
	for (unsigned int i = 0; i < n_met; i++)
		neigh_keep(keep, &n, met[i]);
	for (unsigned int i = 0; i < n_neighs; i++)
		for (unsigned int h = 0; h < neighs[i].n_held; h++)
			rte_pktmbuf_free(neighs[i].held[h]);
	memcpy(neighs, keep, n * sizeof(keep[0]));
	n_neighs = n;
}

int
ov_config_set(const struct topo_overlay *o, char *why, size_t len)
{
	struct topo_peer *peers = NULL;
	int port = dp_port_find(o->port), ret;

	if (port < 0) {
		snprintf(why, len, "overlay: port '%s' is not created", o->port);
		return -ENOENT;
	}
	if (o->n_peers != 0) {
		peers = malloc(o->n_peers * sizeof(*peers));
		if (peers == NULL)
			return -ENOMEM;
		memcpy(peers, o->peers, o->n_peers * sizeof(*peers));
	}
	if (underlay != DP_PORT_NONE && underlay != port)
		dp_port_rx_next_set(underlay, 0);
	free(conf.peers);
	conf = *o;
	conf.peers = peers;
	configured = true;
	underlay = (uint16_t)port;
	n_met = 0;
	neighs_sync();
	ret = state_publish();
	if (ret < 0) {
		snprintf(why, len, "overlay: %s", strerror(-ret));
		return ret;
	}
	/* Remote MACs may sit behind VTEPs that moved in the table. */
	sw_fdb_remote_flush(ov_encap_edge);
	ret = dp_port_rx_next_set(underlay, ov_underlay_edge);
	if (ret < 0) {
		snprintf(why, len, "overlay: port '%s': %s", o->port,
			 strerror(-ret));
		return ret;
	}
	for (unsigned int i = 0; i < n_neighs; i++)
		if (!neighs[i].resolved)
			neigh_request(&neighs[i]);
	OV_LOG(INFO, "VTEP on port %s, %u peer list(s)", o->port, o->n_peers);
	return 0;
}

void
ov_config_clear(void)
{
	if (!configured)
		return;
	if (underlay != DP_PORT_NONE)
		dp_port_rx_next_set(underlay, 0);
	configured = false;
	underlay = DP_PORT_NONE;
	free(conf.peers);
	memset(&conf, 0, sizeof(conf));
	n_met = 0;
	neighs_sync();
	state_publish();
	sw_fdb_remote_flush(ov_encap_edge);
	OV_LOG(INFO, "VTEP removed");
}

int
ov_config_export(struct topo_overlay *o)
{
	if (!configured)
		return 0;
	*o = conf;
	o->present = true;
	o->peers = NULL;
	if (conf.n_peers != 0) {
		o->peers = malloc(conf.n_peers * sizeof(*o->peers));
		if (o->peers == NULL)
			return -ENOMEM;
		memcpy(o->peers, conf.peers, conf.n_peers * sizeof(*o->peers));
	}
	return 0;
}

/* The underlay port goes: so does the VTEP. */
void
ov_port_del(uint16_t port)
{
	if (configured && port == underlay)
		ov_config_clear();
}

static void
neigh_learn(uint32_t ip, const uint8_t *mac)
{
	struct neigh *nb = neigh_find(ip);
	bool changed;

	if (nb == NULL)
		return;	/* Not a next hop of ours: nothing to keep. */
	changed = !nb->resolved || memcmp(nb->mac.addr_bytes, mac, 6) != 0;
	memcpy(nb->mac.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	nb->resolved = true;
	nb->last_seen = dp_clock_now();
	if (!changed)
		return;
	state_publish();
	/* The held frames go through vxlan-encap again, resolved now. */
	for (unsigned int h = 0; h < nb->n_held; h++)
		if (dp_inject(nb->held[h], ov_inject_edge) < 0)
			rte_pktmbuf_free(nb->held[h]);
	nb->n_held = 0;
}

/*
 * A MAC behind a VTEP outside the flood list of a learn_any_vtep network:
 * the VTEP gets an entry (once), then the MAC is learned behind it.
 */
static void
vtep_met(const struct ov_event *ev, const struct rte_ether_addr *mac)
{
	const struct ov_state *st = ov_state;
	unsigned int i;

	if (st == NULL || st->net_of_bd[ev->bd] < 0 ||
	    !st->nets[st->net_of_bd[ev->bd]].learn_any)
		return;	/* Changed since the worker looked. */
	for (i = 0; i < st->n_vteps; i++)
		if (st->vteps[i].ip == ev->ip)
			break;
	if (i == st->n_vteps) {
		if (n_met == RTE_DIM(met) || st->n_vteps == OV_VTEPS_MAX)
			return;
		met[n_met++] = ev->ip;
		neighs_sync();
		if (state_publish() < 0)
			return;
		st = ov_state;
	}
	sw_fdb_remote_learn(ev->bd, mac, ov_encap_edge, (uint16_t)i);
}

static void
held_drain(void)
{
	const struct ov_state *st = ov_state;
	struct rte_mbuf *m;

	while (rte_ring_sc_dequeue(ov_held, (void **)&m) == 0) {
		uint16_t v = dp_meta(m)->out_port;
		struct neigh *nb = st != NULL && v < st->n_vteps ?
			neigh_find(st->vteps[v].nh) : NULL;

		if (nb == NULL || nb->n_held == OV_HOLD_MAX) {
			hold_full++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (nb->resolved) {
			/* Resolved since the worker looked: send it on. */
			if (dp_inject(m, ov_inject_edge) < 0)
				rte_pktmbuf_free(m);
			continue;
		}
		nb->held[nb->n_held++] = m;
		if (dp_clock_now() - nb->last_req >= ARP_RETRY_SEC || nb->n_held == 1)
			neigh_request(nb);
	}
}

void
ov_state_tick(void)
{
	struct ov_event ev[64];
	uint32_t now = dp_clock_now();
	unsigned int n;
	bool stale = false;

	do {
		n = rte_ring_sc_dequeue_burst_elem(ov_events, ev, sizeof(ev[0]),
						   RTE_DIM(ev), NULL);
		for (unsigned int i = 0; i < n; i++) {
			struct rte_ether_addr mac;

			memcpy(mac.addr_bytes, ev[i].mac, RTE_ETHER_ADDR_LEN);
			if (ev[i].kind == OV_EV_LEARN && ev[i].vtep == UINT16_MAX)
				vtep_met(&ev[i], &mac);
			else if (ev[i].kind == OV_EV_LEARN)
				sw_fdb_remote_learn(ev[i].bd, &mac, ov_encap_edge,
						    ev[i].vtep);
			else
				neigh_learn(ev[i].ip, ev[i].mac);
		}
	} while (n == RTE_DIM(ev));
	held_drain();
	if (!configured)
		return;
	for (unsigned int i = 0; i < n_neighs; i++) {
		struct neigh *nb = &neighs[i];

		if (nb->resolved && now - nb->last_seen >= OV_NEIGH_TIMEOUT) {
			nb->resolved = false;
			stale = true;
		}
		/* Ask again before it expires, and while frames wait. */
		if ((nb->resolved && now - nb->last_seen >= NEIGH_REFRESH) ||
		    (!nb->resolved && nb->n_held != 0)) {
			if (now - nb->last_req >= ARP_RETRY_SEC)
				neigh_request(nb);
		}
	}
	if (stale)
		state_publish();
}

static void
describe_vtep(uint16_t cookie, char *buf, size_t len)
{
	const struct ov_state *st = ov_state;
	uint32_t ip;

	if (st == NULL || cookie >= st->n_vteps) {
		snprintf(buf, len, "vtep ?");
		return;
	}
	ip = rte_be_to_cpu_32(st->vteps[cookie].ip);
	snprintf(buf, len, "vtep %u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		 (ip >> 8) & 0xff, ip & 0xff);
}

unsigned int
ov_vtep_stats_get(struct ov_vtep_stats *out, unsigned int max)
{
	const struct ov_state *st = ov_state;
	unsigned int n = st != NULL ? st->n_vteps : 0;

	for (unsigned int v = 0; v < n && v < max; v++) {
		memset(&out[v], 0, sizeof(out[v]));
		out[v].ip = st->vteps[v].ip;
		out[v].resolved = st->vteps[v].resolved;
		out[v].inner_mtu = (uint16_t)(st->mtu - OV_ENCAP_LEN);
		for (unsigned int i = 0; i < st->n_nets; i++)
			for (unsigned int j = 0; j < st->nets[i].n_vteps; j++)
				if (st->nets[i].vteps[j] == v &&
				    out[v].n_vnis < OV_VTEP_VNIS_SHOWN)
					out[v].vnis[out[v].n_vnis++] =
						st->nets[i].vni;
		for (unsigned int w = 0; w < dp_n_workers; w++) {
			out[v].rx_pkts += ov_wstats[w].rx_pkts[v];
			out[v].rx_bytes += ov_wstats[w].rx_bytes[v];
			out[v].tx_pkts += ov_wstats[w].tx_pkts[v];
			out[v].tx_bytes += ov_wstats[w].tx_bytes[v];
		}
	}
	return n;
}

uint64_t
ov_hold_full(void)
{
	return hold_full;
}

int
ov_state_init(void)
{
	ov_events = rte_ring_create_elem("yard_ov_events", sizeof(struct ov_event),
					 EVENTS_SIZE, (int)rte_socket_id(),
					 RING_F_SC_DEQ);
	ov_held = rte_ring_create("yard_ov_held", HELD_SIZE, (int)rte_socket_id(),
				  RING_F_SC_DEQ);
	if (ov_events == NULL || ov_held == NULL) {
		ov_state_fini();
		return -ENOMEM;
	}
	memset(ov_wstats, 0, sizeof(ov_wstats));
	sw_remote_describe_set(ov_encap_edge, describe_vtep);
	return 0;
}

void
ov_state_fini(void)
{
	struct rte_mbuf *m;

	ov_config_clear();
	if (ov_held != NULL)
		while (rte_ring_sc_dequeue(ov_held, (void **)&m) == 0)
			rte_pktmbuf_free(m);
	rte_ring_free(ov_held);
	rte_ring_free(ov_events);
	ov_held = NULL;
	ov_events = NULL;
}
