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
 * from a known one on another port, queues a learn event; the control thread
 * applies the events with sw_learn_drain() (yard-dp does so every
 * millisecond, yard-replay after every batch).
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

/** Create the FDB (`fdb_size` entries over all networks) and the learn ring. */
int sw_init(uint32_t fdb_size);
/** Free everything sw_init() and later calls made. */
void sw_fini(void);

/* ---- Networks ---- */

struct sw_network_conf {
	char name[SW_NAME_MAX];
	uint32_t vni;		/**< 0: none. */
	uint32_t mac_limit;	/**< Most MACs learned (static ones not counted). */
	uint32_t ageing;	/**< Seconds; 0 = learned entries never age. */
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

/** Human description of a port's L2 attachment, e.g. "blue" or "trunk: red/200". */
void sw_port_describe(uint16_t port, char *buf, size_t len);

/* ---- FDB ---- */

struct sw_fdb_row {
	uint16_t network;
	struct rte_ether_addr mac;
	uint16_t port;
	bool is_static;
	uint32_t age;		/**< Seconds since last seen. */
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

/** Apply queued learn events. Returns how many were read. */
unsigned int sw_learn_drain(void);

/** Remove learned entries not seen for their network's ageing time. */
unsigned int sw_fdb_age(void);

struct sw_stats {
	uint64_t learned;	/**< Entries created by learning. */
	uint64_t moves;
	uint64_t aged;
	uint64_t learn_refused;	/**< mac_limit reached, summed over networks. */
	uint64_t learn_queue_full;	/**< Events lost: learn ring full. */
	uint64_t fdb_full;	/**< Inserts that failed: FDB full. */
	uint32_t fdb_entries;
	uint32_t fdb_size;
};

void sw_stats_get(struct sw_stats *out);

/* ---- API ---- */

struct rpc_server;
/**
 * Register the switch's JSON-RPC methods (network.*, fdb.*) on `srv`.
 */
int sw_api_register(struct rpc_server *srv);

#endif /* YARD_SWITCH_H */
