/* SPDX-License-Identifier: BSD-3-Clause */
/* Switch internals: the objects workers read, and the frame parser. */
#ifndef YARD_SW_PRIV_H
#define YARD_SW_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ring.h>

#include "dataplane.h"
#include "switch.h"

extern int sw_logtype;
#define SW_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, sw_logtype, "switch: " fmt "\n", ##__VA_ARGS__)

#define foreach_sw_drop					\
	_(RUNT, "runt")					\
	_(TRUNCATED, "truncated")			\
	_(NO_NETWORK, "no-network")			\
	_(VLAN_ON_ACCESS, "vlan-on-access")		\
	_(UNTAGGED_ON_TRUNK, "untagged-on-trunk")	\
	_(UNKNOWN_VLAN, "unknown-vlan")			\
	_(SRC_MAC_MULTICAST, "src-mac-multicast")	\
	_(SRC_MAC_SPOOF, "src-mac-spoof")		\
	_(SRC_IP_SPOOF, "src-ip-spoof")			\
	_(ARP_SPOOF, "arp-spoof")			\
	_(STATIC_MAC_CONFLICT, "static-mac-conflict")	\
	_(SAME_PORT, "same-port")			\
	_(FLOOD_EMPTY, "flood-empty")			\
	_(EGRESS_NOT_MEMBER, "egress-not-member")

/* Reason codes of the switch; 0 is "no drop". */
enum sw_drop {
	SW_DROP_NONE_,
#define _(sym, str) SW_DROP_##sym,
	foreach_sw_drop
#undef _
	SW_DROP_END_,
};

extern struct dp_module sw_module;

/** The dataplane's drop reason id of switch reason code `code`. */
static inline unsigned int
sw_drop_id(unsigned int code)
{
	return sw_module.drop_base + code;
}

struct rpc_server;
struct topo_network;

/* The first node of L2 ports: port-rx's edge to eth-input (0 before init). */
uint16_t sw_eth_input_edge(void);

/* Create or update a network from its topology description (apply, API). */
int sw_network_apply(const struct topo_network *tn, char *why, size_t len);

/* Register network.*, fdb.* and stats.switch (l2_api.c). */
int sw_api_register(struct rpc_server *srv);

/* Free every network and forget listeners and ingress steps. */
void sw_networks_free(void);

/** Create the FDB (`fdb_size` entries over all networks) and the learn ring. */
int sw_init(uint32_t fdb_size);
/** Free everything sw_init() and later calls made. */
void sw_fini(void);

/* ---- Objects read by workers (RCU: replaced, never edited) ---- */

/** A network as the workers see it. */
struct sw_network {
	struct sw_network_conf conf;
	uint16_t index;
	uint16_t n_listeners;
	uint16_t listeners[SW_FLOOD_LISTENERS_MAX];	/**< l2-flood edges. */
	uint16_t n_members;
	uint16_t members[DP_PORTS_MAX];	/**< Flood list, ascending. */
};

/** A port's L2 configuration as the workers see it. */
struct sw_port {
	uint16_t port;
	bool trunk;
	uint16_t access_bd;
	/**
	 * eth-input edge of the port's ingress step (0: none). The one field
	 * written in place (one atomic store): readers see the old or the new
	 * edge, both valid.
	 */
	uint16_t ingress;
	bool security;
	bool has_mac;
	struct rte_ether_addr mac;
	uint8_t n_ips;
	uint32_t ips[SW_PORT_IPS_MAX];
	/* Trunks only: VLAN id -> network index + 1 (0: not carried). */
	uint16_t *bd_of_vlan;
	/* Trunks only: network index -> VLAN id (0: not carried). */
	uint16_t *vlan_of_bd;
	/* What the control thread was given, for listing. */
	unsigned int n_trunk;
	struct sw_trunk_vlan *trunk_conf;
	char network_name[SW_NAME_MAX];
};

extern struct sw_network *sw_networks[SW_NETWORKS_MAX];
/* eth-input edge of each network's ingress step (0: none); atomic stores. */
extern uint16_t sw_network_ingress[SW_NETWORKS_MAX];
extern struct sw_port *sw_ports[DP_PORTS_MAX];

/*
 * The switch's generation: bumped after every change an l2-input verdict
 * can depend on (an FDB entry added, moved or removed; a port or network
 * republished). l2-input keeps the verdict for the last flow it saw from
 * one vector to the next while the generation and the clock stay the same.
 */
extern uint64_t sw_gen;

/** Call after publishing the change. Control thread. */
static inline void
sw_gen_bump(void)
{
	__atomic_add_fetch(&sw_gen, 1, __ATOMIC_RELEASE);
}

/* ---- FDB ---- */

struct sw_fdb_key {
	uint16_t bd;
	uint8_t mac[RTE_ETHER_ADDR_LEN];
} __rte_packed;

/*
 * One entry, the data of its key in the hash. Workers only read `port` and
 * `is_static` and refresh `last_seen` (a relaxed store of the clock, made
 * only when it changed, so at most once a second per entry). A MAC move
 * stores the new `port` atomically: readers see the old or the new port,
 * both of which are members of the network. Entries are freed by the hash's
 * RCU defer queue once no worker can hold them.
 */
struct sw_fdb_entry {
	uint16_t port;		/**< Or SW_FDB_OWNED + an l2-input edge. */
	uint8_t is_static;	/**< 0 learned, 1 static, 2 owned by a module. */
	uint8_t in_use;
	uint32_t last_seen;
	struct sw_fdb_key key;
	/**
	 * For an entry through a module's edge: the value that goes to the
	 * module in dp_meta(m)->out_port (a remote MAC's VTEP). Stored before
	 * `port` when either changes.
	 */
	uint16_t cookie;
};

extern struct rte_hash *sw_fdb;

/*
 * An owned entry (sw_mac_owner_add) keeps its l2-input edge in `port`, above
 * every port index: it never equals a frame's in port, so the learning
 * check needs no extra branch, and a look-up tells it apart with one
 * compare.
 */
#define SW_FDB_OWNED DP_PORTS_MAX
/* l2-input's own edges (l2_node.c); modules' edges come after them. */
#define SW_L2_INPUT_OWN_EDGES 4
#define SW_FDB_IS_OWNED 2

/** A learn event, queued by workers for the control thread. */
struct sw_learn_event {
	struct sw_fdb_key key;
	uint16_t port;
	uint16_t pad[3];
};

extern struct rte_ring *sw_learn_ring;

/* Per-worker switch counters. */
struct sw_worker_stats {
	uint64_t learn_queue_full;
	uint64_t arp_suppressed;	/**< ARP requests answered by the switch. */
} __rte_cache_aligned;

extern struct sw_worker_stats sw_wstats[DP_WORKERS_MAX];

static inline bool
sw_port_in_network(const struct sw_port *sp, uint16_t bd)
{
	return sp->trunk ? sp->vlan_of_bd[bd] != 0 : sp->access_bd == bd;
}

/* Networks are republished after a port's membership changes. */
int sw_networks_republish(void);

/* Apply queued learn events. Returns how many were read. */
unsigned int sw_learn_drain(void);

/* Remove learned entries not seen for their network's ageing time. */
unsigned int sw_fdb_age(void);

/* Flush a deleted network's entries and forget its counters. */
void sw_fdb_network_reset(uint16_t bd);

/* ---- Frame parsing (pure: unit tested without DPDK mbufs) ---- */

struct sw_frame {
	uint16_t tpid;		/**< 0: untagged, else 0x8100 or 0x88a8. */
	uint16_t vid;
	uint16_t ethertype;	/**< After the tag, host order. */
	uint16_t l3_off;	/**< Offset of the L3 header. */
};

#define SW_ARP_LEN 28
#define SW_IPV4_MIN 20

/**
 * Parse an Ethernet frame of `len` bytes, of which the first `hdr_len` are
 * contiguous at `d` (the L2 and L3 headers must be within them). Returns 0,
 * or SW_DROP_RUNT (no complete Ethernet header or tag) or SW_DROP_TRUNCATED
 * (an IPv4 or ARP header, or the IPv4 total length, beyond the frame).
 */
static inline unsigned int
sw_frame_parse(const uint8_t *d, uint32_t hdr_len, uint32_t len,
	       struct sw_frame *f)
{
	uint16_t type;
	uint32_t l3_len;

	if (hdr_len < RTE_ETHER_HDR_LEN)
		return SW_DROP_RUNT;
	type = (uint16_t)(d[12] << 8 | d[13]);
	f->tpid = 0;
	f->vid = 0;
	f->l3_off = RTE_ETHER_HDR_LEN;
	if (type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) {
		if (hdr_len < RTE_ETHER_HDR_LEN + 4)
			return SW_DROP_RUNT;
		f->tpid = type;
		f->vid = (uint16_t)((d[14] << 8 | d[15]) & 0x0fff);
		type = (uint16_t)(d[16] << 8 | d[17]);
		f->l3_off += 4;
	}
	f->ethertype = type;
	l3_len = hdr_len - f->l3_off;
	if (type == RTE_ETHER_TYPE_IPV4) {
		const uint8_t *ip = d + f->l3_off;
		uint32_t ihl, total;

		if (l3_len < SW_IPV4_MIN)
			return SW_DROP_TRUNCATED;
		ihl = (ip[0] & 0x0fu) * 4u;
		total = (uint32_t)(ip[2] << 8 | ip[3]);
		if (ihl < SW_IPV4_MIN || ihl > l3_len || total < ihl ||
		    total > len - f->l3_off)
			return SW_DROP_TRUNCATED;
	} else if (type == RTE_ETHER_TYPE_ARP) {
		if (l3_len < SW_ARP_LEN)
			return SW_DROP_TRUNCATED;
	}
	return 0;
}

/** Source IPv4 address of a parsed IPv4 frame (network order). */
static inline uint32_t
sw_frame_ipv4_src(const uint8_t *d, const struct sw_frame *f)
{
	uint32_t a;

	memcpy(&a, d + f->l3_off + 12, 4);
	return a;
}

/** ARP sender hardware address and sender IP of a parsed ARP frame. */
static inline const uint8_t *
sw_frame_arp_sha(const uint8_t *d, const struct sw_frame *f)
{
	return d + f->l3_off + 8;
}

static inline uint32_t
sw_frame_arp_spa(const uint8_t *d, const struct sw_frame *f)
{
	uint32_t a;

	memcpy(&a, d + f->l3_off + 14, 4);
	return a;
}

#endif /* YARD_SW_PRIV_H */
