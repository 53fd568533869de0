/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The L2 switch: networks (bridge domains), the FDB, access and 802.1Q trunk
 * ports, port security, and the graph nodes eth-input, l2-input, l2-flood
 * and l2-output.
 *
 * Contract: the control thread is the only writer of every table here and
 * the only caller of every function in this header. Workers read networks,
 * port configurations and the FDB without locks; objects they may hold are
 * replaced (never edited) and freed after an RCU grace period on dp_rcu.
 * The two exceptions are documented on the FDB entry: workers refresh an
 * entry's last-seen time, and a MAC move updates the entry's port with one
 * atomic store.
 *
 * Learning: workers do not insert. A frame from an unknown source MAC, or
 * from a known one on another port, queues a learn event; the module's tick
 * applies the events on the control thread (yard-dp about every
 * millisecond, yard-replay after every batch) and ages entries once a
 * second.
 */
#ifndef YARD_SWITCH_H
#define YARD_SWITCH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#define SW_NETWORKS_MAX 4096
#define SW_NAME_MAX 32
#define SW_PORT_IPS_MAX 16
#define SW_FDB_SIZE_DEFAULT (1u << 18)
#define SW_FLOOD_LISTENERS_MAX 4

/*
 * The switch is the dataplane module "switch" (parameter fdb-size: FDB
 * entries over all networks, default SW_FDB_SIZE_DEFAULT); dp_init() makes
 * its tables and its tick applies learning and ageing.
 */

/* ---- Networks ---- */

struct sw_network_conf {
	char name[SW_NAME_MAX];
	uint32_t vni;		/**< 0: none. */
	uint32_t mac_limit;	/**< Most MACs learned (static ones not counted). */
	uint32_t ageing;	/**< Seconds; 0 = learned entries never age. */
	/**
	 * ARP requests for an address in a port's `ips` (a port with a `mac`)
	 * are answered by the switch with that MAC, not flooded.
	 */
	bool arp_suppress;
};

/**
 * Create a network, or update the settings of an existing one of that name
 * (a lower mac_limit does not evict entries; it stops learning).
 *
 * @return
 *   The network's index (>= 0) or -ENOSPC.
 */
int sw_network_set(const struct sw_network_conf *conf);

/** Delete a network: -ENOENT, or -EBUSY while a port is in it. */
int sw_network_del(const char *name);

/** Index of a network by name, or -ENOENT. */
int sw_network_find(const char *name);

struct sw_network_info {
	struct sw_network_conf conf;
	uint16_t index;
	uint16_t n_ports;
	uint32_t n_learned;	/**< Learned entries now. */
	uint64_t learn_refused;	/**< New MACs not learned: mac_limit reached. */
	uint64_t moves;		/**< MAC moves applied. */
};

/** Fill `info` for network `index`; -ENOENT when there is none. */
int sw_network_get(uint16_t index, struct sw_network_info *info);

/* ---- Ports ---- */

struct sw_trunk_vlan {
	char network[SW_NAME_MAX];
	uint16_t vlan;
};

struct sw_port_conf {
	char network[SW_NAME_MAX];	/**< Access network; "" for a trunk. */
	const struct sw_trunk_vlan *trunk;
	unsigned int n_trunk;
	bool security;
	bool has_mac;
	struct rte_ether_addr mac;
	uint32_t ips[SW_PORT_IPS_MAX];	/**< Network byte order. */
	unsigned int n_ips;
};

/**
 * Give port `port` (a dataplane port index) its L2 configuration, replacing
 * any previous one. Learned entries of the port are flushed when its
 * networks change.
 *
 * @return
 *   0, -ENOENT naming no network (an error message is in `why`), -EINVAL.
 */
int sw_port_set(uint16_t port, const struct sw_port_conf *conf, char *why,
		size_t why_len);

/** Detach a port: no worker forwards to it once this returns. */
void sw_port_clear(uint16_t port);

/** True when the port has an L2 configuration. */
bool sw_port_attached(uint16_t port);

/* ---- FDB ---- */

struct sw_fdb_row {
	uint16_t network;
	struct rte_ether_addr mac;
	uint16_t port;		/**< DP_PORT_NONE for a remote entry. */
	bool is_static;
	uint32_t age;		/**< Seconds since last seen. */
	/** A remote entry (sw_fdb_remote_learn): who, as its module says. */
	char remote[48];
};

/** Add (or replace) a static entry. -ENOENT, -EINVAL (port not in network), -ENOSPC. */
int sw_fdb_static_add(uint16_t network, const struct rte_ether_addr *mac,
		      uint16_t port);
/** Delete one entry, static or learned. -ENOENT when absent. */
int sw_fdb_del(uint16_t network, const struct rte_ether_addr *mac);
/**
 * Delete learned entries (and static ones when `statics`) of a network
 * (-1: all) on a port (DP_PORT_NONE: all). Returns the count removed.
 */
unsigned int sw_fdb_flush(int network, uint16_t port, bool statics);

/** Call `fn` for every entry (network -1: all); stops when fn returns nonzero. */
void sw_fdb_walk(int network, int (*fn)(const struct sw_fdb_row *row, void *arg),
		 void *arg);

struct sw_stats {
	uint64_t learned;	/**< Entries created by learning. */
	uint64_t moves;
	uint64_t aged;
	uint64_t learn_refused;	/**< mac_limit reached, summed over networks. */
	uint64_t learn_queue_full;	/**< Events lost: learn ring full. */
	uint64_t fdb_full;	/**< Inserts that failed: FDB full. */
	uint64_t arp_suppressed;	/**< ARP requests the switch answered. */
	uint32_t fdb_entries;
	uint32_t fdb_size;
};

void sw_stats_get(struct sw_stats *out);

/* ---- Attaching other modules ---- */

/*
 * Other modules plug into the L2 path through these calls, so the switch
 * never names them. The *_next_add() calls add a graph edge and must be
 * made from a module's init (before the graphs exist); the others at any
 * time on the control thread.
 */

/**
 * Add node `node_name` as a next node of l2-input.
 *
 * @return
 *   The edge (> 0) to give sw_mac_owner_add(), or -errno.
 */
int sw_l2_input_next_add(const char *node_name);

/**
 * Frames entering network `network` for destination `mac` leave the switch
 * through l2-input edge `edge` (a router interface, the VTEP): they are not
 * switched, flooded or learned. Frames from a port with that source MAC
 * are dropped as static-mac-conflict. dp_meta(m)->bd holds the network.
 *
 * @return
 *   0, -ENOENT (no such network), -EEXIST (the MAC has a static or owned
 *   entry in that network), -EINVAL (multicast MAC, bad edge), -ENOSPC.
 */
int sw_mac_owner_add(uint16_t network, const struct rte_ether_addr *mac,
		     uint16_t edge);

/**
 * Learn, refresh or move `mac` of network `network` as a remote MAC reached
 * through l2-input edge `edge` (from sw_l2_input_next_add()), such as a
 * host behind a VTEP: frames to it go to that edge with
 * dp_meta(m)->out_port = `cookie`. Unlike an owned MAC it ages, counts
 * against mac_limit, and moves to a port that later shows the MAC.
 *
 * @return
 *   0, -ENOENT (no such network), -EEXIST (a static or owned entry has the
 *   MAC), -ENOSPC (the FDB or the network's mac_limit is full), -EINVAL.
 */
int sw_fdb_remote_learn(uint16_t network, const struct rte_ether_addr *mac,
			uint16_t edge, uint16_t cookie);

/** Delete every remote entry through `edge`. Returns the count removed. */
unsigned int sw_fdb_remote_flush(uint16_t edge);

/**
 * How fdb listings name the remote entries of `edge`: `fn` writes a short
 * text for a cookie ("vtep 192.0.2.2").
 */
void sw_remote_describe_set(uint16_t edge,
			    void (*fn)(uint16_t cookie, char *buf, size_t len));

/** Undo sw_mac_owner_add(). 0 or -ENOENT. */
int sw_mac_owner_del(uint16_t network, const struct rte_ether_addr *mac);

/**
 * Add node `node_name` as a next node of eth-input: an ingress step that
 * frames take between eth-input and l2-input where it is switched on. The
 * node sends frames on to "l2-input" (an edge of its own) or drops them;
 * dp_meta(m)->bd holds the network, the VLAN tag is already popped.
 *
 * @return
 *   The edge (> 0), or -errno.
 */
int sw_ingress_next_add(const char *node_name);

/**
 * Send frames entering network `network` through ingress edge `edge`
 * (0: none). A port's own ingress edge wins over its network's.
 *
 * @return
 *   0, -ENOENT (no such network).
 */
int sw_network_ingress_set(uint16_t network, uint16_t edge);

/** The same for frames entering from port `port`. 0, -ENOENT (no L2 port). */
int sw_port_ingress_set(uint16_t port, uint16_t edge);

/**
 * The network that VLAN `vlan` of trunk port `port` carries. An ingress
 * step sees frames with their tag popped; a module that matches on the VID
 * a frame arrived with (the flow table's `vlan` key) maps it to (port,
 * network) pairs with this.
 *
 * @return
 *   The network index, or -ENOENT (not a trunk port, or `vlan` not on it).
 */
int sw_port_vlan_network(uint16_t port, uint16_t vlan);

/**
 * Add node `node_name` as a next node of l2-flood, for
 * sw_flood_listener_add().
 *
 * @return
 *   The edge (> 0), or -errno.
 */
int sw_l2_flood_next_add(const char *node_name);

/**
 * Give l2-flood edge `edge` a copy of every frame flooded in network
 * `network` (broadcast, multicast, unknown unicast), besides the ports:
 * the router sees ARP requests this way, the VTEP its flood list's share.
 * A frame whose dp_meta(m)->origin equals `edge` (it came from that
 * listener) is not copied back to it.
 *
 * @return
 *   0, -ENOENT, -EEXIST, -ENOSPC (SW_FLOOD_LISTENERS_MAX per network).
 */
int sw_flood_listener_add(uint16_t network, uint16_t edge);

/**
 * Worker side (the one function here workers call, inside a graph walk):
 * the access port of network `network` that a known unicast frame to
 * `mac` would leave by straight from l2-input, or DP_PORT_NONE when the
 * frame needs l2-input (unknown or multicast MAC, a trunk, a MAC a module
 * owns). A module that sends its own frames into a network (the router)
 * hands them to port-tx itself with this; valid for one graph walk.
 */
uint16_t sw_unicast_access_port(uint16_t network, const uint8_t *mac);

/** Undo sw_flood_listener_add(). 0 or -ENOENT. */
int sw_flood_listener_del(uint16_t network, uint16_t edge);

#endif /* YARD_SWITCH_H */
