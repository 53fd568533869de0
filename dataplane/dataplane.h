/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The dataplane core: EAL start, the mbuf pool, the port layer over ethdev,
 * worker lcores each running its own rte_graph, the RCU variable every
 * shared table uses, per-worker counters, drop reasons and packet trace.
 *
 * Threads. One control thread (the EAL main lcore in yard-dp, the only
 * thread in yard-replay) is the single writer of every table and the only
 * caller of every function here unless a function says otherwise. Workers
 * read tables without locks under rte_rcu_qsbr and report quiescence once
 * per graph walk. Functions marked "worker" are safe on the packet path:
 * they do not allocate, lock, log or make system calls.
 *
 * Ports. A port's index fits in 16 bits and is below DP_PORTS_MAX. The
 * indexes below RTE_MAX_ETHPORTS are ethdevs (index = ethdev port id); the
 * ones above are devices a module drives itself (vNICs on rte_vhost, see
 * dp_port_dev_add()), so that they take no ethdev slot. Each worker owns tx
 * queue number `worker index` on every port, and polls the rx queues
 * assigned to it.
 */
#ifndef YARD_DATAPLANE_H
#define YARD_DATAPLANE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_graph.h>
#include <rte_graph_worker.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_prefetch.h>
#include <rte_rcu_qsbr.h>

/* ------------------------------------------------------------------ */
/* Logging                                                             */

extern int dp_logtype;
#define DP_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_##level, dp_logtype, "dataplane: " fmt "\n", ##__VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Limits                                                              */

#define DP_WORKERS_MAX 16
#define DP_PORT_NAME_MAX 32
#define DP_PORT_NONE UINT16_MAX
/** Ports without an ethdev (dp_port_dev_add()), after the ethdev ones. */
#define DP_DEV_PORTS_MAX 1024
#define DP_PORTS_MAX (RTE_MAX_ETHPORTS + DP_DEV_PORTS_MAX)
#define DP_TRACE_MAX 14		/**< Nodes recorded per traced packet. */
#define DP_RX_BURST 64		/**< Packets read from one rx queue per poll. */

/* ------------------------------------------------------------------ */
/* Per-packet metadata                                                 */

/*
 * What the nodes pass along with a packet lives in the mbuf itself, in the
 * cache lines a packet's way touches anyway: the ingress port is m->port
 * (first line), the rest is a dynamic field (second line, which freeing the
 * mbuf reads). Copies made with rte_pktmbuf_copy() keep both.
 */
struct dp_meta {
	uint16_t out_port;	/**< Egress port index, set before port-tx. */
	uint16_t bd;		/**< Network (bridge domain) index. */
	uint8_t drop_reason;	/**< Set before enqueueing to "drop". */
	/**
	 * 0 for a frame received on a port. A module that injects a frame into
	 * the L2 path (m->port = DP_PORT_NONE then) sets its own tag here, its
	 * switch flood-listener edge, so that the frame is not flooded back to
	 * it.
	 */
	uint8_t origin;
	uint8_t pad;
	uint16_t inject_next;	/**< dp_inject(): the inject node's edge. */
	uint16_t pad2;
};

extern int dp_meta_offset;

static inline struct dp_meta *
dp_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, dp_meta_offset, struct dp_meta *);
}

/** A decision a node recorded for a traced packet (dp_trace_note()). */
struct dp_trace_note {
	uint8_t at;		/**< Index in trace[] of the node that decided. */
	uint8_t what;		/**< From dp_trace_what_register(). */
	uint16_t pad;
	uint32_t arg;		/**< Formatted by the what's formatter. */
};

#define DP_TRACE_NOTES 6	/**< Decisions recorded per traced packet. */

/*
 * Trace records, in the mbuf private area: only touched while tracing, so
 * the line they sit in stays cold otherwise. Flood copies copy them whole.
 */
struct dp_mbuf_priv {
	uint32_t trace_id;	/**< Packet number (yard-replay, live trace). */
	uint8_t trace_n;	/**< Entries used in trace[]. */
	uint8_t note_n;		/**< Entries used in note[]. */
	uint8_t trace_sel;	/**< Live trace: its session + 1; 0: not traced. */
	uint8_t pad;
	/* As received (port-rx, inject): length, VLAN (0xffff: none), MACs. */
	uint16_t rx_len;
	uint16_t rx_vlan;
	uint8_t rx_eth[12];
	uint16_t trace[DP_TRACE_MAX];	/**< Node ids the packet went through. */
	struct dp_trace_note note[DP_TRACE_NOTES];
};

static inline struct dp_mbuf_priv *
dp_priv(struct rte_mbuf *m)
{
	return (struct dp_mbuf_priv *)rte_mbuf_to_priv(m);
}

/* ------------------------------------------------------------------ */
/* Drop reasons                                                        */

/*
 * Reasons are small integers (they fit the uint8_t in struct dp_meta). The
 * dataplane's own come first; each module lists its names in its struct
 * dp_module and gets its ids at registration, so no module needs another's
 * headers and no range is fixed in advance.
 */
#define DP_DROP_MAX 256

#define foreach_dp_drop				\
	_(NONE, "none")				\
	_(TX_REFUSED, "tx-refused")			\
	_(NO_PORT, "no-port")			\
	_(NO_BUFFER, "no-buffer")		\
	_(PORT_UNATTACHED, "port-unattached")

enum dp_drop {
#define _(sym, str) DP_DROP_##sym,
	foreach_dp_drop
#undef _
	DP_DROP_N_,
};

/** The reason's name, or NULL for an unregistered id. */
const char *dp_drop_reason_name(unsigned int reason);

/** The id of the reason called `name`, or -ENOENT. */
int dp_drop_reason_find(const char *name);

/* ------------------------------------------------------------------ */
/* Modules                                                             */

/*
 * A feature is a module: it registers itself once, from a constructor
 * (DP_MODULE_REGISTER), and the programs call dp_modules_*() without naming
 * any feature. Every callback is optional and runs on the control thread.
 *
 * Order: modules are initialised, applied and exported in dependency order
 * (a module after those named in `deps`), finalised and pruned in reverse.
 * Graph edges that a module adds to another module's node (the parents'
 * registration calls, e.g. dp_port_rx_next_add()) must be added in `init`:
 * dp_init() creates the workers' graphs after every module's init.
 *
 * The topology types are those of control/topology (topology.h); they are
 * only declared here, so the dataplane library needs none of it.
 */
struct rpc_server;
struct topo;

struct dp_module {
	const char *name;
	/** Names of the modules this one needs first; NULL-terminated, or NULL. */
	const char *const *deps;
	/**
	 * A program parameter ("fdb-size", ...) offered to every module before
	 * init; return -ENOENT when it is not this module's, -EINVAL (with a
	 * message in `why`) when the value is bad, 0 when taken.
	 */
	int (*param)(const char *key, const char *value, char *why, size_t len);
	/** Make tables, register nodes' edges. 0 or -errno. */
	int (*init)(void);
	/** Free what init and later calls made. */
	void (*fini)(void);
	/**
	 * Housekeeping, every turn of the control loop (yard-dp: about every
	 * millisecond; yard-replay: before and after every batch). The clock,
	 * dp_clock_now(), has been set.
	 */
	void (*tick)(void);
	/** Add the module's JSON-RPC methods. 0 or -errno. */
	int (*api_register)(struct rpc_server *srv);
	/**
	 * Create or update what the module owns of topology `t` (its sections,
	 * or its part of another module's objects). 0, or -errno with `why`
	 * naming the object and the reason.
	 */
	int (*apply)(const struct topo *t, char *why, size_t len);
	/** Delete what the module holds that `t` does not name. */
	void (*prune)(const struct topo *t);
	/**
	 * Fill the module's sections (or its part of objects an earlier module
	 * exported) of `t`, allocated with malloc() as topo_free() expects.
	 */
	int (*export)(struct topo *t);
	/**
	 * Port `port` is about to be removed (dp_port_del()): stop forwarding
	 * to it. Called in reverse order, before the port is closed.
	 */
	void (*port_del)(uint16_t port);
	/**
	 * yard-dp's `batch` runs operations one after the other. While
	 * dp_batch_open(), a module whose changes are costly (a table rebuilt
	 * whole) may set the changes its methods get aside, after checking
	 * what it can, and carry them out together here: the batch calls every
	 * module's flush before an operation of another method than the one
	 * before, before reporting an error and at its end. 0, or -errno with
	 * `why` and `*failed`: the number (0 for the first) of the call set
	 * aside since the last flush whose change failed; the changes before
	 * it are done, it and the later ones are not.
	 */
	int (*flush)(unsigned int *failed, char *why, size_t len);
	/** Drop reason names, for the reason codes 1..n_drops of the module. */
	const char *const *drop_names;
	unsigned int n_drops;
	/**
	 * Set at registration: the id of the module's reason code c (1..n_drops)
	 * is drop_base + c.
	 */
	unsigned int drop_base;
	struct dp_module *next_registered;
};

/** Register a module; from DP_MODULE_REGISTER. Aborts on a full reason table. */
void dp_module_register(struct dp_module *m);

#define DP_MODULE_REGISTER(m)					\
	RTE_INIT(dp_module_register_##m)			\
	{							\
		dp_module_register(&(m));			\
	}

/**
 * Offer a program parameter to the modules. -ENOENT when no module takes
 * `key`, -EINVAL with `why` filled when one refuses its value.
 */
int dp_modules_param(const char *key, const char *value, char *why, size_t len);

/** Every module's tick, in order. */
void dp_modules_tick(void);

/** Every module's api_register, in order. 0 or the first error. */
int dp_modules_api_register(struct rpc_server *srv);

/**
 * Make the dataplane hold `t`: every module's apply in order; then, when
 * `prune`, every module's prune in reverse order.
 *
 * @return
 *   0, or the first error (-errno, `why` filled). Objects applied before
 *   the failure stay applied.
 */
int dp_modules_apply(const struct topo *t, bool prune, char *why, size_t len);

/** Fill `t` (empty) with what the modules hold, in order. 0 or -errno. */
int dp_modules_export(struct topo *t);

/** Open (true) or close a batch: whether modules may set changes aside. */
void dp_batch_set(bool open);

/** Whether a batch is open (struct dp_module, flush). */
bool dp_batch_open(void);

/**
 * Every module's flush, in order: 0, or the first error with `why` and
 * `*failed` (see struct dp_module).
 */
int dp_modules_flush(unsigned int *failed, char *why, size_t len);

/* ------------------------------------------------------------------ */
/* Counters (per worker, summed on read)                               */

struct dp_port_counters {
	uint64_t rx_pkts, rx_bytes;
	uint64_t tx_pkts, tx_bytes;
	uint64_t drops;		/**< Packets from this port dropped in the graph. */
	uint64_t tx_drops;	/**< Packets for this port the queue refused. */
};

struct dp_worker {
	unsigned int index;	/**< 0..n_workers-1; also its tx queue. */
	unsigned int lcore;
	struct rte_graph *graph;
	char graph_name[RTE_GRAPH_NAMESIZE];
	struct dp_poll_list *poll;	/**< RCU-published rx queue list. */
	uint64_t idle_loops;
	uint64_t last_rx;	/**< Packets read by the last port-rx call. */
	uint64_t last_inject;	/**< Packets the last inject call took. */
	struct dp_port_counters ports[DP_PORTS_MAX];
	uint64_t drops[DP_DROP_MAX];
} __rte_cache_aligned;

/** Rx queues one worker polls. Replaced, never edited, under RCU. */
struct dp_poll_list {
	unsigned int n;
	struct {
		uint16_t port;
		uint16_t queue;
		uint16_t next;	/**< The port's rx_next when published. */
		/** The port's device (dp_port_dev_add()), NULL for an ethdev. */
		void *dev;
		uint16_t (*rx_burst)(void *dev, uint16_t queue,
				     struct rte_mbuf **pkts, uint16_t n);
	} q[];
};

extern struct dp_worker dp_workers[DP_WORKERS_MAX];
extern unsigned int dp_n_workers;

/* ------------------------------------------------------------------ */
/* Shared state                                                        */

extern struct rte_rcu_qsbr *dp_rcu;
extern struct rte_mempool *dp_pool;

/*
 * The dataplane clock in seconds. yard-dp follows CLOCK_MONOTONIC;
 * yard-replay sets it from pcap timestamps. Written by the control thread,
 * read by workers (worker-safe).
 */
extern uint64_t dp_clock_sec;

static inline uint32_t
dp_clock_now(void)
{
	return (uint32_t)__atomic_load_n(&dp_clock_sec, __ATOMIC_RELAXED);
}

void dp_clock_set(uint64_t sec);

/* ------------------------------------------------------------------ */
/* Start and stop                                                      */

struct dp_config {
	unsigned int n_workers;	/**< Graphs to create (1..DP_WORKERS_MAX). */
	bool launch;		/**< false: no worker lcores are launched; the
				  * caller walks dp_workers[0].graph itself
				  * (yard-replay). */
	unsigned int n_mbufs;	/**< 0: a default sized for the workers. */
};

/**
 * Build the EAL argument vector for a yard-dp style program and start the
 * EAL. Adds --no-huge (and says so in the log) when no hugepages are free,
 * --file-prefix from `prefix` unless `extra` has one, and the lcore list.
 *
 * @param prog
 *   argv[0].
 * @param prefix
 *   Runtime file prefix, unique per process on the machine.
 * @param worker_cpus
 *   NULL for "--workers N": N workers on CPUs after the main one; else a
 *   comma-separated CPU list for the workers.
 * @param in_memory
 *   true for yard-replay: --in-memory --no-pci, nothing left on disk.
 * @return
 *   0 or -errno (a message has been printed): -EADDRINUSE when another
 *   process holds the prefix (nothing was touched then).
 */
int dp_eal_init(const char *prog, const char *prefix, unsigned int n_workers,
		const char *worker_cpus, bool in_memory, int n_extra,
		char **extra, bool *no_huge);

/** Create the mbuf pool, the RCU variable and the workers' graphs. */
int dp_init(const struct dp_config *cfg);

/** Launch the worker lcores (cfg->launch). */
int dp_workers_start(void);

/** Ask workers to stop and wait for them. Idempotent. */
void dp_workers_stop(void);

/** Stop ports, destroy graphs, free everything dp_init() made. */
void dp_fini(void);

/**
 * Which process holds an EAL runtime prefix: a running primary keeps a
 * write lock on its config file. Reads only; call it before dp_eal_init().
 *
 * @param prefix
 *   The --file-prefix to look at.
 * @return
 *   The holder's pid (> 0), 0 when nobody holds the prefix, or -errno when
 *   its config file cannot be read.
 */
int dp_eal_prefix_holder(const char *prefix);

/**
 * rte_eal_cleanup(), then remove the EAL's runtime directory. Only after a
 * dp_eal_init() that returned 0: the directory might be another's.
 */
void dp_eal_fini(void);

/**
 * Wait until every worker has passed a quiescent state since this call:
 * after it, nothing a worker read from an unpublished object is in use.
 * In yard-replay (no launched workers) the caller is between walks, so this
 * returns at once.
 */
void dp_rcu_synchronize(void);

/* ------------------------------------------------------------------ */
/* Ports                                                               */

/**
 * A port that is not an ethdev: its module drives the device and gives the
 * port layer these calls (dp_port_dev_add()).
 */
struct dp_port_ops {
	/**
	 * Worker: read at most `n` frames from rx queue `queue` into `pkts`.
	 * Returns how many.
	 */
	uint16_t (*rx_burst)(void *dev, uint16_t queue, struct rte_mbuf **pkts,
			     uint16_t n);
	/**
	 * Worker: send pkts[0..n) on tx queue `queue` (the worker's index);
	 * returns how many were taken. Those are the device's (it frees them),
	 * the others stay the caller's, as with rte_eth_tx_burst().
	 */
	uint16_t (*tx_burst)(void *dev, uint16_t queue, struct rte_mbuf **pkts,
			     uint16_t n);
	/** Control thread: the link as an ethdev would say it. */
	void (*link_get)(void *dev, struct rte_eth_link *link);
	/** Control thread: per-queue packets (q_ipackets, q_opackets, ...). */
	void (*stats_get)(void *dev, struct rte_eth_stats *stats);
	/** Control thread: free the device; no worker uses it any more. */
	void (*close)(void *dev);
};

struct dp_port {
	bool used;
	char name[DP_PORT_NAME_MAX];
	char devargs[256];	/**< Or, for a device port, what it is. */
	uint16_t port_id;	/**< The ethdev (ethdev ports only). */
	uint16_t n_rxq, n_txq;
	struct rte_ether_addr mac;
	bool probed;		/**< We probed the device: we remove it. */
	bool lsc;		/**< Link changes come as events. */
	/** Its rx queues are in the poll lists (dp_port_rx_poll_set()). */
	bool rx_polled;
	uint16_t rx_next;	/**< port-rx edge its frames take (0: drop). */
	uint64_t link_events;	/**< Link up/down events seen (any thread). */
	/* DP_PORT_RING (yard-replay): the harness feeds rx and drains tx. */
	struct rte_ring *rx_ring, *tx_ring;
	/* A device port (index >= RTE_MAX_ETHPORTS): its calls and device. */
	const struct dp_port_ops *ops;
	void *dev;
};

extern struct dp_port dp_ports[DP_PORTS_MAX];

/**
 * Hook that makes the ethdev for a new port; yard-replay installs one that
 * makes ring ports whatever the devargs. NULL: probe `devargs`.
 */
typedef int (*dp_port_factory_fn)(const char *name, const char *devargs,
				  struct dp_port *p);
void dp_port_factory_set(dp_port_factory_fn fn);

/** The hook dp_port_factory_set() installed, or NULL. */
dp_port_factory_fn dp_port_factory_get(void);

/**
 * A factory (for dp_port_factory_set()) that makes every port a pair of
 * rings, whatever its devargs: the caller feeds p->rx_ring and drains
 * p->tx_ring (yard-replay, tests). Rings of 1,024 (rx) and 4,096 (tx).
 */
int dp_port_ring_make(const char *name, const char *devargs, struct dp_port *p);

/**
 * Create and start a port from devargs ("net_tap0,iface=yt0", a PCI
 * address, ...), with one rx queue per worker where the driver allows and
 * one tx queue per worker, and add its rx queues to the workers' poll lists.
 *
 * @return
 *   The port index (>= 0), or -errno: -EEXIST (name in use), -EINVAL (bad
 *   devargs: a message names them), -ENODEV (a PCI device while the EAL
 *   runs without PCI), -ENOTSUP (driver cannot give one tx queue per
 *   worker). dp_port_error() then says why in one line.
 */
int dp_port_add(const char *name, const char *devargs);

/**
 * Print a MAC address the way every Switchyard output does: lower case,
 * "52:54:00:00:01:01" (rte_ether_format_addr() prints upper case).
 *
 * @param buf
 *   At least RTE_ETHER_ADDR_FMT_SIZE bytes.
 */
static inline void
dp_mac_format(char *buf, size_t len, const struct rte_ether_addr *mac)
{
	const uint8_t *b = mac->addr_bytes;

	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2],
		 b[3], b[4], b[5]);
}

/**
 * Add a port whose device module `ops` drives (a vNIC): it takes an index
 * from RTE_MAX_ETHPORTS up, no ethdev. Its rx queues are not polled until
 * dp_port_rx_poll_set() says so.
 *
 * @param what
 *   What the device is, for people (port.list shows it as the devargs).
 * @param n_rxq, n_txq
 *   Rx queues to poll (queue q by worker q % workers); tx queues (at
 *   least one per worker: worker w sends on queue w).
 * @return
 *   The port index (the port owns `dev` then: its close frees it), or
 *   -EEXIST (name in use), -ENAMETOOLONG, -ENOSPC (no index left), -EINVAL
 *   (fewer tx queues than workers), -ENOMEM; the caller keeps `dev`.
 */
int dp_port_dev_add(const char *name, const char *what,
		    const struct dp_port_ops *ops, void *dev, uint16_t n_rxq,
		    uint16_t n_txq, const struct rte_ether_addr *mac);

/** The port's link, from its ethdev or its device (zero when unknown). */
void dp_port_link_get(uint16_t port, struct rte_eth_link *link);

/**
 * The port's driver statistics, per queue included, from its ethdev or
 * its device. 0 or -errno.
 */
int dp_port_stats_get(uint16_t port, struct rte_eth_stats *stats);

/**
 * Whether the workers poll the rx queues of port `port`: a device port
 * whose rings are not ready costs the poll loop nothing. Takes effect
 * after an RCU grace period (this call waits for it when it changes
 * something).
 *
 * @return
 *   0, -ENOENT, -ENOMEM.
 */
int dp_port_rx_poll_set(uint16_t port, bool on);

/**
 * Why the last dp_port_add() failed, as one line that names the port and
 * the device, with what the EAL or the driver said (those say it only in
 * their log). "" when it did not fail or gave no reason. Control thread.
 */
const char *dp_port_error(void);

/**
 * Tell the modules (their port_del), remove the port from the poll lists,
 * wait for the workers (RCU), stop and close it.
 */
int dp_port_del(uint16_t port);

/**
 * Add node `node_name` as a next node of port-rx: the first node of the
 * ports of some role (the L2 switch's first node for its ports, the overlay's
 * underlay-input for its underlay port). Module init only.
 *
 * @return
 *   The edge (> 0), or -errno.
 */
int dp_port_rx_next_add(const char *node_name);

/**
 * Send what port `port` receives to port-rx edge `next` (from
 * dp_port_rx_next_add()); 0 drops it as port-unattached, which is where a
 * new port starts. Takes effect for the workers after an RCU grace period.
 *
 * @return
 *   0, -ENOENT (no such port), -EINVAL (no such edge).
 */
int dp_port_rx_next_set(uint16_t port, uint16_t next);

/* ------------------------------------------------------------------ */
/* Packets from the control thread                                     */

/*
 * The control thread sends packets (ARP requests, ICMP errors, packets
 * held for a neighbor) through the graph: dp_inject() queues a packet on a
 * worker's ring, that worker's "inject" source node hands it to an edge of
 * its own: port-tx (dp_port_tx_ctrl()), or a node a module added with
 * dp_inject_next_add(). The packet's trace and drops are counted like any
 * other's; its m->port is DP_PORT_NONE unless it names a real port.
 */
enum { DP_INJECT_NEXT_DROP, DP_INJECT_NEXT_PORT_TX };

/** Add node `node_name` as a next node of inject. Module init only. The edge or -errno. */
int dp_inject_next_add(const char *node_name);

/**
 * Queue `m` for edge `next` of a worker's inject node. Control thread.
 *
 * @return
 *   0 (the graph owns `m`), or -ENOBUFS (ring full: the caller still owns
 *   `m`), -ENODEV (no workers).
 */
int dp_inject(struct rte_mbuf *m, uint16_t next);

/**
 * dp_inject() on worker `worker` (modulo the number of workers): packets
 * queued on one worker leave in the order queued (held packets of one flow).
 */
int dp_inject_on(unsigned int worker, struct rte_mbuf *m, uint16_t next);

/** Send `m` out of port `port` (ready to go: port-tx only counts it). As dp_inject(), -ENOENT. */
int dp_port_tx_ctrl(uint16_t port, struct rte_mbuf *m);

/** Whether injected packets wait for a walk (yard-replay walks until not). */
bool dp_inject_pending(void);

/** Index of the port called `name`, or -ENOENT. */
int dp_port_find(const char *name);

/** Sum of the workers' counters for a port. */
void dp_port_counters_get(uint16_t port, struct dp_port_counters *out);

/* ------------------------------------------------------------------ */
/* Trace                                                               */

/*
 * When a trace sink is set, every node records its id in the packet's
 * dp_mbuf_priv.trace[] and port-tx and drop hand each packet to the sink as
 * it leaves. Nodes test dp_trace_on once per vector and run a separate
 * inline instance when it is set, so tracing costs nothing when off.
 */
typedef void (*dp_trace_fn)(struct rte_mbuf *m, uint16_t out_port,
			    unsigned int drop_reason);
extern bool dp_trace_on;
extern dp_trace_fn dp_trace_sink;

static inline void
dp_trace_add(struct rte_mbuf *m, const struct rte_node *node)
{
	struct dp_mbuf_priv *p = dp_priv(m);

	/* A full record keeps the newest node last: the one that dropped. */
	if (p->trace_n < DP_TRACE_MAX)
		p->trace[p->trace_n++] = node->id;
	else
		p->trace[DP_TRACE_MAX - 1] = node->id;
}

/**
 * Start the trace record of a packet entering the graph (port-rx, inject):
 * an empty path and notes, its length, VLAN and MACs as received. Worker.
 */
static inline void
dp_trace_begin(struct rte_mbuf *m, const struct rte_node *node)
{
	struct dp_mbuf_priv *p = dp_priv(m);
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

	p->trace_n = 0;
	p->note_n = 0;
	p->trace_sel = 0;
	p->rx_len = (uint16_t)RTE_MIN(m->pkt_len, (uint32_t)UINT16_MAX);
	p->rx_vlan = 0xffff;
	if (m->data_len >= 18) {
		memcpy(p->rx_eth, d, sizeof(p->rx_eth));
		if (d[12] == 0x81 && d[13] == 0x00)
			p->rx_vlan = (uint16_t)((d[14] << 8 | d[15]) & 0xfff);
	} else {
		memset(p->rx_eth, 0, sizeof(p->rx_eth));
	}
	dp_trace_add(m, node);
}

/*
 * Decisions. A module registers what its nodes decide ("fdb-hit", with a
 * formatter that names the port) once, from a constructor or its init, and
 * its nodes record them on traced packets with dp_trace_note(): yard-replay
 * --trace and yardctl trace print each next to the node that made it.
 */
#define DP_TRACE_WHAT_MAX 64

/** Write what `arg` means into buf (snprintf-like); control thread. */
typedef int (*dp_trace_fmt_fn)(char *buf, size_t len, uint32_t arg);

/**
 * Register a kind of decision. `name` is printed before the formatted
 * argument ("fdb-hit h2"); `fmt` NULL prints the argument as a number,
 * dp_trace_fmt_port as a port name, dp_trace_fmt_none not at all.
 *
 * @return
 *   Its id (> 0), or -ENOSPC.
 */
int dp_trace_what_register(const char *name, dp_trace_fmt_fn fmt);

int dp_trace_fmt_port(char *buf, size_t len, uint32_t arg);
int dp_trace_fmt_none(char *buf, size_t len, uint32_t arg);

/** Record decision `what` (argument `arg`) of the node last on m's path. Worker, while tracing. */
static inline void
dp_trace_note(struct rte_mbuf *m, unsigned int what, uint32_t arg)
{
	struct dp_mbuf_priv *p = dp_priv(m);

	if (p->note_n < DP_TRACE_NOTES && what > 0) {
		struct dp_trace_note *t = &p->note[p->note_n++];

		t->at = (uint8_t)(p->trace_n ? p->trace_n - 1 : 0);
		t->what = (uint8_t)what;
		t->arg = arg;
	}
}

/**
 * One line for a traced packet: "in=h1 len=98 02:..:01 > 02:..:02 vlan=-:
 * port-rx > eth-input (network blue) > l2-input (fdb-hit h2) > port-tx
 * => out h2", or "=> dropped by NODE (reason)". No newline. Control thread.
 *
 * @param in_port
 *   The port it came in by (m->port), DP_PORT_NONE for an injected one.
 * @param out_port
 *   The port it left by, or DP_PORT_NONE when dropped for `reason`.
 */
void dp_trace_format(char *buf, size_t len, const struct dp_mbuf_priv *p,
		     uint16_t in_port, uint16_t out_port, unsigned int reason);

/**
 * Turn path recording on (hold) or off (release) for one more or one less
 * user: dp_trace_on is set while anyone holds it. Control thread.
 */
void dp_trace_hold(void);
void dp_trace_release(void);

/* ------------------------------------------------------------------ */
/* Capture                                                             */

/*
 * Capture sessions copy the frames a port receives (rx), sends (tx) or the
 * graph drops (drop) into per-worker rings that the control thread drains.
 * A worker never waits: when a session's ring or the record pool is full,
 * the copy is counted as that session's loss and the original goes on.
 *
 * The taps sit in port-rx, port-tx and drop, so they see every kind of
 * port. With no session open a tap costs one predictable branch per burst
 * (dp_capture_tap()). A filter is a libpcap expression compiled with
 * pcap_compile() and run by the workers with libpcap's bpf_filter().
 */
#define DP_CAPTURE_MAX 32	/**< Sessions open at once. */
#define DP_CAPTURE_SNAPLEN 2048	/**< Bytes kept of a frame at most. */
#define DP_CAPTURE_RING 1024	/**< Default records waiting per worker. */
#define DP_NODE_NONE UINT16_MAX	/**< No node (dp_capture_rec.node). */

enum dp_capture_dir {
	DP_CAPTURE_RX = 1 << 0,
	DP_CAPTURE_TX = 1 << 1,
	DP_CAPTURE_DROP = 1 << 2,
	/**
	 * A live trace: port-rx marks the next `count` matching packets, and
	 * each leaves one record where it leaves the graph (port-tx or drop)
	 * with its path and decisions in `priv`. Alone in its session.
	 */
	DP_CAPTURE_TRACE = 1 << 3,
};

struct dp_capture_params {
	unsigned int dirs;	/**< enum dp_capture_dir bits (not 0). */
	uint16_t port;		/**< A port index, or DP_PORT_NONE: all. */
	int reason;		/**< Drops: a reason id, or -1: all. */
	int bd;			/**< Drops: a network index, or -1: all. */
	const char *filter;	/**< libpcap expression; NULL or "": all. */
	unsigned int ring_size;	/**< Per worker, power of 2; 0: DP_CAPTURE_RING. */
	uint32_t count;		/**< Trace: packets to mark (> 0). */
};

/** One captured frame, as the control thread reads it. */
struct dp_capture_rec {
	uint64_t tsc;		/**< rte_rdtsc() when the worker copied it. */
	uint32_t orig_len;	/**< The frame's length (pkt_len). */
	uint16_t cap_len;	/**< Bytes in data[]. */
	uint16_t port;		/**< rx/drop: ingress port; tx: egress port. */
	uint8_t dir;		/**< One enum dp_capture_dir bit. */
	uint8_t reason;		/**< drop: the drop reason. */
	uint16_t node;		/**< drop: the dropping node's id, or
				  * DP_NODE_NONE when unknown. */
	uint16_t bd;		/**< drop: the network index it had. */
	uint16_t in_port;	/**< trace: m->port. */
	struct dp_mbuf_priv priv;	/**< trace: the packet's record. */
	uint8_t data[DP_CAPTURE_SNAPLEN];
};

struct dp_capture_stats {
	uint64_t copied;	/**< Records the workers queued. */
	uint64_t lost;		/**< Matching frames not copied: ring or pool full. */
};

/** Bits of the open sessions' dirs (worker-safe read). */
extern uint32_t dp_capture_dirs;

/** A traced packet leaves the graph: queue its record. Worker. */
void dp_trace_emit(struct dp_worker *wk, struct rte_mbuf *m, uint16_t out_port,
		   unsigned int reason);

/** The slow path of dp_capture_tap(): copy the matching frames. Worker. */
void dp_capture_burst(struct dp_worker *wk, unsigned int dir,
		      struct rte_mbuf **pkts, uint16_t n);

/**
 * Offer a burst to the capture sessions of direction `dir`: rx and drop
 * frames by m->port, tx frames by their out_port. One branch when none is
 * open. Worker.
 */
static __rte_always_inline void
dp_capture_tap(struct dp_worker *wk, unsigned int dir, struct rte_mbuf **pkts,
	       uint16_t n)
{
	if (unlikely(__atomic_load_n(&dp_capture_dirs, __ATOMIC_RELAXED) & dir))
		dp_capture_burst(wk, dir, pkts, n);
}

/**
 * Open a capture session.
 *
 * @param why
 *   Filled when it fails: the libpcap message for a filter that does not
 *   compile, or what ran out.
 * @return
 *   The session id (>= 0), or -EINVAL (bad params or filter), -ENOSPC
 *   (DP_CAPTURE_MAX sessions open), -ENOMEM.
 */
int dp_capture_start(const struct dp_capture_params *p, char *why, size_t len);

/**
 * Take up to `max` records of session `id`, oldest first per worker; give
 * each back with dp_capture_rec_free().
 *
 * @return
 *   Records taken, or -ENOENT.
 */
int dp_capture_read(int id, struct dp_capture_rec **recs, unsigned int max);

/** Give records back to the pool (NULL entries are skipped). */
void dp_capture_rec_free(struct dp_capture_rec **recs, unsigned int n);

/** Counters of session `id`. 0 or -ENOENT. */
int dp_capture_stats_get(int id, struct dp_capture_stats *st);

/**
 * Close session `id`: the workers stop copying (after an RCU grace period)
 * and what it still held is freed. 0 or -ENOENT.
 */
int dp_capture_stop(int id);

/** Nanoseconds since the epoch at TSC value `tsc` (control thread). */
uint64_t dp_capture_time_ns(uint64_t tsc);

/* ------------------------------------------------------------------ */
/* Node helpers                                                        */

/** The worker whose graph runs this node (set as node ctx at init). */
static inline struct dp_worker *
dp_node_worker(const struct rte_node *node)
{
	return *(struct dp_worker *const *)node->ctx;
}

/**
 * Add node `node_name` as a next node of `parent`, for the parents'
 * registration calls (dp_port_rx_next_add(), the switch's ...). Module init
 * only: graphs made before do not see the edge.
 *
 * @return
 *   The edge (> 0), or -ENOENT (no such node), -ENOSPC.
 */
int dp_node_next_add(const char *parent, const char *node_name);

/** Node init callback storing the worker in ctx; shared by all nodes. */
int dp_node_init_worker(const struct rte_graph *graph, struct rte_node *node);

/**
 * The process callback of node `name`: its inline body name##_inline(graph,
 * node, objs, n, trace), instantiated with tracing on and off so that
 * tracing costs one branch per vector when it is off.
 */
#define DP_NODE_PROCESS(name)						\
static uint16_t								\
name##_process(struct rte_graph *graph, struct rte_node *node,		\
	       void **objs, uint16_t n)					\
{									\
	if (unlikely(dp_trace_on))					\
		return name##_inline(graph, node, objs, n, true);	\
	return name##_inline(graph, node, objs, n, false);		\
}

/** true when nexts[0..n) all equal nexts[0]; four at a time. */
static __rte_always_inline bool
dp_nexts_uniform(const uint16_t *nexts, uint16_t n)
{
	const uint64_t all = nexts[0] * UINT64_C(0x0001000100010001);
	uint64_t diff = 0;
	uint16_t i;

	for (i = 0; i + 4 <= n; i += 4) {
		uint64_t w;

		memcpy(&w, &nexts[i], sizeof(w));
		diff |= w ^ all;
	}
	for (; i < n; i++)
		diff |= nexts[i] ^ nexts[0];
	return diff == 0;
}

/**
 * Enqueue objs[0..n) to the next nodes given in nexts[], one
 * rte_node_enqueue() per run of equal next edges. For packets that are not
 * the node's whole input vector (a source node's, or a vector some of which
 * the node kept).
 */
static inline void
dp_node_enqueue_runs(struct rte_graph *graph, struct rte_node *node,
		     void **objs, const uint16_t *nexts, uint16_t n)
{
	uint16_t i = 0;

	while (i < n) {
		uint16_t start = i, next = nexts[i];

		while (++i < n && nexts[i] == next)
			;
		rte_node_enqueue(graph, node, next, &objs[start], i - start);
	}
}

/**
 * Move objs[0..n) to the next nodes given in nexts[], in runs: one
 * rte_node_enqueue() per run of equal next edges, and the whole vector at
 * once when every packet goes the same way. `objs` and `n` must be the
 * node's whole input vector.
 */
static inline void
dp_node_enqueue_nexts(struct rte_graph *graph, struct rte_node *node,
		      void **objs, const uint16_t *nexts, uint16_t n)
{
	if (likely(n != 0) && dp_nexts_uniform(nexts, n)) {
		rte_node_next_stream_move(graph, node, nexts[0]);
		return;
	}
	dp_node_enqueue_runs(graph, node, objs, nexts, n);
}

/** A nexts[] value for a packet the node kept (freed, held): not enqueued. */
#define DP_NEXT_KEPT UINT16_MAX

/**
 * dp_node_enqueue_nexts() for a vector in which `n_kept` packets have
 * DP_NEXT_KEPT: the others go on in order. Compacts objs[] and nexts[].
 */
static inline void
dp_node_enqueue_nexts_kept(struct rte_graph *graph, struct rte_node *node,
			   void **objs, uint16_t *nexts, uint16_t n,
			   uint16_t n_kept)
{
	uint16_t k = 0;

	if (likely(n_kept == 0)) {
		dp_node_enqueue_nexts(graph, node, objs, nexts, n);
		return;
	}
	for (uint16_t i = 0; i < n; i++)
		if (nexts[i] != DP_NEXT_KEPT) {
			objs[k] = objs[i];
			nexts[k++] = nexts[i];
		}
	dp_node_enqueue_runs(graph, node, objs, nexts, k);
}

/** Count a drop for which there is no packet to send to "drop". */
static inline void
dp_worker_count_drop(struct dp_worker *wk, uint16_t in_port,
		     unsigned int reason)
{
	wk->drops[reason]++;
	if (likely(in_port < DP_PORTS_MAX))
		wk->ports[in_port].drops++;
}

/** Set a drop reason on a packet (the caller then sends it to "drop"). */
static inline void
dp_drop_set(struct rte_mbuf *m, unsigned int reason)
{
	dp_meta(m)->drop_reason = (uint8_t)reason;
}

/*
 * Prefetch for a loop over objs[]: the mbuf header of packet i + 8 and the
 * data of packet i + 4, whose header the previous call brought in.
 */
static __rte_always_inline void
dp_prefetch_ahead(void **objs, uint16_t i, uint16_t n)
{
	if (i + 8 < n)
		rte_prefetch0(objs[i + 8]);
	if (i + 4 < n)
		rte_prefetch0(rte_pktmbuf_mtod((struct rte_mbuf *)objs[i + 4],
					       void *));
}

/* ------------------------------------------------------------------ */
/* Node statistics                                                     */

struct dp_node_stats {
	char name[RTE_NODE_NAMESIZE];
	uint64_t calls, objs, cycles;
};

/**
 * Sum per-node packets, calls and cycles over all workers.
 *
 * @return
 *   Number of entries filled (at most `max`).
 */
unsigned int dp_node_stats_get(struct dp_node_stats *out, unsigned int max);

/**
 * Whether an ICMP error may be sent about the untagged IPv4 frame `m`
 * (RFC 1812 4.3.2.7): not about a broadcast or multicast, a fragment other
 * than the first, an ICMP error, or a packet from no one; and `m` is one
 * segment holding its IP header. Any thread.
 */
bool dp_icmp_error_may(const struct rte_mbuf *m);

/**
 * Turn `m` (passed by dp_icmp_error_may()) into an ICMP error `type`/`code`
 * about itself, in place: from `mac` and `addr` (network byte order) to its
 * sender's MAC and address, quoting its IP header and 8 bytes (RFC 792);
 * `mtu` fills the next-hop MTU field (0 for other errors). Any thread.
 *
 * @return
 *   0, or -ENOBUFS when the frame could not grow to the error's length.
 */
int dp_icmp_error_make(struct rte_mbuf *m, const struct rte_ether_addr *mac,
		       uint32_t addr, uint8_t type, uint8_t code, uint16_t mtu);

#endif /* YARD_DATAPLANE_H */
