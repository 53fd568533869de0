/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The FDB: one rte_hash keyed by (network, MAC) with lock-free readers, its
 * entries in a preallocated pool, learning from the workers' events, ageing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_hash_crc.h>
#include <rte_malloc.h>

#include "sw_priv.h"

RTE_LOG_REGISTER(sw_logtype, yard.switch, INFO);

struct rte_hash *sw_fdb;
struct rte_ring *sw_learn_ring;
struct sw_worker_stats sw_wstats[DP_WORKERS_MAX];

#define LEARN_RING_SIZE 16384
#define LEARN_DRAIN_MAX 4096

/* Pool of entries, control thread only. */
static struct sw_fdb_entry *pool;
static uint32_t *pool_free;
static uint32_t pool_n_free, pool_size;

/* Per network counters, control thread only. */
static struct {
	uint32_t learned;
	uint64_t refused;
	uint64_t moves;
} net_state[SW_NETWORKS_MAX];

static struct sw_stats stats;

static struct sw_fdb_entry *
entry_alloc(void)
{
	struct sw_fdb_entry *e;

	if (pool_n_free == 0)
		return NULL;
	e = &pool[pool_free[--pool_n_free]];
	e->in_use = 1;
	return e;
}

/* Called by the hash once no reader can hold the entry any more. */
static void
entry_release(void *p, void *key_data)
{
	struct sw_fdb_entry *e = key_data;

	RTE_SET_USED(p);
	e->in_use = 0;
	pool_free[pool_n_free++] = (uint32_t)(e - pool);
}

int
sw_init(uint32_t fdb_size)
{
	struct rte_hash_parameters hp = {
		.name = "yard_fdb",
		/* Headroom: a cuckoo table refuses inserts before it is full. */
		.entries = fdb_size + fdb_size / 4,
		.key_len = sizeof(struct sw_fdb_key),
		.hash_func = rte_hash_crc,
		.socket_id = (int)rte_socket_id(),
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			      RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	struct rte_hash_rcu_config rc = {
		.v = dp_rcu,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		.free_key_data_func = entry_release,
	};
	int ret;

	RTE_BUILD_BUG_ON(sizeof(struct sw_fdb_key) != 8);

	/*
	 * Entries waiting in the defer queue still hold a pool slot, so the
	 * pool has room for a full table plus a full queue.
	 */
	pool_size = 2 * (uint32_t)hp.entries;
	pool = rte_zmalloc("yard_fdb_pool", sizeof(*pool) * pool_size,
			   RTE_CACHE_LINE_SIZE);
	pool_free = rte_malloc("yard_fdb_free", sizeof(*pool_free) * pool_size, 0);
	if (pool == NULL || pool_free == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < pool_size; i++)
		pool_free[i] = pool_size - 1 - i;
	pool_n_free = pool_size;

	sw_fdb = rte_hash_create(&hp);
	if (sw_fdb == NULL) {
		SW_LOG(ERR, "cannot create the FDB (%u entries): %s", fdb_size,
		       rte_strerror(rte_errno));
		ret = -ENOMEM;
		goto fail;
	}
	ret = rte_hash_rcu_qsbr_add(sw_fdb, &rc);
	if (ret != 0) {
		ret = -rte_errno;
		goto fail;
	}
	sw_learn_ring = rte_ring_create_elem("yard_learn",
					     sizeof(struct sw_learn_event),
					     LEARN_RING_SIZE, (int)rte_socket_id(),
					     RING_F_SC_DEQ);
	if (sw_learn_ring == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	memset(&stats, 0, sizeof(stats));
	memset(net_state, 0, sizeof(net_state));
	stats.fdb_size = fdb_size;
	return 0;

fail:
	sw_fini();
	return ret;
}

void
sw_fini(void)
{
	for (uint16_t p = 0; p < DP_PORTS_MAX; p++)
		sw_port_clear(p);
	sw_networks_free();
	rte_ring_free(sw_learn_ring);
	sw_learn_ring = NULL;
	rte_hash_free(sw_fdb);
	sw_fdb = NULL;
	rte_free(pool);
	rte_free(pool_free);
	pool = NULL;
	pool_free = NULL;
}

static void
key_make(struct sw_fdb_key *k, uint16_t bd, const struct rte_ether_addr *mac)
{
	k->bd = bd;
	memcpy(k->mac, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
}

static struct sw_fdb_entry *
entry_lookup(const struct sw_fdb_key *k)
{
	void *data;

	if (rte_hash_lookup_data(sw_fdb, k, &data) < 0)
		return NULL;
	return data;
}

/* The cookie of the next entry_insert() (0 unless a remote entry). */
static uint16_t next_cookie;

static int
entry_insert(const struct sw_fdb_key *k, uint16_t port, uint8_t is_static)
{
	struct sw_fdb_entry *e = entry_alloc();
	int ret;

	if (e == NULL) {
		stats.fdb_full++;
		return -ENOSPC;
	}
	e->port = port;
	e->is_static = is_static;
	e->last_seen = dp_clock_now();
	e->key = *k;
	e->cookie = next_cookie;
	next_cookie = 0;
	/* The hash publishes the entry with release semantics. */
	ret = rte_hash_add_key_data(sw_fdb, k, e);
	if (ret < 0) {
		entry_release(NULL, e);
		stats.fdb_full++;
		return -ENOSPC;
	}
	stats.fdb_entries++;
	sw_gen_bump();
	return 0;
}

static void
entry_remove(struct sw_fdb_entry *e)
{
	struct sw_fdb_key k = e->key;

	if (!e->is_static && net_state[k.bd].learned > 0)
		net_state[k.bd].learned--;
	/* The entry goes back to the pool after a grace period. */
	if (rte_hash_del_key(sw_fdb, &k) >= 0) {
		stats.fdb_entries--;
		sw_gen_bump();
	}
}

static void
learn_one(const struct sw_learn_event *ev)
{
	const struct sw_network *net = sw_networks[ev->key.bd];
	const struct sw_port *sp = sw_ports[ev->port];
	struct sw_fdb_entry *e;

	/* The port or network may have changed since the event was queued. */
	if (net == NULL || sp == NULL || !sw_port_in_network(sp, ev->key.bd))
		return;
	e = entry_lookup(&ev->key);
	if (e != NULL) {
		if (e->is_static || e->port == ev->port)
			return;
		__atomic_store_n(&e->port, ev->port, __ATOMIC_RELEASE);
		__atomic_store_n(&e->last_seen, dp_clock_now(), __ATOMIC_RELAXED);
		sw_gen_bump();
		net_state[ev->key.bd].moves++;
		stats.moves++;
		return;
	}
	if (net_state[ev->key.bd].learned >= net->conf.mac_limit) {
		net_state[ev->key.bd].refused++;
		stats.learn_refused++;
		return;
	}
	if (entry_insert(&ev->key, ev->port, false) == 0) {
		net_state[ev->key.bd].learned++;
		stats.learned++;
	}
}

unsigned int
sw_learn_drain(void)
{
	struct sw_learn_event ev[64];
	unsigned int total = 0, n;

	do {
		n = rte_ring_sc_dequeue_burst_elem(sw_learn_ring, ev, sizeof(ev[0]),
						   RTE_DIM(ev), NULL);
		for (unsigned int i = 0; i < n; i++)
			learn_one(&ev[i]);
		total += n;
	} while (n != 0 && total < LEARN_DRAIN_MAX);
	return total;
}

/*
 * Collect the entries a predicate selects, then delete them: deleting
 * while rte_hash_iterate() walks would move keys under its feet.
 */
static unsigned int
fdb_remove_if(bool (*pred)(const struct sw_fdb_entry *e, const void *arg),
	      const void *arg)
{
	struct sw_fdb_entry *victims[256];
	unsigned int total = 0, n;

	do {
		const void *key;
		void *data;
		uint32_t it = 0;

		n = 0;
		while (n < RTE_DIM(victims) &&
		       rte_hash_iterate(sw_fdb, &key, &data, &it) >= 0)
			if (pred(data, arg))
				victims[n++] = data;
		for (unsigned int i = 0; i < n; i++)
			entry_remove(victims[i]);
		total += n;
	} while (n == RTE_DIM(victims));
	return total;
}

static bool
is_aged(const struct sw_fdb_entry *e, const void *arg)
{
	const struct sw_network *net = sw_networks[e->key.bd];
	uint32_t now = *(const uint32_t *)arg;
	uint32_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);

	if (e->is_static || net == NULL || net->conf.ageing == 0)
		return false;
	return now - seen >= net->conf.ageing;
}

unsigned int
sw_fdb_age(void)
{
	uint32_t now = dp_clock_now();
	unsigned int n = fdb_remove_if(is_aged, &now);

	stats.aged += n;
	return n;
}

struct flush_arg {
	int bd;
	uint16_t port;
	bool statics;
};

/* Owned entries go only with their network (or their owner). */
static bool
flush_match(const struct sw_fdb_entry *e, const void *arg)
{
	const struct flush_arg *fa = arg;

	if (e->is_static == SW_FDB_IS_OWNED)
		return fa->port == DP_PORT_NONE && fa->statics && fa->bd >= 0 &&
		       e->key.bd == fa->bd;
	return (fa->bd < 0 || e->key.bd == fa->bd) &&
	       (fa->port == DP_PORT_NONE || e->port == fa->port) &&
	       (fa->statics || !e->is_static);
}

unsigned int
sw_fdb_flush(int network, uint16_t port, bool statics)
{
	struct flush_arg fa = { network, port, statics };

	return fdb_remove_if(flush_match, &fa);
}

int
sw_fdb_static_add(uint16_t network, const struct rte_ether_addr *mac,
		  uint16_t port)
{
	struct sw_fdb_key k;
	struct sw_fdb_entry *e;

	if (network >= SW_NETWORKS_MAX || sw_networks[network] == NULL)
		return -ENOENT;
	if (port >= DP_PORTS_MAX || sw_ports[port] == NULL ||
	    !sw_port_in_network(sw_ports[port], network))
		return -EINVAL;
	if (rte_is_multicast_ether_addr(mac))
		return -EINVAL;
	key_make(&k, network, mac);
	e = entry_lookup(&k);
	if (e != NULL && e->is_static == SW_FDB_IS_OWNED)
		return -EEXIST;
	if (e != NULL)
		entry_remove(e);
	return entry_insert(&k, port, 1);
}

int
sw_mac_owner_add(uint16_t network, const struct rte_ether_addr *mac,
		 uint16_t edge)
{
	struct sw_fdb_key k;
	struct sw_fdb_entry *e;

	if (network >= SW_NETWORKS_MAX || sw_networks[network] == NULL)
		return -ENOENT;
	if (rte_is_multicast_ether_addr(mac) || edge < SW_L2_INPUT_OWN_EDGES ||
	    edge >= UINT16_MAX - SW_FDB_OWNED)
		return -EINVAL;
	key_make(&k, network, mac);
	e = entry_lookup(&k);
	if (e != NULL && e->is_static)
		return -EEXIST;
	/* A learned entry for the MAC gives way: a port was using it. */
	if (e != NULL)
		entry_remove(e);
	return entry_insert(&k, SW_FDB_OWNED + edge, SW_FDB_IS_OWNED);
}

/* Per l2-input edge: how its remote entries are named in listings. */
static void (*remote_describe[UINT8_MAX + 1])(uint16_t cookie, char *buf,
					      size_t len);

void
sw_remote_describe_set(uint16_t edge,
		       void (*fn)(uint16_t cookie, char *buf, size_t len))
{
	if (edge <= UINT8_MAX)
		remote_describe[edge] = fn;
}

int
sw_fdb_remote_learn(uint16_t network, const struct rte_ether_addr *mac,
		    uint16_t edge, uint16_t cookie)
{
	const struct sw_network *net;
	struct sw_fdb_key k;
	struct sw_fdb_entry *e;
	uint16_t port = (uint16_t)(SW_FDB_OWNED + edge);

	if (network >= SW_NETWORKS_MAX || (net = sw_networks[network]) == NULL)
		return -ENOENT;
	if (rte_is_multicast_ether_addr(mac) || edge < SW_L2_INPUT_OWN_EDGES ||
	    edge > UINT8_MAX)
		return -EINVAL;
	key_make(&k, network, mac);
	e = entry_lookup(&k);
	if (e != NULL) {
		if (e->is_static)
			return -EEXIST;
		__atomic_store_n(&e->last_seen, dp_clock_now(), __ATOMIC_RELAXED);
		if (e->port == port && e->cookie == cookie)
			return 0;
		/* A move: from a port, or from another VTEP. */
		__atomic_store_n(&e->cookie, cookie, __ATOMIC_RELAXED);
		__atomic_store_n(&e->port, port, __ATOMIC_RELEASE);
		sw_gen_bump();
		net_state[network].moves++;
		stats.moves++;
		return 0;
	}
	if (net_state[network].learned >= net->conf.mac_limit) {
		net_state[network].refused++;
		stats.learn_refused++;
		return -ENOSPC;
	}
	/* The cookie is set before the hash publishes the entry. */
	next_cookie = cookie;
	if (entry_insert(&k, port, 0) < 0)
		return -ENOSPC;
	net_state[network].learned++;
	stats.learned++;
	return 0;
}

static bool
remote_match(const struct sw_fdb_entry *e, const void *arg)
{
	return e->is_static == 0 && e->port == *(const uint16_t *)arg;
}

unsigned int
sw_fdb_remote_flush(uint16_t edge)
{
	uint16_t port = (uint16_t)(SW_FDB_OWNED + edge);

	return fdb_remove_if(remote_match, &port);
}

int
sw_mac_owner_del(uint16_t network, const struct rte_ether_addr *mac)
{
	struct sw_fdb_key k;
	struct sw_fdb_entry *e;

	if (network >= SW_NETWORKS_MAX)
		return -ENOENT;
	key_make(&k, network, mac);
	e = entry_lookup(&k);
	if (e == NULL || e->is_static != SW_FDB_IS_OWNED)
		return -ENOENT;
	entry_remove(e);
	return 0;
}

int
sw_fdb_del(uint16_t network, const struct rte_ether_addr *mac)
{
	struct sw_fdb_key k;
	struct sw_fdb_entry *e;

	if (network >= SW_NETWORKS_MAX)
		return -ENOENT;
	key_make(&k, network, mac);
	e = entry_lookup(&k);
	if (e == NULL || e->is_static == SW_FDB_IS_OWNED)
		return -ENOENT;
	entry_remove(e);
	return 0;
}

void
sw_fdb_walk(int network, int (*fn)(const struct sw_fdb_row *row, void *arg),
	    void *arg)
{
	uint32_t now = dp_clock_now(), it = 0;
	const void *key;
	void *data;

	while (rte_hash_iterate(sw_fdb, &key, &data, &it) >= 0) {
		const struct sw_fdb_entry *e = data;
		struct sw_fdb_row row;

		/* Owned MACs belong to their module's listing. */
		if ((network >= 0 && e->key.bd != network) ||
		    e->is_static == SW_FDB_IS_OWNED)
			continue;
		row.network = e->key.bd;
		memcpy(row.mac.addr_bytes, e->key.mac, RTE_ETHER_ADDR_LEN);
		row.port = e->port;
		row.is_static = e->is_static;
		row.age = e->is_static ? 0 : now - e->last_seen;
		row.remote[0] = '\0';
		if (e->port >= SW_FDB_OWNED) {
			uint16_t edge = (uint16_t)(e->port - SW_FDB_OWNED);

			row.port = DP_PORT_NONE;
			if (edge <= UINT8_MAX && remote_describe[edge] != NULL)
				remote_describe[edge](e->cookie, row.remote,
						      sizeof(row.remote));
			else
				snprintf(row.remote, sizeof(row.remote), "edge %u",
					 edge);
		}
		if (fn(&row, arg) != 0)
			break;
	}
}

void
sw_stats_get(struct sw_stats *out)
{
	*out = stats;
	out->learn_queue_full = 0;
	out->arp_suppressed = 0;
	for (unsigned int w = 0; w < DP_WORKERS_MAX; w++) {
		out->learn_queue_full += sw_wstats[w].learn_queue_full;
		out->arp_suppressed += sw_wstats[w].arp_suppressed;
	}
}

int
sw_network_get(uint16_t index, struct sw_network_info *info)
{
	const struct sw_network *net;

	if (index >= SW_NETWORKS_MAX || (net = sw_networks[index]) == NULL)
		return -ENOENT;
	memset(info, 0, sizeof(*info));
	info->conf = net->conf;
	info->index = index;
	info->n_ports = net->n_members;
	info->n_learned = net_state[index].learned;
	info->learn_refused = net_state[index].refused;
	info->moves = net_state[index].moves;
	return 0;
}

void
sw_fdb_network_reset(uint16_t bd)
{
	sw_fdb_flush(bd, DP_PORT_NONE, true);
	memset(&net_state[bd], 0, sizeof(net_state[bd]));
}
